"""Master and index keys read from settings: misconfiguration fails loudly, with a code."""

from __future__ import annotations

import base64

import pytest
from pytest_django import Settings

from haven.vault import keys
from haven.vault.errors import VaultMisconfigured


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_it_reads_the_current_master_key_with_a_stable_fingerprint(
    settings: Settings,
) -> None:
    # given
    settings.HAVEN_MASTER_KEY = b64(b"a" * 32)

    # when
    master = keys.current_master_key()

    # then
    assert master.secret == b"a" * 32
    assert master.id == keys.key_id(b"a" * 32)
    assert len(master.id) == 16
    assert master.id != keys.key_id(b"b" * 32)


def test_it_ignores_surrounding_whitespace_in_a_key(settings: Settings) -> None:
    # given: a key file usually ends with a newline
    settings.HAVEN_MASTER_KEY = f"  {b64(b'a' * 32)}\n"

    # then
    assert keys.current_master_key().secret == b"a" * 32


@pytest.mark.parametrize("missing", [None, ""])
def test_it_refuses_a_missing_master_key(settings: Settings, missing: str | None) -> None:
    # given
    settings.HAVEN_MASTER_KEY = missing

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        keys.current_master_key()

    # then
    assert raised.value.code == "key_missing"
    assert raised.value.http_status == 500


@pytest.mark.parametrize("missing", [None, ""])
def test_it_refuses_a_missing_index_key(settings: Settings, missing: str | None) -> None:
    # given
    settings.HAVEN_INDEX_KEY = missing

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        keys.index_key()

    # then
    assert raised.value.code == "key_missing"


@pytest.mark.parametrize("setting", ["HAVEN_MASTER_KEY", "HAVEN_INDEX_KEY"])
@pytest.mark.parametrize("bad", ["not base64 at all!", "bWFzdGVy*", "YQ=", "ÄÄÄÄ"])
def test_it_refuses_a_key_that_is_not_base64(settings: Settings, setting: str, bad: str) -> None:
    # given
    setattr(settings, setting, bad)

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        keys.current_master_key() if setting == "HAVEN_MASTER_KEY" else keys.index_key()

    # then
    assert raised.value.code == "key_not_base64"
    assert bad not in raised.value.message  # a key never ends up in an error message


@pytest.mark.parametrize("setting", ["HAVEN_MASTER_KEY", "HAVEN_INDEX_KEY"])
@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_it_refuses_a_key_of_the_wrong_length(
    settings: Settings, setting: str, length: int
) -> None:
    # given
    setattr(settings, setting, b64(b"k" * length))

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        keys.current_master_key() if setting == "HAVEN_MASTER_KEY" else keys.index_key()

    # then
    assert raised.value.code == ("key_missing" if length == 0 else "key_wrong_length")


def test_it_lists_the_current_and_previous_master_keys_once_each(
    settings: Settings,
) -> None:
    # given: the current key is also (mistakenly) listed as a previous one
    settings.HAVEN_MASTER_KEY = b64(b"n" * 32)
    settings.HAVEN_MASTER_KEYS_PREVIOUS = [b64(b"o" * 32), b64(b"n" * 32), b64(b"o" * 32)]

    # when
    found = keys.master_keys()

    # then
    assert set(found) == {keys.key_id(b"n" * 32), keys.key_id(b"o" * 32)}
    assert found[keys.key_id(b"o" * 32)].secret == b"o" * 32


def test_it_refuses_a_malformed_previous_master_key(settings: Settings) -> None:
    # given
    settings.HAVEN_MASTER_KEY = b64(b"n" * 32)
    settings.HAVEN_MASTER_KEYS_PREVIOUS = [b64(b"o" * 32), b64(b"short")]

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        keys.master_keys()

    # then
    assert raised.value.code == "key_wrong_length"
