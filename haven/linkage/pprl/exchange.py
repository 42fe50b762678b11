"""The signed encodings file two focal points exchange.

UTF-8 text (ASCII in fact), one JSON value per line::

    {"count": N, "created_at": "...Z", "format": "haven-pprl/1", "schema": {...},
     "secret_check": hex, "sender": "EE police"}
    ["<opaque local id>", "<filter in base64>"]      (N lines)
    {"signature": "<Ed25519 signature in base64>"}

The signature covers every byte before the last line. A receiver verifies it with
the sender's public key before it parses anything else; one changed bit, a row
added or removed, or another key is refused with one message that does not say
where. The local ids are random tokens the sender maps back to its records in a
file that never leaves it: no case reference and no record id is in the file.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from haven.lib import signing
from haven.linkage.pprl.errors import ErrorCode, PprlError, SignatureInvalid
from haven.linkage.pprl.schema import Schema, canonical, schema_from_json

FORMAT = "haven-pprl/1"
_HEADER_KEYS = frozenset({"count", "created_at", "format", "schema", "secret_check", "sender"})


@dataclass(frozen=True)
class Encodings:
    """A verified encodings file, or one about to be written."""

    schema: Schema
    sender: str
    created_at: str
    secret_check: str
    ids: Sequence[str]
    filters: Sequence[bytes]


# --- keys ------------------------------------------------------------------------------


keygen = signing.keygen


def new_secret() -> str:
    """A new shared secret (256 bits, URL-safe base64 text) for two focal points."""
    return secrets.token_urlsafe(32)


def _key_text(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise PprlError(_("The key file cannot be read."), code=ErrorCode.KEY_INVALID) from None


def _bad_key() -> PprlError:
    return PprlError(_("The key file does not hold a key."), code=ErrorCode.KEY_INVALID)


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    key = signing.private_key(text)
    if key is None:
        raise _bad_key()
    return key


def private_key_load(path: Path) -> Ed25519PrivateKey:
    return private_key_from_text(_key_text(path))


def public_key_load(path: Path) -> Ed25519PublicKey:
    key = signing.public_key(_key_text(path))
    if key is None:
        raise _bad_key()
    return key


def new_local_ids(count: int) -> list[str]:
    """Random opaque tokens, one per record, distinct."""
    ids: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        token = secrets.token_urlsafe(12)
        if token not in ids:
            ids.add(token)
            ordered.append(token)
    return ordered


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- writing and reading -----------------------------------------------------------------


def _printable(label: str) -> bool:
    return 0 < len(label) <= 100 and label.isprintable()


def sender_check(sender: str) -> str:
    if not _printable(sender):
        raise PprlError(
            _("The sender label must be 1 to 100 printable characters."),
            code=ErrorCode.INPUT_INVALID,
        )
    return sender


def dumps(encodings: Encodings, key: Ed25519PrivateKey) -> bytes:
    """The signed file's bytes."""
    header = {
        "count": len(encodings.ids),
        "created_at": encodings.created_at,
        "format": FORMAT,
        "schema": encodings.schema.as_json(),
        "secret_check": encodings.secret_check,
        "sender": sender_check(encodings.sender),
    }
    lines = [canonical(header)]
    lines += [
        canonical([local_id, signing.b64(bloom)])
        for local_id, bloom in zip(encodings.ids, encodings.filters, strict=True)
    ]
    body = ("\n".join(lines) + "\n").encode("ascii")
    signature = canonical({"signature": signing.b64(key.sign(body))})
    return body + signature.encode("ascii") + b"\n"


def _malformed() -> PprlError:
    return PprlError(_("This is not a Haven encodings file."), code=ErrorCode.FILE_INVALID)


def _split(content: bytes) -> tuple[bytes, bytes]:
    """The signed body and the signature; SignatureInvalid when there is none."""
    body, newline, last = content.removesuffix(b"\n").rpartition(b"\n")
    try:
        signature = json.loads(last)["signature"]
    except (ValueError, TypeError, KeyError):
        raise _tampered() from None
    raw = signing.unb64(signature, 64) if isinstance(signature, str) else None
    if raw is None or not newline or not content.endswith(b"\n"):
        raise _tampered()
    return body + newline, raw


def _tampered() -> SignatureInvalid:
    # One message whatever failed: a forger learns nothing from it.
    return SignatureInvalid(
        _(
            "The signature does not match: this file was changed after it was signed, "
            "or was not signed with the sender key given."
        )
    )


def loads(content: bytes, key: Ed25519PublicKey) -> Encodings:
    """A verified file: the signature is checked before anything else is read."""
    body, signature = _split(content)
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise _tampered() from None
    try:
        lines = body.decode("ascii").splitlines()
        header: Any = json.loads(lines[0])
    except (UnicodeDecodeError, ValueError, IndexError):
        raise _malformed() from None
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS or header["format"] != FORMAT:
        raise _malformed()
    schema = schema_from_json(header["schema"])
    rows = [_row(line, schema.filter_bits // 8) for line in lines[1:]]
    if header["count"] != len(rows) or len({r[0] for r in rows}) != len(rows):
        raise _malformed()
    sender = header["sender"]
    if not isinstance(sender, str) or not _printable(sender):
        raise _malformed()
    return Encodings(
        schema=schema,
        sender=sender,
        created_at=str(header["created_at"]),
        secret_check=str(header["secret_check"]),
        ids=[r[0] for r in rows],
        filters=[r[1] for r in rows],
    )


def _row(line: str, length: int) -> tuple[str, bytes]:
    try:
        local_id, encoded = json.loads(line)
    except (ValueError, TypeError):
        raise _malformed() from None
    bloom = signing.unb64(encoded, length) if isinstance(encoded, str) else None
    if not isinstance(local_id, str) or not local_id or bloom is None:
        raise _malformed()
    return local_id, bloom


def load(path: Path, key: Ed25519PublicKey) -> Encodings:
    try:
        content = path.read_bytes()
    except OSError:
        raise _malformed() from None
    return loads(content, key)
