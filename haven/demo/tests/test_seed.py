"""The demo data: defined in code, seeded through services, synthetic and encrypted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from haven.access import policy as access_policy
from haven.access import selectors as access_selectors
from haven.access.models import (
    Agreement,
    Consent,
    FieldGroup,
    GivenBy,
    Purpose,
    TeamMembership,
)
from haven.access.policy import ORG_TYPE_GROUPS
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.assistance import eligibility
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import (
    Assessment,
    AssessmentKind,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    DetentionRecord,
    ReflectionExtension,
    ReflectionPeriod,
    ResidencePermit,
    RightsInformation,
)
from haven.assistance.models import ServiceStatus as St
from haven.assistance.selectors import reflection as reflection_selectors
from haven.assistance.selectors import rights as rights_selectors
from haven.audit import services as audit_services
from haven.audit.models import Action, AuditEvent
from haven.cases import drafts, selectors
from haven.cases.models import (
    Case,
    DraftKind,
    ErasureRequest,
    ErasureState,
    ExploitationForm,
    GenderIdentity,
    Person,
)
from haven.cases.status import IdentificationStatus, transition_allowed
from haven.children import clocks as children_clocks
from haven.children.models import (
    AgeAssessment,
    BestInterestsRecord,
    BestInterestsStage,
    Dependant,
    FamilyTracing,
    GuardianAppointment,
)
from haven.deadlines.erasure import ERASURE_APPROVAL
from haven.deadlines.models import Notification, Task
from haven.demo import agreements, consents, history, screenings, synthetic
from haven.demo import referrals as referral_demo
from haven.demo import services as demo
from haven.demo.accounts import MAIN_TYPES
from haven.identification import clocks as identification_clocks
from haven.identification import engine, pathways
from haven.identification.models import (
    IdentificationDecision,
    IndicatorSet,
    ObservationSource,
    Outcome,
    Reconsideration,
    Screening,
    ServedTo,
)
from haven.justice import selectors_parties
from haven.justice.models import (
    CompelledOffence,
    CompensationClaim,
    CooperationRecord,
    LegalAid,
    PartyLink,
    Proceeding,
    ProtectiveMeasure,
)
from haven.linkage.models import Merge
from haven.linkage.selectors import review as linkage_review_selectors
from haven.linkage.services import review as linkage_review
from haven.referrals.models import (
    ConcernReport,
    ConcernReportState,
    Consultation,
    CrossBorderTransfer,
    LeadTransfer,
    LeadTransferState,
    Referral,
    ReferralEvent,
    ReferralState,
)
from haven.statistics.models import Release

TODAY = date(2025, 3, 14)
S = IdentificationStatus
RG, CG = "reasonable_grounds", "conclusive_grounds"


def _planned(cases: int, seed: int = demo.DEFAULT_SEED) -> list[synthetic.CasePlan]:
    planner = synthetic.CasePlanner(seed=seed, today=TODAY, organisations=demo.demo_organisations())
    return [planner.plan(index) for index in range(cases)]


def test_it_defines_every_organisation_type_in_finland_and_estonia() -> None:
    # when
    organisations = demo.demo_organisations()

    # then
    kinds = {(o.country, o.org_type) for o in organisations}
    assert kinds == {(c, t) for c in ("FI", "EE") for t in OrgType.values}
    assert len({(o.name, o.country) for o in organisations}) == len(organisations)


def test_it_defines_an_account_for_every_role_with_a_recognisable_demo_password() -> None:
    # when
    accounts = demo.demo_accounts()

    # then
    assert {a.role for a in accounts} == set(Role.values)
    assert len({a.username for a in accounts}) == len(accounts)
    assert all(a.password == f"demo-{a.username}" for a in accounts)
    assert "ngo.caseworker.fi" in {a.username for a in accounts}


def test_it_gives_the_main_organisation_types_every_case_role_and_an_admin() -> None:
    # when
    accounts = demo.demo_accounts()

    # then
    for country in ("FI", "EE"):
        for org_type in (OrgType.NGO, OrgType.SOCIAL_SERVICES, OrgType.POLICE):
            roles = {a.role for a in accounts if (a.country, a.org_type) == (country, org_type)}
            assert roles == {Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN}


def test_it_takes_every_history_only_through_allowed_transitions() -> None:
    for statuses, _weight in history.HISTORIES:
        current = IdentificationStatus.POTENTIAL
        for target in statuses:
            assert transition_allowed(current, target), (current, target)
            current = target
    finals = {h[-1] if h else IdentificationStatus.POTENTIAL for h, _ in history.HISTORIES}
    assert finals == set(IdentificationStatus.values)


def test_it_leads_cases_only_from_organisations_that_may_record_the_whole_history() -> None:
    # the lead changes the status, adds to the narrative and screens
    for org_type in {*synthetic.ADULT_LEADS, *synthetic.CHILD_LEADS}:
        assert FieldGroup.LEGAL in ORG_TYPE_GROUPS[org_type]
        assert FieldGroup.NARRATIVE in ORG_TYPE_GROUPS[org_type]
        assert FieldGroup.ASSESSMENT in ORG_TYPE_GROUPS[org_type]


def _decisions(plan: synthetic.CasePlan) -> list[history.Decision]:
    return [e for e in plan.events if isinstance(e, history.Decision)]


def test_it_plans_dated_events_in_order_and_never_in_the_future() -> None:
    # when
    plans = _planned(200)

    # then
    for plan in plans:
        dates = [event.on for event in plan.events]
        assert dates == sorted(dates)
        assert all(day <= TODAY for day in dates)
        assert all(d.reasons for d in _decisions(plan))
    assert min(e.on for p in plans for e in p.events) >= TODAY - timedelta(days=120)


def test_it_plans_only_decisions_the_pathway_allows_by_organisations_on_the_team() -> None:
    # when
    plans = _planned(200)

    # then
    for plan in plans:
        pathway = pathways.pathway_for(plan.country)
        for decision in _decisions(plan):
            kind = pathway.decision_types[decision.decision_type]
            assert decision.by in kind.deciding_org_types
            assert decision.by in {plan.lead_type, *plan.members}


def test_r17_plans_conclusive_grounds_no_earlier_than_the_minimum_gap() -> None:
    # when
    plans = _planned(200)

    # then
    gaps = []
    for plan in plans:
        kinds = pathways.pathway_for(plan.country).decision_types
        positive_rg = [
            d.on for d in _decisions(plan) if (d.decision_type, d.outcome) == (RG, Outcome.POSITIVE)
        ]
        for decision in (d for d in _decisions(plan) if d.decision_type == CG):
            gaps.append((decision.on - positive_rg[-1]).days)
            assert gaps[-1] >= kinds[CG].min_gap_days
    assert gaps


def test_it_reaches_presumed_identified_and_not_identified_only_by_decisions() -> None:
    # when
    plans = _planned(200)

    # then
    for plan in plans:
        changes = [e for e in plan.events if isinstance(e, history.StatusChange)]
        assert not {c.to_status for c in changes} & {S.PRESUMED, S.IDENTIFIED, S.NOT_IDENTIFIED}
        assert len(_decisions(plan)) == sum(
            s in (S.PRESUMED, S.IDENTIFIED, S.NOT_IDENTIFIED) for s in plan.history
        )


def test_r15_plans_presumed_cases_inside_their_reflection_period() -> None:
    # when
    plans = [p for p in _planned(200) if p.history and p.history[-1] == S.PRESUMED]

    # then
    for plan in plans:
        decided = _decisions(plan)[-1].on
        granted = pathways.pathway_for(plan.country).reflection_min_days
        granted += sum(e.days for e in plan.events if isinstance(e, history.Extension))
        assert decided + timedelta(days=granted) > TODAY


def test_r15_plans_extensions_and_early_ends_by_organisations_with_a_supervisor() -> None:
    # when
    plans = _planned(200)

    # then
    decided = [
        e for p in plans for e in p.events if isinstance(e, history.Extension | history.EarlyEnd)
    ]
    assert any(isinstance(e, history.Extension) for e in decided)
    assert sum(isinstance(e, history.EarlyEnd) for e in decided) == 1
    assert all(e.by in MAIN_TYPES for e in decided)


def test_r10_plans_children_screened_with_the_childrens_set_and_served_on_a_representative() -> (
    None
):
    # when
    plans = _planned(200)

    # then
    sets = {(p.child, p.screening.set_key) for p in plans if p.screening is not None}
    assert sets == {(True, screenings.CHILD_SET), (False, screenings.ADULT_SET)}
    served = {(p.child, d.served_to) for p in plans for d in _decisions(p)}
    assert served == {(True, ServedTo.REPRESENTATIVE), (False, ServedTo.PERSON)}


def test_it_plans_screenings_with_both_outcomes_for_adults_and_children() -> None:
    # when
    plans = [(p.child, p.screening) for p in _planned(200) if p.screening is not None]

    # then
    outcomes = {(child, screening.expected_outcome) for child, screening in plans}
    assert outcomes == {
        (child, outcome)
        for child in (True, False)
        for outcome in (engine.CONSISTENT, engine.INSUFFICIENT)
    }
    sources = {source for _child, s in plans for _code, source, _note in s.observations}
    assert sources == set(ObservationSource.values)


def test_it_plans_a_realistic_mix_of_persons() -> None:
    # when
    plans = _planned(200)

    # then
    genders = {plan.person.gender_identity for plan in plans}
    assert {GenderIdentity.NON_BINARY, GenderIdentity.TRANSGENDER_WOMAN} <= genders
    assert any(plan.child for plan in plans)
    assert any(plan.person.estimated_age_min is not None and plan.child for plan in plans)
    assert {c for plan in plans for c in plan.person.citizenships} >= {"FI", "EE", "UA", "VN"}
    assert {f for plan in plans for f in plan.forms} == set(ExploitationForm.values)


def test_it_plans_pregnancy_forms_only_for_adult_women() -> None:
    # when
    plans = [p for p in _planned(300) if {"surrogacy", "illegal_adoption"} & set(p.forms)]

    # then
    assert plans
    assert all(p.person.gender_identity == GenderIdentity.WOMAN and not p.child for p in plans)


def test_it_plans_the_same_cases_for_the_same_seed_and_others_for_another() -> None:
    # when
    first, again, other = _planned(5, seed=7), _planned(5, seed=7), _planned(5, seed=8)

    # then
    assert first == again
    assert first != other


def test_r47_plans_an_agreement_in_force_from_each_lead_to_every_member_it_plans() -> None:
    # when
    plans = _planned(200)

    # then every member reads something by law, or the person consented
    for plan in plans:
        for member in plan.members:
            assert agreements.routes(plan.lead_type, member), (plan.lead_type, member)
            consented = [c for c in plan.sharing.consents if c.recipient == member]
            assert agreements.shared_by_law(plan.lead_type, member) or any(
                not c.withdrawn for c in consented
            ), (plan.lead_type, member)


def test_r47_shares_only_with_parties_and_within_what_each_recipient_type_sees() -> None:
    # given
    by_law_to_police = {
        g
        for spec, flow in agreements.routes(OrgType.NGO, OrgType.POLICE)
        if not spec.consent_required
        for g in flow.groups
    }

    # then: no agreement gives the police location or health; only the
    # migration authority also gets the forms of exploitation, to decide
    for spec in agreements.AGREEMENTS:
        assert {t for flow in spec.flows for t in flow.to} <= set(spec.parties), spec.name
        for flow in spec.flows:
            for recipient in flow.to:
                extra = set(flow.groups) - ORG_TYPE_GROUPS[recipient]
                assert extra <= {FieldGroup.ASSESSMENT}, (spec.name, recipient, extra)
                assert not extra or recipient == OrgType.MIGRATION_AUTHORITY
    # and the person's story reaches the police only with their consent
    assert by_law_to_police
    assert FieldGroup.NARRATIVE not in by_law_to_police


def test_r20_plans_consents_for_team_members_in_the_persons_language() -> None:
    # when
    plans = _planned(200)

    # then
    for plan in plans:
        for consent in plan.sharing.consents:
            assert consent.recipient in plan.members
            offered = agreements.consent_routes(plan.lead_type, consent.recipient)
            assert set(consent.groups) <= set(offered[consent.purpose])
            assert consent.language == plan.person.languages[0]
            assert consent.given_on <= TODAY
            assert consent.information_given
            assert consent.given_by == (GivenBy.GUARDIAN if plan.child else GivenBy.PERSON)
            assert bool(consent.child_views) is plan.child
    planned = [c for plan in plans for c in plan.sharing.consents]
    assert {c.purpose for c in planned} == {
        Purpose.ASSISTANCE,
        Purpose.INVESTIGATION,
        Purpose.RETURN,
    }
    assert any(c.withdrawn for c in planned)
    assert any(c.any_of_type for c in planned)


def test_r18_plans_refusals_of_police_sharing_only_where_the_police_read_something_by_law() -> None:
    # when
    plans = [p for p in _planned(200) if p.sharing.refused]

    # then
    refused = {(member, purpose) for p in plans for member, purpose in p.sharing.refused}
    assert (OrgType.POLICE, Purpose.INVESTIGATION) in refused
    for plan in plans:
        for member, purpose in plan.sharing.refused:
            assert agreements.shared_by_law(plan.lead_type, member)
            assert purpose in agreements.consent_routes(plan.lead_type, member)
        investigation = any(p == Purpose.INVESTIGATION for _m, p in plan.sharing.refused)
        assert bool(plan.sharing.note) is investigation


def test_r18_plans_the_same_cases_whatever_the_persons_consent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    with_consents = _planned(60)

    # when nobody is asked
    monkeypatch.setattr(
        consents.ConsentPlanner, "plan", lambda _self, **_kwargs: consents.SharingPlan()
    )
    without = _planned(60)

    # then: consents draw from their own stream, and change nothing else
    assert any(plan.sharing.consents for plan in with_consents)
    assert [replace(plan, sharing=consents.SharingPlan()) for plan in with_consents] == without


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[demo.SeedSummary]:
    """The demo, seeded once for this module (seeding is the costly part of these
    tests) inside a transaction rolled back at its end. Each test runs in a
    savepoint of its own within it (the ``db`` fixture), so what one test writes
    never reaches the next; tests that seed anew live in ``test_seed_runs.py``."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.seed_demo(cases=20, seed=3)
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once: demo.SeedSummary, db: None) -> demo.SeedSummary:
    return seeded_once


