"""Cooperation with the authorities and witness status: the service, the history
selector and the case-page summary (legal group; R-18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from haven.access import services as access_services
from haven.access.models import Purpose
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.cases import errors, selectors, services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.justice import selectors as justice_selectors
from haven.justice import services as justice_services
from haven.justice.models import CooperationRecord
from haven.lib.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


@dataclass
class CooperationTeam:
    case: Case
    lead: User  # NGO caseworker, case lead: sees the legal group
    shelter: User  # on the team, but a shelter never sees the legal group
    outsider: User  # not on the team
    emergency: User  # not on the team; a live break-glass grant (reads, never writes)


def cooperation_team() -> CooperationTeam:
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    shelter = make_user(org_type=OrgType.SHELTER)
    assert shelter.organisation is not None
    add_to_team(case=case, organisation=shelter.organisation)
    emergency = make_user(org_type=OrgType.SOCIAL_SERVICES)
    access_services.break_glass_open(
        actor=emergency, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )
    return CooperationTeam(case, lead, shelter, make_user(org_type=OrgType.NGO), emergency)


def record(
    actor: User, case: Case, *, cooperates: bool = True, witness: bool = False, on: date = TODAY
) -> CooperationRecord:
    return justice_services.cooperation_record(
        actor=actor,
        case_id=case.id,
        cooperates_with_authorities=cooperates,
        is_witness=witness,
        recorded_on=on,
    )


def test_r18_the_legal_group_records_cooperation_and_others_cannot() -> None:
    # given
    t = cooperation_team()
    with time_machine.travel(NOON, tick=False):
        # when
        saved = record(t.lead, t.case, cooperates=False, witness=True)
        with pytest.raises(errors.GroupNotAllowed) as shelter:
            record(t.shelter, t.case)
        with pytest.raises(errors.CaseNotFound):
            record(t.outsider, t.case)
        with pytest.raises(errors.BreakGlassReadOnly) as emergency:
            record(t.emergency, t.case)
    # then
    assert (saved.cooperates_with_authorities, saved.is_witness) == (False, True)
    assert (saved.recorded_on, saved.recorded_by) == (TODAY, t.lead)
    assert shelter.value.code == "field_group_not_allowed"
    assert emergency.value.code == "break_glass_read_only"
    assert CooperationRecord.objects.count() == 1


def test_r18_a_record_is_audited_for_identification_without_its_content() -> None:
    # given
    t = cooperation_team()
    with time_machine.travel(NOON, tick=False):
        # when
        saved = record(t.lead, t.case, cooperates=True, witness=True)
    # then
    event = AuditEvent.objects.filter(object_type="justice.CooperationRecord").get()
    assert (event.action, event.object_id, event.purpose) == (
        "create",
        str(saved.pk),
        "identification",
    )
    assert event.field_groups == "legal"
    assert str(event.person_id) == str(t.case.person_id)
    assert event.detail == {}


def test_r18_the_date_cannot_be_in_the_future_but_today_and_earlier_are_fine() -> None:
    # given
    t = cooperation_team()
    with time_machine.travel(NOON, tick=False):
        # when
        with pytest.raises(InvalidInput) as refused:
            record(t.lead, t.case, on=TODAY + timedelta(days=1))
        record(t.lead, t.case, on=TODAY)
        record(t.lead, t.case, on=TODAY - timedelta(days=400))
    # then
    assert (refused.value.code, refused.value.field) == ("invalid", "recorded_on")
    assert CooperationRecord.objects.count() == 2


def test_r18_nothing_is_recorded_once_the_person_is_erased() -> None:
    # given
    t = cooperation_team()
    supervisor = make_user(
        org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=t.lead.organisation
    )
    services.person_erase(actor=supervisor, case_id=t.case.id)
    # when
    with time_machine.travel(NOON, tick=False), pytest.raises(Conflict) as refused:
        record(t.lead, t.case)
    # then
    assert refused.value.code == "person_erased"


def test_r18_the_history_is_latest_first_for_the_legal_group_and_audited() -> None:
    # given
    t = cooperation_team()
    with time_machine.travel(NOON, tick=False) as traveller:
        record(t.lead, t.case, cooperates=False, witness=False, on=TODAY)
        traveller.shift(timedelta(hours=1))
        record(t.lead, t.case, cooperates=True, witness=True, on=TODAY - timedelta(days=3))
        # when
        history = justice_selectors.cooperation_history(user=t.lead, case_id=t.case.id)
        emergency = justice_selectors.cooperation_history(user=t.emergency, case_id=t.case.id)
        with pytest.raises(errors.GroupNotAllowed):
            justice_selectors.cooperation_history(user=t.shelter, case_id=t.case.id)
        with pytest.raises(errors.CaseNotFound):
            justice_selectors.cooperation_history(user=t.outsider, case_id=t.case.id)
    # then: the latest recorded is current, whatever its date says
    assert [(e.cooperates_with_authorities, e.is_witness) for e in history.entries] == [
        (True, True),
        (False, False),
    ]
    assert history.current == history.entries[0]
    assert history.entries[0].recorded_by == t.lead.get_username()
    assert len(emergency.entries) == 2  # break-glass reads
    reads = AuditEvent.objects.filter(object_type="justice.CooperationRecord", action="read")
    assert [(e.purpose, e.field_groups) for e in reads] == [("identification", "legal")] * 2


def test_r18_the_history_reads_for_the_purpose_it_is_asked_for() -> None:
    # given
    t = cooperation_team()
    # when
    justice_selectors.cooperation_history(
        user=t.lead, case_id=t.case.id, purpose=Purpose.INVESTIGATION
    )
    # then
    event = AuditEvent.objects.get(object_type="justice.CooperationRecord", action="read")
    assert event.purpose == "investigation"


def test_r18_the_case_page_shows_the_current_state_only_with_the_legal_group() -> None:
    # given
    t = cooperation_team()
    lead_view = selectors.case_read(user=t.lead, case_id=t.case.id)
    shelter_view = selectors.case_read(user=t.shelter, case_id=t.case.id)
    before = justice_selectors.case_page_cooperation(case_view=lead_view)
    with time_machine.travel(NOON, tick=False) as traveller:
        record(t.lead, t.case, cooperates=True, witness=False)
        traveller.shift(timedelta(hours=1))
        record(t.lead, t.case, cooperates=False, witness=True)
    # when
    shown = justice_selectors.case_page_cooperation(case_view=lead_view)
    hidden = justice_selectors.case_page_cooperation(case_view=shelter_view)
    # then
    assert before is not None and before.current is None
    assert shown is not None and shown.current is not None
    assert (shown.current.cooperates_with_authorities, shown.current.is_witness) == (False, True)
    assert shown.current.recorded_on == TODAY
    assert "Assistance never depends on it" in shown.statement
    assert hidden is None
