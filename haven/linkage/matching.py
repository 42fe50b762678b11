"""Is this the same person? Normalisation, blocking keys and a match probability.

Pure functions over plain records: no database, no Django. Every path that compares
people goes through here (the intake check, the batch deduplication, the console
command and the cross-border encodings), so one name is normalised one way.

- ``normalise(record)`` turns what was typed (any script) into comparable forms
  (``haven.linkage.normalise``: transliteration, phonetic skeleton, gendered stems,
  patronymics, diminutives, date placeholders).
- ``blocking_keys(normalised)`` gives plain strings ("kind:value") that two records
  of one person are likely to share; callers store keyed HMACs of them, never these.
- ``comparison(a, b)`` puts each field of a pair on a level (exact, skeleton equal,
  diminutive or gendered variant, Jaro-Winkler bands, swapped, missing ...).
- ``match_probability(a, b)`` is a calibrated probability that a and b are one person:
  Fellegi-Sunter weights log2(m/u) of the levels, summed, then a logistic calibration.
  The weights and the calibration are fitted on a labelled generated register
  (``python -m bench.linkage_fit`` writes ``data/weights.json``; docs/linkage.md).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from babel.core import get_global
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from haven.linkage.normalise import dates, names

_DATA = Path(__file__).resolve().parent / "data"


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
    birth_month: int | None  # None also for the 01-01 placeholder
    birth_day: int | None  # None also for the 1st-of-month placeholder
    sex: str  # "F", "M", "X" or ""
    nationality: str  # alpha-2 upper case, or ""
    # Derived forms (haven.linkage.normalise.names), patronymics left out of the names:
    given_skeleton: tuple[str, ...] = ()
    family_skeleton: tuple[str, ...] = ()
    given_stem: tuple[str, ...] = ()
    family_stem: tuple[str, ...] = ()
    given_groups: frozenset[str] = field(default_factory=frozenset)  # diminutives table
    patronymic: tuple[str, ...] = ()  # skeletons of -ovich/-ovna tokens
    # Skeletons of the names read without their diacritics (``Čolemaň`` → ``koleman``,
    # where the skeleton keeps the sound of č: ``Xoleman``): a keyboard without them, or a
    # clerk adding them, changes the letters but not the person.
    given_loose: tuple[str, ...] = ()
    family_loose: tuple[str, ...] = ()


class InvalidRecord(ValueError):
    """A field that cannot be read; ``field`` names it (the value is never repeated)."""

    def __init__(self, field_name: str, expected: str) -> None:
        super().__init__(f"{field_name}: expected {expected}")
        self.field_name = field_name
        self.expected = expected


_SEXES = {"F", "M", "X"}


@lru_cache(maxsize=1)
def _alpha3() -> dict[str, str]:
    """ISO 3166-1 alpha-3 to alpha-2, from CLDR's territory aliases (through Babel, not a
    hand table): the three-letter codes that stand for exactly one country."""
    return {
        alias: targets[0]
        for alias, targets in get_global("territory_aliases").items()
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and len(targets[0]) == 2
    }


def _nationality(text: str, *, strict: bool) -> str:
    code = text.strip().upper()
    if len(code) == 3:
        code = _alpha3().get(code, "" if not strict else "?")
    if strict and code and (len(code) != 2 or not code.isalpha()):
        raise InvalidRecord("nationality", "an ISO 3166-1 alpha-2 or alpha-3 code")
    return code if len(code) == 2 else ""


def _split_patronymics(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(name skeletons, patronymic skeletons): a patronymic is never a name's only token."""
    skeletons = tuple(names.skeleton(t) for t in tokens)
    if len(skeletons) < 2:
        return skeletons, ()
    kept = tuple(s for s in skeletons if not names.is_patronymic(s))
    return (kept or skeletons[:1]), tuple(s for s in skeletons if names.is_patronymic(s))