def _caseworker(organisation: Organisation) -> User:
    return User.objects.get(organisation=organisation, role=Role.CASEWORKER)


def _recipient(consent: Consent) -> User:
    if consent.recipient_organisation is not None:
        return _caseworker(consent.recipient_organisation)
    return User.objects.get(
        organisation__org_type=consent.recipient_org_type,
        organisation__country=consent.case.country,
        role=Role.CASEWORKER,
    )


def _decide(user: User, case_id: object, group: str, purpose: str) -> access_policy.Decision:
    return access_policy.decide(
        user=user, case_id=str(case_id), field_group=FieldGroup(group), purpose=Purpose(purpose)
    )


def test_it_seeds_every_organisation_type_and_every_role(seeded: demo.SeedSummary) -> None:
    # then
    kinds = set(Organisation.objects.values_list("country", "org_type"))
    assert kinds == {(c, t) for c in ("FI", "EE") for t in OrgType.values}
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.filter(is_demo=False).exists()
    assert seeded.users == len(demo.demo_accounts())


def test_it_seeds_cases_at_every_identification_status(seeded: demo.SeedSummary) -> None:
    # then
    # besides the synthetic cases, the person recorded twice (issue 14)
    assert Case.objects.count() == 20 + demo.DUPLICATE_CASES and seeded.cases == 20
    statuses = set(Case.objects.values_list("identification_status", flat=True))
    assert statuses == set(IdentificationStatus.values)
    forms = {f for row in Case.objects.values_list("forms_of_exploitation", flat=True) for f in row}
    assert forms >= {"surrogacy", "forced_marriage", "illegal_adoption"}


