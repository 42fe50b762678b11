"""Persons and their cases. Sensitive fields are stored encrypted by the vault."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.cases.status import IdentificationStatus
from haven.lib.states import TransitionTable


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not known")


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    TRANSGENDER_WOMAN = "transgender_woman", _("Transgender woman")
    TRANSGENDER_MAN = "transgender_man", _("Transgender man")
    OTHER = "other", _("Other, in the person's own words")
    NOT_STATED = "not_stated", _("Not stated")


class AgeStatus(models.TextChoices):
    VERIFIED_ADULT = "verified_adult", _("Adult (verified)")
    VERIFIED_CHILD = "verified_child", _("Child (verified)")
    # age uncertain with reasons to believe the person is a child: treated as a child.
    UNCERTAIN_PRESUMED_CHILD = "uncertain_presumed_child", _("Age uncertain, presumed child")
    UNCERTAIN = "uncertain", _("Age uncertain")


class ExploitationForm(models.TextChoices):
    SEXUAL = "sexual_exploitation", _("Sexual exploitation")
    LABOUR = "forced_labour", _("Forced labour or services")
    BEGGING = "forced_begging", _("Forced begging")
    SLAVERY = "slavery", _("Slavery or practices similar to slavery")
    SERVITUDE = "servitude", _("Servitude")
    CRIMINAL = "criminal_activities", _("Exploitation of criminal activities")
    ORGANS = "organ_removal", _("Removal of organs")
    SURROGACY = "surrogacy", _("Exploitation of surrogacy")  # added by Directive 2024/1712
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")  # added by Directive 2024/1712
    ILLEGAL_ADOPTION = "illegal_adoption", _("Illegal adoption")  # added by Directive 2024/1712
    OTHER = "other", _("Other")


class Person(models.Model):
    """One person, told once. ``*_enc`` fields are AES-GCM ciphertexts under the
    person's data key; ``*_index`` are keyed HMAC blind indexes for exact look-up."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    # identity group (encrypted)
    given_name_enc = models.BinaryField(null=True)
    family_name_enc = models.BinaryField(null=True)
    aliases_enc = models.BinaryField(null=True)
    date_of_birth_enc = models.BinaryField(null=True)
    name_index = models.CharField(max_length=64, blank=True, db_index=True)
    date_of_birth_index = models.CharField(max_length=64, blank=True, db_index=True)
    # contact, location and health groups (encrypted)
    contact_enc = models.BinaryField(null=True)
    current_location_enc = models.BinaryField(null=True)
    health_notes_enc = models.BinaryField(null=True)
    # identity group (not encrypted: needed for statistics, not identifying alone)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(
        max_length=20, choices=GenderIdentity.choices, default=GenderIdentity.NOT_STATED
    )
    citizenships = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2 codes
    languages = models.JSONField(default=list, blank=True)  # ISO 639-1 codes
    age_status = models.CharField(max_length=30, choices=AgeStatus.choices)
    estimated_age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_age_min__isnull=True)
                | models.Q(estimated_age_max__isnull=True)
                | models.Q(estimated_age_min__lte=models.F("estimated_age_max")),
                name="person_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"person {self.id}"  # never a name: this string can reach logs

    @property
    def treat_as_child(self) -> bool:
        """R-10: verified children and presumed children get child protections."""
        return self.age_status in (AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD)

    def age_band(self, today: date) -> str:
        """A non-identifying age band for the statistical group."""
        if self.birth_year:
            age = today.year - self.birth_year
        elif self.estimated_age_min is not None:
            age = self.estimated_age_min
        else:
            return "unknown"
        if age < 18:
            return "0-17"
        if age < 25:
            return "18-24"
        if age < 35:
            return "25-34"
        if age < 50:
            return "35-49"
        return "50+"


