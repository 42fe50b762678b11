"""Typed readers for environment variables: malformed values fail loudly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from haven.lib import env

NAME = "HAVEN_TEST_VARIABLE"


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


def test_it_reads_a_string_or_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.env_str(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, " value ")
    assert env.env_str(NAME, "fallback") == " value "


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        (" YES ", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_it_reads_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    # given
    monkeypatch.setenv(NAME, raw)

    # then
    assert env.env_bool(NAME, not value) is value


@pytest.mark.parametrize("default", [True, False])
def test_it_uses_the_default_for_an_unset_boolean(default: bool) -> None:
    assert env.env_bool(NAME, default) is default


@pytest.mark.parametrize("raw", ["2", "enabled", "tru", "-1"])
def test_it_refuses_a_malformed_boolean(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    # given
    monkeypatch.setenv(NAME, raw)

    # then
    with pytest.raises(ImproperlyConfigured):
        env.env_bool(NAME)


@pytest.mark.parametrize(("raw", "value"), [("42", 42), (" 7 ", 7), ("-3", -3), ("", 5)])
def test_it_reads_integers(monkeypatch: pytest.MonkeyPatch, raw: str, value: int) -> None:
    # given
    monkeypatch.setenv(NAME, raw)

    # then
    assert env.env_int(NAME, 5) == value


def test_it_uses_the_default_for_an_unset_integer() -> None:
    assert env.env_int(NAME, 9) == 9


@pytest.mark.parametrize("raw", ["4.5", "ten", "0x10", "1e3"])
def test_it_refuses_a_malformed_integer(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    # given
    monkeypatch.setenv(NAME, raw)

    # then
    with pytest.raises(ImproperlyConfigured):
        env.env_int(NAME, 1)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("a,b", ["a", "b"]),
        (" a , b ,, ", ["a", "b"]),
        ("", []),
        ("single", ["single"]),
    ],
)
def test_it_reads_comma_separated_lists(
    monkeypatch: pytest.MonkeyPatch, raw: str, value: list[str]
) -> None:
    # given
    monkeypatch.setenv(NAME, raw)

    # then
    assert env.env_list(NAME, ["default"]) == value


def test_it_uses_the_default_for_an_unset_list() -> None:
    assert env.env_list(NAME, ["default"]) == ["default"]


def test_it_reads_a_secret_from_the_variable_or_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert env.env_secret(NAME) is None
    assert env.env_secret(NAME, "fallback") == "fallback"
    monkeypatch.setenv(NAME, "s3cret")
    assert env.env_secret(NAME) == "s3cret"


def test_it_prefers_a_secret_file_over_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given: a container secret, with the usual trailing newline
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv(NAME, "from-the-variable")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    # then
    assert env.env_secret(NAME) == "from-the-file"


def test_it_refuses_a_secret_file_that_does_not_exist(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))

    # then
    with pytest.raises(ImproperlyConfigured):
        env.env_secret(NAME)


def test_it_refuses_a_secret_file_that_is_a_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path))

    # then
    with pytest.raises(ImproperlyConfigured):
        env.env_secret(NAME)


def test_it_names_the_malformed_variable_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv(NAME, "maybe")

    # when
    with pytest.raises(ImproperlyConfigured) as raised:
        env.env_bool(NAME)

    # then: the operator knows what to fix
    assert NAME in str(raised.value)


def test_it_reads_a_decimal_or_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.env_decimal(NAME, "2") == Decimal("2")
    monkeypatch.setenv(NAME, " 1.25 ")
    assert env.env_decimal(NAME, "2") == Decimal("1.25")


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "NaN", "Infinity"])
def test_it_refuses_a_malformed_or_non_positive_decimal(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    # given
    monkeypatch.setenv(NAME, raw)

    # then
    with pytest.raises(ImproperlyConfigured):
        env.env_decimal(NAME, "2")
