"""R-18: assistance is unconditional (Dir Art. 11(3), CETS Art. 12(6)); R-03.

(a) A static scan: no module that decides eligibility, protection or the
    reflection period names cooperation or witnessing in its code.
(b) A property test: two identical cases go through the same random sequence of
    decisions, extensions and early ends; only one of them also collects
    narrative notes about (not) cooperating with the police. Eligibility,
    protection and the reflection period stay identical in both, and every
    presumed case is protected, eligible and has its period (R-03).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance import eligibility
from haven.assistance.models import ReflectionPeriod
from haven.assistance.services import reflection as reflection_services
from haven.assistance.tests.test_reflection_services import period_version
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.identification.models import IdentificationDecision, Outcome
from haven.identification.services import decisions as decision_services
from haven.lib.errors import HavenError

HAVEN = Path(__file__).resolve().parents[2]
FORBIDDEN = ("cooperat", "witness")


# --- (a) the static scan -------------------------------------------------------------


def rule_modules() -> list[Path]:
    """Every module that decides eligibility, protection or the reflection period."""
    paths = [
        HAVEN / "assistance" / "eligibility.py",
        HAVEN / "identification" / "services" / "decisions.py",
        HAVEN / "identification" / "pathways.py",
        HAVEN / "cases" / "status.py",
    ]
    for package in ("services", "selectors"):
        paths += sorted((HAVEN / "assistance" / package).glob("*.py"))
    return [p for p in paths if p.exists()]


def forbidden_names(source: str) -> list[str]:
    """Names, attributes, arguments, imports and string constants (not docstrings)
    that mention cooperation or witnessing: code that could read such a field."""
    tree = ast.parse(source)
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
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


def test_r18_the_scan_catches_every_way_of_reading_cooperation() -> None:
    # given
    bad = '''
from haven.cases.models import is_witness as witness_flag

def assistance_eligibility(case, cooperates=False):
    """Eligible unless the person does not cooperate."""
    if case.person.cooperates_with_authorities:
        return True
    return case.detail["witness_statement"] or check(willing_to_cooperate=True)
'''
    good = '''
def assistance_eligibility(case):
    """Never reads cooperation or witness status (R-18)."""
    # Not even in a comment does cooperation matter to the code.
    return Eligibility(True, _REASONS[case.identification_status])
'''
    # then
    assert sorted(forbidden_names(bad)) == [
        "cooperates",
        "cooperates_with_authorities",
        "is_witness",
        "willing_to_cooperate",
        "witness_flag",
        "witness_statement",
    ]
    assert forbidden_names(good) == []


def test_r18_the_scan_covers_the_eligibility_and_reflection_modules() -> None:
    # then
    names = {str(p.relative_to(HAVEN)) for p in rule_modules()}
    assert {
        "assistance/eligibility.py",
        "assistance/services/reflection.py",
        "assistance/selectors/reflection.py",
        "identification/services/decisions.py",
    } <= names


@pytest.mark.parametrize("path", rule_modules(), ids=lambda p: str(p.relative_to(HAVEN)))
def test_r18_no_eligibility_or_reflection_rule_reads_cooperation(path: Path) -> None:
    # then
    assert forbidden_names(path.read_text(encoding="utf-8")) == []


# --- (b) the property test -----------------------------------------------------------

START = date(2026, 3, 2)
COOPERATION_NOTES = (
    "The person refuses to cooperate with the police.",
    "The person now agrees to act as a witness.",
    "The person does not want to give a statement.",
)

Action = tuple[str, Any]
actions = st.one_of(
    st.tuples(
        st.just("decide"),
        st.tuples(
            st.sampled_from(["reasonable_grounds", "conclusive_grounds"]),
            st.sampled_from(Outcome.values),
        ),
    ),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=40)),
    st.tuples(st.just("extend"), st.integers(min_value=1, max_value=20)),
    st.tuples(st.just("end_early"), st.sampled_from(["public_order", "improper_claim"])),
    st.tuples(st.just("reconsider"), st.none()),
    st.tuples(st.just("note"), st.sampled_from(COOPERATION_NOTES)),
)


@dataclass
class World:
    ngo: User
    police: User
    supervisor: User
    with_notes: Case
    without_notes: Case


def _world() -> World:
    ngo = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    supervisor = make_user(
        org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=police.organisation
    )
    with time_machine.travel(START - timedelta(days=1), tick=False):  # opened before START
        cases = [open_case(actor=ngo) for _twin in range(2)]
    for case in cases:
        add_to_team(case=case, organisation=police.organisation, by=ngo)
    return World(ngo, police, supervisor, *cases)


def _apply(world: World, case: Case, action: Action) -> str:
    """Run one action on one case: "ok" or the refusal's code."""
    kind, value = action
    try:
        if kind == "decide":
            decision_type, outcome = value
            decision_services.decision_record(
                actor=world.police,
                case_id=case.id,
                decision_type=decision_type,
                outcome=outcome,
                reasons="Reasons that can be given to the person.",
                legal_basis="Test Act s. 1",
            )
        elif kind == "extend":
            reflection_services.reflection_period_extend(
                actor=world.supervisor,
                case_id=case.id,
                days=value,
                reasons="Health needs.",
                version=period_version(case.id),
            )
        elif kind == "end_early":
            reflection_services.reflection_period_end_early(
                actor=world.supervisor,
                case_id=case.id,
                ground=value,
                reasons="A recorded finding.",
                legal_basis="Section 1",
            )
        else:
            latest = IdentificationDecision.objects.filter(case=case).last()
            decision_id = latest.id if latest else "00000000-0000-0000-0000-000000000000"
            decision_services.reconsideration_request(
                actor=world.ngo, decision_id=decision_id, grounds="Please look again."
            )
    except HavenError as refused:
        return refused.code
    return "ok"


