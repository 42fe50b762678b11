"""``haven pprl`` end to end (issue 14): keys, a secret, two registers encoded on two
sides, matched; bad input and tampered files refused with nothing written."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.linkage.pprl import files

GIVEN = [
    ("Юлия", "Iuliia"),
    ("Наталья", "Natalia"),
    ("Ольга", "Olga"),
    ("Татьяна", "Tatiana"),
    ("Екатерина", "Ekaterina"),
    ("Светлана", "Svetlana"),
    ("Ирина", "Irina"),
    ("Мария", "Mariia"),
    ("Алёна", "Alena"),
    ("Елена", "Elena"),
]
FAMILY = [
    ("Смирнова", "Smirnova"),
    ("Иванова", "Ivanova"),
    ("Кузнецова", "Kuznetsova"),
    ("Попова", "Popova"),
    ("Соколова", "Sokolova"),
    ("Лебедева", "Lebedeva"),
    ("Козлова", "Kozlova"),
    ("Новикова", "Novikova"),
]


def _register(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(files.HEADER)
        writer.writerows(rows)
    return path


def _generated(tmp_path: Path, count: int = 60) -> tuple[Path, Path, set[tuple[str, str]]]:
    """Side A writes every person in Cyrillic; side B holds half of them, in a passport
    romanisation (some with the day and month swapped or the year only), and as many
    others. The truth: which record ids of A and B are one person."""
    rng = random.Random(14)
    persons: dict[tuple[int, int, str], None] = {}
    while len(persons) < count * 3 // 2:
        born = f"{rng.randint(1975, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        persons[(rng.randrange(len(GIVEN)), rng.randrange(len(FAMILY)), born)] = None
    people = list(persons)
    a_rows, b_rows, truth = [], [], set()
    for n, (g, f, born) in enumerate(people[:count]):
        a_rows.append([f"EE-CASE-{n:04d}", GIVEN[g][0], FAMILY[f][0], "F", born, "RU"])
    for n, (g, f, born) in enumerate(people[count // 2 :]):
        year, month, day = born.split("-")
        written = {0: f"{year}-{day}-{month}" if int(day) <= 12 else born, 1: year}
        b_rows.append(
            [f"FI-{n:04d}", GIVEN[g][1], FAMILY[f][1], "F", written.get(n % 7, born), "RUS"]
        )
        if count // 2 + n < count:
            truth.add((f"EE-CASE-{count // 2 + n:04d}", f"FI-{n:04d}"))
    rng.shuffle(b_rows)
    return (
        _register(tmp_path / "ee.csv", a_rows),
        _register(tmp_path / "fi.csv", b_rows),
        truth,
    )


def _keys(tmp_path: Path, side: str) -> tuple[Path, Path]:
    private, public = tmp_path / f"{side}.key", tmp_path / f"{side}.pub"
    call_command(
        "pprl", "keygen", "--out-private", private, "--out-public", public, stdout=io.StringIO()
    )
    return private, public


def _encode(tmp_path: Path, register: Path, side: str, secret: Path, key: Path) -> Path:
    out = tmp_path / f"{side}.enc"
    call_command(
        "pprl",
        "encode",
        register,
        "--secret-file",
        secret,
        "--sign-key",
        key,
        "--sender",
        f"{side} focal point",
        "--out",
        out,
        "--map-out",
        tmp_path / f"{side}.map.csv",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return out


def _map(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["local_id"]: row["record_id"] for row in csv.DictReader(handle)}


@pytest.fixture
def sides(tmp_path: Path) -> dict[str, Path]:
    call_command("pprl", "secret", "--out", tmp_path / "secret", stdout=io.StringIO())
    ee_key, ee_pub = _keys(tmp_path, "ee")
    fi_key, fi_pub = _keys(tmp_path, "fi")
    return {
        "secret": tmp_path / "secret",
        "ee_key": ee_key,
        "ee_pub": ee_pub,
        "fi_key": fi_key,
        "fi_pub": fi_pub,
    }


def test_two_focal_points_find_their_common_persons_without_exchanging_names(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    # given
    ee_register, fi_register, truth = _generated(tmp_path)
    ee = _encode(tmp_path, ee_register, "ee", sides["secret"], sides["ee_key"])
    fi = _encode(tmp_path, fi_register, "fi", sides["secret"], sides["fi_key"])
    err = io.StringIO()

    # when
    call_command(
        "pprl",
        "match",
        ee,
        fi,
        "--verify-a",
        sides["ee_pub"],
        "--verify-b",
        sides["fi_pub"],
        "--out",
        tmp_path / "pairs.csv",
        stdout=io.StringIO(),
        stderr=err,
    )

    # then
    ee_ids, fi_ids = _map(tmp_path / "ee.map.csv"), _map(tmp_path / "fi.map.csv")
    with (tmp_path / "pairs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = {(ee_ids[r["local_id_a"]], fi_ids[r["local_id_b"]]) for r in rows}
    right = len(found & truth)
    precision, recall = right / len(found), right / len(truth)
    assert 2 * precision * recall / (precision + recall) >= 0.9
    assert all(0.0 < float(r["score"]) <= 1.0 for r in rows)
    assert "verified" in err.getvalue() and "wrote" in err.getvalue()


def test_the_exchange_file_holds_no_record_id_no_name_and_no_secret(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    # given
    ee_register, _fi, _truth = _generated(tmp_path, count=10)

    # when
    ee = _encode(tmp_path, ee_register, "ee", sides["secret"], sides["ee_key"])

    # then
    content = ee.read_text(encoding="utf-8")
    record_ids = set(_map(tmp_path / "ee.map.csv").values())
    assert len(record_ids) == 10
    assert "EE-CASE" not in content and not any(r in content for r in record_ids)
    assert not any(cyr in content or lat in content for cyr, lat in GIVEN + FAMILY)
    assert sides["secret"].read_text().strip() not in content
    assert sides["ee_key"].read_text().strip() not in content
    exchanged_ids = {line.split('"')[1] for line in content.splitlines()[1:-1]}
    assert exchanged_ids == set(_map(tmp_path / "ee.map.csv"))


def test_files_made_with_different_secrets_are_refused(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    # given
    ee_register, fi_register, _truth = _generated(tmp_path, count=10)
    call_command("pprl", "secret", "--out", tmp_path / "other", stdout=io.StringIO())
    ee = _encode(tmp_path, ee_register, "ee", sides["secret"], sides["ee_key"])
    fi = _encode(tmp_path, fi_register, "fi", tmp_path / "other", sides["fi_key"])

    # when
    with pytest.raises(CommandError) as caught:
        call_command(
            "pprl",
            "match",
            ee,
            fi,
            "--verify-a",
            sides["ee_pub"],
            "--verify-b",
            sides["fi_pub"],
            "--out",
            tmp_path / "pairs.csv",
            stderr=io.StringIO(),
        )

    # then
    assert "pprl_secret_mismatch" in str(caught.value)
    assert not (tmp_path / "pairs.csv").exists()


def test_a_file_checked_with_the_wrong_public_key_is_refused(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    # given
    ee_register, fi_register, _truth = _generated(tmp_path, count=10)
    ee = _encode(tmp_path, ee_register, "ee", sides["secret"], sides["ee_key"])
    fi = _encode(tmp_path, fi_register, "fi", sides["secret"], sides["fi_key"])

    # when: B's file is checked with A's key
    with pytest.raises(CommandError) as caught:
        call_command(
            "pprl",
            "match",
            ee,
            fi,
            "--verify-a",
            sides["ee_pub"],
            "--verify-b",
            sides["ee_pub"],
            "--out",
            tmp_path / "pairs.csv",
            stderr=io.StringIO(),
        )

    # then
    assert "pprl_signature_invalid" in str(caught.value)
    assert not (tmp_path / "pairs.csv").exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (["r2", "Anna", "Kask", "W", "1990-01-01", "EE"], "sex"),
        (["r2", "Anna", "Kask", "F", "01.01.1990", "EE"], "date_of_birth"),
        (["r2", "Anna", "Kask", "F", "1990-02-30", "EE"], "date_of_birth"),
        (["r2", "Anna", "Kask", "F", "1990", "Estonia"], "nationality"),
        (["", "Anna", "Kask", "F", "1990", "EE"], "record_id"),
        (["r1", "Anna", "Kask", "F", "1990", "EE"], "record_id"),
        (["r2", "Anna", "Kask", "F", "1990"], "columns"),
    ],
)
def test_bad_input_names_the_row_and_field_and_writes_nothing(
    tmp_path: Path, sides: dict[str, Path], row: list[str], field: str
) -> None:
    # given
    register = _register(tmp_path / "in.csv", [["r1", "Юлия", "Смирнова", "F", "1990", "RU"], row])

    # when
    with pytest.raises(CommandError) as caught:
        _encode(tmp_path, register, "ee", sides["secret"], sides["ee_key"])

    # then
    message = str(caught.value)
    assert f"Row 3, field {field}" in message
    assert "Kask" not in message and "Anna" not in message
    assert not (tmp_path / "ee.enc").exists() and not (tmp_path / "ee.map.csv").exists()


def test_a_wrong_header_is_refused(tmp_path: Path, sides: dict[str, Path]) -> None:
    (tmp_path / "in.csv").write_text("id,name\n1,Anna\n")

    with pytest.raises(CommandError) as caught:
        _encode(tmp_path, tmp_path / "in.csv", "ee", sides["secret"], sides["ee_key"])

    assert "pprl_input_invalid" in str(caught.value)
    assert not (tmp_path / "ee.enc").exists()


def test_secret_and_signing_key_may_come_from_the_environment(
    tmp_path: Path, sides: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    register = _register(tmp_path / "in.csv", [["r1", "Юлия", "Смирнова", "F", "1990", "RU"]])
    monkeypatch.setenv("PPRL_SECRET", sides["secret"].read_text())
    monkeypatch.setenv("PPRL_SIGNING_KEY", sides["ee_key"].read_text())
    out = io.StringIO()

    # when
    call_command(
        "pprl",
        "encode",
        register,
        "--secret-env",
        "PPRL_SECRET",
        "--sign-key-env",
        "PPRL_SIGNING_KEY",
        "--sender",
        "EE",
        "--out",
        tmp_path / "ee.enc",
        "--map-out",
        tmp_path / "ee.map.csv",
        stdout=out,
        stderr=io.StringIO(),
    )

    # then
    assert "1 records encoded" in out.getvalue()
    assert sides["secret"].read_text().strip() not in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "pprl",
            "encode",
            register,
            "--secret-env",
            "PPRL_UNSET",
            "--sign-key-env",
            "PPRL_SIGNING_KEY",
            "--sender",
            "EE",
            "--out",
            tmp_path / "x.enc",
            "--map-out",
            tmp_path / "x.map.csv",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_key_files_are_never_replaced_and_are_owner_only(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    before = sides["ee_key"].read_text()

    with pytest.raises(CommandError):
        _keys(tmp_path, "ee")

    assert sides["ee_key"].read_text() == before
    assert sides["ee_key"].stat().st_mode & 0o077 == 0
    assert sides["secret"].stat().st_mode & 0o077 == 0


def test_an_output_that_cannot_be_written_is_refused_and_nothing_is_left(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    # given
    register = _register(tmp_path / "in.csv", [["r1", "Юлия", "Смирнова", "F", "1990", "RU"]])

    # when: the map's directory does not exist
    with pytest.raises(CommandError) as caught:
        call_command(
            "pprl",
            "encode",
            register,
            "--secret-file",
            sides["secret"],
            "--sign-key",
            sides["ee_key"],
            "--sender",
            "EE",
            "--out",
            tmp_path / "ee.enc",
            "--map-out",
            tmp_path / "missing" / "ee.map.csv",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    # then
    assert "Cannot write" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["in.csv", "secret", "ee.key", "ee.pub", "fi.key", "fi.pub"]
    )


def test_the_map_is_never_written_over_the_encodings_file(
    tmp_path: Path, sides: dict[str, Path]
) -> None:
    register = _register(tmp_path / "in.csv", [["r1", "Юлия", "Смирнова", "F", "1990", "RU"]])

    with pytest.raises(CommandError) as caught:
        call_command(
            "pprl",
            "encode",
            register,
            "--secret-file",
            sides["secret"],
            "--sign-key",
            sides["ee_key"],
            "--sender",
            "EE",
            "--out",
            tmp_path / "ee.enc",
            "--map-out",
            tmp_path / "ee.enc",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert "pprl_input_invalid" in str(caught.value)
    assert not (tmp_path / "ee.enc").exists()


@pytest.mark.parametrize("threshold", ["0", "1.5"])
def test_a_threshold_outside_0_to_1_is_refused(tmp_path: Path, threshold: str) -> None:
    with pytest.raises(CommandError):
        call_command(
            "pprl",
            "match",
            tmp_path / "a",
            tmp_path / "b",
            "--verify-a",
            tmp_path / "k",
            "--verify-b",
            tmp_path / "k",
            "--out",
            tmp_path / "pairs.csv",
            "--threshold",
            threshold,
        )


def test_a_register_that_is_not_utf8_is_refused(tmp_path: Path, sides: dict[str, Path]) -> None:
    (tmp_path / "in.csv").write_bytes(",".join(files.HEADER).encode() + b"\nr1,J\xfcri,Kask,,,\n")

    with pytest.raises(CommandError) as caught:
        _encode(tmp_path, tmp_path / "in.csv", "ee", sides["secret"], sides["ee_key"])

    assert "pprl_input_invalid" in str(caught.value)


def test_blank_lines_are_skipped_and_progress_is_reported(
    tmp_path: Path, sides: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr(files, "PROGRESS_EVERY", 2)
    rows = [["r1", "Юлия", "Смирнова", "F", "1990", "RU"], [], ["r2", "Anna", "Kask", "F", "", ""]]
    register = _register(tmp_path / "in.csv", rows)
    err = io.StringIO()

    # when
    call_command(
        "pprl",
        "encode",
        register,
        "--secret-file",
        sides["secret"],
        "--sign-key",
        sides["ee_key"],
        "--sender",
        "EE",
        "--out",
        tmp_path / "ee.enc",
        "--map-out",
        tmp_path / "ee.map.csv",
        stdout=io.StringIO(),
        stderr=err,
    )

    # then
    assert set(_map(tmp_path / "ee.map.csv").values()) == {"r1", "r2"}
    assert "encoded 2 of 2 records" in err.getvalue()
