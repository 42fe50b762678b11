"""The demo data: defined in code, seeded through services, synthetic and encrypted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from haven.access.models import FieldGroup
from haven.access.policy import ORG_TYPE_GROUPS
from haven.accounts import demo
from haven.accounts.demo import history, screenings, synthetic
from haven.accounts.demo.accounts import MAIN_TYPES
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.assistance import eligibility
from haven.assistance.models import (
    Notification,
    ReflectionExtension,
    ReflectionPeriod,
    Task,
    TaskKind,
)
from haven.audit import services as audit_services
from haven.cases import selectors
from haven.cases.models import Case, ExploitationForm, GenderIdentity, Person
from haven.cases.status import IdentificationStatus, transition_allowed
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


@pytest.fixture
def seeded(db: None) -> demo.SeedSummary:
    return demo.seed_demo(cases=20, seed=3)


def test_it_seeds_every_organisation_type_and_every_role(seeded: demo.SeedSummary) -> None:
    # then
    kinds = set(Organisation.objects.values_list("country", "org_type"))
    assert kinds == {(c, t) for c in ("FI", "EE") for t in OrgType.values}
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert not User.objects.filter(is_demo=False).exists()
    assert seeded.users == len(demo.demo_accounts())


def test_it_seeds_cases_at_every_identification_status(seeded: demo.SeedSummary) -> None:
    # then
    assert Case.objects.count() == 20 == seeded.cases
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
    presumed = list(
        Case.objects.filter(identification_status=S.PRESUMED).select_related("reflection_period")
    )

    # then
    assert presumed
    for case in presumed:
        assert case.removal_protected
        assert case.assistance_eligible
        assert eligibility.reflection_runs_on(case.reflection_period, today)
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


def test_r17_records_decisions_by_organisations_of_the_pathway_on_the_team(
    seeded: demo.SeedSummary,
) -> None:
    # when
    decisions = list(IdentificationDecision.objects.select_related("organisation", "case"))

    # then
    assert {d.decision_type for d in decisions} == {RG, CG}
    assert {d.outcome for d in decisions} == set(Outcome.values)
    for decision in decisions:
        kind = pathways.pathway_for(decision.country).decision_types[decision.decision_type]
        assert decision.organisation.org_type in kind.deciding_org_types
        assert decision.case.team.filter(organisation=decision.organisation).exists()
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
    reviews = Task.objects.filter(kind=TaskKind.SCREENING_REVIEW)
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
