"""Referrals (R-47). One transaction each, audited inside it; messages and
notes are encrypted under the person's data key and never reach logs, audit
details or notifications.

A case member refers the person to another organisation for a purpose and
chosen field groups, only when every group would flow to it under an agreement
and consent (``access.policy.flow_status``). The receiver accepts (joining the
case team through ``access.services.team_member_add``), declines with a reason
or asks for information; the sender answers or withdraws. The allowed moves are
the tables in ``haven.referrals.states``. Lead transfers are in
``haven.referrals.services.lead_transfers``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import InvalidInput, NotFound
from haven.referrals import hooks, states, targets
from haven.referrals.errors import ErrorCode
from haven.referrals.models import (
    OPEN_REFERRAL_STATES,
    DeclineReason,
    DirectoryEntry,
    Referral,
    ReferralEvent,
    ReferralState,
)
from haven.referrals.services import shared

MESSAGE_CONTEXT = "referral.message"
NOTE_CONTEXT = "referral_event.note"

Event = ReferralEvent.Action


def _audit(
    *, actor: User, case: Case, action: str, referral: Referral, detail: dict[str, str]
) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="referrals.Referral",
        object_id=referral.pk,
        person_id=case.person_id,
        purpose=referral.purpose,
        detail=detail,
    )


# --- sending -------------------------------------------------------------------------------


def _check_groups(field_groups: Iterable[str]) -> list[str]:
    groups = sorted(set(field_groups))
    if not groups:
        raise InvalidInput(
            _("Choose at least one kind of information to share."),
            code=ErrorCode.REQUIRED,
            field="field_groups",
        )
    if any(g not in FieldGroup.values for g in groups):
        raise InvalidInput(
            _("Unknown kind of information."), code=ErrorCode.INVALID, field="field_groups"
        )
    return groups


def _check_flows(*, case: Case, receiver: Organisation, groups: list[str], purpose: str) -> None:
    """Every chosen group must reach the receiver once it joins (agreement + consent):
    ``access.policy.flow_status``, the answer the referral form shows per group."""
    context = access_policy.case_context(case_id=case.id)
    for group in groups:
        answer = access_policy.flow_status(
            case_id=case.id,
            recipient=receiver,
            field_group=FieldGroup(group),
            purpose=Purpose(purpose),
            context=context,
        )
        if not answer.allowed:
            raise InvalidInput(
                _("%(group)s cannot be shared: %(reason)s")
                % {"group": FieldGroup(group).label, "reason": _missing(answer)},
                code=answer.decision.code,  # no_agreement, no_consent
                field="field_groups",
            )


def _missing(answer: access_policy.FlowAnswer) -> str:
    """What is missing, in words that point the way forward, not back to the sender."""
    if answer.status == access_policy.FlowStatus.NEEDS_CONSENT:
        return _(
            "the person's consent is missing. The case lead records it on the case's "
            "consent page; the table above says what each kind needs."
        )
    return _(
        "no cooperation agreement in force lets it flow. The administrators of "
        "%(organisations)s can record one."
    ) % {"organisations": ", ".join(o.name for o in answer.agreement_between)}


def _check_receiver(*, case: Case, receiver: Organisation, country: str) -> None:
    if receiver.country != country:  # abroad: only through a cross-border package
        raise InvalidInput(
            _(
                "This organisation is in another country: send a cross-border referral "
                "package instead."
            ),
            code=ErrorCode.OTHER_COUNTRY,
            field="to_organisation",
        )
    if TeamMembership.objects.filter(case=case, organisation=receiver).exists():
        raise InvalidInput(
            _("This organisation is already on the case team."),
            code=ErrorCode.ALREADY_MEMBER,
            field="to_organisation",
        )
    if Referral.objects.filter(
        case=case, to_organisation=receiver, state__in=OPEN_REFERRAL_STATES
    ).exists():
        raise InvalidInput(
            _("A referral to this organisation is already waiting for an answer."),
            code=ErrorCode.ALREADY_REFERRED,
            field="to_organisation",
        )


def _directory_entry(entry_id: object, receiver: Organisation) -> DirectoryEntry | None:
    if entry_id in (None, ""):
        return None
    entry = DirectoryEntry.objects.filter(
        pk=shared.parse_id(entry_id), organisation=receiver, active=True
    ).first()
    if entry is None:
        raise InvalidInput(
            _("Choose a service of the receiving organisation."),
            code=ErrorCode.INVALID,
            field="directory_entry",
        )
    return entry


def _referral_type(key: str) -> targets.ReferralType:
    referral_type = targets.referral_type(key)
    if referral_type is None:
        raise InvalidInput(
            _("Choose a type from the list."), code=ErrorCode.INVALID, field="referral_type"
        )
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
        raise case_errors.PersonErased(_("This person's data was erased."))
    kind = _referral_type(referral_type)
    if purpose not in Purpose.values:
        raise InvalidInput(
            _("Choose a purpose from the list."), code=ErrorCode.INVALID, field="purpose"
        )
    assert actor.organisation is not None  # noqa: S101 - case_get admits team members only
    receiver = shared.organisation_chosen(to_organisation_id, field="to_organisation")
    _check_receiver(case=case, receiver=receiver, country=actor.organisation.country)
    groups = _check_groups(field_groups)
    _check_flows(case=case, receiver=receiver, groups=groups, purpose=purpose)
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
        message_enc=shared.sealed(
            case, shared.text_checked(message, field="message"), MESSAGE_CONTEXT
        ),
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
        referral=referral,
        detail={"to_organisation": str(receiver.pk), "referral_type": kind.key},
    )
    shared.staff_notify(shared.case_staff(receiver.pk), "received", case, referral.pk)
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
        note_enc=shared.sealed(referral.case, note, NOTE_CONTEXT) if note else None,
    )


# --- answering -------------------------------------------------------------------------------


def _referral_for_update(*, actor: User, referral_id: object) -> Referral:
    """The referral, locked, if the actor's organisation sent or received it;
    otherwise the same 404 as a missing one."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__person__data_key")
        .filter(pk=shared.parse_id(referral_id))
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
    shared.member_require(
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
        referral=referral,
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
    hooks.referral_answered(hooks.ReferralAnswered(referral=referral, accepted=True, by=actor))
    shared.staff_notify(
        shared.case_staff(referral.from_organisation_id), "accepted", referral.case, referral.pk
    )
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral_id: object, reason: str, note: str = "") -> Referral:
    """The receiver declines with a reason (a note is needed for "other")."""
    if reason not in DeclineReason.values:
        raise InvalidInput(
            _("Choose a reason from the list."), code=ErrorCode.INVALID, field="reason"
        )
    text = shared.text_checked(note, field="note", required=reason == DeclineReason.OTHER)
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.DECLINE,
        receiver_side=True,
        note=text,
        decline_reason=reason,
    )
    hooks.referral_answered(hooks.ReferralAnswered(referral=referral, accepted=False, by=actor))
    shared.staff_notify(
        shared.case_staff(referral.from_organisation_id), "declined", referral.case, referral.pk
    )
    return referral


