"""Group placement (issue 16), property tests: no generated instance ever yields a
split family, an unaccompanied child placed with adults, an unsuitable or
over-capacity place; CP-SAT never places fewer people than the greedy baseline and,
placing as many, never costs more. Pure: no database."""

from __future__ import annotations

import dataclasses
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.shelters import rules, solver

ACCEPTS = sorted(rules.Accepts)
COORDS = st.one_of(st.none(), st.tuples(st.floats(59.0, 70.0), st.floats(20.0, 31.0)))
LANGS = st.frozensets(st.sampled_from(["fi", "ru", "en", "et"]), max_size=2)


@st.composite
def places(draw: st.DrawFn) -> list[rules.Place]:
    count = draw(st.integers(0, 5))
    out = []
    for n in range(count):
        where = draw(COORDS)
        hosts = draw(st.sampled_from(["nobody", "adults", "child"]))
        out.append(
            rules.Place(
                id=f"p{n}",
                capacity=draw(st.integers(0, 5)),
                accepts=draw(st.frozensets(st.sampled_from(ACCEPTS))),
                security_level=draw(st.sampled_from(rules.LEVELS)),
                languages=draw(LANGS),
                lat=None if where is None else where[0],
                lon=None if where is None else where[1],
                wheelchair_access=draw(st.booleans()),
                disability_access=draw(st.booleans()),
                hosts_adults=hosts == "adults",
                hosts_unaccompanied_children=hosts == "child",
            )
        )
    return out


@st.composite
def people(draw: st.DrawFn) -> list[rules.Person]:
    count = draw(st.integers(0, 9))
    out = []
    for n in range(count):
        danger = draw(COORDS)
        out.append(
            rules.Person(
                id=f"a{n}",
                family=draw(st.sampled_from([None, None, "f1", "f2", "f3"])),
                sex=draw(st.sampled_from(rules.SEXES)),
                gender_identity=draw(st.sampled_from(rules.GENDER_IDENTITIES)),
                age=draw(st.one_of(st.none(), st.integers(0, 70))),
                presumed_child=draw(st.booleans()),
                risk_level=draw(st.sampled_from(rules.LEVELS)),
                languages=draw(LANGS),
                danger_lat=None if danger is None else danger[0],
                danger_lon=None if danger is None else danger[1],
                needs_wheelchair_access=draw(st.integers(0, 9)) == 0,
                needs_disability_access=draw(st.integers(0, 9)) == 0,
            )
        )
    return out


def _check_hard_rules(
    place_list: list[rules.Place], person_list: list[rules.Person], solution: solver.Solution
) -> None:
    by_id = {place.id: place for place in place_list}
    assert set(solution.assignments) | set(solution.unplaced) == {p.id for p in person_list}
    assert not set(solution.assignments) & set(solution.unplaced)
    assert solution.placed == len(solution.assignments)
    load: Counter[str] = Counter(solution.assignments.values())
    soft_cost = 0
    children: set[str] = set()
    adults: set[str] = set()
    for group in rules.groups_of(person_list):
        where = {solution.assignments.get(person.id) for person in group.people}
        assert len(where) == 1, "a family is split"
        place_id = where.pop()
        if place_id is None:
            assert all(solution.unplaced[person.id] for person in group.people)
            continue
        place = by_id[place_id]
        assert rules.exclusions(group, place) == [], "an unsuitable place"
        soft_cost += rules.group_cost(group, place)
        if group.unaccompanied_child:
            children.add(place_id)
        if group.has_adults:
            adults.add(place_id)
    assert not children & adults, "an unaccompanied child with adults"
    assert all(load[pid] <= by_id[pid].capacity for pid in load), "over capacity"
    assert solution.soft_cost == soft_cost


@settings(max_examples=150, deadline=None)
@given(place_list=places(), person_list=people())
def test_no_instance_breaks_a_hard_rule_and_cpsat_is_never_worse_than_greedy(
    place_list: list[rules.Place], person_list: list[rules.Person]
) -> None:
    # when
    greedy = solver.solve_greedy(place_list, person_list)
    best = solver.solve(place_list, person_list, time_limit=5.0, workers=1)

    # then
    _check_hard_rules(place_list, person_list, greedy)
    _check_hard_rules(place_list, person_list, best)
    assert best.optimal
    assert best.placed >= greedy.placed
    if best.placed == greedy.placed:
        assert best.soft_cost <= greedy.soft_cost


def _one_by_one(
    groups: list[rules.Group], place_list: list[rules.Place]
) -> tuple[list[tuple[int, int, int]], list[Counter[rules.Exclusion]]]:
    """Every (group, place) pair the hard rules allow with its cost, and each group's
    reasons, asking ``rules.exclusions`` and ``rules.group_cost`` for every pair."""
    pairs, reasons = [], []
    for g, group in enumerate(groups):
        counted: Counter[rules.Exclusion] = Counter()
        for p, place in enumerate(place_list):
            excluded = rules.exclusions(group, place)
            if not excluded:
                pairs.append((g, p, rules.group_cost(group, place)))
            counted.update(excluded)
        reasons.append(counted)
    return pairs, reasons


@settings(max_examples=150, deadline=None)
@given(place_list=places(), person_list=people())
def test_groups_and_places_alike_are_asked_once_with_the_same_answers_as_one_by_one(
    place_list: list[rules.Place], person_list: list[rules.Person]
) -> None:
    # given: the people, and the same people again (alike in everything but their ids)
    again = [
        dataclasses.replace(p, id=f"{p.id}-again", family=f"{p.family}-again" if p.family else None)
        for p in person_list
    ]
    everyone = [*person_list, *again]

    # when
    instance = solver._Instance([*place_list, *place_list], everyone)

    # then: the same pairs, costs and reasons as asking for every pair
    pairs, reasons = _one_by_one(instance.groups, [*place_list, *place_list])
    assert [(pair.group, pair.place, pair.cost) for pair in instance.pairs] == pairs
    assert instance.reasons == reasons
    assert instance.suitable == [any(pair[0] == g for pair in pairs) for g in range(len(reasons))]
