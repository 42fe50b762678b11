"""Seeding the demo: organisations, accounts and cases, all through services.

The shipped indicator sets are loaded first. Cases are then opened with
``case_open``, screened with ``screening_record``, decided with
``decision_record`` (which makes presumed victims and starts their reflection
period), moved with ``case_transition`` where no decision applies, and their
reflection periods extended or ended early through the assistance services: so
they are encrypted, audited and given deadlines exactly like real ones. One
deadline sweep at the end sends the reminders and escalations that are due.

Before any case, the cooperation agreements of each country are proposed with
``agreement_propose`` on the national coordinator's list of legal bases and
approved by every party with ``agreement_approve`` (one is ended with
``agreement_end``, one proposal still waits for the coordinator): team members other
than the lead see nothing without them, and deciding organisations need the
referral law's flow of the legal group. Each case's consents are recorded
(and some withdrawn) by its lead caseworker once its team is complete.

After its history, each case gets its assistance (``demo.assistance``):
assessments, plans and services, closures, cooperation, guardians and the other
protections of children, dependants, permits and detention. Once every case
exists, the organisations cooperate (``demo.referrals``): referrals in every
state, lead transfers, the coordination desk and, with focal point keys, one
cross-border package.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from haven.access import selectors as access_selectors
from haven.access import services as access_services
from haven.access.models import Agreement, GivenBy, TeamMembership
from haven.accounts import services as account_services
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.assistance.selectors import reflection as reflection_selectors
from haven.assistance.services import reflection as reflection_services
from haven.cases import drafts
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case, DraftKind, ErasureReason, ExploitationForm, Sex
from haven.cases.status import IdentificationStatus
from haven.deadlines import services as deadline_services
from haven.demo import agreements as agreement_specs
from haven.demo import assistance as assistance_demo
from haven.demo import directory as directory_demo
from haven.demo import history as history_plans
from haven.demo import parties as parties_demo
from haven.demo import referrals as referral_demo
from haven.demo import returns as returns_demo
from haven.demo import rights as rights_demo
from haven.demo import screenings as screening_plans
from haven.demo import shelters as shelters_demo
from haven.demo.accounts import (
    COUNTRIES,
    SYSTEM_ADMIN_HOME,
    DemoAccount,
    demo_accounts,
    demo_organisations,
)
from haven.demo.synthetic import CasePlan, CasePlanner
from haven.identification import pathways
from haven.identification.engine import SetDef
from haven.identification.models import IdentificationDecision, Outcome
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.services import decisions as decision_services
from haven.identification.services import indicator_sets as set_services
from haven.identification.services import screening as screening_services
from haven.linkage.services import review as linkage_review
from haven.statistics import release_sources
from haven.statistics.services import releases as release_services

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
    agreements: int = 0
    agreements_ended: int = 0
    agreements_proposed: int = 0  # waiting for the national coordinator
    directory_entries: int = 0  # the service directory (issue 6), some left stale
    shelter_places: int = 0  # each shelter's places, rooms and beds (issue 16)
    consents: int = 0
    consents_by_guardian: int = 0
    child_views: int = 0  # a child's own views, heard while no guardian was appointed
    consents_withdrawn: int = 0
    refusals: int = 0  # members the person did not consent to share with
    children: int = 0
    indicator_sets_loaded: int = 0
    screenings: Counter[str] = field(default_factory=Counter)  # by outcome
    decisions: Counter[str] = field(default_factory=Counter)  # "type outcome"
    reconsiderations: int = 0
    extensions: int = 0
    early_ends: int = 0
    reminded: int = 0
    escalated: int = 0  # overdue deadlines, escalated by the sweep
    assistance: assistance_demo.AssistanceCounts = field(
        default_factory=assistance_demo.AssistanceCounts
    )
    referrals: referral_demo.ReferralCounts = field(default_factory=referral_demo.ReferralCounts)
    drafts: int = 0  # a half-done intake the NGO caseworker can resume (issue 11)
    erasure_requests: int = 0  # waiting for a second supervisor of the case lead (issue 12)
    protected_releases: int = 0  # differentially private tables, one per Rapporteur (issue 15)
    duplicate_pairs: int = 0  # in the national coordinator's review queue (issue 14)
    found_at_night: int = 0  # people in the desk's incident with a draft placement plan
    party_links: int = 0  # an employer shared by two cases, a recruiter (issue 17, R-38)
    returns: returns_demo.ReturnCounts = field(default_factory=returns_demo.ReturnCounts)
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
    summary.indicator_sets_loaded = sum(result.created for result in loaded)
    today = timezone.localdate()
    _create_agreements(orgs=orgs, users=users, today=today, summary=summary)
    summary.directory_entries = directory_demo.seed_directory(
        orgs=orgs, users=users, system_admin=admin
    )
    summary.shelter_places = shelters_demo.seed_shelter_places(orgs=orgs, users=users)
    planner = CasePlanner(
        seed=seed,
        today=today,
        organisations=demo_organisations(),
        indicator_sets=_screening_sets(),
    )
    assisting = assistance_demo.AssistanceSeeder(seed=seed, today=today)
    plans = [planner.plan(index) for index in range(cases)]
    replay = _Replay(started=timezone.now())
    for plan, opened_on in zip(plans, _opening_days(plans, today), strict=True):
        status = _seed_case(
            plan,
            opened_on=opened_on,
            replay=replay,
            orgs=orgs,
            users=users,
            summary=summary,
            assisting=assisting,
        )
        summary.cases += 1
        summary.statuses[status] += 1
        summary.countries[plan.country] += 1
        summary.lead_types[plan.lead_type] += 1
        summary.team_members_added += len(plan.members)
        summary.children += plan.child
        summary.refusals += len(plan.sharing.refused)
    summary.assistance = assisting.counts
    summary.referrals = referral_demo.ReferralSeeder(
        seed=seed, today=today, orgs=orgs, users=users
    ).seed()
    summary.drafts = _leave_a_draft(users)
    summary.erasure_requests = _ask_an_erasure(users)
    summary.protected_releases = _release_protected_statistics(users, today)
    summary.duplicate_pairs = _record_a_duplicate(users)
    summary.party_links = parties_demo.seed_shared_employer(users=users)
    night = shelters_demo.seed_found_at_night(users=users)
    rights_demo.seed_rights_informed(users=users)  # told his rights in Vietnamese
    summary.found_at_night = night.people.count()
    # Its children wait for a guardian like any other child without one.
    summary.assistance.children_without_guardian += sum(
        found.age_status != shelters_demo.ADULT for found in shelters_demo.FOUND_AT_NIGHT
    )
    summary.returns = returns_demo.seed_returns(users=users, today=today)
    swept = deadline_services.deadlines_sweep()
    summary.reminded, summary.escalated = swept.reminded, swept.escalated
    summary.seconds = time.perf_counter() - started
    return summary


def _release_protected_statistics(users: dict[UserKey, User], today: date) -> int:
    """Each country's Rapporteur releases last year and this year's registered victims
    by form of exploitation at ε 0.5, so the releases page has a table and a budget."""
    made = 0
    for (_country, org_type, _role), user in sorted(users.items()):
        if org_type == OrgType.RAPPORTEUR:
            release_services.release_create(
                actor=user,
                data=release_services.ReleaseInput(
                    dataset=release_sources.REGISTERED_VICTIMS,
                    table=release_sources.YEAR_BY_EXPLOITATION,
                    year_from=today.year - 1,
                    year_to=today.year,
                    epsilon=Decimal("0.5"),
                ),
            )
            made += 1
    return made


# A synthetic intake left unfinished: languages and countries are stored as codes.
DRAFT_INTAKE = {
    "given_name": ["Olena"],
    "age_status": ["uncertain"],
    "citizenships": ["UA"],
    "first_language": ["uk"],
    "other_languages": ["ru"],
    "narrative": ["Met at the bus station in the evening; to be continued with an interpreter."],
}


def _leave_a_draft(users: dict[UserKey, User]) -> int:
    """One intake saved as a draft by the Finnish NGO caseworker, to resume."""
    caseworker = users[("FI", OrgType.NGO, Role.CASEWORKER)]
    drafts.draft_save(
        actor=caseworker, kind=DraftKind.CASE_OPEN, path=reverse("cases:new"), fields=DRAFT_INTAKE
    )
    return 1


def _ask_an_erasure(users: dict[UserKey, User]) -> int:
    """One person asked the organisation leading their case to erase their data: a
    caseworker asked, and the request waits for the lead's supervisor, who has the
    task (issue 12). The oldest case of a lead with both demo accounts."""
    staff = {(u.organisation_id, u.role): u for u in users.values()}
    leads = TeamMembership.objects.filter(is_lead=True).order_by("case__opened_at", "case_id")
    for membership in leads:
        asker = staff.get((membership.organisation_id, Role.CASEWORKER))
        if asker is not None and (membership.organisation_id, Role.SUPERVISOR) in staff:
            case_services.erasure_request(
                actor=asker, case_id=membership.case_id, reason=ErasureReason.PERSON_ASKED
            )
            return 1
    return 0


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


def _create_agreements(
    *,
    orgs: dict[OrgKey, Organisation],
    users: dict[UserKey, User],
    today: date,
    summary: SeedSummary,
) -> None:
    """Each country's agreements, proposed by the system administrator (laws) or
    an administrator of a party (MoUs) and approved by every party, on the legal
    bases the national coordinator listed; the proposer ends the one that ended.
    One proposal per country still waits for the coordinator (R-47)."""
    system_admin = users[(*SYSTEM_ADMIN_HOME, Role.SYSTEM_ADMIN)]
    for country in COUNTRIES:
        by_type = {t: org for (c, t), org in orgs.items() if c == country}
        admins = {
            t: user for (c, t, r), user in users.items() if c == country and r == Role.ORG_ADMIN
        }
        bases = _list_legal_bases(coordinator=admins[OrgType.NATIONAL_COORDINATOR])
        for spec in agreement_specs.AGREEMENTS:
            admin = admins[spec.admin] if spec.admin else system_admin
            agreement = _propose(
                spec, country=country, organisations=by_type, admin=admin, today=today, bases=bases
            )
            agreement_specs.approve_by_every_party(agreement, country=country, admins=admins)
            summary.agreements += 1
            ends_on = spec.ends_on(today)
            if ends_on is not None:
                access_services.agreement_end(
                    actor=admin, agreement_id=agreement.id, ends_on=ends_on
                )
                summary.agreements_ended += 1
        for spec in agreement_specs.PROPOSALS:
            _propose(
                spec,
                country=country,
                organisations=by_type,
                admin=admins[spec.admin],
                today=today,
                bases=bases,
            )
            summary.agreements_proposed += 1


def _list_legal_bases(*, coordinator: User) -> dict[str, uuid.UUID]:
    """The coordinator's list of its country, by citation."""
    return {
        citation: access_services.legal_basis_create(
            actor=coordinator,
            title=title,
            citation=citation,
            allows_location_health_to_enforcement=allows,
        ).id
        for title, citation, allows in agreement_specs.LEGAL_BASES
    }


