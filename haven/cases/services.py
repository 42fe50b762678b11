"""Every write to persons and cases. One transaction each, audited inside it."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors, hooks, selectors
from haven.cases.models import (
    ERASURE_TRANSITIONS,
    AgeStatus,
    Case,
    ErasureReason,
    ErasureRequest,
    ErasureState,
    ExploitationForm,
    GenderIdentity,
    Incident,
    Interview,
    LegalHold,
    LegalHoldReason,
    NarrativeEntry,
    Person,
    Premises,
    Sex,
    StatusTransition,
)
from haven.cases.status import (
    DECISION_STATUSES,
    NEGATIVE,
    REGISTERED,
    IdentificationStatus,
    transition_allowed,
)
from haven.lib import dates, ids
from haven.vault import hooks as vault_hooks
from haven.vault import services as vault
from haven.vault.models import DataKey

PERSON_SUBJECT = "cases.Person"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
ADULT_AGE = 18
MAX_AGE = 130  # an estimate above this is a typing error


@dataclass
class PersonInput:
    """What intake records about a person. Empty strings mean 'not known'."""

    age_status: str = AgeStatus.UNCERTAIN
    given_name: str = ""
    family_name: str = ""
    aliases: str = ""
    date_of_birth: date | None = None
    estimated_age_min: int | None = None
    estimated_age_max: int | None = None
    sex: str = Sex.UNKNOWN
    gender_identity: str = GenderIdentity.NOT_STATED
    citizenships: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    contact: str = ""
    current_location: str = ""
    health_notes: str = ""


def presumed_age_status(person: PersonInput, *, today: date) -> str:
    """R-10 (Dir Art. 13(2)): an uncertain age with any reason to believe the person
    is under 18 (a stated date of birth, or an estimated range reaching below 18)
    is a presumed child. Verified statuses come from an age assessment and are kept."""
    if person.age_status != AgeStatus.UNCERTAIN:
        return person.age_status
    # An unverified date of birth does not outweigh an estimate: either is a reason.
    # "At most 16" with no lower bound is as much a reason as "16 to 19".
    lowest_estimate = (
        person.estimated_age_min
        if person.estimated_age_min is not None
        else person.estimated_age_max
    )
    reasons = [
        person.date_of_birth is not None and _age_on(person.date_of_birth, today) < ADULT_AGE,
        lowest_estimate is not None and lowest_estimate < ADULT_AGE,
    ]
    return AgeStatus.UNCERTAIN_PRESUMED_CHILD if any(reasons) else AgeStatus.UNCERTAIN


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _new_reference(
    country: str, year: int, *, model: type[Case] | type[Incident] = Case, prefix: str = ""
) -> str:
    for _attempt in range(10):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(6))
        reference = f"{prefix}{country}-{year}-{code}"
        if not model.objects.filter(reference=reference).exists():
            return reference
    raise errors.TransitionNotAllowed(
        _("Could not allocate a case reference."), code=errors.ErrorCode.REFERENCE_EXHAUSTED
    )


def _require_case_role(actor: User) -> None:
    if not selectors.may_open_case(actor):
        raise errors.RoleNotAllowed(_("Only caseworkers and supervisors can do this."))


def _intake_identity(person: PersonInput) -> hooks.IntakeIdentity:
    """The identity intake compares (linkage's search before create), in memory."""
    return hooks.IntakeIdentity(
        given_name=person.given_name,
        family_name=person.family_name,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        citizenships=tuple(sorted({c.upper() for c in person.citizenships})),
    )


def _validate_person(person: PersonInput, *, today: date) -> None:
    """Intake refuses what the database would refuse, naming the field (nothing is written)."""
    for name, value, choices in (
        ("age_status", person.age_status, AgeStatus.values),
        ("sex", person.sex, Sex.values),
        ("gender_identity", person.gender_identity, GenderIdentity.values),
    ):
        if value not in choices:
            raise errors.InvalidInput(_("Choose a value from the list."), field=name)
    _validate_dates(person, today=today)
    _validate_ages(person)
    _validate_codes(person)


def _validate_dates(person: PersonInput, *, today: date) -> None:
    if person.date_of_birth is not None and person.date_of_birth > today:
        raise errors.InvalidInput(
            _("The date of birth cannot be in the future."), field="date_of_birth"
        )
    dates.check(person.date_of_birth, dates.BIRTH, field="date_of_birth", today=today)
    if (
        person.age_status == AgeStatus.VERIFIED_ADULT
        and person.date_of_birth is not None
        and _age_on(person.date_of_birth, today) < ADULT_AGE
    ):
        raise errors.InvalidInput(
            _("The date of birth makes this person a child; the age cannot be 'adult (verified)'."),
            field="age_status",
        )


def _validate_ages(person: PersonInput) -> None:
    low, high = person.estimated_age_min, person.estimated_age_max
    for name, age in (("estimated_age_min", low), ("estimated_age_max", high)):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise errors.InvalidInput(
                _("An estimated age must be between 0 and %(max)d.") % {"max": MAX_AGE},
                field=name,
            )
    if low is not None and high is not None and low > high:
        raise errors.InvalidInput(
            _("The lowest estimated age must not be above the highest."),
            field="estimated_age_min",
        )
    # an estimate reaching below 18 is a reason to believe the person is a
    # child; only an age assessment, not a choice at intake, can outweigh it.
    if person.age_status == AgeStatus.VERIFIED_ADULT and any(
        age is not None and age < ADULT_AGE for age in (low, high)
    ):
        raise errors.InvalidInput(
            _(
                "The estimated age reaches below 18, so the age cannot be 'adult (verified)'. "
                "Record the age as uncertain: the person is treated as a child until an age "
                "assessment decides."
            ),
            field="age_status",
        )


def _validate_codes(person: PersonInput) -> None:
    # ISO 3166-1 alpha-2 for countries; ISO 639-1, or 639-2 where a language has no
    # two-letter code (Romani: rom).
    if not all(len(c) == 2 and c.isascii() and c.isalpha() for c in person.citizenships):
        raise errors.InvalidInput(
            _("Give citizenships as two-letter country codes."), field="citizenships"
        )
    if not all(len(c) in (2, 3) and c.isascii() and c.isalpha() for c in person.languages):
        raise errors.InvalidInput(
            _("Give languages as two- or three-letter language codes."), field="languages"
        )


def _encrypt_person(person: PersonInput, row: Person) -> None:
    key = row.data_key

    def seal(value: str, context: str) -> bytes | None:
        return vault.encrypt_optional(key=key, plaintext=value, context=f"person.{context}")

    row.given_name_enc = seal(person.given_name, "given_name")
    row.family_name_enc = seal(person.family_name, "family_name")
    row.aliases_enc = seal(person.aliases, "aliases")
    dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
    row.date_of_birth_enc = seal(dob, "date_of_birth")
    row.contact_enc = seal(person.contact, "contact")
    row.current_location_enc = seal(person.current_location, "current_location")
    row.health_notes_enc = seal(person.health_notes, "health_notes")
    full_name = f"{person.given_name} {person.family_name}".strip()
    row.name_index = vault.blind_index(value=full_name, purpose="person.name") if full_name else ""
    row.date_of_birth_index = vault.blind_index(value=dob, purpose="person.dob") if dob else ""


@transaction.atomic
def incident_open(*, actor: User) -> Incident:
    """An incident to link the cases of people found together (one case each,
    opened with ``case_open(..., incident=...)`` in the same transaction)."""
    _require_case_role(actor)
    assert actor.organisation is not None  # noqa: S101 - checked by _require_case_role
    now = timezone.now()
    reference = _new_reference(
        actor.organisation.country, timezone.localdate().year, model=Incident, prefix="INC-"
    )
    incident = Incident.objects.create(reference=reference, opened_at=now, opened_by=actor)
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="cases.Incident",
        object_id=incident.id,
    )
    return incident


