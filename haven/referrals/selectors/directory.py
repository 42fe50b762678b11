"""Reads of the service directory (issue 6; CBSS 2014 Panel 1). The directory is
organisation data, not personal data: every signed-in member of an organisation
may search it. An entry not confirmed for HAVEN_DIRECTORY_STALE_DAYS is stale:
still shown, after the current ones, and marked as possibly out of date.

The directory is small (the services of a country's organisations), so the
filters on the JSON lists and the case-insensitive region run in Python on the
one query's rows: the same on SQLite and PostgreSQL, whatever the letters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from haven.accounts.models import Organisation, Role, User
from haven.assistance.catalogue import ServiceType
from haven.lib import cldr, ids
from haven.referrals.errors import DirectoryEntryNotFound, DirectoryNotAllowed
from haven.referrals.models import DirectoryEntry, TargetGroup


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # the name in the reader's language where Django knows it, else the code


@dataclass(frozen=True)
class DirectoryRow:
    entry: DirectoryEntry
    stale: bool
    service_label: str | Promise
    languages: list[Language]
    target_groups: list[str | Promise]
    may_edit: bool = False


def language_name(code: str) -> str:
    """The language's name in the reader's language (CLDR), or the code where CLDR has none."""
    return cldr.language_name(code)


def stale_before() -> datetime:
    """Entries confirmed before this moment are stale."""
    return timezone.now() - timedelta(days=settings.HAVEN_DIRECTORY_STALE_DAYS)


def may_read(*, user: User) -> bool:
    """Every signed-in member of an organisation: the directory holds no personal data."""
    return user.organisation_id is not None


def require_reader(*, user: User) -> None:
    """Refuse a reader without an organisation (``may_read``)."""
    if not may_read(user=user):
        raise DirectoryNotAllowed(_("Only members of an organisation can read the directory."))


def may_write(*, user: User, organisation_id: object) -> bool:
    """The organisation's own administrator, or a system administrator."""
    if user.role == Role.SYSTEM_ADMIN:
        return True
    if user.role != Role.ORG_ADMIN:
        return False
    return user.organisation_id is not None and user.organisation_id == organisation_id


def _row(entry: DirectoryEntry, *, since: datetime, may_edit: bool = False) -> DirectoryRow:
    return DirectoryRow(
        entry=entry,
        stale=entry.confirmed_at < since,
        service_label=ServiceType(entry.service_type).label
        if entry.service_type in ServiceType.values
        else entry.service_type,
        languages=[Language(code, language_name(code)) for code in entry.languages],
        target_groups=[
            TargetGroup(g).label for g in entry.target_groups if g in TargetGroup.values
        ],
        may_edit=may_edit,
    )


def directory_row(entry: DirectoryEntry) -> DirectoryRow:
    """One entry as the directory shows it (after a write)."""
    return _row(entry, since=stale_before())


def _matches(
    entry: DirectoryEntry, *, region: str | None, language: str | None, target_group: str | None
) -> bool:
    if region and entry.region and entry.region.casefold() != region.strip().casefold():
        return False
    if language and language.strip().lower() not in entry.languages:
        return False
    return not target_group or target_group in entry.target_groups


def directory_search(
    *,
    need: str | None,
    region: str | None,
    language: str | None,
    target_group: str | None,
    include_stale: bool = True,
) -> list[DirectoryRow]:
    """Active entries offering ``need`` in ``region`` (a blank region is the whole
    country) in ``language`` for ``target_group``; current ones first, stale marked.
    One query, whatever the number of rows."""
    entries = DirectoryEntry.objects.filter(active=True).select_related("organisation")
    if need:
        entries = entries.filter(service_type=need)
    since = stale_before()
    rows = [
        _row(entry, since=since)
        for entry in entries
        if _matches(entry, region=region, language=language, target_group=target_group)
    ]
    if not include_stale:
        rows = [row for row in rows if not row.stale]
    # sorted() is stable: the model's order (organisation, title) holds within each part.
    return sorted(rows, key=lambda row: row.stale)


def directory_entries_of(*, organisation: Organisation) -> list[DirectoryRow]:
    """Every entry of the organisation, active first, for its administrator to keep current."""
    since = stale_before()
    entries = DirectoryEntry.objects.filter(organisation=organisation).select_related(
        "organisation"
    )
    rows = [_row(entry, since=since, may_edit=True) for entry in entries]
    return sorted(rows, key=lambda row: not row.entry.active)


def directory_entry_of(*, user: User, entry_id: uuid.UUID | str) -> DirectoryEntry:
    """One entry the user may change; missing and not theirs look the same."""
    entry = (
        DirectoryEntry.objects.filter(pk=entry_id).select_related("organisation").first()
        if is_uuid(entry_id)
        else None
    )
    if entry is None or not may_write(user=user, organisation_id=entry.organisation_id):
        raise DirectoryEntryNotFound(_("No directory entry with this reference."))
    return entry


def is_uuid(value: uuid.UUID | str) -> bool:
    """Whether an id from a URL can name an entry at all (PostgreSQL refuses other text)."""
    return ids.parse_uuid(value) is not None
