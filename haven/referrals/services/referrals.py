"""Referrals and the transfer of lead responsibility (R-47). One transaction
each, audited inside it; messages and notes are encrypted under the person's
data key and never reach logs, audit details or notifications.

A case member refers the person to another organisation for a purpose and
chosen field groups, only when every group would flow to it under an agreement
and consent (``access.policy.flow_check``). The receiver accepts (joining the
case team through ``access.services.team_member_add``), declines with a reason
or asks for information; the sender answers or withdraws. The allowed moves are
the tables in ``haven.referrals.states``.

Lead responsibility moves only by a distinct, accepted step: the lead proposes,
the receiver (already on the team) accepts, and ``access.services.team_lead_move``
moves the one lead in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, Role, User
from haven.assistance.models import Notification
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.referrals import notify as notifications
from haven.referrals import states, targets
from haven.referrals.models import (
    OPEN_REFERRAL_STATES,
    DeclineReason,
    DirectoryEntry,
    LeadTransfer,
    LeadTransferState,
    Referral,
    ReferralEvent,
    ReferralState,
)
from haven.vault import services as vault

MESSAGE_CONTEXT = "referral.message"
NOTE_CONTEXT = "referral_event.note"
REASON_CONTEXT = "lead_transfer.reason"
ANSWER_CONTEXT = "lead_transfer.answer_note"
MAX_TEXT = 5000

Event = ReferralEvent.Action


# --- shared helpers ------------------------------------------------------------------------


def _text(value: str, *, field: str, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), code="required", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Keep this under %(n)d characters.") % {"n": MAX_TEXT}, code="too_long", field=field
        )
    return text


def _encrypt(case: Case, text: str, context: str) -> bytes:
    return vault.encrypt(key=case.person.data_key, plaintext=text, context=context)


def _organisation(organisation_id: object, *, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=parse_id(organisation_id)).first()
    if organisation is None:
        raise InvalidInput(_("Choose an organisation from the list."), code="invalid", field=field)
    return organisation


NO_ID = uuid.UUID(int=0)  # an id no row has: what a malformed id looks up


def parse_id(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return NO_ID


def case_staff(
    organisation_id: uuid.UUID | str, *, roles: Iterable[str] = account_policy.CASE_ROLES
) -> list[User]:
    """The active users of an organisation with one of ``roles`` (caseworkers and
    supervisors by default): who is told about a referral."""
    return list(
        User.objects.filter(organisation_id=organisation_id, role__in=list(roles), is_active=True)
    )


def _notify(recipients: Iterable[User], event: str, case: Case, subject: object) -> None:
    notifications.notify(
        recipients=recipients,
        kind=Notification.Kind.REFERRAL,
        event=event,
        case=case,
        subject_id=str(subject),
    )


def _audit(*, actor: User, case: Case, action: str, obj: object, detail: dict[str, str]) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=f"referrals.{type(obj).__name__}",
        object_id=getattr(obj, "pk", ""),
        person_id=case.person_id,
        purpose=str(getattr(obj, "purpose", "")),
        detail=detail,
    )


def _require_member_of(actor: User, organisation_id: object, message: str) -> None:
    """The actor works cases in this organisation (caseworker or supervisor)."""
    if actor.organisation_id != organisation_id:
        raise NotAllowed(message, code="not_allowed")
    if actor.role not in account_policy.CASE_ROLES:
        raise NotAllowed(message, code="role_not_allowed")


# --- sending -------------------------------------------------------------------------------


def _check_groups(field_groups: Iterable[str]) -> list[str]:
    groups = sorted(set(field_groups))
    if not groups:
        raise InvalidInput(
            _("Choose at least one kind of information to share."),
            code="required",
            field="field_groups",
        )
    if any(g not in FieldGroup.values for g in groups):
        raise InvalidInput(_("Unknown kind of information."), code="invalid", field="field_groups")
    return groups


def _check_flows(*, case: Case, receiver: Organisation, groups: list[str], purpose: str) -> None:
    """Every chosen group must reach the receiver once it joins (agreement + consent)."""
    context = access_policy.case_context(case_id=case.id)
    for group in groups:
        decision = access_policy.flow_check(
            case_id=case.id,
            recipient=receiver,
            field_group=FieldGroup(group),
            purpose=Purpose(purpose),
            context=context,
        )
        if not decision.allowed:
            raise InvalidInput(
                _("%(group)s cannot be shared: %(reason)s")
                % {"group": FieldGroup(group).label, "reason": decision.reason},
                code=decision.code,  # no_agreement, no_consent, ...
                field="field_groups",
            )


def _check_receiver(*, case: Case, receiver: Organisation) -> None:
    if TeamMembership.objects.filter(case=case, organisation=receiver).exists():
        raise InvalidInput(
            _("This organisation is already on the case team."),
            code="already_member",
            field="to_organisation",
        )
    if Referral.objects.filter(
        case=case, to_organisation=receiver, state__in=OPEN_REFERRAL_STATES
    ).exists():
        raise InvalidInput(
            _("A referral to this organisation is already waiting for an answer."),
            code="already_referred",
            field="to_organisation",
        )


def _directory_entry(entry_id: object, receiver: Organisation) -> DirectoryEntry | None:
    if entry_id in (None, ""):
        return None
    entry = DirectoryEntry.objects.filter(
        pk=parse_id(entry_id), organisation=receiver, active=True
    ).first()
    if entry is None:
        raise InvalidInput(
            _("Choose a service of the receiving organisation."),
            code="invalid",
            field="directory_entry",
        )
    return entry


def _referral_type(key: str) -> targets.ReferralType:
    referral_type = targets.referral_type(key)
    if referral_type is None:
        raise InvalidInput(_("Choose a type from the list."), code="invalid", field="referral_type")
    return referral_type


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case_id: object,
    to_organisation_id: object,
    referral_type: str,
    purpose: str,
    field_groups: Iterable[str],
    message: str,
    urgent: bool = False,
    directory_entry_id: object = None,
) -> Referral:
    """Refer the person to another organisation (R-47). Refused, naming the group
    and the reason, when a chosen group would not flow to it."""
    case = case_selectors.case_get(user=actor, case_id=case_id, for_update=True)
    if case.person.erased_at is not None:
        raise Conflict(_("This person's data was erased."), code="person_erased")
    kind = _referral_type(referral_type)
    if purpose not in Purpose.values:
        raise InvalidInput(_("Choose a purpose from the list."), code="invalid", field="purpose")
    receiver = _organisation(to_organisation_id, field="to_organisation")
    _check_receiver(case=case, receiver=receiver)
    groups = _check_groups(field_groups)
    _check_flows(case=case, receiver=receiver, groups=groups, purpose=purpose)
    assert actor.organisation is not None  # noqa: S101 - case_get admits team members only
    now = timezone.now()
    referral = Referral(
        case=case,
        from_organisation=actor.organisation,
        to_organisation=receiver,
        directory_entry=_directory_entry(directory_entry_id, receiver),
        referral_type=kind.key,
        purpose=purpose,
        field_groups=groups,
        urgent=urgent,
        message_enc=_encrypt(case, _text(message, field="message"), MESSAGE_CONTEXT),
        sent_at=now,
        sent_by=actor,
        due_at=now + kind.target(urgent=urgent),
    )
    referral.full_clean(exclude=["case", "from_organisation", "to_organisation", "sent_by"])
    referral.save()
    _event(referral=referral, actor=actor, action=Event.SEND, at=now)
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        obj=referral,
        detail={"to_organisation": str(receiver.pk), "referral_type": kind.key},
    )
    _notify(case_staff(receiver.pk), "received", case, referral.pk)
    return referral


def _event(
    *,
    referral: Referral,
    actor: User,
    action: str,
    at: datetime,
    note: str = "",
    decline_reason: str = "",
) -> ReferralEvent:
    assert actor.organisation is not None  # noqa: S101 - checked by the caller
    return ReferralEvent.objects.create(
        referral=referral,
        action=action,
        at=at,
        by=actor,
        organisation=actor.organisation,
        decline_reason=decline_reason,
        note_enc=_encrypt(referral.case, note, NOTE_CONTEXT) if note else None,
    )


# --- answering -------------------------------------------------------------------------------


def _referral_for_update(*, actor: User, referral_id: object) -> Referral:
    """The referral, locked, if the actor's organisation sent or received it;
    otherwise the same 404 as a missing one."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__person__data_key")
        .filter(pk=parse_id(referral_id))
        .first()
    )
    if referral is None or actor.organisation_id not in (
        referral.from_organisation_id,
        referral.to_organisation_id,
    ):
        raise NotFound(_("No referral with this reference is available to you."))
    return referral


