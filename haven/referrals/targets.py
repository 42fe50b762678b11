"""Response-time targets per referral type, read from a YAML data file (R-47).

National rules are data: the file names each referral type, its label, the
hours the receiving organisation has to answer, and optionally a shorter target
for urgent referrals. ``HAVEN_REFERRAL_TARGETS_FILE`` points to another file.
The loader checks the shape and names the place of every mistake, like the
decision pathways loader (``haven.identification.pathways``). The labels are shown in
the reader's language through ``haven/referrals/data/i18n/<lang>.yaml``
(``haven.lib.datatext``); referrals store the type's key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from haven.lib import datatext

DATA_APP = "referrals"  # the labels are translated in haven/referrals/data/i18n
TYPE_KEYS = {"label", "target_hours", "urgent_target_hours"}
MAX_KEY_LENGTH = 40  # Referral.referral_type


@dataclass(frozen=True)
class ReferralType:
    key: str
    label: str
    target_hours: int
    urgent_target_hours: int | None

    def shown_label(self) -> datatext.DataText:
        """The label in the reader's language (the file's words when not translated)."""
        return datatext.lookup(DATA_APP, self.label)

    def target(self, *, urgent: bool) -> timedelta:
        """How long the receiver has to answer; urgent referrals use their own
        target when the file gives one."""
        hours = self.target_hours
        if urgent and self.urgent_target_hours is not None:
            hours = self.urgent_target_hours
        return timedelta(hours=hours)


def _fail(where: str, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"referral targets: {where}: {message}")


def _hours(raw: dict[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _fail(f"{where}.{key}", "must be a whole number of hours, 1 or more")
    return value


def _referral_type(key: str, raw: Any, where: str) -> ReferralType:
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    unknown = sorted(str(k) for k in set(raw) - TYPE_KEYS)
    if unknown:
        raise _fail(where, f"unknown key(s) {unknown}; expected some of {sorted(TYPE_KEYS)}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _fail(f"{where}.label", "must be a non-empty text")
    target = _hours(raw, "target_hours", where)
    urgent = _hours(raw, "urgent_target_hours", where) if "urgent_target_hours" in raw else None
    if urgent is not None and urgent > target:
        raise _fail(f"{where}.urgent_target_hours", "must not be longer than target_hours")
    return ReferralType(key, label.strip(), target, urgent)


def parse_targets(text: str) -> dict[str, ReferralType]:
    """Every referral type in a file, keyed as in the file (and in Referral.referral_type)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail("file", "is not valid YAML") from exc
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise _fail("file", "schema_version must be 1")
    raw_types = data.get("types")
    if not isinstance(raw_types, dict) or not raw_types:
        raise _fail("types", "must be a mapping with at least one referral type")
    types: dict[str, ReferralType] = {}
    for key, raw in raw_types.items():
        where = f"types.{key}"
        if not isinstance(key, str) or not key.isidentifier() or len(key) > MAX_KEY_LENGTH:
            raise _fail(where, f"use a lower-case name of at most {MAX_KEY_LENGTH} characters")
        types[key] = _referral_type(key, raw, where)
    return types


def data_texts(types: dict[str, ReferralType]) -> list[str]:
    """The texts of a targets file that are shown (the labels), for translation."""
    return [t.label for t in types.values()]


@functools.cache
def _load(path: str) -> dict[str, ReferralType]:
    return parse_targets(Path(path).read_text(encoding="utf-8"))


def referral_types() -> dict[str, ReferralType]:
    """The configured referral types, in the file's order."""
    return _load(settings.HAVEN_REFERRAL_TARGETS_FILE)


def referral_type(key: str) -> ReferralType | None:
    return referral_types().get(key)
