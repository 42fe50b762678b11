"""The screening engine, without the database: R-06 element rule, R-07 adults,
R-08 children, R-09 wording. The rules come from the shipped file, as in use."""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.identification import engine, loader


@functools.cache
def shipped() -> dict[str, engine.SetDef]:
    return {s.key: s.definition for s in loader.load_shipped()}


def reference(s: int, m: int, w: int) -> bool:
    """R-06's reference implementation, verbatim from the domain rules."""
    return s >= 2 or (s >= 1 and m + w >= 1) or m >= 3 or (m >= 2 and w >= 1)


def ids_of(set_def: engine.SetDef, element: str, strength: str, n: int) -> list[str]:
    found = [i.id for i in set_def.indicators if i.element == element and i.strength == strength]
    assert len(found) >= n, f"the set has too few {strength} indicators in {element}"
    return found[:n]


def observed(set_def: engine.SetDef, **counts: tuple[int, int, int]) -> list[str]:
    """Observed ids giving (strong, medium, weak) counts per element, e.g. EX=(1, 1, 0)."""
    picked: list[str] = []
    for element, (s, m, w) in counts.items():
        for strength, n in (("S", s), ("M", m), ("W", w)):
            picked += ids_of(set_def, element, strength, n)
    return picked


# --- R-06: the element rule ---------------------------------------------------------------

R06_VECTORS = [
    ((2, 0, 0), True),
    ((1, 1, 0), True),
    ((1, 0, 1), True),
    ((0, 3, 0), True),
    ((0, 2, 1), True),
    ((1, 0, 0), False),
    ((0, 2, 0), False),
    ((0, 1, 2), False),
    ((0, 0, 5), False),
]


@pytest.mark.parametrize(("counts", "expected"), R06_VECTORS)
def test_r06_the_shipped_element_rule_gives_every_test_vector(
    counts: tuple[int, int, int], expected: bool
) -> None:
    # given
    rule = shipped()["adults_labour"].element_rule

    # when
    combo = engine.element_positive(rule, *counts)

    # then
    assert (combo is not None) is expected
    assert reference(*counts) is expected


def five_of_each() -> engine.SetDef:
    """One element with five indicators of each grade, under the shipped element rule."""
    return engine.SetDef(
        key="adults_grid",
        title="Grid",
        audience="adults",
        elements=("EX",),
        recruitment_elements=(),
        indicators=tuple(
            engine.IndicatorDef(f"{s}-{n}", "EX", f"{s} {n}", s)
            for s in engine.STRENGTHS
            for n in range(5)
        ),
        element_rule=shipped()["adults_labour"].element_rule,
        victim_rule={"all_of": [{"positive": "EX"}]},
    )


@pytest.mark.parametrize(("counts", "expected"), R06_VECTORS)
def test_r06_an_element_is_positive_exactly_for_the_vectors_through_evaluate(
    counts: tuple[int, int, int], expected: bool
) -> None:
    # given
    set_def = five_of_each()
    ids = observed(set_def, EX=counts)

    # when
    result = engine.evaluate(set_def, ids)

    # then
    element = result.elements["EX"]
    assert (element.strong, element.medium, element.weak) == counts
    assert element.positive is expected
    assert result.as_json()["elements"]["EX"]["positive"] is expected


def test_r06_a_single_strong_indicator_is_not_enough_and_the_explanation_says_so() -> None:
    # given
    set_def = shipped()["adults_labour"]

    # when
    result = engine.evaluate_element(set_def, "DR", frozenset({"DR-01"}))

    # then
    assert result.positive is False
    assert "one strong indicator alone is not enough" in result.why


