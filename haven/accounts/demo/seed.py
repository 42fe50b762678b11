"""Seeding the demo: organisations, accounts and cases, all through services.

The shipped indicator sets are loaded first. Cases are then opened with
``case_open``, screened with ``screening_record``, decided with
``decision_record`` (which makes presumed victims and starts their reflection
period), moved with ``case_transition`` where no decision applies, and their
reflection periods extended or ended early through the assistance services: so
they are encrypted, audited and given deadlines exactly like real ones. One
deadline sweep at the end sends the reminders and escalations that are due.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.access import services as access_services
from haven.accounts import services as account_services
from haven.accounts.demo import history as history_plans
from haven.accounts.demo import screenings as screening_plans
from haven.accounts.demo.accounts import (
    SYSTEM_ADMIN_HOME,
    DemoAccount,
    demo_accounts,
    demo_organisations,
)
from haven.accounts.demo.synthetic import CasePlan, CasePlanner
from haven.accounts.models import Organisation, Role, User
from haven.assistance.services import deadlines as deadline_services
from haven.assistance.services import reflection as reflection_services
from haven.cases import services as case_services
from haven.cases.status import IdentificationStatus
from haven.identification.engine import SetDef
from haven.identification.models import IdentificationDecision, Outcome
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.services import decisions as decision_services
from haven.identification.services import indicator_sets as set_services
from haven.identification.services import screening as screening_services

DEFAULT_CASES = 200
DEFAULT_SEED = 2024

OrgKey = tuple[str, str]  # (country, org_type)
UserKey = tuple[str, str, str]  # (country, org_type, role)


@dataclass
class SeedSummary:
    organisations: int = 0
    users: int = 0
    cases: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    lead_types: Counter[str] = field(default_factory=Counter)
    team_members_added: int = 0
    children: int = 0
    indicator_sets_loaded: int = 0
    screenings: Counter[str] = field(default_factory=Counter)  # by outcome
    decisions: Counter[str] = field(default_factory=Counter)  # "type outcome"
    reconsiderations: int = 0
    extensions: int = 0
    early_ends: int = 0
    reminded: int = 0
    escalated: int = 0  # overdue deadlines, escalated by the sweep
    seconds: float = 0.0


def demo_data_present() -> bool:
    """Any demo account or organisation already in the database."""
    usernames = [a.username for a in demo_accounts()]
    names = [o.name for o in demo_organisations()]
    return (
        User.objects.filter(Q(is_demo=True) | Q(username__in=usernames)).exists()
        or Organisation.objects.filter(name__in=names).exists()
    )


@transaction.atomic
def seed_demo(*, cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED) -> SeedSummary:
    """Create every demo organisation and account, then ``cases`` synthetic cases.

    One transaction: a failed run leaves nothing behind, so it can be re-run.
    """
    started = time.perf_counter()
    orgs = _create_organisations()
    users = _create_users(orgs)
    summary = SeedSummary(organisations=len(orgs), users=len(users))
    admin = users[(*SYSTEM_ADMIN_HOME, Role.SYSTEM_ADMIN)]
    loaded = set_services.indicator_sets_load_shipped(actor=admin)
    summary.indicator_sets_loaded = sum(created for _row, created in loaded)
    planner = CasePlanner(
        seed=seed,
        today=timezone.localdate(),
        organisations=demo_organisations(),
        indicator_sets=_screening_sets(),
    )
    for index in range(cases):
        plan = planner.plan(index)
        status = _seed_case(plan, orgs=orgs, users=users, summary=summary)
        summary.cases += 1
        summary.statuses[status] += 1
        summary.countries[plan.country] += 1
        summary.lead_types[plan.lead_type] += 1
        summary.team_members_added += len(plan.members)
        summary.children += plan.child
    swept = deadline_services.deadlines_sweep()
    summary.reminded, summary.escalated = swept.reminded, swept.escalated
    summary.seconds = time.perf_counter() - started
    return summary


def _screening_sets() -> dict[str, SetDef]:
    """The latest stored versions of the two sets the demo screens with."""
    sets = {}
    for key in (screening_plans.ADULT_SET, screening_plans.CHILD_SET):
        stored = set_selectors.indicator_set_latest(key=key)
        assert stored is not None  # noqa: S101 - the shipped file was just loaded
        sets[key] = set_selectors.set_def_for(stored)
    return sets


def _create_organisations() -> dict[OrgKey, Organisation]:
    return {
        (o.country, o.org_type): account_services.organisation_create(
            name=o.name, org_type=o.org_type, country=o.country, region=o.region
        )
        for o in demo_organisations()
    }


def _create_users(orgs: dict[OrgKey, Organisation]) -> dict[UserKey, User]:
    return {(a.country, a.org_type, a.role): _create_user(a, orgs) for a in demo_accounts()}


def _create_user(account: DemoAccount, orgs: dict[OrgKey, Organisation]) -> User:
    return account_services.user_create(
        username=account.username,
        password=account.password,
        organisation=orgs[(account.country, account.org_type)],
        role=account.role,
        first_name=account.first_name,
        last_name=account.last_name,
        is_demo=True,
    )


def _staff(users: dict[UserKey, User], country: str, org_type: str, role: str) -> User:
    """The demo account with that role, or the organisation's caseworker."""
    return users.get((country, org_type, role)) or users[(country, org_type, Role.CASEWORKER)]


