"""Justice: the person's cooperation with the authorities and witness status (R-18);
later, proceedings and compensation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CooperationRecord(models.Model):
    """Whether the person cooperates with the authorities or is a witness, as
    recorded on a date. Append-only; the latest row is the current state. Legal
    group.

    Kept for the proceedings and for residence permits only. No assistance or
    eligibility rule may read it (R-18, Dir Art. 11(3), CETS Art. 12(6));
    ``haven/assistance/tests/test_rules_r18.py`` enforces that."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="cooperation_records"
    )
    cooperates_with_authorities = models.BooleanField()
    is_witness = models.BooleanField()
    recorded_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"cooperation record {self.pk}"
