"""Crypto-shredding survives a restore: erasures made after a backup are replayed from
the ledger kept outside the database, and a backup older than a retired master key
reads nothing."""

from __future__ import annotations

import base64
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import Settings

from haven.accounts.models import Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.backup.tests.helpers import back_up, fresh_database, restore
from haven.cases import services as case_services
from haven.cases.models import Case, Person
from haven.cases.tests.factories import open_case
from haven.vault import keys
from haven.vault import services as vault
from haven.vault.errors import KeyDestroyed, VaultMisconfigured
from haven.vault.models import DataKey

OLD_MASTER = base64.b64encode(b"O" * 32).decode()
NEW_MASTER = base64.b64encode(b"N" * 32).decode()


def given_name(case: Case) -> str:
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    return vault.decrypt(
        key=person.data_key, ciphertext=person.given_name_enc or b"", context="person.given_name"
    )


@pytest.fixture
def ledger(tmp_path: Path, settings: Settings) -> Path:
    path = tmp_path / "ledger" / "erasures.jsonl"
    settings.HAVEN_ERASURE_LEDGER_FILE = str(path)
    return path


@pytest.mark.django_db
def test_a_person_erased_after_a_backup_stays_erased_when_the_backup_is_restored(
    tmp_path: Path, ledger: Path
) -> None:
    # given two persons in a backup, one of them erased after it was taken
    supervisor = make_user(role=Role.SUPERVISOR)
    erased = open_case(actor=supervisor, given_name="Erased")
    kept = open_case(actor=supervisor, given_name="Kept")
    backup = tmp_path / "before-erasure.backup"
    back_up(backup)
    case_services.person_erase(actor=supervisor, case_id=erased.id)
    person = Person.objects.select_related("data_key").get(pk=erased.person_id)
    destroyed_at = person.data_key.destroyed_at
    assert destroyed_at is not None

    # when the older backup is restored into a fresh database
    fresh_database()
    result = restore(backup)

    # then the erased person's key is destroyed again, at the time of the erasure ...
    assert result.erasures_replayed == 1
    with pytest.raises(KeyDestroyed):
        given_name(erased)
    person = Person.objects.select_related("data_key").get(pk=erased.person_id)
    assert bytes(person.data_key.wrapped) == b""
    assert person.data_key.destroyed_at == destroyed_at
    # ... the person is marked erased, with no blind index left to find them by ...
    assert person.erased_at == destroyed_at
    assert person.name_index == person.date_of_birth_index == ""
    # ... the trail records the erasure again, and the other person reads as before.
    replayed = AuditEvent.objects.get(action=Action.ERASE, person_id=str(person.pk))
    assert replayed.detail == {"replayed": True}
    assert AuditEvent.objects.get(action=Action.RESTORE).detail["erasures_replayed"] == 1
    assert given_name(kept) == "Kept"


@pytest.mark.django_db
def test_without_the_ledger_the_older_backup_would_bring_the_erased_person_back(
    tmp_path: Path, ledger: Path
) -> None:
    # given the same erasure after a backup, but the ledger lost
    supervisor = make_user(role=Role.SUPERVISOR)
    erased = open_case(actor=supervisor, given_name="Erased")
    backup = tmp_path / "before-erasure.backup"
    back_up(backup)
    case_services.person_erase(actor=supervisor, case_id=erased.id)
    ledger.unlink()

    # when
    fresh_database()
    out = StringIO()
    call_command("restore", "--in", str(backup), stdout=out)

    # then the person reads again: this is what the ledger prevents, and the
    # operator is told that no ledger was found
    assert given_name(erased) == "Erased"
    assert "No erasure ledger found" in out.getvalue()


@pytest.mark.django_db
def test_the_restore_command_replays_a_ledger_it_is_given(tmp_path: Path, ledger: Path) -> None:
    # given the ledger copied elsewhere (a new machine) and the setting pointing nowhere
    supervisor = make_user(role=Role.SUPERVISOR)
    erased = open_case(actor=supervisor, given_name="Erased")
    backup = tmp_path / "before-erasure.backup"
    back_up(backup)
    case_services.person_erase(actor=supervisor, case_id=erased.id)
    copy = tmp_path / "copied-ledger.jsonl"
    copy.write_bytes(ledger.read_bytes())
    ledger.unlink()

    # when
    fresh_database()
    out = StringIO()
    call_command("restore", "--in", str(backup), "--ledger", str(copy), stdout=out)

    # then
    with pytest.raises(KeyDestroyed):
        given_name(erased)
    assert "1 erasures made since were replayed" in out.getvalue()


