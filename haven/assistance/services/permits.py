"""Residence permits (R-16, CETS Art. 14) and detention records. One transaction
each, audited, on the legal field group (the case lead, or a team member whose
organisation sees the legal group for assistance).

A permit is issued on one or both grounds of Art. 14(1): the person's own
situation, or their cooperation with an investigation or proceedings. It is
renewable; each permit keeps one open PERMIT_EXPIRY deadline, due on the day it
expires and reminded ``HAVEN_PERMIT_REMINDER_DAYS`` before, so the team applies
for a renewal in time. A renewal closes that deadline and opens one on the new
expiry date.

Victims of trafficking must not be held in detention centres: a detention record
stays open (and the case shows a warning) until it has an end date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance import clocks as assistance_clocks
from haven.assistance.errors import ErrorCode
from haven.assistance.models import DetentionRecord, PermitRenewal, ResidencePermit
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.lib import dates, locking
from haven.lib.errors import InvalidInput, NotFound
from haven.vault import services as vault

REFERENCE_CONTEXT = "permit.reference"


@dataclass(frozen=True)
class PermitInput:
    ground_personal_situation: bool  # CETS Art. 14(1)(a)
    ground_proceedings: bool  # CETS Art. 14(1)(b)
    permit_type: str
    issued_on: date
    expires_on: date
    issuing_authority: str
    reference: str


def _legal_case(*, actor: User, case_id: object) -> Case:
    """The case through the gate, locked for a write of the legal group."""
    return case_selectors.case_for(
        user=actor, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE, write=True
    ).case


def _required(value: str, *, field: str, message: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(message, code=ErrorCode.REQUIRED, field=field)
    return text


def _audit(
    *,
    actor: User,
    case: Case,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, str],
) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail=detail,
    )


def _open_expiry_task(*, actor: User, permit: ResidencePermit, due_on: date) -> Task:
    """The alert before expiry: reminded HAVEN_PERMIT_REMINDER_DAYS before the day."""
    organisation = actor.organisation
    assert organisation is not None  # noqa: S101 - the write gate admits team members only
    return deadline_services.task_open(
        case_id=permit.case_id,
        kind=assistance_clocks.PERMIT_EXPIRY,
        due_on=due_on,
        organisation=organisation,
        reminder_days_before=settings.HAVEN_PERMIT_REMINDER_DAYS,
        detail={"permit_id": str(permit.pk)},
    )


def _check_grounds(data: PermitInput) -> None:
    if not (data.ground_personal_situation or data.ground_proceedings):
        raise InvalidInput(
            _(
                "Choose at least one ground: the person's own situation, or an "
                "investigation or criminal proceedings (CETS Art. 14(1))."
            ),
            code=ErrorCode.PERMIT_GROUND_REQUIRED,
            field="grounds",
        )
    dates.check(data.issued_on, dates.PAST, field="issued_on")
    dates.check(data.expires_on, dates.PLANNED, field="expires_on")
    if data.expires_on <= data.issued_on:
        raise InvalidInput(
            _("The permit must expire after the day it was issued."),
            code=ErrorCode.INVALID,
            field="expires_on",
        )


@transaction.atomic
def permit_record(*, actor: User, case_id: object, data: PermitInput) -> ResidencePermit:
    """Record a residence permit issued to the person (R-16), and open the deadline
    that reminds the team before it expires."""
    case = _legal_case(actor=actor, case_id=case_id)
    _check_grounds(data)
    permit = ResidencePermit(
        case=case,
        ground_personal_situation=data.ground_personal_situation,
        ground_proceedings=data.ground_proceedings,
        permit_type=_required(
            data.permit_type, field="permit_type", message=_("Give the type of permit.")
        ),
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        issuing_authority=_required(
            data.issuing_authority,
            field="issuing_authority",
            message=_("Give the authority that issued the permit."),
        ),
        reference_enc=vault.encrypt(
            key=case.person.data_key, plaintext=data.reference.strip(), context=REFERENCE_CONTEXT
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    permit.full_clean(exclude=["case", "recorded_by"])
    permit.save()
    _open_expiry_task(actor=actor, permit=permit, due_on=permit.expires_on)
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        object_type="assistance.ResidencePermit",
        object_id=permit.pk,
        detail={"expires_on": permit.expires_on.isoformat()},
    )
    return permit


@transaction.atomic
def permit_renew(
    *, actor: User, permit_id: object, renewed_on: date, new_expires_on: date, version: int
) -> PermitRenewal:
    """Record a renewal (R-16: the permit is renewable): the expiry deadline moves,
    the old one closed and a new one opened on the new expiry date. ``version`` is
    the one the user read: a permit renewed since is refused (``edit_conflict``),
    never renewed twice by mistake."""
    permit = _permit_for_update(actor=actor, permit_id=permit_id)
    case = _legal_case(actor=actor, case_id=permit.case_id)
    dates.check(new_expires_on, dates.PLANNED, field="new_expires_on")
    if new_expires_on <= permit.expires_on:
        raise InvalidInput(
            _("A renewal must move the expiry date later."),
            code=ErrorCode.INVALID,
            field="new_expires_on",
        )
    if renewed_on > timezone.localdate():
        raise InvalidInput(
            _("The renewal date cannot be in the future."),
            code=ErrorCode.INVALID,
            field="renewed_on",
        )
    dates.check(renewed_on, dates.PAST, field="renewed_on")
    locking.version_claim(permit, expected=version)
    renewal = PermitRenewal(
        permit=permit,
        renewed_on=renewed_on,
        previous_expires_on=permit.expires_on,
        new_expires_on=new_expires_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    renewal.full_clean(exclude=["permit", "recorded_by"])
    renewal.save()
    permit.expires_on = new_expires_on
    permit.save(update_fields=["expires_on"])
    deadline_services.tasks_close(
        case_id=case.id, kind=assistance_clocks.PERMIT_EXPIRY, by=actor, permit_id=str(permit.pk)
    )
    _open_expiry_task(actor=actor, permit=permit, due_on=new_expires_on)
    _audit(
        actor=actor,
        case=case,
        action=Action.UPDATE,
        object_type="assistance.ResidencePermit",
        object_id=permit.pk,
        detail={"renewed_to": new_expires_on.isoformat()},
    )
    return renewal


def _permit_for_update(*, actor: User, permit_id: object) -> ResidencePermit:
    """The permit if the actor may know its case; the same 404 for missing and hidden."""
    try:
        pk = int(str(permit_id))
    except ValueError:
        pk = None
    permit = ResidencePermit.objects.select_for_update().filter(pk=pk).first() if pk else None
    if permit is None:
        raise NotFound(_("No permit with this reference is available to you."))
    try:
        case_selectors.case_get(user=actor, case_id=permit.case_id)
    except case_errors.CaseNotFound:
        raise NotFound(_("No permit with this reference is available to you.")) from None
    return permit


@transaction.atomic
def detention_record(
    *, actor: User, case_id: object, started_on: date, place_type: str, ended_on: date | None = None
) -> DetentionRecord:
    """Record that the person is (or was) held in detention. While it has no end
    date the case warns that victims must not be held in detention centres."""
    case = _legal_case(actor=actor, case_id=case_id)
    if started_on > timezone.localdate():
        raise InvalidInput(
            _("The start date cannot be in the future."), code=ErrorCode.INVALID, field="started_on"
        )
    dates.check(started_on, dates.PAST, field="started_on")
    dates.check(ended_on, dates.PAST, field="ended_on")
    if ended_on is not None and ended_on < started_on:
        raise InvalidInput(
            _("Detention cannot end before it started."), code=ErrorCode.INVALID, field="ended_on"
        )
    record = DetentionRecord(
        case=case,
        started_on=started_on,
        place_type=_required(place_type, field="place_type", message=_("Give the kind of place.")),
        ended_on=ended_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    record.full_clean(exclude=["case", "recorded_by"])
    record.save()
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        object_type="assistance.DetentionRecord",
        object_id=record.pk,
        detail={"open": "no" if ended_on else "yes"},
    )
    return record


@transaction.atomic
def detention_end(*, actor: User, case_id: object, ended_on: date) -> int:
    """End the case's open detention records on ``ended_on``; the warning goes."""
    case = _legal_case(actor=actor, case_id=case_id)
    records = list(
        DetentionRecord.objects.select_for_update().filter(case=case, ended_on__isnull=True)
    )
    for record in records:
        if ended_on < record.started_on or ended_on > timezone.localdate():
            raise InvalidInput(
                _("The end date must lie between the start of detention and today."),
                code=ErrorCode.INVALID,
                field="ended_on",
            )
        record.ended_on = ended_on
        record.save(update_fields=["ended_on"])
        _audit(
            actor=actor,
            case=case,
            action=Action.UPDATE,
            object_type="assistance.DetentionRecord",
            object_id=record.pk,
            detail={"open": "no"},
        )
    return len(records)
