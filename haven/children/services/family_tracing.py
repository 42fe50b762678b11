"""Family tracing, only where it is in the child's best interests (R-11)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from haven.access.models import FieldGroup
from haven.accounts.models import Organisation, User
from haven.audit.models import Action
from haven.children import checks, errors
from haven.children.models import (
    FamilyTracing,
    TracingStatus,
)
from haven.lib import locking
from haven.vault import services as vault

TRACING_CHILD_ONLY = _lazy("Family tracing is for a child or a person presumed to be a child.")
REASON_CONTEXT = "family_tracing.best_interests_reason"
OUTCOME_CONTEXT = "family_tracing.outcome"
TRACING_ENDINGS = (TracingStatus.FOUND, TracingStatus.NOT_FOUND, TracingStatus.STOPPED)


@transaction.atomic
def family_tracing_start(
    *,
    actor: User,
    case_id: object,
    best_interests_reason: str,
    started_on: date,
    traced_by_id: uuid.UUID | None = None,
) -> FamilyTracing:
    """Start tracing a child's family, only where it serves the child (R-11): the
    reason is required, and one tracing is under way at a time."""
    case = checks.writable_child_case(
        actor=actor, case_id=case_id, group=FieldGroup.ASSESSMENT, refusal=str(TRACING_CHILD_ONLY)
    )
    error = errors.TracingInputInvalid
    reason = checks.required_text(
        best_interests_reason,
        field="best_interests_reason",
        message=_("Write why tracing the family is in the child's best interests."),
        error=error,
    )
    checks.not_future(started_on, field="started_on", error=error)
    if FamilyTracing.objects.filter(case_id=case.id, status=TracingStatus.UNDER_WAY).exists():
        raise errors.TracingUnderWay(_("A family tracing is already under way: update it instead."))
    tracing = FamilyTracing(
        case=case,
        best_interests_reason_enc=vault.encrypt(
            key=case.person.data_key, plaintext=reason, context=REASON_CONTEXT
        ),
        traced_by=_tracing_organisation(traced_by_id),
        started_on=started_on,
        updated_on=started_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    tracing.full_clean(exclude=["case", "recorded_by", "traced_by"])
    tracing.save()
    checks.audit_record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        row=tracing,
        group=FieldGroup.ASSESSMENT,
        detail={"status": tracing.status},
    )
    return tracing


def _tracing_organisation(organisation_id: uuid.UUID | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise errors.TracingInputInvalid(_("No such organisation."), field="traced_by")
    return organisation


@transaction.atomic
def family_tracing_update(
    *, actor: User, tracing_id: object, status: str, outcome: str, updated_on: date, version: int
) -> FamilyTracing:
    """Record progress or the end of a tracing. Found, not found and stopped (not in
    the child's best interests) need the outcome in words; an ended tracing stays ended.
    ``version`` is the one the user read: a tracing updated since is refused
    (``edit_conflict``), never overwritten."""
    tracing: FamilyTracing = checks.row_for_update(FamilyTracing, actor=actor, row_id=tracing_id)
    case = checks.writable_case(actor=actor, case_id=tracing.case_id, group=FieldGroup.ASSESSMENT)
    error = errors.TracingInputInvalid
    if tracing.status != TracingStatus.UNDER_WAY:
        raise errors.TracingClosed(_("This tracing has ended; start a new one if needed."))
    checks.choice(status, TracingStatus, field="status", error=error)
    if status in TRACING_ENDINGS:
        text = checks.required_text(
            outcome,
            field="outcome",
            message=_("Write the outcome, or why tracing is not in the child's best interests."),
            error=error,
        )
    else:
        text = checks.optional_text(outcome, field="outcome", error=error)
    checks.not_future(updated_on, field="updated_on", error=error)
    if updated_on < tracing.started_on:
        raise error(_("The date cannot be before the tracing started."), field="updated_on")
    locking.version_claim(tracing, expected=version)
    tracing.status = status
    tracing.updated_on = updated_on
    fields = ["status", "updated_on"]
    if text:
        key = case.person.data_key
        tracing.outcome_enc = vault.encrypt(key=key, plaintext=text, context=OUTCOME_CONTEXT)
        fields.append("outcome_enc")
    tracing.save(update_fields=fields)
    checks.audit_record(
        actor=actor,
        case=case,
        action=Action.UPDATE,
        row=tracing,
        group=FieldGroup.ASSESSMENT,
        detail={"status": status},
    )
    return tracing
