"""One error convention (style rule 14): every code is a member of its app's ``ErrorCode``.

Each app's ``errors.py`` holds ``class ErrorCode(StrEnum)`` listing every code the app
raises. A Haven error's ``default_code`` and every ``code=`` passed to a Haven error
name a member, never a string literal, so a code cannot be misspelt in one place and
the list of codes is one grep away. The checker is shown to catch a small bad example.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

HAVEN = Path(__file__).resolve().parents[2]

# The base classes of ``haven.lib.errors``; every Haven error derives from one of them.
BASES = frozenset({"HavenError", "InvalidInput", "NotAllowed", "NotFound", "Conflict"})


def sources() -> list[Path]:
    """Every source module of Haven, without tests and migrations."""
    return [
        path
        for path in sorted(HAVEN.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def error_names(texts: Iterable[str]) -> set[str]:
    """Names of Haven error classes: subclasses of the bases, and aliases of them."""
    trees = [ast.parse(text) for text in texts]
    names = set(BASES)
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                found: str | None = None
                if isinstance(node, ast.ClassDef) and any(_name(b) in names for b in node.bases):
                    found = node.name
                elif (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and _name(node.value) in names
                ):
                    found = node.targets[0].id
                if found is not None and found not in names:
                    names.add(found)
                    grew = True
    return names


def _is_text(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _default_codes(cls: ast.ClassDef) -> list[ast.expr | None]:
    values: list[ast.expr | None] = []
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(
            _name(target) == "default_code" for target in statement.targets
        ):
            values.append(statement.value)
        if isinstance(statement, ast.AnnAssign) and _name(statement.target) == "default_code":
            values.append(statement.value)
    return values


def literal_codes(source: str, names: set[str]) -> list[str]:
    """Where a string literal is a Haven error's ``default_code`` or ``code=`` argument."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in names:
            found += [
                f"line {node.lineno}: {_name(node.func)}(code={ast.unparse(kw.value)})"
                for kw in node.keywords
                if kw.arg == "code" and _is_text(kw.value)
            ]
        if isinstance(node, ast.ClassDef) and node.name in names:
            found += [
                f"line {node.lineno}: {node.name}.default_code = {ast.unparse(value)}"
                for value in _default_codes(node)
                if value is not None and _is_text(value)
            ]
    return found


BAD = """
from django import forms
from haven.lib.errors import Conflict, InvalidInput
from haven.referrals import errors

class Oops(Conflict):
    default_code = "oops"

class Typed(Conflict):
    default_code: ClassVar[str] = "typed"

class Fine(Conflict):
    default_code = errors.ErrorCode.FINE

def f():
    raise InvalidInput("no", code="required", field="x")

def g():
    raise errors.Oops("no", code="also_bad")

def h():
    raise forms.ValidationError("a form's own code", code="invalid_country")

def k():
    raise Oops("fine", code=errors.ErrorCode.REQUIRED)
"""


def test_the_code_check_catches_literal_codes_and_passes_members() -> None:
    names = error_names([BAD])

    found = literal_codes(BAD, names)

    assert {"Oops", "Typed", "Fine"} <= names
    assert "ValidationError" not in names
    assert found == [
        "line 6: Oops.default_code = 'oops'",
        "line 9: Typed.default_code = 'typed'",
        "line 16: InvalidInput(code='required')",
        "line 19: Oops(code='also_bad')",
    ]


SOURCES = sources()
NAMES = error_names(path.read_text() for path in SOURCES)


def relative(path: Path) -> str:
    return str(path.relative_to(HAVEN.parent))


def test_it_finds_the_error_classes_of_every_app() -> None:
    assert {"CaseNotFound", "PackageExpired", "RateLimited", "DirectoryInvalid"} <= NAMES
    assert {"BreakGlassNotFound", "JustificationRequired"} <= NAMES


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_no_haven_error_gets_a_literal_code(path: Path) -> None:
    assert literal_codes(path.read_text(), NAMES) == []


ERROR_MODULES = sorted(HAVEN.glob("*/errors.py"))


@pytest.mark.parametrize("path", ERROR_MODULES, ids=relative)
def test_every_errors_module_has_one_error_code_str_enum(path: Path) -> None:
    tree = ast.parse(path.read_text())

    enums = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and any(_name(b) == "StrEnum" for b in node.bases)
    ]

    assert [enum.name for enum in enums] == ["ErrorCode"]
    members = [s for s in enums[0].body if isinstance(s, ast.Assign)]
    values = [m.value.value for m in members if isinstance(m.value, ast.Constant)]
    assert len(values) == len(members) == len(set(values))
    for member, value in zip(members, values, strict=True):
        assert _name(member.targets[0]) == str(value).upper()
