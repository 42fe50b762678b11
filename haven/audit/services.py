"""Writing, sealing, anchoring and verifying the audit trail.

``audit_record`` is called by the service that reads or writes personal data,
inside that service's own transaction (never from a signal). It inserts one row
with a keyed MAC and locks nothing shared: concurrent requests never queue
behind each other here. ``audit_seal`` (run by the worker every few seconds, or
``haven audit seal``) chains committed events in seal order; ``audit_anchor``
exports the signed head outside the database; ``audit_verify`` checks it all.
"""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from haven.accounts import hooks as account_hooks
from haven.accounts.models import User
from haven.audit import anchors as anchoring
from haven.audit.chain import (
    CONTENT,
    GENESIS,
    KEYED,
    LEGACY,
    audit_key,
    canonical,
    content_mac,
    legacy_digest,
    mac_of,
    seal_digest,
    sealed_message_check,
    sealed_row_check,
)
from haven.audit.errors import AuditMisconfigured, ErrorCode
from haven.audit.models import Action, AuditEvent, AuditHead
from haven.lib.db import fetch_one_prepared

__all__ = ["GENESIS", "Actor", "SealResult", "VerifyResult", "audit_record", "audit_seal"]

USER_SUBJECT = "user"  # the trail's object type for an account's own settings
TOKEN_SUBJECT = "api_token"  # noqa: S105 - the trail's object type for API tokens, no secret  # nosec B105
GAP_SUBJECT = "audit.AuditEvent"


@dataclass(frozen=True)
class Actor:
    """Who acted, as copied into the trail."""

    id: int | None
    username: str
    organisation_id: str
    organisation_name: str


def _content_of(event: AuditEvent) -> list[Any]:
    """What the event says, the detail read from its stored text (an event not yet
    saved has no parsed detail: the database makes it)."""
    return [*(getattr(event, name) for name in CONTENT[:-1]), json.loads(event.detail_json)]


def event_digest(event: AuditEvent) -> str:
    """The version 1 rule (rows written before the trail was keyed): SHA-256 over
    the event's canonical JSON, including the previous hash."""
    return legacy_digest(_content_of(event), event.prev_hash)


def event_mac(event: AuditEvent, *, key: bytes | None = None) -> str:
    """The keyed MAC over what the event says."""
    return content_mac(key or audit_key(), _content_of(event))


# The content as stored: the detail as its canonical JSON text (the database makes
# the parsed ``detail`` from it).
STORED = tuple("detail_json" if name == "detail" else name for name in CONTENT)
# What ``audit_record`` writes (``seq`` stays empty until the seal).
_WRITTEN = (*STORED, "version", "mac", "seq", "prev_hash", "hash")
_ACTIONS = frozenset(Action.values)


@functools.cache
def _insert_sql(vendor: str) -> str:
    """The event's INSERT on this kind of database, made once. RETURNING gives the id
    in the same statement (PostgreSQL; SQLite since 3.35)."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(name) for name in _WRITTEN)
    marks = ", ".join(["%s"] * len(_WRITTEN))
    table = quote(AuditEvent._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {quote('id')}"  # noqa: S608 - our own table and columns  # nosec B608


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    person_id: object = "",
    field_groups: Iterable[str] = (),
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, in the caller's transaction: one INSERT, no shared lock.
    The sealer chains it once the caller's transaction has committed.

    Written without a model save (a request may write several events, and every
    request writes one): the values as the MAC covers them, the detail as its
    canonical JSON text (what verification hashes as it reads it back)."""
    if action not in _ACTIONS:
        raise ValueError("not an audit action")
    now = timezone.now()
    head = [
        now.isoformat(),
        actor.id,
        actor.username,
        actor.organisation_id,
        actor.organisation_name,
        str(action),
        object_type,
        str(object_id),
        str(person_id or ""),
        ",".join(sorted(set(field_groups))),
        purpose,
    ]
    detail = detail or {}
    detail_json = canonical(detail)
    mac = mac_of(audit_key(), head, detail_json)
    db = connections[DEFAULT_DB_ALIAS]  # looked up once (each lookup is thread-local)
    params = [db.ops.adapt_datetimefield_value(now), *head[1:]]
    params += [detail_json, KEYED, mac, None, "", ""]
    batch = _BATCH.get()
    if batch is not None and len(db.atomic_blocks) == batch.depth:
        batch.rows.append(params)  # appended with the batch's others, at its end
        event_id = None
    else:
        # The same text every time: on PostgreSQL prepared once per connection, then
        # only executed (the server neither parses nor plans it again), on a cursor
        # kept with the connection.
        (event_id,) = fetch_one_prepared(db, _insert_sql(db.vendor), params)
    values = (event_id, now, *head[1:], detail_json, detail, KEYED, mac, None, "", "")
    return AuditEvent.from_db(db.alias, None, values)  # type: ignore[arg-type]


