"""Batch deduplication of a register of persons, in memory (the console command and the
benchmark): read and check the records, group them by blocking key, score each pair
that shares a key once, keep the pairs at or above a threshold.

Two passes over the pairs: the first counts their comparison patterns, on which the
model is re-estimated for this register (``haven.linkage.model``), the second keeps
the pairs whose probability is at or above the threshold. Pure Python, no Django and
no database. With ``workers`` > 1 the records are split between processes (fork),
each comparing the pairs of its share.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from haven.linkage import matching, model

HEADER = ("record_id", "given_name", "family_name", "sex", "date_of_birth", "nationality")
OUT_HEADER = ("record_id_a", "record_id_b", "score")
# A block larger than this is a key too common to tell people apart (a missing name, a
# placeholder): its records still meet through their other keys.
MAX_BLOCK = 1_000

Progress = Callable[[str], None]
_T = TypeVar("_T")


class InputError(ValueError):
    """Bad input: names the row (1 is the header) and the field, never the value."""

    def __init__(self, row: int, field: str, problem: str) -> None:
        super().__init__(f"row {row}, field {field}: {problem}")
        self.row = row
        self.field = field


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    score: float


def read_records(path: Path) -> tuple[list[str], list[matching.Normalised]]:
    """Record ids and normalised records of a CSV with ``HEADER``; ``InputError`` on the
    first unreadable row."""
    ids: list[str] = []
    records: list[matching.Normalised] = []
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8-sig") as source:
        reader = csv.reader(source)
        header = tuple(h.strip() for h in next(reader, ()))
        if header != HEADER:
            raise InputError(1, "header", "expected " + ",".join(HEADER))
        for row_number, row in enumerate(reader, start=2):
            if len(row) != len(HEADER):
                raise InputError(row_number, "row", f"expected {len(HEADER)} fields")
            record_id = row[0].strip()
            if not record_id or record_id in seen:
                raise InputError(row_number, "record_id", "empty or repeated")
            seen.add(record_id)
            try:
                records.append(matching.normalise(matching.Record(*row[1:]), strict=True))
            except matching.InvalidRecord as exc:
                raise InputError(row_number, exc.field_name, f"expected {exc.expected}") from exc
            ids.append(record_id)
    return ids, records


def blocks(
    records: list[matching.Normalised], extra_keys: list[set[str]] | None = None
) -> list[list[int]]:
    """The record indices sharing each blocking key (keys of 2..MAX_BLOCK records).
    ``extra_keys`` adds keys of the caller's own to each record (other fields)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        keys = matching.blocking_keys(record)
        if extra_keys is not None:
            keys |= extra_keys[index]
        for key in keys:
            by_key[key].append(index)
    return [members for members in by_key.values() if 1 < len(members) <= MAX_BLOCK]


# Set in the parent before the workers fork, read by them (no pickling of the register).
_STATE: dict[str, object] = {}


def _candidates(i: int) -> set[int]:
    neighbours: list[list[list[int]]] = _STATE["neighbours"]  # type: ignore[assignment]
    return {j for members in neighbours[i] for j in members if j > i}


def _count_share(share: int) -> Counter[matching.Comparison]:
    """Pass 1 in a worker: how many pairs show each comparison pattern."""
    records: list[matching.Normalised] = _STATE["records"]  # type: ignore[assignment]
    workers: int = _STATE["workers"]  # type: ignore[assignment]
    frequencies: matching.NameFrequencies = _STATE["frequencies"]  # type: ignore[assignment]
    forms: matching.NameForms = {}
    patterns: Counter[matching.Comparison] = Counter()
    for i in range(share, len(records), workers):
        record = records[i]
        patterns.update(
            matching.comparison(record, records[j], frequencies, forms) for j in _candidates(i)
        )
    return patterns


def _score_share(share: int) -> list[tuple[int, int, float]]:
    """Pass 2 in a worker: the pairs at or above the threshold."""
    records: list[matching.Normalised] = _STATE["records"]  # type: ignore[assignment]
    workers: int = _STATE["workers"]  # type: ignore[assignment]
    threshold: float = _STATE["threshold"]  # type: ignore[assignment]
    scores: dict[matching.Comparison, float] = _STATE["scores"]  # type: ignore[assignment]
    frequencies: matching.NameFrequencies = _STATE["frequencies"]  # type: ignore[assignment]
    forms: matching.NameForms = {}
    found: list[tuple[int, int, float]] = []
    for i in range(share, len(records), workers):
        record = records[i]
        for j in _candidates(i):
            score = scores[matching.comparison(record, records[j], frequencies, forms)]
            if score >= threshold:
                found.append((i, j, score))
    return found


RANDOM_PAIRS = 200_000


