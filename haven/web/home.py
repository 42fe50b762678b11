"""The caseworker's home page: what needs the user's attention today.

Four short sections, each a count and the first few rows, with a link to the
full list: the cases the user's organisation leads, the deadlines of the next
two weeks, the referrals waiting for the organisation's answer (R-47) and what
is overdue.

No personal data is read here: case references, identification statuses, task
kinds, referral types, dates and organisation names only. So no field group is
decided and nothing is audited; every row is on a case whose team includes the
user's organisation (``access.selectors.visible_case_ids``), as the case list and
"My deadlines" already show it, or a referral sent to it (as its incoming
referrals list shows it).

The page lives in ``web`` because it composes the reads of several apps
(``cases`` for cases, ``assistance`` for deadlines, ``referrals`` for referrals)
and owns none of them; it reads them through their selectors.

Each section costs a fixed number of bounded queries (its count and its rows),
whatever the number of rows: a deadline section reads its first rows in index
order and counts up to ``deadline_selectors.DEADLINE_COUNT_LIMIT`` ("more than"),
"my cases" up to ``MY_CASES_COUNT_LIMIT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from haven.accounts import policy as account_policy
from haven.accounts.models import User
from haven.cases import selectors as case_selectors
from haven.deadlines import selectors as deadline_selectors
from haven.lib import paging
from haven.referrals.selectors import referrals as referral_selectors

ROWS = 10  # at most this many rows per section; the link leads to the rest
DEADLINE_WINDOW = timedelta(days=14)  # "My deadlines": what falls due in the next two weeks
# "My cases" counts the organisation's led cases up to this many ("more than 1,000"); the
# case list counts further. Counting 10,000 memberships cost the home page 3 to 8 ms of
# PostgreSQL's time on the 100,000-case bench (an NGO leading 14,600 cases); 1,000 cost
# a tenth of that.
MY_CASES_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Section:
    count: int  # every row there is, not only those shown (or a lower bound)
    rows: list[Any]
    exact: bool = True  # False: there are more than ``count`` rows


@dataclass(frozen=True)
class DeadlineRow:
    case_id: Any
    case_reference: str
    what: str
    due_at: datetime
    blocking: bool
    link: str = ""  # its case, or where it is acted on off the case team


@dataclass(frozen=True)
class Home:
    my_cases: Section
    deadlines: Section
    new_referrals: Section
    overdue: Section


def has_home(user: User) -> bool:
    """Only the case roles have cases and deadlines to show; the others keep
    going to the case list, as before."""
    return user.role in account_policy.CASE_ROLES


def _deadlines(found: deadline_selectors.DeadlineSection) -> Section:
    return Section(
        count=found.count.value,
        rows=[_deadline_row(task) for task in found.rows],
        exact=found.count.exact,
    )


def _deadline_row(task: Any) -> DeadlineRow:
    return DeadlineRow(
        case_id=task.case_id,
        # Annotations of my_deadlines (mypy's plugin types them, but not as attributes).
        case_reference=getattr(task, "case_reference", ""),
        what=deadline_selectors.what_is_due(task),
        due_at=task.due_at,
        blocking=task.blocking,
        link=deadline_selectors.where_to_act(task),
    )


def my_cases(*, user: User) -> Section:
    """Cases the user's organisation leads, the most recent status change first."""
    led = case_selectors.cases_led(user=user, limit=ROWS, count_limit=MY_CASES_COUNT_LIMIT)
    return Section(count=led.count.value, rows=led.recent, exact=led.count.exact)


def _waiting_referrals(user: User, now: datetime) -> Section:
    """Referrals waiting for the organisation's answer, the oldest first."""
    rows = referral_selectors.referrals_waiting(user=user, limit=ROWS, now=now)
    # Fewer rows than the limit are all of them: counted only when the rows filled it.
    count = paging.count_read(rows, limit=ROWS)
    if count is None:
        count = referral_selectors.referrals_waiting_count(user=user) or 0
    return Section(count=count, rows=rows)


def home_for(*, user: User, now: datetime | None = None) -> Home:
    """The four sections of the home page for ``user`` (a case role)."""
    moment = now or timezone.now()
    # The user's own deadlines outside the organisation (usually none) for both
    # sections in one read rather than one a section.
    own_overdue, own_coming = deadline_selectors.own_deadlines_due(
        user=user, now=moment, before=moment + DEADLINE_WINDOW, limit=2 * ROWS
    )
    upcoming = deadline_selectors.my_deadlines_due(
        user=user,
        since=moment,
        before=moment + DEADLINE_WINDOW,
        limit=ROWS,
        now=moment,
        own_read=own_coming,
    )
    overdue = deadline_selectors.my_deadlines_due(
        user=user, before=moment, limit=ROWS, now=moment, own_read=own_overdue
    )
    return Home(
        my_cases=my_cases(user=user),
        deadlines=_deadlines(upcoming),
        new_referrals=_waiting_referrals(user, moment),
        overdue=_deadlines(overdue),
    )
