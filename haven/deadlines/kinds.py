"""The registry of deadline kinds, notification events and sweeps.

Deadlines are shared by every app: the app that owns a statutory clock registers
its kind here (from its own ``clocks.py``, imported by its ``AppConfig.ready``),
and this app keeps, reminds and escalates every kind alike. The registry is data
held in memory at start-up, the same in every process; nothing in it is personal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

# What a deadline asks for, in words, from its non-personal detail and the case's
# country (whose national pathway names the decision types).
Describe = Callable[[dict[str, Any], str], str]
# Where the assigned organisation acts on a deadline without being on the case
# team (e.g. the coordinator's supervisors approving a merge): a URL from the
# task's non-personal detail.
OffTeamLink = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class DeadlineKind:
    key: str
    label: Promise  # translatable: the list of deadlines shows it
    owner: str  # the app label that registered it
    describe: Describe | None = None
    # Set when only a record closes it (e.g. the decision it waits for), never a
    # tick by hand: the words say what closes it.
    closed_by_record: Promise | None = None
    # Set for a kind whose assigned organisation need not be on the case team: its
    # deadlines are listed for that organisation anyway, linking here, not to the case.
    off_team_link: OffTeamLink | None = None


@dataclass(frozen=True)
class NotificationEvent:
    """Something that happened, told in a notification: its words in the list, the
    e-mail subject, and the page it links to (a URL name taking the subject id, or
    a list page with no id)."""

    key: str
    label: str | Promise  # lazy: translated when shown
    subject: str | Promise
    url_name: str = ""
    page_name: str = ""


@dataclass(frozen=True)
class Sweep:
    """A periodic check an app runs with the deadline sweep (e.g. overdue referrals);
    it returns how many things it acted on."""

    name: str  # a key, for the worker's result
    label: str  # for the console
    run: Callable[[datetime], int]


_KINDS: dict[str, DeadlineKind] = {}
_EVENTS: dict[str, NotificationEvent] = {}
_SWEEPS: dict[str, Sweep] = {}


def register(
    key: str,
    label: Promise,
    *,
    owner: str,
    describe: Describe | None = None,
    closed_by_record: Promise | None = None,
    off_team_link: OffTeamLink | None = None,
) -> str:
    """Register a deadline kind; returns its key, for the owner's constant."""
    existing = _KINDS.get(key)
    if existing is not None and existing.owner != owner:
        raise ImproperlyConfigured(f"deadline kind {key!r} is already {existing.owner}'s")
    _KINDS[key] = DeadlineKind(
        key=key,
        label=label,
        owner=owner,
        describe=describe,
        closed_by_record=closed_by_record,
        off_team_link=off_team_link,
    )
    return key


def closed_by_record(key: str) -> Promise | None:
    """What closes a kind that may not be ticked off by hand; None when a tick may."""
    kind = _KINDS.get(key)
    return kind.closed_by_record if kind else None


def off_team_keys() -> list[str]:
    """The kinds whose deadlines their organisation sees without being on the team."""
    return sorted(kind.key for kind in _KINDS.values() if kind.off_team_link is not None)


def off_team_link(key: str, *, detail: object) -> str:
    """Where the assigned organisation acts on a deadline of this kind off the team;
    "" for a kind that has no such page (its deadlines are seen on the case only)."""
    kind = _KINDS.get(key)
    if kind is None or kind.off_team_link is None or not isinstance(detail, dict):
        return ""
    return kind.off_team_link(detail)


def choices() -> list[tuple[str, str]]:
    """The registered kinds, for the model field and the API (a callable: Django
    reads it when needed, so a new kind needs no migration)."""
    return [(kind.key, str(kind.label)) for kind in _KINDS.values()]


def keys() -> list[str]:
    return list(_KINDS)


def label(key: str) -> str:
    """A kind's name in words; the key itself for a kind no app registers any more."""
    kind = _KINDS.get(key)
    return str(kind.label) if kind else key


def describe(key: str, *, detail: object, country: str) -> str:
    """What a deadline of this kind asks for, in words (its label unless the owner
    says more, e.g. which decision is due)."""
    kind = _KINDS.get(key)
    if kind is None:
        return key
    if kind.describe is not None and isinstance(detail, dict):
        return kind.describe(detail, country)
    return str(kind.label)


def event_register(event: NotificationEvent) -> None:
    _EVENTS[event.key] = event


def event(key: str) -> NotificationEvent | None:
    return _EVENTS.get(key)


def sweep_register(name: str, run: Callable[[datetime], int], *, label: str) -> None:
    _SWEEPS[name] = Sweep(name=name, label=label, run=run)


def sweeps() -> list[Sweep]:
    return list(_SWEEPS.values())
