"""Group placement (issue 16): each hard rule, the objective and the reasons given
for whoever is not placed, for CP-SAT and for the greedy baseline alike.

Pure: no database."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from ortools.sat.python import cp_model

from haven.shelters import rules, solver
from haven.shelters.rules import Accepts

ALL = frozenset(Accepts)
Solve = Callable[[Sequence[rules.Place], Sequence[rules.Person]], solver.Solution]


def _cpsat(places: Sequence[rules.Place], people: Sequence[rules.Person]) -> solver.Solution:
    return solver.solve(places, people, time_limit=5.0, workers=1)


METHODS = pytest.mark.parametrize("solve", [_cpsat, solver.solve_greedy], ids=["cpsat", "greedy"])


def place(pid: str, capacity: int = 4, **kwargs: object) -> rules.Place:
    fields: dict[str, object] = {"accepts": ALL, "security_level": 3, **kwargs}
    return rules.Place(id=pid, capacity=capacity, **fields)  # type: ignore[arg-type]


def adult(pid: str, **kwargs: object) -> rules.Person:
    fields: dict[str, object] = {"sex": "female", "gender_identity": "woman", "age": 30, **kwargs}
    return rules.Person(id=pid, **fields)  # type: ignore[arg-type]


def child(pid: str, **kwargs: object) -> rules.Person:
    return adult(pid, age=15, **kwargs)


@METHODS
def test_a_family_is_never_split_and_goes_where_it_fits_whole(solve: Solve) -> None:
    # given: three beds in one place, two in the other; a family of three
    places = [place("small", 2), place("big", 3)]
    family = [adult("m", family="f"), child("c1", family="f"), child("c2", family="f")]

    # when
    solution = solve(places, family)

    # then
    assert solution.assignments == {"m": "big", "c1": "big", "c2": "big"}
    assert solution.placed == 3


@METHODS
def test_a_family_too_large_for_any_place_is_not_placed_at_all(solve: Solve) -> None:
    # given: five beds in all, but no place with three
    places = [place("a", 2), place("b", 2), place("c", 1)]
    family = [adult("m", family="f"), child("c1", family="f"), child("c2", family="f")]

    # when
    solution = solve(places, family)

    # then
    assert solution.assignments == {}
    assert set(solution.unplaced) == {"m", "c1", "c2"}
    assert "too few free beds" in solution.unplaced["m"]


@METHODS
def test_an_unaccompanied_child_is_never_placed_with_adults(solve: Solve) -> None:
    # given: one place for both, with room for both
    places = [place("only", 4)]
    people = [adult("a"), child("c")]

    # when
    solution = solve(places, people)

    # then: one of them, never both
    assert solution.placed == 1
    assert len(set(solution.assignments.values())) == 1
    missing = next(iter(solution.unplaced))
    assert solution.unplaced[missing] == "every suitable place is full"


@METHODS
def test_unaccompanied_children_and_adults_go_to_separate_places(solve: Solve) -> None:
    # given
    places = [place("one", 2), place("two", 2)]
    people = [adult("a1"), adult("a2"), child("c1"), child("c2")]

    # when
    solution = solve(places, people)

    # then
    assert solution.placed == 4
    assert solution.assignments["a1"] == solution.assignments["a2"]
    assert solution.assignments["c1"] == solution.assignments["c2"]
    assert solution.assignments["a1"] != solution.assignments["c1"]


@METHODS
def test_the_current_occupants_count_for_the_child_and_adult_rule(solve: Solve) -> None:
    # given: adults live in one place, an unaccompanied child in the other
    places = [
        place("adults", 4, hosts_adults=True),
        place("child", 4, hosts_unaccompanied_children=True),
    ]

    # when
    solution = solve(places, [adult("a"), child("c")])

    # then
    assert solution.assignments == {"a": "adults", "c": "child"}


@METHODS
def test_a_child_with_nowhere_but_a_place_where_adults_live_is_not_placed(solve: Solve) -> None:
    # when
    solution = solve([place("adults", 4, hosts_adults=True)], [child("c")])

    # then
    assert solution.assignments == {}
    assert "adults live there" in solution.unplaced["c"]


@METHODS
def test_a_place_serves_only_people_whose_risk_is_at_most_its_security_level(
    solve: Solve,
) -> None:
    # given
    places = [place("low", 4, security_level=1), place("high", 1, security_level=3)]
    people = [
        adult("calm", risk_level=1),
        adult("danger", risk_level=3),
        adult("more", risk_level=3),
    ]

    # when
    solution = solve(places, people)

    # then
    assert solution.assignments["calm"] == "low"
    assert solution.placed == 2
    placed, unplaced = sorted(("danger", "more"), key=lambda p: p not in solution.assignments)
    assert solution.assignments[placed] == "high"
    assert solution.unplaced[unplaced] == "every suitable place is full"


@pytest.mark.parametrize(
    ("person", "accepts", "reason"),
    [
        (adult("w"), {Accepts.MEN}, "does not take in people of this gender"),
        (adult("m", sex="male", gender_identity="man"), {Accepts.WOMEN}, "of this gender"),
        (adult("t", gender_identity="non_binary"), {Accepts.WOMEN, Accepts.MEN}, "this gender"),
        (child("c"), {Accepts.WOMEN, Accepts.FAMILIES}, "unaccompanied children"),
        (adult("f", family="x"), {Accepts.WOMEN, Accepts.CHILDREN}, "families"),
    ],
)
@METHODS
def test_a_place_takes_in_only_whom_it_accepts(
    solve: Solve, person: rules.Person, accepts: set[str], reason: str
) -> None:
    # given: the family is two people
    people = [person] if person.family is None else [person, child("k", family="x")]

    # when
    refused = solve([place("p", 4, accepts=frozenset(accepts))], people)
    accepted = solve([place("p", 4, accepts=ALL)], people)

    # then
    assert refused.assignments == {}
    assert reason in refused.unplaced[person.id]
    assert accepted.placed == len(people)


@pytest.mark.parametrize(
    ("need", "access"),
    [
        ("needs_wheelchair_access", "wheelchair_access"),
        ("needs_disability_access", "disability_access"),
    ],
)
@METHODS
def test_a_place_must_meet_the_access_a_person_needs(solve: Solve, need: str, access: str) -> None:
    # given: a family in which one person needs the access
    people = [adult("m", family="f"), child("c", family="f", **{need: True})]

    # when
    solution = solve([place("without", 4), place("with", 4, **{access: True})], people)

    # then
    assert solution.assignments == {"m": "with", "c": "with"}


@METHODS
def test_the_groups_placed_at_a_place_fit_its_free_beds(solve: Solve) -> None:
    # given: three people, two beds
    solution = solve([place("p", 2)], [adult("a"), adult("b"), adult("c")])

    # then
    assert solution.placed == 2
    assert list(solution.unplaced.values()) == ["every suitable place is full"]


def test_the_most_people_are_placed_before_any_soft_cost_counts() -> None:
    # given: the woman costs nothing in the shared-language place and 20 elsewhere;
    # the man can only go to the shared-language place
    places = [
        place("shared", 1, languages=frozenset({"ru"})),
        place("women", 1, accepts=frozenset({Accepts.WOMEN})),
    ]
    people = [
        adult("woman", languages=frozenset({"ru"})),
        adult("man", sex="male", gender_identity="man", languages=frozenset({"ru"})),
    ]

    # when
    solution = _cpsat(places, people)

    # then: both placed, at a cost, rather than one placed for nothing
    assert solution.assignments == {"woman": "women", "man": "shared"}
    assert solution.soft_cost == rules.LANGUAGE_POINTS
    assert solution.optimal


def test_at_equal_people_placed_the_least_soft_cost_wins() -> None:
    # given: a speaker of Russian, and a place where the staff speak it
    places = [
        place("fi", 1, languages=frozenset({"fi"})),
        place("ru", 1, languages=frozenset({"ru"})),
    ]
    solution = _cpsat(places, [adult("a", languages=frozenset({"ru"}))])

    # then
    assert solution.assignments == {"a": "ru"}
    assert solution.soft_cost == 0


def test_cpsat_costs_less_than_greedy_where_greedy_takes_the_cheap_place_first() -> None:
    # given: greedy gives the shared-language place to the first person, who speaks
    # no language it could share; CP-SAT keeps it for the speaker of Russian
    places = [place("ru", 1, languages=frozenset({"ru"})), place("other", 1)]
    people = [adult("any"), adult("russian", languages=frozenset({"ru"}))]

    # when
    greedy = solver.solve_greedy(places, people)
    best = _cpsat(places, people)

    # then
    assert greedy.assignments == {"any": "ru", "russian": "other"}
    assert greedy.soft_cost == rules.LANGUAGE_POINTS
    assert best.assignments == {"any": "other", "russian": "ru"}
    assert best.soft_cost == 0
    assert best.optimal and not greedy.optimal


def test_with_no_place_at_all_everyone_is_unplaced_and_told_why() -> None:
    # when
    solution = _cpsat([], [adult("a"), child("c")])

    # then
    assert solution.assignments == {}
    assert solution.unplaced == {
        "a": "there is no place with free beds",
        "c": "there is no place with free beds",
    }
    assert solution.optimal


def test_the_reasons_are_summarised_with_the_number_of_places_most_frequent_first() -> None:
    # given
    places = [
        place("a", 4, accepts=frozenset({Accepts.MEN}), security_level=1),
        place("b", 4, accepts=frozenset({Accepts.MEN})),
        place("c", 4, security_level=1),
    ]

    # when
    solution = solver.solve_greedy(places, [adult("w", risk_level=2)])

    # then
    assert solution.unplaced["w"] == (
        "no suitable place: does not take in people of this gender (2 places); "
        "its security level is below the person's risk level (2 places)"
    )
    one = solver.solve_greedy(places[2:], [adult("w", risk_level=2)])
    assert one.unplaced["w"] == (
        "no suitable place: its security level is below the person's risk level (1 place)"
    )


def test_when_cpsat_finds_nothing_in_time_the_greedy_solution_is_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a solver that runs out of time before its first solution
    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model: cp_model.UNKNOWN)
    places = [place("p", 2)]
    people = [adult("a"), adult("b"), adult("c")]

    # when
    solution = solver.solve(places, people, time_limit=0.1)

    # then
    greedy = solver.solve_greedy(places, people)
    assert (solution.assignments, solution.unplaced) == (greedy.assignments, greedy.unplaced)
    assert (solution.placed, solution.optimal) == (2, False)