def test_it_seeds_through_the_audited_services(seeded: demo.SeedSummary) -> None:
    # when
    result = audit_services.audit_verify()

    # then
    assert result.ok
    assert result.checked >= 20 + sum(seeded.statuses.values())
    events = AuditEvent.objects.filter(object_type__in=["access.Agreement", "access.Consent"])
    agreement_events = events.filter(object_type="access.Agreement")
    in_effect = seeded.agreements + seeded.referrals.agreements
    assert agreement_events.filter(action=Action.CREATE).count() == (
        in_effect + seeded.agreements_proposed
    )
    assert agreement_events.filter(action=Action.TRANSITION).count() == in_effect
    assert events.filter(object_type="access.Consent").count() == (
        seeded.consents + seeded.consents_withdrawn + seeded.referrals.consents
    )


def test_it_stores_no_name_in_plain_text(seeded: demo.SeedSummary) -> None:
    # given the names the seeding put in (same seed, same plans)
    names = [p.person.family_name for p in _planned(20, seed=3)]

    # when every column of every person row is read raw
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table}")  # noqa: S608 - constant table
        cells = [cell for row in cursor.fetchall() for cell in row]

    # then
    raw = b"\n".join(
        bytes(c) if isinstance(c, bytes | memoryview) else str(c).encode() for c in cells
    )
    assert all(name.encode() not in raw for name in names)
    assert Person.objects.filter(family_name_enc__isnull=True).count() == 0


