"""Children reads, each deciding its field group and auditing the read: guardians
(R-11, legal group), best interests and family tracing (R-25, R-27, R-11,
assessment group) and dependants (R-27, identity group).

Guardian appointment reads (R-11): the legal group, decided and audited.

The guardian's identity is part of the child's legal situation, so it is read
with the legal group (not the identity group). Missing and hidden cases give
the same 404 (``case_get``); a team member whose organisation does not see the
legal group gets ``field_group_not_allowed``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.cases import hooks
from haven.cases import selectors as case_selectors
from haven.cases.models import AgeStatus, Case
from haven.children import clocks as children_clocks
from haven.children import policy, services
from haven.children.models import (
    AgeAssessment,
    AgeRecordKind,
    AppealOutcome,
    BestInterestsMatter,
    BestInterestsRecord,
    BestInterestsStage,
    Dependant,
    EducationAccess,
    FamilyTracing,
    GuardianAppointment,
    TracingStatus,
)
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines.models import Task
from haven.lib import ids
from haven.vault import services as vault


@dataclass(frozen=True)
class AppointmentView:
    id: object
    kind: str
    kind_label: str
    guardian_name: str  # empty once the person's data is erased
    contact: str
    organisation_name: str
    appointed_on: date
    recorded_by: str


@dataclass(frozen=True)
class GuardianSummary:
    """For the case page: the current guardian, or how late the appointment is."""

    guardian_name: str
    since: date | None
    due_at: datetime | None  # the open task's deadline, if any
    overdue: bool


@dataclass(frozen=True)
class GuardiansView:
    case: Case
    treat_as_child: bool
    erased: bool
    appointments: list[AppointmentView]
    summary: GuardianSummary


def _appointments(case: Case) -> list[GuardianAppointment]:
    return list(
        GuardianAppointment.objects.filter(case_id=case.id)
        .select_related("guardian_organisation", "recorded_by")
        .order_by("-appointed_on", "-recorded_at")
    )


def _view(row: GuardianAppointment, case: Case, erased: bool) -> AppointmentView:
    key = case.person.data_key
    organisation = row.guardian_organisation
    return AppointmentView(
        id=row.pk,
        kind=row.kind,
        kind_label=row.get_kind_display(),
        guardian_name=""
        if erased
        else vault.decrypt(key=key, ciphertext=row.guardian_name_enc, context="guardian.name"),
        contact=""
        if erased
        else vault.decrypt_optional(
            key=key, ciphertext=row.contact_enc, context="guardian.contact"
        ),
        organisation_name=organisation.name if organisation is not None else "",
        appointed_on=row.appointed_on,
        recorded_by=row.recorded_by.get_username(),
    )


def _summary(case: Case, latest: AppointmentView | None) -> GuardianSummary:
    task = (
        deadline_selectors.case_tasks(case_id=case.id)
        .filter(kind=children_clocks.GUARDIAN_APPOINTMENT, status=Task.Status.OPEN)
        .first()
    )
    due_at = task.due_at if task is not None else None
    return GuardianSummary(
        guardian_name=latest.guardian_name if latest is not None else "",
        since=latest.appointed_on if latest is not None else None,
        due_at=due_at,
        overdue=due_at is not None and due_at < timezone.now(),
    )


@audit.audited_read()
def guardian_list(*, user: User, case_id: object) -> GuardiansView:
    """The case's guardians and representatives, latest first (legal group, R-11).
    The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
    )
    case, erased = gated.case, gated.erased
    appointments = [_view(row, case, erased) for row in _appointments(case)]
    gated.audit_record(object_type="children.GuardianAppointment")
    return GuardiansView(
        case=case,
        treat_as_child=case.person.treat_as_child,
        erased=erased,
        appointments=appointments,
        summary=_summary(case, appointments[0] if appointments else None),
    )


def guardian_summary_shown(*, case_view: case_selectors.CaseView) -> GuardianSummary | None:
    """The guardian line for a case page that ``case_read`` already decided and
    audited: None for adults, or unless the legal group was shown there."""
    if not case_view.treat_as_child or case_view.group(FieldGroup.LEGAL).data is None:
        return None
    case = case_view.case
    row = _appointments(case)[:1]
    latest = _view(row[0], case, case_view.erased) if row else None
    return _summary(case, latest)


