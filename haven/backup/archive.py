"""The sealed file format of ``haven backup``: a header, then AES-256-GCM chunks.

    MAGIC | header length (4 bytes) | header (JSON) | chunk*
    chunk = sealed length (4 bytes) | AES-GCM(file key, nonce, plain part, AAD)

The header is readable without the key (format, creation time, database vendor,
schema migrations, the backup key's fingerprint, a random salt) and is authenticated
by every chunk: the AAD is the SHA-256 of everything before the first chunk. Each
file has its own key, derived from the backup key and the salt with HKDF, so nonces
never repeat across files. A chunk's nonce is its number and a flag marking the last
chunk (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár): chunks
cannot be reordered, dropped, or cut off at the end without detection. Chunks are at
most ``CHUNK_BYTES`` of plaintext, so writing and reading keep memory bounded.

Nothing here is home-made below this framing: AES-GCM and HKDF come from
``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from haven.backup.errors import BackupKeyWrong, BackupNotAuthentic, BackupUnreadable
from haven.vault import keys

MAGIC = b"HAVEN-BACKUP\n"
FORMAT = 1
CHUNK_BYTES = 1 << 20
TAG_BYTES = 16
SALT_BYTES = 16
LENGTH_BYTES = 4
MAX_HEADER_BYTES = 1 << 20


def _file_cipher(backup_key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"haven-backup-file-v1"
    ).derive(backup_key)
    return AESGCM(derived)


def _nonce(index: int, *, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """Text written here reaches ``out`` sealed, one chunk at a time; ``close`` seals
    the last chunk (possibly empty), without which the file does not authenticate."""

    def __init__(self, out: BinaryIO, *, backup_key: bytes, header: dict[str, Any]) -> None:
        salt = os.urandom(SALT_BYTES)
        header = {
            **header,
            "format": FORMAT,
            "key_id": keys.backup_key_id(backup_key),
            "salt": base64.b64encode(salt).decode(),
        }
        encoded = json.dumps(header, sort_keys=True).encode()
        prefix = MAGIC + len(encoded).to_bytes(LENGTH_BYTES, "big") + encoded
        out.write(prefix)
        self.header = header
        self._out = out
        self._aad = hashlib.sha256(prefix).digest()
        self._cipher = _file_cipher(backup_key, salt)
        self._buffer = bytearray()
        self._index = 0

    def write(self, text: str) -> int:
        self._buffer += text.encode()
        while len(self._buffer) >= CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(text)

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._index, last=last), plain, self._aad)
        self._out.write(len(sealed).to_bytes(LENGTH_BYTES, "big") + sealed)
        self._index += 1


def header_read(source: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """The header and the AAD that binds it to every chunk; ``source`` is left at the
    first chunk. The header is not yet authenticated: the chunks prove it."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupUnreadable("This file is not a Haven backup.")
    raw_length = source.read(LENGTH_BYTES)
    length = int.from_bytes(raw_length, "big")
    encoded = source.read(length) if len(raw_length) == LENGTH_BYTES else b""
    if not 0 < length <= MAX_HEADER_BYTES or len(encoded) != length:
        raise BackupUnreadable("The backup's header is cut short or damaged.")
    try:
        header = json.loads(encoded)
        salt = base64.b64decode(header["salt"], validate=True)
        known = header["format"] == FORMAT and len(salt) == SALT_BYTES
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupUnreadable("The backup's header is damaged.") from exc
    if not known:
        raise BackupUnreadable("The backup is of a format this version of Haven cannot read.")
    prefix = MAGIC + raw_length + encoded
    return header, hashlib.sha256(prefix).digest()


def key_check(header: dict[str, Any], backup_key: bytes) -> None:
    """A backup sealed under another key is named as such, before any decryption."""
    configured = keys.backup_key_id(backup_key)
    if header.get("key_id") != configured:
        raise BackupKeyWrong(
            f"This backup was sealed with backup key {header.get('key_id')!s}, but the "
            f"configured HAVEN_BACKUP_KEY is {configured}. Configure the key the backup "
            "was made with."
        )


def chunks_open(
    source: BinaryIO, *, backup_key: bytes, header: dict[str, Any], aad: bytes
) -> Iterator[bytes]:
    """The plaintext chunks, each authenticated before it is given out; the last one
    must be marked last and be followed by nothing."""
    cipher = _file_cipher(backup_key, base64.b64decode(header["salt"]))
    pending = _sealed_chunk(source)
    index = 0
    while pending is not None:
        following = _sealed_chunk(source)
        try:
            plain = cipher.decrypt(_nonce(index, last=following is None), pending, aad)
        except InvalidTag as exc:
            raise BackupNotAuthentic(
                f"Part {index + 1} of the backup does not authenticate: the file was "
                "changed, cut short or reordered after it was written. Nothing was restored."
            ) from exc
        yield plain
        pending = following
        index += 1
    if index == 0:
        raise BackupNotAuthentic("The backup holds no sealed data: it was cut short.")


def _sealed_chunk(source: BinaryIO) -> bytes | None:
    raw_length = source.read(LENGTH_BYTES)
    if not raw_length:
        return None
    length = int.from_bytes(raw_length, "big")
    sealed = source.read(length) if len(raw_length) == LENGTH_BYTES else b""
    if not TAG_BYTES <= length <= CHUNK_BYTES + TAG_BYTES or len(sealed) != length:
        raise BackupNotAuthentic(
            "The backup is cut short or damaged: a part has the wrong length. Nothing was restored."
        )
    return sealed


def lines(chunks: Iterator[bytes]) -> Iterator[str]:
    """The text lines of the plaintext, across chunk boundaries."""
    rest = b""
    for chunk in chunks:
        *complete, rest = (rest + chunk).split(b"\n")
        for line in complete:
            yield line.decode()
    if rest:
        yield rest.decode()
