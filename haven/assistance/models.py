"""Reflection periods, residence permits, and individual assistance: assessments,
plans, services and closing. Their deadlines are ``haven.deadlines`` tasks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A service's status and its allowed changes live with the table (style rule 13);
# re-exported here, where the models that store it are.
from haven.assistance.states import ServiceStatus as ServiceStatus
from haven.lib import locking


class ReflectionPeriod(models.Model):
    """The recovery and reflection period (R-15): at least 30 days, started by a
    positive reasonable-grounds decision; assistance during it never depends on
    cooperation (R-18). A case has one per round of the identification pathway:
    when the pathway reopens and a new positive reasonable-grounds decision is
    taken, a new period starts and the earlier one stays as history, ended. The
    current period is the latest started (``selectors.reflection.current_period``)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        ENDED = "ended", _("ended")  # reached its end date
        ENDED_EARLY = "ended_early", _("ended early")  # on one of the two permitted grounds

    class EarlyEndGround(models.TextChoices):
        PUBLIC_ORDER = "public_order", _("Public order")  # CETS Art. 13(3)
        IMPROPER_CLAIM = "improper_claim", _("Victim status claimed improperly")  # CETS Art. 13(3)

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reflection_periods"
    )
    starts_on = models.DateField()
    granted_days = models.PositiveIntegerField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_by_decision = models.CharField(max_length=36, blank=True)  # decision id
    ended_on = models.DateField(null=True, blank=True)
    early_end_ground = models.CharField(max_length=20, choices=EarlyEndGround.choices, blank=True)
    early_end_legal_basis = models.CharField(max_length=200, blank=True)
    early_end_reasons_enc = models.BinaryField(null=True, blank=True)
    early_end_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = locking.version_field()  # every extension moves it on (optimistic locking)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(granted_days__gte=30), name="reflection_at_least_30_days"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="reflection_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"reflection period of {self.case_id}"


class ReflectionExtension(models.Model):
    period = models.ForeignKey(
        ReflectionPeriod, on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveIntegerField()
    decided_on = models.DateField()
    recorded_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reasons_enc = models.BinaryField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="extension_positive"),
        ]

    def __str__(self) -> str:
        return f"extension {self.pk}"


# --- residence permits and detention (R-16) ---------------------------------------------


class ResidencePermit(models.Model):
    """A residence permit for a victim (R-16, CETS Art. 14): renewable, issued on
    one or both grounds; having held it counts when another kind is applied for,
    and it never affects the right to seek asylum."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="permits")
    # CETS Art. 14(1)(a): the person's own situation makes the stay necessary.
    ground_personal_situation = models.BooleanField(default=False)
    # CETS Art. 14(1)(b): the stay is necessary owing to their co-operation with the
    # authorities in an investigation or criminal proceedings. Named for the proceedings:
    # it records the permit's legal basis only, and no assistance rule ever reads it.
    ground_proceedings = models.BooleanField(default=False)
    permit_type = models.CharField(max_length=100)  # the national label of the permit
    issued_on = models.DateField()
    expires_on = models.DateField()
    issuing_authority = models.CharField(max_length=200)
    reference_enc = models.BinaryField()  # the permit number: personal data, encrypted
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = locking.version_field()  # every renewal moves it on (optimistic locking)

    class Meta:
        ordering = ["-issued_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ground_personal_situation=True)
                | models.Q(ground_proceedings=True),
                name="permit_has_a_ground",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")),
                name="permit_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"permit {self.pk} of {self.case_id}"


class PermitRenewal(models.Model):
    permit = models.ForeignKey(ResidencePermit, on_delete=models.CASCADE, related_name="renewals")
    renewed_on = models.DateField()
    previous_expires_on = models.DateField()
    new_expires_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["renewed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_expires_on__gt=models.F("previous_expires_on")),
                name="renewal_extends_permit",
            ),
        ]

    def __str__(self) -> str:
        return f"renewal {self.pk}"


class DetentionRecord(models.Model):
    """The person is held in detention. Victims of trafficking must not be held in
    detention centres: while a record is open (no ``ended_on``) the case shows a warning."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="detentions")
    started_on = models.DateField()
    place_type = models.CharField(max_length=200)  # e.g. "immigration detention centre"
    ended_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="detention_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"detention {self.pk} of {self.case_id}"


