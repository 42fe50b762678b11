"""The dashboards as the pages, the files and the annual report show them: the words of
each row and column, the chart (drawn on the server, ``charts``), and the CSV. The
numbers come from ``selectors_dashboards``, already suppressed: a suppressed value is
None here, a dash on the page and an empty value in a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.assistance.catalogue import ServiceType
from haven.audit import services as audit
from haven.deadlines import kinds
from haven.justice.models import PERPETRATOR_ROLES, IsicSection
from haven.referrals import targets
from haven.shelters.models import PlaceKind
from haven.statistics import categories as cat
from haven.statistics import charts, exports
from haven.statistics import selectors_dashboards as dash
from haven.statistics import selectors_programmes as prog
from haven.statistics.selectors import Grid

OUTCOME_LABELS: dict[str, str | Promise] = {
    dash.ON_TIME: gettext_lazy("Done on time"),
    dash.LATE: gettext_lazy("Done late"),
    dash.OPEN_OVERDUE: gettext_lazy("Open and overdue"),
    cat.TOTAL: gettext_lazy("Total"),
}
# At least 3:1 against white (WCAG 2.1 1.4.11); the legend and the table name them too.
OUTCOME_COLOURS = {dash.ON_TIME: "#1f6f8b", dash.LATE: "#a35200", dash.OPEN_OVERDUE: "#b00020"}
WAIT_LABELS: dict[str, str | Promise] = {
    "median": gettext_lazy("Median hours to an answer"),
    "p90": gettext_lazy("90th percentile hours to an answer"),
}
WAIT_COLOURS = {"median": "#1f6f8b", "p90": "#8a3ab9"}
REGION_COLOUR = "#1f6f8b"


@dataclass(frozen=True)
class Row:
    """A table row as ``statistics/_table.html`` shows it."""

    label: str
    cells: list[tuple[str, int | float | None]]
    total: bool


def grid_rows(
    grid: Grid, *, row_labels: Mapping[str, str], column_labels: Mapping[str, str | Promise]
) -> list[Row]:
    return [
        Row(
            label=row_labels.get(r, r),
            cells=[(str(column_labels[c]), grid.value(r, c)) for c in grid.columns],
            total=r == cat.TOTAL,
        )
        for r in grid.rows
    ]


# --- deadlines met ---------------------------------------------------------------------------


def deadlines_context(
    *,
    actor: audit.Actor,
    country: str,
    year: int,
    output: str = "page",
    through: int | None = None,
) -> dict[str, Any]:
    met = dash.deadlines_met_for_country(
        actor=actor, country=country, year=year, output=output, through=through
    )
    kind_labels = {k: kinds.label(k) for k in met.by_kind.rows if k != cat.TOTAL}
    kind_labels[cat.TOTAL] = _("All kinds")
    columns = [str(OUTCOME_LABELS[c]) for c in met.by_year.columns]
    return {
        "met": met,
        "deadline_columns": columns,
        "deadline_year_rows": grid_rows(
            met.by_year, row_labels={cat.TOTAL: _("All years")}, column_labels=OUTCOME_LABELS
        ),
        "deadline_kind_rows": grid_rows(
            met.by_kind, row_labels=kind_labels, column_labels=OUTCOME_LABELS
        ),
        "deadline_chart": charts.grouped_bars(
            met.by_year, series=dash.OUTCOMES, colours=OUTCOME_COLOURS, labels=OUTCOME_LABELS
        ),
    }


def deadlines_csv(met: dash.DeadlinesMet) -> str:
    """``table,row,outcome,count``: by year, then by kind (the kind's key)."""
    rows: list[Sequence[object]] = [["table", "row", "outcome", "count"]]
    for name, grid in (("by_year", met.by_year), ("by_kind", met.by_kind)):
        rows.extend([name, r, c, _blank(grid.value(r, c))] for r in grid.rows for c in grid.columns)
    return exports._csv(rows)


# --- referral response times -----------------------------------------------------------------


def referral_type_label(key: str) -> str:
    if key == cat.TOTAL:
        return _("All referral types")
    found = targets.referral_type(key)
    return found.label if found is not None else key


REFERRAL_COLUMNS: dict[str, str | Promise] = {
    "sent": gettext_lazy("Sent"),
    "answered": gettext_lazy("Answered"),
    "within_target": gettext_lazy("Answered within the target"),
    "declined": gettext_lazy("Declined"),
    "median_hours": gettext_lazy("Median hours to an answer"),
    "p90_hours": gettext_lazy("90th percentile hours to an answer"),
    # xgettext:no-python-format
    "within_share": gettext_lazy("% of those sent answered within the target"),
    # xgettext:no-python-format
    "declined_share": gettext_lazy("% of those answered declined"),
}


def referrals_context(
    *, actor: audit.Actor, country: str, year: int, output: str = "page"
) -> dict[str, Any]:
    times = dash.referral_response_times_for_country(
        actor=actor, country=country, year=year, output=output
    )
    rows = [
        Row(
            label=referral_type_label(r.key),
            cells=[(str(words), getattr(r, name)) for name, words in REFERRAL_COLUMNS.items()],
            total=r.key == cat.TOTAL,
        )
        for r in times.rows
    ]
    waits = Grid(
        rows=[r.key for r in times.rows],
        columns=["median", "p90"],
        values={(r.key, "median"): r.median_hours or 0 for r in times.rows}
        | {(r.key, "p90"): r.p90_hours or 0 for r in times.rows},
        suppressed=frozenset(
            {(r.key, "median") for r in times.rows if r.median_hours is None}
            | {(r.key, "p90") for r in times.rows if r.p90_hours is None}
        ),
    )
    return {
        "times": times,
        "referral_columns": [str(w) for w in REFERRAL_COLUMNS.values()],
        "referral_rows": rows,
        "referral_chart": charts.grouped_bars(
            waits,
            series=("median", "p90"),
            colours=WAIT_COLOURS,
            labels=WAIT_LABELS,
            row_labels={r.key: referral_type_label(r.key) for r in times.rows},
        ),
    }


def referrals_csv(times: dash.ResponseTimes) -> str:
    """One row per referral type (its key; "total" for all), suppressed values empty."""
    rows: list[Sequence[object]] = [["referral_type", *REFERRAL_COLUMNS]]
    rows.extend(
        [r.key, *(_blank(getattr(r, name)) for name in REFERRAL_COLUMNS)] for r in times.rows
    )
    return exports._csv(rows)


# --- by region -------------------------------------------------------------------------------


def region_labels(grid: Grid) -> dict[str, str]:
    labels = {r: r for r in grid.rows}
    labels[dash.REGION_NOT_RECORDED] = _("Region not recorded")
    labels[cat.TOTAL] = _("All regions")
    return labels


def regions_context(
    *, actor: audit.Actor, country: str, year: int, output: str = "page"
) -> dict[str, Any]:
    grid = dash.by_region_for_country(actor=actor, country=country, year=year, output=output)
    labels = region_labels(grid)
    return {
        "regions": grid,
        "sex_columns": [str(cat.LABELS[c]) for c in grid.columns],
        "region_rows": grid_rows(grid, row_labels=labels, column_labels=cat.LABELS),
        "region_chart": charts.grouped_bars(
            grid,
            series=(cat.TOTAL,),
            colours={cat.TOTAL: REGION_COLOUR},
            labels={cat.TOTAL: gettext_lazy("Registered victims")},
            row_labels=labels,
        ),
    }


def regions_csv(grid: Grid) -> str:
    return exports.grid_csv(grid, first="region")


def _blank(value: object) -> object:
    return "" if value is None else value


# --- safe accommodation ----------------------------------------------------------------------

ACCOMMODATION_LABELS: dict[str, str | Promise] = {
    dash.BEDS: gettext_lazy("Beds in service"),
    dash.HELD: gettext_lazy("Beds held (people housed)"),
    dash.FREE: gettext_lazy("Free beds"),
}
# At least 3:1 against white (WCAG 2.1 1.4.11); the legend and the table name them too.
ACCOMMODATION_COLOURS = {dash.BEDS: "#1f6f8b", dash.HELD: "#a35200"}


def kind_labels(grid: Grid) -> dict[str, str | Promise]:
    labels: dict[str, str | Promise] = {
        k: PlaceKind(k).label for k in grid.columns if k != cat.TOTAL
    }
    labels[cat.TOTAL] = gettext_lazy("All kinds")
    return labels


def accommodation_context(
    *, actor: audit.Actor, country: str, year: int, output: str = "page"
) -> dict[str, Any]:
    found = dash.accommodation_for_country(actor=actor, country=country, year=year, output=output)
    labels = region_labels(found.summary)
    kinds_ = kind_labels(found.beds)
    return {
        "accommodation": found,
        "summary_columns": [str(ACCOMMODATION_LABELS[c]) for c in found.summary.columns],
        "summary_rows": grid_rows(
            found.summary, row_labels=labels, column_labels=ACCOMMODATION_LABELS
        ),
        "kind_columns": [str(kinds_[c]) for c in found.beds.columns],
        "beds_rows": grid_rows(found.beds, row_labels=labels, column_labels=kinds_),
        "held_rows": grid_rows(found.held, row_labels=labels, column_labels=kinds_),
        "accommodation_chart": charts.grouped_bars(
            found.summary,
            series=(dash.BEDS, dash.HELD),
            colours=ACCOMMODATION_COLOURS,
            labels=ACCOMMODATION_LABELS,
            row_labels=labels,
        ),
    }


def accommodation_csv(found: dash.Accommodation) -> str:
    """One row per region and kind of place (and their totals): beds in service, held
    and free; a held count suppressed leaves held and free empty."""
    rows: list[Sequence[object]] = [["region", "kind", "beds_in_service", "held", "free"]]
    for r in found.beds.rows:
        for k in found.beds.columns:
            held = found.held.value(r, k)
            beds = found.beds.values[(r, k)]
            free = None if held is None else max(0, beds - held)
            rows.append([r, k, beds, _blank(held), _blank(free)])
    return exports._csv(rows)


# --- perpetrators ----------------------------------------------------------------------------

ROLE_COLOURS = {cat.FEMALE: "#8a3ab9", cat.MALE: "#1f6f8b", cat.OTHER: "#a35200"}


def role_labels() -> dict[str, str]:
    labels = {str(r): str(r.label) for r in PERPETRATOR_ROLES}
    labels[cat.TOTAL] = _("All roles")
    return labels


def sector_labels(grid: Grid) -> dict[str, str]:
    labels = {r: f"{r} — {IsicSection(r).label}" for r in grid.rows if r in IsicSection.values}
    labels[dash.NOT_KNOWN_SECTOR] = _("Sector not recorded")
    labels[cat.TOTAL] = _("All sectors")
    return labels


def perpetrators_context(
    *, actor: audit.Actor, country: str, year: int, output: str = "page"
) -> dict[str, Any]:
    found = dash.perpetrators_for_country(actor=actor, country=country, year=year, output=output)
    roles = role_labels()
    employers: dict[str, str | Promise] = {dash.EMPLOYERS: gettext_lazy("Employers")}
    employers[cat.TOTAL] = gettext_lazy("Total")
    return {
        "perpetrators": found,
        "sex_columns": [str(cat.LABELS[c]) for c in found.by_role.columns],
        "role_rows": grid_rows(found.by_role, row_labels=roles, column_labels=cat.LABELS),
        "sector_columns": [str(employers[c]) for c in found.sectors.columns],
        "sector_rows": grid_rows(
            found.sectors, row_labels=sector_labels(found.sectors), column_labels=employers
        ),
        "perpetrators_chart": charts.grouped_bars(
            found.by_role,
            series=(cat.FEMALE, cat.MALE, cat.OTHER),
            colours=ROLE_COLOURS,
            row_labels=roles,
        ),
    }


def perpetrators_csv(found: dash.Perpetrators) -> str:
    """Two tables in one file: ``table,row,column,count``; a suppressed count empty."""
    rows: list[Sequence[object]] = [["table", "row", "column", "count"]]
    for name, grid in (("by_role", found.by_role), ("employer_sectors", found.sectors)):
        rows.extend([name, r, c, _blank(grid.value(r, c))] for r in grid.rows for c in grid.columns)
    return exports._csv(rows)


# --- assistance: outcomes and cost per programme -----------------------------------------------

PROGRAMME_LABELS: dict[str, str | Promise] = {
    prog.STARTED: gettext_lazy("Services started"),
    prog.ACTIVE: gettext_lazy("Services active"),
    prog.PEOPLE: gettext_lazy("People served"),
    prog.ACHIEVED: gettext_lazy("Ended: achieved"),
    prog.PARTLY: gettext_lazy("Ended: partly achieved"),
    prog.NOT_ACHIEVED: gettext_lazy("Ended: not achieved"),
    prog.NOT_RECORDED: gettext_lazy("Ended: outcome not recorded"),
    prog.REFUSED: gettext_lazy("Refused by the person"),
}
# At least 3:1 against white (WCAG 2.1 1.4.11); the legend and the table name them too.
PROGRAMME_COLOURS = {prog.ACTIVE: "#1f6f8b", prog.PEOPLE: "#a35200"}
COST_COLUMNS: dict[str, str | Promise] = {
    "currency": gettext_lazy("Currency"),
    "amount": gettext_lazy("Amount delivered in the year"),
    "per_person": gettext_lazy("Cost per person served"),
}


def programme_labels(keys: Sequence[str]) -> dict[str, str]:
    labels = {k: str(ServiceType(k).label) for k in keys if k in ServiceType.values}
    labels[cat.TOTAL] = _("All programmes")
    return {k: labels.get(k, k) for k in keys}


def programmes_context(
    *, actor: audit.Actor, country: str, year: int, output: str = "page"
) -> dict[str, Any]:
    found = prog.programmes_for_country(actor=actor, country=country, year=year, output=output)
    labels = programme_labels(found.counts.rows)
    return {
        "programmes": found,
        "programme_columns": [str(PROGRAMME_LABELS[c]) for c in found.counts.columns],
        "programme_rows": grid_rows(
            found.counts, row_labels=labels, column_labels=PROGRAMME_LABELS
        ),
        "cost_columns": [str(w) for w in COST_COLUMNS.values()],
        "cost_rows": [
            CostRow(
                label=labels[c.key],
                currency=c.currency,
                amount=c.amount,
                per_person=c.per_person,
                total=c.key == cat.TOTAL,
            )
            for c in found.costs
        ],
        "programme_chart": charts.grouped_bars(
            found.counts,
            series=(prog.ACTIVE, prog.PEOPLE),
            colours=PROGRAMME_COLOURS,
            labels=PROGRAMME_LABELS,
            row_labels=labels,
        ),
    }


@dataclass(frozen=True)
class CostRow:
    """A row of the cost table as ``statistics/programmes.html`` shows it."""

    label: str
    currency: str
    amount: Decimal | None
    per_person: Decimal | None
    total: bool


def programmes_csv(found: prog.Programmes) -> str:
    """Two tables in one file: ``table,programme,measure,currency,value``: the counts
    (no currency), then the amount and the cost per person for each currency; a
    suppressed value empty."""
    rows: list[Sequence[object]] = [["table", "programme", "measure", "currency", "value"]]
    grid = found.counts
    rows.extend(
        ["counts", r, c, "", _blank(grid.value(r, c))] for r in grid.rows for c in grid.columns
    )
    for cost in found.costs:
        rows.append(["cost", cost.key, "amount", cost.currency, _blank(cost.amount)])
        rows.append(["cost", cost.key, "per_person", cost.currency, _blank(cost.per_person)])
    return exports._csv(rows)
