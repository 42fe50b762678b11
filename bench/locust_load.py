"""What caseworkers feel under load: a mixed read scenario against a real server on
loopback. Run by ``python -m bench.load`` (which seeds, starts gunicorn, runs this at
10 and at 50 users and prints the figures), or by hand against a server started on
seeded data (see below).

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

By hand, with the same HAVEN_ environment for all three steps (at least
HAVEN_SQLITE_PATH, HAVEN_SECRET_KEY, HAVEN_MASTER_KEY, HAVEN_INDEX_KEY and
HAVEN_HTTPS=0, so that gunicorn unwraps the data keys the seeding wrapped)::

    python -m bench.run --cases 2000 --fresh --seed-only
    gunicorn haven.wsgi:application --bind 127.0.0.1:8001 --workers 2 &
    HAVEN_BENCH_USERS="$HAVEN_SQLITE_PATH.users.json" locust -f bench/locust_load.py \\
        --headless --users 10 --spawn-rate 5 --run-time 90s --host http://127.0.0.1:8001

with at most as many users as bench caseworkers (10 by default).
"""

from __future__ import annotations

import itertools
import logging
import random
import re
from typing import Any

import gevent  # type: ignore[import-untyped] # locust's own dependency, no stubs
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser

from bench.load import READY
from bench.locust_sign_in import api_token, load_credentials, page_sign_in, remember_used_codes

CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
REFERENCE = re.compile(r">([A-Z]{2}-\d{4}-[A-Z0-9]{6})</a>")
TAIL = 6  # characters of a reference searched for, as bench.run does

logger = logging.getLogger(__name__)
_next_user = itertools.count()
_settled = {"signed_in": 0, "failed": 0}
_credentials = load_credentials()


def _arguments(parser: Any) -> None:
    parser.add_argument(
        "--measure-seconds",
        type=float,
        default=60.0,
        help="how long to measure once every user has signed in",
    )


events.init_command_line_parser.add_listener(_arguments)  # type: ignore[no-untyped-call]
events.test_stop.add_listener(remember_used_codes)  # type: ignore[no-untyped-call]


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


class _Caseworker(HttpUser):
    """Signs in once as its own bench caseworker, and learns cases and references
    to ask for; a user that cannot sign in is counted and stops."""

    abstract = True
    wait_time = between(0.5, 2)
    case_ids: list[str]
    references: list[str]

    def on_start(self) -> None:
        me = _claim_credentials()
        ok = False
        try:
            ok = me is not None and self._sign_in(me)
        finally:
            _settle(self.environment, ok=ok)
        if not ok:
            raise StopUser()

    def _sign_in(self, me: dict[str, Any]) -> bool:
        raise NotImplementedError


class PageCaseworker(_Caseworker):
    """A caseworker using the HTML pages with a signed-in, MFA-verified session."""

    weight = 7

    def _sign_in(self, me: dict[str, Any]) -> bool:
        with page_sign_in(self.client, me, next_page="/cases/") as response:
            # The MFA step ends on the case list, whose rows give cases and references.
            self.case_ids = CASE_LINK.findall(response.text)
            self.references = REFERENCE.findall(response.text)
            if not (self.case_ids and self.references):
                response.failure("the MFA step did not end on a case list with cases")
                return False
        return True

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


class ApiCaseworker(_Caseworker):
    """A caseworker using the API with a bearer token (password + TOTP)."""

    weight = 3

    def _sign_in(self, me: dict[str, Any]) -> bool:
        token = api_token(self.client, me)
        if token is None:
            return False
        self.client.headers["Authorization"] = f"Bearer {token}"
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
