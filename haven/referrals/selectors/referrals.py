"""Reads of referrals and lead transfers (R-47).

The lists of an organisation (incoming, outgoing) carry no personal data: the
case's pseudonymous reference, the type, purpose, groups, urgency, the two
organisations, the dates, the state and the age. The message and notes are
read only on one referral, by the sending or the receiving organisation (the
receiver reads the message before accepting: it is what the sender chose to
tell them), and that read is audited with the rule that allowed it
(``access.policy.rule_referral_party``, ``rule_lead_transfer_party``). Anyone
else gets the same 404 as for a missing referral.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access import selectors as access_selectors
from haven.access.models import FieldGroup, Purpose
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import NotAllowed, NotFound
from haven.referrals import states, targets
from haven.referrals.errors import ErrorCode
from haven.referrals.models import (
    OPEN_REFERRAL_STATES,
    DeclineReason,
    LeadTransfer,
    LeadTransferState,
    Referral,
    ReferralEvent,
    ReferralState,
)
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services import referrals as services
from haven.referrals.services import shared
from haven.vault import services as vault


@dataclass(frozen=True)
class ReferralRow:
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    referral_type: str
    type_label: str
    purpose: str
    field_groups: list[str]
    urgent: bool
    from_organisation: str
    to_organisation: str
    state: str
    state_label: str
    sent_at: datetime
    due_at: datetime
    answered_at: datetime | None
    escalated_at: datetime | None
    age: timedelta
    overdue: bool

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label)

    @property
    def field_group_labels(self) -> list[str]:
        return [str(FieldGroup(group).label).lower() for group in self.field_groups]

    @property
    def age_days(self) -> int:
        return self.age.days

    @property
    def age_hours(self) -> int:
        return int(self.age.total_seconds() // 3600)


@dataclass(frozen=True)
class EventView:
    action: str
    action_label: str
    at: datetime
    by: str
    organisation: str
    decline_reason: str
    decline_reason_label: str
    note: str


@dataclass(frozen=True)
class ReferralDetail:
    referral: ReferralRow
    message: str  # empty once the person's data is erased
    events: list[EventView]
    is_sender: bool
    is_receiver: bool
    actions: list[str]  # what this user may do now (ReferralEvent.Action values)
    decision: access_policy.Decision  # why this user reads it (access.policy.rule_referral_party)


@dataclass(frozen=True)
class LeadTransferView:
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    from_organisation: str
    to_organisation: str
    state: str
    state_label: str
    proposed_at: datetime
    proposed_by: str
    answered_at: datetime | None
    reason: str  # only in lead_transfer_get; empty in lists
    answer_note: str
    actions: list[str]  # states.LeadTransferAction values this user may take


def type_label(key: str) -> str:
    """The referral type's label from the response-target file, in the reader's
    language (a ``DataText``: pages mark an untranslated one); its key if unknown."""
    kind = targets.referral_type(key)
    return kind.shown_label() if kind else key


def _row(referral: Referral, now: datetime) -> ReferralRow:
    is_open = referral.state in OPEN_REFERRAL_STATES
    return ReferralRow(
        id=referral.pk,
        case_id=referral.case_id,
        case_reference=referral.case.reference,
        referral_type=referral.referral_type,
        type_label=type_label(referral.referral_type),
        purpose=referral.purpose,
        field_groups=list(referral.field_groups),
        urgent=referral.urgent,
        from_organisation=referral.from_organisation.name,
        to_organisation=referral.to_organisation.name,
        state=referral.state,
        state_label=str(ReferralState(referral.state).label),
        sent_at=referral.sent_at,
        due_at=referral.due_at,
        answered_at=referral.answered_at,
        escalated_at=referral.escalated_at,
        age=(now if is_open else referral.answered_at or now) - referral.sent_at,
        overdue=is_open and now > referral.due_at,
    )


def _base() -> QuerySet[Referral]:
    return Referral.objects.select_related("case", "from_organisation", "to_organisation")


def _require_case_role(user: User) -> None:
    if user.organisation_id is None or user.role not in account_policy.CASE_ROLES:
        raise NotAllowed(
            _("Your role does not give access to referrals."), code=ErrorCode.NOT_ALLOWED
        )


def _state_filter(referrals: QuerySet[Referral], state: str | None) -> QuerySet[Referral]:
    if state:
        return referrals.filter(state=state)
    return referrals


def referrals_incoming(*, user: User, state: str | None = None) -> list[ReferralRow]:
    """Referrals sent to the user's organisation, newest first."""
    _require_case_role(user)
    now = timezone.now()
    rows = _state_filter(_base().filter(to_organisation_id=user.organisation_id), state)
    return [_row(r, now) for r in rows]


