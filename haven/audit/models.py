"""The append-only audit trail, chained by hash."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("read")  # a field group was shown to the actor
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    TRANSITION = "transition", _("changed status")
    ERASE = "erase", _("erased")
    REPORT = "report", _("viewed the access report")
    BREAK_GLASS = "break_glass", _("opened by break-glass")  # emergency access outside the rules
    # A break-glass request that was refused (who, when, why refused; no personal data).
    BREAK_GLASS_REFUSED = "break_glass_refused", _("was refused break-glass")
    # The database was restored from a backup (by the operator; no personal data).
    RESTORE = "restore", _("restored from a backup")


class AuditEvent(models.Model):
    """One event. Rows are never updated or deleted; ``haven audit verify``
    recomputes the chain and names the first broken link.

    Actor and organisation are copied as plain values (no foreign keys), so
    that nothing outside the audit app can change a row after it is written.
    """

    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    organisation_id = models.CharField(max_length=36, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=36)
    # The person whose data this is, for the per-person access report.
    person_id = models.CharField(max_length=36, blank=True, db_index=True)
    field_groups = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    # Small structured facts (status codes, counts); never personal data.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person_id", "id"], name="audit_person_idx")]

    def __str__(self) -> str:
        return f"audit event {self.pk}"


class AuditHead(models.Model):
    """A single row holding the chain's tip: locked while appending, so events
    are chained in one order even with several app processes; it also lets
    verification notice deleted events at the end of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return "audit head"
