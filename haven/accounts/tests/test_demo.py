"""The demo data: defined in code, seeded through services, synthetic and encrypted."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from haven.access.models import FieldGroup
from haven.access.policy import ORG_TYPE_GROUPS
from haven.accounts import demo
from haven.accounts.demo import synthetic
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.audit import services as audit_services
from haven.cases import selectors
from haven.cases.models import Case, ExploitationForm, GenderIdentity, Person
from haven.cases.status import IdentificationStatus, transition_allowed

TODAY = date(2025, 3, 14)


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
    for history, _weight in synthetic.HISTORIES:
        current = IdentificationStatus.POTENTIAL
        for target in history:
            assert transition_allowed(current, target), (current, target)
            current = target
    finals = {h[-1] if h else IdentificationStatus.POTENTIAL for h, _ in synthetic.HISTORIES}
    assert finals == set(IdentificationStatus.values)


def test_it_leads_cases_only_from_organisations_that_may_decide_and_write_the_narrative() -> None:
    for org_type in {*synthetic.ADULT_LEADS, *synthetic.CHILD_LEADS}:
        assert FieldGroup.LEGAL in ORG_TYPE_GROUPS[org_type]
        assert FieldGroup.NARRATIVE in ORG_TYPE_GROUPS[org_type]


def test_it_plans_dated_decisions_in_order_and_never_in_the_future() -> None:
    # when
    plans = _planned(60)

    # then
    for plan in plans:
        dates = [step.decided_on for step in plan.steps]
        assert dates == sorted(dates)
        assert all(day <= TODAY for day in dates)
        assert all(step.reasons for step in plan.steps)


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
