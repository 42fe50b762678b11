"""Residence permit and detention reads (R-16): the legal field group, checked
and audited. Missing and hidden cases give the same 404 (``case_get``); a case
whose legal group is hidden from the user gives ``field_group_not_allowed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance.models import DetentionRecord, ResidencePermit
from haven.assistance.services import permits as permit_services
from haven.audit import services as audit
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.vault import services as vault

DETENTION_WARNING = _("Victims of trafficking must not be held in detention centres.")


@dataclass(frozen=True)
class RenewalView:
    renewed_on: date
    previous_expires_on: date
    new_expires_on: date
    recorded_by: str


@dataclass(frozen=True)
class PermitView:
    id: int
    grounds: list[str]  # personal_situation, proceedings (CETS Art. 14(1)(a), (b))
    permit_type: str
    issued_on: date
    expires_on: date
    issuing_authority: str
    reference: str  # empty once the person's data is erased
    recorded_by: str
    renewals: list[RenewalView]
    version: int  # optimistic locking: the renewal form and API send it back


@dataclass(frozen=True)
class DetentionView:
    id: int
    started_on: date
    place_type: str
    ended_on: date | None
    recorded_by: str


@dataclass(frozen=True)
class PermitsView:
    case: Case
    permits: list[PermitView]
    detentions: list[DetentionView]
    detention_open: bool
    erased: bool

    @property
    def detention_warning(self) -> str | None:
        return str(DETENTION_WARNING) if self.detention_open else None


def _grounds(permit: ResidencePermit) -> list[str]:
    grounds = []
    if permit.ground_personal_situation:
        grounds.append("personal_situation")
    if permit.ground_proceedings:
        grounds.append("proceedings")
    return grounds


def _permit_view(permit: ResidencePermit, case: Case, erased: bool) -> PermitView:
    reference = ""
    if not erased:
        reference = vault.decrypt(
            key=case.person.data_key,
            ciphertext=bytes(permit.reference_enc),
            context=permit_services.REFERENCE_CONTEXT,
        )
    return PermitView(
        id=permit.pk,
        grounds=_grounds(permit),
        permit_type=permit.permit_type,
        issued_on=permit.issued_on,
        expires_on=permit.expires_on,
        issuing_authority=permit.issuing_authority,
        reference=reference,
        recorded_by=permit.recorded_by.get_username(),
        renewals=[
            RenewalView(
                r.renewed_on, r.previous_expires_on, r.new_expires_on, r.recorded_by.get_username()
            )
            for r in permit.renewals.all()
        ],
        version=permit.version,
    )


@audit.audited_read()
def permits_get(*, user: User, case_id: object) -> PermitsView:
    """The case's residence permits with their renewals, and its detention records
    (legal group, for assistance). The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
    )
    case, erased = gated.case, gated.erased
    permits = (
        ResidencePermit.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related("renewals__recorded_by")
    )
    detentions = [
        DetentionView(d.pk, d.started_on, d.place_type, d.ended_on, d.recorded_by.get_username())
        for d in DetentionRecord.objects.filter(case=case).select_related("recorded_by")
    ]
    gated.audit_record(object_type="assistance.ResidencePermit")
    return PermitsView(
        case=case,
        permits=[_permit_view(p, case, erased) for p in permits],
        detentions=detentions,
        detention_open=any(d.ended_on is None for d in detentions),
        erased=erased,
    )


@dataclass(frozen=True)
class CasePagePermits:
    detention_warning: str | None  # while a detention record is open


def case_page_permits(
    *, case_view: case_selectors.CaseView, held: bool = True
) -> CasePagePermits | None:
    """For a case page that ``case_read`` already decided and audited: None unless
    the legal group was shown there; then the detention warning while a detention
    record is open (no query when the page knows the case holds none: ``held``
    False). Nothing is audited twice."""
    if case_view.group(FieldGroup.LEGAL).data is None:
        return None
    records = DetentionRecord.objects.filter(case_id=case_view.case.id, ended_on__isnull=True)
    detained = held and records.exists()
    return CasePagePermits(detention_warning=str(DETENTION_WARNING) if detained else None)
