"""The erasure ledger outside the database, its replay after a restore, and the backup key."""

from __future__ import annotations

import base64
import json
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_django import Settings

from haven.vault import hooks, keys, ledger, services
from haven.vault.errors import KeyDestroyed, VaultMisconfigured
from haven.vault.models import DataKey


@pytest.fixture
def ledger_file(tmp_path: Path, settings: Settings) -> Path:
    path = tmp_path / "erasures" / "ledger.jsonl"
    settings.HAVEN_ERASURE_LEDGER_FILE = str(path)
    return path


WHEN = "2026-01-01T00:00:00+00:00"
KEY = "5a0c9a57-3f0e-4a8e-9c3e-2b0f3c1d7e11"


@pytest.fixture
def told() -> Iterator[list[hooks.KeysShredded]]:
    """What a handler registered above the vault hears (removed again afterwards)."""
    saved = dict(hooks._shredded)
    heard: list[hooks.KeysShredded] = []
    hooks.on_keys_shredded(heard.append)
    yield heard
    hooks._shredded.clear()
    hooks._shredded.update(saved)


def fresh(key: DataKey) -> DataKey:
    return DataKey.objects.get(pk=key.pk)


@pytest.mark.django_db
def test_destroying_a_key_appends_it_to_an_owner_only_ledger(ledger_file: Path) -> None:
    # given
    first = services.data_key_create(subject="test.Subject")
    second = services.data_key_create(subject="test.Other")

    # when
    services.data_key_destroy(key=first)
    services.data_key_destroy(key=second)
    services.data_key_destroy(key=fresh(first))  # again: no second line

    # then: one line per key, with nothing but its id, kind and time
    lines = [json.loads(line) for line in ledger_file.read_text().splitlines()]
    assert [line["data_key_id"] for line in lines] == [str(first.pk), str(second.pk)]
    assert lines[0] == {
        "data_key_id": str(first.pk),
        "subject": "test.Subject",
        "destroyed_at": fresh(first).destroyed_at.isoformat(),  # type: ignore[union-attr]
    }
    assert stat.S_IMODE(ledger_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger_file.parent.stat().st_mode) == 0o700
    assert [e.data_key_id for e in ledger.ledger_read()] == [first.pk, second.pk]


@pytest.mark.django_db
def test_an_erasure_the_ledger_cannot_record_does_not_happen(
    tmp_path: Path, settings: Settings
) -> None:
    # given a ledger path that is a directory
    settings.HAVEN_ERASURE_LEDGER_FILE = str(tmp_path)
    key = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=key, plaintext="still here", context="x")

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        services.data_key_destroy(key=key)

    # then
    assert raised.value.code == "erasure_ledger_unwritable"
    assert fresh(key).destroyed_at is None
    assert services.decrypt(key=fresh(key), ciphertext=sealed, context="x") == "still here"


@pytest.mark.django_db
def test_an_erasure_without_a_ledger_configured_does_not_happen(settings: Settings) -> None:
    # given
    settings.HAVEN_ERASURE_LEDGER_FILE = ""
    key = services.data_key_create(subject="test.Subject")

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        services.data_key_destroy(key=key)

    # then
    assert raised.value.code == "erasure_ledger_missing"
    assert fresh(key).destroyed_at is None


def test_a_ledger_not_yet_written_is_empty(ledger_file: Path) -> None:
    assert list(ledger.ledger_read()) == []


