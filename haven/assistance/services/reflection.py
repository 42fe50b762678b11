"""Reflection period writes (R-15). One transaction each, audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance.models import ReflectionPeriod
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib.errors import Conflict, InvalidInput

REFLECTION_FLOOR_DAYS = 30  # CETS Art. 13


@transaction.atomic
def reflection_period_start(
    *, actor: User, case_id: Any, person_id: Any, starts_on: date, days: int, decision_id: str
) -> ReflectionPeriod:
    """Start the recovery and reflection period on the positive reasonable-grounds
    decision date (R-15): never fewer than 30 days."""
    if days < REFLECTION_FLOOR_DAYS:
        raise InvalidInput(
            "A reflection period cannot be shorter than 30 days.", code="reflection_below_floor"
        )
    if ReflectionPeriod.objects.filter(case_id=case_id).exists():
        raise Conflict("This case already has a reflection period.", code="reflection_exists")
    period = ReflectionPeriod(
        case_id=case_id,
        starts_on=starts_on,
        granted_days=days,
        ends_on=starts_on + timedelta(days=days),
        started_by_decision=decision_id,
    )
    period.full_clean(exclude=["case"])
    period.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="assistance.ReflectionPeriod",
        object_id=period.pk,
        person_id=person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail={"days": days},
    )
    return period