@transaction.atomic
def case_open(
    *,
    actor: User,
    person: PersonInput,
    forms_of_exploitation: list[str],
    narrative: str = "",
    incident: Incident | None = None,
    search_token: str = "",
) -> Case:
    """Intake: one person, one case, the actor's organisation as case lead (R-14).

    A new case starts as a potential victim; assistance is available from the
    start and never depends on cooperation (R-18). Age presumption per R-10.
    ``incident`` links the case to others found together with the person.
    ``search_token`` is what a search before create returned (linkage may require
    one, through ``hooks.case_opening``); the apps above learn the identity
    written through ``hooks.person_identity_written``.
    """
    _require_case_role(actor)
    assert actor.organisation is not None  # noqa: S101 - checked by _require_case_role
    now = timezone.now()
    today = timezone.localdate()
    _validate_person(person, today=today)
    identity = _intake_identity(person)
    hooks.case_opening(hooks.CaseOpening(actor=actor, identity=identity, search_token=search_token))
    unknown = set(forms_of_exploitation) - set(ExploitationForm.values)
    if unknown:
        raise errors.InvalidInput(_("Unknown form of exploitation."), field="forms_of_exploitation")
    row = Person(
        data_key=vault.data_key_create(subject=PERSON_SUBJECT),
        sex=person.sex,
        gender_identity=person.gender_identity,
        citizenships=sorted({c.upper() for c in person.citizenships}),
        # The order is the person's: the first language is used for their report.
        languages=list(dict.fromkeys(lang.lower() for lang in person.languages)),
        age_status=presumed_age_status(person, today=today),
        estimated_age_min=person.estimated_age_min,
        estimated_age_max=person.estimated_age_max,
        birth_year=person.date_of_birth.year if person.date_of_birth else None,
    )
    _encrypt_person(person, row)
    row.full_clean(exclude=["data_key"])
    row.save()
    case = Case(
        reference=_new_reference(actor.organisation.country, today.year),
        person=row,
        country=actor.organisation.country,
        identification_status=IdentificationStatus.POTENTIAL,
        status_changed_at=now,
        forms_of_exploitation=sorted(set(forms_of_exploitation)),
        opened_at=now,
        opened_by=actor,
        incident=incident,
    )
    case.full_clean(exclude=["person", "incident"])
    case.save()
    access_services.team_create(case_id=case.id, lead=actor.organisation, by=actor)
    hooks.person_identity_written(
        hooks.PersonIdentityWritten(
            person=row, case=case, actor=actor, identity=identity, opened=True
        )
    )
    # The statutory clocks that start with a case (R-17 decisions, R-11 guardian).
    hooks.case_opened(hooks.CaseOpened(case=case, lead=actor.organisation, today=today))
    StatusTransition.objects.create(
        case=case,
        from_status="",
        to_status=IdentificationStatus.POTENTIAL,
        decided_on=today,
        recorded_at=now,
        decided_by=actor,
        decided_by_organisation=actor.organisation,
        legal_basis="",
        reasons_enc=vault.encrypt(
            key=row.data_key, plaintext="Case opened at intake.", context="transition.reasons"
        ),
    )
    written = [FieldGroup.IDENTITY, FieldGroup.ASSESSMENT, FieldGroup.LEGAL, FieldGroup.STATISTICAL]
    written += [
        g
        for g, v in (
            (FieldGroup.CONTACT, person.contact),
            (FieldGroup.LOCATION, person.current_location),
            (FieldGroup.HEALTH, person.health_notes),
        )
        if v
    ]
    if narrative.strip():
        _narrative_add(actor=actor, case=case, text=narrative)
        written.append(FieldGroup.NARRATIVE)
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="cases.Case",
        object_id=case.id,
        person_id=row.id,
        field_groups=written,
        purpose=Purpose.ASSISTANCE,
    )
    return case


