"""``make bench`` (load): the figures read from locust's statistics, the load average
and CPU taken around a run, and the sign-in of many bench caseworkers at once.

The whole bench (migrate, seed, gunicorn, locust) takes close to a minute even at
its smallest, so it runs in ``make bench``; here its parts run on real inputs: the
statistics file locust wrote in a short run of ``bench/locust_load.py`` against
gunicorn (10 users, 20,000 cases, SQLite), this process's own /proc entry, and a
TOTP device enrolled through the account services.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pytest

from bench import load, run
from bench.otp import totp_code, unused_code_moment
from haven.accounts import errors as account_errors
from haven.accounts import services as account_services
from haven.accounts.models import OrgType, Role

STATS = Path(__file__).parent / "data" / "locust_load_stats.csv"
STEP = 30


def test_it_prints_one_line_per_endpoint_and_one_for_the_run() -> None:
    # given: locust's statistics of a real run, after the sign-ins were reset
    stats = load.read_stats(STATS)
    context = {"database": "sqlite", "cases": 20000, "users": 10}
    facts = {"measured_s": 60.1, "load_avg_1m_mean": 2.5, "server_cpu_s": 50.0}

    # when
    lines = load.summarise(stats, context=context, run=facts)

    # then: the endpoints both kinds of users call, no sign-in (not measured)
    *endpoints, total = lines
    names = {line["endpoint"] for line in endpoints}
    assert {"/cases/", "/cases/?status=…", "/cases/?reference=…", "/cases/<id>/", "/"} <= names
    assert {"/api/v1/cases/", "/api/v1/cases/<id>/", "/api/v1/cases/?reference=…"} <= names
    assert not names & {"/accounts/login/", "/accounts/mfa/", "/api/v1/auth/token/"}
    for line in endpoints:
        assert (line["bench"], line["database"], line["users"]) == ("load", "sqlite", 10)
        assert line["requests"] > 0 and line["failures"] == 0
        assert line["p50_ms"] <= line["p95_ms"] <= line["p99_ms"]
        assert line["rps"] > 0
    # and the run's line adds up the endpoints and carries the run's facts
    assert (total["bench"], total["endpoint"]) == ("load_total", "all")
    assert total["requests"] == sum(line["requests"] for line in endpoints)
    assert total["failures"] == 0
    assert total["load_avg_1m_mean"] == 2.5
    assert total["requests_per_server_cpu_s"] == round(total["requests"] / 50.0, 1)
    assert "method" not in total


def test_a_run_without_statistics_reports_no_requests() -> None:
    # when: locust wrote nothing (it never started measuring)
    (total,) = load.summarise([], context={"users": 50}, run={"server_cpu_s": 0.0})

    # then: the line that makes the bench fail
    assert (total["requests"], total["failures"]) == (0, 0)
    assert total["requests_per_server_cpu_s"] is None


def test_it_samples_the_load_average_while_it_runs() -> None:
    # given
    sampler = load.LoadAverage(every=0.01)

    # when
    sampler.start()
    time.sleep(0.1)
    sampler.stop()

    # then
    summary = sampler.summary()
    assert summary["load_samples"] >= 3
    assert 0 <= summary["load_avg_1m_mean"] <= summary["load_avg_1m_max"]
    assert load.LoadAverage().summary()["load_samples"] == 0


def test_it_counts_the_cpu_of_a_process_and_its_children() -> None:
    # given
    before = load.process_cpu_seconds(os.getpid())

    # when: this process works for a while
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass

    # then
    assert load.process_cpu_seconds(os.getpid()) - before >= 0.1


def test_it_pins_gunicorn_and_the_workers_it_forks_to_the_cores_asked(tmp_path: Path) -> None:
    # given: the bench's environment, on an empty SQLite file (the liveness check reads none)
    env = {**os.environ, **run.BENCH_ENV, "PYTHONPATH": str(load.ROOT)}
    env["HAVEN_SQLITE_PATH"] = str(tmp_path / "pinned.sqlite3")
    env.pop("DATABASE_URL", None)

    # when
    with load.gunicorn(env, workers=2, threads=1, cpus=frozenset({0})) as (port, server):
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        pinned = [os.sched_getaffinity(pid) for pid in [server.pid, *map(int, children)]]

    # then: the master and both workers run on core 0 only, and it has stopped
    assert pinned == [{0}, {0}, {0}]
    assert server.returncode is not None
    assert port > 0


def test_it_reads_its_options() -> None:
    # when
    args = load.parse_args(["--users", "10,50", "--run-time", "1m30s", "--cpus", "0"])
    args_two = load.parse_args(["--cpus", "0", "--cpus", "0,1"])

    # then
    assert (args.users, args.run_time, args.cpus) == ([10, 50], 90, [frozenset({0})])
    assert args_two.cpus == [frozenset({0}), frozenset({0, 1})]
    assert (args_two.cases, args_two.users, args_two.run_time) == (100_000, [10, 50], 60)
    assert (args_two.workers, args_two.threads) == (2, 1)
    assert [load.parse_timespan(span) for span in ("90", "45s", "2m", "1h")] == [90, 45, 120, 3600]
    for wrong in ("soon", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            load.parse_timespan(wrong)
    with pytest.raises(argparse.ArgumentTypeError):
        load.parse_counts("0")
    with pytest.raises(argparse.ArgumentTypeError):
        load.parse_cpus(",")


def test_a_caseworker_enrolled_this_step_signs_in_without_waiting_for_the_next() -> None:
    # given: enrolled in step 100 (its code is used)
    me = {"enrolled_at": 100 * STEP + 5.0}

    # then: in step 100, the next step's code at once; from step 101, the current one
    assert unused_code_moment(me, 100 * STEP + 29.0) == (0.0, 101 * STEP + 1.0)
    assert unused_code_moment(me, 101 * STEP + 2.0) == (0.0, 101 * STEP + 2.0)
    # and after a run used step 101's code while still in step 100, it waits for step 101
    me["used_at"] = 101 * STEP + 1.0
    assert unused_code_moment(me, 100 * STEP + 20.0) == (10.5, 102 * STEP + 1.0)


@pytest.mark.django_db
def test_the_code_it_picks_is_accepted_right_after_enrolment() -> None:
    # given: a caseworker who just enrolled, as the bench seeding enrols them
    organisation = account_services.organisation_create(
        name="Bench NGO", org_type=OrgType.NGO, country="FI", region="Uusimaa"
    )
    user = account_services.user_create(
        username="bench.caseworker.load",
        password="bench-password-not-a-secret",
        organisation=organisation,
        role=Role.CASEWORKER,
    )
    device = account_services.otp_enrol_start(user=user)
    enrolled_at = time.time()
    account_services.otp_enrol_confirm(user=user, token=totp_code(device.key, at=enrolled_at))
    me = {"enrolled_at": enrolled_at, "totp_key": device.key}

    # when
    wait, moment = unused_code_moment(me, time.time())

    # then: no wait, and the device takes the code (it refuses the one enrolment used)
    assert wait == 0.0
    account_services.otp_verify(user=user, token=totp_code(device.key, at=moment))
    with pytest.raises(account_errors.OtpInvalid):
        account_services.otp_verify(user=user, token=totp_code(device.key, at=enrolled_at))
