"""The identification app's parts: screening and decision links on the case page,
screenings and decisions on the timeline, and their sections of the report for
the person (observations, decisions with reasons, reconsiderations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup
from haven.cases import errors as case_errors
from haven.cases import parts
from haven.identification import engine, pathways
from haven.identification.models import IdentificationDecision, Outcome, Screening
from haven.identification.selectors import decisions as decision_selectors
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.selectors import rounds
from haven.identification.selectors import screening as screening_selectors

# --- case page ------------------------------------------------------------------------------


def _links(page: parts.CasePage) -> list[parts.Panel]:
    may_screen = page.shows(FieldGroup.ASSESSMENT) and page.writable
    panels = [
        parts.Panel(
            parts.SLOT_ACTIONS,
            10,
            "identification/_screening_case_links.html",
            {"may_screen": may_screen},
        )
    ]
    if page.shows(FieldGroup.ASSESSMENT) and screening_selectors.several_forms(page.case):
        # one screening per form of exploitation, each with its result.
        screenings = (
            Screening.objects.filter(case_id=page.case.id)
            .select_related("indicator_set")
            .order_by("-screened_at")
        )
        by_form = screening_selectors.screenings_by_form(case=page.case, screenings=screenings)
        panels.append(
            parts.Panel(
                parts.SLOT_BODY,
                15,
                "identification/_screening_by_form.html",
                {"by_form": by_form},
            )
        )
    if page.shows(FieldGroup.LEGAL) and page.writable:
        panels.append(
            parts.Panel(
                parts.SLOT_HEADER,
                10,
                "identification/_decision_links.html",
                {"may_see_decisions": True},
            )
        )
    return panels


PANELS: list[parts.PanelProvider] = [_links]


# --- timeline -------------------------------------------------------------------------------

SCREENING_OUTCOMES = {
    # decision support only; never "not a victim".
    engine.CONSISTENT: gettext_lazy("indicators consistent with trafficking"),
    engine.INSUFFICIENT: gettext_lazy("insufficient indicators recorded"),
}


def _screenings(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    screenings = (
        Screening.objects.filter(case_id=source.case.id)
        .select_related("indicator_set")
        .only("screened_at", "outcome", "indicator_set__key", "indicator_set__version")
    )
    return [
        parts.TimelineEntry(
            on=timezone.localdate(screening.screened_at),
            kind="screening",
            title=_("Indicator screening"),
            detail=_("%(set)s version %(version)d: %(outcome)s")
            % {
                "set": screening.indicator_set.key,
                "version": screening.indicator_set.version,
                "outcome": str(SCREENING_OUTCOMES.get(screening.outcome, screening.outcome)),
            },
        )
        for screening in screenings
    ]


def decision_type_label(*, country: str, key: str) -> str:
    """The national pathway's name for a decision type (data; the key if unknown)."""
    decision = pathways.pathway_for(country).decision_types.get(key)
    # Pathway labels are data, translated by haven/identification/data/i18n.
    return str(decision.shown_label()) if decision else key


def _decision_detail(decision: IdentificationDecision, *, earlier_round: bool = False) -> str:
    """The outcome, and for a backdated decision the day it was really recorded
    (R-15, R-17: the clocks that follow it count from that day); a decision taken
    before the pathway was reopened says it belongs to an earlier round (R-01)."""
    outcome = (
        str(Outcome(decision.outcome).label)
        if decision.outcome in Outcome.values
        else decision.outcome
    )
    if decision.backdated:
        outcome = _("%(outcome)s; backdated: recorded on %(date)s") % {
            "outcome": outcome,
            "date": formats.date_format(timezone.localdate(decision.recorded_at)),
        }
    if earlier_round:
        outcome = _("%(outcome)s; earlier round of the pathway") % {"outcome": outcome}
    return outcome


