"""The children app's parts: the age (R-10), guardian and child-care blocks on the case page,
age assessments on the timeline,
best interests and family tracing on the timeline (children only), and its
sections of the report for the person (guardians, best interests, family
tracing, dependants)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.cases import parts
from haven.children import selectors
from haven.children.models import (
    AgeAssessment,
    AgeAssessmentResult,
    AgeRecordKind,
    BestInterestsMatter,
    BestInterestsRecord,
    BestInterestsStage,
    Dependant,
    FamilyTracing,
    TracingStatus,
)

fact = parts.fact

# --- case page ------------------------------------------------------------------------------


def _blocks(page: parts.CasePage) -> list[parts.Panel]:
    view = page.view
    child_care = selectors.child_summary_shown(
        case_view=view,
        counts_held=page.has_rows(FamilyTracing) or page.has_rows(Dependant),
        best_interests_held=page.has_rows(BestInterestsRecord),
    )
    about_a_child = child_care is not None and child_care.best_interests is not None
    return [
        #
        parts.Panel(
            parts.SLOT_BODY,
            25,
            "children/_age_status.html",
            {
                "age": selectors.age_summary_shown(
                    case_view=view, writable=page.writable, held=page.has_rows(AgeAssessment)
                )
            },
            _("Age"),
        ),
        #
        parts.Panel(
            parts.SLOT_BODY,
            30,
            "children/_guardian_status.html",
            {"guardian": selectors.guardian_summary_shown(case_view=view)},
            _("Guardian"),
        ),
        #
        parts.Panel(
            parts.SLOT_BODY,
            40,
            "children/_child_case_block.html",
            {"child_care": child_care},
            _("Child's best interests and dependants") if about_a_child else _("Dependants"),
        ),
    ]


PANELS: list[parts.PanelProvider] = [_blocks]
CASE_ROWS = (AgeAssessment, FamilyTracing, Dependant, BestInterestsRecord)


# --- timeline -------------------------------------------------------------------------------


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a stored choice; the stored key if the catalogue no longer has it."""
    return str(choices(value).label) if value in choices.values else value


def _best_interests(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    if not source.case.person.treat_as_child:  # children only: no query for adults
        return []
    records = (
        BestInterestsRecord.objects.filter(case_id=source.case.id)
        .only("stage", "matter", "decided_on")
        .order_by("decided_on", "recorded_at")
    )
    return [
        parts.TimelineEntry(
            on=record.decided_on,
            kind="best_interests",
            title=_label(BestInterestsStage, record.stage),
            detail=_label(BestInterestsMatter, record.matter),
        )
        for record in records
    ]


def _family_tracing(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    if not source.case.person.treat_as_child:  # children only: no query for adults
        return []
    tracings = (
        FamilyTracing.objects.filter(case_id=source.case.id)
        .only("status", "started_on", "updated_on")
        .order_by("started_on", "recorded_at")
    )
    entries = []
    for tracing in tracings:
        kind = "family_tracing"
        entries.append(
            parts.TimelineEntry(on=tracing.started_on, kind=kind, title=_("Family tracing started"))
        )
        if tracing.status != TracingStatus.UNDER_WAY:
            status = _label(TracingStatus, tracing.status)
            entries.append(
                parts.TimelineEntry(
                    on=tracing.updated_on, kind=kind, title=_("Family tracing"), detail=status
                )
            )
    return entries


def _age(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    """Age assessments, new information and appeals (R-10), any person."""
    rows = (
        AgeAssessment.objects.filter(case_id=source.case.id)
        .only("kind", "result", "assessed_on", "appealed_on", "appeal_outcome", "appeal_decided_on")
        .order_by("assessed_on", "recorded_at")
    )
    entries = []
    for row in rows:
        entries.append(
            parts.TimelineEntry(
                on=row.assessed_on,
                kind="age_assessment",
                title=_label(AgeRecordKind, row.kind),
                detail=_label(AgeAssessmentResult, row.result),
            )
        )
        if row.appealed_on is not None:
            entries.append(
                parts.TimelineEntry(
                    on=row.appeal_decided_on or row.appealed_on,
                    kind="age_assessment",
                    title=_("Appeal against the age assessment"),
                    detail=row.get_appeal_outcome_display(),
                )
            )
    return entries


TIMELINE = [
    parts.TimelineProvider(FieldGroup.LEGAL, ("age_assessment",), 55, _age, AgeAssessment),
    parts.TimelineProvider(
        FieldGroup.ASSESSMENT,
        ("best_interests",),
        60,
        _best_interests,
        BestInterestsRecord,
    ),
    parts.TimelineProvider(
        FieldGroup.ASSESSMENT,
        ("family_tracing",),
        70,
        _family_tracing,
        FamilyTracing,
    ),
]


# --- report for the person ------------------------------------------------------------------


def _age_entries(found: selectors.AgeAssessmentsView) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            f"{a.kind_label}: {a.result_label}",
            a.assessed_on,
            [
                fact(_("Before"), a.from_status_label),
                fact(_("Method"), a.method_label),
                fact(_("Estimated age, from"), a.estimated_age_min),
                fact(_("Estimated age, to"), a.estimated_age_max),
                fact(
                    _("Assessed by"), ", ".join(filter(None, [a.assessor_organisation, a.assessor]))
                ),
                fact(_("Your views"), a.person_views),
                fact(_("Reasons"), a.reasons),
                fact(_("Legal basis"), a.legal_basis),
                fact(_("How to appeal"), a.appeal_how),
                fact(_("Appeal by"), a.appeal_by),
                fact(_("Appealed on"), a.appealed_on),
                fact(_("Outcome of the appeal"), a.appeal_outcome_label),
            ],
        )
        for a in found.assessments
    ]


def _guardians(found: selectors.GuardiansView) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            a.kind_label,
            a.appointed_on,
            [
                fact(_("Guardian"), a.guardian_name),
                fact(_("Contact"), a.contact),
                fact(_("Organisation"), a.organisation_name),
            ],
        )
        for a in found.appointments
    ]


