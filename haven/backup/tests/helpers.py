"""Shared steps of the backup tests: table digests, a fresh database, a backup file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from haven.backup import services


def table_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return value


def rows_digest(queryset: models.QuerySet[Any]) -> tuple[int, str]:
    """How many rows, and a SHA-256 over every column of each, in primary key order."""
    model = queryset.model
    columns = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    for row in queryset.order_by("pk").values_list(*columns):
        digest.update(json.dumps([_plain(v) for v in row], sort_keys=True, default=str).encode())
        count += 1
    return count, digest.hexdigest()


def table_digests() -> dict[str, tuple[int, str]]:
    """Every table's rows: their count and digest, by model label."""
    return {
        model._meta.label_lower: rows_digest(model._base_manager.all()) for model in table_models()
    }


def fresh_database() -> None:
    """Empty every table, as a new database straight after ``migrate`` (which leaves its
    content types and permissions)."""
    connection.check_constraints(table_names=[])  # PostgreSQL: no pending checks left
    call_command("flush", "--no-input", verbosity=0)


def back_up(path: Path) -> services.BackupResult:
    with path.open("wb") as out:
        return services.backup_write(out=out)


def restore(path: Path, **options: Any) -> services.RestoreResult:
    with path.open("rb") as source:
        return services.backup_restore(source=source, **options)
