"""Concurrent writers on one database: threads, each with its own real connection,
append to case narratives through the service (the case gate, the vault, the
audit chain: the whole write path). On SQLite this is the file-based database the
settings configure (WAL, immediate transactions, a busy timeout), never an
in-memory one.

    python -m bench.writers [--threads 20] [--writes 5]

Prints one JSON line: threads, writes, errors (with the first few messages),
p95 latency of a write, and the database vendor. Exits 1 on any error.

HAVEN_ variables already set are used as they are (DATABASE_URL for PostgreSQL,
an empty database); otherwise a temporary SQLite file is used and removed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench_run


def write_concurrently(*, threads: int, writes: int) -> dict[str, Any]:
    """Seed a few cases, then ``threads`` threads each append ``writes`` entries."""
    from django.db import connection, connections

    from bench import seed as bench_seed
    from haven.cases import services

    world = bench_seed.seed(cases=max(threads // 2, 1), batch_size=50)
    writer = world.caseworkers[0]
    case_ids = bench_seed.visible_case_ids(world.leads[0])
    if not case_ids:
        raise SystemExit("the writers see no cases")
    errors: list[str] = []
    samples: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(index: int) -> None:
        try:
            start.wait()
            for n in range(writes):
                case_id = case_ids[(index + n) % len(case_ids)]
                began = time.perf_counter()
                try:
                    services.narrative_append(
                        actor=writer, case_id=case_id, text=f"Bench note {index}.{n}."
                    )
                except Exception as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    samples.append((time.perf_counter() - began) * 1000)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {
        "bench": "concurrent_writers",
        "database": connection.vendor,
        "threads": threads,
        "writes": threads * writes,
        "ok": len(samples),
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:3],
        "p95_ms": round(bench_run.percentile(samples, 95), 2) if samples else None,
        "seconds": round(time.perf_counter() - began, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--writes", type=int, default=5, help="writes per thread")
    parser.add_argument(
        "--no-migrate", action="store_true", help="the database already has Haven's schema"
    )
    args = parser.parse_args(argv)
    scratch = bench_run.configure_environment()
    try:
        import django
        from django.core.management import call_command

        django.setup()
        if not args.no_migrate:
            call_command("migrate", verbosity=0)
        figure = write_concurrently(threads=args.threads, writes=args.writes)
        bench_run.emit(figure)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if figure["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