def _seed_case(
    plan: CasePlan,
    *,
    orgs: dict[OrgKey, Organisation],
    users: dict[UserKey, User],
    summary: SeedSummary,
) -> str:
    """Open, staff, screen and decide one case; returns its final identification status."""
    opener = users[(plan.country, plan.lead_type, Role.CASEWORKER)]
    case = case_services.case_open(
        actor=opener, person=plan.person, forms_of_exploitation=plan.forms, narrative=plan.narrative
    )
    for org_type in plan.members:
        access_services.team_member_add(
            case_id=case.id, organisation=orgs[(plan.country, org_type)], by=opener
        )
    if plan.screening is not None:
        screening = screening_services.screening_record(
            actor=_staff(users, plan.country, plan.screening.by, Role.CASEWORKER),
            case_id=case.id,
            set_key=plan.screening.set_key,
            observations=plan.screening.observations,
        )
        summary.screenings[screening.outcome] += 1
    negative: IdentificationDecision | None = None
    for event in plan.events:
        negative = _record(event, plan=plan, case_id=case.id, users=users, negative=negative)
        _count(event, summary)
    if plan.follow_up:
        case_services.narrative_append(actor=opener, case_id=case.id, text=plan.follow_up)
    return plan.history[-1] if plan.history else IdentificationStatus.POTENTIAL


def _record(
    event: history_plans.Event,
    *,
    plan: CasePlan,
    case_id: object,
    users: dict[UserKey, User],
    negative: IdentificationDecision | None,
) -> IdentificationDecision | None:
    """Record one event through its service; returns the latest negative decision."""
    senior = _staff(users, plan.country, plan.lead_type, Role.SUPERVISOR)
    if isinstance(event, history_plans.Decision):
        decision = decision_services.decision_record(
            actor=_staff(users, plan.country, event.by, Role.SUPERVISOR),
            case_id=case_id,
            decision_type=event.decision_type,
            outcome=event.outcome,
            reasons=event.reasons,
            decided_on=event.on,
            legal_basis=event.legal_basis,
            served_to=event.served_to,
        )
        return decision if decision.outcome == Outcome.NEGATIVE else negative
    if isinstance(event, history_plans.StatusChange):
        case_services.case_transition(
            actor=senior,
            case_id=case_id,
            to_status=event.to_status,
            reasons=event.reasons,
            decided_on=event.on,
        )
    elif isinstance(event, history_plans.Reconsideration):
        assert negative is not None  # noqa: S101 - planned after a negative decision
        decision_services.reconsideration_request(
            actor=users[(plan.country, plan.lead_type, Role.CASEWORKER)],
            decision_id=negative.id,
            grounds=event.grounds,
            requested_on=event.on,
        )
    elif isinstance(event, history_plans.Extension):
        reflection_services.reflection_period_extend(
            actor=_staff(users, plan.country, event.by, Role.SUPERVISOR),
            case_id=case_id,
            days=event.days,
            reasons=event.reasons,
            decided_on=event.on,
        )
    else:
        reflection_services.reflection_period_end_early(
            actor=_staff(users, plan.country, event.by, Role.SUPERVISOR),
            case_id=case_id,
            ground=event.ground,
            reasons=event.reasons,
            legal_basis=event.legal_basis,
            decided_on=event.on,
        )
    return negative


def _count(event: history_plans.Event, summary: SeedSummary) -> None:
    if isinstance(event, history_plans.Decision):
        summary.decisions[f"{event.decision_type} {event.outcome}"] += 1
    elif isinstance(event, history_plans.Reconsideration):
        summary.reconsiderations += 1
    elif isinstance(event, history_plans.Extension):
        summary.extensions += 1
    elif isinstance(event, history_plans.EarlyEnd):
        summary.early_ends += 1
