"""The signed regional exchange file of protected statistics (issue 15, R-45, R-46).

A state sends the others a release of aggregate counts only: registered victims by
year, sex, age group and broad form of exploitation, each cell under the threshold
suppressed (its value ``null``). UTF-8 text, one JSON value per line::

    {"cells": N, "created_at": "...Z", "dimensions": [...], "format": "haven-regional/1",
     "sender": "EE", "threshold": 5}
    ["2024", "female", "adult", "sexual", 12]        (N lines, a suppressed value null)
    {"signature": "<Ed25519 signature in base64>"}

The signature covers every byte before its line; the receiver checks it with the
sender's configured public key before reading anything else, then the schema. Any
change, another key or a malformed file is refused whole. Releases are kept per state
and shown side by side, never summed together (no raw data crosses).

The approach (and the key text format) is that of ``haven.linkage.pprl.exchange``;
linkage sits on the same floor, so its helpers are not imported.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from haven.lib import signing
from haven.statistics import kanon
from haven.statistics.errors import FileInvalid, KeyInvalid, SignatureInvalid
from haven.statistics.htcds import Victims, counted

FORMAT = "haven-regional/1"
DIMENSIONS = ("year", "sex", "age_group", "exploitation")
_HEADER_KEYS = frozenset({"cells", "created_at", "dimensions", "format", "sender", "threshold"})
_COUNTRY = re.compile("[A-Z]{2}")
_YEAR = re.compile(r"\d{4}")
_CREATED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
MAX_THRESHOLD = 1000
VALUES: dict[str, frozenset[str]] = {
    "sex": frozenset({"female", "male", "intersex", "unknown"}),
    "age_group": frozenset({"child", "adult", "unknown"}),
    "exploitation": frozenset({"sexual", "labour", "other", "unknown"}),
}
Cell = tuple[str, str, str, str]


@dataclass(frozen=True)
class RegionalRelease:
    """A verified release, or one about to be signed: value None is a suppressed cell."""

    sender: str
    created_at: str
    threshold: int
    cells: dict[Cell, int | None]

    def year_totals(self) -> dict[str, tuple[int, int]]:
        """Per year: the sum of the published cells and how many cells were suppressed
        (so a page says "at least" where any was). A victim of two broad forms is in
        two cells: this is a count by form, not of persons."""
        totals: dict[str, tuple[int, int]] = {}
        for cell, value in sorted(self.cells.items()):
            published, suppressed = totals.get(cell[0], (0, 0))
            totals[cell[0]] = (published + (value or 0), suppressed + (value is None))
        return totals


# --- the counts ----------------------------------------------------------------------------


def _age(group: str) -> str:
    if group in {"0-11", "12-17", "0-17"}:
        return "child"
    return "unknown" if group == "unknown" else "adult"


def aggregate(victims: Victims) -> Counter[Cell]:
    """Registered victims per cell; a victim with several broad forms counts in each.
    Victims counted per distinct record are added a record at a time."""
    counts: Counter[Cell] = Counter()
    for victim, n in counted(victims).items():
        for broad in kanon.broad_forms(victim.forms_of_exploitation).split(";"):
            counts[(str(victim.year), victim.sex, _age(victim.age_group), broad)] += n
    return counts


def protect(counts: Mapping[Cell, int], *, threshold: int) -> dict[Cell, int | None]:
    """Small-cell suppression (R-46): a count under the threshold is not published."""
    return {cell: (n if n >= threshold else None) for cell, n in sorted(counts.items())}


# --- keys ----------------------------------------------------------------------------------

keygen = signing.keygen


def _bad_key() -> KeyInvalid:
    return KeyInvalid(_("The configured exchange key is not an Ed25519 key."))


def private_key(text: str) -> Ed25519PrivateKey:
    key = signing.private_key(text)
    if key is None:
        raise _bad_key()
    return key


def public_key(text: str) -> Ed25519PublicKey:
    key = signing.public_key(text)
    if key is None:
        raise _bad_key()
    return key


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- writing and reading -------------------------------------------------------------------


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def dumps(release: RegionalRelease, key: Ed25519PrivateKey) -> bytes:
    """The signed file's bytes."""
    header = {
        "cells": len(release.cells),
        "created_at": release.created_at,
        "dimensions": list(DIMENSIONS),
        "format": FORMAT,
        "sender": release.sender,
        "threshold": release.threshold,
    }
    lines = [_canonical(header)]
    lines += [_canonical([*cell, value]) for cell, value in sorted(release.cells.items())]
    body = ("\n".join(lines) + "\n").encode("ascii")
    return body + _canonical({"signature": signing.b64(key.sign(body))}).encode("ascii") + b"\n"