# --- many reads, recorded together --------------------------------------------------------
#
# A page gathered from many apps' selectors (the report for the person: a section
# per app) reads and records in one transaction. Each selector is a transaction of
# its own when called alone; nested in the page's, each would be a savepoint and an
# INSERT of its own (two thirds of the report's queries). Inside ``audit_batch``:
#
# - every event recorded at the batch's level is kept in memory and appended with
#   the others in one statement at the end of the batch, still inside its
#   transaction: the same events, in the same order, committed with the reads or
#   not at all;
# - an ``audited_read`` step takes no savepoint: if it fails (a refusal its caller
#   answers with the reason, say), the events it recorded are dropped, as the
#   savepoint's rollback would have dropped them; and any other write inside a
#   step, which nothing could then undo, is refused (a selector that writes keeps
#   ``transaction.atomic``);
# - anything in a transaction nested deeper (a service's savepoint) is written as
#   usual, protected by its own savepoint.


@dataclass
class _Batch:
    depth: int  # the atomic blocks open at the batch's level
    rows: list[list[Any]]  # the INSERT's parameters of each event, in the order recorded
    steps: int = 0  # ``audited_read`` steps open without a savepoint


_BATCH: ContextVar[_Batch | None] = ContextVar("haven_audit_batch", default=None)
# Events per INSERT statement when a batch is appended (17 values each: well below
# every database's limit on bound values).
BATCH_ROWS_PER_STATEMENT = 500
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@functools.cache
def _batch_insert_sql(vendor: str, rows: int) -> str:
    """``_insert_sql`` for ``rows`` events, without RETURNING (no caller needs the ids)."""
    into, _values, marks = _insert_sql(vendor).partition(" VALUES ")
    marks = marks.partition(" RETURNING ")[0]
    return f"{into} VALUES {', '.join([marks] * rows)}"


