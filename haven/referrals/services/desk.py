"""The national coordination desk (CBSS 2014 Panel 1: a national coordinating
function; the door for less traditional actors).

Consultations: a practitioner asks the national coordinator for advice by
phone, e-mail or in person. Anonymous ones carry no case and are sealed under
their own data key; one linked to a case is sealed under the person's key. The
coordinator may route it to organisations (their staff are told, with no
personal data) and open a case from it.

Concern reports: the public page (no sign-in) stores what someone saw under the
report's own data key. Reporters are counted per keyed hash of their address
(``vault.blind_index``) in the database, so the rate limit holds across
processes; the address itself is never stored. Coordinators triage: advice (a
linked consultation), a case, or closing with a reason.

Only caseworkers and supervisors of a national-coordinator organisation work
the desk. Nothing here logs; audit detail names ids and codes, never text.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, OrgType, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import Case, Incident
from haven.deadlines import notify as notifications
from haven.lib import ids as lib_ids
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound
from haven.referrals.errors import ErrorCode, PersonRowInvalid
from haven.referrals.models import (
    Channel,
    ConcernCloseReason,
    ConcernReport,
    ConcernReportState,
    Consultation,
    ConsultationTopic,
    ReporterSector,
)
from haven.vault import services as vault
from haven.vault.models import DataKey

QUESTION_CONTEXT = "consultation.question"
ADVICE_CONTEXT = "consultation.advice"
DESCRIPTION_CONTEXT = "concern_report.description"
CONTACT_CONTEXT = "concern_report.contact"
REGION_CONTEXT = "concern_report.region"
CONSULTATION_SUBJECT = "referrals.Consultation"
REPORT_SUBJECT = "referrals.ConcernReport"
SOURCE_PURPOSE = "concern_report.source"  # the blind-index purpose of client addresses
DESK_KIND = "desk"
# Size limits of the public page (the form says them too).
DESCRIPTION_MAX = 5000
CONTACT_MAX = 300
REGION_MAX = 100
TEXT_MAX = 10000  # a consultation's question or advice
REFERENCE_ALPHABET = case_services.REFERENCE_ALPHABET
REFERENCE_LENGTH = 8
TRIAGE_OPEN = (ConcernReportState.NEW, ConcernReportState.TRIAGED)


class RateLimited(HavenError):
    """Too many reports from one address within the window."""

    http_status = HTTPStatus.TOO_MANY_REQUESTS
    default_code = ErrorCode.RATE_LIMITED


# --- who works the desk ------------------------------------------------------------------------


def is_coordinator(user: User) -> bool:
    """Whether the user works the desk (``access.policy.rule_desk_coordinator``)."""
    return access_policy.rule_desk_coordinator(user=user).allowed


def coordinator_require(user: User) -> Organisation:
    """The user's coordinator organisation, or 403 for everyone else."""
    decision = access_policy.rule_desk_coordinator(user=user)
    if not decision.allowed:
        raise NotAllowed(str(decision.reason), code=decision.code)
    assert user.organisation is not None  # noqa: S101 - checked by the rule
    return user.organisation


def coordinators(country: str = "") -> list[User]:
    """Everyone who works the desk of ``country`` (blank: of every country): told of
    new concern reports."""
    users = User.objects.filter(
        organisation__org_type=OrgType.NATIONAL_COORDINATOR,
        role__in=account_policy.CASE_ROLES,
        is_active=True,
    )
    return list(users.filter(organisation__country=country) if country else users)


def report_countries() -> dict[str, str]:
    """The countries a public concern report can go to (those with a national
    coordinator), each named by its coordinators: organisation data only."""
    names: dict[str, list[str]] = {}
    coordinator_orgs = Organisation.objects.filter(org_type=OrgType.NATIONAL_COORDINATOR)
    for country, name in coordinator_orgs.order_by("country", "name").values_list(
        "country", "name"
    ):
        names.setdefault(country, []).append(name)
    return {country: ", ".join(each) for country, each in names.items()}


def reports_of_country(coordinator: Organisation) -> QuerySet[ConcernReport]:
    """The concern reports a coordinator reads: its own country's and those that name
    none. Another country's are its coordinators' alone (as good as missing)."""
    return ConcernReport.objects.filter(Q(country=coordinator.country) | Q(country=""))


def _text(value: str, *, field: str, required: bool, limit: int) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), code=ErrorCode.REQUIRED, field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("This is too long: at most %(limit)d characters.") % {"limit": limit},
            code=ErrorCode.TOO_LONG,
            field=field,
        )
    return text


def _choice(value: str, *, field: str, choices: Iterable[str], blank: bool = False) -> str:
    if (blank and value == "") or value in choices:
        return value
    raise InvalidInput(_("Choose one of the options."), code=ErrorCode.INVALID_CHOICE, field=field)