def referrals_outgoing(*, user: User, state: str | None = None) -> list[ReferralRow]:
    """Referrals the user's organisation sent, newest first."""
    _require_case_role(user)
    now = timezone.now()
    rows = _state_filter(_base().filter(from_organisation_id=user.organisation_id), state)
    return [_row(r, now) for r in rows]


def _has_case_role(user: User) -> bool:
    return user.organisation_id is not None and user.role in account_policy.CASE_ROLES


def referrals_waiting(
    *, user: User, limit: int | None = None, now: datetime | None = None
) -> list[ReferralRow]:
    """Open referrals sent to the user's organisation, oldest first, with their age
    at ``now`` (the home page): none for a user without a case role. One query."""
    if not _has_case_role(user):
        return []
    now = now or timezone.now()
    rows = (
        _base()
        .filter(to_organisation_id=user.organisation_id, state__in=OPEN_REFERRAL_STATES)
        .order_by("sent_at", "id")
    )
    return [_row(r, now) for r in rows[:limit]]


def referrals_waiting_count(*, user: User) -> int | None:
    """How many open referrals wait for the user's organisation (one query, for the
    menu); None for a user without a case role (no referrals menu)."""
    if not _has_case_role(user):
        return None
    return (
        Referral.objects.filter(
            to_organisation_id=user.organisation_id, state__in=OPEN_REFERRAL_STATES
        )
        .values("id")
        .count()
    )


def _decrypt(case: Case, ciphertext: bytes | memoryview | None, context: str) -> str:
    if ciphertext is None or case.person.erased_at is not None:
        return ""
    return vault.decrypt(key=case.person.data_key, ciphertext=bytes(ciphertext), context=context)


def _referral_actions(referral: Referral, user: User) -> list[str]:
    # Only case staff get here: rule_referral_party admits caseworkers and supervisors.
    possible = states.referral_actions(referral.state)
    receiver = {states.ReferralAction.ACCEPT, states.ReferralAction.DECLINE}
    receiver.add(states.ReferralAction.REQUEST_INFO)
    sender = {states.ReferralAction.PROVIDE_INFO, states.ReferralAction.WITHDRAW}
    mine = receiver if user.organisation_id == referral.to_organisation_id else sender
    return [a for a in possible if a in mine]


def _events(referral: Referral) -> list[EventView]:
    return [
        EventView(
            action=e.action,
            action_label=str(e.get_action_display()),
            at=e.at,
            by=e.by.get_username(),
            organisation=e.organisation.name,
            decline_reason=e.decline_reason,
            decline_reason_label=str(DeclineReason(e.decline_reason).label)
            if e.decline_reason in DeclineReason.values
            else "",
            note=_decrypt(referral.case, e.note_enc, services.NOTE_CONTEXT),
        )
        for e in referral.events.all()
    ]


def _with_events(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    events = ReferralEvent.objects.select_related("by", "organisation")
    return referrals.select_related("case__person__data_key").prefetch_related(
        Prefetch("events", queryset=events)
    )


def _detail(referral: Referral, user: User, now: datetime) -> ReferralDetail | None:
    """The referral with its message and history if the user's organisation sent or
    received it (the read audited), else None."""
    decision = access_policy.rule_referral_party(
        user=user, sender_id=referral.from_organisation_id, receiver_id=referral.to_organisation_id
    )
    if not decision.allowed:
        return None
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type="referrals.Referral",
        object_id=referral.pk,
        person_id=referral.case.person_id,
        purpose=referral.purpose,
        detail={"rule": decision.code},
    )
    return ReferralDetail(
        referral=_row(referral, now),
        message=_decrypt(referral.case, referral.message_enc, services.MESSAGE_CONTEXT),
        events=_events(referral),
        is_sender=user.organisation_id == referral.from_organisation_id,
        is_receiver=user.organisation_id == referral.to_organisation_id,
        actions=_referral_actions(referral, user),
        decision=decision,
    )


