"""The cross-border referral package: its format and its cryptography (R-50).

A package is one line of canonical JSON (sorted keys, no spaces, ASCII):

    {"ciphertext": b64, "ephemeral_key": b64, "format": FORMAT,
     "header": {"created_at", "expires_at", "format", "kind", "package_id",
                "recipient", "sender"},
     "nonce": b64, "signature": b64}

The payload is encrypted to the recipient focal point's X25519 key: an ephemeral
X25519 key, HKDF-SHA256 (salt: ephemeral public key + recipient public key) and
AES-256-GCM with the canonical header as associated data. The sender's Ed25519
key signs the canonical JSON of everything but the signature.

Any changed byte is refused: the text must be exactly the canonical form (a
trailing newline aside), base64 must be canonical, and the signature and the
AEAD tag cover the rest. Pure functions: no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

from haven.lib.errors import InvalidInput
from haven.referrals.errors import ErrorCode

FORMAT = "haven-crossborder/1"
KIND_REFERRAL = "referral"
KIND_ACKNOWLEDGEMENT = "acknowledgement"
KINDS = (KIND_REFERRAL, KIND_ACKNOWLEDGEMENT)
HEADER_FIELDS = frozenset(
    {"format", "package_id", "kind", "sender", "recipient", "created_at", "expires_at"}
)
PACKAGE_FIELDS = frozenset(
    {"format", "header", "ephemeral_key", "nonce", "ciphertext", "signature"}
)
_HKDF_INFO = b"haven-crossborder/1 payload"
_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw


class PackageTampered(InvalidInput):
    default_code = ErrorCode.PACKAGE_TAMPERED


def _tampered() -> PackageTampered:
    # Never says where: a forger learns nothing from the message.
    return PackageTampered(
        _("This package was changed after it was signed, or is not a Haven package.")
    )


# --- keys ------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, *, length: int | None = None) -> bytes:
    """Strict base64: canonical text only (one encoding per value), optional length."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise _tampered() from None
    if b64(raw) != text or (length is not None and len(raw) != length):
        raise _tampered()
    return raw


