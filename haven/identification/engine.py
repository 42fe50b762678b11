"""The indicator screening engine: pure functions, no database.

It counts observed indicators per element by strength, applies the set's
element rule (R-06) and victim rule (R-07 adults, R-08 children) and explains
the result. The result is decision support only (R-09): the outcome is either
"indicators consistent with trafficking" or "insufficient indicators
recorded", never "not a victim".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CONSISTENT = "indicators_consistent_with_trafficking"
INSUFFICIENT = "insufficient_indicators_recorded"
STRENGTHS = ("S", "M", "W")
STRENGTH_KEYS = {"S": "strong", "M": "medium", "W": "weak"}
COMBO_KEYS = frozenset({"strong", "medium", "weak", "medium_or_weak"})
CHILD_POLICIES = ("legal_baseline", "ilo_strict_unverified")
# R-08: the act (recruitment, transport, transfer, harbouring, receipt) shows in the
# indicators of what was done to the person during recruitment, transfer and transport:
# deceptive (DR) and coercive (CR) recruitment. Recruitment by abuse of vulnerability (RV)
# lists the person's vulnerabilities ("economic reasons", "family situation"): a means,
# never the act on its own. A file with other element codes has no act indicators: the
# caseworker then answers whether the act is established.
ACT_ELEMENTS = ("DR", "CR")


class UnknownIndicators(ValueError):
    """Observed ids that the set does not contain; ``ids`` names them."""

    def __init__(self, ids: Sequence[str]):
        super().__init__("unknown indicator ids: " + ", ".join(ids))
        self.ids = list(ids)


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    element: str
    label: str
    strength: str  # S, M or W: the grade belongs to the set (R-05)


@dataclass(frozen=True)
class SetDef:
    """One indicator set, as loaded from a data file or from the database."""

    key: str
    title: str
    audience: str  # "adults" or "children"
    elements: tuple[str, ...]
    recruitment_elements: tuple[str, ...]
    indicators: tuple[IndicatorDef, ...]
    element_rule: tuple[Mapping[str, int], ...]  # any_of combinations (R-06)
    victim_rule: Mapping[str, Any]  # {"all_of": [...]} or {"policies": {name: {"all_of": ...}}}
    version: int = 1
    provisional: bool = True
    source: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.indicators

    @property
    def act_elements(self) -> tuple[str, ...]:
        """The recruitment elements whose indicators establish the act for a child (R-08)."""
        return tuple(e for e in self.recruitment_elements if e in ACT_ELEMENTS)


@dataclass(frozen=True)
class ElementResult:
    strong: int
    medium: int
    weak: int
    positive: bool
    observed: tuple[str, ...]
    why: str

    def counts(self) -> dict[str, int | bool]:
        return {
            "strong": self.strong,
            "medium": self.medium,
            "weak": self.weak,
            "positive": self.positive,
        }


@dataclass(frozen=True)
class Result:
    set_key: str
    set_version: int
    provisional: bool
    elements: dict[str, ElementResult]
    victim_rule: str
    outcome: str
    explanation: list[str]

    def as_json(self) -> dict[str, Any]:
        """The shape printed by ``haven screen`` and stored on a screening."""
        return {
            "set": self.set_key,
            "version": self.set_version,
            "provisional": self.provisional,
            "elements": {code: r.counts() for code, r in self.elements.items()},
            "victim_rule": self.victim_rule,
            "outcome": self.outcome,
            "explanation": self.explanation,
        }


def ilo_element_positive(strong: int, medium: int, weak: int) -> bool:
    """The ILO element rule (R-06), verbatim: the floor no file's element rule may go under."""
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def combo_met(combo: Mapping[str, int], strong: int, medium: int, weak: int) -> bool:
    """One minimum combination of an element rule, e.g. {strong: 1, medium_or_weak: 1}."""
    need_s = combo.get("strong", 0)
    need_m = combo.get("medium", 0)
    need_w = combo.get("weak", 0)
    if strong < need_s or medium < need_m or weak < need_w:
        return False
    spare = (medium - need_m) + (weak - need_w)
    return spare >= combo.get("medium_or_weak", 0)


def element_positive(
    rule: Iterable[Mapping[str, int]], strong: int, medium: int, weak: int
) -> Mapping[str, int] | None:
    """The first combination of ``rule`` the counts meet, or None (R-06)."""
    for combo in rule:
        if combo_met(combo, strong, medium, weak):
            return combo
    return None


def _describe(combo: Mapping[str, int]) -> str:
    parts = [f"{n} {key.replace('_', '-')}" for key, n in combo.items() if n]
    return " + ".join(parts)