def _propose(
    spec: agreement_specs.AgreementSpec,
    *,
    country: str,
    organisations: dict[str, Organisation],
    admin: User,
    today: date,
    bases: dict[str, uuid.UUID],
) -> Agreement:
    """One agreement proposed through the access services."""
    parties, flows = agreement_specs.service_inputs(
        spec, country=country, organisations=organisations
    )
    valid_from = spec.valid_from(today)
    return access_services.agreement_propose(
        actor=admin,
        name=spec.title(country=country, today=today),
        document_reference=spec.reference.format(start=valid_from.year),
        valid_from=valid_from,
        parties=parties,
        flows=flows,
        legal_basis_id=bases[spec.legal_basis] if spec.legal_basis else None,
        consent_required=spec.consent_required,
    )


def _record_consents(
    plan: CasePlan,
    *,
    case: Case,
    opener: User,
    orgs: dict[OrgKey, Organisation],
    summary: SeedSummary,
) -> None:
    """The person's consents, recorded by the lead's caseworker (for a child, the
    representative's decision with the child's views). Withdrawals take effect at once."""
    child = case.person.treat_as_child
    guardian = child and access_selectors.guardian_appointed(case_id=case.id)
    for consent in plan.sharing.consents:
        recipient = orgs[(plan.country, consent.recipient)]
        if child and not guardian:
            # Nobody can consent for a child without a guardian: the child is heard.
            access_services.child_views_record(
                actor=opener,
                case_id=case.id,
                person_id=case.person_id,
                data_key=case.person.data_key,
                child=True,
                views=consent.child_views,
                purpose=consent.purpose,
                field_groups=consent.groups,
                heard_on=consent.given_on,
                language=consent.language,
                information_given=consent.information_given,
                recipient_organisation=None if consent.any_of_type else recipient,
                recipient_org_type=consent.recipient if consent.any_of_type else "",
            )
            summary.child_views += 1
            continue
        row = access_services.consent_record(
            actor=opener,
            case_id=case.id,
            person_id=case.person_id,
            data_key=case.person.data_key,
            purpose=consent.purpose,
            field_groups=consent.groups,
            given_on=consent.given_on,
            language=consent.language,
            information_given=consent.information_given,
            recipient_organisation=None if consent.any_of_type else recipient,
            recipient_org_type=consent.recipient if consent.any_of_type else "",
            given_by=consent.given_by,
            child=case.person.treat_as_child,
            child_views=consent.child_views,
        )
        summary.consents += 1
        summary.consents_by_guardian += consent.given_by == GivenBy.GUARDIAN
        if consent.withdrawn:
            access_services.consent_withdraw(
                actor=opener, consent_id=row.id, person_id=case.person_id
            )
            summary.consents_withdrawn += 1
    if plan.sharing.note:
        case_services.narrative_append(actor=opener, case_id=case.id, text=plan.sharing.note)