@st.composite
def random_sets(draw: st.DrawFn) -> tuple[engine.SetDef, frozenset[str]]:
    """A random set of two elements with random grades, and a random observation."""
    elements = ("AA", "BB")
    strengths = draw(st.lists(st.sampled_from(engine.STRENGTHS), min_size=1, max_size=14))
    indicators = tuple(
        engine.IndicatorDef(
            id=f"X-{n:02d}", element=elements[n % 2], label=f"Label {n // 2}", strength=s
        )
        for n, s in enumerate(strengths)
    )
    set_def = engine.SetDef(
        key="adults_random",
        title="Random",
        audience="adults",
        elements=elements,
        recruitment_elements=("AA",),
        indicators=indicators,
        element_rule=shipped()["adults_labour"].element_rule,
        victim_rule={"all_of": [{"positive": "AA"}, {"positive": "BB"}]},
    )
    chosen = draw(st.sets(st.sampled_from([i.id for i in indicators])))
    return set_def, frozenset(chosen)


def _counts(set_def: engine.SetDef, element: str, ids: Iterable[str]) -> tuple[int, int, int]:
    hits = [i for i in set_def.indicators if i.element == element and i.id in set(ids)]
    return tuple(sum(1 for i in hits if i.strength == s) for s in engine.STRENGTHS)  # type: ignore[return-value]  # three strengths, three counts


@given(random_sets())
def test_r06_every_element_is_positive_exactly_when_the_reference_formula_says(
    case: tuple[engine.SetDef, frozenset[str]],
) -> None:
    # given
    set_def, ids = case

    # when
    result = engine.evaluate(set_def, ids)

    # then
    for element in set_def.elements:
        s, m, w = _counts(set_def, element, ids)
        assert result.elements[element].positive is reference(s, m, w)
        assert (result.elements[element].strong, result.elements[element].medium) == (s, m)


@given(random_sets(), st.data())
def test_r06_adding_an_observation_never_turns_a_positive_element_negative(
    case: tuple[engine.SetDef, frozenset[str]], data: st.DataObject
) -> None:
    # given
    set_def, ids = case
    extra = data.draw(st.sampled_from([i.id for i in set_def.indicators]))

    # when
    before = engine.evaluate(set_def, ids)
    after = engine.evaluate(set_def, ids | {extra})

    # then
    for element in set_def.elements:
        assert after.elements[element].positive >= before.elements[element].positive
    assert not (before.outcome == engine.CONSISTENT and after.outcome == engine.INSUFFICIENT)


@given(st.sampled_from(engine.STRENGTHS), st.sampled_from(engine.STRENGTHS))
def test_r06_the_same_label_in_two_elements_counts_separately_in_each(
    first: str, second: str
) -> None:
    # given: "Debt bondage" in CR and in CD, as in the ILO lists
    set_def = engine.SetDef(
        key="adults_labels",
        title="Labels",
        audience="adults",
        elements=("CR", "CD"),
        recruitment_elements=("CR",),
        indicators=(
            engine.IndicatorDef("CR-04", "CR", "Debt bondage", first),
            engine.IndicatorDef("CD-02", "CD", "Debt bondage", second),
        ),
        element_rule=shipped()["adults_labour"].element_rule,
        victim_rule={"all_of": [{"positive": "CR"}]},
    )

    # when
    result = engine.evaluate(set_def, ["CR-04", "CD-02"])

    # then
    for element in ("CR", "CD"):
        counts = result.elements[element]
        assert counts.strong + counts.medium + counts.weak == 1
        assert counts.positive is False


def test_it_refuses_unknown_indicator_ids_and_names_them() -> None:
    # given
    set_def = shipped()["adults_labour"]

    # when
    with pytest.raises(engine.UnknownIndicators) as raised:
        engine.evaluate(set_def, ["DR-01", "ZZ-99", "AB-1"])

    # then
    assert raised.value.ids == ["AB-1", "ZZ-99"]


# --- R-07: adults -------------------------------------------------------------------------

POSITIVE = {
    "DR": (1, 1, 0),
    "CR": (1, 1, 0),
    "RV": (0, 3, 0),
    "EX": (1, 1, 0),
    "CD": (2, 0, 0),
    "VD": (0, 3, 0),
}


