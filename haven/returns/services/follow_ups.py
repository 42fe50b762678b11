"""Follow-up after return (R-32): each contact records its outcome and the
re-trafficking risk indicators found, by the organisation holding it; recording
it closes its deadline. A missed one is escalated by ``haven.deadlines``."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.deadlines import services as deadline_services
from haven.lib import ids
from haven.returns import clocks, errors, gate
from haven.returns.models import ContactOutcome, FollowUp, RiskIndicator
from haven.returns.services import plans
from haven.vault import services as vault

NOTE_CONTEXT = "follow_up.note"


def _follow_up(actor: User, follow_up_id: object) -> tuple[case_selectors.GatedCase, FollowUp]:
    pk = ids.parse_uuid(follow_up_id)
    plan_id = (
        FollowUp.objects.filter(pk=pk).values_list("plan_id", flat=True).first() if pk else None
    )
    if pk is None or plan_id is None:
        raise gate.not_found()
    gated, _plan = gate.plan_for_write(actor=actor, plan_id=plan_id)
    return gated, FollowUp.objects.select_for_update().select_related("case__person").get(pk=pk)


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    follow_up_id: object,
    contacted_on: date,
    outcome: str,
    indicators: list[str],
    note: str = "",
) -> FollowUp:
    """Record a follow-up contact after return (R-32): by the organisation holding
    it, once; its outcome and the re-trafficking risk indicators found."""
    gated, row = _follow_up(actor, follow_up_id)
    if actor.organisation_id != row.organisation_id:
        raise errors.FollowUpNotHolder(
            _("Only the organisation holding this follow-up records it.")
        )
    if row.outcome:
        raise errors.FollowUpDone(_("This follow-up contact is already recorded."))
    error = errors.FollowUpInputInvalid
    if outcome not in ContactOutcome.values:
        raise error(_("Choose one of the options."), field="outcome")
    if any(key not in RiskIndicator.values for key in indicators):
        raise error(_("Choose among the listed indicators."), field="indicators")
    returned_on = row.plan.returned_on
    assert returned_on is not None  # noqa: S101 - follow-ups exist once returned
    if contacted_on > timezone.localdate() or contacted_on < returned_on:
        raise error(_("The contact date is between the return and today."), field="contacted_on")
    text = note.strip()
    if len(text) > plans.TEXT_MAX:
        raise error(_("At most %(max)d characters.") % {"max": plans.TEXT_MAX}, field="note")
    row.contacted_on, row.outcome = contacted_on, outcome
    row.indicators = sorted(set(indicators))
    row.note_enc = vault.encrypt_optional(
        key=row.case.person.data_key, plaintext=text, context=NOTE_CONTEXT
    )
    row.recorded_at, row.recorded_by = timezone.now(), actor
    row.save(
        update_fields=[
            "contacted_on",
            "outcome",
            "indicators",
            "note_enc",
            "recorded_at",
            "recorded_by",
        ]
    )
    deadline_services.tasks_close(
        case_id=row.case_id, kind=clocks.FOLLOW_UP, by=actor, follow_up=str(row.pk)
    )
    detail = {"months": row.months, "outcome": outcome, "indicators": len(row.indicators)}
    gated.audit_record(
        action=Action.UPDATE, object_type="returns.FollowUp", object_id=row.pk, detail=detail
    )
    return row
