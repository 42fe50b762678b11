"""The dashboards of the Rapporteur and the national coordinator beside the trend and the
backlog (issue 15): deadlines met, referral response times, and registered victims by
region. Same reading rule (``policy.rule_statistics``), same country scope, same small-
cell suppression, and every read audited (which dashboard, which year, which format).
Only counts and durations are read: no case reference, no name, no organisation below
its region.

- Deadlines met: the deadlines (``haven.deadlines`` tasks, every registered kind) due in
  a year, by how they ended: done on time (closed at or before they were due), done late,
  or still open after they fell due. A cancelled deadline, or an open one not yet due,
  is not counted. By year over the trend's ten years, and by kind for the chosen year.
- Referral response times: the referrals sent in a year, per referral type: how many
  were sent, answered (accepted or declined), answered within their response target
  (``Referral.due_at``) and declined; the median and 90th percentile of the hours to an
  answer (whole hours completed); the share answered within the target (of those sent)
  and the share declined (of those answered). A share or a duration is hidden with the
  counts it is made from.
- By region: registered victims of the year (counted as the Eurostat tables count them)
  per region of the case's lead organisation, by sex, read from the case's statistical
  row (``Case.stat_lead_region`` and ``stat_sex``, kept by database triggers): one range
  of ``case_statistics_idx``, no join with the memberships, organisations or persons. A
  case without a lead is not counted; an organisation without a region falls under
  "not recorded".
- Perpetrators: suspects, prosecuted, convicted and users of the victim's services
  linked to the country's cases in the year, by sex, and employers by ISIC section
  (counted by ``haven.justice``; never a party).
- Safe accommodation: beds in service, held and free at the end of the year per region
  and kind of place (counted by ``haven.shelters``; never a place, its address or a
  person). Held beds are people: they are suppressed like any count of people.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.db.models import Count, F, Q, Value, When
from django.utils import timezone

from haven.accounts.models import User
from haven.audit import services as audit
from haven.deadlines.models import Task
from haven.justice import selectors_parties as parties
from haven.justice.models import PERPETRATOR_ROLES, IsicSection
from haven.referrals.models import Referral
from haven.referrals.states import ReferralState
from haven.shelters.models import PlaceKind
from haven.shelters.selectors import capacity
from haven.statistics import categories as cat
from haven.statistics import cube, selectors
from haven.statistics.selectors import Grid, percentile
from haven.statistics.suppression import Equation, suppress

T = cat.TOTAL

# --- deadlines met ---------------------------------------------------------------------------

ON_TIME, LATE, OPEN_OVERDUE = "on_time", "late", "open_overdue"
OUTCOMES = (ON_TIME, LATE, OPEN_OVERDUE)


@dataclass(frozen=True)
class DeadlinesMet:
    """Deadlines by outcome: per year of the trend, and per kind in the chosen year."""

    year: int
    first: int
    last: int
    by_year: Grid
    by_kind: Grid


def _start(year: int) -> datetime:
    return timezone.make_aware(datetime(year, 1, 1))  # noqa: DTZ001 - made aware here


def _due_year(years: list[int]) -> models.Case:
    return models.Case(
        *(When(due_at__gte=_start(y), due_at__lt=_start(y + 1), then=Value(y)) for y in years),
        default=Value(None),
        output_field=models.IntegerField(),
    )


def _outcome(now: datetime) -> models.Case:
    done = Task.Status.DONE
    return models.Case(
        When(status=done, closed_at__lte=F("due_at"), then=Value(ON_TIME)),
        When(status=done, then=Value(LATE)),
        When(status=Task.Status.OPEN, due_at__lt=now, then=Value(OPEN_OVERDUE)),
        default=Value(None),
        output_field=models.CharField(),
    )


def deadlines_met(
    *, user: User, year: int, output: str, now: datetime | None = None
) -> DeadlinesMet:
    """The reader's country's deadlines by outcome."""
    country = selectors.reader_country(user)
    return deadlines_met_for_country(
        actor=audit.actor_of(user), country=country, year=year, output=output, now=now
    )


@transaction.atomic
def deadlines_met_for_country(
    *,
    actor: audit.Actor,
    country: str,
    year: int,
    output: str,
    now: datetime | None = None,
    through: int | None = None,
) -> DeadlinesMet:
    """``country``'s deadlines by outcome, audited: one query for both tables. The
    years run over the trend's ten years, or the ten up to ``through`` (a report's)."""
    selectors.check_year(year)
    now = now or timezone.now()
    first, last = selectors.trend_years()
    if through is not None:
        first, last = through - selectors.TREND_YEARS + 1, selectors.check_year(through)
    years = list(range(min(first, year), last + 1))
    rows = (
        Task.objects.filter(
            case__country=country, due_at__gte=_start(years[0]), due_at__lt=_start(last + 1)
        )
        .filter(Q(status=Task.Status.DONE) | Q(status=Task.Status.OPEN, due_at__lt=now))
        .values_list(_due_year(years), "kind", _outcome(now))
        .annotate(n=Count("id"))
        .order_by()
    )
    per_year: Counter[tuple[str, str]] = Counter()
    per_kind: Counter[tuple[str, str]] = Counter()
    for due_year, kind, outcome, n in rows:
        if first <= due_year <= last:
            per_year[(str(due_year), outcome)] += n
        if due_year == year:
            per_kind[(kind, outcome)] += n
    by_year = selectors._grid([str(y) for y in range(first, last + 1)], OUTCOMES, per_year)
    by_kind = selectors._grid(sorted({k for k, __ in per_kind}), OUTCOMES, per_kind)
    limit = selectors.threshold()
    by_year.protect(limit)
    by_kind.protect(limit)
    selectors._audit(
        actor,
        subject="deadlines",
        country=country,
        detail={
            "year": year,
            "format": output,
            "suppressed": len(by_year.suppressed) + len(by_kind.suppressed),
        },
    )
    return DeadlinesMet(year=year, first=first, last=last, by_year=by_year, by_kind=by_kind)


# --- referral response times -----------------------------------------------------------------

SENT, ANSWERED, WITHIN_TARGET, DECLINED = "sent", "answered", "within_target", "declined"
REFERRAL_COUNTS = (SENT, ANSWERED, WITHIN_TARGET, DECLINED)


@dataclass(frozen=True)
class ResponseRow:
    """One referral type (or all of them, ``T``) in the year; None: suppressed."""

    key: str
    sent: int | None
    answered: int | None
    within_target: int | None
    declined: int | None
    median_hours: int | None
    p90_hours: int | None
    within_share: float | None  # percent of those sent, one decimal
    declined_share: float | None  # percent of those answered, one decimal


@dataclass
class ResponseTimes:
    year: int
    rows: list[ResponseRow]
    suppressed: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def referral_response_times(*, user: User, year: int, output: str) -> ResponseTimes:
    """The reader's country's referrals sent in ``year``, per type."""
    country = selectors.reader_country(user)
    return referral_response_times_for_country(
        actor=audit.actor_of(user), country=country, year=year, output=output
    )


@transaction.atomic
def referral_response_times_for_country(
    *, actor: audit.Actor, country: str, year: int, output: str
) -> ResponseTimes:
    """``country``'s referrals sent in ``year`` per type, audited: one query, the hours
    counted in Python."""
    selectors.check_year(year)
    rows = (
        Referral.objects.filter(
            case__country=country, sent_at__gte=_start(year), sent_at__lt=_start(year + 1)
        )
        .values_list("referral_type", "state", "sent_at", "answered_at", "due_at")
        .order_by()
    )
    values: dict[tuple[str, str], int] = defaultdict(int)
    hours: dict[str, Counter[int]] = defaultdict(Counter)
    types: set[str] = set()
    for kind, state, sent_at, answered_at, due_at in rows:
        types.add(kind)
        for key in (kind, T):
            values[(key, SENT)] += 1
            if answered_at is not None:
                values[(key, ANSWERED)] += 1
                values[(key, WITHIN_TARGET)] += answered_at <= due_at
                values[(key, DECLINED)] += state == ReferralState.DECLINED
                hours[key][int((answered_at - sent_at).total_seconds() // 3600)] += 1
    keys = [*sorted(types), T]
    cells = {(k, m): values[(k, m)] for k in keys for m in REFERRAL_COUNTS}
    equations = [Equation((T, m), tuple((k, m) for k in sorted(types))) for m in REFERRAL_COUNTS]
    hidden = suppress(cells, equations, selectors.threshold())

    def shown(key: str, measure: str) -> int | None:
        return None if (key, measure) in hidden else cells[(key, measure)]

    result = []
    for key in keys:
        answered = shown(key, ANSWERED)
        waits = hours[key] if answered else Counter[int]()
        result.append(
            ResponseRow(
                key=key,
                sent=shown(key, SENT),
                answered=answered,
                within_target=shown(key, WITHIN_TARGET),
                declined=shown(key, DECLINED),
                median_hours=percentile(waits, 50) if waits else None,
                p90_hours=percentile(waits, 90) if waits else None,
                within_share=_share(shown(key, WITHIN_TARGET), shown(key, SENT)),
                declined_share=_share(shown(key, DECLINED), answered),
            )
        )
    selectors._audit(
        actor,
        subject="referrals",
        country=country,
        detail={"year": year, "format": output, "suppressed": len(hidden)},
    )
    return ResponseTimes(year=year, rows=result, suppressed=hidden)


# --- registered victims by region ------------------------------------------------------------

REGION_NOT_RECORDED = cat.UNKNOWN


def by_region(*, user: User, year: int, output: str) -> Grid:
    """The reader's country's registered victims of ``year`` by region and sex."""
    country = selectors.reader_country(user)
    return by_region_for_country(
        actor=audit.actor_of(user), country=country, year=year, output=output
    )


@transaction.atomic
def by_region_for_country(*, actor: audit.Actor, country: str, year: int, output: str) -> Grid:
    """Registered victims of ``year`` per region of the lead organisation and sex, audited."""
    selectors.check_year(year)
    rows = (
        cube.registered(country=country, first=year, last=year)
        .filter(stat_lead_region__isnull=False)  # a case with a lead
        .values_list("stat_lead_region", "stat_sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: Counter[tuple[str, str]] = Counter()
    for region, sex, n in rows:
        counts[(region.strip() or REGION_NOT_RECORDED, cat.sex_group(sex))] += n
    regions = sorted({r for r, __ in counts} - {REGION_NOT_RECORDED})
    if any(r == REGION_NOT_RECORDED for r, __ in counts):
        regions.append(REGION_NOT_RECORDED)
    grid = selectors._grid(regions, cat.SEXES, counts)
    grid.protect(selectors.threshold())
    selectors._audit(
        actor,
        subject="regions",
        country=country,
        detail={"year": year, "format": output, "suppressed": len(grid.suppressed)},
    )
    return grid


# --- safe accommodation ----------------------------------------------------------------------

BEDS, HELD, FREE = "beds", "held", "free"


@dataclass(frozen=True)
class Accommodation:
    """Safe accommodation at the end of the year (now, for this year): beds in
    service, beds held by a placement (people housed or about to be) and free beds,
    per region and kind of place. Beds are not people: only the held beds are
    suppressed (with what would reveal them), and a free count goes with its held
    count, since beds minus free would give it away."""

    year: int
    at: datetime
    beds: Grid  # region x kind of place, not suppressed
    held: Grid  # region x kind of place, protected
    summary: Grid  # region x (beds, held, free): the chart's and the table's numbers


@transaction.atomic
def accommodation_for_country(
    *, actor: audit.Actor, country: str, year: int, output: str
) -> Accommodation:
    """``country``'s safe accommodation at the end of ``year``, suppressed and audited
    (three queries and the audit event, however many places)."""
    selectors.check_year(year)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    at = min(timezone.now(), end)
    counts = capacity.country_counts_at(country=country, at=at)
    regions = sorted({region for region, __ in counts})
    kinds = [k for k in PlaceKind.values if any(kind == k for __, kind in counts)]
    beds = selectors._grid(regions, kinds, {key: c.beds for key, c in counts.items()})
    held = selectors._grid(regions, kinds, {key: c.held for key, c in counts.items()})
    held.protect(selectors.threshold())
    values: dict[tuple[str, str], int] = {}
    hidden: set[tuple[str, str]] = set()
    for region in beds.rows:
        values[(region, BEDS)] = beds.values[(region, T)]
        values[(region, HELD)] = held.values[(region, T)]
        values[(region, FREE)] = max(0, beds.values[(region, T)] - held.values[(region, T)])
        if (region, T) in held.suppressed:
            hidden |= {(region, HELD), (region, FREE)}
    summary = Grid(
        rows=beds.rows, columns=[BEDS, HELD, FREE], values=values, suppressed=frozenset(hidden)
    )
    selectors._audit(
        actor,
        subject="accommodation",
        country=country,
        detail={"year": year, "format": output, "suppressed": len(held.suppressed)},
    )
    return Accommodation(year=year, at=at, beds=beds, held=held, summary=summary)


def accommodation(*, user: User, year: int, output: str) -> Accommodation:
    """The reader's country's safe accommodation at the end of ``year``."""
    country = selectors.reader_country(user)
    return accommodation_for_country(
        actor=audit.actor_of(user), country=country, year=year, output=output
    )


# --- perpetrators ----------------------------------------------------------------------------

NOT_KNOWN_SECTOR = cat.UNKNOWN
EMPLOYERS = "employers"


@dataclass(frozen=True)
class Perpetrators:
    """Perpetrators linked to the country's cases in a year (R-44, R-38): by role
    (suspect, prosecuted, convicted, user of the victim's services) and sex; and
    employers by ISIC section. Counted by ``haven.justice`` (each party once per
    role), never a party; both tables suppressed like any count of people."""

    year: int
    by_role: Grid  # role x sex, protected
    sectors: Grid  # ISIC section x employers, protected


@transaction.atomic
def perpetrators_for_country(
    *, actor: audit.Actor, country: str, year: int, output: str
) -> Perpetrators:
    """``country``'s perpetrators of ``year``, suppressed and audited."""
    selectors.check_year(year)
    found = parties.perpetrator_counts(year=year, country=country)
    roles: Counter[tuple[str, str]] = Counter()
    for (role, sex, __, ___), n in found.by_role.items():
        roles[(role, sex if sex in cat.SEXES else cat.UNKNOWN)] += n
    by_role = selectors._grid([str(r) for r in PERPETRATOR_ROLES], cat.SEXES, roles)
    by_role.protect(selectors.threshold())
    sector_counts = {
        (section or NOT_KNOWN_SECTOR, EMPLOYERS): n for section, n in found.employer_sectors.items()
    }
    sections = [s for s in IsicSection.values if (s, EMPLOYERS) in sector_counts]
    if (NOT_KNOWN_SECTOR, EMPLOYERS) in sector_counts:
        sections.append(NOT_KNOWN_SECTOR)
    sectors = selectors._grid(sections, [EMPLOYERS], sector_counts)
    sectors.protect(selectors.threshold())
    selectors._audit(
        actor,
        subject="perpetrators",
        country=country,
        detail={
            "year": year,
            "format": output,
            "suppressed": len(by_role.suppressed) + len(sectors.suppressed),
        },
    )
    return Perpetrators(year=year, by_role=by_role, sectors=sectors)


def perpetrators(*, user: User, year: int, output: str) -> Perpetrators:
    """The reader's country's perpetrators of ``year``."""
    country = selectors.reader_country(user)
    return perpetrators_for_country(
        actor=audit.actor_of(user), country=country, year=year, output=output
    )
