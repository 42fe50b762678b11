"""TOTP codes (RFC 6238) for load-test users, without importing Django.

The load test runs under gevent; it computes the same codes an authenticator
app would, from the bench users' device keys.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time


def totp_code(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code for ``at`` (default: now), as django-otp's TOTP devices expect it."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"