def test_it_seeds_cases_their_lead_can_read(seeded: demo.SeedSummary) -> None:
    # given
    plan = _planned(20, seed=3)[0]
    reader = User.objects.get(username=f"{plan.lead_type}.caseworker.{plan.country.lower()}")
    case = selectors.case_list(user=reader).order_by("opened_at").first()
    assert case is not None

    # when
    view = selectors.case_read(user=reader, case_id=case.id)

    # then
    identity = view.group(FieldGroup.IDENTITY).data
    assert identity is not None
    assert identity["family_name"] == plan.person.family_name


def test_it_loads_the_shipped_indicator_sets_before_the_cases(seeded: demo.SeedSummary) -> None:
    # then
    keys = set(IndicatorSet.objects.values_list("key", flat=True))
    assert {screenings.ADULT_SET, screenings.CHILD_SET} <= keys
    first_screening = Screening.objects.order_by("screened_at").first()
    assert first_screening is not None
    assert IndicatorSet.objects.filter(loaded_at__lt=first_screening.screened_at).exists()


def test_r03_r15_gives_every_presumed_case_a_running_reflection_period_and_protection(
    seeded: demo.SeedSummary,
) -> None:
    # given
    today = timezone.localdate()

    # when
    presumed = list(Case.objects.filter(identification_status=S.PRESUMED))

    # then
    assert presumed
    for case in presumed:
        assert case.removal_protected
        assert case.assistance_eligible
        assert eligibility.reflection_runs_on(reflection_selectors.current_period(case.id), today)
        assert case.decisions.filter(decision_type=RG, outcome=Outcome.POSITIVE).exists()


def test_r15_extends_a_period_and_ends_one_early_on_a_permitted_ground(
    seeded: demo.SeedSummary,
) -> None:
    # then
    assert ReflectionExtension.objects.exists()
    assert seeded.extensions == ReflectionExtension.objects.count()
    ended = ReflectionPeriod.objects.get(status=ReflectionPeriod.Status.ENDED_EARLY)
    assert ended.early_end_ground in ReflectionPeriod.EarlyEndGround.values
    assert ended.early_end_decided_by is not None
    assert ended.early_end_decided_by.role == Role.SUPERVISOR


def test_r17_r47_records_decisions_by_organisations_of_the_pathway_on_the_team(
    seeded: demo.SeedSummary,
) -> None:
    # when
    decisions = list(IdentificationDecision.objects.select_related("organisation", "case"))

    # then
    assert {d.decision_type for d in decisions} == {RG, CG}
    assert {d.outcome for d in decisions} == set(Outcome.values)
    by_members = 0
    for decision in decisions:
        kind = pathways.pathway_for(decision.country).decision_types[decision.decision_type]
        assert decision.organisation.org_type in kind.deciding_org_types
        membership = decision.case.team.get(organisation=decision.organisation)
        if not membership.is_lead:
            # other members see the legal group under the referral law
            user = _caseworker(decision.organisation)
            legal = _decide(user, decision.case_id, FieldGroup.LEGAL, Purpose.IDENTIFICATION)
            assert legal.code == "legal_basis"
            by_members += 1
    assert by_members
    assert Reconsideration.objects.exists()


def test_r10_serves_decisions_about_children_on_their_representative(
    seeded: demo.SeedSummary,
) -> None:
    # when
    served = {
        (d.case.person.treat_as_child, d.served_to)
        for d in IdentificationDecision.objects.select_related("case__person")
    }

    # then
    assert served == {(True, ServedTo.REPRESENTATIVE), (False, ServedTo.PERSON)}


def test_r09_r10_seeds_screenings_of_both_outcomes_children_with_the_childrens_set(
    seeded: demo.SeedSummary,
) -> None:
    # when
    rows = list(Screening.objects.select_related("indicator_set", "case__person"))

    # then
    assert {s.outcome for s in rows} == {engine.CONSISTENT, engine.INSUFFICIENT}
    assert {s.indicator_set.key for s in rows if s.case.person.treat_as_child} == {
        screenings.CHILD_SET
    }
    assert {s.indicator_set.key for s in rows if not s.case.person.treat_as_child} == {
        screenings.ADULT_SET
    }
    insufficient = [s for s in rows if s.outcome == engine.INSUFFICIENT]
    reviews = Task.objects.filter(kind=identification_clocks.SCREENING_REVIEW)
    assert {t.detail["screening_id"] for t in reviews} == {str(s.id) for s in insufficient}
    assert all(s.observations.exists() for s in rows)