@transaction.atomic
def referral_request_info(*, actor: User, referral_id: object, question: str) -> Referral:
    """The receiver asks the sender for more information before deciding."""
    text = shared.text_checked(question, field="question")
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.REQUEST_INFO,
        receiver_side=True,
        note=text,
    )
    shared.staff_notify(
        shared.case_staff(referral.from_organisation_id),
        "info_requested",
        referral.case,
        referral.pk,
    )
    return referral


@transaction.atomic
def referral_provide_info(*, actor: User, referral_id: object, answer: str) -> Referral:
    """The sender answers the receiver's question; the referral waits again."""
    text = shared.text_checked(answer, field="answer")
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.PROVIDE_INFO,
        receiver_side=False,
        note=text,
    )
    shared.staff_notify(
        shared.case_staff(referral.to_organisation_id), "info_provided", referral.case, referral.pk
    )
    return referral


@transaction.atomic
def referral_withdraw(*, actor: User, referral_id: object, note: str = "") -> Referral:
    """The sender withdraws a referral that is still waiting."""
    text = shared.text_checked(note, field="note", required=False)
    referral = _move(
        actor=actor,
        referral_id=referral_id,
        action=Event.WITHDRAW,
        receiver_side=False,
        note=text,
    )
    hooks.referral_withdrawn(hooks.ReferralWithdrawn(referral=referral, by=actor))
    shared.staff_notify(
        shared.case_staff(referral.to_organisation_id), "withdrawn", referral.case, referral.pk
    )
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
        receivers = shared.case_staff(
            referral.to_organisation_id, roles=[Role.SUPERVISOR]
        ) or shared.case_staff(referral.to_organisation_id, roles=[Role.CASEWORKER])
        senders = shared.case_staff(referral.from_organisation_id, roles=[Role.CASEWORKER])
        shared.staff_notify([*receivers, *senders], "overdue", referral.case, referral.pk)
        referral.escalated_at = now
        referral.save(update_fields=["escalated_at"])
    return len(overdue)
