"""A victim-level release with CTDC's columns, k-anonymous (issue 15, R-45, R-46).

Each quasi-identifier (gender, broad age, citizenship, type of exploitation, year) has a
generalisation hierarchy, level 0 the value as held and the top level ``*``. The search
walks the whole lattice of level combinations (a few hundred nodes) and keeps the node
of least information loss, where a record's loss is the mean of its columns' level over
height, and a suppressed record loses everything (1). Nodes that suppress more than the
allowed share are passed over while any node stays within it. Equivalence classes
smaller than k at the chosen node are suppressed; every released class has at least k
records, so no released row can be narrowed to fewer than k victims.

CTDC's own k = 11 release suppressed about 41 % of its records by suppression alone;
``bench/kanon.py`` measures this method against that on a generated register.

Pure: no database. Input is ``haven.statistics.htcds.Victim`` rows.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypedDict

import yaml

from haven.statistics import htcds
from haven.statistics.htcds import Victim

ANY = "*"
UNKNOWN = "unknown"
DEFAULT_K = 11
DEFAULT_MAX_SUPPRESSION = 0.05
REGIONS = htcds.DATA.parent / "regions.yaml"

# Broad exploitation as CTDC flags it (isSexualExploit / isForcedLabour / isOtherExploit).
SEXUAL = frozenset({"sexual_exploitation"})
LABOUR = frozenset({"forced_labour", "forced_begging", "slavery", "servitude"})


@cache
def _regions() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 alpha-2 code -> (sub-region, region), from the UN M49 data file."""
    data = yaml.safe_load(REGIONS.read_text(encoding="utf-8"))
    return {
        code: (subregion, region)
        for region, subregions in data.items()
        for subregion, codes in subregions.items()
        for code in codes
    }


def _gender(victim: Victim) -> list[str]:
    label = {"female": "Female", "male": "Male", "intersex": "Other"}.get(victim.sex, UNKNOWN)
    return [label, ANY]


_AGE_WIDER = {"0-11": "0-17", "12-17": "0-17", "0-17": "0-17", "18-24": "18-34"}
_AGE_WIDER |= {"25-34": "18-34", "35-49": "35+", "50+": "35+"}


def _age(victim: Victim) -> list[str]:
    band = victim.age_group
    if band not in _AGE_WIDER:
        return [UNKNOWN, UNKNOWN, UNKNOWN, ANY]
    wider = _AGE_WIDER[band]
    return [band, wider, "Minor" if wider == "0-17" else "Adult", ANY]


def _citizenship(victim: Victim) -> list[str]:
    code = victim.citizenships[0] if victim.citizenships else ""
    if code not in _regions():
        return [UNKNOWN, UNKNOWN, UNKNOWN, ANY]
    subregion, region = _regions()[code]
    return [code, subregion, region, ANY]


def broad_forms(forms: Sequence[str]) -> str:
    """The broad types of a set of forms: sexual, labour, other, joined with ``;``."""
    broad = set()
    for form in forms:
        broad.add("sexual" if form in SEXUAL else "labour" if form in LABOUR else "other")
    return ";".join(sorted(broad)) or UNKNOWN


def _exploitation(victim: Victim) -> list[str]:
    forms = victim.forms_of_exploitation
    return [";".join(sorted(set(forms))) or UNKNOWN, broad_forms(forms), ANY]


def _year(victim: Victim) -> list[str]:
    # Periods nest: each two-year period lies in one four-year period.
    year = victim.year
    two, four = year - year % 2, year - year % 4
    return [str(year), f"{two}-{two + 1}", f"{four}-{four + 3}", ANY]


@dataclass(frozen=True)
class Hierarchy:
    column: str  # the CTDC column
    levels: tuple[str, ...]  # a name per level, for the report
    of: Callable[[Victim], list[str]]

    @property
    def height(self) -> int:
        return len(self.levels) - 1


def gettext_noop(message: str) -> str:
    """Marks a level name for translation (makemessages finds the calls by this name)
    without Django's settings: pages translate the names as they show them."""
    return message


