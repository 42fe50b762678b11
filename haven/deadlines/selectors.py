"""Deadline and notification reads.

Tasks belong to the case team: a user sees a task only on a case whose team
includes their organisation (``access.selectors.visible_case_ids``), whatever
the task says. Tasks and notifications hold no personal data (a case reference,
a kind, dates), so these reads are not audited; the case itself is read, and
audited, through ``cases.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import selectors as access_selectors
from haven.accounts import policy as account_policy
from haven.accounts.models import User
from haven.deadlines import kinds as deadline_kinds
from haven.deadlines import notify as referral_notify
from haven.deadlines.models import Notification, Task
from haven.lib import links, paging

if TYPE_CHECKING:  # django-stubs-ext's runtime WithAnnotations takes a single argument
    from uuid import UUID

    from django_stubs_ext import WithAnnotations

    class _DeadlineAnnotations(TypedDict):
        case_reference: str
        case_country: str
        overdue: bool

    class _NotificationAnnotations(TypedDict):
        subject_case_id: UUID | None  # None: a desk notification about no case
        case_reference: str | None
        case_country: str | None
        unread: bool
        case_visible: bool

    # Rows as the selectors give them, annotations included.
    Deadline = WithAnnotations[Task, _DeadlineAnnotations]
    NotificationRow = WithAnnotations[Notification, _NotificationAnnotations]


def _is(condition: Q) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _case_seen_by(user: User) -> IsNull:
    """Whether the user's organisation is on the team of the task's case: one probe
    of the memberships' (case, organisation) index per task read.

    Asked as "the first membership found is not null" rather than ``EXISTS``:
    PostgreSQL may turn an ``EXISTS`` that sits beside an ``OR`` (or in the
    ``SELECT`` list) into a hashed subplan, which reads every membership of the
    organisation (20,000 on the bench) before the first task, even when only 10
    tasks are read. A scalar subquery is always a probe per row."""
    membership = access_selectors.visible_case_ids(user=user).filter(case_id=OuterRef("case_id"))
    return IsNull(Subquery(membership[:1]), False)


def open_tasks_seen_by(user: User) -> QuerySet[Task]:
    """Open deadlines on cases the user may see: each task's case is looked up in the
    user's memberships (an index probe), so that a read with a limit stops early
    instead of gathering every case the user sees first. Deadlines of a kind acted
    on off the team (``kinds.off_team_keys``) are the assigned organisation's too,
    without the case; ``case_visible`` says which rows may link to their case."""
    visible = _case_seen_by(user)
    off_team = deadline_kinds.off_team_keys()
    seen: Q | IsNull = visible
    # Off the team, only the organisation's case staff act (its administrators do not).
    if off_team and user.organisation_id is not None and user.role in account_policy.CASE_ROLES:
        seen = visible | Q(kind__in=off_team, assigned_organisation_id=user.organisation_id)
    return Task.objects.filter(seen, status=Task.Status.OPEN).annotate(case_visible=visible)


def _as_deadlines(tasks: QuerySet[Task], moment: datetime) -> QuerySet[Deadline]:
    """Soonest first, with the case's reference and country and whether overdue."""
    return tasks.annotate(
        case_reference=F("case__reference"),
        case_country=F("case__country"),
        overdue=_is(Q(due_at__lt=moment)),
    ).order_by("due_at", "id")


def _mine(user: User) -> Q:
    return Q(assigned_organisation_id=user.organisation_id) | Q(assigned_user_id=user.pk)


def my_deadlines(
    *, user: User, overdue_only: bool = False, now: datetime | None = None
) -> QuerySet[Deadline]:
    """Open deadlines of the user's organisation or assigned to the user, soonest
    first, on cases the user may see (never those of another team)."""
    moment = now or timezone.now()
    tasks = open_tasks_seen_by(user).filter(_mine(user))
    if overdue_only:
        tasks = tasks.filter(due_at__lt=moment)
    return _as_deadlines(tasks, moment)


# The home page counts a section's deadlines up to this many ("more than 100").
DEADLINE_COUNT_LIMIT = 100
# "My deadlines" and the notifications count up to this many ("more than 1,000"): an
# organisation with 30,000 open deadlines is not counted to the end on every page.
LIST_COUNT_LIMIT = 1000


