"""Writes of the person's cooperation with the authorities and witness status (R-18).

Recorded for criminal proceedings and residence permits only; assistance never
depends on it (Dir Art. 11(3), CETS Art. 12(6)). See ``haven.justice.selectors``
for the reads and the rule in full.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.justice import selectors
from haven.justice.errors import ErrorCode
from haven.justice.models import CooperationRecord


@transaction.atomic
def cooperation_record(
    *,
    actor: User,
    case_id: object,
    cooperates_with_authorities: bool,
    is_witness: bool,
    recorded_on: date,
) -> CooperationRecord:
    """Record the person's cooperation and witness status as of ``recorded_on``
    (legal group). For proceedings and permits only: assistance never depends on
    it (R-18, Dir Art. 11(3), CETS Art. 12(6))."""
    gated = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=Purpose.IDENTIFICATION,
        write=True,
    )
    case = gated.case
    if recorded_on > timezone.localdate():
        raise case_errors.InvalidInput(
            _("The date cannot be in the future."), code=ErrorCode.INVALID, field="recorded_on"
        )
    record = CooperationRecord(
        case=case,
        cooperates_with_authorities=cooperates_with_authorities,
        is_witness=is_witness,
        recorded_on=recorded_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    record.full_clean(exclude=["case", "recorded_by"])
    record.save()
    gated.audit_record(action=Action.CREATE, object_type=selectors.OBJECT_TYPE, object_id=record.pk)
    return record
