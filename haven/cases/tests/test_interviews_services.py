"""Tell-once interviews (R-14) and the Barnahus route for children (R-28, R-10),
through the services and selectors, each rule with its allowed and refused side.

The helpers at the top are shared with the page, API, schema and template tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import Settings

from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.access.policy import ORG_TYPE_GROUPS
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, selectors, services
from haven.cases.models import AgeStatus, Case, Interview, Premises
from haven.cases.tests.factories import add_to_team, open_case, share_by_law
from haven.lib.errors import HavenError

pytestmark = pytest.mark.django_db

SUMMARY = "A synthetic account of the journey and the work."


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def interview(**overrides: Any) -> services.InterviewInput:
    """An adult's interview held yesterday at an office, with nothing optional."""
    values: dict[str, Any] = {
        "held_on": days_ago(1),
        "interviewer_name": "Interviewer One",
        "premises": Premises.OFFICE,
        "summary": SUMMARY,
    }
    values.update(overrides)
    return services.InterviewInput(**values)


def child_interview(**overrides: Any) -> services.InterviewInput:
    """A child's interview on the Barnahus route, within the delay, represented."""
    values: dict[str, Any] = {
        "reported_on": days_ago(8),
        "training_evidence": "Forensic child interview course, 2024",
        "premises": Premises.CHILD_FRIENDLY,
        "barnahus_route": True,
        "representative_present": True,
        "persons_present": ["Guardian (representative)", "Child psychologist"],
    }
    values.update(overrides)
    return interview(**values)


@dataclass
class Barnahus:
    """A presumed child's case led by child protection (social services). The
    police, the prosecutor and a health service share the narrative group under a
    Barnahus interagency agreement (PROMISE standard 2); a second health service and
    an NGO are on the team under their organisation type's default sharing."""

    child_protection: User
    police: User
    prosecutor: User
    health: User
    other_health: User  # on the default readers list, without the narrative group
    ngo: User  # allowed the narrative group, but not named on the record
    case: Case


def barnahus(**person: Any) -> Barnahus:
    lead = make_user(org_type=OrgType.SOCIAL_SERVICES)
    fields = {"age_status": AgeStatus.UNCERTAIN_PRESUMED_CHILD, **person}
    case = open_case(actor=lead, narrative="Found at a car wash.", **fields)
    police, prosecutor = make_user(org_type=OrgType.POLICE), make_user(org_type=OrgType.PROSECUTOR)
    health, other_health = make_user(org_type=OrgType.HEALTH), make_user(org_type=OrgType.HEALTH)
    ngo = make_user(org_type=OrgType.NGO)
    for member in (police, prosecutor, other_health, ngo):
        add_to_team(case=case, organisation=org_of(member))
    add_to_team(case=case, organisation=org_of(health), share=False)
    with_narrative = {*ORG_TYPE_GROUPS[OrgType.HEALTH], FieldGroup.NARRATIVE}
    share_by_law(case=case, organisation=org_of(health), groups=with_narrative)
    return Barnahus(lead, police, prosecutor, health, other_health, ngo, case)


def adult_case() -> tuple[User, Case]:
    lead = make_user(org_type=OrgType.NGO)
    return lead, open_case(actor=lead, narrative="Told at intake.")


def police_for_investigation() -> tuple[User, User, Case]:
    """An adult's case led by an NGO; the police on the team may read the narrative
    group for investigation only (a legal-basis agreement with that one purpose)."""
    lead, case = adult_case()
    police = make_user(org_type=OrgType.POLICE)
    add_to_team(case=case, organisation=org_of(police), share=False)
    agreement = share_by_law(
        case=case, organisation=org_of(police), groups=[FieldGroup.IDENTITY, FieldGroup.NARRATIVE]
    )
    agreement.flows.update(purposes=[Purpose.INVESTIGATION])
    return lead, police, case


def code_of(call: Any) -> str:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code


# --- told once; a new interview needs a justification ---------------------------------


def test_r14_it_records_the_first_interview_without_a_justification() -> None:
    # given
    lead, case = adult_case()
    # when
    row = services.interview_record(actor=lead, case_id=case.id, interview=interview())
    # then
    assert (row.number, row.treated_as_child, row.barnahus_route) == (1, False, False)
    assert row.justification_enc is None
    assert SUMMARY.encode() not in bytes(row.summary_enc)  # encrypted under the person's key
    assert selectors.interview_count(case=case) == 1


