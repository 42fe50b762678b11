"""Bulk seeding for the benchmark: many cases, quickly, encrypted for real.

Organisations and users are created through the account services, and each
bench user enrols a TOTP device through the MFA services. Persons and cases
are then bulk-created in batches; every person gets its own data key from
``vault.services.data_key_create`` and every sensitive field is sealed with
``vault.services.encrypt``, exactly as intake does, so pages decrypt real
ciphertexts.

Like a year of real use, each case also gets deadlines (``OPEN_DEADLINES`` open
per case, due in the past and the future, and ``CLOSED_DEADLINES`` done or
cancelled, across the registered kinds) and ``AUDIT_EVENTS`` audit events (reads
and writes by the lead's staff over the year, written in bulk with their MAC as
``bench/audit.py`` fills the trail). At 100,000 cases that is about 30,000 open
deadlines in the bench caseworkers' country and 300,000 audit events. Then the
planner's statistics are gathered (``haven.lib.db.optimize``), as the worker does.

Import this module only after ``django.setup()``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from faker import Faker

from haven.access.models import TeamMembership
from haven.accounts import services as account_services
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.audit import chain
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.cases.models import (
    AgeStatus,
    Case,
    ExploitationForm,
    GenderIdentity,
    NarrativeEntry,
    Person,
    Sex,
    StatusTransition,
)
from haven.cases.status import IdentificationStatus
from haven.deadlines.models import Task
from haven.lib import db
from haven.linkage import matching
from haven.linkage import selectors as linkage_selectors
from haven.linkage.models import BlockingKey
from haven.vault import services as vault

S = IdentificationStatus
BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 - a throwaway bench database
BENCH_USERS = 50  # one per concurrent locust user: a TOTP code is accepted only once
LOCALES = ("fi_FI", "et_EE", "lv_LV", "lt_LT", "pl_PL", "uk_UA", "ro_RO", "vi_VN")
NAME_POOL = 200  # names per locale; the mix of pools gives enough variety
TYPED_SAMPLE = 1000  # identities kept for the search before create to look for

# Final status and the decisions leading to it (after "potential" at intake), with weights.
HISTORIES: tuple[tuple[tuple[S, ...], int], ...] = (
    ((), 30),
    ((S.PRESUMED,), 25),
    ((S.PRESUMED, S.IDENTIFIED), 20),
    ((S.NOT_IDENTIFIED,), 10),
    ((S.DECLINED_FORMAL_IDENTIFICATION,), 8),
    ((S.PRESUMED, S.WITHDRAWN), 7),
)
FORMS = tuple(ExploitationForm)
OPEN_DEADLINES = 0.3  # per case: ~30,000 open at 100,000 cases
CLOSED_DEADLINES = 1.0  # per case, done or cancelled
AUDIT_EVENTS = 3.0  # per case: ~300,000 at 100,000 cases
# Deadline kinds as the apps open them (key, detail, whether they block), with weights.
DEADLINE_KINDS: tuple[tuple[str, dict[str, Any], bool, int], ...] = (
    ("decision_due", {"decision_type": "reasonable_grounds"}, True, 30),
    ("reassessment_due", {"assessment": "needs", "stage": "presumed"}, False, 20),
    ("reassessment_due", {"assessment": "risk", "stage": "presumed"}, False, 10),
    ("reflection_period_end", {}, False, 15),
    ("permit_expiry", {}, False, 10),
    ("screening_review", {}, False, 8),
    ("closure_follow_up", {}, False, 5),
    ("guardian_appointment", {}, True, 2),
)
AUDIT_GROUPS = ("identity,status", "identity,contact,location", "narrative", "legal,assessment")


@dataclass
class BenchUser:
    username: str
    password: str
    totp_key: str  # hex: the load test computes its own codes
    enrolled_at: float  # enrolment used that time step's code; the next one is free


@dataclass
class BenchWorld:
    """What the measurements need: who to sign in as, and what they can see."""

    caseworkers: list[User]
    credentials: list[BenchUser]
    leads: list[Organisation]
    police: Organisation
    shelter: Organisation
    openers: dict[Any, User] = field(default_factory=dict)  # lead organisation id -> user
    lead_of: dict[Any, Organisation] = field(default_factory=dict)  # case id -> lead
    cases: int = 0
    seconds: float = 0.0
    # Identities as intake typed them (given, family, sex, born, citizenship): a sample
    # for the search before create to look for, in another script or spelling.
    typed: list[tuple[str, str, str, date, str]] = field(default_factory=list)


def seed(*, cases: int, seed: int = 1, batch_size: int = 2000) -> BenchWorld:
    """Organisations and users through services, then ``cases`` bulk-created cases."""
    started = time.perf_counter()
    world = _create_world()
    rng = random.Random(seed)
    names = _name_pools(seed)
    references: set[str] = set()
    for start in range(0, cases, batch_size):
        _create_batch(world, rng, names, references, count=min(batch_size, cases - start))
    world.cases = cases
    db.optimize()
    world.seconds = time.perf_counter() - started
    return world


def _create_world() -> BenchWorld:
    def org(name: str, org_type: str) -> Organisation:
        return account_services.organisation_create(
            name=name, org_type=org_type, country="FI", region="Uusimaa"
        )

    leads = [org(f"Bench NGO {n}", OrgType.NGO) for n in range(1, 5)]
    leads += [org("Bench Social Services", OrgType.SOCIAL_SERVICES)]
    police = org("Bench Police", OrgType.POLICE)
    shelter = org("Bench Shelter", OrgType.SHELTER)
    caseworkers, credentials = [], []
    for n in range(1, BENCH_USERS + 1):
        user, creds = _enrolled_caseworker(f"bench.caseworker.{n:02d}", leads[0])
        caseworkers.append(user)
        credentials.append(creds)
    # Every lead organisation needs someone to have opened its cases.
    openers = {lead.pk: _opener(lead) for lead in leads[1:]}
    openers[leads[0].pk] = caseworkers[0]
    return BenchWorld(caseworkers, credentials, leads, police, shelter, openers)


def _enrolled_caseworker(username: str, organisation: Organisation) -> tuple[User, BenchUser]:
    """A caseworker who enrolled TOTP through the same services as the MFA page."""
    user = account_services.user_create(
        username=username, password=BENCH_PASSWORD, organisation=organisation, role=Role.CASEWORKER
    )
    device = account_services.otp_enrol_start(user=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    account_services.otp_enrol_confirm(user=user, token=f"{code:0{device.digits}d}")
    return user, BenchUser(username, BENCH_PASSWORD, device.key, time.time())


def _opener(organisation: Organisation) -> User:
    return account_services.user_create(
        username=f"bench.opener.{organisation.pk.hex[:8]}",
        password=BENCH_PASSWORD,
        organisation=organisation,
        role=Role.CASEWORKER,
    )


def _name_pools(seed: int) -> dict[str, tuple[list[str], list[str]]]:
    fake = Faker(list(LOCALES))
    fake.seed_instance(seed)
    return {
        locale: (
            [fake[locale].first_name() for _ in range(NAME_POOL)],
            [fake[locale].last_name() for _ in range(NAME_POOL)],
        )
        for locale in LOCALES
    }


def _reference(rng: random.Random, references: set[str], year: int) -> str:
    alphabet = case_services.REFERENCE_ALPHABET
    while True:
        reference = f"FI-{year}-" + "".join(rng.choice(alphabet) for _ in range(6))
        if reference not in references:
            references.add(reference)
            return reference


@transaction.atomic
def _create_batch(
    world: BenchWorld,
    rng: random.Random,
    names: dict[str, tuple[list[str], list[str]]],
    references: set[str],
    *,
    count: int,
) -> None:
    now = timezone.now()
    persons, cases, team, transitions, narrative = [], [], [], [], []
    keys: list[BlockingKey] = []
    for _ in range(count):
        person, typed = _person(rng, names, today=now.date())
        keys += _blocking_keys(person, typed)
        if len(world.typed) < TYPED_SAMPLE:
            world.typed.append(typed)
        lead = rng.choice(world.leads)
        opener = world.openers[lead.pk]
        opened_at = now - timedelta(seconds=rng.randint(86400, 3 * 365 * 86400))
        history = rng.choices([h for h, _ in HISTORIES], weights=[w for _, w in HISTORIES])[0]
        case = Case(
            reference=_reference(rng, references, opened_at.year),
            person=person,
            country="FI",
            identification_status=history[-1] if history else S.POTENTIAL,
            status_changed_at=opened_at + timedelta(hours=len(history)),
            forms_of_exploitation=sorted({rng.choice(FORMS), rng.choice(FORMS)}),
            removal_protected=S.PRESUMED in history,
            opened_at=opened_at,
            opened_by=opener,
        )
        case.reference_keys()
        world.lead_of[case.pk] = lead
        persons.append(person)
        cases.append(case)
        team += _team(rng, world, case, lead, opener, opened_at)
        transitions += _transitions(case, history, opener, lead, opened_at)
        narrative.append(
            NarrativeEntry(
                case=case,
                created_at=opened_at,
                author=opener,
                organisation=lead,
                text_enc=vault.encrypt(
                    key=person.data_key,
                    plaintext=f"Bench narrative: recruited for seasonal work, wages withheld "
                    f"({rng.randint(1, 9999)}).",
                    context="narrative.text",
                ),
            )
        )
    Person.objects.bulk_create(persons)
    BlockingKey.objects.bulk_create(keys)
    Case.objects.bulk_create(cases)
    TeamMembership.objects.bulk_create(team)
    StatusTransition.objects.bulk_create(transitions)
    NarrativeEntry.objects.bulk_create(narrative)
    Task.objects.bulk_create(_deadlines(rng, world, cases, now))
    AuditEvent.objects.bulk_create(_audit_events(rng, world, cases, now))


def _share(rng: random.Random, rate: float) -> int:
    """How many rows one case gets for a rate per case (e.g. 0.3: 0 or 1)."""
    whole = int(rate)
    return whole + (rng.random() < rate - whole)


def _deadlines(
    rng: random.Random, world: BenchWorld, cases: list[Case], now: datetime
) -> list[Task]:
    """Open deadlines due from four months ago to three months ahead, and closed
    ones from the case's life, for the case lead."""
    kinds = [k[:3] for k in DEADLINE_KINDS]
    weights = [k[3] for k in DEADLINE_KINDS]
    tasks = []
    for case in cases:
        lead = world.lead_of[case.pk]
        for is_open in [True] * _share(rng, OPEN_DEADLINES) + [False] * _share(
            rng, CLOSED_DEADLINES
        ):
            kind, detail, blocking = rng.choices(kinds, weights=weights)[0]
            if is_open:
                due_at = now + timedelta(days=rng.randint(-120, 90), hours=rng.randint(0, 23))
            else:
                due_at = case.opened_at + timedelta(days=rng.randint(1, 200))
            closed_at = None if is_open else min(due_at, now)
            tasks.append(
                Task(
                    case=case,
                    kind=kind,
                    detail=detail,
                    due_at=due_at,
                    remind_at=due_at - timedelta(days=7),
                    assigned_organisation=lead,
                    blocking=blocking,
                    status=Task.Status.OPEN
                    if is_open
                    else rng.choice([Task.Status.DONE, Task.Status.DONE, Task.Status.CANCELLED]),
                    created_at=min(case.opened_at, due_at - timedelta(days=1)),
                    closed_at=closed_at,
                    closed_by=None if is_open else world.openers[lead.pk],
                    reminded_at=due_at - timedelta(days=7) if due_at < now else None,
                    escalated_at=due_at if is_open and due_at < now else None,
                )
            )
    return tasks