def _narrative_add(*, actor: User, case: Case, text: str) -> NarrativeEntry:
    assert actor.organisation is not None  # noqa: S101 - case roles have an organisation
    return NarrativeEntry.objects.create(
        case=case,
        created_at=timezone.now(),
        author=actor,
        organisation=actor.organisation,
        text_enc=vault.encrypt(key=case.person.data_key, plaintext=text, context="narrative.text"),
    )


@transaction.atomic
def narrative_append(*, actor: User, case_id: object, text: str) -> NarrativeEntry:
    """Add to the single narrative; entries are never edited or removed (R-14).
    Nothing is added once the person's data is erased."""
    gated = selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.NARRATIVE,
        purpose=Purpose.ASSISTANCE,
        write=True,
    )
    case = gated.case
    if not text.strip():
        raise errors.InvalidInput(
            _("Write something before adding it to the narrative."), field="text"
        )
    entry = _narrative_add(actor=actor, case=case, text=text)
    gated.audit_record(action=Action.UPDATE)
    return entry


@transaction.atomic
def case_transition(
    *,
    actor: User,
    case_id: object,
    to_status: str,
    reasons: str,
    legal_basis: str,
    decided_on: date | None = None,
    pathway_decision: bool = False,
) -> StatusTransition:
    """The one way to change identification status: table-checked, dated, reasoned (R-01).

    Presumed, identified and not identified are reached only from an
    identification decision (``pathway_decision=True``, passed by
    ``haven.identification.services.decisions``), which starts the reflection
    period in the same transaction (R-03, R-15). Moving to ``presumed`` marks
    removal protection and assistance eligibility; a negative decision ends the
    removal protection of the identification process (CETS Art. 10(2)).
    Nothing here reads cooperation (R-18). Refused once the person's data is erased.
    """
    # The legal group is decided for assistance, as every status change always was.
    case = selectors.case_for(
        user=actor, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE, write=True
    ).case
    assert actor.organisation is not None  # noqa: S101 - case_get admits only case roles
    if to_status not in IdentificationStatus.values:
        raise errors.InvalidInput(_("Choose a status from the list."), field="to_status")
    if not transition_allowed(case.identification_status, to_status):
        raise errors.TransitionNotAllowed(
            _("This status change is not allowed from the current status."), field="to_status"
        )
    if to_status in DECISION_STATUSES and not pathway_decision:
        raise errors.DecisionRequired(
            _("This status is set by an identification decision. Record the decision instead."),
            field="to_status",
        )
    if not reasons.strip():
        raise errors.ReasonsRequired(
            _("Write the reasons for this decision; they can be given to the person."),
            field="reasons",
        )
    if not legal_basis.strip():
        raise errors.LegalBasisRequired(
            _("Give the legal basis the decision rests on."), field="legal_basis"
        )
    today = timezone.localdate()
    decided_on = decided_on or today
    if decided_on > today:
        raise errors.InvalidInput(
            _("The decision date cannot be in the future."), field="decided_on"
        )
    dates.check(decided_on, dates.PAST, field="decided_on", today=today)
    now = timezone.now()
    transition = StatusTransition.objects.create(
        case=case,
        from_status=case.identification_status,
        to_status=to_status,
        decided_on=decided_on,
        recorded_at=now,
        decided_by=actor,
        decided_by_organisation=actor.organisation,
        legal_basis=legal_basis.strip(),
        reasons_enc=vault.encrypt(
            key=case.person.data_key, plaintext=reasons.strip(), context="transition.reasons"
        ),
    )
    case.identification_status = to_status
    case.status_changed_at = now
    fields = ["identification_status", "status_changed_at"]
    if to_status in REGISTERED and case.registered_on is None:
        case.registered_on = decided_on  # a registered victim from this decision on
        fields.append("registered_on")
    if to_status == IdentificationStatus.PRESUMED:
        case.removal_protected = True
        case.assistance_eligible = True
        fields += ["removal_protected", "assistance_eligible"]
    elif to_status == IdentificationStatus.NOT_IDENTIFIED and case.removal_protected:
        # The identification process has ended; the reflection period, while it
        # runs, still blocks removal on its own.
        case.removal_protected = False
        fields.append("removal_protected")
    case.save(update_fields=fields)
    # The clocks a stage change starts or stops (R-17 decisions, R-21 re-assessments).
    hooks.status_changed(
        hooks.StatusChanged(
            case=case,
            from_status=transition.from_status,
            to_status=to_status,
            by=actor,
            today=today,
        )
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.TRANSITION,
        object_type="cases.Case",
        object_id=case.id,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.IDENTIFICATION,
        detail={"from": transition.from_status, "to": to_status, "negative": to_status in NEGATIVE},
    )
    return transition


