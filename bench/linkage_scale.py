"""``make bench`` (linkage, issue 14): "is this person already known?" at a million persons.

    scripts/with-postgres.sh python -m bench.linkage_scale --persons 1000000 [--queries 400]
    python -m bench.linkage_scale --persons 20000            # SQLite, smaller

Seeds ``--persons`` persons the way intake stores them: each with its own data key
(wrapped by the master key, as ``vault.data_key_create`` does), the identity sealed by
``cases.services._encrypt_person`` and its keyed blocking keys computed by
``linkage.selectors.keyed`` from the identity as ``identity_indexed`` reads it, a case
and its lead organisation; on PostgreSQL written with COPY. Names are drawn from large
pools with a Zipf-like frequency (a few common names, a long tail), in the scripts the
persons' countries write them in (Cyrillic, Latin with diacritics, Thai, Chinese,
Georgian, Armenian, Devanagari), so that blocks are as large as a real register's,
not as the small pools of ``bench.linkage_data`` make them.

Then it times the intake check (``linkage.services.intake_check``, the service the
intake page calls, with its audit events) for ``--queries`` identities: half persons of
the register written as another agency would (another romanisation, diacritics
dropped, the masculine form of a surname, a typing error, names swapped; the full
date, day and month swapped, or an estimate as 1 January of the year or the next),
half persons who are not in it. Prints one JSON line per figure: the seeding, the
sizes of the blocks, the check's p50/p95/p99 (wall and CPU), candidates decrypted and
queries per check, how many known and new persons it reported; on PostgreSQL also the
server's execution time of the candidate query (EXPLAIN ANALYZE), robust to the load
of the machine; and whether the check's probability is calibrated (``calibration``:
the predicted probability against the share of true pairs, per band). The goal
(issue 14): p95 < 50 ms at 1,000,000 persons on PostgreSQL.

``--seed-only`` stops after seeding (the database stays, if it is not a temporary one);
``--measure-only`` measures a register seeded earlier with the same ``--persons``,
``--seed`` and ``--batch-size`` (or any part of it: the identities to look for are drawn
again from the batches it holds).

``--csv PATH`` writes instead a register for ``haven linkage dedupe`` (one to three
records a person, as ``bench.linkage_data`` writes them) from the same pools, and
exits: the batch deduplication at size.

Uses a temporary SQLite database unless HAVEN_SQLITE_PATH or DATABASE_URL is set (as
``bench.run`` does); a given database must hold no cases.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, cast

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import linkage_data
from bench.run import configure_environment, percentile

COUNTRY = "FI"
LEADS = 5  # organisations leading cases; the asker is on the first one's staff
GOAL_P95_MS = 50
OPENER = "bench-linkage-opener"
ASKER = "bench-linkage-asker"
# (citizenship, weight, Faker locale, surnames' long tail as a multiple of the pool)
ORIGINS: tuple[tuple[str, int, str, int], ...] = (
    ("RU", 12, "ru_RU", 40), ("UA", 11, "uk_UA", 15), ("BG", 3, "bg_BG", 30),
    ("RO", 8, "ro_RO", 60), ("PL", 4, "pl_PL", 60), ("CZ", 3, "cs_CZ", 30),
    ("SK", 2, "sk_SK", 10), ("LV", 3, "lv_LV", 30), ("LT", 3, "lt_LT", 60),
    ("EE", 3, "et_EE", 20), ("FI", 5, "fi_FI", 20), ("HU", 2, "hu_HU", 40),
    ("VN", 7, "vi_VN", 0), ("TH", 6, "th_TH", 40), ("NG", 9, "yo_NG", 40),
    ("CN", 4, "zh_CN", 0), ("IN", 3, "hi_IN", 40), ("GE", 2, "ka_GE", 20),
    ("AM", 1, "hy_AM", 15), ("AZ", 1, "az_AZ", 30), ("BR", 2, "pt_BR", 60),
    ("MX", 1, "es_MX", 15),
)  # fmt: skip
CYRILLIC_ORIGINS = {"RU", "UA", "BG"}
# Zipf-Mandelbrot shifts: the weight of rank r is 1 / (r + shift). About 1 % of a
# country's persons share its commonest surname, 5 % its commonest given name.
FAMILY_SHIFT = 15
GIVEN_SHIFT = 4
_VOWEL = re.compile(r"[aeiouyаеёиоуыэюяієї]", re.IGNORECASE)


class Pool:
    """Names with Zipf-like weights by rank (the order is shuffled first, so the
    commonest names are not the alphabet's first)."""

    def __init__(self, names: list[Any], shift: int, rng: random.Random) -> None:
        unique = list(dict.fromkeys(names))
        rng.shuffle(unique)
        self.names = unique
        self.cumulative = list(accumulate(1 / (rank + shift) for rank in range(1, len(unique) + 1)))

    def draw(self, rng: random.Random) -> Any:
        index = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
        return self.names[min(index, len(self.names) - 1)]

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Origin:
    code: str
    female: Pool  # given names
    male: Pool
    families: Pool  # (masculine or base form, feminine form)
    gendered: bool  # the feminine form is the masculine one's (Иванов, Иванова)
    vietnamese_middles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identity:
    """A person as intake typed them (``family_base``: the surname's masculine form)."""

    given: str
    family: str
    family_base: str
    female: bool
    sex: str
    born: date
    citizenship: str


def _splice(a: str, b: str, rng: random.Random) -> tuple[int, int] | None:
    """Where to cut two names to make a new one from the head of one and the tail of
    the other (a long tail of rarer surnames in the same language and script)."""
    if len(a) < 4 or len(b) < 4:
        return None
    cut_a = rng.randint(2, len(a) - 2)
    cut_b = rng.randint(2, len(b) - 2)
    if _VOWEL.search(a) and not (_VOWEL.search(a[:cut_a]) and _VOWEL.search(b[cut_b:])):
        return None  # Latin or Cyrillic: each part keeps a vowel
    return cut_a, cut_b


def _families(code: str, provider: Any) -> list[tuple[str, str]]:
    male = list(getattr(provider, "last_names_male", ()) or provider.last_names)
    female = list(getattr(provider, "last_names_female", ()) or ())
    extra: dict[str, Any] = {
        "LV": linkage_data.LV,
        "PL": linkage_data.PL,
        "CZ": linkage_data.CZ,
        "LT": linkage_data.LT,
    }
    if code == "RU":
        return list(zip(male, female, strict=False))
    if code in CYRILLIC_ORIGINS:
        return [(m, linkage_data.feminine(m)) for m in male]
    pairs = [(m, female[i % len(female)] if female else m) for i, m in enumerate(male)]
    if code == "LT":
        pairs = [(m, m[:-2] + "ienė" if m.endswith(("as", "is", "us")) else m) for m in male]
    if code in extra:
        pairs += [(s[0], s[1]) for s in extra[code]["surnames"]]
    return pairs


@functools.cache
def pools(seed: int = 1) -> list[tuple[Origin, int]]:
    """The names of every origin, with its weight among the persons."""
    import importlib

    rng = random.Random(seed)
    out = []
    for code, weight, locale, tail in ORIGINS:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        given = list(getattr(provider, "first_names", ()))
        female = list(getattr(provider, "first_names_female", ()) or given)
        male = list(getattr(provider, "first_names_male", ()) or given)
        families = _families(code, provider)
        head, seen = list(families), set(families)
        wanted = len(families) * (tail + 1)
        attempts = 0
        while len(families) < wanted and attempts < wanted * 4:
            attempts += 1
            (a, a_f), (b, b_f) = rng.choice(head), rng.choice(head)
            cuts = _splice(a, b, rng)
            if cuts is None:
                continue
            made = (a[: cuts[0]] + b[cuts[1] :], a_f[: cuts[0]] + b_f[cuts[1] :])
            if made not in seen and made[0] != a and made[0] != b:
                seen.add(made)
                families.append(made)
        middles = tuple(getattr(provider, "middle_names", ())) if code == "VN" else ()
        origin = Origin(
            code,
            Pool(female, GIVEN_SHIFT, rng),
            Pool(male, GIVEN_SHIFT, rng),
            Pool(families, FAMILY_SHIFT, rng),
            code in CYRILLIC_ORIGINS or code == "LT",
            middles,
        )
        out.append((origin, weight))
    return out


class Generator:
    """Identities drawn from ``pools`` (deterministic for a seed)."""

    def __init__(self, seed: int, names_seed: int = 1) -> None:
        self.rng = random.Random(seed)
        drawn = pools(names_seed)
        self.origins = [origin for origin, _ in drawn]
        self.cumulative = list(accumulate(weight for _, weight in drawn))

    def identity(self) -> Identity:
        rng = self.rng
        pick = rng.random() * self.cumulative[-1]
        origin = self.origins[bisect.bisect_left(self.cumulative, pick)]
        female = rng.random() < 0.62
        given = (origin.female if female else origin.male).draw(rng)
        if origin.vietnamese_middles:
            given = f"{rng.choice(origin.vietnamese_middles)} {given}"
        base, feminine = origin.families.draw(rng)
        year = round(rng.triangular(1955, 2010, 1997))
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        sex = "unknown" if rng.random() < 0.03 else ("female" if female else "male")
        family = feminine if female else base
        return Identity(
            given, family, base if origin.gendered else family, female, sex, born, origin.code
        )


def _strip(text: str) -> str:
    return linkage_data._strip(text)


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def spelling(rng: random.Random, person: Identity) -> dict[str, str]:
    """``person`` as another agency would type them at intake (the form's fields)."""
    from anyascii import anyascii

    given, family = person.given, person.family
    if person.female and person.family_base != family and rng.random() < 0.15:
        family = person.family_base  # written in the masculine form
    if _is_cyrillic(given + family):
        system = rng.choice(list(linkage_data.ROMANISATIONS))
        given = " ".join(linkage_data.romanise(t, system) for t in given.split())
        family = linkage_data.romanise(family, system)
    elif not (given + family).isascii():
        if _strip(given + family).isascii():  # Latin letters: the diacritics dropped
            given, family = _strip(given), _strip(family)
        else:  # another script: the Latin line of a passport
            given, family = anyascii(given).title(), anyascii(family).title()
    else:
        change = rng.random()
        if change < 0.6:
            family = linkage_data._typo(rng, family)
        elif change < 0.8:
            given = linkage_data._typo(rng, given)
        else:
            given, family = family, given
    return {
        "given_name": given,
        "family_name": family,
        "sex": person.sex,
        "date_of_birth": _typed_date(rng, person.born),
        "citizenships": person.citizenship,
    }


def _typed_date(rng: random.Random, born: date) -> str:
    """The full date, day and month swapped, an estimate typed as 1 January (of the
    year or the next), or nothing."""
    r = rng.random()
    if r < 0.5:
        return born.isoformat()
    if r < 0.65 and born.day <= 12:
        return date(born.year, born.day, born.month).isoformat()
    if r < 0.8:
        return date(born.year, 1, 1).isoformat()
    if r < 0.9:
        return date(born.year + rng.choice((-1, 1)), 1, 1).isoformat()
    return ""


# --- seeding ----------------------------------------------------------------------------
@dataclass
class Seeded:
    persons: int
    blocking_keys: int
    seconds: float
    known: list[Identity]


@dataclass(frozen=True)
class _Batch:
    start: int
    stop: int
    seed: int
    picked: frozenset[int]
    opener: int
    leads: tuple[Any, ...]


def _reference(number: int) -> str:
    from haven.cases.services import REFERENCE_ALPHABET as alphabet

    digits = ""
    for _ in range(6):
        number, digit = divmod(number, len(alphabet))
        digits += alphabet[digit]
    return f"{COUNTRY}-2025-{digits}"


def _write(model: Any, rows: list[dict[str, Any]]) -> None:
    """Rows of ``model`` given as {attname: value}: on PostgreSQL with COPY, every
    other column as Django would save it (prepared once, from the first row); on
    SQLite with ``bulk_create``."""
    from django.db import connection, models

    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(model(**row) for row in rows)
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, (models.AutoField, models.BigAutoField))
    ]
    first = model(**rows[0])
    template = [f.get_db_prep_save(f.pre_save(first, True), connection) for f in fields]
    varying = [(i, f) for i, f in enumerate(fields) if f.attname in rows[0]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = list(template)
            for i, f in varying:
                values[i] = f.get_db_prep_save(row[f.attname], connection)
            copy.write_row(values)


def _write_batch(batch: _Batch) -> tuple[int, list[tuple[int, Identity]]]:
    """Persons ``start`` to ``stop``: data key, sealed identity, keyed blocking keys,
    case and lead, as intake writes them; returns the keys written and the sample.
    (Rows are built as values, not model instances: a million persons is a million
    of each, and the sealing and keying are Haven's own functions.)"""
    import uuid
    from types import SimpleNamespace

    from haven.access.models import TeamMembership
    from haven.cases import services as case_services
    from haven.cases.models import AgeStatus, Case, Person, reference_key
    from haven.cases.status import IdentificationStatus
    from haven.linkage import matching
    from haven.linkage import selectors as linkage_selectors
    from haven.linkage.models import BlockingKey
    from haven.vault import keys
    from haven.vault import services as vault
    from haven.vault.models import DataKey

    generator = Generator(batch.seed * 1_000_003 + batch.start)
    master = keys.current_master_key()
    opened = datetime(2025, 6, 1, tzinfo=UTC)
    data_keys, persons, cases, team, index = [], [], [], [], []
    sample = []
    sealed = ("given_name_enc", "family_name_enc", "date_of_birth_enc", "name_index")
    for number in range(batch.start, batch.stop):
        person = generator.identity()
        if number in batch.picked:
            sample.append((number, person))
        key_id, plain = uuid.uuid4(), os.urandom(32)  # as vault.data_key_create
        wrapped = vault._wrap(data_key_id=key_id, plain=plain, master=master)
        key = SimpleNamespace(id=key_id, wrapped=wrapped, destroyed_at=None, _plain=plain)
        typed = case_services.PersonInput(
            age_status=AgeStatus.VERIFIED_ADULT,
            given_name=person.given,
            family_name=person.family,
            date_of_birth=person.born,
            sex=person.sex,
            citizenships=[person.citizenship],
        )
        row = SimpleNamespace(data_key=key)
        case_services._encrypt_person(typed, cast(Any, row))  # as intake seals
        identity = case_services._intake_identity(typed)
        normalised = matching.normalise(linkage_selectors.record_of(identity))
        person_id, case_id = uuid.uuid4(), uuid.uuid4()
        index += [(person_id, k) for k in linkage_selectors.keyed(normalised)]
        reference = _reference(number)
        data_keys.append(
            {
                "id": key_id,
                "subject": case_services.PERSON_SUBJECT,
                "master_key_id": master.id,
                "wrapped": wrapped,
            }
        )
        persons.append(
            {
                "id": person_id,
                "data_key_id": key_id,
                **{name: getattr(row, name) for name in sealed},
                "date_of_birth_index": row.date_of_birth_index,
                "sex": person.sex,
                "citizenships": [person.citizenship],
                "age_status": AgeStatus.VERIFIED_ADULT,
                "birth_year": person.born.year,
            }
        )
        cases.append(
            {
                "id": case_id,
                "reference": reference,
                "reference_key": reference_key(reference),
                "reference_key_reversed": reference_key(reference)[::-1],
                "person_id": person_id,
                "country": COUNTRY,
                "identification_status": IdentificationStatus.PRESUMED,
                "status_changed_at": opened,
                "opened_at": opened - timedelta(days=number % 3000),
                "opened_by_id": batch.opener,
            }
        )
        team.append(
            {
                "case_id": case_id,
                "organisation_id": batch.leads[number % len(batch.leads)],
                "is_lead": True,
                "joined_at": opened,
            }
        )
    _write(DataKey, data_keys)
    _write(Person, persons)
    _write(Case, cases)
    _write(TeamMembership, team)
    _write(BlockingKey, [{"person_id": p, "key": k} for p, k in index])
    return len(index), sample


def seed(
    *,
    persons: int,
    seed: int,
    batch_size: int,
    known: int,
    workers: int = 1,
    progress: bool = False,
) -> Seeded:
    """``persons`` persons with a case each, stored as intake stores them (on
    PostgreSQL by ``workers`` processes); returns a random sample of ``known`` of
    their identities (to look for)."""
    from django.db import connection, connections

    from haven.accounts.models import Organisation, OrgType, Role, User
    from haven.lib import db

    leads = [
        Organisation.objects.create(name=f"Bench lead {n}", org_type=OrgType.NGO, country=COUNTRY)
        for n in range(LEADS)
    ]
    opener = User.objects.create(username=OPENER, organisation=leads[0], role=Role.CASEWORKER)
    picked = set(random.Random(seed + 1).sample(range(persons), min(known, persons)))
    batches = [
        _Batch(
            start,
            min(start + batch_size, persons),
            seed,
            frozenset(n for n in picked if start <= n < start + batch_size),
            opener.pk,
            tuple(lead.pk for lead in leads),
        )
        for start in range(0, persons, batch_size)
    ]
    pools()  # built once, before the workers fork
    started = time.perf_counter()
    total_keys, sample = 0, []
    if workers > 1 and connection.vendor == "postgresql":
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = list(_progress(pool.imap_unordered(_write_batch, batches), progress))
    else:
        results = list(_progress(map(_write_batch, batches), progress))
    for written, part in results:
        total_keys += written
        sample += part
    db.optimize()
    return Seeded(
        persons,
        total_keys,
        time.perf_counter() - started,
        [person for _, person in sorted(sample, key=lambda pair: pair[0])],
    )


def _progress(results: Any, show: bool) -> Any:
    for done, result in enumerate(results, start=1):
        if show:
            print(f"seeded batch {done}", file=sys.stderr, flush=True)
        yield result


# --- measuring --------------------------------------------------------------------------
def block_sizes() -> dict[str, Any]:
    """How many persons share each keyed blocking key: the work of a check."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n FROM (SELECT count(*) AS n FROM linkage_blockingkey GROUP BY key) s "
            "ORDER BY n"
        )
        sizes = [n for (n,) in cursor.fetchall()]
    rows = sum(sizes)
    return {
        "keys": len(sizes),
        "rows": rows,
        "block_p50": percentile([float(s) for s in sizes], 50) if sizes else 0,
        "block_p99": percentile([float(s) for s in sizes], 99) if sizes else 0,
        "block_max": sizes[-1] if sizes else 0,
        "rows_in_blocks_over_1000": sum(s for s in sizes if s > 1000),
    }


def bodies(known: list[Identity], *, queries: int, seed: int) -> list[dict[str, str]]:
    """Half the register's persons under another spelling (even rows), half persons
    who are not in it (drawn from the same names: namesakes happen)."""
    rng = random.Random(seed + 2)
    strangers = Generator(seed + 1_000_003)
    out = []
    for n in range(queries):
        person = known[(n // 2) % len(known)] if n % 2 == 0 else strangers.identity()
        out.append(spelling(rng, person))
    return out


def summary(samples: list[float]) -> dict[str, float]:
    return {
        f"{name}_ms": round(percentile(samples, p) * 1000, 1)
        for name, p in (("p50", 50), ("p95", 95), ("p99", 99))
    }


def time_checks(
    user: Any, typed: list[dict[str, str]], *, warm_up: int = 5
) -> tuple[dict[str, Any], list[str]]:
    """The intake check for each typed identity, timed (wall and CPU), with the
    candidates it decrypted and the queries it made; and the SQL of each check's
    candidate query (the one that reads the blocking-key index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.linkage import selectors as linkage_selectors
    from haven.linkage import services as linkage_services
    from haven.linkage.models import Check

    def check(body: dict[str, str]) -> Any:
        return linkage_services.intake_check(
            actor=user, identity=linkage_selectors.identity_typed(**body)
        )

    for body in typed[:warm_up]:
        check(body)
    wall, cpu, candidates, queries, index_sql = [], [], [], [], []
    found = {"known": 0, "new": 0}
    for n, body in enumerate(typed):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            answer = check(body)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        queries.append(len(captured.captured_queries))
        index_sql += [
            q["sql"] for q in captured.captured_queries if '"linkage_blockingkey"' in q["sql"]
        ]
        last = Check.objects.filter(user=user).order_by("-checked_at").first()
        candidates.append(last.candidates if last is not None and answer.checked else 0)
        if answer.matches or answer.known_elsewhere is not None:
            found["new" if n % 2 else "known"] += 1
    figures = {
        **summary(wall),
        **{f"cpu_{k}": v for k, v in summary(cpu).items()},
        "candidates_mean": round(statistics.mean(candidates), 1),
        "candidates_max": max(candidates),
        "queries_per_check_median": statistics.median(queries),
        "queries_per_check_max": max(queries),
        "known_found": found["known"],
        "known_asked": (len(typed) + 1) // 2,
        "new_found": found["new"],
        "new_asked": len(typed) // 2,
    }
    return figures, index_sql


def explain(statements: list[str]) -> dict[str, Any]:
    """PostgreSQL's own execution time of the checks' candidate queries (EXPLAIN
    ANALYZE), which the load of the machine disturbs less than the wall clock, and
    the index rows each read."""
    from django.db import connection

    times, rows = [], []
    for sql in statements:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()
        top = (json.loads(plan) if isinstance(plan, str) else plan)[0]
        times.append(top["Execution Time"] / 1000)
        rows.append(_scanned(top["Plan"]))
    return {
        **{f"server_{k}": v for k, v in summary(times).items()},
        "index_rows_mean": round(statistics.mean(rows), 1),
        "index_rows_max": max(rows),
        "statements": len(times),
    }


def _scanned(node: dict[str, Any]) -> int:
    """Rows the scans of a plan read (the blocking-key index entries)."""
    own = node.get("Actual Rows", 0) if "Scan" in node.get("Node Type", "") else 0
    return int(own) + sum(_scanned(child) for child in node.get("Plans", []))


def emit(figure: dict[str, Any]) -> None:
    print(json.dumps(figure), flush=True)


BANDS = (("possibly", 0.5, 0.8), ("likely", 0.8, 0.95), ("very_likely", 0.95, 1.01))


def calibration(user: Any, typed: list[dict[str, str]], references: list[str]) -> dict[str, Any]:
    """Is the check's probability calibrated? Each check's candidates scored as the
    check scores them (``services._candidates`` and ``services._scored``, every read
    audited as the asker's, every probability kept), against what the bench knows: the
    even rows are the persons of ``references`` (in ``bodies``' order), the odd ones
    are in no case. Per tenth of probability and per band of the answer: the pairs,
    the mean predicted probability and the share that are the same person; the
    expected calibration error (ECE) and the log loss over all candidate pairs."""
    from django.test import override_settings

    from haven.audit import services as audit
    from haven.linkage import matching, services
    from haven.linkage import selectors as linkage_selectors

    pairs: list[tuple[float, bool]] = []
    with override_settings(HAVEN_LINKAGE_THRESHOLD_PERCENT=0):
        for n, body in enumerate(typed):
            identity = linkage_selectors.identity_typed(**body)
            normalised = matching.normalise(linkage_selectors.record_of(identity))
            if not linkage_selectors.enough_to_check(normalised):
                continue
            truth = references[(n // 2) % len(references)] if n % 2 == 0 else None
            with audit.audit_batch():
                found = services._candidates(normalised)
                scored = services._scored(
                    actor=audit.actor_of(user),
                    normalised=normalised,
                    check=f"calibration:{n}",
                    cases=found.cases,
                    found=found.found,
                )
            pairs += [(s.probability, s.case.reference == truth) for s in scored]

    def cell(chosen: list[tuple[float, bool]]) -> dict[str, Any]:
        return {
            "pairs": len(chosen),
            "predicted": round(statistics.mean(p for p, _ in chosen), 3) if chosen else None,
            "observed": round(sum(t for _, t in chosen) / len(chosen), 3) if chosen else None,
        }

    tenths = [[(p, t) for p, t in pairs if min(int(p * 10), 9) == b] for b in range(10)]
    loss = [-math.log(max(1e-12, p if t else 1 - p)) for p, t in pairs]
    return {
        "pairs": len(pairs),
        "true_pairs": sum(t for _, t in pairs),
        "ece": round(
            sum(abs(sum(p for p, _ in c) - sum(t for _, t in c)) for c in tenths)
            / max(1, len(pairs)),
            4,
        ),
        "log_loss": round(statistics.mean(loss), 4) if loss else None,
        "tenths": [cell(c) for c in tenths],
        "bands": {
            name: cell([(p, t) for p, t in pairs if low <= p < high]) for name, low, high in BANDS
        },
    }


def known_references(*, persons: int, seed: int, known: int) -> list[str]:
    """The case references of the persons ``seed`` picked to look for, in the order of
    ``Seeded.known`` and ``known_in_register`` (those the register holds)."""
    from haven.cases.models import Case

    picked = sorted(random.Random(seed + 1).sample(range(persons), min(known, persons)))
    wanted = [_reference(n) for n in picked]
    present = set(Case.objects.filter(reference__in=wanted).values_list("reference", flat=True))
    return [reference for reference in wanted if reference in present]


def measure(known: list[Identity], *, queries: int, seed: int, references: list[str]) -> None:
    """Time the intake check over the seeded register (the asker is a caseworker of
    the first lead organisation, so most matches are another team's cases), then
    check its calibration (``calibration``)."""
    from django.db import connection

    from haven.accounts.models import Role, User
    from haven.linkage.models import BlockingKey

    opener = User.objects.get(username=OPENER)
    asker, _ = User.objects.get_or_create(
        username=ASKER, defaults={"organisation": opener.organisation, "role": Role.CASEWORKER}
    )
    base = {
        "persons": BlockingKey.objects.values("person_id").distinct().count(),
        "database": connection.vendor,
    }
    typed = bodies(known, queries=queries, seed=seed)
    checks, statements = time_checks(asker, typed)
    emit(
        {
            "bench": "linkage_intake_check",
            **base,
            "queries": len(typed),
            **checks,
            "goal_p95_ms": GOAL_P95_MS,
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }
    )
    if connection.vendor == "postgresql":
        emit({"bench": "linkage_candidate_query", **base, **explain(statements)})
    emit({"bench": "linkage_check_calibration", **base, **calibration(asker, typed, references)})


def run(args: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)

    from haven.cases.models import Case

    want = (args.queries + 1) // 2
    if args.measure_only:
        from haven.lib import db

        db.optimize()
        known = known_in_register(
            persons=args.persons, seed=args.seed, batch_size=args.batch_size, known=want
        )
        emit({"bench": "linkage_scale_blocks", "database": connection.vendor, **block_sizes()})
        references = known_references(persons=args.persons, seed=args.seed, known=want)
        measure(known, queries=args.queries, seed=args.seed, references=references)
        return
    if Case.objects.exists():
        raise SystemExit("the bench database already has cases: use an empty database")
    seeded = seed(
        persons=args.persons,
        seed=args.seed,
        batch_size=args.batch_size,
        known=want,
        workers=args.workers,
        progress=args.progress,
    )
    base = {"persons": seeded.persons, "database": connection.vendor}
    emit(
        {
            "bench": "linkage_scale_seed",
            **base,
            "workers": args.workers,
            "blocking_keys": seeded.blocking_keys,
            "seconds": round(seeded.seconds, 1),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }
    )
    emit({"bench": "linkage_scale_blocks", **base, **block_sizes()})
    if args.seed_only:
        return
    references = known_references(persons=args.persons, seed=args.seed, known=want)
    measure(seeded.known, queries=args.queries, seed=args.seed, references=references)


def known_in_register(*, persons: int, seed: int, batch_size: int, known: int) -> list[Identity]:
    """The sample ``seed`` drew (same arguments), drawn again from the batches the
    register holds: the generator is deterministic, so a register seeded by an earlier
    run (``--seed-only``, or stopped part way) is measured without a file."""
    from haven.cases.models import Case

    picked = set(random.Random(seed + 1).sample(range(persons), min(known, persons)))
    sample = []
    for start in range(0, persons, batch_size):
        if not Case.objects.filter(reference=_reference(start)).exists():
            continue
        generator = Generator(seed * 1_000_003 + start)
        for number in range(start, min(start + batch_size, persons)):
            person = generator.identity()
            if number in picked:
                sample.append(person)
    return sample


def write_register(path: Path, *, persons: int, seed: int) -> int:
    """A register of ``persons`` persons, one to three records each, for ``haven
    linkage dedupe``; returns the records written."""
    generator = Generator(seed)
    rng = random.Random(seed + 7)
    written = 0
    sexes = {"female": "F", "male": "M"}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=linkage_data.FIELDS)
        writer.writeheader()
        for number in range(persons):
            person = generator.identity()
            copies = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            for k in range(copies):
                typed = (
                    {
                        "given_name": person.given,
                        "family_name": person.family,
                        "date_of_birth": person.born.isoformat(),
                    }
                    if k == 0
                    else spelling(rng, person)
                )
                writer.writerow(
                    {
                        "record_id": f"s{seed}-{number}-{k}",
                        "given_name": typed["given_name"],
                        "family_name": typed["family_name"],
                        "sex": sexes.get(person.sex, ""),
                        "date_of_birth": typed["date_of_birth"],
                        "nationality": person.citizenship,
                    }
                )
                written += 1
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons to seed")
    parser.add_argument("--queries", type=int, default=400, help="intake checks to time")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")
    parser.add_argument("--batch-size", type=int, default=5_000, help="persons per COPY")
    parser.add_argument("--workers", type=int, default=2, help="PostgreSQL: seeding processes")
    parser.add_argument("--progress", action="store_true", help="seeding progress on stderr")
    parser.add_argument("--seed-only", action="store_true", help="seed, and measure nothing")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure a register seeded earlier with the same --persons, --seed, --batch-size",
    )
    parser.add_argument("--csv", type=Path, help="write a register for haven linkage dedupe")
    args = parser.parse_args(argv)
    if args.csv is not None:
        records = write_register(args.csv, persons=args.persons, seed=args.seed)
        emit({"bench": "linkage_scale_csv", "persons": args.persons, "records": records})
        return
    scratch = configure_environment()
    try:
        run(args)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
