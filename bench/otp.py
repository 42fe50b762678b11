"""TOTP codes (RFC 6238) for load-test users, without importing Django.

The load test runs under gevent; it computes the same codes an authenticator
app would, from the bench users' device keys.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time
from typing import Any


def totp_code(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code for ``at`` (default: now), as django-otp's TOTP devices expect it."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def unused_code_moment(me: dict[str, Any], now: float, *, step: int = 30) -> tuple[float, float]:
    """(seconds to wait, moment whose code to send) for a code the device still accepts.

    A device accepts a code once, for a step after the last one used (enrolment used
    one; ``used_at``, written back after a run, another), and with django-otp's
    default tolerance of one step also the next step's code. So a caseworker whose
    last used code is of the current step signs in at once with the next step's
    code, and nobody waits a whole step.
    """
    first_free = int(me.get("used_at", me["enrolled_at"]) // step) + 1
    current = int(now // step)
    if current >= first_free:
        return 0.0, now
    if current + 1 == first_free:
        return 0.0, first_free * step + 1.0
    return (first_free - 1) * step - now + 0.5, first_free * step + 1.0