def normalise(record: Record, *, strict: bool = False) -> Normalised:
    """Comparable forms of ``record``. With ``strict``, a sex, date or nationality that
    cannot be read raises ``InvalidRecord``; otherwise it is treated as missing."""
    date = dates.read(record.date_of_birth)
    if date is None:
        if strict:
            raise InvalidRecord("date_of_birth", "YYYY-MM-DD, YYYY or empty")
        date = dates.read_lenient(record.date_of_birth)
    date = dates.without_placeholders(date)
    sex = record.sex.strip().upper()
    if strict and sex and sex not in _SEXES:
        raise InvalidRecord("sex", "F, M, X or empty")
    given, given_patronymic = _split_patronymics(names.sound_tokens(record.given_name))
    family, family_patronymic = _split_patronymics(names.sound_tokens(record.family_name))
    given_loose = _split_patronymics(names.plain_tokens(record.given_name))[0]
    family_loose = _split_patronymics(names.plain_tokens(record.family_name))[0]
    groups = frozenset(g for s in (*given, *given_loose) for g in names.name_groups(s))
    return Normalised(
        given=names.plain_tokens(record.given_name),
        family=names.plain_tokens(record.family_name),
        birth_year=date.year,
        birth_month=date.month,
        birth_day=date.day,
        sex=sex if sex in _SEXES else "",
        nationality=_nationality(record.nationality, strict=strict),
        given_skeleton=given,
        family_skeleton=family,
        given_stem=tuple(names.stem(s) for s in given),
        family_stem=tuple(names.stem(s) for s in family),
        given_groups=groups,
        patronymic=given_patronymic + family_patronymic,
        given_loose=given_loose if given_loose != given else (),
        family_loose=family_loose if family_loose != family else (),
    )


def blocking_keys(n: Normalised) -> set[str]:
    """Plain keys two records of one person are likely to share (hash before storing).

    A family stem or a given name (or its diminutives' group) with the birth year or
    the next (±1 year estimates meet on one of the two), the family and given name
    prefixes as an unordered pair (swapped names meet), and the full date of birth
    with day and month unordered (swapped day/month meet) and a name initial."""
    keys: set[str] = set()
    loose_stems = tuple(names.stem(s) for s in n.family_loose[:3])
    families = {s[:4] for s in (*n.family_stem[:3], *loose_stems) if s}
    givens = {s[:3] for s in (*n.given_skeleton[:3], *n.given_loose[:3]) if s} | set(n.given_groups)
    years = () if n.birth_year is None else (n.birth_year, n.birth_year + 1)
    for year in years:
        keys.update(f"fy:{f}:{year}" for f in families)
        keys.update(f"gy:{g}:{year}" for g in givens)
    keys.update(_name_pair_keys(families, givens))
    if n.birth_year is not None and n.birth_month is not None and n.birth_day is not None:
        low, high = sorted((n.birth_month, n.birth_day))
        firsts = (n.family_stem[:1], loose_stems[:1], n.given_skeleton[:1], n.given_loose[:1])
        initials = {s[0][0] for s in firsts if s and s[0]}
        keys.update(f"dob:{n.birth_year}-{low}-{high}:{i}" for i in initials)
    return keys


NAME_PAIR_KIND = "fg:"  # the keys of the two names' prefixes, without a year


def _name_pair_keys(families: set[str], givens: set[str]) -> set[str]:
    """The family and given name prefixes (or diminutive groups) as unordered pairs."""
    keys = set()
    for f in families:
        for g in givens:
            first, second = sorted((f[:3], g[:3] if len(g) <= 3 else g))
            keys.add(f"{NAME_PAIR_KIND}{first}:{second}")
    return keys


def name_pair_keys(n: Normalised) -> set[str]:
    """The plain blocking keys of ``n``'s two names together, without its date: how
    many persons share one tells how common the names' prefixes are (the coarse
    count of ``Weights.name_bits``, when no full-name key is shared)."""
    return {key for key in blocking_keys(n) if key.startswith(NAME_PAIR_KIND)}


FULL_NAME_KIND = "fn:"  # the keys of the full name's stems, given and family together


def _stems(tokens: tuple[str, ...]) -> str:
    return " ".join(sorted(names.stem(t) for t in tokens))