def test_r14_it_refuses_a_second_interview_without_a_justification() -> None:
    # given
    lead, case = adult_case()
    services.interview_record(actor=lead, case_id=case.id, interview=interview())
    # when
    code = code_of(
        lambda: services.interview_record(
            actor=lead, case_id=case.id, interview=interview(justification="  ")
        )
    )
    # then
    assert code == "justification_required"
    assert selectors.interview_count(case=case) == 1


def test_r14_it_records_a_second_interview_with_a_justification() -> None:
    # given
    lead, case = adult_case()
    services.interview_record(actor=lead, case_id=case.id, interview=interview())
    why = "The first record does not say who recruited the person."
    # when
    row = services.interview_record(
        actor=lead, case_id=case.id, interview=interview(justification=why)
    )
    # then
    assert row.number == 2
    view = selectors.interview_get(user=lead, interview_id=row.id)
    assert view.content is not None
    assert view.content.justification == why
    assert selectors.interview_count(case=case) == 2


def test_r14_it_lists_the_earlier_interviews_oldest_first_with_the_count() -> None:
    # given
    lead, case = adult_case()
    first = services.interview_record(
        actor=lead, case_id=case.id, interview=interview(interviewer_role="Social worker")
    )
    services.interview_record(
        actor=lead, case_id=case.id, interview=interview(justification="New facts came up.")
    )
    # when
    listing = selectors.interview_list(user=lead, case_id=case.id)
    # then
    assert listing.count == 2
    assert [v.number for v in listing.interviews] == [1, 2]
    assert listing.interviews[0].id == first.id
    assert listing.last is listing.interviews[1]
    assert listing.may_record is True
    assert listing.record_refusal == ""
    assert listing.treat_as_child is False


def test_r14_an_empty_list_has_no_last_interview() -> None:
    # given
    lead, case = adult_case()
    # when
    listing = selectors.interview_list(user=lead, case_id=case.id)
    # then
    assert (listing.count, listing.last) == (0, None)


# --- the Barnahus route for a child -------------------------------------------------


def test_r28_the_barnahus_route_records_one_interview_for_all_agencies() -> None:
    # given
    t = barnahus()
    # when: the police hold the one forensic interview; no readers named
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    # then: the team's police, prosecutor, child protection and health organisations
    readers = {o.pk for o in row.readers.all()}
    assert readers == {
        org_of(u).pk for u in (t.police, t.prosecutor, t.child_protection, t.health, t.other_health)
    }
    assert (row.treated_as_child, row.barnahus_route, row.representative_present) == (
        True,
        True,
        True,
    )
    assert Interview.objects.filter(case=t.case).count() == 1


@pytest.mark.parametrize("agency", ["police", "prosecutor", "child_protection", "health"])
def test_r28_each_barnahus_agency_reads_the_one_record(agency: str) -> None:
    # given
    t = barnahus()
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    # when
    view = selectors.interview_get(user=getattr(t, agency), interview_id=row.id)
    # then
    assert view.may_read is True
    assert view.content is not None
    assert view.content.summary == SUMMARY
    assert view.content.persons_present == ["Guardian (representative)", "Child psychologist"]
    assert view.read_code in {"case_lead", "legal_basis"}


def test_r28_an_ngo_on_the_team_but_not_on_the_readers_list_does_not_read_it() -> None:
    # given: the NGO sees the narrative group of the case itself
    t = barnahus()
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    assert selectors.case_read(user=t.ngo, case_id=t.case.id).group(FieldGroup.NARRATIVE).allowed
    # when
    view = selectors.interview_get(user=t.ngo, interview_id=row.id)
    # then
    assert (view.may_read, view.content, view.read_code) == (
        False,
        None,
        "not_an_interview_reader",
    )
    assert org_of(t.police).name in view.read_reason  # whom to ask
    assert view.held_on == row.held_on  # the facts, so that nobody interviews again unawares


def test_r28_a_reader_without_the_narrative_group_under_the_sharing_rules_does_not_read_it() -> (
    None
):
    # given: the second health service is on the readers list by default
    t = barnahus()
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    assert org_of(t.other_health) in row.readers.all()
    # when
    view = selectors.interview_get(user=t.other_health, interview_id=row.id)
    # then
    assert (view.may_read, view.content, view.read_code) == (False, None, "no_agreement")


