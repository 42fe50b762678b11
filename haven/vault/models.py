"""Data keys: one per person, wrapped by the master key."""

from __future__ import annotations

import uuid

from django.db import models


class DataKey(models.Model):
    """A per-person AES-256 key, stored only wrapped (encrypted) by a master key.

    Destroying it (``wrapped`` emptied, ``destroyed_at`` set) crypto-shreds every
    field encrypted with it, including copies in old database backups once
    those backups age out of the key's retention.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Which kind of row owns the key, by label (the vault never imports domain apps).
    subject = models.CharField(max_length=60)
    master_key_id = models.CharField(max_length=16)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(destroyed_at__isnull=True) | models.Q(master_key_id=""),
                name="datakey_destroyed_has_no_master",
            ),
        ]

    def __str__(self) -> str:
        return f"data key {self.id}"
