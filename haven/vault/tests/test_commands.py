"""``haven vault rotate`` and ``haven vault generate-key``."""

from __future__ import annotations

import base64
import os
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

from haven.vault import keys, services
from haven.vault.models import DataKey

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()


def _run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_generates_a_fresh_base64_key_of_32_bytes() -> None:
    # when
    first, second = _run("vault", "generate-key").strip(), _run("vault", "generate-key").strip()

    # then
    assert len(base64.b64decode(first, validate=True)) == keys.KEY_BYTES
    assert first != second


def test_it_writes_a_generated_key_to_a_new_file_only_its_owner_can_read(
    tmp_path: Path,
) -> None:
    # given: the usual umask, under which a plain `> file` is readable by everyone
    previous = os.umask(0o022)
    try:
        # when
        output = _run("vault", "generate-key", "--out", str(tmp_path / "master.key"))
    finally:
        os.umask(previous)

    # then
    written = (tmp_path / "master.key").read_text()
    assert len(base64.b64decode(written.strip(), validate=True)) == keys.KEY_BYTES
    assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600
    assert written.strip() not in output


def test_it_never_writes_a_generated_key_over_an_existing_file(tmp_path: Path) -> None:
    # given
    (tmp_path / "master.key").write_text("the only copy\n")

    # when / then
    with pytest.raises(CommandError, match="never replaced"):
        _run("vault", "generate-key", "--out", str(tmp_path / "master.key"))
    assert (tmp_path / "master.key").read_text() == "the only copy\n"


@pytest.mark.django_db
def test_it_rewraps_data_keys_under_the_new_master_key_and_data_still_decrypts(
    settings: Settings,
) -> None:
    # given two keys and a ciphertext under the old master key
    settings.HAVEN_MASTER_KEY = OLD
    key = services.data_key_create(subject="test.Subject")
    services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=key, plaintext="synthetic value", context="test.field")
    settings.HAVEN_MASTER_KEY, settings.HAVEN_MASTER_KEYS_PREVIOUS = NEW, [OLD]

    # when
    output = _run("vault", "rotate")

    # then every key is under the new master key, and the old key is no longer needed
    new_id = keys.current_master_key().id
    assert output.startswith("2 ")
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {new_id}
    settings.HAVEN_MASTER_KEYS_PREVIOUS = []
    fresh = DataKey.objects.get(pk=key.pk)
    assert services.decrypt(key=fresh, ciphertext=sealed, context="test.field") == "synthetic value"
    assert _run("vault", "rotate").startswith("0 ")


@pytest.mark.django_db
@pytest.mark.parametrize(("previous", "allowed"), [([OLD], True), ([], False)])
def test_it_rotates_only_while_the_old_key_is_listed_as_previous(
    settings: Settings, previous: list[str], allowed: bool
) -> None:
    # given
    settings.HAVEN_MASTER_KEY = OLD
    services.data_key_create(subject="test.Subject")
    settings.HAVEN_MASTER_KEY, settings.HAVEN_MASTER_KEYS_PREVIOUS = NEW, previous

    # when
    if allowed:
        _run("vault", "rotate")
    else:
        with pytest.raises(CommandError, match="HAVEN_MASTER_KEYS_PREVIOUS"):
            _run("vault", "rotate")

    # then
    rotated = DataKey.objects.filter(master_key_id=keys.current_master_key().id).exists()
    assert rotated is allowed
