"""The statistics app's own tables: what was released, and the privacy spent on it."""

import uuid

from django.conf import settings
from django.db import models

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
