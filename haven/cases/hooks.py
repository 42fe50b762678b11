"""What a case's lifecycle tells the apps above it, in the same transaction.

``cases`` sits below the apps that own statutory clocks (identification's decision
deadlines, children's guardian appointment, assistance's re-assessments), so it
cannot call them. Instead each of them registers a handler here from its
``AppConfig.ready``, and the case services call every handler, in registration
order (the order of ``INSTALLED_APPS``), inside their own transaction: a handler
that fails rolls the whole write back. These are plain calls, not signals: the
list of handlers is explicit and ``handlers()`` shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haven.accounts.models import Organisation, User
    from haven.audit.services import Actor
    from haven.cases.models import Case, Person


@dataclass(frozen=True)
class CaseOpened:
    case: Case
    lead: Organisation
    today: date


@dataclass(frozen=True)
class StatusChanged:
    case: Case
    from_status: str
    to_status: str
    by: User
    today: date


@dataclass(frozen=True)
class AgeStatusChanged:
    """A person's age status changed (R-10): into child protections, or out of them
    on a recorded age assessment."""

    case: Case
    lead: Organisation
    from_status: str
    to_status: str
    by: User
    today: date


@dataclass(frozen=True)
class RecordedAgeAssessment:
    """What ``cases`` needs to know of an age assessment recorded above it (R-10)."""

    result: str  # the age status it decided
    from_status: str  # the age status it was recorded against


@dataclass(frozen=True)
class ErasureRequested:
    """Someone asked for a person's data to be erased: a second person of the case
    lead must answer (issue 12). No personal data: ids and dates."""

    case: Case
    request_id: object
    lead: Organisation
    by: User
    today: date


@dataclass(frozen=True)
class ErasureAnswered:
    """An erasure request was approved (and the person erased) or refused."""

    case: Case
    request_id: object
    by: User
    erased: bool


@dataclass(frozen=True)
class PersonErased:
    """A person's data key was destroyed (on an approved request or by retention):
    the apps above destroy the keys of what they hold about the person alone, and
    audit it as ``actor``'s (the approver, or the system for retention)."""

    case: Case
    actor: Actor


@dataclass(frozen=True)
class IntakeIdentity:
    """Who intake is about, as typed (in memory only, never stored as such): what
    an app above compares before and after a person's identity is written."""

    given_name: str
    family_name: str
    sex: str  # a ``Sex`` value
    date_of_birth: date | None
    citizenships: tuple[str, ...]  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class CaseOpening:
    """Intake is about to open a case (nothing written yet): a handler may refuse
    it with ``errors.InvalidInput``. ``search_token`` is what the page or the API
    posted back from a search before create (linkage), or empty."""

    actor: User
    identity: IntakeIdentity
    search_token: str


@dataclass(frozen=True)
class PersonIdentityWritten:
    """A person's identity was written (intake now; an edit or a merge later): the
    plain values, for the apps above that keep derived look-ups (linkage's keyed
    blocking keys). ``opened`` is True at intake, with ``actor`` the caseworker."""

    person: Person
    case: Case
    actor: User
    identity: IntakeIdentity
    opened: bool


@dataclass(frozen=True)
class IntakeRegion:
    """A region an app above adds to the intake page: its template and what the
    template shows (the template reads ``region.context``)."""

    template: str
    context: dict[str, object]


OpenedHandler = Callable[[CaseOpened], None]
ChangedHandler = Callable[[StatusChanged], None]
AgeChangedHandler = Callable[[AgeStatusChanged], None]

_opened: dict[str, OpenedHandler] = {}
_changed: dict[str, ChangedHandler] = {}
_age_changed: dict[str, AgeChangedHandler] = {}
_erasure_requested: dict[str, Callable[[ErasureRequested], None]] = {}
_erasure_answered: dict[str, Callable[[ErasureAnswered], None]] = {}
_person_erased: dict[str, Callable[[PersonErased], None]] = {}
_case_opening: dict[str, Callable[[CaseOpening], None]] = {}
_identity_written: dict[str, Callable[[PersonIdentityWritten], None]] = {}


def _name(handler: Callable[..., object]) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def on_case_opened(handler: OpenedHandler) -> OpenedHandler:
    """Register a handler for every new case (registering twice keeps one)."""
    _opened[_name(handler)] = handler
    return handler


def on_status_changed(handler: ChangedHandler) -> ChangedHandler:
    """Register a handler for every identification status change."""
    _changed[_name(handler)] = handler
    return handler


def on_age_status_changed(handler: AgeChangedHandler) -> AgeChangedHandler:
    """Register a handler for every change of a person's age status (R-10)."""
    _age_changed[_name(handler)] = handler
    return handler


def on_erasure_requested(
    handler: Callable[[ErasureRequested], None],
) -> Callable[[ErasureRequested], None]:
    """Register a handler for every new erasure request (deadlines: the approver's task)."""
    _erasure_requested[_name(handler)] = handler
    return handler


def on_erasure_answered(
    handler: Callable[[ErasureAnswered], None],
) -> Callable[[ErasureAnswered], None]:
    """Register a handler for every approved or refused erasure request."""
    _erasure_answered[_name(handler)] = handler
    return handler


