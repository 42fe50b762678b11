"""``haven placement solve --input FILE.json`` (issue 16): the console contract, end to
end, and every way input can be off the contract (the error names the field's path).

No test here is marked for database access: pytest-django refuses any query, so each
test also shows that the command works without a database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.shelters import contract, rules
from haven.shelters.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[3]

EXAMPLE: dict[str, Any] = {
    "places": [
        {
            "id": "p1",
            "capacity": 4,
            "accepts": ["women", "men", "transgender", "children", "families"],
            "security_level": 2,
            "languages": ["fi", "ru"],
            "lat": 60.17,
            "lon": 24.94,
        },
        {"id": "p2", "capacity": 1, "accepts": ["children"], "security_level": 3},
    ],
    "people": [
        {
            "id": "a1",
            "family": "f1",
            "sex": "female",
            "gender_identity": "woman",
            "age": 34,
            "risk_level": 1,
            "languages": ["ru"],
            "danger_lat": 60.45,
            "danger_lon": 22.27,
        },
        {"id": "a2", "family": "f1", "sex": "male", "age": 6, "risk_level": 1},
        {"id": "c1", "family": None, "sex": "male", "age": 16, "risk_level": 3},
        {"id": "c2", "family": None, "sex": "female", "age": 15, "risk_level": 2},
        {"id": "x1", "family": None, "sex": "male", "gender_identity": "man", "risk_level": 3},
    ],
}


def _run(tmp_path: Path, data: object, *extra: str) -> dict[str, Any]:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("placement", "solve", "--input", str(source), *extra, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_it_prints_the_assignments_the_unplaced_and_the_figures_as_json(tmp_path: Path) -> None:
    # when
    result = _run(tmp_path, EXAMPLE, "--time-limit", "5")

    # then: the family together in p1, one child in the children's place; the second
    # child may not join the family's adults nor the first child (one bed); the man's
    # risk is above p1's security level, and p2 takes in children only
    assert list(result) == ["assignments", "unplaced", "placed", "soft_cost", "optimal", "seconds"]
    placed = {row["person"]: row["place"] for row in result["assignments"]}
    assert placed == {"a1": "p1", "a2": "p1", "c1": "p2"}
    assert [row["person"] for row in result["unplaced"]] == ["c2", "x1"]
    assert result["unplaced"][0] == {"person": "c2", "reason": "every suitable place is full"}
    assert result["unplaced"][1]["reason"] == (
        "no suitable place: does not take in people of this gender (1 place); "
        "its security level is below the person's risk level (1 place)"
    )
    assert result["placed"] == 3
    places, people = contract.parse(EXAMPLE)
    mother, son, boy = people[:3]
    assert result["soft_cost"] == (
        rules.cost(mother, places[0]).total
        + rules.cost(son, places[0]).total
        + rules.cost(boy, places[1]).total
    )
    assert result["soft_cost"] > 0
    assert result["optimal"] is True
    assert isinstance(result["seconds"], float)


def test_the_fields_left_out_take_their_documented_defaults() -> None:
    # when
    places, people = contract.parse(
        {
            "places": [{"id": "p", "capacity": 0, "accepts": [], "security_level": 1}],
            "people": [{"id": "a", "risk_level": 2, "unknown_key": "ignored"}],
        }
    )

    # then
    assert places == [rules.Place(id="p", capacity=0, accepts=frozenset(), security_level=1)]
    assert people == [rules.Person(id="a", risk_level=2)]


def test_every_field_the_contract_knows_is_read() -> None:
    # when
    places, people = contract.parse(
        {
            "places": [
                {
                    "id": "p",
                    "capacity": 3,
                    "accepts": ["children"],
                    "security_level": 3,
                    "languages": ["et"],
                    "lat": None,
                    "lon": None,
                    "wheelchair_access": True,
                    "disability_access": True,
                    "hosts_adults": False,
                    "hosts_unaccompanied_children": True,
                }
            ],
            "people": [
                {
                    "id": "a",
                    "family": None,
                    "sex": "intersex",
                    "gender_identity": "non_binary",
                    "age": None,
                    "presumed_child": True,
                    "risk_level": 3,
                    "languages": ["et", "ru"],
                    "danger_lat": 59.4,
                    "danger_lon": 24,
                    "services_lat": 58.4,
                    "services_lon": 26.7,
                    "needs_wheelchair_access": True,
                    "needs_disability_access": False,
                }
            ],
        }
    )

    # then
    assert places == [
        rules.Place(
            id="p",
            capacity=3,
            accepts=frozenset({"children"}),
            security_level=3,
            languages=frozenset({"et"}),
            wheelchair_access=True,
            disability_access=True,
            hosts_unaccompanied_children=True,
        )
    ]
    assert people == [
        rules.Person(
            id="a",
            sex="intersex",
            gender_identity="non_binary",
            presumed_child=True,
            risk_level=3,
            languages=frozenset({"et", "ru"}),
            danger_lat=59.4,
            danger_lon=24.0,
            services_lat=58.4,
            services_lon=26.7,
            needs_wheelchair_access=True,
        )
    ]


def _with(section: str, index: int, **change: object) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(EXAMPLE))
    data[section][index].update(change)
    data[section][index] = {k: v for k, v in data[section][index].items() if v != "DROP"}
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "$: must be an object with places and people"),
        ({"people": []}, "places: is required"),
        ({"places": {}, "people": []}, "places: must be a list"),
        ({"places": [3], "people": []}, "places[0]: must be an object"),
        (_with("places", 0, id="DROP"), "places[0].id: is required"),
        (_with("places", 1, id=" "), "places[1].id: must be a non-empty string"),
        (_with("places", 1, id="p1"), "places[1].id: repeats the id of places[0]"),
        (_with("places", 0, capacity=-1), "places[0].capacity: must be 0 or more"),
        (_with("places", 0, capacity=2.5), "places[0].capacity: must be a whole number"),
        (_with("places", 0, capacity=True), "places[0].capacity: must be a whole number"),
        (_with("places", 0, accepts="women"), "places[0].accepts: must be a list of strings"),
        (_with("places", 0, accepts=["women", "cats"]), "places[0].accepts[1]: must be one of"),
        (_with("places", 0, languages=["fi", ""]), "places[0].languages[1]: must be a non-empty"),
        (_with("places", 0, security_level=4), "places[0].security_level: must be 1, 2 or 3"),
        (_with("places", 0, security_level=True), "places[0].security_level: must be 1, 2 or 3"),
        (_with("places", 0, lat=91), "places[0].lat: must be between -90 and 90"),
        (_with("places", 0, lon="24.9"), "places[0].lon: must be a number or null"),
        (_with("places", 0, wheelchair_access=1), "places[0].wheelchair_access: must be true or"),
        (_with("people", 3, risk_level=0), "people[3].risk_level: must be 1, 2 or 3"),
        (_with("people", 3, risk_level="DROP"), "people[3].risk_level: is required"),
        (_with("people", 2, id="a1"), "people[2].id: repeats the id of people[0]"),
        (_with("people", 0, sex="f"), "people[0].sex: must be one of female, male"),
        (_with("people", 0, gender_identity="w"), "people[0].gender_identity: must be one of"),
        (_with("people", 0, age=-1), "people[0].age: must be from 0 to 130"),
        (_with("people", 0, family=7), "people[0].family: must be a non-empty string"),
        (_with("people", 0, danger_lon=200.0), "people[0].danger_lon: must be between -180"),
        (_with("people", 0, presumed_child="yes"), "people[0].presumed_child: must be true"),
    ],
)
def test_input_off_the_contract_is_refused_naming_the_path_of_the_field(
    tmp_path: Path, data: object, message: str
) -> None:
    # when
    with pytest.raises(contract.ContractError) as error:
        contract.parse(data)
    with pytest.raises(CommandError, match=message.replace("$", r"\$").replace("[", r"\[")):
        _run(tmp_path, data)

    # then
    assert error.value.code == ErrorCode.CONTRACT_INVALID
    assert error.value.field == message.split(":")[0]


def test_an_error_never_repeats_the_value_it_found(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        _run(tmp_path, _with("people", 0, sex="Maria Ivanova"))
    assert "Maria" not in str(error.value)


def test_a_missing_or_unreadable_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="input file not found"):
        call_command("placement", "solve", "--input", str(tmp_path / "none.json"))
    (tmp_path / "latin1.json").write_bytes(b'{"places": "\xe4"}')
    with pytest.raises(CommandError, match="cannot be read as UTF-8"):
        call_command("placement", "solve", "--input", str(tmp_path / "latin1.json"))
    (tmp_path / "bad.json").write_text('{"places": [', encoding="utf-8")
    with pytest.raises(CommandError, match=r"\$: not valid JSON \(line 1, column 13\)"):
        call_command("placement", "solve", "--input", str(tmp_path / "bad.json"))


def test_it_reads_the_input_from_stdin_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(EXAMPLE)))
    out = io.StringIO()

    # when
    call_command("placement", "solve", "--input", "-", stdout=out)

    # then
    assert json.loads(out.getvalue())["placed"] == 3


def test_it_runs_as_a_console_command_with_no_database_and_exits_by_the_contract(
    tmp_path: Path,
) -> None:
    # given
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    bad.write_text(json.dumps(_with("people", 3, risk_level=9)), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
    }

    # when
    runs = [
        subprocess.run(  # noqa: S603 (this interpreter, Haven's own console entry point)
            [
                sys.executable,
                "-c",
                "from haven.cli import main; main()",
                "placement",
                "solve",
                "--input",
                str(source),
                "--time-limit",
                "5",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        for source in (good, bad)
    ]

    # then
    assert runs[0].returncode == 0, runs[0].stderr
    assert json.loads(runs[0].stdout)["placed"] == 3
    assert runs[1].returncode != 0
    assert runs[1].stdout == ""
    assert "people[3].risk_level: must be 1, 2 or 3" in runs[1].stderr
