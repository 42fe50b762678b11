"""Writes of the search before create: the blocking-key index kept with each
person's identity, and the check itself (decrypting candidates in memory, each
read audited), with the national coordinator's task when intake opens a case for
a person already known under a case the caseworker may not see."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup, Purpose
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, OrgType, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import hooks as case_hooks
from haven.cases.models import Case, Person
from haven.deadlines import notify
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.linkage import clocks, errors, matching, selectors
from haven.linkage.models import BlockingKey, Check
from haven.vault import hooks as vault_hooks
from haven.vault import services as vault

TASK_DAYS = 5  # the coordinator looks at a possible duplicate within a working week
# What the API says of a match under a case the caller may not see.
KNOWN_ELSEWHERE = gettext_lazy("Known to the system — contact the national coordinator.")


@dataclass(frozen=True)
class Match:
    """A match the asker may see: the case, and how likely it is the same person."""

    case_id: uuid.UUID
    reference: str
    probability: float
    band: selectors.Band

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


@dataclass(frozen=True)
class CheckAnswer:
    """What the check answers. ``known_elsewhere`` is the band of the likeliest
    match under a case the asker may not see (None: none): never its case, its
    reference, its name or its probability."""

    checked: bool  # False: too little was typed to check
    matches: list[Match] = field(default_factory=list)
    known_elsewhere: selectors.Band | None = None
    search_token: str = ""
    told: bool = False  # the national coordinator was asked to look (``coordinator_tell``)


@dataclass(frozen=True)
class _Scored:
    case: Case
    probability: float


def _identity_read(person: Person) -> matching.Record:
    def read(name: str) -> str:
        ciphertext: bytes | memoryview | None = getattr(person, f"{name}_enc")
        return vault.decrypt_optional(
            key=person.data_key, ciphertext=ciphertext, context=f"person.{name}"
        )

    return matching.Record(
        given_name=read("given_name"),
        family_name=read("family_name"),
        sex=selectors.SEX_CODES.get(person.sex, ""),
        date_of_birth=read("date_of_birth"),
        nationality=person.citizenships[0] if person.citizenships else "",
    )


@dataclass(frozen=True)
class _Candidates:
    cases: list[Case]
    found: selectors.Candidates  # the register's size and the typed keys' block sizes


def _candidates(
    normalised: matching.Normalised, *, exclude: uuid.UUID | None = None
) -> _Candidates:
    """The live cases of the persons sharing most blocking keys (bounded), with the
    size of the register they were drawn from and of the typed keys' blocks."""
    limit = settings.HAVEN_LINKAGE_MAX_CANDIDATES
    found = selectors.candidate_ids(
        selectors.keyed_weighted(normalised), limit=limit, exclude=exclude
    )
    return _Candidates(selectors.candidate_cases(found.person_ids), found)


def _scored(
    *,
    actor: audit.Actor,
    normalised: matching.Normalised,
    check: str,
    cases: list[Case],
    found: selectors.Candidates,
) -> list[_Scored]:
    """Each candidate decrypted in memory and scored (with the prior of
    ``selectors.prior_size``; an agreeing full name weighed by how common it is in the
    register, ``selectors.name_share``),
    each read audited for the person's access report; those at the threshold or
    above, likeliest first."""
    scored = []
    prior = selectors.prior_size(found.register_size)
    typed = selectors.name_pair_keyed(normalised)
    for case in cases:
        person = case.person
        candidate = matching.normalise(_identity_read(person))
        probability = matching.match_probability(
            normalised,
            candidate,
            register_size=prior,
            name_share=selectors.name_share(typed, candidate, found),
        )
        audit.audit_record(
            actor=actor,
            action=Action.LINKAGE_READ,
            object_type="cases.Person",
            object_id=person.id,
            person_id=person.id,
            field_groups=[FieldGroup.IDENTITY],
            purpose=Purpose.IDENTIFICATION,
            detail={"check": check},
        )
        if probability >= selectors.threshold():
            scored.append(_Scored(case, probability))
    return sorted(scored, key=lambda s: -s.probability)


