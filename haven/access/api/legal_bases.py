"""The national coordinator's list of legal bases (R-47) under /api/v1/: the
same selectors and services as the pages under /sharing/legal-bases/. For
administrators of a national coordinator; others get a 403 with the reason."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access import selectors, services
from haven.accounts.current import acting_user
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

LEGAL_BASIS_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The legal basis's id."
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="sharing_not_allowed: only administrators of the national coordinator, "
    "for their own country.",
)


class LegalBasisSerializer(serializers.Serializer[Any]):
    """A legal basis from a national coordinator's list."""

    id = serializers.UUIDField()
    country = serializers.CharField()
    title = serializers.CharField()
    citation = serializers.CharField()
    allows_location_health_to_enforcement = serializers.BooleanField(
        help_text="Whether location and health may reach police, border guards and "
        "migration authorities on it, without consent."
    )
    active = serializers.BooleanField(help_text="Offered to new agreements.")


class LegalBasisCreateSerializer(serializers.Serializer[Any]):
    # Blank title and citation reach the service, which answers with field errors.
    title = serializers.CharField(allow_blank=True, max_length=200)
    citation = serializers.CharField(allow_blank=True, max_length=300)
    allows_location_health_to_enforcement = serializers.BooleanField(required=False, default=False)


class LegalBasisActiveSerializer(serializers.Serializer[Any]):
    active = serializers.BooleanField(help_text="Offer it to new agreements, or no longer.")


class LegalBasisListView(JsonApiView):
    @extend_schema(
        operation_id="legal_basis_list",
        tags=["sharing"],
        responses={200: LegalBasisSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        """The list of the coordinator's country, active and inactive."""
        bases = selectors.legal_basis_list(user=acting_user(request))
        return Response(LegalBasisSerializer(bases, many=True).data)

    @extend_schema(
        operation_id="legal_basis_create",
        tags=["sharing"],
        request=LegalBasisCreateSerializer,
        responses={
            201: LegalBasisSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        data = LegalBasisCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        basis = services.legal_basis_create(actor=acting_user(request), **data.validated_data)
        return Response(LegalBasisSerializer(basis).data, status=status.HTTP_201_CREATED)


class LegalBasisActiveView(JsonApiView):
    @extend_schema(
        operation_id="legal_basis_set_active",
        tags=["sharing"],
        parameters=[LEGAL_BASIS_ID],
        request=LegalBasisActiveSerializer,
        responses={
            200: LegalBasisSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(ErrorSerializer, description="legal_basis_not_found."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        """Offer a basis to new agreements again, or no longer."""
        data = LegalBasisActiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        basis = services.legal_basis_set_active(
            actor=acting_user(request), legal_basis_id=id, active=data.validated_data["active"]
        )
        return Response(LegalBasisSerializer(basis).data)


urlpatterns: list[URLPattern] = [
    path("legal-bases/", LegalBasisListView.as_view(), name="legal_basis_list"),
    path("legal-bases/<str:id>/active/", LegalBasisActiveView.as_view(), name="legal_basis_active"),
]
