"""Break-glass under /api/v1/: emergency access by case reference, and the
supervisors' reviews; the same selectors and services as the pages.

A case reference that does not exist gives the same ``case_not_found`` as a case
the caller may not see; a use outside a supervisor's reach the same
``break_glass_not_found`` as a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access import services as access_services
from haven.access.models import BreakGlass, BreakGlassReason
from haven.access.selectors import break_glass as selectors
from haven.access.services import break_glass as services
from haven.accounts.current import acting_user
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
)

TEXT_MAX = 10000

# The words of the case API's 404 (``haven.cases.api``), which access may not import.
CASE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="case_not_found: the same answer for a missing case and one hidden from you.",
)
NOT_A_CASE_ROLE = OpenApiResponse(
    ErrorSerializer, description="sharing_not_allowed: only caseworkers and supervisors."
)
NOT_NEEDED = OpenApiResponse(
    ErrorSerializer,
    description="break_glass_not_needed: you can already read every group break-glass gives.",
)
NOT_A_SUPERVISOR = OpenApiResponse(
    ErrorSerializer,
    description="sharing_not_allowed: only supervisors review, and never their own use.",
)
USE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="break_glass_not_found: the same answer for a missing use and one out of reach.",
)
ALREADY_REVIEWED = OpenApiResponse(ErrorSerializer, description="break_glass_already_reviewed.")
NO_PAGE = OpenApiResponse(DetailSerializer, description="No such page.")


@extend_schema_field(
    {"type": "string", "enum": BreakGlass.Review.values}, component_name="BreakGlassReview"
)
class ReviewField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=BreakGlass.Review.values, **kwargs)


# --- serializers ----------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "enum": BreakGlassReason.values}, component_name="BreakGlassReason"
)
class ReasonField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=BreakGlassReason.values, **kwargs)


class BreakGlassUseSerializer(serializers.Serializer[Any]):
    case_reference = serializers.CharField(
        max_length=32, help_text="The case's reference, such as FI-2026-ABC234."
    )
    reason = ReasonField(help_text="What the emergency is, from the list.")
    # Short or blank words reach the service, which answers justification_required.
    justification = serializers.CharField(
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text=(
            "Why this is an emergency (at least 20 characters). No details about the person."
        ),
    )


class BreakGlassSerializer(serializers.Serializer[Any]):
    """One break-glass use: who, on which case, until when, and its review."""

    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField(source="case.reference")
    user = serializers.CharField(source="user.username")
    organisation = serializers.CharField(source="organisation.name")
    reason = ReasonField()
    justification = serializers.CharField()
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    review = ReviewField()
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_note = serializers.CharField()


class BreakGlassReviewSerializer(serializers.Serializer[Any]):
    justified = serializers.BooleanField(help_text="Whether the use was a real emergency.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)


# --- views ----------------------------------------------------------------------------


class BreakGlassUseView(JsonApiView):
    @extend_schema(
        operation_id="break_glass_use",
        tags=["break-glass"],
        request=BreakGlassUseSerializer,
        responses={
            201: BreakGlassSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_A_CASE_ROLE,
            404: CASE_NOT_FOUND,
            409: NOT_NEEDED,
        },
    )
    def post(self, request: Request) -> Response:
        data = BreakGlassUseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.break_glass_use(actor=acting_user(request), **data.validated_data)
        location = reverse("api:case_detail", kwargs={"id": grant.case_id})
        return Response(
            BreakGlassSerializer(grant).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class BreakGlassReviewListView(JsonApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="break_glass_review_list",
        tags=["break-glass"],
        responses={
            200: BreakGlassSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_A_SUPERVISOR,
            404: NO_PAGE,
        },
    )
    def get(self, request: Request) -> Response:
        uses = selectors.break_glass_review_list(user=acting_user(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(uses, request, view=self)
        assert page is not None  # noqa: S101 - a page size is configured
        return paginator.get_paginated_response(BreakGlassSerializer(page, many=True).data)


class BreakGlassReviewView(JsonApiView):
    @extend_schema(
        operation_id="break_glass_review",
        tags=["break-glass"],
        request=BreakGlassReviewSerializer,
        responses={
            200: BreakGlassSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_A_SUPERVISOR,
            404: USE_NOT_FOUND,
            409: ALREADY_REVIEWED,
        },
    )
    def post(self, request: Request, id: uuid.UUID) -> Response:
        data = BreakGlassReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        grant = selectors.break_glass_get(user=user, grant_id=id)
        reviewed = access_services.break_glass_review(
            actor=user, grant_id=grant.id, **data.validated_data
        )
        return Response(BreakGlassSerializer(reviewed).data)


urlpatterns: list[URLPattern] = [
    path("break-glass/", BreakGlassUseView.as_view(), name="break_glass_use"),
    path("break-glass/reviews/", BreakGlassReviewListView.as_view(), name="break_glass_reviews"),
    path(
        "break-glass/<uuid:id>/review/", BreakGlassReviewView.as_view(), name="break_glass_review"
    ),
]
