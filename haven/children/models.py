"""Guardians and representatives of child victims (R-11)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardianKind(models.TextChoices):
    GUARDIAN = "guardian", _("Legal guardian")  # acts for the child in everything (Dir Art. 16(3))
    REPRESENTATIVE = "representative", _("Representative")  # e.g. in proceedings (Dir Art. 16(4))


class GuardianAppointment(models.Model):
    """Who acts in a child's best interests, from when (R-11). Legal group.

    The guardian's name and contact are encrypted with the person's data key:
    they would point to the child."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=GuardianKind.choices)
    guardian_name_enc = models.BinaryField()
    contact_enc = models.BinaryField(null=True, blank=True)
    # The guardian service or authority the guardian works for, when there is one.
    guardian_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appointed_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=GuardianKind.values), name="guardian_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"guardian appointment {self.pk}"
