"""Synthetic indicator screenings for the demo (R-05 to R-10).

A child is screened with the children's labour set, everyone else with the
adults' labour set (R-10; the two sexual-exploitation sets of the shipped file
have no indicators yet). The planner picks observed indicators from the set's
own element rule, so that some screenings meet the victim rule and others do
not, and evaluates them with the engine to know which.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings

from haven.identification import engine, loader
from haven.identification.models import ObservationSource

ADULT_SET = "adults_labour"
CHILD_SET = "children_labour"
SCREENED_SHARE = 0.7
CONSISTENT_SHARE = {True: 0.8, False: 0.4}  # by whether the history has a presumed stage

# (code, source, note): as ``identification.services.screening.screening_record`` takes them.
Observation = tuple[str, str, str]

SOURCES = {
    ObservationSource.OWN_ACCOUNT: 50,
    ObservationSource.OBSERVATION: 20,
    ObservationSource.DOCUMENT: 15,
    ObservationSource.THIRD_PARTY: 15,
}
NOTES = {
    ObservationSource.OWN_ACCOUNT: (
        "Said so in the intake interview, with an interpreter.",
        "Told the caseworker at the second meeting; consistent with the first account.",
        "Described in detail, with dates.",
    ),
    ObservationSource.OBSERVATION: (
        "Seen by staff at the site visit.",
        "Noticed by shelter staff.",
    ),
    ObservationSource.DOCUMENT: (
        "Copy of the contract seen.",
        "Payslips show the deductions.",
        "Messages from the recruiter shown on the phone.",
    ),
    ObservationSource.THIRD_PARTY: (
        "Reported by a co-worker.",
        "Mentioned by the labour inspector.",
        "Reported by the school social worker.",
    ),
}
NOTE_CHANCE = 0.6
STRENGTH_OF = {key: strength for strength, key in engine.STRENGTH_KEYS.items()}


@dataclass(frozen=True)
class ScreeningPlan:
    set_key: str
    observations: tuple[Observation, ...]
    by: str  # organisation type of the screening caseworker
    expected_outcome: str  # what the engine gives for these observations


@cache
def shipped_sets() -> dict[str, engine.SetDef]:
    """The shipped file's sets, for planning without a database."""
    return {s.key: s for s in loader.load(loader.SHIPPED_FILE)}


class ScreeningPlanner:
    """Picks observed indicators from one seeded random stream."""

    def __init__(self, *, rng: random.Random, sets: Mapping[str, engine.SetDef]) -> None:
        self.rng = rng
        self.sets = sets

    def plan(self, *, child: bool, presumed: bool, by: str) -> ScreeningPlan | None:
        rng = self.rng
        if rng.random() >= SCREENED_SHARE:
            return None
        set_def = self.sets[CHILD_SET if child else ADULT_SET]
        consistent = rng.random() < CONSISTENT_SHARE[presumed]
        codes = self._consistent(set_def) if consistent else self._insufficient(set_def)
        observations = tuple(self._observation(code) for code in codes)
        result = engine.evaluate(set_def, codes, child_policy=settings.HAVEN_CHILD_VICTIM_POLICY)
        return ScreeningPlan(set_def.key, observations, by, result.outcome)

    def _consistent(self, set_def: engine.SetDef) -> list[str]:
        """A positive element for each clause of the victim rule (every child policy's,
        R-07, R-08), and a stray indicator or two."""
        rng = self.rng
        elements: list[str] = []
        for clause in _clauses(set_def):
            if "positive" in clause:
                elements.append(str(clause["positive"]))
            elif "any_positive" in clause:
                elements.append(rng.choice(list(clause["any_positive"])))
            elif clause.get("act_established") and set_def.act_elements:
                # The act is established by an observed act indicator (DR, CR), R-08.
                elements.append(rng.choice(list(set_def.act_elements)))
        codes: list[str] = []
        for element in dict.fromkeys(elements):
            codes += self._positive(set_def, element)
        others = sorted(i.id for i in set_def.indicators if i.id not in codes)
        return codes + rng.sample(others, rng.randint(0, 2))

    def _insufficient(self, set_def: engine.SetDef) -> list[str]:
        """One indicator in each of a few elements: no element is positive under the
        shipped element rule (a single indicator never is)."""
        rng = self.rng
        elements = rng.sample(list(set_def.elements), rng.randint(1, 3))
        return [
            rng.choice(_of(set_def, element)).id for element in elements if _of(set_def, element)
        ]

    def _positive(self, set_def: engine.SetDef, element: str) -> list[str]:
        """The indicators of one element rule combination that this element can meet (R-06)."""
        indicators = _of(set_def, element)
        options = [c for c in set_def.element_rule if _meets(indicators, c)]
        if not options:
            return []
        combo = self.rng.choice(options)
        chosen: list[str] = []
        for key in ("strong", "medium", "weak", "medium_or_weak"):
            strengths = ("M", "W") if key == "medium_or_weak" else (STRENGTH_OF[key],)
            pool = sorted(
                i.id for i in indicators if i.strength in strengths and i.id not in chosen
            )
            chosen += self.rng.sample(pool, combo.get(key, 0))
        return chosen

    def _observation(self, code: str) -> Observation:
        rng = self.rng
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        note = rng.choice(NOTES[source]) if rng.random() < NOTE_CHANCE else ""
        return code, str(source), note


def _of(set_def: engine.SetDef, element: str) -> list[engine.IndicatorDef]:
    return [i for i in set_def.indicators if i.element == element]


def _meets(indicators: Sequence[engine.IndicatorDef], combo: Mapping[str, int]) -> bool:
    """Whether an element has enough indicators for a combination such as
    {"strong": 1, "medium_or_weak": 1}."""
    have = {s: sum(1 for i in indicators if i.strength == s) for s in engine.STRENGTHS}
    spare = have["M"] - combo.get("medium", 0) + have["W"] - combo.get("weak", 0)
    return (
        have["S"] >= combo.get("strong", 0)
        and have["M"] >= combo.get("medium", 0)
        and have["W"] >= combo.get("weak", 0)
        and spare >= combo.get("medium_or_weak", 0)
    )


def _clauses(set_def: engine.SetDef) -> list[Mapping[str, Any]]:
    rule = set_def.victim_rule
    if "policies" in rule:
        return [c for policy in rule["policies"].values() for c in policy["all_of"]]
    return list(rule["all_of"])
