"""Justice: the person's cooperation with the authorities and witness status (R-18);
later, proceedings and compensation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


# --- proceedings and compensation (R-34, R-36) ---------------------------------------------


class ProceedingKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    CIVIL = "civil", _("Civil")
    ADMINISTRATIVE = "administrative", _("Administrative")


class ProceedingStage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution decision")
    TRIAL = "trial", _("Trial or hearing")
    APPEAL = "appeal", _("Appeal")
    ENDED = "ended", _("Ended")


class PersonRole(models.TextChoices):
    """The person's own role in the proceeding."""

    INJURED_PARTY = "injured_party", _("Injured party")
    WITNESS = "witness", _("Witness")
    CLAIMANT = "claimant", _("Claimant")
    APPLICANT = "applicant", _("Applicant")
    OTHER = "other", _("Other")


class Proceeding(models.Model):
    """A criminal, civil or administrative proceeding linked to the case (legal
    group). It may go on whatever the person decides (R-34); assistance never
    depends on it (R-18). Open until it has an end date."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ProceedingKind.choices)
    stage = models.CharField(max_length=20, choices=ProceedingStage.choices)
    authority = models.CharField(max_length=200)  # the court or authority, not a person
    person_role = models.CharField(max_length=20, choices=PersonRole.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["case", "ended_on"], name="proceeding_case_open")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ProceedingKind.values), name="proceeding_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="proceeding_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"proceeding {self.pk}"


class ClaimSource(models.TextChoices):
    OFFENDER = "offender", _("From the offender")
    STATE = "state", _("From the state scheme")
    CIVIL = "civil", _("Civil claim")


class ClaimStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    FILED = "filed", _("Filed")
    AWARDED = "awarded", _("Awarded")
    PAID = "paid", _("Paid")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CLAIM_STATUSES = (ClaimStatus.PREPARING, ClaimStatus.FILED, ClaimStatus.AWARDED)


class CompensationClaim(models.Model):
    """A claim for compensation from the offender, the state scheme or a civil
    claim (R-36), with the amounts claimed, awarded and actually paid (legal
    group). Open while being prepared, filed or awarded but not yet paid."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, choices=ClaimSource.choices)
    status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    currency = models.CharField(max_length=3, default="EUR")
    amount_claimed = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_awarded = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    filed_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["case", "status"], name="claim_case_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=ClaimSource.values), name="claim_source_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values), name="claim_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"compensation claim {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CLAIM_STATUSES
