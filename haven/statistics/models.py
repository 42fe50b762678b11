"""The statistics app's own tables: what was released, and the privacy spent on it."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# --- Differential privacy: privacy budgets, releases and their ledger (issue 15) ---------
# A dataset is what one person's data can appear in: registered victims of one
# country in one year (a person is registered in one year only, so years are
# disjoint and each has its own budget). Every release spends ε from the budget of
# each year it covers; the spends are the ledger.


class PrivacyBudget(models.Model):
    """The total ε one dataset may ever spend, and what is spent. The total is copied
    from settings when the budget is first used and never changed from the pages: a
    spent budget cannot be given back, and raising one is a decision for whoever sets
    the country's rules (the data protection officer with the Rapporteur), made in the
    deployment's configuration, not by the person who spends it."""

    dataset = models.CharField(max_length=60)
    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    total_epsilon = models.DecimalField(max_digits=7, decimal_places=3)
    spent_epsilon = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal(0))
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["dataset", "country", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "country", "year"], name="privacy_budget_one_per_dataset"
            ),
            models.CheckConstraint(
                condition=Q(spent_epsilon__gte=0) & Q(spent_epsilon__lte=F("total_epsilon")),
                name="privacy_budget_never_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.country} {self.year}"

    @property
    def remaining_epsilon(self) -> Decimal:
        return self.total_epsilon - self.spent_epsilon


class Release(models.Model):
    """One differentially private release: the published figures (noisy and
    post-processed, never the true counts), ε, the budget left and the method."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=60)
    table = models.CharField(max_length=60)
    country = models.CharField(max_length=2)
    year_from = models.PositiveSmallIntegerField()
    year_to = models.PositiveSmallIntegerField()
    epsilon = models.DecimalField(max_digits=7, decimal_places=3)
    method = models.CharField(max_length=80)
    noise_scale = models.FloatField()
    dimensions = models.JSONField()  # names of the dimensions, in key order
    cells = models.JSONField()  # [[dimension values..., count], ...]
    totals = models.JSONField()  # {year: count}, each the sum of its cells
    remaining = models.JSONField()  # {year: "ε left"} after this release
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField()

    class Meta:
        ordering = ["-released_at", "id"]
        indexes = [
            models.Index(fields=["country", "-released_at"], name="release_country_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(epsilon__gt=0), name="release_epsilon_positive"),
            models.CheckConstraint(
                condition=Q(year_to__gte=F("year_from")), name="release_years_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}/{self.table} {self.country} {self.year_from}-{self.year_to}"


class BudgetSpend(models.Model):
    """One line of the ledger: ε a release took from one year's budget."""

    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="spends")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="spends")
    epsilon = models.DecimalField(max_digits=7, decimal_places=3)
    remaining_after = models.DecimalField(max_digits=7, decimal_places=3)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "release"], name="budget_spend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.epsilon} from {self.budget}"


# --- the standard exchange (HTCDS imports, other states' regional releases) ---------------
# Other organisations' and states' records and releases, kept apart from Haven's own
# cases: an import never creates a case, and nothing here identifies a person.


class ExternalDataset(models.Model):
    """An HTCDS file another organisation or state gave, read into the fields Haven
    carries (R-45); ``not_carried`` counts, per field, the values that were dropped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=2)  # the importing Haven's country: its scope
    source = models.CharField(max_length=200)  # who sent it (an organisation or a state)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    record_count = models.PositiveIntegerField()
    not_carried = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"dataset {self.id}"


class ExternalRecord(models.Model):
    """One record of an external dataset: HTCDS field name -> canonical value."""

    dataset = models.ForeignKey(ExternalDataset, on_delete=models.CASCADE, related_name="records")
    data = models.JSONField()

    def __str__(self) -> str:
        return f"external record {self.pk}"


class ImportedRelease(models.Model):
    """Another state's signed regional release, verified and kept as sent (R-45)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=2)  # the importing Haven's country: its scope
    sender = models.CharField(max_length=2)  # the state that signed it
    created_at = models.CharField(max_length=20)  # as the sender wrote it (UTC)
    threshold = models.PositiveSmallIntegerField()
    cells = models.JSONField(blank=True)  # [[year, sex, age group, form, value or null]]
    digest = models.CharField(max_length=64)  # SHA-256 of the file: one import per file
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sender", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["country", "digest"], name="imported_release_once")
        ]

    def __str__(self) -> str:
        return f"release of {self.sender} {self.created_at}"