def my_deadlines_page(
    *,
    user: User,
    number: int,
    per_page: int,
    overdue_only: bool = False,
    now: datetime | None = None,
) -> paging.Page[Deadline]:
    """One page of ``my_deadlines`` in its order, read with a limit and counted up
    to ``LIST_COUNT_LIMIT``, whatever the number of open deadlines."""
    moment = now or timezone.now()
    tasks = open_tasks_seen_by(user)
    if overdue_only:
        tasks = tasks.filter(due_at__lt=moment)
    # The organisation's deadlines and the user's own elsewhere, each on its index.
    parts = [
        tasks.filter(assigned_organisation_id=user.organisation_id),
        tasks.filter(assigned_user_id=user.pk).exclude(
            assigned_organisation_id=user.organisation_id
        ),
    ]
    count = paging.capped_count_of_parts(
        [part.order_by().values("id") for part in parts], limit=LIST_COUNT_LIMIT
    )
    return paging.page_of_parts(
        [_as_deadlines(part, moment) for part in parts],
        key=lambda task: (task.due_at, task.id.hex),
        number=number,
        per_page=per_page,
        count=count,
    )


@dataclass(frozen=True)
class DeadlineSection:
    count: paging.Count  # every deadline of the window, or "more than" beyond the limit
    rows: list[Deadline]  # the first ``limit``, soonest first


def my_deadlines_due(
    *,
    user: User,
    before: datetime,
    since: datetime | None = None,
    limit: int,
    now: datetime,
    own_read: OwnRead | None = None,
) -> DeadlineSection:
    """``my_deadlines`` due before ``before`` (and from ``since``): the first
    ``limit`` and how many, in four bounded reads whatever the number of open
    deadlines. The organisation's and the user's own deadlines are each read in
    the order of their index with a limit, then merged, and each counted on the
    same index up to ``DEADLINE_COUNT_LIMIT``.

    Counted together (one ``COUNT`` over "the organisation's or the user's"),
    SQLite reads every open deadline of the window in the country through the
    (status, due) index and asks each whether it is the organisation's: for an
    organisation with few deadlines among many others' (the police on 20,000 cases
    with none of the 30,000 open deadlines), a scan of all of them on every page.

    ``own_read``: the user's own deadlines of this window already read
    (``own_deadlines_due``, two windows at once), then not read again."""
    tasks = open_tasks_seen_by(user).filter(due_at__lt=before)
    if since is not None:
        tasks = tasks.filter(due_at__gte=since)
    organisation = tasks.filter(assigned_organisation_id=user.organisation_id)
    own = tasks.filter(assigned_user_id=user.pk).exclude(
        assigned_organisation_id=user.organisation_id
    )
    read = [_first_deadlines(organisation, now, limit)]
    known = [paging.count_read(read[0], limit=limit)]
    if own_read is None:
        read.append(_first_deadlines(own, now, limit))
        known.append(paging.count_read(read[1], limit=limit))
    else:
        read.append(own_read.rows[:limit])
        known.append(len(own_read.rows) if own_read.complete else None)
    rows = sorted([*read[0], *read[1]], key=lambda t: (t.due_at, t.id.hex))
    # A part read short is counted by its rows (usually the user's own, often none):
    # only a part that filled the limit is asked for its count.
    count = paging.capped_count_of_parts(
        [organisation.order_by().values("id"), own.order_by().values("id")],
        limit=DEADLINE_COUNT_LIMIT,
        known=known,
    )
    return DeadlineSection(count=count, rows=rows[:limit])


def _first_deadlines(tasks: QuerySet[Task], now: datetime, limit: int) -> list[Deadline]:
    return list(_as_deadlines(tasks, now).only(*_ROW_FIELDS)[:limit])


@dataclass(frozen=True)
class OwnRead:
    """The user's own deadlines outside the organisation of one window, soonest first:
    all of them (``complete``), or the first ones only (then they are counted)."""

    rows: list[Deadline]
    complete: bool


def own_deadlines_due(
    *, user: User, now: datetime, before: datetime, limit: int
) -> tuple[OwnRead, OwnRead | None]:
    """The user's own deadlines outside the organisation (``my_deadlines_due``'s second
    part) overdue at ``now``, and due from ``now`` until ``before``, in one read of at
    most ``limit`` (at least twice a section's rows) instead of one a window: the home
    page's two deadline sections. They are usually none: one query, not two.

    The overdue come first in the read: they are all there when the read came back
    short or went on past them, else the read holds the first ``limit`` of them. The
    coming ones are all there when the read came back short; else they are the first
    ones when at least half the read is theirs, or None: not known, to be read apart."""
    own = (
        open_tasks_seen_by(user)
        .filter(due_at__lt=before, assigned_user_id=user.pk)
        .exclude(assigned_organisation_id=user.organisation_id)
    )
    read = _first_deadlines(own, now, limit)
    short = len(read) < limit
    overdue = [task for task in read if task.due_at < now]
    coming = read[len(overdue) :]
    coming_known = OwnRead(coming, complete=True) if short else None
    if not short and len(coming) >= limit // 2:
        coming_known = OwnRead(coming, complete=False)
    return OwnRead(overdue, complete=short or bool(coming)), coming_known


