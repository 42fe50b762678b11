"""Reads of the standard exchange: who may see statistics, the country's registered
victims as statistics sees them, and what other organisations and states sent.

Only the ``statistical`` group is read (sex, citizenships, age, status, forms of
exploitation, the country and the lead organisation's type), from the case's
statistical row: no person is joined; nothing is decrypted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC

from django.db.models import Case as Case_
from django.db.models import CharField, Count, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from haven.accounts.models import OrgType, User
from haven.cases.models import AgeStatus, Case, Sex
from haven.cases.status import REGISTERED
from haven.statistics import htcds, policy
from haven.statistics.errors import StatisticsNotAllowed
from haven.statistics.exchange import Cell, RegionalRelease
from haven.statistics.models import ExternalDataset, ImportedRelease

CHILD = frozenset({AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD})


def may_see_statistics(user: User) -> bool:
    """The statistics readers (``policy.rule_statistics``): Rapporteur or national
    coordinator staff, of their own country (R-41)."""
    return policy.may_read_statistics(user)


def may_import(user: User) -> bool:
    """Imports are the Rapporteur's: the coordinator may look, not add."""
    organisation = user.organisation
    return (
        may_see_statistics(user)
        and organisation is not None
        and organisation.org_type == OrgType.RAPPORTEUR
    )


def country_of(user: User, *, importing: bool = False) -> str:
    """The country whose statistics ``user`` sees; StatisticsNotAllowed for anyone else."""
    allowed = may_import(user) if importing else may_see_statistics(user)
    if not allowed or user.organisation is None:
        raise StatisticsNotAllowed(
            _("Only the National Rapporteur and the national coordinator see statistics.")
        )
    return user.organisation.country


# The age group at registration (``htcds.age_group``) as the database computes it: the
# age in the year of registration, else the lowest estimated age; without either, a
# victim treated as a child is in "0-17".


def _age_group() -> Case_:
    return Case_(
        When(age__isnull=True, stat_age_status__in=sorted(CHILD), then=Value("0-17")),
        When(age__isnull=True, then=Value("unknown")),
        *(When(age__lt=upper, then=Value(band)) for upper, band in htcds.AGE_BANDS),
        default=Value("50+"),
        output_field=CharField(),
    )


def registered_victims(*, country: str) -> Counter[htcds.Victim]:
    """The country's registered victims (R-44: presumed, identified, declined formal
    identification), each in the year of the first decision that registered them,
    counted per distinct record: the database groups them, one row per combination of
    what statistics uses, so Python builds a record per group, not per victim. The
    person's facts and the lead's type are the case's statistical row (``Case.stat_*``,
    kept by database triggers): the case alone is read, no person, membership or
    organisation is joined."""
    rows = (
        Case.objects.filter(country=country, identification_status__in=list(REGISTERED))
        .annotate(
            # the year of the date, else of the moment in UTC (as Python reads it)
            year=Coalesce(
                ExtractYear("registered_on"), ExtractYear("status_changed_at", tzinfo=UTC)
            ),
        )
        .annotate(
            age=Coalesce(
                F("year") - F("stat_birth_year"),
                F("stat_estimated_age_min"),
                output_field=IntegerField(),
            )
        )
        .annotate(age_group=_age_group())
        .values_list(
            "stat_sex",
            "stat_citizenships",
            "identification_status",
            "forms_of_exploitation",
            "stat_lead_org_type",
            "year",
            "age_group",
        )
        .annotate(victims=Count("pk"))
        .order_by()
    )
    victims: Counter[htcds.Victim] = Counter()
    for sex, cits, status, forms, lead, year, group, count in rows:
        victim = htcds.Victim(
            sex=sex or Sex.UNKNOWN,  # null only until the insert's trigger
            citizenships=tuple(cits or ()),
            identification_status=status,
            forms_of_exploitation=tuple(forms or ()),
            organisation_type=lead or OrgType.OTHER,
            country=country,
            year=int(year),
            age_group=group,
        )
        victims[victim] += count
    return victims


