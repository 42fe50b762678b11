"""CLK encodings (Schnell et al.): one Bloom filter per person, built from the
normalised fields and a secret shared by the two focal points.

Each field has its own key, derived with HKDF-SHA256 from the shared secret (salt:
the schema's id and version, info: the field's name). A feature (a padded q-gram of a
name token, or a whole date or sex token) is hashed once with HMAC-SHA256 under its
field's key; the two halves of the digest give the field's ``k`` bit positions by
double hashing (h1 + i * h2 mod filter_bits). All fields go into one filter.

Features repeat (the bigram "an" occurs in most registers thousands of times), so
each feature's bits are computed once per run and kept as an int mask: a record's
filter is the OR of its features' masks.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

from haven.linkage import matching
from haven.linkage.pprl.errors import ErrorCode, PprlError
from haven.linkage.pprl.schema import Schema

MIN_SECRET_BYTES = 32
NAME_FIELDS = frozenset({"given", "family", "names"})
_CHECK_INFO = b"haven-pprl secret check"


def normalisation_version() -> str:
    """The version ``haven.linkage.matching`` declares ("1" until it declares one)."""
    return str(getattr(matching, "NORMALISATION_VERSION", "1"))


def secret_load(path: Path) -> bytes:
    """The shared secret from a file (its bytes, surrounding whitespace removed)."""
    try:
        secret = path.read_bytes().strip()
    except OSError:
        raise PprlError(
            _("The secret file cannot be read."), code=ErrorCode.SECRET_INVALID
        ) from None
    return secret_check(secret)


def secret_check(secret: bytes) -> bytes:
    if len(secret) < MIN_SECRET_BYTES:
        raise PprlError(
            _("The shared secret must be at least %(n)d bytes long.") % {"n": MIN_SECRET_BYTES},
            code=ErrorCode.SECRET_INVALID,
        )
    return secret


def _derive(secret: bytes, schema: Schema, info: bytes, length: int = 32) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=length, salt=schema.label.encode("utf-8"), info=info
    )
    return hkdf.derive(secret)


def secret_fingerprint(secret: bytes, schema: Schema) -> str:
    """A check value of the secret under this schema, carried in the exchange file so
    that files made under two different secrets are refused rather than compared to
    nothing. Derived with its own HKDF label: it opens no field key."""
    return _derive(secret, schema, _CHECK_INFO, 16).hex()


def _qgrams(token: str, q: int) -> list[str]:
    padded = "_" * (q - 1) + token + "_" * (q - 1)
    return [padded[i : i + q] for i in range(len(padded) - q + 1)]


def _field_values(n: matching.Normalised) -> dict[str, list[str]]:
    """The forms of each field that are encoded: the one place to choose them.

    - Names give their tokens (q-grammed by the encoder); a richer form, such as a
      phonetic skeleton (one form for every romanisation), is used when the
      normalisation gives one. The
      ``names`` field holds the given and family tokens together, under one key: a
      schema that encodes it instead of ``given`` and ``family`` does not care in
      which order the two sides wrote the names.
    - The year gives itself and its decade ("199x"), so a year estimated one off
      keeps part of its bits most of the time.
    - A 1st of the month is a placeholder (1 January for an unknown day and
      month): ``normalise`` already leaves the day, and on 1 January the month
      too, out rather than counting them as a disagreement with the true date.
    - Day and month also give their unordered pair ("5/17"), so a date written day
      first on one side and month first on the other keeps part of its bits.
    """
    given = n.given_skeleton or n.given
    family = n.family_skeleton or n.family
    year, month, day = n.birth_year, n.birth_month, n.birth_day
    values: dict[str, list[str]] = {
        "given": list(given),
        "family": list(family),
        "names": [*given, *family],
        "birth_year": [] if year is None else [str(year), f"{year // 10}x"],
        "birth_month": [] if month is None else [str(month)],
        "birth_day": [] if day is None else [str(day)],
        "sex": [n.sex] if n.sex else [],
    }
    if month is not None and day is not None:
        values["birth_day"].append("{}/{}".format(*sorted((month, day))))
    return values


class Encoder:
    """Encodes normalised records under one schema and one secret."""

    def __init__(self, schema: Schema, secret: bytes) -> None:
        if schema.normalisation != normalisation_version():
            raise PprlError(
                _("The schema was made for another version of the name normalisation."),
                code=ErrorCode.NORMALISATION_MISMATCH,
            )
        secret_check(secret)
        self.schema = schema
        self._bits = schema.filter_bits
        self._keys = {
            f.name: _derive(secret, schema, b"haven-pprl field " + f.name.encode("ascii"))
            for f in schema.fields
        }
        self._k = {f.name: f.k for f in schema.fields}
        self._masks: dict[tuple[str, str], int] = {}
        self.secret_fingerprint = secret_fingerprint(secret, schema)

    def _mask(self, field: str, feature: str) -> int:
        digest = hmac.digest(self._keys[field], feature.encode("utf-8"), hashlib.sha256)
        h1 = int.from_bytes(digest[:16], "big")
        h2 = int.from_bytes(digest[16:], "big")
        mask = 0
        for i in range(self._k[field]):
            mask |= 1 << ((h1 + i * h2) % self._bits)
        return mask

    def _features(self, field: str, values: list[str]) -> list[str]:
        if field in NAME_FIELDS:
            return [gram for token in values for gram in _qgrams(token, self.schema.q)]
        return values

    def encode(self, n: matching.Normalised) -> int:
        """The record's filter as an int (bit i is position i)."""
        bloom = 0
        masks = self._masks
        for field, values in _field_values(n).items():
            if field not in self._keys:
                continue
            for feature in self._features(field, values):
                mask = masks.get((field, feature))
                if mask is None:
                    mask = masks[(field, feature)] = self._mask(field, feature)
                bloom |= mask
        return bloom

    def encode_record(self, record: matching.Record) -> int:
        return self.encode(matching.normalise(record))

    def to_bytes(self, bloom: int) -> bytes:
        return bloom.to_bytes(self._bits // 8, "big")