def on_person_erased(handler: Callable[[PersonErased], None]) -> Callable[[PersonErased], None]:
    """Register a handler for every erased person (referrals: the concern report's key)."""
    _person_erased[_name(handler)] = handler
    return handler


def on_case_opening(handler: Callable[[CaseOpening], None]) -> Callable[[CaseOpening], None]:
    """Register a check run before intake writes anything (linkage: search before
    create, when required); a handler refuses by raising."""
    _case_opening[_name(handler)] = handler
    return handler


def on_person_identity_written(
    handler: Callable[[PersonIdentityWritten], None],
) -> Callable[[PersonIdentityWritten], None]:
    """Register a handler for every write of a person's identity (linkage: its index)."""
    _identity_written[_name(handler)] = handler
    return handler


def case_opening(event: CaseOpening) -> None:
    for handler in _case_opening.values():
        handler(event)


def person_identity_written(event: PersonIdentityWritten) -> None:
    for handler in _identity_written.values():
        handler(event)


IntakeRegionProvider = Callable[["User", "dict[str, str]", bool], "IntakeRegion | None"]
_intake_region: list[IntakeRegionProvider] = []


def provide_intake_region(provider: IntakeRegionProvider) -> IntakeRegionProvider:
    """Register the region an app above adds to the intake page (linkage: "is this
    person already known?"): ``provider(user, typed, run)`` answers None for a user
    it is not for; ``typed`` is what the intake form posted (empty on the first
    showing), ``run`` True when the user asked for the check without JavaScript.
    The last registration wins."""
    _intake_region[:] = [provider]
    return provider


def intake_region(*, user: User, typed: dict[str, str], run: bool) -> IntakeRegion | None:
    """The region of the intake page, if an app provides one for this user."""
    return _intake_region[0](user, typed, run) if _intake_region else None


def erasure_requested(event: ErasureRequested) -> None:
    for handler in _erasure_requested.values():
        handler(event)


def erasure_answered(event: ErasureAnswered) -> None:
    for handler in _erasure_answered.values():
        handler(event)


def person_erased(event: PersonErased) -> None:
    for handler in _person_erased.values():
        handler(event)


def case_opened(event: CaseOpened) -> None:
    for handler in _opened.values():
        handler(event)


def status_changed(event: StatusChanged) -> None:
    for handler in _changed.values():
        handler(event)


def age_status_changed(event: AgeStatusChanged) -> None:
    for handler in _age_changed.values():
        handler(event)


AgeAssessmentProvider = Callable[[object, object], RecordedAgeAssessment | None]
_age_assessment: list[AgeAssessmentProvider] = []


def provide_age_assessment(provider: AgeAssessmentProvider) -> AgeAssessmentProvider:
    """Register where recorded age assessments are looked up: ``provider(case_id,
    assessment_id)`` answers for an age assessment recorded on that case, or None
    (children, R-10); the last registration wins."""
    _age_assessment[:] = [provider]
    return provider


def age_assessment(*, case_id: object, assessment_id: object) -> RecordedAgeAssessment | None:
    """The age assessment recorded on the case with this id; None when there is none."""
    return _age_assessment[0](case_id, assessment_id) if _age_assessment else None


LegalBasisProvider = Callable[[str], str]
_legal_basis: list[LegalBasisProvider] = []


def provide_legal_basis(provider: LegalBasisProvider) -> LegalBasisProvider:
    """Register where a country's default legal basis for a status change comes from
    (identification's national pathway, R-01); the last registration wins."""
    _legal_basis[:] = [provider]
    return provider


def default_legal_basis(country: str) -> str:
    """The legal basis offered on the status-change form (R-01); empty when none is known."""
    return _legal_basis[0](country) if _legal_basis else ""


class RetentionOutcome(StrEnum):
    """What retention did with one record (R-40)."""

    ANONYMISED = "anonymised"
    WOULD_ANONYMISE = "would_anonymise"  # a dry run
    HELD = "held"  # a legal hold keeps it


@dataclass(frozen=True)
class RetentionRow:
    """One record retention acted on or held (no personal data: a reference)."""

    record_class: str
    reference: str
    ended_at: datetime
    outcome: RetentionOutcome


RetentionProvider = Callable[[datetime, bool], list[RetentionRow]]
_retention: dict[str, RetentionProvider] = {}


def provide_retention_class(provider: RetentionProvider) -> RetentionProvider:
    """Register a record class kept by an app above (``provider(now, dry_run)``
    anonymises what is due and answers what it did and held); ``haven retention
    run`` calls each after the cases' own class."""
    _retention[_name(provider)] = provider
    return provider


def retention_classes() -> list[RetentionProvider]:
    return list(_retention.values())


def handlers() -> dict[str, list[str]]:
    """The registered handlers by event, in the order they run."""
    return {
        "case_opened": list(_opened),
        "status_changed": list(_changed),
        "age_status_changed": list(_age_changed),
        "erasure_requested": list(_erasure_requested),
        "erasure_answered": list(_erasure_answered),
        "person_erased": list(_person_erased),
        "case_opening": list(_case_opening),
        "person_identity_written": list(_identity_written),
    }
