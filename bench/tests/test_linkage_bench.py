"""The linkage benchmark's own parts that need neither recordlinkage nor Splink."""

from __future__ import annotations

import pytest

from bench import linkage, linkage_data


def test_the_cyrillic_variant_writes_names_in_cyrillic_or_with_diacritics() -> None:
    rows = [
        {"record_id": str(n), "given_name": "sarah", "family_name": "white"} for n in range(200)
    ]
    changed = linkage.cyrillic_variant(rows)
    cyrillic = sum(r["given_name"] == "сарах" for r in changed)
    plain = sum(r["given_name"] == "sarah" for r in changed)
    assert 40 <= cyrillic <= 80  # about 30 %
    assert 80 <= plain <= 140  # half untouched, some of the 20 % keep every letter
    assert linkage.to_cyrillic("shchukin john") == "щукин джохн"


def test_the_generated_register_is_reproducible_and_its_pairs_are_its_records() -> None:
    rows, pairs = linkage_data.register(60, seed=5)
    again, same_pairs = linkage_data.register(60, seed=5)
    assert rows == again and pairs == same_pairs
    ids = {r["record_id"] for r in rows}
    assert pairs and all(a in ids and b in ids and a < b for a, b in pairs)
    assert {tuple(r) for r in rows} == {tuple(linkage_data.FIELDS)}


def _digest(rows: list[dict[str, str]], pairs: set[tuple[str, str]]) -> str:
    import hashlib
    import json

    text = json.dumps([rows, sorted(pairs)], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_default_register_is_unchanged_byte_for_byte() -> None:
    # The ``generated`` dataset, the fitted weights and their figures depend on it.
    assert _digest(*linkage_data.register(300, seed=7)) == (
        "3f795bffc1854d180b2edfa23d2640732273a77883d59834bd9e6b70c8b759a1"
    )
    assert linkage_data.register(300, seed=7) == linkage_data.register(300, 7, names="small")


def test_the_realistic_register_is_reproducible_by_seed_and_differs_by_seed() -> None:
    rows, pairs = linkage_data.register(400, seed=5, names="realistic")
    assert (rows, pairs) == linkage_data.register(400, seed=5, names="realistic")
    other, _ = linkage_data.register(400, seed=6, names="realistic")
    assert [(r["given_name"], r["family_name"]) for r in rows] != [
        (r["given_name"], r["family_name"]) for r in other
    ]  # not the record ids alone
    ids = {r["record_id"] for r in rows}
    assert pairs and all(a in ids and b in ids and a < b for a, b in pairs)
    small, _ = linkage_data.register(400, seed=5)
    assert {r["family_name"] for r in rows} != {r["family_name"] for r in small}


def test_realistic_surnames_have_a_zipf_like_frequency() -> None:
    import random
    from collections import Counter

    pools = linkage_data.name_pools()
    rng = random.Random(1)
    drawn = Counter(pools.person(rng, "ru", rng.random() < 0.5).family for _ in range(50_000))
    commonest = drawn.most_common(1)[0][1] / 50_000
    assert 0.005 <= commonest <= 0.015  # about 1 %, as the commonest surname of a country
    assert len(drawn) > 10_000  # a long tail...
    assert sum(n <= 2 for n in drawn.values()) / len(drawn) > 0.6  # ...of unique-ish names
    ranked = [n for _name, n in drawn.most_common()]
    assert ranked[0] > 3 * ranked[99] > 3 * ranked[2000]  # falling with the rank


def test_a_realistic_register_has_fewer_namesakes_than_the_small_pools() -> None:
    from collections import Counter

    def commonest_full_name(names: str) -> int:
        rows, _ = linkage_data.register(8000, seed=9, names=names)
        return Counter((r["given_name"], r["family_name"]) for r in rows).most_common(1)[0][1]

    assert commonest_full_name("realistic") * 2 < commonest_full_name("small")


def test_gendered_surnames_keep_their_forms_in_realistic_pools() -> None:
    import random

    pools = linkage_data.name_pools()
    rng = random.Random(3)
    for origin in ("ru", "lv", "lt", "pl", "cz"):
        women = [pools.person(rng, origin, True) for _ in range(300)]
        assert any(len(p.family_forms) > 1 and p.family_forms[0] != p.family for p in women)
    relative = linkage_data._relative(rng, pools.person(rng, "lt", False), pools)
    assert relative.family_forms[-1] == relative.family


def test_the_realistic_dataset_is_in_the_benchmark() -> None:
    rows, truth = linkage.dataset("generated_realistic", 200)
    assert (rows, truth) == linkage_data.register(200, seed=2015, names="realistic")
    with pytest.raises(ValueError, match="small or realistic"):
        linkage_data.register(10, names="large")


def test_pairs_only_counts_the_pairs_the_engine_compares() -> None:
    from haven.linkage import dedupe, matching

    rows, _ = linkage_data.register(300, seed=4, names="realistic")
    records = [
        matching.normalise(matching.Record(*(r[f] for f in linkage_data.FIELDS[1:]))) for r in rows
    ]
    _found, compared = dedupe.score_pairs(records, threshold=0.5, adapt=False)
    assert compared > 0
    assert linkage.count_pairs(rows) == compared
    line = linkage.measure(
        {"dataset": "generated_realistic", "engine": "haven", "scale": 300, "pairs_only": True}
    )
    assert line["pairs_compared"] == linkage.count_pairs(
        linkage.dataset("generated_realistic", 300)[0]
    )
    assert "f1" not in line
