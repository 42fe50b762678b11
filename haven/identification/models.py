"""Indicator sets (versioned data), screenings and identification decisions."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Strength(models.TextChoices):
    STRONG = "S", _("strong")
    MEDIUM = "M", _("medium")
    WEAK = "W", _("weak")


class Audience(models.TextChoices):
    ADULTS = "adults", _("adults")
    CHILDREN = "children", _("children")


class IndicatorSet(models.Model):
    """One version of an indicator set. Rows are never changed once a screening
    uses them: a new file content makes a new version (R-05)."""

    key = models.SlugField(max_length=60)  # file key, e.g. adults_labour
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    # The language of the title and labels (the file's `language`): shipped sets are in
    # English and translated for showing (haven.lib.datatext); an uploaded set is shown
    # as written, marked with this language.
    language = models.CharField(max_length=20, default="en")
    # Shown, not part of the version (content_hash): element code -> name as the file
    # writes it, and the file's own translations of this set's element names, title and
    # labels (language -> source text -> translation). A new upload whose content is
    # unchanged updates them on the latest version (see services.indicator_sets).
    element_names = models.JSONField(default=dict, blank=True)
    translations = models.JSONField(default=dict, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    exploitation = models.CharField(max_length=20, blank=True)  # labour, sexual, other
    provisional = models.BooleanField(default=True)  # not checked word for word at the source
    confidence = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    source = models.JSONField(default=dict, blank=True)  # title, publisher, year, url
    elements = models.JSONField(default=list)  # element codes in order
    recruitment_elements = models.JSONField(default=list)
    element_rule = models.JSONField(default=list)  # any_of combinations
    victim_rule = models.JSONField(default=dict)  # all_of (adults) or policies (children)
    content_hash = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="indicator_set_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(max_length=20)  # e.g. DR-01
    element = models.CharField(max_length=10)  # e.g. DR
    label = models.CharField(max_length=300)
    strength = models.CharField(max_length=1, choices=Strength.choices)
    uncertain = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["indicator_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"], name="indicator_once_per_set"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ObservationSource(models.TextChoices):
    OWN_ACCOUNT = "own_account", _("The person's own account")
    DOCUMENT = "document", _("A document")
    OBSERVATION = "observation", _("Observed by staff")
    THIRD_PARTY = "third_party", _("A third party")


class Screening(models.Model):
    """An indicator screening: which set version, which indicators, what result.

    ``result`` is stored as evaluated at the time, so a later set version
    never changes it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    treated_as_child = models.BooleanField()
    child_policy = models.CharField(max_length=40, blank=True)
    act_established = models.BooleanField(null=True, blank=True)  # None: not known
    outcome = models.CharField(max_length=60)
    result = models.JSONField()

    class Meta:
        ordering = ["-screened_at"]

    def __str__(self) -> str:
        return f"screening {self.id}"


class ScreeningObservation(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="observations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=ObservationSource.choices)
    note_enc = models.BinaryField(null=True)  # under the person's data key (assessment group)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "indicator"], name="observation_once_per_screening"
            ),
        ]

    def __str__(self) -> str:
        return f"observation {self.pk}"


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class ServedTo(models.TextChoices):
    PERSON = "person", _("The person")
    REPRESENTATIVE = "representative", _("The child's guardian or representative")
    LOCAL_AUTHORITY = "local_authority", _("The local authority")


class IdentificationDecision(models.Model):
    """A reasonable- or conclusive-grounds decision under the national pathway (R-17)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="decisions")
    decision_type = models.CharField(max_length=40)  # key in the national pathway
    country = models.CharField(max_length=2)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    decided_on = models.DateField()
    recorded_at = models.DateTimeField()
    # dated before the day it was recorded; the clocks that follow it
    # count from the day it was recorded, and the timeline says so.
    backdated = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    standard_of_proof = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=200)  # required
    reasons_enc = models.BinaryField()  # legal group, under the person's key
    served_to = models.CharField(max_length=20, choices=ServedTo.choices)
    transition = models.OneToOneField(
        "cases.StatusTransition", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["decided_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.decision_type} {self.outcome}"

    @property
    def effective_on(self) -> date:
        """The day the decision took effect for the clocks that follow it (R-15, R-17):
        its date, or the day it was recorded when that is later (a backdated decision)."""
        return max(self.decided_on, timezone.localdate(self.recorded_at))


class Reconsideration(models.Model):
    """A request to reconsider a decision (R-17), and what became of it."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")  # waiting for a new decision
        DECIDED = "decided", _("decided")  # a new decision was recorded

    decision = models.ForeignKey(
        IdentificationDecision, on_delete=models.CASCADE, related_name="reconsiderations"
    )
    requested_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grounds_enc = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    new_decision = models.ForeignKey(
        IdentificationDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"reconsideration {self.pk}"
