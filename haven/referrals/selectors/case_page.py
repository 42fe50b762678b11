"""The referrals block of a case page (R-47), for the case team.

It gets the ``CaseView`` that ``cases.selectors.case_read`` already decided and
audited, and reads only what is not personal data: the organisations, the
states, the services asked for and the dates of the case's referrals and of an
open lead transfer. Two queries: the lead (with the user's membership and the open
transfer) and the referrals.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery, UUIDField
from django.utils import timezone

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, User
from haven.cases import selectors as case_selectors
from haven.referrals.models import (
    OPEN_REFERRAL_STATES,
    LeadTransfer,
    LeadTransferState,
    Referral,
    ReferralState,
)
from haven.referrals.selectors import referrals as referral_selectors
from haven.referrals.services import crossborder as crossborder_services


@dataclass(frozen=True)
class CaseReferralRow:
    id: uuid.UUID
    from_organisation: str
    to_organisation: str
    service: str  # the kind of service asked for (the referral type)
    directory_title: str  # the directory entry it was sent to, if any
    state_label: str
    sent_at: datetime
    overdue: bool
    ours: bool  # the user's organisation sent or received it (may open it)
    taken_on: bool  # the user's organisation accepted it: the service is its work now


@dataclass(frozen=True)
class CaseLeadTransfer:
    id: uuid.UUID
    to_organisation: str
    proposed_at: datetime
    ours: bool  # the user's organisation proposed it or is asked (may open it)


@dataclass(frozen=True)
class CasePageReferrals:
    rows: list[CaseReferralRow]
    lead_transfer: CaseLeadTransfer | None  # the proposal waiting for an answer, if any
    may_refer: bool
    is_lead_staff: bool  # may hand over the lead
    may_export: bool  # lead staff, where cross-border referral is configured

    @property
    def taken_on(self) -> list[CaseReferralRow]:
        """The referrals the user's organisation accepted: what it was asked to do."""
        return [row for row in self.rows if row.taken_on]


@dataclass(frozen=True)
class _Lead:
    organisation_id: uuid.UUID
    on_team: bool  # the user's organisation is on the case team
    transfer: CaseLeadTransfer | None


def _lead(
    case_id: uuid.UUID, organisation_id: uuid.UUID, user: User, *, sees_location: bool
) -> _Lead | None:
    """One query: the lead's organisation, whether the user's organisation is on
    the team, and the open lead transfer (if any)."""
    open_transfer = LeadTransfer.objects.filter(
        case_id=OuterRef("case_id"), state=LeadTransferState.PROPOSED
    )
    own = TeamMembership.objects.filter(
        case_id=OuterRef("case_id"), organisation_id=organisation_id
    )
    row = (
        TeamMembership.objects.filter(case_id=case_id, is_lead=True)
        .annotate(
            on_team=Exists(own),
            transfer_id=Subquery(open_transfer.values("pk")[:1]),
            transfer_to_id=Subquery(  # a foreign key's value: say it is a UUID to convert it
                open_transfer.values("to_organisation_id")[:1], output_field=UUIDField()
            ),
            transfer_to=Subquery(open_transfer.values("to_organisation__name")[:1]),
            transfer_to_type=Subquery(open_transfer.values("to_organisation__org_type")[:1]),
            transfer_at=Subquery(open_transfer.values("proposed_at")[:1]),
        )
        .values(
            "organisation_id",
            "on_team",
            "transfer_id",
            "transfer_to_id",
            "transfer_to",
            "transfer_to_type",
            "transfer_at",
        )
        .first()
    )
    if row is None:
        return None
    transfer = None
    if row["transfer_id"] is not None:
        transfer = CaseLeadTransfer(
            id=row["transfer_id"],
            to_organisation=access_policy.organisation_label(
                reader=user,
                organisation_id=row["transfer_to_id"],
                name=row["transfer_to"],
                org_type=row["transfer_to_type"],
                sees_location=sees_location,
            ),
            proposed_at=row["transfer_at"],
            ours=organisation_id in (row["organisation_id"], row["transfer_to_id"]),
        )
    return _Lead(row["organisation_id"], row["on_team"], transfer)


def _rows(case_id: uuid.UUID, user: User, *, sees_location: bool) -> list[CaseReferralRow]:
    now = timezone.now()
    referrals = Referral.objects.filter(case_id=case_id).select_related(
        "from_organisation", "to_organisation", "directory_entry"
    )

    def name(organisation: Organisation) -> str:  # a shelter's name tells where the person is
        return access_policy.organisation_label(
            reader=user,
            organisation_id=organisation.pk,
            name=organisation.name,
            org_type=organisation.org_type,
            sees_location=sees_location,
        )

    return [
        CaseReferralRow(
            id=r.pk,
            from_organisation=name(r.from_organisation),
            to_organisation=name(r.to_organisation),
            service=referral_selectors.type_label(r.referral_type),
            directory_title=r.directory_entry.title if r.directory_entry else "",
            state_label=str(ReferralState(r.state).label),
            sent_at=r.sent_at,
            overdue=r.state in OPEN_REFERRAL_STATES and now > r.due_at,
            ours=user.organisation_id in (r.from_organisation_id, r.to_organisation_id),
            taken_on=r.state == ReferralState.ACCEPTED
            and r.to_organisation_id == user.organisation_id,
        )
        for r in referrals
    ]


def case_page_referrals(
    *,
    user: User,
    case_view: case_selectors.CaseView,
    referrals_held: bool = True,
    transfers_held: bool = True,
) -> CasePageReferrals | None:
    """None unless the user works cases for an organisation on the case team (a
    break-glass reader sees no block); else the case's referrals, newest first.
    A page that knows the case holds no referral (``referrals_held`` False) or no
    lead transfer (``transfers_held`` False) reads none; without a transfer, the
    lead and the team are those ``case_read`` already read."""
    if user.organisation_id is None or user.role not in account_policy.CASE_ROLES:
        return None
    sees_location = case_view.group(FieldGroup.LOCATION).allowed
    if transfers_held:
        lead = _lead(case_view.case.id, user.organisation_id, user, sees_location=sees_location)
    else:
        lead = (
            _Lead(case_view.lead_id, user.organisation_id in case_view.team_ids, None)
            if case_view.lead_id is not None
            else None
        )
    if lead is None or not lead.on_team:
        return None
    return CasePageReferrals(
        rows=_rows(case_view.case.id, user, sees_location=sees_location) if referrals_held else [],
        lead_transfer=lead.transfer,
        may_refer=not case_view.erased and case_view.case.takes_records,
        is_lead_staff=lead.organisation_id == user.organisation_id,
        may_export=lead.organisation_id == user.organisation_id
        and case_view.case.takes_records
        and crossborder_services.is_configured(),
    )
