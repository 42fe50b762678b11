"""Ids from requests: a UUID, or None for anything that is not one."""

from __future__ import annotations

import uuid


def parse_uuid(value: object) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one (a malformed id finds nothing)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