@audit.audited_read()
def referral_get(*, user: User, referral_id: object) -> ReferralDetail:
    """One referral with its message and history, for the sending or receiving
    organisation only (anyone else: the 404 of a missing referral). Audited."""
    referral = _with_events(_base()).filter(pk=shared.parse_id(referral_id)).first()
    detail = _detail(referral, user, timezone.now()) if referral is not None else None
    if detail is None:
        raise NotFound(_("No referral with this reference is available to you."))
    return detail


@audit.audited_read()
def referral_details_of_case(*, user: User, case_id: object) -> dict[uuid.UUID, ReferralDetail]:
    """``referral_get`` of every referral of a case that the user's organisation sent
    or received, by id (each read audited as there), in two queries whatever their
    number: the referrals and their histories. For a user on the case's team."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    organisation = user.organisation_id
    party = Q(from_organisation_id=organisation) | Q(to_organisation_id=organisation)
    now = timezone.now()
    read = {r.pk: _detail(r, user, now) for r in _with_events(_base()).filter(party, case=case)}
    return {pk: detail for pk, detail in read.items() if detail is not None}


def referrals_of_case(*, user: User, case_id: object) -> list[ReferralRow]:
    """The referrals of a case, for its team (no messages)."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    now = timezone.now()
    return [_row(r, now) for r in _base().filter(case=case)]


def _transfer_actions(transfer: LeadTransfer, user: User) -> list[str]:
    # Only case staff get here: case_get and rule_lead_transfer_party admit no other role.
    possible = states.lead_transfer_actions(transfer.state)
    if user.organisation_id == transfer.to_organisation_id:
        mine = {states.LeadTransferAction.ACCEPT, states.LeadTransferAction.DECLINE}
    elif user.organisation_id == transfer.from_organisation_id:
        mine = {states.LeadTransferAction.WITHDRAW}
    else:
        mine = set()
    return [a for a in possible if a in mine]


def _transfer_view(
    transfer: LeadTransfer, user: User, *, reason: str = "", answer: str = ""
) -> LeadTransferView:
    return LeadTransferView(
        id=transfer.pk,
        case_id=transfer.case_id,
        case_reference=transfer.case.reference,
        from_organisation=transfer.from_organisation.name,
        to_organisation=transfer.to_organisation.name,
        state=transfer.state,
        state_label=str(LeadTransferState(transfer.state).label),
        proposed_at=transfer.proposed_at,
        proposed_by=transfer.proposed_by.get_username(),
        answered_at=transfer.answered_at,
        reason=reason,
        answer_note=answer,
        actions=_transfer_actions(transfer, user),
    )


def _transfers() -> QuerySet[LeadTransfer]:
    return LeadTransfer.objects.select_related(
        "case", "from_organisation", "to_organisation", "proposed_by"
    )


def lead_transfers_of_case(*, user: User, case_id: object) -> list[LeadTransferView]:
    """The lead transfers of a case, for its team (without the reasons)."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    return [_transfer_view(t, user) for t in _transfers().filter(case=case)]


def _transfer_read(transfer: LeadTransfer, user: User) -> LeadTransferView | None:
    """The transfer with its reason and answer if the user's organisation proposed it
    or is asked to take the lead (the read audited), else None. ``transfer`` comes
    with its case's person and data key."""
    decision = access_policy.rule_lead_transfer_party(
        user=user, from_id=transfer.from_organisation_id, to_id=transfer.to_organisation_id
    )
    if not decision.allowed:
        return None
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type="referrals.LeadTransfer",
        object_id=transfer.pk,
        person_id=transfer.case.person_id,
        detail={"rule": decision.code},
    )
    case = transfer.case
    return _transfer_view(
        transfer,
        user,
        reason=_decrypt(case, transfer.reason_enc, lead_services.REASON_CONTEXT),
        answer=_decrypt(case, transfer.answer_note_enc, lead_services.ANSWER_CONTEXT),
    )


