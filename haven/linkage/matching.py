"""Is this the same person? Normalisation, blocking keys and a match probability.

Pure functions over plain records: no database, no Django. Every path that compares
people goes through here (the intake check, the batch deduplication, the console
command and the cross-border encodings), so one name is normalised one way.

- ``normalise(record)`` turns what was typed (any script) into comparable forms.
- ``blocking_keys(normalised)`` gives plain strings ("kind:value") that two records
  of one person are likely to share; callers store keyed HMACs of them, never these.
- ``match_probability(a, b)`` is a calibrated probability that a and b are one person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler


@dataclass(frozen=True)
class Record:
    """A person as typed: names in any script; ``date_of_birth`` is ``YYYY-MM-DD``,
    ``YYYY`` or empty; ``sex`` is ``F``, ``M``, ``X`` or empty; ``nationality`` is an
    ISO 3166-1 alpha-2 or alpha-3 code or empty."""

    given_name: str = ""
    family_name: str = ""
    sex: str = ""
    date_of_birth: str = ""
    nationality: str = ""


@dataclass(frozen=True)
class Normalised:
    given: tuple[str, ...]  # given-name tokens, Latin, lower case, no diacritics
    family: tuple[str, ...]  # family-name tokens, likewise
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    sex: str  # "F", "M", "X" or ""
    nationality: str  # alpha-2 upper case, or ""


_NOT_LETTERS = re.compile(r"[^a-z]+")


def _tokens(text: str) -> tuple[str, ...]:
    decomposed = unicodedata.normalize("NFKC", text)
    latin = anyascii(decomposed).lower().replace("'", "")
    return tuple(t for t in _NOT_LETTERS.split(latin) if t)


def _date(text: str) -> tuple[int | None, int | None, int | None]:
    parts = [int(p) for p in re.findall(r"\d+", text or "")]
    if not parts:
        return None, None, None
    if len(parts) >= 3:
        return parts[0], parts[1], parts[2]
    return parts[0], None, None


def normalise(record: Record) -> Normalised:
    year, month, day = _date(record.date_of_birth)
    sex = record.sex.strip().upper()[:1]
    return Normalised(
        given=_tokens(record.given_name),
        family=_tokens(record.family_name),
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=sex if sex in {"F", "M", "X"} else "",
        nationality=record.nationality.strip().upper()[:2],
    )


def blocking_keys(n: Normalised) -> set[str]:
    """Plain keys two records of one person are likely to share (hash before storing)."""
    keys: set[str] = set()
    for token in (*n.given, *n.family):
        if len(token) >= 2:
            keys.add(f"tok:{token[:4]}")
    if n.birth_year is not None:
        for token in n.family:
            keys.add(f"fam-year:{token[:3]}:{n.birth_year}")
    return keys


def _similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.0
    return float(JaroWinkler.similarity(" ".join(sorted(a)), " ".join(sorted(b))))


def match_probability(a: Normalised, b: Normalised) -> float:
    """A probability in [0, 1] that ``a`` and ``b`` are one person."""
    names = _similarity((*a.given, *a.family), (*b.given, *b.family))
    score = names
    if a.birth_year is not None and b.birth_year is not None:
        score = score * (1.0 if abs(a.birth_year - b.birth_year) <= 1 else 0.3)
    if a.sex and b.sex and a.sex != b.sex:
        score *= 0.5
    return max(0.0, min(1.0, (score - 0.7) / 0.3))
