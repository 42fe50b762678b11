"""Returns: country profiles (configuration as data), the return plan with its
risk assessment made with the person (R-31, R-30), the acknowledged warnings, the
reintegration plan and the follow-up after return (R-32).

Everything about the person (their wishes, the risks, the reasons given for going
ahead, the goals and the follow-up notes) is encrypted under the person's data key
and read in the ``assessment`` group: preparing a return never needs ``legal``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.lib import locking

# --- country profiles -------------------------------------------------------------------


class ReceivingView(models.TextChoices):
    """How able or willing the receiving country is to protect and reintegrate."""

    ADEQUATE = "adequate", _("Adequate")
    LIMITED = "limited", _("Limited")
    INADEQUATE = "inadequate", _("Inadequate")
    UNKNOWN = "unknown", _("Not known")


class CountryProfile(models.Model):
    """What is known of a country of return (R-31): partner organisations, focal
    points (role titles, never people), known risks, the country's willingness and
    capacity, and when all of it was last reviewed. Configuration, not personal
    data: loaded from ``data/country_profiles.yaml`` and kept by the national
    coordinator."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=2, unique=True)  # ISO 3166-1 alpha-2
    name = models.CharField(max_length=100)
    partner_organisations = models.JSONField(default=list)  # list of names
    focal_points = models.JSONField(default=list)  # list of role titles
    known_risks = models.TextField()
    willingness = models.CharField(max_length=20, choices=ReceivingView.choices)
    capacity = models.CharField(max_length=20, choices=ReceivingView.choices)
    last_reviewed_on = models.DateField()
    # The data file version it was last loaded from (a newer file replaces it).
    source_version = models.PositiveIntegerField(default=0)
    version = locking.version_field()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(willingness__in=ReceivingView.values)
                & models.Q(capacity__in=ReceivingView.values),
                name="country_profile_views_known",
            ),
        ]

    def __str__(self) -> str:
        return f"country profile {self.country}"


# --- the return plan (R-31, R-30) ----------------------------------------------------------


class ReturnPlanState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")  # with the person; warnings computed
    APPROVED = "approved", _("Approved")  # every warning acknowledged, nothing blocking
    RETURNED = "returned", _("Returned")  # the person went back; follow-up scheduled
    CANCELLED = "cancelled", _("Cancelled")  # not going ahead (reason recorded)


class Voluntariness(models.TextChoices):
    """Return is preferably voluntary (CETS Art. 16(2))."""

    VOLUNTARY = "voluntary", _("The person wants to return")
    RESERVATIONS = "reservations", _("The person agrees, with reservations")
    NOT_VOLUNTARY = "not_voluntary", _("The person does not want to return")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ProceedingsStatus(models.TextChoices):
    """The status of legal proceedings as the return plan needs it (R-31), in words
    that carry no legal detail."""

    NONE_KNOWN = "none_known", _("None known")
    OPEN = "open", _("Open proceedings or claims")
    CONCLUDED = "concluded", _("Concluded")


