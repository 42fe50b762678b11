"""Reads of the person's cooperation with the authorities and witness status (R-18).

Recorded for criminal proceedings and residence permits only (CETS Art. 14(1)(b),
Directive 2004/81/EC). Assistance never depends on it: no eligibility rule reads
these records (Dir Art. 11(3), CETS Art. 12(6)), and
``haven/assistance/tests/test_rules_r18_services.py`` proves that no sequence of
changes here alters any service's eligibility.

The records are append-only; the latest is the current state. They belong to the
legal field group, decided and audited for the identification purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.justice.models import (
    OPEN_CLAIM_STATUSES,
    CompensationClaim,
    CooperationRecord,
    Proceeding,
)

OBJECT_TYPE = "justice.CooperationRecord"
REMEDIES_OBJECT_TYPE = "justice.Proceeding"
STATEMENT = gettext_lazy(
    "Recorded for criminal proceedings and residence permits only. Assistance never depends "
    "on it: the person receives the same help whatever is recorded here."
)


@dataclass(frozen=True)
class CooperationState:
    cooperates_with_authorities: bool
    is_witness: bool
    recorded_on: date


@dataclass(frozen=True)
class CooperationEntry:
    cooperates_with_authorities: bool
    is_witness: bool
    recorded_on: date
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class CooperationHistory:
    case: Case
    erased: bool
    current: CooperationEntry | None
    entries: list[CooperationEntry]  # latest first


def _entry(row: CooperationRecord) -> CooperationEntry:
    return CooperationEntry(
        cooperates_with_authorities=row.cooperates_with_authorities,
        is_witness=row.is_witness,
        recorded_on=row.recorded_on,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by.get_username(),
    )


@transaction.atomic
def cooperation_history(
    *, user: User, case_id: object, purpose: Purpose = Purpose.IDENTIFICATION
) -> CooperationHistory:
    """Every cooperation record of the case, latest first (legal group, R-18).
    The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
    )
    case = gated.case
    rows = (
        CooperationRecord.objects.filter(case_id=case.id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )
    entries = [_entry(row) for row in rows]
    gated.audit_record(object_type=OBJECT_TYPE)
    return CooperationHistory(
        case=case,
        erased=gated.erased,
        current=entries[0] if entries else None,
        entries=entries,
    )


@dataclass(frozen=True)
class CasePageCooperation:
    current: CooperationState | None  # None until something is recorded
    statement: str


def case_page_cooperation(
    *, case_view: case_selectors.CaseView, held: bool = True
) -> CasePageCooperation | None:
    """For a case page that ``case_read`` already decided and audited: None unless
    the legal group was shown there; then the current state, in one query (none
    when the page knows the case holds no record: ``held`` False)."""
    if case_view.group(FieldGroup.LEGAL).data is None:
        return None
    records = CooperationRecord.objects.filter(case_id=case_view.case.id)
    latest = (
        records.order_by("-recorded_at", "-id")
        .values_list("cooperates_with_authorities", "is_witness", "recorded_on")
        .first()
        if held
        else None
    )
    current = CooperationState(*latest) if latest is not None else None
    return CasePageCooperation(current=current, statement=str(STATEMENT))


# --- proceedings and compensation (R-34, R-36) ---------------------------------------------


@dataclass(frozen=True)
class OpenRemedies:
    """How many proceedings and compensation claims of a case are still open:
    counts only, for a return plan's warning (P3: return must not hamper
    remedies), never their content."""

    proceedings: int
    compensation_claims: int

    @property
    def any(self) -> bool:
        return bool(self.proceedings or self.compensation_claims)


def open_remedies(*, case: Case) -> OpenRemedies:
    """The open proceedings and compensation claims of a case the caller has
    already read through the case gate. Counts only and not audited: the caller
    learns that remedies are open, not what they are (two queries)."""
    return OpenRemedies(
        proceedings=Proceeding.objects.filter(case_id=case.id, ended_on__isnull=True).count(),
        compensation_claims=CompensationClaim.objects.filter(
            case_id=case.id, status__in=OPEN_CLAIM_STATUSES
        ).count(),
    )


@dataclass(frozen=True)
class Remedies:
    case: Case
    proceedings: list[Proceeding]
    claims: list[CompensationClaim]


@transaction.atomic
def remedies(*, user: User, case_id: object, purpose: Purpose = Purpose.IDENTIFICATION) -> Remedies:
    """Every proceeding and compensation claim of the case (legal group). The
    read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
    )
    case = gated.case
    found = Remedies(
        case=case,
        proceedings=list(Proceeding.objects.filter(case_id=case.id).order_by("started_on", "id")),
        claims=list(
            CompensationClaim.objects.filter(case_id=case.id).order_by("recorded_at", "id")
        ),
    )
    gated.audit_record(object_type=REMEDIES_OBJECT_TYPE)
    return found