def _public_raw(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(_RAW, _RAW_PUBLIC)


def _private_raw(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    return key.private_bytes(_RAW, _RAW_PRIVATE, serialization.NoEncryption())


def fingerprint(*, encryption_public_key: str, signing_public_key: str) -> str:
    """What two focal points read to each other out of band: SHA-256 of both public
    keys, 32 hex digits in groups of four."""
    digest = hashlib.sha256(
        f"{FORMAT}|{encryption_public_key}|{signing_public_key}".encode("ascii")
    ).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_key_valid(value: str) -> bool:
    try:
        unb64(value, length=32)
    except PackageTampered:
        return False
    return True


@dataclass(frozen=True)
class OwnKeys:
    """This instance's focal point: its id and private keys (from the environment)."""

    focal_point_id: str
    encryption: X25519PrivateKey
    signing: Ed25519PrivateKey

    @property
    def encryption_public_key(self) -> str:
        return b64(_public_raw(self.encryption))

    @property
    def signing_public_key(self) -> str:
        return b64(_public_raw(self.signing))

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            encryption_public_key=self.encryption_public_key,
            signing_public_key=self.signing_public_key,
        )


def own_keys_load(*, focal_point_id: str, encryption_key: str, signing_key: str) -> OwnKeys:
    """Raises ValueError on a malformed key (a configuration error, not a package one)."""
    try:
        encryption = X25519PrivateKey.from_private_bytes(unb64(encryption_key, length=32))
        signing = Ed25519PrivateKey.from_private_bytes(unb64(signing_key, length=32))
    except PackageTampered:
        raise ValueError("focal point keys must be base64 of 32 bytes") from None
    return OwnKeys(focal_point_id=focal_point_id, encryption=encryption, signing=signing)


def keygen() -> dict[str, str]:
    """A new key set: the two private keys (for this instance's environment) and
    the two public keys with their fingerprint (for the partner)."""
    encryption = X25519PrivateKey.generate()
    signing = Ed25519PrivateKey.generate()
    public = {
        "encryption_public_key": b64(_public_raw(encryption)),
        "signing_public_key": b64(_public_raw(signing)),
    }
    return {
        "encryption_private_key": b64(_private_raw(encryption)),
        "signing_private_key": b64(_private_raw(signing)),
        **public,
        "fingerprint": fingerprint(**public),
    }


# --- the envelope ------------------------------------------------------------------------


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(text: str) -> datetime:
    try:
        parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise _tampered() from None
    if timestamp(parsed) != text:
        raise _tampered()
    return parsed


@dataclass(frozen=True)
class Header:
    package_id: uuid.UUID
    kind: str
    sender: str
    recipient: str
    created_at: datetime
    expires_at: datetime

    def as_json(self) -> dict[str, str]:
        return {
            "format": FORMAT,
            "package_id": str(self.package_id),
            "kind": self.kind,
            "sender": self.sender,
            "recipient": self.recipient,
            "created_at": timestamp(self.created_at),
            "expires_at": timestamp(self.expires_at),
        }


@dataclass(frozen=True)
class Envelope:
    """A parsed package whose form is checked; not yet verified nor decrypted."""

    header: Header
    raw: dict[str, Any]

    def signed_part(self) -> bytes:
        return canonical({k: v for k, v in self.raw.items() if k != "signature"}).encode()


def _key(private: X25519PrivateKey, peer: X25519PublicKey, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO)
    return hkdf.derive(private.exchange(peer))


def seal(
    *, header: Header, payload: dict[str, Any], sender: OwnKeys, recipient_encryption_key: str
) -> str:
    """The package text: payload encrypted to the recipient, all signed by the sender."""
    recipient_raw = unb64(recipient_encryption_key, length=32)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _public_raw(ephemeral)
    key = _key(
        ephemeral, X25519PublicKey.from_public_bytes(recipient_raw), ephemeral_raw + recipient_raw
    )
    nonce = os.urandom(12)
    header_json = header.as_json()
    ciphertext = AESGCM(key).encrypt(
        nonce, canonical(payload).encode(), canonical(header_json).encode()
    )
    body: dict[str, Any] = {
        "format": FORMAT,
        "header": header_json,
        "ephemeral_key": b64(ephemeral_raw),
        "nonce": b64(nonce),
        "ciphertext": b64(ciphertext),
    }
    body["signature"] = b64(sender.signing.sign(canonical(body).encode()))
    return canonical(body) + "\n"


def _header(raw: Any) -> Header:
    if not isinstance(raw, dict) or set(raw) != HEADER_FIELDS:
        raise _tampered()
    if not all(isinstance(v, str) for v in raw.values()) or raw["format"] != FORMAT:
        raise _tampered()
    if raw["kind"] not in KINDS:
        raise _tampered()
    try:
        package_id = uuid.UUID(raw["package_id"])
    except ValueError:
        raise _tampered() from None
    if str(package_id) != raw["package_id"]:
        raise _tampered()
    return Header(
        package_id=package_id,
        kind=raw["kind"],
        sender=raw["sender"],
        recipient=raw["recipient"],
        created_at=_moment(raw["created_at"]),
        expires_at=_moment(raw["expires_at"]),
    )


def envelope_parse(package: str | dict[str, Any]) -> Envelope:
    """Check the form of a package (text as exported, or its JSON object)."""
    if isinstance(package, str):
        try:
            raw = json.loads(package)
        except ValueError:
            raise _tampered() from None
        if not isinstance(raw, dict) or package not in (canonical(raw), canonical(raw) + "\n"):
            raise _tampered()
    else:
        raw = package
    if set(raw) != PACKAGE_FIELDS or raw["format"] != FORMAT:
        raise _tampered()
    if not all(isinstance(raw[k], str) for k in PACKAGE_FIELDS - {"header"}):
        raise _tampered()
    envelope = Envelope(header=_header(raw["header"]), raw=raw)
    unb64(raw["ephemeral_key"], length=32)
    unb64(raw["nonce"], length=12)
    unb64(raw["ciphertext"])
    unb64(raw["signature"], length=64)
    return envelope


def signature_verify(envelope: Envelope, *, signing_public_key: str) -> None:
    public = Ed25519PublicKey.from_public_bytes(unb64(signing_public_key, length=32))
    try:
        public.verify(unb64(envelope.raw["signature"], length=64), envelope.signed_part())
    except InvalidSignature:
        raise _tampered() from None


def payload_open(envelope: Envelope, *, own: OwnKeys) -> dict[str, Any]:
    """Decrypt the payload (after ``signature_verify``)."""
    ephemeral_raw = unb64(envelope.raw["ephemeral_key"], length=32)
    own_raw = _public_raw(own.encryption)
    key = _key(
        own.encryption, X25519PublicKey.from_public_bytes(ephemeral_raw), ephemeral_raw + own_raw
    )
    try:
        plaintext = AESGCM(key).decrypt(
            unb64(envelope.raw["nonce"], length=12),
            unb64(envelope.raw["ciphertext"]),
            canonical(envelope.raw["header"]).encode(),
        )
        payload = json.loads(plaintext)
    except (InvalidTag, ValueError):
        raise _tampered() from None
    if not isinstance(payload, dict):
        raise _tampered()
    return payload