def guardian_appointed_now(case_id: uuid.UUID | str) -> bool:
    """Whether a guardian or representative is appointed for the case today (R-11).
    No personal data: the consent pages and services ask it through
    ``haven.access.hooks`` before letting a guardian consent for the child."""
    return GuardianAppointment.objects.filter(
        case_id=case_id, appointed_on__lte=timezone.localdate()
    ).exists()


def _decrypted(
    case: Case, erased: bool, ciphertext: bytes | memoryview | None, context: str
) -> str:
    if erased:
        return ""
    return vault.decrypt_optional(key=case.person.data_key, ciphertext=ciphertext, context=context)


# --- best interests (R-25, R-27) --------------------------------------------------------------


@dataclass(frozen=True)
class BestInterestsRecordView:
    id: object
    stage: str
    stage_label: str
    matter: str
    matter_label: str
    how_heard: str
    how_heard_label: str
    child_views: str  # or why the child was not heard; empty once erased
    considerations: str
    conclusion: str
    guardian_present: bool
    decided_on: date
    recorded_by: str
    favours_return: bool | None  # a determination on return: yes or no


@dataclass(frozen=True)
class BestInterestsView:
    case: Case
    treat_as_child: bool
    erased: bool
    records: list[BestInterestsRecordView]  # latest first


def _record_view(row: BestInterestsRecord, case: Case, erased: bool) -> BestInterestsRecordView:
    bi = services.best_interests
    return BestInterestsRecordView(
        id=row.pk,
        stage=row.stage,
        stage_label=row.get_stage_display(),
        matter=row.matter,
        matter_label=row.get_matter_display(),
        how_heard=row.how_heard,
        how_heard_label=row.get_how_heard_display(),
        child_views=_decrypted(case, erased, row.child_views_enc, bi.VIEWS_CONTEXT),
        considerations=_decrypted(case, erased, row.considerations_enc, bi.CONSIDERATIONS_CONTEXT),
        conclusion=_decrypted(case, erased, row.conclusion_enc, bi.CONCLUSION_CONTEXT),
        guardian_present=row.guardian_present,
        decided_on=row.decided_on,
        recorded_by=row.recorded_by.get_username(),
        favours_return=row.favours_return,
    )


@audit.audited_read()
def best_interests_list(*, user: User, case_id: object) -> BestInterestsView:
    """The child's best-interests assessments and determinations, latest first
    (assessment group, R-25). The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.ASSESSMENT, purpose=Purpose.ASSISTANCE
    )
    case, erased = gated.case, gated.erased
    rows = BestInterestsRecord.objects.filter(case_id=case.id).select_related("recorded_by")
    records = [_record_view(row, case, erased) for row in rows]
    gated.audit_record(object_type="children.BestInterestsRecord")
    return BestInterestsView(case, case.person.treat_as_child, erased, records)


def return_determination(*, case_id: uuid.UUID) -> bool | None:
    """R-30: whether the latest best-interests determination on return concludes in
    favour of return (None: no such determination). A plain read for callers that
    already passed the case gate in the assessment group (a return plan)."""
    latest = (
        BestInterestsRecord.objects.filter(
            case_id=case_id,
            matter=BestInterestsMatter.RETURN,
            stage=BestInterestsStage.DETERMINATION,
        )
        .order_by("-decided_on", "-recorded_at")
        .values_list("favours_return", flat=True)
        .first()
    )
    return latest


# --- family tracing (R-11) ---------------------------------------------------------------------


@dataclass(frozen=True)
class TracingView:
    id: object
    status: str
    status_label: str
    best_interests_reason: str  # empty once erased
    outcome: str
    traced_by: str
    started_on: date
    updated_on: date
    recorded_by: str
    version: int  # optimistic locking: the update form and API send it back

    @property
    def under_way(self) -> bool:
        return self.status == TracingStatus.UNDER_WAY


@dataclass(frozen=True)
class TracingsView:
    case: Case
    treat_as_child: bool
    erased: bool
    tracings: list[TracingView]  # latest first

    @property
    def under_way(self) -> TracingView | None:
        return next((t for t in self.tracings if t.under_way), None)


def _tracing_view(row: FamilyTracing, case: Case, erased: bool) -> TracingView:
    ft = services.family_tracing
    return TracingView(
        id=row.pk,
        status=row.status,
        status_label=row.get_status_display(),
        best_interests_reason=_decrypted(
            case, erased, row.best_interests_reason_enc, ft.REASON_CONTEXT
        ),
        outcome=_decrypted(case, erased, row.outcome_enc, ft.OUTCOME_CONTEXT),
        traced_by=row.traced_by.name if row.traced_by is not None else "",
        started_on=row.started_on,
        updated_on=row.updated_on,
        recorded_by=row.recorded_by.get_username(),
        version=row.version,
    )


@audit.audited_read()
def family_tracing_list(*, user: User, case_id: object) -> TracingsView:
    """The child's family tracings, latest first (assessment group, R-11). Audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.ASSESSMENT, purpose=Purpose.ASSISTANCE
    )
    case, erased = gated.case, gated.erased
    rows = FamilyTracing.objects.filter(case_id=case.id).select_related("traced_by", "recorded_by")
    tracings = [_tracing_view(row, case, erased) for row in rows]
    gated.audit_record(object_type="children.FamilyTracing")
    return TracingsView(case, case.person.treat_as_child, erased, tracings)


