"""Cross-border encodings (issue 14): CLK filters, the schema, the signed file and
the matching, as pure functions (no database)."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from haven.lib import signing
from haven.linkage import matching
from haven.linkage.matching import Record
from haven.linkage.pprl import compare, encode, exchange
from haven.linkage.pprl.errors import ErrorCode, PprlError
from haven.linkage.pprl.schema import DEFAULT_SCHEMA, Schema, schema_from_json, schema_load

SECRET = b"a shared secret of two focal points, 32+ bytes"
OTHER_SECRET = b"another secret, unknown to the first focal point"
YULIA_CYRILLIC = Record("Юлия", "Смирнова", "F", "1990-05-17")
YULIA_ROMANISATIONS = [
    Record("Yuliya", "Smirnova", "F", "1990-05-17"),  # BGN/PCGN
    Record("Iuliia", "Smirnova", "F", "1990-05-17"),  # passport (ICAO 9303)
    Record("Julija", "Smirnova", "F", "1990-05-17"),  # Estonian, Latvian
    Record("Ioulia", "Smirnova", "", "1990-05-17"),  # French, sex not recorded
]
OTHERS = [
    Record("Anna", "Kask", "F", "1985-02-03"),
    Record("Ольга", "Петрова", "F", "1990-07-02"),
    Record("Jānis", "Bērziņš", "M", "1990-05-17"),
]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return schema_load()


@pytest.fixture(scope="module")
def split(schema: Schema) -> Schema:
    """A schema that encodes given and family names apart, each under its own key."""
    names = [f for f in schema.as_json()["fields"] if f["name"] != "names"]
    return schema_from_json(
        {
            **schema.as_json(),
            "version": 2,
            "fields": [
                {"name": "given", "weight": 1.0, "k": 20},
                {"name": "family", "weight": 1.0, "k": 20},
                *names,
            ],
        }
    )


@pytest.fixture(scope="module")
def encoder(schema: Schema) -> encode.Encoder:
    return encode.Encoder(schema, SECRET)


def _signed(encoder: encode.Encoder, records: list[Record], key: Ed25519PrivateKey) -> bytes:
    encodings = exchange.Encodings(
        schema=encoder.schema,
        sender="EE police",
        created_at="2026-12-06T21:00:00Z",
        secret_check=encoder.secret_fingerprint,
        ids=exchange.new_local_ids(len(records)),
        filters=[encoder.to_bytes(encoder.encode_record(r)) for r in records],
    )
    return exchange.dumps(encodings, key)


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("romanised", YULIA_ROMANISATIONS, ids=lambda r: r.given_name)
def test_one_person_in_cyrillic_and_in_a_latin_romanisation_scores_high(
    encoder: encode.Encoder, romanised: Record
) -> None:
    score = compare.dice(encoder.encode_record(YULIA_CYRILLIC), encoder.encode_record(romanised))

    assert score >= compare.DEFAULT_THRESHOLD


@pytest.mark.parametrize("other", OTHERS, ids=lambda r: r.family_name)
def test_different_people_score_low(encoder: encode.Encoder, other: Record) -> None:
    score = compare.dice(encoder.encode_record(YULIA_CYRILLIC), encoder.encode_record(other))

    assert score < compare.DEFAULT_THRESHOLD - 0.15


def test_a_different_secret_gives_unrelated_encodings(
    schema: Schema, encoder: encode.Encoder
) -> None:
    # given
    stranger = encode.Encoder(schema, OTHER_SECRET)
    ours = [encoder.encode_record(r) for r in [YULIA_CYRILLIC, *OTHERS]]
    theirs = [stranger.encode_record(r) for r in [YULIA_CYRILLIC, *OTHERS]]

    # when
    same_record = compare.dice(ours[0], theirs[0])
    matches = compare.match(ours, theirs, masks=compare.band_masks(schema))

    # then
    assert same_record < compare.DEFAULT_THRESHOLD - 0.25
    assert matches == []
    assert encoder.secret_fingerprint != stranger.secret_fingerprint


def test_each_field_has_its_own_key(split: Schema) -> None:
    # given: a schema that keeps given and family names apart
    encoder = encode.Encoder(split, SECRET)

    # when: the same text in two fields
    as_given = encoder.encode_record(Record(given_name="Maria"))
    as_family = encoder.encode_record(Record(family_name="Maria"))

    # then: it sets unrelated bits
    assert as_given and as_family
    assert compare.dice(as_given, as_family) < 0.5
    assert len(set(encoder._keys.values())) == len(split.fields)


def test_the_field_values_are_the_phonetic_skeletons_one_for_every_romanisation() -> None:
    # given: one woman written in Cyrillic and in two romanisations
    cyrillic = matching.normalise(YULIA_CYRILLIC)
    german = matching.normalise(matching.Record("Julija", "Smirnowa", "F", "1990-05-17"))

    # when
    values = encode._field_values(cyrillic)

    # then: the encoded names are the skeletons, which the spellings share
    assert values["given"] == list(cyrillic.given_skeleton) != list(cyrillic.given)
    assert values["names"] == encode._field_values(german)["names"]
    assert values["birth_year"] == ["1990", "199x"] and values["sex"] == ["F"]
    assert (values["birth_month"], values["birth_day"]) == (["5"], ["17", "5/17"])


@pytest.mark.parametrize(
    ("born", "year", "month", "day"),
    [
        ("1990-01-01", ["1990", "199x"], [], []),
        ("1990-06-01", ["1990", "199x"], ["6"], []),
        ("1990-01-15", ["1990", "199x"], ["1"], ["15", "1/15"]),
        ("1990", ["1990", "199x"], [], []),
        ("", [], [], []),
    ],
)
def test_a_first_of_the_month_is_taken_for_a_placeholder(
    born: str, year: list[str], month: list[str], day: list[str]
) -> None:
    values = encode._field_values(matching.normalise(Record(date_of_birth=born)))

    assert (values["birth_year"], values["birth_month"], values["birth_day"]) == (year, month, day)


def test_a_date_written_day_first_keeps_part_of_its_bits(encoder: encode.Encoder) -> None:
    def score(a: str, b: str) -> float:
        return compare.dice(
            encoder.encode_record(Record(date_of_birth=a)),
            encoder.encode_record(Record(date_of_birth=b)),
        )

    assert score("1990-12-05", "1990-05-12") > score("1990-12-05", "1990-03-08") + 0.05


def test_a_year_estimated_one_off_keeps_part_of_its_bits(encoder: encode.Encoder) -> None:
    def score(a: str, b: str) -> float:
        return compare.dice(
            encoder.encode_record(Record(date_of_birth=a)),
            encoder.encode_record(Record(date_of_birth=b)),
        )

    assert score("1992", "1993") > score("1992", "1982") + 0.2


def test_an_empty_record_has_an_empty_filter_and_scores_zero(encoder: encode.Encoder) -> None:
    empty = encoder.encode_record(Record())

    assert empty == 0
    assert compare.dice(empty, empty) == 0.0


def test_a_short_secret_is_refused(schema: Schema) -> None:
    with pytest.raises(PprlError) as caught:
        encode.Encoder(schema, b"too short")

    assert caught.value.code == ErrorCode.SECRET_INVALID


def test_the_secret_is_read_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(SECRET + b"\n")

    assert encode.secret_load(tmp_path / "secret") == SECRET
    with pytest.raises(PprlError) as caught:
        encode.secret_load(tmp_path / "missing")
    assert caught.value.code == ErrorCode.SECRET_INVALID


# --- the schema --------------------------------------------------------------------------


def test_the_shipped_schema_is_version_1_of_the_normalisation_in_use(schema: Schema) -> None:
    assert (schema.id, schema.version, schema.filter_bits, schema.q) == ("haven-pprl", 1, 1024, 2)
    assert schema.normalisation == encode.normalisation_version()
    assert {f.name for f in schema.fields} == {
        "names",
        "birth_year",
        "birth_month",
        "birth_day",
        "sex",
    }
    assert schema_from_json(schema.as_json()).digest == schema.digest


SEX_FIELD = {"name": "sex", "weight": 1, "k": 20}


def _schema_json() -> dict[str, object]:
    data: dict[str, object] = json.loads(DEFAULT_SCHEMA.read_text())
    return data


@pytest.mark.parametrize(
    ("change", "what"),
    [
        ({"filter_bits": 1001}, "filter_bits"),
        ({"q": 0}, "q"),
        ({"version": "1"}, "version"),
        ({"id": ""}, "id"),
        ({"normalisation": 1}, "normalisation"),
        ({"fields": []}, "fields"),
        ({"fields": [{"name": "nickname", "weight": 1, "k": 20}]}, "fields.name"),
        ({"fields": [{"name": "given", "weight": 1.0, "k": 7}]}, "fields.given.k"),
        ({"fields": [{"name": "given", "weight": 0, "k": 1}]}, "fields.given.weight"),
        ({"fields": [{"name": "given", "k": 20}]}, "fields"),
        ({"extra": True}, "keys"),
        ({"fields": [SEX_FIELD, SEX_FIELD]}, "fields.name"),
    ],
)
def test_an_invalid_schema_is_refused_naming_the_key(change: dict[str, object], what: str) -> None:
    with pytest.raises(PprlError) as caught:
        schema_from_json({**_schema_json(), **change})

    assert caught.value.code == ErrorCode.SCHEMA_INVALID
    assert what in caught.value.message


def test_a_schema_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text("{not json")

    with pytest.raises(PprlError) as caught:
        schema_load(tmp_path / "schema.json")

    assert caught.value.code == ErrorCode.SCHEMA_INVALID


def test_a_schema_for_another_normalisation_is_refused(schema: Schema) -> None:
    with pytest.raises(PprlError) as caught:
        encode.Encoder(replace(schema, normalisation="0"), SECRET)

    assert caught.value.code == ErrorCode.NORMALISATION_MISMATCH


def test_files_under_different_schemas_are_not_compared(encoder: encode.Encoder) -> None:
    # given
    key = Ed25519PrivateKey.generate()
    newer = encode.Encoder(replace(encoder.schema, version=2), SECRET)
    a = exchange.loads(_signed(encoder, [YULIA_CYRILLIC], key), key.public_key())
    b = exchange.loads(_signed(newer, YULIA_ROMANISATIONS, key), key.public_key())

    # when
    with pytest.raises(PprlError) as caught:
        compare.compatible_check(a, b)

    # then
    assert caught.value.code == ErrorCode.SCHEMA_MISMATCH
    compare.compatible_check(a, a)


def test_files_under_different_secrets_are_not_compared(
    schema: Schema, encoder: encode.Encoder
) -> None:
    key = Ed25519PrivateKey.generate()
    a = exchange.loads(_signed(encoder, [YULIA_CYRILLIC], key), key.public_key())
    stranger = encode.Encoder(schema, OTHER_SECRET)
    b = exchange.loads(_signed(stranger, [YULIA_CYRILLIC], key), key.public_key())

    with pytest.raises(PprlError) as caught:
        compare.compatible_check(a, b)

    assert caught.value.code == ErrorCode.SECRET_MISMATCH


# --- the signed file ---------------------------------------------------------------------


def test_a_signed_file_reads_back_with_the_senders_public_key(encoder: encode.Encoder) -> None:
    key = Ed25519PrivateKey.generate()

    read = exchange.loads(_signed(encoder, YULIA_ROMANISATIONS, key), key.public_key())

    assert read.sender == "EE police"
    assert read.schema == encoder.schema
    assert len(read.ids) == len(read.filters) == len(YULIA_ROMANISATIONS)
    assert read.filters[0] == encoder.to_bytes(encoder.encode_record(YULIA_ROMANISATIONS[0]))


def _flip_bit_in_a_row(content: bytes) -> bytes:
    lines = content.split(b"\n")
    local_id, bloom = json.loads(lines[1])
    raw = bytearray(base64.b64decode(bloom))
    raw[3] ^= 0x01
    lines[1] = json.dumps(
        [local_id, base64.b64encode(bytes(raw)).decode()], separators=(",", ":")
    ).encode()
    return b"\n".join(lines)


def _add_a_row(content: bytes) -> bytes:
    lines = content.split(b"\n")
    return b"\n".join([*lines[:2], lines[1].replace(b'["', b'["x'), *lines[2:]])


def _drop_a_row(content: bytes) -> bytes:
    lines = content.split(b"\n")
    return b"\n".join([lines[0], *lines[2:]])


def _without_signature(content: bytes) -> bytes:
    return b"\n".join(content.split(b"\n")[:-2]) + b"\n"


def _change_the_sender(content: bytes) -> bytes:
    return content.replace(b"EE police", b"FI police", 1)


@pytest.mark.parametrize(
    "tamper",
    [_flip_bit_in_a_row, _add_a_row, _drop_a_row, _without_signature, _change_the_sender],
)
def test_a_tampered_file_is_refused_by_the_signature_check(
    encoder: encode.Encoder, tamper: object
) -> None:
    # given
    key = Ed25519PrivateKey.generate()
    content = _signed(encoder, YULIA_ROMANISATIONS, key)
    assert callable(tamper)
    changed = tamper(content)
    assert changed != content

    # when
    with pytest.raises(PprlError) as caught:
        exchange.loads(changed, key.public_key())

    # then
    assert caught.value.code == ErrorCode.SIGNATURE_INVALID


def test_a_file_checked_with_another_public_key_is_refused(encoder: encode.Encoder) -> None:
    # given
    sender, impostor = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    content = _signed(encoder, YULIA_ROMANISATIONS, sender)

    # when
    with pytest.raises(PprlError) as caught:
        exchange.loads(content, impostor.public_key())

    # then
    assert caught.value.code == ErrorCode.SIGNATURE_INVALID
    assert exchange.loads(content, sender.public_key()).sender == "EE police"


@pytest.mark.parametrize(
    "body",
    [
        b"not json\n",
        b'{"format":"other"}\n',
        b'{"count":1,"created_at":"","format":"haven-pprl/1","schema":{},"secret_check":"",'
        b'"sender":"x"}\n',
    ],
)
def test_a_signed_file_that_is_not_an_encodings_file_is_refused(body: bytes) -> None:
    key = Ed25519PrivateKey.generate()
    signature = signing.b64(key.sign(body))
    content = body + json.dumps({"signature": signature}).encode() + b"\n"

    with pytest.raises(PprlError) as caught:
        exchange.loads(content, key.public_key())

    assert caught.value.code in {ErrorCode.FILE_INVALID, ErrorCode.SCHEMA_INVALID}


def test_keys_round_trip_through_files_and_bad_key_files_are_refused(tmp_path: Path) -> None:
    # given
    private, public = exchange.keygen()
    (tmp_path / "private").write_text(private + "\n")
    (tmp_path / "public").write_text(public + "\n")
    (tmp_path / "bad").write_text("not a key")

    # when
    signer = exchange.private_key_load(tmp_path / "private")
    verifier = exchange.public_key_load(tmp_path / "public")

    # then
    verifier.verify(signer.sign(b"x"), b"x")
    for path, load in [
        (tmp_path / "bad", exchange.private_key_load),
        (tmp_path / "bad", exchange.public_key_load),
        (tmp_path / "missing", exchange.public_key_load),
    ]:
        with pytest.raises(PprlError) as caught:
            load(path)
        assert caught.value.code == ErrorCode.KEY_INVALID


# --- matching ----------------------------------------------------------------------------


def test_matches_are_one_to_one_best_score_first() -> None:
    scores = {(0, 0): 0.9, (0, 1): 0.95, (1, 1): 0.8, (1, 0): 0.85, (2, 2): 0.7}

    matches = compare.one_to_one(scores)

    assert [(m.a, m.b, m.score) for m in matches] == [(0, 1, 0.95), (1, 0, 0.85), (2, 2, 0.7)]


def test_blocking_finds_one_person_written_differently_among_strangers(
    encoder: encode.Encoder,
) -> None:
    # given
    a = [encoder.encode_record(r) for r in [YULIA_CYRILLIC, *OTHERS]]
    b = [encoder.encode_record(r) for r in [*reversed(OTHERS), YULIA_ROMANISATIONS[1]]]
    progress: list[tuple[int, int]] = []

    # when
    matches = compare.match(
        a,
        b,
        masks=compare.band_masks(encoder.schema),
        progress=lambda done, total: progress.append((done, total)),
    )

    # then: every one found, and no pair of strangers
    assert sorted((m.a, m.b) for m in matches) == [(0, 3), (1, 2), (2, 1), (3, 0)]
    assert progress[-1] == (compare.BANDS, compare.BANDS)


@pytest.mark.parametrize("sender", ["", "\x1b[2J", 7])
def test_a_signed_file_with_an_unprintable_sender_is_refused(
    encoder: encode.Encoder, sender: object
) -> None:
    # given: a well-formed file whose sender label is not a printable text
    key = Ed25519PrivateKey.generate()
    header = {
        "count": 0,
        "created_at": exchange.now(),
        "format": exchange.FORMAT,
        "schema": encoder.schema.as_json(),
        "secret_check": encoder.secret_fingerprint,
        "sender": sender,
    }
    body = (json.dumps(header) + "\n").encode()
    content = body + json.dumps({"signature": signing.b64(key.sign(body))}).encode() + b"\n"

    # when
    with pytest.raises(PprlError) as caught:
        exchange.loads(content, key.public_key())

    # then
    assert caught.value.code == ErrorCode.FILE_INVALID


def _signature_line(key: Ed25519PrivateKey, body: bytes) -> bytes:
    return json.dumps({"signature": signing.b64(key.sign(body))}).encode() + b"\n"


@pytest.mark.parametrize(
    "broken",
    [
        lambda content: content.rstrip(b"\n"),  # no newline at the end
        lambda content: content.split(b"\n")[-2] + b"\n",  # the signature line alone
        lambda content: content[:-3] + b"\n",  # the signature line cut short
        lambda content: content.replace(b'{"signature"', b'["signature"'),
        lambda content: content.replace(b'{"signature":"', b'{"signature":"AAAA'),
        lambda content: content.replace(b'{"signature"', b'{"other"'),
    ],
)
def test_a_file_without_a_well_formed_signature_line_is_refused(
    encoder: encode.Encoder, broken: Callable[[bytes], bytes]
) -> None:
    key = Ed25519PrivateKey.generate()
    content = _signed(encoder, [YULIA_CYRILLIC], key)

    with pytest.raises(PprlError) as caught:
        exchange.loads(broken(content), key.public_key())

    assert caught.value.code == ErrorCode.SIGNATURE_INVALID


@pytest.mark.parametrize(
    "rows",
    [
        ["not json"],
        ['["id"]'],
        ['["id", "not base64"]'],
        ['["id", "AAAA"]'],  # a filter of the wrong length
        ['["", "<filter>"]'],
        ['["same", "<filter>"]', '["same", "<filter>"]'],
        [],  # fewer rows than counted
    ],
)
def test_a_signed_file_with_malformed_rows_is_refused(
    encoder: encode.Encoder, rows: list[str]
) -> None:
    # given: signed by the right key, but not what an encoder writes
    key = Ed25519PrivateKey.generate()
    header = json.loads(_signed(encoder, [], key).split(b"\n")[0])
    header["count"] = max(1, len(rows))
    bloom = base64.b64encode(bytes(encoder.schema.filter_bits // 8)).decode()
    lines = [json.dumps(header), *(r.replace("<filter>", bloom) for r in rows)]
    body = ("\n".join(lines) + "\n").encode()

    # when
    with pytest.raises(PprlError) as caught:
        exchange.loads(body + _signature_line(key, body), key.public_key())

    # then
    assert caught.value.code == ErrorCode.FILE_INVALID


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PprlError) as caught:
        exchange.load(tmp_path / "missing.enc", Ed25519PrivateKey.generate().public_key())

    assert caught.value.code == ErrorCode.FILE_INVALID


def test_fields_left_out_of_the_schema_are_not_encoded(schema: Schema) -> None:
    # given
    without_sex = replace(schema, fields=tuple(f for f in schema.fields if f.name != "sex"))
    encoder = encode.Encoder(without_sex, SECRET)

    # then
    assert encoder.encode_record(Record(sex="F")) == 0
    assert encoder.encode_record(Record(given_name="Anna", sex="F")) == encoder.encode_record(
        Record(given_name="Anna", sex="M")
    )


def test_local_ids_are_distinct_even_when_a_token_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = iter(["a", "a", "b", "c"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(tokens))

    assert exchange.new_local_ids(3) == ["a", "b", "c"]


@pytest.mark.parametrize("sender", ["", "x" * 101, "EE\npolice"])
def test_a_sender_label_that_is_empty_long_or_unprintable_is_not_written(
    encoder: encode.Encoder, sender: str
) -> None:
    encodings = exchange.Encodings(
        schema=encoder.schema,
        sender=sender,
        created_at=exchange.now(),
        secret_check=encoder.secret_fingerprint,
        ids=[],
        filters=[],
    )

    with pytest.raises(PprlError) as caught:
        exchange.dumps(encodings, Ed25519PrivateKey.generate())

    assert caught.value.code == ErrorCode.INPUT_INVALID


def test_the_shipped_schema_does_not_care_which_name_came_first(
    schema: Schema, split: Schema
) -> None:
    # given: one side wrote the family name first
    swapped = replace(YULIA_ROMANISATIONS[0], given_name="Smirnova", family_name="Yuliya")

    # when
    def score(encoder: encode.Encoder) -> float:
        return compare.dice(encoder.encode_record(YULIA_CYRILLIC), encoder.encode_record(swapped))

    # then: the names field holds both names under one key; given and family apart
    # would tell the order, and lose the pair
    assert score(encode.Encoder(schema, SECRET)) == 1.0
    assert score(encode.Encoder(split, SECRET)) < compare.DEFAULT_THRESHOLD
