"""The transfer of lead responsibility (R-47). One transaction each, audited
inside it; the reason and the answer's note are encrypted under the person's
data key and never reach logs, audit details or notifications.

Lead responsibility moves only by a distinct, accepted step: the lead proposes,
the receiver (already on the team) accepts, and ``access.services.team_lead_move``
moves the one lead in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import services as access_services
from haven.access.models import TeamMembership
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import Conflict, InvalidInput, NotFound
from haven.referrals import states
from haven.referrals.errors import ErrorCode
from haven.referrals.models import LeadTransfer, LeadTransferState
from haven.referrals.services import shared

REASON_CONTEXT = "lead_transfer.reason"
ANSWER_CONTEXT = "lead_transfer.answer_note"


def _audit(
    *, actor: User, case: Case, action: str, transfer: LeadTransfer, detail: dict[str, str]
) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="referrals.LeadTransfer",
        object_id=transfer.pk,
        person_id=case.person_id,
        purpose="",
        detail=detail,
    )


@transaction.atomic
def lead_transfer_propose(
    *, actor: User, case_id: object, to_organisation_id: object, reason: str
) -> LeadTransfer:
    """The case lead proposes that another team member take main responsibility."""
    case = case_selectors.case_get(user=actor, case_id=case_id, for_update=True)
    lead = TeamMembership.objects.get(case=case, is_lead=True)
    shared.member_require(
        actor, lead.organisation_id, _("Only the case lead can propose a lead transfer.")
    )
    receiver = shared.organisation_chosen(to_organisation_id, field="to_organisation")
    if receiver.pk == lead.organisation_id:
        raise InvalidInput(
            _("Your organisation is already the case lead."),
            code=ErrorCode.ALREADY_LEAD,
            field="to_organisation",
        )
    if not TeamMembership.objects.filter(case=case, organisation=receiver).exists():
        raise InvalidInput(
            _("Only an organisation on the case team can become its lead."),
            code=ErrorCode.NOT_ON_TEAM,
            field="to_organisation",
        )
    if LeadTransfer.objects.filter(case=case, state=LeadTransferState.PROPOSED).exists():
        raise Conflict(
            _("A lead transfer is already waiting for an answer on this case."),
            code=ErrorCode.LEAD_TRANSFER_OPEN,
        )
    transfer = LeadTransfer(
        case=case,
        from_organisation=lead.organisation,
        to_organisation=receiver,
        reason_enc=shared.sealed(case, shared.text_checked(reason, field="reason"), REASON_CONTEXT),
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
        transfer=transfer,
        detail={"to_organisation": str(receiver.pk)},
    )
    shared.staff_notify(shared.case_staff(receiver.pk), "lead_transfer_proposed", case, transfer.pk)
    return transfer


def _transfer_for_update(*, actor: User, transfer_id: object) -> LeadTransfer:
    """The transfer, locked, for the two organisations it concerns; else a 404."""
    transfer = (
        LeadTransfer.objects.select_for_update(of=("self",))
        .select_related("case__person__data_key")
        .filter(pk=shared.parse_id(transfer_id))
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
    shared.member_require(
        actor,
        side,
        _("Only the organisation asked to take the lead can answer.")
        if receiver_side
        else _("Only the proposing organisation can withdraw this."),
    )
    transfer.state = states.lead_transfer_next(transfer.state, action)
    transfer.answered_at = timezone.now()
    transfer.answered_by = actor
    transfer.answer_note_enc = shared.sealed(transfer.case, note, ANSWER_CONTEXT) if note else None
    transfer.save(update_fields=["state", "answered_at", "answered_by", "answer_note_enc"])
    _audit(
        actor=actor,
        case=transfer.case,
        action=Action.TRANSITION,
        transfer=transfer,
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
        raise Conflict(_("The case lead changed since this proposal."), code=ErrorCode.LEAD_CHANGED)
    access_services.team_lead_move(
        case_id=transfer.case_id, to_organisation=transfer.to_organisation, by=actor
    )
    shared.staff_notify(
        shared.case_staff(transfer.from_organisation_id),
        "lead_transfer_accepted",
        transfer.case,
        transfer.pk,
    )
    return transfer


@transaction.atomic
def lead_transfer_decline(*, actor: User, transfer_id: object, note: str) -> LeadTransfer:
    """The receiver declines, saying why."""
    text = shared.text_checked(note, field="note")
    transfer = _answer(
        actor=actor,
        transfer_id=transfer_id,
        action=states.LeadTransferAction.DECLINE,
        receiver_side=True,
        note=text,
    )
    shared.staff_notify(
        shared.case_staff(transfer.from_organisation_id),
        "lead_transfer_declined",
        transfer.case,
        transfer.pk,
    )
    return transfer


@transaction.atomic
def lead_transfer_withdraw(*, actor: User, transfer_id: object) -> LeadTransfer:
    """The proposing organisation takes its proposal back; the organisation it
    was made to hears of it."""
    transfer = _answer(
        actor=actor,
        transfer_id=transfer_id,
        action=states.LeadTransferAction.WITHDRAW,
        receiver_side=False,
    )
    shared.staff_notify(
        shared.case_staff(transfer.to_organisation_id),
        "lead_transfer_withdrawn",
        transfer.case,
        transfer.pk,
    )
    return transfer
