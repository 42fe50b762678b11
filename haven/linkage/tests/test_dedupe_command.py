"""``haven linkage dedupe INPUT.csv --out PAIRS.csv``: the console contract (issue 14).

No test here is marked for database access: pytest-django refuses any query, so each
test also shows that the command works without a database."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import linkage_data

HEADER = "record_id,given_name,family_name,sex,date_of_birth,nationality"
ROOT = Path(__file__).resolve().parents[3]


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


def _pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as source:
        return list(csv.DictReader(source))


def test_it_writes_the_header_and_one_line_per_predicted_match(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "in.csv",
        "1,Юлия,Иванова,F,1990-05-04,RUS",
        "2,Yuliya,Ivanova,F,1990-04-05,RU",
        "3,Piotr,Nowak,M,1971-02-03,PL",
        "4,Sasha,Petrov,M,1980-03-04,",
        "5,Aleksandr,Petrov,M,1980-03-04,RUS",
    )
    out = tmp_path / "pairs.csv"
    call_command("linkage", "dedupe", str(source), "--out", str(out), "--workers", "1")
    assert out.read_text(encoding="utf-8").splitlines()[0] == "record_id_a,record_id_b,score"
    pairs = _pairs(out)
    assert {(p["record_id_a"], p["record_id_b"]) for p in pairs} == {("1", "2"), ("4", "5")}
    assert all(0.5 <= float(p["score"]) <= 1.0 for p in pairs)


def test_the_threshold_decides_which_pairs_are_written(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", "1,Anna,Ivanova,F,1990,", "2,Anna,Ivanova,F,1991-03-04,")
    low, high = tmp_path / "low.csv", tmp_path / "high.csv"
    call_command("linkage", "dedupe", str(source), "--out", str(low), "--threshold", "0.01")
    call_command("linkage", "dedupe", str(source), "--out", str(high), "--threshold", "0.9999")
    assert len(_pairs(low)) == 1
    assert _pairs(high) == []


def test_threshold_auto_lets_the_model_choose_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: one person twice, once in Cyrillic, and an unrelated record
    source = _write(
        tmp_path / "in.csv",
        "1,Boris,Sokolov,M,1966-06-16,",
        "2,Борис,Соколов,M,1966-06-16,",
        "3,Zoe,Smith,F,1970-01-02,",
    )
    out = tmp_path / "auto.csv"
    call_command("linkage", "dedupe", str(source), "--out", str(out), "--threshold", "auto")
    assert {(p["record_id_a"], p["record_id_b"]) for p in _pairs(out)} == {("1", "2")}
    assert "threshold" in capsys.readouterr().err


def test_it_prints_progress_to_stderr_and_nothing_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "in.csv", "1,Anna,Ivanova,F,1990,")
    call_command("linkage", "dedupe", str(source), "--out", str(tmp_path / "o.csv"))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "records" in captured.err and "pairs written" in captured.err


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("2,Anna,Ivanova,F,1990-13-45,", "date_of_birth"),
        ("2,Anna,Ivanova,female,1990,", "sex"),
        ("2,Anna,Ivanova,F,1990,Narnia", "nationality"),
        ("1,Anna,Ivanova,F,1990,", "record_id"),
        ("2,Anna,Ivanova,F", "row"),
    ],
)
def test_a_bad_row_names_its_row_and_field_and_nothing_is_written(
    tmp_path: Path, line: str, field: str
) -> None:
    source = _write(tmp_path / "in.csv", "1,Olga,Petrova,F,1985,UA", line)
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError) as refused:
        call_command("linkage", "dedupe", str(source), "--out", str(out))
    assert f"row 3, field {field}" in str(refused.value)
    assert "Anna" not in str(refused.value)  # the value is never repeated
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,name\n1,Anna\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 1, field header"):
        call_command("linkage", "dedupe", str(source), "--out", str(tmp_path / "o.csv"))


def test_a_missing_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not found"):
        call_command(
            "linkage", "dedupe", str(tmp_path / "no.csv"), "--out", str(tmp_path / "o.csv")
        )


def test_it_runs_as_a_console_command_with_no_database_reachable(tmp_path: Path) -> None:
    rows, _truth = linkage_data.register(40, seed=3)
    source = tmp_path / "in.csv"
    linkage_data.write_csv(source, rows)
    out = tmp_path / "pairs.csv"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
    }
    done = subprocess.run(  # noqa: S603 (this interpreter, Haven's own console entry point)
        [sys.executable, "-c", "from haven.cli import main; main()", "linkage", "dedupe",
         str(source), "--out", str(out), "--workers", "2"],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "pairs written" in done.stderr
    pairs = _pairs(out)
    assert pairs and all(0.0 <= float(p["score"]) <= 1.0 for p in pairs)
