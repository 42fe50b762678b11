"""Justice: the person's cooperation with the authorities and witness status (R-18);
later, proceedings and compensation."""

from __future__ import annotations

import uuid

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


# --- offenders and other parties (R-38) ---


class PartyKind(models.TextChoices):
    PERSON = "person", _("A natural person")
    COMPANY = "company", _("A company or other organisation")


class PartyRole(models.TextChoices):
    """The party's roles in the process, as HTCDS ``per_RoleInProcess`` names them,
    with the "user" of a victim's services (R-38, Dir Art. 18a) on its own."""

    SUSPECT = "suspect", _("Suspect")
    PROSECUTED = "prosecuted", _("Prosecuted")
    CONVICTED = "convicted", _("Convicted")
    USER = "user", _("User of the victim's services")
    EMPLOYER = "employer", _("Employer")
    RECRUITER = "recruiter", _("Recruiter")
    TRANSPORTER = "transporter", _("Facilitator or transporter")
    EXPLOITER = "exploiter", _("Exploiter")
    OTHER = "other", _("Other")


# The roles a perpetrator is counted by.
PERPETRATOR_ROLES = (PartyRole.SUSPECT, PartyRole.PROSECUTED, PartyRole.CONVICTED, PartyRole.USER)


class PartySex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class PartyAgeGroup(models.TextChoices):
    CHILD = "under_18", _("Under 18")
    YOUNG = "18_29", _("18 to 29")
    MIDDLE = "30_49", _("30 to 49")
    OLDER = "50_plus", _("50 or older")
    UNKNOWN = "unknown", _("Not known")


class IsicSection(models.TextChoices):
    """ISIC Rev. 4 sections (R-45: type of labour exploitation by industry)."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, gas, steam and air conditioning supply")
    E = "E", _("Water supply; sewerage, waste management and remediation")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade; repair of motor vehicles")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741 - ISIC's letter
    J = "J", _("Information and communication")
    K = "K", _("Financial and insurance activities")
    L = "L", _("Real estate activities")
    M = "M", _("Professional, scientific and technical activities")
    N = "N", _("Administrative and support service activities")
    O = "O", _("Public administration and defence")  # noqa: E741 - ISIC's letter
    P = "P", _("Education")
    Q = "Q", _("Human health and social work activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Activities of households as employers")
    U = "U", _("Activities of extraterritorial organisations and bodies")


class Party(models.Model):
    """An offender, employer, recruiter, user or other party, told once and linked
    to every case it appears in (R-38). Legal group.

    Its identifying data is sealed under a data key of its own (``data_key``), not
    under a victim's: a party appears on several cases, and erasing one victim's
    data (crypto-shredding that person's key) must neither destroy what the other
    cases know of the employer nor leave it readable under a key that was meant
    to be gone. The party's own erasure is a decision of its own. ``*_index`` are
    keyed HMAC blind indexes of the normalised name and registration number, so
    the same employer entered on two cases is found without decrypting."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=PartyKind.choices)
    name_enc = models.BinaryField()
    registration_number_enc = models.BinaryField(null=True)
    address_enc = models.BinaryField(null=True)
    name_index = models.CharField(max_length=64, db_index=True)
    registration_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    sector = models.CharField(max_length=1, blank=True, choices=IsicSection.choices)
    country = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"party {self.pk}"


class PartyLink(models.Model):
    """A party on one case, with its roles in the process there (HTCDS
    ``per_RoleInProcess``) and, for a natural person, the sex, age group and
    citizenship that perpetrators are counted by (R-44). Legal group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="party_links")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="links")
    roles = models.JSONField(default=list)  # PartyRole values, in the order of PartyRole
    sex = models.CharField(max_length=10, choices=PartySex.choices, default=PartySex.UNKNOWN)
    age_group = models.CharField(
        max_length=10, choices=PartyAgeGroup.choices, default=PartyAgeGroup.UNKNOWN
    )
    citizenship = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    linked_at = models.DateTimeField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="party_link_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"party link {self.pk}"
