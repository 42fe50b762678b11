"""Assistance: outcomes and cost per programme (issue 15; the CBSS seed's "look at the
money"). A programme is a service type of the assistance catalogue
(``haven.assistance.catalogue.ServiceType``). For a year and the reader's country, per
programme: services started and active, people served, the services that ended by their
outcome, the services refused; and the amount delivered in the year per currency, with
the cost per person served. Same reading rule (``policy.rule_statistics``), same
small-cell suppression, every read audited. Only counts and sums are read: never a
case, a person, a provider or a note.

The rules (the report's method notes say them in words):

- A service is delivered from its start (``starts_on``) to its end (``ends_on``); one
  still under way, or ended without a date, runs up to today. A planned service, or
  one without a start, is not delivered.
- Started: delivered, starting in the year. Active: delivered on at least one day of
  the year. People served: the people with an active service of the programme (one
  person counts once per programme, and once in all programmes).
- Ended: completed or stopped with an end in the year, by outcome (achieved, partly,
  not achieved); a stopped service, or one completed without an outcome, is "not
  recorded". Refused: refused by the person in the year (R-20: never a penalty).
- Money: an amount paid once counts on the service's first day; a weekly or monthly
  amount counts once for each week or month of the service, on the day that week or
  month begins (its start day, then every 7 days, or the same day of each following
  month, the month's last day when it is shorter), up to the service's end (today for
  one still under way). The year's amount is the sum of those that fall in the year,
  per currency (amounts are never converted). Cost per person served: the year's
  amount divided by the people served by the programme (by all programmes, for the
  total), whether or not each of them had an amount recorded.
- Disclosure control (R-46): every count of services or people from 1 to the
  threshold minus one is suppressed, with what would reveal it from a total; an
  amount paid to fewer people than the threshold is suppressed, with what would reveal
  it from the currency's total; a cost per person goes with its amount and its people.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.accounts.models import User
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import AmountPeriod, AssistanceService, ServiceOutcome
from haven.assistance.states import ServiceStatus
from haven.audit import services as audit
from haven.statistics import categories as cat
from haven.statistics import selectors
from haven.statistics.selectors import Grid
from haven.statistics.suppression import Equation, suppress

T = cat.TOTAL

STARTED, ACTIVE, PEOPLE = "started", "active", "people"
ACHIEVED, PARTLY, NOT_ACHIEVED = (
    ServiceOutcome.ACHIEVED.value,
    ServiceOutcome.PARTLY.value,
    ServiceOutcome.NOT_ACHIEVED.value,
)
NOT_RECORDED, REFUSED = "not_recorded", "refused"
MEASURES = (STARTED, ACTIVE, PEOPLE, ACHIEVED, PARTLY, NOT_ACHIEVED, NOT_RECORDED, REFUSED)
# Each of these adds up over the programmes; people do not (one person, several programmes).
ADDITIVE = tuple(m for m in MEASURES if m != PEOPLE)
ENDED = (ServiceStatus.COMPLETED, ServiceStatus.STOPPED)
CENT = Decimal("0.01")


# --- the service's period and its payments ----------------------------------------------------


def delivered(
    *, status: str, starts_on: date | None, ends_on: date | None, today: date
) -> tuple[date, date] | None:
    """The days the service was delivered (first, last), or None: never delivered."""
    if starts_on is None or status == ServiceStatus.PLANNED:
        return None
    last = ends_on or today
    if status == ServiceStatus.ACTIVE:
        last = min(last, today)  # a planned end still ahead does not count yet
    if last < starts_on:
        return None
    return starts_on, last


def add_months(day: date, months: int) -> date:
    """``day`` moved on ``months`` calendar months (to the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def payments_in_year(*, period: str, first: date, last: date, year: int) -> int:
    """How many times an amount paid ``period`` (once, weekly, monthly) over the
    service's days ``first`` to ``last`` falls in ``year``."""
    start, end = date(year, 1, 1), min(last, date(year, 12, 31))
    if period == AmountPeriod.ONCE:
        return int(start <= first <= end)
    if end < start:
        return 0
    if period == AmountPeriod.WEEKLY:
        low = max(0, -((first - start).days // 7))  # the first week beginning on or after 1 Jan
        high = (end - first).days // 7
        return max(0, high - low + 1)
    count = 0
    months = max(0, (year - first.year) * 12 - first.month)  # a month or so before the year
    while (due := add_months(first, months)) <= end:
        count += due >= start
        months += 1
    return count


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostRow:
    """One programme (or all of them, ``T``) in one currency; None: suppressed."""

    key: str
    currency: str
    amount: Decimal | None
    per_person: Decimal | None


@dataclass(frozen=True)
class Programmes:
    year: int
    counts: Grid  # programme x measure (``MEASURES``), protected; no total column
    costs: list[CostRow]  # by currency, then programme, the currency's total last


@dataclass
class _Tally:
    counts: dict[tuple[str, str], int]
    people: dict[str, set[object]]
    money: dict[tuple[str, str], Decimal]
    payers: dict[tuple[str, str], set[object]]


def _tally(rows: list[tuple[Any, ...]], *, year: int, today: date) -> _Tally:
    tally = _Tally(defaultdict(int), defaultdict(set), defaultdict(Decimal), defaultdict(set))
    start, end = date(year, 1, 1), date(year, 12, 31)
    for (
        kind,
        status,
        starts_on,
        ends_on,
        refused_on,
        outcome,
        amount,
        currency,
        period,
        who,
    ) in rows:
        days = delivered(status=status, starts_on=starts_on, ends_on=ends_on, today=today)
        keys = (kind, T)
        if days is not None and days[0] <= end and days[1] >= start:
            for key in keys:
                tally.counts[(key, ACTIVE)] += 1
                tally.counts[(key, STARTED)] += start <= days[0]
                tally.people[key].add(who)
            if status in ENDED and ends_on is not None and start <= ends_on <= end:
                ended = outcome if status == ServiceStatus.COMPLETED and outcome else NOT_RECORDED
                for key in keys:
                    tally.counts[(key, str(ended))] += 1
            if amount is not None:
                times = payments_in_year(period=str(period), first=days[0], last=days[1], year=year)
                if times:
                    for key in keys:
                        tally.money[(key, str(currency))] += Decimal(str(amount)) * times
                        tally.payers[(key, str(currency))].add(who)
        if status == ServiceStatus.REFUSED and refused_on is not None and refused_on.year == year:
            for key in keys:
                tally.counts[(key, REFUSED)] += 1
    return tally


def _programme_order(keys: set[str]) -> list[str]:
    known = [k for k in ServiceType.values if k in keys]
    return known + sorted(keys - set(known))


def _counts(tally: _Tally, types: list[str], limit: int) -> Grid:
    rows = [*types, T]
    values = {(r, m): tally.counts.get((r, m), 0) for r in rows for m in MEASURES}
    values.update({(r, PEOPLE): len(tally.people.get(r, ())) for r in rows})
    equations = [Equation((T, m), tuple((t, m) for t in types)) for m in ADDITIVE]
    people = Equation((T, PEOPLE), tuple((t, PEOPLE) for t in types))
    if people.holds(values):  # nobody served by two programmes: the total gives a part away
        equations.append(people)
    return Grid(
        rows=rows,
        columns=list(MEASURES),
        values=values,
        suppressed=suppress(values, equations, limit),
    )


def _costs(tally: _Tally, types: list[str], counts: Grid, limit: int) -> list[CostRow]:
    currencies = sorted({c for __, c in tally.money})
    cells = {key: len(who) for key, who in tally.payers.items()}
    equations = [
        Equation((T, c), tuple((t, c) for t in types if (t, c) in cells)) for c in currencies
    ]
    hidden = suppress(cells, equations, limit)
    result = []
    for currency in currencies:
        for key in [*types, T]:
            if (key, currency) not in cells:
                continue
            amount = None if (key, currency) in hidden else tally.money[(key, currency)]
            people = counts.value(key, PEOPLE)
            per_person = None
            if amount is not None and people:
                per_person = (amount / people).quantize(CENT)
            result.append(CostRow(key, currency, amount, per_person))
    return result


@transaction.atomic
def programmes_for_country(
    *, actor: audit.Actor, country: str, year: int, output: str, today: date | None = None
) -> Programmes:
    """``country``'s assistance programmes in ``year``, suppressed and audited: one query
    for the services (counted here), however many there are, and the audit event."""
    selectors.check_year(year)
    today = today or timezone.localdate()
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    refused = Q(status=ServiceStatus.REFUSED, refused_on__gte=start, refused_on__lte=end)
    rows = list(
        AssistanceService.objects.filter(case__country=country)
        .filter(in_year | refused)
        .exclude(status=ServiceStatus.PLANNED)
        .values_list(
            "service_type",
            "status",
            "starts_on",
            "ends_on",
            "refused_on",
            "outcome",
            "amount",
            "currency",
            "amount_period",
            "case__person_id",
        )
        .order_by()
    )
    tally = _tally(rows, year=year, today=today)
    types = _programme_order({k for k, __ in tally.counts if k != T})
    limit = selectors.threshold()
    counts = _counts(tally, types, limit)
    costs = _costs(tally, types, counts, limit)
    selectors._audit(
        actor,
        subject="programmes",
        country=country,
        detail={
            "year": year,
            "format": output,
            "suppressed": len(counts.suppressed) + sum(c.amount is None for c in costs),
        },
    )
    return Programmes(year=year, counts=counts, costs=costs)


def programmes(*, user: User, year: int, output: str) -> Programmes:
    """The reader's country's assistance programmes in ``year``."""
    country = selectors.reader_country(user)
    return programmes_for_country(
        actor=audit.actor_of(user), country=country, year=year, output=output
    )
