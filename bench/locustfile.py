"""A bounded smoke load against a real gunicorn server on loopback.

Run all three steps with the same HAVEN_ environment: at least
HAVEN_SQLITE_PATH, HAVEN_SECRET_KEY, HAVEN_MASTER_KEY, HAVEN_INDEX_KEY and
HAVEN_HTTPS=0 (gunicorn must unwrap the data keys the seeding wrapped)::

    python -m bench.run --cases 2000 --fresh --seed-only
    gunicorn haven.wsgi:application --bind 127.0.0.1:8001 --workers 2 &
    HAVEN_BENCH_USERS="$HAVEN_SQLITE_PATH.users.json" locust -f bench/locustfile.py \\
        --headless --users 10 --spawn-rate 5 --run-time 30s --host http://127.0.0.1:8001

``--seed-only`` writes the bench caseworkers' credentials (password and TOTP
device key) to ``<database>.users.json``. Each simulated user takes one of
them: a TOTP code is accepted only once, so use at most as many users as
there are bench caseworkers (10). Half the users sign in through the pages
(log-in form, then the MFA form) and browse the case list, a status filter
and case details; the other half get a bearer token from
``POST /api/v1/auth/token/`` and do the same through the API. A user whose
device was enrolled in the current 30-second step waits for the next code.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

from bench.otp import totp_code

CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
_next_user = itertools.count()


def _load_credentials() -> list[dict[str, Any]]:
    path = Path(os.environ.get("HAVEN_BENCH_USERS", "bench-users.json"))
    users: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    return users


_credentials = _load_credentials()


def _claim_credentials() -> dict[str, Any]:
    index = next(_next_user)
    if index >= len(_credentials):
        raise StopUser()  # more simulated users than bench caseworkers
    return _credentials[index]


def _wait_for_unused_code(me: dict[str, Any], step: int = 30) -> None:
    """A code is accepted only once, and enrolling the device at seeding used one."""
    if time.time() // step <= me["enrolled_at"] // step:
        time.sleep(step - time.time() % step + 0.5)


class PageCaseworker(HttpUser):
    """A caseworker using the HTML pages with a signed-in, MFA-verified session."""

    wait_time = between(0.5, 2)
    case_ids: list[str]

    def on_start(self) -> None:
        me = _claim_credentials()
        self.client.get("/accounts/login/")
        self.client.post(
            "/accounts/login/",
            data={"username": me["username"], "password": me["password"], **self._csrf()},
        )
        _wait_for_unused_code(me)
        with self.client.post(
            "/accounts/mfa/",
            data={"token": totp_code(me["totp_key"]), "next": "/cases/", **self._csrf()},
            catch_response=True,
        ) as response:
            # The MFA step ends on the case list, whose links give the cases to open.
            self.case_ids = CASE_LINK.findall(response.text)
            if not self.case_ids:
                response.failure("the MFA step did not end on a case list with cases")
                raise StopUser()

    def _csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken") or ""}

    @task(3)
    def case_list(self) -> None:
        self.client.get("/cases/")

    @task(1)
    def case_list_status(self) -> None:
        self.client.get("/cases/?status=presumed", name="/cases/?status=…")

    @task(3)
    def case_detail(self) -> None:
        self.client.get(f"/cases/{random.choice(self.case_ids)}/", name="/cases/<id>/")


class ApiCaseworker(HttpUser):
    """A caseworker using the API with a bearer token (password + TOTP)."""

    wait_time = between(0.5, 2)
    case_ids: list[str]

    def on_start(self) -> None:
        me = _claim_credentials()
        _wait_for_unused_code(me)
        response = self.client.post(
            "/api/v1/auth/token/",
            json={
                "username": me["username"],
                "password": me["password"],
                "otp": totp_code(me["totp_key"]),
            },
        )
        if response.status_code != 201:
            raise StopUser()
        self.client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        body: dict[str, Any] = self.client.get("/api/v1/cases/").json()
        self.case_ids = [row["id"] for row in body.get("results", [])]
        if not self.case_ids:
            raise StopUser()

    @task(3)
    def case_list(self) -> None:
        self.client.get("/api/v1/cases/")

    @task(3)
    def case_detail(self) -> None:
        self.client.get(
            f"/api/v1/cases/{random.choice(self.case_ids)}/",
            name="/api/v1/cases/<id>/",
        )