def _move(
    *,
    actor: User,
    referral_id: object,
    action: str,
    receiver_side: bool,
    note: str = "",
    decline_reason: str = "",
) -> Referral:
    referral = _referral_for_update(actor=actor, referral_id=referral_id)
    side = referral.to_organisation_id if receiver_side else referral.from_organisation_id
    _require_member_of(
        actor,
        side,
        _("Only the receiving organisation can answer this referral.")
        if receiver_side
        else _("Only the sending organisation can do this."),
    )
    referral.state = states.referral_next(referral.state, action)
    now = timezone.now()
    fields = ["state"]
    if referral.state in (ReferralState.ACCEPTED, ReferralState.DECLINED):
        referral.answered_at = now
        fields.append("answered_at")
    referral.save(update_fields=fields)
    _event(
        referral=referral,
        actor=actor,
        action=action,
        at=now,
        note=note,
        decline_reason=decline_reason,
    )
    _audit(
        actor=actor,
        case=referral.case,
        action=Action.TRANSITION,
        obj=referral,
        detail={"action": action, "state": referral.state},
    )
    return referral


@transaction.atomic
def referral_accept(*, actor: User, referral_id: object) -> Referral:
    """The receiver accepts: its organisation joins the case team."""
    referral = _move(actor=actor, referral_id=referral_id, action=Event.ACCEPT, receiver_side=True)
    access_services.team_member_add(
        case_id=referral.case_id, organisation=referral.to_organisation, by=actor
    )
    _notify(case_staff(referral.from_organisation_id), "accepted", referral.case, referral.pk)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral_id: object, reason: str, note: str = "") -> Referral:
    """The receiver declines with a reason (a note is needed for "other")."""
    if reason not in DeclineReason.values:
        raise InvalidInput(_("Choose a reason from the list."), code="invalid", field="reason")
    text = _text(note, field="note", required=reason == DeclineReason.OTHER)
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.DECLINE,
        receiver_side=True,
        note=text,
        decline_reason=reason,
    )
    _notify(case_staff(referral.from_organisation_id), "declined", referral.case, referral.pk)
    return referral