CHILD_AGE_STATUSES = (AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD)


@transaction.atomic
def person_age_status_set(
    *, actor: User, case_id: object, to_status: str, age_assessment_id: object = None
) -> Person:
    """Change a person's age status after intake (R-10, Dir Art. 13(2)).

    Into child protections (someone later found or suspected to be a child) at once,
    with no assessment. Out of them (``treat_as_child`` to not), and to "adult
    (verified)", only on an age assessment recorded on this case against the current
    status that decided exactly ``to_status``: ``age_assessment_id``, looked up
    through ``hooks.age_assessment`` (children records them and is the one caller).
    The clocks that follow (the guardian task) run from ``hooks.age_status_changed``.
    """
    gated = selectors.case_for(
        user=actor, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE, write=True
    )
    case = gated.case
    person = case.person
    if to_status not in AgeStatus.values:
        raise errors.InvalidInput(_("Choose a value from the list."), field="age_status")
    from_status = person.age_status
    leaving = person.treat_as_child and to_status not in CHILD_AGE_STATUSES
    if leaving or to_status == AgeStatus.VERIFIED_ADULT:
        recorded = (
            hooks.age_assessment(case_id=case.id, assessment_id=age_assessment_id)
            if age_assessment_id is not None
            else None
        )
        if recorded is None or (recorded.result, recorded.from_status) != (to_status, from_status):
            raise errors.AgeAssessmentRequired(
                _(
                    "Only a recorded age assessment can end the presumption that this person "
                    "is a child. Record the age assessment instead."
                ),
                field="age_status",
            )
    if to_status == from_status:
        return person
    person.age_status = to_status
    person.save(update_fields=["age_status"])
    lead = gated.context.lead
    assert lead is not None  # noqa: S101 - every case has a lead (team_create)
    hooks.age_status_changed(
        hooks.AgeStatusChanged(
            case=case,
            lead=lead.organisation,
            from_status=from_status,
            to_status=to_status,
            by=actor,
            today=timezone.localdate(),
        )
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="cases.Person",
        object_id=person.id,
        person_id=person.id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail={"age_status_from": from_status, "age_status_to": to_status},
    )
    return person


@transaction.atomic
def person_erase(*, actor: User, case_id: object) -> Person:
    """Right to erasure: destroy the person's data key (crypto-shredding).

    Only a supervisor of the case lead may erase, once; staff reach it through an
    erasure request approved by a second person (``erasure_approve``), retention
    through ``retention_run``. Ciphertexts stay in place but can no longer be read
    by anyone; copies in old backups become unreadable once the master key of that
    time is rotated away and retired.
    """
    case = selectors.case_get(user=actor, case_id=case_id, for_update=True)
    lead = next((m for m in access_policy.team_of(case_id=case.id) if m.is_lead), None)
    if (
        actor.role != Role.SUPERVISOR
        or lead is None
        or lead.organisation_id != actor.organisation_id
    ):
        raise errors.RoleNotAllowed(_("Only a supervisor of the case lead can erase a person."))
    return _person_shred(case=case, actor=audit.actor_of(actor))


def _person_shred(
    *, case: Case, actor: audit.Actor, detail: dict[str, object] | None = None
) -> Person:
    person = case.person
    if person.erased_at is not None:
        raise errors.AlreadyErased(_("This person's data was already erased."))
    vault.data_key_destroy(key=person.data_key)
    _person_erased_mark(person, at=timezone.now())
    audit.audit_record(
        actor=actor,
        action=Action.ERASE,
        object_type="cases.Person",
        object_id=person.id,
        person_id=person.id,
        field_groups=list(FieldGroup),
        detail=detail,
    )
    hooks.person_erased(hooks.PersonErased(case=case, actor=actor))
    return person


