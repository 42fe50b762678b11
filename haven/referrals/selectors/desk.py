"""Reads of the national coordination desk, for its staff only (403 for others).

Lists show no text (channel, topic, dates, state); the detail of a consultation
or a concern report decrypts its texts and audits the read. A consultation
belongs to the coordinator organisation that logged it; concern reports are
read by the national coordinators of the report's country, or by every one when it
names none (both: ``access.policy.rule_desk_coordinator``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case as When_
from django.db.models import IntegerField, TextChoices, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib.errors import NotFound
from haven.referrals.models import (
    Channel,
    ConcernCloseReason,
    ConcernReport,
    ConcernReportState,
    Consultation,
    ConsultationTopic,
    ReporterSector,
)
from haven.referrals.services import desk as services
from haven.vault import services as vault


def may_work_desk(user: User) -> bool:
    """Staff of a national coordinator work the coordination desk: the rule every desk
    page refuses with (``services.coordinator_require``), asked by the menu too."""
    return access_policy.rule_desk_coordinator(user=user).allowed


def _label(choices: type[TextChoices], value: str) -> str:
    """The translated label of a stored slug; an unknown or empty one passes through."""
    return str(choices(value).label) if value in choices.values else value


@dataclass(frozen=True)
class ConsultationRow:
    id: str
    occurred_at: datetime
    channel: str
    topic: str
    caller_org_type: str
    caller_organisation_name: str
    case_id: str | None
    case_reference: str  # empty for an anonymous consultation
    routed_to: list[str]  # organisation names
    recorded_by: str

    @property
    def channel_label(self) -> str:
        return _label(Channel, self.channel)

    @property
    def topic_label(self) -> str:
        return _label(ConsultationTopic, self.topic)


@dataclass(frozen=True)
class ConsultationView:
    row: ConsultationRow
    question: str  # empty when the case is hidden now or its person erased
    advice: str
    report_reference: str  # the concern report it triaged, if any


@dataclass(frozen=True)
class ReportRow:
    id: str
    reference: str
    received_at: datetime
    age: timedelta
    state: str
    reporter_sector: str
    region: str

    @property
    def state_label(self) -> str:
        return _label(ConcernReportState, self.state)

    @property
    def sector_label(self) -> str:
        return _label(ReporterSector, self.reporter_sector)


@dataclass(frozen=True)
class ReportView:
    row: ReportRow
    description: str
    contact: str
    close_reason: str
    consultation_id: str | None
    case_id: str | None
    triaged_at: datetime | None
    # Every case opened from the report: one per person, linked as one incident.
    case_ids: list[str] = field(default_factory=list)

    @property
    def close_reason_label(self) -> str:
        return _label(ConcernCloseReason, self.close_reason)


def _consultations(user: User) -> list[Consultation]:
    coordinator = services.coordinator_require(user)
    return list(
        Consultation.objects.filter(coordinator_organisation=coordinator)
        .select_related("case", "recorded_by", "data_key", "case__person__data_key")
        .prefetch_related("routed_to")
    )


def _row(consultation: Consultation) -> ConsultationRow:
    case = consultation.case
    return ConsultationRow(
        id=str(consultation.pk),
        occurred_at=consultation.occurred_at,
        channel=consultation.channel,
        topic=consultation.topic,
        caller_org_type=consultation.caller_org_type,
        caller_organisation_name=consultation.caller_organisation_name,
        case_id=str(case.pk) if case else None,
        case_reference=case.reference if case else "",
        routed_to=sorted(o.name for o in consultation.routed_to.all()),
        recorded_by=consultation.recorded_by.get_username(),
    )


def consultation_list(*, user: User) -> list[ConsultationRow]:
    """The coordinator organisation's consultations, newest first (no texts)."""
    return [_row(c) for c in _consultations(user)]


def _case_visible(user: User, consultation: Consultation) -> bool:
    if consultation.case_id is None:
        return True
    try:
        case_selectors.case_get(user=user, case_id=consultation.case_id)
    except case_errors.CaseNotFound:
        return False
    return True


@transaction.atomic
def consultation_get(*, user: User, consultation_id: object) -> ConsultationView:
    """One consultation with its texts (audited). The texts of one linked to a
    case stay hidden once the coordinator no longer sees the case."""
    services.coordinator_require(user)
    consultation = (
        Consultation.objects.filter(pk=services.parse_id(consultation_id))
        .select_related("case__person__data_key", "recorded_by", "data_key")
        .prefetch_related("routed_to")
        .first()
    )
    missing = NotFound(_("No consultation with this reference is available to you."))
    if consultation is None:
        raise missing
    decision = access_policy.rule_desk_coordinator(
        user=user, logged_by_id=consultation.coordinator_organisation_id
    )
    if not decision.allowed:
        raise missing
    key = services.consultation_key(consultation) if _case_visible(user, consultation) else None
    question = advice = ""
    if key is not None:
        question = vault.decrypt(
            key=key, ciphertext=consultation.question_enc, context=services.QUESTION_CONTEXT
        )
        advice = vault.decrypt(
            key=key, ciphertext=consultation.advice_enc, context=services.ADVICE_CONTEXT
        )
    report = ConcernReport.objects.filter(consultation=consultation).only("reference").first()
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type=services.CONSULTATION_SUBJECT,
        object_id=consultation.pk,
        person_id=consultation.case.person_id if consultation.case else "",
        field_groups=[FieldGroup.NARRATIVE],
        purpose=Purpose.ASSISTANCE,
        detail={"rule": decision.code},
    )
    return ConsultationView(
        row=_row(consultation),
        question=question,
        advice=advice,
        report_reference=report.reference if report else "",
    )