def test_it_sweeps_the_deadlines_once_so_overdue_ones_are_escalated(
    seeded: demo.SeedSummary,
) -> None:
    # then
    overdue = Task.objects.filter(status=Task.Status.OPEN, due_at__lt=timezone.now())
    assert overdue.exists()
    assert not overdue.filter(escalated_at__isnull=True).exists()
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATION).exists()
    assert seeded.escalated == overdue.count()


def test_r47_seeds_each_countrys_agreements_one_of_them_ended(seeded: demo.SeedSummary) -> None:
    # given
    today = timezone.localdate()

    # when (the support MoU is the referrals' own: see the referral tests)
    rows = [
        a
        for a in Agreement.objects.filter(state=AgreementState.IN_EFFECT).prefetch_related(
            "parties"
        )
        if not a.name.startswith(referral_demo.SUPPORT_MOU.name)
    ]

    # then: every party approved each of them
    assert len(rows) == 2 * len(agreements.AGREEMENTS) == seeded.agreements
    assert all(p.approved_by_id for a in rows for p in a.parties.all())
    assert all(a.listed_legal_basis_id for a in rows if not a.consent_required)
    assert all(a.valid_from <= today for a in rows)
    assert all(a.legal_basis for a in rows if not a.consent_required)
    for country in ("FI", "EE"):
        mine = [a for a in rows if a.name.endswith(f"({country})")]
        assert {p.country for a in mine for p in a.parties.all()} <= {country, ""}
        ended = [a for a in mine if a.ends_on is not None]
        assert len(ended) == 1
        assert ended[0].ends_on is not None and ended[0].ends_on <= today
        assert ended[0].ended_by is not None
    assert seeded.agreements_ended == 2


def test_r47_seeds_a_proposal_per_country_waiting_for_the_coordinator(
    seeded: demo.SeedSummary,
) -> None:
    # given
    proposals = list(Agreement.objects.filter(state=AgreementState.PROPOSED))

    # when
    coordinators = User.objects.filter(
        organisation__org_type=OrgType.NATIONAL_COORDINATOR, role=Role.ORG_ADMIN
    )
    awaiting = {
        c.organisation.country: access_selectors.agreements_awaiting(user=c)
        for c in coordinators
        if c.organisation is not None
    }

    # then: each is approved by its proposer's organisation only, and is pending
    assert len(proposals) == seeded.agreements_proposed == 2
    for country in ("FI", "EE"):
        [waiting] = awaiting[country]
        assert waiting.name.endswith(f"({country})")
        approved = [p for p in waiting.parties.all() if p.approved_at]
        assert [p.organisation.org_type for p in approved if p.organisation] == [OrgType.POLICE]


def test_r47_stops_access_under_the_agreement_that_ended(seeded: demo.SeedSummary) -> None:
    # given labour inspectors on teams led by a party of the ended pilot
    pilot = next(spec for spec in agreements.AGREEMENTS if spec.ended)
    inspectors = [
        m
        for m in TeamMembership.objects.filter(
            is_lead=False, organisation__org_type=OrgType.LABOUR_INSPECTORATE
        ).select_related("organisation")
        if m.case.team.get(is_lead=True).organisation.org_type in pilot.parties
    ]
    assert inspectors

    # when
    codes = {
        (
            _decide(user, m.case_id, FieldGroup.NARRATIVE, Purpose.INVESTIGATION).code,
            _decide(user, m.case_id, FieldGroup.ASSESSMENT, Purpose.IDENTIFICATION).code,
        )
        for m in inspectors
        for user in [_caseworker(m.organisation)]
    }

    # then the story no longer flows to them; the referral law still applies
    assert codes == {("no_agreement", "legal_basis")}


def test_r47_lets_every_member_of_a_seeded_team_read_something_through_an_agreement(
    seeded: demo.SeedSummary,
) -> None:
    # given
    members = list(TeamMembership.objects.filter(is_lead=False).select_related("organisation"))
    assert members

    # when
    codes = {}
    for member in members:
        user = _caseworker(member.organisation)
        context = access_policy.case_context(case_id=member.case_id)
        codes[member.pk] = {
            access_policy.decide(
                user=user, case_id=member.case_id, field_group=g, purpose=p, context=context
            ).code
            for g in FieldGroup
            for p in Purpose
        }

    # then: every member reads something, except on the team of a child with no
    # guardian yet, where nobody can consent and only a legal basis opens sharing
    unread = {m.case for m in members if not codes[m.pk] & {"legal_basis", "consent_and_agreement"}}
    assert all(
        case.person.treat_as_child and not access_selectors.guardian_appointed(case_id=case.id)
        for case in unread
    )


def test_r40_refuses_a_police_member_the_narrative_without_the_persons_consent(
    seeded: demo.SeedSummary,
) -> None:
    # given every police organisation on a team it does not lead
    police = TeamMembership.objects.filter(
        is_lead=False, organisation__org_type=OrgType.POLICE
    ).select_related("organisation")

    # when
    codes = {
        _decide(
            _caseworker(m.organisation), m.case_id, FieldGroup.NARRATIVE, Purpose.INVESTIGATION
        ).code
        for m in police
    }

    # then some persons consented and some did not
    assert {"no_consent", "consent_and_agreement"} <= codes


