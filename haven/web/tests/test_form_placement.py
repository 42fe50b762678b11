"""One form convention (style rule 2): form classes live in the app's ``forms`` module
or ``forms/`` package, never in a view module.

The checker is a plain function over source text, shown to catch a small bad example.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HAVEN = Path(__file__).resolve().parents[2]

FORM_BASES = frozenset({"Form", "ModelForm", "BaseForm", "BaseFormSet", "BaseModelFormSet"})


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def form_classes(source: str) -> list[str]:
    """Classes deriving from a Django form, directly or through a form of the module."""
    forms: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and any(
            _name(base) in FORM_BASES or _name(base) in forms for base in node.bases
        ):
            forms.append(node.name)
    return forms


BAD = """
from django import forms
from django.forms import ModelForm

class NoteForm(forms.Form):
    text = forms.CharField()

class LongNoteForm(NoteForm):
    pass

class CaseForm(ModelForm):
    pass

class Row:
    pass

def note_new(request):
    form = NoteForm(request.POST)
"""


def test_the_form_check_catches_form_classes_and_leaves_others() -> None:
    assert form_classes(BAD) == ["NoteForm", "LongNoteForm", "CaseForm"]


def view_modules() -> list[Path]:
    return sorted([*HAVEN.glob("*/views.py"), *HAVEN.glob("*/views/*.py")])


def relative(path: Path) -> str:
    return str(path.relative_to(HAVEN.parent))


def test_it_finds_the_view_modules() -> None:
    names = {relative(path) for path in view_modules()}
    assert {"haven/cases/views/cases.py", "haven/referrals/views/referrals.py"} <= names
    assert "haven/access/views/break_glass.py" in names


@pytest.mark.parametrize("path", view_modules(), ids=relative)
def test_no_view_module_defines_a_form(path: Path) -> None:
    assert form_classes(path.read_text()) == []
