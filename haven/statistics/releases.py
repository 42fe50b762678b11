"""Who may see and make protected releases, and the reads of releases and budgets.

The National Rapporteur of a country makes releases: they spend the country's privacy
budget, which is the Rapporteur's to answer for (an independent monitor, R-41). The
national coordinator of the same country reads the releases (they are published
figures) but does not spend the budget: a budget spent by two bodies could be used up
by one of them without the other's say. Nobody else sees statistics, and everything
is scoped to the user's own country. Nothing here reads a case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from haven.accounts.models import OrgType, User
from haven.lib.errors import NotFound
from haven.statistics import errors, policy, release_sources
from haven.statistics.models import PrivacyBudget, Release

RELEASERS = frozenset({OrgType.RAPPORTEUR})


def may_view(user: User) -> bool:
    """The statistics readers (``policy.rule_statistics``): Rapporteur or national
    coordinator staff (R-41)."""
    return policy.may_read_statistics(user)


def may_release(user: User) -> bool:
    """Only the National Rapporteur's staff spend the privacy budget."""
    organisation = user.organisation
    return may_view(user) and organisation is not None and organisation.org_type in RELEASERS


def require_releaser(user: User) -> None:
    """Refuse anyone but the National Rapporteur before a release is even read."""
    if not may_release(user):
        raise errors.ReleaseNotAllowed(_("Only the National Rapporteur spends the budget."))


def country_of_reader(user: User) -> str:
    """The country whose statistics the user sees; refused for anyone else."""
    if not may_view(user):
        raise errors.StatisticsNotAllowed(
            _("Only the National Rapporteur and the national coordinator see statistics.")
        )
    assert user.organisation is not None  # noqa: S101 - may_view checked it
    return user.organisation.country


def release_list(*, user: User) -> QuerySet[Release]:
    """The releases of the user's country, newest first."""
    return Release.objects.filter(country=country_of_reader(user)).order_by("-released_at", "id")


def release_get(*, user: User, release_id: uuid.UUID | str) -> Release:
    """One release of the user's country (another country's looks missing)."""
    country = country_of_reader(user)
    try:
        parsed = uuid.UUID(str(release_id))
    except ValueError as exc:
        raise NotFound(_("Not found.")) from exc
    release = Release.objects.filter(pk=parsed, country=country).first()
    if release is None:
        raise NotFound(_("Not found."))
    return release


@dataclass(frozen=True)
class BudgetLine:
    dataset: str
    year: int
    total: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.total - self.spent


def budget_total() -> Decimal:
    """The total ε a dataset opens with (settings: the country's rule, not the UI)."""
    return Decimal(settings.HAVEN_STATISTICS_DP_BUDGET)


def budget_list(*, user: User) -> list[BudgetLine]:
    """Every budget of the user's country that has been opened, by dataset and year."""
    country = country_of_reader(user)
    return [
        BudgetLine(
            dataset=budget.dataset,
            year=budget.year,
            total=budget.total_epsilon,
            spent=budget.spent_epsilon,
        )
        for budget in PrivacyBudget.objects.filter(country=country).order_by("dataset", "-year")
    ]


@dataclass(frozen=True)
class GridRow:
    value: str  # the first dimension's value (the year)
    cells: list[int]
    total: int
    labels: list[str]  # the column each cell is in, for a phone's stacked table

    @property
    def labelled(self) -> list[tuple[int, str]]:
        return list(zip(self.cells, self.labels, strict=True))


@dataclass(frozen=True)
class Grid:
    """A two-dimension release as a table: one row per year, one column per category."""

    row_dimension: str
    columns: list[tuple[str, str]]  # (value, label) of the second dimension
    rows: list[GridRow]
    grand_total: int


def release_grid(release: Release) -> Grid:
    """The published cells of a release laid out for the page (no new figures)."""
    values = {tuple(str(part) for part in cell[:-1]): int(cell[-1]) for cell in release.cells}
    row_dimension, column_dimension = release.dimensions[0], release.dimensions[-1]
    row_values = sorted({key[0] for key in values})
    column_values = list(dict.fromkeys(key[-1] for key in values))
    columns = [
        (column, release_sources.value_label(column_dimension, column)) for column in column_values
    ]
    rows = [
        GridRow(
            value=row,
            cells=[values.get((row, column), 0) for column in column_values],
            total=int(release.totals.get(row, 0)),
            labels=[label for _value, label in columns],
        )
        for row in row_values
    ]
    return Grid(
        row_dimension=row_dimension,
        columns=columns,
        rows=rows,
        grand_total=sum(row.total for row in rows),
    )