def test_r20_withdrawn_consents_grant_nothing_and_live_ones_do(seeded: demo.SeedSummary) -> None:
    # given the consents of team members (one recorded before a referral grants
    # nothing until the receiver accepts and joins the team), on cases whose lead
    # did not move (a new lead reads as the lead)
    team = set(TeamMembership.objects.values_list("case_id", "organisation_id"))
    moved = set(
        LeadTransfer.objects.filter(state=LeadTransferState.ACCEPTED).values_list(
            "case_id", flat=True
        )
    )
    rows = [
        c
        for c in Consent.objects.select_related("case", "recipient_organisation")
        if c.case_id not in moved
        and (
            c.recipient_organisation_id is None or (c.case_id, c.recipient_organisation_id) in team
        )
    ]
    withdrawn = [c for c in rows if c.withdrawn_at is not None]
    assert withdrawn and seeded.consents_withdrawn == len(withdrawn)

    # when
    codes = {
        (c.withdrawn_at is None, _decide(_recipient(c), c.case_id, group, c.purpose).code)
        for c in rows
        for group in c.field_groups
    }

    # then
    assert codes == {(True, "consent_and_agreement"), (False, "no_consent")}


def test_r20_records_a_childs_consent_by_the_representative_with_the_childs_views(
    seeded: demo.SeedSummary,
) -> None:
    # given
    rows = list(Consent.objects.select_related("case__person"))
    assert {c.given_by for c in rows} == set(GivenBy.values)
    child_case = next(c.case for c in rows if c.case.person.treat_as_child)
    lead = child_case.team.select_related("organisation").get(is_lead=True)

    # when the case lead's caseworker reads the child's consents
    views = access_selectors.consent_list(
        user=_caseworker(lead.organisation),
        context=access_policy.case_context(case_id=child_case.id),
        person_id=child_case.person_id,
        data_key=child_case.person.data_key,
    )

    # then
    assert views and all(v.child_views for v in views)
    for consent in rows:
        child = consent.case.person.treat_as_child
        assert consent.given_by == (GivenBy.GUARDIAN if child else GivenBy.PERSON)
        assert (consent.child_views_enc is not None) is child
        assert consent.language in consent.case.person.languages
        assert consent.information_given


def test_r18_assists_persons_who_refused_police_sharing_all_the_same(
    seeded: demo.SeedSummary,
) -> None:
    # given the cases whose person said no to the police (same seed, same plans)
    # (the person recorded twice is opened after them all)
    cases = list(Case.objects.order_by("opened_at"))[:20]
    plans = _planned(20, seed=3)
    refused = [
        (plan, case)
        for plan, case in zip(plans, cases, strict=True)
        if (OrgType.POLICE, Purpose.INVESTIGATION) in plan.sharing.refused
    ]
    assert refused

    # then
    for plan, case in refused:
        assert not case.consents.filter(purpose=Purpose.INVESTIGATION).exists()
        assert case.identification_status == (plan.history[-1] if plan.history else S.POTENTIAL)
        assert case.assistance_eligible
        assert eligibility.assistance_eligibility(case).eligible


def test_r19_r22_seeds_assessments_plans_services_and_closures_through_the_services(
    seeded: demo.SeedSummary,
) -> None:
    # given
    counts = seeded.assistance

    # when
    services = list(AssistanceService.objects.select_related("plan__assessment"))
    result = audit_services.audit_verify()

    # then
    assert result.ok
    assert Assessment.objects.count() == counts.assessments
    assert Assessment.objects.filter(kind=AssessmentKind.NEEDS, version=2).exists()
    assert Assessment.objects.filter(kind=AssessmentKind.RISK).exists()
    assert AssistancePlan.objects.count() == counts.plans > 0
    made_from = {s.plan.assessment.kind for s in services if s.plan and s.plan.assessment}
    assert made_from == {AssessmentKind.NEEDS}
    assert all(s.plan and s.plan.assessment for s in services)
    assert Counter(s.status for s in services) == counts.services
    assert {St.PLANNED, St.ACTIVE, St.COMPLETED, St.REFUSED} <= set(counts.services)
    assert all(s.consent_given and s.consent_on for s in services if s.status == St.ACTIVE)
    assert all(s.outcome for s in services if s.status == St.COMPLETED)
    money = [s for s in services if s.service_type == ServiceType.FINANCIAL_SUPPORT]
    assert money and all(s.amount and s.currency == "EUR" for s in money)
    closures = AssistanceClosure.objects.all()
    assert closures.count() == counts.closures > 0
    assert closures.filter(reopened_on__isnull=False).count() == counts.reopened == 1
    assert AuditEvent.objects.filter(object_type="assistance.AssistanceService").exists()


def test_r11_r25_r27_seeds_guardians_for_most_children_and_leaves_some_task_overdue(
    seeded: demo.SeedSummary,
) -> None:
    # given
    children = [c for c in Case.objects.select_related("person") if c.person.treat_as_child]

    # when
    with_guardian = set(GuardianAppointment.objects.values_list("case_id", flat=True))
    without = [c for c in children if c.id not in with_guardian]

    # then
    assert len(with_guardian) == seeded.assistance.guardians > 0
    assert len(without) == seeded.assistance.children_without_guardian > 0
    for case in without:
        assert case.tasks.filter(
            kind=children_clocks.GUARDIAN_APPOINTMENT, status=Task.Status.OPEN
        ).exists()
    stages = set(BestInterestsRecord.objects.values_list("stage", flat=True))
    assert stages == set(BestInterestsStage.values)
    assert FamilyTracing.objects.count() == seeded.assistance.tracings > 0
    assert {r.case_id for r in BestInterestsRecord.objects.all()} <= with_guardian
    # one child's age was assessed, and doubt keeps the presumption of minority
    [age] = AgeAssessment.objects.select_related("case__person")
    assert seeded.assistance.age_assessments == 1
    assert age.case.person.treat_as_child


