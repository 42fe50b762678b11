"""The indicator file loader, without the database: the shipped file, and every kind of
problem reported with its path, all at once (R-05: indicator sets are data)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from haven.identification import engine, loader
from haven.identification.errors import IndicatorFileError
from haven.identification.tests import factories

BASE = factories.NATIONAL_FILE
text_of = factories.text_of


def changed(**sets: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["sets"]["adults_criminality"].update(sets)
    return data


def problems_of(text: str) -> list[str]:
    with pytest.raises(IndicatorFileError) as raised:
        loader.parse_text(text)
    assert raised.value.code == "indicator_file_invalid"
    return raised.value.problems


# --- the shipped file ---------------------------------------------------------------------


def test_it_loads_the_four_shipped_sets_as_provisional() -> None:
    # when
    sets = {s.key: s for s in loader.load_shipped()}

    # then
    assert list(sets) == ["adults_labour", "children_labour", "adults_sexual", "children_sexual"]
    assert [len(s.definition.indicators) for s in sets.values()] == [67, 65, 64, 65]
    assert all(s.definition.provisional for s in sets.values())
    assert sets["adults_labour"].definition.recruitment_elements == ("DR", "CR", "RV")
    assert sets["children_labour"].definition.audience == "children"
    assert sets["adults_sexual"].exploitation == "sexual"
    assert sets["adults_labour"].indicator_notes["CR-01"][0] is True


def test_it_marks_a_set_without_indicators_as_empty() -> None:
    # given
    data = factories.national_file()
    data["sets"]["adults_criminality"]["indicators"] = {"DR": [], "EX": []}
    data["sets"]["adults_criminality"].pop("expected_counts", None)

    # when
    sets = {s.key: s for s in loader.parse_text(text_of(data))}

    # then
    assert sets["adults_criminality"].is_empty
    assert all(not s.is_empty for s in loader.load_shipped())


def test_it_gives_the_engine_the_victim_rule_for_the_audience() -> None:
    # when
    sets = {d.key: d for d in loader.load(loader.SHIPPED_FILE)}

    # then
    assert set(sets["adults_labour"].victim_rule) == {"all_of"}
    assert set(sets["children_labour"].victim_rule["policies"]) == {
        "legal_baseline",
        "ilo_strict_unverified",
    }
    assert sets["adults_labour"].source["year"] == 2009


# --- a national file ----------------------------------------------------------------------


def test_it_loads_a_national_file_and_derives_audience_and_exploitation_from_the_key() -> None:
    # when
    [loaded] = loader.parse_text(text_of(BASE))

    # then
    assert loaded.key == "adults_criminality"
    assert loaded.definition.audience == "adults"
    assert loaded.exploitation == "other"
    assert loaded.definition.provisional is False
    assert [i.id for i in loaded.definition.indicators] == ["DR-01", "DR-02", "DR-03", "EX-01"]


def test_a_national_file_may_name_audience_and_exploitation_itself() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["sets"] = {"lv-2024": {**BASE["sets"]["adults_criminality"]}}
    data["sets"]["lv-2024"].update({"audience": "children", "exploitation": "labour"})

    # when
    [loaded] = loader.parse_text(text_of(data))

    # then
    assert loaded.definition.audience == "children"
    assert loaded.exploitation == "labour"
    assert set(loaded.definition.victim_rule) == {"policies"}


def test_the_content_hash_changes_with_the_content_only() -> None:
    # given
    same = loader.parse_text(text_of(BASE))[0]
    again = loader.parse_text(text_of(copy.deepcopy(BASE)))[0]
    relabelled = copy.deepcopy(BASE)
    relabelled["sets"]["adults_criminality"]["indicators"]["EX"][0]["strength"] = "M"

    # when
    other = loader.parse_text(text_of(relabelled))[0]

    # then
    assert same.content_hash() == again.content_hash()
    assert other.content_hash() != same.content_hash()


# --- problems, each with its path ---------------------------------------------------------


def test_it_names_an_invalid_strength_with_its_path() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["sets"]["adults_criminality"]["indicators"]["DR"][2]["strength"] = "X"

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == [
        'sets.adults_criminality.indicators.DR[2].strength: must be S, M or W (got "X")'
    ]


def test_it_refuses_a_duplicate_id_within_a_set() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["sets"]["adults_criminality"]["indicators"]["EX"][0]["id"] = "DR-02"

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == [
        'sets.adults_criminality.indicators.EX[0].id: duplicate id "DR-02" '
        "(already at sets.adults_criminality.indicators.DR[1])"
    ]


def test_the_same_id_in_two_sets_is_fine() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["sets"]["children_criminality"] = copy.deepcopy(BASE["sets"]["adults_criminality"])

    # when
    sets = loader.parse_text(text_of(data))

    # then
    assert [s.key for s in sets] == ["adults_criminality", "children_criminality"]


def test_it_refuses_an_indicator_under_an_unknown_element() -> None:
    # given
    data = changed(indicators={"VD": [{"id": "VD-01", "label": "Dependency", "strength": "M"}]})

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == [
        "sets.adults_criminality.indicators.VD: unknown element "
        "(the file's elements are DR, EX, CD)"
    ]


def test_it_refuses_an_unknown_rule_clause() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["rules"]["victim_adults"]["all_of"][1] = {"exploited": "EX"}
    data["rules"]["element_positive"]["any_of"][0] = {"very_strong": 1}

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems[0].startswith(
        "rules.element_positive.any_of[0].very_strong: unknown rule clause"
    )
    assert problems[2].startswith(
        'rules.victim_adults.all_of[1]: unknown rule clause "exploited" (expected one of'
    )
    assert (
        problems[1]
        == "rules.element_positive.any_of[0]: a combination needs at least one indicator"
    )


def test_it_refuses_an_unknown_rule_and_a_rule_naming_an_unknown_element() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["rules"]["victim_elderly"] = {"all_of": [{"positive": "EX"}]}
    data["rules"]["victim_adults"]["all_of"][2] = {"positive": "VD"}

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems[0].startswith("rules.victim_elderly: unknown key (expected element_positive")
    assert problems[1] == (
        'rules.victim_adults.all_of[2].positive: unknown element "VD" '
        "(the file's elements are DR, EX, CD)"
    )


def test_it_reports_malformed_yaml_with_its_line_number() -> None:
    # given
    text = "schema_version: 1\nsets:\n  adults_x: {title: [unclosed\n"

    # when
    problems = problems_of(text)

    # then
    assert len(problems) == 1
    assert problems[0].startswith("file: not valid YAML at line 4, column 1:")


def test_it_reports_a_key_given_twice_with_its_line_number() -> None:
    # given
    text = text_of(BASE) + "schema_version: 1\n"

    # when
    problems = problems_of(text)

    # then
    assert problems == [f'file: line {text.count(chr(10))}: the key "schema_version" appears twice']


@pytest.mark.parametrize(
    "name", ["shipped", "national", "duplicate key", "not YAML", "unprintable"]
)
def test_libyaml_reads_a_file_as_the_python_reader_does_or_leaves_it_to_it(name: str) -> None:
    # given: the files the loader reads (libyaml, for speed) and the reader of record
    text = {
        "shipped": loader.SHIPPED_FILE.read_text(encoding="utf-8"),
        "national": text_of(BASE),
        "duplicate key": text_of(BASE) + "schema_version: 1\n",
        "not YAML": "schema_version: [1\n",
        "unprintable": "schema_version: \x07\n",
    }[name]
    python = loader._Loader(text) if name != "unprintable" else None

    # when
    fast = loader._yaml_fast(text)

    # then: the same data, or nothing when there is a problem for Python to tell
    if name in {"shipped", "national"}:
        assert python is not None
        python.duplicates = []
        assert fast == (python.get_single_data(),)
        assert python.duplicates == []
    else:
        assert fast is None


@pytest.mark.parametrize("key", ["Adults_Labour", "adults labour", "adults__x", "-adults"])
def test_it_refuses_a_set_key_that_is_not_a_slug(key: str) -> None:
    # given
    data = copy.deepcopy(BASE)
    data["sets"] = {key: BASE["sets"]["adults_criminality"]}

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == [
        f"sets.{key}: the set key must be a slug of lower-case letters, digits, _ or - "
        "(at most 60 characters)"
    ]


def test_it_needs_to_know_whom_a_set_is_for() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["sets"] = {"national_2025": BASE["sets"]["adults_criminality"]}

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == [
        "sets.national_2025: say whom the set is for: give audience (adults or children), "
        "or start the key with adults_ or children_"
    ]


def test_a_children_set_needs_the_childrens_rule_in_the_file() -> None:
    # given
    data = copy.deepcopy(BASE)
    del data["rules"]["victim_children"]
    data["sets"]["children_x"] = copy.deepcopy(BASE["sets"]["adults_criminality"])

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == ["sets.children_x: a children set needs rules.victim_children in the file"]


def test_it_lists_every_problem_of_a_file_at_once() -> None:
    # given
    data = copy.deepcopy(BASE)
    data["schema_version"] = 2
    data["sets"]["adults_criminality"]["indicators"]["DR"][0] = {"id": "DR-01", "strength": "S"}
    data["sets"]["adults_criminality"]["indicators"]["DR"][1]["colour"] = "red"
    data["sets"]["adults_criminality"]["confirmed"] = "yes"
    data["sets"]["adults_criminality"]["expected_counts"] = {"DR": 4, "total": 4}

    # when
    with pytest.raises(IndicatorFileError) as raised:
        loader.parse_text(text_of(data))

    # then
    assert raised.value.problems == [
        "schema_version: must be 1 (got 2)",
        'sets.adults_criminality.confirmed: must be true or false (got "yes")',
        "sets.adults_criminality.indicators.DR[0].label: missing",
        "sets.adults_criminality.indicators.DR[1].colour: unknown key "
        "(expected id, label, strength, uncertain, note, provisional or sources)",
        "sets.adults_criminality.expected_counts.DR: expected 4 indicators, the file lists 2",
        "sets.adults_criminality.expected_counts.total: expected 4 indicators, the file lists 3",
    ]
    assert "6 problems" in raised.value.message
    assert raised.value.field == "file"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "file: missing"),
        (
            "- just\n- a list\n",
            'file: must be a mapping of keys to values (got ["just", "a list"])',
        ),
    ],
)
def test_it_refuses_a_file_that_is_not_a_mapping(text: str, problem: str) -> None:
    # when
    problems = problems_of(text)

    # then
    assert problems == [problem]


def test_it_reports_an_unreadable_file(tmp_path: Path) -> None:
    # when
    with pytest.raises(IndicatorFileError) as raised:
        loader.parse_file(tmp_path / "missing.yaml")

    # then
    assert raised.value.problems[0].startswith("file: cannot be read")


def test_it_reports_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    # given
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Säännöt".encode("latin-1"))

    # when
    with pytest.raises(IndicatorFileError) as raised:
        loader.parse_file(path)

    # then
    assert raised.value.problems == ["file: is not UTF-8 text"]


def test_the_loaded_sets_evaluate_in_the_engine() -> None:
    # given
    [set_def] = loader.load(text_of(BASE))

    # when
    result = engine.evaluate(set_def, ["DR-01", "DR-02", "EX-01"])

    # then
    assert result.elements["DR"].positive is True
    assert result.elements["EX"].positive is False
    assert result.outcome == engine.INSUFFICIENT


# --- every other problem, one line each ---------------------------------------------------


def _set(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = data["sets"]["adults_criminality"]
    return result


def _rules(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = data["rules"]
    return result


def _dr(data: dict[str, Any]) -> list[Any]:
    result: list[Any] = _set(data)["indicators"]["DR"]
    return result


MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("no set", lambda d: d.update(sets={}), "sets: the file defines no set"),
    ("extra key", lambda d: d.update(extra=1), "extra: unknown key (expected schema_version"),
    ("source text", lambda d: d.update(source="ILO"), "source: must be a mapping of keys to"),
    ("no elements", lambda d: d.update(elements=[]), "elements: must be a non-empty list"),
    ("element text", lambda d: d["elements"].__setitem__(0, "DR"), "elements[0]: must be a"),
    (
        "element code",
        lambda d: d["elements"][1].update(code="ex"),
        "elements[1].code: must be 1 to 10 capital letters or digits, starting with a letter "
        '(got "ex")',
    ),
    (
        "element twice",
        lambda d: d["elements"].append(dict(d["elements"][0])),
        'elements[3].code: duplicate element "DR"',
    ),
    ("element key", lambda d: d["elements"][0].update(colour=1), "elements[0].colour: unknown"),
    (
        "element name",
        lambda d: d["elements"][0].update(name=""),
        'elements[0].name: must be a non-empty text (got "")',
    ),
    ("rules text", lambda d: d.update(rules="none"), "rules: must be a mapping of keys"),
    (
        "no element rule",
        lambda d: _rules(d).pop("element_positive"),
        "rules.element_positive: missing",
    ),
    (
        "empty element rule",
        lambda d: _rules(d)["element_positive"].update(any_of=[]),
        "rules.element_positive.any_of: must be a non-empty list of minimum combinations",
    ),
    (
        "combination text",
        lambda d: _rules(d)["element_positive"]["any_of"].__setitem__(0, "two strong"),
        'rules.element_positive.any_of[0]: must be a mapping of keys to values (got "two strong")',
    ),
    (
        "negative count",
        lambda d: _rules(d)["element_positive"]["any_of"].__setitem__(0, {"strong": -1}),
        "rules.element_positive.any_of[0].strong: must be a whole number, 0 or more (got -1)",
    ),
    (
        "rule key",
        lambda d: _rules(d)["element_positive"].update(weight=2),
        "rules.element_positive.weight: unknown key",
    ),
    (
        "adults rule text",
        lambda d: _rules(d).update(victim_adults="x"),
        "rules.victim_adults: must",
    ),
    (
        "no adult conditions",
        lambda d: _rules(d)["victim_adults"].update(all_of=[]),
        "rules.victim_adults.all_of: must be a non-empty list of conditions",
    ),
    (
        "condition text",
        lambda d: _rules(d)["victim_adults"]["all_of"].__setitem__(0, "DR"),
        'rules.victim_adults.all_of[0]: must be a mapping of keys to values (got "DR")',
    ),
    (
        "empty any_positive",
        lambda d: _rules(d)["victim_adults"]["all_of"].__setitem__(0, {"any_positive": []}),
        "rules.victim_adults.all_of[0].any_positive: must be a non-empty list of element codes",
    ),
    (
        "no policies",
        lambda d: _rules(d)["victim_children"].update(policies={}),
        "rules.victim_children.policies: must name at least one policy",
    ),
    (
        "policy name",
        lambda d: _rules(d)["victim_children"]["policies"].update(
            {"Kind Guess": {"all_of": [{"positive": "EX"}]}}
        ),
        "rules.victim_children.policies.Kind Guess: a policy name must be a slug",
    ),
    (
        "policy text",
        lambda d: _rules(d)["victim_children"]["policies"].update(legal_baseline="x"),
        "rules.victim_children.policies.legal_baseline: must be a mapping",
    ),
    (
        "act text",
        lambda d: _rules(d)["victim_children"]["policies"]["legal_baseline"].update(
            all_of=[{"act_established": "yes"}]
        ),
        "rules.victim_children.policies.legal_baseline.all_of[0].act_established: "
        'must be true or false (got "yes")',
    ),
    (
        "set text",
        lambda d: d["sets"].update(adults_criminality="x"),
        'sets.adults_criminality: must be a mapping of keys to values (got "x")',
    ),
    (
        "long title",
        lambda d: _set(d).update(title="x" * 201),
        "sets.adults_criminality.title: must be at most 200 characters long",
    ),
    (
        "audience",
        lambda d: _set(d).update(audience="elders"),
        'sets.adults_criminality.audience: must be adults or children (got "elders")',
    ),
    (
        "exploitation",
        lambda d: _set(d).update(exploitation="begging"),
        'sets.adults_criminality.exploitation: must be labour, sexual or other (got "begging")',
    ),
    (
        "no indicators",
        lambda d: _set(d).pop("indicators"),
        "sets.adults_criminality.indicators: missing",
    ),
    (
        "indicator list text",
        lambda d: _set(d)["indicators"].update(DR="many"),
        'sets.adults_criminality.indicators.DR: must be a list of indicators (got "many")',
    ),
    (
        "indicator text",
        lambda d: _dr(d).__setitem__(0, "DR-01"),
        "sets.adults_criminality.indicators.DR[0]: must be a mapping of keys to values",
    ),
    (
        "indicator id",
        lambda d: _dr(d)[0].update(id="DR 01!"),
        "sets.adults_criminality.indicators.DR[0].id: must be 1 to 20 letters, digits",
    ),
    (
        "uncertain text",
        lambda d: _dr(d)[0].update(uncertain="maybe"),
        "sets.adults_criminality.indicators.DR[0].uncertain: must be true or false",
    ),
    (
        "count of an unknown element",
        lambda d: _set(d).update(expected_counts={"ZZ": 1}),
        "sets.adults_criminality.expected_counts.ZZ: unknown element",
    ),
    (
        "count text",
        lambda d: _set(d).update(expected_counts={"DR": "three"}),
        'sets.adults_criminality.expected_counts.DR: must be a whole number (got "three")',
    ),
]


@pytest.mark.parametrize(
    ("change", "problem"), [(m[1], m[2]) for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_it_names_each_kind_of_problem_with_its_path(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    # given
    data = factories.national_file()
    change(data)

    # when
    problems = problems_of(text_of(data))

    # then
    assert any(p.startswith(problem) for p in problems), problems


def test_an_element_with_no_indicators_listed_is_fine() -> None:
    # given
    data = factories.national_file()
    _set(data)["indicators"]["CD"] = None

    # when
    [loaded] = loader.parse_text(text_of(data))

    # then
    assert len(loaded.definition.indicators) == 4


def test_it_reports_a_character_yaml_cannot_read() -> None:
    # when
    problems = problems_of("title: \x07")

    # then
    assert problems[0].startswith("file: not valid YAML")


def test_a_file_needs_only_the_victim_rule_of_the_audiences_it_has() -> None:
    # given
    adults_only = factories.national_file()
    del _rules(adults_only)["victim_children"]
    children_only = factories.national_file()
    del _rules(children_only)["victim_adults"]
    children_only["sets"] = {"children_x": _set(children_only)}

    # when
    [adults] = loader.parse_text(text_of(adults_only))
    [children] = loader.parse_text(text_of(children_only))

    # then
    assert set(adults.definition.victim_rule) == {"all_of"}
    assert set(children.definition.victim_rule) == {"policies"}


# --- the rules' floor (R-06, R-07, R-08): data, but never weaker than the ILO rule ------


@pytest.mark.parametrize(
    ("combo", "counts"),
    [
        ({"strong": 1}, "1 strong"),  # one strong indicator alone
        ({"medium": 2}, "2 medium"),
        ({"weak": 5}, "5 weak"),
        ({"medium": 1, "weak": 2}, "1 medium + 2 weak"),
        ({"medium_or_weak": 3}, "3 weak"),  # filled with weak, it is too weak
    ],
)
def test_r06_the_loader_refuses_an_element_rule_weaker_than_the_ilo_rule(
    combo: dict[str, int], counts: str
) -> None:
    # given: the national file with one more, too weak, combination
    data = factories.national_file()
    _rules(data)["element_positive"]["any_of"].append(combo)

    # when
    problems = problems_of(text_of(data))

    # then: the rule and the path in the file are named
    assert problems == [
        "rules.element_positive.any_of[2]: weaker than the ILO element rule (R-06): "
        f"{counts} alone would make an element positive; the ILO rule needs at least "
        "2 strong, 1 strong + 1 medium-or-weak, 3 medium, or 2 medium + 1 weak"
    ]


@pytest.mark.parametrize(
    "combo",
    [{"strong": 3}, {"medium": 3}, {"medium": 2, "weak": 1}, {"strong": 1, "medium_or_weak": 2}],
)
def test_r06_an_element_rule_as_strict_as_the_ilo_rule_or_stricter_loads(
    combo: dict[str, int],
) -> None:
    # given
    data = factories.national_file()
    _rules(data)["element_positive"]["any_of"] = [combo]

    # when
    [loaded] = loader.parse_text(text_of(data))

    # then
    assert loaded.definition.element_rule == (combo,)


def test_r06_the_shipped_file_meets_the_floor_of_every_rule() -> None:
    # when: loading checks the floor
    sets = {s.key: s.definition for s in loader.load_shipped()}

    # then: its element rule is exactly the ILO rule
    rule = sets["adults_labour"].element_rule
    for s in range(4):
        for m in range(4):
            for w in range(4):
                met = engine.element_positive(rule, s, m, w) is not None
                assert met == engine.ilo_element_positive(s, m, w), (s, m, w)


@pytest.mark.parametrize(
    ("all_of", "missing"),
    [
        ([{"positive": "EX"}], ["recruitment element (one of DR)", "destination element"]),
        ([{"any_positive": ["DR", "CD"]}, {"positive": "EX"}], ["recruitment", "destination"]),
        ([{"positive": "DR"}, {"positive": "CD"}], ["exploitation element (one of EX)"]),
    ],
)
def test_r07_the_loader_refuses_an_adults_rule_needing_fewer_elements_than_the_ilo_rule(
    all_of: list[dict[str, Any]], missing: list[str]
) -> None:
    # given
    data = factories.national_file()
    _rules(data)["victim_adults"]["all_of"] = all_of

    # when
    problems = problems_of(text_of(data))

    # then
    assert len(problems) == len(missing), problems
    for problem, words in zip(problems, missing, strict=True):
        assert problem.startswith(
            "rules.victim_adults.all_of: weaker than the ILO victim rule for adults (R-07): "
            "it must require a positive "
        )
        assert words in problem


@pytest.mark.parametrize(
    ("all_of", "problem"),
    [
        ([{"act_established": True}], "a positive exploitation element (one of EX)"),
        ([{"positive": "EX"}], "the act (act_established: true) or a positive recruitment"),
        ([{"act_established": False}, {"positive": "EX"}], "the act (act_established: true)"),
    ],
)
def test_r08_the_loader_refuses_a_child_rule_without_exploitation_or_the_act(
    all_of: list[dict[str, Any]], problem: str
) -> None:
    # given
    data = factories.national_file()
    _rules(data)["victim_children"]["policies"]["legal_baseline"]["all_of"] = all_of

    # when
    problems = problems_of(text_of(data))

    # then
    [only] = problems
    assert only.startswith(
        "rules.victim_children.policies.legal_baseline.all_of: weaker than the victim rule "
        "for children (R-08): it must require "
    )
    assert problem in only


def test_r08_a_child_rule_may_require_a_recruitment_element_instead_of_the_act() -> None:
    # given: the ILO strict policy's shape
    data = factories.national_file()
    policies = _rules(data)["victim_children"]["policies"]
    policies["legal_baseline"]["all_of"] = [{"any_positive": ["DR"]}, {"positive": "EX"}]

    # when / then
    assert loader.parse_text(text_of(data))


def test_the_floor_names_a_file_without_an_element_of_a_needed_group() -> None:
    # given: no destination element at all
    data = factories.national_file()
    data["elements"] = [e for e in data["elements"] if e["code"] != "CD"]
    _rules(data)["victim_adults"]["all_of"] = [{"positive": "DR"}, {"positive": "EX"}]
    _set(data)["indicators"].pop("CD", None)

    # when
    problems = problems_of(text_of(data))

    # then
    assert problems == [
        "rules.victim_adults.all_of: weaker than the ILO victim rule for adults (R-07): it "
        "must require a positive destination element (one of none in this file)"
    ]


# --- R-05: the sexual-exploitation sets, provisional indicator by indicator ----------------


def test_r05_every_indicator_of_the_sexual_sets_is_provisional_and_cites_a_known_source() -> None:
    # given
    citations = set(yaml.safe_load(loader.SHIPPED_FILE.read_text())["source"]["citations"])

    # when
    sets = {s.key: s for s in loader.load_shipped()}

    # then
    assert citations == {"ILO 2009", "UNODC", "OSCE 2022"}
    for key in ("adults_sexual", "children_sexual"):
        loaded = sets[key]
        assert loaded.definition.provisional
        assert loaded.exploitation == "sexual"
        for indicator in loaded.definition.indicators:
            provisional, sources = loaded.provenance(indicator.id)
            assert provisional, (key, indicator.id)
            assert sources and set(sources) <= citations, (key, indicator.id)
        assert loaded.normalised()["indicators"][0]["provisional"] is True
    assert sets["adults_labour"].provenance("DR-01") == (False, ())
    assert "provisional" not in sets["adults_labour"].normalised()["indicators"][0]


def test_r05_the_sexual_sets_keep_the_six_elements_and_a_specific_exploitation_element() -> None:
    # when
    sets = {s.key: s.definition for s in loader.load_shipped()}

    # then
    for key, counts in {
        "adults_sexual": {"DR": 10, "CR": 10, "RV": 16, "EX": 6, "CD": 15, "VD": 7},
        "children_sexual": {"DR": 10, "CR": 10, "RV": 15, "EX": 8, "CD": 15, "VD": 7},
    }.items():
        found = {c: sum(1 for i in sets[key].indicators if i.element == c) for c in counts}
        assert found == counts
        assert sets[key].element_rule == sets["adults_labour"].element_rule
    adults_ex = {i.id for i in sets["adults_sexual"].indicators if i.element == "EX"}
    children_ex = {i.id for i in sets["children_sexual"].indicators if i.element == "EX"}
    assert {"EXS-01", "EXS-02", "EXS-03", "EXS-04", "EXS-05"} <= adults_ex
    assert "EXS-06" in children_ex  # any commercial sexual exploitation of a child
    assert "EX-01" not in adults_ex  # the labour "working conditions" are not asked


def test_r05_the_loader_checks_each_indicators_provisional_flag_and_sources() -> None:
    # given
    data = factories.national_file()
    data["source"] = {"citations": {"Law 12/2020": "National anti-trafficking law"}}
    data["sets"]["adults_criminality"]["confirmed"] = False
    recruitment = data["sets"]["adults_criminality"]["indicators"]["DR"]
    exploitation = data["sets"]["adults_criminality"]["indicators"]["EX"]
    recruitment[0].update(provisional=True)  # no sources
    recruitment[1].update(sources=["UNODC"])  # not a citation of this file
    exploitation[0].update(provisional="yes", sources=["Law 12/2020", "Law 12/2020"])
    confirmed = factories.national_file()
    confirmed["sets"]["adults_criminality"]["confirmed"] = True
    confirmed["sets"]["adults_criminality"]["indicators"]["DR"][0].update(
        provisional=True, sources=["ILO 2009"]
    )

    # when
    with pytest.raises(IndicatorFileError) as refused:
        loader.parse_text(text_of(data))
    with pytest.raises(IndicatorFileError) as contradicted:
        loader.parse_text(text_of(confirmed))

    # then
    path = "sets.adults_criminality.indicators"
    assert refused.value.problems == [
        f"{path}.DR[0].sources: a provisional indicator must cite the sources it was drawn from",
        f'{path}.DR[1].sources[0]: unknown source "UNODC" (source.citations names Law 12/2020)',
        f'{path}.EX[0].provisional: must be true or false (got "yes")',
        f'{path}.EX[0].sources[1]: duplicate source "Law 12/2020"',
    ]
    assert contradicted.value.problems == [
        f"{path}.DR[0].provisional: a confirmed set cannot hold a provisional indicator",
    ]
