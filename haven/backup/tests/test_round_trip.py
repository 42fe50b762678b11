"""A backup restores every table row for row, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import stat
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pytest_django import Settings

from haven.accounts.models import User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent, AuditHead
from haven.audit.services import audit_seal, audit_verify
from haven.backup import archive, services
from haven.backup.tests.helpers import (
    back_up,
    fresh_database,
    restore,
    rows_digest,
    table_digests,
)
from haven.cases.models import Person
from haven.cases.tests.factories import open_case
from haven.demo import seed as demo
from haven.vault import keys
from haven.vault import services as vault

AUDIT_TABLES = {"audit.auditevent", "audit.audithead"}


def given_name(person_id: uuid.UUID) -> str:
    person = Person.objects.select_related("data_key").get(pk=person_id)
    return vault.decrypt(
        key=person.data_key, ciphertext=person.given_name_enc or b"", context="person.given_name"
    )


@pytest.mark.django_db
def test_a_backup_restores_every_table_row_for_row_into_a_fresh_database(
    tmp_path: Path,
) -> None:
    # given the demo's cases, opened, shared, assisted and audited as real ones are
    demo.seed_demo(cases=6, seed=5)
    audit_seal()  # as the worker does moments after each event
    before = table_digests()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    backup = tmp_path / "haven.backup"
    written = back_up(backup)
    assert sum(written.counts.values()) > 500

    # when it is restored into a fresh database
    fresh_database()
    assert Person.objects.count() == 0
    restored = restore(backup)

    # then every table holds the same rows, column for column ...
    after = table_digests()
    assert {label: rows for label, rows in after.items() if label not in AUDIT_TABLES} == {
        label: rows for label, rows in before.items() if label not in AUDIT_TABLES
    }
    assert restored.counts == {label: count for label, count in written.counts.items() if count}
    # ... the audit trail is the same, followed by the restore's own event, and its
    # chain still verifies (times kept to the microsecond) ...
    assert rows_digest(AuditEvent.objects.filter(id__lte=last_event)) == before["audit.auditevent"]
    added = AuditEvent.objects.filter(id__gt=last_event)
    assert [event.action for event in added] == [Action.RESTORE]
    assert added[0].detail["rows"] == sum(written.counts.values())
    audit_seal()
    assert AuditHead.objects.get().count == before["audit.auditevent"][0] + 1
    assert audit_verify().ok
    # ... and persons read as before.
    person = Person.objects.order_by("created_at").first()
    assert person is not None
    assert given_name(person.pk)
    assert restored.erasures_replayed == 0
    assert restored.keys_unreadable == 0
    assert restored.replaced == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_restore_continues_every_sequence_after_the_restored_rows(
    tmp_path: Path,
) -> None:
    # given a backup taken outside any transaction (its own consistent snapshot)
    actor = make_user()
    case = open_case(actor=actor, given_name="Sequenced")
    backup = tmp_path / "haven.backup"
    back_up(backup)
    highest = User.objects.order_by("-id").values_list("id", flat=True).first()
    assert highest is not None

    # when restored and committed
    fresh_database()
    restore(backup)

    # then new rows take new ids (PostgreSQL's sequences were reset), and data reads
    newcomer = make_user()
    assert newcomer.pk > highest
    assert given_name(case.person_id) == "Sequenced"
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_header_names_format_time_vendor_schema_and_key_and_nothing_personal(
    tmp_path: Path,
) -> None:
    # given
    open_case(actor=make_user(), given_name="Headerless")
    backup = tmp_path / "haven.backup"

    # when
    back_up(backup)

    # then
    with backup.open("rb") as source:
        header, _aad = archive.header_read(source)
    assert header["format"] == archive.FORMAT
    assert header["vendor"] == connection.vendor
    assert header["migrations"] == services.migration_state()
    assert "audit.0005_restore_action" in header["migrations"]
    assert header["key_id"] == keys.backup_key_id(keys.backup_key())
    assert header["created_at"]
    assert b"Headerless" not in backup.read_bytes()
    assert b"Testinen" not in backup.read_bytes()


@pytest.mark.django_db
def test_the_backup_command_writes_an_owner_only_file_that_the_restore_command_reads(
    tmp_path: Path,
) -> None:
    # given
    case = open_case(actor=make_user(), given_name="Commanded")
    backup = tmp_path / "nightly.backup"
    out = StringIO()

    # when
    call_command("backup", "--out", str(backup), stdout=out)

    # then the file is the owner's alone, and nothing partial is left beside it
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["nightly.backup"]
    assert "Backup written to" in out.getvalue()

    # when restored by the command into a fresh database
    fresh_database()
    out = StringIO()
    call_command("restore", "--in", str(backup), stdout=out)

    # then
    assert given_name(case.person_id) == "Commanded"
    assert "Restored" in out.getvalue()
    assert "0 erasures" in out.getvalue()


def test_the_backup_command_leaves_no_file_when_the_key_is_missing(
    tmp_path: Path, settings: Settings
) -> None:
    # given
    settings.HAVEN_BACKUP_KEY = ""
    backup = tmp_path / "nightly.backup"

    # when
    with pytest.raises(CommandError, match="HAVEN_BACKUP_KEY"):
        call_command("backup", "--out", str(backup))

    # then
    assert list(tmp_path.iterdir()) == []


def test_text_lines_are_rejoined_across_chunks_and_a_last_line_needs_no_newline() -> None:
    assert list(archive.lines(iter([b'{"a": 1}\n{"b"', b': 2}\n{"c": 3}']))) == [
        '{"a": 1}',
        '{"b": 2}',
        '{"c": 3}',
    ]


def test_the_backup_command_names_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No backup written"):
        call_command("backup", "--out", str(tmp_path / "missing" / "nightly.backup"))
