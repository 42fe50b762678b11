"""``haven indicators`` and ``haven screen`` through Django's command runner."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.test import override_settings

from haven.identification import loader
from haven.identification.models import IndicatorSet
from haven.identification.selectors import indicator_sets as selectors
from haven.identification.services import indicator_sets as set_services
from haven.identification.tests.factories import (
    ADULT_CONSISTENT,
    load_shipped_sets,
    national_file,
    text_of,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def answers(tmp_path: Path, body: Any) -> str:
    path = tmp_path / "answers.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return str(path)


def screen(tmp_path: Path, set_key: str, body: Any, *extra: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        run("screen", "--set", set_key, "--answers", answers(tmp_path, body), *extra)
    )
    return result


# --- haven indicators ---------------------------------------------------------------------


def test_it_loads_the_shipped_file_and_then_finds_it_unchanged() -> None:
    # when
    first = run("indicators", "load", "--shipped")
    again = run("indicators", "load", "--shipped")

    # then
    assert first.splitlines() == [
        "adults_labour v1 loaded",
        "children_labour v1 loaded",
        "adults_sexual v1 loaded",
        "children_sexual v1 loaded",
    ]
    assert again.splitlines()[0] == "adults_labour v1 unchanged"
    assert IndicatorSet.objects.count() == 4


def test_it_loads_a_file_and_lists_every_problem_of_a_bad_one(tmp_path: Path) -> None:
    # given
    good = tmp_path / "lv.yaml"
    good.write_text(text_of(national_file()), encoding="utf-8")
    data = national_file()
    data["sets"]["adults_criminality"]["indicators"]["DR"][0]["strength"] = "X"
    data["sets"]["adults_criminality"]["indicators"]["EX"][0]["id"] = "DR-02"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text_of(data), encoding="utf-8")

    # when
    loaded = run("indicators", "load", str(good))
    with pytest.raises(CommandError) as refused:
        run("indicators", "load", str(bad))

    # then
    assert loaded == "adults_criminality v1 loaded\n"
    message = str(refused.value)
    assert "2 problems; nothing was loaded" in message
    assert (
        'sets.adults_criminality.indicators.DR[0].strength: must be S, M or W (got "X")' in message
    )
    assert "sets.adults_criminality.indicators.EX[0].id: duplicate id" in message


def test_it_says_when_a_file_only_updates_a_sets_translations(tmp_path: Path) -> None:
    # given
    set_services.indicator_sets_load(actor=None, text=text_of(national_file()), file_name="n.yaml")
    data = national_file()
    data["translations"] = {"sv": {"Deceived about the job": "Vilseledd om arbetet"}}
    translated = tmp_path / "sv.yaml"
    translated.write_text(text_of(data), encoding="utf-8")

    # when
    first = run("indicators", "load", str(translated))
    again = run("indicators", "load", str(translated))

    # then
    assert (first, again) == (
        "adults_criminality v1 translations updated\n",
        "adults_criminality v1 unchanged\n",
    )
    assert IndicatorSet.objects.count() == 1


def test_it_refuses_a_missing_file_or_both_a_file_and_shipped(tmp_path: Path) -> None:
    # when
    with pytest.raises(CommandError) as missing:
        run("indicators", "load", str(tmp_path / "nope.yaml"))
    with pytest.raises(CommandError) as both:
        run("indicators", "load", str(tmp_path / "nope.yaml"), "--shipped")
    with pytest.raises(CommandError):
        run("indicators", "load")

    # then
    assert "cannot read" in str(missing.value)
    assert "either a FILE or --shipped" in str(both.value)


def test_it_lists_the_latest_sets() -> None:
    # given
    empty = run("indicators", "list")
    load_shipped_sets()

    # when
    listed = run("indicators", "list")

    # then
    assert empty.startswith("no indicator sets loaded")
    assert listed.splitlines() == [
        "adults_labour v1\tadults\t67 indicators\tprovisional\t"
        "Trafficking of adults for labour exploitation",
        "adults_sexual v1\tadults\t64 indicators\tprovisional\t"
        "Trafficking of adults for sexual exploitation",
        "children_labour v1\tchildren\t65 indicators\tprovisional\t"
        "Trafficking of children for labour exploitation",
        "children_sexual v1\tchildren\t65 indicators\tprovisional\t"
        "Trafficking of children for sexual exploitation",
    ]


# --- haven screen -------------------------------------------------------------------------


def test_it_prints_the_result_in_the_documented_shape_on_a_fresh_database(
    tmp_path: Path,
) -> None:
    # given: nothing loaded; the shipped file is used
    body = {"observed": list(ADULT_CONSISTENT)}

    # when
    result = screen(tmp_path, "adults_labour", body)

    # then
    assert set(result) == {
        "set",
        "version",
        "provisional",
        "elements",
        "victim_rule",
        "outcome",
        "explanation",
    }
    assert (result["set"], result["version"], result["provisional"]) == ("adults_labour", 1, True)
    assert result["elements"] == {
        "DR": {"strong": 1, "medium": 1, "weak": 0, "positive": True},
        "CR": {"strong": 0, "medium": 0, "weak": 0, "positive": False},
        "RV": {"strong": 0, "medium": 0, "weak": 0, "positive": False},
        "EX": {"strong": 1, "medium": 1, "weak": 0, "positive": True},
        "CD": {"strong": 2, "medium": 0, "weak": 0, "positive": True},
        "VD": {"strong": 0, "medium": 0, "weak": 0, "positive": False},
    }
    assert result["outcome"] == "indicators_consistent_with_trafficking"
    assert all(isinstance(line, str) for line in result["explanation"])
    assert IndicatorSet.objects.count() == 0


def test_it_says_insufficient_never_not_a_victim(tmp_path: Path) -> None:
    # when
    result = screen(tmp_path, "adults_labour", {"observed": ["DR-01"]})

    # then
    assert result["outcome"] == "insufficient_indicators_recorded"
    assert "not a victim" not in result["outcome"]


def test_it_uses_the_database_version_once_loaded(tmp_path: Path) -> None:
    # given: version 2 grades DR-02 weak
    load_shipped_sets()
    text = loader.SHIPPED_FILE.read_text(encoding="utf-8")
    old = '{id: DR-02, label: "Deceived about conditions of work", strength: M}'
    set_services.indicator_sets_load(
        actor=None, text=text.replace(old, old.replace(": M}", ": W}"), 1), file_name="v2.yaml"
    )
    body = {"observed": ["DR-01", "DR-02"]}

    # when
    latest = screen(tmp_path, "adults_labour", body)
    first = screen(tmp_path, "adults_labour", body, "--version", "1")

    # then
    assert (latest["version"], latest["elements"]["DR"]["weak"]) == (2, 1)
    assert (first["version"], first["elements"]["DR"]["medium"]) == (1, 1)


def test_it_screens_a_child_with_the_configured_or_the_given_policy(tmp_path: Path) -> None:
    # given: exploitation positive and the act established, no positive recruitment element
    body = {"observed": ["EX-01", "EX-02", "DR-02"], "act_established": True}

    # when
    baseline = screen(tmp_path, "children_labour", body)
    strict = screen(tmp_path, "children_labour", body, "--child-policy", "ilo_strict_unverified")

    # then
    assert (baseline["victim_rule"], baseline["outcome"]) == (
        "legal_baseline",
        "indicators_consistent_with_trafficking",
    )
    assert (strict["victim_rule"], strict["outcome"]) == (
        "ilo_strict_unverified",
        "insufficient_indicators_recorded",
    )


@override_settings(HAVEN_CHILD_VICTIM_POLICY="kind_guess")
def test_it_refuses_an_unknown_child_policy(tmp_path: Path) -> None:
    # when
    with pytest.raises(CommandError) as refused:
        screen(tmp_path, "children_labour", {"observed": []})

    # then
    assert "unknown child policy 'kind_guess'" in str(refused.value)
    assert "legal_baseline, ilo_strict_unverified" in str(refused.value)


def test_it_names_unknown_indicator_ids(tmp_path: Path) -> None:
    # when
    with pytest.raises(CommandError) as refused:
        screen(tmp_path, "children_labour", {"observed": ["EX-06", "DR-01", "QQ-1"]})

    # then
    assert str(refused.value) == "unknown indicator ids for children_labour v1: EX-06, QQ-1"


def test_it_lists_the_known_sets_for_an_unknown_one(tmp_path: Path) -> None:
    # given
    set_services.indicator_sets_load(actor=None, text=text_of(national_file()), file_name="n.yaml")

    # when
    with pytest.raises(CommandError) as refused:
        screen(tmp_path, "adults_begging", {"observed": []})

    # then
    assert str(refused.value) == (
        "unknown indicator set 'adults_begging'; known sets: adults_criminality, "
        "adults_labour, adults_sexual, children_labour, children_sexual"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('{"observed": ["DR-01",]}', "is not valid JSON at line 1, column 23: Expecting value"),
        ('["DR-01"]', 'expected an object such as {"observed": ["DR-01"]}'),
        ('{"observed": "DR-01"}', '"observed" must be a list of indicator ids'),
        ('{"observed": [], "act_established": "yes"}', '"act_established" must be true'),
    ],
)
def test_it_explains_a_malformed_answers_file(tmp_path: Path, body: str, problem: str) -> None:
    # when
    with pytest.raises(CommandError) as refused:
        screen(tmp_path, "adults_labour", body)

    # then
    assert problem in str(refused.value)


def test_it_refuses_a_set_without_indicators_and_a_version_not_loaded(tmp_path: Path) -> None:
    # given
    national = national_file()
    national["sets"]["adults_criminality"]["indicators"] = {"DR": []}
    national["sets"]["adults_criminality"].pop("expected_counts", None)
    set_services.indicator_sets_load(actor=None, text=text_of(national), file_name="n.yaml")

    # when
    with pytest.raises(CommandError) as empty:
        screen(tmp_path, "adults_criminality", {"observed": []})
    with pytest.raises(CommandError) as version:
        screen(tmp_path, "adults_labour", {"observed": []}, "--version", "3")
    load_shipped_sets()
    with pytest.raises(CommandError) as loaded_version:
        screen(tmp_path, "adults_labour", {"observed": []}, "--version", "3")

    # then
    assert str(empty.value) == "the set adults_criminality has no indicators yet"
    assert "has only version 1" in str(version.value)
    assert str(loaded_version.value) == "the set adults_labour has no version 3 in the database"


def test_it_exits_non_zero_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    path = answers(tmp_path, {"observed": ["NOPE-1"]})

    # when
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(
            ["haven", "screen", "--set", "adults_labour", "--answers", path]
        ).execute()

    # then
    assert exited.value.code == 1
    assert "unknown indicator ids for adults_labour v1: NOPE-1" in capsys.readouterr().err


def test_it_uses_the_shipped_file_when_the_database_has_no_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    def no_tables(**kwargs: object) -> None:
        raise DatabaseError("no such table: identification_indicatorset")

    monkeypatch.setattr(selectors, "indicator_set_get", no_tables)

    # when
    result = screen(tmp_path, "adults_labour", {"observed": ["DR-01"]})

    # then
    assert (result["set"], result["version"]) == ("adults_labour", 1)


def test_it_refuses_an_answers_file_that_is_not_utf8(tmp_path: Path) -> None:
    # given
    path = tmp_path / "answers.json"
    path.write_bytes('{"observed": ["ÄÖ"]}'.encode("latin-1"))

    # when
    with pytest.raises(CommandError) as refused:
        run("screen", "--set", "adults_labour", "--answers", str(path))

    # then
    assert str(refused.value).endswith("is not valid JSON: not UTF-8 text")


def test_it_refuses_a_missing_answers_file(tmp_path: Path) -> None:
    # when
    with pytest.raises(CommandError) as refused:
        run("screen", "--set", "adults_labour", "--answers", str(tmp_path / "none.json"))

    # then
    assert "cannot read" in str(refused.value)
    assert "No such file or directory" in str(refused.value)


# --- the sexual-exploitation sets through haven screen -------------------------

# A woman exploited in prostitution: a deceptive job offer, documents confiscated and
# clients forced on her, no choice of acts, her earnings taken and too many clients.
SEXUAL_ADULT = ["DR-01", "DR-08", "CD-01", "CD-06", "EXS-01", "EXS-02", "EXS-04"]


def test_r06_haven_screen_evaluates_the_adults_sexual_set_like_the_labour_sets(
    tmp_path: Path,
) -> None:
    # when
    result = screen(tmp_path, "adults_sexual", {"observed": SEXUAL_ADULT})

    # then
    assert (result["set"], result["version"], result["provisional"]) == ("adults_sexual", 1, True)
    assert set(result) == {
        "set",
        "version",
        "provisional",
        "elements",
        "victim_rule",
        "outcome",
        "explanation",
    }
    assert result["elements"]["DR"]["positive"] is True
    assert result["elements"]["EX"] == {"strong": 0, "medium": 3, "weak": 0, "positive": True}
    assert result["elements"]["CD"] == {"strong": 2, "medium": 0, "weak": 0, "positive": True}
    assert result["outcome"] == "indicators_consistent_with_trafficking"
    assert IndicatorSet.objects.count() == 0


def test_r08_haven_screen_evaluates_the_children_sexual_set_with_the_act_established(
    tmp_path: Path,
) -> None:
    # given: a girl exploited in prostitution; recruited (the act), no means needed
    body = {"observed": ["EXS-06", "EXS-01", "CD-06"], "act_established": True}

    # when
    result = screen(tmp_path, "children_sexual", body)
    too_little = screen(tmp_path, "children_sexual", {"observed": ["EXS-06"]})

    # then
    assert (result["set"], result["provisional"]) == ("children_sexual", True)
    assert result["elements"]["EX"] == {"strong": 1, "medium": 1, "weak": 0, "positive": True}
    assert result["outcome"] == "indicators_consistent_with_trafficking"
    assert too_little["outcome"] == "insufficient_indicators_recorded"


def test_r05_haven_screen_refuses_a_labour_indicator_the_sexual_set_does_not_hold(
    tmp_path: Path,
) -> None:
    # when
    with pytest.raises(CommandError) as refused:
        screen(tmp_path, "adults_sexual", {"observed": ["EX-01", "EXS-01"]})

    # then
    assert str(refused.value) == "unknown indicator ids for adults_sexual v1: EX-01"