# --- individual assistance: assessments, plan, services, closing (R-19 to R-22) ------------


class AssessmentKind(models.TextChoices):
    NEEDS = "needs", _("Individual needs assessment")
    RISK = "risk", _("Risk assessment")


class AssessmentTrigger(models.TextChoices):
    INITIAL = "initial", _("First assessment")
    STAGE_CHANGE = "stage_change", _("Re-assessment after a stage change")
    REVIEW = "review", _("Review")
    BEFORE_RETURN = "before_return", _("Before a return")


class Assessment(models.Model):
    """One version of a case's needs or risk assessment (R-21): never edited, a
    re-assessment is a new version. Assessment group.

    ``content_enc`` holds, encrypted under the person's data key, the JSON
    ``{"sections": {key: {"level": ..., "note": ...}}, "person_view": ...}``:
    every word of it is about the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    version = models.PositiveIntegerField()
    trigger = models.CharField(max_length=20, choices=AssessmentTrigger.choices)
    assessed_on = models.DateField()
    content_enc = models.BinaryField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="assessment_version_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AssessmentKind.values), name="assessment_kind_known"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="assessment_version_1"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} assessment v{self.version} of {self.case_id}"


class AssistancePlan(models.Model):
    """The plan of services agreed with the person (R-20), usually made from a
    needs assessment. Services group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plans")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    agreed_on = models.DateField()
    person_view_enc = models.BinaryField()  # what the person said about the plan
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-agreed_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"plan {self.pk} of {self.case_id}"


class ServiceOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved what it was for")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class AmountPeriod(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("per week")
    MONTHLY = "monthly", _("per month")


