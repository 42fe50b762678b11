"""Deadlines and notifications under /api/v1/: the same
selectors and services as the pages.

A case the caller may not know about is a 404 identical to a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.deadlines import kinds as deadline_kinds
from haven.deadlines import notify as referral_notify
from haven.deadlines import selectors as selectors
from haven.deadlines import services as services
from haven.deadlines.models import Notification, Task
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    CountedPagination,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)

NO_PAGE = OpenApiResponse(DetailSerializer, description="No such page.")
MAX_ID = 2**63 - 1  # the largest BigAutoField, on SQLite and PostgreSQL alike
TASK_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No open deadline of the caller's organisation with this id."
)
CLOSED_BY_DECISION = OpenApiResponse(
    ErrorSerializer, description="A decision deadline closes only with the decision."
)


# A deadline on the timeline: none (""), open, overdue, done or cancelled.
DEADLINE_STATES = ["", "open", "overdue", "done", "cancelled"]


@extend_schema_field({"type": "string", "enum": deadline_kinds.keys()}, component_name="TaskKind")
class TaskKindField(NamedChoiceField):
    CHOICES = deadline_kinds.keys()


@extend_schema_field(
    {"type": "string", "enum": Notification.Kind.values}, component_name="NotificationKind"
)
class NotificationKindField(NamedChoiceField):
    CHOICES = Notification.Kind.values


@extend_schema_field({"type": "string", "enum": DEADLINE_STATES}, component_name="DeadlineState")
class DeadlineStateField(NamedChoiceField):
    CHOICES = DEADLINE_STATES


# --- serializers ----------------------------------------------------------------------


class DeadlineQuerySerializer(serializers.Serializer[Any]):
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only deadlines already past their due time."
    )


class DeadlineSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    kind = TaskKindField()
    decision_type = serializers.SerializerMethodField()
    what = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField()
    remind_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    blocking = serializers.BooleanField()
    assigned_to_me = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="For decision_due: the pathway's key.")
    )
    def get_decision_type(self, task: Task) -> str | None:
        value = task.detail.get("decision_type") if isinstance(task.detail, dict) else None
        return str(value) if value else None

    @extend_schema_field(serializers.CharField(help_text="What is due, in words."))
    def get_what(self, task: Task) -> str:
        return selectors.what_is_due(task)

    @extend_schema_field(serializers.BooleanField())
    def get_assigned_to_me(self, task: Task) -> bool:
        user = self.context["user"]
        return task.assigned_user_id is not None and task.assigned_user_id == user.pk


class NotificationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = NotificationKindField()
    event = serializers.CharField(
        help_text="Referral and desk news: what happened (e.g. received, declined, overdue, "
        "lead_transfer_proposed, concern_reported); empty for the other kinds."
    )
    subject_id = serializers.CharField(
        help_text="Referral and desk news: the id of the referral, transfer, report or "
        "package it is about; empty for the other kinds."
    )
    case_id = serializers.UUIDField(
        source="subject_case_id", allow_null=True, help_text="Null for desk news about no case."
    )
    case_reference = serializers.CharField(allow_null=True)
    task_id = serializers.UUIDField(
        allow_null=True, help_text="Null for break-glass, referral and desk news."
    )
    task_kind = TaskKindField(source="task.kind", allow_null=True)
    what = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(source="task.due_at", allow_null=True)
    break_glass_by = serializers.CharField(
        source="break_glass.user.username",
        allow_null=True,
        help_text="For break-glass news: who used it.",
    )
    break_glass_organisation = serializers.CharField(
        source="break_glass.organisation.name",
        allow_null=True,
        help_text="For break-glass news: the organisation of who used it.",
    )
    link = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(
        serializers.CharField(help_text="What is due, or what happened, in words.")
    )
    def get_what(self, notification: Notification) -> str:
        return selectors.notification_what(notification)  # case_country from notifications_for

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="Referral and desk news: the path of the Haven page it is about.",
        )
    )
    def get_link(self, notification: Notification) -> str | None:
        if notification.kind not in referral_notify.KINDS:
            return None
        return referral_notify.notification_link(
            kind=notification.kind,
            event=notification.event,
            subject_id=notification.subject_id,
            case_id=notification.case_id,
        )


class NotificationReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        # Bounded by the largest id the database can store: a larger number is a
        # field error, not a failed query (SQLite cannot even bind it).
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        default=None,
        max_length=1000,
        help_text="The notifications to mark read; leave out to mark all of yours.",
    )


class NotificationReadResultSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read.")


# --- views ----------------------------------------------------------------------------


class DeadlineListView(JsonApiView):
    pagination_class = CountedPagination

    @extend_schema(
        operation_id="deadline_list",
        tags=["deadlines"],
        parameters=[DeadlineQuerySerializer],
        responses={
            200: DeadlineSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NO_PAGE,
        },
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = acting_user(request)
        paginator = self.pagination_class()
        page = selectors.my_deadlines_page(
            user=user,
            overdue_only=query.validated_data["overdue"],
            number=paginator.page_number(request),
            per_page=paginator.per_page(),
        )
        body = DeadlineSerializer(page.object_list, many=True, context={"user": user}).data
        return paginator.response_for(request, page, body)


class NotificationListView(JsonApiView):
    pagination_class = CountedPagination

    @extend_schema(
        operation_id="notification_list",
        tags=["deadlines"],
        responses={200: NotificationSerializer(many=True), 401: UNAUTHENTICATED, 404: NO_PAGE},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = selectors.notifications_page(
            user=acting_user(request),
            number=paginator.page_number(request),
            per_page=paginator.per_page(),
        )
        body = NotificationSerializer(page.object_list, many=True).data
        return paginator.response_for(request, page, body)


class NotificationReadView(JsonApiView):
    @extend_schema(
        operation_id="notification_read",
        tags=["deadlines"],
        request=NotificationReadSerializer,
        responses={200: NotificationReadResultSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
    )
    def post(self, request: Request) -> Response:
        data = NotificationReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            user=acting_user(request), notification_ids=data.validated_data["ids"]
        )
        return Response(NotificationReadResultSerializer({"marked": marked}).data)


class TaskDoneSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.CharField()
    closed_at = serializers.DateTimeField()


class TaskDoneView(JsonApiView):
    @extend_schema(
        operation_id="deadline_done",
        tags=["deadlines"],
        request=None,
        responses={
            200: TaskDoneSerializer,
            401: UNAUTHENTICATED,
            404: TASK_NOT_FOUND,
            409: CLOSED_BY_DECISION,
        },
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        task = services.task_complete(actor=acting_user(request), task_id=id)
        return Response(TaskDoneSerializer(task).data)


urlpatterns: list[URLPattern] = [
    path("deadlines/", DeadlineListView.as_view(), name="deadline_list"),
    path("deadlines/<uuid:id>/done/", TaskDoneView.as_view(), name="deadline_done"),
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", NotificationReadView.as_view(), name="notification_read"),
]
