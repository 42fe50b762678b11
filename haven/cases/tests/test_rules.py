"""Domain rules that cut across modules: R-18 (assistance is unconditional) and R-03."""

from __future__ import annotations

import ast
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


def forbidden_identifiers(source: str) -> list[str]:
    """Names, attributes, arguments and string keys mentioning cooperation or witnessing.

    Docstrings and comments may say that cooperation is never read; code may not read it.
    """
    tree = ast.parse(source)
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str | None] = []
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.arg | ast.keyword):
            names = [node.arg]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.alias):
            names = [node.name, node.asname]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [] if id(node) in docstrings else [node.value]
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
    )

    # then
    stored = Case.objects.get(pk=case.pk)
    assert stored.assistance_eligible
    assert stored.removal_protected