def _append(rows: Sequence[list[Any]]) -> None:
    """The batch's events, in the order recorded (ids ascending), a statement per
    ``BATCH_ROWS_PER_STATEMENT``."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_ROWS_PER_STATEMENT):
            chunk = rows[start : start + BATCH_ROWS_PER_STATEMENT]
            cursor.execute(
                _batch_insert_sql(connection.vendor, len(chunk)),
                [value for row in chunk for value in row],
            )


def _reads_only(
    batch: _Batch, execute: Any, sql: str, params: Any, many: bool, context: Any
) -> Any:
    """Refuse a write inside a step of the batch: no savepoint could undo it."""
    if (
        batch.steps
        and len(connection.atomic_blocks) == batch.depth
        and sql.lstrip()[:7].upper().startswith(_WRITES)
    ):
        raise transaction.TransactionManagementError(
            "A write inside an audited read step of an audit batch: use transaction.atomic"
        )
    return execute(sql, params, many, context)


@contextmanager
def audit_batch() -> Iterator[None]:
    """One transaction for many audited reads, its events appended together at its
    end (see above). Inside a batch already open, it joins it."""
    if _BATCH.get() is not None:
        yield
        return
    with transaction.atomic():
        batch = _Batch(depth=len(connection.atomic_blocks), rows=[])
        token = _BATCH.set(batch)
        try:
            with connection.execute_wrapper(functools.partial(_reads_only, batch)):
                yield
                _append(batch.rows)
        finally:
            _BATCH.reset(token)


@contextmanager
def audited_read() -> Iterator[None]:
    """The transaction of a selector that reads and records its reads: its own
    (``transaction.atomic``), or inside ``audit_batch`` a step of the batch's,
    without a savepoint. Use it as a decorator: ``@audit.audited_read()``."""
    batch = _BATCH.get()
    if batch is None or len(connection.atomic_blocks) != batch.depth:
        with transaction.atomic():
            yield
        return
    mark = len(batch.rows)
    batch.steps += 1
    try:
        yield
    except BaseException:
        del batch.rows[mark:]  # what the step recorded goes with it
        raise
    finally:
        batch.steps -= 1


# --- sealing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SealResult:
    sealed: int  # events given a seal by this run (a gap record included)
    gap_ids: int  # ids this run recorded as never committed
    seq: int  # the last seal's sequence number


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # the first seal ever
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS, "count": 0, "watermark": _first_id_before()}
        )
    return head


def _first_id_before() -> int:
    """Where accounting for ids starts on the first seal: just before the first event
    (a sequence need not start at 1, e.g. after a restore)."""
    first = AuditEvent.objects.order_by("id").values_list("id", flat=True).first()
    return first - 1 if first else 0


def _seal_batch(key: bytes, head: AuditHead, batch_size: int) -> int:
    """Seal up to ``batch_size`` committed, unsealed events, in id order, after the head."""
    rows = list(
        AuditEvent.objects.filter(seq__isnull=True)
        .order_by("id")
        .values_list("id", "mac")[:batch_size]
    )
    seq, prev = head.count, head.last_hash
    params = []
    for event_id, mac in rows:
        seq += 1
        digest = seal_digest(key, seq, event_id, prev, mac)
        params.append((seq, prev, digest, event_id))
        prev = digest
    with connection.cursor() as cursor:
        for start in range(0, len(params), SEAL_ROWS_PER_STATEMENT):
            chunk = params[start : start + SEAL_ROWS_PER_STATEMENT]
            cursor.execute(_seal_sql(connection.vendor), [json.dumps(chunk)])
    head.count, head.last_hash = seq, prev
    return len(rows)


# Seals written per UPDATE: one statement (one round trip, one bound value) for
# many rows.
SEAL_ROWS_PER_STATEMENT = 1000

# The seals as one JSON array of [seq, prev_hash, hash, id] rows, unpacked by the
# database: a single bound value however many rows (no placeholder to parse per
# value), and each row found by its id.
_SEAL_ROWS = {
    "sqlite": (
        "json_each(%s) AS v",
        "json_extract(v.value, '$[{}]')",
    ),
    "postgresql": (
        "jsonb_array_elements(CAST(%s AS jsonb)) AS v(value)",
        "(v.value ->> {})",
    ),
}


@functools.cache
def _seal_sql(vendor: str) -> str:
    """One UPDATE giving many events their seal, from ``_SEAL_ROWS``."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    rows, item = _SEAL_ROWS[vendor]
    seq, prev_hash, digest, pk = (item.format(n) for n in range(4))
    return (
        f"UPDATE {table} SET {quote('seq')} = CAST({seq} AS BIGINT), "  # noqa: S608 - our own table and columns  # nosec B608
        f"{quote('prev_hash')} = {prev_hash}, {quote('hash')} = {digest} "
        f"FROM {rows} WHERE {table}.{quote('id')} = CAST({pk} AS BIGINT)"
    )


def _holes(head: AuditHead, *, older_than: datetime) -> list[list[int]]:
    """Ids above the watermark that no committed row holds, below an event written
    before ``older_than`` (so their transaction has had the grace period to commit);
    moves the watermark over every id accounted for."""
    rows = AuditEvent.objects.filter(id__gt=head.watermark).order_by("id")
    expected, holes = head.watermark + 1, []
    for event_id in rows.values_list("id", flat=True):
        if event_id > expected:
            # Only after a hole does the time matter (holes are rare: reading every
            # event's time would cost more than the rest of the seal).
            occurred_at = rows.filter(id=event_id).values_list("occurred_at", flat=True)[0]
            if occurred_at > older_than:
                break  # maybe still in flight: wait
            holes.append([expected, event_id - 1])
        expected = event_id + 1
    head.watermark = expected - 1
    return holes