def test_r28_named_readers_replace_the_barnahus_default() -> None:
    # given
    t = barnahus()
    named = [org_of(t.prosecutor).pk]
    # when
    row = services.interview_record(
        actor=t.police, case_id=t.case.id, interview=child_interview(readers=named)
    )
    # then: the recording organisation always reads its own record
    assert {o.pk for o in row.readers.all()} == {org_of(t.prosecutor).pk, org_of(t.police).pk}


def test_r28_an_adult_interview_is_read_only_by_the_recording_organisation_by_default() -> None:
    # given
    lead, case = adult_case()
    # when
    row = services.interview_record(actor=lead, case_id=case.id, interview=interview())
    # then
    assert list(row.readers.all()) == [org_of(lead)]


def test_r28_the_barnahus_route_is_for_children_only() -> None:
    # given
    lead, case = adult_case()
    # when
    code = code_of(
        lambda: services.interview_record(
            actor=lead, case_id=case.id, interview=interview(barnahus_route=True)
        )
    )
    # then
    assert code == "barnahus_route_for_children"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"reported_on": None}, "reported_on_required"),
        ({"training_evidence": " "}, "training_evidence_required"),
        ({"representative_present": False}, "representative_absence_reason_required"),
        ({"representative_present": None}, "representative_absence_reason_required"),
    ],
)
def test_r28_a_childs_interview_needs_the_report_date_training_and_representative(
    overrides: dict[str, Any], code: str
) -> None:
    # given
    t = barnahus()
    # when
    refused = code_of(
        lambda: services.interview_record(
            actor=t.police, case_id=t.case.id, interview=child_interview(**overrides)
        )
    )
    # then
    assert refused == code


def test_r28_a_reasoned_decision_lets_a_child_be_interviewed_without_the_representative() -> None:
    # given
    t = barnahus()
    reasons = "The representative is a suspect; a reasoned decision of the court."
    # when
    row = services.interview_record(
        actor=t.police,
        case_id=t.case.id,
        interview=child_interview(
            representative_present=None, representative_absence_reason=reasons
        ),
    )
    # then
    assert row.representative_present is False
    view = selectors.interview_get(user=t.police, interview_id=row.id)
    assert view.content is not None
    assert view.content.representative_absence_reason == reasons


def test_r28_a_child_may_be_interviewed_outside_the_barnahus_route() -> None:
    # given
    t = barnahus()
    # when
    row = services.interview_record(
        actor=t.child_protection,
        case_id=t.case.id,
        interview=child_interview(barnahus_route=False, premises=Premises.OFFICE),
    )
    # then
    assert (row.treated_as_child, row.barnahus_route) == (True, False)
    assert list(row.readers.all()) == [org_of(t.child_protection)]


@pytest.mark.parametrize(("reported_days_before", "flagged"), [(14, False), (15, True), (0, False)])
def test_r28_it_flags_a_childs_interview_held_after_the_undue_delay(
    reported_days_before: int, flagged: bool
) -> None:
    # given
    t = barnahus()
    held = days_ago(1)
    reported = held - timedelta(days=reported_days_before)
    # when
    row = services.interview_record(
        actor=t.police,
        case_id=t.case.id,
        interview=child_interview(held_on=held, reported_on=reported),
    )
    # then
    view = selectors.interview_get(user=t.police, interview_id=row.id)
    assert (view.delay_days, view.unduly_delayed) == (reported_days_before, flagged)
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(row.id))
    assert event.detail["unduly_delayed"] is flagged


def test_r28_the_undue_delay_is_a_setting(settings: Settings) -> None:
    # given
    settings.HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS = 30
    t = barnahus()
    # when
    row = services.interview_record(
        actor=t.police, case_id=t.case.id, interview=child_interview(reported_on=days_ago(21))
    )
    # then
    view = selectors.interview_get(user=t.police, interview_id=row.id)
    assert (view.delay_days, view.unduly_delayed) == (20, False)
    assert selectors.interview_list(user=t.police, case_id=t.case.id).max_delay_days == 30