@transaction.atomic
def referral_request_info(*, actor: User, referral_id: object, question: str) -> Referral:
    """The receiver asks the sender for more information before deciding."""
    text = _text(question, field="question")
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.REQUEST_INFO,
        receiver_side=True,
        note=text,
    )
    _notify(case_staff(referral.from_organisation_id), "info_requested", referral.case, referral.pk)
    return referral


@transaction.atomic
def referral_provide_info(*, actor: User, referral_id: object, answer: str) -> Referral:
    """The sender answers the receiver's question; the referral waits again."""
    text = _text(answer, field="answer")
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.PROVIDE_INFO,
        receiver_side=False,
        note=text,
    )
    _notify(case_staff(referral.to_organisation_id), "info_provided", referral.case, referral.pk)
    return referral


@transaction.atomic
def referral_withdraw(*, actor: User, referral_id: object, note: str = "") -> Referral:
    """The sender withdraws a referral that is still waiting."""
    text = _text(note, field="note", required=False)
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.WITHDRAW,
        receiver_side=False,
        note=text,
    )
    _notify(case_staff(referral.to_organisation_id), "withdrawn", referral.case, referral.pk)
    return referral


# --- overdue escalation ------------------------------------------------------------------------


@transaction.atomic
def referrals_sweep(*, now: datetime) -> int:
    """Escalate open referrals past their target, once each: the receiver's
    supervisors (or its caseworkers when it has none) and the sender's
    caseworkers are told. Returns how many referrals were escalated."""
    overdue = list(
        Referral.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case")
        .filter(state__in=OPEN_REFERRAL_STATES, due_at__lt=now, escalated_at__isnull=True)
        .order_by("due_at")
    )
    for referral in overdue:
        receivers = case_staff(referral.to_organisation_id, roles=[Role.SUPERVISOR]) or case_staff(
            referral.to_organisation_id, roles=[Role.CASEWORKER]
        )
        senders = case_staff(referral.from_organisation_id, roles=[Role.CASEWORKER])
        _notify([*receivers, *senders], "overdue", referral.case, referral.pk)
        referral.escalated_at = now
        referral.save(update_fields=["escalated_at"])
    return len(overdue)


# --- lead transfer --------------------------------------------------------------------------


