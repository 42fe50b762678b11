"""The dashboards (issue 15): deadlines met, referral response times and registered
victims by region. Each number agrees with a naive count over a generated register
(the second path), small cells are suppressed with what would give them away, the
statistics rule decides both ways, every read is audited, and the queries are pinned."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.deadlines import kinds
from haven.deadlines.models import Task
from haven.referrals.models import Referral
from haven.referrals.states import ReferralState
from haven.statistics import errors, selectors
from haven.statistics import selectors_dashboards as dash
from haven.statistics.suppression import Equation, recoverable
from haven.statistics.tests import dashboard_register as gen
from haven.statistics.tests.test_core_selectors import READERS

YEARS = (2023, 2024, 2025)


def _local_year(moment: datetime) -> int:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).year


def _rapporteur() -> Any:
    return make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)


def _nearest_rank(values: list[int], percent: int) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent * len(ordered) / 100)) - 1]


def _no_cell_recoverable(grid: selectors.Grid) -> bool:
    parts_r = [r for r in grid.rows if r != "total"]
    parts_c = [c for c in grid.columns if c != "total"]
    equations = [Equation((r, "total"), tuple((r, c) for c in parts_c)) for r in grid.rows]
    equations += [Equation(("total", c), tuple((r, c) for r in parts_r)) for c in grid.columns]
    return not recoverable(set(grid.suppressed), equations)


# --- deadlines met ---------------------------------------------------------------------------


def _outcome(fact: gen.TaskFact, now: datetime) -> str | None:
    if fact.status == Task.Status.DONE:
        assert fact.closed_at is not None
        return dash.ON_TIME if fact.closed_at <= fact.due_at else dash.LATE
    if fact.status == Task.Status.OPEN and fact.due_at < now:
        return dash.OPEN_OVERDUE
    return None


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_deadlines_met_agree_with_a_naive_count() -> None:
    # given: deadlines over three years, some open and not yet due at "now"
    rng = random.Random(21)
    gen.register(rng, 120, opener=make_user())
    facts = gen.tasks(rng, 600, years=YEARS)
    now = datetime(2025, 7, 1, tzinfo=UTC)

    # when
    met = dash.deadlines_met(user=_rapporteur(), year=2024, output="page", now=now)

    # then: per year and outcome, and per kind in 2024, as counted one by one
    by_year: Counter[tuple[str, str]] = Counter()
    by_kind: Counter[tuple[str, str]] = Counter()
    for fact in facts:
        outcome = _outcome(fact, now)
        if fact.country != "FI" or outcome is None:
            continue
        year = _local_year(fact.due_at)
        by_year[(str(year), outcome)] += 1
        if year == 2024:
            by_kind[(fact.kind, outcome)] += 1
    for year in YEARS:
        for outcome in dash.OUTCOMES:
            assert met.by_year.value(str(year), outcome) == by_year[(str(year), outcome)]
    assert met.by_year.value("total", "total") == sum(
        n for (y, __), n in by_year.items() if met.first <= int(y) <= met.last
    )
    assert {k for k in met.by_kind.rows if k != "total"} == {k for k, __ in by_kind}
    for (kind, outcome), n in by_kind.items():
        assert met.by_kind.value(kind, outcome) == n
    assert met.by_kind.value("total", "total") == sum(by_kind.values())
    assert not met.by_year.suppressed
    assert by_year[("2025", dash.OPEN_OVERDUE)] > 0  # open and due before "now"


@pytest.mark.django_db
def test_r46_a_small_kind_of_deadline_is_hidden_with_a_second_cell() -> None:
    # given: 20 deadlines done on time, 2 done late, all of one kind, due in 2024
    rng = random.Random(22)
    gen.register(rng, 30, opener=make_user())
    gen.tasks(rng, 22, years=(2024,))
    Task.objects.filter(case__country="EE").update(case=Case.objects.filter(country="FI")[0])
    kind, due = kinds.keys()[0], datetime(2024, 6, 1, tzinfo=UTC)
    Task.objects.update(kind=kind, due_at=due, status=Task.Status.DONE, closed_at=due)
    late = list(Task.objects.values_list("pk", flat=True)[:2])
    Task.objects.filter(pk__in=late).update(closed_at=due + timedelta(hours=1))

    # when
    met = dash.deadlines_met(user=_rapporteur(), year=2024, output="page")

    # then: the two late ones are hidden, and so is what would reveal them
    assert met.by_kind.values[(kind, dash.LATE)] == 2
    assert met.by_kind.value(kind, dash.LATE) is None
    assert met.by_kind.value(kind, "total") is None or met.by_kind.value(kind, dash.ON_TIME) is None
    assert _no_cell_recoverable(met.by_kind)
    assert _no_cell_recoverable(met.by_year)


# --- referral response times -----------------------------------------------------------------


def _naive_referrals(facts: list[gen.ReferralFact], year: int) -> dict[str, dict[str, Any]]:
    rows: dict[str, list[gen.ReferralFact]] = defaultdict(list)
    for fact in facts:
        if fact.country == "FI" and _local_year(fact.sent_at) == year:
            rows[fact.referral_type].append(fact)
            rows["total"].append(fact)
    result = {}
    for key, group in rows.items():
        answered = [f for f in group if f.answered_at is not None]
        hours = [
            int((f.answered_at - f.sent_at).total_seconds() // 3600)
            for f in answered
            if f.answered_at is not None
        ]
        within = sum(1 for f in answered if f.answered_at is not None and f.answered_at <= f.due_at)
        declined = sum(1 for f in answered if f.state == ReferralState.DECLINED)
        result[key] = {
            "sent": len(group),
            "answered": len(answered),
            "within_target": within,
            "declined": declined,
            "median_hours": _nearest_rank(hours, 50) if hours else None,
            "p90_hours": _nearest_rank(hours, 90) if hours else None,
            "within_share": round(100 * within / len(group), 1),
            "declined_share": round(100 * declined / len(answered), 1) if answered else None,
        }
    return result


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r47_referral_response_times_agree_with_a_naive_count() -> None:
    # given
    rng = random.Random(31)
    gen.register(rng, 120, opener=make_user())
    facts = gen.referrals(rng, 500, years=YEARS)

    # when
    times = dash.referral_response_times(user=_rapporteur(), year=2024, output="page")

    # then: every type and the total, every measure
    expected = _naive_referrals(facts, 2024)
    assert [r.key for r in times.rows] == [*sorted(set(expected) - {"total"}), "total"]
    for row in times.rows:
        shown = {k: v for k, v in vars(row).items() if k != "key"}
        assert shown == expected[row.key], row.key
    assert not times.suppressed


@pytest.mark.django_db
def test_r46_a_rare_referral_type_is_hidden_with_its_hours_and_shares() -> None:
    # given: many referrals of three types and two of a rare one, sent in 2024
    rng = random.Random(32)
    gen.register(rng, 60, opener=make_user())
    facts = gen.referrals(rng, 300, years=(2024,))
    Referral.objects.filter(referral_type="legal").update(referral_type="health")
    finnish = Referral.objects.filter(
        case__country="FI",
        answered_at__isnull=False,
        sent_at__gte=dash._start(2024),
        sent_at__lt=dash._start(2025),
    )
    Referral.objects.filter(pk__in=list(finnish.values_list("pk", flat=True)[:2])).update(
        referral_type="legal"
    )

    # when
    times = dash.referral_response_times(user=_rapporteur(), year=2024, output="page")

    # then: the rare type's counts, hours and shares are hidden; a second type too
    row = next(r for r in times.rows if r.key == "legal")
    assert row.sent is None
    assert row.answered is None
    assert (row.median_hours, row.p90_hours, row.declined_share) == (None, None, None)
    assert row.within_share is None
    hidden_sent = [k for k, m in times.suppressed if m == dash.SENT]
    assert len(hidden_sent) >= 2
    total = next(r for r in times.rows if r.key == "total")
    assert total.sent == sum(
        1 for f in facts if f.country == "FI" and _local_year(f.sent_at) == 2024
    )


# --- registered victims by region ------------------------------------------------------------


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_victims_by_region_agree_with_a_naive_count() -> None:
    # given
    specs = gen.register(random.Random(41), 400, opener=make_user())

    # when
    grid = dash.by_region(user=_rapporteur(), year=2024, output="page")

    # then: counted as the Eurostat tables count, in the lead organisation's region
    expected: Counter[str] = Counter()
    for spec in specs:
        if (
            spec.country == "FI"
            and spec.registered_on is not None
            and spec.registered_on.year == 2024
            and spec.status != "not_identified"
        ):
            expected[gen.REGIONS[spec.lead] or "unknown"] += 1
    assert grid.rows == ["Pirkanmaa", "Uusimaa", "unknown", "total"]
    for region, n in expected.items():
        assert grid.value(region, "total") == n
    assert grid.value("total", "total") == sum(expected.values())


@pytest.mark.django_db
def test_r46_small_regions_are_hidden_and_cannot_be_worked_out() -> None:
    # given
    gen.register(random.Random(42), 300, opener=make_user())

    # when
    grid = dash.by_region(user=_rapporteur(), year=2024, output="page")

    # then
    assert all(grid.value(*k) is None for k, v in grid.values.items() if 0 < v < 5)
    assert any(0 < v < 5 for v in grid.values.values())
    assert _no_cell_recoverable(grid)


# --- who reads, what is written down, how many queries ---------------------------------------


READS: dict[str, Callable[[User], object]] = {
    "deadlines": lambda user: dash.deadlines_met(user=user, year=2024, output="page"),
    "referrals": lambda user: dash.referral_response_times(user=user, year=2024, output="page"),
    "regions": lambda user: dash.by_region(user=user, year=2024, output="page"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(READS))
@pytest.mark.parametrize(("org_type", "role", "allowed"), READERS)
def test_r41_only_the_rapporteur_and_the_coordinator_read_the_dashboards(
    subject: str, org_type: str, role: str, allowed: bool
) -> None:
    # given
    rng = random.Random(51)
    gen.register(rng, 20, opener=make_user())
    gen.tasks(rng, 20, years=(2024,))
    gen.referrals(rng, 20, years=(2024,))
    user = make_user(org_type=org_type, role=role)

    # when
    try:
        READS[subject](user)
        refused = False
    except errors.StatisticsNotAllowed:
        refused = True

    # then: the same rule decides; only a read that happened is written down
    assert refused is not allowed
    events = AuditEvent.objects.filter(
        action=Action.STATISTICS_EXPORT, object_type=f"statistics.{subject}"
    )
    assert events.count() == (1 if allowed else 0)
    if allowed:
        event = events.get()
        assert event.detail["year"] == 2024
        assert event.detail["format"] == "page"
        assert event.object_id == "FI"


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r41_a_reader_counts_their_own_country_only() -> None:
    # given: a register in Finland and Estonia, and a coordinator in each
    rng = random.Random(52)
    specs = gen.register(rng, 120, opener=make_user())
    tasks = gen.tasks(rng, 120, years=(2024,))
    referrals = gen.referrals(rng, 120, years=(2024,))
    estonian = make_user(org_type=OrgType.NATIONAL_COORDINATOR)
    assert estonian.organisation is not None
    estonian.organisation.country = "EE"
    estonian.organisation.save()
    readers = {"EE": estonian, "FI": make_user(org_type=OrgType.NATIONAL_COORDINATOR)}

    for country, user in readers.items():
        # when
        met = dash.deadlines_met(user=user, year=2024, output="page")
        times = dash.referral_response_times(user=user, year=2024, output="page")
        grid = dash.by_region(user=user, year=2024, output="page")

        # then: each country's own, counted one by one
        assert met.by_kind.value("total", "total") == sum(
            1
            for t in tasks
            if t.country == country
            and _local_year(t.due_at) == 2024
            and _outcome(t, timezone.now())
        )
        assert times.rows[-1].sent == sum(
            1 for r in referrals if r.country == country and _local_year(r.sent_at) == 2024
        )
        assert grid.value("total", "total") == sum(
            1
            for s in specs
            if s.country == country
            and s.registered_on is not None
            and s.registered_on.year == 2024
            and s.status != "not_identified"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(READS))
def test_r44_each_dashboard_reads_in_a_fixed_number_of_queries(
    subject: str, django_assert_num_queries: Any
) -> None:
    # given: whatever the size of the register
    rng = random.Random(53)
    gen.register(rng, 60, opener=make_user())
    gen.tasks(rng, 200, years=YEARS)
    gen.referrals(rng, 200, years=YEARS)
    user = _rapporteur()

    # then: one query of counts, and the audit event (in its savepoint)
    with django_assert_num_queries(4):
        READS[subject](user)


def test_r44_the_deadline_years_follow_the_local_new_year() -> None:
    # given: a moment before midnight in UTC that is already New Year's Day in Helsinki
    moment = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)

    # then: it falls due in 2025, as the page counts it
    with timezone.override("Europe/Helsinki"):
        assert dash._start(2025) <= moment < dash._start(2026)


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_a_year_before_the_trend_is_counted_by_kind_but_not_drawn() -> None:
    # given: deadlines due in 2012, before the ten years of the trend
    rng = random.Random(23)
    gen.register(rng, 30, opener=make_user())
    facts = gen.tasks(rng, 40, years=(2012,))
    now = timezone.now()

    # when
    met = dash.deadlines_met(user=_rapporteur(), year=2012, output="page")

    # then
    expected = sum(
        1 for f in facts if f.country == "FI" and _local_year(f.due_at) == 2012 and _outcome(f, now)
    )
    assert expected > 0
    assert met.by_kind.value("total", "total") == expected
    assert "2012" not in met.by_year.rows
    assert met.by_year.value("total", "total") == 0


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_every_lead_with_a_region_leaves_no_region_unrecorded() -> None:
    # given
    gen.register(random.Random(43), 100, opener=make_user())
    Organisation.objects.filter(region="").update(region="Lappi")

    # when
    grid = dash.by_region(user=_rapporteur(), year=2024, output="page")

    # then
    assert grid.rows == ["Lappi", "Pirkanmaa", "Uusimaa", "total"]
