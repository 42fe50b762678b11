"""``haven backup`` and ``haven restore``: the whole database, sealed, and back.

The backup is Django's JSON-lines serialisation of every model's rows, in dependency
order, read in one consistent snapshot and streamed through ``archive.SealedWriter``:
portable between SQLite and PostgreSQL and between machines, unlike a native dump,
and readable by the same code that wrote it whatever the vendor. Personal data stays
as it is stored: ciphertext under each person's data key, whose wrapped copy is
readable only with the master key of its time (which a backup never holds).

A restore fills an empty database migrated to the backup's schema. Every chunk is
authenticated before anything is written; then, in one transaction, the tables are
emptied and filled, foreign keys checked, sequences reset, the erasure ledger
replayed (every key destroyed since the backup is destroyed again) and the restore
recorded in the audit trail. Any failure rolls all of it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from haven.audit import services as audit
from haven.audit.models import Action
from haven.backup import archive
from haven.backup.errors import BackupNotLoaded, ErrorCode, RestoreRefused
from haven.vault import keys, ledger
from haven.vault import services as vault

# Who restores: the operator at the command line, not a user of Haven.
OPERATOR = audit.Actor(id=None, username="operator", organisation_id="", organisation_name="")
# Rows that ``migrate`` itself creates: an "empty" database has them.
MIGRATE_CREATES = frozenset({"contenttypes.contenttype", "auth.permission"})
END = "haven_backup_end"
BATCH = 500
# One consistent view of every table while the backup reads them, taken without
# locking out writers (a write lock would stop SQLite's writers for the whole backup).
SNAPSHOT_BEGIN = {
    "sqlite": "BEGIN DEFERRED",
    "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
}


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to
    milliseconds, which would change rows and break the audit chain's hashes)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


@dataclass(frozen=True)
class BackupResult:
    header: dict[str, Any]
    counts: dict[str, int]


@dataclass(frozen=True)
class RestoreResult:
    header: dict[str, Any]
    counts: dict[str, int]
    erasures_replayed: int
    # Live data keys wrapped under a master key that is not configured: unreadable here.
    keys_unreadable: int
    ledger_found: bool
    replaced: list[str] = field(default_factory=list)


def models_in_order() -> list[type[models.Model]]:
    """Every model with its own table (the automatic many-to-many tables too, so their
    rows keep their ids), each after the models its foreign keys point to where the
    keys allow an order."""
    todo = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    todo.sort(key=lambda model: model._meta.label_lower)
    ordered: list[type[models.Model]] = []
    while todo:
        placed = set(ordered)
        ready = [model for model in todo if _targets(model) <= placed | {model}]
        # A loop of foreign keys: take the first model anyway (constraints are deferred).
        for model in ready or todo[:1]:
            ordered.append(model)
            todo.remove(model)
    return ordered


def _targets(model: type[models.Model]) -> set[type[models.Model]]:
    """The models this one's foreign keys point to."""
    return {
        target
        for f in model._meta.local_concrete_fields
        if f.is_relation and isinstance(target := f.related_model, type)
    }


def migration_state() -> list[str]:
    """Every migration applied to this database, as ``app.name``, sorted."""
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


@contextmanager
def _snapshot() -> Iterator[None]:
    if connection.in_atomic_block:
        # Inside a transaction already (a caller's): it is the snapshot.
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOT_BEGIN[connection.vendor])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def backup_write(*, out: BinaryIO) -> BackupResult:
    """Write the sealed backup of every table to ``out``; reads no plaintext and
    writes nothing to the database."""
    backup_key = keys.backup_key()
    counts: dict[str, int] = {}
    with _snapshot():
        header = {
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": migration_state(),
        }
        writer = archive.SealedWriter(out, backup_key=backup_key, header=header)
        for model in models_in_order():
            counts[model._meta.label_lower] = _dump(model, writer)
        writer.write(json.dumps({END: counts}, sort_keys=True) + "\n")
        writer.close()
    return BackupResult(header=writer.header, counts=counts)


def _dump(model: type[models.Model], writer: archive.SealedWriter) -> int:
    # Many-to-many rows are their own tables' rows here, not lists on their model.
    columns = [f.name for f in model._meta.local_fields]
    counted = _Counter(model._base_manager.order_by("pk").iterator(chunk_size=BATCH))
    serializers.serialize("jsonl", counted, stream=writer, cls=ExactEncoder, fields=columns)
    return counted.count


