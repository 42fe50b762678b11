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
    outcome = models.CharField(max_length=20, blank=True)  # a ProceedingOutcome, once ended
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


class ProceedingOutcome(models.TextChoices):
    """How a proceeding ended (recorded with its end)."""

    CONVICTION = "conviction", _("Conviction")
    ACQUITTAL = "acquittal", _("Acquittal")
    DISCONTINUED = "discontinued", _("Discontinued or not prosecuted")
    DECIDED_FOR = "decided_for", _("Decided in the person's favour")
    DECIDED_AGAINST = "decided_against", _("Decided against the person")
    SETTLED = "settled", _("Settled")
    OTHER = "other", _("Other")


class ProceedingStageChange(models.Model):
    """One dated move of a proceeding from a stage to the next, kept as its
    history (legal group). The proceeding holds the current stage; the end is the
    move to ``ended`` with an outcome."""

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="stage_changes"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    from_stage = models.CharField(max_length=20, choices=ProceedingStage.choices)
    to_stage = models.CharField(max_length=20, choices=ProceedingStage.choices)
    changed_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=ProceedingOutcome.choices, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"proceeding stage change {self.pk}"


class MeasureKind(models.TextChoices):
    """Protection in the proceedings and from retaliation (P2-1, R-37)."""

    NO_CONTACT_WITH_OFFENDER = "no_contact", _("Not facing the offender")
    VIDEO_TESTIMONY = "video_testimony", _("Testimony by video")
    RECORDED_TESTIMONY = "recorded_testimony", _("Recorded testimony used in court")
    ANONYMITY = "anonymity", _("Anonymity")
    WITNESS_PROTECTION = "witness_protection", _("Witness protection programme")
    CLOSED_HEARING = "closed_hearing", _("Hearing in closed session")
    PHYSICAL_PROTECTION = "physical_protection", _("Physical protection")
    RELOCATION = "relocation", _("Relocation")
    IDENTITY_CHANGE = "identity_change", _("Change of identity")
    OTHER = "other", _("Other")


class MeasureFor(models.TextChoices):
    """Whom the measure protects (R-37: victims, witnesses, family members)."""

    PERSON = "person", _("The person")
    FAMILY_MEMBER = "family_member", _("A family member")
    PERSON_AND_FAMILY = "person_and_family", _("The person and their family")


class MeasureDecision(models.TextChoices):
    PENDING = "pending", _("Asked for, not yet decided")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ProtectiveMeasure(models.Model):
    """A protective measure asked for in a proceeding and the decision on it
    (P2-1, R-37; legal group)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="measures")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    for_whom = models.CharField(max_length=20, choices=MeasureFor.choices)
    asked_on = models.DateField()
    decision = models.CharField(
        max_length=20, choices=MeasureDecision.choices, default=MeasureDecision.PENDING
    )
    decided_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["asked_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_on__isnull=True)
                | models.Q(decided_on__gte=models.F("asked_on")),
                name="measure_decided_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"protective measure {self.pk}"


class LegalAidStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", _("Not applied for")
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class LegalAid(models.Model):
    """Legal counsel for the person and free legal aid (R-35, CETS Art. 15(2),
    Dir Art. 12(2)), for a proceeding, a compensation claim or the case as a
    whole (legal group). A counsel who is a person is named only encrypted."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.SET_NULL, null=True, blank=True, related_name="legal_aid"
    )
    claim = models.ForeignKey(
        "justice.CompensationClaim",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_aid",
    )
    counsel_organisation = models.CharField(max_length=200, blank=True)  # a firm, a clinic
    counsel_name_enc = models.BinaryField(null=True, blank=True)  # a lawyer: a person
    free_aid = models.CharField(
        max_length=20, choices=LegalAidStatus.choices, default=LegalAidStatus.NOT_APPLIED
    )
    applied_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"legal aid {self.pk}"


class AssetStatus(models.TextChoices):
    FROZEN = "frozen", _("Frozen")
    CONFISCATED = "confiscated", _("Confiscated")
    RELEASED = "released", _("Released")
    PAID_TO_VICTIM = "paid_to_victim", _("Paid to the person")


class ConfiscatedAsset(models.Model):
    """An asset frozen or confiscated in the proceedings and linked to a
    compensation claim: following the money (R-36, CETS Art. 15(4))."""

    claim = models.ForeignKey(CompensationClaim, on_delete=models.CASCADE, related_name="assets")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    description = models.CharField(max_length=200)  # what, never whose name
    estimated_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=20, choices=AssetStatus.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"confiscated asset {self.pk}"


# --- non-punishment (R-33) -------------------------------------------------------------------


class OffenceKind(models.TextChoices):
    DRUGS = "drugs", _("Drug offence (cultivation, dealing, carrying)")
    THEFT = "theft", _("Theft, pickpocketing or shoplifting")
    FRAUD = "fraud", _("Fraud or benefit fraud")
    DOCUMENTS = "documents", _("Document or immigration offence")
    SEX_WORK = "sex_work", _("Offence related to prostitution")
    BEGGING = "begging", _("Begging")
    LABOUR = "labour", _("Illegal work")
    OTHER = "other", _("Other")


class CompelledOffence(models.Model):
    """A "possible compelled offence" flag (R-33, CETS Art. 26, Dir Art. 8): an
    offence the person may have been compelled to commit, and its link to their
    exploitation, so that the prosecutor or defence can weigh not prosecuting or
    penalising them. Legal group; the texts are encrypted.

    Never read by any assistance or eligibility rule: a compelled offence is never
    a negative indicator (``haven/assistance/tests/test_rules_r18.py``)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=OffenceKind.choices)
    offence_enc = models.BinaryField()
    link_enc = models.BinaryField()  # how the offence follows from the exploitation
    recorded_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_on", "id"]

    def __str__(self) -> str:
        return f"compelled offence {self.pk}"