def full_name_keys(n: Normalised) -> set[str]:
    """Plain keys of ``n``'s full name: the stems of all its given-name tokens and of
    all its family-name tokens (each sorted), the two names as an unordered pair, as
    written and without diacritics; no date. Two records whose given and family names
    both agree (exact, skeleton or stem, straight or swapped) share one, so how many
    persons hold it is how many carry that full name: the sharp count of the name's
    commonness (``Weights.name_bits``), where the name-prefix pair (``fg:``) counts
    every name that begins alike. Not a blocking key of the batch (``blocking_keys``):
    the intake check writes and reads them (``linkage.selectors.keyed``)."""
    givens = {_stems(t) for t in (n.given_skeleton, n.given_loose)} - {""}
    families = {_stems(t) for t in (n.family_skeleton, n.family_loose)} - {""}
    return {
        FULL_NAME_KIND + "|".join(sorted((given, family)))
        for given in givens
        for family in families
    }


# Levels of a name comparison, best first.
NAME_LEVELS = (
    "exact", "skeleton", "stem", "variant", "jw94", "part", "jw88", "initial", "jw80",
    "different", "missing",
)  # fmt: skip
# Levels of a date-of-birth comparison. "one_digit": two full dates one typing error apart
# (a digit changed, or two neighbouring digits transposed, in YYYYMMDD).
DATE_LEVELS = (
    "exact", "year_month", "day_month_swapped", "year", "one_digit", "one_part_differs",
    "year_pm1", "different", "missing",
)  # fmt: skip
# Sex, nationality and patronymic.
AGREE_LEVELS = ("agree", "disagree", "missing")
# How rare a pair's full name is in the register being linked, when both its names agree
# (exact, skeleton or stem): the number of records expected to carry it by chance,
# E = N * f(given) * f(family) with f the share of the N records carrying each name
# (term frequencies, as FEBRL and Splink adjust name agreement). A rare name agreeing is
# stronger evidence than "smith". "none": the names do not both agree, or no register
# was given (a pair alone: the intake check); it weighs 0.
RARITY_LEVELS = (
    "none", "e<0.001", "e<0.003", "e<0.01", "e<0.03", "e<0.1", "e<0.3", "e<1", "e>=1",
)  # fmt: skip
RARITY_BOUNDS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)

(_EXACT, _SKEL, _STEM, _VARIANT, _JW94, _PART, _JW88, _INITIAL, _JW80, _DIFFERENT, _MISSING) = (
    range(len(NAME_LEVELS))
)
_D_EXACT, _D_YM, _D_SWAP, _D_YEAR, _D_DIGIT, _D_ONE, _D_PM1, _D_DIFFERENT, _D_MISSING = range(
    len(DATE_LEVELS)
)


class _Name(NamedTuple):
    plain: str
    skeleton: str
    sorted_skeleton: str
    stem: str
    tokens: frozenset[str]
    groups: frozenset[str]
    loose: frozenset[str]  # the skeleton and stem read with and without diacritics
    loose_stems: frozenset[str]


def _forms(
    skeletons: tuple[str, ...], loose: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str]]:
    """(skeletons, stems) of a name as written and without its diacritics."""
    readings = [skeletons, *([loose] if loose else [])]
    return (
        frozenset(" ".join(r) for r in readings),
        frozenset(" ".join(names.stem(t) for t in r) for r in readings),
    )


# What one name's forms are built from: written tokens, skeletons, stems, diminutives'
# groups (None: looked up from the skeletons, for a family name compared with a given
# name) and skeletons without diacritics.
_NameKey = tuple[
    tuple[str, ...], tuple[str, ...], tuple[str, ...], frozenset[str] | None, tuple[str, ...]
]
# The forms of the names of one register, built once a name and shared by every record
# carrying it (``comparison``'s ``forms``): a batch compares each record with every other
# in its blocks, so building them for every pair was two thirds of its time. The caller
# owns it, so it lives as long as the batch does.
NameForms = dict[_NameKey, _Name]
_NO_GROUPS: frozenset[str] = frozenset()


def _built(key: _NameKey) -> _Name:
    written, skeletons, stems, groups, loose = key
    if groups is None:
        groups = frozenset(g for s in skeletons for g in names.name_groups(s))
    return _Name(
        " ".join(written),
        " ".join(skeletons),
        " ".join(sorted(skeletons)),
        " ".join(stems),
        frozenset(skeletons),
        groups,
        *_forms(skeletons, loose),
    )


