"""Domain rules that cut across modules: R-18 (assistance is unconditional) and R-03."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases import services
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import open_case

HAVEN = Path(__file__).resolve().parents[2]
FORBIDDEN = ("cooperat", "is_witness")


def eligibility_sources() -> list[Path]:
    """The modules that decide eligibility and access, now and as later apps arrive."""
    candidates = [HAVEN / "cases" / "services.py", HAVEN / "cases" / "status.py"]
    for package in ("access", "assistance"):
        candidates += sorted((HAVEN / package).rglob("*.py"))
    return [
        path
        for path in candidates
        if path.exists() and "tests" not in path.parts and "migrations" not in path.parts
    ]


# Calls whose string arguments are words for people, not names for code.
TRANSLATION_CALLS = frozenset(
    {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
)
# A string that names something in code: a field, a key, a lookup path
# ("case__cooperates"), a dotted path. Sentences have spaces; identifiers do not.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:(?:__|\.)[A-Za-z_][A-Za-z0-9_]*)*")


def _user_facing_strings(tree: ast.AST) -> set[int]:
    """Docstrings and the arguments of translation calls: words, not code."""
    words: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            words.add(id(node.value))
        elif isinstance(node, ast.Call) and _called_name(node.func) in TRANSLATION_CALLS:
            words |= {id(n) for arg in node.args for n in ast.walk(arg)}
    return words


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _names_in(node: ast.AST, words: set[int]) -> list[str | None]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.arg | ast.keyword):
        return [node.arg]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.alias):
        return [node.name, node.asname]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in words:
        # dict keys, subscripts, getattr and lookup strings are code; sentences are not
        return [node.value] if IDENTIFIER.fullmatch(node.value) else []
    return []


def forbidden_identifiers(source: str) -> list[str]:
    """Names, attributes, arguments, and strings that name code (keys, lookups)
    mentioning cooperation or witnessing.

    Docstrings, comments and user-facing words (translated strings, sentences)
    may say "cooperation agreement" or that cooperation is never read; code may
    not read it.
    """
    tree = ast.parse(source)
    words = _user_facing_strings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        names = _names_in(node, words)
        found += [n for n in names if n and any(word in n.lower() for word in FORBIDDEN)]
    return found


def test_it_finds_cooperation_read_in_code_but_not_in_docstrings() -> None:
    # given: the checker must catch each way of reading the field
    bad = '''
def eligible(person, cooperates_with_authorities=False):
    """Eligibility."""
    return person.is_witness or person.detail["cooperation"] or x.filter(cooperating=True)
'''
    good = '''
def eligible(person):
    """Never reads cooperation or whether the person is a witness (R-18)."""
    return True
'''

    # then
    assert sorted(forbidden_identifiers(bad)) == [
        "cooperates_with_authorities",
        "cooperating",
        "cooperation",
        "is_witness",
    ]
    assert forbidden_identifiers(good) == []


def test_it_finds_cooperation_read_in_code_but_not_in_user_facing_words() -> None:
    # given: the same module reading the case's cooperation in code, and naming
    # cooperation agreements in words for people
    bad = """
from django.utils.translation import gettext_lazy as _

def rule(case, row):
    if case.cooperates_with_police:
        return row["cooperation_status"], getattr(case, "willing_to_cooperate")
    return Case.objects.filter(case__cooperates=True).values("person__is_witness")
"""
    good = """
from django.utils.translation import gettext_lazy as _

def rule(case):
    message = "Ask the case lead about the cooperation agreement."
    return _("No cooperation agreement in force lets %(group)s flow."), _("Cooperation")
"""

    # then
    assert sorted(forbidden_identifiers(bad)) == [
        "case__cooperates",
        "cooperates_with_police",
        "cooperation_status",
        "person__is_witness",
        "willing_to_cooperate",
    ]
    assert forbidden_identifiers(good) == []


def test_it_scans_the_eligibility_modules() -> None:
    paths = eligibility_sources()
    assert HAVEN / "cases" / "services.py" in paths
    assert HAVEN / "access" / "policy.py" in paths


@pytest.mark.parametrize("path", eligibility_sources(), ids=lambda p: str(p.relative_to(HAVEN)))
def test_no_eligibility_rule_reads_cooperation_or_witness_status(path: Path) -> None:
    # assistance never depends on willingness to cooperate or to act as a witness.
    assert forbidden_identifiers(path.read_text(encoding="utf-8")) == []


@pytest.mark.django_db
def test_it_gives_a_non_cooperating_presumed_victim_full_eligibility() -> None:
    # given: a person who says they will not talk to the police
    ngo = make_user(org_type=OrgType.NGO)
    case = open_case(actor=ngo, narrative="Does not want to cooperate with the police.")
    assert Case.objects.get(pk=case.pk).assistance_eligible  # from the very first contact

    # when
    services.case_transition(
        pathway_decision=True,
        actor=ngo,
        case_id=case.id,
        to_status=S.PRESUMED,
        reasons="Reasonable grounds.",
        legal_basis="Test Act s. 1",
    )

    # then
    stored = Case.objects.get(pk=case.pk)
    assert stored.assistance_eligible
    assert stored.removal_protected
