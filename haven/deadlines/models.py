"""Deadlines on cases (tasks with reminders and escalation) and the in-app
notifications about them and about other news (break-glass, referrals, the desk).

Every app with a statutory clock registers its kind in ``haven.deadlines.kinds``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.deadlines import kinds


class Task(models.Model):
    """A deadline on a case: shown on 'my deadlines' and the timeline, reminded
    before it is due and escalated to supervisors after (run by the worker)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")  # no longer needed (e.g. decision made otherwise)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=40, choices=kinds.choices)
    # Non-personal facts only (decision type key, screening id).
    detail = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    assigned_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    blocking = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "remind_at"], name="task_remind_idx"),
            models.Index(fields=["status", "due_at"], name="task_due_idx"),
            models.Index(fields=["assigned_organisation", "status", "due_at"], name="task_org_idx"),
            # The deadlines assigned to one user (the home page reads them in due order).
            models.Index(fields=["assigned_user", "status", "due_at"], name="task_user_idx"),
            # A case's open deadlines of one kind (the case page, closing a clock).
            models.Index(fields=["case", "status", "kind"], name="task_case_status_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d}"


class Notification(models.Model):
    """An in-app message to one user: a reminder or an escalation about a task,
    or the news that someone used break-glass on a case. No personal data: it
    names the case reference, the task kind, or who broke the glass."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        BREAK_GLASS = "break_glass", _("Emergency access (break-glass)")  # about a case, no task
        # Referrals and lead transfers (issue 6): about a case; ``event`` says what happened.
        REFERRAL = "referral", _("Referral")
        # The coordination desk: a public concern report or a cross-border package
        # waiting for its acknowledgement; no case needed.
        DESK = "desk", _("Coordination desk")
        # A cooperation agreement about to end (R-47): told to its parties'
        # administrators; ``subject_id`` names the agreement, no case.
        AGREEMENT = "agreement", _("Cooperation agreement")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Break-glass notifications name the case and the use (who, from which organisation).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    break_glass = models.ForeignKey(
        "access.BreakGlass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Referral and desk notifications: what happened (e.g. "received", "declined",
    # "overdue", "lead_transfer_proposed", "concern_reported", "acknowledgement_missing"),
    # and the id of the referral, transfer, report or package it is about. No personal data.
    event = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=36, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "task", "kind"],
                condition=models.Q(task__isnull=False),
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "break_glass"],
                condition=models.Q(break_glass__isnull=False),
                name="notification_break_glass_once",
            ),
            # A task notification names its task; a break-glass one its case and use.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["reminder", "escalation"],
                        task__isnull=False,
                        case__isnull=True,
                        break_glass__isnull=True,
                    )
                    | models.Q(
                        kind="break_glass",
                        task__isnull=True,
                        case__isnull=False,
                        break_glass__isnull=False,
                    )
                    | models.Q(
                        kind="referral",
                        task__isnull=True,
                        case__isnull=False,
                        break_glass__isnull=True,
                    )
                    | models.Q(kind="desk", task__isnull=True, break_glass__isnull=True)
                    | models.Q(
                        kind="agreement",
                        task__isnull=True,
                        case__isnull=True,
                        break_glass__isnull=True,
                    )
                ),
                name="notification_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
