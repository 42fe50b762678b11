"""Notifications about referrals, lead transfers and the coordination desk, in
the app and by e-mail (issue 6, "Notifications").

``notify`` writes one in-app ``Notification`` per distinct active recipient in
the caller's transaction. When ``HAVEN_EMAIL_NOTIFICATIONS`` is on, each
recipient with an e-mail address also gets a short plain e-mail once the
transaction commits. ``notify_by_email`` is the one e-mail path: the deadline
sweep and break-glass call it for the rows they build themselves.

No personal data leaves the system: an e-mail says what kind of thing happened,
names the case by its pseudonymous reference, and links to the Haven page
(``HAVEN_BASE_URL``) where a signed-in user reads the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.accounts.models import User
from haven.assistance.models import Notification, Task
from haven.cases.models import Case

logger = logging.getLogger(__name__)

KINDS = frozenset({Notification.Kind.REFERRAL, Notification.Kind.DESK})

# What happened, in words for the notification list (no personal data).
EVENT_LABELS: dict[str, Promise] = {
    "received": gettext_lazy("A referral is waiting for your organisation."),
    "accepted": gettext_lazy("Your referral was accepted."),
    "declined": gettext_lazy("Your referral was declined."),
    "info_requested": gettext_lazy("More information was asked for on a referral."),
    "info_provided": gettext_lazy("More information was given on a referral."),
    "withdrawn": gettext_lazy("A referral was withdrawn."),
    "overdue": gettext_lazy("A referral has had no answer in time."),
    "lead_transfer_proposed": gettext_lazy("Your organisation is asked to take the case lead."),
    "lead_transfer_accepted": gettext_lazy("The case lead transfer was accepted."),
    "lead_transfer_declined": gettext_lazy("The case lead transfer was declined."),
    "lead_transfer_withdrawn": gettext_lazy("A proposed case lead transfer was withdrawn."),
    "concern_reported": gettext_lazy("A concern was reported to the coordination desk."),
    "acknowledgement_missing": gettext_lazy("A cross-border transfer has not been acknowledged."),
    "consultation_routed": gettext_lazy("A desk consultation was passed to your organisation."),
}
UNKNOWN_EVENT = gettext_lazy("Something changed on a referral.")

# The e-mail subject line for each event (after "Haven: ").
EVENT_SUBJECTS: dict[str, Promise] = {
    "received": gettext_lazy("a referral is waiting for your organisation"),
    "accepted": gettext_lazy("a referral was accepted"),
    "declined": gettext_lazy("a referral was declined"),
    "info_requested": gettext_lazy("more information is asked for on a referral"),
    "info_provided": gettext_lazy("more information was given on a referral"),
    "withdrawn": gettext_lazy("a referral was withdrawn"),
    "overdue": gettext_lazy("a deadline is overdue"),
    "lead_transfer_proposed": gettext_lazy("your organisation is asked to take a case lead"),
    "lead_transfer_accepted": gettext_lazy("a case lead transfer was accepted"),
    "lead_transfer_declined": gettext_lazy("a case lead transfer was declined"),
    "lead_transfer_withdrawn": gettext_lazy("a proposed case lead transfer was withdrawn"),
    "concern_reported": gettext_lazy("a concern was reported to the coordination desk"),
    "acknowledgement_missing": gettext_lazy("a cross-border transfer is not acknowledged"),
    "consultation_routed": gettext_lazy("a desk consultation was passed to your organisation"),
}
KIND_SUBJECTS: dict[str, Promise] = {
    Notification.Kind.REMINDER: gettext_lazy("a deadline is coming up"),
    Notification.Kind.ESCALATION: gettext_lazy("a deadline is overdue"),
    Notification.Kind.BREAK_GLASS: gettext_lazy("emergency access (break-glass) was used"),
    Notification.Kind.REFERRAL: gettext_lazy("something changed on a referral"),
    Notification.Kind.DESK: gettext_lazy("something is waiting at the coordination desk"),
}

UNKNOWN_SUBJECT = gettext_lazy("there is news for you")

# The page each event links to: a URL name taking the subject id (the referral,
# transfer, report or package). When the name does not resolve, the link falls
# back to the case page (referral kind) or the notification list (desk kind).
EVENT_URLS: dict[str, str] = {
    "received": "referrals:referral_detail",
    "accepted": "referrals:referral_detail",
    "declined": "referrals:referral_detail",
    "info_requested": "referrals:referral_detail",
    "info_provided": "referrals:referral_detail",
    "withdrawn": "referrals:referral_detail",
    "overdue": "referrals:referral_detail",
    "lead_transfer_proposed": "referrals:lead_transfer_detail",
    "lead_transfer_accepted": "referrals:lead_transfer_detail",
    "lead_transfer_declined": "referrals:lead_transfer_detail",
    "lead_transfer_withdrawn": "referrals:lead_transfer_detail",
    "concern_reported": "referrals:desk_report_detail",
    "consultation_routed": "referrals:desk_consultation_detail",
}
# Events whose page is a list (no subject id in the address).
EVENT_PAGES: dict[str, str] = {
    "acknowledgement_missing": "referrals:crossborder_list",
}
# Pages for the kinds with no event, and the last resort.
KIND_URLS: dict[str, str] = {
    Notification.Kind.REMINDER: "assistance:deadline_list",
    Notification.Kind.ESCALATION: "assistance:deadline_list",
}
FALLBACK_URL = "assistance:notification_list"


def event_label(event: str) -> str:
    """A referral or desk event in words, for the notification list."""
    return str(EVENT_LABELS.get(event, UNKNOWN_EVENT))


def notification_link(
    *, kind: str, event: str = "", subject_id: str = "", case_id: object = None
) -> str:
    """The path of the Haven page a notification is about (no host): the
    event's page if it resolves, else the case page (referrals) or a list."""
    if kind in KINDS:
        subject_page = _reverse(EVENT_URLS.get(event), subject_id) if subject_id else None
        link = subject_page or _reverse(EVENT_PAGES.get(event))
        if link:
            return link
    if kind == Notification.Kind.REFERRAL and case_id is not None:
        return reverse("cases:detail", args=[case_id])
    return reverse(KIND_URLS.get(kind, FALLBACK_URL))