def test_r16_r18_r27_seeds_cooperation_dependants_permits_and_an_open_detention(
    seeded: demo.SeedSummary,
) -> None:
    # given
    soon = timezone.localdate() + timedelta(days=30)

    # when
    cooperation = set(
        CooperationRecord.objects.values_list("cooperates_with_authorities", flat=True)
    )
    dependants = list(Dependant.objects.select_related("case__person"))

    # then
    assert cooperation == {True, False}
    assert dependants and not any(d.case.person.treat_as_child for d in dependants)
    assert ResidencePermit.objects.count() == seeded.assistance.permits
    assert ResidencePermit.objects.filter(expires_on__lte=soon).count() == 1
    assert DetentionRecord.objects.filter(ended_on__isnull=True).count() == 1


def test_r33_r36_r37_seeds_a_trial_with_video_testimony_an_open_state_claim_and_a_flag(
    seeded: demo.SeedSummary,
) -> None:
    # given
    proceeding = Proceeding.objects.select_related("case__person").get()
    claim = CompensationClaim.objects.get(case_id=proceeding.case_id)  # a return has one too
    flag = CompelledOffence.objects.get()

    # then: a woman's criminal proceeding at trial, testimony by video granted
    assert proceeding.case.person.gender_identity == "woman"
    assert (proceeding.kind, proceeding.stage, proceeding.ended_on) == ("criminal", "trial", None)
    measure = ProtectiveMeasure.objects.get(proceeding=proceeding)
    assert (measure.kind, measure.decision) == ("video_testimony", "granted")
    # her open claim on the state scheme, with free legal aid for it
    assert (claim.case_id, claim.source, claim.is_open) == (proceeding.case_id, "state", True)
    assert LegalAid.objects.get(claim=claim).free_aid == "granted"
    # a compelled offence flagged on another case, with its task
    assert flag.case_id != proceeding.case_id
    assert Task.objects.filter(case_id=flag.case_id, kind="compelled_offence_inform").exists()
    assert (seeded.assistance.proceedings, seeded.assistance.compelled_offences) == (1, 1)


def test_r47_seeds_referrals_in_every_state_both_ways_for_every_caseworkers_organisation(
    seeded: demo.SeedSummary,
) -> None:
    # given
    referrals = list(Referral.objects.select_related("from_organisation", "to_organisation"))
    events = ReferralEvent.objects.filter(referral__in=referrals)
    caseworker_orgs = Organisation.objects.filter(users__role=Role.CASEWORKER).exclude(
        org_type=OrgType.OTHER  # on no agreement: it neither sends nor receives
    )
    # The guardian service is on every child's team from the start: it only sends
    # (in a small demo it may be on no team at all).
    receivers = caseworker_orgs.exclude(org_type=OrgType.GUARDIAN_SERVICE)

    # when
    sent = {r.from_organisation_id for r in referrals}
    received = {r.to_organisation_id for r in referrals}

    # then every state, some escalated past their target, varied decline reasons
    assert {r.state for r in referrals} == set(ReferralState.values)
    assert Counter(r.state for r in referrals) == seeded.referrals.referrals
    escalated = [r for r in referrals if r.escalated_at is not None]
    assert escalated and all(r.due_at < timezone.now() for r in escalated)
    assert all(r.state in (ReferralState.SENT, ReferralState.INFO_REQUESTED) for r in escalated)
    assert len(escalated) == seeded.referrals.escalated
    reasons = set(events.filter(action="decline").values_list("decline_reason", flat=True))
    assert len(reasons) >= 3
    assert events.filter(action="provide_info").exists()
    # and both directions for each organisation with a caseworker
    on_teams = set(TeamMembership.objects.values_list("organisation_id", flat=True))
    assert {o.pk for o in caseworker_orgs if o.pk in on_teams} <= sent
    assert {o.pk for o in receivers} <= received
    # and the accepted receivers joined the team; the others did not
    for referral in referrals:
        joined = TeamMembership.objects.filter(
            case_id=referral.case_id, organisation_id=referral.to_organisation_id
        ).exists()
        assert joined == (referral.state == ReferralState.ACCEPTED)
    # and the messages are encrypted
    assert not any(b"Needs a safe place" in bytes(r.message_enc) for r in referrals)


def test_r47_seeds_lead_transfers_consultations_and_public_concern_reports(
    seeded: demo.SeedSummary,
) -> None:
    # given
    transfers = list(LeadTransfer.objects.all())
    consultations = list(Consultation.objects.prefetch_related("routed_to"))

    # then one transfer accepted (its receiver leads now), one still waiting
    assert sorted(t.state for t in transfers) == [
        LeadTransferState.ACCEPTED,
        LeadTransferState.PROPOSED,
    ]
    accepted = next(t for t in transfers if t.state == LeadTransferState.ACCEPTED)
    assert TeamMembership.objects.get(case=accepted.case, is_lead=True).organisation_id == (
        accepted.to_organisation_id
    )
    # and anonymous consultations under their own key, some linked to a case, some routed
    anonymous = [c for c in consultations if c.case_id is None]
    assert anonymous and all(c.data_key_id is not None for c in anonymous)
    assert any(c.case_id is not None and c.data_key_id is None for c in consultations)
    assert any(c.routed_to.all() for c in consultations)
    assert len(consultations) == seeded.referrals.consultations
    # and concern reports from the public page, new, triaged and closed
    states = Counter(ConcernReport.objects.values_list("state", flat=True))
    assert set(states) == {
        ConcernReportState.NEW,
        ConcernReportState.TRIAGED,
        ConcernReportState.CLOSED,
    }
    assert Notification.objects.filter(kind="desk", event="concern_reported").exists()
    # and nothing crossed a border: this Haven has no focal point keys
    assert not seeded.referrals.crossborder_configured
    assert not CrossBorderTransfer.objects.exists()