@pytest.mark.parametrize("recruitment", ["DR", "CR", "RV"])
@pytest.mark.parametrize("destination", ["CD", "VD"])
def test_r07_recruitment_exploitation_and_destination_together_are_consistent(
    recruitment: str, destination: str
) -> None:
    # given
    set_def = shipped()["adults_labour"]
    chosen = {k: POSITIVE[k] for k in (recruitment, "EX", destination)}

    # when
    result = engine.evaluate(set_def, observed(set_def, **chosen))

    # then
    assert result.outcome == engine.CONSISTENT
    assert result.victim_rule == "adults"


@pytest.mark.parametrize(
    "elements",
    [
        ("EX",),  # exploitation alone: a labour-rights case
        ("DR", "EX"),  # deception and exploitation, no coercion at destination
        ("DR", "CD"),  # no exploitation
        ("EX", "CD"),  # no recruitment element
        ("DR", "CR", "RV", "CD", "VD"),  # everything but exploitation
    ],
)
def test_r07_any_missing_part_gives_insufficient_indicators(elements: tuple[str, ...]) -> None:
    # given
    set_def = shipped()["adults_labour"]

    # when
    result = engine.evaluate(set_def, observed(set_def, **{k: POSITIVE[k] for k in elements}))

    # then
    assert result.outcome == engine.INSUFFICIENT


# --- R-08: children -----------------------------------------------------------------------


def test_r08_legal_baseline_needs_only_the_act_and_exploitation() -> None:
    # given: no means at all, the act established by the caseworker
    set_def = shipped()["children_labour"]
    ids = observed(set_def, EX=(1, 1, 0))

    # when
    result = engine.evaluate(set_def, ids, child_policy="legal_baseline", act_established=True)

    # then
    assert result.outcome == engine.CONSISTENT
    assert result.victim_rule == "legal_baseline"


def test_r08_legal_baseline_without_the_act_is_insufficient() -> None:
    # given
    set_def = shipped()["children_labour"]
    ids = observed(set_def, EX=(1, 1, 0), DR=(1, 0, 0))

    # when
    result = engine.evaluate(set_def, ids, child_policy="legal_baseline", act_established=False)

    # then
    assert result.outcome == engine.INSUFFICIENT


@pytest.mark.parametrize("act_element", ["DR", "CR"])
def test_r08_legal_baseline_derives_the_act_from_an_act_indicator_when_not_told(
    act_element: str,
) -> None:
    # given: one act indicator (not a positive element) and positive exploitation
    set_def = shipped()["children_labour"]
    with_act = observed(set_def, EX=(1, 1, 0), **{act_element: (0, 1, 0)})
    without = observed(set_def, EX=(1, 1, 0))

    # when
    derived = engine.evaluate(set_def, with_act, child_policy="legal_baseline")
    missing = engine.evaluate(set_def, without, child_policy="legal_baseline")

    # then
    assert derived.outcome == engine.CONSISTENT
    assert missing.outcome == engine.INSUFFICIENT


def test_r08_economic_reasons_and_two_exploitation_indicators_are_not_the_act() -> None:
    # given: a vulnerability indicator ("economic reasons") and a positive EX
    set_def = shipped()["children_labour"]
    labels = {i.id: i.label for i in set_def.indicators}
    assert labels["RV-06"] == "Economic reasons"

    # when
    result = engine.evaluate(set_def, ["RV-06", "EX-01", "EX-02"], child_policy="legal_baseline")

    # then
    assert result.elements["EX"].positive
    assert result.outcome == engine.INSUFFICIENT
    assert any("vulnerability indicator alone never" in line for line in result.explanation)


def _vulnerability_and_exploitation(set_def: engine.SetDef) -> list[str]:
    return sorted(i.id for i in set_def.indicators if i.element in ("RV", "VD", "EX"))


CHILD_SETS = sorted(
    key for key, s in shipped().items() if s.audience == "children" and not s.is_empty
)


@given(st.data())
def test_r08_vulnerability_and_exploitation_alone_never_give_the_trafficking_result(
    data: st.DataObject,
) -> None:
    # given: any child set, any observations drawn only from vulnerability and exploitation
    set_def = shipped()[data.draw(st.sampled_from(CHILD_SETS))]
    ids = data.draw(st.sets(st.sampled_from(_vulnerability_and_exploitation(set_def))))

    # when: the act is not answered, so it must come from the indicators
    result = engine.evaluate(set_def, ids, child_policy="legal_baseline")

    # then
    assert result.outcome == engine.INSUFFICIENT


