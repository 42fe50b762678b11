"""What the coordination desk holds about a person dies with them, and a concern
report that opened no case is kept only for its retention period (R-40, issue 12).

- A person is erased (``haven.cases.hooks.on_person_erased``): the keys of the
  concern reports a case of theirs was opened from, and of the desk consultations
  logged against the case under a key of their own, are destroyed in the same
  transaction. A report's description was copied into each case's narrative when
  the cases were opened, so nothing another person's case needs is lost.
- Retention (``haven.cases.hooks.provide_retention_class``): a report closed
  without action more than HAVEN_RETENTION_YEARS_CLOSED_REPORT years ago has its
  key destroyed; its reference, dates and codes stay for the statistics.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction

from haven.access.models import FieldGroup
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import hooks as case_hooks
from haven.cases import selectors as case_selectors
from haven.referrals.models import ConcernReport, ConcernReportState, Consultation
from haven.referrals.services.desk import CONSULTATION_SUBJECT, REPORT_SUBJECT
from haven.vault import services as vault

CLOSED_REPORT = "closed_report"


def desk_keys_destroy(event: case_hooks.PersonErased) -> None:
    """Destroy the keys of the desk's records about the erased person alone."""
    reports = ConcernReport.objects.filter(consultation__case=event.case).select_related("data_key")
    consultations = Consultation.objects.filter(
        case=event.case, data_key__isnull=False
    ).select_related("data_key")
    rows = [(REPORT_SUBJECT, r.pk, r.data_key) for r in reports] + [
        (CONSULTATION_SUBJECT, c.pk, c.data_key) for c in consultations if c.data_key
    ]
    for subject, object_id, key in rows:
        vault.data_key_destroy(key=key)
        audit.audit_record(
            actor=event.actor,
            action=Action.ERASE,
            object_type=subject,
            object_id=object_id,
            person_id=event.case.person_id,
            field_groups=[FieldGroup.NARRATIVE],
            detail={"with_person": True},
        )


def reports_retention(now: datetime, dry_run: bool) -> list[case_hooks.RetentionRow]:
    """Anonymise concern reports closed without action before the period; report them."""
    years = settings.HAVEN_RETENTION_YEARS_CLOSED_REPORT
    cutoff = case_selectors.retention_cutoff(years=years, now=now)
    due = (
        ConcernReport.objects.filter(
            state=ConcernReportState.CLOSED,
            triaged_at__lt=cutoff,
            data_key__destroyed_at__isnull=True,
        )
        .select_related("data_key")
        .order_by("triaged_at", "pk")
    )
    rows: list[case_hooks.RetentionRow] = []
    outcome = case_hooks.RetentionOutcome
    for report in due:
        assert report.triaged_at is not None  # noqa: S101 - filtered above
        if not dry_run:
            with transaction.atomic():
                vault.data_key_destroy(key=report.data_key)
                audit.audit_record(
                    actor=audit.SYSTEM,
                    action=Action.ERASE,
                    object_type=REPORT_SUBJECT,
                    object_id=report.pk,
                    field_groups=[FieldGroup.NARRATIVE],
                    detail={"retention": CLOSED_REPORT, "years": years},
                )
        rows.append(
            case_hooks.RetentionRow(
                CLOSED_REPORT,
                report.reference,
                report.triaged_at,
                outcome.WOULD_ANONYMISE if dry_run else outcome.ANONYMISED,
            )
        )
    return rows
