"""Assistance: outcomes and cost per programme (issue 15, the CBSS seed's "look at the
money"): services, people served, outcomes, refusals and the amount delivered in a
year per service type agree with a naive day-by-day count over a generated register;
weekly and monthly amounts count for the weeks and months of the service that fall in
the year, an open-ended one up to today; small counts, and amounts paid to few people,
are suppressed with what would reveal them; the statistics rule decides both ways on
the page, the file, the API and the link; never a person, a case or a provider."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import AmountPeriod, AssistanceService, ServiceOutcome
from haven.assistance.states import ServiceStatus
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.cases.tests.test_api import api_client_for
from haven.statistics import errors
from haven.statistics import selectors_programmes as prog
from haven.statistics.suppression import Equation, recoverable
from haven.statistics.tests import dashboard_register as gen
from haven.web.tests.factories import sign_in

YEAR = 2024
TODAY = date(2024, 9, 15)  # the year still under way: open services run up to here
PAGE = reverse("statistics:programmes") + f"?year={YEAR}"
FILE = reverse("statistics:programmes_csv") + f"?year={YEAR}"
API = f"/api/v1/statistics/programmes/?year={YEAR}"
NOW = datetime(2024, 9, 15, 12, tzinfo=UTC)
PROVIDER = "Provider of programmes"
TYPES = (ServiceType.ACCOMMODATION, ServiceType.FINANCIAL_SUPPORT, ServiceType.MEDICAL_CARE)


def _rapporteur() -> User:
    return make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)


def _service(case: Case, provider: Organisation, by: User, **fields: Any) -> AssistanceService:
    fields.setdefault("service_type", ServiceType.ACCOMMODATION)
    fields.setdefault("status", ServiceStatus.ACTIVE)
    return AssistanceService.objects.create(
        case=case, provider=provider, recorded_at=NOW, recorded_by=by, updated_at=NOW, **fields
    )


# --- the money's periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "first", "last", "year", "expected"),
    [
        ("once", date(2024, 3, 1), date(2024, 3, 1), 2024, 1),
        ("once", date(2023, 12, 31), date(2024, 6, 1), 2024, 0),  # paid in the year before
        ("once", date(2024, 12, 31), date(2025, 1, 5), 2024, 1),
        ("weekly", date(2024, 1, 1), date(2024, 1, 7), 2024, 1),  # one week, one payment
        ("weekly", date(2024, 1, 1), date(2024, 1, 8), 2024, 2),  # the second week begins
        ("weekly", date(2023, 12, 28), date(2024, 1, 10), 2024, 1),  # 28 Dec, 4 Jan
        ("weekly", date(2023, 12, 28), date(2024, 1, 10), 2023, 1),
        ("weekly", date(2024, 12, 30), date(2025, 1, 20), 2024, 1),
        ("weekly", date(2022, 1, 3), date(2026, 1, 1), 2024, 53),  # Mondays of 2024
        ("weekly", date(2024, 12, 30), date(2025, 1, 20), 2023, 0),
        ("weekly", date(2022, 3, 1), date(2023, 6, 1), 2024, 0),  # over before the year
        ("monthly", date(2023, 11, 15), date(2024, 2, 14), 2024, 1),  # 15 Jan only
        ("monthly", date(2023, 11, 15), date(2024, 2, 15), 2024, 2),  # 15 Jan, 15 Feb
        ("monthly", date(2023, 11, 15), date(2024, 2, 15), 2023, 2),  # 15 Nov, 15 Dec
        ("monthly", date(2024, 1, 31), date(2024, 4, 30), 2024, 4),  # 31 Jan, 29 Feb, ...
        ("monthly", date(2024, 12, 31), date(2025, 3, 1), 2024, 1),
        ("monthly", date(2024, 12, 31), date(2025, 3, 1), 2025, 2),  # 31 Jan, 28 Feb
        ("monthly", date(2020, 6, 10), date(2030, 1, 1), 2024, 12),
        ("monthly", date(2025, 1, 1), date(2025, 5, 1), 2024, 0),
    ],
)
def test_r19_amounts_count_for_the_weeks_and_months_that_begin_in_the_year(
    period: str, first: date, last: date, year: int, expected: int
) -> None:
    # when
    times = prog.payments_in_year(period=period, first=first, last=last, year=year)

    # then
    assert times == expected


@pytest.mark.parametrize(
    ("status", "starts_on", "ends_on", "expected"),
    [
        ("planned", date(2024, 1, 1), None, None),  # never delivered
        ("active", None, None, None),
        ("active", date(2024, 2, 1), None, (date(2024, 2, 1), TODAY)),  # up to today
        ("active", date(2024, 2, 1), date(2024, 12, 1), (date(2024, 2, 1), TODAY)),
        ("active", date(2024, 10, 1), None, None),  # starts after today
        ("completed", date(2024, 2, 1), date(2024, 3, 1), (date(2024, 2, 1), date(2024, 3, 1))),
        ("stopped", date(2024, 2, 1), None, (date(2024, 2, 1), TODAY)),  # no end recorded
    ],
)
def test_r19_a_service_is_delivered_from_its_start_to_its_end_or_today(
    status: str, starts_on: date | None, ends_on: date | None, expected: object
) -> None:
    # when
    days = prog.delivered(status=status, starts_on=starts_on, ends_on=ends_on, today=TODAY)

    # then
    assert days == expected


# --- the naive second path ----------------------------------------------------------------------


def _naive_payments(period: str, first: date, last: date, year: int) -> int:
    """Day by day over the year: the days a payment falls due."""
    count = 0
    day = date(year, 1, 1)
    while day.year == year:
        if first <= day <= last:
            if period == "once":
                count += day == first
            elif period == "weekly":
                count += (day - first).days % 7 == 0
            else:
                month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
                short = month_end - timedelta(days=1)
                count += day.day == first.day or (day == short and first.day > short.day)
        day += timedelta(days=1)
    return count


def _register(seed: int, services: int) -> dict[str, Any]:
    """A register of cases (Finnish and Estonian) with random services; the naive count
    of the Finnish ones in ``YEAR``, as of ``TODAY``."""
    rng = random.Random(seed)
    by = make_user()
    gen.register(rng, 40, opener=by)
    cases = list(Case.objects.order_by("reference"))
    provider = OrganisationFactory.create(org_type=OrgType.NGO, name=PROVIDER)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    people: dict[str, set[object]] = defaultdict(set)
    money: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    year_start, year_end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    for __ in range(services):
        case = rng.choice(cases)
        kind = str(rng.choice(TYPES))
        status = str(rng.choice(list(ServiceStatus)))
        start = date(YEAR - 1, 11, 1) + timedelta(days=rng.randrange(450))
        ends_on: date | None = None
        if rng.random() < 0.7:
            ends_on = start + timedelta(days=rng.randrange(200))
        starts_on: date | None = start
        refused_on = None
        if status == ServiceStatus.REFUSED:
            refused_on = ends_on = ends_on or start
        if status == ServiceStatus.PLANNED and rng.random() < 0.5:
            starts_on = None
        outcome = rng.choice(["", *ServiceOutcome.values])
        amount = None
        if rng.random() < 0.5:
            amount = Decimal(rng.randrange(1, 90000)) / 100
        period = rng.choice(AmountPeriod.values) if amount is not None else ""
        currency = rng.choice(["EUR", "EUR", "SEK"]) if amount is not None else ""
        _service(
            case,
            provider,
            by,
            service_type=kind,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            refused_on=refused_on,
            outcome=outcome,
            amount=amount,
            currency=currency,
            amount_period=period,
        )
        if case.country != "FI":
            continue
        keys = (kind, "total")
        if status == ServiceStatus.REFUSED and refused_on and refused_on.year == YEAR:
            for key in keys:
                counts[(key, prog.REFUSED)] += 1
        if status == ServiceStatus.PLANNED or starts_on is None:
            continue
        last = ends_on or TODAY
        if status == ServiceStatus.ACTIVE:
            last = min(last, TODAY)
        days = [
            starts_on + timedelta(days=n)
            for n in range((last - starts_on).days + 1)
            if year_start <= starts_on + timedelta(days=n) <= year_end
        ]
        if not days:
            continue
        for key in keys:
            counts[(key, prog.ACTIVE)] += 1
            counts[(key, prog.STARTED)] += starts_on.year == YEAR
            people[key].add(case.person_id)
            if status in ("completed", "stopped") and ends_on and ends_on.year == YEAR:
                ended = outcome if status == "completed" and outcome else prog.NOT_RECORDED
                counts[(key, ended)] += 1
            if amount is not None:
                money[(key, currency)] += amount * _naive_payments(period, starts_on, last, YEAR)
    return {"counts": counts, "people": people, "money": money}


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
@pytest.mark.parametrize("seed", [81, 82])
def test_r44_programmes_agree_with_a_naive_day_by_day_count(seed: int) -> None:
    # given
    expected = _register(seed, 150)
    actor = make_user(org_type=OrgType.NATIONAL_COORDINATOR)

    # when
    found = prog.programmes_for_country(
        actor=audit.actor_of(actor), country="FI", year=YEAR, output="page", today=TODAY
    )

    # then: every count, every person, every amount
    assert found.counts.suppressed == frozenset()
    for row in found.counts.rows:
        for measure in prog.ADDITIVE:
            assert found.counts.value(row, measure) == expected["counts"][(row, measure)]
        assert found.counts.value(row, prog.PEOPLE) == len(expected["people"][row])
    assert set(found.counts.rows) == {*map(str, TYPES), "total"}
    amounts = {(c.key, c.currency): c.amount for c in found.costs}
    assert amounts == {k: v for k, v in expected["money"].items() if k in amounts}
    assert {k for k, v in expected["money"].items() if v} <= set(amounts)
    for cost in found.costs:
        served = len(expected["people"][cost.key])
        assert cost.amount is not None
        assert cost.per_person == (cost.amount / served).quantize(Decimal("0.01"))


# --- disclosure control -------------------------------------------------------------------------


@pytest.mark.django_db
def test_r46_small_counts_and_money_paid_to_few_people_are_suppressed_unrecoverably() -> None:
    # given: many people in accommodation, paid in euros; two in medical care, paid too
    by = make_user()
    provider = OrganisationFactory.create(org_type=OrgType.NGO, name=PROVIDER)
    gen.register(random.Random(83), 30, opener=by)
    cases = list(Case.objects.filter(country="FI").order_by("reference"))
    assert len(cases) >= 14
    paid = {"amount": Decimal("100.00"), "currency": "EUR", "amount_period": "once"}
    for case in cases[:12]:
        _service(case, provider, by, starts_on=date(2024, 3, 1), **paid)
    for case in cases[12:14]:
        _service(case, provider, by, service_type="medical_care", starts_on=date(2024, 3, 1))
        _service(
            case, provider, by, service_type="financial_support", starts_on=date(2024, 4, 1), **paid
        )

    # when
    found = prog.programmes(user=_rapporteur(), year=YEAR, output="page")

    # then: the small cells are hidden, and no total gives one away
    counts = found.counts
    assert counts.value("medical_care", prog.ACTIVE) is None
    assert counts.value("accommodation", prog.ACTIVE) == 12
    assert counts.value("financial_support", prog.ACTIVE) is None
    assert counts.value("medical_care", prog.PEOPLE) is None
    equations = [
        Equation(("total", m), tuple((r, m) for r in counts.rows if r != "total"))
        for m in prog.ADDITIVE
    ]
    assert recoverable({c for c in counts.suppressed if c[1] != prog.PEOPLE}, equations) == set()
    costs = {(c.key, c.currency): c for c in found.costs}
    assert costs[("financial_support", "EUR")].amount is None  # paid to two people
    assert costs[("financial_support", "EUR")].per_person is None
    assert costs[("accommodation", "EUR")].amount is None  # else the total tells it
    assert costs[("total", "EUR")].amount == Decimal("1400.00")


@pytest.mark.django_db
def test_r46_people_in_one_programme_each_are_not_given_away_by_the_total() -> None:
    # given: twelve people in accommodation, two others in medical care only
    by = make_user()
    provider = OrganisationFactory.create(org_type=OrgType.NGO, name=PROVIDER)
    gen.register(random.Random(87), 30, opener=by)
    cases = list(Case.objects.filter(country="FI").order_by("reference"))
    for case in cases[:12]:
        _service(case, provider, by, starts_on=date(2024, 3, 1))
    for case in cases[12:14]:
        _service(case, provider, by, service_type="medical_care", starts_on=date(2024, 3, 1))

    # when
    found = prog.programmes(user=_rapporteur(), year=YEAR, output="page")

    # then: the total of people is the sum of the parts, so it cannot stay beside them
    people = [found.counts.value(r, prog.PEOPLE) for r in found.counts.rows]
    assert found.counts.rows == ["accommodation", "medical_care", "total"]
    assert people.count(None) >= 2 and people[1] is None
    assert found.costs == []


@pytest.mark.django_db
def test_r46_no_suppressed_count_can_be_worked_out_from_the_published_ones() -> None:
    # given: a register where programmes share people, at the default threshold
    _register(84, 120)
    found = prog.programmes(user=_rapporteur(), year=YEAR, output="page")
    counts = found.counts
    parts = [r for r in counts.rows if r != "total"]

    # when: every equation a reader knows, published cells moved to the constant side
    equations = [Equation(("total", m), tuple((r, m) for r in parts)) for m in prog.ADDITIVE]
    hidden = {c for c in counts.suppressed if c[1] != prog.PEOPLE}

    # then
    assert hidden
    assert recoverable(hidden, equations) == set()
    costs = {(c.key, c.currency): c.amount for c in found.costs}
    for currency in {cur for __, cur in costs}:
        money_parts = [(r, currency) for r in parts if (r, currency) in costs]
        gone = {k for k in [*money_parts, ("total", currency)] if costs.get(k, 0) is None}
        assert recoverable(gone, [Equation(("total", currency), tuple(money_parts))]) == set()


# --- who may read it -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_r41_only_the_statistics_readers_see_the_programmes_on_every_door() -> None:
    # given
    _register(85, 60)
    rapporteur = _rapporteur()
    caseworker = make_user(org_type=OrgType.NGO)

    # when
    with pytest.raises(errors.StatisticsNotAllowed):
        prog.programmes(user=caseworker, year=YEAR, output="page")
    pages = [sign_in(Client(), u).get(PAGE) for u in (rapporteur, caseworker)]
    files = [sign_in(Client(), u).get(FILE) for u in (rapporteur, caseworker)]
    apis = [  # each API reader signs in once (a one-time code is not replayed)
        api_client_for(make_user(org_type=t)).get(API)
        for t in (OrgType.NATIONAL_COORDINATOR, OrgType.POLICE)
    ]

    # then
    assert [r.status_code for r in pages + files + apis] == [200, 403] * 3
    html = pages[0].content.decode()
    assert '<svg role="img" aria-labelledby="programmes-chart-title' in html
    assert '<table class="stack">' in html and FILE in html
    assert PROVIDER not in html and "Statistics lead" not in html
    rows = list(csv.DictReader(io.StringIO(files[0].content.decode())))
    assert {r["table"] for r in rows} == {"counts", "cost"}
    assert {r["measure"] for r in rows if r["table"] == "counts"} == set(prog.MEASURES)
    body = apis[0].json()
    assert body["year"] == YEAR and body["threshold"] == 5
    assert {c["programme"] for c in body["counts"]} >= {"total", "accommodation"}
    assert all(set(c) == {"programme", "currency", "amount", "per_person"} for c in body["costs"])
    events = AuditEvent.objects.filter(
        action=Action.STATISTICS_EXPORT, object_type="statistics.programmes"
    )
    assert sorted(e.detail["format"] for e in events) == ["api", "csv", "page"]


@pytest.mark.django_db
def test_r41_the_link_to_the_programmes_is_shown_to_those_who_may_open_them() -> None:
    # given
    link = f'href="{reverse("statistics:programmes")}"'
    reader = sign_in(Client(), _rapporteur())
    caseworker = sign_in(Client(), make_user(org_type=OrgType.NGO))

    # when
    shown = reader.get(reverse("statistics:home")).content.decode()
    home = caseworker.get("/", follow=True)
    refused = caseworker.get(reverse("statistics:home"))

    # then
    assert link in shown
    assert home.status_code == 200 and link not in home.content.decode()
    assert refused.status_code == 403 and link not in refused.content.decode()


# --- cost of a read -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("services", [10, 80])
def test_r44_the_programmes_are_read_in_a_fixed_number_of_queries(
    services: int, django_assert_num_queries: Any
) -> None:
    # given: whatever the number of services
    _register(86, services)
    user = _rapporteur()
    assert AssistanceService.objects.count() == services

    # then: the services, and the audit event (in its savepoint)
    with django_assert_num_queries(4):
        prog.programmes(user=user, year=YEAR, output="page")
