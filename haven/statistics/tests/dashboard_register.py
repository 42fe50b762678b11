"""Generated deadlines, referrals and regions for the dashboard tests: rows written in bulk
over a generated register (``register``), with the same facts kept in plain Python for
the naive counts. Nothing personal: kinds, types, states and instants."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from haven.accounts.models import Organisation, OrgType, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases.models import Case
from haven.deadlines import kinds
from haven.deadlines.models import Task
from haven.referrals.models import Referral
from haven.referrals.states import ReferralState
from haven.statistics.tests.register import LEAD_TYPES, Spec, generate, write

# The region of each lead organisation of ``register.organisations`` (by its index).
REGIONS = ("Uusimaa", "Pirkanmaa", "Uusimaa", "")
REFERRAL_TYPES = ("accommodation", "health", "legal", "psychological")


def instant(rng: random.Random, years: tuple[int, ...]) -> datetime:
    """A moment in one of ``years`` (UTC), New Year's Eve and Day included."""
    start = datetime(rng.choice(years), 1, 1, tzinfo=UTC) - timedelta(hours=6)
    return start + timedelta(minutes=rng.randrange(366 * 24 * 60))


def register(rng: random.Random, count: int, *, opener: User) -> list[Spec]:
    """A register of ``count`` cases whose lead organisations have ``REGIONS``."""
    specs = generate(rng, count)
    write(specs, opener=opener)
    for org_type, region in zip(LEAD_TYPES, REGIONS, strict=True):
        Organisation.objects.filter(name=f"Statistics lead {org_type}").update(region=region)
    return specs


@dataclass(frozen=True)
class TaskFact:
    country: str
    kind: str
    due_at: datetime
    status: str
    closed_at: datetime | None


def tasks(rng: random.Random, count: int, *, years: tuple[int, ...]) -> list[TaskFact]:
    """``count`` deadlines on the register's cases, some done (on time or late), some
    open (due or not yet), some cancelled."""
    cases = list(Case.objects.values_list("id", "country"))
    organisation = OrganisationFactory.create(org_type=OrgType.NGO)
    keys = kinds.keys()[:4]
    rows, facts = [], []
    for __ in range(count):
        case_id, country = rng.choice(cases)
        due = instant(rng, years)
        status = rng.choice([Task.Status.DONE] * 3 + [Task.Status.OPEN, Task.Status.CANCELLED])
        closed = None
        if status != Task.Status.OPEN:
            closed = due + timedelta(hours=rng.choice((-48, -1, 0, 1, 72)))
        kind = rng.choice(keys)
        rows.append(
            Task(
                case_id=case_id,
                kind=kind,
                due_at=due,
                remind_at=due - timedelta(days=1),
                assigned_organisation=organisation,
                status=status,
                created_at=due - timedelta(days=10),
                closed_at=closed,
            )
        )
        facts.append(TaskFact(country, kind, due, status, closed))
    Task.objects.bulk_create(rows)
    return facts


@dataclass(frozen=True)
class ReferralFact:
    country: str
    referral_type: str
    state: str
    sent_at: datetime
    answered_at: datetime | None
    due_at: datetime


def referrals(rng: random.Random, count: int, *, years: tuple[int, ...]) -> list[ReferralFact]:
    """``count`` referrals from each case's lead to another organisation: some answered
    (accepted or declined) within their target or after it, some still waiting."""
    cases = list(
        Case.objects.filter(team__is_lead=True).values_list(
            "id", "country", "team__organisation_id", "opened_by_id"
        )
    )
    receiver = OrganisationFactory.create(org_type=OrgType.SOCIAL_SERVICES)
    rows, facts = [], []
    for __ in range(count):
        case_id, country, lead_id, user_id = rng.choice(cases)
        sent = instant(rng, years)
        due = sent + timedelta(hours=rng.choice((4, 48, 120)))
        state = rng.choice(list(ReferralState.values))
        answered = None
        if state in (ReferralState.ACCEPTED, ReferralState.DECLINED):
            answered = sent + timedelta(minutes=rng.randrange(1, 200 * 60))
        kind = rng.choice(REFERRAL_TYPES)
        rows.append(
            Referral(
                case_id=case_id,
                from_organisation_id=lead_id,
                to_organisation=receiver,
                referral_type=kind,
                purpose="assistance",
                field_groups=[],
                message_enc=b"-",
                state=state,
                sent_at=sent,
                sent_by_id=user_id,
                due_at=due,
                answered_at=answered,
            )
        )
        facts.append(ReferralFact(country, kind, state, sent, answered, due))
    Referral.objects.bulk_create(rows)
    return facts