def audit_seal(
    *, batch_size: int = 5000, grace_seconds: int | None = None, now: datetime | None = None
) -> SealResult:
    """Chain every committed, unsealed event (HMAC under the audit key), one batch
    per transaction, then record ids that stayed missing beyond the grace period
    as one gap event, sealed with the rest. One sealer at a time: each batch locks
    the head row, which writers never touch."""
    key = audit_key()
    grace = settings.HAVEN_AUDIT_GAP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    sealed, full = 0, True
    while full:
        with transaction.atomic():
            head = _locked_head()
            done = _seal_batch(key, head, batch_size)
            head.save(update_fields=["count", "last_hash"])
        sealed, full = sealed + done, done == batch_size
    with transaction.atomic():
        head = _locked_head()
        holes = _holes(head, older_than=(now or timezone.now()) - timedelta(seconds=grace))
        gap_ids = sum(last - first + 1 for first, last in holes)
        if holes:
            audit_record(
                actor=SYSTEM,
                action=Action.GAP,
                object_type=GAP_SUBJECT,
                object_id="",
                detail={"ids": holes, "count": gap_ids},
            )
            sealed += _seal_batch(key, head, batch_size)
        head.save(update_fields=["count", "last_hash", "watermark"])
    return SealResult(sealed=sealed, gap_ids=gap_ids, seq=head.count)


# --- anchoring -------------------------------------------------------------------------


def audit_anchor(*, path: Path, now: datetime | None = None) -> tuple[anchoring.Anchor, bool]:
    """Append the signed head (sealed seq, its digest, the time) to ``path``, a
    file outside the database, unless its last line already anchors this head.
    Returns the anchor and whether a line was written."""
    key = audit_key()
    head = AuditHead.objects.filter(id=1).first()
    seq, digest = (head.count, head.last_hash) if head else (0, GENESIS)
    at = (now or timezone.now()).astimezone(UTC).isoformat()
    anchor = anchoring.Anchor(seq=seq, digest=digest, at=at)
    last = anchoring.last_line(path)
    if last:
        try:
            previous = anchoring.anchor_parse(last, public=_public(key), number=0)
        except anchoring.AnchorInvalid:
            previous = None
        if previous and (previous.seq, previous.digest) == (seq, digest):
            return previous, False
    anchoring.anchor_append(path, anchoring.anchor_line(key, anchor))
    return anchor, True


def _public(key: bytes) -> Ed25519PublicKey:
    return anchoring.signing_key(key).public_key()


# --- verification ----------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # events whose MAC (and, once sealed, seal and link) were verified
    broken_at: int | None = None  # id of the first event whose link is broken
    problem: str = ""
    unsealed: int = 0  # events written but not yet sealed (their MAC is checked)
    gap_ids: int = 0  # ids the sealer recorded as never committed
    anchors: int = 0  # signed anchors checked against the chain


# The columns verification reads, as tuples (no model objects): the content as
# stored (the detail's text, from which the database makes the parsed detail).
ROW = ("seq", "id", "version", "mac", "prev_hash", "hash", *STORED)
_ACTION = CONTENT.index("action")  # in the content


@dataclass
class _Span:
    """What one worker found over a range of seals."""

    checked: int = 0
    first: tuple[int, int, str, int] | None = None  # seq, id, prev_hash, version
    last: tuple[int, str, int] | None = None  # seq, hash, version
    failure: tuple[int, str] | None = None  # id, problem
    gap_ids: int = 0
    anchors: int = 0


MOVED = "event moved, or its seal changed"
CHANGED = "event content changed"
UNLINKED = "previous event missing or changed"


# The time as text, not parsed into a datetime per row: SQLite's as it stores it,
# PostgreSQL's in UTC with its microseconds (what Haven writes, but for the "T" and
# the offset, which verification adds).
_RAW_TIME = {
    "sqlite": "CAST({} AS TEXT)",
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
}
SPAN = "{seq} >= %s AND {seq} <= %s ORDER BY {seq}"
UNSEALED = "{seq} IS NULL ORDER BY {id}"