def _name(key: _NameKey, forms: NameForms | None) -> _Name:
    if forms is None:
        return _built(key)
    name = forms.get(key)
    if name is None:
        name = forms[key] = _built(key)
    return name


def _given(n: Normalised, forms: NameForms | None = None) -> _Name:
    return _name((n.given, n.given_skeleton, n.given_stem, n.given_groups, n.given_loose), forms)


def _family(n: Normalised, forms: NameForms | None = None, *, groups: bool = False) -> _Name:
    """The family name; with ``groups`` also its diminutives' groups (when it is compared
    with a given name, as names swapped)."""
    key = (
        n.family,
        n.family_skeleton,
        n.family_stem,
        None if groups else _NO_GROUPS,
        n.family_loose,
    )
    return _name(key, forms)


def _name_level(a: _Name, b: _Name) -> int:
    if not a.skeleton or not b.skeleton:
        return _MISSING
    if a.plain == b.plain:
        return _EXACT
    if a.sorted_skeleton == b.sorted_skeleton or a.loose & b.loose:
        return _SKEL
    if a.loose_stems & b.loose_stems:
        return _STEM
    if a.groups & b.groups:
        return _VARIANT
    jw = max(
        JaroWinkler.similarity(a.skeleton, b.skeleton), JaroWinkler.similarity(a.plain, b.plain)
    )
    if jw >= 0.94:
        return _JW94
    if (len(a.tokens) > 1 or len(b.tokens) > 1) and (a.tokens <= b.tokens or b.tokens <= a.tokens):
        return _PART
    if jw >= 0.88:
        return _JW88
    if (len(a.plain) == 1 or len(b.plain) == 1) and a.plain[0] == b.plain[0]:
        return _INITIAL
    return _JW80 if jw >= 0.80 else _DIFFERENT


def _digits(n: Normalised) -> str:
    return f"{n.birth_year:04d}{n.birth_month:02d}{n.birth_day:02d}"


def _date_level(a: Normalised, b: Normalised) -> int:
    if a.birth_year is None or b.birth_year is None:
        return _D_MISSING
    same_year = a.birth_year == b.birth_year
    months = a.birth_month is not None and b.birth_month is not None
    days = a.birth_day is not None and b.birth_day is not None
    if same_year and months and a.birth_month == b.birth_month:
        if days and a.birth_day == b.birth_day:
            return _D_EXACT
        if not days:
            return _D_YM
    if (
        same_year
        and months
        and days
        and (a.birth_month, a.birth_day) == (b.birth_day, b.birth_month)
    ):
        return _D_SWAP
    if same_year and not months:
        return _D_YEAR
    if months and days and DamerauLevenshtein.distance(_digits(a), _digits(b)) <= 1:
        return _D_DIGIT
    if months and days:
        agreeing = (same_year, a.birth_month == b.birth_month, a.birth_day == b.birth_day)
        if sum(agreeing) == 2:
            return _D_ONE
    return _D_PM1 if abs(a.birth_year - b.birth_year) == 1 else _D_DIFFERENT


def _agree(a: str, b: str) -> int:
    if not a or not b:
        return 2
    return 0 if a == b else 1


def _patronymic(a: Normalised, b: Normalised) -> int:
    if not a.patronymic or not b.patronymic:
        return 2
    stems_a = {names.stem(s) for s in a.patronymic}
    return 0 if stems_a & {names.stem(s) for s in b.patronymic} else 1


class Comparison(NamedTuple):
    """The level of each field for one pair (indices into the ``*_LEVELS`` tuples)."""

    given: int
    family: int
    date: int
    sex: int
    nationality: int
    patronymic: int
    swapped: int  # 1 when the names agree better with given and family swapped
    rarity: int = 0  # RARITY_LEVELS: how common the agreeing full name is in the register


def _given_key(n: Normalised) -> str:
    return " ".join(sorted(n.given_skeleton))


def _family_key(n: Normalised) -> str:
    return " ".join(sorted(n.family_stem))  # gendered forms are one name


