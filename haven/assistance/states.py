"""The state machine of an assistance service in a plan (R-20).

A refusal may come at any time before the service ends (the person withdraws
consent); it is never a penalty. ``haven.assistance.services.plans`` checks
``SERVICE_TRANSITIONS`` before every change and writes the audit event.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.lib.states import TransitionTable


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # agreed in the plan, not started
    ACTIVE = "active", _("Under way")  # the provider delivers it
    COMPLETED = "completed", _("Completed")  # final: delivered, with its outcome
    REFUSED = "refused", _("Refused by the person")  # final; R-20: recorded without penalty
    STOPPED = "stopped", _("Stopped")  # final: ended by the team or the provider


St = ServiceStatus

SERVICE_TRANSITIONS: TransitionTable[ServiceStatus] = TransitionTable(
    ServiceStatus,
    {
        St.PLANNED: {St.ACTIVE, St.REFUSED, St.STOPPED},
        St.ACTIVE: {St.COMPLETED, St.REFUSED, St.STOPPED},
        St.COMPLETED: (),
        St.REFUSED: (),
        St.STOPPED: (),
    },
)
