"""The report for the person (GDPR Art. 15), through its selector: who may
produce it, what it holds, its language, erasure, and its own audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone, translation

from haven.access import services as access_services
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    FieldGroup,
    GivenBy,
    Purpose,
)
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, selectors, services
from haven.cases import person_report as report_selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_interviews_services import SUMMARY, interview
from haven.children.tests.factories import appoint_guardian
from haven.identification.tests.factories import load_shipped_sets, screen
from haven.identification.tests.test_decisions_services import record
from haven.web import composer

pytestmark = pytest.mark.django_db

NARRATIVE = "I was promised work in a bakery."
NOTE = "Documents kept by the employer."
REASONS = "Credible account of deceptive recruitment."


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


@dataclass(frozen=True)
class Shared:
    """An NGO leads; the police on the team read, screen and decide."""

    lead: User
    police: User
    case: Case


def shared_case(**person: Any) -> Shared:
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead, narrative=NARRATIVE, **person)
    add_to_team(case=case, organisation=org_of(police), by=lead)
    return Shared(lead, police, case)


def consent_for(shared: Shared, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": shared.lead,
        "case_id": shared.case.id,
        "person_id": shared.case.person_id,
        "data_key": shared.case.person.data_key,
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": timezone.localdate(),
        "language": "fi",
        "information_given": "What the police would read, and that saying no changes nothing.",
        "recipient_organisation": org_of(shared.police),
    }
    return access_services.consent_record(**{**values, **overrides})


def report_of(user: User, case: Case, language: str = "") -> report_selectors.PersonReport:
    return composer.person_report_read(user=user, case_id=case.id, language=language)


# --- who may produce it ---------------------------------------------------------------


def test_it_lets_only_the_case_lead_produce_the_report() -> None:
    # given
    shared = shared_case()
    lead_supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(shared.lead))
    outsider = make_user(org_type=OrgType.NGO)

    # when
    for_lead = report_of(shared.lead, shared.case)
    for_supervisor = report_of(lead_supervisor, shared.case)
    with pytest.raises(errors.GroupNotAllowed) as member:
        report_of(shared.police, shared.case)
    with pytest.raises(errors.CaseNotFound) as outside:
        report_of(outsider, shared.case)

    # then
    assert for_lead.case.id == for_supervisor.case.id == shared.case.id
    assert member.value.code == "field_group_not_allowed"
    assert org_of(shared.lead).name in member.value.message
    assert outside.value.code == "case_not_found"


def test_it_checks_access_before_the_language() -> None:
    # given
    shared = shared_case()
    outsider = make_user(org_type=OrgType.NGO)

    # when
    with pytest.raises(errors.CaseNotFound):
        report_of(outsider, shared.case, language="xx")
    with pytest.raises(errors.GroupNotAllowed):
        report_of(shared.police, shared.case, language="xx")
    with pytest.raises(errors.InvalidInput) as refused:
        report_of(shared.lead, shared.case, language="xx")

    # then
    assert refused.value.code == "language_not_offered"
    assert refused.value.field == "lang"


def test_it_offers_the_report_on_the_case_page_to_the_case_lead_only() -> None:
    # given
    shared = shared_case()

    # when
    lead_view = selectors.case_read(user=shared.lead, case_id=shared.case.id)
    member_view = selectors.case_read(user=shared.police, case_id=shared.case.id)

    # then
    assert report_selectors.person_report_offered(case_view=lead_view)
    assert not report_selectors.person_report_offered(case_view=member_view)


# --- what it holds --------------------------------------------------------------------


def test_it_holds_every_part_of_the_report() -> None:
    # given
    load_shipped_sets()
    shared = shared_case(given_name="Aino")
    screen(actor=shared.lead, case=shared.case, note=NOTE)
    record(shared.police, shared.case, reasons=REASONS)
    consent_for(shared)
    selectors.case_read(user=shared.police, case_id=shared.case.id)

    # when
    report = report_of(shared.lead, shared.case)

    # then
    groups = {g.group: g for g in report.groups}
    assert all(g.shown for g in report.groups)  # an NGO lead reads every group
    identity = groups[FieldGroup.IDENTITY].data
    assert identity is not None
    assert identity["given_name"] == "Aino"
    narrative = groups[FieldGroup.NARRATIVE].data
    assert narrative is not None
    assert [e["text"] for e in narrative["entries"]] == [NARRATIVE]
    assert report.screenings.shown
    assert NOTE in [o.note for o in report.screenings.items[0].observations]
    assert [d.reasons for d in report.decisions.items] == [REASONS]
    assert [(m.organisation, m.is_lead) for m in report.team] == [
        (org_of(shared.lead).name, True),
        (org_of(shared.police).name, False),
    ]
    assert [c.purpose for c in report.consents] == [Purpose.INVESTIGATION]
    assert {f.recipient for f in report.flows} == {org_of(shared.police).name}
    assert report.lead_name == org_of(shared.lead).name


def test_it_lists_the_reads_of_another_organisation_by_organisation_and_role() -> None:
    # given
    shared = shared_case()
    selectors.case_read(user=shared.police, case_id=shared.case.id)

    # when
    events = report_of(shared.lead, shared.case).access_events

    # then
    police_reads = [e for e in events if e.organisation == org_of(shared.police).name]
    assert len(police_reads) == 1
    read = police_reads[0]
    assert (read.action, read.team_role, read.org_type) == ("read", "team_member", "police")
    assert FieldGroup.NARRATIVE in read.field_groups
    assert FieldGroup.LOCATION not in read.field_groups
    assert events[-1].action == Action.CREATE  # intake, oldest last
    assert events[-1].team_role == "case_lead"


def test_it_lists_reads_not_yet_sealed_with_the_sealed_ones() -> None:
    # given: the intake and a first read sealed, then a second read not sealed yet
    shared = shared_case()
    selectors.case_read(user=shared.police, case_id=shared.case.id)
    audit.audit_seal()
    selectors.case_read(user=shared.police, case_id=shared.case.id)
    unsealed = AuditEvent.objects.filter(person_id=shared.case.person_id, seq__isnull=True)
    assert unsealed.count() == 1

    # when
    events = report_of(shared.lead, shared.case).access_events

    # then: both reads, newest first, and the sealed intake last
    police_reads = [e for e in events if e.organisation == org_of(shared.police).name]
    assert [e.action for e in police_reads] == [Action.READ, Action.READ]
    assert events[-1].action == Action.CREATE


def test_it_marks_break_glass_reads_from_outside_the_team_and_the_systems_own_events() -> None:
    # given
    shared = shared_case()
    emergency = make_user(org_type=OrgType.HEALTH)
    access_services.break_glass_open(
        actor=emergency,
        case_id=shared.case.id,
        person_id=shared.case.person_id,
        justification="Unconscious at the emergency ward, allergies unknown.",
    )
    audit.audit_record(
        actor=audit.Actor(None, "", "", ""),
        action=Action.UPDATE,
        object_type="cases.Case",
        object_id=shared.case.id,
        person_id=shared.case.person_id,
    )

    # when
    events = report_of(shared.lead, shared.case).access_events

    # then
    system, glass = events[0], events[1]
    assert (system.organisation, system.team_role, system.org_type) == ("", "", "")
    assert (glass.kind, glass.team_role, glass.org_type) == (
        "break_glass",
        "outside_team",
        "health",
    )


def test_it_leaves_staff_names_out() -> None:
    # given
    load_shipped_sets()
    shared = shared_case()
    record(shared.police, shared.case, reasons=REASONS)
    selectors.case_read(user=shared.police, case_id=shared.case.id)

    # when
    report = report_of(shared.lead, shared.case)

    # then
    groups = {g.group: g.data for g in report.groups}
    narrative, legal = groups[FieldGroup.NARRATIVE], groups[FieldGroup.LEGAL]
    assert narrative is not None and legal is not None
    assert all("author" not in e for e in narrative["entries"])
    assert legal["transitions"]
    assert all("decided_by" not in t for t in legal["transitions"])
    assert all(not hasattr(e, "actor_username") for e in report.access_events)
    names = {shared.lead.username, shared.police.username}
    assert not names & {str(v) for g in groups.values() if g for v in g.values()}


def test_it_shows_a_withdrawn_consent_as_withdrawn() -> None:
    # given
    shared = shared_case()
    withdrawn = consent_for(shared, given_on=timezone.localdate() - timedelta(days=3))
    access_services.consent_withdraw(
        actor=shared.lead, consent_id=withdrawn.id, person_id=shared.case.person_id
    )
    consent_for(shared, purpose=Purpose.ASSISTANCE)

    # when
    consents = report_of(shared.lead, shared.case).consents

    # then
    assert [(c.purpose, c.live) for c in consents] == [
        (Purpose.INVESTIGATION, False),
        (Purpose.ASSISTANCE, True),
    ]
    assert consents[0].withdrawn_at is not None
    assert consents[1].withdrawn_at is None
    assert consents[0].recipient == org_of(shared.police).name


def test_it_shows_a_childs_own_views_beside_the_guardians_consent() -> None:
    # given
    shared = shared_case(age_status="uncertain_presumed_child")
    appoint_guardian(actor=shared.lead, case=shared.case)  # the guardian consents
    consent_for(
        shared,
        given_by=GivenBy.GUARDIAN,
        child=True,
        child_views="I want the police to know, but not my school.",
    )

    # when
    consents = report_of(shared.lead, shared.case).consents

    # then
    assert [(c.given_by, c.child_views) for c in consents] == [
        (str(GivenBy.GUARDIAN.label), "I want the police to know, but not my school.")
    ]


def test_it_lists_the_agreements_under_which_data_could_flow_to_the_team() -> None:
    # given: besides the test's law, agreements signed by the lead (or by every NGO in
    # Finland) with the police on the team, with every police in Finland or in
    # Estonia, or with a police not on the team; one ended before the police joined,
    # one ends while they are on the team
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    stranger = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead)
    today = timezone.localdate()
    to_police: dict[str, Any] = {"recipient_organisation": org_of(police)}
    ngos_in_finland: dict[str, Any] = {"org_type": OrgType.NGO, "country": "FI"}
    cases: list[tuple[str, date | None, dict[str, Any], dict[str, Any]]] = [
        ("Ended before", today - timedelta(days=30), {}, to_police),
        ("Ended since", today + timedelta(days=5), {}, to_police),
        ("NGOs in Finland", None, ngos_in_finland, to_police),
        ("Other police", None, {}, {"recipient_organisation": org_of(stranger)}),
        ("Police in Finland", None, {}, {"recipient_org_type": OrgType.POLICE}),
        (
            "Police in Estonia",
            None,
            {},
            {"recipient_org_type": "police", "recipient_country": "EE"},
        ),
        ("Not signed by the police", None, {}, to_police),
        # a proposal the police have not approved lets nothing flow
        ("Proposed only", None, {}, to_police),
    ]
    for name, ends_on, party, recipient in cases:
        agreement = Agreement.objects.create(
            name=name,
            document_reference="MoU 1",
            valid_from=date(2020, 1, 1),
            ends_on=ends_on,
            state=AgreementState.PROPOSED if name == "Proposed only" else AgreementState.IN_EFFECT,
            created_at=timezone.now(),
        )
        AgreementParty.objects.create(
            agreement=agreement, **(party or {"organisation": org_of(lead)})
        )
        if name != "Not signed by the police":  # data flows only to signatories
            AgreementParty.objects.create(
                agreement=agreement, org_type=OrgType.POLICE, country=org_of(police).country
            )
        AgreementFlow.objects.create(
            agreement=agreement,
            purposes=[Purpose.INVESTIGATION],
            field_groups=[FieldGroup.NARRATIVE],
            **recipient,
        )
    add_to_team(case=case, organisation=org_of(police), by=lead)

    # when: ten days later
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        with_police = report_of(lead, case).flows

    # then
    assert sorted(f.agreement for f in with_police) == [
        "Ended since",
        "NGOs in Finland",
        "Police in Finland",
        f"Test referral law: {org_of(lead).name} to {org_of(police).name}",
    ]
    ended_since = next(f for f in with_police if f.agreement == "Ended since")
    assert (ended_since.in_force, ended_since.consent_required) == (False, True)
    assert all(f.in_force for f in with_police if f is not ended_since)


def test_it_lists_no_agreement_while_the_lead_works_alone() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)

    # when
    report = report_of(lead, case)

    # then
    assert report.flows == []
    assert [m.is_lead for m in report.team] == [True]


def test_it_says_why_a_lead_that_may_not_see_assessments_or_decisions_cannot_show_them() -> None:
    # given: a health service leads; health does not see the legal or assessment groups
    lead = make_user(org_type=OrgType.HEALTH)
    case = open_case(actor=lead)

    # when
    report = report_of(lead, case)

    # then
    assert not report.screenings.shown and report.screenings.reason
    assert not report.decisions.shown and report.decisions.reason
    legal = next(g for g in report.groups if g.group == FieldGroup.LEGAL)
    assert (legal.shown, legal.code, legal.data) == (False, "group_not_for_org_type", None)


# --- language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("languages", "requested", "code", "by_caseworker"),
    [
        (["fi", "so"], "", "fi", False),  # the person's first language, offered
        (["so", "sv"], "", "sv", False),  # the first one Haven offers
        (["so"], "", "en", False),  # none offered: the caseworker's own language
        (["fi"], "sv", "sv", True),  # the caseworker's choice wins
        ([], "", "en", False),  # not known: the caseworker's own language
    ],
)
def test_it_chooses_the_language_of_the_report(
    languages: list[str], requested: str, code: str, by_caseworker: bool
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, languages=languages)

    # when
    language = report_of(lead, case, language=requested).language

    # then
    assert (language.code, language.chosen_by_caseworker) == (code, by_caseworker)
    assert language.person_language == (languages[0] if languages else "")
    assert language.translated  # every language Haven offers ships its catalogue
    assert language.text_code == code


def test_it_names_a_first_language_haven_does_not_offer() -> None:
    # given: CLDR names Somali, which Haven does not offer either
    lead = make_user(org_type=OrgType.NGO)
    interlingua = open_case(actor=lead, languages=["ia"])
    somali = open_case(actor=lead, languages=["so"])
    finnish = open_case(actor=lead, languages=["fi"])

    # when
    names = [
        (language.person_language_name, language.person_language_offered)
        for language in (report_of(lead, c).language for c in (interlingua, somali, finnish))
    ]

    # then
    assert names == [("Interlingua", False), ("Somali", False), ("Finnish", True)]


def test_it_knows_a_language_has_a_translation_once_its_catalogue_exists(tmp_path: Path) -> None:
    # given
    (tmp_path / "fi" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fi" / "LC_MESSAGES" / "django.mo").write_bytes(b"")

    # when
    with override_settings(LOCALE_PATHS=[tmp_path]):
        finnish, swedish = (report_selectors.translation_available(c) for c in ("fi", "sv"))

    # then
    assert (finnish, swedish, report_selectors.translation_available("en")) == (True, False, True)


def test_it_falls_back_to_the_default_language_when_the_active_one_is_not_offered() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)

    # when
    with (
        override_settings(LANGUAGES=[("fi", "Finnish"), ("en", "English")]),
        translation.override("de"),
    ):
        language = report_of(lead, case).language

    # then
    assert language.code == "en"


# --- erasure and the audit trail ------------------------------------------------------


def test_it_says_the_data_was_erased_and_shows_none_of_it() -> None:
    # given
    load_shipped_sets()
    shared = shared_case(languages=["fi"])
    screen(actor=shared.lead, case=shared.case, note=NOTE)
    record(shared.police, shared.case, reasons=REASONS)
    supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(shared.lead))
    services.person_erase(actor=supervisor, case_id=shared.case.id)

    # when
    report = report_of(shared.lead, shared.case)

    # then
    assert report.erased and report.erased_at is not None
    assert {(g.shown, g.code, g.data is None) for g in report.groups} == {
        (False, "person_erased", True)
    }
    assert [o.note for s in report.screenings.items for o in s.observations] == [""] * 6
    assert [d.reasons for d in report.decisions.items] == [""]
    assert report.language.person_language == ""  # languages are identity data
    assert Action.ERASE in {e.action for e in report.access_events}


def test_it_records_producing_the_report_as_one_read() -> None:
    # given
    shared = shared_case()
    before = AuditEvent.objects.count()

    # when
    report_of(shared.lead, shared.case)

    # then
    produced = AuditEvent.objects.order_by("-id").first()
    assert produced is not None
    assert AuditEvent.objects.filter(detail__report="person").count() == 1
    assert (produced.action, produced.detail) == (Action.READ, {"report": "person"})
    assert produced.person_id == str(shared.case.person_id)
    assert set(produced.field_groups.split(",")) == set(FieldGroup.values)
    assert AuditEvent.objects.count() > before + 1  # the parts' own reads are recorded too


def test_it_produces_nothing_when_its_own_audit_event_cannot_be_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the audit trail refuses the report's own event
    shared = shared_case()
    before = AuditEvent.objects.count()
    real = audit.audit_record

    def failing(**kwargs: Any) -> AuditEvent:
        if kwargs.get("detail") == {"report": "person"}:
            raise RuntimeError("audit trail unavailable")
        return real(**kwargs)

    monkeypatch.setattr(audit, "audit_record", failing)

    # when
    with pytest.raises(RuntimeError):
        report_of(shared.lead, shared.case)

    # then: the parts' reads were rolled back with it (one transaction)
    assert AuditEvent.objects.count() == before


def test_it_lists_the_interviews_with_what_was_recorded_and_who_may_read_it() -> None:
    # given an interview the lead recorded, readable by the lead and the police
    shared = shared_case()
    services.interview_record(
        actor=shared.lead,
        case_id=shared.case.id,
        interview=interview(
            persons_present=["Interpreter (Thai)"], readers=[org_of(shared.police).pk]
        ),
    )
    # when
    report = report_of(shared.lead, shared.case)
    # then
    [entry] = report.interviews
    assert entry.summary == SUMMARY
    assert entry.persons_present == ["Interpreter (Thai)"]
    assert set(entry.readers) == {org_of(shared.lead).name, org_of(shared.police).name}
    assert entry.hidden_reason == ""
