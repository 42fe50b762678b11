"""The registered-victim cube (R-44): one aggregated query over a country's register,
counts per (reporting year, legal status, sex, age group and band, citizenship, forms of
exploitation, registering organisation type), from which every table is derived.

A registered victim is a case whose person was first made presumed, identified or
declined formal identification (``Case.registered_on``) in the reporting year; their
legal status is the case's status now (a person who later left the mechanism or came
back to screening stays a presumed victim of that year). A case whose registration was
later overturned by a negative conclusive decision (not identified) is not counted:
the decision found that the person was not a victim. The registering organisation is
the case lead. Erased persons still count: erasure destroys their identity, not the
statistical facts.

The query groups by the lists of citizenships and of forms as stored (JSON), so it is
the same SQL on SQLite and PostgreSQL; the few distinct lists are split in Python.

The person's facts and the lead's type are read from the case's statistical row
(``Case.stat_*``, kept by database triggers: ``haven.cases.statistical_row``): the
year's cases are one range of ``case_statistics_idx``, which holds every column read
here on PostgreSQL, and nothing is joined.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Count, F, QuerySet, Value, When
from django.db.models.functions import Cast

from haven.cases.models import Case
from haven.cases.status import IdentificationStatus
from haven.statistics import categories as cat

V = TypeVar("V")


@dataclass(frozen=True)
class CubeCell:
    """The count of registered victims sharing every value here."""

    year: int
    legal_status: str
    sex: str
    age_group: str
    age_band: str
    citizenship: str  # a group of ``categories.CITIZENSHIP_GROUPS``
    country: str  # ISO 3166-1 alpha-2, "" when unknown
    forms: frozenset[str]
    organisation_type: str
    count: int


def _year_expression(years: Sequence[int]) -> models.Case:
    """The registration year, by comparing the date with each year's bounds: plain SQL
    that uses no date function (SQLite's are Python functions called row by row)."""
    return models.Case(
        *(
            When(
                registered_on__gte=date(year, 1, 1),
                registered_on__lt=date(year + 1, 1, 1),
                then=Value(year),
            )
            for year in years
        ),
        default=Value(None),
        output_field=models.IntegerField(),
    )


def _age_band_expression(lows: Sequence[int], year: models.Case) -> tuple[models.Case, models.Case]:
    """The band of the age at registration, in SQL, and that age: from the birth year,
    else the lower estimate made at intake (registration follows intake within months;
    the estimate is not carried forward)."""
    age = models.Case(
        When(stat_birth_year__isnull=False, then=year - F("stat_birth_year")),
        When(stat_estimated_age_min__isnull=False, then=F("stat_estimated_age_min")),
        default=Value(None),
        output_field=models.IntegerField(),
    )
    whens = [
        When(age__lt=lows[i + 1], then=Value(cat.band_label(lows, i))) for i in range(len(lows) - 1)
    ]
    return models.Case(
        When(age__isnull=True, then=Value(cat.BAND_UNKNOWN)),
        *whens,
        default=Value(cat.band_label(lows, len(lows) - 1)),
        output_field=models.CharField(),
    ), age


def _legal_status() -> models.Case:
    return models.Case(
        When(identification_status=IdentificationStatus.IDENTIFIED, then=Value(cat.IDENTIFIED)),
        When(
            identification_status=IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
            then=Value(cat.DECLINED),
        ),
        default=Value(cat.PRESUMED),
        output_field=models.CharField(),
    )


def registered(*, country: str, first: int, last: int) -> QuerySet[Case]:
    """The registered victims of ``country`` from ``first`` to ``last`` (years), read
    through the registration date's index."""
    return Case.objects.filter(
        country=country,
        registered_on__gte=date(first, 1, 1),
        registered_on__lt=date(last + 1, 1, 1),
    ).exclude(identification_status=IdentificationStatus.NOT_IDENTIFIED)


def by_year_and_sex(*, country: str, first: int, last: int) -> dict[tuple[int, str], int]:
    """Registered victims per (year, sex group), ``first`` to ``last``: one small query."""
    years = list(range(first, last + 1))
    rows = (
        registered(country=country, first=first, last=last)
        .values(year=_year_expression(years), sex=F("stat_sex"))
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: Counter[tuple[int, str]] = Counter()
    for row in rows:
        counts[(row["year"], cat.sex_group(row["sex"]))] += row["n"]
    return dict(counts)


def cube_rows(*, country: str, years: Sequence[int], lows: Sequence[int]) -> QuerySet[Case, Any]:
    """The cube's query: registered victims counted per group of values, ``years`` sorted."""
    year = _year_expression(years)
    band, age = _age_band_expression(lows, year)
    return (
        registered(country=country, first=years[0], last=years[-1])
        .filter(stat_lead_org_type__isnull=False)  # led (every case is, once opened)
        .alias(age=age)
        .values(
            year=year,
            status=_legal_status(),
            sex=F("stat_sex"),
            age_status=F("stat_age_status"),
            band=band,
            # their text: the few distinct lists are decoded once each (``_Decoded``)
            citizenships=Cast("stat_citizenships", models.TextField()),
            forms=Cast("forms_of_exploitation", models.TextField()),
            org_type=F("stat_lead_org_type"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )


def registered_cube(
    *, country: str, years: Iterable[int], bands: Sequence[int] | None = None
) -> list[CubeCell]:
    """The cube of ``country``'s registered victims in ``years``: one query."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    lows = cat.check_bands(bands if bands is not None else settings.HAVEN_STATISTICS_AGE_BANDS)
    rows = cube_rows(country=country, years=wanted, lows=lows)
    counts: Counter[tuple[int, str, str, str, str, str, str, frozenset[str], str]] = Counter()
    citizenships = _Decoded(lambda codes: cat.citizenship(codes, country))
    forms = _Decoded(cat.known_forms)
    for row in rows:
        if row["year"] is None:  # a year between those asked
            continue
        group, code = citizenships[row["citizenships"]]
        key = (
            row["year"],
            row["status"],
            cat.sex_group(row["sex"]),
            cat.age_group(row["age_status"], row["band"]),
            row["band"],
            group,
            code,
            forms[row["forms"]],
            row["org_type"],
        )
        counts[key] += row["n"]
    cells = [CubeCell(*key, count=n) for key, n in counts.items()]
    return sorted(cells, key=_order)


class _Decoded(dict[str | None, V]):
    """A JSON list as the query returns it (its text, grouped on in SQL) decoded once per
    distinct text, then mapped by ``convert``: a register holds few distinct lists."""

    def __init__(self, convert: Callable[[list[str]], V]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, text: str | None) -> V:
        value = self[text] = self.convert(json.loads(text or "[]") or [])  # null: none
        return value


def _order(cell: CubeCell) -> tuple[object, ...]:
    return (
        cell.year,
        cell.legal_status,
        cell.sex,
        cell.age_group,
        cell.age_band,
        cell.citizenship,
        cell.country,
        sorted(cell.forms),
        cell.organisation_type,
    )
