"""Checking an indicator file, part 1: shared checks and the rules (R-06, R-07, R-08)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from haven.identification import engine

SCHEMA_VERSION = 1

AUDIENCES = ("adults", "children")
EXPLOITATIONS = ("labour", "sexual", "other")
STRENGTHS = engine.STRENGTHS
RECRUITMENT_GROUP = "recruitment"
RULE_META = ("confirmed", "confidence", "note")
CLAUSES = ("any_positive", "positive", "act_established")
VICTIM_RULE_OF = {"adults": "victim_adults", "children": "victim_children"}
# The floor of the victim rules (R-07, R-08), by element group: the ILO adults' rule needs a
# positive element of each group; a child's needs exploitation and the act (or recruitment).
ADULT_FLOOR_GROUPS = (RECRUITMENT_GROUP, "exploitation", "destination")
EXPLOITATION_GROUP = "exploitation"
ILO_ELEMENT_RULE_WORDS = "2 strong, 1 strong + 1 medium-or-weak, 3 medium, or 2 medium + 1 weak"

TOP_KEYS = (
    "schema_version",
    "language",
    "source",
    "elements",
    "rules",
    "sets",
    "translations",
)
# The language a file's texts are written in: ISO 639-1, optionally with a region (pt-br).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
SOURCE_LANGUAGE = "en"
ELEMENT_KEYS = ("code", "name", "group")
RULE_KEYS = ("element_positive", "victim_adults", "victim_children")
SET_KEYS = (
    "title",
    "confirmed",
    "confidence",
    "note",
    "expected_counts",
    "indicators",
    "audience",
    "exploitation",
)
INDICATOR_KEYS = ("id", "label", "strength", "uncertain", "note", "provisional", "sources")
MAX_CITATION = 100

SET_KEY = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
ELEMENT_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
INDICATOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")
MAX_SET_KEY, MAX_TITLE, MAX_LABEL, MAX_CONFIDENCE = 60, 200, 300, 20


# --- values ------------------------------------------------------------------------------


def show(value: object) -> str:
    """A value as the problem list quotes it: strings in quotes, short."""
    text = f'"{value}"' if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def json_safe(value: Any) -> Any:
    """YAML may hold dates; the database keeps JSON."""
    return json.loads(json.dumps(value, default=str))


def _either(options: tuple[str, ...]) -> str:
    return _("%(first)s or %(last)s") % {"first": ", ".join(options[:-1]), "last": options[-1]}


class Checker:
    """The checks every part of a file uses; every problem goes to ``problems``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        self.codes: list[str] = []
        self.recruitment: list[str] = []
        self.rules_given: set[str] = set()
        self.groups: dict[str, str] = {}
        self.names: dict[str, str] = {}  # element code -> name, as the file writes it
        self.language = SOURCE_LANGUAGE  # the file's texts' language
        self.citations: tuple[str, ...] | None = None  # source.citations names, if given

    def problem(self, path: str, message: str, **params: object) -> None:
        """Record one problem; ``message`` is already translated, ``params`` fill it in."""
        self.problems.append(f"{path}: {message % params if params else message}")

    def unknown_keys(self, data: Mapping[Any, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.problem(where, _("unknown key (expected %(keys)s)"), keys=_either(allowed))

    def mapping(self, value: Any, path: str, *, required: bool = True) -> dict[Any, Any] | None:
        if isinstance(value, dict):
            return value
        if value is None and not required:
            return None
        if value is None:
            self.problem(path, _("missing"))
        else:
            self.problem(
                path,
                _("must be a mapping of keys to values (got %(value)s)"),
                value=show(value),
            )
        return None

    def text(
        self, data: Mapping[Any, Any], key: str, path: str, *, limit: int, required: bool
    ) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            if value is None:
                self.problem(f"{path}.{key}", _("missing"))
            else:
                self.problem(
                    f"{path}.{key}",
                    _("must be a non-empty text (got %(value)s)"),
                    value=show(value),
                )
            return ""
        if len(value) > limit:
            self.problem(
                f"{path}.{key}", _("must be at most %(limit)d characters long"), limit=limit
            )
        return value.strip()

    def flag(self, data: Mapping[Any, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(
                f"{path}.{key}",
                _("must be true or false (got %(value)s)"),
                value=show(value),
            )
            return False
        return value


class RuleChecker(Checker):
    """The ``rules`` block: the element rule and the victim rules."""

    # --- rules --------------------------------------------------------------------------

    def rules(self, raw: Any) -> dict[str, Any]:
        rules = self.mapping(raw, "rules")
        if rules is None:
            return {}
        self.unknown_keys(rules, RULE_KEYS, "rules")
        self.rules_given = {str(key) for key in rules}
        checked: dict[str, Any] = {}
        element_rule = self.element_rule(rules.get("element_positive"))
        if element_rule is not None:
            checked["element_positive"] = element_rule
        if "victim_adults" in rules:
            adults = self.rule_block(rules["victim_adults"], "rules.victim_adults", ("all_of",))
            if adults is not None:
                before = len(self.problems)
                clauses = self.clauses(adults.get("all_of"), "rules.victim_adults.all_of")
                if len(self.problems) == before:
                    self.adults_floor(clauses, "rules.victim_adults.all_of")
                checked["victim_adults"] = {"all_of": clauses}
        if "victim_children" in rules:
            children = self.rule_block(
                rules["victim_children"], "rules.victim_children", ("policies",)
            )
            if children is not None:
                checked["victim_children"] = {"policies": self.policies(children.get("policies"))}
        return checked

    def rule_block(self, raw: Any, path: str, keys: tuple[str, ...]) -> dict[Any, Any] | None:
        block = self.mapping(raw, path)
        if block is not None:
            self.unknown_keys(block, (*keys, *RULE_META), path)
        return block

    def element_rule(self, raw: Any) -> list[dict[str, int]] | None:
        path = "rules.element_positive"
        block = self.rule_block(raw, path, ("any_of",))
        if block is None:
            return None
        combos = block.get("any_of")
        if not isinstance(combos, list) or not combos:
            self.problem(f"{path}.any_of", _("must be a non-empty list of minimum combinations"))
            return None
        checked = []
        for i, raw_combo in enumerate(combos):
            before = len(self.problems)
            combo = self.combo(raw_combo, f"{path}.any_of[{i}]")
            if len(self.problems) == before:
                self.element_floor(combo, f"{path}.any_of[{i}]")
            checked.append(combo)
        return checked

    def element_floor(self, combo: dict[str, int], path: str) -> None:
        """R-06 has a floor: no combination may make positive what the ILO rule does not.

        Both rules only grow with more indicators, so it is enough to check the fewest
        indicators that meet the combination (each way of filling medium-or-weak).
        """
        strong, medium, weak = (combo.get(k, 0) for k in ("strong", "medium", "weak"))
        either = combo.get("medium_or_weak", 0)
        for k in range(either + 1):
            counts = (strong, medium + k, weak + either - k)
            if not engine.ilo_element_positive(*counts):
                words = " + ".join(
                    f"{n} {name}"
                    for n, name in zip(counts, ("strong", "medium", "weak"), strict=True)
                    if n
                )
                self.problem(
                    path,
                    _(
                        "weaker than the ILO element rule (R-06): %(counts)s alone would make an "
                        "element positive; the ILO rule needs at least %(ilo)s"
                    ),
                    counts=words,
                    ilo=ILO_ELEMENT_RULE_WORDS,
                )
                return

    def _group_codes(self, group: str) -> list[str]:
        return [code for code in self.codes if self.groups.get(code) == group]

    def _requires(self, clauses: list[dict[str, Any]], group: str) -> bool:
        """Some clause needs a positive element, all of whose choices are in ``group``."""
        codes = set(self._group_codes(group))
        for clause in clauses:
            named = clause.get("any_positive") or (
                [clause["positive"]] if "positive" in clause else []
            )
            if named and set(named) <= codes:
                return True
        return False

    def _floor_problem(self, path: str, rule: str, group: str) -> None:
        self.problem(
            path,
            _(
                "weaker than the %(rule)s: it must require a positive %(group)s element "
                "(one of %(codes)s)"
            ),
            rule=rule,
            group=group,
            codes=", ".join(self._group_codes(group)) or _("none in this file"),
        )

    def adults_floor(self, clauses: list[dict[str, Any]], path: str) -> None:
        """R-07 has a floor: recruitment, exploitation and destination are all required."""
        for group in ADULT_FLOOR_GROUPS:
            if not self._requires(clauses, group):
                self._floor_problem(path, _("ILO victim rule for adults (R-07)"), group)

    def child_floor(self, clauses: list[dict[str, Any]], path: str) -> None:
        """R-08 has a floor: exploitation, and the act or a positive recruitment element."""
        rule = _("victim rule for children (R-08)")
        if not self._requires(clauses, EXPLOITATION_GROUP):
            self._floor_problem(path, rule, EXPLOITATION_GROUP)
        act = any(c.get("act_established") is True for c in clauses)
        if not act and not self._requires(clauses, RECRUITMENT_GROUP):
            self.problem(
                path,
                _(
                    "weaker than the %(rule)s: it must require the act (act_established: true) "
                    "or a positive recruitment element (one of %(codes)s)"
                ),
                rule=rule,
                codes=", ".join(self._group_codes(RECRUITMENT_GROUP)) or _("none in this file"),
            )

    def combo(self, raw: Any, path: str) -> dict[str, int]:
        combo = self.mapping(raw, path)
        if combo is None:
            return {}
        checked: dict[str, int] = {}
        for key, value in combo.items():
            if key not in engine.COMBO_KEYS:
                allowed = tuple(sorted(engine.COMBO_KEYS))
                self.problem(
                    f"{path}.{key}",
                    _("unknown rule clause (expected %(keys)s)"),
                    keys=_either(allowed),
                )
            elif not is_int(value) or value < 0:
                self.problem(
                    f"{path}.{key}",
                    _("must be a whole number, 0 or more (got %(value)s)"),
                    value=show(value),
                )
            else:
                checked[key] = value
        if not any(checked.values()):
            self.problem(path, _("a combination needs at least one indicator"))
        return checked

    def policies(self, raw: Any) -> dict[str, Any]:
        path = "rules.victim_children.policies"
        policies = self.mapping(raw, path)
        if policies is not None and not policies:
            self.problem(path, _("must name at least one policy"))
        checked: dict[str, Any] = {}
        for name, body in (policies or {}).items():
            where = f"{path}.{name}"
            if not isinstance(name, str) or not SET_KEY.match(name):
                self.problem(
                    where, _("a policy name must be a slug of lower-case letters, digits and _")
                )
            policy = self.rule_block(body, where, ("all_of",))
            if policy is not None:
                before = len(self.problems)
                clauses = self.clauses(policy.get("all_of"), f"{where}.all_of")
                if len(self.problems) == before:
                    self.child_floor(clauses, f"{where}.all_of")
                checked[str(name)] = {"all_of": clauses}
        return checked

    def clauses(self, raw: Any, path: str) -> list[dict[str, Any]]:
        if not isinstance(raw, list) or not raw:
            self.problem(path, _("must be a non-empty list of conditions"))
            return []
        return [c for i, item in enumerate(raw) if (c := self.clause(item, f"{path}[{i}]"))]

    def clause(self, raw: Any, path: str) -> dict[str, Any] | None:
        clause = self.mapping(raw, path)
        if clause is None:
            return None
        if len(clause) != 1 or next(iter(clause)) not in CLAUSES:
            names = ", ".join(show(k) for k in clause) or show({})
            self.problem(
                path,
                _("unknown rule clause %(names)s (expected one of %(keys)s)"),
                names=names,
                keys=_either(CLAUSES),
            )
            return None
        name, value = next(iter(clause.items()))
        if name == "act_established":
            if not isinstance(value, bool):
                self.problem(
                    f"{path}.{name}",
                    _("must be true or false (got %(value)s)"),
                    value=show(value),
                )
                return None
            return {name: value}
        codes = value if name == "any_positive" else [value]
        if name == "any_positive" and (not isinstance(value, list) or not value):
            self.problem(f"{path}.{name}", _("must be a non-empty list of element codes"))
            return None
        unknown = [c for c in codes if c not in self.codes]
        if unknown:
            self.problem(
                f"{path}.{name}",
                _("unknown element %(codes)s (the file's elements are %(known)s)"),
                codes=", ".join(show(c) for c in unknown),
                known=", ".join(self.codes),
            )
            return None
        return {name: value}
