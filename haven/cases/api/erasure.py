"""Erasure requests and legal holds under /api/v1/ (R-39, R-40; issue 12): the same
selectors and services as the case's erasure page. The case lead's caseworkers
and supervisors ask; a supervisor of the lead other than the asker approves (the
person is crypto-shredded in the same transaction) or refuses with a reason.
Supervisors of an organisation on the case team place and lift legal holds. A
case or request the caller may not know about is a 404 identical to a missing
one; a team member whose role may not act gets a 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.cases import selectors, services
from haven.cases.api.cases import CASE_ID, NOT_FOUND
from haven.cases.models import ErasureReason, ErasureState, LegalHold, LegalHoldReason
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)

REQUEST_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The erasure request's id."
)
HOLD_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The legal hold's id."
)
NOT_ALLOWED = OpenApiResponse(
    ErrorSerializer,
    description="role_not_allowed: only the case lead's caseworkers and supervisors ask, "
    "only its supervisors answer, only supervisors on the case team hold; "
    "second_approver_required: whoever asked cannot answer.",
)
REQUEST_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="erasure_not_found: the same answer for a missing request and one hidden from you.",
)
HOLD_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="legal_hold_not_found: no hold in force with this id is available to you.",
)


@extend_schema_field(
    {"type": "string", "enum": ErasureReason.values}, component_name="ErasureReason"
)
class ErasureReasonField(NamedChoiceField):
    CHOICES = ErasureReason.values


@extend_schema_field({"type": "string", "enum": ErasureState.values}, component_name="ErasureState")
class ErasureStateField(NamedChoiceField):
    CHOICES = ErasureState.values


@extend_schema_field(
    {"type": "string", "enum": LegalHoldReason.values}, component_name="LegalHoldReason"
)
class LegalHoldReasonField(NamedChoiceField):
    CHOICES = LegalHoldReason.values


class ErasureRequestSerializer(serializers.Serializer[Any]):
    """One erasure request (``cases.selectors.ErasureRequestView``)."""

    id = serializers.UUIDField(source="request.id")
    case_id = serializers.UUIDField(source="request.case_id")
    reason = ErasureReasonField(source="request.reason")
    note = serializers.CharField(help_text="Empty when none was given, and once erased.")
    state = ErasureStateField(source="request.state")
    requested_by = serializers.CharField(source="request.requested_by.username")
    requested_at = serializers.DateTimeField(source="request.requested_at")
    answered_by = serializers.CharField(
        source="request.answered_by.username", allow_null=True, default=None
    )
    answered_at = serializers.DateTimeField(source="request.answered_at", allow_null=True)
    refusal = serializers.CharField(help_text="Why it was refused; empty otherwise.")
    may_answer = serializers.BooleanField(help_text="Whether you may approve or refuse it.")


class ErasureRequestCreateSerializer(serializers.Serializer[Any]):
    # An unknown reason reaches the service, which answers with a field error.
    reason = serializers.CharField(help_text=f"One of: {', '.join(ErasureReason.values)}.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Required for other. No personal data: it is sealed under the person's key.",
    )


class ErasureRefuseSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class LegalHoldSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    reason = LegalHoldReasonField()
    placed_by = serializers.CharField(source="placed_by.username")
    placed_at = serializers.DateTimeField()
    until = serializers.DateField(allow_null=True, help_text="Null: until lifted.")
    lifted_by = serializers.CharField(source="lifted_by.username", allow_null=True, default=None)
    lifted_at = serializers.DateTimeField(allow_null=True)


class LegalHoldCreateSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=f"One of: {', '.join(LegalHoldReason.values)}.")
    until = serializers.DateField(required=False, allow_null=True, default=None)


def _request_view(request: Request, row: Any) -> dict[str, Any]:
    user = acting_user(request)
    page = selectors.erasure_page(user=user, case_id=row.case_id)
    view = next(v for v in page.requests if v.request.pk == row.pk)
    return ErasureRequestSerializer(view).data


class CaseErasureRequestsView(JsonApiView):
    @extend_schema(
        operation_id="erasure_request_list",
        tags=["erasure"],
        parameters=[CASE_ID],
        responses={
            200: ErasureRequestSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        page = selectors.erasure_page(user=acting_user(request), case_id=id)
        return Response(ErasureRequestSerializer(page.requests, many=True).data)

    @extend_schema(
        operation_id="erasure_request_create",
        tags=["erasure"],
        parameters=[CASE_ID],
        request=ErasureRequestCreateSerializer,
        responses={
            201: ErasureRequestSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="erasure_pending: one request waits already; already_erased; "
                "legal_hold: a legal hold keeps the data.",
            ),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ErasureRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.erasure_request(
            actor=acting_user(request), case_id=id, **data.validated_data
        )
        return Response(_request_view(request, row), status=status.HTTP_201_CREATED)


ANSWERED = OpenApiResponse(
    ErrorSerializer,
    description="erasure_answered: answered already; legal_hold: a legal hold keeps the data.",
)


class ErasureApproveView(JsonApiView):
    @extend_schema(
        operation_id="erasure_request_approve",
        tags=["erasure"],
        parameters=[REQUEST_ID],
        request=None,
        responses={
            200: ErasureRequestSerializer,
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: REQUEST_NOT_FOUND,
            409: ANSWERED,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        row = services.erasure_approve(actor=acting_user(request), request_id=id)
        return Response(_request_view(request, row))


class ErasureRefuseView(JsonApiView):
    @extend_schema(
        operation_id="erasure_request_refuse",
        tags=["erasure"],
        parameters=[REQUEST_ID],
        request=ErasureRefuseSerializer,
        responses={
            200: ErasureRequestSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: REQUEST_NOT_FOUND,
            409: ANSWERED,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ErasureRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.erasure_refuse(
            actor=acting_user(request), request_id=id, reason=data.validated_data["reason"]
        )
        return Response(_request_view(request, row))


class CaseLegalHoldsView(JsonApiView):
    @extend_schema(
        operation_id="legal_hold_list",
        tags=["erasure"],
        parameters=[CASE_ID],
        responses={
            200: LegalHoldSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        page = selectors.erasure_page(user=acting_user(request), case_id=id)
        return Response(LegalHoldSerializer(page.holds, many=True).data)

    @extend_schema(
        operation_id="legal_hold_place",
        tags=["erasure"],
        parameters=[CASE_ID],
        request=LegalHoldCreateSerializer,
        responses={
            201: LegalHoldSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="person_erased."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = LegalHoldCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = services.legal_hold_place(
            actor=acting_user(request), case_id=id, **data.validated_data
        )
        return Response(LegalHoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class LegalHoldLiftView(JsonApiView):
    @extend_schema(
        operation_id="legal_hold_lift",
        tags=["erasure"],
        parameters=[HOLD_ID],
        request=None,
        responses={
            200: LegalHoldSerializer,
            401: UNAUTHENTICATED,
            403: NOT_ALLOWED,
            404: HOLD_NOT_FOUND,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        hold: LegalHold = services.legal_hold_lift(actor=acting_user(request), hold_id=id)
        return Response(LegalHoldSerializer(hold).data)


urlpatterns: list[URLPattern] = [
    path(
        "cases/<str:id>/erasure-requests/",
        CaseErasureRequestsView.as_view(),
        name="erasure_request_list",
    ),
    path(
        "erasure-requests/<str:id>/approve/",
        ErasureApproveView.as_view(),
        name="erasure_request_approve",
    ),
    path(
        "erasure-requests/<str:id>/refuse/",
        ErasureRefuseView.as_view(),
        name="erasure_request_refuse",
    ),
    path("cases/<str:id>/legal-holds/", CaseLegalHoldsView.as_view(), name="legal_hold_list"),
    path("legal-holds/<str:id>/lift/", LegalHoldLiftView.as_view(), name="legal_hold_lift"),
]
