"""``make bench`` (audit trail, issue 13): how fast events are appended through the
service, sealed, and verified.

    python -m bench.audit [--writers 2] [--append 20000] [--events 200000] [--workers 2]
                          [--unsealed 1000]

Prints one JSON line per figure:

- ``audit_append``: one process, then ``--writers`` processes, each on its own
  connection, append ``--append`` events in all through ``audit_record``, each in
  its own transaction (``transaction.atomic`` around each call, as a service
  does: ``BEGIN``, the ``INSERT``, ``COMMIT``); events per second over the wall
  time. (On SQLite writers take turns on the database's write lock, whatever the
  trail does; on PostgreSQL they append side by side.) Then ``audit_record``
  called outside any transaction (``events_per_transaction`` 0: autocommit, the
  ``INSERT`` alone is the transaction, one round trip); then 20 events to a
  transaction: the cost of an append inside a request's transaction, without a
  commit of its own.
- ``audit_seal``: the trail is filled up to ``--events`` (through ``audit_record``,
  5,000 to a transaction), then ``audit_seal`` chains them all; events per second.
- ``audit_verify``: ``audit_verify`` over the whole trail with ``--workers``
  processes, and with one, after ``--unsealed`` more events were written (their
  MACs are checked and they are counted as not yet sealed); events per second.

Each line carries the 1-minute load average and the CPU seconds spent (this
process and its workers; on PostgreSQL also the server's, all its processes, read
from ``/proc`` when the server runs on this machine): on a shared machine the rates
per second of wall time fall with the load, CPU per event much less.

HAVEN_ variables already set are used as they are (DATABASE_URL for PostgreSQL, an
empty database); otherwise a temporary SQLite file is used and removed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench_run


def _cpu() -> float:
    """CPU seconds used by this process and its finished children (on SQLite the
    database's work too; a PostgreSQL server's is not counted)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _ticks(pid: int | str) -> tuple[int, int, int]:
    """Parent pid, own CPU ticks and reaped children's CPU ticks of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def _server_cpu() -> float | None:
    """CPU seconds of the PostgreSQL server so far: the postmaster, the backends that
    ended (reaped: in its children's times) and those alive; None on SQLite (its
    work is this process's) or when the server's processes cannot be read here."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    try:
        postmaster = _ticks(backend)[0]
        _parent, own, reaped = _ticks(postmaster)
        ticks = own + reaped
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent, own, _reaped = _ticks(entry.name)
                except (OSError, IndexError, ValueError):
                    continue  # ended meanwhile
                ticks += own if parent == postmaster else 0
    except (OSError, IndexError, ValueError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def _rates(events: int, seconds: float, cpu: float, server: float | None = None) -> dict[str, Any]:
    figures = {
        "seconds": round(seconds, 2),
        "events_per_s": round(events / seconds) if seconds else None,
        "cpu_seconds": round(cpu, 2),
        "events_per_cpu_s": round(events / cpu) if cpu else None,
        "client_cpu_us_per_event": round(cpu / events * 1e6, 1) if events else None,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if server is not None:
        figures["server_cpu_seconds"] = round(server, 2)
        figures["server_cpu_us_per_event"] = round(server / events * 1e6, 1) if events else None
    return figures


def _server_since(before: float | None) -> float | None:
    after = _server_cpu()
    return None if before is None or after is None else after - before


def append(count: int, *, per_transaction: int) -> None:
    """``count`` events written through ``audit_record``, as the service writes them,
    ``per_transaction`` to a transaction (0: each on its own, outside any
    transaction, as autocommit makes it)."""
    from django.db import transaction

    from haven.audit import services
    from haven.audit.models import Action

    actor = services.Actor(id=1, username="bench", organisation_id="org", organisation_name="NGO")

    def one(n: int) -> None:
        services.audit_record(
            actor=actor,
            action=Action.READ,
            object_type="cases.Case",
            object_id=uuid.uuid4(),
            person_id=uuid.uuid4(),
            field_groups=["identity", "status"],
            purpose="assistance",
            detail={"n": n},
        )

    if not per_transaction:
        for n in range(count):
            one(n)
        return
    for first in range(0, count, per_transaction):
        with transaction.atomic():
            for n in range(first, min(first + per_transaction, count)):
                one(n)


def _writer(count: int, start: Any, per_transaction: int) -> None:
    """In a writer process: wait for the others, then append on its own connection."""
    from django.db import connections

    start.wait()
    try:
        append(count, per_transaction=per_transaction)
    finally:
        connections.close_all()


def append_rate(*, writers: int, events: int, per_transaction: int = 1) -> dict[str, Any]:
    from django.db import connection, connections

    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers + 1)
    connections.close_all()  # each writer opens its own connection
    share = events // writers
    pool = [
        context.Process(target=_writer, args=(share, start, per_transaction))
        for _ in range(writers)
    ]
    for process in pool:
        process.start()
    cpu, server = _cpu(), _server_cpu()
    connections.close_all()  # (its backend's work counted, not left running)
    start.wait()
    began = time.perf_counter()
    for process in pool:
        process.join()
    seconds, cpu = time.perf_counter() - began, _cpu() - cpu
    server = _server_since(server)
    failed = sum(1 for p in pool if p.exitcode)
    return {
        "bench": "audit_append",
        "database": connection.vendor,
        "writers": writers,
        "events_per_transaction": per_transaction,
        "events": share * writers,
        "failed_writers": failed,
        **_rates(share * writers, seconds, cpu, server),
    }


def fill(events: int, *, batch: int = 5000) -> None:
    """Bring the trail to ``events`` rows, ``batch`` to a transaction."""
    from haven.audit.models import AuditEvent

    append(max(events - AuditEvent.objects.count(), 0), per_transaction=batch)


def seal_rate() -> dict[str, Any]:
    from django.db import connection

    from haven.audit import services

    server = _server_cpu()
    began, cpu = time.perf_counter(), _cpu()
    result = services.audit_seal()
    seconds, cpu = time.perf_counter() - began, _cpu() - cpu
    return {
        "bench": "audit_seal",
        "database": connection.vendor,
        "events": result.sealed,
        **_rates(result.sealed, seconds, cpu, _server_since(server)),
    }


def verify_rate(*, workers: int) -> dict[str, Any]:
    from django.db import connection

    from haven.audit import services

    server = _server_cpu()
    began, cpu = time.perf_counter(), _cpu()
    result = services.audit_verify(workers=workers)
    seconds, cpu = time.perf_counter() - began, _cpu() - cpu
    server = _server_since(server)
    return {
        "bench": "audit_verify",
        "database": connection.vendor,
        "workers": workers,
        "events": result.checked,
        "ok": result.ok,
        "unsealed": result.unsealed,
        **_rates(result.checked, seconds, cpu, server),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--append", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--unsealed", type=int, default=1000)
    args = parser.parse_args(argv)
    scratch = bench_run.configure_environment()
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        # One transaction per event (a commit each: in atomic, then in autocommit),
        # then 20 to a transaction: a request writes its events inside its own
        # transaction, so that is what appending costs without a commit of its own.
        for per_transaction in (1, 0, 20):
            for writers in sorted({1, args.writers}):
                rate = append_rate(
                    writers=writers, events=args.append, per_transaction=per_transaction
                )
                bench_run.emit(rate)
        fill(args.events)
        bench_run.emit(seal_rate())
        # Events written since the last seal: verification checks their MACs and counts them.
        fill(args.events + args.unsealed)
        for workers in sorted({args.workers, 1}, reverse=True):
            bench_run.emit(verify_rate(workers=workers))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
