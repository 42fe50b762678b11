"""The returns app's parts: the "Return" block on the case page (R-31, R-32), the
return plan's moves and the follow-up contacts on the timeline, and the report
for the person (their return plans, the warnings acknowledged, the reintegration
goals and the follow-up contacts). Everything is in the ``assessment`` group."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.cases import parts
from haven.returns import gate, selectors
from haven.returns.models import FollowUp, ReturnPlan, WarningKind

fact = parts.fact

# --- case page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnBlock:
    case_id: object
    summary: selectors.ReturnSummary | None  # None: no plan yet
    may_prepare: bool


def _block(page: parts.CasePage) -> list[parts.Panel]:
    if page.purpose != gate.PURPOSE or not page.shows(FieldGroup.ASSESSMENT):
        return []  # the return page decides for that purpose: never a link to a refusal
    summary = selectors.return_summary(case=page.case) if page.has_rows(ReturnPlan) else None
    if summary is None and not page.writable:
        return []
    block = ReturnBlock(page.case.id, summary, page.writable)
    return [
        parts.Panel(
            parts.SLOT_BODY, 84, "returns/_case_block.html", {"return_block": block}, _("Return")
        )
    ]


PANELS: list[parts.PanelProvider] = [_block]
CASE_ROWS = (ReturnPlan,)


# --- timeline -------------------------------------------------------------------------------


def _plan_entries(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    plans = ReturnPlan.objects.filter(case_id=source.case.id).only(
        "status", "country", "recorded_at", "approved_at", "returned_on"
    )
    entries = []
    for plan in plans:
        kind = "return_plan"
        entries.append(
            parts.TimelineEntry(
                on=timezone.localdate(plan.recorded_at),
                kind=kind,
                title=_("Return plan prepared"),
                detail=plan.country,
            )
        )
        if plan.approved_at is not None:
            entries.append(
                parts.TimelineEntry(
                    on=timezone.localdate(plan.approved_at),
                    kind=kind,
                    title=_("Return approved"),
                    detail=plan.country,
                )
            )
        if plan.returned_on is not None:
            entries.append(
                parts.TimelineEntry(
                    on=plan.returned_on, kind=kind, title=_("Returned"), detail=plan.country
                )
            )
    return entries


def _follow_up_entries(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    rows = FollowUp.objects.filter(case_id=source.case.id, contacted_on__isnull=False).only(
        "months", "contacted_on", "outcome"
    )
    return [
        parts.TimelineEntry(
            on=row.contacted_on,
            kind="return_follow_up",
            title=_("Follow-up after return"),
            detail=row.get_outcome_display(),
        )
        for row in rows
        if row.contacted_on is not None
    ]


TIMELINE = [
    parts.TimelineProvider(FieldGroup.ASSESSMENT, ("return_plan",), 85, _plan_entries, ReturnPlan),
    parts.TimelineProvider(
        FieldGroup.ASSESSMENT, ("return_follow_up",), 86, _follow_up_entries, FollowUp
    ),
]


# --- report for the person ------------------------------------------------------------------


def _plan_entries_report(found: selectors.ReturnsView) -> list[parts.ReportEntry]:
    entries = []
    for plan in found.plans:
        facts = [
            fact(_("Country of return"), plan.profile.name if plan.profile else plan.country),
            fact(_("Status"), plan.status_label),
            fact(_("Your wishes"), plan.wishes),
            fact(_("Do you want to return?"), plan.voluntariness_label),
            *[fact(what, rating) for what, rating in plan.risks],
            fact(_("What the risks rest on"), plan.risk_notes),
            fact(_("Risk assessment made on"), plan.risk_assessed_on),
            fact(_("Focal point"), plan.focal_point),
            fact(_("Partner organisation"), plan.partner_name),
            *[fact(_("Contacts handed over: %s") % what, done) for what, done in plan.contacts],
            fact(_("Planned date of return"), plan.planned_on),
            fact(_("Returned on"), plan.returned_on),
            fact(_("Why it was cancelled"), plan.cancel_reason),
        ]
        facts += [
            fact(_("Went ahead despite: %s") % WarningKind(w.key).label, w.acknowledgement.reason)
            for w in plan.warnings
            if w.acknowledgement is not None
        ]
        entries.append(parts.ReportEntry(_("Return plan"), plan.raw.recorded_at.date(), facts))
        entries += [
            parts.ReportEntry(
                _("Reintegration goal: %s") % goal.area_label,
                goal.updated_on,
                [
                    fact(_("Goal"), goal.goal),
                    fact(_("Outcome"), goal.outcome_label),
                    fact(_("What came of it"), goal.outcome_note),
                ],
            )
            for goal in plan.goals
        ]
        entries += [
            parts.ReportEntry(
                _("Follow-up after return"),
                f.contacted_on or f.due_on,
                [
                    fact(_("Due"), f.due_on),
                    fact(_("By"), f.organisation),
                    fact(_("Outcome"), f.outcome_label),
                    fact(_("Notes"), f.note),
                    fact(_("Risk indicators"), "; ".join(f.indicators)),
                ],
            )
            for f in plan.follow_ups
        ]
    return entries


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    title = _("Your return and reintegration")
    if not ReturnPlan.objects.filter(case_id=case_id).exists():
        # Nothing held: one query, and no read of the assessment group to audit.
        return [parts.ReportSection("returns", title, True, "")]
    return [
        parts.section(
            "returns",
            title,
            lambda: selectors.return_plan_list(user=user, case_id=case_id),
            _plan_entries_report,
        )
    ]


REPORT = [
    parts.ReportPart(
        key="returns",
        covers=(
            "returns.ReturnPlan",
            "returns.WarningAcknowledgement",
            "returns.ReintegrationGoal",
            "returns.FollowUp",
        ),
        read=_report,
    ),
]