def _audit_events(
    rng: random.Random, world: BenchWorld, cases: list[Case], now: datetime
) -> list[AuditEvent]:
    """Reads and writes of the cases by the lead's staff over the last year, each
    with its MAC (sealed later by ``haven audit seal``, as the worker would)."""
    key = chain.audit_key()
    events = []
    for case in cases:
        lead = world.lead_of[case.pk]
        actor = world.openers[lead.pk]
        for _ in range(_share(rng, AUDIT_EVENTS)):
            event = AuditEvent(
                occurred_at=now - timedelta(seconds=rng.randint(0, 365 * 86400)),
                actor_id=actor.pk,
                actor_username=actor.username,
                organisation_id=str(lead.pk),
                organisation_name=lead.name,
                action=rng.choice([Action.READ, Action.READ, Action.READ, Action.UPDATE]),
                object_type="cases.Case",
                object_id=str(case.pk),
                person_id=str(case.person_id),
                field_groups=rng.choice(AUDIT_GROUPS),
                purpose="assistance",
                detail_json="{}",
            )
            content = [*(getattr(event, f) for f in chain.CONTENT[:-1]), {}]  # the detail: {}
            event.mac = chain.content_mac(key, content)
            events.append(event)
    return events


def _blocking_keys(person: Person, typed: tuple[str, str, str, date, str]) -> list[BlockingKey]:
    """The search before create's keyed index of a person, as intake writes it."""
    given, family, sex, born, citizenship = typed
    record = matching.Record(
        given_name=given,
        family_name=family,
        sex=linkage_selectors.SEX_CODES.get(sex, ""),
        date_of_birth=born.isoformat(),
        nationality=citizenship,
    )
    return [
        BlockingKey(person=person, key=key)
        for key in linkage_selectors.keyed(matching.normalise(record))
    ]


