"""Children: guardians and representatives (R-11), best interests (R-25, R-27),
family tracing (R-11) and the children of victims as dependants (R-27)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.lib import locking


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


# --- best interests (R-25, R-27) ---------------------------------------------------------


class BestInterestsStage(models.TextChoices):
    ASSESSMENT = "assessment", _("Best-interests assessment")
    DETERMINATION = "determination", _("Best-interests determination")  # the formal decision


class BestInterestsMatter(models.TextChoices):
    PLACEMENT = "placement", _("Placement and care")
    INTERVIEW = "interview", _("Interview")
    RETURN = "return", _("Return or durable solution")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    OTHER = "other", _("Other major decision")


class HowHeard(models.TextChoices):
    """How the child was heard, in a way suited to age and maturity (right to be heard)."""

    CONVERSATION = "conversation", _("Conversation suited to the child's age")
    PLAY_OR_DRAWING = "play_or_drawing", _("Play or drawing")
    IN_WRITING = "in_writing", _("In writing")
    THROUGH_REPRESENTATIVE = "through_representative", _("Through the guardian or representative")
    NOT_HEARD = "not_heard", _("Not heard (reason recorded)")


class BestInterestsRecord(models.Model):
    """A best-interests assessment or determination for a major decision on a
    child (R-25), with the child's own views (R-27). Assessment group; all free
    text encrypted under the child's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=BestInterestsStage.choices)
    matter = models.CharField(max_length=20, choices=BestInterestsMatter.choices)
    how_heard = models.CharField(max_length=30, choices=HowHeard.choices)
    child_views_enc = models.BinaryField()  # the views, or why the child was not heard
    considerations_enc = models.BinaryField()
    conclusion_enc = models.BinaryField()
    # A determination on return concludes, as a structured yes or no, whether return
    # is in the child's best interests: a return plan cannot be approved
    # without a "yes". None on every other record.
    favours_return = models.BooleanField(null=True, blank=True)
    guardian_present = models.BooleanField(default=False)
    decided_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=BestInterestsStage.values), name="bi_stage_known"
            ),
            models.CheckConstraint(
                condition=models.Q(matter__in=BestInterestsMatter.values), name="bi_matter_known"
            ),
        ]

    def __str__(self) -> str:
        return f"best interests {self.stage} {self.pk}"


# --- family tracing (R-11) -----------------------------------------------------------------


class TracingStatus(models.TextChoices):
    UNDER_WAY = "under_way", _("Under way")
    FOUND = "found", _("Family found")
    NOT_FOUND = "not_found", _("Family not found")
    STOPPED = "stopped", _("Stopped: not in the child's best interests")


class FamilyTracing(models.Model):
    """Tracing a child's family, only where it is in the child's best interests
    (R-11, CETS Art. 10(4)). Assessment group: the family's whereabouts can put
    the child at risk, so every word is encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=20, choices=TracingStatus.choices, default=TracingStatus.UNDER_WAY
    )
    best_interests_reason_enc = models.BinaryField()  # why tracing serves the child
    traced_by = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField()
    outcome_enc = models.BinaryField(null=True, blank=True)
    updated_on = models.DateField()
    version = locking.version_field()  # every update moves it on (optimistic locking)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"family tracing {self.pk}"


# --- dependants: the children of victims (R-27) ----------------------------------------------


class DependantRelationship(models.TextChoices):
    CHILD = "child", _("Child of the person")
    OTHER = "other", _("Other dependant")


class EducationAccess(models.TextChoices):
    NOT_OF_SCHOOL_AGE = "not_of_school_age", _("Not of school age")
    ARRANGING = "arranging", _("Being arranged")
    ENROLLED = "enrolled", _("Enrolled")
    NOT_ARRANGED = "not_arranged", _("Not arranged yet")


class Dependant(models.Model):
    """A child of the victim (or other dependant), an indirect victim with needs
    of their own (R-27: access to education within a reasonable time).
    Identity group for who they are; their needs are encrypted with them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    relationship = models.CharField(max_length=10, choices=DependantRelationship.choices)
    name_enc = models.BinaryField()
    date_of_birth_enc = models.BinaryField(null=True, blank=True)
    with_the_person = models.BooleanField(default=True)  # lives with the person now
    needs_enc = models.BinaryField(null=True, blank=True)
    education = models.CharField(
        max_length=20, choices=EducationAccess.choices, default=EducationAccess.NOT_ARRANGED
    )
    version = locking.version_field()  # every update moves it on (optimistic locking)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"dependant {self.pk}"


# --- age assessment: the presumption of minority (R-10) --------------------------------------


class AgeRecordKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Age assessment")
    # Someone later found, or suspected, to be a child: into child protections at once.
    NEW_INFORMATION = "new_information", _("New information suggests a child")


class AgeAssessmentMethod(models.TextChoices):
    """How the age was assessed, least intrusive first: a medical examination only as
    a last resort, with the person's informed consent."""

    DOCUMENTS = "documents", _("Documents")
    MULTIDISCIPLINARY = "multidisciplinary", _("Multidisciplinary or psychosocial assessment")
    MEDICAL = "medical", _("Medical examination (last resort)")
    OTHER = "other", _("Other")


class AgeAssessmentResult(models.TextChoices):
    """The age statuses an assessment can decide (``cases.AgeStatus`` keys)."""

    VERIFIED_ADULT = "verified_adult", _("Adult (verified)")
    VERIFIED_CHILD = "verified_child", _("Child (verified)")
    UNCERTAIN_PRESUMED_CHILD = "uncertain_presumed_child", _("Age uncertain, presumed child")


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld: the assessment stands")
    OVERTURNED = "overturned", _("Overturned")


class AgeAssessment(models.Model):
    """A recorded decision on a person's age (R-10): the only way out of child
    protections (``cases.services.person_age_status_set`` asks for one), or new
    information that moves a person into them at once. Legal group. The person's
    views and the reasons are encrypted with the person's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=AgeRecordKind.choices)
    method = models.CharField(max_length=20, choices=AgeAssessmentMethod.choices, blank=True)
    result = models.CharField(max_length=30, choices=AgeAssessmentResult.choices)
    from_status = models.CharField(max_length=30)  # the age status the decision moved from
    assessed_on = models.DateField()
    estimated_age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    # Who assessed: a Haven organisation, or an external assessor's name and role.
    assessor_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor = models.CharField(max_length=200, blank=True)
    person_views_enc = models.BinaryField(null=True, blank=True)
    reasons_enc = models.BinaryField()
    legal_basis = models.CharField(max_length=500, blank=True)
    appeal_how = models.TextField(blank=True)  # how, and to whom, the person can appeal
    appeal_by = models.DateField(null=True, blank=True)
    appealed_on = models.DateField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=20, choices=AppealOutcome.choices, blank=True)
    appeal_decided_on = models.DateField(null=True, blank=True)
    version = locking.version_field()  # every appeal update moves it on (optimistic locking)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AgeRecordKind.values), name="age_record_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=AgeAssessmentResult.values),
                name="age_assessment_result_known",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_age_min__isnull=True)
                | models.Q(estimated_age_max__isnull=True)
                | models.Q(estimated_age_min__lte=models.F("estimated_age_max")),
                name="age_assessment_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"age assessment {self.pk}"