@functools.cache
def _select_sql(vendor: str, where: str) -> str:
    """The query for ``ROW`` of the events ``where`` says, on this kind of database."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = [quote(name) for name in ROW]
    time = ROW.index("occurred_at")
    columns[time] = _RAW_TIME.get(vendor, "{}").format(columns[time])
    table = quote(AuditEvent._meta.db_table)
    condition = where.format(seq=quote("seq"), id=quote("id"))
    return f"SELECT {', '.join(columns)} FROM {table} WHERE {condition}"  # noqa: S608 - our own table and columns  # nosec B608


# What the MAC covers, built by the database as ``mac_of`` builds it (the content's
# canonical JSON: a list, no spaces): the time as Haven writes it (ISO 8601 in UTC,
# without microseconds when they are 0, as Python's ``isoformat``), each text
# through the database's own JSON quoting (which escapes as Python's encoder with
# ``ensure_ascii=False`` does: the two-letter escapes, other control characters as
# lower-case \u00XX, nothing else), and the detail's stored text as it is. The
# client then fetches one value for the twelve and hashes it without parsing or
# encoding anything.
_MESSAGE_PARTS = {
    "sqlite": ("replace({}, ' ', 'T')", "json_quote({})"),
    "postgresql": (
        "replace(to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '')",
        "CAST(to_json({}) AS TEXT)",
    ),
}
# A sealed row as its message: seq, id, version, mac, prev_hash, hash, the detail of a
# gap record (which says how many ids it accounts for), and the message.
FAST = ("seq", "id", "version", "mac", "prev_hash", "hash")


@functools.cache
def _message_sql(vendor: str, where: str) -> str:
    """The query for ``FAST``, the gap detail and the message of the events ``where`` says."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    time, text = _MESSAGE_PARTS[vendor]
    parts = [
        f"'[\"' || {time.format(quote('occurred_at'))} || '+00:00\"'",
        f"COALESCE(CAST({quote('actor_id')} AS TEXT), 'null')",
        *(text.format(quote(name)) for name in STORED[2:-1]),
        quote("detail_json"),
    ]
    message = " || ',' || ".join(parts) + " || ']'"
    gap = f"CASE WHEN {quote('action')} = '{Action.GAP.value}' THEN {quote('detail_json')} END"
    table = quote(AuditEvent._meta.db_table)
    condition = where.format(seq=quote("seq"), id=quote("id"))
    columns = ", ".join([*(quote(name) for name in FAST), gap, message])
    return f"SELECT {columns} FROM {table} WHERE {condition}"  # noqa: S608 - our own table and columns  # nosec B608