def _rate_check(actor: User) -> None:
    if selectors.checks_recent(actor) >= settings.HAVEN_LINKAGE_CHECK_LIMIT:
        raise errors.CheckRateLimited(
            _("Too many checks in a short time. Wait a few minutes and check again.")
        )


def _check(
    *, actor: User, identity: case_hooks.IntakeIdentity
) -> tuple[CheckAnswer, list[_Scored]]:
    if not selectors.may_check(actor):
        raise case_errors.RoleNotAllowed(_("Only caseworkers and supervisors can do this."))
    normalised = matching.normalise(selectors.record_of(identity))
    if not selectors.enough_to_check(normalised):
        return CheckAnswer(checked=False), []
    _rate_check(actor)
    check_id = uuid.uuid4()
    found = _candidates(normalised)
    scored = _scored(
        actor=audit.actor_of(actor),
        normalised=normalised,
        check=str(check_id),
        cases=found.cases,
        found=found.found,
    )
    Check.objects.create(
        id=check_id, user=actor, checked_at=timezone.now(), candidates=len(found.cases)
    )
    matches, hidden = [], []
    visible = selectors.may_see_each(actor, [each.case for each in scored])
    for each in scored:
        if visible[each.case.pk]:
            band = selectors.band_of(each.probability)
            matches.append(Match(each.case.id, each.case.reference, each.probability, band))
        else:
            hidden.append(each)
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.LINKAGE_READ,
        object_type="linkage.Check",
        object_id=check_id,
        purpose=Purpose.IDENTIFICATION,
        detail={"matches": len(matches), "hidden": len(hidden)},
    )
    answer = CheckAnswer(
        checked=True,
        matches=matches,
        known_elsewhere=selectors.band_of(max(h.probability for h in hidden)) if hidden else None,
        search_token=selectors.search_token(actor, normalised),
    )
    return answer, hidden


def intake_check(*, actor: User, identity: case_hooks.IntakeIdentity) -> CheckAnswer:
    """Is this person already known? What the caseworker typed is normalised, its
    keyed blocking keys find the candidates, each candidate is decrypted in memory
    for scoring only (every read audited), and the matches at the threshold or
    above are answered: with their case where the asker may see it, else only as
    "known to the system". Only those who may open cases may check (R-14); too
    little input answers ``checked=False`` and reads nothing.

    One transaction, whose audit events (one per candidate decrypted, and the
    check's) are appended together at its end (``audit.audit_batch``): a check that
    decrypts twenty candidates makes the same queries as one that decrypts one."""
    with audit.audit_batch():
        return _check(actor=actor, identity=identity)[0]


@transaction.atomic
def coordinator_tell(*, actor: User, identity: case_hooks.IntakeIdentity) -> CheckAnswer:
    """The caseworker asks, before opening a case, that the national coordinator
    look at a match "known to the system": the check runs again (audited), and each
    hidden match gets the coordinator a task on that case, once per asker while it
    is open (asking twice adds nothing). ``told`` says whether anyone was told."""
    answer, hidden = _check(actor=actor, identity=identity)
    told = False
    for each in hidden:
        already = Task.objects.filter(
            case_id=each.case.id,
            kind=clocks.HIDDEN_MATCH,
            status=Task.Status.OPEN,
            detail__asked_by=actor.pk,
        ).exists()
        opened = (
            0 if already else _coordinators_tell(actor=actor, case=each.case, hidden=[each.case])
        )
        told = told or already or opened > 0
    return dataclasses.replace(answer, told=told)


def _keys_write(person: Person, normalised: matching.Normalised) -> None:
    BlockingKey.objects.filter(person=person).delete()
    BlockingKey.objects.bulk_create(
        BlockingKey(person=person, key=key) for key in selectors.keyed(normalised)
    )