_HELD, _ANY = gettext_noop("as held"), gettext_noop("any")
HIERARCHIES = (
    Hierarchy(gettext_noop("gender"), (_HELD, _ANY), _gender),
    Hierarchy(
        "ageBroad",
        (gettext_noop("band"), gettext_noop("wider band"), gettext_noop("minor or adult"), _ANY),
        _age,
    ),
    Hierarchy(
        "citizenship",
        (gettext_noop("country"), gettext_noop("sub-region"), gettext_noop("region"), _ANY),
        _citizenship,
    ),
    Hierarchy(
        "typeOfExploitConcatenated",
        (gettext_noop("form"), gettext_noop("broad type"), _ANY),
        _exploitation,
    ),
    Hierarchy(
        "yearOfRegistration",
        (gettext_noop("year"), gettext_noop("two years"), gettext_noop("four years"), _ANY),
        _year,
    ),
)
COLUMNS = tuple(h.column for h in HIERARCHIES)
# CTDC columns Haven does not hold in the statistical group: not in the release.
NOT_HELD = ("meansOfControl", "RecruiterRelationship", "CountryOfExploitation")

Node = tuple[int, ...]
Chains = tuple[tuple[str, ...], ...]  # per victim, per column, its value at each level


@dataclass(frozen=True)
class Outcome:
    node: Node
    suppressed: int
    loss: float


@dataclass(frozen=True)
class Release:
    k: int
    node: Node
    rows: list[tuple[str, ...]]  # released records, in COLUMNS order, sorted
    total: int
    suppressed: int
    generalised: dict[str, int]  # column -> released records whose value was generalised
    levels: dict[str, str]  # column -> the level's name

    @property
    def suppression_rate(self) -> float:
        return self.suppressed / self.total if self.total else 0.0


def _chain(victim: Victim, hierarchies: Sequence[Hierarchy] = HIERARCHIES) -> Chains:
    return tuple(tuple(h.of(victim)) for h in hierarchies)


def _chains(
    victims: htcds.Victims, hierarchies: Sequence[Hierarchy] = HIERARCHIES
) -> Counter[Chains]:
    """Victims grouped by their values at every level: the search works on the groups.
    A victim counted per distinct record is worked out once for all its count."""
    groups: Counter[Chains] = Counter()
    for victim, count in htcds.counted(victims).items():
        groups[_chain(victim, hierarchies)] += count
    return groups


def _at(chains: Chains, node: Node) -> tuple[str, ...]:
    return tuple(chain[level] for chain, level in zip(chains, node, strict=True))


def _outcome(
    sizes: Collection[int], node: Node, k: int, hierarchies: Sequence[Hierarchy]
) -> Outcome:
    total = sum(sizes)
    suppressed = sum(size for size in sizes if size < k)
    # A column of one level (the country of an HTCDS export) is never generalised.
    kept_loss = sum(level / (h.height or 1) for level, h in zip(node, hierarchies, strict=True))
    loss = ((total - suppressed) * kept_loss / len(hierarchies) + suppressed) / max(total, 1)
    return Outcome(node=node, suppressed=suppressed, loss=loss)


def evaluate(
    groups: Counter[Chains], node: Node, k: int, hierarchies: Sequence[Hierarchy] = HIERARCHIES
) -> Outcome:
    """How many records ``node`` suppresses at ``k``, and its information loss."""
    return _outcome(evaluate_classes(groups, node).values(), node, k, hierarchies)


def lattice(hierarchies: Sequence[Hierarchy] = HIERARCHIES) -> list[Node]:
    return list(itertools.product(*(range(h.height + 1) for h in hierarchies)))


def _steps(groups: Counter[Chains], hierarchies: Sequence[Hierarchy]) -> list[list[dict[str, str]]]:
    """Per column and level, the value one level up of each value held at that level
    (the hierarchies nest, so a class generalises as a whole)."""
    steps: list[list[dict[str, str]]] = [[{} for _ in range(h.height)] for h in hierarchies]
    for chains in groups:
        for column, chain in enumerate(chains):
            for level in range(len(chain) - 1):
                steps[column][level][chain[level]] = chain[level + 1]
    return steps


