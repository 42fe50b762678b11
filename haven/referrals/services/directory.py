"""Writes to the service directory (issue 6; CBSS 2014 Panel 1: clear roles, known
services). Entries are organisation data, not personal data: each write is
audited as an organisation change, like a cooperation agreement, and carries no
person. Only the organisation's own administrator (or a system administrator)
writes its entries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Organisation, User
from haven.assistance.catalogue import ServiceType
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import locking
from haven.referrals.errors import (
    DirectoryEntryNotFound,
    DirectoryInvalid,
    DirectoryNotAllowed,
)
from haven.referrals.models import DirectoryEntry, TargetGroup
from haven.referrals.selectors import directory as selectors

LANGUAGE_CODE = re.compile(r"[a-z]{2}")
# The model's column lengths, checked here so the error names the field in plain words.
TEXT_FIELDS = (
    "service_type",
    "title",
    "description",
    "region",
    "hours",
    "emergency_contact",
    "capacity_notes",
)
# Checked by the service itself: empty lists are fine, though the model's fields are not blank=True.
LISTS = ["languages", "target_groups"]
MAX_LENGTHS = {"title": 200, "region": 100, "hours": 200, "emergency_contact": 200}


@dataclass(frozen=True)
class EntryInput:
    """What an organisation says about one of its services."""

    service_type: str
    title: str
    description: str = ""
    region: str = ""  # blank: the whole country
    languages: Sequence[str] = ()  # ISO 639-1 codes
    target_groups: Sequence[str] = ()  # TargetGroup values
    hours: str = ""
    emergency_contact: str = ""  # the service's own line, never a person's
    capacity_notes: str = ""


def _require_writer(*, actor: User, organisation_id: object) -> None:
    if not selectors.may_write(user=actor, organisation_id=organisation_id):
        raise DirectoryNotAllowed(
            _("Only an administrator of this organisation can change its directory entries.")
        )


def _clean(data: EntryInput) -> dict[str, object]:
    """The input, stripped and checked field by field (plain words, one field each)."""
    if data.service_type not in ServiceType.values:
        raise DirectoryInvalid(_("Choose the type of service from the list."), field="service_type")
    text = {name: str(getattr(data, name)).strip() for name in TEXT_FIELDS}
    if not text["title"]:
        raise DirectoryInvalid(_("Give the service a name."), field="title")
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit:
            raise DirectoryInvalid(_("Use at most %(n)d characters.") % {"n": limit}, field=name)
    return {
        **text,
        "languages": _languages(data.languages),
        "target_groups": _target_groups(data.target_groups),
    }


def _languages(codes: Sequence[str]) -> list[str]:
    if any(not LANGUAGE_CODE.fullmatch(code) for code in codes):
        raise DirectoryInvalid(
            _("Give each language as its two-letter code in small letters, such as en or ru."),
            field="languages",
        )
    return sorted(set(codes))


def _target_groups(values: Sequence[str]) -> list[str]:
    if set(values) - set(TargetGroup.values):
        raise DirectoryInvalid(_("Choose the target groups from the list."), field="target_groups")
    return [group for group in TargetGroup.values if group in values]


def _audit(*, actor: User, entry: DirectoryEntry, action: str, detail: dict[str, object]) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="referrals.DirectoryEntry",
        object_id=entry.id,
        detail=detail,
    )


def _entry_for_update(*, actor: User, entry_id: uuid.UUID | str) -> DirectoryEntry:
    entry = (
        DirectoryEntry.objects.select_for_update().filter(pk=entry_id).first()
        if selectors.is_uuid(entry_id)
        else None
    )
    if entry is None:
        raise DirectoryEntryNotFound(_("No directory entry with this reference."))
    _require_writer(actor=actor, organisation_id=entry.organisation_id)
    return entry


@transaction.atomic
def directory_entry_create(
    *, actor: User, data: EntryInput, organisation: Organisation | None = None
) -> DirectoryEntry:
    """Add a service of ``organisation`` (the actor's own by default); it starts confirmed."""
    organisation = organisation or actor.organisation
    if organisation is None:
        raise DirectoryNotAllowed(_("Only members of an organisation keep directory entries."))
    _require_writer(actor=actor, organisation_id=organisation.pk)
    now = timezone.now()
    entry = DirectoryEntry(
        organisation=organisation, confirmed_at=now, confirmed_by=actor, updated_at=now
    )
    for name, value in _clean(data).items():
        setattr(entry, name, value)
    entry.full_clean(exclude=LISTS)
    entry.save()
    _audit(
        actor=actor, entry=entry, action=Action.CREATE, detail={"service_type": entry.service_type}
    )
    return entry


@transaction.atomic
def directory_entry_update(
    *, actor: User, entry_id: uuid.UUID | str, data: EntryInput, version: int
) -> DirectoryEntry:
    """Change an entry. Its administrator has just reviewed it, so it counts as confirmed.
    ``version`` is the one the administrator read: an entry changed since is refused
    (``edit_conflict``), never overwritten."""
    entry = _entry_for_update(actor=actor, entry_id=entry_id)
    values = _clean(data)
    locking.version_claim(entry, expected=version)
    changed = sorted(name for name, value in values.items() if getattr(entry, name) != value)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.confirmed_at = entry.updated_at = timezone.now()
    entry.confirmed_by = actor
    entry.full_clean(exclude=LISTS)
    entry.save(update_fields=[*changed, "confirmed_at", "confirmed_by", "updated_at"])
    _audit(actor=actor, entry=entry, action=Action.UPDATE, detail={"changed": changed})
    return entry


@transaction.atomic
def directory_entry_confirm(*, actor: User, entry_id: uuid.UUID | str) -> DirectoryEntry:
    """The administrator says the entry is still current: it is no longer stale."""
    entry = _entry_for_update(actor=actor, entry_id=entry_id)
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = actor
    entry.save(update_fields=["confirmed_at", "confirmed_by"])
    _audit(actor=actor, entry=entry, action=Action.UPDATE, detail={"confirmed": True})
    return entry


@transaction.atomic
def directory_entry_deactivate(*, actor: User, entry_id: uuid.UUID | str) -> DirectoryEntry:
    """The service is no longer offered: the entry leaves the search, and stays on record."""
    entry = _entry_for_update(actor=actor, entry_id=entry_id)
    if entry.active:
        entry.active = False
        entry.updated_at = timezone.now()
        entry.save(update_fields=["active", "updated_at"])
        _audit(actor=actor, entry=entry, action=Action.UPDATE, detail={"active": False})
    return entry