def _best_interests_entries(found: selectors.BestInterestsView) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            f"{r.stage_label}: {r.matter_label}",
            r.decided_on,
            [
                fact(_("How you were heard"), r.how_heard_label),
                fact(_("Your views"), r.child_views),
                fact(_("Considerations"), r.considerations),
                fact(_("Conclusion"), r.conclusion),
                fact(_("Guardian present"), r.guardian_present),
            ],
        )
        for r in found.records
    ]


def _tracings(found: selectors.TracingsView) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            _("Family tracing"),
            t.started_on,
            [
                fact(_("Status"), t.status_label),
                fact(_("Why it is in your best interests"), t.best_interests_reason),
                fact(_("Traced by"), t.traced_by),
                fact(_("Outcome"), t.outcome),
                fact(_("Last change"), t.updated_on),
            ],
        )
        for t in found.tracings
    ]


def _dependants(found: selectors.DependantsView) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            d.relationship_label,
            None,
            [
                fact(_("Name"), d.name),
                fact(_("Date of birth"), d.date_of_birth),
                fact(_("Lives with you"), d.with_the_person),
                fact(_("Needs"), d.needs),
                fact(_("Education"), d.education_label),
            ],
        )
        for d in found.dependants
    ]


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    return [
        parts.section(
            "age_assessments",
            _("Your age"),
            lambda: selectors.age_assessment_list(user=user, case_id=case_id),
            _age_entries,
        ),
        parts.section(
            "guardians",
            _("Guardians"),
            lambda: selectors.guardian_list(user=user, case_id=case_id),
            _guardians,
        ),
        parts.section(
            "best_interests",
            _("Best interests of the child"),
            lambda: selectors.best_interests_list(user=user, case_id=case_id),
            _best_interests_entries,
        ),
        parts.section(
            "family_tracing",
            _("Family tracing"),
            lambda: selectors.family_tracing_list(user=user, case_id=case_id),
            _tracings,
        ),
        parts.section(
            "dependants",
            _("Children and other dependants"),
            lambda: selectors.dependant_list(user=user, case_id=case_id),
            _dependants,
        ),
    ]


REPORT = [
    parts.ReportPart(
        key="children",
        covers=(
            "children.AgeAssessment",
            "children.GuardianAppointment",
            "children.BestInterestsRecord",
            "children.FamilyTracing",
            "children.Dependant",
        ),
        read=_report,
    ),
]