def _person_erased_mark(person: Person, *, at: datetime) -> None:
    """What erasure leaves of a person besides the destroyed key: the time, and no
    blind index by which a guessed name or birth date could still find the row."""
    person.erased_at = at
    person.name_index = ""
    person.date_of_birth_index = ""
    person.save(update_fields=["erased_at", "name_index", "date_of_birth_index"])


def persons_erased_again(event: vault_hooks.KeysShredded) -> None:
    """After a restore: a person whose data key the erasure ledger destroyed again is
    marked erased as ``person_erase`` left them, with the first erasure's time, and
    the trail records it. Registered with ``haven.vault.hooks`` by ``CasesConfig``;
    runs in the restore's transaction."""
    persons = Person.objects.filter(data_key_id__in=list(event.destroyed), erased_at__isnull=True)
    for person in persons.order_by("id"):
        _person_erased_mark(person, at=event.destroyed[person.data_key_id])
        audit.audit_record(
            actor=audit.SYSTEM,
            action=Action.ERASE,
            object_type="cases.Person",
            object_id=person.id,
            person_id=person.id,
            field_groups=list(FieldGroup),
            detail={"replayed": True},
        )


# --- interviews: told once, read by the agencies named on the record (R-14, R-28) ---------

INTERVIEW_TEXT_LIMITS = {
    "interviewer_name": 200,
    "interviewer_role": 200,
    "training_evidence": 1000,
    "recording_reference": 200,
}
MAX_PERSONS_PRESENT = 30
PERSON_PRESENT_MAX = 200  # characters for one person and their role


@dataclass
class InterviewInput:
    """One interview as recorded. ``readers`` are organisation ids on the case team;
    None means the route's default (the Barnahus agencies, or none besides the
    recording organisation, which always reads its own record)."""

    held_on: date
    interviewer_name: str
    premises: str
    summary: str
    reported_on: date | None = None
    interviewer_role: str = ""
    training_evidence: str = ""
    persons_present: list[str] = field(default_factory=list)
    readers: list[uuid.UUID] | None = None
    justification: str = ""
    barnahus_route: bool = False
    representative_present: bool | None = None
    representative_absence_reason: str = ""
    recording_reference: str = ""
    admissible_as_evidence: bool | None = None


def _validate_interview_shape(interview: InterviewInput, *, today: date) -> None:
    if interview.premises not in Premises.values:
        raise errors.InvalidInput(_("Choose the premises from the list."), field="premises")
    if not interview.interviewer_name.strip():
        raise errors.InvalidInput(_("Name the interviewer."), field="interviewer_name")
    for name, limit in INTERVIEW_TEXT_LIMITS.items():
        if len(getattr(interview, name)) > limit:
            raise errors.InvalidInput(
                _("Keep this under %(limit)d characters.") % {"limit": limit}, field=name
            )
    present = interview.persons_present
    if len(present) > MAX_PERSONS_PRESENT or any(len(p) > PERSON_PRESENT_MAX for p in present):
        raise errors.InvalidInput(
            _("List at most %(count)d persons present, each in under %(limit)d characters.")
            % {"count": MAX_PERSONS_PRESENT, "limit": PERSON_PRESENT_MAX},
            field="persons_present",
        )
    if not interview.summary.strip():
        raise errors.InvalidInput(
            _("Write what was told: others read it instead of asking again."),
            code=errors.ErrorCode.SUMMARY_REQUIRED,
            field="summary",
        )
    if interview.held_on > today:
        raise errors.InvalidInput(_("Record an interview once it has been held."), field="held_on")
    dates.check(interview.held_on, dates.PAST, field="held_on", today=today)
    dates.check(interview.reported_on, dates.PAST, field="reported_on", today=today)
    if interview.reported_on is not None and interview.reported_on > interview.held_on:
        raise errors.InvalidInput(
            _("The report cannot come after the interview."), field="reported_on"
        )


def _validate_interview_rules(interview: InterviewInput, *, child: bool, previous: int) -> None:
    """R-14: a new interview needs a justification; R-28: a child's interview is
    dated from the report, by a trained professional, with the representative."""
    if previous and not interview.justification.strip():
        raise errors.InvalidInput(
            _("The person has been interviewed before: say why another interview is needed."),
            code=errors.ErrorCode.JUSTIFICATION_REQUIRED,
            field="justification",
        )
    if interview.barnahus_route and not child:
        raise errors.InvalidInput(
            _("The Barnahus route is for children."),
            code=errors.ErrorCode.BARNAHUS_ROUTE_FOR_CHILDREN,
            field="barnahus_route",
        )
    if not child:
        return
    if interview.reported_on is None:
        raise errors.InvalidInput(
            _("Give the date of the report: a child's interview must not be unduly delayed."),
            code=errors.ErrorCode.REPORTED_ON_REQUIRED,
            field="reported_on",
        )
    if not interview.training_evidence.strip():
        raise errors.InvalidInput(
            _("A child is interviewed by trained professionals: give the training evidence."),
            code=errors.ErrorCode.TRAINING_EVIDENCE_REQUIRED,
            field="training_evidence",
        )
    if interview.representative_present is not True and not (
        interview.representative_absence_reason.strip()
    ):
        raise errors.InvalidInput(
            _(
                "The child's representative attends unless a reasoned decision says otherwise: "
                "give the reasons."
            ),
            code=errors.ErrorCode.REPRESENTATIVE_ABSENCE_REASON_REQUIRED,
            field="representative_absence_reason",
        )