def test_a_ledger_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    with pytest.raises(VaultMisconfigured) as raised:
        list(ledger.ledger_read(tmp_path))
    assert raised.value.code == "erasure_ledger_unreadable"


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        "[]",
        json.dumps({"data_key_id": "not a uuid", "subject": "s", "destroyed_at": WHEN}),
        json.dumps({"subject": "s", "destroyed_at": WHEN}),
        json.dumps({"data_key_id": KEY, "subject": "s", "destroyed_at": "yesterday"}),
        json.dumps({"data_key_id": KEY, "subject": "s", "destroyed_at": WHEN[:19]}),  # naive
    ],
)
def test_a_line_that_is_not_an_erasure_stops_the_reader_naming_its_number(
    ledger_file: Path, bad: str
) -> None:
    # given a good line, a blank one, then a bad one
    good = ledger.Erasure(
        data_key_id=uuid.uuid4(), subject="s", destroyed_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    ledger.ledger_append(good)
    with ledger_file.open("a") as handle:
        handle.write("\n" + bad + "\n")

    # when
    read = ledger.ledger_read()

    # then the good line is read, then the reader stops at line 3
    assert next(read) == good
    with pytest.raises(VaultMisconfigured) as raised:
        next(read)
    assert raised.value.code == "erasure_ledger_unreadable"
    assert "line 3" in raised.value.message


@pytest.mark.django_db
def test_a_replay_destroys_again_the_live_keys_it_lists_and_tells_the_apps_above(
    ledger_file: Path, told: list[hooks.KeysShredded]
) -> None:
    # given: a live key listed twice, one already destroyed, one not in this database
    live = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=live, plaintext="secret", context="x")
    gone = services.data_key_create(subject="test.Subject")
    services.data_key_destroy(key=gone)
    untouched = services.data_key_create(subject="test.Subject")
    first = datetime(2026, 1, 1, tzinfo=UTC)
    erasures = [
        ledger.Erasure(data_key_id=live.pk, subject="test.Subject", destroyed_at=first),
        ledger.Erasure(data_key_id=gone.pk, subject="test.Subject", destroyed_at=first),
        ledger.Erasure(data_key_id=uuid.uuid4(), subject="test.Subject", destroyed_at=first),
        ledger.Erasure(
            data_key_id=live.pk, subject="test.Subject", destroyed_at=datetime.now(tz=UTC)
        ),
    ]

    # when
    shredded = services.erasures_replay(erasures=erasures)

    # then only the live key is destroyed, at its first erasure's time
    assert shredded == {live.pk: first}
    assert told == [hooks.KeysShredded(destroyed={live.pk: first})]
    stored = fresh(live)
    assert (bytes(stored.wrapped), stored.master_key_id, stored.destroyed_at) == (b"", "", first)
    with pytest.raises(KeyDestroyed):
        services.decrypt(key=stored, ciphertext=sealed, context="x")
    assert fresh(untouched).destroyed_at is None
    assert fresh(gone).destroyed_at != first


@pytest.mark.django_db
def test_a_replay_of_keys_none_of_which_are_here_tells_nobody(
    told: list[hooks.KeysShredded],
) -> None:
    # given
    erasure = ledger.Erasure(
        data_key_id=uuid.uuid4(), subject="s", destroyed_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    # when
    shredded = services.erasures_replay(erasures=[erasure])

    # then
    assert shredded == {}
    assert told == []


def test_the_cases_app_is_told_of_keys_a_replay_destroys() -> None:
    assert hooks.handlers() == [
        "haven.cases.services.persons_erased_again",
        "haven.linkage.services.persons_keys_erase_again",  # the blocking keys (issue 14)
    ]


@pytest.mark.django_db
def test_it_counts_live_keys_under_master_keys_not_configured(settings: Settings) -> None:
    # given
    settings.HAVEN_MASTER_KEY = base64.b64encode(b"O" * 32).decode()
    services.data_key_create(subject="test.Subject")
    settings.HAVEN_MASTER_KEY = base64.b64encode(b"N" * 32).decode()
    services.data_key_create(subject="test.Subject")

    # then
    assert services.data_keys_unreadable(master_key_ids=keys.master_keys()) == 1


# --- the backup key ------------------------------------------------------------------------


def test_it_reads_the_backup_key_with_its_own_fingerprint(settings: Settings) -> None:
    # given
    settings.HAVEN_BACKUP_KEY = base64.b64encode(b"k" * 32).decode()

    # then: the same bytes as a master key would have another fingerprint
    assert keys.backup_key() == b"k" * 32
    assert len(keys.backup_key_id(b"k" * 32)) == 16
    assert keys.backup_key_id(b"k" * 32) != keys.key_id(b"k" * 32)


@pytest.mark.parametrize(("raw", "code"), [("", "key_missing"), ("c2hvcnQ=", "key_wrong_length")])
def test_it_refuses_a_missing_or_malformed_backup_key(
    settings: Settings, raw: str, code: str
) -> None:
    # given
    settings.HAVEN_BACKUP_KEY = raw

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        keys.backup_key()

    # then
    assert raised.value.code == code