# One woman met twice in Finland and recorded twice: by an NGO in Cyrillic, as her
# passport has it, and by the police in a Latin spelling, with day and month swapped.
DUPLICATE = (
    (OrgType.NGO, "Юлия", "Иванова", date(1990, 5, 4)),
    (OrgType.POLICE, "Julija", "Ivanova", date(1990, 4, 5)),
)


# Opened besides the ``cases`` synthetic ones: the duplicate pair, the people found at
# night, the man told his rights in Vietnamese and the two returns.
DUPLICATE_CASES = (
    len(DUPLICATE)
    + shelters_demo.FOUND_AT_NIGHT_CASES
    + rights_demo.INFORMED_CASES
    + returns_demo.RETURN_CASES
)


def _record_a_duplicate(users: dict[UserKey, User]) -> int:
    """Two cases of one person, then the national coordinator's deduplication run
    (through the services, run at once rather than by the worker): the review queue
    has the pair to look at (issue 14). Returns the pairs queued."""
    for org_type, given, family, born in DUPLICATE:
        case_services.case_open(
            actor=users[("FI", org_type, Role.CASEWORKER)],
            person=case_services.PersonInput(
                age_status=AgeStatus.VERIFIED_ADULT,
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=Sex.FEMALE,
                citizenships=["UA"],
                languages=["ru"],
            ),
            forms_of_exploitation=[ExploitationForm.SEXUAL],
            narrative="Met at the harbour; says she came by ferry in spring.",
        )
    coordinator = users[("FI", OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER)]
    run = linkage_review.run_start(actor=coordinator)
    return linkage_review.run_execute(run.id).pairs_queued