def evaluate_element(set_def: SetDef, element: str, observed: frozenset[str]) -> ElementResult:
    hits = [i for i in set_def.indicators if i.element == element and i.id in observed]
    counts = {s: sum(1 for i in hits if i.strength == s) for s in STRENGTHS}
    combo = element_positive(set_def.element_rule, counts["S"], counts["M"], counts["W"])
    ordered = tuple(i.id for s in STRENGTHS for i in hits if i.strength == s)
    if combo is not None:
        why = f"positive: meets the combination {_describe(combo)}"
    elif counts["S"] == 1 and len(hits) == 1:
        why = (
            "not positive: no minimum combination is met (one strong indicator alone is not enough)"
        )
    elif hits:
        recorded = _describe({STRENGTH_KEYS[s]: counts[s] for s in STRENGTHS})
        why = f"not positive: no minimum combination is met (recorded: {recorded})"
    else:
        why = "not positive: no indicator of this element was recorded"
    return ElementResult(counts["S"], counts["M"], counts["W"], combo is not None, ordered, why)


def _clause_met(
    clause: Mapping[str, Any], positive: Mapping[str, bool], act_established: bool
) -> bool:
    if "any_positive" in clause:
        return any(positive.get(code, False) for code in clause["any_positive"])
    if "positive" in clause:
        return positive.get(str(clause["positive"]), False)
    if "act_established" in clause:
        return act_established == bool(clause["act_established"])
    raise ValueError(f"unknown victim-rule clause: {sorted(clause)}")


def _act_words(*, told: bool, established: bool, act_ids: Sequence[str]) -> str:
    """How the act was established for a child, or why it was not (R-08)."""
    if told:
        return "Act: " + ("established" if established else "not established") + " (answered)."
    if established:
        return "Act: established by the recorded act indicators " + ", ".join(act_ids) + "."
    return (
        "Act: not established: no deceptive or coercive recruitment indicator is recorded, "
        "and a vulnerability indicator alone never establishes the act."
    )


def victim_rule_for(set_def: SetDef, child_policy: str) -> tuple[str, list[Mapping[str, Any]]]:
    """The adults rule (R-07), or the configured child policy (R-08)."""
    rule = set_def.victim_rule
    if "policies" in rule:
        policies = rule["policies"]
        if child_policy not in policies:
            raise ValueError(f"child policy {child_policy!r} is not defined for {set_def.key}")
        return child_policy, list(policies[child_policy]["all_of"])
    return "adults", list(rule["all_of"])


def evaluate(
    set_def: SetDef,
    observed: Iterable[str],
    *,
    child_policy: str = "legal_baseline",
    act_established: bool | None = None,
) -> Result:
    """Evaluate the observed indicator ids against one set and explain why.

    For children, the act (recruitment, transport, transfer, harbouring, receipt)
    is established when the caseworker says so, or else by an observed act
    indicator (``SetDef.act_elements``), never by a vulnerability indicator alone
    (R-08).
    """
    observed_ids = frozenset(observed)
    known = {i.id for i in set_def.indicators}
    unknown = sorted(observed_ids - known)
    if unknown:
        raise UnknownIndicators(unknown)
    elements = {e: evaluate_element(set_def, e, observed_ids) for e in set_def.elements}
    positive = {code: r.positive for code, r in elements.items()}
    told = act_established is not None
    act_ids = [i for e in set_def.act_elements if e in elements for i in elements[e].observed]
    if act_established is None:
        act_established = bool(act_ids)
    rule_name, clauses = victim_rule_for(set_def, child_policy)
    met = all(_clause_met(c, positive, act_established) for c in clauses)
    explanation = [f"{code}: {r.why}" for code, r in elements.items()]
    if any("act_established" in c for c in clauses):
        explanation.append(_act_words(told=told, established=act_established, act_ids=act_ids))
    if met:
        explanation.append(
            f"The recorded indicators meet the {rule_name} rule of this set: they are consistent "
            "with trafficking. This is decision support; the competent authority decides."
        )
    else:
        explanation.append(
            f"The recorded indicators do not (yet) meet the {rule_name} rule of this set. This "
            "does not mean the person is not a victim: a review is due, and reasonable grounds "
            "may rest on other evidence or professional judgement."
        )
    if set_def.provisional:
        explanation.append(
            "Provisional indicator set: not yet checked word for word against the ILO source."
        )
    return Result(
        set_key=set_def.key,
        set_version=set_def.version,
        provisional=set_def.provisional,
        elements=elements,
        victim_rule=rule_name,
        outcome=CONSISTENT if met else INSUFFICIENT,
        explanation=explanation,
    )