def test_r08_the_act_is_told_in_the_explanation_when_answered() -> None:
    # given
    set_def = shipped()["children_labour"]
    ids = observed(set_def, EX=(1, 1, 0))

    # when
    yes = engine.evaluate(set_def, ids, act_established=True)
    no = engine.evaluate(set_def, ids, act_established=False)
    derived = engine.evaluate(set_def, [*ids, "DR-02"])

    # then
    assert "Act: established (answered)." in yes.explanation
    assert "Act: not established (answered)." in no.explanation
    assert "Act: established by the recorded act indicators DR-02." in derived.explanation


def test_r08_the_strict_policy_needs_a_positive_recruitment_element() -> None:
    # given
    set_def = shipped()["children_labour"]
    weak_recruitment = observed(set_def, EX=(1, 1, 0), RV=(0, 1, 0))
    positive_recruitment = observed(set_def, EX=(1, 1, 0), RV=(0, 3, 0))

    # when
    refused = engine.evaluate(
        set_def, weak_recruitment, child_policy="ilo_strict_unverified", act_established=True
    )
    met = engine.evaluate(set_def, positive_recruitment, child_policy="ilo_strict_unverified")

    # then
    assert refused.outcome == engine.INSUFFICIENT
    assert met.outcome == engine.CONSISTENT
    assert met.victim_rule == "ilo_strict_unverified"


def test_r08_an_undefined_child_policy_is_refused() -> None:
    # given
    set_def = shipped()["children_labour"]

    # when / then
    with pytest.raises(ValueError, match="child policy"):
        engine.evaluate(set_def, [], child_policy="made_up")


# --- R-09: decision support only ----------------------------------------------------------


@pytest.mark.parametrize("ids", [[], ["DR-01"], ["EX-01", "EX-02"]])
def test_r09_an_insufficient_result_never_says_not_a_victim(ids: list[str]) -> None:
    # given
    set_def = shipped()["adults_labour"]

    # when
    result = engine.evaluate(set_def, ids)
    text = " ".join(result.explanation).lower()

    # then
    assert result.outcome == "insufficient_indicators_recorded"
    assert "does not mean the person is not a victim" in text
    assert "a review is due" in text
    assert result.as_json()["outcome"] == "insufficient_indicators_recorded"


def test_r09_a_consistent_result_is_called_decision_support() -> None:
    # given
    set_def = shipped()["adults_labour"]
    ids = observed(set_def, DR=(1, 1, 0), EX=(1, 1, 0), CD=(2, 0, 0))

    # when
    result = engine.evaluate(set_def, ids)

    # then
    assert result.outcome == "indicators_consistent_with_trafficking"
    assert any("decision support" in line for line in result.explanation)


def test_it_marks_a_provisional_set_in_the_result() -> None:
    # given
    set_def = shipped()["adults_labour"]

    # when
    body = engine.evaluate(set_def, []).as_json()

    # then
    assert body["provisional"] is True
    assert body["set"] == "adults_labour"
    assert set(body["elements"]) == {"DR", "CR", "RV", "EX", "CD", "VD"}
    assert body["elements"]["DR"] == {"strong": 0, "medium": 0, "weak": 0, "positive": False}


def test_an_unknown_victim_rule_clause_is_an_error_not_a_silent_pass() -> None:
    # given
    set_def = engine.SetDef(
        key="adults_odd",
        title="Odd",
        audience="adults",
        elements=("EX",),
        recruitment_elements=(),
        indicators=(engine.IndicatorDef("EX-01", "EX", "Hours", "S"),),
        element_rule=shipped()["adults_labour"].element_rule,
        victim_rule={"all_of": [{"sometimes": True}]},
    )

    # when / then
    with pytest.raises(ValueError, match="unknown victim-rule clause"):
        engine.evaluate(set_def, ["EX-01"])
