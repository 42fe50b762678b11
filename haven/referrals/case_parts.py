"""The referrals app's parts: the case's referrals and lead transfer on the case
page (R-47, no personal data), and its sections of the report for the person:
referrals with their history, lead transfers, cross-border transfers, and the
desk's consultations and concern reports linked to the case."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.cases import parts
from haven.referrals.models import AccessRequest, LeadTransfer, Referral
from haven.referrals.selectors import access_requests as access_request_selectors
from haven.referrals.selectors import case_page as case_page_selectors
from haven.referrals.selectors import crossborder as crossborder_selectors
from haven.referrals.selectors import desk as desk_selectors
from haven.referrals.selectors import referrals as referral_selectors

fact = parts.fact


def _day(moment: datetime) -> str:
    return formats.date_format(timezone.localdate(moment), "SHORT_DATE_FORMAT")


# --- case page ------------------------------------------------------------------------------


def _referrals(page: parts.CasePage) -> list[parts.Panel]:
    block = case_page_selectors.case_page_referrals(
        user=page.user,
        case_view=page.view,
        referrals_held=page.has_rows(Referral),
        transfers_held=page.has_rows(LeadTransfer),
    )
    return [
        parts.Panel(
            parts.SLOT_BODY,
            80,
            "referrals/_referrals_case_block.html",
            {"case_referrals": block},
            _("Referrals"),
        )
    ]


def _access_requests(page: parts.CasePage) -> list[parts.Panel]:
    """Hidden groups name the case lead and its contact point, with "ask for access"
    for those the rule lets ask; the requests made on the case, for the lead's staff
    (to answer) and for the organisation that asked (issue 11)."""
    view, user = page.view, page.user
    member_hidden = view.lead_id != user.organisation_id and any(
        access_policy.flow_status_of(allowed=g.allowed, code=g.code)
        not in (None, access_policy.FlowStatus.CAN_FLOW)
        for g in view.groups
    )
    answering = access_request_selectors.may_answer_access(user, view.lead_id)
    if not (member_hidden or answering):
        return []
    requests = (
        access_request_selectors.access_requests_of_case(
            user=user, case_id=view.case.id, lead_id=view.lead_id
        )
        if page.has_rows(AccessRequest)
        else []
    )
    lead = access_request_selectors.lead_contact_of(lead_id=view.lead_id) if member_hidden else None
    if not (requests or lead):
        return []
    block = {"lead": lead, "requests": requests, "purpose": page.purpose}
    return [
        parts.Panel(
            parts.SLOT_BODY, 85, "referrals/_access_requests_case_block.html", {"access": block}
        )
    ]


PANELS: list[parts.PanelProvider] = [_referrals, _access_requests]
CASE_ROWS = (Referral, LeadTransfer, AccessRequest)


# --- report for the person ------------------------------------------------------------------


def _referral_entry(
    row: referral_selectors.ReferralRow,
    details: dict[uuid.UUID, referral_selectors.ReferralDetail],
) -> parts.ReportEntry:
    facts = [
        fact(_("From"), row.from_organisation),
        fact(_("To"), row.to_organisation),
        fact(_("Purpose"), row.purpose_label),
        fact(_("Information shared"), ", ".join(row.field_group_labels)),
        fact(_("State"), row.state_label),
        fact(_("Answered on"), row.answered_at),
    ]
    detail = details.get(row.id)  # the message and history, where the lead sent or received it
    if detail is None:
        return parts.ReportEntry(row.type_label, timezone.localdate(row.sent_at), facts)
    facts.append(fact(_("Message"), detail.message))
    facts += [
        fact(
            f"{e.action_label} ({_day(e.at)}, {e.organisation})",
            " ".join(t for t in (e.decline_reason_label, e.note) if t),
        )
        for e in detail.events
    ]
    return parts.ReportEntry(row.type_label, timezone.localdate(row.sent_at), facts)


def _transfer_entry(row: referral_selectors.LeadTransferView) -> parts.ReportEntry:
    # The reason and answer are there for the two organisations it concerns.
    return parts.ReportEntry(
        _("Responsibility for your case handed over"),
        timezone.localdate(row.proposed_at),
        [
            fact(_("From"), row.from_organisation),
            fact(_("To"), row.to_organisation),
            fact(_("State"), row.state_label),
            fact(_("Reason"), row.reason),
            fact(_("Answer"), row.answer_note),
            fact(_("Answered on"), row.answered_at),
        ],
    )


def _crossborder(request: parts.ReportRequest) -> list[parts.ReportEntry]:
    rows = crossborder_selectors.transfer_list(user=request.user)
    return [
        parts.ReportEntry(
            _("Referral package across borders"),
            timezone.localdate(t.created_at),
            [
                fact(_("Direction"), t.direction_label),
                fact(_("Partner"), t.partner),
                fact(_("Stage"), t.stage),
                fact(_("Acknowledged on"), t.acknowledged_at),
            ],
        )
        for t in rows
        if t.case_id == request.case.id
    ]


def _desk(found: desk_selectors.CaseDeskRecords) -> list[parts.ReportEntry]:
    entries = [
        parts.ReportEntry(
            _("Consultation of the national desk"),
            timezone.localdate(c.row.occurred_at),
            [
                fact(_("Channel"), c.row.channel),
                fact(_("Topic"), c.row.topic),
                fact(_("Asked by"), c.row.caller_organisation_name or c.row.caller_org_type),
                fact(_("Question"), c.question),
                fact(_("Advice"), c.advice),
                fact(_("Passed on to"), ", ".join(c.row.routed_to)),
            ],
        )
        for c in found.consultations
    ]
    entries += [
        parts.ReportEntry(
            _("Report of a concern"),
            timezone.localdate(r.row.received_at),
            [
                fact(_("Reference"), r.row.reference),
                fact(_("Region"), r.row.region),
                fact(_("Description"), r.description),
                fact(_("Contact"), r.contact),
                fact(_("Closed because"), r.close_reason_label),
            ],
        )
        for r in found.reports
    ]
    return entries


def _access_request_entry(read: access_request_selectors.AccessRequestReasons) -> parts.ReportEntry:
    row = read.row
    return parts.ReportEntry(
        _("Another organisation asked to see more of your information"),
        timezone.localdate(row.asked_at),
        [
            fact(_("Asked by"), row.organisation),
            fact(_("Information asked for"), ", ".join(row.field_group_labels)),
            fact(_("Purpose"), row.purpose_label),
            fact(_("Why"), read.reason),
            fact(_("State"), row.state_label),
            fact(_("Why it was refused"), read.refusal),
            fact(_("Answered on"), row.answered_at),
        ],
    )


def _access_requests_report(request: parts.ReportRequest) -> parts.ReportSection:
    """Every request with its reasons, in one query whatever their number."""
    lead = request.context.lead
    read = access_request_selectors.access_requests_read_of_case(
        user=request.user, case_id=request.case.id, lead_id=lead.organisation_id if lead else None
    )
    return parts.ReportSection(
        "access_requests",
        _("Requests to see more of your information"),
        True,
        "",
        entries=[_access_request_entry(r) for r in read],
    )


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    user, case_id = request.user, request.case.id
    referrals = referral_selectors.referrals_of_case(user=user, case_id=case_id)
    details = (
        referral_selectors.referral_details_of_case(user=user, case_id=case_id) if referrals else {}
    )
    return [
        parts.ReportSection(
            "referrals",
            _("Referrals to other organisations"),
            True,
            "",
            entries=[_referral_entry(row, details) for row in referrals],
        ),
        parts.ReportSection(
            "lead_transfers",
            _("Changes of the responsible organisation"),
            True,
            "",
            entries=[
                _transfer_entry(row)
                for row in referral_selectors.lead_transfers_read_of_case(
                    user=user, case_id=case_id
                )
            ],
        ),
        parts.ReportSection(
            "crossborder",
            _("Referrals to other countries"),
            True,
            "",
            entries=_crossborder(request),
        ),
        _access_requests_report(request),
        parts.section(
            "desk",
            _("The national desk: consultations and reports of a concern"),
            lambda: desk_selectors.desk_records_of_case(user=user, case_id=case_id),
            _desk,
        ),
    ]


REPORT = [
    parts.ReportPart(
        key="referrals",
        covers=(
            "referrals.Referral",
            "referrals.ReferralEvent",
            "referrals.LeadTransfer",
            "referrals.CrossBorderTransfer",
            "referrals.Consultation",
            "referrals.ConcernReport",
            "referrals.AccessRequest",
        ),
        read=_report,
    ),
]
