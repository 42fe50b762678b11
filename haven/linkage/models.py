"""The blocking-key index of the search before create, and the record of checks.

Nothing here is readable: an index row holds a keyed HMAC (``vault.blind_index``)
of one blocking key of a person's normalised identity (``matching.blocking_keys``),
so that persons sharing a key with what a caseworker typed are found without
decrypting the register. The keys are written with the identity, in its
transaction, and deleted when the person is erased.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case


class BlockingKey(models.Model):
    """One keyed blocking key of one person (a person has a handful)."""

    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)  # hex HMAC-SHA256 under the "linkage.block" purpose

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="linkage_key_once_per_person"),
        ]
        indexes = [
            # The check: persons sharing any of the typed keys, counted per person.
            models.Index(fields=["key", "person"], name="linkage_key_person_idx"),
        ]

    def __str__(self) -> str:
        return f"blocking key of person {self.person_id}"  # never the key: it reaches logs


class Check(models.Model):
    """One search before create: who asked, when, and how many candidates were
    decrypted. No personal data: it counts checks for the rate limit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    candidates = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "checked_at"], name="linkage_check_user_idx")]

    def __str__(self) -> str:
        return f"linkage check {self.id}"


class DedupeRun(models.Model):
    """One batch deduplication of a country's register, started by a national
    coordinator and run in the background (``services.review.dedupe_run``). Counts only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=2)  # the coordinator's country: its register
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)  # persons to decrypt and compare
    processed = models.PositiveIntegerField(default=0)
    pairs_compared = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)  # at or above the review threshold
    pairs_queued = models.PositiveIntegerField(default=0)  # new in the review queue

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["country", "-started_at"], name="linkage_run_country_idx")]

    def __str__(self) -> str:
        return f"dedupe run {self.id}"

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class PairStatus(models.TextChoices):
    OPEN = "open", _("to review")
    SAME = "same", _("same person: merge proposed")
    NOT_SAME = "not_same", _("not the same person")
    MERGED = "merged", _("merged")
    MERGE_REFUSED = "merge_refused", _("merge refused")
    MERGE_REVERSED = "merge_reversed", _("merge reversed")


class PairReview(models.Model):
    """Two persons a run found probably the same (never merged automatically): the
    national coordinator decides. ``person_a`` is the lower id (one row per pair)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=2)
    person_a = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    status = models.CharField(max_length=20, choices=PairStatus.choices, default=PairStatus.OPEN)
    found_by = models.ForeignKey(DedupeRun, on_delete=models.PROTECT, related_name="pairs")
    found_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)  # the coordinator's words; no names (the form says)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="linkage_pair_once"),
        ]
        indexes = [
            # The queue: a country's open pairs, likeliest first.
            models.Index(
                fields=["country", "status", "-probability", "id"], name="linkage_pair_queue_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"pair review {self.id}"


class Merge(models.Model):
    """A proposed merge of two cases of one person: the absorbed case is marked
    merged into the surviving one once a supervisor approves. ``changes`` keeps
    what the merge changed (consents narrowed, blocking keys moved, tasks opened)
    so that the unmerge restores it exactly; it holds ids, field groups and keyed
    hashes, never personal data."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("waiting for approval")
        APPROVED = "approved", _("merged")
        REFUSED = "refused", _("refused")
        REVERSED = "reversed", _("reversed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pair = models.ForeignKey(PairReview, on_delete=models.PROTECT, related_name="merges")
    # The surviving case (named ``case`` so that the case page asks, in its one query for
    # every app, whether a case has merges: ``haven.linkage.case_parts``).
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reverse_reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"merge {self.id}"

    @property
    def surviving(self) -> Case:
        return self.case
