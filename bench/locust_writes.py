"""A write load against a real server on loopback: API caseworkers append to case
narratives through ``POST /api/v1/cases/<id>/narrative/`` (the case gate, the vault
and the audit chain on every request). Run by ``python -m bench.writes`` (which
seeds, starts gunicorn and prints one JSON line), or by hand like
``bench/locust_load.py``.

The bench has 10 caseworkers and a TOTP code is accepted once, so the simulated
users share their tokens: each caseworker's token is taken once (the first user
that needs it waits for an unused code) and used by every user given that
caseworker.
"""

from __future__ import annotations

import itertools
import random
import threading
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from bench.locust_sign_in import api_token, load_credentials, remember_used_codes

_credentials = load_credentials()
_next_user = itertools.count()
_tokens: dict[str, str] = {}
_case_ids: list[str] = []
_token_lock = threading.Lock()  # a gevent lock: locust monkey-patches threading

events.test_stop.add_listener(remember_used_codes)  # type: ignore[no-untyped-call]


class ApiWriter(HttpUser):
    """A caseworker writing to the narratives of the cases they see, with a bearer token."""

    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        if not _credentials:
            raise StopUser()
        me = _credentials[next(_next_user) % len(_credentials)]
        with _token_lock:
            if me["username"] not in _tokens:
                token = api_token(self.client, me)
                if token is None:
                    raise StopUser()
                _tokens[me["username"]] = token
        self.client.headers["Authorization"] = f"Bearer {_tokens[me['username']]}"
        if not _case_ids:
            body: dict[str, Any] = self.client.get("/api/v1/cases/", name="/api/v1/cases/").json()
            _case_ids.extend(row["id"] for row in body.get("results", []))
        if not _case_ids:
            raise StopUser()

    @task
    def narrative_append(self) -> None:
        case_id = random.choice(_case_ids)
        self.client.post(
            f"/api/v1/cases/{case_id}/narrative/",
            json={"text": "Bench load: a note appended under concurrent writers."},
            name="/api/v1/cases/<id>/narrative/",
        )
