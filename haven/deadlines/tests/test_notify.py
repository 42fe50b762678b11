"""Notifications (issue 6): ``notify`` writes the in-app rows in the caller's
transaction and e-mails after commit when e-mail is on; the deadline sweep and
break-glass use the same e-mail path. No e-mail ever carries personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from pytest_django import Settings

from haven.access.tests import test_break_glass as break_glass_tests
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.deadlines import notify as referral_notify
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case

pytestmark = pytest.mark.django_db

NARRATIVE = "Recruited through a synthetic job advert for berry picking."
GIVEN_NAME, FAMILY_NAME = "Aino", "Testinen"  # the person of open_case
BASE_URL = "https://haven.example.org"


@pytest.fixture
def email_on(settings: Settings) -> Settings:
    settings.HAVEN_EMAIL_NOTIFICATIONS = True
    settings.HAVEN_BASE_URL = BASE_URL
    return settings


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def staff(organisation: Organisation, name: str, **kwargs: Any) -> User:
    return UserFactory.create(
        organisation=organisation, username=name, email=f"{name}@example.org", **kwargs
    )


def a_case(organisation: Organisation) -> Case:
    return open_case(actor=staff(organisation, "opener"), narrative=NARRATIVE)


def tell(recipients: list[User], case: Case | None, **kwargs: Any) -> int:
    arguments: dict[str, Any] = {"kind": Notification.Kind.REFERRAL, "event": "received"}
    arguments.update(kwargs)
    return referral_notify.notify(
        recipients=recipients,
        case=case,
        subject_id="7c0ffee0-0000-4000-8000-000000000001",
        **arguments,
    )


def assert_no_personal_data(message: mail.EmailMessage) -> None:
    text = f"{message.subject}\n{message.body}"
    for personal in (GIVEN_NAME, FAMILY_NAME, NARRATIVE, "Safe house", "+358"):
        assert personal not in text


# --- notify: the in-app rows ------------------------------------------------------------


def test_it_notifies_each_distinct_active_recipient_once(ngo: Organisation) -> None:
    # given: one recipient listed twice, one who has left
    case = a_case(ngo)
    reader = staff(ngo, "reader")
    gone = staff(ngo, "gone", is_active=False)

    # when
    created = tell([reader, reader, gone], case)

    # then
    rows = Notification.objects.filter(kind=Notification.Kind.REFERRAL)
    assert created == 1
    assert [(n.recipient_id, n.case_id, n.event, n.task_id) for n in rows] == [
        (reader.pk, case.pk, "received", None)
    ]
    assert rows[0].subject_id == "7c0ffee0-0000-4000-8000-000000000001"


def test_it_notifies_the_desk_without_a_case_but_never_a_referral_without_one(
    ngo: Organisation,
) -> None:
    # given
    desk = staff(ngo, "desk")

    # when
    created = tell([desk], None, kind=Notification.Kind.DESK, event="concern_reported")

    # then
    assert created == 1
    assert Notification.objects.get(kind=Notification.Kind.DESK).case_id is None
    with pytest.raises(ValueError, match="names its case"):
        tell([desk], None)
    with pytest.raises(ValueError, match="not 'reminder'"):
        tell([desk], None, kind=Notification.Kind.REMINDER)


def test_it_sends_no_email_by_default(
    ngo: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    case = a_case(ngo)
    reader = staff(ngo, "reader")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = tell([reader], case)

    # then
    assert created == 1
    assert mail.outbox == []


# --- notify: the e-mail -----------------------------------------------------------------


def test_it_emails_only_after_commit_and_without_personal_data(
    ngo: Organisation, email_on: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    case = a_case(ngo)
    reader = staff(ngo, "reader")

    # when
    with django_capture_on_commit_callbacks(execute=False) as pending:
        tell([reader], case)
    outbox_before_commit = len(mail.outbox)
    for callback in pending:
        callback()

    # then
    assert outbox_before_commit == 0
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject == "Haven: a referral is waiting for your organisation"
    assert case.reference in message.body
    link = BASE_URL + referral_notify.notification_link(
        kind="referral",
        event="received",
        subject_id="7c0ffee0-0000-4000-8000-000000000001",
        case_id=case.pk,
    )
    assert link in message.body
    assert_no_personal_data(message)


def test_it_sends_nothing_when_the_transaction_rolls_back(
    ngo: Organisation, email_on: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    case = a_case(ngo)
    reader = staff(ngo, "reader")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                tell([reader], case)
                raise RuntimeError("the caller's write failed")
        except RuntimeError:
            pass

    # then
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.filter(kind=Notification.Kind.REFERRAL).exists()


def test_it_emails_only_active_recipients_with_an_address(
    ngo: Organisation, email_on: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given: one with an address, one without, one who has left
    case = a_case(ngo)
    reader = staff(ngo, "reader")
    silent = UserFactory.create(organisation=ngo, username="silent", email="")
    gone = staff(ngo, "gone", is_active=False)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = tell([reader, silent, gone], case, event="declined")

    # then
    assert created == 2  # in the app: both active users
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert mail.outbox[0].subject == "Haven: a referral was declined"


def test_it_emails_the_desk_about_no_case(
    ngo: Organisation, email_on: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    desk = staff(ngo, "desk")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        tell([desk], None, kind=Notification.Kind.DESK, event="concern_reported")

    # then
    [message] = mail.outbox
    assert message.subject == "Haven: a concern was reported to the coordination desk"
    assert "Case reference" not in message.body
    assert f"{BASE_URL}/" in message.body


def test_it_keeps_the_committed_work_when_the_mail_server_fails(
    ngo: Organisation,
    email_on: Settings,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    case = a_case(ngo)
    reader = staff(ngo, "reader")

    def refuse(*args: object, **kwargs: object) -> int:
        raise ConnectionRefusedError("reader@example.org refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = tell([reader], case)

    # then
    assert created == 1
    assert mail.outbox == []


# --- the other producers use the same e-mail path ------------------------------------------


def test_the_sweep_emails_its_reminders_and_escalations_when_email_is_on(
    ngo: Organisation, email_on: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a deadline missed without a reminder (both go out), and someone without an address
    caseworker = staff(ngo, "cw", role=Role.CASEWORKER)
    staff(ngo, "sup", role=Role.SUPERVISOR)
    UserFactory.create(organisation=ngo, role=Role.SUPERVISOR, email="")
    case = quiet_case(actor=caseworker)
    deadline(case=case, organisation=ngo)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))

    # then
    assert (result.reminded, result.escalated) == (1, 1)
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == [
        ("Haven: a deadline is coming up", "cw@example.org"),
        ("Haven: a deadline is coming up", "sup@example.org"),
        ("Haven: a deadline is overdue", "sup@example.org"),
    ]
    for message in mail.outbox:
        assert case.reference in message.body
        assert_no_personal_data(message)


def test_the_sweep_sends_no_email_by_default(
    ngo: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    caseworker = staff(ngo, "cw", role=Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))

    # then
    assert (result.reminded, result.escalated) == (1, 1)
    assert mail.outbox == []


def test_break_glass_emails_the_case_lead_and_the_coordinator_when_email_is_on(
    email_on: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    w = break_glass_tests.world()
    for user in (w.lead, w.coordinator_supervisor):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])

    # when
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_tests.use(w)

    # then
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{u.username}@example.org" for u in (w.lead, w.coordinator_supervisor)
    )
    for message in mail.outbox:
        assert message.subject == "Haven: emergency access (break-glass) was used"
        assert w.case.reference in message.body
        assert break_glass_tests.JUSTIFICATION not in message.body
        assert_no_personal_data(message)
