"""Envelope encryption: data keys per person, AES-GCM fields, blind indexes.

Nothing here is home-made below the envelope scheme: AES-256-GCM, HKDF and
HMAC-SHA256 come from ``cryptography``.
"""

from __future__ import annotations

import hmac
import os
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import datetime
from hashlib import sha256

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.vault import hooks, keys, ledger
from haven.vault.errors import DecryptionFailed, ErrorCode, KeyDestroyed, VaultMisconfigured
from haven.vault.models import DataKey

NONCE_BYTES = 12
FORMAT_V1 = b"\x01"


def _wrap_aad(data_key_id: object) -> bytes:
    return b"haven-data-key:" + str(data_key_id).encode()


def _wrap(*, data_key_id: object, plain: bytes, master: keys.MasterKey) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master.secret).encrypt(nonce, plain, _wrap_aad(data_key_id))


def _unwrap(key: DataKey) -> bytes:
    if key.destroyed_at is not None or not bytes(key.wrapped):
        raise KeyDestroyed(_("This person's data was erased and can no longer be read."))
    cached = getattr(key, "_plain", None)
    if isinstance(cached, bytes):
        return cached
    master = keys.master_keys().get(key.master_key_id)
    if master is None:
        raise VaultMisconfigured(
            "The master key that wrapped this data key is not configured",
            code=ErrorCode.MASTER_KEY_UNKNOWN,
        )
    blob = bytes(key.wrapped)
    try:
        plain = AESGCM(master.secret).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], _wrap_aad(key.id)
        )
    except InvalidTag as exc:
        raise DecryptionFailed("A data key could not be unwrapped") from exc
    key._plain = plain  # type: ignore[attr-defined]  # per-instance cache, never shared
    return plain


@transaction.atomic
def data_key_create(*, subject: str) -> DataKey:
    """A fresh random data key, stored wrapped by the current master key."""
    master = keys.current_master_key()
    key = DataKey(subject=subject, master_key_id=master.id)
    plain = AESGCM.generate_key(bit_length=256)
    key.wrapped = _wrap(data_key_id=key.id, plain=plain, master=master)
    key.save()
    key._plain = plain  # type: ignore[attr-defined]  # per-instance cache, never shared
    return key


def encrypt(*, key: DataKey, plaintext: str, context: str) -> bytes:
    """AES-GCM with the person's data key; ``context`` binds the field name."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_unwrap(key)).encrypt(nonce, plaintext.encode(), context.encode())
    return FORMAT_V1 + nonce + sealed


def decrypt(*, key: DataKey, ciphertext: bytes | memoryview, context: str) -> str:
    """The plaintext, if the key is alive and ``context`` is the one it was sealed with."""
    blob = bytes(ciphertext)
    if blob[:1] != FORMAT_V1:
        raise DecryptionFailed("Unknown ciphertext format")
    body = blob[1:]
    try:
        plain = AESGCM(_unwrap(key)).decrypt(
            body[:NONCE_BYTES], body[NONCE_BYTES:], context.encode()
        )
    except InvalidTag as exc:
        raise DecryptionFailed("A field could not be decrypted") from exc
    return plain.decode()


def encrypt_optional(*, key: DataKey, plaintext: str, context: str) -> bytes | None:
    """Like ``encrypt``, but an empty value is stored as NULL ("not known")."""
    return encrypt(key=key, plaintext=plaintext, context=context) if plaintext else None


def decrypt_optional(*, key: DataKey, ciphertext: bytes | memoryview | None, context: str) -> str:
    """Like ``decrypt``, but NULL or empty reads as an empty string."""
    if ciphertext is None or not bytes(ciphertext):
        return ""
    return decrypt(key=key, ciphertext=ciphertext, context=context)


@transaction.atomic
def data_key_destroy(*, key: DataKey) -> DataKey:
    """Crypto-shredding: forget the wrapped key, so its ciphertexts are noise.

    The erasure ledger records the key first (outside the database): ``haven
    restore`` destroys it again in a backup taken before. Copies of the wrapped key
    in older backup files stay readable, to whoever holds the backup key, until the
    master key that wrapped them is rotated away and retired (docs/operations.md).
    Destroying twice keeps the first destruction time.
    """
    if hasattr(key, "_plain"):
        del key._plain
    if key.destroyed_at is not None:
        return key
    now = timezone.now()
    ledger.ledger_append(ledger.Erasure(data_key_id=key.id, subject=key.subject, destroyed_at=now))
    key.wrapped = b""
    key.master_key_id = ""
    key.destroyed_at = now
    key.save(update_fields=["wrapped", "master_key_id", "destroyed_at"])
    return key


REPLAY_BATCH = 500


@transaction.atomic
def erasures_replay(*, erasures: Iterable[ledger.Erasure]) -> dict[uuid.UUID, datetime]:
    """Destroy again every live data key the erasure ledger names (after a restore).

    Each key keeps the time of its first destruction; keys that are already destroyed
    or not in this database are left alone. The apps owning the keys are told
    (``hooks.keys_shredded``) in this transaction. Returns the keys destroyed now.
    """
    first: dict[uuid.UUID, datetime] = {}
    for erasure in erasures:
        first.setdefault(erasure.data_key_id, erasure.destroyed_at)
    wanted = list(first)
    shredded: dict[uuid.UUID, datetime] = {}
    for start in range(0, len(wanted), REPLAY_BATCH):
        batch = list(
            DataKey.objects.select_for_update().filter(
                pk__in=wanted[start : start + REPLAY_BATCH], destroyed_at__isnull=True
            )
        )
        for key in batch:
            key.wrapped = b""
            key.master_key_id = ""
            key.destroyed_at = shredded[key.id] = first[key.id]
        DataKey.objects.bulk_update(batch, ["wrapped", "master_key_id", "destroyed_at"])
    if shredded:
        hooks.keys_shredded(hooks.KeysShredded(destroyed=shredded))
    return shredded


def master_key_rotate(*, batch_size: int = 500) -> int:
    """Re-wrap every live data key under the current master key.

    Ciphertexts are untouched: only the wrapped data keys change. Returns how
    many keys were re-wrapped. Safe to re-run; each batch is one transaction.
    """
    current = keys.current_master_key()
    rotated = 0
    while True:
        with transaction.atomic():
            batch = list(
                DataKey.objects.select_for_update()
                .filter(destroyed_at__isnull=True)
                .exclude(master_key_id=current.id)[:batch_size]
            )
            if not batch:
                return rotated
            now = timezone.now()
            for key in batch:
                plain = _unwrap(key)
                key.wrapped = _wrap(data_key_id=key.id, plain=plain, master=current)
                key.master_key_id = current.id
                key.rotated_at = now
            DataKey.objects.bulk_update(batch, ["wrapped", "master_key_id", "rotated_at"])
            rotated += len(batch)


def data_keys_unreadable(*, master_key_ids: Iterable[str]) -> int:
    """How many live data keys are wrapped under none of these master keys: after
    restoring a backup older than a retired master key, those persons cannot be read."""
    live = DataKey.objects.filter(destroyed_at__isnull=True)
    return live.exclude(master_key_id__in=list(master_key_ids)).count()


def normalise(value: str) -> str:
    """Case, spacing and Unicode form do not change an exact look-up."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(*, value: str, purpose: str) -> str:
    """Keyed HMAC of a normalised value, for exact look-ups without decrypting.

    Each purpose gets its own HKDF-derived key, so indexes of different fields
    cannot be compared with each other.
    """
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"haven-blind-index:" + purpose.encode(),
    ).derive(keys.index_key())
    return hmac.new(derived, normalise(value).encode(), sha256).hexdigest()
