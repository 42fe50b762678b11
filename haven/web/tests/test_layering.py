"""The layering guard (style rules 3, 7, 9, 23).

- Views, API modules and template tags never touch a personal-data model's manager:
  they go through selectors and services, which go through ``access``.
- The spine (``access``, ``vault``, ``audit``) never imports a domain app.
- Every public service of a domain app that writes personal data records an audit event.

Each checker is a plain function over source text, shown to catch a small bad
example, so that these tests cannot pass with the check removed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.apps import apps

from haven.web.tests.personal_data import personal_data_models

HAVEN = Path(__file__).resolve().parents[2]

# Models holding personal data without a key to a person or a case, each with why.
PERSONAL_WITHOUT_A_KEY = {
    "DataKey": "the person's data key: whoever holds it reads everything (crypto-shredding)",
    "AuditEvent": "who read whose data: the person's id, the groups and the purpose",
}
# Found from the models themselves (a key chain to a person or case, or an encrypted
# field): a new model holding personal data is guarded without editing a list.
PERSONAL_DATA_MODELS = frozenset(
    {label.split(".", 1)[1] for label in personal_data_models(list(apps.get_models()))}
    | set(PERSONAL_WITHOUT_A_KEY)
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
SPINE = ("access", "vault", "audit")
SPINE_MAY_IMPORT = frozenset({*SPINE, "accounts", "lib"})
# Apps whose services hold no case data: the spine itself, and staff accounts.
NOT_DOMAIN_APPS = frozenset({*SPINE, "accounts", "lib", "web"})
# Public service functions that write no personal data, each with the reason.
NOT_PERSONAL_DATA_WRITES = {
    # haven/backup/services.py
    "backup_write": (
        "reads every table into a sealed file: ciphertexts stay sealed, nothing is "
        "decrypted and nothing is written to the database"
    ),
    "models_in_order": "lists the models with tables in dependency order; writes nothing",
    "migration_state": "lists the migrations applied to the database; writes nothing",
    # haven/cases/services.py
    "presumed_age_status": "a pure function computing R-10's age status; writes nothing",
    # haven/assistance/services/deadlines.py: tasks hold a case id, a kind, dates, user ids
    "task_open": "a deadline holds a case id, a kind, dates and a decision type: no personal data",
    "tasks_close": "stamps deadlines closed, with who and when: no personal data",
    "task_complete": "stamps one deadline done, with who and when: no personal data",
    "task_reschedule": "moves a deadline's dates: no personal data",
    "deadlines_sweep": "reminders and escalations name a task and a user: no personal data",
    "notifications_mark_read": "stamps the reader's own notifications read: no personal data",
    # haven/assistance/services/plans.py
    "closure_in_force": "reads whether a closing decision is in force (R-22); writes nothing",
    # haven/assistance/services/reflection.py
    "removal_enforcement_check": (
        "reads the removal flag and the period's dates and raises; writes nothing "
        "(it checks no access: callers decide and audit)"
    ),
    # haven/assistance/services/assessments.py
    "level_choices": "a pure function naming the levels of an assessment kind; writes nothing",
    "calls_for_service": "a pure function: whether a level calls for a service; writes nothing",
    # haven/identification/services/decisions.py
    "decision_order_check": "a pure function checking R-17's order of decisions; writes nothing",
    "decision_status_check": "a pure function: may R-01's table take the decision; writes nothing",
    # haven/referrals/services/desk.py
    "is_coordinator": "whether a user works the coordination desk; writes nothing",
    "coordinator_require": "raises not_coordinator for anyone else; writes nothing",
    "coordinators": "lists the desk's staff (to notify them); writes nothing",
    "report_countries": "names the countries with a national coordinator; writes nothing",
    "reports_of_country": "the concern reports a coordinator's country reads; writes nothing",
    "consultation_key": "picks the data key sealing a consultation; writes nothing",
    "source_index": "the keyed hash of a client address (vault.blind_index); writes nothing",
    "parse_id": "parses an id from a URL or request; writes nothing",
    # haven/referrals/services/shared.py (referrals and lead transfers; the callers audit)
    "case_staff": "lists an organisation's caseworkers and supervisors (to notify); writes nothing",
    "text_checked": "checks a free text's presence and length; writes nothing",
    "sealed": "encrypts a text under the person's data key in memory; writes nothing",
    "organisation_chosen": "looks up the organisation a form names; writes nothing",
    "staff_notify": "notifies an event and an id (no personal data); the caller audits",
    "member_require": "raises unless the actor works cases for one side; writes nothing",
    # haven/referrals/services/referrals.py
    "referrals_sweep": (
        "stamps overdue referrals escalated and notifies: ids, a case reference and an "
        "event, no personal data"
    ),
    # haven/referrals/services/crossborder.py
    "own_keys": "reads this focal point's keys from the settings; writes nothing",
    "is_configured": "whether the focal point keys are set; writes nothing",
    "partner_key_add": "a partner focal point's public keys: organisation data, not personal",
    "crossborder_sweep": (
        "stamps unacknowledged transfers alerted and notifies: ids and an event, no personal data"
    ),
    # haven/linkage/services.py
    "person_keys_erase": (
        "deletes an erased person's keyed blocking keys inside the erasure cases audits"
    ),
    "persons_keys_erase_again": (
        "deletes the keyed blocking keys of persons erased again after a restore, which "
        "cases audits in the same transaction"
    ),
}


def sources(patterns: Iterable[str]) -> list[Path]:
    found = {path for pattern in patterns for path in HAVEN.glob(pattern)}
    return sorted(p for p in found if "tests" not in p.parts and "migrations" not in p.parts)


def relative(path: Path) -> str:
    return str(path.relative_to(HAVEN.parent))


# --- 1. no personal-data manager outside selectors and services ---------------------------


def personal_data_manager_uses(source: str) -> list[str]:
    """``Model.objects`` (or another manager) of a personal-data model, also via an
    alias (``from haven.cases.models import Case as C``) or a module (``models.Case``)."""
    tree = ast.parse(source)
    aliases = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name in PERSONAL_DATA_MODELS
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS):
            continue
        owner = node.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        model = aliases.get(name, name)
        if model in PERSONAL_DATA_MODELS:
            found.append(f"{model}.{node.attr} (line {node.lineno})")
    return found


def test_it_finds_the_personal_data_models_from_the_models() -> None:
    # the person and case, rows keyed to them, rows keyed through another, the spine's
    assert {
        "Person",
        "Case",
        "Interview",
        "Consent",
        "BreakGlass",
        "TeamMembership",
        "ReferralEvent",
        "ScreeningObservation",
        "Task",
        "DataKey",
        "AuditEvent",
    } <= PERSONAL_DATA_MODELS
    assert not {"Organisation", "User", "IndicatorSet", "DirectoryEntry"} & PERSONAL_DATA_MODELS


def test_the_manager_check_catches_direct_aliased_and_module_access() -> None:
    # given
    bad = """
