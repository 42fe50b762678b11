"""Which encodings of two files are one person: Dice coefficients, blocked by
Hamming LSH, matched one to one.

Blocking needs no names: each of ``bands`` bands samples ``band_bits`` bit positions
of the filter (the same for both files, fixed by the schema), and two records are
compared only when their filters agree on every sampled bit of at least one band.
Two encodings of one person differ in few bits and share a band with high
probability; two different people rarely do, so 100,000 by 100,000 records are not
compared pair by pair.

The score of a pair is the Dice coefficient of the two filters,
2·|a ∧ b| / (|a| + |b|). Pairs at or above the threshold are matched greedily,
best score first, each record at most once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from haven.linkage.pprl.errors import ErrorCode, PprlError, SchemaMismatch
from haven.linkage.pprl.exchange import Encodings
from haven.linkage.pprl.schema import Schema

DEFAULT_THRESHOLD = 0.78
BANDS = 40
BAND_BITS = 18


@dataclass(frozen=True)
class Match:
    a: int  # index in the first file
    b: int  # index in the second file
    score: float


def dice(a: int, b: int) -> float:
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


def compatible_check(a: Encodings, b: Encodings) -> None:
    """Refuses files made under two schemas or two secrets: their encodings cannot be
    compared (every score would be noise)."""
    if a.schema.digest != b.schema.digest:
        raise SchemaMismatch(
            _("The two files were encoded under different linkage schemas (%(a)s, %(b)s).")
            % {"a": a.schema.label, "b": b.schema.label}
        )
    if a.secret_check != b.secret_check:
        raise PprlError(
            _("The two files were encoded with different shared secrets."),
            code=ErrorCode.SECRET_MISMATCH,
        )


def band_masks(schema: Schema, bands: int = BANDS, band_bits: int = BAND_BITS) -> list[int]:
    """The sampled positions of each band as an int mask, derived from the schema so
    both files and every run use the same ones (they need not be secret)."""
    masks: list[int] = []
    for band in range(bands):
        mask, counter = 0, 0
        while mask.bit_count() < band_bits:
            seed = f"{schema.digest}|band {band}|{counter}".encode("ascii")
            position = int.from_bytes(hashlib.sha256(seed).digest()[:8], "big")
            mask |= 1 << (position % schema.filter_bits)
            counter += 1
        masks.append(mask)
    return masks


def as_ints(filters: Sequence[bytes]) -> list[int]:
    return [int.from_bytes(f, "big") for f in filters]


def match(
    a: Sequence[int],
    b: Sequence[int],
    *,
    masks: Sequence[int],
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> list[Match]:
    """One-to-one matches between filters ``a`` and ``b`` scoring at least ``threshold``."""
    scores: dict[tuple[int, int], float] = {}
    counts_a = [f.bit_count() for f in a]
    counts_b = [f.bit_count() for f in b]
    for done, mask in enumerate(masks, start=1):
        buckets: defaultdict[int, list[int]] = defaultdict(list)
        for j, bloom in enumerate(b):
            buckets[bloom & mask].append(j)
        for i, bloom in enumerate(a):
            for j in buckets.get(bloom & mask, ()):
                total = counts_a[i] + counts_b[j]
                score = 2 * (bloom & b[j]).bit_count() / total if total else 0.0
                if score >= threshold:
                    scores[(i, j)] = score
        if progress is not None:
            progress(done, len(masks))
    return one_to_one(scores)


def one_to_one(scores: dict[tuple[int, int], float]) -> list[Match]:
    """Greedy: the best-scoring pair first, each record in one pair at most."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches: list[Match] = []
    for (i, j), score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append(Match(a=i, b=j, score=score))
    return matches
