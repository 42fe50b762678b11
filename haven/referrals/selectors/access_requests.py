"""Reads of requests for access (issue 11, R-47).

A team member from whom a kind of information is hidden, because the person has
not consented to it reaching them (an agreement already lets it flow), asks the
case lead for it. Who may ask and what they may ask for is the answer of
``access.policy.flow_status`` for their organisation, the same answer the
referral form gives. The case page names the lead organisation and its contact
point (the service directory's own lines, never a person's), and offers the
request only to those who may make it (``may_ask_access``, registered as the
rule ``referrals.ask_access``).

A request is read by the staff of the organisation that asked and of the case
lead; anyone else gets the 404 of a missing request. Reading one decrypts its
reasons and is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import NotAllowed, NotFound
from haven.referrals.errors import ErrorCode
from haven.referrals.models import AccessRequest, AccessRequestState, DirectoryEntry
from haven.referrals.selectors import referrals as referral_selectors
from haven.referrals.services import shared
from haven.vault import services as vault

REASON_CONTEXT = "access_request.reason"
REFUSAL_CONTEXT = "access_request.refusal"


class GroupDecision(Protocol):
    """A field group's decision as the case page keeps it (``cases.selectors.GroupView``)."""

    @property
    def allowed(self) -> bool: ...

    @property
    def code(self) -> str: ...


# --- rules: asked by the pages that refuse and by the links ----------------------------------


def may_ask(
    user: User, lead_id: object, decisions: Iterable[access_policy.Decision | GroupDecision]
) -> bool:
    """Whether the user may ask the case lead for access: some group is hidden from
    them only for want of the person's consent (``access.policy.flow_status_of`` on
    ``decide``'s answers). Only a case-role member of the team who is not the lead
    gets that answer (decide's earlier rules refuse everyone else)."""
    return user.organisation_id != lead_id and any(
        access_policy.flow_status_of(allowed=d.allowed, code=d.code)
        == access_policy.FlowStatus.NEEDS_CONSENT
        for d in decisions
    )


def may_ask_access(user: User, view: case_selectors.CaseView) -> bool:
    """``may_ask`` on a case page already read (no query): the rule
    ``referrals.ask_access`` the page's "ask for access" link asks."""
    return may_ask(user, view.lead_id, view.groups)


def may_answer_access(user: User, lead_id: object) -> bool:
    """Only the case lead's caseworkers and supervisors answer a request for access."""
    return (
        user.is_active
        and lead_id is not None
        and user.organisation_id == lead_id
        and user.role in account_policy.CASE_ROLES
    )


# --- the lead's contact point ----------------------------------------------------------------


@dataclass(frozen=True)
class LeadContact:
    """The lead organisation and how to reach it: its services' own lines and
    hours from the service directory (organisation data, never a person's)."""

    name: str
    lines: list[str]


def lead_contact(*, organisation: Organisation) -> LeadContact:
    """The lead organisation's name and the contact points of its active services."""
    entries = DirectoryEntry.objects.filter(organisation=organisation, active=True).order_by(
        "title"
    )
    lines = [
        " — ".join(part for part in (e.title, e.emergency_contact, e.hours) if part)
        for e in entries
        if e.emergency_contact or e.hours
    ]
    return LeadContact(organisation.name, lines)


def lead_contact_of(*, lead_id: object) -> LeadContact | None:
    """``lead_contact`` by the lead's id (the case page knows only the id)."""
    organisation = Organisation.objects.filter(pk=shared.parse_id(lead_id)).first()
    return lead_contact(organisation=organisation) if organisation else None


# --- asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskOptions:
    """What the ask page shows: the case, the lead and its contact point, and each
    group hidden from the user with what is missing (``referral_selectors.FlowRow``)."""

    case: Case
    purpose: Purpose
    lead_organisation: Organisation
    lead: LeadContact
    hidden: list[referral_selectors.FlowRow]

    @property
    def askable(self) -> list[referral_selectors.FlowRow]:
        """The hidden groups a consent would open: those the request may name."""
        return [row for row in self.hidden if row.needs_consent]


def access_request_options(*, user: User, case_id: object, purpose: str) -> AskOptions:
    """The groups hidden from the user on this case and what each needs; refused
    (403) when none of them waits only for a consent, or for the case lead itself.
    Outside the team: the case's 404; a merged case: ``case_merged`` (ask on the
    surviving case)."""
    case, context = case_selectors.case_get_with_context(user=user, case_id=case_id, writing=True)
    chosen = Purpose(purpose) if purpose in Purpose.values else Purpose.ASSISTANCE
    lead = context.lead
    decisions = access_policy.decide_all(user=user, case_id=case.id, purpose=chosen)
    if lead is None or not may_ask(user, lead.organisation_id, decisions.values()):
        raise NotAllowed(
            _(
                "You can ask for access only to information hidden from your organisation "
                "that the person's consent would open. The case lead answers."
            ),
            code=ErrorCode.NOT_ALLOWED,
        )
    assert user.organisation is not None  # noqa: S101 - case_get admits team members only
    rows = [
        row
        for row in referral_selectors.flow_rows(
            user=user, context=context, recipient=user.organisation, purpose=chosen
        )
        if not decisions[FieldGroup(row.group)].allowed
    ]
    return AskOptions(
        case=case,
        purpose=chosen,
        lead_organisation=lead.organisation,
        lead=lead_contact(organisation=lead.organisation),
        hidden=rows,
    )