from haven.cases.models import Case as C, Person
from haven.cases import models
from haven.assistance import models as assistance_models
from haven.identification.models import Screening

def case_detail(request, pk):
    person = Person.objects.get(pk=pk)
    cases = C.objects.all()
    entries = models.NarrativeEntry._default_manager.filter(case=pk)
    period = assistance_models.ReflectionPeriod.objects.get(case=pk)
    screenings = Screening._base_manager.filter(case=pk)
"""
    good = """
from haven.cases import selectors
from haven.accounts.models import User
from haven.identification.models import IndicatorSet

def case_list(request):
    users = User.objects.all()  # staff, not personal data of a victim
    sets = IndicatorSet.objects.all()  # configuration
    return selectors.case_list(user=request.user)
"""

    # then
    assert personal_data_manager_uses(bad) == [
        "Person.objects (line 8)",
        "Case.objects (line 9)",
        "NarrativeEntry._default_manager (line 10)",
        "ReflectionPeriod.objects (line 11)",
        "Screening._base_manager (line 12)",
    ]
    assert personal_data_manager_uses(good) == []


PRESENTATION_MODULES = sources(
    [
        "**/views.py",
        "**/views/*.py",
        "**/api.py",
        "**/api/*.py",
        "**/templatetags/*.py",
    ]
)


def test_it_finds_the_presentation_modules() -> None:
    # modules, and the modules of views/ and api/ packages
    names = {relative(p) for p in PRESENTATION_MODULES}
    assert {
        "haven/access/views/break_glass.py",
        "haven/access/api/break_glass.py",
        "haven/cases/views/cases.py",
        "haven/cases/api/cases.py",
        "haven/identification/views/screening.py",
        "haven/identification/views/decisions.py",
        "haven/identification/api/screening.py",
        "haven/identification/api/decisions.py",
        "haven/assistance/views/reflection.py",
        "haven/assistance/api/reflection.py",
        "haven/web/templatetags/haven_labels.py",
        "haven/justice/views.py",
        "haven/justice/api.py",
    } <= names


@pytest.mark.parametrize("path", PRESENTATION_MODULES, ids=relative)
def test_no_view_api_or_template_tag_touches_a_personal_data_manager(path: Path) -> None:
    # Rule 7: read personal data through a selector, which asks access.decide.
    assert personal_data_manager_uses(path.read_text(encoding="utf-8")) == []


# --- 2. the spine never imports a domain app -----------------------------------------------


def domain_imports(source: str) -> list[str]:
    """Imports of ``haven.<app>`` where the app is neither spine, accounts nor lib."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "haven":
                modules = [f"haven.{alias.name}" for alias in node.names]
            else:
                modules = [node.module]
        for module in modules:
            parts = module.split(".")
            if parts[0] == "haven" and len(parts) > 1 and parts[1] not in SPINE_MAY_IMPORT:
                found.append(module)
    return found


