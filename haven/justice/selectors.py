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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.justice.models import (
    OPEN_CLAIM_STATUSES,
    CompelledOffence,
    CompensationClaim,
    ConfiscatedAsset,
    CooperationRecord,
    LegalAid,
    Proceeding,
    ProceedingStageChange,
    ProtectiveMeasure,
)
from haven.vault import services as vault

OBJECT_TYPE = "justice.CooperationRecord"
# The vault contexts the remedies' encrypted texts are sealed with.
COUNSEL_CONTEXT = "legal_aid.counsel_name"
OFFENCE_CONTEXT = "compelled_offence.offence"
LINK_CONTEXT = "compelled_offence.link"
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


@audit.audited_read()
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


# --- the remedies file: proceedings, protection, legal aid, compensation, non-punishment ----

REMEDIES_FILE_OBJECT_TYPE = "justice.Remedies"


@dataclass(frozen=True)
class ProceedingFile:
    proceeding: Proceeding
    stage_changes: list[ProceedingStageChange]  # oldest first
    measures: list[ProtectiveMeasure]


@dataclass(frozen=True)
class ClaimFile:
    claim: CompensationClaim
    assets: list[ConfiscatedAsset]


@dataclass(frozen=True)
class LegalAidFile:
    aid: LegalAid
    counsel_name: str  # empty when none was named or the person's data is erased


@dataclass(frozen=True)
class OffenceFile:
    flag: CompelledOffence
    offence: str  # empty once the person's data is erased
    link: str


@dataclass(frozen=True)
class RemediesFile:
    case: Case
    erased: bool
    proceedings: list[ProceedingFile]
    claims: list[ClaimFile]
    legal_aid: list[LegalAidFile]
    offences: list[OffenceFile]
    cooperation: CooperationEntry | None  # the current cooperation choice, shown beside
    writable: bool = False  # a write would pass the gate: the pages offer their forms

    @property
    def open_proceedings(self) -> list[Proceeding]:
        return [p.proceeding for p in self.proceedings if p.proceeding.ended_on is None]


def _decrypted(case: Case, erased: bool, blob: bytes | memoryview | None, context: str) -> str:
    if erased:
        return ""
    return vault.decrypt_optional(key=case.person.data_key, ciphertext=blob, context=context)


@audit.audited_read()
def remedies_file(
    *, user: User, case_id: object, purpose: Purpose = Purpose.IDENTIFICATION
) -> RemediesFile:
    """Everything recorded about the person's remedies on the case, with the
    current cooperation choice beside it (legal group; texts decrypted). The read
    is audited. Eight queries whatever the number of rows."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
    )
    case, erased = gated.case, gated.erased
    proceedings = Proceeding.objects.filter(case_id=case.id).order_by("started_on", "id")
    changes = ProceedingStageChange.objects.filter(case_id=case.id).order_by(
        "changed_on", "recorded_at", "id"
    )
    measures = ProtectiveMeasure.objects.filter(case_id=case.id).order_by("asked_on", "id")
    claims = CompensationClaim.objects.filter(case_id=case.id).order_by("recorded_at", "id")
    assets = ConfiscatedAsset.objects.filter(case_id=case.id).order_by("recorded_at", "id")
    aid = LegalAid.objects.filter(case_id=case.id).order_by("recorded_at", "id")
    offences = CompelledOffence.objects.filter(case_id=case.id).order_by("recorded_on", "id")
    cooperation = (
        CooperationRecord.objects.filter(case_id=case.id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
        .first()
    )
    change_list, measure_list, asset_list = list(changes), list(measures), list(assets)
    found = RemediesFile(
        case=case,
        erased=erased,
        proceedings=[
            ProceedingFile(
                p,
                [c for c in change_list if c.proceeding_id == p.pk],
                [m for m in measure_list if m.proceeding_id == p.pk],
            )
            for p in proceedings
        ],
        claims=[ClaimFile(c, [a for a in asset_list if a.claim_id == c.pk]) for c in claims],
        legal_aid=[
            LegalAidFile(a, _decrypted(case, erased, a.counsel_name_enc, COUNSEL_CONTEXT))
            for a in aid
        ],
        offences=[
            OffenceFile(
                o,
                _decrypted(case, erased, o.offence_enc, OFFENCE_CONTEXT),
                _decrypted(case, erased, o.link_enc, LINK_CONTEXT),
            )
            for o in offences
        ],
        cooperation=_entry(cooperation) if cooperation is not None else None,
        writable=gated.writable,
    )
    gated.audit_record(object_type=REMEDIES_FILE_OBJECT_TYPE)
    return found


@dataclass(frozen=True)
class CasePageRemedies:
    proceedings: list[Proceeding]  # open ones
    open_claims: list[CompensationClaim]
    compelled_offences: int


def case_page_remedies(
    *, case_view: case_selectors.CaseView, held: Callable[[type[Model]], bool]
) -> CasePageRemedies | None:
    """For a case page that ``case_read`` already decided and audited: None unless
    the legal group was shown there; then the open proceedings, the open claims and
    how many offences are flagged (no encrypted text), one query for each kind the
    case holds (``held``)."""
    if case_view.group(FieldGroup.LEGAL).data is None:
        return None
    case_id = case_view.case.id
    return CasePageRemedies(
        proceedings=list(Proceeding.objects.filter(case_id=case_id, ended_on__isnull=True))
        if held(Proceeding)
        else [],
        open_claims=list(
            CompensationClaim.objects.filter(case_id=case_id, status__in=OPEN_CLAIM_STATUSES)
        )
        if held(CompensationClaim)
        else [],
        compelled_offences=CompelledOffence.objects.filter(case_id=case_id).count()
        if held(CompelledOffence)
        else 0,
    )
