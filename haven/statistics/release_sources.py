"""Where a protected release's true counts come from: a small registry,
dataset → tables, each table a function giving the true counts of a country over
a span of years and the bound on how many cells one person counts in.

One source is registered here, computed with a plain aggregation over the cases:
registered victims (R-44: presumed, identified or declined formal identification) by
the year their case first entered a registered status and their main form of
exploitation. The counting cube of the statistics pages can take its place by
registering a function with the same signature under the same keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case, ExploitationForm
from haven.cases.status import REGISTERED
from haven.statistics.privacy import Key, TrueTable

# Counts one country's table over years from..to (both included).
Counter = Callable[[str, int, int], TrueTable]

UNKNOWN_FORM = "unknown"
# The public domain of the form dimension: every form, and "unknown" for a case with none.
FORMS: tuple[str, ...] = (*ExploitationForm.values, UNKNOWN_FORM)


def value_label(dimension: str, value: str) -> str:
    """A dimension value as readers see it (a form's name; a year as it is)."""
    if dimension == "exploitation":
        if value == UNKNOWN_FORM:
            return str(_("Unknown"))
        if value in ExploitationForm.values:
            return str(ExploitationForm(value).label)
    return value


@dataclass(frozen=True)
class Table:
    key: str
    label: str | Promise
    count: Counter


@dataclass(frozen=True)
class Dataset:
    """What one person can be in: its budget is kept per country and year."""

    key: str
    label: str | Promise
    tables: dict[str, Table]


DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> None:
    """Register (or replace) a dataset and its tables."""
    DATASETS[dataset.key] = dataset


def registered_victims_by_year_and_form(country: str, year_from: int, year_to: int) -> TrueTable:
    """Registered victims by year of first registration and main form (the first
    recorded; Eurostat counts each victim once), so one person is in one cell."""
    # The registration date is the cases app's (``Case.registered_on``), as the
    # Eurostat tables count it; a registration later overturned is not counted.
    rows = Case.objects.filter(
        country=country,
        identification_status__in=REGISTERED,
        registered_on__gte=date(year_from, 1, 1),
        registered_on__lt=date(year_to + 1, 1, 1),
    ).values_list("registered_on", "forms_of_exploitation")
    counts: dict[Key, int] = {
        (str(year), form): 0 for year in range(year_from, year_to + 1) for form in FORMS
    }
    for registered_on, forms in rows:
        assert registered_on is not None  # noqa: S101 - filtered on its range above
        main = forms[0] if forms and forms[0] in FORMS else UNKNOWN_FORM
        counts[(str(registered_on.year), main)] += 1
    return TrueTable(dimensions=("year", "exploitation"), counts=counts, sensitivity=1)


REGISTERED_VICTIMS = "registered_victims"
YEAR_BY_EXPLOITATION = "year_exploitation"

register(
    Dataset(
        key=REGISTERED_VICTIMS,
        label=_("Registered victims"),
        tables={
            YEAR_BY_EXPLOITATION: Table(
                key=YEAR_BY_EXPLOITATION,
                label=_("Year by form of exploitation"),
                count=registered_victims_by_year_and_form,
            )
        },
    )
)