# --- dependants (R-27) -------------------------------------------------------------------------

# Still without a school place: nothing arranged yet (R-27: education within a reasonable time).
WITHOUT_SCHOOL = (EducationAccess.NOT_ARRANGED,)


@dataclass(frozen=True)
class DependantView:
    id: object
    relationship: str
    relationship_label: str
    name: str  # empty once erased
    date_of_birth: str  # ISO date, or empty when not known or erased
    with_the_person: bool
    needs: str
    education: str
    education_label: str
    recorded_by: str
    version: int  # optimistic locking: the schooling form and API send it back

    @property
    def without_school(self) -> bool:
        return self.education in WITHOUT_SCHOOL


@dataclass(frozen=True)
class DependantsView:
    case: Case
    erased: bool
    dependants: list[DependantView]

    @property
    def without_school(self) -> int:
        return sum(1 for d in self.dependants if d.without_school)


def _dependant_view(row: Dependant, case: Case, erased: bool) -> DependantView:
    dp = services.dependants
    return DependantView(
        id=row.pk,
        relationship=row.relationship,
        relationship_label=row.get_relationship_display(),
        name=_decrypted(case, erased, row.name_enc, dp.DEPENDANT_NAME_CONTEXT),
        date_of_birth=_decrypted(case, erased, row.date_of_birth_enc, dp.BORN_CONTEXT),
        with_the_person=row.with_the_person,
        needs=_decrypted(case, erased, row.needs_enc, dp.NEEDS_CONTEXT),
        education=row.education,
        education_label=row.get_education_display(),
        recorded_by=row.recorded_by.get_username(),
        version=row.version,
    )


