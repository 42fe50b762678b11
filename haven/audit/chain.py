"""The trail's digests: the audit key, each event's keyed MAC, and the seal that
chains events in seal order. Pure functions, shared by the writer, the sealer and
the verifier (which runs them in worker processes).

Two versions of the rule live side by side:

- version 1 (before issue 12): ``hash`` is the unkeyed SHA-256 of the event's
  canonical JSON including ``prev_hash``, chained in id order under a head row.
  Rows written that way are kept and verified by that rule; they form the start
  of the chain.
- version 2: at write time ``mac`` = HMAC-SHA256(audit key, canonical content);
  at seal time ``hash`` = HMAC-SHA256(audit key, seq, id, prev_hash, mac). The
  first version 2 seal continues from the last version 1 hash.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings

from haven.audit.errors import AuditMisconfigured, ErrorCode

GENESIS = "0" * 64
KEY_BYTES = 32
LEGACY = 1  # unkeyed SHA-256, chained at write time
KEYED = 2  # keyed MAC at write time, keyed seal by the sealer

_EVENT_CONTEXT = b"haven-audit-event-v2\n"
_SEAL_CONTEXT = "haven-audit-seal-v2"
# What an event says, in the order its MAC covers it.
CONTENT = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "organisation_name",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "field_groups",
    "purpose",
    "detail",
)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# The same encoding, made once: ``JSONEncoder.encode`` builds a C encoder per call,
# which costs more than the encoding itself. (No check for circular values: an
# event's content is plain data.)
_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_iterencode: Callable[[Any, int], list[str]] = (
    # markers (none), default, strings, indent, separators, sort_keys, skipkeys, allow_nan
    _C_ENCODER(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )
    if _C_ENCODER is not None
    else lambda value, _level: [_ENCODER.encode(value)]
)


def canonical(value: Any) -> str:
    """The canonical JSON of ``value``: keys sorted, no spaces, UTF-8 as it is."""
    return "".join(_iterencode(value, 0))


_canonical = canonical


def audit_key() -> bytes:
    """The audit key (HAVEN_AUDIT_KEY or HAVEN_AUDIT_KEY_FILE): base64 of 32 bytes,
    kept apart from the database, so that whoever can write to the database cannot
    compute a valid MAC or seal."""
    raw = settings.HAVEN_AUDIT_KEY
    if not raw:
        raise AuditMisconfigured(
            "HAVEN_AUDIT_KEY (or HAVEN_AUDIT_KEY_FILE) is not set", code=ErrorCode.KEY_MISSING
        )
    return _decoded(raw)


@functools.lru_cache(maxsize=4)
def _decoded(raw: str) -> bytes:
    # Messages name the setting, never its value: a key must not reach a log.
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AuditMisconfigured(
            "HAVEN_AUDIT_KEY is not valid base64", code=ErrorCode.KEY_NOT_BASE64
        ) from exc
    if len(key) != KEY_BYTES:
        raise AuditMisconfigured(
            f"HAVEN_AUDIT_KEY must decode to {KEY_BYTES} bytes", code=ErrorCode.KEY_WRONG_LENGTH
        )
    return key


def _iso(value: datetime | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


@functools.lru_cache(maxsize=8)
def _pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after HMAC's inner and outer key blocks (RFC 2104): each MAC then
    costs two copies instead of OpenSSL's set-up per call (a quarter of the time)."""
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    return inner, outer


def hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 (hex) of ``message`` under a 32-byte key."""
    inner_pad, outer_pad = _pads(key)
    inner = inner_pad.copy()
    inner.update(message)
    outer = outer_pad.copy()
    outer.update(inner.digest())
    return str(outer.hexdigest())


def content_mac(key: bytes, content: Sequence[Any]) -> str:
    """HMAC-SHA256 over what the event says (everything but its place in the chain):
    ``content`` holds the values of ``CONTENT``, in that order (the time as a datetime
    or as its ISO 8601 text)."""
    occurred_at, *rest, detail = content
    return mac_of(key, [_iso(occurred_at), *rest], _canonical(detail))


def mac_of(key: bytes, head: list[Any], detail_json: str) -> str:
    """``content_mac`` from the parts as the writer and the verifier hold them: the
    values of ``CONTENT`` but the detail (the time as ISO 8601 text), and the detail's
    canonical JSON. The canonical JSON of the whole list is that of ``head`` with the
    detail's appended before its closing bracket."""
    return hmac_sha256(key, _EVENT_CONTEXT + f"{_canonical(head)[:-1]},{detail_json}]".encode())


def seal_digest(key: bytes, seq: int, event_id: int, prev_hash: str, mac: str) -> str:
    """HMAC-SHA256 binding an event (by its MAC) to its id, its place in seal order
    and the seal before it."""
    return hmac_sha256(key, f"{_SEAL_CONTEXT}\n{seq}\n{event_id}\n{prev_hash}\n{mac}".encode())


def sealed_row_check(key: bytes) -> Callable[[list[Any], str, str, int, int, str, str], bool]:
    """For verifying many rows: ``check(head, detail_json, mac, seq, event_id, prev_hash,
    digest)`` says whether ``mac`` is ``mac_of(key, head, detail_json)`` and ``digest``
    is ``seal_digest(key, seq, event_id, prev_hash, mac)``."""
    holds = sealed_message_check(key)
    iterencode = _iterencode

    def check(
        head: list[Any], detail_json: str, mac: str, seq: int, event_id: int, prev: str, digest: str
    ) -> bool:
        message = f"{''.join(iterencode(head, 0))[:-1]},{detail_json}]"
        return holds(message, mac, seq, event_id, prev, digest)

    return check


def sealed_message_check(key: bytes) -> Callable[[str, str, int, int, str, str], bool]:
    """``sealed_row_check`` for a row whose content is already its canonical JSON
    (``message``: the list ``mac_of`` covers, e.g. as the database built it):
    ``check(message, mac, seq, event_id, prev_hash, digest)``. The same digests,
    computed inline (a row then costs two HMACs and no other call)."""
    inner_pad, outer_pad = _pads(key)

    def check(message: str, mac: str, seq: int, event_id: int, prev: str, digest: str) -> bool:
        inner = inner_pad.copy()
        inner.update(_EVENT_CONTEXT + message.encode())
        outer = outer_pad.copy()
        outer.update(inner.digest())
        if outer.hexdigest() != mac:
            return False
        inner = inner_pad.copy()
        inner.update(f"{_SEAL_CONTEXT}\n{seq}\n{event_id}\n{prev}\n{mac}".encode())
        outer = outer_pad.copy()
        outer.update(inner.digest())
        return bool(outer.hexdigest() == digest)

    return check


def legacy_digest(content: Sequence[Any], prev_hash: str) -> str:
    """Version 1: SHA-256 over the event's canonical JSON, including the previous hash."""
    body = dict(zip(CONTENT, content, strict=True))
    body["occurred_at"] = _iso(body["occurred_at"])
    body["prev_hash"] = prev_hash
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
