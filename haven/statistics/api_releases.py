"""/api/v1/statistics/releases/: the protected releases of the user's country, the
budget left, and (the National Rapporteur only) a new release. The same services and
rules as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.statistics import releases
from haven.statistics.models import Release
from haven.statistics.services import releases as services

TAGS = ["statistics"]
NOT_A_READER = OpenApiResponse(
    ErrorSerializer,
    description="statistics_not_allowed: only the National Rapporteur and the national "
    "coordinator see statistics.",
)


class BudgetSerializer(serializers.Serializer[Any]):
    dataset = serializers.CharField()
    year = serializers.IntegerField()
    total_epsilon = serializers.DecimalField(max_digits=7, decimal_places=3)
    spent_epsilon = serializers.DecimalField(max_digits=7, decimal_places=3)
    remaining_epsilon = serializers.DecimalField(max_digits=7, decimal_places=3)


class ReleaseSerializer(serializers.Serializer[Any]):
    """One release: only published (noisy, post-processed) figures, never true counts."""

    id = serializers.UUIDField()
    dataset = serializers.CharField()
    table = serializers.CharField()
    country = serializers.CharField()
    year_from = serializers.IntegerField()
    year_to = serializers.IntegerField()
    epsilon = serializers.DecimalField(max_digits=7, decimal_places=3)
    method = serializers.CharField()
    noise_scale = serializers.FloatField()
    dimensions = serializers.ListField(child=serializers.CharField())
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="One list per cell: the dimension values, then the published count.",
    )
    totals = serializers.DictField(
        child=serializers.IntegerField(), help_text="Per year, the sum of its cells."
    )
    remaining = serializers.DictField(
        child=serializers.CharField(), help_text="Per year, the ε left after this release."
    )
    released_at = serializers.DateTimeField()


class ReleaseListSerializer(serializers.Serializer[Any]):
    budget_total_epsilon = serializers.DecimalField(
        max_digits=7, decimal_places=3, help_text="The budget every year opens with."
    )
    budgets = BudgetSerializer(many=True)
    releases = ReleaseSerializer(many=True)


class ReleaseRequestSerializer(serializers.Serializer[Any]):
    dataset = serializers.CharField(max_length=60)
    table = serializers.CharField(max_length=60)
    year_from = serializers.IntegerField(min_value=services.FIRST_YEAR, max_value=9999)
    year_to = serializers.IntegerField(min_value=services.FIRST_YEAR, max_value=9999)
    epsilon = serializers.DecimalField(
        max_digits=7, decimal_places=3, min_value=services.EPSILON_MIN
    )


def _release(release: Release) -> dict[str, Any]:
    return {
        "id": release.id,
        "dataset": release.dataset,
        "table": release.table,
        "country": release.country,
        "year_from": release.year_from,
        "year_to": release.year_to,
        "epsilon": release.epsilon,
        "method": release.method,
        "noise_scale": release.noise_scale,
        "dimensions": release.dimensions,
        "cells": [[str(part) for part in cell] for cell in release.cells],
        "totals": release.totals,
        "remaining": release.remaining,
        "released_at": release.released_at,
    }


class ReleaseListView(JsonApiView):
    @extend_schema(
        operation_id="statistics_release_list",
        tags=TAGS,
        responses={200: ReleaseListSerializer, 401: UNAUTHENTICATED, 403: NOT_A_READER},
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        body = {
            "budget_total_epsilon": releases.budget_total(),
            "budgets": [
                {
                    "dataset": line.dataset,
                    "year": line.year,
                    "total_epsilon": line.total,
                    "spent_epsilon": line.spent,
                    "remaining_epsilon": line.remaining,
                }
                for line in releases.budget_list(user=user)
            ],
            "releases": [_release(r) for r in releases.release_list(user=user)[:100]],
        }
        return Response(ReleaseListSerializer(body).data)

    @extend_schema(
        operation_id="statistics_release_create",
        tags=TAGS,
        request=ReleaseRequestSerializer,
        responses={
            201: ReleaseSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="release_not_allowed: only the National Rapporteur spends the "
                "budget; statistics_not_allowed: not a statistics reader.",
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description="budget_exceeded: a year's budget has less ε left than asked.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = ReleaseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        release = services.release_create(
            actor=acting_user(request),
            data=services.ReleaseInput(
                dataset=values["dataset"],
                table=values["table"],
                year_from=values["year_from"],
                year_to=values["year_to"],
                epsilon=Decimal(values["epsilon"]),
            ),
        )
        return Response(ReleaseSerializer(_release(release)).data, status=201)


class ReleaseDetailView(JsonApiView):
    @extend_schema(
        operation_id="statistics_release_get",
        tags=TAGS,
        responses={
            200: ReleaseSerializer,
            401: UNAUTHENTICATED,
            403: NOT_A_READER,
            404: OpenApiResponse(ErrorSerializer, description="not_found"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        release = releases.release_get(user=user, release_id=id)
        services.release_export(actor=user, release=release, export_format="api")
        return Response(ReleaseSerializer(_release(release)).data)


urlpatterns: list[URLPattern] = [
    path("statistics/releases/", ReleaseListView.as_view(), name="statistics_release_list"),
    path(
        "statistics/releases/<str:id>/",
        ReleaseDetailView.as_view(),
        name="statistics_release_get",
    ),
]
