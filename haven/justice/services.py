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
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.justice import selectors
from haven.justice.models import CooperationRecord
from haven.lib.errors import Conflict


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
    case = selectors.cooperation_case_get(
        user=actor, case_id=case_id, purpose=Purpose.IDENTIFICATION, for_update=True
    )
    if case.person.erased_at is not None:
        raise Conflict(_("This person's data was erased."), code="person_erased")
    if recorded_on > timezone.localdate():
        raise case_errors.InvalidInput(
            _("The date cannot be in the future."), code="invalid", field="recorded_on"
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
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type=selectors.OBJECT_TYPE,
        object_id=record.pk,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.IDENTIFICATION,
    )
    return record
