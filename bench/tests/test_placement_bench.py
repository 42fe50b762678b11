"""`make bench` (group placement): CP-SAT against greedy on a small generated incident."""

from __future__ import annotations

import json
import random

import pytest

from bench import placement


def test_it_reports_cpsat_and_greedy_side_by_side_on_one_incident() -> None:
    # when
    cpsat, greedy = placement.compare(40, 12, seed=3, time_limit=5.0, workers=1)

    # then
    assert (cpsat["bench"], greedy["bench"]) == ("placement_cpsat", "placement_greedy")
    assert cpsat["people"] == greedy["people"] == 40
    assert cpsat["places"] == greedy["places"] == 12
    assert cpsat["beds"] == greedy["beds"] > 0
    assert cpsat["placed"] >= greedy["placed"]
    if cpsat["placed"] == greedy["placed"]:
        assert cpsat["soft_cost"] <= greedy["soft_cost"]
    assert cpsat["optimal"] is True and greedy["optimal"] is False
    assert {"seconds", "soft_cost"} <= set(cpsat)


def test_the_generated_incident_has_families_children_and_adults() -> None:
    # when
    people = placement.people(60, random.Random(1))

    # then
    assert len(people) == 60
    assert any(p.family for p in people)
    assert any(p.family is None and p.is_child for p in people)
    assert any(not p.is_child for p in people)


def test_main_prints_one_json_line_per_method_and_incident(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # when
    placement.main(["--sizes", "10:4,12:5", "--time-limit", "2", "--workers", "1"])

    # then
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["bench"], line["people"]) for line in lines] == [
        ("placement_cpsat", 10),
        ("placement_greedy", 10),
        ("placement_cpsat", 12),
        ("placement_greedy", 12),
    ]