def _person(
    rng: random.Random, names: dict[str, tuple[list[str], list[str]]], *, today: date
) -> tuple[Person, tuple[str, str, str, date, str]]:
    """A person sealed under a fresh data key, with the same contexts as intake, and
    the identity as typed."""
    key = vault.data_key_create(subject=case_services.PERSON_SUBJECT)
    locale = rng.choice(LOCALES)
    citizenship = locale[-2:]
    given_names, family_names = names[locale]
    given, family = rng.choice(given_names), rng.choice(family_names)
    born = today - timedelta(days=rng.randint(19 * 366, 60 * 365))

    def seal(value: str, name: str) -> bytes:
        return vault.encrypt(key=key, plaintext=value, context=f"person.{name}")

    sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.UNKNOWN])
    person = Person(
        data_key=key,
        given_name_enc=seal(given, "given_name"),
        family_name_enc=seal(family, "family_name"),
        date_of_birth_enc=seal(born.isoformat(), "date_of_birth"),
        contact_enc=seal(f"+358 40 {rng.randint(1000000, 9999999)}", "contact"),
        current_location_enc=seal(f"Safe house {rng.randint(1, 99)}, Helsinki", "current_location"),
        health_notes_enc=seal("No acute needs reported.", "health_notes"),
        name_index=vault.blind_index(value=f"{given} {family}", purpose="person.name"),
        date_of_birth_index=vault.blind_index(value=born.isoformat(), purpose="person.dob"),
        sex=sex,
        gender_identity=rng.choice(list(GenderIdentity)),
        citizenships=[citizenship],
        languages=[locale[:2]],
        age_status=AgeStatus.VERIFIED_ADULT,
        birth_year=born.year,
    )
    return person, (given, family, str(sex), born, citizenship)