def test_r28_an_adults_interview_is_never_flagged_for_delay() -> None:
    # given
    lead, case = adult_case()
    # when
    row = services.interview_record(
        actor=lead, case_id=case.id, interview=interview(reported_on=days_ago(200))
    )
    # then
    view = selectors.interview_get(user=lead, interview_id=row.id)
    assert (view.delay_days, view.unduly_delayed) == (199, False)


def test_r28_the_interview_keeps_being_a_childs_after_the_age_changes() -> None:
    # given
    t = barnahus()
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    # when: an age assessment later finds an adult
    t.case.person.age_status = AgeStatus.VERIFIED_ADULT
    t.case.person.save(update_fields=["age_status"])
    # then
    assert selectors.interview_get(user=t.police, interview_id=row.id).treated_as_child is True
    assert selectors.interview_list(user=t.police, case_id=t.case.id).treat_as_child is False


def test_it_decides_the_content_for_the_purpose_of_the_reading() -> None:
    # given: the police are named on the record
    lead, police, case = police_for_investigation()
    row = services.interview_record(
        actor=lead, case_id=case.id, interview=interview(readers=[org_of(police).pk])
    )
    # when
    for_assistance = selectors.interview_get(user=police, interview_id=row.id)
    for_investigation = selectors.interview_get(
        user=police, interview_id=row.id, purpose=Purpose.INVESTIGATION
    )
    listing = selectors.interview_list(user=police, case_id=case.id, purpose=Purpose.INVESTIGATION)
    # then
    assert (for_assistance.content, for_assistance.read_code) == (None, "no_agreement")
    assert for_investigation.content is not None
    assert for_investigation.read_code == "legal_basis"
    assert listing.purpose == Purpose.INVESTIGATION
    assert listing.interviews[0].may_read is True
    event = AuditEvent.objects.filter(object_id=str(row.id)).latest("id")
    assert (event.purpose, event.field_groups) == ("investigation", "narrative")


# --- who may record ----------------------------------------------------------------------


def test_it_refuses_a_team_member_without_the_narrative_group() -> None:
    # given: the same team, the police may record
    t = barnahus()
    # when
    code = code_of(
        lambda: services.interview_record(
            actor=t.other_health, case_id=t.case.id, interview=child_interview()
        )
    )
    # then
    assert code == "field_group_not_allowed"
    assert selectors.interview_list(user=t.police, case_id=t.case.id).may_record is True
    refused = selectors.interview_list(user=t.other_health, case_id=t.case.id)
    assert refused.may_record is False
    assert refused.record_refusal


def test_it_refuses_a_break_glass_holder_outside_the_team() -> None:
    # given: emergency access lets the police read, not record
    _lead, case = adult_case()
    police = make_user(org_type=OrgType.POLICE)
    access_services.break_glass_open(
        actor=police,
        case_id=case.id,
        person_id=case.person_id,
        justification="A synthetic emergency: the person is missing tonight.",
    )
    # when
    code = code_of(
        lambda: services.interview_record(actor=police, case_id=case.id, interview=interview())
    )
    # then
    assert code == "break_glass_read_only"
    listing = selectors.interview_list(user=police, case_id=case.id)
    assert listing.may_record is False
    assert (
        listing.record_refusal
        == "Emergency access is for reading only. Ask the case lead to record this."
    )


def test_it_answers_an_outsider_as_if_the_case_did_not_exist() -> None:
    # given
    lead, case = adult_case()
    row = services.interview_record(actor=lead, case_id=case.id, interview=interview())
    outsider = make_user(org_type=OrgType.NGO)
    # when / then
    assert (
        code_of(
            lambda: services.interview_record(
                actor=outsider, case_id=case.id, interview=interview()
            )
        )
        == "case_not_found"
    )
    assert code_of(lambda: selectors.interview_list(user=outsider, case_id=case.id)) == (
        "case_not_found"
    )
    assert code_of(lambda: selectors.interview_get(user=outsider, interview_id=row.id)) == (
        "interview_not_found"
    )


@pytest.mark.parametrize("interview_id", ["not-a-uuid", "0b5e6a53-7f7c-4c33-9d70-1c1e7a3f0000"])
def test_it_answers_a_malformed_or_missing_interview_alike(interview_id: str) -> None:
    # given
    lead, _case = adult_case()
    # when / then
    assert code_of(lambda: selectors.interview_get(user=lead, interview_id=interview_id)) == (
        "interview_not_found"
    )