# What a row of ``my_deadlines_due`` shows (``what_is_due``, ``where_to_act``, its
# date and whether it blocks), so that the other columns are neither read nor converted.
_ROW_FIELDS = ("id", "case_id", "kind", "detail", "due_at", "blocking")


def where_to_act(task: Task) -> str:
    """The page a deadline of ``my_deadlines`` links to: its case, or, for a kind
    acted on off the team, the page its owner names ("" when there is none)."""
    if getattr(task, "case_visible", True):
        return links.reverse_by_id("web:case_detail", task.case_id)  # once a process, not a row
    return deadline_kinds.off_team_link(task.kind, detail=task.detail)


def case_tasks(*, case_id: Any) -> QuerySet[Task]:
    """Every deadline on one case, open or closed, by due date.

    The caller has already shown the user may see the case (``case_get`` or
    ``case_read``): every member of the case team sees its deadlines.
    """
    return (
        Task.objects.filter(case_id=case_id)
        .annotate(case_country=F("case__country"))
        .order_by("due_at", "id")
    )


def what_is_due(task: Task, *, country: str | None = None) -> str:
    """What a deadline asks for, in words: its kind, and what its owner adds (e.g.
    the decision type, named by the case's national pathway).

    The case's country picks the pathway; by default it is the ``case_country``
    annotation that the selectors above put on each task.
    """
    if country is None:
        country = str(getattr(task, "case_country", ""))
    return deadline_kinds.describe(task.kind, detail=task.detail, country=country)


def notification_what(notification: Notification) -> str:
    """What a notification is about, in words: what is due, what happened to a
    referral or at the desk, or who used break-glass on the case (a user name
    and an organisation; no personal data)."""
    if notification.kind in referral_notify.KINDS:
        return referral_notify.event_label(notification.event)
    grant = notification.break_glass
    if grant is not None:
        return _(
            "Emergency access (break-glass) by %(user)s of %(organisation)s. "
            "A supervisor reviews it."
        ) % {"user": grant.user.get_username(), "organisation": grant.organisation.name}
    task = notification.task
    assert task is not None  # noqa: S101 - notification_one_subject: a task or a break-glass use
    # The case's country picks the pathway: the annotation of notifications_for.
    return what_is_due(task, country=str(getattr(notification, "case_country", "")))


def _addressed_to(user: User) -> Q:
    """The user's own notifications: about tasks only while the user may see
    the case; about break-glass, referrals and the desk always (they tell people
    who need not be on the case team: the case lead and the national coordinator,
    an organisation a case is referred to, the desk)."""
    return Q(recipient=user) & (
        Q(task__case_id__in=access_selectors.visible_case_ids(user=user))
        | Q(kind__in=[Notification.Kind.BREAK_GLASS, *referral_notify.KINDS])
    )


def notifications_for(*, user: User) -> QuerySet[NotificationRow]:
    """The user's own reminders, escalations, break-glass, referral and desk news, unread first,
    newest first; reminders and escalations only for cases the user may still see.
    ``case_visible`` says whether the case page would open for the user."""
    return (
        Notification.objects.filter(_addressed_to(user))
        .select_related("task", "break_glass__user", "break_glass__organisation")
        .annotate(
            subject_case_id=Coalesce(F("task__case_id"), F("case_id")),
            case_reference=Coalesce(F("task__case__reference"), F("case__reference")),
            case_country=Coalesce(F("task__case__country"), F("case__country")),
            unread=_is(Q(read_at__isnull=True)),
        )
        .annotate(
            case_visible=_is(Q(subject_case_id__in=access_selectors.visible_case_ids(user=user))),
        )
        .order_by("-unread", "-created_at", "-id")
    )


def notifications_page(*, user: User, number: int, per_page: int) -> paging.Page[NotificationRow]:
    """One page of ``notifications_for``, counted up to ``LIST_COUNT_LIMIT``."""
    notifications = notifications_for(user=user)
    count = paging.capped_count(
        Notification.objects.filter(_addressed_to(user)).values("id"), limit=LIST_COUNT_LIMIT
    )
    return paging.page_of(notifications, number=number, per_page=per_page, count=count)


def notifications_unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (one query, for the menu)."""
    return (
        Notification.objects.filter(_addressed_to(user), read_at__isnull=True).values("id").count()
    )
