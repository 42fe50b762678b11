"""Information on rights and interpretation through their services and selectors
(R-24, CETS Art. 15(1), Dir Art. 11(6)): the record of information given, the
interpretation need, the interpreters planned and the warning, and the leaflet's
choices (language, version, the period's end, the contact person)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance.models import (
    InterpretationNeed,
    InterpreterBooking,
    ReflectionPeriod,
    RightsInformation,
)
from haven.assistance.selectors import rights as selectors
from haven.assistance.services import rights as services
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.lib.errors import InvalidInput

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
NOON = datetime(2026, 12, 7, 12, tzinfo=UTC)


@dataclass
class RightsTeam:
    case: Case
    lead: User  # NGO caseworker, case lead: services and legal groups
    shelter: User  # on the team: services group, never the legal group
    police: User  # on the team: no services group
    outsider: User  # not on the team


def rights_team(**person: Any) -> RightsTeam:
    lead = make_user(org_type=OrgType.NGO, first_name="Maria")
    case = open_case(actor=lead, **person)
    shelter = make_user(org_type=OrgType.SHELTER)
    police = make_user(org_type=OrgType.POLICE)
    for member in (shelter, police):
        assert member.organisation is not None
        add_to_team(case=case, organisation=member.organisation)
    return RightsTeam(case, lead, shelter, police, make_user(org_type=OrgType.NGO))


def given(**changes: object) -> services.RightsInput:
    data = services.RightsInput(
        items=["assistance", "reflection", "legal_aid"],
        given_on=TODAY,
        language="vi",
        form="leaflet",
        version="easy",
        interpreter_organisation="Test Interpreting Ltd",
        interpreter_name="Nguyen Van Test",
    )
    return replace(data, **changes)  # type: ignore[arg-type]  # test overrides by field name


def booking(**changes: object) -> services.BookingInput:
    data = services.BookingInput(
        occasion="interview", planned_on=TODAY + timedelta(days=3), language="vi"
    )
    return replace(data, **changes)  # type: ignore[arg-type]  # test overrides by field name


def need(case: Case, actor: User, *languages: str, sex: str = "") -> InterpretationNeed:
    return services.interpretation_need_record(
        actor=actor,
        case_id=case.id,
        data=services.NeedInput(
            needed=bool(languages), languages=list(languages), interpreter_sex=sex
        ),
    )


# --- the record of information given ----------------------------------------------------


def test_r24_the_information_given_is_recorded_with_items_language_form_and_interpreter() -> None:
    # given
    t = rights_team()
    # when
    with time_machine.travel(NOON, tick=False):
        record = services.rights_information_record(actor=t.lead, case_id=t.case.id, data=given())
        view = selectors.rights_get(user=t.lead, case_id=t.case.id)
    # then
    assert record.items == ["reflection", "assistance", "legal_aid"]  # the checklist's order
    assert record.given_at == NOON
    assert b"Nguyen" not in bytes(record.interpreter_name_enc or b"")  # stored encrypted
    shown = view.records[0]
    assert (shown.language, shown.form, shown.given_by) == ("vi", "leaflet", t.lead.username)
    assert shown.interpreter_name == "Nguyen Van Test"
    assert shown.interpreter_organisation == "Test Interpreting Ltd"
    assert len(shown.item_labels) == 3
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="assistance.RightsInformation"
    ).exists()


def test_r24_information_given_on_an_earlier_day_is_dated_that_day() -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        record = services.rights_information_record(
            actor=t.lead, case_id=t.case.id, data=given(given_on=TODAY - timedelta(days=2))
        )
    assert record.given_at.date() == TODAY - timedelta(days=2)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"items": []}, "items_required", "items"),
        ({"items": ["gossip"]}, "invalid_choice", "items"),
        ({"language": "Vietnamese"}, "language_invalid", "language"),
        ({"form": "telepathy"}, "invalid_choice", "form"),
        ({"version": "legalese"}, "invalid_choice", "version"),
        ({"given_on": TODAY + timedelta(days=1)}, "date_out_of_range", "given_on"),
    ],
)
def test_r24_an_incomplete_record_is_refused_on_its_field(
    changes: dict[str, object], code: str, field: str
) -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False), pytest.raises(InvalidInput) as refused:
        services.rights_information_record(actor=t.lead, case_id=t.case.id, data=given(**changes))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not RightsInformation.objects.exists()


def test_r24_the_services_group_decides_who_records_and_reads_the_information_given() -> None:
    # given: one team, one case
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        # when / then: the lead and the shelter see the services group
        services.rights_information_record(actor=t.lead, case_id=t.case.id, data=given())
        services.rights_information_record(actor=t.shelter, case_id=t.case.id, data=given())
        assert len(selectors.rights_get(user=t.shelter, case_id=t.case.id).records) == 2
        # the police on the team do not: refused with the reason
        with pytest.raises(case_errors.GroupNotAllowed):
            services.rights_information_record(actor=t.police, case_id=t.case.id, data=given())
        with pytest.raises(case_errors.GroupNotAllowed):
            selectors.rights_get(user=t.police, case_id=t.case.id)
        # and an organisation outside the team gets the missing case's 404
        with pytest.raises(case_errors.CaseNotFound):
            services.rights_information_record(actor=t.outsider, case_id=t.case.id, data=given())
        with pytest.raises(case_errors.CaseNotFound):
            selectors.leaflet_get(user=t.outsider, case_id=t.case.id)
    assert RightsInformation.objects.count() == 2


def test_r24_after_erasure_the_interpreters_names_cannot_be_read() -> None:
    # given
    t = rights_team()
    boss = make_user(role=Role.SUPERVISOR, organisation=t.lead.organisation)
    with time_machine.travel(NOON, tick=False):
        services.rights_information_record(actor=t.lead, case_id=t.case.id, data=given())
        services.interpreter_booking_record(
            actor=t.lead, case_id=t.case.id, data=booking(interpreter_name="Tran Thi Test")
        )
        case_services.person_erase(actor=boss, case_id=t.case.id)
        # when
        view = selectors.rights_get(user=t.lead, case_id=t.case.id)
    # then
    assert view.erased
    assert view.records[0].interpreter_name == ""
    assert view.bookings[0].interpreter_name == ""
    assert view.records[0].interpreter_organisation == "Test Interpreting Ltd"


# --- interpretation -------------------------------------------------------------------


def test_r24_the_interpretation_need_is_revisable_and_keeps_its_history() -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        need(t.case, t.lead, "vi", "en", sex="male")
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        need(t.case, t.lead, "VI", "vi")
        view = selectors.rights_get(user=t.lead, case_id=t.case.id)
    assert view.need is not None
    assert view.need.languages == ["vi"]  # lower case, once
    assert view.need.interpreter_sex == ""
    assert [n.languages for n in view.need_history] == [["vi"], ["vi", "en"]]
    assert view.need_history[1].interpreter_sex_label == "Male"


def test_r24_a_need_without_a_language_is_refused_and_no_need_needs_none() -> None:
    t = rights_team()
    with pytest.raises(InvalidInput) as refused:
        services.interpretation_need_record(
            actor=t.lead, case_id=t.case.id, data=services.NeedInput(needed=True)
        )
    assert (refused.value.code, refused.value.field) == ("required", "languages")
    with pytest.raises(InvalidInput) as sex:
        services.interpretation_need_record(
            actor=t.lead,
            case_id=t.case.id,
            data=services.NeedInput(needed=True, languages=["vi"], interpreter_sex="robot"),
        )
    assert sex.value.field == "interpreter_sex"
    found = services.interpretation_need_record(
        actor=t.lead, case_id=t.case.id, data=services.NeedInput(needed=False)
    )
    assert (found.needed, found.languages) == (False, [])


def test_r24_an_interview_soon_without_an_interpreter_warns_while_the_person_needs_one() -> None:
    # given
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        bare = services.interpreter_booking_record(actor=t.lead, case_id=t.case.id, data=booking())
        services.interpreter_booking_record(
            actor=t.lead,
            case_id=t.case.id,
            data=booking(occasion="decision", interpreter_organisation="Test Interpreting Ltd"),
        )
        services.interpreter_booking_record(  # too far ahead to warn yet
            actor=t.lead, case_id=t.case.id, data=booking(planned_on=TODAY + timedelta(days=30))
        )
        # when: before the need is known, and after
        before = selectors.rights_get(user=t.lead, case_id=t.case.id)
        need(t.case, t.lead, "vi")
        after = selectors.rights_get(user=t.lead, case_id=t.case.id)
    # then
    assert before.warnings == []
    assert [w.id for w in after.warnings] == [bare.pk]
    assert len(after.bookings) == 3


def test_r24_a_planned_interpreter_named_as_a_person_is_stored_encrypted() -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        found = services.interpreter_booking_record(
            actor=t.lead,
            case_id=t.case.id,
            data=booking(interpreter_name="Tran Thi Test", interpreter_sex="female"),
        )
        view = selectors.rights_get(user=t.lead, case_id=t.case.id)
    assert b"Tran" not in bytes(found.interpreter_name_enc or b"")
    assert view.bookings[0].interpreter_name == "Tran Thi Test"
    assert view.bookings[0].has_interpreter
    assert view.bookings[0].interpreter_sex_label == "Female"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occasion": "party"}, "occasion"),
        ({"language": "v1"}, "language"),
        ({"planned_on": date(1980, 1, 1)}, "planned_on"),
    ],
)
def test_r24_an_invalid_interpreter_plan_is_refused_on_its_field(
    changes: dict[str, object], field: str
) -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False), pytest.raises(InvalidInput) as refused:
        services.interpreter_booking_record(
            actor=t.lead, case_id=t.case.id, data=booking(**changes)
        )
    assert refused.value.field == field
    assert not InterpreterBooking.objects.exists()


# --- the leaflet ------------------------------------------------------------------------


def _period(case: Case, ends_on: date) -> None:
    ReflectionPeriod.objects.create(
        case=case, starts_on=ends_on - timedelta(days=30), granted_days=30, ends_on=ends_on
    )


def test_r24_the_leaflet_is_in_the_persons_interpretation_language_with_the_period_end() -> None:
    # given
    t = rights_team()
    _period(t.case, TODAY + timedelta(days=20))
    with time_machine.travel(NOON, tick=False):
        need(t.case, t.lead, "uz", "vi")  # Uzbek first: no leaflet in it yet
        # when
        view = selectors.leaflet_get(user=t.lead, case_id=t.case.id)
    # then
    leaflet = view.leaflet
    assert (leaflet.language, leaflet.version) == ("vi", "standard")
    assert "27 tháng 12, 2026" in leaflet.sections[0].lines[0]
    contact = next(s for s in leaflet.sections if s.key == "contact").lines[0]
    assert t.lead.organisation is not None
    assert "Maria" in contact and t.lead.organisation.name in contact
    assert t.case.reference in leaflet.reference
    assert view.period_shown and view.writable
    assert AuditEvent.objects.filter(object_type="assistance.RightsLeaflet").exists()


def test_r24_the_leaflet_never_names_the_person_or_where_they_stay() -> None:
    t = rights_team(given_name="Lan", family_name="Uniquename", current_location="Safe house 9")
    with time_machine.travel(NOON, tick=False):
        view = selectors.leaflet_get(user=t.shelter, case_id=t.case.id, language="en")
    words = " ".join(line for s in view.leaflet.sections for line in s.lines)
    assert "Uniquename" not in words and "Safe house" not in words


def test_r24_a_reader_without_the_legal_group_gets_the_general_words_on_the_period() -> None:
    # given: the same case, read by the lead (legal group) and by the shelter (none)
    t = rights_team()
    _period(t.case, TODAY + timedelta(days=20))
    with time_machine.travel(NOON, tick=False):
        lead = selectors.leaflet_get(user=t.lead, case_id=t.case.id, language="en")
        shelter = selectors.leaflet_get(user=t.shelter, case_id=t.case.id, language="en")
    # then
    assert "December 27, 2026" in lead.leaflet.sections[0].lines[0]
    assert not shelter.period_shown
    assert "at least 30 days" in shelter.leaflet.sections[0].lines[0]


def test_r24_an_ended_period_gives_the_general_words() -> None:
    t = rights_team()
    _period(t.case, TODAY - timedelta(days=2))
    with time_machine.travel(NOON, tick=False):
        view = selectors.leaflet_get(user=t.lead, case_id=t.case.id)
    assert view.period_shown
    assert "at least 30 days" in view.leaflet.sections[0].lines[0]
    assert view.leaflet.language == "en"


def test_r26_a_case_treated_as_a_child_gets_the_child_friendly_leaflet() -> None:
    t = rights_team(age_status="uncertain_presumed_child")
    with time_machine.travel(NOON, tick=False):
        child = selectors.leaflet_get(user=t.lead, case_id=t.case.id, language="ru")
        chosen = selectors.leaflet_get(user=t.lead, case_id=t.case.id, version="easy")
    assert (child.leaflet.version, child.leaflet.title) == ("child", "Твои права")
    assert chosen.leaflet.version == "easy"


@pytest.mark.parametrize(
    ("language", "version", "field"), [("xx", "", "lang"), ("en", "poetic", "version")]
)
def test_r24_an_unknown_leaflet_language_or_version_is_refused(
    language: str, version: str, field: str
) -> None:
    t = rights_team()
    with pytest.raises(InvalidInput) as refused:
        selectors.leaflet_get(user=t.lead, case_id=t.case.id, language=language, version=version)
    assert refused.value.field == field
