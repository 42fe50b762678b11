"""The linkage benchmark's own parts that need neither recordlinkage nor Splink."""

from __future__ import annotations

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