class _Counter:
    def __init__(self, rows: Iterator[models.Model]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[models.Model]:
        for row in self._rows:
            self.count += 1
            yield row


def backup_restore(
    *, source: BinaryIO, force: bool = False, ledger_file: Path | None = None
) -> RestoreResult:
    """Restore the backup in ``source`` (a seekable file) into this database.

    Refuses, before writing anything, a backup that does not authenticate, one of
    another schema, and (without ``force``) a database that holds rows. Replays the
    erasure ledger (``ledger_file``, or the configured one) before committing.
    """
    backup_key = keys.backup_key()
    readable = list(keys.master_keys())  # Haven reads nothing without its master key
    header, aad = archive.header_read(source)
    archive.key_check(header, backup_key)
    start = source.tell()
    for _chunk in archive.chunks_open(source, backup_key=backup_key, header=header, aad=aad):
        pass  # every chunk authenticates, or nothing is written
    path = ledger_file or ledger.ledger_path()
    erasures = list(ledger.ledger_read(path))
    _schema_check(header)
    with transaction.atomic():
        replaced = _occupied()
        if replaced and not force:
            raise RestoreRefused(
                "This database is not empty (it holds rows of "
                f"{', '.join(replaced)}). Restore into an empty database migrated to the "
                "backup's schema, or pass --force to replace every row."
            )
        source.seek(start)
        chunks = archive.chunks_open(source, backup_key=backup_key, header=header, aad=aad)
        counts = _load(archive.lines(chunks))
        ContentType.objects.clear_cache()
        shredded = vault.erasures_replay(erasures=erasures)
        audit.audit_record(
            actor=OPERATOR,
            action=Action.RESTORE,
            object_type="backup",
            object_id=header["created_at"],
            detail={
                "backup_created_at": header["created_at"],
                "backup_vendor": header["vendor"],
                "rows": sum(counts.values()),
                "erasures_replayed": len(shredded),
            },
        )
    return RestoreResult(
        header=header,
        counts=counts,
        erasures_replayed=len(shredded),
        keys_unreadable=vault.data_keys_unreadable(master_key_ids=readable),
        ledger_found=path.exists(),
        replaced=replaced,
    )


def _schema_check(header: dict[str, Any]) -> None:
    here, there = set(migration_state()), set(header.get("migrations", []))
    if here != there:
        raise RestoreRefused(
            f"The backup's schema differs from this database's: {len(there - here)} of its "
            f"migrations are not applied here, and {len(here - there)} applied here are not "
            "in the backup. Migrate an empty database with the release that made the backup, "
            "restore, then upgrade.",
            code=ErrorCode.SCHEMA_MISMATCH,
        )


def _occupied() -> list[str]:
    """The tables holding rows, by model label, leaving out the rows ``migrate`` creates."""
    return sorted(
        model._meta.label_lower
        for model in models_in_order()
        if model._meta.label_lower not in MIGRATE_CREATES and model._base_manager.exists()
    )


def _load(text: Iterable[str]) -> dict[str, int]:
    """Empty every table, then insert the backup's rows as they were (raw: no field
    fills in a time of its own), check every foreign key, and reset sequences."""
    tables = connection.introspection.django_table_names(only_existing=True)
    # Checks still deferred in this transaction run now: PostgreSQL empties no table
    # with pending checks (SQLite has none to run for an empty list).
    connection.check_constraints(table_names=[])
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=False)
    )
    counts: dict[str, int] = {}
    ends: list[dict[str, int]] = []
    batch: list[Any] = []
    try:
        for deserialized in serializers.deserialize(
            "python", _objects(text, ends), handle_forward_references=False
        ):
            if batch and type(batch[0].object) is not type(deserialized.object):
                _insert(batch, counts)
                batch = []
            batch.append(deserialized)
            if len(batch) >= BATCH:
                _insert(batch, counts)
                batch = []
        _insert(batch, counts)
        connection.check_constraints(table_names=tables)
    except (DeserializationError, DatabaseError, LookupError, ValueError, TypeError) as exc:
        raise BackupNotLoaded(
            f"The backup's rows do not fit this database ({type(exc).__name__}); "
            "nothing was restored."
        ) from exc
    # Exactly one end record, last, counting exactly the rows loaded.
    expected = ends[0] if len(ends) == 1 else {"": -1}
    if {label: count for label, count in expected.items() if count} != counts:
        raise BackupNotLoaded(
            "The backup's rows are not the ones its end record counts; nothing was restored."
        )
    connection.ops.execute_sql_flush(
        connection.ops.sequence_reset_sql(no_style(), models_in_order())
    )
    return counts


def _objects(text: Iterable[str], ends: list[dict[str, int]]) -> Iterator[dict[str, Any]]:
    for line in text:
        entry = json.loads(line)
        if END in entry:
            ends.append(entry[END])
        else:
            yield entry


def _insert(batch: list[Any], counts: dict[str, int]) -> None:
    if not batch:
        return
    model = type(batch[0].object)
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    model._base_manager._insert(
        [d.object for d in batch], fields=fields, using=connection.alias, raw=True
    )
    label = model._meta.label_lower
    counts[label] = counts.get(label, 0) + len(batch)
