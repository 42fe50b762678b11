"""A restore refuses, clearly and before writing anything: a changed file, another key,
another schema, a database that is not empty, and rows that do not fit."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.recorder import MigrationRecorder
from pytest_django import Settings

from haven.accounts.tests.factories import make_user
from haven.backup import archive, services
from haven.backup.errors import (
    BackupKeyWrong,
    BackupNotAuthentic,
    BackupNotLoaded,
    BackupUnreadable,
    RestoreRefused,
)
from haven.backup.tests.helpers import back_up, fresh_database, restore, table_digests
from haven.cases.models import Person
from haven.cases.tests.factories import open_case
from haven.lib.errors import HavenError
from haven.vault import keys


@pytest.fixture
def backup(tmp_path: Path, db: None) -> Path:
    """A backup of one case, taken while the database is otherwise empty."""
    open_case(actor=make_user(), given_name="Sealed")
    path = tmp_path / "haven.backup"
    back_up(path)
    return path


def first_chunk_at(path: Path) -> int:
    with path.open("rb") as source:
        archive.header_read(source)
        return source.tell()


def refused(path: Path, error: type[HavenError], **options: object) -> HavenError:
    """Restore into a fresh database; the database must be as before the attempt."""
    fresh_database()
    before = table_digests()
    with pytest.raises(error) as raised:
        restore(path, **options)
    assert table_digests() == before
    return raised.value


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda data, body: len(archive.MAGIC) + 10, id="header"),
        pytest.param(lambda data, body: body + 2, id="chunk-length"),
        pytest.param(lambda data, body: body + 4, id="chunk-start"),
        pytest.param(lambda data, body: (body + len(data)) // 2, id="chunk-middle"),
        pytest.param(lambda data, body: len(data) - 1, id="tag"),
    ],
)
def test_a_flipped_byte_anywhere_is_refused_and_nothing_is_written(
    backup: Path, where: Callable[[bytes, int], int]
) -> None:
    # given one byte flipped
    data = bytearray(backup.read_bytes())
    data[where(bytes(data), first_chunk_at(backup))] ^= 0x01
    backup.write_bytes(bytes(data))

    # when
    error = refused(backup, HavenError)

    # then: named as a damaged or changed backup, never restored in part
    assert error.code in {"backup_not_authentic", "backup_unreadable"}
    assert "Sealed" not in error.message


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda data, body: data[:-1], id="last-byte-cut"),
        pytest.param(lambda data, body: data[:body], id="every-chunk-cut"),
        pytest.param(lambda data, body: data + b"\x00\x00\x00\x10" + b"x" * 16, id="appended"),
        pytest.param(lambda data, body: data[:body] + b"\x00", id="stub"),
    ],
)
def test_a_backup_cut_short_or_lengthened_is_refused(
    backup: Path, change: Callable[[bytes, int], bytes]
) -> None:
    # given
    backup.write_bytes(change(backup.read_bytes(), first_chunk_at(backup)))

    # when
    error = refused(backup, BackupNotAuthentic)

    # then
    assert error.code == "backup_not_authentic"


def test_the_header_cannot_be_swapped_for_another_backups(backup: Path, tmp_path: Path) -> None:
    # given: a second backup's header (another salt and time) on the first one's chunks
    other = tmp_path / "other.backup"
    back_up(other)
    data = (
        other.read_bytes()[: first_chunk_at(other)] + backup.read_bytes()[first_chunk_at(backup) :]
    )
    backup.write_bytes(data)

    # then
    assert refused(backup, BackupNotAuthentic).code == "backup_not_authentic"


def test_a_backup_made_with_another_key_is_named_as_such(backup: Path, settings: Settings) -> None:
    # given
    made_with = keys.backup_key_id(keys.backup_key())
    settings.HAVEN_BACKUP_KEY = base64.b64encode(b"w" * 32).decode()

    # when
    error = refused(backup, BackupKeyWrong)

    # then: both keys named by fingerprint, neither by value
    assert error.code == "backup_key_wrong"
    assert made_with in error.message
    assert keys.backup_key_id(b"w" * 32) in error.message
    assert settings.HAVEN_BACKUP_KEY not in error.message


def test_a_header_claiming_the_right_key_does_not_open_with_another(
    backup: Path, settings: Settings
) -> None:
    # given: the header's fingerprint edited to match a wrong key
    settings.HAVEN_BACKUP_KEY = base64.b64encode(b"w" * 32).decode()
    data = backup.read_bytes()
    old = keys.backup_key_id(b"b" * 32).encode()
    backup.write_bytes(data.replace(old, keys.backup_key_id(b"w" * 32).encode(), 1))

    # then
    assert refused(backup, BackupNotAuthentic).code == "backup_not_authentic"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"SQLite format 3\x00" + b"\x00" * 100, id="another-file"),
        pytest.param(archive.MAGIC + b"\x00\x00", id="short-length"),
        pytest.param(archive.MAGIC + b"\x00\x00\x00\x00", id="no-header"),
        pytest.param(archive.MAGIC + b"\x00\x00\x00\x09not json!", id="not-json"),
        pytest.param(archive.MAGIC + b"\x00\x00\x00\x02[]", id="not-an-object"),
    ],
)
def test_a_file_that_is_not_a_haven_backup_is_named_as_such(tmp_path: Path, data: bytes) -> None:
    # given
    path = tmp_path / "not.backup"
    path.write_bytes(data)

    # then
    with path.open("rb") as source, pytest.raises(BackupUnreadable) as raised:
        archive.header_read(source)
    assert raised.value.code == "backup_unreadable"


def test_a_backup_of_a_later_format_is_named_as_such(tmp_path: Path) -> None:
    # given
    header = json.dumps({"format": 2, "salt": base64.b64encode(b"s" * 16).decode()}).encode()
    path = tmp_path / "future.backup"
    path.write_bytes(archive.MAGIC + len(header).to_bytes(4, "big") + header)

    # then
    with path.open("rb") as source, pytest.raises(BackupUnreadable, match="format"):
        archive.header_read(source)


def test_a_database_that_is_not_empty_is_refused_without_force_and_replaced_with_it(
    backup: Path,
) -> None:
    # given a database with rows of its own
    fresh_database()
    open_case(actor=make_user(), given_name="Resident")
    before = table_digests()

    # when
    with pytest.raises(RestoreRefused) as raised:
        restore(backup)

    # then nothing changed, and the refusal says why and what to do
    assert raised.value.code == "database_not_empty"
    assert "cases.person" in raised.value.message
    assert "--force" in raised.value.message
    assert table_digests() == before

    # when forced
    result = restore(backup, force=True)

    # then the backup's rows replace them
    assert "cases.person" in result.replaced
    assert result.counts["cases.person"] == 1


def test_a_database_of_another_schema_is_refused(backup: Path) -> None:
    # given: this database lacks a migration the backup had
    fresh_database()
    MigrationRecorder.Migration.objects.filter(app="audit", name="0005_restore_action").delete()

    # when
    with pytest.raises(RestoreRefused) as raised:
        restore(backup)

    # then
    assert raised.value.code == "schema_mismatch"
    assert "1 of its migrations are not applied here" in raised.value.message


def sealed(tmp_path: Path, lines: list[str]) -> Path:
    """A sealed file of these lines under the configured key, with this database's schema."""
    path = tmp_path / "crafted.backup"
    with path.open("wb") as out:
        writer = archive.SealedWriter(
            out,
            backup_key=keys.backup_key(),
            header={
                "created_at": "2026-01-01T00:00:00+00:00",
                "vendor": "sqlite",
                "migrations": services.migration_state(),
            },
        )
        for line in lines:
            writer.write(line + "\n")
        writer.close()
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(['{"model": "cases.nosuchmodel", "pk": 1, "fields": {}}'], id="unknown-model"),
        pytest.param(
            [
                '{"model": "cases.person", "pk": "9b7c0a59-4d1a-4a57-9b1e-7d93f3f6c001", '
                '"fields": {"data_key": "9b7c0a59-4d1a-4a57-9b1e-7d93f3f6c002"}}',
                '{"haven_backup_end": {"cases.person": 1}}',
            ],
            id="dangling-key",
        ),
        pytest.param(['{"haven_backup_end": {"cases.person": 1}}'], id="rows-missing"),
        pytest.param([], id="no-end-record"),
        pytest.param(["not json"], id="not-json"),
        pytest.param(['{"haven_backup_end": {}}', '{"haven_backup_end": {}}'], id="two-ends"),
    ],
)
def test_rows_that_do_not_fit_roll_the_whole_restore_back(tmp_path: Path, lines: list[str]) -> None:
    # given an authentic backup whose rows do not fit
    path = sealed(tmp_path, lines)

    # when
    error = refused(path, BackupNotLoaded)

    # then
    assert error.code == "backup_not_loaded"


