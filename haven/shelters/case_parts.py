"""The shelters app's parts: "Safe accommodation" on the case page, and the
person's placements in the report for the person.

A placement says where the person lives. With the ``location`` group the reader
sees the place's name, the state and the dates; without it (a police officer, for
one) only that the person has, or was requested, a place in safe accommodation:
never the place's name (it says where the person is), never an address. "Find a
place" is offered by the rule the search and the proposal refuse with
(``selectors.placements.may_place`` on a writable case).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.cases import parts
from haven.shelters.models import Placement, PlacementState
from haven.shelters.selectors import placements as placement_selectors

fact = parts.fact


@dataclass(frozen=True)
class AccommodationBlock:
    case_id: object
    location: bool  # the reader may read the location group: places are named
    rows: list[placement_selectors.CasePlacement]
    may_place: bool  # "Find a place" is offered

    @property
    def living_there(self) -> bool:
        return any(r.state == PlacementState.STARTED for r in self.rows)

    @property
    def requested(self) -> bool:
        return any(r.state in (PlacementState.PROPOSED, PlacementState.ACCEPTED) for r in self.rows)


def _accommodation(page: parts.CasePage) -> list[parts.Panel]:
    may_place = page.writable and placement_selectors.may_place(page.user, page.view.lead_id)
    rows = (
        placement_selectors.case_placements(
            user=page.user,
            case_id=page.case.id,
            lead_id=page.view.lead_id,
            location=page.shows(FieldGroup.LOCATION),
        )
        if page.has_rows(Placement)
        else []
    )
    if not (rows or may_place):
        return []
    block = AccommodationBlock(page.case.id, page.shows(FieldGroup.LOCATION), rows, may_place)
    return [
        parts.Panel(
            parts.SLOT_BODY,
            82,
            "shelters/placements/_case_block.html",
            {"accommodation": block},
            _("Safe accommodation"),
        )
    ]


PANELS: list[parts.PanelProvider] = [_accommodation]
CASE_ROWS = (Placement,)


# --- report for the person ------------------------------------------------------------------


def _entries(found: placement_selectors.ReportPlacements) -> list[parts.ReportEntry]:
    entries = [
        parts.ReportEntry(
            _("A place in safe accommodation"),
            timezone.localdate(p.proposed_at),
            [
                fact(_("Place"), p.place_name),
                fact(_("Region"), p.region),
                fact(_("State"), p.state_label),
                fact(_("You agreed on"), p.person_agreed_on),
                fact(_("Answered on"), p.answered_at),
                fact(_("Moved in on"), p.started_at),
                fact(_("Ended on"), p.ended_at),
                fact(_("Why it ended"), p.end_reason_label),
            ],
        )
        for p in found.placements
    ]
    entries += [
        parts.ReportEntry(
            _("A plan to place the people found with you"),
            timezone.localdate(p.created_at),
            [
                fact(_("State"), p.state_label),
                fact(_("Place in the plan"), p.place_name),
                fact(_("Why no place was found"), p.unplaced_reason),
                fact(_("You agreed on"), p.person_agreed_on),
            ],
        )
        for p in found.plans
    ]
    return entries


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    return [
        parts.section(
            "shelters",
            _("Safe accommodation"),
            lambda: placement_selectors.placements_for_report(
                user=request.user, case=request.case, context=request.context
            ),
            _entries,
        )
    ]


REPORT = [
    parts.ReportPart(
        key="shelters",
        covers=("shelters.Placement", "shelters.GroupPlanPerson"),
        read=_report,
    )
]
