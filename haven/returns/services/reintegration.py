"""The reintegration plan (R-31, CETS Art. 16(5)): goals of social and labour
inclusion by area, each with the outcome recorded against it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit.models import Action
from haven.lib import ids, locking
from haven.returns import errors, gate
from haven.returns.models import GoalOutcome, ReintegrationArea, ReintegrationGoal, ReturnPlanState
from haven.returns.services import plans
from haven.vault import services as vault

GOAL_CONTEXT = "reintegration.goal"
OUTCOME_CONTEXT = "reintegration.outcome_note"


def _text(value: str, *, field: str, required: str = "") -> str:
    text = value.strip()
    if required and not text:
        raise errors.GoalInputInvalid(required, field=field)
    if len(text) > plans.TEXT_MAX:
        raise errors.GoalInputInvalid(
            _("At most %(max)d characters.") % {"max": plans.TEXT_MAX}, field=field
        )
    return text


@transaction.atomic
def reintegration_goal_add(
    *, actor: User, plan_id: object, area: str, goal: str
) -> ReintegrationGoal:
    """Add a goal to the reintegration plan of a return plan not cancelled."""
    gated, plan = gate.plan_for_write(actor=actor, plan_id=plan_id)
    if plan.status == ReturnPlanState.CANCELLED:
        raise errors.PlanNotEditable(_("This return plan was cancelled."))
    if area not in ReintegrationArea.values:
        raise errors.GoalInputInvalid(_("Choose one of the options."), field="area")
    text = _text(goal, field="goal", required=_("Write the goal."))
    row = ReintegrationGoal(
        plan=plan,
        case_id=plan.case_id,
        area=area,
        goal_enc=vault.encrypt(key=plan.case.person.data_key, plaintext=text, context=GOAL_CONTEXT),
        updated_on=timezone.localdate(),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    row.save()
    gated.audit_record(
        action=Action.CREATE,
        object_type="returns.ReintegrationGoal",
        object_id=row.pk,
        detail={"area": area},
    )
    return row


@transaction.atomic
def reintegration_goal_update(
    *, actor: User, goal_id: object, outcome: str, note: str, version: int
) -> ReintegrationGoal:
    """Record the outcome against a goal; a stale edit saves nothing."""
    pk = ids.parse_uuid(goal_id)
    plan_id = (
        ReintegrationGoal.objects.filter(pk=pk).values_list("plan_id", flat=True).first()
        if pk
        else None
    )
    if pk is None or plan_id is None:
        raise gate.not_found()
    gated, plan = gate.plan_for_write(actor=actor, plan_id=plan_id)
    row = ReintegrationGoal.objects.select_for_update().get(pk=pk)
    if outcome not in GoalOutcome.values:
        raise errors.GoalInputInvalid(_("Choose one of the options."), field="outcome")
    text = _text(note, field="note")
    locking.version_claim(row, expected=version)
    row.outcome = outcome
    row.outcome_note_enc = vault.encrypt_optional(
        key=plan.case.person.data_key, plaintext=text, context=OUTCOME_CONTEXT
    )
    row.updated_on = timezone.localdate()
    row.save(update_fields=["outcome", "outcome_note_enc", "updated_on"])
    gated.audit_record(
        action=Action.UPDATE,
        object_type="returns.ReintegrationGoal",
        object_id=row.pk,
        detail={"outcome": outcome},
    )
    return row