def external_datasets(*, country: str) -> QuerySet[ExternalDataset]:
    return ExternalDataset.objects.filter(country=country)


def imported_releases(*, country: str) -> QuerySet[ImportedRelease]:
    return ImportedRelease.objects.filter(country=country)


def as_release(row: ImportedRelease) -> RegionalRelease:
    cells: dict[Cell, int | None] = {
        (str(y), str(s), str(a), str(f)): v for y, s, a, f, v in row.cells
    }
    return RegionalRelease(
        sender=row.sender, created_at=row.created_at, threshold=row.threshold, cells=cells
    )


@dataclass(frozen=True)
class Trends:
    """Registered victims per year, one column per state, each from its own release:
    the published sum and whether any cell was suppressed (then it is a lower bound)."""

    states: list[str]
    rows: list[tuple[str, list[tuple[int, bool] | None]]]

    @property
    def labelled_rows(self) -> list[tuple[str, list[tuple[str, tuple[int, bool] | None]]]]:
        """The rows with each value beside its state: a phone shows a row as a card."""
        return [(year, list(zip(self.states, values, strict=True))) for year, values in self.rows]


def regional_trends(*, own: RegionalRelease, imported: list[RegionalRelease]) -> Trends:
    """Side by side, never summed across states (R-45): the latest release of each."""
    latest: dict[str, RegionalRelease] = {}
    for release in imported:
        if release.sender not in latest or release.created_at > latest[release.sender].created_at:
            latest[release.sender] = release
    releases = [own, *(latest[s] for s in sorted(latest) if s != own.sender)]
    totals = [r.year_totals() for r in releases]
    years = sorted({year for t in totals for year in t})
    rows = [
        (year, [(t[year][0], t[year][1] > 0) if year in t else None for t in totals])
        for year in years
    ]
    return Trends(states=[r.sender for r in releases], rows=rows)


# The Council of the Baltic Sea States' member states drawn on the regional map, by
# ISO 3166-1 alpha-2 code (Russia's membership is suspended since 2022).
BALTIC_STATES = ("DE", "DK", "EE", "FI", "IS", "LT", "LV", "NO", "PL", "SE")


class FigureStatus:
    """How a state's figure of a year stands in its release."""

    PUBLISHED = "published"
    LOWER_BOUND = "lower_bound"  # some cells suppressed: the sum of the others
    SUPPRESSED = "suppressed"  # every cell of the year suppressed
    NO_FIGURE = "no_figure"  # a release, but no cell of the year
    NO_RELEASE = "no_release"  # no release received from the state


@dataclass(frozen=True)
class StateFigure:
    """One state's figure of a year: the published sum of its cells (None when there is
    no figure to show) and how it stands (``FigureStatus``)."""

    state: str
    figure: int | None
    status: str


def year_figures(
    trends: Trends, *, year: int, states: tuple[str, ...] = BALTIC_STATES
) -> list[StateFigure]:
    """Each state's figure of ``year`` from the trends (the same numbers as their
    table): the ``states`` first, in their order, then any other state that sent a
    release."""
    values: dict[str, tuple[int, bool] | None] = dict.fromkeys(trends.states)
    for row_year, row in trends.labelled_rows:
        if row_year == str(year):
            values.update(row)
    extra = sorted(s for s in trends.states if s not in states)
    figures = []
    for state in [*states, *extra]:
        value = values.get(state)
        if state not in values:
            figures.append(StateFigure(state, None, FigureStatus.NO_RELEASE))
        elif value is None:
            figures.append(StateFigure(state, None, FigureStatus.NO_FIGURE))
        elif value[1] and value[0] == 0:
            figures.append(StateFigure(state, None, FigureStatus.SUPPRESSED))
        elif value[1]:
            figures.append(StateFigure(state, value[0], FigureStatus.LOWER_BOUND))
        else:
            figures.append(StateFigure(state, value[0], FigureStatus.PUBLISHED))
    return figures