def _audit(
    *, actor: User, action: str, object_type: str, object_id: object, case: Case | None = None
) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=case.person_id if case else "",
        field_groups=[FieldGroup.NARRATIVE],
        purpose=Purpose.ASSISTANCE,
        detail={},
    )


# --- consultations -----------------------------------------------------------------------------


def consultation_key(consultation: Consultation) -> DataKey | None:
    """The key sealing a consultation's texts; None once the person's data is erased
    (an anonymous consultation's own key is destroyed with the person's once it was
    linked to their case)."""
    if consultation.data_key is not None:
        return consultation.data_key if consultation.data_key.destroyed_at is None else None
    case = consultation.case
    if case is None or case.person.erased_at is not None:
        return None
    return case.person.data_key


def _routed(ids: Iterable[object], *, coordinator: Organisation) -> list[Organisation]:
    wanted = {parse_id(i) for i in ids} - {str(coordinator.pk)}  # not to oneself
    if not wanted:
        return []
    # Within the coordinator's country: abroad goes through a cross-border package only.
    found = list(
        Organisation.objects.filter(pk__in=wanted, country=coordinator.country).exclude(
            pk=coordinator.pk
        )
    )
    if len(found) != len(wanted):
        raise InvalidInput(
            _("Unknown organisation."), code=ErrorCode.INVALID_CHOICE, field="routed_to"
        )
    return found


def _notify_routed(organisations: list[Organisation], consultation: Consultation) -> None:
    if not organisations:
        return
    staff = User.objects.filter(
        organisation__in=organisations, role__in=account_policy.CASE_ROLES, is_active=True
    )
    notifications.notify(
        recipients=staff,
        kind=DESK_KIND,
        event="consultation_routed",
        subject_id=str(consultation.pk),
    )


@transaction.atomic
def consultation_log(
    *,
    actor: User,
    channel: str,
    topic: str,
    question: str,
    advice: str,
    caller_org_type: str = "",
    caller_organisation_name: str = "",
    case_id: object = None,
    routed_to_ids: Iterable[object] = (),
) -> Consultation:
    """Log a consultation and the advice given. Without ``case_id`` it is anonymous
    (no names: the form says so) under its own data key; with one, the case must be
    visible to the coordinator and the texts are sealed under the person's key."""
    coordinator = coordinator_require(actor)
    case = None
    key = None
    if case_id not in (None, ""):
        case = case_selectors.case_get(user=actor, case_id=case_id, for_update=True)
        if case.person.erased_at is not None:
            raise case_errors.PersonErased(_("This person's data was erased."))
    consultation = Consultation(
        coordinator_organisation=coordinator,
        channel=_choice(channel, field="channel", choices=Channel.values),
        topic=_choice(topic, field="topic", choices=ConsultationTopic.values),
        caller_org_type=_choice(
            caller_org_type, field="caller_org_type", choices=OrgType.values, blank=True
        ),
        caller_organisation_name=_text(
            caller_organisation_name, field="caller_organisation_name", required=False, limit=200
        ),
        case=case,
        occurred_at=timezone.now(),
        recorded_by=actor,
    )
    question = _text(question, field="question", required=True, limit=TEXT_MAX)
    advice = _text(advice, field="advice", required=False, limit=TEXT_MAX)
    routed = _routed(routed_to_ids, coordinator=coordinator)
    if case is None:
        key = vault.data_key_create(subject=CONSULTATION_SUBJECT)
        consultation.data_key = key
    else:
        key = case.person.data_key
    consultation.question_enc = vault.encrypt(key=key, plaintext=question, context=QUESTION_CONTEXT)
    consultation.advice_enc = vault.encrypt(key=key, plaintext=advice, context=ADVICE_CONTEXT)
    consultation.full_clean(
        exclude=["coordinator_organisation", "case", "recorded_by", "data_key", "routed_to"]
    )
    consultation.save()
    consultation.routed_to.set(routed)
    _audit(
        actor=actor,
        action=Action.CREATE,
        object_type=CONSULTATION_SUBJECT,
        object_id=consultation.pk,
        case=case,
    )
    _notify_routed(routed, consultation)
    return consultation


def _consultation_for_update(*, actor: User, consultation_id: object) -> Consultation:
    coordinator = coordinator_require(actor)
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("data_key")
        .filter(pk=parse_id(consultation_id), coordinator_organisation=coordinator)
        .first()
    )
    if consultation is None:
        raise NotFound(_("No consultation with this reference is available to you."))
    return consultation


def parse_id(value: object) -> str:
    """The id as a UUID string; one that matches nothing when it is malformed."""
    return str(lib_ids.parse_uuid(value) or uuid.UUID(int=0))


