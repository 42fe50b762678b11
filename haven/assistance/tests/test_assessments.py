"""The two versioned assessments: services and selectors (R-21, R-19)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.assistance import catalogue
from haven.assistance import clocks as assistance_clocks
from haven.assistance.models import Assessment
from haven.assistance.selectors import assessments as selectors
from haven.assistance.services import assessments as services
from haven.audit.models import AuditEvent
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import add_to_team, open_case, share_by_law
from haven.deadlines import errors as deadline_errors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.lib.errors import InvalidInput

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


@dataclass
class AssessmentTeam:
    case: Case
    lead: User  # NGO caseworker, case lead: sees the assessment group
    police: User  # on the team, under a flow without the assessment group
    emergency: User  # sees the case only through break-glass


def assessment_team(*, age_status: str = "verified_adult") -> AssessmentTeam:
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, age_status=age_status)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation, share=False)
    share_by_law(
        case=case,
        organisation=police.organisation,
        groups=[FieldGroup.IDENTITY, FieldGroup.LEGAL, FieldGroup.STATISTICAL],
    )
    emergency = make_user(org_type=OrgType.SOCIAL_SERVICES)
    access_services.break_glass_open(
        actor=emergency, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )
    return AssessmentTeam(case, lead, police, emergency)


def answers(kind: str, *, child: bool = False, level: str = "") -> dict[str, tuple[str, str]]:
    default = level or ("needed" if kind == "needs" else "medium")
    return {
        s.key: (default, f"Note on {s.key}.") for s in catalogue.sections_for(kind, child=child)
    }


def record(
    actor: User,
    case: Case,
    kind: str = "needs",
    *,
    sections: dict[str, tuple[str, str]] | None = None,
    person_view: str = "She wants to stay near her sister.",
    trigger: str = "",
    on: date = TODAY,
) -> Assessment:
    with time_machine.travel(NOON, tick=False):
        return services.assessment_record(
            actor=actor,
            case_id=case.id,
            kind=kind,
            assessed_on=on,
            sections=sections if sections is not None else answers(kind),
            person_view=person_view,
            based_on_version=Assessment.objects.filter(case=case, kind=kind).count(),
            trigger=trigger,
        )


def open_reassessments(case: Case) -> dict[str, str]:
    return {
        t.detail["assessment"]: t.status
        for t in Task.objects.filter(case=case, kind=assistance_clocks.REASSESSMENT_DUE)
        if t.status == Task.Status.OPEN
    }


def test_r21_needs_and_risk_are_two_separate_versioned_assessments() -> None:
    # given
    t = assessment_team()
    first = record(t.lead, t.case, "needs")
    # when
    risk = record(t.lead, t.case, "risk")
    second = record(t.lead, t.case, "needs", sections=answers("needs", level="met"))
    # then
    assert (first.version, first.trigger) == (1, "initial")
    assert (risk.version, risk.trigger) == (1, "initial")
    assert (second.version, second.trigger) == (2, "review")
    history = selectors.assessments_for_case(
        user=t.lead, case_id=t.case.id, purpose=Purpose.ASSISTANCE
    )
    needs, risks = history.kinds
    assert [v.version for v in needs.versions] == [2, 1]
    assert [v.version for v in risks.versions] == [1]


def test_r21_a_new_version_never_changes_the_old_one() -> None:
    # given
    t = assessment_team()
    first = record(t.lead, t.case, "needs")
    stored = bytes(Assessment.objects.get(pk=first.pk).content_enc)
    # when
    record(t.lead, t.case, "needs", sections=answers("needs", level="met"), person_view="Fine.")
    # then
    assert bytes(Assessment.objects.get(pk=first.pk).content_enc) == stored
    old = selectors.assessment_get(user=t.lead, assessment_id=first.pk)
    assert {s.level for s in old.sections} == {"needed"}
    assert old.person_view == "She wants to stay near her sister."


def test_r21_every_stage_change_makes_both_due_and_recording_closes_that_kind_only() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs")
    record(t.lead, t.case, "risk")
    with time_machine.travel(NOON, tick=False):
        case_services.case_transition(
            actor=t.lead,
            case_id=t.case.id,
            to_status=IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
            reasons="The person chose not to be formally identified.",
            legal_basis="Test Act s. 1",
        )
    assert open_reassessments(t.case) == {"needs": "open", "risk": "open"}
    # when
    again = record(t.lead, t.case, "needs")
    # then
    assert (again.version, again.trigger) == (2, "stage_change")
    assert open_reassessments(t.case) == {"risk": "open"}
    closed = Task.objects.get(
        case=t.case, kind=assistance_clocks.REASSESSMENT_DUE, detail__assessment="needs"
    )
    assert (closed.status, closed.closed_by) == ("done", t.lead)


def test_r21_a_reassessment_task_closes_only_when_the_assessment_is_recorded() -> None:
    # given: a stage change made both assessments due
    t = assessment_team()
    with time_machine.travel(NOON, tick=False):
        case_services.case_transition(
            actor=t.lead,
            case_id=t.case.id,
            to_status=IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
            reasons="The person chose not to be formally identified.",
            legal_basis="Test Act s. 1",
        )
    task = Task.objects.get(
        case=t.case, kind=assistance_clocks.REASSESSMENT_DUE, detail__assessment="needs"
    )

    # when: ticked off by hand
    with pytest.raises(deadline_errors.TaskClosedByRecord):
        deadline_services.task_complete(actor=t.lead, task_id=task.id)

    # then: still open, and recording the assessment closes it
    assert open_reassessments(t.case) == {"needs": "open", "risk": "open"}
    record(t.lead, t.case, "needs")
    assert open_reassessments(t.case) == {"risk": "open"}


def test_r21_a_trigger_given_explicitly_is_kept() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "risk")
    # when
    before_return = record(t.lead, t.case, "risk", trigger="before_return")
    # then
    assert before_return.trigger == "before_return"


def test_r19_an_adult_has_one_section_per_minimum_item_without_child_sections() -> None:
    # given
    t = assessment_team()
    # when
    view = selectors.assessment_get(user=t.lead, assessment_id=record(t.lead, t.case).pk)
    # then
    assert [s.key for s in view.sections] == [
        "accommodation",
        "subsistence",
        "medical",
        "psychological",
        "interpretation",
        "counselling",
        "proceedings",
        "livelihood",
        "special_needs",
    ]
    assert all(s.calls_for_service and s.services for s in view.sections)


def test_r19_education_and_child_care_are_asked_for_a_child_only() -> None:
    # given
    adult = assessment_team()
    child = assessment_team(age_status="uncertain_presumed_child")
    child_answers = answers("needs", child=True)
    # when
    with pytest.raises(InvalidInput) as refused:
        record(adult.lead, adult.case, sections=child_answers)
    saved = record(child.lead, child.case, sections=child_answers)
    # then
    assert (refused.value.code, refused.value.field) == ("section_not_applicable", "education")
    view = selectors.assessment_get(user=child.lead, assessment_id=saved.pk)
    assert {"education", "child_care"} <= {s.key for s in view.sections}


def test_r19_every_section_must_be_answered_with_a_level_of_its_kind() -> None:
    # given
    t = assessment_team()
    missing = answers("needs")
    del missing["medical"]
    wrong = answers("needs")
    wrong["medical"] = ("high", "")  # a risk level
    # when
    with pytest.raises(InvalidInput) as unanswered:
        record(t.lead, t.case, sections=missing)
    with pytest.raises(InvalidInput) as mistaken:
        record(t.lead, t.case, sections=wrong)
    # then
    assert (unanswered.value.code, unanswered.value.field) == ("required", "medical")
    assert (mistaken.value.code, mistaken.value.field) == ("invalid_choice", "medical")
    assert Assessment.objects.count() == 0


def test_r19_the_persons_own_view_is_required() -> None:
    # given
    t = assessment_team()
    # when
    with pytest.raises(InvalidInput) as refused:
        record(t.lead, t.case, person_view="   ")
    # then
    assert (refused.value.code, refused.value.field) == ("required", "person_view")
    assert Assessment.objects.count() == 0


def test_r21_an_assessment_cannot_be_dated_in_the_future() -> None:
    # given
    t = assessment_team()
    # when
    with pytest.raises(InvalidInput) as refused:
        record(t.lead, t.case, on=TODAY + timedelta(days=1))
    # then
    assert refused.value.field == "assessed_on"


def test_r21_the_lead_records_and_reads_and_a_member_without_the_group_is_refused() -> None:
    # given
    t = assessment_team()
    # when
    saved = record(t.lead, t.case)
    with pytest.raises(case_errors.GroupNotAllowed) as write_refused:
        record(t.police, t.case)
    with pytest.raises(case_errors.GroupNotAllowed) as read_refused:
        selectors.assessment_get(user=t.police, assessment_id=saved.pk)
    # then
    assert selectors.assessment_get(user=t.lead, assessment_id=saved.pk).version == 1
    assert write_refused.value.message and read_refused.value.message  # the reason
    assert Assessment.objects.count() == 1


def test_r21_break_glass_reads_but_never_writes() -> None:
    # given
    t = assessment_team()
    saved = record(t.lead, t.case)
    # when
    with pytest.raises(case_errors.BreakGlassReadOnly):
        record(t.emergency, t.case)
    read = selectors.assessment_get(user=t.emergency, assessment_id=saved.pk)
    # then
    assert read.version == 1
    assert Assessment.objects.count() == 1


def test_it_gives_the_same_answer_for_a_missing_assessment_and_a_hidden_one() -> None:
    # given
    t = assessment_team()
    saved = record(t.lead, t.case)
    outsider = make_user(org_type=OrgType.NGO)
    # when
    with pytest.raises(services.AssessmentNotFound) as hidden:
        selectors.assessment_get(user=outsider, assessment_id=saved.pk)
    with pytest.raises(services.AssessmentNotFound) as missing:
        selectors.assessment_get(user=t.lead, assessment_id="not-a-uuid")
    # then
    assert hidden.value.code == missing.value.code == "assessment_not_found"
    assert str(hidden.value.message) == str(missing.value.message)


def test_it_encrypts_the_content_and_audits_only_kind_and_version() -> None:
    # given
    t = assessment_team()
    # when
    saved = record(t.lead, t.case, person_view="Wants to go to school.")
    # then
    assert b"school" not in bytes(saved.content_enc)
    event = AuditEvent.objects.get(object_type="assistance.Assessment", action="create")
    assert (event.field_groups, event.purpose) == ("assessment", "assistance")
    assert event.detail == {"kind": "needs", "version": 1}
    assert "school" not in json.dumps(event.detail)


def test_it_audits_the_read_of_an_assessment() -> None:
    # given
    t = assessment_team()
    saved = record(t.lead, t.case)
    before = AuditEvent.objects.filter(action="read", object_type="assistance.Assessment").count()
    # when
    selectors.assessment_get(user=t.lead, assessment_id=saved.pk)
    # then
    after = AuditEvent.objects.filter(
        action="read", object_type="assistance.Assessment", field_groups="assessment"
    )
    assert after.count() == before + 1


def test_it_summarises_for_the_case_page_without_decrypting() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs")
    with time_machine.travel(NOON, tick=False):
        case_services.case_transition(
            actor=t.lead,
            case_id=t.case.id,
            to_status=IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
            reasons="The person chose not to be formally identified.",
            legal_basis="Test Act s. 1",
        )
    lead_view = case_selectors.case_read(user=t.lead, case_id=t.case.id, purpose=Purpose.ASSISTANCE)
    police_view = case_selectors.case_read(
        user=t.police, case_id=t.case.id, purpose=Purpose.ASSISTANCE
    )
    # when
    with time_machine.travel(NOON, tick=False):
        summary = selectors.case_page_assessments(case_view=lead_view)
    hidden = selectors.case_page_assessments(case_view=police_view)
    # then
    assert hidden is None
    assert summary is not None
    needs, risk = summary.kinds
    assert (needs.latest_version, needs.latest_on) == (1, TODAY)
    assert risk.latest_version is None
    assert needs.due is not None and needs.due.overdue is False
    assert summary.may_record is True


def test_it_summarises_for_the_case_page_in_two_queries(
    django_assert_num_queries: Any,
) -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs")
    record(t.lead, t.case, "risk")
    view = case_selectors.case_read(user=t.lead, case_id=t.case.id, purpose=Purpose.ASSISTANCE)
    # when
    with django_assert_num_queries(2):
        summary = selectors.case_page_assessments(case_view=view)
    # then
    assert summary is not None
    assert [k.latest_version for k in summary.kinds] == [1, 1]
