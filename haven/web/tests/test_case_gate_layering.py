"""One case gate (architecture: "The case gate"): no selector or service outside
``haven/cases/selectors.py`` writes its own copy of it, that is, a function that
loads the case (``case_get`` or ``case_get_with_context``) and decides a field
group itself (``decide(``). It calls ``cases.selectors.case_for`` instead.

The checker is a plain function over source text, shown to catch a small bad
example, so that the test cannot pass with the check removed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from haven.web.tests.test_layering import HAVEN, relative, sources

CASE_LOADERS = frozenset({"case_get", "case_get_with_context"})
GATE = HAVEN / "cases" / "selectors.py"


def _called_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
            elif isinstance(target, ast.Name):
                names.add(target.id)
    return names


def hand_written_gates(source: str) -> list[str]:
    """Functions (nested ones and methods too) that load a case and call ``decide``."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _called_names(node) & CASE_LOADERS
        and "decide" in _called_names(node)
    ]


def test_the_gate_check_catches_a_hand_written_copy() -> None:
    # given
    source = """
def _legal_case(*, user, case_id):
    case = case_selectors.case_get(user=user, case_id=case_id)
    decision = access_policy.decide(user=user, case_id=case.id, field_group="legal")
    if not decision.allowed:
        raise GroupNotAllowed(decision.reason)
    return case

def guardian_list(*, user, case_id):
    case, context = case_get_with_context(user=user, case_id=case_id)
    if not decide(user=user, case_id=case.id, field_group="legal", context=context).allowed:
        raise GroupNotAllowed("no")

def plans_for_case(*, user, case_id):
    return case_selectors.case_for(user=user, case_id=case_id, group="services", purpose="x")

def team(*, user, case_id):
    return case_selectors.case_get(user=user, case_id=case_id).team
"""

    # then
    assert hand_written_gates(source) == ["_legal_case", "guardian_list"]


SELECTOR_AND_SERVICE_MODULES = [
    path
    for path in sources(["*/selectors.py", "*/selectors/*.py", "*/services.py", "*/services/*.py"])
    if path != GATE
]


def test_it_finds_the_selector_and_service_modules() -> None:
    # modules, and the modules of selectors/ and services/ packages; never the gate itself
    assert {
        HAVEN / "children" / "selectors.py",
        HAVEN / "identification" / "selectors" / "decisions.py",
        HAVEN / "assistance" / "services" / "plans.py",
        HAVEN / "referrals" / "services" / "referrals.py",
        HAVEN / "cases" / "services.py",
    } <= set(SELECTOR_AND_SERVICE_MODULES)
    assert GATE not in SELECTOR_AND_SERVICE_MODULES


@pytest.mark.parametrize("path", SELECTOR_AND_SERVICE_MODULES, ids=relative)
def test_no_selector_or_service_writes_its_own_case_gate(path: Path) -> None:
    # Every app reads and writes a case through cases.selectors.case_for.
    assert hand_written_gates(path.read_text(encoding="utf-8")) == []
