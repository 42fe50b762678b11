"""R-18 and R-33: no assistance, eligibility, protection or reflection rule reads
anything of the justice app: cooperation, proceedings, protective measures,
legal aid, compensation, confiscated assets, or a possible compelled offence
(which is never a negative indicator, R-33).

The scan's words come from the justice models themselves (their names and every
field name no other app's model uses), so a field added there is covered without
editing this test. The rule modules are the ones ``test_rules_r18`` scans.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.apps import apps

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.assistance import eligibility
from haven.assistance.tests.test_rules_r18 import HAVEN, rule_modules
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.justice import services_remedies
from haven.justice.models import OffenceKind

NOON = "2026-03-02 12:00Z"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def justice_words() -> set[str]:
    """The justice models' names (as written and in snake case) and every field
    name of theirs that no other app's model has."""
    justice = list(apps.get_app_config("justice").get_models())
    others = [m for m in apps.get_models() if m._meta.app_label != "justice"]
    shared = {f.name for m in others for f in m._meta.get_fields()}
    shared |= {getattr(f, "attname", f.name) for m in others for f in m._meta.get_fields()}
    words = {m.__name__.lower() for m in justice} | {_snake(m.__name__) for m in justice}
    for model in justice:
        for field in model._meta.get_fields():
            for name in {field.name, getattr(field, "attname", field.name)}:
                if name not in shared:
                    words.add(name.lower())
    return words


def justice_reads(source: str, words: set[str]) -> list[str]:
    """Imports of the justice app, and names, attributes, arguments and string
    constants (not docstrings) that are a justice model or one of its own fields."""
    tree = ast.parse(source)
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str | None] = []
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("haven.justice"):
            found.append(node.module or "")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("haven.justice")]
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.arg | ast.keyword):
            names = [node.arg]
        elif isinstance(node, ast.alias):
            names = [node.name, node.asname]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [] if id(node) in docstrings else [node.value]
        found += [n for n in names if n and n.lower() in words]
    return found


def test_r33_the_scan_knows_every_justice_model_and_its_own_fields() -> None:
    # then
    words = justice_words()
    assert {
        "compelledoffence",
        "compelled_offence",
        "offence_enc",
        "link_enc",
        "proceeding",
        "protective_measure",
        "legal_aid",
        "counsel_name_enc",
        "free_aid",
        "amount_awarded",
        "confiscated_asset",
        "cooperates_with_authorities",
        "is_witness",
    } <= words
    assert "status" not in words and "case" not in words  # shared by other apps' models


def test_r33_the_scan_catches_every_way_of_reading_the_justice_app() -> None:
    # given
    bad = '''
from haven.justice.models import CompelledOffence
import haven.justice.selectors

def assistance_eligibility(case):
    """Refused when a compelled offence is flagged."""
    if CompelledOffence.objects.filter(case=case).exists():
        return False
    return case.detail["amount_awarded"] or check(free_aid=True)
'''
    good = '''
def assistance_eligibility(case):
    """Never reads proceedings, compensation or a compelled offence (R-33)."""
    return Eligibility(True, _REASONS[case.identification_status])
'''
    # then
    words = justice_words()
    assert sorted(justice_reads(bad, words)) == [
        "CompelledOffence",
        "CompelledOffence",
        "amount_awarded",
        "free_aid",
        "haven.justice.models",
        "haven.justice.selectors",
    ]
    assert justice_reads(good, words) == []


@pytest.mark.parametrize("path", rule_modules(), ids=lambda p: str(p.relative_to(HAVEN)))
def test_r33_no_eligibility_or_reflection_rule_reads_the_justice_app(path: Path) -> None:
    # then
    assert justice_reads(path.read_text(encoding="utf-8"), justice_words()) == []


@pytest.mark.django_db
def test_r33_a_flagged_compelled_offence_leaves_eligibility_as_it_was() -> None:
    # given: twin cases; one of them gets a compelled-offence flag
    lead = make_user(org_type=OrgType.NGO)
    with time_machine.travel(NOON, tick=False):
        flagged, twin = open_case(actor=lead), open_case(actor=lead)
        before = eligibility.assistance_eligibility(flagged)
        # when
        for kind in OffenceKind.values:
            services_remedies.compelled_offence_flag(
                actor=lead,
                case_id=flagged.id,
                kind=kind,
                offence="Carried a bag across the border.",
                link="Told to by the recruiter, to pay off the debt.",
                recorded_on=date(2026, 3, 2),
            )
    # then
    after = Case.objects.get(pk=flagged.pk)
    other = Case.objects.get(pk=twin.pk)
    result, twin_result = (
        eligibility.assistance_eligibility(after),
        eligibility.assistance_eligibility(other),
    )
    assert (result.eligible, str(result.reason)) == (before.eligible, str(before.reason))
    assert (result.eligible, str(result.reason)) == (twin_result.eligible, str(twin_result.reason))
    assert (after.assistance_eligible, after.removal_protected) == (
        other.assistance_eligible,
        other.removal_protected,
    )