class ReturnPlan(models.Model):
    """A return plan prepared with the person (R-31): their wishes in their own
    words, how voluntary it is, the risks at the place of return, the receiving
    country's willingness and capacity, the focal point and partner, the contact
    hand-over checklist (CETS Art. 16(6)), the status of proceedings and the date.
    A child's plan needs a best-interests determination in favour of return (R-30).
    Assessment group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=20, choices=ReturnPlanState.choices, default=ReturnPlanState.DRAFT
    )
    country = models.CharField(max_length=2)  # the country of return (its profile)
    wishes_enc = models.BinaryField()  # the person's wishes, in their own words
    voluntariness = models.CharField(max_length=20, choices=Voluntariness.choices)
    # The pre-return risk assessment: each risk rated ("" while not rated yet).
    risk_retrafficking = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_reprisals = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_family = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    risk_notes_enc = models.BinaryField(null=True, blank=True)
    risk_assessed_on = models.DateField(null=True, blank=True)
    # The assessor's view of the receiving country (beside the profile's).
    willingness = models.CharField(
        max_length=20, choices=ReceivingView.choices, default=ReceivingView.UNKNOWN
    )
    capacity = models.CharField(
        max_length=20, choices=ReceivingView.choices, default=ReceivingView.UNKNOWN
    )
    focal_point = models.CharField(max_length=200, blank=True)  # a role title
    partner_name = models.CharField(max_length=200, blank=True)  # from the profile
    # The Haven organisation that carries out the follow-ups, when the partner works
    # in Haven; otherwise the sending organisation does (``clocks.follow_up_holder``).
    partner_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Contact information handed over for the return country (CETS Art. 16(6)).
    contacts_police = models.BooleanField(default=False)
    contacts_ngos = models.BooleanField(default=False)
    contacts_lawyers = models.BooleanField(default=False)
    contacts_social_welfare = models.BooleanField(default=False)
    proceedings_status = models.CharField(
        max_length=20, choices=ProceedingsStatus.choices, default=ProceedingsStatus.NONE_KNOWN
    )
    planned_on = models.DateField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_on = models.DateField(null=True, blank=True)
    cancel_reason_enc = models.BinaryField(null=True, blank=True)
    version = locking.version_field()
    organisation = models.ForeignKey(  # the sending organisation
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReturnPlanState.values),
                name="return_plan_state_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReturnPlanState.RETURNED)
                | models.Q(returned_on__isnull=False),
                name="return_plan_returned_has_date",
            ),
            # One plan being prepared or approved per case at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["draft", "approved"]),
                name="return_plan_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"return plan {self.pk}"

    @property
    def risks_rated(self) -> bool:
        return all([self.risk_retrafficking, self.risk_reprisals, self.risk_family])

    @property
    def risk_assessment_complete(self) -> bool:
        """The pre-return risk assessment is done: every risk rated, and dated."""
        return self.risks_rated and self.risk_assessed_on is not None

    @property
    def contacts_handed_over(self) -> bool:
        return all(
            [
                self.contacts_police,
                self.contacts_ngos,
                self.contacts_lawyers,
                self.contacts_social_welfare,
            ]
        )


class WarningKind(models.TextChoices):
    """The warnings that cannot pass silently: each acknowledged with a reason."""

    OPEN_REMEDIES = "open_remedies", _("Open proceedings or a compensation claim")  # P3
    REFLECTION_PERIOD = "reflection_period", _("Return during the reflection period")


class WarningAcknowledgement(models.Model):
    """A named person went ahead despite a warning, and wrote why (R-31, P3, R-15).
    The reason is encrypted under the person's data key. Assessment group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="acknowledgements")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    warning = models.CharField(max_length=30, choices=WarningKind.choices)
    reason_enc = models.BinaryField()
    acknowledged_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "warning"], name="return_warning_once"),
            models.CheckConstraint(
                condition=models.Q(warning__in=WarningKind.values), name="return_warning_known"
            ),
        ]

    def __str__(self) -> str:
        return f"acknowledged {self.warning} {self.pk}"


# --- reintegration (R-31, CETS Art. 16(5)) ---------------------------------------------------


class ReintegrationArea(models.TextChoices):
    TRAINING = "training", _("Training")
    VOCATIONAL_COUNSELLING = "vocational_counselling", _("Vocational counselling")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    FAMILY_SUPPORT = "family_support", _("Family support")
    EDUCATION = "education", _("Education")


class GoalOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class ReintegrationGoal(models.Model):
    """One goal of the reintegration plan, by area, with the outcome recorded
    against it (social and labour inclusion). Assessment group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="goals")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=30, choices=ReintegrationArea.choices)
    goal_enc = models.BinaryField()
    outcome = models.CharField(
        max_length=20, choices=GoalOutcome.choices, default=GoalOutcome.PLANNED
    )
    outcome_note_enc = models.BinaryField(null=True, blank=True)
    updated_on = models.DateField()
    version = locking.version_field()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["area", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__in=ReintegrationArea.values),
                name="reintegration_area_known",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=GoalOutcome.values),
                name="reintegration_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return f"reintegration goal {self.pk}"


# --- follow-up after return (R-32) --------------------------------------------------------------


class ContactOutcome(models.TextChoices):
    MET_WELL = "met_well", _("Met: doing well")
    MET_CONCERNS = "met_concerns", _("Met: there are concerns")
    NOT_REACHED = "not_reached", _("Could not be reached")


class RiskIndicator(models.TextChoices):
    """Re-trafficking risk indicators a follow-up looks for (R-32)."""

    RECONTACTED = "recontacted", _("Contacted again by the traffickers or their associates")
    THREATS = "threats", _("Threats or reprisals")
    DEBT = "debt", _("Debt or pressure to repay")
    NO_INCOME = "no_income", _("No income or work")
    FAMILY_PRESSURE = "family_pressure", _("Pressure from the family")
    STIGMA = "stigma", _("Stigma or exclusion")
    MIGRATE_AGAIN = "migrate_again", _("Plans to migrate again through an intermediary")


class FollowUp(models.Model):
    """One contact of the follow-up after return (R-32), due some months after the
    return, with its deadline on the holder's list; its outcome and re-trafficking
    risk indicators once made. Assessment group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="follow_ups")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    months = models.PositiveSmallIntegerField()  # after the return
    due_on = models.DateField()
    # Who carries it out: the partner organisation, or the sending organisation.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        "deadlines.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contacted_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices, blank=True)
    indicators = models.JSONField(default=list)  # RiskIndicator keys
    note_enc = models.BinaryField(null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "months"], name="follow_up_once"),
            models.CheckConstraint(
                condition=models.Q(outcome="")
                | (
                    models.Q(outcome__in=ContactOutcome.values)
                    & models.Q(contacted_on__isnull=False)
                ),
                name="follow_up_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.months} months {self.pk}"

    def overdue(self, today: date) -> bool:
        return not self.outcome and self.due_on < today