class NameFrequencies:
    """How many records of one register carry each given name (its skeleton) and each
    family name (its stem), counted on the register being linked, without labels."""

    def __init__(self, records: list[Normalised]) -> None:
        self.size = max(1, len(records))
        self.given: Counter[str] = Counter(_given_key(n) for n in records)
        self.family: Counter[str] = Counter(_family_key(n) for n in records)

    def expected(self, n: Normalised) -> float:
        """The number of records expected to carry ``n``'s full name by chance."""
        return self.given[_given_key(n)] * self.family[_family_key(n)] / self.size


def rarity_level(expected: float) -> int:
    """The ``RARITY_LEVELS`` index of a full name ``expected`` records carry by chance."""
    return 1 + sum(expected >= bound for bound in RARITY_BOUNDS)


def rarity_u(frequencies: NameFrequencies) -> tuple[float, ...]:
    """u of each rarity level given that both names agree: among the pairs of different
    persons who share a full name by chance (given and family names drawn independently
    with the register's frequencies, a pair shares the name g f with probability
    (f(g) f(f))^2), the share at each level. Level "none" is 1: it is not evidence."""
    given_counts = Counter(frequencies.given.values())
    family_counts = Counter(frequencies.family.values())
    size = frequencies.size
    weights = [0.0] * len(RARITY_LEVELS)
    for given, given_names in given_counts.items():
        for family, family_names in family_counts.items():
            expected = given * family / size
            weights[rarity_level(expected)] += given_names * family_names * expected**2
    total = sum(weights) or 1.0
    return (1.0, *(max(1e-9, w / total) for w in weights[1:]))


def comparison(
    a: Normalised,
    b: Normalised,
    frequencies: NameFrequencies | None = None,
    forms: NameForms | None = None,
) -> Comparison:
    """Each field's level; names are compared straight, swapped and as one token set
    (multi-part names split differently), and the best reading is kept. With the
    ``frequencies`` of the register, a pair whose names both agree (not swapped) also
    gets the rarity of its full name there. With ``forms`` (a batch's own, empty at
    first) the names' forms are built once a name instead of once a pair."""
    ga, fa, gb, fb = _given(a, forms), _family(a, forms), _given(b, forms), _family(b, forms)
    straight = (_name_level(ga, gb), _name_level(fa, fb))
    names_pair, swapped = straight, 0
    if straight[0] > _SKEL or straight[1] > _SKEL:
        weights = _weights()
        crossed = (
            _name_level(ga, _family(b, forms, groups=True)),
            _name_level(_family(a, forms, groups=True), gb),
        )
        pooled_a = sorted((*a.given_skeleton, *a.family_skeleton))
        if len(pooled_a) > 2 and pooled_a == sorted((*b.given_skeleton, *b.family_skeleton)):
            straight = (min(straight[0], _SKEL), min(straight[1], _SKEL))
            names_pair = straight
        if (
            weights.given[crossed[0]] + weights.family[crossed[1]] + weights.swapped
            > weights.given[straight[0]] + weights.family[straight[1]]
        ):
            names_pair, swapped = crossed, 1
    rarity = 0
    if frequencies is not None and not swapped and max(names_pair) <= _STEM:
        rarity = rarity_level(max(frequencies.expected(a), frequencies.expected(b)))
    return Comparison(
        names_pair[0],
        names_pair[1],
        _date_level(a, b),
        _agree(a.sex, b.sex),
        _agree(a.nationality, b.nationality),
        _patronymic(a, b),
        swapped,
        rarity,
    )


