"""``make bench`` (load): what caseworkers feel at 10 and at 50 users, against a real
gunicorn server on 127.0.0.1.

    python -m bench.load [--cases 100000] [--users 10,50] [--run-time 60s]
                         [--workers 2] [--threads 1] [--cpus 0 --cpus 0,1]

Seeds the bench data into a fresh database (``bench.run --seed-only``: cases,
teams, histories, one TOTP-enrolled caseworker per simulated user), starts
gunicorn on a free loopback port (sync workers unless ``--threads`` > 1) and runs
``bench/locust_load.py`` headless at each user count: 70 % page users, 30 % API
users, 0.5 to 2 s think time. Signing in is not measured: the window of
``--run-time`` starts once every user has signed in, and locust stops by itself.

Prints one JSON line per endpoint and user count (``"bench": "load"``: requests,
failures, p50/p95/p99 ms, requests/s) and one aggregated line per run
(``"bench": "load_total"``), which adds the 1-minute load average sampled while
it measured (mean and max), the cores gunicorn may use and the machine has, and
gunicorn's CPU seconds in the window. Exits 1 when any request failed.

``--cpus`` pins gunicorn (its master and workers) to those cores, e.g.
``--cpus 0`` then ``--cpus 0,1`` in one call (both on the same seeded database)
to measure what one more core buys. Locust itself and PostgreSQL are not pinned:
the PostgreSQL server is started outside the bench (scripts/with-postgres.sh).

SQLite by default (a temporary file, configured as the settings configure it);
with DATABASE_URL set, that (empty) PostgreSQL database. The sign-in rate limit
is raised for the server: every simulated user signs in from 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from bench.run import BENCH_ENV  # noqa: E402 - after the path set-up above

BIN = Path(sys.executable).parent
SEED = [sys.executable, "-m", "bench.load", "--seed"]
READY = "haven-bench: every user has signed in; measuring"  # logged by bench/locust_load.py
SIGN_IN_ALLOWANCE = 240  # seconds locust may take to sign every user in before measuring
KEEP_ALIVE = 5  # seconds, above the longest think time (2 s)
TIMESPAN = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


def parse_timespan(text: str) -> int:
    """Seconds in ``90``, ``90s``, ``2m`` or ``1h30m`` (locust's spelling)."""
    match = TIMESPAN.match(text.strip())
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"not a time span: {text!r}")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"not a list of user counts: {text!r}")
    return counts


def parse_cpus(text: str) -> frozenset[int]:
    cpus = frozenset(int(part) for part in text.split(",") if part.strip())
    if not cpus:
        raise argparse.ArgumentTypeError(f"not a list of cores: {text!r}")
    return cpus


def _number(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def read_stats(path: Path) -> list[dict[str, Any]]:
    """Locust's ``<prefix>_stats.csv``: one row per endpoint, then the aggregate."""
    with path.open(newline="") as handle:
        return [
            {
                "endpoint": row["Name"] if row["Type"] else "all",
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "rps": round(float(row["Requests/s"]), 2),
            }
            for row in csv.DictReader(handle)
        ]


@dataclass
class LoadAverage:
    """The 1-minute load average, sampled every few seconds while a run measures."""

    every: float = 5.0
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.every):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {"load_avg_1m_mean": None, "load_avg_1m_max": None, "load_samples": 0}
        return {
            "load_avg_1m_mean": round(sum(self.samples) / len(self.samples), 2),
            "load_avg_1m_max": round(max(self.samples), 2),
            "load_samples": len(self.samples),
        }


