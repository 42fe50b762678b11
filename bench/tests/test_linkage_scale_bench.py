"""The intake check at scale (``bench.linkage_scale``), on a register of a few hundred."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from bench import linkage_data, linkage_scale
from haven.accounts.models import Role, User
from haven.cases.models import Case
from haven.linkage import matching, selectors
from haven.linkage.models import BlockingKey
from haven.vault import services as vault


def test_names_are_drawn_from_large_pools_a_few_common_and_a_long_tail() -> None:
    # when
    generator = linkage_scale.Generator(3)
    people = [generator.identity() for _ in range(20_000)]

    # then: reproducible, many scripts, and no surname shared by a large share
    again = linkage_scale.Generator(3)
    assert [again.identity() for _ in range(50)] == people[:50]
    surnames = Counter(p.family for p in people)
    assert len(surnames) > 5_000
    assert surnames.most_common(1)[0][1] < 0.02 * len(people)
    assert sum(n for n in surnames.values() if n == 1) > 0.2 * len(people)  # the long tail
    assert any(linkage_scale._is_cyrillic(p.family) for p in people)
    assert any("\u0e00" <= p.family[0] <= "\u0e7f" for p in people)  # Thai
    assert any(
        not p.family.isascii() and p.family.isalpha() for p in people if p.citizenship == "CZ"
    )


def test_another_agencys_spelling_differs_and_stays_the_same_person() -> None:
    # given
    generator = linkage_scale.Generator(5)
    people = [generator.identity() for _ in range(300)]
    rng = random.Random(1)

    # when
    typed = [linkage_scale.spelling(rng, p) for p in people]

    # then: written otherwise, mostly in Latin letters, still scored as one person
    differ = sum(
        (t["given_name"], t["family_name"]) != (p.given, p.family)
        for p, t in zip(people, typed, strict=True)
    )
    assert differ > 0.95 * len(people)  # a typo leaves a very short name as it is
    latin = sum((t["given_name"] + t["family_name"]).isascii() for t in typed)
    assert latin > 0.8 * len(people)
    stored = [
        matching.normalise(
            matching.Record(
                given_name=p.given, family_name=p.family, date_of_birth=p.born.isoformat()
            )
        )
        for p in people
    ]
    asked = [
        matching.normalise(
            matching.Record(
                given_name=t["given_name"],
                family_name=t["family_name"],
                date_of_birth=t["date_of_birth"],
            )
        )
        for t in typed
    ]
    shared = sum(
        bool(matching.blocking_keys(s) & matching.blocking_keys(a))
        for s, a in zip(stored, asked, strict=True)
    )
    assert shared > 0.9 * len(people)


@pytest.mark.django_db
def test_it_seeds_persons_as_intake_stores_them_and_times_the_check() -> None:
    # when
    seeded = linkage_scale.seed(persons=120, seed=2, batch_size=50, known=4)

    # then: each person sealed under its own data key, keyed as identity_indexed keys
    assert Case.objects.count() == 120 and len(seeded.known) == 4
    case = Case.objects.select_related("person__data_key").get(
        reference=linkage_scale._reference(0)
    )
    first = linkage_scale.Generator(2 * 1_000_003).identity()
    person = case.person
    assert person.given_name_enc is not None
    assert (
        vault.decrypt(
            key=person.data_key, ciphertext=person.given_name_enc, context="person.given_name"
        )
        == first.given
    )
    record = matching.Record(
        given_name=first.given,
        family_name=first.family,
        sex=selectors.SEX_CODES.get(first.sex, ""),
        date_of_birth=first.born.isoformat(),
        nationality=first.citizenship,
    )
    keys = set(BlockingKey.objects.filter(person=person).values_list("key", flat=True))
    assert keys == set(selectors.keyed(matching.normalise(record)))
    assert seeded.blocking_keys == BlockingKey.objects.count()
    again = linkage_scale.known_in_register(persons=120, seed=2, batch_size=50, known=4)
    assert again == seeded.known  # a later run finds the same persons to look for

    # when: the check, for each of the known and as many strangers
    opener = User.objects.get(username=linkage_scale.OPENER)
    asker = User.objects.create(
        username="asker", organisation=opener.organisation, role=Role.CASEWORKER
    )
    typed = linkage_scale.bodies(seeded.known, queries=8, seed=2)
    figures, statements = linkage_scale.time_checks(asker, typed, warm_up=1)

    # then
    assert figures["known_asked"] == figures["new_asked"] == 4
    assert figures["known_found"] >= 3
    assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["queries_per_check_median"] > 0
    assert len(statements) == 8  # one candidate query a check
    sizes = linkage_scale.block_sizes()
    assert sizes["rows"] == seeded.blocking_keys and sizes["block_max"] >= 1

    # when: the calibration, against the persons the bench knows
    references = linkage_scale.known_references(persons=120, seed=2, known=4)
    calibration = linkage_scale.calibration(asker, typed, references)

    # then: the known persons' own cases among the pairs, each pair in one tenth
    assert len(references) == 4
    assert calibration["pairs"] >= calibration["true_pairs"] >= 3
    assert sum(cell["pairs"] for cell in calibration["tenths"]) == calibration["pairs"]
    assert 0 <= calibration["ece"] <= 1


def test_it_writes_a_register_for_the_dedupe_command(tmp_path: Path) -> None:
    # when
    path = tmp_path / "register.csv"
    records = linkage_scale.write_register(path, persons=40, seed=1)

    # then
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == records and 40 < records <= 120
    assert tuple(rows[0]) == linkage_data.FIELDS
    assert len({r["record_id"] for r in rows}) == records
