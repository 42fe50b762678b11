"""Protected releases: spend ε from the privacy budget, publish the noisy figures
(R-46, issue 15). One transaction each, audited inside it.

Each year a release covers has its own budget row, locked (``select_for_update``) in
year order before anything is checked, so two releases made at the same moment wait
for each other and cannot both spend the last of a budget; the database also refuses
a budget spent beyond its total (``privacy_budget_never_overspent``). The noise is
drawn only after the budget was found sufficient.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.statistics import errors, privacy, release_sources, releases
from haven.statistics.models import BudgetSpend, PrivacyBudget, Release

# The smallest ε a release may spend (a smaller one publishes noise, not figures),
# and the most years one release covers.
EPSILON_MIN = Decimal("0.01")
YEARS_MAX = 20
FIRST_YEAR = 2000


@dataclass(frozen=True)
class ReleaseInput:
    dataset: str
    table: str
    year_from: int
    year_to: int
    epsilon: Decimal


def _table(data: ReleaseInput) -> release_sources.Table:
    dataset = release_sources.DATASETS.get(data.dataset)
    table = dataset.tables.get(data.table) if dataset else None
    if table is None:
        raise errors.TableUnknown(_("Choose one of the tables offered."), field="table")
    return table


def _check_years(data: ReleaseInput) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= data.year_from <= data.year_to <= this_year:
        raise errors.YearsInvalid(
            _("Give years from %(first)s to %(last)s, the first not after the last.")
            % {"first": FIRST_YEAR, "last": this_year},
            field="year_from",
        )
    if data.year_to - data.year_from + 1 > YEARS_MAX:
        raise errors.YearsInvalid(
            _("One release covers at most %(count)s years.") % {"count": YEARS_MAX},
            field="year_from",
        )


def _check_epsilon(epsilon: Decimal) -> None:
    exponent = epsilon.as_tuple().exponent
    if not epsilon.is_finite() or epsilon < EPSILON_MIN or not isinstance(exponent, int):
        raise errors.EpsilonInvalid(
            _("ε must be at least %(min)s.") % {"min": EPSILON_MIN}, field="epsilon"
        )
    if exponent < -3:
        raise errors.EpsilonInvalid(_("Give ε with at most three decimals."), field="epsilon")


def _locked_budgets(*, dataset: str, country: str, years: range) -> list[PrivacyBudget]:
    """The years' budgets, opened if new (with the total from settings), then locked
    in year order (one order for every release: no deadlock between two)."""
    budgets = PrivacyBudget.objects.filter(dataset=dataset, country=country, year__in=years)
    opened = set(budgets.values_list("year", flat=True))
    if len(opened) < len(years):
        # Two first releases of a year at once: the unique key keeps one row.
        now, total = timezone.now(), releases.budget_total()
        PrivacyBudget.objects.bulk_create(
            [
                PrivacyBudget(
                    dataset=dataset, country=country, year=year, total_epsilon=total, opened_at=now
                )
                for year in years
                if year not in opened
            ],
            ignore_conflicts=True,
        )
    return list(budgets.select_for_update().order_by("year"))


def _spend(budgets: list[PrivacyBudget], epsilon: Decimal) -> dict[str, str]:
    """Refuse when any year has less than ``epsilon`` left; else spend it."""
    for budget in budgets:
        if budget.remaining_epsilon < epsilon:
            raise errors.BudgetExceeded(
                _("The privacy budget of %(year)s has ε %(left)s left, less than asked.")
                % {"year": budget.year, "left": budget.remaining_epsilon},
                field="epsilon",
            )
    for budget in budgets:
        budget.spent_epsilon += epsilon
        budget.save(update_fields=["spent_epsilon"])
    return {str(budget.year): str(budget.remaining_epsilon) for budget in budgets}


def release_create(*, actor: User, data: ReleaseInput) -> Release:
    """Release one table at ε, spending it from every year's budget (R-46; refused
    over budget). Only the National Rapporteur of the country releases."""
    releases.require_releaser(actor)
    country = releases.country_of_reader(actor)
    table = _table(data)
    _check_years(data)
    _check_epsilon(data.epsilon)
    years = range(data.year_from, data.year_to + 1)
    with transaction.atomic():
        budgets = _locked_budgets(dataset=data.dataset, country=country, years=years)
        remaining = _spend(budgets, data.epsilon)
        truth = table.count(country, data.year_from, data.year_to)
        published = privacy.protect(truth, epsilon=float(data.epsilon))
        release = Release(
            dataset=data.dataset,
            table=data.table,
            country=country,
            year_from=data.year_from,
            year_to=data.year_to,
            epsilon=data.epsilon,
            method=published.method,
            noise_scale=published.scale,
            dimensions=list(published.dimensions),
            cells=[[*key, value] for key, value in sorted(published.cells.items())],
            totals=published.totals,
            remaining=remaining,
            released_by=actor,
            released_at=timezone.now(),
        )
        release.full_clean()
        release.save()
        BudgetSpend.objects.bulk_create(
            BudgetSpend(
                budget=budget,
                release=release,
                epsilon=data.epsilon,
                remaining_after=budget.remaining_epsilon,
            )
            for budget in budgets
        )
        audit.audit_record(
            actor=audit.actor_of(actor),
            action=Action.DP_RELEASE,
            object_type="statistics.Release",
            object_id=release.id,
            field_groups=[FieldGroup.STATISTICAL],
            purpose=Purpose.STATISTICS,
            detail={"epsilon": str(data.epsilon), "table": data.table, "remaining": remaining},
        )
    return release


def release_export(*, actor: User, release: Release, export_format: str) -> None:
    """Record that a release's published figures were taken (CSV or API)."""
    with transaction.atomic():
        audit.audit_record(
            actor=audit.actor_of(actor),
            action=Action.DP_RELEASE_EXPORT,
            object_type="statistics.Release",
            object_id=release.id,
            field_groups=[FieldGroup.STATISTICAL],
            purpose=Purpose.STATISTICS,
            detail={"format": export_format},
        )