def test_the_import_check_catches_every_form_of_import() -> None:
    # given
    bad = """
import haven.cases.models
from haven.cases import selectors
from haven import referrals
from haven.statistics.models import Table
"""
    good = """
import hashlib
from haven.accounts.models import User
from haven.vault import services as vault
from haven import lib
from . import models
"""

    # then
    assert domain_imports(bad) == [
        "haven.cases.models",
        "haven.cases",
        "haven.referrals",
        "haven.statistics.models",
    ]
    assert domain_imports(good) == []


SPINE_MODULES = sources([f"{app}/**/*.py" for app in SPINE])


def test_it_finds_the_spine_modules() -> None:
    names = {relative(p) for p in SPINE_MODULES}
    assert {
        "haven/access/policy.py",
        "haven/access/hooks.py",
        "haven/access/services/break_glass.py",
        "haven/access/views/break_glass.py",
        "haven/vault/services.py",
        "haven/audit/services.py",
    } <= names


@pytest.mark.parametrize("path", SPINE_MODULES, ids=relative)
def test_the_spine_never_imports_a_domain_app(path: Path) -> None:
    # Rule 3: domain apps depend on access, vault and audit; never the other way.
    assert domain_imports(path.read_text(encoding="utf-8")) == []


# --- 2b. floors: no app imports a higher one, and no two apps import each other --------------

# The floors of docs/architecture.md. A new app takes its floor here, or this test fails.
FLOORS = {
    "lib": 1,
    "accounts": 1,
    "vault": 1,
    "audit": 1,
    "backup": 1,
    "access": 2,
    "cases": 3,
    "deadlines": 4,
    "identification": 5,
    "assistance": 5,
    "children": 5,
    "justice": 5,
    "referrals": 5,
    "linkage": 5,
    "statistics": 5,
    "shelters": 5,
    "returns": 5,
    "web": 6,
    "demo": 7,
}
# Modules of the project package that are not apps: settings may be read anywhere.
PROJECT_MODULES = frozenset({"settings"})
# Known imports between apps on one floor that form a loop, with the reason; each is
# a debt to pay, and a stale entry fails the test below.
LOOPS_ALLOWED: dict[tuple[str, str], str] = {}


def app_imports(source: str) -> list[tuple[str, int]]:
    """The Haven apps a module imports (``haven.<app>``), with line numbers; type-only
    imports count too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "haven":
                modules = [f"haven.{alias.name}" for alias in node.names]
            else:
                modules = [node.module]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "haven" and len(parts) > 1:
                found.append((parts[1], node.lineno))
    return found


def floor_violations(app: str, source: str, floors: dict[str, int]) -> list[str]:
    """Imports of an app on a higher floor, or of a module that is not an app with a floor."""
    problems = []
    for other, line in app_imports(source):
        if other == app or other in PROJECT_MODULES:
            continue
        if other not in floors:
            problems.append(f"line {line}: haven.{other} has no floor")
        elif floors[other] > floors[app]:
            problems.append(
                f"line {line}: {app} (floor {floors[app]}) imports {other} (floor {floors[other]})"
            )
    return problems


def same_floor_loops(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of apps that reach each other through imports (directly or around a cycle)."""

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            if here == goal:
                return True
            if here not in seen:
                seen.add(here)
                todo.extend(edges.get(here, ()))
        return False

    return sorted((a, b) for a in edges for b in edges[a] if a != b and reaches(b, a))


def test_the_floor_check_catches_an_upward_import_and_an_unknown_app() -> None:
    # given
    bad = """
from haven.web import timeline
import haven.assistance.models
from haven.harbour.models import Berth
from haven.access import policy
"""
    good = """
from haven.access import policy
from haven.cases import selectors
from . import models
"""

    # then
    assert floor_violations("cases", bad, FLOORS) == [
        "line 2: cases (floor 3) imports web (floor 6)",
        "line 3: cases (floor 3) imports assistance (floor 5)",
        "line 4: haven.harbour has no floor",
    ]
    assert floor_violations("cases", good, FLOORS) == []


