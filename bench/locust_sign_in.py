"""How a simulated caseworker signs in, for every locust scenario of the bench
(``bench/locust_load.py``, ``bench/locust_writes.py``): the bench caseworkers'
credentials, a TOTP code their device still accepts, and the two ways in (the
log-in and MFA pages; a bearer token from ``POST /api/v1/auth/token/``).

``python -m bench.run --seed-only`` writes the credentials (password and TOTP
device key) to the file named by ``HAVEN_BENCH_USERS``. A code is accepted only
once per device, so each code sent is remembered, and ``remember_used_codes``
(a ``test_stop`` listener) writes that back for the next run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from bench.otp import totp_code, unused_code_moment

_used_at: dict[str, float] = {}  # username -> a moment in the TOTP step its code was used


def _path() -> Path:
    return Path(os.environ.get("HAVEN_BENCH_USERS", "bench-users.json"))


def load_credentials() -> list[dict[str, Any]]:
    """The bench caseworkers (none when the file is missing)."""
    path = _path()
    users: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    return users


def fresh_code(me: dict[str, Any]) -> str:
    """A code ``me``'s device accepts now (waiting for the next step if need be)."""
    wait, moment = unused_code_moment(me, time.time())
    if wait > 0:
        time.sleep(wait)
    _used_at[me["username"]] = moment
    return totp_code(me["totp_key"], at=moment)


def remember_used_codes(**_kwargs: Any) -> None:
    """Write back which codes were used, so a next run does not reuse them."""
    path = _path()
    if not _used_at or not path.is_file():
        return
    users = json.loads(path.read_text())
    for user in users:
        if user["username"] in _used_at:
            user["used_at"] = _used_at[user["username"]]
    path.write_text(json.dumps(users, indent=2))


def _csrf(client: Any) -> dict[str, str]:
    return {"csrfmiddlewaretoken": client.cookies.get("csrftoken") or ""}


def page_sign_in(client: Any, me: dict[str, Any], *, next_page: str = "/cases/") -> Any:
    """Sign in through the pages (log-in form, then the MFA form, which ends on
    ``next_page``). Returns locust's response to the MFA step, opened with
    ``catch_response`` for the caller to judge: ``with page_sign_in(...) as response``."""
    client.get("/accounts/login/")
    client.post(
        "/accounts/login/",
        data={"username": me["username"], "password": me["password"], **_csrf(client)},
    )
    return client.post(
        "/accounts/mfa/",
        data={"token": fresh_code(me), "next": next_page, **_csrf(client)},
        catch_response=True,
    )


def api_token(client: Any, me: dict[str, Any]) -> str | None:
    """A bearer token for ``me`` (password and a fresh TOTP code); None, counted as
    a failure, when it is refused."""
    with client.post(
        "/api/v1/auth/token/",
        json={"username": me["username"], "password": me["password"], "otp": fresh_code(me)},
        catch_response=True,
    ) as response:
        if response.status_code != 201:
            response.failure(f"no token: HTTP {response.status_code}")
            return None
        token: str = response.json()["token"]
        return token
