"""National decision pathways, read from a YAML data file (R-15, R-17).

Each country's pathway is the ``default`` pathway with the country's
overrides merged in. The loader enforces the legal floors and the shape of the
pathway, naming the place of every mistake:

- a reflection period configured below 30 days is refused (CETS Art. 13, R-15);
- exactly one decision type comes first (``after: null``), and every other one
  follows, through ``after``, back to it (no loops, no unknown names);
- each decision type gives exactly one target (working days or calendar days),
  statuses from the identification status model (R-01) and known organisation types.

A pathway marked ``confirmed: false`` holds placeholders not yet checked
against national law; the pages say so wherever the pathway is shown.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from haven.accounts.models import OrgType
from haven.deadlines import clock
from haven.lib import datatext

DATA_APP = "identification"  # its texts are translated in haven/identification/data/i18n
REFLECTION_FLOOR_DAYS = 30  # CETS Art. 13: at least 30 days
# The statuses a decision may lead to; potential and withdrawn are not decisions.
STATUSES = {"presumed", "identified", "not_identified", "declined_formal_identification"}
OUTCOMES = ("positive", "negative")
LEGAL_BASIS_MAX = 200  # as the legal_basis of decisions and status changes

PATHWAY_KEYS = {
    "confirmed",
    "legal_basis",
    "reflection_period",
    "screening_review_days",
    "reminder_days_before",
    "decision_types",
}
REFLECTION_KEYS = {"min_days", "reminder_days_before"}
DECISION_TYPE_KEYS = {
    "label",
    "legal_basis",
    "deciding_org_types",
    "target_working_days",
    "target_days",
    "after",
    "min_gap_days",
    "standard_of_proof",
    "positive_status",
    "negative_status",
    "starts_reflection_period",
    "reason_templates",
}


@dataclass(frozen=True)
class DecisionType:
    key: str
    label: str
    deciding_org_types: frozenset[str]
    target_working_days: int | None
    target_days: int | None
    after: str | None
    min_gap_days: int
    standard_of_proof: str
    positive_status: str
    negative_status: str
    starts_reflection_period: bool
    reason_templates: dict[str, str]
    legal_basis: str = ""  # offered on the form; the pathway's when not given

    def shown_label(self) -> datatext.DataText:
        """The label in the reader's language (the file's words when not translated)."""
        return shown(self.label)

    def shown_standard_of_proof(self) -> datatext.DataText:
        return shown(self.standard_of_proof)

    def reason_template(self, outcome: str) -> datatext.DataText:
        """The reasons' opening words for ``outcome``, in the reader's language."""
        return shown(self.reason_templates.get(outcome, ""))

    def status_for(self, outcome: str) -> str:
        """The identification status a decision with this outcome leads to."""
        return self.positive_status if outcome == "positive" else self.negative_status

    def earliest_on(self, previous_decided_on: date) -> date:
        """The first day this decision may be taken after the one it follows (R-17)."""
        return previous_decided_on + timedelta(days=self.min_gap_days)

    def target_on(self, start: date) -> date:
        """The target date counted from ``start`` (working or calendar days)."""
        if self.target_working_days is not None:
            return clock.add_working_days(start, self.target_working_days)
        return start + timedelta(days=self.target_days or 0)

    def due_on(self, start: date) -> date:
        """The due date counted from intake or from the decision this one follows,
        never before the minimum gap allows (R-17)."""
        return max(self.target_on(start), self.earliest_on(start))


@dataclass(frozen=True)
class Pathway:
    country: str
    confirmed: bool
    reflection_min_days: int
    reflection_reminder_days: int
    screening_review_days: int
    reminder_days_before: int
    decision_types: dict[str, DecisionType]
    legal_basis: str = ""  # offered for status changes and decisions

    def first_decision(self) -> DecisionType:
        """The decision that no other decision must precede (reasonable grounds)."""
        return next(d for d in self.decision_types.values() if d.after is None)

    def following(self, key: str) -> list[DecisionType]:
        """The decision types that follow a positive decision of type ``key``."""
        return [d for d in self.decision_types.values() if d.after == key]


def shown(text: str) -> datatext.DataText:
    """A text of the pathways file (a label, a standard of proof, a reason template) in
    the reader's language; saved decisions and exports keep the file's own words."""
    return datatext.lookup(DATA_APP, text)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _fail(where: str, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"decision pathways: {where}: {message}")


def _mapping(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    return raw


def _known_keys(raw: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in set(raw) - known)
    if unknown:
        raise _fail(where, f"unknown key(s) {unknown}; expected some of {sorted(known)}")


def _int(raw: dict[str, Any], key: str, where: str, *, default: int | None = None) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(f"{where}.{key}", "must be a whole number of days, 0 or more")
    return value


def _bool(raw: dict[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _fail(f"{where}.{key}", "must be true or false")
    return value


def _org_types(raw: dict[str, Any], where: str) -> frozenset[str]:
    values = raw.get("deciding_org_types")
    if not isinstance(values, list) or not values:
        raise _fail(f"{where}.deciding_org_types", "list at least one organisation type")
    unknown = sorted(str(v) for v in values if v not in OrgType.values)
    if unknown:
        raise _fail(f"{where}.deciding_org_types", f"unknown organisation type(s) {unknown}")
    return frozenset(values)


def _targets(raw: dict[str, Any], where: str) -> tuple[int | None, int | None]:
    working = raw.get("target_working_days")
    days = raw.get("target_days")
    if (working is None) == (days is None):
        raise _fail(where, "give exactly one of target_working_days or target_days")
    return (
        _int(raw, "target_working_days", where) if working is not None else None,
        _int(raw, "target_days", where) if days is not None else None,
    )


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or len(value.strip()) > LEGAL_BASIS_MAX:
        raise _fail(f"{where}.{key}", f"must be a text of at most {LEGAL_BASIS_MAX} characters")
    return value.strip()


def _reason_templates(raw: dict[str, Any], where: str) -> dict[str, str]:
    templates = _mapping(raw.get("reason_templates"), f"{where}.reason_templates")
    _known_keys(templates, set(OUTCOMES), f"{where}.reason_templates")
    return {k: str(v) for k, v in templates.items()}


def _decision_type(key: str, raw: dict[str, Any], where: str) -> DecisionType:
    _known_keys(raw, DECISION_TYPE_KEYS, where)
    for status_key in ("positive_status", "negative_status"):
        if raw.get(status_key) not in STATUSES:
            raise _fail(f"{where}.{status_key}", f"must be one of {sorted(STATUSES)}")
    after = raw.get("after")
    if after is not None and not isinstance(after, str):
        raise _fail(f"{where}.after", "must name a decision type, or be null")
    min_gap = _int(raw, "min_gap_days", where, default=0)
    if min_gap and after is None:
        raise _fail(f"{where}.min_gap_days", "a minimum gap needs `after` to count from")
    working, days = _targets(raw, where)
    return DecisionType(
        key=key,
        label=str(raw.get("label", key)),
        deciding_org_types=_org_types(raw, where),
        target_working_days=working,
        target_days=days,
        after=after,
        min_gap_days=min_gap,
        standard_of_proof=str(raw.get("standard_of_proof", "")),
        positive_status=raw["positive_status"],
        negative_status=raw["negative_status"],
        starts_reflection_period=_bool(raw, "starts_reflection_period", where),
        reason_templates=_reason_templates(raw, where),
        legal_basis=_text(raw, "legal_basis", where),
    )


def _check_order(types: dict[str, DecisionType], where: str) -> None:
    """One first decision; every other decision reaches it through ``after``."""
    for decision in types.values():
        if decision.after is not None and decision.after not in types:
            raise _fail(f"{where}.{decision.key}.after", "names no decision type")
    if sum(1 for d in types.values() if d.after is None) != 1:
        raise _fail(where, "exactly one decision type must have after: null")
    for decision in types.values():
        seen = {decision.key}
        current = decision
        while current.after is not None:
            if current.after in seen:
                raise _fail(f"{where}.{decision.key}.after", "the decisions follow in a loop")
            seen.add(current.after)
            current = types[current.after]


def build_pathway(country: str, raw: dict[str, Any]) -> Pathway:
    """Validate one merged pathway; refuses values below the legal floors."""
    where = f"countries.{country}" if country != "default" else "default"
    _known_keys(raw, PATHWAY_KEYS, where)
    reflection = _mapping(raw.get("reflection_period"), f"{where}.reflection_period")
    _known_keys(reflection, REFLECTION_KEYS, f"{where}.reflection_period")
    min_days = _int(reflection, "min_days", f"{where}.reflection_period")
    if min_days < REFLECTION_FLOOR_DAYS:
        raise _fail(
            f"{where}.reflection_period.min_days",
            f"{min_days} is below the legal minimum of {REFLECTION_FLOOR_DAYS} days (R-15)",
        )
    raw_types = _mapping(raw.get("decision_types"), f"{where}.decision_types")
    types = {
        str(key): _decision_type(
            str(key),
            _mapping(value, f"{where}.decision_types.{key}"),
            f"{where}.decision_types.{key}",
        )
        for key, value in raw_types.items()
    }
    _check_order(types, f"{where}.decision_types")
    legal_basis = _text(raw, "legal_basis", where)
    types = {
        key: d if d.legal_basis else dataclasses.replace(d, legal_basis=legal_basis)
        for key, d in types.items()
    }
    return Pathway(
        country=country,
        confirmed=_bool(raw, "confirmed", where),
        reflection_min_days=min_days,
        reflection_reminder_days=_int(
            reflection, "reminder_days_before", f"{where}.reflection_period", default=5
        ),
        screening_review_days=_int(raw, "screening_review_days", where, default=7),
        reminder_days_before=_int(raw, "reminder_days_before", where, default=1),
        decision_types=types,
        legal_basis=legal_basis,
    )


def parse_pathways(text: str) -> dict[str, Pathway]:
    """All pathways in a file, keyed by country ("default" included)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail("file", "is not valid YAML") from exc
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise _fail("file", "schema_version must be 1")
    default = data.get("default")
    if not isinstance(default, dict):
        raise _fail("default", "missing")
    pathways = {"default": build_pathway("default", default)}
    for country, override in _mapping(data.get("countries"), "countries").items():
        code = str(country).upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise _fail(f"countries.{country}", "use the two-letter country code (ISO 3166-1)")
        pathways[code] = build_pathway(
            code, _merge(default, _mapping(override, f"countries.{country}"))
        )
    return pathways


def data_texts(pathways: dict[str, Pathway]) -> list[str]:
    """The texts of a pathways file that are shown, for translation (haven.lib.datatext):
    each decision type's label, standard of proof and reason templates."""
    return [
        text
        for pathway in pathways.values()
        for d in pathway.decision_types.values()
        for text in (d.label, d.standard_of_proof, *d.reason_templates.values())
    ]


@functools.cache
def _load(path: str) -> dict[str, Pathway]:
    return parse_pathways(Path(path).read_text(encoding="utf-8"))


def pathway_for(country: str) -> Pathway:
    """The country's pathway, or the default one for a country without its own."""
    pathways = _load(settings.HAVEN_PATHWAYS_FILE)
    return pathways.get(country.upper(), pathways["default"])
