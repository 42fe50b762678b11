"""Writing and verifying the audit trail.

``audit_record`` is called by the service that reads or writes personal data,
inside that service's own transaction (never from a signal).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.accounts import hooks as account_hooks
from haven.accounts.models import User
from haven.audit.models import Action, AuditEvent, AuditHead

GENESIS = "0" * 64
TOKEN_SUBJECT = "api_token"  # noqa: S105 - the trail's object type for API tokens, no secret  # nosec B105


@dataclass(frozen=True)
class Actor:
    """Who acted, as copied into the trail."""

    id: int | None
    username: str
    organisation_id: str
    organisation_name: str


def event_digest(event: AuditEvent) -> str:
    """SHA-256 over the event's canonical JSON, including the previous hash."""
    body = {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "organisation_id": event.organisation_id,
        "organisation_name": event.organisation_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": event.person_id,
        "field_groups": event.field_groups,
        "purpose": event.purpose,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    person_id: object = "",
    field_groups: Iterable[str] = (),
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS, "count": 0}
        )
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=actor.id,
            actor_username=actor.username,
            organisation_id=actor.organisation_id,
            organisation_name=actor.organisation_name,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            person_id=str(person_id or ""),
            field_groups=",".join(sorted(set(field_groups))),
            purpose=purpose,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event)
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
        return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_at: int | None = None  # id of the first event whose link is broken
    problem: str = ""


def audit_verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the chain in order; report the first event that does not link.

    The head is read after the walk, so events appended meanwhile are walked
    too. Comparing with the head finds what the links alone cannot: events
    deleted at the end, and events added at the end without going through
    ``audit_record``.
    """
    expected_prev, checked, last_id = GENESIS, 0, 0
    while True:
        events = AuditEvent.objects.filter(id__gt=last_id).order_by("id")
        for event in events.iterator(chunk_size=chunk_size):
            if event.prev_hash != expected_prev:
                return VerifyResult(False, checked, event.pk, "previous event missing or changed")
            if event_digest(event) != event.hash:
                return VerifyResult(False, checked, event.pk, "event content changed")
            expected_prev, checked, last_id = event.hash, checked + 1, event.pk
        head_hash, head_count = _head()
        if head_hash == expected_prev and head_count == checked:
            return VerifyResult(True, checked)
        appended = head_count > checked and AuditEvent.objects.filter(id__gt=last_id).exists()
        if not appended:
            return _end_mismatch(head_hash=head_hash, head_count=head_count, checked=checked)


def _head() -> tuple[str, int]:
    head = AuditHead.objects.filter(id=1).first()
    return (head.last_hash, head.count) if head else (GENESIS, 0)


def _end_mismatch(*, head_hash: str, head_count: int, checked: int) -> VerifyResult:
    """The links hold but the end of the chain is not the head's tip."""
    if head_count > checked:
        return VerifyResult(False, checked, None, "events missing at the end of the trail")
    if head_count < checked:
        chain = AuditEvent.objects.order_by("id")
        tip_hash = chain[head_count - 1].hash if head_count else GENESIS
        if tip_hash == head_hash:
            # Linked correctly, but never counted by the head: written outside audit_record.
            extra = chain[head_count]
            return VerifyResult(False, head_count, extra.pk, "event added outside the audit trail")
    return VerifyResult(False, checked, None, "the end of the trail does not match its head")


def actor_of(user: User) -> Actor:
    """Copy who is acting into the trail's plain values."""
    org = user.organisation
    return Actor(
        id=user.pk,
        username=user.get_username(),
        organisation_id=str(org.pk) if org else "",
        organisation_name=org.name if org else "",
    )


# Who acts when Haven itself does (revoking the tokens of an account that failed
# attempts locked).
SYSTEM = Actor(id=None, username="", organisation_id="", organisation_name="")


def tokens_revoked_record(event: account_hooks.TokensRevoked) -> None:
    """One event per revoked API token: by whom, of whose account, and why. Registered
    with ``haven.accounts.hooks`` by ``AuditConfig.ready``; runs in the revocation's
    transaction."""
    actor = actor_of(event.actor) if event.actor is not None else SYSTEM
    for token_id in event.token_ids:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            object_type=TOKEN_SUBJECT,
            object_id=token_id,
            detail={"event": "revoked", "reason": event.reason, "user_id": event.user_id},
        )