def random_pairs(
    records: list[matching.Normalised], frequencies: matching.NameFrequencies | None = None
) -> Counter[matching.Comparison]:
    """The comparison patterns of random pairs of records (a fixed seed)."""
    rng = random.Random(14)  # noqa: S311 (a sample of pairs, no secret)  # nosec B311
    forms: matching.NameForms = {}
    patterns: Counter[matching.Comparison] = Counter()
    size = len(records)
    for _ in range(min(RANDOM_PAIRS, size * (size - 1) // 2)):
        i, j = rng.randrange(size), rng.randrange(size)
        if i != j:
            patterns[matching.comparison(records[i], records[j], frequencies, forms)] += 1
    return patterns


def _run(function: Callable[[int], _T], workers: int) -> list[_T]:
    if workers <= 1:
        return [function(0)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(function, range(workers))


# The register's own model is kept when it finds about as many duplicates as the fitted
# one (within this factor); otherwise EM has found another structure than persons (the
# families of a register with few distinct names) and the fitted model is kept.
AGREEMENT = 1.5
# Below this many records a register says too little to re-estimate the model.
MIN_ADAPT = 1_000


def _adapted(
    records: list[matching.Normalised],
    patterns: Counter[matching.Comparison],
    sample: Counter[matching.Comparison],
    fixed: dict[matching.Comparison, float],
    frequencies: matching.NameFrequencies,
    say: Progress,
) -> dict[matching.Comparison, float]:
    fitted = model.estimate(
        patterns,
        sample,
        all_pairs=len(records) * (len(records) - 1) // 2,
        frequencies=frequencies,
    )
    adapted = {c: fitted.probability(c) for c in patterns}
    expected_fixed = sum(n * fixed[c] for c, n in patterns.items())
    expected_adapted = sum(n * adapted[c] for c, n in patterns.items())
    if expected_fixed and 1 / AGREEMENT <= expected_adapted / expected_fixed <= AGREEMENT:
        say(f"model estimated on this register: about {expected_adapted:.0f} true pairs")
        return adapted
    say(
        f"the register's own model finds {expected_adapted:.0f} true pairs, the fitted one "
        f"{expected_fixed:.0f}: keeping the fitted model"
    )
    return fixed


def calibrated_threshold(
    patterns: Counter[matching.Comparison], scores: dict[matching.Comparison, float]
) -> float:
    """The threshold at which the expected F1 of the pairs kept is highest, from the model's
    own probabilities (no labels): kept above t, the expected true pairs found are the sum
    of their probabilities, the expected true pairs in all the sum over every pair compared,
    so F1(t) = 2 * found / (kept + all). Never below 0.05 nor above 0.5 (for calibrated
    probabilities the best threshold is about half the best F1)."""
    expected = sum(count * scores[c] for c, count in patterns.items())
    best, best_f1, kept, found = 0.5, -1.0, 0, 0.0
    for c in sorted(patterns, key=scores.__getitem__, reverse=True):
        if scores[c] < MIN_THRESHOLD:
            break
        kept += patterns[c]
        found += patterns[c] * scores[c]
        f1 = 2 * found / (kept + expected)
        if f1 > best_f1:
            best, best_f1 = scores[c], f1
    return min(0.5, best)


# The calibrated threshold stays at or above this (pairs are kept at a probability of 5 %
# only when nothing likelier is there to find).
MIN_THRESHOLD = 0.05


def score_pairs(
    records: list[matching.Normalised],
    *,
    threshold: float | None,
    workers: int = 1,
    adapt: bool = True,
    extra_keys: list[set[str]] | None = None,
    progress: Progress | None = None,
) -> tuple[list[tuple[int, int, float]], int]:
    """(pairs (i, j, score) with i < j and score >= threshold, pairs compared).

    With ``threshold`` None the threshold is the model's own (``calibrated_threshold``).

    With ``adapt`` the model is re-estimated on this register (``model.estimate``) and
    kept if it agrees with the fitted one within ``AGREEMENT`` on the number of true
    pairs; otherwise (and without ``adapt``) the fitted weights of
    ``match_probability`` score the pairs."""
    say = progress or (lambda _message: None)
    block_list = blocks(records, extra_keys)
    neighbours: list[list[list[int]]] = [[] for _ in records]
    for members in block_list:
        for index in members:
            neighbours[index].append(members)
    say(f"{len(records)} records, {len(block_list)} blocks; {workers} process(es)")
    frequencies = matching.NameFrequencies(records)
    _STATE.update(
        records=records,
        neighbours=neighbours,
        workers=workers,
        threshold=threshold,
        frequencies=frequencies,
    )
    try:
        patterns: Counter[matching.Comparison] = Counter()
        for counted in _run(_count_share, workers):
            patterns.update(counted)
        compared = sum(patterns.values())
        say(f"{compared} pairs compared, {len(patterns)} comparison patterns")
        scores = {c: matching.match_probability_of(c, len(records)) for c in patterns}
        if adapt and len(records) >= MIN_ADAPT:
            sample = random_pairs(records, frequencies)
            scores = _adapted(records, patterns, sample, scores, frequencies, say)
        if threshold is None:
            threshold = calibrated_threshold(patterns, scores)
            say(f"threshold {threshold:.3f} (highest expected F1 by the model's probabilities)")
        _STATE.update(scores=scores, threshold=threshold)
        found = sorted(pair for pairs in _run(_score_share, workers) for pair in pairs)
    finally:
        _STATE.clear()
    say(f"{len(found)} pairs at or above {threshold}")
    return found, compared


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def dedupe(
    ids: list[str],
    records: list[matching.Normalised],
    *,
    threshold: float | None = 0.5,
    workers: int = 1,
    adapt: bool = True,
    progress: Progress | None = None,
) -> Iterator[Pair]:
    found, _compared = score_pairs(
        records, threshold=threshold, workers=workers, adapt=adapt, progress=progress
    )
    for i, j, score in found:
        yield Pair(ids[i], ids[j], score)


def write_pairs(path: Path, pairs: Iterable[Pair]) -> int:
    """Writes ``OUT_HEADER`` and one line a pair to ``path`` (via a temporary file, so a
    failure leaves nothing behind); returns the number of pairs."""
    temporary = path.with_name(f".{path.name}.partial")
    count = 0
    try:
        with temporary.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(OUT_HEADER)
            for pair in pairs:
                writer.writerow((pair.a, pair.b, f"{pair.score:.4f}"))
                count += 1
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return count