def test_the_loop_check_catches_two_apps_that_import_each_other() -> None:
    assert same_floor_loops({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [("a", "b"), ("b", "a")]
    assert same_floor_loops({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert same_floor_loops({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
    ]


# Every module of every app: views, APIs, selectors, services, timeline, person report,
# management commands and template tags alike (tests and migrations aside).
APP_MODULES = [p for p in sources(["*/**/*.py"]) if p.relative_to(HAVEN).parts[0] in FLOORS]


def test_every_app_has_a_floor() -> None:
    apps = {p.name for p in HAVEN.iterdir() if (p / "__init__.py").exists()}
    assert apps == set(FLOORS)


@pytest.mark.parametrize("path", APP_MODULES, ids=relative)
def test_no_module_imports_a_higher_floor(path: Path) -> None:
    app = path.relative_to(HAVEN).parts[0]
    assert floor_violations(app, path.read_text(encoding="utf-8"), FLOORS) == []


def test_no_two_apps_import_each_other() -> None:
    # given
    edges: dict[str, set[str]] = {}
    for path in APP_MODULES:
        app = path.relative_to(HAVEN).parts[0]
        for other, _line in app_imports(path.read_text(encoding="utf-8")):
            if other != app and other in FLOORS:
                edges.setdefault(app, set()).add(other)

    # when
    loops = same_floor_loops(edges)

    # then
    assert [pair for pair in loops if pair not in LOOPS_ALLOWED] == []
    assert set(LOOPS_ALLOWED) <= set(loops)  # a loop paid off leaves the list


# --- 3. every personal-data service writes its audit event ---------------------------------


def _calls(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
            elif isinstance(target, ast.Name):
                names.add(target.id)
    return names


def services_without_audit(source: str) -> list[str]:
    """Public functions that reach no ``audit_record`` call, directly or through a
    private helper of the same module."""
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    calls = {name: _calls(node) for name, node in functions.items()}
    audited = {name for name, called in calls.items() if "audit_record" in called}
    grew = True
    while grew:
        more = {name for name, called in calls.items() if called & audited} - audited
        audited |= more
        grew = bool(more)
    return [name for name in functions if not name.startswith("_") and name not in audited]


def test_the_audit_check_catches_a_service_that_does_not_audit() -> None:
    # given
    source = """
def case_close(*, actor, case_id):
    case = selectors.case_get(user=actor, case_id=case_id)
    case.save(update_fields=["closed_at"])

def case_reopen(*, actor, case_id):
    _record(actor, case_id)

def _record(actor, case_id):
    audit.audit_record(actor=actor, action="update", object_type="x", object_id=case_id)

def case_note(*, actor, case_id):
    audit_record(actor=actor, action="update", object_type="x", object_id=case_id)
"""

    # then
    assert services_without_audit(source) == ["case_close"]


DOMAIN_SERVICE_MODULES = [
    path
    for path in sources(["*/services.py", "*/services/*.py"])
    if path.relative_to(HAVEN).parts[0] not in NOT_DOMAIN_APPS
]


def test_it_finds_the_domain_service_modules() -> None:
    # modules, and the modules of services/ packages
    assert {
        HAVEN / "cases" / "services.py",
        HAVEN / "identification" / "services" / "screening.py",
        HAVEN / "identification" / "services" / "decisions.py",
        HAVEN / "assistance" / "services" / "reflection.py",
        HAVEN / "deadlines" / "services.py",
        HAVEN / "justice" / "services.py",
    } <= set(DOMAIN_SERVICE_MODULES)


@pytest.mark.parametrize("path", DOMAIN_SERVICE_MODULES, ids=relative)
def test_every_personal_data_service_records_an_audit_event(path: Path) -> None:
    # Rule 9: a personal-data service without an audit call is a bug.
    missing = services_without_audit(path.read_text(encoding="utf-8"))
    assert [name for name in missing if name not in NOT_PERSONAL_DATA_WRITES] == []


def test_every_exempt_service_still_exists() -> None:
    # An exemption for a function that is gone would hide a new one of the same name.
    defined = {
        node.name
        for path in DOMAIN_SERVICE_MODULES
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    assert set(NOT_PERSONAL_DATA_WRITES) <= defined


def test_every_exempt_service_records_no_audit_event() -> None:
    # An exemption for a service that now audits is stale: it would excuse a later change.
    unaudited = {
        name
        for path in DOMAIN_SERVICE_MODULES
        for name in services_without_audit(path.read_text(encoding="utf-8"))
    }
    assert set(NOT_PERSONAL_DATA_WRITES) <= unaudited
