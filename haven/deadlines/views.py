"""Deadline pages: "My deadlines" and the reminders and escalations sent about them.

Each view parses the request, calls one selector or service, and renders.
Both pages work without JavaScript: the filter is a link, "mark all read" a form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.deadlines import kinds
from haven.deadlines import notify as referral_notify
from haven.deadlines import selectors as selectors
from haven.deadlines import services as services
from haven.deadlines.errors import TaskClosedByRecord
from haven.deadlines.models import Notification, Task
from haven.lib import paging
from haven.lib.views import domain_errors

PAGE_SIZE = 25
OVERDUE = "overdue"


@dataclass(frozen=True)
class DeadlineRow:
    task: Task
    case_reference: str
    what: str
    overdue: bool
    # What closes it when a tick may not (the decision, a guardian, an assessment).
    closed_by_record: str
    link: str = ""  # its case, or where it is acted on off the case team


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    case_reference: str
    what: str
    link: str = ""  # referral and desk news: the page it is about


@never_cache
@login_required
def deadline_list(request: HttpRequest) -> HttpResponse:
    """Open deadlines of the user's organisation, soonest first; ``?show=overdue`` filters."""
    user = request_user(request)
    overdue_only = request.GET.get("show") == OVERDUE
    page = selectors.my_deadlines_page(
        user=user,
        overdue_only=overdue_only,
        number=paging.page_number(request.GET.get("page")),
        per_page=PAGE_SIZE,
    )
    rows = [
        DeadlineRow(
            task=task,
            # Annotations of my_deadlines (mypy's plugin types them, but not as attributes).
            case_reference=getattr(task, "case_reference", ""),
            what=selectors.what_is_due(task),
            overdue=bool(getattr(task, "overdue", False)),
            closed_by_record=str(kinds.closed_by_record(task.kind) or ""),
            link=selectors.where_to_act(task),
        )
        for task in page.object_list
    ]
    context = {"page": page, "rows": rows, "overdue_only": overdue_only, "nav": "deadlines"}
    return render(request, "deadlines/deadline_list.html", context)


@never_cache
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's reminders, escalations, break-glass, referral and desk news, unread first."""
    page = selectors.notifications_page(
        user=request_user(request),
        number=paging.page_number(request.GET.get("page")),
        per_page=PAGE_SIZE,
    )
    rows = [
        NotificationRow(
            notification=notification,
            case_reference=getattr(notification, "case_reference", None) or "",
            what=selectors.notification_what(notification),
            link=row_link(notification),
        )
        for notification in page.object_list
    ]
    return render(
        request,
        "deadlines/notification_list.html",
        {"page": page, "rows": rows, "nav": "deadlines"},
    )


def row_link(notification: Notification) -> str:
    """Referral and desk news link to the page they are about; the others need none."""
    if notification.kind not in referral_notify.KINDS:
        return ""
    return referral_notify.notification_link(
        kind=notification.kind,
        event=notification.event,
        subject_id=notification.subject_id,
        case_id=notification.case_id,
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the user's notifications read, then back to the list."""
    count = services.notifications_mark_read(user=request_user(request))
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("deadlines:notification_list")


@login_required
@require_POST
@domain_errors
def task_done(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """Mark one deadline done, then back to the list."""
    try:
        services.task_complete(actor=request_user(request), task_id=task_id)
    except TaskClosedByRecord as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deadline marked done."))
    return redirect("deadlines:deadline_list")


urlpatterns: list[URLPattern] = [
    path("deadlines/", deadline_list, name="deadline_list"),
    path("deadlines/<uuid:task_id>/done/", task_done, name="task_done"),
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/read/", notification_read, name="notification_read"),
]
