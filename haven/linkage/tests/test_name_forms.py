"""A batch builds the forms of each name once and shares them among the records that
carry it (``matching.NameForms``), with the same levels as building them for every
pair."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from bench import linkage_data
from haven.linkage import dedupe, matching


def _register(persons: int, seed: int) -> list[matching.Normalised]:
    rows, _truth = linkage_data.register(persons, seed=seed)
    return [
        matching.normalise(matching.Record(*(r[f] for f in linkage_data.FIELDS[1:]))) for r in rows
    ]


def test_shared_forms_give_every_pair_the_same_levels() -> None:
    records = _register(120, seed=8)
    forms: matching.NameForms = {}
    frequencies = matching.NameFrequencies(records)
    for a, b in itertools.combinations(records, 2):
        assert matching.comparison(a, b, frequencies, forms) == matching.comparison(
            a, b, frequencies
        )
    # Swapped names read the family name with its diminutives' groups: kept apart from
    # the family name read as a family name.
    assert any(key[3] is None for key in forms)
    assert any(key[3] is not None and key[3] == frozenset() for key in forms)


def test_a_batch_builds_each_name_once_not_once_a_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Forty records of two given and two family names, all born in one year: they share
    # blocking keys, so each record is compared with many others.
    records = [
        matching.normalise(matching.Record(given, family, "F", f"1990-{month:02d}-{day:02d}", ""))
        for given, family in itertools.product(("Anna", "Anne"), ("Ivanova", "Ivanenko"))
        for month, day in zip(range(1, 11), range(11, 21), strict=True)
    ]
    built: Counter[matching._NameKey] = Counter()
    real = matching._built

    def counting(key: matching._NameKey) -> matching._Name:
        built[key] += 1
        return real(key)

    monkeypatch.setattr(matching, "_built", counting)
    _found, compared = dedupe.score_pairs(records, threshold=0.5, adapt=False)
    assert compared > 100
    # One worker: pass 1 and pass 2 each build a name at most once (each pass has its own
    # NameForms). Built for each pair, a name would be built for every pair it is in.
    assert built and max(built.values()) <= 2
