"""The recovery and reflection period under /api/v1/ (R-03, R-15): the same
services and selectors as the pages, and the removal check other systems ask
before enforcing an expulsion order.

A case the caller may not know about is a 404 identical to a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.assistance.models import ReflectionPeriod
from haven.assistance.selectors import reflection as selectors
from haven.assistance.services import reflection as services
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib import locking
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group.",
)
DECIDE_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed, or supervisor_required: a supervisor of an "
    "organisation that grants the period decides on it.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="no_reflection_period, reflection_period_not_running, person_erased.",
)
EXTEND_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="no_reflection_period, reflection_period_not_running, person_erased; "
    "edit_conflict (field version): the period was extended since the version you read; "
    "nothing was saved, read it again and send your extension on the new version.",
)
STATES = ["none", "running", "ended", "ended_early"]


class ExtensionReadSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField()
    decided_on = serializers.DateField()
    decided_by = serializers.CharField()
    reasons = serializers.CharField(help_text="Empty once the person's data is erased.")


class EarlyEndReadSerializer(serializers.Serializer[Any]):
    ground = serializers.ChoiceField(choices=ReflectionPeriod.EarlyEndGround.choices)
    ended_on = serializers.DateField()
    decided_by = serializers.CharField()
    legal_basis = serializers.CharField()
    reasons = serializers.CharField(help_text="Empty once the person's data is erased.")


class ReflectionPeriodSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    state = serializers.ChoiceField(
        choices=STATES, help_text="none: no positive reasonable-grounds decision yet."
    )
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True, help_text="The last day of the period.")
    granted_days = serializers.IntegerField(allow_null=True)
    days_left = serializers.IntegerField(
        allow_null=True, help_text="0 on the last day; null unless running."
    )
    min_days = serializers.IntegerField(help_text="The national length granted at the start.")
    pathway_confirmed = serializers.BooleanField(
        help_text="False while the national values are placeholders not confirmed against law."
    )
    extensions = ExtensionReadSerializer(many=True)
    early_end = EarlyEndReadSerializer(allow_null=True)
    version = serializers.IntegerField(
        allow_null=True,
        help_text="Send it back when extending the period; null when there is no period.",
    )


def _body(view: selectors.ReflectionView) -> Any:
    summary = view.summary
    early_end = None
    if view.early_end_ground:
        early_end = {
            "ground": view.early_end_ground,
            "ended_on": summary.ended_on,
            "decided_by": view.early_end_decided_by,
            "legal_basis": view.early_end_legal_basis,
            "reasons": view.early_end_reasons,
        }
    return ReflectionPeriodSerializer(
        {
            "case_id": view.case.id,
            "state": summary.state,
            "starts_on": summary.starts_on,
            "ends_on": summary.ends_on,
            "granted_days": summary.granted_days,
            "days_left": summary.days_left,
            "min_days": view.min_days,
            "pathway_confirmed": view.pathway_confirmed,
            "extensions": view.extensions,
            "early_end": early_end,
            "version": view.period.version if view.period is not None else None,
        }
    ).data


class ExtensionCreateSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=services.MAX_EXTENSION_DAYS)
    # Blank reasons reach the service, which answers with code reasons_required.
    reasons = serializers.CharField(allow_blank=True, max_length=10000, trim_whitespace=False)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version of the period you read. If it was extended "
        "since, the answer is 409 edit_conflict and nothing is saved.",
    )


class EarlyEndCreateSerializer(serializers.Serializer[Any]):
    # Any text reaches the service, which refuses every ground but the two of
    # CETS Art. 13(3) with code early_end_ground_not_permitted.
    ground = serializers.CharField(
        max_length=40,
        help_text="public_order or improper_claim (CETS Art. 13(3)); nothing else is accepted.",
    )
    reasons = serializers.CharField(allow_blank=True, max_length=10000, trim_whitespace=False)
    legal_basis = serializers.CharField(allow_blank=True, max_length=200)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class RemovalCheckRequestSerializer(serializers.Serializer[Any]):
    on_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Defaults to today."
    )


class RemovalCheckSerializer(serializers.Serializer[Any]):
    removal_allowed = serializers.BooleanField()
    code = serializers.ChoiceField(
        choices=["reflection_period_running", "removal_protected", "removal_not_blocked"]
    )
    reason = serializers.CharField()


class ReflectionPeriodView(JsonApiView):
    @extend_schema(
        operation_id="reflection_period_read",
        tags=["assistance"],
        parameters=[CASE_ID],
        responses={
            200: ReflectionPeriodSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.reflection_period_get(user=acting_user(request), case_id=id)
        return Response(_body(view))


class ReflectionExtensionsView(JsonApiView):
    @extend_schema(
        operation_id="reflection_period_extend",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=ExtensionCreateSerializer,
        responses={
            201: ReflectionPeriodSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: DECIDE_FORBIDDEN,
            404: NOT_FOUND,
            409: EXTEND_CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ExtensionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.reflection_period_extend(actor=user, case_id=id, **data.validated_data)
        view = selectors.reflection_period_get(user=user, case_id=id)
        return Response(_body(view), status=status.HTTP_201_CREATED)


class ReflectionEarlyEndView(JsonApiView):
    @extend_schema(
        operation_id="reflection_period_end_early",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=EarlyEndCreateSerializer,
        responses={
            200: ReflectionPeriodSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: DECIDE_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = EarlyEndCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.reflection_period_end_early(actor=user, case_id=id, **data.validated_data)
        view = selectors.reflection_period_get(user=user, case_id=id)
        return Response(_body(view))


class RemovalCheckView(JsonApiView):
    @extend_schema(
        operation_id="removal_check",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=RemovalCheckRequestSerializer,
        description="May an expulsion order against this person be enforced on the date? "
        "Never during the reflection period (R-15), never while reasonable grounds protect "
        "the person (R-03). Asking is recorded in the person's audit trail.",
        responses={
            200: RemovalCheckSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = RemovalCheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = selectors.removal_check(
            user=acting_user(request), case_id=id, on_date=data.validated_data["on_date"]
        )
        return Response(RemovalCheckSerializer(result).data)


urlpatterns: list[URLPattern] = [
    path(
        "cases/<str:id>/reflection-period/",
        ReflectionPeriodView.as_view(),
        name="reflection_period",
    ),
    path(
        "cases/<str:id>/reflection-period/extensions/",
        ReflectionExtensionsView.as_view(),
        name="reflection_period_extensions",
    ),
    path(
        "cases/<str:id>/reflection-period/early-end/",
        ReflectionEarlyEndView.as_view(),
        name="reflection_period_early_end",
    ),
    path("cases/<str:id>/removal-check/", RemovalCheckView.as_view(), name="removal_check"),
]