# --- reading requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRequestRow:
    """A request without its reasons (no personal data): for lists and the case page."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    organisation: str
    lead_organisation: str
    purpose: str
    purpose_label: str
    field_groups: list[str]
    field_group_labels: list[str]
    state: str
    state_label: str
    asked_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class AccessRequestDetail:
    row: AccessRequestRow
    reason: str  # empty once the person's data is erased
    refusal: str
    is_asker: bool
    may_answer: bool  # the user is the lead's staff and the request is open
    # For the lead: what each group asked for needs to reach the asker (the
    # referral form's answer), with the prefilled consent link built by the view.
    flows: list[referral_selectors.FlowRow]
    asker_id: uuid.UUID
    decision: access_policy.Decision


def _row(request: AccessRequest) -> AccessRequestRow:
    return AccessRequestRow(
        id=request.pk,
        case_id=request.case_id,
        case_reference=request.case.reference,
        organisation=request.organisation.name,
        lead_organisation=request.lead_organisation.name,
        purpose=request.purpose,
        purpose_label=str(Purpose(request.purpose).label),
        field_groups=list(request.field_groups),
        field_group_labels=[str(FieldGroup(g).label) for g in request.field_groups],
        state=request.state,
        state_label=str(AccessRequestState(request.state).label),
        asked_at=request.asked_at,
        answered_at=request.answered_at,
    )


def _decrypt(request: AccessRequest, ciphertext: bytes | memoryview | None, context: str) -> str:
    person = request.case.person
    if ciphertext is None or person.erased_at is not None:
        return ""
    return vault.decrypt(key=person.data_key, ciphertext=bytes(ciphertext), context=context)


def _not_found() -> NotFound:
    return NotFound(_("No request for access with this reference is available to you."))


def _party_decision(user: User, request: AccessRequest, lead_id: object) -> access_policy.Decision:
    """The asker's staff or the case lead's staff read a request (the referral-party
    rule, with the asker as sender and the lead as receiver)."""
    return access_policy.rule_referral_party(
        user=user, sender_id=request.organisation_id, receiver_id=lead_id
    )


def _audited_decision(
    user: User, request: AccessRequest, lead_id: object
) -> access_policy.Decision:
    """``_party_decision``, the read audited when it allows it."""
    decision = _party_decision(user, request, lead_id)
    if decision.allowed:
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="referrals.AccessRequest",
            object_id=request.pk,
            person_id=request.case.person_id,
            purpose=request.purpose,
            detail={"rule": decision.code},
        )
    return decision


@audit.audited_read()
def access_request_get(*, user: User, request_id: object) -> AccessRequestDetail:
    """One request with its reasons, for the organisation that asked and the case
    lead's staff (anyone else: the 404 of a missing request). Audited."""
    request = (
        AccessRequest.objects.select_related(
            "case__person__data_key", "organisation", "lead_organisation"
        )
        .filter(pk=shared.parse_id(request_id))
        .first()
    )
    if request is None:
        raise _not_found()
    context = access_policy.case_context(case_id=request.case_id)
    lead = context.lead
    lead_id = lead.organisation_id if lead else None
    decision = _audited_decision(user, request, lead_id)
    if not decision.allowed:
        raise _not_found()
    answering = may_answer_access(user, lead_id)
    flows = (
        [
            row
            for row in referral_selectors.flow_rows(
                user=user,
                context=context,
                recipient=request.organisation,
                purpose=Purpose(request.purpose),
            )
            if row.group in request.field_groups
        ]
        if answering
        else []
    )
    return AccessRequestDetail(
        row=_row(request),
        reason=_decrypt(request, request.reason_enc, REASON_CONTEXT),
        refusal=_decrypt(request, request.refusal_enc, REFUSAL_CONTEXT),
        is_asker=user.organisation_id == request.organisation_id,
        may_answer=answering and request.state == AccessRequestState.OPEN,
        flows=flows,
        asker_id=request.organisation_id,
        decision=decision,
    )


def _of_case(*, user: User, case_id: uuid.UUID, lead_id: object) -> QuerySet[AccessRequest]:
    requests = AccessRequest.objects.select_related(
        "case", "organisation", "lead_organisation"
    ).filter(case_id=case_id)
    if not may_answer_access(user, lead_id):
        requests = requests.filter(organisation_id=shared.parse_id(user.organisation_id))
    return requests


def access_requests_of_case(
    *, user: User, case_id: uuid.UUID, lead_id: object
) -> list[AccessRequestRow]:
    """The requests on a case the caller already read (the case page, the report
    for the person): all of them for the case lead's staff, the organisation's own
    for a member that asked (no reasons). One query."""
    return [_row(r) for r in _of_case(user=user, case_id=case_id, lead_id=lead_id)]


@dataclass(frozen=True)
class AccessRequestReasons:
    """A request with its reasons where the reader may read them (else empty)."""

    row: AccessRequestRow
    reason: str
    refusal: str


def _reasons(user: User, request: AccessRequest, lead_id: object) -> AccessRequestReasons:
    if not _audited_decision(user, request, lead_id).allowed:
        return AccessRequestReasons(_row(request), "", "")
    return AccessRequestReasons(
        row=_row(request),
        reason=_decrypt(request, request.reason_enc, REASON_CONTEXT),
        refusal=_decrypt(request, request.refusal_enc, REFUSAL_CONTEXT),
    )


@audit.audited_read()
def access_requests_read_of_case(
    *, user: User, case_id: uuid.UUID, lead_id: object
) -> list[AccessRequestReasons]:
    """``access_requests_of_case`` with each request's reasons where
    ``access_request_get`` would give them (the same rule, with ``lead_id`` the case
    lead the caller read; each read audited as there), in one query whatever their
    number: for the report for the person."""
    requests = _of_case(user=user, case_id=case_id, lead_id=lead_id)
    return [_reasons(user, r, lead_id) for r in requests.select_related("case__person__data_key")]
