"""Reads of the two versioned assessments (R-21, R-19): the assessment field
group, decided by the access policy and audited. A missing assessment and one of
a hidden case give the same 404; a case whose assessment group is hidden from
the user gives ``field_group_not_allowed`` with the reason.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance import catalogue
from haven.assistance import clocks as assistance_clocks
from haven.assistance.models import Assessment, AssessmentKind, AssessmentTrigger
from haven.assistance.selectors import case_page as case_page_selectors
from haven.assistance.services import assessments as assessment_services
from haven.audit import services as audit
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.deadlines.models import Task
from haven.lib import ids
from haven.vault import services as vault


@dataclass(frozen=True)
class SectionView:
    key: str
    label: str
    level: str
    level_label: str
    note: str
    calls_for_service: bool
    services: tuple[str, ...]  # ServiceType values from the catalogue Section


@dataclass(frozen=True)
class AssessmentView:
    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    kind_label: str
    version: int
    trigger: str
    trigger_label: str
    assessed_on: date
    sections: list[SectionView]  # empty once the person's data is erased
    person_view: str  # empty once the person's data is erased
    recorded_by: str  # username
    organisation: str


def _content(assessment: Assessment, case: Case) -> dict[str, Any]:
    if case.person.erased_at is not None:
        return {"sections": {}, "person_view": ""}
    loaded: dict[str, Any] = json.loads(
        vault.decrypt(
            key=case.person.data_key,
            ciphertext=bytes(assessment.content_enc),
            context=assessment_services.CONTENT_CONTEXT,
        )
    )
    return loaded


def _section_views(kind: str, answers: dict[str, dict[str, str]]) -> list[SectionView]:
    levels = assessment_services.level_choices(kind)
    catalogue_sections = {s.key: s for s in catalogue.sections_for(kind, child=True)}
    views = []
    for key, answer in answers.items():
        section = catalogue_sections.get(key)
        level = answer.get("level", "")
        views.append(
            SectionView(
                key=key,
                label=str(section.label) if section else key,
                level=level,
                level_label=str(levels(level).label) if level in levels.values else level,
                note=answer.get("note", ""),
                calls_for_service=assessment_services.calls_for_service(kind, level),
                services=tuple(str(s) for s in section.services) if section else (),
            )
        )
    order = list(catalogue_sections)
    return sorted(views, key=lambda v: order.index(v.key) if v.key in order else len(order))


def _view(assessment: Assessment, case: Case) -> AssessmentView:
    content = _content(assessment, case)
    return AssessmentView(
        id=assessment.id,
        case_id=assessment.case_id,
        kind=assessment.kind,
        kind_label=str(AssessmentKind(assessment.kind).label),
        version=assessment.version,
        trigger=assessment.trigger,
        trigger_label=str(AssessmentTrigger(assessment.trigger).label),
        assessed_on=assessment.assessed_on,
        sections=_section_views(assessment.kind, content.get("sections", {})),
        person_view=str(content.get("person_view", "")),
        recorded_by=assessment.recorded_by.get_username(),
        organisation=assessment.recorded_by_organisation.name,
    )


def _assessment_case(*, user: User, case_id: object, purpose: str) -> case_selectors.GatedCase:
    return case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.ASSESSMENT, purpose=Purpose(purpose)
    )


@transaction.atomic
def assessment_get(
    *, user: User, assessment_id: object, purpose: str = Purpose.ASSISTANCE
) -> AssessmentView:
    """One version of an assessment, decrypted. The read is audited."""
    parsed = ids.parse_uuid(assessment_id)
    row = (
        Assessment.objects.select_related("recorded_by", "recorded_by_organisation")
        .filter(pk=parsed)
        .first()
        if parsed
        else None
    )
    not_found = assessment_services.AssessmentNotFound(
        _("No assessment with this reference is available to you.")
    )
    if row is None:
        raise not_found
    try:
        gated = _assessment_case(user=user, case_id=row.case_id, purpose=purpose)
    except case_errors.CaseNotFound:
        raise not_found from None
    gated.audit_record(object_type="assistance.Assessment", object_id=row.id)
    return _view(row, gated.case)


@dataclass(frozen=True)
class DueView:
    kind: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class KindHistory:
    kind: str
    kind_label: str
    versions: list[AssessmentView]  # latest first
    due: DueView | None  # an open re-assessment deadline for this kind

    @property
    def latest(self) -> AssessmentView | None:
        return self.versions[0] if self.versions else None


@dataclass(frozen=True)
class CaseAssessments:
    case: Case
    kinds: list[KindHistory]  # needs, then risk
    erased: bool


def _due(tasks: list[Task], kind: str) -> DueView | None:
    today = timezone.localdate()
    for task in tasks:
        if task.detail.get("assessment") == kind:
            due_on = timezone.localtime(task.due_at).date()
            return DueView(kind=kind, due_on=due_on, overdue=due_on < today)
    return None


def _open_reassessments(case_id: uuid.UUID) -> list[Task]:
    return list(
        Task.objects.filter(
            case_id=case_id, kind=assistance_clocks.REASSESSMENT_DUE, status=Task.Status.OPEN
        ).order_by("due_at")
    )


@audit.audited_read()
def assessments_for_case(
    *, user: User, case_id: object, purpose: str = Purpose.ASSISTANCE
) -> CaseAssessments:
    """Both assessments of the case with every version (latest first), and the
    open re-assessment deadlines. The read is audited."""
    gated = _assessment_case(user=user, case_id=case_id, purpose=purpose)
    case = gated.case
    rows = list(
        Assessment.objects.filter(case=case)
        .select_related("recorded_by", "recorded_by_organisation")
        .order_by("kind", "-version")
    )
    tasks = _open_reassessments(case.id)
    gated.audit_record(object_type="assistance.Assessment")
    kinds = [
        KindHistory(
            kind=kind,
            kind_label=str(AssessmentKind(kind).label),
            versions=[_view(r, case) for r in rows if r.kind == kind],
            due=_due(tasks, kind),
        )
        for kind in (AssessmentKind.NEEDS, AssessmentKind.RISK)
    ]
    return CaseAssessments(case=case, kinds=kinds, erased=gated.erased)


@dataclass(frozen=True)
class KindSummary:
    kind: str
    kind_label: str
    latest_version: int | None
    latest_on: date | None
    due: DueView | None


@dataclass(frozen=True)
class CasePageAssessments:
    case_id: uuid.UUID
    kinds: list[KindSummary]  # needs, then risk
    may_record: bool


def case_page_assessments(
    *, case_view: case_selectors.CaseView, held: bool = True
) -> CasePageAssessments | None:
    """For a case page that ``case_read`` already decided and audited: None unless
    the assessment group was allowed there; then the latest version of each kind
    and any re-assessment due. Nothing is decrypted, nothing audited twice; two
    queries (one when the page knows the case holds no assessment: ``held`` False)."""
    group = case_view.group(FieldGroup.ASSESSMENT)
    if not group.allowed:
        return None
    case = case_view.case
    latest: dict[str, tuple[int, date]] = {}
    versions = (
        Assessment.objects.filter(case_id=case.id)
        .order_by("kind", "-version")
        .values_list("kind", "version", "assessed_on")
    )
    for kind, version, assessed_on in versions if held else []:
        latest.setdefault(kind, (version, assessed_on))
    tasks = _open_reassessments(case.id)
    kinds = []
    for kind in (AssessmentKind.NEEDS, AssessmentKind.RISK):
        found = latest.get(kind)
        kinds.append(
            KindSummary(
                kind=kind,
                kind_label=str(AssessmentKind(kind).label),
                latest_version=found[0] if found else None,
                latest_on=found[1] if found else None,
                due=_due(tasks, kind),
            )
        )
    return CasePageAssessments(
        case_id=case.id,
        kinds=kinds,
        # Like the case page's other writes: never while erased or under break-glass.
        may_record=not case_view.erased
        and case_view.case.takes_records
        and not case_page_selectors.case_view_under_break_glass(case_view=case_view),
    )
