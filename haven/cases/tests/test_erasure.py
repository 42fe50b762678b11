"""Erasure with a second approver, legal holds and retention (R-39, R-40; issue 12)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, hooks, selectors, services
from haven.cases.models import (
    Case,
    ErasureReason,
    ErasureState,
    LegalHold,
    LegalHoldReason,
    Person,
)
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.erasure import ERASURE_APPROVAL
from haven.deadlines.models import Task
from haven.vault import services as vault
from haven.vault.errors import KeyDestroyed


def _lead_staff() -> tuple[User, User, User]:
    """A caseworker and two supervisors of one NGO that leads a case."""
    caseworker = make_user(role=Role.CASEWORKER)
    org = caseworker.organisation
    first = UserFactory.create(organisation=org, role=Role.SUPERVISOR)
    second = UserFactory.create(organisation=org, role=Role.SUPERVISOR)
    return caseworker, first, second


def _erased(case: Case) -> bool:
    return Person.objects.get(pk=case.person_id).erased_at is not None


# --- who may ask -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_r39_the_case_leads_staff_may_ask_for_an_erasure_and_other_team_members_may_not() -> None:
    # given
    caseworker, _, _ = _lead_staff()
    case = open_case(actor=caseworker)
    police = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR)
    add_to_team(case=case, organisation=police.organisation)  # type: ignore[arg-type]

    # when
    row = services.erasure_request(
        actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED
    )
    with pytest.raises(errors.RoleNotAllowed):
        services.erasure_request(actor=police, case_id=case.id, reason=ErasureReason.PERSON_ASKED)

    # then: asked, audited, nothing erased yet, and the lead has a task to answer it
    assert row.state == ErasureState.REQUESTED
    assert not _erased(case)
    event = AuditEvent.objects.filter(object_type="cases.ErasureRequest").latest("id")
    assert (event.action, event.detail["reason"]) == (Action.CREATE, "person_asked")
    task = Task.objects.get(case=case, kind=ERASURE_APPROVAL)
    assert task.assigned_organisation_id == caseworker.organisation_id
    assert task.detail == {"request": str(row.pk)}


@pytest.mark.django_db
def test_r39_an_erasure_request_needs_a_listed_reason_and_a_note_for_other() -> None:
    # given
    caseworker, _, _ = _lead_staff()
    case = open_case(actor=caseworker)

    # when / then
    with pytest.raises(errors.InvalidInput) as bad_reason:
        services.erasure_request(actor=caseworker, case_id=case.id, reason="because")
    with pytest.raises(errors.InvalidInput) as no_note:
        services.erasure_request(actor=caseworker, case_id=case.id, reason=ErasureReason.OTHER)
    with pytest.raises(errors.InvalidInput) as long_note:
        services.erasure_request(
            actor=caseworker, case_id=case.id, reason=ErasureReason.OTHER, note="x" * 1001
        )
    assert (bad_reason.value.field, no_note.value.field, long_note.value.field) == (
        "reason",
        "note",
        "note",
    )


@pytest.mark.django_db
def test_r39_one_erasure_request_waits_at_a_time() -> None:
    # given
    caseworker, _, _ = _lead_staff()
    case = open_case(actor=caseworker)
    services.erasure_request(actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED)

    # when / then
    with pytest.raises(errors.ErasurePending):
        services.erasure_request(
            actor=caseworker, case_id=case.id, reason=ErasureReason.NO_LONGER_NEEDED
        )


# --- who may answer: a second supervisor of the lead -------------------------------------


@pytest.mark.django_db
def test_r39_a_second_supervisor_of_the_lead_approves_and_the_person_is_erased_at_once() -> None:
    # given: the note is sealed under the person's key
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    row = services.erasure_request(
        actor=caseworker, case_id=case.id, reason=ErasureReason.OTHER, note="Asked by letter."
    )
    assert selectors.erasure_page(user=supervisor, case_id=case.id).requests[0].note == (
        "Asked by letter."
    )

    # when
    approved = services.erasure_approve(actor=supervisor, request_id=row.pk)

    # then: erased in the same transaction, the task done, both steps audited
    assert approved.state == ErasureState.ERASED
    assert approved.answered_by == supervisor
    assert _erased(case)
    assert Task.objects.get(case=case, kind=ERASURE_APPROVAL).status == Task.Status.DONE
    actions = list(
        AuditEvent.objects.filter(person_id=str(case.person_id))
        .order_by("-id")
        .values_list("action", flat=True)[:2]
    )
    assert actions == [Action.ERASE, Action.TRANSITION]
    page = selectors.erasure_page(user=supervisor, case_id=case.id)
    assert page.erased and page.requests[0].note == ""  # unreadable with the key gone
    assert not page.may_request and not page.may_hold


@pytest.mark.django_db
def test_r39_whoever_asked_cannot_approve_their_own_erasure_request() -> None:
    # given: the supervisor asks; the other supervisor may approve
    _, supervisor, other = _lead_staff()
    case = open_case(actor=supervisor)
    row = services.erasure_request(
        actor=supervisor, case_id=case.id, reason=ErasureReason.PERSON_ASKED
    )

    # when
    with pytest.raises(errors.SecondApproverRequired):
        services.erasure_approve(actor=supervisor, request_id=row.pk)
    page = selectors.erasure_page(user=supervisor, case_id=case.id)
    services.erasure_approve(actor=other, request_id=row.pk)

    # then
    assert page.requests[0].may_answer is False
    assert _erased(case)


@pytest.mark.django_db
def test_r39_a_caseworker_of_the_lead_cannot_approve_or_refuse() -> None:
    # given
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    second = UserFactory.create(organisation=caseworker.organisation, role=Role.CASEWORKER)
    row = services.erasure_request(
        actor=supervisor, case_id=case.id, reason=ErasureReason.PERSON_ASKED
    )

    # when / then
    with pytest.raises(errors.RoleNotAllowed):
        services.erasure_approve(actor=second, request_id=row.pk)
    with pytest.raises(errors.RoleNotAllowed):
        services.erasure_refuse(actor=second, request_id=row.pk, reason="No.")
    assert not _erased(case)


@pytest.mark.django_db
def test_r39_outside_the_lead_an_erasure_request_does_not_exist() -> None:
    # given: a supervisor on the team (not the lead), one outside it, a bad id
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    member = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR)
    add_to_team(case=case, organisation=member.organisation)  # type: ignore[arg-type]
    outsider = make_user(role=Role.SUPERVISOR)
    row = services.erasure_request(
        actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED
    )

    # when / then
    for actor, request_id in ((member, row.pk), (outsider, row.pk), (supervisor, "nope")):
        with pytest.raises(errors.ErasureNotFound):
            services.erasure_approve(actor=actor, request_id=request_id)
    with pytest.raises(errors.ErasureNotFound):
        services.erasure_approve(
            actor=supervisor, request_id="00000000-0000-0000-0000-000000000000"
        )
    assert not _erased(case)


@pytest.mark.django_db
def test_r39_a_refusal_says_why_closes_the_task_and_is_answered_once() -> None:
    # given
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    row = services.erasure_request(
        actor=caseworker, case_id=case.id, reason=ErasureReason.NO_LONGER_NEEDED
    )

    # when
    with pytest.raises(errors.InvalidInput):
        services.erasure_refuse(actor=supervisor, request_id=row.pk, reason=" ")
    refused = services.erasure_refuse(
        actor=supervisor, request_id=row.pk, reason="Proceedings are still open."
    )

    # then
    assert refused.state == ErasureState.REFUSED
    assert not _erased(case)
    assert Task.objects.get(case=case, kind=ERASURE_APPROVAL).status == Task.Status.CANCELLED
    page = selectors.erasure_page(user=supervisor, case_id=case.id)
    assert page.requests[0].refusal == "Proceedings are still open."
    assert page.may_request  # a new request may be made
    with pytest.raises(errors.ErasureAnswered):
        services.erasure_approve(actor=supervisor, request_id=row.pk)


@pytest.mark.django_db
def test_r39_an_erased_person_cannot_be_asked_for_again() -> None:
    # given
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    services.person_erase(actor=supervisor, case_id=case.id)

    # when / then
    with pytest.raises(errors.AlreadyErased):
        services.erasure_request(
            actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED
        )


# --- legal holds -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_r40_supervisors_on_the_team_place_and_lift_legal_holds_caseworkers_may_not() -> None:
    # given: a police supervisor on the team, a caseworker of the lead, an outsider
    caseworker, _, _ = _lead_staff()
    case = open_case(actor=caseworker)
    police = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR)
    add_to_team(case=case, organisation=police.organisation)  # type: ignore[arg-type]
    outsider = make_user(role=Role.SUPERVISOR)

    # when
    with pytest.raises(errors.RoleNotAllowed):
        services.legal_hold_place(
            actor=caseworker, case_id=case.id, reason=LegalHoldReason.INVESTIGATION
        )
    with pytest.raises(errors.CaseNotFound):
        services.legal_hold_place(
            actor=outsider, case_id=case.id, reason=LegalHoldReason.INVESTIGATION
        )
    hold = services.legal_hold_place(
        actor=police, case_id=case.id, reason=LegalHoldReason.INVESTIGATION
    )

    # then: in force, audited; only a supervisor on the team lifts it, once
    assert list(selectors.active_holds(case_id=case.id)) == [hold]
    placed = AuditEvent.objects.filter(object_type="cases.LegalHold").latest("id")
    assert (placed.action, placed.detail["reason"]) == (Action.CREATE, "investigation")
    with pytest.raises(errors.RoleNotAllowed):
        services.legal_hold_lift(actor=caseworker, hold_id=hold.pk)
    with pytest.raises(errors.LegalHoldNotFound):
        services.legal_hold_lift(actor=outsider, hold_id=hold.pk)
    services.legal_hold_lift(actor=police, hold_id=hold.pk)
    assert not selectors.active_holds(case_id=case.id).exists()
    with pytest.raises(errors.LegalHoldNotFound):
        services.legal_hold_lift(actor=police, hold_id=hold.pk)
    with pytest.raises(errors.LegalHoldNotFound):
        services.legal_hold_lift(actor=police, hold_id="nope")


@pytest.mark.django_db
def test_r40_a_legal_hold_needs_a_listed_reason_and_an_end_not_in_the_past() -> None:
    # given
    _, supervisor, _ = _lead_staff()
    case = open_case(actor=supervisor)
    yesterday = timezone.localdate() - timedelta(days=1)

    # when / then
    with pytest.raises(errors.InvalidInput) as reason:
        services.legal_hold_place(actor=supervisor, case_id=case.id, reason="whim")
    with pytest.raises(errors.InvalidInput) as until:
        services.legal_hold_place(
            actor=supervisor, case_id=case.id, reason=LegalHoldReason.OTHER, until=yesterday
        )
    assert (reason.value.field, until.value.field) == ("reason", "until")
    hold = services.legal_hold_place(
        actor=supervisor,
        case_id=case.id,
        reason=LegalHoldReason.PROCEEDINGS,
        until=timezone.localdate(),
    )
    assert hold.until == timezone.localdate()
    services.person_erase(actor=supervisor, case_id=case.id)
    with pytest.raises(errors.PersonErased):
        services.legal_hold_place(
            actor=supervisor, case_id=case.id, reason=LegalHoldReason.PROCEEDINGS
        )


@pytest.mark.django_db
def test_r40_a_legal_hold_keeps_the_person_from_erasure() -> None:
    # given
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    row = services.erasure_request(
        actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED
    )
    services.legal_hold_place(actor=supervisor, case_id=case.id, reason=LegalHoldReason.PROCEEDINGS)

    # when / then: neither approved nor asked again while the hold is in force
    with pytest.raises(errors.UnderLegalHold):
        services.erasure_approve(actor=supervisor, request_id=row.pk)
    services.erasure_refuse(actor=supervisor, request_id=row.pk, reason="Held for court.")
    with pytest.raises(errors.UnderLegalHold):
        services.erasure_request(
            actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED
        )
    assert not _erased(case)


# --- retention -------------------------------------------------------------------------------


def _ended(case: Case, *, years_ago: float, status: str = S.WITHDRAWN) -> None:
    Case.objects.filter(pk=case.pk).update(
        identification_status=status,
        status_changed_at=timezone.now() - timedelta(days=round(365.25 * years_ago)),
    )


@pytest.mark.django_db
@override_settings(HAVEN_RETENTION_YEARS_ENDED_CASE=5)
def test_r40_retention_anonymises_ended_cases_past_the_period_and_skips_legal_holds() -> None:
    # given: one due, one held, one ended recently, one still open
    _, supervisor, _ = _lead_staff()
    due, held, recent, open_ = (open_case(actor=supervisor) for _ in range(4))
    _ended(due, years_ago=6)
    _ended(held, years_ago=7, status=S.DECLINED_FORMAL_IDENTIFICATION)
    _ended(recent, years_ago=4)
    Case.objects.filter(pk=open_.pk).update(status_changed_at=timezone.now() - timedelta(days=3650))
    services.legal_hold_place(actor=supervisor, case_id=held.id, reason=LegalHoldReason.OTHER)

    # when: a dry run first, then the run
    dry = services.retention_run(dry_run=True)
    nothing_yet = not any(_erased(c) for c in (due, held, recent, open_))
    report = services.retention_run()

    # then
    assert nothing_yet
    assert [(r.reference, r.outcome) for r in dry.rows] == [
        (held.reference, "held"),
        (due.reference, "would_anonymise"),
    ]
    assert [(r.reference, r.outcome) for r in report.rows] == [
        (held.reference, "held"),
        (due.reference, "anonymised"),
    ]
    assert [_erased(c) for c in (due, held, recent, open_)] == [True, False, False, False]
    erase = AuditEvent.objects.filter(action=Action.ERASE, person_id=str(due.person_id)).get()
    assert erase.actor_id is None and erase.detail == {"retention": "ended_case", "years": 5}
    run = AuditEvent.objects.filter(object_type="retention.Run").get()
    assert run.detail == {"anonymised": 1, "would_anonymise": 0, "held": 1}
    assert services.retention_run().count(services.RetentionOutcome.ANONYMISED) == 0


@pytest.mark.django_db
def test_r40_retention_asks_the_record_classes_of_the_apps_above() -> None:
    # then: referrals keeps closed concern reports
    assert "haven.referrals.services.retention.reports_retention" in [
        f"{p.__module__}.{p.__qualname__}" for p in hooks.retention_classes()
    ]


# --- the console -----------------------------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_r39_erasure_by_command_needs_a_second_approver() -> None:
    # given
    _, supervisor, other = _lead_staff()
    case = open_case(actor=supervisor)

    # when
    asked = _command(
        "erasure",
        "request",
        case.reference,
        "--as",
        supervisor.username,
        "--reason",
        "person_asked",
    )
    request_id = asked.strip().rsplit(" ", 1)[-1]
    listed = _command("erasure", "list", "--as", other.username, "--state", "requested")
    with pytest.raises(CommandError, match="second_approver_required"):
        _command("erasure", "approve", request_id, "--as", supervisor.username)
    approved = _command("erasure", "approve", request_id, "--as", other.username)

    # then
    assert case.reference in listed and request_id in listed
    assert "erased" in approved
    assert _erased(case)


@pytest.mark.django_db
def test_r39_the_erasure_command_refuses_with_a_reason_and_names_only_active_users() -> None:
    # given
    caseworker, supervisor, _ = _lead_staff()
    case = open_case(actor=caseworker)
    row = services.erasure_request(
        actor=caseworker, case_id=case.id, reason=ErasureReason.PERSON_ASKED
    )

    # when
    refused = _command(
        "erasure", "refuse", str(row.pk), "--as", supervisor.username, "--note", "Court case."
    )

    listed = _command("erasure", "list", "--as", supervisor.username)

    # then
    assert "Refused" in refused
    assert f"{row.pk}  {case.reference}  refused" in listed
    assert not _erased(case)
    with pytest.raises(CommandError, match="No active user"):
        _command("erasure", "list", "--as", "nobody")
    with pytest.raises(CommandError, match="Name the case"):
        _command("erasure", "approve", "--as", supervisor.username)


@pytest.mark.django_db
def test_r39_a_legal_hold_by_command_keeps_the_person_until_a_supervisor_lifts_it() -> None:
    # given
    caseworker, supervisor, other = _lead_staff()
    case = open_case(actor=caseworker)
    hold_args = ("erasure", "hold", case.reference, "--hold-reason", "proceedings")

    # when
    with pytest.raises(CommandError, match="role_not_allowed"):
        _command(*hold_args, "--as", caseworker.username)
    with pytest.raises(CommandError, match="cannot be in the past"):
        _command(*hold_args, "--as", supervisor.username, "--until", "2000-01-01")
    placed = _command(*hold_args, "--as", supervisor.username, "--until", "2999-12-31")
    hold_id = placed.strip().rsplit(" ", 1)[-1]
    with pytest.raises(CommandError, match="legal_hold"):
        _command(
            "erasure", "request", case.reference, "--as", other.username, "--reason", "person_asked"
        )
    with pytest.raises(CommandError, match="role_not_allowed"):
        _command("erasure", "lift", hold_id, "--as", caseworker.username)
    lifted = _command("erasure", "lift", hold_id, "--as", other.username)
    asked = _command(
        "erasure", "request", case.reference, "--as", other.username, "--reason", "person_asked"
    )

    # then
    assert "Legal hold placed" in placed and "Legal hold lifted" in lifted
    assert "Erasure requested" in asked
    hold = LegalHold.objects.get(pk=hold_id)
    assert hold.until is not None and hold.until.year == 2999
    assert hold.placed_by == supervisor and hold.lifted_by == other
    with pytest.raises(CommandError, match="legal_hold_not_found"):
        _command("erasure", "lift", hold_id, "--as", other.username)


@pytest.mark.django_db
@override_settings(HAVEN_RETENTION_YEARS_ENDED_CASE=5)
def test_r40_retention_by_command_reports_what_it_did_and_held() -> None:
    # given
    _, supervisor, _ = _lead_staff()
    due = open_case(actor=supervisor)
    _ended(due, years_ago=6)

    # when
    dry = _command("retention", "run", "--dry-run")
    done = _command("retention", "run")

    # then
    assert f"ended_case  {due.reference}" in dry and "would_anonymise" in dry
    assert dry.strip().endswith("anonymised: 0, would_anonymise: 1, held: 0")
    assert "anonymised: 1" in done
    assert _erased(due)
    with pytest.raises(KeyDestroyed):
        person = Person.objects.select_related("data_key").get(pk=due.person_id)
        vault.decrypt(
            key=person.data_key,
            ciphertext=person.given_name_enc or b"",
            context="person.given_name",
        )