def _state(case: Case, today: date) -> tuple[Any, ...]:
    """Everything assistance and protection depend on, as seen from outside."""
    case = Case.objects.get(pk=case.pk)
    period = ReflectionPeriod.objects.filter(case=case).first()
    result = eligibility.assistance_eligibility(case)
    return (
        case.identification_status,
        result.eligible,
        str(result.reason),
        case.assistance_eligible,
        case.removal_protected,
        eligibility.reflection_state(period, today),
        (period.starts_on, period.ends_on, period.granted_days) if period else None,
        eligibility.removal_block(
            removal_protected=case.removal_protected, period=period, on_date=today
        ),
    )


def _assert_r03(case: Case, today: date) -> None:
    status, eligible, _reason, flagged, protected, period_state, *_rest = _state(case, today)
    assert eligible and flagged  # always eligible
    if status == S.PRESUMED:
        assert protected
        assert period_state in ("running", "ended", "ended_early")


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(actions, max_size=10))
@example(
    steps=[
        ("note", COOPERATION_NOTES[0]),
        ("decide", ("reasonable_grounds", "negative")),
        ("reconsider", None),
        ("decide", ("reasonable_grounds", "positive")),
        ("note", COOPERATION_NOTES[1]),
        ("wait", 20),
        ("extend", 15),
        ("wait", 15),
        ("decide", ("conclusive_grounds", "negative")),
        ("end_early", "public_order"),
    ]
)
def test_r18_cooperation_never_changes_eligibility_protection_or_the_period(
    steps: list[Action],
) -> None:
    # given: twin cases, the same team
    world = _world()
    with time_machine.travel(START, tick=False) as traveller:
        for step in steps:
            # when
            if step[0] == "wait":
                traveller.shift(timedelta(days=step[1]))
                continue
            if step[0] == "note":
                case_services.narrative_append(
                    actor=world.ngo, case_id=world.with_notes.id, text=step[1]
                )
            else:
                with_notes = _apply(world, world.with_notes, step)
                without_notes = _apply(world, world.without_notes, step)
                assert with_notes == without_notes
            # then
            today = timezone.localdate()
            assert _state(world.with_notes, today) == _state(world.without_notes, today)
            for case in (world.with_notes, world.without_notes):
                _assert_r03(case, today)
