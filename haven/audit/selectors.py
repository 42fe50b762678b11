"""Reads of the audit trail."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from haven.audit.models import AuditEvent


def audit_events_for_person(*, person_id: object) -> QuerySet[AuditEvent]:
    """Every event about one person, newest first: the per-person access report.

    Sealed events are found through ``audit_person_idx`` (which holds sealed events
    only) and those not yet sealed, seconds' worth, through ``audit_unsealed_idx``:
    one condition for each, so that each matches its partial index.

    The caller (a domain selector) has already decided that the user may see it.
    """
    person = str(person_id)
    sealed = Q(person_id=person, seq__isnull=False)
    unsealed = Q(person_id=person, seq__isnull=True)
    return AuditEvent.objects.filter(sealed | unsealed).order_by("-id")
