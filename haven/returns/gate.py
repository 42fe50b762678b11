"""The returns app's way through the case gate: every read and write of a return
plan, its warnings, reintegration goals and follow-ups is decided in the
``assessment`` group for the purpose ``assistance`` (``legal`` is never needed to
prepare a return). Missing and hidden plans give the same 404."""

from __future__ import annotations

from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.lib import ids
from haven.returns import errors
from haven.returns.models import ReturnPlan

GROUP = FieldGroup.ASSESSMENT
# Return and reintegration are part of assistance (CETS Art. 16(5)): the plan is read
# and written for the purpose the case page reads the case for, so that a block the
# page shows never leads to a refusal. Handing the case to a partner abroad is the
# cross-border package's own step, for the purpose ``return``.
PURPOSE = Purpose.ASSISTANCE


def not_found() -> errors.PlanNotFound:
    return errors.PlanNotFound(_("No return plan with this reference is available to you."))


def case_for_write(*, actor: User, case_id: object) -> case_selectors.GatedCase:
    """The case, locked, for a team member who may write its assessment group."""
    return case_selectors.case_for(
        user=actor, case_id=case_id, group=GROUP, purpose=PURPOSE, write=True
    )


def plan_for_write(*, actor: User, plan_id: object) -> tuple[case_selectors.GatedCase, ReturnPlan]:
    """The plan and its case, locked (case first), if the actor may write the case's
    assessment group; the same 404 for a missing plan and a hidden one."""
    pk = ids.parse_uuid(plan_id)
    case_id = (
        ReturnPlan.objects.filter(pk=pk).values_list("case_id", flat=True).first() if pk else None
    )
    if pk is None or case_id is None:
        raise not_found()
    try:
        gated = case_for_write(actor=actor, case_id=case_id)
    except case_errors.CaseNotFound:
        raise not_found() from None
    plan = ReturnPlan.objects.select_for_update().select_related("case__person").get(pk=pk)
    return gated, plan
