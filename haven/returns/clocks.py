"""The returns app's deadline kind (R-32): each follow-up contact after a return is
a deadline on the list of the organisation that carries it out, reminded a week
before and escalated through ``haven.deadlines`` when missed. Registered when
``ReturnsConfig.ready`` imports this module.

Who holds the follow-ups (``follow_up_holder``): the partner organisation in the
country of return when it works in Haven and is on the case team (it joined by
accepting the case's referral or cross-border handover), so that the follow-ups
appear on the partner's own list; otherwise the sending organisation, which then
makes the contact through the partner or focal point abroad. A deadline on an
organisation outside the team would reach nobody: the deadline lists and the
escalation only ever show a case's deadlines to its team.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext

from haven.access.models import TeamMembership
from haven.accounts.models import Organisation
from haven.deadlines import kinds

REMINDER_DAYS_BEFORE = 7


def _describe(detail: dict[str, Any], country: str) -> str:
    months = detail.get("months")
    if not isinstance(months, int):
        return gettext("Follow-up after return")
    return ngettext(
        "Follow-up %(months)d month after return",
        "Follow-up %(months)d months after return",
        months,
    ) % {"months": months}


FOLLOW_UP = kinds.register(
    "return_follow_up",
    gettext_lazy("Follow-up after return"),
    owner="returns",
    describe=_describe,
    closed_by_record=gettext_lazy("This task closes when the follow-up contact is recorded."),
)


def follow_up_holder(
    *, case_id: uuid.UUID, partner: Organisation | None, sender: Organisation
) -> Organisation:
    """The partner when it is on the case team, else the sending organisation."""
    if (
        partner is not None
        and TeamMembership.objects.filter(case_id=case_id, organisation=partner).exists()
    ):
        return partner
    return sender


def register() -> None:
    """Nothing to hook into a case's lifecycle: the follow-ups start when a plan is
    marked returned (``services.plans``). Kept so ``ready`` reads like every app's."""