def _interview_readers(
    interview: InterviewInput, *, context: access_policy.CaseContext, recorder: Organisation
) -> list[Organisation]:
    team = {m.organisation_id: m.organisation for m in context.memberships}
    chosen: set[uuid.UUID] = set()
    if interview.readers is not None:
        chosen = set(interview.readers)
    elif interview.barnahus_route:
        chosen = set(selectors.barnahus_reader_ids(context.memberships))
    if chosen - set(team):
        raise errors.InvalidInput(
            _("Only organisations on the case team can be named as readers."),
            code=errors.ErrorCode.READER_NOT_ON_TEAM,
            field="readers",
        )
    chosen.add(recorder.pk)
    return [team[pk] for pk in sorted(chosen)]


def _seal_interview(row: Interview, interview: InterviewInput, key: DataKey) -> None:
    def seal(value: str, name: str) -> bytes | None:
        return vault.encrypt_optional(key=key, plaintext=value, context=f"interview.{name}")

    present = [p.strip() for p in interview.persons_present if p.strip()]
    row.summary_enc = vault.encrypt(
        key=key, plaintext=interview.summary.strip(), context="interview.summary"
    )
    row.persons_present_enc = seal(json.dumps(present) if present else "", "persons_present")
    row.justification_enc = seal(interview.justification.strip(), "justification")
    row.representative_absence_reason_enc = seal(
        interview.representative_absence_reason.strip(), "representative_absence_reason"
    )


@transaction.atomic
def interview_record(*, actor: User, case_id: object, interview: InterviewInput) -> Interview:
    """Record one interview of the person, once, for the agencies named on it (R-14:
    Dir Art. 12(4), 15(3)(e)). A repeat interview needs a recorded justification; a
    child's follows R-28 (Dir Art. 15(3)), on the Barnahus route if chosen: one
    forensic interview, read by the team's police, prosecutor, child protection and
    health organisations. Undue delay is flagged, not refused: it has happened."""
    case, context = selectors.case_get_with_context(user=actor, case_id=case_id, for_update=True)
    refusal = selectors.interview_record_refusal(user=actor, case=case, context=context)
    if refusal is not None:
        raise refusal
    assert actor.organisation is not None  # noqa: S101 - a team member has one
    child = case.person.treat_as_child
    previous = Interview.objects.filter(case=case).count()
    _validate_interview_shape(interview, today=timezone.localdate())
    _validate_interview_rules(interview, child=child, previous=previous)
    readers = _interview_readers(interview, context=context, recorder=actor.organisation)
    row = Interview(
        case=case,
        number=previous + 1,
        held_on=interview.held_on,
        reported_on=interview.reported_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
        organisation=actor.organisation,
        interviewer_name=interview.interviewer_name.strip(),
        interviewer_role=interview.interviewer_role.strip(),
        training_evidence=interview.training_evidence.strip(),
        premises=interview.premises,
        treated_as_child=child,
        barnahus_route=interview.barnahus_route,
        # A child's representative attended or not; for an adult it may be left unsaid.
        representative_present=bool(interview.representative_present)
        if child
        else interview.representative_present,
        recording_reference=interview.recording_reference.strip(),
        admissible_as_evidence=interview.admissible_as_evidence,
    )
    _seal_interview(row, interview, case.person.data_key)
    row.full_clean(exclude=["case", "recorded_by", "organisation"])
    row.save()
    row.readers.set(readers)
    _audit_interview(actor=actor, case=case, row=row, readers=len(readers))
    return row


def _audit_interview(*, actor: User, case: Case, row: Interview, readers: int) -> None:
    delayed = selectors.interview_unduly_delayed(
        treated_as_child=row.treated_as_child, delay_days=row.delay_days
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="cases.Interview",
        object_id=row.id,
        person_id=case.person_id,
        field_groups=[FieldGroup.NARRATIVE],
        purpose=Purpose.ASSISTANCE,
        detail={
            "number": row.number,
            "barnahus_route": row.barnahus_route,
            "unduly_delayed": delayed,
            "readers": readers,
        },
    )


# --- erasure with a second approver, legal holds, retention (R-39, R-40; issue 12) ---------

ERASURE_NOTE_MAX = 1000
# GDPR Art. 12(3): a request is answered without undue delay, within one month.
ERASURE_ANSWER_DAYS = 30
ERASURE_SUBJECT = "cases.ErasureRequest"
HOLD_SUBJECT = "cases.LegalHold"