@transaction.atomic
def consultation_case_open(
    *,
    actor: User,
    consultation_id: object,
    person: case_services.PersonInput,
    forms_of_exploitation: list[str] | None = None,
    narrative: str = "",
    incident: Incident | None = None,
) -> Case:
    """Open a case from a consultation through intake: the coordinator's
    organisation becomes the case lead and the consultation is linked to it
    (``incident``: the others found together with the person)."""
    consultation = _consultation_for_update(actor=actor, consultation_id=consultation_id)
    if consultation.case_id is not None:
        raise Conflict(
            _("This consultation is already linked to a case."), code=ErrorCode.ALREADY_LINKED
        )
    case = case_services.case_open(
        actor=actor,
        person=person,
        forms_of_exploitation=forms_of_exploitation or [],
        narrative=narrative,
        incident=incident,
    )
    consultation.case = case
    consultation.save(update_fields=["case"])
    _audit(
        actor=actor,
        action=Action.UPDATE,
        object_type=CONSULTATION_SUBJECT,
        object_id=consultation.pk,
        case=case,
    )
    return case


# --- the public report page --------------------------------------------------------------------


def source_index(client_address: str) -> str:
    """The keyed hash a client address is counted by ("" when unknown)."""
    if not client_address:
        return ""
    return vault.blind_index(value=client_address, purpose=SOURCE_PURPOSE)


def _rate_check(source: str) -> None:
    if not source:
        return
    since = timezone.now() - timedelta(minutes=settings.HAVEN_REPORT_RATE_WINDOW_MINUTES)
    recent = ConcernReport.objects.filter(source_index=source, received_at__gte=since).count()
    if recent >= settings.HAVEN_REPORT_RATE_LIMIT:
        raise RateLimited(
            _("Too many reports were sent from your connection. Please try again later.")
        )


def _new_reference() -> str:
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        reference = f"{code[:4]}-{code[4:]}"
        if not ConcernReport.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def report_submit(
    *,
    description: str,
    region: str = "",
    sector: str = "",
    contact: str = "",
    client_address: str = "",
    country: str = "",
) -> ConcernReport:
    """Store a concern from the public page under its own data key and tell the
    coordinators. Raises ``RateLimited`` (429) past HAVEN_REPORT_RATE_LIMIT reports
    from one address within HAVEN_REPORT_RATE_WINDOW_MINUTES."""
    description = _text(description, field="description", required=True, limit=DESCRIPTION_MAX)
    contact = _text(contact, field="contact", required=False, limit=CONTACT_MAX)
    region = _text(region, field="region", required=False, limit=REGION_MAX)
    sector = _choice(sector, field="sector", choices=ReporterSector.values, blank=True)
    country = _choice(country, field="country", choices=list(report_countries()), blank=True)
    source = source_index(client_address)
    _rate_check(source)
    key = vault.data_key_create(subject=REPORT_SUBJECT)
    report = ConcernReport(
        reference=_new_reference(),
        reporter_sector=sector,
        country=country,
        region_enc=vault.encrypt_optional(key=key, plaintext=region, context=REGION_CONTEXT),
        description_enc=vault.encrypt(key=key, plaintext=description, context=DESCRIPTION_CONTEXT),
        contact_enc=vault.encrypt_optional(key=key, plaintext=contact, context=CONTACT_CONTEXT),
        data_key=key,
        received_at=timezone.now(),
        source_index=source,
    )
    report.full_clean(exclude=["data_key", "consultation", "triaged_by"])
    report.save()
    audit.audit_record(
        actor=audit.Actor(id=None, username="", organisation_id="", organisation_name=""),
        action=Action.CREATE,
        object_type=REPORT_SUBJECT,
        object_id=report.pk,
        field_groups=[FieldGroup.NARRATIVE],
        detail={"channel": Channel.PUBLIC_FORM},
    )
    notifications.notify(
        recipients=coordinators(country),
        kind=DESK_KIND,
        event="concern_reported",
        subject_id=str(report.pk),
    )
    return report


# --- triage ------------------------------------------------------------------------------------


def _report_for_update(*, actor: User, report_id: object) -> ConcernReport:
    coordinator = coordinator_require(actor)
    report = (
        reports_of_country(coordinator)
        .select_for_update(of=("self",))
        .select_related("data_key", "consultation")
        .filter(pk=parse_id(report_id))
        .first()
    )
    if report is None:
        raise NotFound(_("No report with this reference is available to you."))
    if report.state not in TRIAGE_OPEN:
        raise Conflict(_("This report was already dealt with."), code=ErrorCode.REPORT_DONE)
    return report


def _triaged(report: ConcernReport, *, actor: User, state: str, fields: list[str]) -> None:
    report.state = state
    report.triaged_at = timezone.now()
    report.triaged_by = actor
    report.save(update_fields=["state", "triaged_at", "triaged_by", *fields])


