"""National decision pathways, read from a YAML data file (R-15, R-17).

Each country's pathway is the ``default`` pathway with the country's
overrides merged in. The loader enforces the legal floors: a reflection period
configured below 30 days is refused.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REFLECTION_FLOOR_DAYS = 30  # CETS Art. 13: at least 30 days
STATUSES = {"presumed", "identified", "not_identified", "declined_formal_identification"}


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


@dataclass(frozen=True)
class Pathway:
    country: str
    confirmed: bool
    reflection_min_days: int
    reflection_reminder_days: int
    screening_review_days: int
    reminder_days_before: int
    decision_types: dict[str, DecisionType]

    def first_decision(self) -> DecisionType:
        """The decision that no other decision must precede (reasonable grounds)."""
        return next(d for d in self.decision_types.values() if d.after is None)


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


def _int(raw: dict[str, Any], key: str, where: str, *, default: int | None = None) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(f"{where}.{key}", "must be a whole number of days, 0 or more")
    return value


def _decision_type(key: str, raw: dict[str, Any], where: str) -> DecisionType:
    for status_key in ("positive_status", "negative_status"):
        if raw.get(status_key) not in STATUSES:
            raise _fail(f"{where}.{status_key}", f"must be one of {sorted(STATUSES)}")
    working = raw.get("target_working_days")
    days = raw.get("target_days")
    if (working is None) == (days is None):
        raise _fail(where, "give exactly one of target_working_days or target_days")
    return DecisionType(
        key=key,
        label=str(raw.get("label", key)),
        deciding_org_types=frozenset(raw.get("deciding_org_types") or ()),
        target_working_days=_int(raw, "target_working_days", where)
        if working is not None
        else None,
        target_days=_int(raw, "target_days", where) if days is not None else None,
        after=raw.get("after"),
        min_gap_days=_int(raw, "min_gap_days", where, default=0),
        standard_of_proof=str(raw.get("standard_of_proof", "")),
        positive_status=raw["positive_status"],
        negative_status=raw["negative_status"],
        starts_reflection_period=bool(raw.get("starts_reflection_period", False)),
        reason_templates={k: str(v) for k, v in (raw.get("reason_templates") or {}).items()},
    )


def build_pathway(country: str, raw: dict[str, Any]) -> Pathway:
    """Validate one merged pathway; refuses values below the legal floors."""
    where = f"countries.{country}"
    reflection = raw.get("reflection_period") or {}
    min_days = _int(reflection, "min_days", f"{where}.reflection_period")
    if min_days < REFLECTION_FLOOR_DAYS:
        raise _fail(
            f"{where}.reflection_period.min_days",
            f"{min_days} is below the legal minimum of {REFLECTION_FLOOR_DAYS} days (R-15)",
        )
    types = {
        key: _decision_type(key, value or {}, f"{where}.decision_types.{key}")
        for key, value in (raw.get("decision_types") or {}).items()
    }
    for decision in types.values():
        if decision.after is not None and decision.after not in types:
            raise _fail(f"{where}.decision_types.{decision.key}.after", "names no decision type")
    if sum(1 for d in types.values() if d.after is None) != 1:
        raise _fail(f"{where}.decision_types", "exactly one decision type must have after: null")
    return Pathway(
        country=country,
        confirmed=bool(raw.get("confirmed", False)),
        reflection_min_days=min_days,
        reflection_reminder_days=_int(reflection, "reminder_days_before", where, default=5),
        screening_review_days=_int(raw, "screening_review_days", where, default=7),
        reminder_days_before=_int(raw, "reminder_days_before", where, default=1),
        decision_types=types,
    )


def parse_pathways(text: str) -> dict[str, Pathway]:
    """All pathways in a file, keyed by country ("default" included)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise _fail("file", "schema_version must be 1")
    default = data.get("default")
    if not isinstance(default, dict):
        raise _fail("default", "missing")
    pathways = {"default": build_pathway("default", default)}
    for country, override in (data.get("countries") or {}).items():
        pathways[str(country).upper()] = build_pathway(
            str(country).upper(), _merge(default, override or {})
        )
    return pathways


@functools.cache
def _load(path: str) -> dict[str, Pathway]:
    return parse_pathways(Path(path).read_text(encoding="utf-8"))


def pathway_for(country: str) -> Pathway:
    """The country's pathway, or the default one for a country without its own."""
    pathways = _load(settings.HAVEN_PATHWAYS_FILE)
    return pathways.get(country.upper(), pathways["default"])