def test_it_refuses_to_record_and_hides_the_content_once_the_person_is_erased() -> None:
    # given
    lead, case = adult_case()
    row = services.interview_record(actor=lead, case_id=case.id, interview=interview())
    supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(lead))
    services.person_erase(actor=supervisor, case_id=case.id)
    # when
    code = code_of(
        lambda: services.interview_record(
            actor=lead, case_id=case.id, interview=interview(justification="Again.")
        )
    )
    view = selectors.interview_get(user=lead, interview_id=row.id)
    # then
    assert code == "person_erased"
    assert (view.may_read, view.content, view.read_code) == (False, None, "person_erased")


# --- input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"premises": "cellar"}, "premises", "invalid"),
        ({"interviewer_name": " "}, "interviewer_name", "invalid"),
        ({"interviewer_role": "x" * 201}, "interviewer_role", "invalid"),
        ({"persons_present": ["x"] * 31}, "persons_present", "invalid"),
        ({"persons_present": ["x" * 201]}, "persons_present", "invalid"),
        ({"summary": "  "}, "summary", "summary_required"),
        ({"held_on": days_ago(-1)}, "held_on", "invalid"),
        ({"reported_on": days_ago(0)}, "reported_on", "invalid"),
    ],
)
def test_it_refuses_malformed_input_naming_the_field(
    overrides: dict[str, Any], field: str, code: str
) -> None:
    # given
    lead, case = adult_case()
    # when
    with pytest.raises(errors.InvalidInput) as refused:
        services.interview_record(actor=lead, case_id=case.id, interview=interview(**overrides))
    # then
    assert (refused.value.field, refused.value.code) == (field, code)
    assert selectors.interview_count(case=case) == 0


def test_it_refuses_a_reader_not_on_the_case_team() -> None:
    # given
    lead, case = adult_case()
    stranger = make_user(org_type=OrgType.POLICE)
    # when
    code = code_of(
        lambda: services.interview_record(
            actor=lead, case_id=case.id, interview=interview(readers=[org_of(stranger).pk])
        )
    )
    # then
    assert code == "reader_not_on_team"


def test_it_keeps_the_facts_and_the_encrypted_content_apart() -> None:
    # given
    lead, case = adult_case()
    # when
    row = services.interview_record(
        actor=lead,
        case_id=case.id,
        interview=interview(
            interviewer_role="Caseworker",
            recording_reference="VID-2026-0042",
            admissible_as_evidence=True,
            persons_present=["  Interpreter (Romanian)  ", " "],
        ),
    )
    # then
    view = selectors.interview_get(user=lead, interview_id=row.id)
    assert (view.recording_reference, view.admissible_as_evidence) == ("VID-2026-0042", True)
    assert view.premises_label == "Office"
    assert view.content is not None
    assert view.content.persons_present == ["Interpreter (Romanian)"]
    assert b"Interpreter" not in bytes(row.persons_present_enc or b"")


# --- audit ---------------------------------------------------------------------------------


def test_it_audits_the_recording_and_each_read_with_the_narrative_group_when_shown() -> None:
    # given
    t = barnahus()
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    # when
    selectors.interview_get(user=t.prosecutor, interview_id=row.id)
    selectors.interview_get(user=t.ngo, interview_id=row.id)
    selectors.interview_list(user=t.prosecutor, case_id=t.case.id)
    # then
    events = AuditEvent.objects.filter(person_id=str(t.case.person_id)).order_by("id")
    created, shown, hidden, listed = list(events)[-4:]
    assert (created.action, created.object_type, created.field_groups) == (
        Action.CREATE,
        "cases.Interview",
        "narrative",
    )
    assert created.detail == {
        "number": 1,
        "barnahus_route": True,
        "unduly_delayed": False,
        "readers": 5,
    }
    assert (shown.action, shown.actor_username, shown.field_groups) == (
        Action.READ,
        t.prosecutor.username,
        "narrative",
    )
    assert (hidden.actor_username, hidden.field_groups) == (t.ngo.username, "")
    assert (listed.object_type, listed.field_groups, listed.detail) == (
        "cases.Case",
        "narrative",
        {"interviews_shown": 1},
    )