def _rows(where: str, params: list[Any], *, message: bool = False) -> Iterator[tuple[Any, ...]]:
    """The rows as plain tuples, straight from the cursor, a few thousand at a time:
    no model objects, none of Django's per-value converters. ``ROW``, or with
    ``message`` the columns of ``_message_sql``."""
    sql = (_message_sql if message else _select_sql)(connection.vendor, where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _content(content: Sequence[Any]) -> list[Any]:
    """What the MAC covers, read from the raw values as Django reads them: the time
    as a datetime (``_rows`` gives its text; naive means UTC), the detail parsed (it
    comes as JSON text). ValueError if they are no time or no JSON."""
    when, *middle, detail = content
    if isinstance(when, str):
        when = parse_datetime(when)
        if when is None:
            raise ValueError("not a time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return [when, *middle, json.loads(detail) if isinstance(detail, str) else detail]


def _mac_holds(key: bytes, mac: str, content: Sequence[Any]) -> bool:
    """Whether ``mac`` is the keyed MAC of an event's raw ``content`` (the values of
    ``CONTENT`` as ``_rows`` gives them). First as Haven writes them, without parsing
    anything: the UTC time's text and the detail's canonical JSON. If that does not
    hold (a row written another way, e.g. before the detail was stored canonical, or
    changed), with the detail parsed, then as Django reads it all: an equal value
    stored in other words still holds, a changed one does not."""
    when, *middle, detail = content
    iso = f"{when.replace(' ', 'T')}+00:00" if type(when) is str else when.isoformat()
    head = [iso, *middle]
    # Canonical JSON has ": " only inside a string: a detail with one is seldom canonical.
    if type(detail) is str and ": " not in detail and mac_of(key, head, detail) == mac:
        return True
    try:
        parsed = json.loads(detail) if type(detail) is str else detail
        if mac_of(key, head, canonical(parsed)) == mac:
            return True
        return content_mac(key, _content(content)) == mac
    except ValueError:  # no time or no JSON: not what was written
        return False


def _row_problem(key: bytes, row: tuple[Any, ...]) -> str:
    """Whether one sealed row's own digests hold ("" when they do)."""
    seq, event_id, version, mac, prev, digest = row[:6]
    if version == KEYED:
        if not _mac_holds(key, mac, row[6:]):
            return CHANGED
        return "" if seal_digest(key, seq, event_id, prev, mac) == digest else MOVED
    if version == LEGACY:
        try:
            content = _content(row[6:])
        except ValueError:
            return CHANGED
        return "" if legacy_digest(content, prev) == digest else CHANGED
    return "event of an unknown digest rule"


def _detail_json(detail: Any) -> str:
    """The detail's canonical JSON: as SQLite gives what Haven wrote, or made from what
    PostgreSQL gives (its jsonb as text, with spaces) or what another writer stored.
    Canonical JSON has ": " only inside a string, so a detail without one is taken
    as it is (if it is not canonical after all, its MAC fails and it is read again)."""
    if type(detail) is str and ": " not in detail:
        return detail
    try:
        return canonical(json.loads(detail) if type(detail) is str else detail)
    except ValueError:  # no JSON: its MAC fails, and _row_problem says why
        return ""


def _gap_count(detail: Any) -> int:
    return int((json.loads(detail) if isinstance(detail, str) else detail).get("count", 0))


def _verify_span(key: bytes, first_seq: int, last_seq: int, anchored: dict[int, str]) -> _Span:
    """Verify the seals ``first_seq``..``last_seq`` on their own: every row stores
    its previous hash, so spans are joined afterwards by their ends.

    The hot loop of ``haven audit verify``: first as Haven writes rows, each row's
    message built by the database and checked with two HMACs; if any row is not as
    Haven wrote it (older rules, other spellings of the same values, or a change),
    the span again, row by row from its values, naming the first broken link."""
    collecting = gc.isenabled()
    gc.disable()  # the loops make many small objects and no cycles
    try:
        return _span_as_written(key, first_seq, last_seq, anchored) or _span_by_values(
            key, first_seq, last_seq, anchored
        )
    finally:
        (gc.enable if collecting else gc.disable)()


def _span_as_written(
    key: bytes, first_seq: int, last_seq: int, anchored: dict[int, str]
) -> _Span | None:
    """The span if every row in it holds as Haven writes rows, from the messages the
    database builds; None at the first row that does not (``_span_by_values`` then
    says why)."""
    span = _Span()
    checked, gap_ids, last = 0, 0, None
    prev_seq, prev_hash = 0, ""
    holds = sealed_message_check(key)
    for seq, event_id, version, mac, prev, digest, gap, message in _rows(
        SPAN, [first_seq, last_seq], message=True
    ):
        if last is None:
            span.first = (seq, event_id, prev, version)
        elif seq != prev_seq + 1 or prev != prev_hash:
            return None
        if version != KEYED or not holds(message, mac, seq, event_id, prev, digest):
            return None
        if seq in anchored:
            if anchored[seq] != digest:
                return None
            span.anchors += 1
        if gap is not None:
            gap_ids += _gap_count(gap)
        checked += 1
        prev_seq, prev_hash = seq, digest
        last = (seq, digest, version)
    span.checked, span.gap_ids, span.last = checked, gap_ids, last
    return span


def _span_by_values(key: bytes, first_seq: int, last_seq: int, anchored: dict[int, str]) -> _Span:
    """The span row by row from its values (``ROW``): a row as Haven writes it is
    checked with two HMACs and nothing parsed; any other row goes through
    ``_row_problem``."""
    span = _Span()
    checked, gap_ids, last = 0, 0, None
    prev_seq, prev_hash, prev_version = 0, "", LEGACY
    holds = sealed_row_check(key)
    for row in _rows(SPAN, [first_seq, last_seq]):
        seq, event_id, version, mac, prev, digest, when, *head, detail = row
        if last is None:
            span.first = (seq, event_id, prev, version)
        elif seq != prev_seq + 1 or prev != prev_hash:
            span.failure = (event_id, UNLINKED)
            break
        elif version < prev_version:
            span.failure = (event_id, "event of the old, unkeyed rule after keyed ones")
            break
        head.insert(0, f"{when.replace(' ', 'T')}+00:00" if type(when) is str else when.isoformat())
        detail_json = _detail_json(detail)
        fast = version == KEYED and holds(head, detail_json, mac, seq, event_id, prev, digest)
        problem = "" if fast else _row_problem(key, row)
        if not problem and seq in anchored:
            span.anchors += 1
            if anchored[seq] != digest:
                problem = "event differs from its signed anchor: the trail was rewritten"
        if problem:
            span.failure = (event_id, problem)
            break
        if head[_ACTION] == Action.GAP:
            gap_ids += _gap_count(detail)
        checked += 1
        prev_seq, prev_hash, prev_version = seq, digest, version
        last = (seq, digest, version)
    span.checked, span.gap_ids, span.last = checked, gap_ids, last
    return span


Job = tuple[bytes, int, int, dict[int, str]]


def _verify_span_star(job: Job) -> _Span:
    return _verify_span(*job)


def _verify_span_apart(job: Job) -> _Span:
    """In a worker process: verify, then close this process's own connection."""
    try:
        return _verify_span(*job)
    finally:
        connections.close_all()


def _fork_context() -> Any:
    return multiprocessing.get_context("fork")


def _run_spans(jobs: list[Job], workers: int) -> list[_Span]:
    """Run the spans in ``workers`` forked processes, or here when one is enough or
    when this connection is inside a transaction (its rows are not visible elsewhere)."""
    if workers < 2 or len(jobs) < 2 or connection.in_atomic_block:
        return [_verify_span_star(job) for job in jobs]
    connections.close_all()  # each process opens its own connection
    with _fork_context().Pool(workers) as pool:
        return list(pool.imap(_verify_span_apart, jobs))


def audit_verify(
    *,
    chunk_size: int = 25_000,
    workers: int | None = None,
    anchor_file: Path | None = None,
) -> VerifyResult:
    """Check the whole trail: every sealed event's MAC, seal and link (the chain,
    split into spans of ``chunk_size`` seals verified on ``workers`` cores and
    joined by their ends), the end of the chain against the head, the signed
    anchors of ``anchor_file`` (an event that differs from an anchored digest was
    rewritten; a chain shorter than an anchored seq was truncated), and the MAC of
    every event not yet sealed. Names the first broken link."""
    key = audit_key()
    anchored: dict[int, str] = {}
    anchors: list[anchoring.Anchor] = []
    if anchor_file is not None:
        if not anchor_file.is_file():
            raise AuditMisconfigured(
                "the anchor file does not exist", code=ErrorCode.ANCHOR_FILE_MISSING
            )
        try:
            anchors = anchoring.anchors_read(key, anchor_file)
        except anchoring.AnchorInvalid as exc:
            return VerifyResult(False, 0, None, str(exc))
        anchored = {a.seq: a.digest for a in anchors if a.seq > 0}
    if not _detail_made_from_text():
        return VerifyResult(False, 0, None, DETAIL_ALTERED)
    head_seq, head_hash = _head()
    jobs = [
        (key, start, min(start + chunk_size - 1, head_seq), _within(anchored, start, chunk_size))
        for start in range(1, head_seq + 1, chunk_size)
    ]
    spans = _run_spans(jobs, workers or os.cpu_count() or 1)
    return _joined(key, spans, head_seq=head_seq, head_hash=head_hash, anchors=anchors)


DETAIL_ALTERED = "the detail is no longer made from its text: the table was altered"
# Where the database says how ``detail`` is made, and what it says while the column is
# as migration audit.0013 made it: generated from ``detail_json``. So long as it is,
# no statement can make the detail anyone reads differ from the text the MAC covers;
# only a change to the table could, and this sees it.
_GENERATION = {
    "sqlite": (
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s",
        '"detail" text GENERATED ALWAYS AS (JSON("detail_json")) STORED',
    ),
    "postgresql": (
        "SELECT generation_expression FROM information_schema.columns WHERE table_schema"
        " = current_schema() AND table_name = %s AND column_name = 'detail'"
        " AND is_generated = 'ALWAYS'",
        "(detail_json)::jsonb",
    ),
}


def _detail_made_from_text() -> bool:
    """Whether the table still makes ``detail`` from ``detail_json``."""
    sql, expected = _GENERATION[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, [AuditEvent._meta.db_table])
        found = cursor.fetchone()
    return found is not None and expected in found[0]


def _within(anchored: dict[int, str], start: int, size: int) -> dict[int, str]:
    return {seq: digest for seq, digest in anchored.items() if start <= seq < start + size}


def _head() -> tuple[int, str]:
    head = AuditHead.objects.filter(id=1).first()
    return (head.count, head.last_hash) if head else (0, GENESIS)


def _joined(
    key: bytes,
    spans: list[_Span],
    *,
    head_seq: int,
    head_hash: str,
    anchors: list[anchoring.Anchor],
) -> VerifyResult:
    """Join the spans by their ends, then check the end, the anchors and the unsealed."""
    seq, digest, version, checked, gap_ids, anchored = 0, GENESIS, LEGACY, 0, 0, 0
    for span in spans:
        gap_ids, anchored = gap_ids + span.gap_ids, anchored + span.anchors
        if span.first is not None:
            first_seq, first_id, first_prev, first_version = span.first
            if first_seq != seq + 1 or first_prev != digest:
                return VerifyResult(False, checked, first_id, UNLINKED)
            if first_version < version:
                return VerifyResult(
                    False, checked, first_id, "event of the old, unkeyed rule after keyed ones"
                )
        checked += span.checked
        if span.failure is not None:
            return VerifyResult(False, checked, span.failure[0], span.failure[1])
        if span.last is not None:
            seq, digest, version = span.last
    longest = max(anchors, key=lambda a: a.seq, default=None)
    if longest is not None and longest.seq > seq:
        problem = (
            f"the trail ends at seal {seq}, but an anchor of {longest.at} vouches for "
            f"seal {longest.seq}: events were removed at the end"
        )
        return VerifyResult(False, checked, None, problem)
    if seq < head_seq:
        return VerifyResult(False, checked, None, "events missing at the end of the trail")
    if digest != head_hash:
        return VerifyResult(False, checked, None, "the end of the trail does not match its head")
    beyond = AuditEvent.objects.filter(seq__gt=head_seq).order_by("seq").first()
    if beyond is not None and _head()[0] == head_seq:
        # Sealed, but not by the sealer (which moves the head in the same transaction).
        return VerifyResult(False, checked, beyond.pk, "event added outside the audit trail")
    unsealed, failure = _verify_unsealed(key)
    checked += unsealed if failure is None else failure[1]
    if failure is not None:
        return VerifyResult(False, checked, failure[0], CHANGED, unsealed, gap_ids, anchored)
    return VerifyResult(True, checked, None, "", unsealed, gap_ids, anchored)


def _verify_unsealed(key: bytes) -> tuple[int, tuple[int, int] | None]:
    """How many events await their seal, and the first whose MAC does not hold
    (its id, and how many were verified before it)."""
    count, failure = 0, None
    for row in _rows(UNSEALED, []):
        event_id, version, mac = row[1:4]
        if failure is None and (version != KEYED or not _mac_holds(key, mac, row[6:])):
            failure = (event_id, count)
        count += 1
    return count, failure


def actor_of(user: User) -> Actor:
    """Copy who is acting into the trail's plain values."""
    org = user.organisation
    return Actor(
        id=user.pk,
        username=user.get_username(),
        organisation_id=str(org.pk) if org else "",
        organisation_name=org.name if org else "",
    )


# Who acts when Haven itself does (revoking the tokens of an account that failed
# attempts locked; recording a gap in the trail).
SYSTEM = Actor(id=None, username="", organisation_id="", organisation_name="")


def profile_changed_record(event: account_hooks.ProfileChanged) -> None:
    """A user changed their own profile (their language): what, to which value.
    Registered with ``haven.accounts.hooks`` by ``AuditConfig.ready``."""
    audit_record(
        actor=actor_of(event.user),
        action=Action.UPDATE,
        object_type=USER_SUBJECT,
        object_id=event.user.pk,
        detail={"event": "profile_changed", **event.changes},
    )


def tokens_revoked_record(event: account_hooks.TokensRevoked) -> None:
    """One event per revoked API token: by whom, of whose account, and why. Registered
    with ``haven.accounts.hooks`` by ``AuditConfig.ready``; runs in the revocation's
    transaction."""
    actor = actor_of(event.actor) if event.actor is not None else SYSTEM
    for token_id in event.token_ids:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            object_type=TOKEN_SUBJECT,
            object_id=token_id,
            detail={"event": "revoked", "reason": event.reason, "user_id": event.user_id},
        )
