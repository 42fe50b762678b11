"""Fits the match weights of ``haven.linkage.matching`` on a labelled generated register
and writes ``haven/linkage/data/weights.json``.

    python -m bench.linkage_fit [--persons 8000] [--seed 1]

The register comes from ``bench.linkage_data`` with a seed of its own (the benchmark and
the tests use others). Among the pairs that share a blocking key:

- m(level) = share of all the true pairs at that level, u(level) = share of random
  pairs of records at that level (as Splink estimates u), both smoothed with 1/2; a
  level's weight is log2(m/u) (Fellegi-Sunter), 0 for a level never seen;
- the rarity of an agreeing full name (``matching.RARITY_LEVELS``) is weighed given that
  both names agree: m among the true pairs whose names agree, u from the register's own
  name frequencies (``matching.rarity_u``), never rising with the name's commonness;
- the summed weight is then calibrated to a probability by a logistic regression
  (Newton's method on two parameters), so that a score of 0.9 means that about nine
  pairs in ten scored so are one person, among pairs that share a blocking key.

Two rounds: the first weights decide which reading of swapped names is kept, the
second counts again with that choice.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import linkage_data
from haven.linkage import dedupe, matching, model

WEIGHTS = Path(matching.__file__).resolve().parent / "data" / "weights.json"
FIELDS = {
    "given": matching.NAME_LEVELS,
    "family": matching.NAME_LEVELS,
    "date": matching.DATE_LEVELS,
    "sex": matching.AGREE_LEVELS,
    "nationality": matching.AGREE_LEVELS,
    "patronymic": matching.AGREE_LEVELS,
}


Register = tuple[list[str], list[matching.Normalised], set[tuple[str, str]]]


def generated(persons: int, seed: int) -> Register:
    rows, truth = linkage_data.register(persons, seed=seed)
    ids = [r["record_id"] for r in rows]
    records = [
        matching.normalise(matching.Record(*(r[f] for f in linkage_data.FIELDS[1:]))) for r in rows
    ]
    return ids, records, truth


def labelled_pairs(register: Register) -> list[tuple[matching.Comparison, bool]]:
    """The pairs that share a blocking key, with their label."""
    ids, records, truth = register
    frequencies = matching.NameFrequencies(records)
    found, _ = dedupe.score_pairs(records, threshold=0.0, adapt=False)
    return [
        (
            matching.comparison(records[i], records[j], frequencies),
            tuple(sorted((ids[i], ids[j]))) in truth,
        )
        for i, j, _score in found
    ]


def true_and_random(
    register: Register, samples: int
) -> tuple[list[matching.Comparison], list[matching.Comparison]]:
    ids, records, truth = register
    frequencies = matching.NameFrequencies(records)
    index = {record_id: n for n, record_id in enumerate(ids)}
    matches = [
        matching.comparison(records[index[a]], records[index[b]], frequencies)
        for a, b in sorted(truth)
    ]
    rng = random.Random(0)
    others: list[matching.Comparison] = []
    while len(others) < samples:
        i, j = rng.randrange(len(ids)), rng.randrange(len(ids))
        if i != j and tuple(sorted((ids[i], ids[j]))) not in truth:
            others.append(matching.comparison(records[i], records[j], frequencies))
    return matches, others


def _weight(m: int, u: int, matches: int, others: int) -> float:
    if not m and not u:
        return 0.0
    return round(math.log2(((m + 0.5) / (matches + 1)) / ((u + 0.5) / (others + 1))), 3)


def rarity_weights(
    matches: list[matching.Comparison], frequencies: matching.NameFrequencies
) -> list[float]:
    """log2(m/u) of each rarity level given that both names agree: m among the true
    pairs whose names agree, u among the pairs of records carrying one full name
    (``matching.rarity_u``), never rising with the name's commonness; "none" weighs 0."""
    m = Counter(c.rarity for c in matches if c.rarity)
    agreeing = sum(m.values())
    u = matching.rarity_u(frequencies)
    weights = [0.0]
    for k in range(1, len(matching.RARITY_LEVELS)):
        weight = round(math.log2(((m[k] + 0.5) / (agreeing + 1)) / u[k]), 3)
        # A commoner name is never stronger evidence than a rarer one (a level the fitted
        # register barely holds would otherwise weigh by the smoothing alone).
        weights.append(weight if k == 1 else min(weight, weights[-1]))
    return weights


