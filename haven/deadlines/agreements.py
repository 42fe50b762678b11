"""Cooperation agreements (R-47), told to their parties' administrators.

Each step of an agreement's life (proposed, approved by a party, in effect,
refused, ended) is told when it happens: access names whom to tell, and
``agreement_notify`` (registered with ``haven.access.hooks.on_agreement_changed``
by ``DeadlinesConfig.ready``) tells them in the transaction of the step.

Agreements about to end are told 30 and 7 days before, once each, so that a new
agreement can be signed before access that rests on it stops. Agreements are
access's; the telling is this app's, run with the deadline sweep."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.access import hooks as access_hooks
from haven.access import selectors as access_selectors
from haven.accounts.models import User
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


STEP_LABELS = {
    "proposed": gettext_lazy(
        "A cooperation agreement naming your organisation, or a type you speak for, was "
        "proposed: it takes effect only when every party has approved it."
    ),
    "approved": gettext_lazy("A party approved a proposed cooperation agreement."),
    "in_effect": gettext_lazy(
        "Every party approved a cooperation agreement: it is in effect from its first day."
    ),
    "refused": gettext_lazy("A party refused a proposed cooperation agreement: it never applies."),
    "ended": gettext_lazy(
        "A cooperation agreement was ended: access that rests on it stops on its last day."
    ),
}
STEP_SUBJECTS = {
    "proposed": gettext_lazy("a cooperation agreement waits for approval"),
    "approved": gettext_lazy("a party approved a cooperation agreement"),
    "in_effect": gettext_lazy("a cooperation agreement is in effect"),
    "refused": gettext_lazy("a cooperation agreement was refused"),
    "ended": gettext_lazy("a cooperation agreement was ended"),
}


def _step(event: str) -> str:
    return f"agreement_{event}"


STEP_EVENTS = tuple(
    kinds.NotificationEvent(
        key=_step(event),
        label=STEP_LABELS[event],
        subject=STEP_SUBJECTS[event],
        url_name="access:agreement_detail",
    )
    for event in access_hooks.AGREEMENT_EVENTS
)


def agreement_notify(event: access_hooks.AgreementChanged) -> None:
    """Tell the people access named of a step of an agreement, in the app now (in
    the caller's transaction) and by e-mail after commit when e-mail is on."""
    notify.notify(
        recipients=User.objects.filter(pk__in=event.recipient_ids),
        kind=Notification.Kind.AGREEMENT,
        event=_step(event.event),
        subject_id=str(event.agreement_id),
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
    for event in (*EVENTS, *STEP_EVENTS):
        kinds.event_register(event)
    kinds.sweep_register(
        "agreements_ending", agreements_ending_sweep, label="agreements about to end: told"
    )