def test_the_restore_command_says_why_it_restored_nothing(backup: Path) -> None:
    # given
    data = bytearray(backup.read_bytes())
    data[-5] ^= 0x01
    backup.write_bytes(bytes(data))
    fresh_database()

    # when
    with pytest.raises(CommandError) as raised:
        call_command("restore", "--in", str(backup), stdout=StringIO())

    # then
    assert str(raised.value).startswith("Nothing restored: ")
    assert "does not authenticate" in str(raised.value)


def test_the_restore_command_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", "--in", str(tmp_path / "missing.backup"))


def test_chunks_are_bounded_and_many_of_them_open_in_order() -> None:
    # given a text longer than several chunks
    out = io.BytesIO()
    writer = archive.SealedWriter(out, backup_key=b"k" * 32, header={})
    text = "".join(f"line {n}\n" for n in range(400_000))
    writer.write(text)
    writer.close()
    out.seek(0)

    # when
    header, aad = archive.header_read(out)
    chunks = list(archive.chunks_open(out, backup_key=b"k" * 32, header=header, aad=aad))

    # then
    assert len(chunks) > 2
    assert max(len(chunk) for chunk in chunks) == archive.CHUNK_BYTES
    assert b"".join(chunks).decode() == text


def test_the_restore_command_with_force_says_which_tables_it_replaced(
    backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a database with rows of its own, and rows inserted two at a time
    monkeypatch.setattr(services, "BATCH", 2)
    fresh_database()
    resident = open_case(actor=make_user(), given_name="Resident")
    out = StringIO()

    # when
    call_command("restore", "--in", str(backup), "--force", stdout=out)

    # then
    assert "Replaced the rows of: " in out.getvalue()
    assert "cases.person" in out.getvalue()
    assert Person.objects.get().pk != resident.person_id
