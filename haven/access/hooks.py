"""What a break-glass use, and a step in a cooperation agreement's life, tell
the apps above access, in the same transaction.

``access`` sits below the app that writes notifications (``deadlines``), so it
cannot call it. Instead that app registers a handler here from its
``AppConfig.ready``, and ``break_glass_use`` calls every handler, in
registration order, inside its own transaction: a handler that fails rolls the
grant and its audit event back, so there is never a grant nobody was told
about. These are plain calls, not signals: the list of handlers is explicit and
``handlers()`` shows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BreakGlassUsed:
    """One use: the grant, its case, who broke the glass, and whom to tell (the
    active caseworkers and supervisors of the case lead and of the national
    coordinator of the case's country, the user who broke the glass excepted)."""

    grant_id: uuid.UUID
    case_id: uuid.UUID
    actor_id: int
    recipient_ids: tuple[int, ...]


Handler = Callable[[BreakGlassUsed], None]

_used: dict[str, Handler] = {}


def on_break_glass_used(handler: Handler) -> Handler:
    """Register a handler for every break-glass use (registering twice keeps one)."""
    _used[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def break_glass_used(event: BreakGlassUsed) -> None:
    for handler in _used.values():
        handler(event)


def handlers() -> list[str]:
    """The registered handlers, in the order they run."""
    return list(_used)


# --- cooperation agreements (R-47) ---------------------------------------------------------


@dataclass(frozen=True)
class AgreementChanged:
    """A step in an agreement's life: ``event`` is one of ``AGREEMENT_EVENTS``;
    whom to tell are the active administrators of the parties and the national
    coordinators who approve for a type of organisation, the actor excepted."""

    agreement_id: uuid.UUID
    event: str
    actor_id: int
    recipient_ids: tuple[int, ...]


# proposed; approved by a party; in effect (every party approved); refused; ended.
AGREEMENT_EVENTS = ("proposed", "approved", "in_effect", "refused", "ended")

AgreementHandler = Callable[[AgreementChanged], None]

_agreement: dict[str, AgreementHandler] = {}


def on_agreement_changed(handler: AgreementHandler) -> AgreementHandler:
    """Register a handler for every step of an agreement (registering twice keeps one)."""
    _agreement[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def agreement_changed(event: AgreementChanged) -> None:
    for handler in _agreement.values():
        handler(event)


def agreement_handlers() -> list[str]:
    """The registered agreement handlers, in the order they run."""
    return list(_agreement)


# --- whether a child has a guardian now (R-11) ------------------------------------------
#
# Guardians are recorded by an app above access (``children``). For a child, only
# an appointed guardian or representative can give consent; until one is, the
# consent services and pages ask here. ``children`` registers the answer from its
# ``AppConfig.ready``; without one, no guardian is known.

GuardianCheck = Callable[[uuid.UUID | str], bool]
_guardian_check: list[GuardianCheck] = []


def provide_guardian_check(check: GuardianCheck) -> GuardianCheck:
    """Register the answer to "has this case a guardian appointed now?" (the
    last registration wins)."""
    _guardian_check[:] = [check]
    return check


def guardian_appointed(case_id: uuid.UUID | str) -> bool:
    """Whether a guardian or representative is appointed for the case's child
    today; False when no app says so."""
    return _guardian_check[0](case_id) if _guardian_check else False


def guardian_check() -> str | None:
    """The registered guardian check, by name (None when none is registered)."""
    if not _guardian_check:
        return None
    check = _guardian_check[0]
    return f"{check.__module__}.{check.__qualname__}"


# --- consent recorded ------------------------------------------------------------------
#
# A request for access (``haven.referrals``) closes when the case lead records the
# consent that covers it. ``consent_record`` tells the apps above in its own
# transaction; a handler that fails rolls the consent back with it.


@dataclass(frozen=True)
class ConsentRecorded:
    """One consent: its case, recipient (an organisation id, or a type), purpose and
    kinds of information, and who recorded it. No personal data."""

    consent_id: uuid.UUID
    case_id: uuid.UUID
    recipient_organisation_id: uuid.UUID | None
    recipient_org_type: str
    purpose: str
    field_groups: tuple[str, ...]
    actor_id: int


ConsentHandler = Callable[[ConsentRecorded], None]

_consent_recorded: dict[str, ConsentHandler] = {}


def on_consent_recorded(handler: ConsentHandler) -> ConsentHandler:
    """Register a handler for every consent recorded (registering twice keeps one)."""
    _consent_recorded[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def consent_recorded(event: ConsentRecorded) -> None:
    for handler in _consent_recorded.values():
        handler(event)


def consent_handlers() -> list[str]:
    """The registered consent handlers, in the order they run."""
    return list(_consent_recorded)


# --- sharing facts changed ---------------------------------------------------------------
#
# A page may load a case's sharing facts once and decide on them for every part
# (``haven.cases.selectors.gate_once``). Every service here that changes those
# facts (the team, a consent, an agreement, a break-glass grant) says so, and the
# app that keeps the page's memo (``cases``) drops it: nothing decided before the
# write answers for a read after it.

SharingHandler = Callable[[], None]

_sharing_changed: dict[str, SharingHandler] = {}


def on_sharing_changed(handler: SharingHandler) -> SharingHandler:
    """Register a handler for every change of sharing facts (registering twice keeps one)."""
    _sharing_changed[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def sharing_changed() -> None:
    for handler in _sharing_changed.values():
        handler()


def sharing_handlers() -> list[str]:
    """The registered handlers, in the order they run."""
    return list(_sharing_changed)


# --- whether a case still takes writes --------------------------------------------------
#
# A case merged into another (``haven.linkage``) keeps its history for reading and takes
# no new record: anything new belongs on the surviving case. The case gate refuses
# writes through it; the sharing services here write on a case without the gate (a
# consent, a team member, a new lead), so they ask this check first. ``cases``
# registers it from its ``AppConfig.ready``; without one, every case takes writes.

WriteCheck = Callable[[uuid.UUID | str], None]
_write_check: list[WriteCheck] = []


def provide_case_write_check(check: WriteCheck) -> WriteCheck:
    """Register the check that raises when a case takes no new record (the last
    registration wins)."""
    _write_check[:] = [check]
    return check


def case_write_check(case_id: uuid.UUID | str) -> None:
    """Raise the registered check's refusal when the case takes no new record."""
    if _write_check:
        _write_check[0](case_id)


def write_check() -> str | None:
    """The registered write check, by name (None when none is registered)."""
    if not _write_check:
        return None
    check = _write_check[0]
    return f"{check.__module__}.{check.__qualname__}"