@audit.audited_read()
def dependant_list(*, user: User, case_id: object) -> DependantsView:
    """The person's children and other dependants (identity group, R-27). Audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.IDENTITY, purpose=Purpose.ASSISTANCE
    )
    case, erased = gated.case, gated.erased
    rows = Dependant.objects.filter(case_id=case.id).select_related("recorded_by")
    dependants = [_dependant_view(row, case, erased) for row in rows]
    gated.audit_record(object_type="children.Dependant")
    return DependantsView(case, erased, dependants)


# --- the case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatterLine:
    """The latest best-interests record of one matter."""

    matter: str
    matter_label: str
    stage: str
    stage_label: str
    decided_on: date


@dataclass(frozen=True)
class ChildCareSummary:
    """The case-page block: best interests and tracing for a child (assessment
    group), dependants for any case (identity group). Nothing is decrypted."""

    best_interests: list[MatterLine] | None  # None unless a child whose assessment group shows
    tracing_status: str  # empty when none, or not shown
    tracing_status_label: str
    dependants: int | None  # None unless the identity group shows
    without_school: int


def _counts(case: Case) -> dict[str, object]:
    """One query: the latest tracing's status and the dependants' counts."""
    dependants = Dependant.objects.filter(case_id=OuterRef("pk")).values("case_id")
    tracing = FamilyTracing.objects.filter(case_id=OuterRef("pk")).order_by(
        "-started_on", "-recorded_at"
    )
    zero = Value(0, output_field=IntegerField())
    row = (
        Case.objects.filter(pk=case.pk)
        .annotate(
            tracing_status=Subquery(tracing.values("status")[:1]),
            dependants=Coalesce(Subquery(dependants.annotate(n=Count("pk")).values("n")), zero),
            without_school=Coalesce(
                Subquery(
                    dependants.annotate(
                        n=Count("pk", filter=Q(education__in=WITHOUT_SCHOOL))
                    ).values("n")
                ),
                zero,
            ),
        )
        .values("tracing_status", "dependants", "without_school")
        .first()
    )
    return dict(row) if row is not None else {}


def _latest_per_matter(case: Case) -> list[MatterLine]:
    """One query, no decryption: the latest record of each matter."""
    rows = BestInterestsRecord.objects.filter(case_id=case.id).values_list(
        "matter", "stage", "decided_on"
    )
    latest: dict[str, MatterLine] = {}
    for matter, stage, decided_on in rows:  # ordered latest first
        if matter not in latest:
            latest[matter] = MatterLine(
                matter=matter,
                matter_label=str(BestInterestsMatter(matter).label),
                stage=stage,
                stage_label=str(BestInterestsStage(stage).label),
                decided_on=decided_on,
            )
    return list(latest.values())


def child_summary_shown(
    *,
    case_view: case_selectors.CaseView,
    counts_held: bool = True,
    best_interests_held: bool = True,
) -> ChildCareSummary | None:
    """The block for a case page that ``case_read`` already decided and audited (at
    most two queries): None once erased, or when neither the assessment group (for
    a child) nor the identity group was shown there. A page that knows the case
    holds no family tracing or dependant (``counts_held`` False), or no best
    interests record (``best_interests_held`` False), reads none."""
    child = case_view.treat_as_child and case_view.group(FieldGroup.ASSESSMENT).data is not None
    identity = case_view.group(FieldGroup.IDENTITY).data is not None
    if case_view.erased or not (child or identity):
        return None
    counts = _counts(case_view.case) if counts_held else {}
    status = str(counts.get("tracing_status") or "") if child else ""
    matters = _latest_per_matter(case_view.case) if child and best_interests_held else []
    return ChildCareSummary(
        best_interests=matters if child else None,
        tracing_status=status,
        tracing_status_label=str(TracingStatus(status).label) if status else "",
        dependants=int(str(counts.get("dependants", 0))) if identity else None,
        without_school=int(str(counts.get("without_school", 0))) if identity else 0,
    )


# --- age assessment (R-10) ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgeAssessmentView:
    id: object
    kind: str
    kind_label: str
    method_label: str  # empty for new information
    result: str
    result_label: str
    from_status_label: str
    assessed_on: date
    estimated_age_min: int | None
    estimated_age_max: int | None
    assessor: str
    assessor_organisation: str
    person_views: str  # empty for new information, or once erased
    reasons: str  # empty once erased
    legal_basis: str
    appeal_how: str
    appeal_by: date | None
    appealed_on: date | None
    appeal_outcome: str
    appeal_outcome_label: str
    appeal_decided_on: date | None
    organisation: str
    recorded_by: str
    version: int  # optimistic locking: the appeal form and API send it back

    @property
    def appealable(self) -> bool:
        """An assessment whose appeal is not decided: an appeal or its outcome can be recorded."""
        return self.kind == AgeRecordKind.ASSESSMENT and self.appeal_outcome in (
            "",
            AppealOutcome.PENDING,
        )


@dataclass(frozen=True)
class AgeAssessmentsView:
    case: Case
    age_status: str
    age_status_label: str
    treat_as_child: bool
    erased: bool
    assessments: list[AgeAssessmentView]  # latest first
    actions: policy.AgeActions


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _age_view(row: AgeAssessment, case: Case, erased: bool) -> AgeAssessmentView:
    age = services.age
    return AgeAssessmentView(
        id=row.pk,
        kind=row.kind,
        kind_label=row.get_kind_display(),
        method_label=row.get_method_display() if row.method else "",
        result=row.result,
        result_label=row.get_result_display(),
        from_status_label=_label(AgeStatus, row.from_status),
        assessed_on=row.assessed_on,
        estimated_age_min=row.estimated_age_min,
        estimated_age_max=row.estimated_age_max,
        assessor=row.assessor,
        assessor_organisation=row.assessor_organisation.name if row.assessor_organisation else "",
        person_views=_decrypted(case, erased, row.person_views_enc, age.VIEWS_CONTEXT),
        reasons=_decrypted(case, erased, row.reasons_enc, age.REASONS_CONTEXT),
        legal_basis=row.legal_basis,
        appeal_how=row.appeal_how,
        appeal_by=row.appeal_by,
        appealed_on=row.appealed_on,
        appeal_outcome=row.appeal_outcome,
        appeal_outcome_label=row.get_appeal_outcome_display() if row.appeal_outcome else "",
        appeal_decided_on=row.appeal_decided_on,
        version=row.version,
        organisation=row.organisation.name,
        recorded_by=row.recorded_by.get_username(),
    )


@audit.audited_read()
def age_assessment_list(*, user: User, case_id: object) -> AgeAssessmentsView:
    """The person's age status and its history of age assessments and new
    information, latest first (legal group, R-10), and what the user may record
    there (``policy.age_actions``, the rule the services refuse by). Audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
    )
    case, erased = gated.case, gated.erased
    rows = AgeAssessment.objects.filter(case_id=case.id).select_related(
        "assessor_organisation", "organisation", "recorded_by"
    )
    assessments = [_age_view(row, case, erased) for row in rows]
    gated.audit_record(object_type="children.AgeAssessment")
    person = case.person
    return AgeAssessmentsView(
        case=case,
        age_status=person.age_status,
        age_status_label=_label(AgeStatus, person.age_status),
        treat_as_child=person.treat_as_child,
        erased=erased,
        assessments=assessments,
        actions=policy.age_actions(writable=gated.writable, treat_as_child=person.treat_as_child),
    )


