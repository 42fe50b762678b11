"""``make bench`` (writes): 40 API caseworkers append to case narratives against a
real gunicorn server on 127.0.0.1 (threaded workers: up to 16 requests, and so
16 database connections, write at once), for a short time; one JSON line with the
requests, errors and p95 latency of the writes.

    python -m bench.writes [--users 40] [--run-time 20s] [--cases 200] [--workers 2] [--threads 8]

SQLite by default (a temporary file, WAL, immediate transactions and a busy
timeout as the settings configure it); with DATABASE_URL set, the same scenario
on that (empty) PostgreSQL database. Exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from bench.run import BENCH_ENV  # noqa: E402 - after the path set-up above

BIN = Path(sys.executable).parent
WRITE = "/api/v1/cases/<id>/narrative/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start in time")


def _figure(stats: list[dict[str, Any]], *, users: int, vendor: str) -> dict[str, Any]:
    writes = next((s for s in stats if s["name"] == WRITE), None)
    requests = sum(s["num_requests"] for s in stats)
    failures = sum(s["num_failures"] for s in stats)
    p95 = None
    if writes and writes["num_requests"]:
        histogram = {int(k): v for k, v in writes["response_times"].items()}
        target, seen = 0.95 * writes["num_requests"], 0
        for millis in sorted(histogram):
            seen += histogram[millis]
            if seen >= target:
                p95 = millis
                break
    return {
        "bench": "locust_writes",
        "database": vendor,
        "users": users,
        "requests": requests,
        "writes": writes["num_requests"] if writes else 0,
        "errors": failures,
        "write_p95_ms": p95,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--run-time", default="20s")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    args = parser.parse_args(argv)

    env = {**os.environ}
    for name, value in BENCH_ENV.items():
        env.setdefault(name, value)
    scratch = Path(tempfile.mkdtemp(prefix="haven-writes-"))
    vendor = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    if vendor == "sqlite":
        env["HAVEN_SQLITE_PATH"] = str(scratch / "writes.sqlite3")
    env["HAVEN_BENCH_USERS"] = str(scratch / "users.json")
    env["PYTHONPATH"] = str(ROOT)
    server: subprocess.Popen[bytes] | None = None
    try:
        seed = [sys.executable, "-m", "bench.run", "--cases", str(args.cases), "--seed-only"]
        fresh = ["--fresh"] if vendor == "sqlite" else []
        subprocess.run(  # noqa: S603 - our own bench module, fixed arguments
            [*seed, *fresh, "--credentials", env["HAVEN_BENCH_USERS"]],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        gunicorn = [str(BIN / "gunicorn"), "haven.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        gunicorn += ["--log-level", "warning"]
        server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
            [*gunicorn, "--workers", str(args.workers), "--threads", str(args.threads)],
            env=env,
            cwd=ROOT,
        )
        _wait_until_serving(port, server)
        scenario = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locust_writes.py")]
        load = ["--users", str(args.users), "--spawn-rate", str(args.users)]
        load += ["--run-time", args.run_time, "--host", f"http://127.0.0.1:{port}"]
        locust = subprocess.run(  # noqa: S603 - the venv's locust, fixed arguments
            [*scenario, "--headless", *load, "--json", "--only-summary", "--loglevel", "WARNING"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        stats: list[dict[str, Any]] = json.loads(locust.stdout or "[]")
        figure = _figure(stats, users=args.users, vendor=vendor)
        print(json.dumps(figure), flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    if figure["errors"] or not figure["writes"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
