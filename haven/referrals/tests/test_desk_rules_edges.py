"""Rule branches of the coordination desk's services and selectors that the
scenario tests do not reach (CBSS 2014 P1): refused input, missing records,
answered reports, and texts once a linked case is out of reach or erased."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import pytest

from haven.access.models import TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.lib.errors import Conflict, InvalidInput, NotFound
from haven.referrals.models import (
    Channel,
    ConcernReport,
    ConcernReportState,
    Consultation,
    ConsultationTopic,
)
from haven.referrals.selectors import desk as selectors
from haven.referrals.services import desk as services
from haven.referrals.tests.test_desk import (
    ADVICE,
    QUESTION,
    a_report,
    anonymous_consultation,
    coordinator,
)

pytestmark = pytest.mark.django_db


def log(actor: User, **changes: Any) -> Consultation:
    return services.consultation_log(
        **{
            "actor": actor,
            "channel": Channel.PHONE,
            "topic": ConsultationTopic.IDENTIFICATION,
            "question": QUESTION,
            "advice": ADVICE,
            **changes,
        }
    )


def erase(case: Case, lead: User) -> None:
    boss = UserFactory.create(organisation=lead.organisation, role=Role.SUPERVISOR)
    case_services.person_erase(actor=boss, case_id=case.id)


# --- who works the desk -------------------------------------------------------------------


def test_it_tells_whether_a_user_works_the_desk() -> None:
    # given: a coordinator's caseworker, and an NGO caseworker
    desk, ngo = coordinator(), make_user(org_type=OrgType.NGO)
    # when / then
    assert services.is_coordinator(desk)
    assert not services.is_coordinator(ngo)


# --- consultations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"question": "  "}, "question", "required"),
        ({"advice": "x" * (services.TEXT_MAX + 1)}, "advice", "too_long"),
        ({"channel": "pigeon"}, "channel", "invalid_choice"),
        ({"routed_to_ids": [uuid.uuid4()]}, "routed_to", "invalid_choice"),
    ],
)
def test_it_refuses_a_consultation_naming_the_field(
    changes: dict[str, Any], field: str, code: str
) -> None:
    # given
    actor = coordinator()
    # when
    with pytest.raises(InvalidInput) as refused:
        log(actor, **changes)
    # then
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Consultation.objects.exists()


def test_it_refuses_to_link_a_consultation_to_an_erased_person() -> None:
    # given
    actor = coordinator()
    case = open_case(actor=actor)
    erase(case, actor)
    # when
    with pytest.raises(case_errors.PersonErased):
        anonymous_consultation(actor, case_id=case.id)
    # then
    assert not Consultation.objects.exists()


def test_it_gives_a_missing_consultation_the_same_404_to_read_and_to_open_a_case() -> None:
    # given
    actor = coordinator()
    # when
    with pytest.raises(NotFound) as read:
        selectors.consultation_get(user=actor, consultation_id=uuid.uuid4())
    with pytest.raises(NotFound) as opened:
        services.consultation_case_open(
            actor=actor, consultation_id=uuid.uuid4(), person=case_services.PersonInput()
        )
    # then
    assert read.value.message == opened.value.message


def test_it_hides_the_texts_once_the_coordinator_no_longer_sees_the_linked_case() -> None:
    # given: an NGO case with the desk on its team, a linked consultation
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    actor = coordinator()
    assert actor.organisation is not None
    add_to_team(case=case, organisation=actor.organisation, share=False)
    consultation = anonymous_consultation(actor, case_id=case.id)
    visible = selectors.consultation_get(user=actor, consultation_id=consultation.pk)
    # when: the desk leaves the team
    TeamMembership.objects.filter(case=case, organisation=actor.organisation).delete()
    hidden = selectors.consultation_get(user=actor, consultation_id=consultation.pk)
    # then
    assert (visible.question, visible.advice) == (QUESTION, ADVICE)
    assert (hidden.question, hidden.advice) == ("", "")


def test_it_shows_no_texts_of_a_linked_consultation_once_the_person_is_erased() -> None:
    # given: the desk's own case and a consultation sealed under the person's key
    actor = coordinator()
    case = open_case(actor=actor)
    consultation = anonymous_consultation(actor, case_id=case.id)
    erase(case, actor)
    # when
    one = selectors.consultation_get(user=actor, consultation_id=consultation.pk)
    records = selectors.desk_records_of_case(user=actor, case_id=case.id)
    # then
    assert (one.question, one.advice) == ("", "")
    assert [(c.question, c.advice) for c in records.consultations] == [("", "")]


# --- concern reports ----------------------------------------------------------------------


def test_it_draws_a_new_reference_when_one_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the first draw repeats the reference of an earlier report
    letters = iter("A" * 8 + "A" * 8 + "B" * 8)
    monkeypatch.setattr(secrets, "choice", lambda _alphabet: next(letters))
    first = a_report()
    # when
    second = a_report()
    # then
    references = dict(ConcernReport.objects.values_list("pk", "reference"))
    assert references[uuid.UUID(first)] == "AAAA-AAAA"
    assert references[uuid.UUID(second)] == "BBBB-BBBB"


def test_it_gives_a_missing_report_a_404() -> None:
    # given
    actor = coordinator()
    # when
    with pytest.raises(NotFound):
        services.report_advise(actor=actor, report_id=uuid.uuid4(), advice=ADVICE)
    # then
    assert not Consultation.objects.exists()


def test_it_refuses_advice_twice_and_opens_a_case_with_the_advice_already_given() -> None:
    # given: a triaged report, with its advice
    actor = coordinator()
    report_id = a_report()
    advice = services.report_advise(actor=actor, report_id=report_id, advice=ADVICE)
    # when
    with pytest.raises(Conflict) as again:
        services.report_advise(actor=actor, report_id=report_id, advice=ADVICE)
    case = services.report_case_open(
        actor=actor, report_id=report_id, person=case_services.PersonInput()
    )
    # then
    report = ConcernReport.objects.get(pk=report_id)
    assert again.value.code == "report_done"
    assert (report.state, report.consultation_id) == (ConcernReportState.CASE_OPENED, advice.pk)
    assert Consultation.objects.get().case_id == case.id
