"""Reads for cross-border referral: partner focal points with their fingerprints,
and the transfers of the cases a user may see, with their acknowledgement state.

A transfer row holds only ids, dates and the stage; a user sees the transfers of
the cases visible to them (``access.selectors.visible_case_ids``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from haven.access import selectors as access_selectors
from haven.accounts.models import User
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer, FocalPointKey


@dataclass(frozen=True)
class PartnerView:
    id: uuid.UUID
    organisation_name: str
    country: str
    focal_point_id: str
    encryption_public_key: str
    signing_public_key: str
    fingerprint: str
    added_at: datetime


def _partner_view(row: FocalPointKey) -> PartnerView:
    return PartnerView(
        id=row.id,
        organisation_name=row.organisation_name,
        country=row.country,
        focal_point_id=row.focal_point_id,
        encryption_public_key=row.encryption_public_key,
        signing_public_key=row.signing_public_key,
        fingerprint=packages.fingerprint(
            encryption_public_key=row.encryption_public_key,
            signing_public_key=row.signing_public_key,
        ),
        added_at=row.added_at,
    )


def partner_list() -> list[PartnerView]:
    """Registered partner focal points (public keys: not personal data)."""
    return [_partner_view(row) for row in FocalPointKey.objects.filter(is_own=False)]


@dataclass(frozen=True)
class TransferView:
    id: uuid.UUID
    package_id: uuid.UUID
    direction: str
    direction_label: str
    case_id: uuid.UUID | None
    case_reference: str
    partner: str  # organisation name (country)
    partner_focal_point_id: str
    stage: str
    created_at: datetime
    expires_at: datetime
    acknowledged_at: datetime | None
    ack_overdue: bool  # sent, not acknowledged within HAVEN_CROSSBORDER_ACK_HOURS


def _transfer_view(row: CrossBorderTransfer, now: datetime) -> TransferView:
    cutoff = now - timedelta(hours=settings.HAVEN_CROSSBORDER_ACK_HOURS)
    outgoing = row.direction == CrossBorderTransfer.Direction.OUTGOING
    return TransferView(
        id=row.id,
        package_id=row.package_id,
        direction=row.direction,
        direction_label=str(CrossBorderTransfer.Direction(row.direction).label),
        case_id=row.case_id,
        case_reference=row.case.reference if row.case else "",
        partner=f"{row.partner.organisation_name} ({row.partner.country})",
        partner_focal_point_id=row.partner.focal_point_id,
        stage=row.stage,
        created_at=row.created_at,
        expires_at=row.expires_at,
        acknowledged_at=row.acknowledged_at,
        ack_overdue=outgoing and row.acknowledged_at is None and row.created_at <= cutoff,
    )


def transfer_list(*, user: User) -> list[TransferView]:
    """Transfers of the cases the user may see, newest first (one query)."""
    visible = access_selectors.visible_case_ids(user=user).values("case_id")
    rows = CrossBorderTransfer.objects.filter(case_id__in=visible).select_related("case", "partner")
    now = timezone.now()
    return [_transfer_view(row, now) for row in rows]


@dataclass(frozen=True)
class ExportOptions:
    case: Case
    consents: list[tuple[str, str]]  # (consent id, label): the live ones
    partners: list[PartnerView]


def export_options(*, user: User, case_id: object) -> ExportOptions:
    """What the export form offers: the case's live consents (case lead only, as
    ``consent_list`` decides and audits) and the registered partners."""
    case, context = case_selectors.case_get_with_context(user=user, case_id=case_id)
    views = access_selectors.consent_list(
        user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    consents = [
        (
            str(v.consent.id),
            f"{v.consent.get_purpose_display()} · {v.consent.given_on:%Y-%m-%d} · "
            f"{v.consent.recipient_organisation or v.consent.recipient_org_type}",
        )
        for v in views
        if v.live
    ]
    return ExportOptions(case=case, consents=consents, partners=partner_list())
