"""The assistance app's parts: break-glass banner, permits, reflection period,
assessments and plans on the case page; reflection period, assessments, plans,
services and closures on the timeline; the services delivered and the detention
warning in the case API; and its sections of the report for the person.

Deadline (task) entries are the deadlines app's part (``haven.deadlines.case_parts``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from haven.access.models import FieldGroup
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import (
    Assessment,
    AssessmentKind,
    AssessmentTrigger,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    DetentionRecord,
    InterpretationNeed,
    InterpreterBooking,
    ReflectionPeriod,
    RightsInformation,
    RightsItem,
    ServiceStatus,
)
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.selectors import case_page as case_page_selectors
from haven.assistance.selectors import permits as permit_selectors
from haven.assistance.selectors import plans as plan_selectors
from haven.assistance.selectors import reflection as reflection_selectors
from haven.assistance.selectors import rights as rights_selectors
from haven.cases import parts
from haven.lib import cldr

fact = parts.fact

# --- case page ------------------------------------------------------------------------------


def _banner(page: parts.CasePage) -> list[parts.Panel]:
    under = case_page_selectors.case_view_under_break_glass(case_view=page.view)
    return [
        parts.Panel(
            parts.SLOT_BANNER, 10, "assistance/_break_glass_banner.html", {"break_glass": under}
        )
    ]


def _blocks(page: parts.CasePage) -> list[parts.Panel]:
    view = page.view
    return [
        # R-16, detention
        parts.Panel(
            parts.SLOT_BODY,
            10,
            "assistance/_permit_case_block.html",
            {
                "permits": permit_selectors.case_page_permits(
                    case_view=view, held=page.has_rows(DetentionRecord)
                )
            },
            _("Residence permits and detention"),
        ),
        parts.Panel(
            parts.SLOT_BODY,
            20,
            "assistance/_reflection_summary.html",
            {
                "reflection": reflection_selectors.reflection_period_summary_shown(
                    case_view=view, held=page.has_rows(ReflectionPeriod)
                )
            },
            _("Recovery and reflection period"),
        ),
        #
        parts.Panel(
            parts.SLOT_BODY,
            50,
            "assistance/_assessments_case_block.html",
            {
                "assessments": assessment_selectors.case_page_assessments(
                    case_view=view, held=page.has_rows(Assessment)
                )
            },
            _("Needs and risk assessments"),
        ),
        #
        parts.Panel(
            parts.SLOT_BODY,
            60,
            "assistance/_plans_case_block.html",
            {
                "assistance_plan": plan_selectors.case_page_plans(
                    case_view=view,
                    services_held=page.has_rows(AssistanceService),
                    closures_held=page.has_rows(AssistanceClosure),
                ),
                "may_plan": page.writable,
            },
            _("Assistance plan and services"),
        ),
    ]


PANELS: list[parts.PanelProvider] = [_banner, _blocks]
CASE_ROWS = (
    DetentionRecord,
    ReflectionPeriod,
    Assessment,
    AssistanceService,
    AssistanceClosure,
    InterpretationNeed,  # R-24, the rights panel at the end of this module
    InterpreterBooking,
    RightsInformation,
)


# --- case API -------------------------------------------------------------------------------


def _service_row(service: plan_selectors.ServiceView) -> dict[str, Any]:
    return {
        "service_type": service.service_type,
        "service_type_label": service.service_type_label,
        "status": service.status,
        "status_label": service.status_label,
        "starts_on": service.starts_on,
        "ends_on": service.ends_on,
        "refused_on": service.refused_on,
        "outcome": service.outcome,
        "outcome_label": service.outcome_label,
        "provider": service.provider_name,
    }


def _api_groups(page: parts.CasePage) -> dict[FieldGroup, dict[str, Any]]:
    """Only for groups ``case_read`` showed: the detention warning (legal, R-16)
    and the services delivered (services group, through the plans selector)."""
    extra: dict[FieldGroup, dict[str, Any]] = {}
    permits = permit_selectors.case_page_permits(case_view=page.view)  # None: legal not shown
    if permits is not None:
        extra[FieldGroup.LEGAL] = {"detention_warning": permits.detention_warning}
    if page.view.group(FieldGroup.SERVICES).data is not None:
        plans = plan_selectors.plans_for_case(
            user=page.user, case_id=page.case.id, purpose=page.purpose
        )
        extra[FieldGroup.SERVICES] = {"services": [_service_row(s) for s in plans.services]}
    return extra


API_GROUPS: list[parts.ApiGroupProvider] = [_api_groups]


# --- timeline -------------------------------------------------------------------------------


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a stored choice; the stored key if the catalogue no longer has it."""
    return str(choices(value).label) if value in choices.values else value


