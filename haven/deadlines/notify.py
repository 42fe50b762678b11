"""Notifications in the app and by e-mail: about deadlines, break-glass, and the
events other apps register (referrals, lead transfers, the coordination desk).

``notify`` writes one in-app ``Notification`` per distinct active recipient in
the caller's transaction. When ``HAVEN_EMAIL_NOTIFICATIONS`` is on, each
recipient with an e-mail address also gets a short plain e-mail once the
transaction commits. ``notify_by_email`` is the one e-mail path: the deadline
sweep and break-glass call it for the rows they build themselves.

Break-glass is ``haven.access``'s, which sits below this app: it names whom to
tell, and ``break_glass_notify`` (registered with
``haven.access.hooks.on_break_glass_used`` by ``DeadlinesConfig.ready``) tells
them, in the transaction of the grant.

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

from haven.access import hooks as access_hooks
from haven.accounts.models import User
from haven.cases.models import Case
from haven.deadlines import kinds
from haven.deadlines.models import Notification, Task

logger = logging.getLogger(__name__)

KINDS = frozenset({Notification.Kind.REFERRAL, Notification.Kind.DESK, Notification.Kind.AGREEMENT})

UNKNOWN_EVENT = gettext_lazy("Something changed on a referral.")
KIND_SUBJECTS: dict[str, Promise] = {
    Notification.Kind.REMINDER: gettext_lazy("a deadline is coming up"),
    Notification.Kind.ESCALATION: gettext_lazy("a deadline is overdue"),
    Notification.Kind.BREAK_GLASS: gettext_lazy("emergency access (break-glass) was used"),
    Notification.Kind.REFERRAL: gettext_lazy("something changed on a referral"),
    Notification.Kind.DESK: gettext_lazy("something is waiting at the coordination desk"),
    Notification.Kind.AGREEMENT: gettext_lazy("something changed on a cooperation agreement"),
}
UNKNOWN_SUBJECT = gettext_lazy("there is news for you")

# Pages for the kinds with no event, and the last resort. The events, their words
# and pages are registered by the apps that send them (``haven.deadlines.kinds``).
KIND_URLS: dict[str, str] = {
    Notification.Kind.REMINDER: "deadlines:deadline_list",
    Notification.Kind.ESCALATION: "deadlines:deadline_list",
}
FALLBACK_URL = "deadlines:notification_list"


def event_label(event: str) -> str:
    """A referral or desk event in words, for the notification list."""
    registered = kinds.event(event)
    return str(registered.label if registered else UNKNOWN_EVENT)


def notification_link(
    *, kind: str, event: str = "", subject_id: str = "", case_id: object = None
) -> str:
    """The path of the Haven page a notification is about (no host): the
    event's page if it resolves, else the case page (referrals) or a list."""
    if kind in KINDS:
        registered = kinds.event(event)
        url_name = registered.url_name if registered else None
        page_name = registered.page_name if registered else None
        subject_page = _reverse(url_name, subject_id) if subject_id else None
        link = subject_page or _reverse(page_name)
        if link:
            return link
    if kind == Notification.Kind.REFERRAL and case_id is not None:
        return reverse("web:case_detail", args=[case_id])
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


def break_glass_notify(event: access_hooks.BreakGlassUsed) -> None:
    """Tell the case lead and the national coordinator of a break-glass use (the
    people access named), in the app now, in the caller's transaction, and by
    e-mail after commit when e-mail is on. The notification names the case and
    the use, no personal data."""
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            kind=Notification.Kind.BREAK_GLASS,
            case_id=event.case_id,
            break_glass_id=event.grant_id,
            created_at=now,
        )
        for user_id in event.recipient_ids
    )
    notify_by_email(notifications)  # after commit, when e-mail is on


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
    registered = kinds.event(m.event) if m.kind in KINDS else None
    what = registered.subject if registered else None
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
