"""Reads of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.audit.models import AuditEvent


def audit_events_for_person(*, person_id: object) -> QuerySet[AuditEvent]:
    """Every event about one person, newest first: the per-person access report.

    The caller (a domain selector) has already decided that the user may see it.
    """
    return AuditEvent.objects.filter(person_id=str(person_id)).order_by("-id")