def _days(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def _reflection_period(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    """Every period of the case (one per round of the identification pathway, R-15)."""
    periods = (
        ReflectionPeriod.objects.filter(case_id=source.case.id)
        .prefetch_related("extensions")
        .order_by("id")
    )
    return [entry for period in periods for entry in _period_entries(period)]


def _period_entries(period: ReflectionPeriod) -> list[parts.TimelineEntry]:
    kind = "reflection_period"
    entries = [
        parts.TimelineEntry(
            on=period.starts_on,
            kind=kind,
            title=_("Reflection period starts"),
            detail=_("%(days)s granted") % {"days": _days(period.granted_days)},
        )
    ]
    entries += [
        parts.TimelineEntry(
            on=extension.decided_on,
            kind=kind,
            title=_("Reflection period extended"),
            detail=_("by %(days)s") % {"days": _days(extension.days)},
        )
        for extension in sorted(period.extensions.all(), key=lambda e: (e.decided_on, e.pk))
    ]
    if period.status == ReflectionPeriod.Status.ENDED_EARLY and period.ended_on:
        ground = period.get_early_end_ground_display()
        entries.append(
            parts.TimelineEntry(
                on=period.ended_on,
                kind=kind,
                title=_("Reflection period ended early"),
                detail=ground,
            )
        )
    elif period.status == ReflectionPeriod.Status.ENDED and period.ended_on:
        # The pathway was reopened and a new round's decision started a new period.
        entries.append(
            parts.TimelineEntry(
                on=period.ended_on,
                kind=kind,
                title=_("Reflection period ended"),
                detail=_("a new period started in a new round of the identification pathway"),
            )
        )
    else:
        ended = period.status == ReflectionPeriod.Status.ENDED
        title = _("Reflection period ended") if ended else _("Reflection period ends")
        entries.append(parts.TimelineEntry(on=period.ends_on, kind=kind, title=title))
    return entries


def _assessments(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    assessments = (
        Assessment.objects.filter(case_id=source.case.id)
        .only("kind", "version", "trigger", "assessed_on")
        .order_by("assessed_on", "kind", "version")
    )
    return [
        parts.TimelineEntry(
            on=assessment.assessed_on,
            kind="assessment",
            title=_("%(kind)s version %(version)d recorded")
            % {"kind": _label(AssessmentKind, assessment.kind), "version": assessment.version},
            detail=_label(AssessmentTrigger, assessment.trigger),
        )
        for assessment in assessments
    ]


def _plans(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    plans = (
        AssistancePlan.objects.filter(case_id=source.case.id)
        .only("agreed_on")
        .order_by("agreed_on", "recorded_at")
    )
    return [
        parts.TimelineEntry(
            on=plan.agreed_on, kind="assistance_plan", title=_("Assistance plan agreed")
        )
        for plan in plans
    ]


# As the timeline says it: lower case after a dash; a refusal is the person's own choice.
SERVICE_STATES: dict[str, Promise] = {
    ServiceStatus.PLANNED: gettext_lazy("planned"),
    ServiceStatus.ACTIVE: gettext_lazy("under way"),
    ServiceStatus.COMPLETED: gettext_lazy("completed"),
    ServiceStatus.REFUSED: gettext_lazy("refused by the person"),
    ServiceStatus.STOPPED: gettext_lazy("stopped"),
}


def _service_date(service: AssistanceService) -> date:
    """When a service starts (or is planned to); a refusal without one, when refused."""
    if service.starts_on is not None:
        return service.starts_on
    if service.refused_on is not None:
        return service.refused_on
    return timezone.localdate(service.recorded_at)


def _services(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    services = (
        AssistanceService.objects.filter(case_id=source.case.id)
        .select_related("provider")
        .only("service_type", "status", "starts_on", "refused_on", "recorded_at", "provider__name")
    )
    return [
        parts.TimelineEntry(
            on=_service_date(service),
            kind="service",
            title=_("%(type)s — %(provider)s — %(status)s")
            % {
                "type": _label(ServiceType, service.service_type),
                "provider": service.provider.name,
                "status": str(SERVICE_STATES.get(service.status, service.status)),
            },
        )
        for service in services
    ]


def _closures(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    closures = (
        AssistanceClosure.objects.filter(case_id=source.case.id)
        .only("decided_on", "reopened_on")
        .order_by("decided_on", "recorded_at")
    )
    entries = []
    for closure in closures:
        kind = "assistance_closure"
        entries.append(
            parts.TimelineEntry(
                on=closure.decided_on,
                kind=kind,
                title=_("Assistance closed"),
                detail=_("exit plan recorded"),
            )
        )
        if closure.reopened_on is not None:
            entries.append(
                parts.TimelineEntry(
                    on=closure.reopened_on, kind=kind, title=_("Assistance reopened")
                )
            )
    return entries


TIMELINE = [
    parts.TimelineProvider(
        FieldGroup.LEGAL,
        ("reflection_period",),
        40,
        _reflection_period,
        ReflectionPeriod,
    ),
    parts.TimelineProvider(FieldGroup.ASSESSMENT, ("assessment",), 50, _assessments, Assessment),
    parts.TimelineProvider(FieldGroup.SERVICES, ("assistance_plan",), 80, _plans, AssistancePlan),
    parts.TimelineProvider(FieldGroup.SERVICES, ("service",), 90, _services, AssistanceService),
    parts.TimelineProvider(
        FieldGroup.SERVICES,
        ("assistance_closure",),
        100,
        _closures,
        AssistanceClosure,
    ),
]


# --- report for the person ------------------------------------------------------------------


def _reflection_entries(found: reflection_selectors.ReflectionView) -> list[parts.ReportEntry]:
    period = found.period
    if period is None:
        return []
    entries = [
        parts.ReportEntry(
            _("Recovery and reflection period"),
            period.starts_on,
            [
                fact(_("Days granted"), period.granted_days),
                fact(_("Ends on"), period.ends_on),
                fact(_("Ended on"), period.ended_on),
                fact(_("Ended early on the ground"), found.early_end_ground_label),
                fact(_("Legal basis"), found.early_end_legal_basis),
                fact(_("Reasons"), found.early_end_reasons),
            ],
        )
    ]
    entries += [
        parts.ReportEntry(
            _("Reflection period extended"),
            e.decided_on,
            [fact(_("Days"), e.days), fact(_("Reasons"), e.reasons)],
        )
        for e in found.extensions
    ]
    return entries


def _assessment_entries(found: assessment_selectors.CaseAssessments) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            _("%(kind)s, version %(version)d") % {"kind": v.kind_label, "version": v.version},
            v.assessed_on,
            [
                fact(_("Why"), v.trigger_label),
                fact(_("Organisation"), v.organisation),
                *(
                    fact(s.label, f"{s.level_label}. {s.note}" if s.note else s.level_label)
                    for s in v.sections
                ),
                fact(_("Your view"), v.person_view),
            ],
        )
        for kind in found.kinds
        for v in kind.versions
    ]


def _plan_entries(found: plan_selectors.PlansView) -> list[parts.ReportEntry]:
    entries = [
        parts.ReportEntry(
            _("Assistance plan agreed"),
            plan.agreed_on,
            [
                fact(_("Your view"), plan.person_view),
                fact(_("Services"), ", ".join(s.service_type_label for s in plan.services)),
            ],
        )
        for plan in found.plans
    ]
    entries += [
        parts.ReportEntry(
            s.service_type_label,
            s.starts_on or s.refused_on,
            [
                fact(_("Provider"), s.provider_name),
                fact(_("Status"), s.status_label),
                fact(_("Ends on"), s.ends_on),
                fact(_("Your consent"), s.consent_on if s.consent_given else s.consent_given),
                fact(_("Refused on"), s.refused_on),
                fact(_("Note"), s.note),
                fact(_("Why refused"), s.refusal_note),
                fact(_("Outcome"), s.outcome_label),
                fact(_("About the outcome"), s.outcome_note),
                fact(
                    _("Amount"),
                    f"{s.amount} {s.currency} {s.amount_period_label}".strip()
                    if s.amount is not None
                    else None,
                ),
            ],
        )
        for s in found.services
    ]
    entries += [
        parts.ReportEntry(
            _("Assistance closed"),
            c.decided_on,
            [
                fact(_("Reasons"), c.reasons),
                fact(_("Exit plan"), c.exit_plan),
                fact(_("Your view"), c.person_view),
                fact(_("Follow-up on"), c.follow_up_on),
                fact(_("Reopened on"), c.reopened_on),
                fact(_("Why reopened"), c.reopen_reasons),
            ],
        )
        for c in found.closures
    ]
    return entries


def _permit_entries(found: permit_selectors.PermitsView) -> list[parts.ReportEntry]:
    entries = [
        parts.ReportEntry(
            _("Residence permit"),
            p.issued_on,
            [
                fact(_("Type"), p.permit_type),
                fact(_("Grounds"), ", ".join(p.grounds)),
                fact(_("Issued by"), p.issuing_authority),
                fact(_("Reference"), p.reference),
                fact(_("Expires on"), p.expires_on),
                *(
                    fact(_("Renewed on %(day)s until") % {"day": r.renewed_on}, r.new_expires_on)
                    for r in p.renewals
                ),
            ],
        )
        for p in found.permits
    ]
    entries += [
        parts.ReportEntry(
            _("Detention"),
            d.started_on,
            [fact(_("Place"), d.place_type), fact(_("Ended on"), d.ended_on)],
        )
        for d in found.detentions
    ]
    return entries


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    return [
        parts.section(
            "reflection_period",
            _("Recovery and reflection period"),
            lambda: reflection_selectors.reflection_period_get(user=user, case_id=case_id),
            _reflection_entries,
        ),
        parts.section(
            "assessments",
            _("Needs and risk assessments"),
            lambda: assessment_selectors.assessments_for_case(user=user, case_id=case_id),
            _assessment_entries,
        ),
        parts.section(
            "assistance",
            _("Assistance plans, services and closing of assistance"),
            lambda: plan_selectors.plans_for_case(user=user, case_id=case_id),
            _plan_entries,
        ),
        parts.section(
            "permits",
            _("Residence permits and detention"),
            lambda: permit_selectors.permits_get(user=user, case_id=case_id),
            _permit_entries,
        ),
    ]


REPORT = [
    parts.ReportPart(
        key="assistance",
        covers=(
            "assistance.ReflectionPeriod",
            "assistance.ReflectionExtension",
            "assistance.Assessment",
            "assistance.AssistancePlan",
            "assistance.AssistanceService",
            "assistance.AssistanceClosure",
            "assistance.ResidencePermit",
            "assistance.PermitRenewal",
            "assistance.DetentionRecord",
        ),
        read=_report,
    ),
]


# --- information on rights and interpretation (R-24) ----------------------------------------
# Kept together at the end: the panel, the timeline entries and the report section.


def _rights_panel(page: parts.CasePage) -> list[parts.Panel]:
    return [
        parts.Panel(
            parts.SLOT_BODY,
            55,
            "assistance/rights/_case_block.html",
            {
                "rights": rights_selectors.case_page_rights(
                    case_view=page.view,
                    held=page.has_rows(InterpretationNeed)
                    or page.has_rows(InterpreterBooking)
                    or page.has_rows(RightsInformation),
                )
            },
            _("Information and interpretation"),
        )
    ]


def _rights_given(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    records = RightsInformation.objects.filter(case_id=source.case.id).only(
        "given_at", "language", "items"
    )
    return [
        parts.TimelineEntry(
            on=timezone.localdate(r.given_at),
            kind="rights_information",
            title=_("Information on rights given (%(language)s)")
            % {"language": cldr.language_name(r.language)},
            detail=", ".join(_label(RightsItem, i) for i in r.items),
        )
        for r in records
    ]


def _interpretation_needs(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    needs = InterpretationNeed.objects.filter(case_id=source.case.id).only(
        "needed", "languages", "recorded_at"
    )
    return [
        parts.TimelineEntry(
            on=timezone.localdate(n.recorded_at),
            kind="interpretation_need",
            title=_("Interpreter needed: %(languages)s")
            % {"languages": cldr.language_names(n.languages)}
            if n.needed
            else _("No interpreter needed"),
        )
        for n in needs
    ]


def _interpreter_bookings(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    bookings = InterpreterBooking.objects.filter(case_id=source.case.id).only(
        "occasion", "planned_on", "language", "interpreter_organisation", "interpreter_name_enc"
    )
    return [
        parts.TimelineEntry(
            on=b.planned_on,
            kind="interpreter_booking",
            title=_("%(occasion)s planned, in %(language)s")
            % {
                "occasion": b.get_occasion_display(),
                "language": cldr.language_name(b.language),
            },
            detail=_("interpreter booked")
            if b.interpreter_organisation or b.interpreter_name_enc
            else _("no interpreter booked"),
        )
        for b in bookings
    ]


def _rights_entries(found: rights_selectors.RightsView) -> list[parts.ReportEntry]:
    entries = [
        parts.ReportEntry(
            _("Information on your rights given to you"),
            timezone.localdate(r.given_at),
            [
                fact(_("Information"), ", ".join(r.item_labels)),
                fact(_("Language"), r.language_name),
                fact(_("How"), r.form_label),
                fact(_("Version"), r.version_label),
                fact(_("Interpreting organisation"), r.interpreter_organisation),
                fact(_("Interpreter"), r.interpreter_name),
            ],
        )
        for r in found.records
    ]
    entries += [
        parts.ReportEntry(
            _("Your need for an interpreter"),
            timezone.localdate(n.recorded_at),
            [
                fact(_("Interpreter needed"), n.needed),
                fact(_("Languages"), n.language_names),
                fact(
                    _("Interpreter asked for"), n.interpreter_sex_label if n.interpreter_sex else ""
                ),
            ],
        )
        for n in found.need_history
    ]
    entries += [
        parts.ReportEntry(
            b.occasion_label,
            b.planned_on,
            [
                fact(_("Language"), b.language_name),
                fact(_("Interpreting organisation"), b.interpreter_organisation),
                fact(_("Interpreter"), b.interpreter_name),
            ],
        )
        for b in found.bookings
    ]
    return entries


def _rights_report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    return [
        parts.section(
            "rights_information",
            _("Information on your rights and interpretation"),
            lambda: rights_selectors.rights_get(user=user, case_id=case_id),
            _rights_entries,
        )
    ]


PANELS.append(_rights_panel)
TIMELINE += [
    parts.TimelineProvider(
        FieldGroup.SERVICES,
        ("interpretation_need",),
        60,
        _interpretation_needs,
        InterpretationNeed,
    ),
    parts.TimelineProvider(
        FieldGroup.SERVICES,
        ("rights_information",),
        70,
        _rights_given,
        RightsInformation,
    ),
    parts.TimelineProvider(
        FieldGroup.SERVICES,
        ("interpreter_booking",),
        75,
        _interpreter_bookings,
        InterpreterBooking,
    ),
]
REPORT.append(
    parts.ReportPart(
        key="rights_information",
        covers=(
            "assistance.RightsInformation",
            "assistance.InterpretationNeed",
            "assistance.InterpreterBooking",
        ),
        read=_rights_report,
    )
)
