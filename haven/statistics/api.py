"""GET /api/v1/statistics/eurostat/?year=YYYY, /trends/ and /backlog/: the same
tables as the statistics pages, under the same rule (the Rapporteur and the national
coordinator, their own country), suppressed the same way (a suppressed value is null)
and audited the same way."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.statistics import selectors
from haven.statistics.forms.tables import default_year

TAGS = ["statistics"]
REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="statistics_not_allowed: only the National Rapporteur and the national "
    "coordinator read the statistics.",
)


class CellSerializer(serializers.Serializer[Any]):
    legal_status = serializers.CharField()
    sex = serializers.CharField()
    age_group = serializers.CharField()
    citizenship = serializers.CharField()
    exploitation = serializers.CharField()
    value = serializers.IntegerField(allow_null=True, help_text="null: suppressed (R-46).")


class TableSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    title = serializers.CharField()
    cells = CellSerializer(many=True)


class EurostatSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    country = serializers.CharField()
    threshold = serializers.IntegerField(help_text="Counts from 1 to this minus one are hidden.")
    tables = TableSerializer(many=True)


class GridCellSerializer(serializers.Serializer[Any]):
    row = serializers.CharField(help_text="A year, or a decision awaited; 'total' for all.")
    sex = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="null: suppressed (R-46).")
    median_days = serializers.IntegerField(allow_null=True, required=False)
    p90_days = serializers.IntegerField(allow_null=True, required=False)


class GridSerializer(serializers.Serializer[Any]):
    threshold = serializers.IntegerField()
    cells = GridCellSerializer(many=True)


class YearQuerySerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(required=False)


def _grid_body(grid: selectors.Grid, *, waits: bool) -> dict[str, Any]:
    cells = []
    for r in grid.rows:
        for c in grid.columns:
            cell: dict[str, Any] = {"row": r, "sex": c, "count": grid.value(r, c)}
            if waits:
                cell["median_days"] = grid.extra[(r, c)]["median"]
                cell["p90_days"] = grid.extra[(r, c)]["p90"]
            cells.append(cell)
    return {"threshold": selectors.threshold(), "cells": cells}


class EurostatView(JsonApiView):
    @extend_schema(
        operation_id="statistics_eurostat",
        tags=TAGS,
        parameters=[
            OpenApiParameter("year", int, description="Reporting year (default: last year).")
        ],
        responses={200: EurostatSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or default_year()
        published = selectors.eurostat(user=acting_user(request), year=year, output="api")
        body = {
            "year": published.year,
            "country": published.country,
            "threshold": published.threshold,
            "tables": [
                {
                    "name": table.name,
                    "title": str(table.title),
                    "cells": [
                        {**coord._asdict(), "value": table.value(coord, coord.sex)}
                        for coord in table.cells()
                    ],
                }
                for table in published.tables
            ],
        }
        return Response(EurostatSerializer(body).data)


class TrendsView(JsonApiView):
    @extend_schema(
        operation_id="statistics_trends",
        tags=TAGS,
        description="Registered victims by year of registration and sex, the last ten years.",
        responses={200: GridSerializer, 401: UNAUTHENTICATED, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        first, last = selectors.trend_years()
        grid = selectors.trends(user=acting_user(request), first=first, last=last, output="api")
        return Response(GridSerializer(_grid_body(grid, waits=False)).data)


class BacklogView(JsonApiView):
    @extend_schema(
        operation_id="statistics_backlog",
        tags=TAGS,
        description="Cases awaiting a reasonable-grounds or a conclusive decision, by sex, "
        "with the median and 90th percentile of their wait in days.",
        responses={200: GridSerializer, 401: UNAUTHENTICATED, 403: REFUSED},
    )
    def get(self, request: Request) -> Response:
        grid = selectors.backlog(user=acting_user(request), output="api")
        return Response(GridSerializer(_grid_body(grid, waits=True)).data)


urlpatterns: list[URLPattern] = [
    path("statistics/eurostat/", EurostatView.as_view(), name="statistics_eurostat"),
    path("statistics/trends/", TrendsView.as_view(), name="statistics_trends"),
    path("statistics/backlog/", BacklogView.as_view(), name="statistics_backlog"),
]