def _sealed(report: ConcernReport, ciphertext: bytes | memoryview | None, context: str) -> str:
    """A report's text; empty once its key was destroyed (a person of a case opened
    from it was erased, or its retention period ended)."""
    if report.data_key.destroyed_at is not None:
        return ""
    return vault.decrypt_optional(key=report.data_key, ciphertext=ciphertext, context=context)


def _report_row(report: ConcernReport, now: datetime) -> ReportRow:
    return ReportRow(
        id=str(report.pk),
        reference=report.reference,
        received_at=report.received_at,
        age=now - report.received_at,
        state=report.state,
        reporter_sector=report.reporter_sector,
        region=_sealed(report, report.region_enc, services.REGION_CONTEXT),
    )


def report_list(*, user: User, state: str = "") -> list[ReportRow]:
    """The triage queue: new reports first (oldest new first, the longest waiting),
    then the rest newest first. No texts."""
    coordinator = services.coordinator_require(user)
    reports = (
        services.reports_of_country(coordinator)
        .select_related("data_key")
        .annotate(
            waiting=When_(
                When(state=ConcernReportState.NEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-received_at")
    )
    if state:
        reports = reports.filter(state=state)
    now = timezone.now()
    return [_report_row(r, now) for r in reports]


@transaction.atomic
def report_get(*, user: User, report_id: object) -> ReportView:
    """One concern report with its description and contact (audited)."""
    coordinator = services.coordinator_require(user)
    report = (
        services.reports_of_country(coordinator)
        .filter(pk=services.parse_id(report_id))
        .select_related("data_key", "consultation", "consultation__case")
        .first()
    )
    if report is None:
        raise NotFound(_("No report with this reference is available to you."))
    consultation = report.consultation
    case = consultation.case if consultation else None
    cases = [case] if case else []
    if case is not None and case.incident_id is not None:
        cases = list(Case.objects.filter(incident_id=case.incident_id).order_by("opened_at", "id"))
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type=services.REPORT_SUBJECT,
        object_id=report.pk,
        field_groups=[FieldGroup.NARRATIVE],
        purpose=Purpose.ASSISTANCE,
        detail={"rule": access_policy.rule_desk_coordinator(user=user).code},
    )
    return ReportView(
        row=_report_row(report, timezone.now()),
        description=_sealed(report, report.description_enc, services.DESCRIPTION_CONTEXT),
        contact=_sealed(report, report.contact_enc, services.CONTACT_CONTEXT),
        close_reason=report.close_reason,
        consultation_id=str(consultation.pk) if consultation else None,
        case_id=str(consultation.case_id) if consultation and consultation.case_id else None,
        triaged_at=report.triaged_at,
        case_ids=[str(c.pk) for c in cases],
    )


@dataclass(frozen=True)
class CaseDeskRecords:
    consultations: list[ConsultationView]
    reports: list[ReportView]


@audit.audited_read()
def desk_records_of_case(*, user: User, case_id: object) -> CaseDeskRecords:
    """The desk's consultations and concern reports linked to a case, with their
    texts, for the report for the person (GDPR Art. 15): the case's 404 for anyone
    outside its team, and the narrative group decided by ``access.policy``. Audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.NARRATIVE, purpose=Purpose.ASSISTANCE
    )
    case = gated.case
    consultations = list(
        Consultation.objects.filter(case=case)
        .select_related("case__person__data_key", "recorded_by", "data_key")
        .prefetch_related("routed_to")
        .order_by("occurred_at", "pk")
    )
    reports = ConcernReport.objects.filter(consultation__case=case).select_related(
        "data_key", "consultation"
    )
    now = timezone.now()
    found = CaseDeskRecords(
        consultations=[_texts(c) for c in consultations],
        reports=[
            ReportView(
                row=_report_row(r, now),
                description=_sealed(r, r.description_enc, services.DESCRIPTION_CONTEXT),
                contact=_sealed(r, r.contact_enc, services.CONTACT_CONTEXT),
                close_reason=r.close_reason,
                consultation_id=str(r.consultation_id) if r.consultation_id else None,
                case_id=str(case.pk),
                triaged_at=r.triaged_at,
            )
            for r in reports.order_by("received_at", "pk")
        ],
    )
    if found.consultations or found.reports:
        gated.audit_record(
            object_type=services.CONSULTATION_SUBJECT, detail={"view": "case_desk_records"}
        )
    return found


def _texts(consultation: Consultation) -> ConsultationView:
    key = services.consultation_key(consultation)
    question = advice = ""
    if key is not None:
        question = vault.decrypt(
            key=key, ciphertext=consultation.question_enc, context=services.QUESTION_CONTEXT
        )
        advice = vault.decrypt(
            key=key, ciphertext=consultation.advice_enc, context=services.ADVICE_CONTEXT
        )
    return ConsultationView(
        row=_row(consultation), question=question, advice=advice, report_reference=""
    )
