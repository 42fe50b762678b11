"""Referrals' part of the shared deadline machinery: the notification events it
sends (referrals, lead transfers, the coordination desk, cross-border packages)
and the sweeps it runs with the deadline sweep (overdue referrals, missing
cross-border acknowledgements). Registered by ``ReferralsConfig.ready``."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy

from haven.deadlines import kinds
from haven.referrals.services import crossborder as crossborder_services
from haven.referrals.services import referrals as referral_services

# A team member asked the case lead for kinds of information hidden from it (issue
# 11): the lead answers by recording the consent (which closes the task) or by
# refusing with a reason on the request's page. Detail: {"request": id}.
ACCESS_REQUEST = kinds.register(
    "access_request",
    gettext_lazy("Answer a request for access"),
    owner="referrals",
    closed_by_record=gettext_lazy(
        "This task closes when the consent that covers the request is recorded, or when "
        "the request is refused on its page."
    ),
)

# What happened, in words for the notification list and the e-mail subject (after
# "Haven: "), and the page each event links to: a URL name taking the subject id
# (the referral, transfer, report or consultation), or a list page.
EVENTS = (
    kinds.NotificationEvent(
        key="received",
        label=gettext_lazy("A referral is waiting for your organisation."),
        subject=gettext_lazy("a referral is waiting for your organisation"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="accepted",
        label=gettext_lazy("Your referral was accepted."),
        subject=gettext_lazy("a referral was accepted"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="declined",
        label=gettext_lazy("Your referral was declined."),
        subject=gettext_lazy("a referral was declined"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="info_requested",
        label=gettext_lazy("More information was asked for on a referral."),
        subject=gettext_lazy("more information is asked for on a referral"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="info_provided",
        label=gettext_lazy("More information was given on a referral."),
        subject=gettext_lazy("more information was given on a referral"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="withdrawn",
        label=gettext_lazy("A referral was withdrawn."),
        subject=gettext_lazy("a referral was withdrawn"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="overdue",
        label=gettext_lazy("A referral has had no answer in time."),
        subject=gettext_lazy("a deadline is overdue"),
        url_name="referrals:referral_detail",
    ),
    kinds.NotificationEvent(
        key="lead_transfer_proposed",
        label=gettext_lazy("Your organisation is asked to take the case lead."),
        subject=gettext_lazy("your organisation is asked to take a case lead"),
        url_name="referrals:lead_transfer_detail",
    ),
    kinds.NotificationEvent(
        key="lead_transfer_accepted",
        label=gettext_lazy("The case lead transfer was accepted."),
        subject=gettext_lazy("a case lead transfer was accepted"),
        url_name="referrals:lead_transfer_detail",
    ),
    kinds.NotificationEvent(
        key="lead_transfer_declined",
        label=gettext_lazy("The case lead transfer was declined."),
        subject=gettext_lazy("a case lead transfer was declined"),
        url_name="referrals:lead_transfer_detail",
    ),
    kinds.NotificationEvent(
        key="lead_transfer_withdrawn",
        label=gettext_lazy("A proposed case lead transfer was withdrawn."),
        subject=gettext_lazy("a proposed case lead transfer was withdrawn"),
        url_name="referrals:lead_transfer_detail",
    ),
    kinds.NotificationEvent(
        key="concern_reported",
        label=gettext_lazy("A concern was reported to the coordination desk."),
        subject=gettext_lazy("a concern was reported to the coordination desk"),
        url_name="referrals:desk_report_detail",
    ),
    kinds.NotificationEvent(
        key="acknowledgement_missing",
        label=gettext_lazy("A cross-border transfer has not been acknowledged."),
        subject=gettext_lazy("a cross-border transfer is not acknowledged"),
        page_name="referrals:crossborder_list",
    ),
    kinds.NotificationEvent(
        key="consultation_routed",
        label=gettext_lazy("A desk consultation was passed to your organisation."),
        subject=gettext_lazy("a desk consultation was passed to your organisation"),
        # No page: only the coordinator that logged a consultation reads it (the
        # desk's rule), so the notification itself is the message (no dead link).
    ),
    kinds.NotificationEvent(
        key="access_requested",
        label=gettext_lazy("A team member asks for access to information on a case you lead."),
        subject=gettext_lazy("a team member asks for access to a case you lead"),
        url_name="referrals:access_request_detail",
    ),
    kinds.NotificationEvent(
        key="access_granted",
        label=gettext_lazy("Your request for access was granted: the consent was recorded."),
        subject=gettext_lazy("your request for access was granted"),
        url_name="referrals:access_request_detail",
    ),
    kinds.NotificationEvent(
        key="access_refused",
        label=gettext_lazy("Your request for access was refused."),
        subject=gettext_lazy("your request for access was refused"),
        url_name="referrals:access_request_detail",
    ),
)


def _referrals_overdue(now: datetime) -> int:
    return referral_services.referrals_sweep(now=now)


def _crossborder_unacknowledged(now: datetime) -> int:
    return crossborder_services.crossborder_sweep(now=now)


def register() -> None:
    for event in EVENTS:
        kinds.event_register(event)
    kinds.sweep_register(
        "referrals_escalated", _referrals_overdue, label="overdue referrals escalated"
    )
    kinds.sweep_register(
        "crossborder_alerted",
        _crossborder_unacknowledged,
        label="cross-border acknowledgements missing",
    )
