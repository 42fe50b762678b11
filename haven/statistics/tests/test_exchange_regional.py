"""The signed regional exchange file (issue 15, R-45, R-46): pure, no database."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.lib import signing
from haven.statistics import exchange
from haven.statistics.errors import ErrorCode, FileInvalid, KeyInvalid, SignatureInvalid
from haven.statistics.htcds import Victim
from haven.statistics.tests.test_exchange_htcds import victims

PRIVATE, PUBLIC = exchange.keygen()


def _victim(year: int = 2024, **overrides: object) -> Victim:
    values: dict[str, object] = {
        "sex": "female",
        "citizenships": ("UA",),
        "identification_status": "identified",
        "forms_of_exploitation": ("sexual_exploitation",),
        "organisation_type": "ngo",
        "country": "EE",
        "year": year,
        "age_group": "18-24",
    }
    return Victim(**{**values, **overrides})  # type: ignore[arg-type]


def _signed(release: exchange.RegionalRelease) -> bytes:
    return exchange.dumps(release, exchange.private_key(PRIVATE))


def test_r46_cells_under_the_threshold_are_suppressed_and_forms_count_apart() -> None:
    register = [_victim() for _ in range(6)] + [
        _victim(forms_of_exploitation=("forced_labour", "organ_removal"), age_group="12-17"),
        _victim(sex="male", age_group="unknown", forms_of_exploitation=()),
    ]

    release = exchange.release_build(register, sender="EE", threshold=5)

    assert release.cells == {
        ("2024", "female", "adult", "sexual"): 6,
        ("2024", "female", "child", "labour"): None,
        ("2024", "female", "child", "other"): None,
        ("2024", "male", "unknown", "unknown"): None,
    }
    assert release.year_totals() == {"2024": (6, 3)}


@settings(max_examples=30, deadline=None)
@given(register=st.lists(victims, max_size=40), threshold=st.integers(1, 6))
def test_r45_a_signed_release_reads_back_as_written(register: list[Victim], threshold: int) -> None:
    release = exchange.release_build(register, sender="EE", threshold=threshold)

    read = exchange.loads(_signed(release), exchange.public_key(PUBLIC))

    assert read == release
    assert all(v is None or v >= threshold for v in read.cells.values())


def test_r45_a_changed_byte_or_another_key_is_refused() -> None:
    content = _signed(exchange.release_build([_victim()] * 5, sender="EE", threshold=5))
    _other_private, other_public = exchange.keygen()
    changed = content.replace(b'"female"', b'"male"')

    for bad, key in [
        (changed, PUBLIC),
        (content, other_public),
        (content[:-1], PUBLIC),
        (content.rpartition(b"\n{")[0] + b'\n{"signature":"x"}\n', PUBLIC),
        (content.rpartition(b"\n{")[0] + b"\nnot json\n", PUBLIC),
    ]:
        with pytest.raises(SignatureInvalid) as caught:
            exchange.loads(bad, exchange.public_key(key))
        assert caught.value.code == ErrorCode.EXCHANGE_SIGNATURE_INVALID


def _forged(header: dict[str, object], *rows: object) -> bytes:
    lines = [json.dumps(header)] + [json.dumps(r) for r in rows]
    body = ("\n".join(lines) + "\n").encode()
    signature = signing.b64(exchange.private_key(PRIVATE).sign(body))
    return body + json.dumps({"signature": signature}).encode() + b"\n"


GOOD = {
    "cells": 1,
    "created_at": "2026-01-01T00:00:00Z",
    "dimensions": list(exchange.DIMENSIONS),
    "format": exchange.FORMAT,
    "sender": "LV",
    "threshold": 5,
}


@pytest.mark.parametrize(
    ("header", "row", "field"),
    [
        ({**GOOD, "extra": 1}, ["2024", "male", "adult", "labour", 5], "header"),
        ({**GOOD, "format": "other/1"}, ["2024", "male", "adult", "labour", 5], "format"),
        ({**GOOD, "threshold": 0}, ["2024", "male", "adult", "labour", 5], "threshold"),
        ({**GOOD, "threshold": 10**6}, ["2024", "male", "adult", "labour", 5], "threshold"),
        ({**GOOD, "threshold": "5"}, ["2024", "male", "adult", "labour", 5], "threshold"),
        ({**GOOD, "created_at": "x" * 30}, ["2024", "male", "adult", "labour", 5], "created_at"),
        ({**GOOD, "created_at": 2026}, ["2024", "male", "adult", "labour", 5], "created_at"),
        (GOOD, ["2024", "male", "adult", "labour", 3], "value"),
        (GOOD, ["2024", "male", "adult", "labour", True], "value"),
        (GOOD, ["24", "male", "adult", "labour", 5], "year"),
        (GOOD, ["2024", "man", "adult", "labour", 5], "sex"),
        (GOOD, ["2024", "male", "adult", "labour"], "cell"),
        (GOOD, "not a row", "cell"),
        ({**GOOD, "cells": 2}, ["2024", "male", "adult", "labour", 5], "cells"),
    ],
)
def test_r45_a_signed_file_outside_the_schema_is_refused_naming_row_and_field(
    header: dict[str, object], row: object, field: str
) -> None:
    with pytest.raises(FileInvalid) as caught:
        exchange.loads(_forged(header, row), exchange.public_key(PUBLIC))

    assert caught.value.code == ErrorCode.EXCHANGE_FILE_INVALID
    assert caught.value.field == field


def test_signed_lines_that_are_not_json_or_ascii_are_refused() -> None:
    key = exchange.private_key(PRIVATE)
    for body, field in [(b"not json\n", "header"), (b"\xff\n", "encoding")]:
        content = body + json.dumps({"signature": signing.b64(key.sign(body))}).encode() + b"\n"
        with pytest.raises(FileInvalid) as caught:
            exchange.loads(content, exchange.public_key(PUBLIC))
        assert caught.value.field == field
    line = (json.dumps(GOOD) + "\n" + "[1,2,3\n").encode()
    content = line + json.dumps({"signature": signing.b64(key.sign(line))}).encode() + b"\n"
    with pytest.raises(FileInvalid) as caught:
        exchange.loads(content, exchange.public_key(PUBLIC))
    assert caught.value.field == "cell"


@pytest.mark.parametrize("content", [b"", b"nope\n", b'{"sender": "Latvia"}\n', b'{"x": 1}\n'])
def test_the_claimed_sender_must_be_a_country_code(content: bytes) -> None:
    with pytest.raises(FileInvalid):
        exchange.sender_of(content)


def test_keys_that_are_not_ed25519_keys_are_refused() -> None:
    assert exchange.sender_of(_signed(exchange.release_build([], sender="EE", threshold=5))) == (
        "EE"
    )
    for text in ["", "short", PUBLIC + "A"]:
        with pytest.raises(KeyInvalid):
            exchange.private_key(text)
        with pytest.raises(KeyInvalid):
            exchange.public_key(text)
