"""The Fellegi-Sunter model of a register, re-estimated on the register itself.

``matching.match_probability`` scores one pair with the weights fitted once on a
labelled generated register (the intake check). A whole register (``haven linkage
dedupe``) tells more: how often its duplicates differ in a given name, how common
same-surname-same-birthday relatives are. ``estimate`` takes u (how often two different persons
agree by chance) from random pairs of the register, as Splink does, and runs
expectation-maximisation for m (how often one person's records agree) and the share
of true pairs over the pairs that share a blocking key, starting from the m fitted on
the generated register and keeping it as a prior (pseudo-counts): a small register
stays close to the prior, a large one speaks for itself. The result gives, for each
pattern, the posterior probability that the pair is one person.

Random pairs are not all of two different persons: in a register where most persons
have a duplicate, a random pair is one person about as often as two strangers share a
date of birth, so the share of random pairs agreeing on a date (or a rare name) over-
states u, the chance agreement, and every pair agreeing on it is scored too low. At
each EM step u is therefore taken again from the random pairs, each weighted by the
probability that it is of two different persons under the current model (the random
pairs' own E step); where duplicates are rare the weights are all about 1 and u is the
plain share.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from haven.linkage import matching

_DATA = Path(__file__).resolve().parent / "data"
FIELDS = ("given", "family", "date", "sex", "nationality", "patronymic", "swapped", "rarity")
SIZES = (
    len(matching.NAME_LEVELS), len(matching.NAME_LEVELS), len(matching.DATE_LEVELS),
    len(matching.AGREE_LEVELS), len(matching.AGREE_LEVELS), len(matching.AGREE_LEVELS), 2,
    len(matching.RARITY_LEVELS),
)  # fmt: skip
# The rarity of an agreeing full name is evidence beyond the names' own agreement: its m
# and u are shares among the pairs whose names agree, and its level "none" weighs nothing
# (m = u = 1), so the agreement is not counted twice.
RARITY = FIELDS.index("rarity")
# The prior's weight, in pairs. The fitted m comes from a generated register that never
# replaces a date or a given name outright (m of a replaced date 0.9 %); worth 500 pairs
# it held that m at 1.8 % on FEBRL4's Cyrillic variant, whose 4,800 candidate duplicate
# pairs show 3.3 % (2.3 % worth 50). Worth 50 it still steers a register of a few
# hundred duplicates and keeps a level the register never shows from falling to nothing.
PRIOR_PAIRS = 50.0
_FLOOR = 1e-6


@dataclass(frozen=True)
class Model:
    """m and u probabilities of each level of each field, and the share of true pairs
    among all the pairs of the register (``share``)."""

    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    share: float

    def probability(self, c: matching.Comparison) -> float:
        log_m = sum(math.log(self.m[f][level]) for f, level in enumerate(c))
        log_u = sum(math.log(self.u[f][level]) for f, level in enumerate(c))
        odds = math.log(self.share) - math.log(1 - self.share) + log_m - log_u
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, odds))))


@lru_cache(maxsize=1)
def prior_m() -> tuple[tuple[float, ...], ...]:
    """m of each level among the true pairs of the labelled generated register
    (``data/weights.json``): the start and the prior of the estimate."""
    data = json.loads((_DATA / "weights.json").read_text(encoding="utf-8"))["prior"]
    return tuple(tuple(row) for row in data["m"])


def _normalised(counts: list[float], field: int = 0) -> tuple[float, ...]:
    if field == RARITY:
        total = sum(counts[1:])
        return (1.0, *(max(_FLOOR, c / total) for c in counts[1:]))
    total = sum(counts)
    return tuple(max(_FLOOR, c / total) for c in counts)


def u_of(
    random_pairs: Counter[matching.Comparison],
    frequencies: matching.NameFrequencies | None = None,
    model: Model | None = None,
) -> tuple[tuple[float, ...], ...]:
    """u of each level: its share among random pairs of the register (as Splink does);
    the rarity's from the register's ``frequencies`` (``matching.rarity_u``), as random
    pairs rarely agree on a full name. With ``model``, each random pair counts by the
    probability that it is of two different persons under that model (the duplicates
    among the random pairs do not count as chance agreement)."""
    counts = [[0.5] * size for size in SIZES]
    for pattern, count in random_pairs.items():
        weight = count * (1.0 - model.probability(pattern)) if model is not None else count
        for f, level in enumerate(pattern):
            counts[f][level] += weight
    u = [_normalised(row, f) for f, row in enumerate(counts)]
    if frequencies is not None:
        u[RARITY] = matching.rarity_u(frequencies)
    return tuple(u)


def estimate(
    patterns: Counter[matching.Comparison],
    random_pairs: Counter[matching.Comparison],
    *,
    all_pairs: int,
    frequencies: matching.NameFrequencies | None = None,
    iterations: int = 40,
) -> Model:
    """EM for m and the share of true pairs, u from random pairs (and the rarity's from
    the register's name ``frequencies``), the random pairs weighted at each step by the
    probability that they are of two different persons. ``patterns`` counts the pairs
    that share a blocking key; the other pairs of the register (of ``all_pairs``) count
    as different persons."""
    start = prior_m()
    u = u_of(random_pairs, frequencies)
    model = Model(m=start, u=u, share=min(0.5, max(_FLOOR, 1.0 / max(2, all_pairs))))
    items = list(patterns.items())
    for _ in range(iterations):
        m_counts = [[PRIOR_PAIRS * p for p in row] for row in start]
        matched = 0.0
        for pattern, count in items:
            r = model.probability(pattern)
            matched += r * count
            for f, level in enumerate(pattern):
                m_counts[f][level] += r * count
        share = min(0.5, max(_FLOOR / max(1, all_pairs), matched / max(1, all_pairs)))
        m = tuple(_normalised(row, f) for f, row in enumerate(m_counts))
        u = u_of(random_pairs, frequencies, model)
        new = Model(m=m, u=u, share=share)
        change = abs(math.log(new.share) - math.log(model.share))
        model = new
        if change < 1e-5:
            break
    return model