def outcomes(
    groups: Counter[Chains], k: int, hierarchies: Sequence[Hierarchy] = HIERARCHIES
) -> list[Outcome]:
    """Every node's outcome. Each node's classes are its parent's (one column one level
    lower) generalised, so the work shrinks as the classes merge going up. A class is
    one whole number here (each column's value id in its own digit) so that moving a
    class one level up is an addition."""
    ids: list[dict[str, int]] = [{} for _ in hierarchies]
    for chains in groups:
        for column, chain in enumerate(chains):
            for value in chain:
                ids[column].setdefault(value, len(ids[column]))
    radix = [1] * len(hierarchies)
    for column in range(1, len(hierarchies)):
        radix[column] = radix[column - 1] * len(ids[column - 1])
    # per column and level: a value's id -> what to add to a class key to move it up
    moves = [
        [
            {ids[c][v]: (ids[c][up] - ids[c][v]) * radix[c] for v, up in step.items()}
            for step in steps
        ]
        for c, steps in enumerate(_steps(groups, hierarchies))
    ]
    bottom = (0,) * len(hierarchies)
    start: dict[int, int] = {}
    for chains, count in groups.items():
        key = sum(ids[c][chain[0]] * radix[c] for c, chain in enumerate(chains))
        start[key] = start.get(key, 0) + count
    classes = {bottom: start}
    found = []
    for node in lattice(hierarchies):  # in product order: a parent always comes first
        if node != bottom:
            # Of its parents, the one with the fewest classes: least work.
            parent, column = min(
                (
                    ((*node[:c], level - 1, *node[c + 1 :]), c)
                    for c, level in enumerate(node)
                    if level
                ),
                key=lambda pc: len(classes[pc[0]]),
            )
            move, digit, base = moves[column][parent[column]], radix[column], len(ids[column])
            merged: dict[int, int] = {}
            for key, count in classes[parent].items():
                up = key + move[key // digit % base]
                merged[up] = merged.get(up, 0) + count
            classes[node] = merged
        found.append(_outcome(classes[node].values(), node, k, hierarchies))
    return found


def evaluate_classes(groups: Counter[Chains], node: Node) -> Counter[tuple[str, ...]]:
    classes: Counter[tuple[str, ...]] = Counter()
    for chains, count in groups.items():
        classes[_at(chains, node)] += count
    return classes


def search(
    groups: Counter[Chains],
    *,
    k: int,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
    hierarchies: Sequence[Hierarchy] = HIERARCHIES,
) -> Outcome:
    """The node of least loss among those within the suppression limit (or, when none
    is, the node that suppresses fewest); ties go to fewer suppressed, then lower levels."""
    total = sum(groups.values())
    every = outcomes(groups, k, hierarchies)
    within = [o for o in every if o.suppressed <= max_suppression * total]
    if within:
        return min(within, key=lambda o: (o.loss, o.suppressed, o.node))
    return min(every, key=lambda o: (o.suppressed, o.loss, o.node))


def release(
    victims: htcds.Victims,
    *,
    k: int = DEFAULT_K,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
    node: Node | None = None,
) -> Release:
    """The k-anonymous release of ``victims``: at the best node, or at ``node`` if given
    (``(0, 0, 0, 0, 0)`` is plain suppression without generalisation). The victims may
    come counted per distinct record: the search works on classes, and the rows are
    written out a class at a time."""
    groups = _chains(victims)
    total = sum(groups.values())
    chosen = node if node is not None else search(groups, k=k, max_suppression=max_suppression).node
    classes = evaluate_classes(groups, chosen)
    generalised = dict.fromkeys(COLUMNS, 0)
    for chains, count in groups.items():
        values = _at(chains, chosen)
        if classes[values] < k:
            continue
        for column, chain, value in zip(COLUMNS, chains, values, strict=True):
            if value != chain[0]:
                generalised[column] += count
    # Sorted rows: each released class's values, as many times as it has victims.
    rows = [values for values in sorted(classes) if classes[values] >= k]
    rows = [values for values in rows for _ in range(classes[values])]
    return Release(
        k=k,
        node=chosen,
        rows=rows,
        total=total,
        suppressed=total - len(rows),
        generalised=generalised,
        levels={h.column: h.levels[level] for h, level in zip(HIERARCHIES, chosen, strict=True)},
    )


def release_csv(result: Release) -> bytes:
    """The released records as CSV, CTDC's column names in the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(result.rows)
    return out.getvalue().encode("utf-8")


def release_report(result: Release) -> dict[str, object]:
    """What was generalised and suppressed: published with the release."""
    return {
        "k": result.k,
        "records": result.total,
        "released": len(result.rows),
        "suppressed": result.suppressed,
        "suppression_rate": round(result.suppression_rate, 4),
        "levels": result.levels,
        "generalised": result.generalised,
        "not_held": list(NOT_HELD),
    }


# --- the HTCDS export ----------------------------------------------------------------------
#
# Every column of an HTCDS export that describes the victim is a quasi-identifier: a rare
# combination of them (a 15-year-old Vietnamese boy in forced criminal activities) points
# at one person. The export's own columns generalise where HTCDS or an x_haven_
# extension can still say the coarser value; a value nothing can hold is written empty.
# The country is a quasi-identifier that is never generalised: all the records of one
# export share it.


def _htcds_gender(victim: Victim) -> list[str]:
    return [victim.sex, ANY]


def _htcds_age(victim: Victim) -> list[str]:
    band = victim.age_group
    if band not in _AGE_WIDER:
        return [UNKNOWN, UNKNOWN, UNKNOWN, ANY]
    wider = _AGE_WIDER[band]
    return [band, wider, "child" if wider == "0-17" else "adult", ANY]


def _htcds_citizenship(victim: Victim) -> list[str]:
    # Every citizenship counts: a second one narrows the class as much as the first.
    codes = sorted(set(victim.citizenships))
    if not codes:
        return [UNKNOWN, UNKNOWN, UNKNOWN, ANY]
    places = [_regions().get(code, (UNKNOWN, UNKNOWN)) for code in codes]
    subregions = ";".join(sorted({subregion for subregion, _ in places}))
    regions = ";".join(sorted({region for _, region in places}))
    return [";".join(codes), subregions, regions, ANY]


def _htcds_organisation(victim: Victim) -> list[str]:
    kind = victim.organisation_type
    return [kind, htcds.standard().maps["org_Type"][kind], ANY]


def _htcds_status(victim: Victim) -> list[str]:
    status = victim.identification_status
    return [status, htcds.standard().maps["vic_TraffickingStatus"][status], ANY]


def _htcds_country(victim: Victim) -> list[str]:
    return [victim.country]


@dataclass(frozen=True)
class HtcdsColumn:
    """A quasi-identifier of the HTCDS export: its hierarchy, the fields it fills as
    held (level 0), and per generalised level the field that holds the coarser value
    (none: every field is written empty)."""

    hierarchy: Hierarchy
    fields: tuple[str, ...]
    written_in: dict[int, str]


_YEAR_LEVELS = HIERARCHIES[4].levels
HTCDS_COLUMNS = (
    HtcdsColumn(
        Hierarchy(gettext_noop("gender"), (_HELD, _ANY), _htcds_gender), ("prs_Gender",), {}
    ),
    HtcdsColumn(
        Hierarchy(gettext_noop("age group"), HIERARCHIES[1].levels, _htcds_age),
        ("x_haven_AgeGroup",),
        {1: "x_haven_AgeGroup", 2: "x_haven_AgeGroup"},
    ),
    HtcdsColumn(
        Hierarchy(gettext_noop("citizenship"), HIERARCHIES[2].levels, _htcds_citizenship),
        ("prs_Citizenship",),
        {1: "x_haven_CitizenshipRegion", 2: "x_haven_CitizenshipRegion"},
    ),
    HtcdsColumn(
        Hierarchy(gettext_noop("forms of exploitation"), HIERARCHIES[3].levels, _exploitation),
        ("vic_TypeOfExploitation", "x_haven_FormsOfExploitation"),
        {1: "x_haven_BroadExploitation"},
    ),
    HtcdsColumn(
        Hierarchy(gettext_noop("year of registration"), _YEAR_LEVELS, _year),
        ("x_haven_RegistrationYear",),
        {1: "x_haven_RegistrationPeriod", 2: "x_haven_RegistrationPeriod"},
    ),
    HtcdsColumn(
        Hierarchy(
            gettext_noop("registering organisation type"),
            (_HELD, gettext_noop("HTCDS organisation type"), _ANY),
            _htcds_organisation,
        ),
        (
            "org_Type",
            "vic_TraffickingStatusDecisionMakingOrg",
            "x_haven_RegisteringOrganisationType",
        ),
        {1: "org_Type"},
    ),
    HtcdsColumn(
        Hierarchy(
            gettext_noop("identification status"),
            (_HELD, gettext_noop("HTCDS trafficking status"), _ANY),
            _htcds_status,
        ),
        ("vic_TraffickingStatus", "x_haven_IdentificationStatus"),
        {1: "vic_TraffickingStatus"},
    ),
    HtcdsColumn(
        Hierarchy(gettext_noop("country"), (_HELD,), _htcds_country), ("org_ShippingCountry",), {}
    ),
)
HTCDS_HIERARCHIES = tuple(c.hierarchy for c in HTCDS_COLUMNS)


class HtcdsReport(TypedDict):
    """What the HTCDS export generalised and left out: on the page, in the API answer,
    in the file's companion report and in the audit event (counts and names only)."""

    k: int
    records: int  # registered victims
    released: int
    suppressed: int
    suppression_rate: float
    levels: dict[str, str]  # quasi-identifier -> its level's name
    generalised: dict[str, int]  # quasi-identifier -> records whose value was generalised
    written_in: dict[str, str]  # generalised quasi-identifier -> its field ("": none)
    emptied: list[str]  # HTCDS fields left empty: their values were generalised away


@dataclass(frozen=True)
class HtcdsRelease:
    records: list[htcds.Record]  # released records, sorted by their values
    report: HtcdsReport


def _htcds_write(victim: Victim, chains: Chains, node: Node) -> htcds.Record:
    record = htcds.victim_record(victim)
    for column, chain, level in zip(HTCDS_COLUMNS, chains, node, strict=True):
        if level == 0:
            continue
        for field in column.fields:
            record[field] = ""
        if level in column.written_in:
            record[column.written_in[level]] = chain[level]
    return {field: value for field, value in record.items() if value}


def htcds_release(
    victims: htcds.Victims,
    *,
    k: int = DEFAULT_K,
    max_suppression: float = DEFAULT_MAX_SUPPRESSION,
    node: Node | None = None,
) -> HtcdsRelease:
    """The HTCDS records of ``victims`` made k-anonymous over every column that
    describes a victim: generalised at the least-loss node, then the classes still
    under k left out (R-46). The victims may come counted per distinct record: the
    search works on classes, and a record is written once per distinct victim, then
    repeated for its count."""
    weights = htcds.counted(victims)
    chains = {victim: _chain(victim, HTCDS_HIERARCHIES) for victim in weights}
    groups: Counter[Chains] = Counter()
    for victim, count in weights.items():
        groups[chains[victim]] += count
    total = sum(groups.values())
    chosen = node
    if chosen is None:
        chosen = search(
            groups, k=k, max_suppression=max_suppression, hierarchies=HTCDS_HIERARCHIES
        ).node
    classes = evaluate_classes(groups, chosen)
    generalised = {h.column: 0 for h in HTCDS_HIERARCHIES}
    written: list[tuple[htcds.Record, int]] = []
    for victim, count in weights.items():
        chain = chains[victim]
        values = _at(chain, chosen)
        if classes[values] < k:
            continue
        written.append((_htcds_write(victim, chain, chosen), count))
        for h, levels, value in zip(HTCDS_HIERARCHIES, chain, values, strict=True):
            if value != levels[0]:
                generalised[h.column] += count
    emptied: set[str] = set()
    written_in: dict[str, str] = {}
    for column, level in zip(HTCDS_COLUMNS, chosen, strict=True):
        if level:
            kept = column.written_in.get(level)
            written_in[column.hierarchy.column] = kept or ""
            emptied.update(f for f in column.fields if f != kept)
    released = sum(count for _, count in written)
    report: HtcdsReport = {
        "k": k,
        "records": total,
        "released": released,
        "suppressed": total - released,
        "suppression_rate": round((total - released) / total, 4) if total else 0.0,
        "levels": {
            h.column: h.levels[level] for h, level in zip(HTCDS_HIERARCHIES, chosen, strict=True)
        },
        "generalised": generalised,
        "written_in": written_in,
        "emptied": sorted(emptied),
    }
    # Sorted by their values, each record as many times as its victims (equal records
    # are equal whichever comes first); the same dict repeated, never changed after.
    columns = htcds.standard().columns
    written.sort(key=lambda rc: tuple(rc[0].get(c, "") for c in columns))
    records = [record for record, count in written for _ in range(count)]
    return HtcdsRelease(records=records, report=report)