def _coordinators_tell(*, actor: User, case: Case, hidden: list[Case]) -> int:
    """One task per hidden case for each national coordinator of the asker's
    country, on ``case`` (the new intake, or the hidden case itself when asked
    before intake): the case ids and who asked, nothing else; and the
    coordinators' staff are told in the app. Returns the tasks opened."""
    assert actor.organisation is not None  # noqa: S101 - intake is by a case role
    coordinators = list(
        Organisation.objects.filter(
            org_type=OrgType.NATIONAL_COORDINATOR, country=actor.organisation.country
        ).order_by("name")
    )
    if not hidden or not coordinators:
        return 0
    due = timezone.localdate() + timedelta(days=TASK_DAYS)
    for other in hidden:
        for organisation in coordinators:
            deadline_services.task_open(
                case_id=case.id,
                kind=clocks.HIDDEN_MATCH,
                due_on=due,
                organisation=organisation,
                reminder_days_before=1,
                detail={"hidden_case": str(other.id), "asked_by": actor.pk},
            )
    staff = User.objects.filter(
        organisation__in=coordinators, role__in=account_policy.CASE_ROLES, is_active=True
    )
    notify.notify(
        recipients=staff,
        kind=Notification.Kind.DESK,
        event=clocks.HIDDEN_MATCH_EVENT.key,
        case=case,
    )
    return len(hidden) * len(coordinators)


def identity_indexed(event: case_hooks.PersonIdentityWritten) -> None:
    """A person's identity was written: its keyed blocking keys replace the old
    ones, in the same transaction. At intake, a match under a case the caseworker
    may not see gets the national coordinator a task: only those candidates are
    decrypted (the caseworker's check showed the others already). Registered with
    ``haven.cases.hooks`` by ``LinkageConfig``."""
    normalised = matching.normalise(selectors.record_of(event.identity))
    _keys_write(event.person, normalised)
    if not event.opened or not selectors.enough_to_check(normalised):
        return
    found = _candidates(normalised, exclude=event.person.id)
    visible = selectors.may_see_each(event.actor, found.cases)
    hidden = [case for case in found.cases if not visible[case.pk]]
    scored = _scored(
        actor=audit.actor_of(event.actor),
        normalised=normalised,
        check=f"intake:{event.case.id}",
        cases=hidden,
        found=found.found,
    )
    _coordinators_tell(actor=event.actor, case=event.case, hidden=[s.case for s in scored])


def person_keys_erase(event: case_hooks.PersonErased) -> None:
    """Erasure: the person's blocking keys go with the data key (registered with
    ``haven.cases.hooks``; the erasure itself is audited by cases)."""
    BlockingKey.objects.filter(person_id=event.case.person_id).delete()


def persons_keys_erase_again(event: vault_hooks.KeysShredded) -> None:
    """After a restore: the blocking keys of persons whose data key the erasure
    ledger destroyed again are deleted too (registered with ``haven.vault.hooks``)."""
    BlockingKey.objects.filter(person__data_key_id__in=list(event.destroyed)).delete()


def index_rebuild(*, batch_size: int = 500) -> int:
    """Index every live person (``haven linkage_index``): each identity decrypted in
    memory, its keys written, the read audited as the system's. Returns how many."""
    done = 0
    last: uuid.UUID | None = None
    while True:
        with transaction.atomic():
            persons = Person.objects.select_related("data_key").filter(
                erased_at__isnull=True, case__merged_into__isnull=True
            )
            if last is not None:
                persons = persons.filter(pk__gt=last)
            batch = list(persons.order_by("pk")[:batch_size])
            if not batch:
                return done
            for person in batch:
                _keys_write(person, matching.normalise(_identity_read(person)))
                audit.audit_record(
                    actor=audit.SYSTEM,
                    action=Action.LINKAGE_READ,
                    object_type="cases.Person",
                    object_id=person.id,
                    person_id=person.id,
                    field_groups=[FieldGroup.IDENTITY],
                    purpose=Purpose.IDENTIFICATION,
                    detail={"indexed": True},
                )
            done += len(batch)
            last = batch[-1].pk
