"""Rule branches of the assessment, permit and plan services and selectors that
the scenario tests do not reach: refused input, and reads once the person's data
is erased (R-16, R-19, R-20, R-21)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance.models import DetentionRecord, ResidencePermit
from haven.assistance.models import ServiceStatus as St
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.selectors import permits as permit_selectors
from haven.assistance.selectors import plans as plan_selectors
from haven.assistance.services import permits as permit_services
from haven.assistance.services import plans as plan_services
from haven.assistance.services.assessments import AssessmentInvalid
from haven.assistance.tests.test_assessments import answers, assessment_team, record
from haven.assistance.tests.test_permits import NOON, TODAY, permit_input, permit_team
from haven.assistance.tests.test_plans import a_service, field_of, plan_team, start
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.lib.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def erase(case: Case, lead: User) -> None:
    """Erase the person's data as a supervisor of the lead organisation."""
    boss = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=lead.organisation)
    case_services.person_erase(actor=boss, case_id=case.id)


# --- assessments (R-19, R-21) -------------------------------------------------------


def test_it_refuses_an_assessment_of_an_unknown_kind() -> None:
    # given
    t = assessment_team()
    # when
    with pytest.raises(AssessmentInvalid) as refused:
        record(t.lead, t.case, "wellbeing", sections=answers("needs"))
    # then
    assert refused.value.field == "kind"


def test_it_refuses_a_trigger_that_is_not_one_of_the_reasons_offered() -> None:
    # given
    t = assessment_team()
    # when
    with pytest.raises(AssessmentInvalid) as refused:
        record(t.lead, t.case, "needs", trigger="whim")
    # then
    assert refused.value.field == "trigger"


def test_it_refuses_the_initial_trigger_on_a_second_version() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs")
    # when
    with pytest.raises(AssessmentInvalid) as refused:
        record(t.lead, t.case, "needs", trigger="initial")
    # then
    assert refused.value.field == "trigger"
    assert "not the first assessment" in refused.value.message


def test_it_shows_no_assessment_content_once_the_person_is_erased() -> None:
    # given
    t = assessment_team()
    record(t.lead, t.case, "needs")
    erase(t.case, t.lead)
    # when
    history = assessment_selectors.assessments_for_case(user=t.lead, case_id=t.case.id)
    # then
    (version,) = history.kinds[0].versions
    assert history.erased
    assert (version.sections, version.person_view) == ([], "")


# --- residence permits and detention (R-16) -----------------------------------------


def test_it_refuses_a_permit_without_a_type() -> None:
    # given
    t = permit_team()
    # when
    with time_machine.travel(NOON, tick=False), pytest.raises(InvalidInput) as refused:
        permit_services.permit_record(
            actor=t.lead, case_id=t.case.id, data=permit_input(permit_type="  ")
        )
    # then
    assert (refused.value.code, refused.value.field) == ("required", "permit_type")
    assert not ResidencePermit.objects.exists()


def test_it_refuses_a_permit_expiring_on_or_before_its_issue_day() -> None:
    # given
    t = permit_team()
    # when
    with time_machine.travel(NOON, tick=False), pytest.raises(InvalidInput) as refused:
        permit_services.permit_record(
            actor=t.lead, case_id=t.case.id, data=permit_input(expires_on=TODAY)
        )
    # then
    assert refused.value.field == "expires_on"
    assert not ResidencePermit.objects.exists()


def test_it_refuses_a_renewal_dated_in_the_future() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = permit_services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        # when
        with pytest.raises(InvalidInput) as refused:
            permit_services.permit_renew(
                actor=t.lead,
                permit_id=permit.pk,
                renewed_on=TODAY + timedelta(days=1),
                new_expires_on=TODAY + timedelta(days=900),
                version=permit.version,
            )
    # then
    assert refused.value.field == "renewed_on"
    assert not permit.renewals.exists()


def test_it_gives_a_malformed_permit_reference_the_same_404_as_a_missing_one() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = permit_services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        renewal = {"renewed_on": TODAY, "new_expires_on": TODAY + timedelta(days=900)}
        # when
        with pytest.raises(NotFound) as malformed:
            permit_services.permit_renew(
                actor=t.lead, permit_id="not-a-number", **renewal, version=1
            )
        with pytest.raises(NotFound) as missing:
            permit_services.permit_renew(
                actor=t.lead, permit_id=permit.pk + 1000, **renewal, version=1
            )
    # then
    assert malformed.value.message == missing.value.message


def test_it_refuses_detention_starting_in_the_future_or_ending_before_it_started() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        # when
        with pytest.raises(InvalidInput) as future:
            permit_services.detention_record(
                actor=t.lead,
                case_id=t.case.id,
                started_on=TODAY + timedelta(days=1),
                place_type="Detention centre",
            )
        with pytest.raises(InvalidInput) as backwards:
            permit_services.detention_record(
                actor=t.lead,
                case_id=t.case.id,
                started_on=TODAY,
                ended_on=TODAY - timedelta(days=1),
                place_type="Detention centre",
            )
    # then
    assert (future.value.field, backwards.value.field) == ("started_on", "ended_on")
    assert not DetentionRecord.objects.exists()


def test_it_refuses_to_end_detention_before_it_started() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit_services.detention_record(
            actor=t.lead, case_id=t.case.id, started_on=TODAY, place_type="Detention centre"
        )
        # when
        with pytest.raises(InvalidInput) as refused:
            permit_services.detention_end(
                actor=t.lead, case_id=t.case.id, ended_on=TODAY - timedelta(days=1)
            )
    # then
    assert refused.value.field == "ended_on"
    assert DetentionRecord.objects.get().ended_on is None


def test_it_shows_no_permit_reference_once_the_person_is_erased() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit_services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
    erase(t.case, t.lead)
    # when
    view = permit_selectors.permits_get(user=t.lead, case_id=t.case.id)
    # then
    assert view.erased
    assert [p.reference for p in view.permits] == [""]


# --- plans and services (R-20) --------------------------------------------------------


def test_it_drops_a_planned_end_that_falls_before_the_actual_start() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = a_service(
            t, starts_on=TODAY - timedelta(days=10), ends_on=TODAY - timedelta(days=5)
        )
        # when
        started = start(t, service)
    # then
    assert (started.status, started.starts_on, started.ends_on) == (St.ACTIVE, TODAY, None)


def test_it_refuses_to_stop_a_service_under_way_before_it_started() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = start(t, a_service(t))
        # when
        field = field_of(
            lambda: plan_services.service_stop(
                actor=t.lead,
                service_id=service.id,
                ends_on=TODAY - timedelta(days=1),
                note="The provider closed.",
            )
        )
    # then
    assert field == "ends_on"
    service.refresh_from_db()
    assert service.status == St.ACTIVE


def test_it_refuses_to_complete_a_service_before_it_started() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = start(t, a_service(t))
        # when
        field = field_of(
            lambda: plan_services.service_complete(
                actor=t.lead,
                service_id=service.id,
                ends_on=TODAY - timedelta(days=1),
                outcome="achieved",
            )
        )
    # then
    assert field == "ends_on"


def test_it_shows_no_service_notes_once_the_person_is_erased() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        a_service(t)
    erase(t.case, t.lead)
    # when
    view = plan_selectors.plans_for_case(user=t.lead, case_id=t.case.id)
    # then
    assert view.erased
    assert [s.note for s in view.services] == [""]
