"""Seeding the demo: organisations, accounts and cases, all through services.

Cases are opened with ``case_open`` and moved with ``case_transition``, so
they are encrypted and audited exactly like real ones.
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
from haven.accounts.demo.accounts import DemoAccount, demo_accounts, demo_organisations
from haven.accounts.demo.synthetic import CasePlan, CasePlanner
from haven.accounts.models import Organisation, Role, User
from haven.cases import services as case_services

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
    planner = CasePlanner(seed=seed, today=timezone.localdate(), organisations=demo_organisations())
    for index in range(cases):
        plan = planner.plan(index)
        status = _seed_case(plan, orgs=orgs, users=users)
        summary.cases += 1
        summary.statuses[status] += 1
        summary.countries[plan.country] += 1
        summary.lead_types[plan.lead_type] += 1
        summary.team_members_added += len(plan.members)
        summary.children += plan.child
    summary.seconds = time.perf_counter() - started
    return summary


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


def _seed_case(
    plan: CasePlan, *, orgs: dict[OrgKey, Organisation], users: dict[UserKey, User]
) -> str:
    """Open, staff and decide one case; returns its final identification status."""
    opener = users[(plan.country, plan.lead_type, Role.CASEWORKER)]
    decider = users.get((plan.country, plan.lead_type, Role.SUPERVISOR), opener)
    case = case_services.case_open(
        actor=opener, person=plan.person, forms_of_exploitation=plan.forms, narrative=plan.narrative
    )
    for org_type in plan.members:
        access_services.team_member_add(
            case_id=case.id, organisation=orgs[(plan.country, org_type)], by=opener
        )
    status = case.identification_status
    for step in plan.steps:
        case_services.case_transition(
            actor=decider,
            case_id=case.id,
            to_status=step.to_status,
            reasons=step.reasons,
            decided_on=step.decided_on,
            legal_basis=step.legal_basis,
            pathway_decision=True,
        )
        status = step.to_status
    if plan.follow_up:
        case_services.narrative_append(actor=opener, case_id=case.id, text=plan.follow_up)
    return status