def _team(
    rng: random.Random,
    world: BenchWorld,
    case: Case,
    lead: Organisation,
    opener: User,
    opened_at: datetime,
) -> list[TeamMembership]:
    members = [
        TeamMembership(
            case=case, organisation=lead, is_lead=True, joined_at=opened_at, added_by=opener
        )
    ]
    for organisation, chance in ((world.police, 0.2), (world.shelter, 0.15)):
        if rng.random() < chance:
            members.append(
                TeamMembership(
                    case=case, organisation=organisation, joined_at=opened_at, added_by=opener
                )
            )
    return members


def _transitions(
    case: Case, history: tuple[S, ...], opener: User, lead: Organisation, opened_at: datetime
) -> list[StatusTransition]:
    key = case.person.data_key
    steps = [("", S.POTENTIAL), *zip((S.POTENTIAL, *history), history, strict=False)]
    return [
        StatusTransition(
            case=case,
            from_status=from_status,
            to_status=to_status,
            decided_on=(opened_at + timedelta(hours=index)).date(),
            recorded_at=opened_at + timedelta(hours=index),
            decided_by=opener,
            decided_by_organisation=lead,
            reasons_enc=vault.encrypt(
                key=key, plaintext=f"Bench reasons for {to_status}.", context="transition.reasons"
            ),
        )
        for index, (from_status, to_status) in enumerate(steps)
    ]


def visible_case_ids(organisation: Organisation) -> list[Any]:
    """Ids of the cases an organisation is on the team of, for detail requests."""
    return list(
        TeamMembership.objects.filter(organisation=organisation)
        .order_by("case_id")
        .values_list("case_id", flat=True)
    )
