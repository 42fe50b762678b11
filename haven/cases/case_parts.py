"""The cases app's parts: the interview count on the case page, status changes
on the timeline, and the report's core (identity, narrative, status changes,
interviews, consents and the case team are shown by ``cases.person_report``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.cases import parts, selectors
from haven.cases.models import Interview
from haven.cases.status import IdentificationStatus

# --- case page ------------------------------------------------------------------------------


def _interviews(page: parts.CasePage) -> list[parts.Panel]:
    count = selectors.interview_count(case=page.case) if page.has_rows(Interview) else 0
    return [
        parts.Panel(
            parts.SLOT_BODY,
            90,
            "cases/_interview_count.html",
            {"interview_count": count},
            _("Interviews"),
        )
    ]


def _incident(page: parts.CasePage) -> list[parts.Panel]:
    # Shown to every reader of the page: only references of cases the reader's
    # organisation is on (``selectors.incident_of``), a count for the others.
    return [
        parts.Panel(
            parts.SLOT_BODY,
            5,
            "cases/_incident.html",
            {"incident": page.view.incident},
            _("Found together"),
        )
    ]


PANELS: list[parts.PanelProvider] = [_interviews, _incident]
CASE_ROWS = (Interview,)


# --- timeline -------------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return (
        str(IdentificationStatus(status).label) if status in IdentificationStatus.values else status
    )


def _status_changes(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    rows: Sequence[Mapping[str, Any]] | None = source.transitions
    if rows is None:
        rows = list(source.case.transitions.values("from_status", "to_status", "decided_on"))
    return [
        parts.TimelineEntry(
            on=row["decided_on"],
            kind="status_change",
            title=_("Status: %(status)s") % {"status": _status_label(row["to_status"])},
            detail=_("from %(status)s") % {"status": _status_label(row["from_status"])}
            if row["from_status"]
            else _("case opened"),
        )
        for row in rows
    ]


TIMELINE = [parts.TimelineProvider(FieldGroup.LEGAL, ("status_change",), 30, _status_changes)]


# --- report for the person ------------------------------------------------------------------


def _erasure(request: parts.ReportRequest) -> list[parts.ReportSection]:
    """Requests to erase the person's data and legal holds that keep it (issue 12)."""
    page = selectors.erasure_page(user=request.user, case_id=request.case.id)
    entries = [
        parts.ReportEntry(
            _("Request to erase your data"),
            timezone.localdate(row.request.requested_at),
            [
                parts.fact(_("Reason"), row.reason_label),
                parts.fact(_("Note"), row.note),
                parts.fact(_("State"), row.state_label),
                parts.fact(_("Why it was refused"), row.refusal),
            ],
        )
        for row in page.requests
    ] + [
        parts.ReportEntry(
            _("Legal hold: your data is kept"),
            timezone.localdate(hold.placed_at),
            [
                parts.fact(_("Reason"), hold.get_reason_display()),
                parts.fact(_("Until"), hold.until),
                parts.fact(_("Lifted"), hold.lifted_at),
            ],
        )
        for hold in page.holds
    ]
    title = _("Erasure and legal holds")
    return [parts.ReportSection("erasure", str(title), True, "", entries=entries)]


# Shown by the report's core (``cases.person_report``): the field groups as the
# case lead holds them (identity, contact, location, health, narrative, legal with
# its status changes), the interviews, the case team, the consents and the access
# trail (which names every break-glass use). The break-glass grants themselves are
# the report's own section too.
REPORT = [
    parts.ReportPart(
        key="record",
        covers=(
            "cases.Person",
            "cases.Case",
            "cases.NarrativeEntry",
            "cases.StatusTransition",
            "cases.Interview",
            "access.TeamMembership",
            "access.Consent",
            "access.ChildViews",
            "access.BreakGlass",
        ),
    ),
    parts.ReportPart(
        key="erasure", covers=("cases.ErasureRequest", "cases.LegalHold"), read=_erasure
    ),
]