@pytest.mark.django_db
def test_a_person_erased_before_the_backup_is_not_erased_twice(
    tmp_path: Path, ledger: Path
) -> None:
    # given an erasure already in the backup
    supervisor = make_user(role=Role.SUPERVISOR)
    erased = open_case(actor=supervisor, given_name="Erased")
    case_services.person_erase(actor=supervisor, case_id=erased.id)
    backup = tmp_path / "after-erasure.backup"
    back_up(backup)

    # when
    fresh_database()
    result = restore(backup)

    # then
    assert result.erasures_replayed == 0
    assert AuditEvent.objects.filter(action=Action.ERASE).count() == 1
    with pytest.raises(KeyDestroyed):
        given_name(erased)


@pytest.mark.django_db
def test_an_unreadable_ledger_stops_the_restore_before_it_writes(
    tmp_path: Path, ledger: Path
) -> None:
    # given
    open_case(actor=make_user(), given_name="Kept")
    backup = tmp_path / "haven.backup"
    back_up(backup)
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_text("not an erasure\n")
    fresh_database()

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        restore(backup)

    # then
    assert raised.value.code == "erasure_ledger_unreadable"
    assert "line 1" in raised.value.message
    assert not Person.objects.exists()


# --- master key rotation: backups older than a retired master key read nothing ------------


@pytest.mark.django_db
@pytest.mark.parametrize(("old_key_kept", "readable"), [(True, True), (False, False)])
def test_a_backup_from_before_a_master_key_rotation_reads_only_with_the_retired_key(
    tmp_path: Path, settings: Settings, old_key_kept: bool, readable: bool
) -> None:
    # given a backup of a person whose data key was wrapped under the old master key
    settings.HAVEN_MASTER_KEY, settings.HAVEN_MASTER_KEYS_PREVIOUS = OLD_MASTER, []
    case = open_case(actor=make_user(), given_name="Rotated")
    backup = tmp_path / "before-rotation.backup"
    back_up(backup)

    # when the master key is rotated (``haven vault rotate``), the old key retired
    # unless kept, and the old backup restored
    settings.HAVEN_MASTER_KEY, settings.HAVEN_MASTER_KEYS_PREVIOUS = NEW_MASTER, [OLD_MASTER]
    call_command("vault", "rotate", stdout=StringIO())
    assert given_name(case) == "Rotated"
    settings.HAVEN_MASTER_KEYS_PREVIOUS = [OLD_MASTER] if old_key_kept else []
    fresh_database()
    result = restore(backup)

    # then the restored keys are the old backup's, under the old master key ...
    key = DataKey.objects.get(pk=Person.objects.get(pk=case.person_id).data_key_id)
    assert key.master_key_id == keys.key_id(b"O" * 32)
    assert result.keys_unreadable == (0 if readable else 1)
    # ... readable with the retired key at hand, and by nobody without it
    if readable:
        assert given_name(case) == "Rotated"
    else:
        with pytest.raises(VaultMisconfigured) as raised:
            given_name(case)
        assert raised.value.code == "master_key_unknown"


@pytest.mark.django_db
def test_the_restore_command_warns_of_persons_under_a_retired_master_key(
    tmp_path: Path, settings: Settings
) -> None:
    # given
    settings.HAVEN_MASTER_KEY, settings.HAVEN_MASTER_KEYS_PREVIOUS = OLD_MASTER, []
    open_case(actor=make_user(), given_name="Rotated")
    backup = tmp_path / "before-rotation.backup"
    back_up(backup)
    settings.HAVEN_MASTER_KEY = NEW_MASTER
    fresh_database()

    # when
    out = StringIO()
    call_command("restore", "--in", str(backup), stdout=out)

    # then
    assert "1 data keys are wrapped under a master key that is not configured" in out.getvalue()
