"""Signed heads of the trail, kept outside the database.

An anchor is one JSON line: the sealed sequence number, the seal digest at that
number, the time, and an Ed25519 signature. The signing key is derived from the
audit key (HMAC-SHA256 under a fixed label), so there is still one secret to keep;
its public key may be handed to whoever keeps the anchors (a log sink, the
national rapporteur), who can then check them without being able to make one.
An HMAC would have needed the audit key itself to check an anchor.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_SIGNING_LABEL = b"haven-audit-anchor-ed25519"
_CONTEXT = b"haven-audit-anchor-v1\n"
_TAIL_BYTES = 4096


@dataclass(frozen=True)
class Anchor:
    """The trail's head at a moment: ``seq`` events sealed, the last with ``digest``."""

    seq: int
    digest: str
    at: str  # ISO 8601, UTC


class AnchorInvalid(Exception):
    """A line of an anchor file that is not an anchor signed with this trail's key."""

    def __init__(self, line: int) -> None:
        super().__init__(f"anchor line {line} is not an anchor signed with this trail's key")
        self.line = line


def signing_key(key: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hmac.digest(key, _SIGNING_LABEL, "sha256"))


def public_key(key: bytes) -> str:
    """Base64 of the raw Ed25519 public key that checks this trail's anchors."""
    raw = signing_key(key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _signed_part(anchor: Anchor) -> bytes:
    body = {"seq": anchor.seq, "digest": anchor.digest, "at": anchor.at}
    return _CONTEXT + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def anchor_line(key: bytes, anchor: Anchor) -> str:
    signature = signing_key(key).sign(_signed_part(anchor))
    return json.dumps(
        {
            "seq": anchor.seq,
            "digest": anchor.digest,
            "at": anchor.at,
            "key": public_key(key),
            "sig": base64.b64encode(signature).decode(),
        },
        separators=(",", ":"),
    )


def anchor_append(path: Path, line: str) -> None:
    """Append one line; a new file is the service user's alone."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(line + "\n")


def last_line(path: Path) -> str:
    """The file's last non-empty line ("" for a missing or empty file)."""
    if not path.exists():
        return ""
    with path.open("rb") as source:
        source.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        lines = source.read().decode("utf-8", errors="replace").splitlines()
    return next((line for line in reversed(lines) if line.strip()), "")


def anchor_parse(line: str, *, public: Ed25519PublicKey, number: int) -> Anchor:
    try:
        raw = json.loads(line)
        anchor = Anchor(seq=int(raw["seq"]), digest=str(raw["digest"]), at=str(raw["at"]))
        public.verify(base64.b64decode(raw["sig"], validate=True), _signed_part(anchor))
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature) as exc:
        raise AnchorInvalid(number) from exc
    return anchor


def anchors_read(key: bytes, path: Path) -> list[Anchor]:
    """Every anchor in the file, each signature checked (AnchorInvalid otherwise)."""
    public = signing_key(key).public_key()
    found: list[Anchor] = []
    with path.open(encoding="utf-8", errors="replace") as source:
        for number, line in enumerate(source, start=1):
            if line.strip():
                found.append(anchor_parse(line, public=public, number=number))
    return found
