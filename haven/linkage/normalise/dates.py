"""Dates of birth as typed: ``YYYY-MM-DD``, ``YYYY`` or empty (other separators and
``DD.MM.YYYY`` are read too). Placeholders are unknowns: ``01-01`` (an estimated date
written as New Year's Day) leaves month and day unknown, the 1st of a month leaves the
day unknown."""

from __future__ import annotations

import re
from typing import NamedTuple

_DIGITS = re.compile(r"\d+")
_YEAR_DIGITS = 4


class BirthDate(NamedTuple):
    year: int | None
    month: int | None
    day: int | None


def read(text: str) -> BirthDate | None:
    """The date in ``text``, or ``None`` when it cannot be a date of birth."""
    parts = _DIGITS.findall(text or "")
    if not parts:
        return BirthDate(None, None, None) if not (text or "").strip() else None
    if len(parts) == 1 and len(parts[0]) == _YEAR_DIGITS:
        return BirthDate(int(parts[0]), None, None)
    if len(parts) == 1 and len(parts[0]) == 8:  # YYYYMMDD
        parts = [parts[0][:4], parts[0][4:6], parts[0][6:]]
    if len(parts) != 3:
        return None
    if len(parts[2]) == _YEAR_DIGITS and len(parts[0]) <= 2:  # DD.MM.YYYY
        parts = [parts[2], parts[1], parts[0]]
    if len(parts[0]) != _YEAR_DIGITS:
        return None
    year, month, day = (int(p) for p in parts)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return BirthDate(year, month, day)


def read_lenient(text: str) -> BirthDate:
    """Like ``read``, but what cannot be a date keeps its year if it starts with one
    (``19561313`` → 1956), or is unknown."""
    date = read(text)
    if date is not None:
        return date
    digits = "".join(_DIGITS.findall(text or ""))
    year = int(digits[:4]) if len(digits) >= _YEAR_DIGITS else None
    return BirthDate(year if year and 1800 < year < 2200 else None, None, None)


def without_placeholders(date: BirthDate) -> BirthDate:
    """01-01 means "year known"; the 1st of a month means "month known"."""
    if date.month == 1 and date.day == 1:
        return BirthDate(date.year, None, None)
    if date.day == 1:
        return BirthDate(date.year, date.month, None)
    return date
