"""What caseworkers feel under load: a mixed read scenario against a real server on
loopback. Run by ``python -m bench.load`` (which seeds, starts gunicorn, runs this at
10 and at 50 users and prints the figures), or by hand like ``bench/locustfile.py``.

Seven in ten simulated users work in the pages (a signed-in, MFA-verified session:
the case list, a status filter, a reference search with the tail of a reference
from their list, a case page and the home page); three in ten use the API with a
bearer token (the case list, a reference search and a case). Each thinks 0.5 to 2 s
between requests. Each user signs in as its own bench caseworker: a TOTP code is
accepted only once per caseworker.

Signing in is not measured: when every user has signed in (or failed to), the
statistics are reset and the run lasts ``--measure-seconds`` from there, then
locust quits by itself (``--run-time`` stays as an upper bound). A failed sign-in
keeps the statistics as they are, so it shows as a failure.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped] # locust's own dependency, no stubs
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser

from bench.load import READY
from bench.otp import totp_code, unused_code_moment

CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
REFERENCE = re.compile(r">([A-Z]{2}-\d{4}-[A-Z0-9]{6})</a>")
TAIL = 6  # characters of a reference searched for, as bench.run does

logger = logging.getLogger(__name__)
_next_user = itertools.count()
_settled = {"signed_in": 0, "failed": 0}
_used_at: dict[str, float] = {}  # username -> a moment in the TOTP step its code was used


def _load_credentials() -> list[dict[str, Any]]:
    path = Path(os.environ.get("HAVEN_BENCH_USERS", "bench-users.json"))
    users: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    return users


_credentials = _load_credentials()


def _fresh_code(me: dict[str, Any]) -> str:
    wait, moment = unused_code_moment(me, time.time())
    if wait > 0:
        time.sleep(wait)
    _used_at[me["username"]] = moment
    return totp_code(me["totp_key"], at=moment)


def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--measure-seconds",
        type=float,
        default=60.0,
        help="how long to measure once every user has signed in",
    )


def _remember_used_codes(**_kwargs: Any) -> None:
    """Write back which codes were used, so a next run does not reuse them."""
    path = Path(os.environ.get("HAVEN_BENCH_USERS", ""))
    if not _used_at or not path.is_file():
        return
    users = json.loads(path.read_text())
    for user in users:
        if user["username"] in _used_at:
            user["used_at"] = _used_at[user["username"]]
    path.write_text(json.dumps(users, indent=2))


events.init_command_line_parser.add_listener(_arguments)  # type: ignore[no-untyped-call]
events.test_stop.add_listener(_remember_used_codes)  # type: ignore[no-untyped-call]


def _settle(environment: Environment, *, ok: bool) -> None:
    """Count one user as signed in (or failed); the last one starts the measured window."""
    _settled["signed_in" if ok else "failed"] += 1
    target = environment.parsed_options.num_users if environment.parsed_options else 0
    if _settled["signed_in"] + _settled["failed"] != target or environment.runner is None:
        return
    if _settled["failed"]:
        logger.error("%d simulated users could not sign in", _settled["failed"])
    else:
        environment.runner.stats.reset_all()
    seconds = environment.parsed_options.measure_seconds if environment.parsed_options else 0
    logger.warning("%s for %s s", READY, seconds)
    gevent.spawn_later(seconds, environment.runner.quit)


def _claim_credentials() -> dict[str, Any] | None:
    """Each user its own caseworker; None when there are more users than caseworkers."""
    index = next(_next_user)
    return _credentials[index] if index < len(_credentials) else None


class PageCaseworker(HttpUser):
    """A caseworker using the HTML pages with a signed-in, MFA-verified session."""

    weight = 7
    wait_time = between(0.5, 2)
    case_ids: list[str]
    references: list[str]

    def on_start(self) -> None:
        ok = False
        try:
            ok = self._sign_in()
        finally:
            _settle(self.environment, ok=ok)
        if not ok:
            raise StopUser()

    def _sign_in(self) -> bool:
        me = _claim_credentials()
        if me is None:
            return False
        self.client.get("/accounts/login/")
        self.client.post(
            "/accounts/login/",
            data={"username": me["username"], "password": me["password"], **self._csrf()},
        )
        with self.client.post(
            "/accounts/mfa/",
            data={"token": _fresh_code(me), "next": "/cases/", **self._csrf()},
            catch_response=True,
        ) as response:
            # The MFA step ends on the case list, whose rows give cases and references.
            self.case_ids = CASE_LINK.findall(response.text)
            self.references = REFERENCE.findall(response.text)
            if not (self.case_ids and self.references):
                response.failure("the MFA step did not end on a case list with cases")
                return False
        return True

    def _csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken") or ""}

    @task(3)
    def case_list(self) -> None:
        self.client.get("/cases/")

    @task(1)
    def case_list_status(self) -> None:
        self.client.get("/cases/?status=presumed", name="/cases/?status=…")

    @task(1)
    def case_search(self) -> None:
        tail = random.choice(self.references)[-TAIL:]
        self.client.get(f"/cases/?reference={tail}", name="/cases/?reference=…")

    @task(3)
    def case_detail(self) -> None:
        self.client.get(f"/cases/{random.choice(self.case_ids)}/", name="/cases/<id>/")

    @task(1)
    def home(self) -> None:
        self.client.get("/")


class ApiCaseworker(HttpUser):
    """A caseworker using the API with a bearer token (password + TOTP)."""

    weight = 3
    wait_time = between(0.5, 2)
    case_ids: list[str]
    references: list[str]

    def on_start(self) -> None:
        ok = False
        try:
            ok = self._sign_in()
        finally:
            _settle(self.environment, ok=ok)
        if not ok:
            raise StopUser()

    def _sign_in(self) -> bool:
        me = _claim_credentials()
        if me is None:
            return False
        with self.client.post(
            "/api/v1/auth/token/",
            json={"username": me["username"], "password": me["password"], "otp": _fresh_code(me)},
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"no token: HTTP {response.status_code}")
                return False
            self.client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        body: dict[str, Any] = self.client.get("/api/v1/cases/").json()
        rows = body.get("results", [])
        self.case_ids = [row["id"] for row in rows]
        self.references = [row["reference"] for row in rows]
        return bool(self.case_ids)

    @task(3)
    def case_list(self) -> None:
        self.client.get("/api/v1/cases/")

    @task(1)
    def case_search(self) -> None:
        tail = random.choice(self.references)[-TAIL:]
        self.client.get(f"/api/v1/cases/?reference={tail}", name="/api/v1/cases/?reference=…")

    @task(3)
    def case_detail(self) -> None:
        self.client.get(
            f"/api/v1/cases/{random.choice(self.case_ids)}/",
            name="/api/v1/cases/<id>/",
        )
