"""Group placement: an optimal assignment of whole groups to places (issue 16).

``solve`` uses OR-Tools CP-SAT; ``solve_greedy`` is the baseline it is measured
against (and the first solution it is given, so it is never worse). Both take the
places and people as the hard rules see them (``haven.shelters.rules``) and use
those rules only: a pair (group, place) is possible exactly when
``rules.exclusions`` finds nothing; the cost of a placement is
``rules.group_cost``. What the solver adds is what no single pair can check:

- a group (a family, or one person) goes to at most one place, whole;
- the groups placed at a place fit its free beds together;
- an unaccompanied child and adults never end up at the same place (the place's
  current occupants are already in ``rules.exclusions``).

Objective, lexicographic: first as many people placed as possible, then the least
soft cost. One weight per placed person larger than any possible sum of soft costs
makes the two one linear objective.

Pure: no database, nothing logged; ids in, ids and reasons out.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ortools.sat.python import cp_model

from haven.shelters import rules


@dataclass(frozen=True)
class Solution:
    """Where each person goes (person id -> place id), who is not placed and why."""

    assignments: dict[str, str] = field(default_factory=dict)
    unplaced: dict[str, str] = field(default_factory=dict)
    placed: int = 0
    soft_cost: int = 0
    optimal: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class _Pair:
    group: int
    place: int
    cost: int


class _Instance:
    """The groups, and every (group, place) pair the hard rules allow, with its cost."""

    def __init__(self, places: Sequence[rules.Place], people: Sequence[rules.Person]) -> None:
        self.places = list(places)
        self.groups = rules.groups_of(people)
        self.pairs: list[_Pair] = []
        self.reasons: list[Counter[rules.Exclusion]] = []
        self.suitable: list[bool] = []
        # Groups alike in all the hard rules read are refused by the same places for
        # the same reasons (``rules.group_signature``): each kind is asked once per
        # kind of place, and a thousand people are a few dozen kinds. The soft cost is
        # asked once per kind of person (``rules.cost_signature``) and place.
        kinds = [rules.place_signature(place) for place in self.places]
        by_signature: dict[tuple[object, ...], tuple[list[int], Counter[rules.Exclusion]]] = {}
        cost_by: dict[tuple[tuple[object, ...], int], int] = {}
        for g, group in enumerate(self.groups):
            signature = rules.group_signature(group)
            if signature not in by_signature:
                by_signature[signature] = self._allowed(group, kinds)
            allowed, reasons = by_signature[signature]
            payers = tuple(rules.cost_signature(person) for person in group.people)
            for p in allowed:
                key = (payers, p)
                if key not in cost_by:
                    cost_by[key] = rules.group_cost(group, self.places[p])
                self.pairs.append(_Pair(g, p, cost_by[key]))
            self.reasons.append(reasons)
            self.suitable.append(bool(allowed))

    def _allowed(
        self, group: rules.Group, kinds: list[tuple[object, ...]]
    ) -> tuple[list[int], Counter[rules.Exclusion]]:
        """The places (their indices) the hard rules allow for this group, and how
        many places each rule refuses it; a place alike another already asked is
        not asked again."""
        allowed: list[int] = []
        reasons: Counter[rules.Exclusion] = Counter()
        asked: dict[tuple[object, ...], list[rules.Exclusion]] = {}
        for p, place in enumerate(self.places):
            if kinds[p] not in asked:
                asked[kinds[p]] = rules.exclusions(group, place)
            excluded = asked[kinds[p]]
            if not excluded:
                allowed.append(p)
            reasons.update(excluded)
        return allowed, reasons

    def size(self, g: int) -> int:
        return len(self.groups[g].people)

    def solution(self, chosen: dict[int, int], *, optimal: bool, started: float) -> Solution:
        """The solution for ``chosen`` (group -> place index)."""
        assignments: dict[str, str] = {}
        unplaced: dict[str, str] = {}
        soft_cost = 0
        for g, group in enumerate(self.groups):
            if g in chosen:
                place = self.places[chosen[g]]
                soft_cost += rules.group_cost(group, place)
                for person in group.people:
                    assignments[person.id] = place.id
            else:
                reason = self.unplaced_reason(g)
                for person in group.people:
                    unplaced[person.id] = reason
        return Solution(
            assignments=assignments,
            unplaced=unplaced,
            placed=len(assignments),
            soft_cost=soft_cost,
            optimal=optimal,
            seconds=time.perf_counter() - started,
        )

    def unplaced_reason(self, g: int) -> str:
        """Why a group is not placed: every place that could take it as it is now was
        filled by others, or the hard rules the places break (free beds included), the
        most frequent first, each with how many places."""
        if not self.places:
            return _("there is no place with free beds")
        if self.suitable[g]:
            return _("every suitable place is full")
        counted = sorted(self.reasons[g].items(), key=lambda item: (-item[1], item[0]))
        parts = [
            ngettext("%(reason)s (%(n)d place)", "%(reason)s (%(n)d places)", n)
            % {"reason": rules.EXCLUSION_TEXT[reason], "n": n}
            for reason, n in counted
        ]
        return _("no suitable place: %(reasons)s") % {"reasons": "; ".join(parts)}


def _greedy(instance: _Instance) -> dict[int, int]:
    """Largest and most constrained groups first, each to the cheapest possible place
    that still has room and no conflict with whom it already holds."""
    options: dict[int, list[_Pair]] = {}
    for pair in instance.pairs:
        options.setdefault(pair.group, []).append(pair)
    room = [place.capacity for place in instance.places]
    uac = [place.hosts_unaccompanied_children for place in instance.places]
    adults = [place.hosts_adults for place in instance.places]
    chosen: dict[int, int] = {}
    order = sorted(options, key=lambda g: (-instance.size(g), len(options[g]), g))
    for g in order:
        group = instance.groups[g]
        for pair in sorted(options[g], key=lambda pair: (pair.cost, pair.place)):
            p = pair.place
            if room[p] < instance.size(g):
                continue
            if (group.unaccompanied_child and adults[p]) or (group.has_adults and uac[p]):
                continue
            chosen[g] = p
            room[p] -= instance.size(g)
            uac[p] = uac[p] or group.unaccompanied_child
            adults[p] = adults[p] or group.has_adults
            break
    return chosen


def solve_greedy(places: Sequence[rules.Place], people: Sequence[rules.Person]) -> Solution:
    """The baseline: largest and most constrained groups first, each to the cheapest
    suitable place with room. Keeps every hard rule; optimal only by chance (never
    claimed)."""
    started = time.perf_counter()
    instance = _Instance(places, people)
    return instance.solution(_greedy(instance), optimal=False, started=started)


def _value(instance: _Instance, chosen: dict[int, int], weight: int) -> int:
    costs = {(pair.group, pair.place): pair.cost for pair in instance.pairs}
    return sum(weight * instance.size(g) - costs[g, p] for g, p in chosen.items())


def solve(
    places: Sequence[rules.Place],
    people: Sequence[rules.Person],
    *,
    time_limit: float = 10.0,
    workers: int = 2,
) -> Solution:
    """The most people placed, then the least soft cost, keeping every hard rule
    (families whole, unaccompanied children never with adults, capacity). Proven
    optimal when CP-SAT finishes within ``time_limit``; otherwise the best found,
    and never worse than the greedy baseline."""
    started = time.perf_counter()
    instance = _Instance(places, people)
    greedy = _greedy(instance)
    if not instance.pairs:
        return instance.solution({}, optimal=True, started=started)

    model = cp_model.CpModel()
    x = {
        (pair.group, pair.place): model.new_bool_var(f"x{pair.group}_{pair.place}")
        for pair in instance.pairs
    }
    by_group: dict[int, list[_Pair]] = {}
    by_place: dict[int, list[_Pair]] = {}
    for pair in instance.pairs:
        by_group.setdefault(pair.group, []).append(pair)
        by_place.setdefault(pair.place, []).append(pair)
    for g, pairs in by_group.items():
        model.add_at_most_one(x[g, pair.place] for pair in pairs)
    for p, pairs in by_place.items():
        place = instance.places[p]
        sizes = [instance.size(pair.group) for pair in pairs]
        if sum(sizes) > place.capacity:
            terms = [x[pair.group, p] for pair in pairs]
            model.add(cp_model.LinearExpr.weighted_sum(terms, sizes) <= place.capacity)
        children = [pair for pair in pairs if instance.groups[pair.group].unaccompanied_child]
        grown = [pair for pair in pairs if instance.groups[pair.group].has_adults]
        if children and grown:
            # The place holds unaccompanied children or adults, never both.
            holds_child = model.new_bool_var(f"uac{p}")
            model.add_hint(holds_child, any(greedy.get(pair.group) == p for pair in children))
            for pair in children:
                model.add_implication(x[pair.group, p], holds_child)
            for pair in grown:
                model.add_implication(x[pair.group, p], ~holds_child)

    # Any one more person placed outweighs every soft cost together.
    weight = 1 + sum(max(pair.cost for pair in pairs) for pairs in by_group.values())
    objective = cp_model.LinearExpr.weighted_sum(
        [x[pair.group, pair.place] for pair in instance.pairs],
        [weight * instance.size(pair.group) - pair.cost for pair in instance.pairs],
    )
    model.maximize(objective)
    baseline = _value(instance, greedy, weight)
    model.add(objective >= baseline)
    for key, var in x.items():
        model.add_hint(var, greedy.get(key[0]) == key[1])

    solver = cp_model.CpSolver()
    # The limit covers the whole call: what building the model took is spent.
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No solution at least as good as greedy found in time: greedy it is.
        return instance.solution(greedy, optimal=False, started=started)
    chosen = {g: p for (g, p), var in x.items() if solver.boolean_value(var)}
    return instance.solution(chosen, optimal=status == cp_model.OPTIMAL, started=started)