def _tampered() -> SignatureInvalid:
    # One message whatever failed: a forger learns nothing from it.
    return SignatureInvalid(
        _(
            "The signature does not match: this file was changed after it was signed, "
            "or was not signed with the key configured for its sender."
        )
    )


def _malformed(row: int, field: str) -> FileInvalid:
    return FileInvalid(
        _("Row %(row)d, field %(field)s: this is not a regional statistics release.")
        % {"row": row, "field": field},
        field=field,
    )


def _split(content: bytes) -> tuple[bytes, bytes]:
    body, newline, last = content.removesuffix(b"\n").rpartition(b"\n")
    try:
        signature = json.loads(last)["signature"]
    except (ValueError, TypeError, KeyError):
        raise _tampered() from None
    raw = signing.unb64(signature, 64) if isinstance(signature, str) else None
    if raw is None or not newline or not content.endswith(b"\n"):
        raise _tampered()
    return body + newline, raw


def sender_of(content: bytes) -> str:
    """The sender a file claims, to choose the key to verify it with (not yet trusted)."""
    try:
        header: Any = json.loads(content.split(b"\n", 1)[0])
        sender = header["sender"]
    except (ValueError, TypeError, KeyError):
        raise _malformed(1, "sender") from None
    if not isinstance(sender, str) or not _COUNTRY.fullmatch(sender):
        raise _malformed(1, "sender")
    return sender


def _header(line: str) -> dict[str, Any]:
    try:
        header: Any = json.loads(line)
    except ValueError:
        raise _malformed(1, "header") from None
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
        raise _malformed(1, "header")
    if header["format"] != FORMAT or header["dimensions"] != list(DIMENSIONS):
        raise _malformed(1, "format")
    threshold = header["threshold"]
    if type(threshold) is not int or not 1 <= threshold <= MAX_THRESHOLD:
        raise _malformed(1, "threshold")
    if not isinstance(header["created_at"], str) or not _CREATED.fullmatch(header["created_at"]):
        raise _malformed(1, "created_at")
    return header


def _cell(number: int, line: str, threshold: int) -> tuple[Cell, int | None]:
    try:
        values: Any = json.loads(line)
    except ValueError:
        raise _malformed(number, "cell") from None
    if not isinstance(values, list) or len(values) != len(DIMENSIONS) + 1:
        raise _malformed(number, "cell")
    *dimensions, value = values
    if not isinstance(dimensions[0], str) or not _YEAR.fullmatch(dimensions[0]):
        raise _malformed(number, "year")
    for name, given in zip(DIMENSIONS[1:], dimensions[1:], strict=True):
        if given not in VALUES[name]:
            raise _malformed(number, name)
    published = value is None or (type(value) is int and value >= threshold)
    if not published:
        raise _malformed(number, "value")
    return (dimensions[0], dimensions[1], dimensions[2], dimensions[3]), value


def loads(content: bytes, key: Ed25519PublicKey) -> RegionalRelease:
    """A verified release: signature first, then the schema, refused whole on any fault."""
    body, signature = _split(content)
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise _tampered() from None
    try:
        lines = body.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise _malformed(1, "encoding") from None
    header = _header(lines[0])
    cells = dict(_cell(n, line, header["threshold"]) for n, line in enumerate(lines[1:], 2))
    if header["cells"] != len(lines) - 1 or len(cells) != len(lines) - 1:
        raise _malformed(1, "cells")
    return RegionalRelease(
        sender=sender_of(content),
        created_at=str(header["created_at"]),
        threshold=header["threshold"],
        cells=cells,
    )


def release_build(victims: Victims, *, sender: str, threshold: int) -> RegionalRelease:
    """The protected release of one state's registered victims."""
    return RegionalRelease(
        sender=sender,
        created_at=now(),
        threshold=threshold,
        cells=protect(aggregate(victims), threshold=threshold),
    )
