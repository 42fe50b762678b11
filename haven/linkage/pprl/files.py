"""The console's work on files: read a register, encode it, write the signed file
and the local map; verify two files and write their match pairs.

Every input is checked before anything is written, and the outputs are written to
temporary files moved into place at the end: on an error nothing is left behind.
Errors name the row and the field, never the value.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from haven.lib.files import write_private
from haven.linkage import matching
from haven.linkage.pprl import compare, exchange
from haven.linkage.pprl.encode import Encoder
from haven.linkage.pprl.errors import InputInvalid
from haven.linkage.pprl.schema import Schema

HEADER = ["record_id", "given_name", "family_name", "sex", "date_of_birth", "nationality"]
PAIRS_HEADER = ["local_id_a", "local_id_b", "score"]
MAP_HEADER = ["record_id", "local_id"]
_DATE = re.compile(r"\d{4}(-\d{2}-\d{2})?")
_NATIONALITY = re.compile(r"[A-Za-z]{2,3}")
PROGRESS_EVERY = 10_000
Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def _bad(row: int, field: str) -> InputInvalid:
    return InputInvalid(
        _("Row %(row)d, field %(field)s: the value does not follow the input contract.")
        % {"row": row, "field": field},
        field=field,
    )


def _record(row: int, values: dict[str, str]) -> matching.Record:
    if not values["record_id"].strip():
        raise _bad(row, "record_id")
    sex = values["sex"].strip().upper()
    if sex not in {"", "F", "M", "X"}:
        raise _bad(row, "sex")
    born = values["date_of_birth"].strip()
    if born and not _DATE.fullmatch(born):
        raise _bad(row, "date_of_birth")
    if len(born) == 10:
        try:
            date.fromisoformat(born)
        except ValueError:
            raise _bad(row, "date_of_birth") from None
    nationality = values["nationality"].strip()
    if nationality and not _NATIONALITY.fullmatch(nationality):
        raise _bad(row, "nationality")
    return matching.Record(
        given_name=values["given_name"],
        family_name=values["family_name"],
        sex=sex,
        date_of_birth=born,
        nationality=nationality,
    )


def register_read(text: str) -> list[tuple[str, matching.Record]]:
    """The rows of a register in the dedupe contract, checked."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != HEADER:
        raise InputInvalid(
            _("Row 1: the header must be %(header)s.") % {"header": ",".join(HEADER)},
            field="header",
        )
    rows: list[tuple[str, matching.Record]] = []
    seen: set[str] = set()
    for values in reader:
        number = reader.line_num
        if not values:
            continue
        if len(values) != len(HEADER):
            raise _bad(number, "columns")
        record = _record(number, dict(zip(HEADER, values, strict=True)))
        record_id = values[0].strip()
        if record_id in seen:
            raise _bad(number, "record_id")
        seen.add(record_id)
        rows.append((record_id, record))
    return rows


@dataclass(frozen=True)
class Encoded:
    records: int
    seconds: float


def register_encode(
    rows: list[tuple[str, matching.Record]],
    *,
    encoder: Encoder,
    sender: str,
    progress: Progress = _quiet,
) -> tuple[exchange.Encodings, list[tuple[str, str]]]:
    """The encodings of ``rows`` and the local map (record id, opaque local id)."""
    exchange.sender_check(sender)
    local_ids = exchange.new_local_ids(len(rows))
    filters: list[bytes] = []
    for done, (_record_id, record) in enumerate(rows, start=1):
        filters.append(encoder.to_bytes(encoder.encode_record(record)))
        if done % PROGRESS_EVERY == 0:
            progress(f"encoded {done} of {len(rows)} records")
    encodings = exchange.Encodings(
        schema=encoder.schema,
        sender=sender,
        created_at=exchange.now(),
        secret_check=encoder.secret_fingerprint,
        ids=local_ids,
        filters=filters,
    )
    mapping = [(record_id, local) for (record_id, _r), local in zip(rows, local_ids, strict=True)]
    return encodings, mapping


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _write_all(files: list[tuple[Path, str]]) -> None:
    """Writes each file next to its place, then moves them all in: the outputs
    appear together, and an error writing one leaves none."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in files:
            temporary = path.with_name(f".{path.name}.partial")
            write_private(temporary, content)
            staged.append((temporary, path))
    except OSError:
        for temporary, _path in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)


def encode_files(
    *,
    register: Path,
    schema: Schema,
    secret: bytes,
    sign_key: Ed25519PrivateKey,
    sender: str,
    out: Path,
    map_out: Path,
    progress: Progress = _quiet,
) -> int:
    """Encodes a register into a signed file ``out`` and its local map ``map_out``;
    the number of records."""
    if out.resolve() == map_out.resolve():
        raise InputInvalid(_("The map file must not be the encodings file."), field="map_out")
    try:
        text = register.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputInvalid(_("The input file cannot be read as UTF-8."), field="input") from None
    rows = register_read(text)
    progress(f"read {len(rows)} records")
    encoder = Encoder(schema, secret)
    encodings, mapping = register_encode(rows, encoder=encoder, sender=sender, progress=progress)
    content = exchange.dumps(encodings, sign_key).decode("ascii")
    _write_all([(out, content), (map_out, _csv(MAP_HEADER, [list(m) for m in mapping]))])
    progress(f"wrote {len(rows)} encodings")
    return len(rows)


def _every_quarter(progress: Progress, done: int, total: int) -> None:
    if done * 4 % total < 4:
        progress(f"compared the blocks of band {done} of {total}")


def match_files(
    *,
    file_a: Path,
    file_b: Path,
    key_a: Ed25519PublicKey,
    key_b: Ed25519PublicKey,
    out: Path,
    threshold: float = compare.DEFAULT_THRESHOLD,
    progress: Progress = _quiet,
) -> int:
    """Verifies both files, matches them and writes the pairs; the number of pairs."""
    a = exchange.load(file_a, key_a)
    b = exchange.load(file_b, key_b)
    compare.compatible_check(a, b)
    progress(f"verified {len(a.ids)} encodings from {a.sender}, {len(b.ids)} from {b.sender}")
    matches = compare.match(
        compare.as_ints(a.filters),
        compare.as_ints(b.filters),
        masks=compare.band_masks(a.schema),
        threshold=threshold,
        progress=lambda done, total: _every_quarter(progress, done, total),
    )
    rows = [[a.ids[m.a], b.ids[m.b], f"{m.score:.4f}"] for m in matches]
    _write_all([(out, _csv(PAIRS_HEADER, rows))])
    progress(f"wrote {len(rows)} pairs")
    return len(rows)