def _decisions(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    decisions = IdentificationDecision.objects.filter(case_id=source.case.id).only(
        "decision_type", "country", "outcome", "decided_on", "recorded_at", "backdated"
    )
    # The status changes case_read already read, when it did (no query of its own).
    reopened = (
        rounds.reopenings(source.case.id)
        if source.transitions is None
        else rounds.reopenings_in(source.transitions)
    )
    return [
        parts.TimelineEntry(
            on=decision.decided_on,
            kind="decision",
            title=decision_type_label(country=decision.country, key=decision.decision_type),
            detail=_decision_detail(
                decision, earlier_round=rounds.round_of(decision, reopened) <= len(reopened)
            ),
        )
        for decision in decisions
    ]


TIMELINE = [
    parts.TimelineProvider(FieldGroup.ASSESSMENT, ("screening",), 10, _screenings, Screening),
    parts.TimelineProvider(FieldGroup.LEGAL, ("decision",), 20, _decisions, IdentificationDecision),
]


# --- report for the person ------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationEntry:
    indicator: str
    element: str
    information_source: str
    note: str  # empty once the data is erased


@dataclass(frozen=True)
class ScreeningEntry:
    screened_at: datetime
    organisation: str
    indicator_set: str
    version: int
    outcome: str
    outcome_words: str
    observations: list[ObservationEntry]
    provisional: bool = False  # the set was not checked word for word at its source


@dataclass(frozen=True)
class ReconsiderationEntry:
    requested_on: date
    status: str
    status_label: str
    grounds: str  # empty once the data is erased


@dataclass(frozen=True)
class DecisionEntry:
    decided_on: date
    decision_type: str
    type_label: str
    outcome: str
    outcome_label: str
    organisation: str
    legal_basis: str
    reasons: str  # empty once the data is erased
    served_to_label: str
    reconsiderations: list[ReconsiderationEntry]
    round: int  # the round of the pathway
    earlier_round: bool


def _screening_section(request: parts.ReportRequest) -> parts.ReportSection:
    title = _("Screenings for signs of trafficking")
    user, case = request.user, request.case
    try:
        listing = screening_selectors.screening_list(user=user, case_id=case.id)
    except case_errors.GroupNotAllowed as refusal:
        return parts.refused("screenings", title, refusal.message)
    views = screening_selectors.screening_views(user=user, listing=listing)
    items = []
    for row in listing.screenings:
        view = views[row.id]
        observations = [
            ObservationEntry(str(o.label), str(element.name), o.source_label, o.note)
            for element in view.elements
            for o in element.observations
        ]
        items.append(
            ScreeningEntry(
                screened_at=row.screened_at,
                organisation=row.organisation.name,
                indicator_set=str(
                    set_selectors.set_text(row.indicator_set, row.indicator_set.title)
                ),
                version=row.indicator_set.version,
                outcome=row.outcome,
                outcome_words=screening_selectors.result_words(row, listing.case),
                observations=observations,
                provisional=view.provisional,
            )
        )
    # on a case with several forms of exploitation, a result per form.
    by_form = (
        screening_selectors.screenings_by_form(case=listing.case, screenings=listing.screenings)
        if screening_selectors.several_forms(listing.case)
        else []
    )
    entries = [
        parts.ReportEntry(
            title=", ".join(f.form_labels) or f.set_name,
            on=timezone.localdate(f.latest.screened_at) if f.latest is not None else None,
            facts=[parts.ReportFact(_("Result"), f.result_words)],
        )
        for f in by_form
    ]
    return parts.ReportSection("screenings", title, True, "", entries=entries, items=items)


def _decision_section(request: parts.ReportRequest) -> parts.ReportSection:
    title = _("Identification decisions")
    try:
        found = decision_selectors.decision_list(user=request.user, case_id=request.case.id)
    except case_errors.GroupNotAllowed as refusal:
        return parts.refused("decisions", title, refusal.message)
    items = [
        DecisionEntry(
            decided_on=d.decided_on,
            decision_type=d.decision_type,
            type_label=d.type_label,
            outcome=d.outcome,
            outcome_label=d.outcome_label,
            organisation=d.organisation,
            legal_basis=d.legal_basis,
            reasons=d.reasons,
            served_to_label=d.served_to_label,
            reconsiderations=[
                ReconsiderationEntry(r.requested_on, r.status, r.status_label, r.grounds)
                for r in d.reconsiderations
            ],
            round=d.round,
            earlier_round=d.earlier_round,
        )
        for d in found.decisions
    ]
    return parts.ReportSection("decisions", title, True, "", items=items)


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    return [_screening_section(request), _decision_section(request)]


REPORT = [
    parts.ReportPart(
        key="identification",
        covers=(
            "identification.Screening",
            "identification.ScreeningObservation",
            "identification.IdentificationDecision",
            "identification.Reconsideration",
        ),
        read=_report,
    ),
]
