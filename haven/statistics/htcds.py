"""HTCDS v2.0 records out of and into Haven (issue 15, R-45).

The Human Trafficking Case Data Standard (IOM) names 83 fields (40 core) in its 2.0
field standard; ``data/htcds-2.0.yaml`` holds their names, value lists and how Haven
fills each one. Export writes one record per registered victim from the statistical
group only, with a random record id per export. Import reads another organisation's or
state's file into plain records of the fields Haven carries; every other field with a
value is counted in the report and dropped. A bad file is refused whole, naming the row
and the field, never the value (house rule 4).

Pure: no database. The records are ``dict[str, str]`` keyed by column name, values in
canonical form (multi-valued ones sorted and joined with ``;``).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from haven.statistics.errors import FileInvalid

DATA = Path(__file__).parent / "data" / "htcds-2.0.yaml"
SEPARATOR = ";"
MAX_ROWS = 500_000
Record = dict[str, str]


@dataclass(frozen=True)
class Column:
    """What one column may hold: a value list, a pattern, and whether it is multi-valued."""

    name: str
    values: frozenset[str] | None = None
    pattern: re.Pattern[str] | None = None
    multiple: bool = False

    def canonical(self, text: str) -> str | None:
        """The value in canonical form, or None when it does not belong in the column."""
        parts = [p.strip() for p in text.split(SEPARATOR)] if self.multiple else [text.strip()]
        parts = [p for p in parts if p]
        for part in parts:
            if self.values is not None and part not in self.values:
                return None
            if self.pattern is not None and not self.pattern.fullmatch(part):
                return None
        return SEPARATOR.join(sorted(set(parts)))


@dataclass(frozen=True)
class Standard:
    fields: tuple[str, ...]  # every HTCDS field, in the standard's order
    core: frozenset[str]
    record_id: str
    carried: dict[str, Column]  # HTCDS fields Haven fills, and reads back
    maps: dict[str, dict[str, str]]  # Haven value -> HTCDS value, per carried field
    extensions: dict[str, Column]  # Haven's own columns (no HTCDS field for them)
    aliases: dict[str, str]  # a name some files use -> the field's name in the standard

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of an export: the record id, the standard's fields, the extensions."""
        return (self.record_id, *self.fields, *self.extensions)

    @property
    def held(self) -> dict[str, Column]:
        return {**self.carried, **self.extensions}

    @property
    def not_held(self) -> tuple[str, ...]:
        """The HTCDS fields Haven does not hold: blank in every export, dropped on import."""
        return tuple(f for f in self.fields if f not in self.carried)


def _pattern(spec: dict[str, Any]) -> re.Pattern[str] | None:
    if "pattern" in spec:
        return re.compile(spec["pattern"])
    if spec.get("codes") == "iso3166":
        return re.compile("[A-Z]{2}")
    return None


def _values(spec: dict[str, Any]) -> frozenset[str] | None:
    if "values_from" in spec:  # the UN M49 regions and sub-regions, and unknown
        data = yaml.safe_load((DATA.parent / spec["values_from"]).read_text(encoding="utf-8"))
        return frozenset({"unknown", *data, *(s for subs in data.values() for s in subs)})
    return frozenset(str(v) for v in spec["values"]) if "values" in spec else None


@cache
def standard() -> Standard:
    """The HTCDS 2.0 fields and Haven's mapping, read once from the data file."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in data["fields"]}
    haven = data["haven"]
    carried: dict[str, Column] = {}
    maps: dict[str, dict[str, str]] = {}
    for name, how in haven["carried"].items():
        spec = {**fields[name], **how}
        carried[name] = Column(
            name=name,
            values=_values(fields[name]),
            pattern=_pattern(spec),
            multiple=str(fields[name]["type"]).startswith("Multiselect"),
        )
        maps[name] = {str(k): str(v) for k, v in how.get("map", {}).items()}
    extensions = {
        name: Column(
            name=name,
            values=_values(spec),
            pattern=_pattern(spec),
            multiple=bool(spec.get("multiple", False)),
        )
        for name, spec in haven["extensions"].items()
    }
    return Standard(
        fields=tuple(fields),
        core=frozenset(n for n, f in fields.items() if f["core"]),
        record_id=str(haven["record_id"]),
        carried=carried,
        maps=maps,
        extensions=extensions,
        aliases={str(k): str(v) for k, v in haven.get("aliases", {}).items()},
    )


# --- from Haven --------------------------------------------------------------------------


@dataclass(frozen=True)
class Victim:
    """One registered victim as statistics sees it: the statistical group only."""

    sex: str
    citizenships: tuple[str, ...]
    identification_status: str
    forms_of_exploitation: tuple[str, ...]
    organisation_type: str  # the lead organisation's type, never its name
    country: str
    year: int
    age_group: str


# Victims as the readers give them: counted per distinct record (``Counter``), or one
# record per victim.
Victims = Mapping[Victim, int] | Sequence[Victim]


def counted(victims: Victims) -> Mapping[Victim, int]:
    """The victims counted per distinct record (a mapping is taken as it is)."""
    return victims if isinstance(victims, Mapping) else Counter(victims)


# The age bands below 50 (upper bound, exclusive), then "50+"; the exchange's grouped
# read computes the same bands in SQL (``selectors_exchange``).
AGE_BANDS = ((12, "0-11"), (18, "12-17"), (25, "18-24"), (35, "25-34"), (50, "35-49"))


def age_group(age: int | None, *, treat_as_child: bool) -> str:
    """The age group at registration (R-44): a band, or child when only that is known."""
    if age is None:
        return "0-17" if treat_as_child else "unknown"
    for upper, band in AGE_BANDS:
        if age < upper:
            return band
    return "50+"


def _mapped(field: str, values: Iterable[str]) -> str:
    mapping = standard().maps[field]
    return SEPARATOR.join(sorted({mapping[v] for v in values}))


def victim_record(victim: Victim) -> Record:
    """The HTCDS columns Haven fills for one victim (without the record id)."""
    return {
        "prs_Gender": _mapped("prs_Gender", [victim.sex]),
        "prs_Citizenship": SEPARATOR.join(sorted(set(victim.citizenships))),
        "vic_TraffickingStatus": _mapped("vic_TraffickingStatus", [victim.identification_status]),
        "vic_TraffickingStatusDecisionMakingOrg": _mapped(
            "vic_TraffickingStatusDecisionMakingOrg", [victim.organisation_type]
        ),
        "vic_TypeOfExploitation": _mapped("vic_TypeOfExploitation", victim.forms_of_exploitation),
        "org_Type": _mapped("org_Type", [victim.organisation_type]),
        "org_ShippingCountry": victim.country,
        "x_haven_RegistrationYear": str(victim.year),
        "x_haven_AgeGroup": victim.age_group,
        "x_haven_IdentificationStatus": victim.identification_status,
        "x_haven_FormsOfExploitation": SEPARATOR.join(sorted(set(victim.forms_of_exploitation))),
        "x_haven_RegisteringOrganisationType": victim.organisation_type,
    }


# --- writing -------------------------------------------------------------------------------


def _rows(records: Sequence[Record]) -> list[list[str]]:
    """The export's rows: every column, blank where not held, a fresh random id each.
    A record repeated (the same dict, as ``kanon.htcds_release`` repeats a record per
    victim of its class) is laid out once; each row still gets its own id."""
    spec = standard()
    at = spec.columns.index(spec.record_id)
    laid_out: dict[int, list[str]] = {}  # id() of a record -> its row (the list holds it)
    rows = []
    for record in records:
        row = laid_out.get(id(record))
        if row is None:
            row = laid_out[id(record)] = [record.get(column, "") for column in spec.columns]
        row = row.copy()
        row[at] = secrets.token_hex(8)
        rows.append(row)
    return rows


def export_csv(records: Sequence[Record]) -> bytes:
    """The records as an HTCDS v2.0 CSV file (UTF-8, header row of field names)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(standard().columns)
    writer.writerows(_rows(records))
    return out.getvalue().encode("utf-8")