def test_issue11_seeds_a_request_for_access_waiting_for_the_case_lead(
    seeded: demo.SeedSummary,
) -> None:
    # given
    from haven.deadlines.models import Task
    from haven.referrals.models import AccessRequest

    # when
    requests = list(AccessRequest.objects.all())

    # then: one asked in each country at most, each with the lead's open task
    assert 0 < len(requests) == seeded.referrals.access_requests <= 2
    for request in requests:
        task = Task.objects.get(kind="access_request", detail__request=str(request.pk))
        assert task.assigned_organisation_id == request.lead_organisation_id
        assert task.status == Task.Status.OPEN


def test_it_leaves_the_ngo_caseworker_an_intake_draft_to_resume(seeded: demo.SeedSummary) -> None:
    # given
    caseworker = User.objects.get(username="ngo.caseworker.fi")

    # when
    rows = drafts.draft_list(user=caseworker)

    # then
    assert seeded.drafts == len(rows) == 1
    fields = drafts.draft_open(user=caseworker, draft_id=rows[0].id, kind=DraftKind.CASE_OPEN)
    assert fields["first_language"] == ["uk"]


def test_r39_the_demo_has_an_erasure_request_waiting_for_the_leads_supervisor(
    seeded: demo.SeedSummary,
) -> None:
    # when
    [waiting] = ErasureRequest.objects.filter(state=ErasureState.REQUESTED)

    # then: asked by a caseworker of the lead, with the task for its supervisor
    assert seeded.erasure_requests == 1
    assert waiting.requested_by.role == Role.CASEWORKER
    task = Task.objects.get(kind=ERASURE_APPROVAL, case=waiting.case)
    assert task.assigned_organisation_id == waiting.requested_by.organisation_id
    assert User.objects.filter(
        organisation_id=task.assigned_organisation_id, role=Role.SUPERVISOR
    ).exists()


def test_r46_each_demo_rapporteur_has_made_a_protected_release(
    seeded: demo.SeedSummary,
) -> None:
    # then: one release per Rapporteur, of its own country, with the budget it left
    rapporteurs = User.objects.filter(organisation__org_type=OrgType.RAPPORTEUR)
    releases = Release.objects.all()
    assert seeded.protected_releases == rapporteurs.count() == releases.count() > 0
    for release in releases:
        assert release.released_by.organisation is not None
        assert release.country == release.released_by.organisation.country
        assert set(release.remaining.values()) == {"1.500"}


def test_issue14_the_demo_has_a_duplicate_in_the_coordinators_review_queue(
    seeded: demo.SeedSummary,
) -> None:
    # given: the Finnish national coordinator's caseworker
    coordinator = User.objects.get(
        organisation__org_type=OrgType.NATIONAL_COORDINATOR,
        organisation__country="FI",
        role=Role.CASEWORKER,
    )

    # when
    queue = list(linkage_review_selectors.queue(coordinator))

    # then: the woman recorded in Cyrillic and in Latin letters is among the pairs
    assert seeded.duplicate_pairs >= 1 and len(queue) >= 1
    names = [
        {
            side.family_name
            for side in linkage_review.pair_compare(actor=coordinator, pair_id=p.id)[1]
        }
        for p in queue
    ]
    assert {"Иванова", "Ivanova"} in names


def test_issue14_the_demo_coordinator_office_has_a_supervisor_who_may_approve_a_merge(
    seeded: demo.SeedSummary,
) -> None:
    # given: the Finnish coordinator's caseworker proposes a merge (not saved)
    def staff(role: str) -> User:
        return User.objects.get(
            organisation__org_type=OrgType.NATIONAL_COORDINATOR,
            organisation__country="FI",
            role=role,
        )

    caseworker, supervisor = staff(Role.CASEWORKER), staff(Role.SUPERVISOR)
    proposed = Merge(proposed_by_id=caseworker.pk, status=Merge.Status.PROPOSED)

    # then: the supervisor may decide it, the proposer may not
    assert linkage_review_selectors.may_decide_merge(supervisor, proposed)
    assert not linkage_review_selectors.may_decide_merge(caseworker, proposed)


def test_r24_seeds_a_vietnamese_speaking_man_told_his_rights_in_vietnamese(
    seeded: demo.SeedSummary,
) -> None:
    # given
    record = RightsInformation.objects.select_related("case", "given_by").get(language="vi")
    # when
    view = rights_selectors.rights_get(user=record.given_by, case_id=record.case_id)
    # then
    assert view.need is not None and view.need.languages == ["vi"]
    assert len(view.records[0].items) == 9  # the whole checklist
    assert [w.occasion for w in view.warnings] == ["decision"]  # none booked yet
    assert any(b.has_interpreter for b in view.bookings)


def test_r38_the_demo_police_see_one_employer_shared_by_two_cases(
    seeded: demo.SeedSummary,
) -> None:
    # given: the Finnish police caseworker
    police = User.objects.get(
        organisation__org_type=OrgType.POLICE, organisation__country="FI", role=Role.CASEWORKER
    )
    first = PartyLink.objects.filter(party__kind="company").order_by("linked_at").first()
    assert first is not None

    # when
    parties = selectors_parties.case_parties(user=police, case_id=first.case_id)

    # then: the employer, with the other case it shares
    assert seeded.party_links == 3
    employer = next(link for link in parties.links if link.party.kind == "company")
    assert employer.party.name == "Marjatila Pohjola Oy"
    assert len(employer.shared) == 1
