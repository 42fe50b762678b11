"""The national decision pathway loader (R-15, R-17): legal floors and shape, as data.

Pure tests: a pathway file is text; no database.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from pytest_django import Settings

from haven.identification import pathways

BASE = """
schema_version: 1
default:
  confirmed: false
  reflection_period: {min_days: 30, reminder_days_before: 5}
  decision_types:
    reasonable_grounds:
      label: Reasonable grounds
      deciding_org_types: [police, social_services]
      target_working_days: 5
      after: null
      standard_of_proof: Reasonable grounds to believe
      positive_status: presumed
      negative_status: not_identified
      starts_reflection_period: true
      reason_templates: {positive: "Because: ", negative: "Not, because: "}
    conclusive_grounds:
      deciding_org_types: [police]
      target_days: 45
      after: reasonable_grounds
      min_gap_days: 30
      positive_status: identified
      negative_status: not_identified
"""


CONCLUSIVE = "default__decision_types__conclusive_grounds"


def _data(**changes: object) -> dict[str, object]:
    """The base file as data, with dotted-path changes (a value of None deletes the key)."""
    data: dict[str, object] = yaml.safe_load(BASE)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})  # type: ignore[assignment]  # nested YAML mappings
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def _parse(data: dict[str, object]) -> dict[str, pathways.Pathway]:
    return pathways.parse_pathways(yaml.safe_dump(data))


def _refusal(data: dict[str, object]) -> str:
    with pytest.raises(ImproperlyConfigured) as caught:
        _parse(data)
    return str(caught.value)


# --- the reflection period floor ------------------------------------------------


def test_r15_refuses_a_reflection_period_configured_below_30_days() -> None:
    # when
    message = _refusal(_data(default__reflection_period__min_days=29))
    # then
    assert "default.reflection_period.min_days" in message
    assert "29" in message


def test_r15_accepts_a_reflection_period_of_exactly_30_days() -> None:
    # when
    loaded = _parse(_data(default__reflection_period__min_days=30))
    # then
    assert loaded["default"].reflection_min_days == 30


def test_r15_accepts_a_longer_national_period_and_refuses_a_shorter_one() -> None:
    # given
    longer = _data(countries={"fi": {"confirmed": True, "reflection_period": {"min_days": 90}}})
    shorter = _data(countries={"EE": {"reflection_period": {"min_days": 20}}})
    # when
    loaded = _parse(longer)
    message = _refusal(shorter)
    # then
    assert loaded["FI"].reflection_min_days == 90
    assert loaded["FI"].confirmed is True
    assert loaded["FI"].reflection_reminder_days == 5  # merged from the default
    assert loaded["default"].reflection_min_days == 30
    assert "countries.EE.reflection_period.min_days" in message


# --- the order of decisions ----------------------------------------------------


def test_it_refuses_a_pathway_without_a_first_decision() -> None:
    # given
    data = _data(default__decision_types__reasonable_grounds__after="conclusive_grounds")
    # when
    message = _refusal(data)
    # then
    assert "exactly one decision type must have after: null" in message


def test_it_refuses_a_pathway_with_two_first_decisions() -> None:
    # given
    data = _data(
        default__decision_types__conclusive_grounds__after=None,
        default__decision_types__conclusive_grounds__min_gap_days=None,
    )
    # when
    message = _refusal(data)
    # then
    assert "exactly one decision type must have after: null" in message


def test_it_refuses_an_after_that_names_no_decision_type() -> None:
    # when
    message = _refusal(_data(default__decision_types__conclusive_grounds__after="first_look"))
    # then
    assert "default.decision_types.conclusive_grounds.after" in message
    assert "names no decision type" in message


def test_it_refuses_decisions_that_follow_each_other_in_a_loop() -> None:
    # given: a third type after the second, and the second after the third
    data = _data(
        default__decision_types__review={
            "deciding_org_types": ["police"],
            "target_days": 10,
            "after": "conclusive_grounds",
            "positive_status": "identified",
            "negative_status": "not_identified",
        },
        default__decision_types__conclusive_grounds__after="review",
    )
    # when
    message = _refusal(data)
    # then
    assert "in a loop" in message


def test_it_refuses_a_minimum_gap_on_the_first_decision() -> None:
    # when
    message = _refusal(_data(default__decision_types__reasonable_grounds__min_gap_days=3))
    # then
    assert "reasonable_grounds.min_gap_days" in message


@pytest.mark.parametrize("status_key", ["positive_status", "negative_status"])
@pytest.mark.parametrize("bad", ["victim", "potential", "withdrawn", None])
def test_it_refuses_a_status_outside_the_status_model(status_key: str, bad: str | None) -> None:
    # when
    message = _refusal(_data(**{f"default__decision_types__conclusive_grounds__{status_key}": bad}))
    # then
    assert f"conclusive_grounds.{status_key}" in message


def test_it_refuses_a_target_given_twice() -> None:
    # when
    message = _refusal(_data(default__decision_types__conclusive_grounds__target_working_days=20))
    # then
    assert "exactly one of target_working_days or target_days" in message


def test_it_refuses_a_decision_type_without_a_target() -> None:
    # when
    message = _refusal(_data(default__decision_types__conclusive_grounds__target_days=None))
    # then
    assert "exactly one of target_working_days or target_days" in message


@pytest.mark.parametrize("bad", [-1, "five", True, 2.5])
def test_it_refuses_a_number_of_days_that_is_not_a_whole_number(bad: object) -> None:
    # when
    message = _refusal(_data(default__decision_types__conclusive_grounds__target_days=bad))
    # then
    assert "conclusive_grounds.target_days" in message


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"default__decision_types__conclusive_grounds__deciding_org_types": []}, "deciding_org"),
        ({"default__decision_types__conclusive_grounds__deciding_org_types": ["court"]}, "court"),
        ({"default__decision_types__conclusive_grounds__min_gap": 30}, "min_gap"),
        ({"default__reflection_period__days": 30}, "days"),
        (
            {"default__decision_types__conclusive_grounds__reason_templates": {"maybe": "x"}},
            "maybe",
        ),
        ({"default__decision_types__conclusive_grounds__starts_reflection_period": "yes"}, "true"),
        ({"default__decision_types__conclusive_grounds__after": 3}, "after"),
        ({"default__decision_types": ["reasonable_grounds"]}, "decision_types"),
        ({"countries": {"FIN": {}}}, "two-letter"),
        ({"default__screening_review_day": 7}, "screening_review_day"),
    ],
)
def test_it_names_the_place_of_a_malformed_value(change: dict[str, object], where: str) -> None:
    # when
    message = _refusal(_data(**change))
    # then
    assert where in message


def test_it_refuses_a_file_that_is_not_a_pathway_file() -> None:
    # then
    for text in ("schema_version: 2\ndefault: {}\n", "- a list\n", "default: [unclosed\n"):
        with pytest.raises(ImproperlyConfigured):
            pathways.parse_pathways(text)
    with pytest.raises(ImproperlyConfigured, match="default: missing"):
        pathways.parse_pathways("schema_version: 1\n")


# --- per-country merge -----------------------------------------------------------------


def test_it_merges_a_country_override_key_by_key() -> None:
    # given: Finland counts its first decision in calendar days and lets social services decide
    data = _data(
        countries={
            "FI": {
                "reminder_days_before": 3,
                "decision_types": {
                    "reasonable_grounds": {"target_working_days": None, "target_days": 10},
                },
            }
        }
    )
    # when
    loaded = _parse(data)
    # then
    finland = loaded["FI"].decision_types["reasonable_grounds"]
    assert (finland.target_working_days, finland.target_days) == (None, 10)
    assert finland.standard_of_proof == "Reasonable grounds to believe"  # from the default
    assert finland.deciding_org_types == {"police", "social_services"}
    assert loaded["FI"].reminder_days_before == 3
    assert loaded["default"].decision_types["reasonable_grounds"].target_working_days == 5
    assert loaded["default"].reminder_days_before == 1


def test_pathway_for_gives_the_default_to_a_country_without_its_own(
    settings: Settings, tmp_path: Path
) -> None:
    # given
    path = tmp_path / "pathways.yaml"
    path.write_text(yaml.safe_dump(_data(countries={"LT": {"screening_review_days": 3}})))
    settings.HAVEN_PATHWAYS_FILE = str(path)
    # when / then
    assert pathways.pathway_for("lt").screening_review_days == 3
    assert pathways.pathway_for("LV").country == "default"


def test_the_shipped_file_loads_and_says_it_is_not_confirmed() -> None:
    # given
    shipped = Path(pathways.__file__).parent / "data" / "pathways.yaml"
    # when
    loaded = pathways.parse_pathways(shipped.read_text(encoding="utf-8"))
    # then
    assert {"default", "FI", "EE"} <= set(loaded)
    assert all(not p.confirmed for p in loaded.values())  # placeholders until checked
    first = loaded["default"].first_decision()
    assert first.key == "reasonable_grounds"
    assert first.starts_reflection_period
    assert [d.key for d in loaded["default"].following(first.key)] == ["conclusive_grounds"]


# --- date arithmetic -------------------------------------------------------------------


def test_a_decision_is_due_at_its_target_but_never_before_its_minimum_gap() -> None:
    # given
    loaded = _parse(_data(default__decision_types__conclusive_grounds__target_days=20))
    conclusive = loaded["default"].decision_types["conclusive_grounds"]
    first = loaded["default"].decision_types["reasonable_grounds"]
    friday = date(2026, 11, 27)
    # then
    assert conclusive.target_on(friday) == date(2026, 12, 17)
    assert conclusive.earliest_on(friday) == date(2026, 12, 27)
    assert conclusive.due_on(friday) == date(2026, 12, 27)  # the gap (30) beats the target (20)
    assert first.due_on(friday) == date(2026, 12, 4)  # five working days
    assert conclusive.status_for("positive") == "identified"
    assert conclusive.status_for("negative") == "not_identified"