def _erasure_text(text: str, *, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise errors.InvalidInput(_("Say why, in a few words."), field=field)
    if len(text) > ERASURE_NOTE_MAX:
        raise errors.InvalidInput(
            _("Keep it under %(n)d characters.") % {"n": ERASURE_NOTE_MAX}, field=field
        )
    return text


def _hold_refuse(case: Case) -> None:
    if selectors.active_holds(case_id=case.pk).exists():
        raise errors.UnderLegalHold(
            _("A legal hold keeps this person's data: lift it before erasing.")
        )


def _lead_id(context: access_policy.CaseContext) -> object:
    lead = context.lead
    return lead.organisation_id if lead else None


def _erasure_audit(*, actor: User, row: ErasureRequest, action: str) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=ERASURE_SUBJECT,
        object_id=row.pk,
        person_id=row.case.person_id,
        detail={"state": row.state, "reason": row.reason},
    )


@transaction.atomic
def erasure_request(*, actor: User, case_id: object, reason: str, note: str = "") -> ErasureRequest:
    """Ask for a person's data to be erased, with a reason from the list (and a note,
    required for "other", sealed under the person's key). A supervisor of the case
    lead other than the asker answers; they get a task for it."""
    case, context = selectors.case_get_with_context(user=actor, case_id=case_id, for_update=True)
    lead_id = _lead_id(context)
    if not selectors.may_request_erasure(actor, lead_id):
        raise errors.RoleNotAllowed(
            _("Only caseworkers and supervisors of the case lead ask for an erasure.")
        )
    if case.person.erased_at is not None:
        raise errors.AlreadyErased(_("This person's data was already erased."))
    if reason not in ErasureReason.values:
        raise errors.InvalidInput(_("Choose the reason from the list."), field="reason")
    note = _erasure_text(note, field="note", required=reason == ErasureReason.OTHER)
    _hold_refuse(case)
    if ErasureRequest.objects.filter(case=case, state=ErasureState.REQUESTED).exists():
        raise errors.ErasurePending(_("An erasure request for this person is already waiting."))
    row = ErasureRequest(
        case=case,
        reason=reason,
        note_enc=vault.encrypt_optional(
            key=case.person.data_key, plaintext=note, context=selectors.ERASURE_NOTE_CONTEXT
        ),
        requested_at=timezone.now(),
        requested_by=actor,
    )
    row.save()
    _erasure_audit(actor=actor, row=row, action=Action.CREATE)
    assert context.lead is not None  # noqa: S101 - may_request_erasure needs a lead
    hooks.erasure_requested(
        hooks.ErasureRequested(
            case=case,
            request_id=row.pk,
            lead=context.lead.organisation,
            by=actor,
            today=timezone.localdate(),
        )
    )
    return row


def _request_for_answer(*, actor: User, request_id: object) -> ErasureRequest:
    """The request, locked, for the lead's staff; the same 404 for everyone else."""
    not_found = errors.ErasureNotFound(
        _("No erasure request with this reference is available to you.")
    )
    parsed = ids.parse_uuid(request_id) or uuid.UUID(int=0)
    case_id = ErasureRequest.objects.filter(pk=parsed).values_list("case_id", flat=True).first()
    if case_id is None:
        raise not_found
    try:
        case, context = selectors.case_get_with_context(
            user=actor, case_id=case_id, for_update=True
        )
    except (errors.CaseNotFound, errors.BreakGlassReadOnly):
        raise not_found from None
    lead_id = _lead_id(context)
    if not selectors.may_request_erasure(actor, lead_id):
        raise not_found
    row = ErasureRequest.objects.select_for_update().get(pk=parsed)
    row.case = case
    ERASURE_TRANSITIONS.require(
        row.state,
        ErasureState.ERASED,
        lambda: errors.ErasureAnswered(_("This erasure request was already answered.")),
    )
    if not selectors.may_answer_erasure(actor, lead_id):
        raise errors.RoleNotAllowed(
            _("Only a supervisor of the case lead approves or refuses an erasure.")
        )
    if row.requested_by_id == actor.pk:
        raise errors.SecondApproverRequired(
            _("A second person must answer: you asked for this erasure yourself.")
        )
    return row


def _answered(*, actor: User, row: ErasureRequest, state: str, fields: list[str]) -> None:
    row.state = state
    row.answered_at = timezone.now()
    row.answered_by = actor
    row.save(update_fields=["state", "answered_at", "answered_by", *fields])
    _erasure_audit(actor=actor, row=row, action=Action.TRANSITION)


@transaction.atomic
def erasure_approve(*, actor: User, request_id: object) -> ErasureRequest:
    """A second person approves: the person is erased (crypto-shredded) in the same
    transaction, unless a legal hold keeps their data."""
    row = _request_for_answer(actor=actor, request_id=request_id)
    _hold_refuse(row.case)
    _answered(actor=actor, row=row, state=ErasureState.ERASED, fields=[])
    person_erase(actor=actor, case_id=row.case_id)
    hooks.erasure_answered(
        hooks.ErasureAnswered(case=row.case, request_id=row.pk, by=actor, erased=True)
    )
    return row


