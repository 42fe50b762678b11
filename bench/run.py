"""``make bench``: seed many cases, then time the case list and case detail pages.

    python -m bench.run [--cases 100000] [--requests 200] [--fresh] [--seed-only]

Prints one JSON line per figure: the seeding time, then p50/p95 latency and
the queries per page of the case list, a status filter, a reference search,
the case detail page and the caseworker's home page, each requested
``--requests`` times through Django's test client (the whole middleware stack,
no network).

The pages are requested as a caseworker who has a confirmed TOTP device and a
session marked as verified with it, which is exactly the session the log-in
and MFA pages leave behind. Demo mode is not used: it changes what pages do
(the banner, skipped MFA) and would not be the production path.

HAVEN_ variables already set are used as they are; missing keys fall back to
fixed, fake bench keys. With neither HAVEN_SQLITE_PATH nor DATABASE_URL set,
the bench uses a temporary SQLite database and removes it afterwards; a given
database must hold no cases (``--fresh`` deletes the SQLite file first).
``--seed-only`` keeps the database and writes the bench users' credentials
for ``bench/locust_load.py`` run by hand.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):
    # Run as ``python bench/run.py``: make ``bench`` and ``haven`` importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from django.test import Client

    from bench.seed import BenchWorld

# Fixed, fake values: they protect nothing but a throwaway bench database.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "haven.settings",
    "HAVEN_SECRET_KEY": "haven-bench-secret-key-not-for-production-" + "b" * 20,
    "HAVEN_MASTER_KEY": base64.b64encode(b"bench-master-key-not-a-secret!!!").decode(),
    "HAVEN_INDEX_KEY": base64.b64encode(b"bench-index-key-not-a-secret!!!!").decode(),
    "HAVEN_AUDIT_KEY": base64.b64encode(b"bench-audit-key-not-a-secret!!!!").decode(),
    "HAVEN_HTTPS": "0",
    # One bench caseworker checks hundreds of identities a minute: no rate limit here.
    "HAVEN_LINKAGE_CHECK_LIMIT": "1000000",
}


def configure_environment() -> Path | None:
    """Safe defaults for a direct run; returns a temporary directory it made, if any."""
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    if os.environ.get("HAVEN_SQLITE_PATH") or os.environ.get("DATABASE_URL"):
        return None
    scratch = Path(tempfile.mkdtemp(prefix="haven-bench-"))
    os.environ["HAVEN_SQLITE_PATH"] = str(scratch / "bench.sqlite3")
    return scratch


def remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def percentile(samples: list[float], percent: int) -> float:
    """Linear interpolation between closest ranks (``statistics``' inclusive method)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def signed_in_client(user: Any) -> Client:
    """A client whose session is signed in and OTP-verified with the user's device."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from haven.accounts import services as account_services

    device = account_services.user_confirmed_device(user=user)
    if device is None:
        raise SystemExit("the bench user has no confirmed TOTP device")
    client = Client(HTTP_HOST="127.0.0.1")  # a loopback host that ALLOWED_HOSTS accepts
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_pages(
    client: Client,
    name: str,
    cases: int,
    urls: list[str],
    *,
    warm_up: int = 5,
    bodies: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Request each URL once (after a warm-up) and summarise latency and queries;
    with ``bodies``, POST the n-th body to the n-th URL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def request(index: int) -> Any:
        if bodies is None:
            return client.get(urls[index])
        return client.post(urls[index], bodies[index])

    for index in range(min(warm_up, len(urls))):
        request(index)
    with CaptureQueriesContext(connection) as queries:
        first = request(0)
    query_count = len(queries)  # now: later requests reset the connection's query log
    samples, cpu, sql, statuses = [], [], [], {first.status_code}
    for index in range(len(urls)):
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = request(index)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        statuses.add(response.status_code)
    return {
        "bench": name,
        "cases": cases,
        "requests": len(samples),
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
        # CPU time of this process (on SQLite the database's work too): what a busy
        # machine changes least.
        "cpu_p50_ms": round(percentile(cpu, 50), 2),
        "cpu_p95_ms": round(percentile(cpu, 95), 2),
        # Time spent waiting for the database's answers (its work on PostgreSQL).
        "sql_p50_ms": round(percentile(sql, 50), 2),
        "sql_p95_ms": round(percentile(sql, 95), 2),
        "queries_per_page": query_count,
        "status": sorted(statuses),
    }


def measure(world: BenchWorld, *, requests: int, seed: int = 1) -> list[dict[str, Any]]:
    """The page figures for the first bench caseworker."""
    from django.urls import reverse

    from bench import seed as bench_seed
    from haven.cases import selectors

    rng = random.Random(seed)
    user = world.caseworkers[0]
    client = signed_in_client(user)
    visible = bench_seed.visible_case_ids(world.leads[0])
    if not visible:
        raise SystemExit("the bench user sees no cases: seed some first")
    picked = [rng.choice(visible) for _ in range(requests)]
    references = dict(
        selectors.case_list(user=user).filter(id__in=picked).values_list("id", "reference")
    )
    list_url = reverse("cases:list")
    pages: dict[str, Callable[[Any], str]] = {
        "case_list": lambda _id: list_url,
        "case_list_status": lambda _id: f"{list_url}?status=presumed",
        "case_search": lambda case_id: f"{list_url}?reference={references[case_id][-6:]}",
        "case_detail": lambda case_id: reverse("web:case_detail", kwargs={"case_id": case_id}),
        "home": lambda _id: reverse("web:home"),  # my cases, deadlines, referrals, overdue
    }
    figures = [
        time_pages(client, name, world.cases, [url_of(case_id) for case_id in picked])
        for name, url_of in pages.items()
    ]
    bodies = intake_checks(world, requests=requests, rng=rng)
    check_url = reverse("linkage:check")
    checks = time_pages(
        client, "linkage_check", world.cases, [check_url] * len(bodies), bodies=bodies
    )
    figures.append({**checks, **intake_check_answers(user, bodies)})
    for figure in figures:
        figure["visible_cases"] = len(visible)
        figure["load_avg_1m"] = round(os.getloadavg()[0], 2)
    return figures


def intake_checks(world: BenchWorld, *, requests: int, rng: random.Random) -> list[dict[str, str]]:
    """What caseworkers type at intake: half a known person written as another
    caseworker would (Latin letters, no diacritics, the year of birth only for
    some), half someone new (a name and a date of birth no one was given)."""
    from anyascii import anyascii

    bodies = []
    for index in range(requests):
        given, family, sex, born, citizenship = rng.choice(world.typed)
        if index % 2:  # someone new: the names of two people, born on another day
            family = rng.choice(world.typed)[1]
            born = born.replace(year=born.year - 7)
        bodies.append(
            {
                "given_name": anyascii(given),
                "family_name": anyascii(family),
                "sex": sex,
                "date_of_birth": str(born.year) if index % 4 == 0 else born.isoformat(),
                "citizenships": citizenship,
            }
        )
    return bodies


def intake_check_answers(user: Any, bodies: list[dict[str, str]]) -> dict[str, Any]:
    """How the search answered the known persons (even rows) and the new ones:
    found as visible or as "known to the system" (another team's case)."""
    from haven.linkage import selectors as linkage_selectors
    from haven.linkage import services as linkage_services

    found = {"known": 0, "new": 0}
    for index, body in enumerate(bodies):
        answer = linkage_services.intake_check(
            actor=user, identity=linkage_selectors.identity_typed(**body)
        )
        if answer.matches or answer.known_elsewhere is not None:
            found["new" if index % 2 else "known"] += 1
    return {
        "known_found": found["known"],
        "known_asked": (len(bodies) + 1) // 2,
        "new_found": found["new"],
        "new_asked": len(bodies) // 2,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100000)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page figure")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")
    parser.add_argument("--batch-size", type=int, default=2000, help="rows per bulk insert")
    parser.add_argument(
        "--fresh", action="store_true", help="delete the SQLite file at HAVEN_SQLITE_PATH first"
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed, keep the database and write credentials for the locust load test",
    )
    parser.add_argument(
        "--credentials",
        default="",
        help="where --seed-only writes the bench users (default: next to the database)",
    )
    return parser.parse_args(argv)


def emit(figure: dict[str, Any]) -> None:
    print(json.dumps(figure), flush=True)


def run(args: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    if args.fresh and not os.environ.get("DATABASE_URL"):
        remove_sqlite(os.environ["HAVEN_SQLITE_PATH"])
    django.setup()
    call_command("migrate", verbosity=0)

    from bench import seed as bench_seed
    from haven.audit.models import AuditEvent
    from haven.cases.models import Case
    from haven.deadlines.models import Task

    if Case.objects.exists():
        raise SystemExit("the bench database already has cases: use --fresh or an empty database")
    world = bench_seed.seed(cases=args.cases, seed=args.seed, batch_size=args.batch_size)
    seeded: dict[str, Any] = {
        "bench": "seed",
        "cases": world.cases,
        "seconds": round(world.seconds, 2),
        "cases_per_second": round(world.cases / world.seconds) if world.seconds else None,
        "open_deadlines": Task.objects.filter(status=Task.Status.OPEN).count(),
        "deadlines": Task.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "database": connection.vendor,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if args.seed_only:
        path = Path(
            args.credentials or os.environ.get("HAVEN_SQLITE_PATH", "bench") + ".users.json"
        )
        path.write_text(json.dumps([vars(user) for user in world.credentials], indent=2))
        seeded["credentials"] = str(path)
        seeded["sqlite_path"] = os.environ.get("HAVEN_SQLITE_PATH", "")
        emit(seeded)
        return
    emit(seeded)
    for figure in measure(world, requests=args.requests, seed=args.seed):
        emit(figure)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    scratch = configure_environment()
    try:
        run(args)
    finally:
        if scratch is not None and not args.seed_only:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