class AssistanceService(models.Model):
    """One service delivered to the person (R-19, R-20): type, provider, dates,
    consent, outcome; a refusal is a status, never a penalty. Financial support
    records its amount. Services group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    plan = models.ForeignKey(
        AssistancePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    service_type = models.CharField(max_length=30)  # catalogue.ServiceType
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    consent_given = models.BooleanField(default=False)
    consent_on = models.DateField(null=True, blank=True)
    refused_on = models.DateField(null=True, blank=True)
    note_enc = models.BinaryField(null=True, blank=True)  # what it is, in the person's case
    refusal_note_enc = models.BinaryField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ServiceOutcome.choices, blank=True)
    outcome_note_enc = models.BinaryField(null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)  # ISO 4217
    amount_period = models.CharField(max_length=10, choices=AmountPeriod.choices, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="service_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True)
                | (~models.Q(currency="") & ~models.Q(amount_period="")),
                name="service_amount_has_currency_and_period",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="service_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | models.Q(refused_on__isnull=False),
                name="service_refusal_dated",
            ),
        ]
        indexes = [models.Index(fields=["case", "status"], name="service_case_status_idx")]

    def __str__(self) -> str:
        return f"{self.service_type} for {self.case_id}"


class ClosureGround(models.TextChoices):
    """Why assistance is closed (R-15, R-18, R-22). Cooperation with the authorities is
    never a ground: assistance does not depend on it."""

    PERSONS_WISH = "persons_wish", _("The person's own wish (recorded in their words)")
    DEATH = "death", _("The person died")
    LEFT_COUNTRY = "left_country", _("The person left the country")
    NO_LONGER_NEEDED = (
        "no_longer_needed",
        _(
            "Assistance is no longer needed (not while the reflection period runs "
            "or the person is presumed)"
        ),
    )


# The only grounds on which assistance may close while the reflection period runs or
# the person is a presumed victim.
PROTECTED_CLOSURE_GROUNDS = frozenset(
    {ClosureGround.PERSONS_WISH, ClosureGround.DEATH, ClosureGround.LEFT_COUNTRY}
)


class AssistanceClosure(models.Model):
    """The recorded decision that closes assistance, with its exit plan (R-22).
    Assistance never ends by itself; a reopening keeps the closure on record.
    Services group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="closures")
    decided_on = models.DateField()
    ground = models.CharField(max_length=30, choices=ClosureGround.choices, blank=True)
    reasons_enc = models.BinaryField()
    exit_plan_enc = models.BinaryField()
    person_view_enc = models.BinaryField()
    follow_up_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    reopened_on = models.DateField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reasons_enc = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-recorded_at"]
        constraints = [
            # At most one closure in force per case.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(reopened_on__isnull=True),
                name="closure_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"closure {self.pk} of {self.case_id}"


# --- information on rights and interpretation (R-24) ----------------------------------


class RightsItem(models.TextChoices):
    """The items of information the person has the right to get (R-24, R-19(d))."""

    REFLECTION = "reflection", _("Recovery and reflection period")
    ASSISTANCE = "assistance", _("Assistance and services")
    LEGAL_AID = "legal_aid", _("Legal aid")
    COMPENSATION = "compensation", _("Compensation")
    RESIDENCE = "residence", _("Residence permit")
    RETURN = "return", _("Safe return")
    COMPLAINTS = "complaints", _("How to complain")
    PROTECTION = "protection", _("International protection")  # Dir Art. 11(6)
    PROCEEDINGS = "proceedings", _("The proceedings")  # CETS Art. 15(1)


class RightsForm(models.TextChoices):
    """How the information was given."""

    LEAFLET = "leaflet", _("Leaflet printed and handed over")
    READ_ALOUD = "read_aloud", _("Leaflet read aloud")
    ORAL = "oral", _("Explained orally")


class RightsVersion(models.TextChoices):
    """Which version of the words: standard, easy-read, or for a child (R-26)."""

    STANDARD = "standard", _("Standard")
    EASY = "easy", _("Easy-read")
    CHILD = "child", _("Child-friendly")


class InterpreterSex(models.TextChoices):
    """The sex of the interpreter, recorded when the person asked for one."""

    ANY = "", _("No preference")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class RightsInformation(models.Model):
    """One occasion on which the person was informed of their rights (R-24): which
    items, when, in which language and form, by whom, with which interpreter.
    Services group; the interpreter's name is encrypted with the person's key."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="rights_information"
    )
    given_at = models.DateTimeField()
    language = models.CharField(max_length=12)  # BCP 47 / ISO 639 code
    form = models.CharField(max_length=20, choices=RightsForm.choices)
    version = models.CharField(max_length=20, choices=RightsVersion.choices)
    items = models.JSONField(default=list)  # RightsItem values
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    interpreter_organisation = models.CharField(max_length=200, blank=True)
    interpreter_name_enc = models.BinaryField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"rights information {self.pk} of {self.case_id}"


class InterpretationNeed(models.Model):
    """The person's need for an interpreter and the languages (R-19(c), R-24).
    Revisable: each revision is a new row, the latest counts. Services group."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="interpretation_needs"
    )
    needed = models.BooleanField()
    languages = models.JSONField(default=list, blank=True)  # language codes, preferred first
    interpreter_sex = models.CharField(
        max_length=10, choices=InterpreterSex.choices, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"interpretation need {self.pk} of {self.case_id}"


class InterpreterBooking(models.Model):
    """An interpreter planned for an interview or a decision (R-24, R-28). Services
    group; an interpreter named as a person is stored encrypted."""

    class Occasion(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        DECISION = "decision", _("Decision given to the person")
        HEARING = "hearing", _("Court hearing")
        OTHER = "other", _("Other meeting")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="interpreter_bookings"
    )
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    planned_on = models.DateField()
    language = models.CharField(max_length=12)
    interpreter_organisation = models.CharField(max_length=200, blank=True)
    interpreter_name_enc = models.BinaryField(null=True, blank=True)
    interpreter_sex = models.CharField(
        max_length=10, choices=InterpreterSex.choices, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"interpreter booking {self.pk} of {self.case_id}"