@audit.audited_read()
def lead_transfer_get(*, user: User, transfer_id: object) -> LeadTransferView:
    """One lead transfer with its reason and answer, for the two organisations it
    concerns (anyone else: the 404 of a missing one). Audited."""
    transfer = (
        _transfers()
        .select_related("case__person__data_key")
        .filter(pk=shared.parse_id(transfer_id))
        .first()
    )
    view = _transfer_read(transfer, user) if transfer is not None else None
    if view is None:
        raise NotFound(_("No lead transfer with this reference is available to you."))
    return view


@audit.audited_read()
def lead_transfers_read_of_case(*, user: User, case_id: object) -> list[LeadTransferView]:
    """The lead transfers of a case, for its team, in one query whatever their number:
    each with its reason and answer where ``lead_transfer_get`` would give them (the
    same rule, each read audited as there), the others as ``lead_transfers_of_case``
    lists them (without the reasons)."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    transfers = _transfers().select_related("case__person__data_key").filter(case=case)
    return [_transfer_read(t, user) or _transfer_view(t, user) for t in transfers]


@dataclass(frozen=True)
class FlowRow:
    """One kind of information on the referral form: whether it can flow to the
    chosen organisation and, if not, what is missing (``access.policy.flow_status``)."""

    group: str
    label: str
    allowed: bool
    code: str
    reason: str
    status: str = access_policy.FlowStatus.CAN_FLOW  # access.policy.FlowStatus
    # For a missing agreement: the organisations whose administrators can make one.
    agreement_between: tuple[str, ...] = ()
    # For a missing consent: whether this user records consents on this case (the
    # case lead's staff, the consent page's own rule); else whom to ask.
    may_record_consent: bool = False
    consent_by: str = ""

    @property
    def needs_consent(self) -> bool:
        return self.status == access_policy.FlowStatus.NEEDS_CONSENT


def flow_rows(
    *, user: User, context: access_policy.CaseContext, recipient: Organisation, purpose: Purpose
) -> list[FlowRow]:
    """Per field group, the answer of ``access.policy.flow_status`` for a recipient:
    the same answer the referral's refusal and a request for access give."""
    may_record = (
        access_selectors.consent_refusal(user=user, memberships=context.memberships) is None
    )
    lead = context.lead
    lead_name = lead.organisation.name if lead is not None else ""
    rows = []
    for group in FieldGroup:
        answer = access_policy.flow_status(
            case_id=context.case_id,
            recipient=recipient,
            field_group=group,
            purpose=purpose,
            context=context,
        )
        rows.append(
            FlowRow(
                group=group.value,
                label=str(group.label),
                allowed=answer.allowed,
                code=answer.decision.code,
                reason=str(answer.decision.reason),
                status=answer.status,
                agreement_between=tuple(o.name for o in answer.agreement_between),
                may_record_consent=may_record,
                consent_by=lead_name,
            )
        )
    return rows


def referral_flows(
    *, user: User, case_id: object, to_organisation_id: object, purpose: str
) -> list[FlowRow]:
    """For the referral form: would each field group reach this organisation for
    this purpose once it joins the team, and if not, is a consent or an agreement
    missing? For the team only, and for an organisation in the user's country
    (R-48: abroad is a package)."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    assert user.organisation is not None  # noqa: S101 - case_get admits team members only
    receiver = Organisation.objects.filter(
        pk=shared.parse_id(to_organisation_id), country=user.organisation.country
    ).first()
    if receiver is None or purpose not in Purpose.values:  # abroad: a cross-border package
        return []
    context = access_policy.case_context(case_id=case.id)
    return flow_rows(user=user, context=context, recipient=receiver, purpose=Purpose(purpose))


def lead_transfer_candidates(*, user: User, case_id: object) -> list[tuple[str, str]]:
    """The team members (not the lead) that could take the lead: (id, name)."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    return [
        (str(m.organisation_id), m.organisation.name)
        for m in access_policy.team_of(case_id=case.id)
        if not m.is_lead
    ]