@transaction.atomic
def erasure_refuse(*, actor: User, request_id: object, reason: str) -> ErasureRequest:
    """A second person refuses, saying why (sealed under the person's key)."""
    text = _erasure_text(reason, field="reason", required=True)
    row = _request_for_answer(actor=actor, request_id=request_id)
    row.refusal_enc = vault.encrypt(
        key=row.case.person.data_key, plaintext=text, context=selectors.ERASURE_REFUSAL_CONTEXT
    )
    _answered(actor=actor, row=row, state=ErasureState.REFUSED, fields=["refusal_enc"])
    hooks.erasure_answered(
        hooks.ErasureAnswered(case=row.case, request_id=row.pk, by=actor, erased=False)
    )
    return row


def _hold_audit(*, actor: User, hold: LegalHold, action: str, person_id: object) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=HOLD_SUBJECT,
        object_id=hold.pk,
        person_id=person_id,
        detail={
            "reason": hold.reason,
            "until": hold.until.isoformat() if hold.until else "",
            "lifted": hold.lifted_at is not None,
        },
    )


def _hold_rule(actor: User, context: access_policy.CaseContext) -> None:
    if not selectors.may_hold(actor, [m.organisation_id for m in context.memberships]):
        raise errors.RoleNotAllowed(
            _("Only supervisors of an organisation on the case team place or lift legal holds.")
        )


@transaction.atomic
def legal_hold_place(
    *, actor: User, case_id: object, reason: str, until: date | None = None
) -> LegalHold:
    """Keep a case's person from erasure and from retention, until ``until`` (None:
    until lifted), for a legal reason from the list."""
    case, context = selectors.case_get_with_context(user=actor, case_id=case_id, for_update=True)
    _hold_rule(actor, context)
    if case.person.erased_at is not None:
        raise errors.PersonErased(_("This person's data was erased."))
    if reason not in LegalHoldReason.values:
        raise errors.InvalidInput(_("Choose the reason from the list."), field="reason")
    if until is not None and until < timezone.localdate():
        raise errors.InvalidInput(_("The end of a hold cannot be in the past."), field="until")
    hold = LegalHold.objects.create(
        case=case, reason=reason, until=until, placed_at=timezone.now(), placed_by=actor
    )
    _hold_audit(actor=actor, hold=hold, action=Action.CREATE, person_id=case.person_id)
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: User, hold_id: object) -> LegalHold:
    """End a legal hold in force; retention and erasure may then go ahead."""
    not_found = errors.LegalHoldNotFound(
        _("No legal hold in force with this reference is available to you.")
    )
    parsed = ids.parse_uuid(hold_id) or uuid.UUID(int=0)
    hold = LegalHold.objects.select_for_update().filter(pk=parsed, lifted_at__isnull=True).first()
    if hold is None:
        raise not_found
    try:
        case, context = selectors.case_get_with_context(
            user=actor, case_id=hold.case_id, for_update=True
        )
    except (errors.CaseNotFound, errors.BreakGlassReadOnly):
        raise not_found from None
    _hold_rule(actor, context)
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    _hold_audit(actor=actor, hold=hold, action=Action.UPDATE, person_id=case.person_id)
    return hold


# Retention: a record class, the moment its clock starts, and its period.
ENDED_CASE = "ended_case"
RetentionOutcome = hooks.RetentionOutcome
RetentionRow = hooks.RetentionRow


@dataclass
class RetentionReport:
    dry_run: bool
    rows: list[RetentionRow] = field(default_factory=list)

    def count(self, outcome: RetentionOutcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Anonymise (crypto-shred) every person whose case ended longer ago than the
    retention period of its class, except those under a legal hold, and report
    what was done and what was held. Each person is one transaction, audited as an
    erasure by the system; a run that anonymised someone is audited too (counts
    only). A dry run changes nothing."""
    now = now or timezone.now()
    years = settings.HAVEN_RETENTION_YEARS_ENDED_CASE
    report = RetentionReport(dry_run=dry_run)
    due = selectors.retention_due_cases(cutoff=selectors.retention_cutoff(years=years, now=now))
    for case_id in due:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("person__data_key")
                .get(pk=case_id)
            )
            if selectors.active_holds(case_id=case.pk, today=now.date()).exists():
                outcome = RetentionOutcome.HELD
            elif dry_run:
                outcome = RetentionOutcome.WOULD_ANONYMISE
            else:
                _person_shred(
                    case=case,
                    actor=audit.SYSTEM,
                    detail={"retention": ENDED_CASE, "years": years},
                )
                outcome = RetentionOutcome.ANONYMISED
            report.rows.append(
                RetentionRow(ENDED_CASE, case.reference, case.status_changed_at, outcome)
            )
    for provider in hooks.retention_classes():
        report.rows.extend(provider(now, dry_run))
    if report.count(RetentionOutcome.ANONYMISED):
        audit.audit_record(
            actor=audit.SYSTEM,
            action=Action.ERASE,
            object_type="retention.Run",
            object_id=now.date().isoformat(),
            detail={outcome.value: report.count(outcome) for outcome in RetentionOutcome},
        )
    return report
