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
