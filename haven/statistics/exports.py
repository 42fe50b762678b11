"""The statistics as files: the long CSV of the Eurostat set (the console contract),
the same tables as an XLSX workbook, and the trend and backlog tables as CSV. A
suppressed cell is an empty value everywhere."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from haven.statistics import categories as cat
from haven.statistics.selectors import Grid
from haven.statistics.tables import COLUMNS, CSV_HEADER, EurostatSet


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def eurostat_csv(published: EurostatSet) -> str:
    """``table,legal_status,sex,age_group,citizenship,exploitation,value``: one row per
    published cell, a suppressed cell with an empty value."""
    return _csv([CSV_HEADER, *published.csv_rows()])


def label(code: str) -> str:
    """A category's words: "other_eu:DE" is "Other EU country: DE"."""
    group, __, detail = code.partition(":")
    words = str(cat.LABELS.get(group, group.replace("_", " ").capitalize()))
    if not detail:
        return words
    return f"{words}: {cat.LABELS.get(detail, detail.replace('_', ' '))}"


def row_label(row: tuple[str, ...]) -> str:
    """The words of a table row: its coordinates other than sex and "total"."""
    parts = [label(v) for i, v in enumerate(row) if i != 1 and v != cat.TOTAL]
    return " / ".join(str(p) for p in parts) or str(cat.LABELS[cat.TOTAL])


def eurostat_xlsx(published: EurostatSet) -> bytes:
    """One sheet per table (rows by sex, suppressed cells empty) and a sheet of notes."""
    book = Workbook()
    notes = book.active
    assert notes is not None  # noqa: S101 - a new workbook has one sheet
    notes.title = "Notes"
    notes.append(["Registered victims of trafficking in human beings", published.country])
    notes.append(["Reporting year", published.year])
    notes.append(["Small cells suppressed below", published.threshold])
    notes.append(
        ["An empty cell is suppressed (R-46); a victim counts in each form of exploitation."]
    )
    notes["A1"].font = Font(bold=True)
    for table in published.tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([str(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append(["", *(str(cat.LABELS[c]) for c in COLUMNS)])
        for row in table.rows:
            sheet.append([row_label(row), *(table.value(row, c) for c in COLUMNS)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def grid_csv(grid: Grid, *, first: str, measures: Sequence[str] = ()) -> str:
    """A small table as CSV: one row per cell (``first``, sex, count, then measures)."""
    rows: list[Sequence[object]] = [[first, "sex", "count", *measures]]
    for r in grid.rows:
        for c in grid.columns:
            value = grid.value(r, c)
            extra = grid.extra.get((r, c), {})
            rows.append(
                [r, c, "" if value is None else value, *(_blank(extra.get(m)) for m in measures)]
            )
    return _csv(rows)


def _blank(value: object) -> object:
    return "" if value is None else value