def export_xlsx(records: Sequence[Record]) -> bytes:
    """The records as an HTCDS v2.0 workbook: one sheet, the field names in row 1."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("HTCDS")
    sheet.append(list(standard().columns))
    for row in _rows(records):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    records: list[Record]
    # field -> number of rows that had a value Haven could not carry (dropped)
    not_carried: dict[str, int]


def _refuse(row: int, field: str) -> FileInvalid:
    return FileInvalid(
        _("Row %(row)d, field %(field)s: the value does not follow HTCDS v2.0.")
        % {"row": row, "field": field},
        field=field,
    )


def _cell(value: object) -> str:
    # openpyxl gives a whole number as an int: 2024, never 2024.0
    return "" if value is None else str(value)


def _table_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(1, "encoding") from None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise _refuse(1, "format") from None


def _table_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise _refuse(1, "format") from None
    sheet = workbook.worksheets[0]
    return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _header(row: list[str]) -> list[str]:
    """The header's names; a blank name is a column to skip (the toolkit's row number)."""
    spec = standard()
    known = {spec.record_id, *spec.fields, *spec.extensions}
    names = [spec.aliases.get(name.strip(), name.strip()) for name in row]
    seen: set[str] = set()
    for name in names:
        if name and (name not in known or name in seen):
            raise _refuse(1, "header")
        seen.add(name)
    if not seen - {""}:
        raise _refuse(1, "header")
    return names


def _record(number: int, names: list[str], values: list[str], dropped: Counter[str]) -> Record:
    held = standard().held
    if len(values) > len(names):
        raise _refuse(number, "columns")
    record: Record = {}
    for name, value in zip(names, values, strict=False):
        if not name or not value.strip() or name == standard().record_id:
            continue
        if name not in held:
            dropped[name] += 1
            continue
        canonical = held[name].canonical(value)
        if canonical is None:
            raise _refuse(number, name)
        record[name] = canonical
    return record


def _is_label_row(names: list[str], table: list[list[str]]) -> bool:
    """The IOM Excel toolkit's layout: an unnamed numbering column, and in row 2, not
    numbered, the fields' labels (which are no valid values)."""
    if names[0] or len(table) < 2 or table[1][0].strip():
        return False
    try:
        _record(2, names, table[1], Counter())
    except FileInvalid:
        return True
    return False


def import_file(content: bytes) -> Imported:
    """The records of an HTCDS CSV or XLSX file, and what could not be carried."""
    table = _table_xlsx(content) if content.startswith(b"PK") else _table_csv(content)
    if not table:
        raise _refuse(1, "header")
    if len(table) > MAX_ROWS + 1:
        raise _refuse(MAX_ROWS + 2, "rows")
    names = _header(table[0])
    first = 2 if _is_label_row(names, table) else 1
    dropped: Counter[str] = Counter()
    records = [
        _record(number, names, values, dropped)
        for number, values in enumerate(table[first:], start=first + 1)
        if any(v.strip() for name, v in zip(names, values, strict=False) if name)
    ]
    return Imported(records=records, not_carried=dict(sorted(dropped.items())))


def export_not_carried() -> tuple[str, ...]:
    """The HTCDS fields an export leaves blank: Haven does not hold them (or may not
    let them leave: names, dates of birth, contacts, free text)."""
    return standard().not_held