class Incident(models.Model):
    """People found together (e.g. three men named in one concern report): one
    case each, linked here so the group stays visible as a group. It holds no
    personal data; each case page lists only the linked cases its reader may see."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=32, unique=True)  # pseudonymous, like a case's
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.reference


def reference_key(text: str) -> str:
    """A reference as the search compares it: upper case, letters and digits only
    ("fi-2024-7kq2" and "FI2024 7KQ2" are the same key)."""
    return "".join(c for c in text.upper() if c.isascii() and c.isalnum())


# The statistical row's columns on the case (see ``Case.stat_sex``).
STATISTICAL_ROW = (
    "stat_sex",
    "stat_age_status",
    "stat_birth_year",
    "stat_estimated_age_min",
    "stat_citizenships",
    "stat_lead_org_type",
    "stat_lead_region",
)


class Case(models.Model):
    """A person's case. The team (and so the lead organisation) is the access
    app's table; ``country`` is the lead's country when the case was opened."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=32, unique=True)  # pseudonymous, safe to say aloud
    # The reference's search key, and the key reversed: a search by the start of a
    # reference and one by its end (the code people read out) both walk an index.
    # Set from ``reference`` on save (bulk writers set them with ``reference_keys``).
    reference_key = models.CharField(max_length=32, blank=True, editable=False)
    reference_key_reversed = models.CharField(max_length=32, blank=True, editable=False)
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="case")
    country = models.CharField(max_length=2)
    identification_status = models.CharField(
        max_length=40, choices=IdentificationStatus.choices, default=IdentificationStatus.POTENTIAL
    )
    status_changed_at = models.DateTimeField()
    forms_of_exploitation = models.JSONField(default=list, blank=True)
    # The date of the decision that first made the person a registered victim (a
    # status in ``status.REGISTERED``), set with that change; never cleared. The
    # statistics count a registered victim in this date's year.
    registered_on = models.DateField(null=True, blank=True, editable=False)
    # Set by the reasonable-grounds decision; never read cooperation.
    removal_protected = models.BooleanField(default=False)
    assistance_eligible = models.BooleanField(default=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Found together with the other cases of this incident (None: alone).
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    # Merged into another case of the same person (issue 14): kept with its history,
    # readable by its own team, refusing every write (``selectors.case_get_with_context``).
    # Set and cleared by the linkage app's merge and unmerge.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    # The statistical row (issue 15): copies of the facts the statistics group by, so
    # every statistics reader reads the case alone (the cube, the trend and the regional
    # dashboard one index range; no join with a million persons, memberships and
    # organisations). Kept by DATABASE TRIGGERS (``haven.cases.statistical_row``,
    # migrations 0014 and 0015), never by Python: every write of the person's
    # statistical fields, of the lead membership or of an organisation's type or region,
    # raw updates and restores included, rewrites them, and a write to them is
    # replaced by the truth. Erasure keeps them, as it keeps the person's. Null: not
    # computed (only between an insert and its trigger) or, for the lead, no lead.
    stat_sex = models.CharField(max_length=20, null=True, editable=False)  # noqa: DJ001
    stat_age_status = models.CharField(max_length=30, null=True, editable=False)  # noqa: DJ001
    stat_birth_year = models.PositiveSmallIntegerField(null=True, editable=False)
    stat_estimated_age_min = models.PositiveSmallIntegerField(null=True, editable=False)
    stat_citizenships = models.JSONField(null=True, editable=False)
    # the type of the lead organisation; None: no lead (not counted by the cube)
    stat_lead_org_type = models.CharField(max_length=40, null=True, editable=False)  # noqa: DJ001
    # the region of the lead organisation ("" when it has none); None: no lead (the
    # regional dashboard counts the cases of a lead only)
    stat_lead_region = models.CharField(max_length=120, null=True, editable=False)  # noqa: DJ001

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # The case list by status, newest first (and counts by status).
            models.Index(
                fields=["identification_status", "-opened_at", "id"], name="case_status_opened_idx"
            ),
            # The case list: newest first, read in this order with a limit.
            models.Index(fields=["-opened_at", "id"], name="case_opened_id_idx"),
            # The reference search: by the start and by the end of the reference.
            models.Index(fields=["reference_key"], name="case_reference_key_idx"),
            models.Index(fields=["reference_key_reversed"], name="case_reference_tail_idx"),
            # The home page's "my cases": the most recent status change first, in the
            # whole order the page sorts by. With the first column alone, SQLite chose
            # to scan another index and sort every case (374 ms at 100,000; 0.2 ms so).
            models.Index(
                fields=["-status_changed_at", "-opened_at", "id"], name="case_status_changed_idx"
            ),
            # The statistics of one reporting year: the country's victims registered in
            # it. On PostgreSQL the index also holds all the Eurostat cube reads of the
            # case, its statistical row included, so the year's cases are read from the
            # index alone (the heap's pages of a year are spread over the whole table:
            # 23,000 of them at 1,000,000 cases); SQLite ignores ``include``.
            models.Index(
                fields=["country", "registered_on"],
                include=[
                    "identification_status",
                    "forms_of_exploitation",
                    *STATISTICAL_ROW,
                    "person",
                    "id",
                ],
                name="case_statistics_idx",
            ),
            # The backlog: a country's cases awaiting a decision, by status, sex and the
            # day they reached it, read from this index alone on PostgreSQL.
            models.Index(
                fields=["country", "identification_status", "status_changed_at"],
                include=["stat_sex", "id"],
                name="case_backlog_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(identification_status__in=IdentificationStatus.values),
                name="case_valid_status",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reference_keys()
        super().save(*args, **kwargs)

    def reference_keys(self) -> None:
        """Set the search keys from the reference (``save`` does it)."""
        self.reference_key = reference_key(self.reference)
        self.reference_key_reversed = self.reference_key[::-1]

    @property
    def takes_records(self) -> bool:
        """Whether anything new may be recorded on the case: not once it was merged
        into another (the gate refuses such writes; pages hide their forms by this)."""
        return self.merged_into_id is None


class StatusTransition(models.Model):
    """A dated, reasoned identification decision (R-01). Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=40, choices=IdentificationStatus.choices, blank=True)
    to_status = models.CharField(max_length=40, choices=IdentificationStatus.choices)
    decided_on = models.DateField()
    recorded_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(max_length=200, blank=True)
    reasons_enc = models.BinaryField(null=True)  # legal group, under the person's key

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class NarrativeEntry(models.Model):
    """One entry of the person's single narrative. Entries are only ever added."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="narrative")
    created_at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text_enc = models.BinaryField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "narrative entries"

    def __str__(self) -> str:
        return f"narrative entry {self.pk}"


class Premises(models.TextChoices):
    OFFICE = "office", _("Office")
    # R-28 / PROMISE standard 4: premises designed or adapted for children (a Barnahus).
    CHILD_FRIENDLY = "child_friendly_premises", _("Child-friendly premises (Barnahus)")
    POLICE_STATION = "police_station", _("Police station")
    COURT = "court", _("Court")
    OTHER = "other", _("Other")


class Interview(models.Model):
    """One interview of the person, recorded once and read by the agencies named on
    it (R-14). A child's interview on the Barnahus route is one forensic interview
    for all agencies together (R-28). ``*_enc`` fields are ciphertexts under the
    person's data key: what was told, who was present and why (narrative group)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interviews")
    number = models.PositiveSmallIntegerField()  # 1 for the first interview of the person
    held_on = models.DateField()
    reported_on = models.DateField(null=True, blank=True)  # undue delay counts from it
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The interviewer is staff, not the person: plain text (R-28: trained professionals).
    interviewer_name = models.CharField(max_length=200)
    interviewer_role = models.CharField(max_length=200, blank=True)
    training_evidence = models.CharField(max_length=1000, blank=True)
    premises = models.CharField(max_length=30, choices=Premises.choices)
    # Whether the person was treated as a child on the day; the age may change later.
    treated_as_child = models.BooleanField(default=False)
    barnahus_route = models.BooleanField(default=False)
    representative_present = models.BooleanField(null=True, blank=True)  # None: not a child
    recording_reference = models.CharField(max_length=200, blank=True)
    admissible_as_evidence = models.BooleanField(null=True, blank=True)  # None: not decided
    # The agencies that may read the record (each still needs the narrative group).
    readers = models.ManyToManyField("accounts.Organisation", related_name="+")
    # narrative group (encrypted)
    summary_enc = models.BinaryField()
    persons_present_enc = models.BinaryField(null=True)  # a JSON list of strings
    justification_enc = models.BinaryField(null=True)  # why another interview
    representative_absence_reason_enc = models.BinaryField(null=True)  # reasoned decision

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="interview_number_once"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="interview_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(number=1) | models.Q(justification_enc__isnull=False),
                name="interview_repeat_justified",
            ),
            models.CheckConstraint(
                condition=models.Q(barnahus_route=False) | models.Q(treated_as_child=True),
                name="interview_barnahus_for_children",
            ),
            models.CheckConstraint(
                condition=models.Q(treated_as_child=False)
                | models.Q(representative_present=True)
                | models.Q(representative_absence_reason_enc__isnull=False),
                name="interview_child_represented",
            ),
            models.CheckConstraint(
                condition=models.Q(reported_on__isnull=True)
                | models.Q(reported_on__lte=models.F("held_on")),
                name="interview_reported_before_held",
            ),
        ]

    def __str__(self) -> str:
        return f"interview {self.number} of case {self.case_id}"  # no names: can reach logs

    @property
    def delay_days(self) -> int | None:
        """Days from the report to the interview (R-28: without unjustified delay)."""
        if self.reported_on is None:
            return None
        return (self.held_on - self.reported_on).days


class DraftKind(models.TextChoices):
    CASE_OPEN = "case_open", _("New case")  # the intake form
    ASSESSMENT = "assessment", _("Assessment")  # a needs or risk assessment of a case
    SCREENING = "screening", _("Screening")  # indicators observed, for identification
    BEST_INTERESTS = "best_interests", _("Best interests")  # a child's assessment or determination
    AGE_ASSESSMENT = "age_assessment", _("Age assessment")  # how the age was assessed, and why
    REFERRAL = "referral", _("Referral")  # to another organisation, with its message
    CONSENT = "consent", _("Consent")  # the person's consent, or a child's own views


class Draft(models.Model):
    """A long form saved unfinished, to be resumed by its owner alone. The typed
    fields are personal data: sealed under the draft's own data key, and gone with
    the row when the form is sent, the draft discarded or its days are up."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=DraftKind.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The form page it resumes on (ids and keys only): long enough for the consent form
    # reached from the referral check, whose address carries the recipient, purpose,
    # kinds of information and the way back (``next``).
    path = models.CharField(max_length=1000)
    data_key = models.OneToOneField("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    fields_enc = models.BinaryField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "expires_at"], name="draft_owner_expires")]

    def __str__(self) -> str:
        return f"draft {self.id} ({self.kind})"  # no names: can reach logs


# --- erasure and retention (R-39, R-40; issue 12) --------------------------------------------


class ErasureReason(models.TextChoices):
    """Why a person's data is to be erased: a code, never the person's words."""

    PERSON_ASKED = "person_asked", _("The person asked for their data to be erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew their consent")
    NO_LONGER_NEEDED = "no_longer_needed", _("The data is no longer needed for its purpose")
    UNLAWFUL = "unlawful", _("The data was processed unlawfully")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation requires erasure")
    OTHER = "other", _("Another reason (explained in the note)")


class ErasureState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a second approver")
    REFUSED = "refused", _("Refused")
    ERASED = "erased", _("Approved: the person's data was erased")


# Requested, then answered once: approved (the person is erased in the same
# transaction) or refused.
ERASURE_TRANSITIONS: TransitionTable[ErasureState] = TransitionTable(
    ErasureState,
    {
        ErasureState.REQUESTED: {ErasureState.REFUSED, ErasureState.ERASED},
        ErasureState.REFUSED: set(),
        ErasureState.ERASED: set(),
    },
)


class ErasureRequest(models.Model):
    """A request to erase a person's data, decided by a second person (the
    four-eyes rule): approval crypto-shreds the person in the same transaction.
    The reason is a code; the notes are ciphertexts under the person's data key,
    so they become unreadable together with everything else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="erasure_requests")
    reason = models.CharField(max_length=30, choices=ErasureReason.choices)
    note_enc = models.BinaryField(null=True)  # optional, under the person's key
    state = models.CharField(
        max_length=20, choices=ErasureState.choices, default=ErasureState.REQUESTED
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_enc = models.BinaryField(null=True)  # why it was refused, under the person's key

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="requested"),
                name="erasure_one_open_request",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ErasureState.values), name="erasure_valid_state"
            ),
        ]

    def __str__(self) -> str:
        return f"erasure request {self.pk}"


class LegalHoldReason(models.TextChoices):
    """Why a case's data must be kept past its retention period (GDPR Art. 17(3)(e))."""

    INVESTIGATION = "investigation", _("A criminal investigation is under way")
    PROCEEDINGS = "proceedings", _("Court proceedings are under way or expected")
    COMPENSATION = "compensation", _("A claim for compensation is under way")
    AUTHORITY_ORDER = "authority_order", _("An authority ordered the data kept")
    OTHER = "other", _("Another legal reason")


class LegalHold(models.Model):
    """Keeps a case's person from retention's anonymisation and from erasure, until
    the date given or until lifted. Holds no personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=30, choices=LegalHoldReason.choices)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateField(null=True, blank=True)  # None: until lifted
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"legal hold {self.pk}"