def _reverse(name: str | None, *args: object) -> str | None:
    if not name:
        return None
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another part of issue 6 has not built
        return None


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    event: str,
    case: Case | None = None,
    subject_id: str = "",
) -> int:
    """Tell each distinct active recipient, in the app now (in the caller's
    transaction) and by e-mail after commit when e-mail is on. Returns the
    number of notifications created."""
    if kind not in KINDS:
        raise ValueError(f"notify() sends referral or desk notifications, not {str(kind)!r}")
    if kind == Notification.Kind.REFERRAL and case is None:
        raise ValueError("a referral notification names its case")
    users = {user.pk: user for user in recipients if user.is_active}
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            kind=kind,
            event=event,
            subject_id=str(subject_id),
            case=case,
            created_at=now,
        )
        for user_id in sorted(users)
    )
    notify_by_email(notifications)
    return len(notifications)


@dataclass(frozen=True)
class _Mail:
    """What one e-mail needs, copied out of a notification before commit."""

    recipient_id: int
    kind: str
    event: str
    subject_id: str
    case_id: Any
    task_id: Any


def notify_by_email(notifications: Sequence[Notification]) -> None:
    """E-mail the recipients of these (just built) notifications once the
    transaction commits, when ``HAVEN_EMAIL_NOTIFICATIONS`` is on. Nothing is
    sent if the transaction rolls back."""
    if not settings.HAVEN_EMAIL_NOTIFICATIONS or not notifications:
        return
    mails = [
        _Mail(
            recipient_id=n.recipient_id,
            kind=n.kind,
            event=n.event,
            subject_id=n.subject_id,
            case_id=n.case_id,
            task_id=n.task_id,
        )
        for n in notifications
    ]
    transaction.on_commit(lambda: _send(mails))


def _send(mails: Sequence[_Mail]) -> None:
    """Send the e-mails; a failing mail server never undoes the committed work."""
    messages = _messages(mails)
    if not messages:
        return
    try:
        sent = mail.get_connection().send_messages(messages)
    except Exception as exc:  # after commit: log (no addresses) and carry on
        logger.warning("notification e-mail failed: %s", type(exc).__name__)
        return
    logger.info("notification e-mail: %d sent", sent or 0)


def _messages(mails: Sequence[_Mail]) -> list[mail.EmailMessage]:
    """One message per notification whose recipient is active and has an address
    (two queries for the whole batch)."""
    addresses = dict(
        User.objects.filter(pk__in={m.recipient_id for m in mails}, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    references = _case_references(mails)
    return [
        mail.EmailMessage(
            subject=_subject(m),
            body=_body(m, references.get(m.case_id or m.task_id, "")),
            to=[addresses[m.recipient_id]],
        )
        for m in mails
        if m.recipient_id in addresses
    ]


def _case_references(mails: Sequence[_Mail]) -> dict[Any, str]:
    """Case references keyed by case id, and by task id for task notifications."""
    references: dict[Any, str] = dict(
        Case.objects.filter(pk__in={m.case_id for m in mails if m.case_id}).values_list(
            "pk", "reference"
        )
    )
    task_ids = {m.task_id for m in mails if m.task_id}
    if task_ids:
        references.update(Task.objects.filter(pk__in=task_ids).values_list("pk", "case__reference"))
    return references


def _subject(m: _Mail) -> str:
    what = EVENT_SUBJECTS.get(m.event) if m.kind in KINDS else None
    return _("Haven: %(what)s") % {"what": what or KIND_SUBJECTS.get(m.kind, UNKNOWN_SUBJECT)}


def _body(m: _Mail, case_reference: str) -> str:
    link = settings.HAVEN_BASE_URL.rstrip("/") + notification_link(
        kind=m.kind, event=m.event, subject_id=m.subject_id, case_id=m.case_id
    )
    lines = [_("There is news for you in Haven.")]
    if case_reference:
        lines.append(_("Case reference: %(reference)s") % {"reference": case_reference})
    lines += [
        "",
        _("Sign in to Haven to read it: %(link)s") % {"link": link},
        "",
        _("This message says no more on purpose: details stay in Haven."),
    ]
    return "\n".join(lines) + "\n"