class Weights(NamedTuple):
    """log2(m/u) of each level, the swap penalty, and the logistic calibration."""

    given: tuple[float, ...]
    family: tuple[float, ...]
    date: tuple[float, ...]
    sex: tuple[float, ...]
    nationality: tuple[float, ...]
    patronymic: tuple[float, ...]
    swapped: float
    slope: float
    intercept: float
    records: int  # the size of the register the calibration was fitted on
    rarity: tuple[float, ...] = (0.0,) * len(RARITY_LEVELS)
    # The share of random pairs of the fitted register whose given and family names both
    # agree (exact, skeleton or stem): what an average full name's agreement is weighed
    # against (``name_bits``); 0: no term frequencies.
    names_u: float = 0.0

    def score(self, c: Comparison) -> float:
        """The Fellegi-Sunter match weight (log2 of the likelihood ratio)."""
        return (
            self.given[c.given]
            + self.family[c.family]
            + self.date[c.date]
            + self.sex[c.sex]
            + self.nationality[c.nationality]
            + self.patronymic[c.patronymic]
            + (self.swapped if c.swapped else 0.0)
            + self.rarity[c.rarity]
        )

    def name_bits(self, c: Comparison, name_share: float | None) -> float:
        """Term-frequency evidence for a pair scored alone (the intake check), as
        Fellegi-Sunter and Splink adjust an agreement by how common the value is: when
        both names agree (exact, skeleton or stem, straight or swapped) and
        ``name_share``, the share of the register's persons carrying that full name, is
        known, log2(names_u / name_share) bits: positive for a name rarer than the
        fitted register's average agreement, negative for a commoner one. Otherwise 0."""
        if not name_share or not self.names_u or max(c.given, c.family) > _STEM:
            return 0.0
        return math.log2(self.names_u / name_share)

    def probability(
        self, c: Comparison, register_size: int | None = None, name_share: float | None = None
    ) -> float:
        """Calibrated on the fitted register; in a register of another size the prior
        odds of a pair being one person scale with 1/size (each person has about as
        many duplicates whatever the size, while the pairs grow with the square). With
        ``name_share``, the names' agreement is weighed by how common the full name
        is (``name_bits``), inside the calibration as every other weight."""
        logit = self.slope * (self.score(c) + self.name_bits(c, name_share)) + self.intercept
        if register_size:
            logit += math.log(self.records / max(2, register_size))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


def load_weights(data: dict[str, object]) -> Weights:
    """Weights from the JSON of ``data/weights.json``."""
    levels = data["levels"]
    calibration = data["calibration"]
    assert isinstance(levels, dict) and isinstance(calibration, dict)  # noqa: S101
    prior = data.get("prior")
    names_u = 0.0
    if isinstance(prior, dict):
        m_given, m_family = prior["m"][0], prior["m"][1]
        names_u = _names_u(m_given, levels["given"]) * _names_u(m_family, levels["family"])
    return Weights(
        given=tuple(levels["given"]),
        family=tuple(levels["family"]),
        date=tuple(levels["date"]),
        sex=tuple(levels["sex"]),
        nationality=tuple(levels["nationality"]),
        patronymic=tuple(levels["patronymic"]),
        swapped=float(data["swapped"]),  # type: ignore[arg-type]
        slope=float(calibration["slope"]),
        intercept=float(calibration["intercept"]),
        records=int(calibration.get("records", 0)) or 10_000,
        rarity=tuple(levels.get("rarity", (0.0,) * len(RARITY_LEVELS))),
        names_u=names_u,
    )


def _names_u(m: list[float], weights: list[float]) -> float:
    """u of a name agreeing (exact, skeleton or stem) in the fitted register: each level's
    u is its m over 2 to the power of its weight (the weight is log2(m/u))."""
    return sum(m[level] / 2 ** weights[level] for level in (_EXACT, _SKEL, _STEM))


@lru_cache(maxsize=1)
def _weights() -> Weights:
    return load_weights(json.loads((_DATA / "weights.json").read_text(encoding="utf-8")))


@lru_cache(maxsize=65_536)
def _probability(c: Comparison) -> float:
    return _weights().probability(c)


def fitted_register_size() -> int:
    """The size of the register the calibration was fitted on (its prior)."""
    return _weights().records


def match_probability_of(
    c: Comparison, register_size: int | None = None, name_share: float | None = None
) -> float:
    """The calibrated probability of a comparison pattern (fitted weights)."""
    if register_size or name_share:
        return _weights().probability(c, register_size, name_share)
    return _probability(c)


def match_probability(
    a: Normalised,
    b: Normalised,
    *,
    register_size: int | None = None,
    name_share: float | None = None,
) -> float:
    """A calibrated probability in [0, 1] that ``a`` and ``b`` are one person; with
    ``register_size``, for a pair drawn from a register of that many persons' records
    (the calibration's prior is adjusted to it); with ``name_share``, the share of the
    register's persons carrying the full name both agree on (``Weights.name_bits``)."""
    return match_probability_of(comparison(a, b), register_size, name_share)
