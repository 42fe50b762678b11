"""What the Rapporteur and the national coordinator read (R-41 to R-46): the Eurostat set
of a year, the trend of registered victims over the years, and the backlog of cases
awaiting a decision. Every read checks ``policy.rule_statistics``, is scoped to the
reader's country, reads only the statistical field group, and is audited (which set,
which year, which format; never a person). Small cells are suppressed everywhere."""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus
from haven.statistics import categories as cat
from haven.statistics import cube, errors, policy, tables
from haven.statistics.suppression import Equation, suppress

FIRST_YEAR = 2000  # before any register Haven could hold
T = cat.TOTAL


def threshold() -> int:
    return int(settings.HAVEN_STATISTICS_SMALL_CELL_THRESHOLD)


def bands() -> tuple[int, ...]:
    return cat.check_bands(settings.HAVEN_STATISTICS_AGE_BANDS)


def reader_country(user: User) -> str:
    """The country whose statistics ``user`` reads, or the refusal."""
    decision = policy.rule_statistics(user)
    if not decision.allowed:
        raise errors.StatisticsNotAllowed(str(decision.reason))
    assert user.organisation is not None  # noqa: S101 - the rule admits only staff of one
    return user.organisation.country


def check_year(year: int, *, today: date | None = None) -> int:
    """A reporting year Haven can count: from 2000 to this year."""
    last = (today or timezone.localdate()).year
    if not FIRST_YEAR <= year <= last:
        raise errors.YearInvalid(
            _("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last},
            field="year",
        )
    return year


def _audit(actor: audit.Actor, *, subject: str, country: str, detail: dict[str, object]) -> None:
    audit.audit_record(
        actor=actor,
        action=Action.STATISTICS_EXPORT,
        object_type=f"statistics.{subject}",
        object_id=country,
        detail={"country": country, **detail},
    )


def _hidden_count(published: tables.EurostatSet) -> int:
    return len({c for t in published.tables for c in t.suppressed})


@transaction.atomic
def eurostat_for_country(
    *, actor: audit.Actor, country: str, year: int, output: str
) -> tables.EurostatSet:
    """The Eurostat set of ``country`` for ``year``, suppressed and audited."""
    cells = cube.registered_cube(country=country, years=[year], bands=bands())
    published = tables.eurostat_set(
        cells, year=year, country=country, threshold=threshold(), bands=bands()
    )
    _audit(
        actor,
        subject="eurostat",
        country=country,
        detail={"year": year, "format": output, "suppressed": _hidden_count(published)},
    )
    return published


def eurostat(*, user: User, year: int, output: str) -> tables.EurostatSet:
    """The reader's country's Eurostat set for ``year``."""
    country = reader_country(user)
    return eurostat_for_country(
        actor=audit.actor_of(user), country=country, year=check_year(year), output=output
    )


# --- trends over years -----------------------------------------------------------------------


@dataclass
class Grid:
    """A small table of counts (rows x columns, with totals), suppressed like the others."""

    rows: list[str]
    columns: list[str]
    values: dict[tuple[str, str], int]
    suppressed: frozenset[tuple[str, str]] = frozenset()
    extra: dict[tuple[str, str], dict[str, int | None]] = field(default_factory=dict)

    def value(self, row: str, column: str) -> int | None:
        key = (row, column)
        return None if key in self.suppressed else self.values[key]

    def protect(self, limit: int) -> None:
        """Suppress the small cells and what would reveal them, across both margins."""
        parts_r = [r for r in self.rows if r != T]
        parts_c = [c for c in self.columns if c != T]
        equations = [Equation((r, T), tuple((r, c) for c in parts_c)) for r in self.rows]
        equations += [Equation((T, c), tuple((r, c) for r in parts_r)) for c in self.columns]
        self.suppressed = suppress(self.values, equations, limit)


def _grid(rows: Sequence[str], columns: Sequence[str], counts: dict[tuple[str, str], int]) -> Grid:
    all_rows, all_columns = [*rows, T], [*columns, T]
    values = {(r, c): 0 for r in all_rows for c in all_columns}
    for (r, c), n in counts.items():
        for rr in (r, T):
            for cc in (c, T):
                values[(rr, cc)] += n
    return Grid(rows=all_rows, columns=all_columns, values=values)


TREND_YEARS = 10


def trend_years() -> tuple[int, int]:
    """The years of the trend: the last ten, this one included."""
    last = timezone.localdate().year
    return last - TREND_YEARS + 1, last


def trends(*, user: User, first: int, last: int, output: str) -> Grid:
    """Registered victims by year of registration and sex, ``first`` to ``last``."""
    country = reader_country(user)
    return trends_for_country(
        actor=audit.actor_of(user), country=country, first=first, last=last, output=output
    )


@transaction.atomic
def trends_for_country(
    *, actor: audit.Actor, country: str, first: int, last: int, output: str
) -> Grid:
    """``country``'s registered victims by year and sex, suppressed and audited."""
    check_year(first)
    check_year(last)
    years = list(range(first, last + 1))
    found = cube.by_year_and_sex(country=country, first=first, last=last)
    counts = {(str(year), sex): n for (year, sex), n in found.items()}
    grid = _grid([str(y) for y in years], list(cat.SEXES), counts)
    grid.protect(threshold())
    _audit(
        actor,
        subject="trends",
        country=country,
        detail={"first": first, "last": last, "format": output, "suppressed": len(grid.suppressed)},
    )
    return grid


# --- the backlog -----------------------------------------------------------------------------

POTENTIAL_STAGE, PRESUMED_STAGE = "reasonable_grounds", "conclusive"
STAGES: dict[str, str] = {
    IdentificationStatus.POTENTIAL: POTENTIAL_STAGE,
    IdentificationStatus.PRESUMED: PRESUMED_STAGE,
}


def percentile(histogram: dict[int, int], percent: int) -> int:
    """The nearest-rank percentile of values given as {value: how many} (non-empty)."""
    values = sorted(histogram)
    cumulative = list(itertools.accumulate(histogram[v] for v in values))
    rank = max(1, math.ceil(percent / 100 * cumulative[-1]))
    return values[bisect.bisect_left(cumulative, rank)]


def backlog(*, user: User, output: str, today: date | None = None) -> Grid:
    """The reader's country's backlog (see ``backlog_for_country``)."""
    country = reader_country(user)
    return backlog_for_country(
        actor=audit.actor_of(user), country=country, output=output, today=today
    )


@transaction.atomic
def backlog_for_country(
    *, actor: audit.Actor, country: str, output: str, today: date | None = None
) -> Grid:
    """Cases awaiting each decision, by sex: how many, and the median and 90th
    percentile of their wait in days since they reached their current status. The
    statistics of a group whose count is suppressed are suppressed with it. One query
    counts the cases per status, sex and day they reached it; the waits are read from
    those counts."""
    today = today or timezone.localdate()
    waits: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    rows = (
        Case.objects.filter(country=country, identification_status__in=list(STAGES))
        .values_list("identification_status", "stat_sex", TruncDate("status_changed_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    for status, sex, since, n in rows:
        days = (today - since).days
        stage, group = STAGES[status], cat.sex_group(sex)
        for key in ((stage, group), (stage, T), (T, group), (T, T)):
            waits[key][days] += n
    counts = {(STAGES[s], g): 0 for s in STAGES for g in cat.SEXES}
    for (stage, group), histogram in waits.items():
        if stage != T and group != T:
            counts[(stage, group)] = sum(histogram.values())
    grid = _grid(list(STAGES.values()), list(cat.SEXES), counts)
    grid.protect(threshold())
    for key in grid.values:
        histogram = waits.get(key, Counter())
        shown = key not in grid.suppressed and bool(histogram)
        grid.extra[key] = {
            "median": percentile(histogram, 50) if shown else None,
            "p90": percentile(histogram, 90) if shown else None,
        }
    _audit(
        actor,
        subject="backlog",
        country=country,
        detail={"format": output, "suppressed": len(grid.suppressed)},
    )
    return grid
