"""The justice app's parts: the cooperation and remedies blocks on the case page
(legal group only) and the cooperation records and remedies in the report for
the person.

Cooperation is deliberately not on the timeline: assistance never depends on
cooperation (R-18), and a timeline that set one next to the other would suggest
that it does. Proceedings, compensation and compelled offences stay off it for
the same reason (R-18, R-33). A party linked to the case is on it, by its kind and
roles only, for a reader who may read the parties (R-38)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.cases import parts
from haven.justice import selectors, selectors_parties
from haven.justice.models import (
    CompelledOffence,
    CompensationClaim,
    CooperationRecord,
    PartyKind,
    PartyLink,
    PartyRole,
    Proceeding,
)

# --- case page ------------------------------------------------------------------------------


def _cooperation(page: parts.CasePage) -> list[parts.Panel]:
    block = selectors.case_page_cooperation(  # legal group only
        case_view=page.view, held=page.has_rows(CooperationRecord)
    )
    return [
        parts.Panel(
            parts.SLOT_BODY,
            70,
            "justice/_cooperation_case_block.html",
            {"cooperation": block},
            _("Cooperation with the authorities"),
        )
    ]


def _remedies(page: parts.CasePage) -> list[parts.Panel]:
    block = selectors.case_page_remedies(  # legal group only
        case_view=page.view, held=page.has_rows
    )
    return [
        parts.Panel(
            parts.SLOT_BODY,
            71,
            "justice/remedies/_case_block.html",
            {"remedies": block},
            _("Proceedings and compensation"),
        )
    ]


def _parties(page: parts.CasePage) -> list[parts.Panel]:
    found = selectors_parties.case_page_parties(  # legal group only
        user=page.user, case_view=page.view, held=page.has_rows(PartyLink)
    )
    return [
        parts.Panel(
            parts.SLOT_BODY,
            75,
            "justice/parties/_parties_case_block.html",
            {"parties": found},
            _("Offenders, employers and other parties"),
        )
    ]


PANELS: list[parts.PanelProvider] = [_cooperation, _remedies, _parties]
CASE_ROWS = (CooperationRecord, Proceeding, CompensationClaim, CompelledOffence, PartyLink)


# --- timeline -------------------------------------------------------------------------------


def _party_links(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    """Each party linked to the case (legal group): its kind and roles, never its
    name, and nothing of the other cases it is on (R-38); only to a reader the
    parties pages would show them to."""
    if not selectors_parties.parties_readable(user=source.user, case_id=source.case.id):
        return []
    rows = (
        PartyLink.objects.filter(case_id=source.case.id)
        .select_related("party")
        .only("roles", "linked_at", "party__kind")
        .order_by("linked_at", "id")
    )
    return [
        parts.TimelineEntry(
            on=timezone.localdate(row.linked_at),
            kind="party",
            title=_("A party was linked to the case"),
            detail=", ".join(
                [
                    str(PartyKind(row.party.kind).label),
                    *(str(PartyRole(r).label) for r in row.roles),
                ]
            ),
        )
        for row in rows
    ]


TIMELINE = [parts.TimelineProvider(FieldGroup.LEGAL, ("party",), 80, _party_links, PartyLink)]


# --- report for the person ------------------------------------------------------------------


def _entries(found: selectors.CooperationHistory) -> list[parts.ReportEntry]:
    return [
        parts.ReportEntry(
            _("Cooperation with the authorities recorded"),
            e.recorded_on,
            [
                parts.fact(_("Cooperates with the authorities"), e.cooperates_with_authorities),
                parts.fact(_("Witness"), e.is_witness),
            ],
        )
        for e in found.entries
    ]


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    return [
        parts.section(
            "cooperation",
            _("Cooperation with the authorities"),
            # Read for the person's assistance: the report is the case lead's.
            lambda: selectors.cooperation_history(
                user=user, case_id=case_id, purpose=Purpose.ASSISTANCE
            ),
            _entries,
        )
    ]


def _proceeding_entries(found: selectors.RemediesFile) -> list[parts.ReportEntry]:
    entries: list[parts.ReportEntry] = []
    for item in found.proceedings:
        p = item.proceeding
        entries.append(
            parts.ReportEntry(
                _("Proceeding"),
                p.started_on,
                [
                    parts.fact(_("Kind"), p.get_kind_display()),
                    parts.fact(_("Stage"), p.get_stage_display()),
                    parts.fact(_("Court or authority"), p.authority),
                    parts.fact(_("Your role"), p.get_person_role_display()),
                    parts.fact(_("Ended"), p.ended_on),
                ],
            )
        )
        entries += [
            parts.ReportEntry(
                _("Stage of a proceeding changed"),
                c.changed_on,
                [
                    parts.fact(_("From"), c.get_from_stage_display()),
                    parts.fact(_("To"), c.get_to_stage_display()),
                    parts.fact(_("Outcome"), c.get_outcome_display()),
                ],
            )
            for c in item.stage_changes
        ]
        entries += [
            parts.ReportEntry(
                _("Protective measure asked for"),
                m.asked_on,
                [
                    parts.fact(_("Measure"), m.get_kind_display()),
                    parts.fact(_("For whom"), m.get_for_whom_display()),
                    parts.fact(_("Decision"), m.get_decision_display()),
                    parts.fact(_("Decided on"), m.decided_on),
                ],
            )
            for m in item.measures
        ]
    return entries


def _claim_entries(found: selectors.RemediesFile) -> list[parts.ReportEntry]:
    entries: list[parts.ReportEntry] = []
    for item in found.claims:
        c = item.claim
        entries.append(
            parts.ReportEntry(
                _("Compensation claim"),
                c.filed_on or c.recorded_at.date(),
                [
                    parts.fact(_("Source"), c.get_source_display()),
                    parts.fact(_("Status"), c.get_status_display()),
                    parts.fact(_("Amount claimed"), c.amount_claimed),
                    parts.fact(_("Amount awarded"), c.amount_awarded),
                    parts.fact(_("Amount paid"), c.amount_paid),
                    parts.fact(_("Paid on"), c.paid_on),
                ],
            )
        )
        entries += [
            parts.ReportEntry(
                _("Asset confiscated for a compensation claim"),
                a.recorded_at.date(),
                [
                    parts.fact(_("Asset"), a.description),
                    parts.fact(_("Estimated value"), a.estimated_value),
                    parts.fact(_("Status"), a.get_status_display()),
                ],
            )
            for a in item.assets
        ]
    return entries


def _remedy_entries(found: selectors.RemediesFile) -> list[parts.ReportEntry]:
    entries = _proceeding_entries(found) + _claim_entries(found)
    entries += [
        parts.ReportEntry(
            _("Legal aid"),
            a.aid.recorded_at.date(),
            [
                parts.fact(_("Counsel's organisation"), a.aid.counsel_organisation),
                parts.fact(_("Lawyer"), a.counsel_name),
                parts.fact(_("Free legal aid"), a.aid.get_free_aid_display()),
                parts.fact(_("Applied for on"), a.aid.applied_on),
                parts.fact(_("Decided on"), a.aid.decided_on),
            ],
        )
        for a in found.legal_aid
    ]
    entries += [
        parts.ReportEntry(
            _("Possible compelled offence"),
            o.flag.recorded_on,
            [
                parts.fact(_("Kind of offence"), o.flag.get_kind_display()),
                parts.fact(_("The offence"), o.offence),
                parts.fact(_("Its link to the exploitation"), o.link),
            ],
        )
        for o in found.offences
    ]
    return entries


def _remedies_report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    return [
        parts.section(
            "remedies",
            _("Proceedings and compensation"),
            lambda: selectors.remedies_file(user=user, case_id=case_id, purpose=Purpose.ASSISTANCE),
            _remedy_entries,
        )
    ]


def _party_entries(found: selectors_parties.CaseParties) -> list[parts.ReportEntry]:
    # The links of the person's case only: never the other cases sharing a party.
    return [
        parts.ReportEntry(
            link.party.name,
            None,
            [
                parts.fact(_("The party is"), link.party.kind_label),
                parts.fact(_("Roles in the process"), ", ".join(link.role_labels)),
                parts.fact(_("Sector (ISIC section)"), link.party.sector_label),
                parts.fact(_("Country"), link.party.country),
            ],
        )
        for link in found.links
    ]


def _parties_report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    return [
        parts.section(
            "parties",
            _("Offenders, employers and other parties"),
            lambda: selectors_parties.case_parties(
                user=user, case_id=case_id, purpose=Purpose.ASSISTANCE, others=False
            ),
            _party_entries,
        )
    ]


REPORT = [
    parts.ReportPart(key="justice", covers=("justice.CooperationRecord",), read=_report),
    parts.ReportPart(
        key="justice_remedies",
        covers=(
            "justice.Proceeding",
            "justice.ProceedingStageChange",
            "justice.ProtectiveMeasure",
            "justice.LegalAid",
            "justice.CompensationClaim",
            "justice.ConfiscatedAsset",
            "justice.CompelledOffence",
        ),
        read=_remedies_report,
    ),
    parts.ReportPart(
        key="justice_parties",
        covers=("justice.PartyLink", "justice.Party"),
        read=_parties_report,
    ),
]
