"""Cooperation agreements about to end (R-47): their parties' administrators are
told 30 and 7 days before, once each, so that a new agreement can be signed
before access that rests on it stops. Agreements are access's; the telling is
this app's, run with the deadline sweep."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.access import selectors as access_selectors
from haven.deadlines import kinds, notify
from haven.deadlines.models import Notification

# Days before the end at which the parties are told; each threshold once.
ALERT_DAYS = (30, 7)


def _event(days: int) -> str:
    return f"agreement_ends_in_{days}_days"


EVENTS = tuple(
    kinds.NotificationEvent(
        key=_event(days),
        label=gettext_lazy(
            "A cooperation agreement your organisation is party to ends within %(days)d days: "
            "access that rests on it will stop then."
        )
        % {"days": days},
        subject=gettext_lazy("a cooperation agreement ends within %(days)d days") % {"days": days},
        url_name="access:agreement_detail",
    )
    for days in ALERT_DAYS
)


def agreements_ending_sweep(now: datetime) -> int:
    """Tell the administrators of each agreement's parties at each threshold it has
    reached, once per threshold; returns how many notifications were written."""
    today = timezone.localdate(now)
    written = 0
    for agreement in access_selectors.agreements_ending(today=today, within_days=max(ALERT_DAYS)):
        left = (agreement.ends_on - today).days if agreement.ends_on else 0
        # The nearest threshold reached; a 7-day alert replaces a missed 30-day one.
        days = min(d for d in ALERT_DAYS if left <= d)
        told = set(
            Notification.objects.filter(
                kind=Notification.Kind.AGREEMENT,
                event=_event(days),
                subject_id=str(agreement.pk),
            ).values_list("recipient_id", flat=True)
        )
        recipients = [
            user
            for user in access_selectors.party_administrators(agreement=agreement)
            if user.pk not in told
        ]
        written += notify.notify(
            recipients=recipients,
            kind=Notification.Kind.AGREEMENT,
            event=_event(days),
            subject_id=str(agreement.pk),
        )
    return written


def register() -> None:
    for event in EVENTS:
        kinds.event_register(event)
    kinds.sweep_register(
        "agreements_ending", agreements_ending_sweep, label="agreements about to end: told"
    )
