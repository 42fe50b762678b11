"""The parts contract: what each app contributes to the pages that gather from
several apps (the case page, the timeline, the report for the person).

Each app contributes from one module of its own, ``haven/<app>/case_parts.py``,
which may define:

- ``PANELS``: functions ``(page: CasePage) -> list[Panel]``, blocks of the case page;
- ``TIMELINE``: ``TimelineProvider`` rows, the app's entries on the case timeline;
- ``REPORT``: ``ReportPart`` rows, the app's sections of the report for the person;
- ``API_GROUPS``: functions ``(page: CasePage) -> dict[group, dict]``, what the app
  adds to a field group of the case API (only groups ``case_read`` showed);
- ``CASE_ROWS``: the models (with a ``case`` foreign key) its panels read: the
  composer asks in one query which of them hold rows on the case
  (``CasePage.has_rows``), so that a panel with nothing to show costs no query.

``haven.web.composer`` lists those modules in a declared order and composes them.

Every function receives what ``cases.selectors.case_read`` (or the report's own
gate) already decided and audited for the acting user. A part reads through its
own app's selectors, which decide with ``access.policy.decide`` and audit; a
part that reads rows itself does so only for field groups already decided
allowed (and recorded) for this reader in this request, and never decrypts
outside the vault paths its app already has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.cases import errors, selectors
from haven.cases.models import Case

_yes = gettext_lazy("Yes")
_no = gettext_lazy("No")

# --- the case page ------------------------------------------------------------------------


def held_rows(held: Mapping[str, bool] | None, model: type[Model]) -> bool:
    """Whether the case may hold rows of ``model``: False only when asked and none."""
    return held is None or held.get(model._meta.label, True)


# Where a panel goes on the case page (web/case_detail.html).
SLOT_BANNER = "banner"  # above the header
SLOT_ACTIONS = "actions"  # links among the header's buttons
SLOT_HEADER = "header"  # below the header's buttons
SLOT_BODY = "body"  # the blocks between the header and the field groups


@dataclass(frozen=True)
class CasePage:
    """The case as ``case_read`` showed it to ``user`` in this request."""

    user: User
    view: selectors.CaseView
    purpose: Purpose
    # For each model asked once for the page (``app_label.Model``): whether the
    # case holds rows of it. None, or a model not asked: every part reads.
    held: Mapping[str, bool] | None = None

    @property
    def case(self) -> Case:
        return self.view.case

    def has_rows(self, model: type[Model]) -> bool:
        """Whether the case may hold rows of ``model`` (False: none, read nothing)."""
        return held_rows(self.held, model)

    @property
    def under_break_glass(self) -> bool:
        """A group is shown only by break-glass (decided by ``access.policy``)."""
        return any(group.code == "break_glass" for group in self.view.groups)

    @property
    def writable(self) -> bool:
        """Writes need live data, a case not merged into another, and never come from
        break-glass (read only)."""
        return (
            not self.view.erased and self.case.merged_into_id is None and not self.under_break_glass
        )

    def shows(self, group: FieldGroup) -> bool:
        return self.view.group(group).allowed


@dataclass(frozen=True)
class Panel:
    """One block of the case page: a template and the context it reads.

    ``position`` orders panels within a slot (ties: the composer's module order);
    context keys are unique across panels (the composer checks). ``title`` names a
    body panel in the page's contents; a panel whose context values are all None
    (the convention for "nothing to show this reader") is left out of them."""

    slot: str
    position: int
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    title: str | Promise = ""

    @property
    def shown(self) -> bool:
        return any(value is not None for value in self.context.values())


PanelProvider = Callable[[CasePage], list[Panel]]
ApiGroupProvider = Callable[[CasePage], dict[FieldGroup, dict[str, Any]]]


# --- the timeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # one of the providers' ``kinds``
    title: str
    detail: str = ""
    state: str = ""  # deadlines: open, overdue, done, cancelled
    state_label: str = ""
    blocking: bool = False


@dataclass(frozen=True)
class TimelineSource:
    """What providers may read: the case, and the groups already decided allowed
    (and audited) for this reader in this request."""

    user: User
    case: Case
    groups: frozenset[FieldGroup]
    now: datetime
    # The legal group's status changes, when case_read has already decrypted them.
    transitions: list[dict[str, Any]] | None = None
    # Which models the case holds rows of, when the page already asked (``CasePage``).
    held: Mapping[str, bool] | None = None


@dataclass(frozen=True)
class TimelineProvider:
    """Entries of one kind. ``rank`` orders entries of the same day: what was
    decided first, then what follows from it. ``group`` None: every team member.

    ``rows``: the model (with a ``case`` foreign key) whose rows the entries are.
    With it, the timeline asks every provider at once (one query, shared with the
    case page's panels) whether the case has any, and a provider with none costs
    no query; its ``entries`` must be empty for a case without such rows."""

    group: FieldGroup | None
    kinds: tuple[str, ...]
    rank: int
    entries: Callable[[TimelineSource], list[TimelineEntry]]
    rows: type[Model] | None = None


# --- the report for the person (GDPR Art. 15) ---------------------------------------------


@dataclass(frozen=True)
class ReportFact:
    label: str
    value: str


@dataclass(frozen=True)
class ReportEntry:
    """One thing Haven holds: a title, its date and its facts, in words."""

    title: str
    on: date | None
    facts: list[ReportFact]


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: shown with its entries, or why it is not.

    ``items`` holds typed rows for a section with a template of its own
    (screenings, decisions); other sections list ``entries``."""

    key: str
    title: str
    shown: bool
    reason: str
    entries: list[ReportEntry] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    template: str = "web/_report_section.html"


@dataclass(frozen=True)
class ReportRequest:
    """The report's gate passed: ``user`` works for the case lead."""

    user: User
    case: Case
    context: access_policy.CaseContext


@dataclass(frozen=True)
class ReportPart:
    """A part of the report. ``covers`` names the models (``app_label.Model``)
    whose rows about the person it reports; a test checks every personal-data
    model is covered. ``read`` None: the report's own core shows them."""

    key: str
    covers: tuple[str, ...]
    read: Callable[[ReportRequest], list[ReportSection]] | None = None


def fact(label: str | Promise, value: object) -> ReportFact:
    """A fact in words: dates in the language's one date format, empty values as a dash."""
    if value is None or value == "":
        return ReportFact(str(label), "—")
    if isinstance(value, bool):
        return ReportFact(str(label), str(_yes) if value else str(_no))
    if isinstance(value, datetime):
        value = timezone.localdate(value)  # datetimes are always aware (USE_TZ)
    if isinstance(value, date):
        return ReportFact(str(label), formats.date_format(value, "SHORT_DATE_FORMAT"))
    return ReportFact(str(label), str(value))


def refused(key: str, title: str, reason: str) -> ReportSection:
    return ReportSection(key=key, title=title, shown=False, reason=reason)


T = TypeVar("T")


def section(
    key: str,
    title: str,
    read: Callable[[], T],
    entries: Callable[[T], list[ReportEntry]],
) -> ReportSection:
    """A section read through its app's selector (which decides and audits); the
    selector's refusal, in words, when the case lead may not read that group."""
    try:
        found = read()
    except errors.GroupNotAllowed as refusal:
        return refused(key, title, refusal.message)
    return ReportSection(key, title, True, "", entries=entries(found))