def level_weights(
    matches: list[matching.Comparison],
    others: list[matching.Comparison],
    frequencies: matching.NameFrequencies,
) -> dict[str, object]:
    levels: dict[str, list[float]] = {}
    for name, labels in FIELDS.items():
        m = Counter(getattr(c, name) for c in matches)
        u = Counter(getattr(c, name) for c in others)
        levels[name] = [_weight(m[k], u[k], len(matches), len(others)) for k in range(len(labels))]
    levels["rarity"] = rarity_weights(matches, frequencies)
    swapped = _weight(
        sum(c.swapped for c in matches), sum(c.swapped for c in others), len(matches), len(others)
    )
    return {"levels": levels, "swapped": swapped}


def em_prior(matches: list[matching.Comparison]) -> dict[str, object]:
    """m of each level among all the true pairs (the start and the prior of the EM that
    ``haven.linkage.model`` runs on a register)."""
    m = []
    for index, size in enumerate(model.SIZES):
        counts = Counter(c[index] for c in matches)
        smoothed = [counts[k] + 0.5 for k in range(size)]
        m.append([round(p, 6) for p in model._normalised(smoothed, index)])
    return {"m": m}


def _loss(scores: list[tuple[float, bool]], slope: float, intercept: float) -> float:
    total = 0.0
    for x, y in scores:
        z = slope * x + intercept
        total += math.log1p(math.exp(-abs(z))) + max(z, 0.0) - (z if y else 0.0)
    return total


def calibrate(scores: list[tuple[float, bool]]) -> tuple[float, float]:
    """Logistic regression of the label on the score: Newton-Raphson with step halving
    on the log-loss (two parameters)."""
    slope, intercept = 0.3, -3.0
    loss = _loss(scores, slope, intercept)
    for _ in range(100):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for x, y in scores:
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, slope * x + intercept))))
            g0 += (p - y) * x
            g1 += p - y
            w = p * (1 - p) + 1e-12
            h00 += w * x * x
            h01 += w * x
            h11 += w
        det = h00 * h11 - h01 * h01
        d0, d1 = (h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det
        step = 1.0
        while step > 1e-6:
            new = _loss(scores, slope - step * d0, intercept - step * d1)
            if new <= loss:
                break
            step /= 2
        if step <= 1e-6 or loss - new < 1e-9:
            break
        slope, intercept, loss = slope - step * d0, intercept - step * d1, new
    return slope, intercept


def fit(persons: int, seed: int) -> dict[str, object]:
    data: dict[str, object] = {}
    register = generated(persons, seed)
    for _round in range(2):
        matching._weights.cache_clear()
        matching._probability.cache_clear()
        matches, others = true_and_random(register, samples=400_000)
        data = level_weights(matches, others, matching.NameFrequencies(register[1]))
        provisional = {**data, "calibration": {"slope": 1, "intercept": 0, "records": 1}}
        # The candidate pairs are found with these weights (the levels may have changed).
        WEIGHTS.write_text(json.dumps(provisional, indent=1) + "\n", encoding="utf-8")
        matching._weights.cache_clear()
        matching._probability.cache_clear()
        pairs = labelled_pairs(register)
        weights = matching.load_weights(provisional)
        slope, intercept = calibrate([(weights.score(c), label) for c, label in pairs])
        data["calibration"] = {
            "slope": round(slope, 4),
            "intercept": round(intercept, 4),
            "records": len(register[0]),
        }
        data["prior"] = em_prior(matches)
        data["fitted_on"] = {
            "generator": "bench.linkage_data",
            "persons": persons,
            "seed": seed,
            "candidate_pairs": len(pairs),
            "true_pairs": sum(label for _c, label in pairs),
        }
        WEIGHTS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(fit(args.persons, args.seed)))


if __name__ == "__main__":
    main()