def _staff(users: dict[UserKey, User], country: str, org_type: str, role: str) -> User:
    """The demo account with that role, or the organisation's caseworker."""
    return users.get((country, org_type, role)) or users[(country, org_type, Role.CASEWORKER)]


OPENED_DAYS_BEFORE_FIRST_EVENT = 2


def _opening_days(plans: list[CasePlan], today: date) -> list[date]:
    """The day each case is opened: a little before its first event, and never after
    the next case's, so the cases are opened in the order they are planned."""
    days: list[date] = []
    later = today
    for plan in reversed(plans):
        first = plan.events[0].on if plan.events else today
        later = min(later, first - timedelta(days=OPENED_DAYS_BEFORE_FIRST_EVENT))
        days.append(later)
    return days[::-1]


@dataclass(frozen=True)
class _Replay:
    """Replays each step of a case's history as if recorded on its own day, so the
    rules that run against real time (R-15, R-17: a decision cannot predate the case;
    the reflection period and the gap to the next decision count from the day a
    decision is recorded) see the history as it happened. The time of day is noon plus
    the time the seeding has taken, so the steps keep the order they were recorded in."""

    started: datetime

    @contextmanager
    def on(self, day: date) -> Iterator[None]:
        now = timezone.now()
        if day >= timezone.localdate(now):
            yield
            return
        # In UTC, as the database gives it back (the audit chain hashes it).
        moment = datetime.combine(day, clock_time(12), tzinfo=UTC) + (now - self.started)
        with mock.patch.object(timezone, "now", return_value=moment):
            yield


def _seed_case(
    plan: CasePlan,
    *,
    opened_on: date,
    replay: _Replay,
    orgs: dict[OrgKey, Organisation],
    users: dict[UserKey, User],
    summary: SeedSummary,
    assisting: assistance_demo.AssistanceSeeder,
) -> str:
    """Open, staff, screen, decide and assist one case; returns its final identification status."""
    opener = users[(plan.country, plan.lead_type, Role.CASEWORKER)]
    with replay.on(opened_on):
        case = case_services.case_open(
            actor=opener,
            person=plan.person,
            forms_of_exploitation=plan.forms,
            narrative=plan.narrative,
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
        with replay.on(event.on):
            negative = _record(event, plan=plan, case_id=case.id, users=users, negative=negative)
        _count(event, summary)
    if plan.follow_up:
        case_services.narrative_append(actor=opener, case_id=case.id, text=plan.follow_up)
    assisting.seed_case(
        plan,
        case=case,
        lead=opener,
        organisations={t: org for (c, t), org in orgs.items() if c == plan.country},
    )
    # After assistance, which appoints most children's guardians.
    _record_consents(plan, case=case, opener=opener, orgs=orgs, summary=summary)
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
            legal_basis=pathways.pathway_for(plan.country).legal_basis,
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
        # The supervisor opens the period's page, then extends the version read there.
        supervisor = _staff(users, plan.country, event.by, Role.SUPERVISOR)
        period = reflection_selectors.reflection_period_get(user=supervisor, case_id=case_id).period
        assert period is not None  # noqa: S101 - planned after a positive reasonable-grounds decision
        reflection_services.reflection_period_extend(
            actor=supervisor,
            case_id=case_id,
            days=event.days,
            reasons=event.reasons,
            decided_on=event.on,
            version=period.version,
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