def summarise(
    stats: list[dict[str, Any]], *, context: dict[str, Any], run: dict[str, Any]
) -> list[dict[str, Any]]:
    """The JSON lines of one run: per endpoint, then the aggregate with the run's facts."""
    lines = [
        {"bench": "load", **context, **row}
        for row in stats
        if row["endpoint"] != "all" and (row["requests"] or row["failures"])  # not sign-in's
    ]
    total = next((row for row in stats if row["endpoint"] == "all"), None)
    if total is None:
        total = {"endpoint": "all", "requests": 0, "failures": 0}
    total = {key: value for key, value in total.items() if key != "method"}
    cpu = run.get("server_cpu_s") or 0
    run = {**run, "requests_per_server_cpu_s": round(total["requests"] / cpu, 1) if cpu else None}
    lines.append({"bench": "load_total", **context, **total, **run})
    return lines


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (gunicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids, seen = [pid], set()
    while pids:
        current = pids.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # gone, or no /proc: count what can be counted
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        pids.extend(int(child) for child in children)
    return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before serving")
        try:
            url = f"http://127.0.0.1:{port}/health/live"
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start in time")


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int, threads: int, cpus: frozenset[int] | None
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A gunicorn server on a free loopback port, pinned to ``cpus`` if given."""
    port = _free_port()
    command = [str(BIN / "gunicorn"), "haven.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--log-level", "warning"]
    command += ["--timeout", "120"]  # a slow answer is a figure, not a killed worker
    # Threaded workers keep connections open (sync ones close each): for longer than a
    # user thinks, or a request sent as the server closes the idle connection fails.
    command += ["--keep-alive", str(KEEP_ALIVE)]

    def pin() -> None:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)  # inherited by the workers gunicorn forks

    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
        command, env=env, cwd=ROOT, preexec_fn=pin if cpus is not None else None
    )
    try:
        _wait_until_serving(port, server)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=60)


def run_locust(
    env: dict[str, str], *, port: int, users: int, seconds: int, csv_prefix: Path, server_pid: int
) -> tuple[int, dict[str, Any]]:
    """Locust at ``users``; its exit code and what was measured around it."""
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locust_load.py"), "--headless"]
    command += [
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--host",
        f"http://127.0.0.1:{port}",
    ]
    command += ["--run-time", f"{seconds + SIGN_IN_ALLOWANCE}s", "--measure-seconds", str(seconds)]
    command += ["--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING"]
    launched = time.monotonic()
    locust = subprocess.Popen(  # noqa: S603 - the venv's locust, fixed arguments
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    load = LoadAverage()
    started, cpu_at_start, errors = 0.0, 0.0, []
    assert locust.stderr is not None
    for line in locust.stderr:
        if READY in line and not started:
            started, cpu_at_start = time.monotonic(), process_cpu_seconds(server_pid)
            load.start()
        else:
            errors.append(line.rstrip())
    code = locust.wait()
    measured = time.monotonic() - started if started else 0.0
    cpu = process_cpu_seconds(server_pid) - cpu_at_start if started else 0.0
    load.stop()
    if code != 0 or not started:
        for line in errors[-40:]:  # locust's summary and any error it logged
            print(line, file=sys.stderr)
    if not started:
        print("locust never started measuring: not every user signed in", file=sys.stderr)
    return code, {
        "sign_in_s": round(started - launched, 1) if started else None,
        "measured_s": round(measured, 1),
        **load.summary(),
        "server_cpu_s": round(cpu, 2),
    }


def seed_database(env: dict[str, str], *, cases: int, users: int, credentials: Path) -> None:
    """``bench.run --seed-only`` with one bench caseworker per simulated user."""
    subprocess.run(  # noqa: S603 - our own bench module, fixed arguments
        [*SEED, str(cases), "--seed-users", str(users), "--credentials", str(credentials)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _seed_here(args: argparse.Namespace) -> None:
    """In the seeding process: bench.run's seeding, with enough caseworkers."""
    import django

    from bench import run

    django.setup()
    from bench import seed as bench_seed

    bench_seed.BENCH_USERS = max(bench_seed.BENCH_USERS, args.seed_users)
    fresh = [] if os.environ.get("DATABASE_URL") else ["--fresh"]
    seeding = ["--cases", str(args.seed), "--seed-only", *fresh]
    run.run(run.parse_args([*seeding, "--credentials", args.credentials]))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100000)")
    parser.add_argument(
        "--users", type=parse_counts, default=[10, 50], help="user counts, e.g. 10,50"
    )
    parser.add_argument(
        "--run-time",
        type=parse_timespan,
        default=60,
        help="measured time per run, after every user has signed in (default 60s)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (default 1: sync workers)"
    )
    parser.add_argument(
        "--cpus",
        type=parse_cpus,
        action="append",
        help="pin gunicorn to these cores, e.g. 0 or 0,1; repeat to compare (same database)",
    )
    parser.add_argument(
        "--csv-dir", type=Path, default=None, help="keep locust's CSV statistics in this folder"
    )
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--seed-users", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--credentials", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.seed:
        _seed_here(args)
        return
    env = {**os.environ}
    for name, value in BENCH_ENV.items():
        env.setdefault(name, value)
    vendor = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    scratch = Path(tempfile.mkdtemp(prefix="haven-load-"))
    if vendor == "sqlite":
        env["HAVEN_SQLITE_PATH"] = str(scratch / "load.sqlite3")
    credentials = scratch / "users.json"
    env["HAVEN_BENCH_USERS"] = str(credentials)
    env["PYTHONPATH"] = str(ROOT)
    # Every simulated user signs in from 127.0.0.1; in use they come from many addresses.
    env["HAVEN_AUTH_RATE_LIMIT"] = str(100 * max(args.users))
    failed = False
    try:
        seed_database(env, cases=args.cases, users=max(args.users), credentials=credentials)
        for cpus in args.cpus or [None]:
            with gunicorn(env, workers=args.workers, threads=args.threads, cpus=cpus) as server:
                port, process = server
                for users in args.users:
                    pinned = "-cpus-" + "-".join(map(str, sorted(cpus))) if cpus else ""
                    prefix = (args.csv_dir or scratch) / f"locust-{vendor}-{users}{pinned}"
                    code, facts = run_locust(
                        env,
                        port=port,
                        users=users,
                        seconds=args.run_time,
                        csv_prefix=prefix,
                        server_pid=process.pid,
                    )
                    stats_file = Path(f"{prefix}_stats.csv")
                    stats = read_stats(stats_file) if stats_file.exists() else []
                    served = sorted(os.sched_getaffinity(process.pid))
                    context = {"database": vendor, "cases": args.cases, "users": users}
                    run = {
                        **facts,
                        "workers": args.workers,
                        "threads": args.threads,
                        "server_cpus": served,
                        "machine_cpus": os.cpu_count(),
                    }
                    lines = summarise(stats, context=context, run=run)
                    for line in lines:
                        print(json.dumps(line), flush=True)
                    total = lines[-1]
                    failed |= code != 0 or total["failures"] > 0 or total["requests"] == 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