@transaction.atomic
def lead_transfer_propose(
    *, actor: User, case_id: object, to_organisation_id: object, reason: str
) -> LeadTransfer:
    """The case lead proposes that another team member take main responsibility."""
    case = case_selectors.case_get(user=actor, case_id=case_id, for_update=True)
    lead = TeamMembership.objects.get(case=case, is_lead=True)
    _require_member_of(
        actor, lead.organisation_id, _("Only the case lead can propose a lead transfer.")
    )
    receiver = _organisation(to_organisation_id, field="to_organisation")
    if receiver.pk == lead.organisation_id:
        raise InvalidInput(
            _("Your organisation is already the case lead."),
            code="already_lead",
            field="to_organisation",
        )
    if not TeamMembership.objects.filter(case=case, organisation=receiver).exists():
        raise InvalidInput(
            _("Only an organisation on the case team can become its lead."),
            code="not_on_team",
            field="to_organisation",
        )
    if LeadTransfer.objects.filter(case=case, state=LeadTransferState.PROPOSED).exists():
        raise Conflict(
            _("A lead transfer is already waiting for an answer on this case."),
            code="lead_transfer_open",
        )
    transfer = LeadTransfer(
        case=case,
        from_organisation=lead.organisation,
        to_organisation=receiver,
        reason_enc=_encrypt(case, _text(reason, field="reason"), REASON_CONTEXT),
        proposed_at=timezone.now(),
        proposed_by=actor,
    )
    transfer.full_clean(
        exclude=["case", "from_organisation", "to_organisation", "proposed_by"],
        validate_constraints=False,  # one open proposal: checked above, enforced by the database
    )
    transfer.save()
    _audit(
        actor=actor,
        case=case,
        action=Action.CREATE,
        obj=transfer,
        detail={"to_organisation": str(receiver.pk)},
    )
    _notify(case_staff(receiver.pk), "lead_transfer_proposed", case, transfer.pk)
    return transfer


def _transfer_for_update(*, actor: User, transfer_id: object) -> LeadTransfer:
    """The transfer, locked, for the two organisations it concerns; else a 404."""
    transfer = (
        LeadTransfer.objects.select_for_update(of=("self",))
        .select_related("case__person__data_key")
        .filter(pk=parse_id(transfer_id))
        .first()
    )
    if transfer is None or actor.organisation_id not in (
        transfer.from_organisation_id,
        transfer.to_organisation_id,
    ):
        raise NotFound(_("No lead transfer with this reference is available to you."))
    return transfer


def _answer(
    *, actor: User, transfer_id: object, action: str, receiver_side: bool, note: str = ""
) -> LeadTransfer:
    transfer = _transfer_for_update(actor=actor, transfer_id=transfer_id)
    side = transfer.to_organisation_id if receiver_side else transfer.from_organisation_id
    _require_member_of(
        actor,
        side,
        _("Only the organisation asked to take the lead can answer.")
        if receiver_side
        else _("Only the proposing organisation can withdraw this."),
    )
    transfer.state = states.lead_transfer_next(transfer.state, action)
    transfer.answered_at = timezone.now()
    transfer.answered_by = actor
    transfer.answer_note_enc = _encrypt(transfer.case, note, ANSWER_CONTEXT) if note else None
    transfer.save(update_fields=["state", "answered_at", "answered_by", "answer_note_enc"])
    _audit(
        actor=actor,
        case=transfer.case,
        action=Action.TRANSITION,
        obj=transfer,
        detail={"action": action, "state": transfer.state},
    )
    return transfer


@transaction.atomic
def lead_transfer_accept(*, actor: User, transfer_id: object) -> LeadTransfer:
    """The receiver takes the lead; the one lead moves in this transaction."""
    transfer = _answer(
        actor=actor,
        transfer_id=transfer_id,
        action=states.LeadTransferAction.ACCEPT,
        receiver_side=True,
    )
    lead = TeamMembership.objects.select_for_update().get(case=transfer.case, is_lead=True)
    if lead.organisation_id != transfer.from_organisation_id:
        raise Conflict(_("The case lead changed since this proposal."), code="lead_changed")
    access_services.team_lead_move(
        case_id=transfer.case_id, to_organisation=transfer.to_organisation, by=actor
    )
    _notify(
        case_staff(transfer.from_organisation_id),
        "lead_transfer_accepted",
        transfer.case,
        transfer.pk,
    )
    return transfer


@transaction.atomic
def lead_transfer_decline(*, actor: User, transfer_id: object, note: str) -> LeadTransfer:
    """The receiver declines, saying why."""
    text = _text(note, field="note")
    transfer = _answer(
        actor=actor,
        transfer_id=transfer_id,
        action=states.LeadTransferAction.DECLINE,
        receiver_side=True,
        note=text,
    )
    _notify(
        case_staff(transfer.from_organisation_id),
        "lead_transfer_declined",
        transfer.case,
        transfer.pk,
    )
    return transfer


@transaction.atomic
def lead_transfer_withdraw(*, actor: User, transfer_id: object) -> LeadTransfer:
    """The proposing organisation takes its proposal back."""
    return _answer(
        actor=actor,
        transfer_id=transfer_id,
        action=states.LeadTransferAction.WITHDRAW,
        receiver_side=False,
    )