@dataclass(frozen=True)
class AgeLine:
    kind_label: str
    result_label: str
    assessed_on: date
    appeal_outcome_label: str


@dataclass(frozen=True)
class AgeSummary:
    """The case-page block (R-10): the age status, the history without any
    decryption, and the actions the user may take."""

    age_status_label: str
    treat_as_child: bool
    history: list[AgeLine]
    actions: policy.AgeActions


def age_summary_shown(
    *, case_view: case_selectors.CaseView, writable: bool, held: bool = True
) -> AgeSummary | None:
    """The age block for a case page that ``case_read`` already decided and audited
    (one query, none when the page knows the case holds no age assessment: ``held``
    False): None unless the legal group was shown there. ``writable``: the page
    is not erased and not under break-glass (``CasePage.writable``), so a write of
    the legal group would pass the case gate."""
    if case_view.group(FieldGroup.LEGAL).data is None:
        return None
    person = case_view.case.person
    found = AgeAssessment.objects.filter(case_id=case_view.case.id)
    rows = found.only("kind", "result", "assessed_on", "appeal_outcome") if held else []
    history = [
        AgeLine(
            kind_label=row.get_kind_display(),
            result_label=row.get_result_display(),
            assessed_on=row.assessed_on,
            appeal_outcome_label=row.get_appeal_outcome_display() if row.appeal_outcome else "",
        )
        for row in rows
    ]
    return AgeSummary(
        age_status_label=_label(AgeStatus, person.age_status),
        treat_as_child=person.treat_as_child,
        history=history,
        actions=policy.age_actions(writable=writable, treat_as_child=person.treat_as_child),
    )


def recorded_age_assessment(
    case_id: object, assessment_id: object
) -> hooks.RecordedAgeAssessment | None:
    """For ``cases``: the age assessment with this id, if it is the latest age record
    of this case (an older one cannot be replayed), or None."""
    pk, case_pk = ids.parse_uuid(assessment_id), ids.parse_uuid(case_id)
    latest = (
        AgeAssessment.objects.filter(case_id=case_pk)
        .order_by("-recorded_at")
        .values_list("pk", "kind", "result", "from_status")
        .first()
        if pk and case_pk
        else None
    )
    if latest is None or latest[:2] != (pk, AgeRecordKind.ASSESSMENT):
        return None
    return hooks.RecordedAgeAssessment(result=latest[2], from_status=latest[3])