@transaction.atomic
def report_advise(
    *,
    actor: User,
    report_id: object,
    advice: str,
    topic: str = ConsultationTopic.IDENTIFICATION,
    routed_to_ids: Iterable[object] = (),
) -> Consultation:
    """Record the triage advice as a consultation (channel: public form) linked to
    the report, routed where the coordinator sends it."""
    report = _report_for_update(actor=actor, report_id=report_id)
    if report.consultation_id is not None:
        raise Conflict(
            _("Advice was already recorded for this report."), code=ErrorCode.REPORT_DONE
        )
    consultation = consultation_log(
        actor=actor,
        channel=Channel.PUBLIC_FORM,
        topic=topic,
        question=_("Public concern report %(reference)s") % {"reference": report.reference},
        advice=_text(advice, field="advice", required=True, limit=TEXT_MAX),
        routed_to_ids=routed_to_ids,
    )
    report.consultation = consultation
    _triaged(report, actor=actor, state=ConcernReportState.TRIAGED, fields=["consultation"])
    _audit(actor=actor, action=Action.UPDATE, object_type=REPORT_SUBJECT, object_id=report.pk)
    return consultation


@dataclass(frozen=True)
class PersonFound:
    """One person named in a concern report, as intake's first facts."""

    person: case_services.PersonInput
    forms_of_exploitation: list[str] = field(default_factory=list)


# At most this many cases from one report in one go (a larger group is rare and
# is better opened in parts, each linked by hand later).
PEOPLE_MAX = 30


@transaction.atomic
def report_case_open(
    *,
    actor: User,
    report_id: object,
    person: case_services.PersonInput,
    forms_of_exploitation: list[str] | None = None,
) -> Case:
    """Open a case for the one person a report is about (``report_cases_open``)."""
    found = PersonFound(person=person, forms_of_exploitation=forms_of_exploitation or [])
    return report_cases_open(actor=actor, report_id=report_id, people=[found])[0]


@transaction.atomic
def report_cases_open(
    *, actor: User, report_id: object, people: Sequence[PersonFound]
) -> list[Case]:
    """Open one case per person a report is about, all or none: the description
    becomes each case's first narrative entry (under each person's key), the
    coordinator leads them, the report's consultation (made now if there is none)
    is linked to the first, and two or more people are linked as one incident
    (``cases.Incident``) so the group stays visible as a group. A refused person
    undoes everything and is named by row and field (``PersonRowInvalid``)."""
    if not people or len(people) > PEOPLE_MAX:
        raise InvalidInput(
            _("Name between 1 and %(limit)d people.") % {"limit": PEOPLE_MAX},
            code=ErrorCode.INVALID,
            field="people",
        )
    report = _report_for_update(actor=actor, report_id=report_id)
    consultation = report.consultation
    if consultation is None:
        consultation = consultation_log(
            actor=actor,
            channel=Channel.PUBLIC_FORM,
            topic=ConsultationTopic.IDENTIFICATION,
            question=_("Public concern report %(reference)s") % {"reference": report.reference},
            advice=_("A case was opened."),
        )
        report.consultation = consultation
    description = vault.decrypt(
        key=report.data_key, ciphertext=report.description_enc, context=DESCRIPTION_CONTEXT
    )
    incident = case_services.incident_open(actor=actor) if len(people) > 1 else None
    cases: list[Case] = []
    for row, found in enumerate(people):
        try:
            if row == 0:
                case = consultation_case_open(
                    actor=actor,
                    consultation_id=consultation.pk,
                    person=found.person,
                    forms_of_exploitation=found.forms_of_exploitation,
                    narrative=description,
                    incident=incident,
                )
            else:
                case = case_services.case_open(
                    actor=actor,
                    person=found.person,
                    forms_of_exploitation=found.forms_of_exploitation,
                    narrative=description,
                    incident=incident,
                )
        except InvalidInput as exc:
            if len(people) == 1:
                raise
            raise PersonRowInvalid(
                _("Person %(number)d: %(message)s") % {"number": row + 1, "message": exc.message},
                row=row,
                row_field=exc.field,
                code=exc.code,
            ) from exc
        cases.append(case)
    _triaged(report, actor=actor, state=ConcernReportState.CASE_OPENED, fields=["consultation"])
    _audit(actor=actor, action=Action.UPDATE, object_type=REPORT_SUBJECT, object_id=report.pk)
    return cases


@transaction.atomic
def report_close(*, actor: User, report_id: object, reason: str) -> ConcernReport:
    """Close a report without action, with a reason (a code: no free text)."""
    report = _report_for_update(actor=actor, report_id=report_id)
    report.close_reason = _choice(reason, field="reason", choices=ConcernCloseReason.values)
    _triaged(report, actor=actor, state=ConcernReportState.CLOSED, fields=["close_reason"])
    _audit(actor=actor, action=Action.UPDATE, object_type=REPORT_SUBJECT, object_id=report.pk)
    return report
