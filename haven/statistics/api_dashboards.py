"""GET /api/v1/statistics/deadlines/, /referrals/ and /regions/ (``?year=YYYY``, the
last complete year by default): the dashboards' numbers as the pages show them, under
the same rule (the Rapporteur and the national coordinator, their own country),
suppressed the same way (a suppressed value is null) and audited the same way."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, JsonApiView
from haven.statistics import selectors
from haven.statistics import selectors_dashboards as dash
from haven.statistics import selectors_programmes as prog
from haven.statistics.api import REFUSED, TAGS, YearQuerySerializer
from haven.statistics.forms.tables import default_year

YEAR = OpenApiParameter("year", int, description="Reporting year (default: last year).")


class OutcomeCellSerializer(serializers.Serializer[Any]):
    row = serializers.CharField(help_text="A year due, or a deadline kind; 'total' for all.")
    outcome = serializers.CharField(
        help_text="on_time, late (done after due), open_overdue, or total."
    )
    count = serializers.IntegerField(allow_null=True, help_text="null: suppressed (R-46).")


class DeadlinesSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    threshold = serializers.IntegerField()
    by_year = OutcomeCellSerializer(many=True, help_text="The last ten years, by year due.")
    by_kind = OutcomeCellSerializer(many=True, help_text="The chosen year, by kind.")


class ResponseRowSerializer(serializers.Serializer[Any]):
    referral_type = serializers.CharField(help_text="A referral type's key; 'total' for all.")
    sent = serializers.IntegerField(allow_null=True)
    answered = serializers.IntegerField(allow_null=True)
    within_target = serializers.IntegerField(allow_null=True)
    declined = serializers.IntegerField(allow_null=True)
    median_hours = serializers.IntegerField(allow_null=True)
    p90_hours = serializers.IntegerField(allow_null=True)
    within_share = serializers.FloatField(
        allow_null=True, help_text="Percent of those sent answered within the target."
    )
    declined_share = serializers.FloatField(
        allow_null=True, help_text="Percent of those answered declined."
    )


class ReferralsSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    threshold = serializers.IntegerField()
    rows = ResponseRowSerializer(many=True)


class RegionCellSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(
        help_text="The lead organisation's region; 'unknown' when it has none; 'total'."
    )
    sex = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="null: suppressed (R-46).")


class RegionsSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    threshold = serializers.IntegerField()
    cells = RegionCellSerializer(many=True)


class AccommodationCellSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(help_text="The places' region; 'total' for the country.")
    kind = serializers.CharField(help_text="The kind of place; 'total' for every kind.")
    beds_in_service = serializers.IntegerField()
    held = serializers.IntegerField(
        allow_null=True, help_text="Beds held by a placement: people. null: suppressed (R-46)."
    )
    free = serializers.IntegerField(
        allow_null=True, help_text="null with its held count (beds minus free would give it)."
    )


class AccommodationSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    at = serializers.DateTimeField(help_text="The moment counted: the year's end, or now.")
    threshold = serializers.IntegerField()
    cells = AccommodationCellSerializer(many=True)


class PerpetratorCellSerializer(serializers.Serializer[Any]):
    table = serializers.CharField(help_text="by_role (rows: roles) or employer_sectors.")
    row = serializers.CharField(help_text="A role, an ISIC section, 'unknown' or 'total'.")
    column = serializers.CharField(help_text="A sex, 'employers' or 'total'.")
    count = serializers.IntegerField(allow_null=True, help_text="null: suppressed (R-46).")


class PerpetratorsSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    threshold = serializers.IntegerField()
    cells = PerpetratorCellSerializer(many=True)


class ProgrammeCountSerializer(serializers.Serializer[Any]):
    programme = serializers.CharField(help_text="A service type's key; 'total' for all.")
    measure = serializers.CharField(
        help_text="started, active, people, achieved, partly, not_achieved, not_recorded "
        "(ended in the year, by outcome) or refused."
    )
    count = serializers.IntegerField(allow_null=True, help_text="null: suppressed (R-46).")


class ProgrammeCostSerializer(serializers.Serializer[Any]):
    programme = serializers.CharField(help_text="A service type's key; 'total' for all.")
    currency = serializers.CharField(help_text="ISO 4217; amounts are never converted.")
    amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="Delivered in the year. null: paid to too few people (R-46).",
    )
    per_person = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="The amount divided by the people served; null with its amount or people.",
    )


class ProgrammesSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    threshold = serializers.IntegerField()
    counts = ProgrammeCountSerializer(many=True)
    costs = ProgrammeCostSerializer(many=True)


def _year(request: Request) -> int:
    query = YearQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return int(query.validated_data.get("year") or default_year())


def _cells(grid: selectors.Grid, first: str, second: str) -> list[dict[str, Any]]:
    return [
        {first: r, second: c, "count": grid.value(r, c)} for r in grid.rows for c in grid.columns
    ]


RESPONSES = {400: BAD_REQUEST, 401: UNAUTHENTICATED, 403: REFUSED}


class DeadlinesView(JsonApiView):
    @extend_schema(
        operation_id="statistics_deadlines",
        tags=TAGS,
        description="Deadlines done on time, done late and open overdue: by year due over "
        "the last ten years, and by kind for the chosen year.",
        parameters=[YEAR],
        responses={200: DeadlinesSerializer, **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        met = dash.deadlines_met(user=acting_user(request), year=_year(request), output="api")
        body = {
            "year": met.year,
            "threshold": selectors.threshold(),
            "by_year": _cells(met.by_year, "row", "outcome"),
            "by_kind": _cells(met.by_kind, "row", "outcome"),
        }
        return Response(DeadlinesSerializer(body).data)


class ReferralsView(JsonApiView):
    @extend_schema(
        operation_id="statistics_referrals",
        tags=TAGS,
        description="Referrals sent in the year per type: answered, within the response "
        "target, declined, and the median and 90th percentile hours to an answer.",
        parameters=[YEAR],
        responses={200: ReferralsSerializer, **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request)
        times = dash.referral_response_times(user=acting_user(request), year=year, output="api")
        rows = [
            {"referral_type": r.key, **{k: v for k, v in vars(r).items() if k != "key"}}
            for r in times.rows
        ]
        body = {"year": year, "threshold": selectors.threshold(), "rows": rows}
        return Response(ReferralsSerializer(body).data)


class RegionsView(JsonApiView):
    @extend_schema(
        operation_id="statistics_regions",
        tags=TAGS,
        description="Registered victims of the year by region of the lead organisation "
        "(cases hold no region) and sex.",
        parameters=[YEAR],
        responses={200: RegionsSerializer, **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request)
        grid = dash.by_region(user=acting_user(request), year=year, output="api")
        body = {
            "year": year,
            "threshold": selectors.threshold(),
            "cells": _cells(grid, "region", "sex"),
        }
        return Response(RegionsSerializer(body).data)


class AccommodationView(JsonApiView):
    @extend_schema(
        operation_id="statistics_accommodation",
        tags=TAGS,
        description="Safe accommodation at the end of the year (now, for this year): beds in "
        "service, held and free per region and kind of place; never a place or a person.",
        parameters=[YEAR],
        responses={200: AccommodationSerializer, **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request)
        found = dash.accommodation(user=acting_user(request), year=year, output="api")
        cells = []
        for region in found.beds.rows:
            for kind in found.beds.columns:
                beds, held = found.beds.values[(region, kind)], found.held.value(region, kind)
                cells.append(
                    {
                        "region": region,
                        "kind": kind,
                        "beds_in_service": beds,
                        "held": held,
                        "free": None if held is None else max(0, beds - held),
                    }
                )
        body = {"year": year, "at": found.at, "threshold": selectors.threshold(), "cells": cells}
        return Response(AccommodationSerializer(body).data)


class PerpetratorsView(JsonApiView):
    @extend_schema(
        operation_id="statistics_perpetrators",
        tags=TAGS,
        description="Suspects, prosecuted, convicted and users of a victim's services linked "
        "to the country's cases in the year, by sex; employers by ISIC section. No one named.",
        parameters=[YEAR],
        responses={200: PerpetratorsSerializer, **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request)
        found = dash.perpetrators(user=acting_user(request), year=year, output="api")
        cells = [
            {"table": name, "row": r, "column": c, "count": grid.value(r, c)}
            for name, grid in (("by_role", found.by_role), ("employer_sectors", found.sectors))
            for r in grid.rows
            for c in grid.columns
        ]
        body = {"year": year, "threshold": selectors.threshold(), "cells": cells}
        return Response(PerpetratorsSerializer(body).data)


class ProgrammesView(JsonApiView):
    @extend_schema(
        operation_id="statistics_programmes",
        tags=TAGS,
        description="Assistance per programme (service type) in the year: services started "
        "and active, people served, outcomes of those that ended, refusals, and the amount "
        "delivered per currency with the cost per person served. No one is named.",
        parameters=[YEAR],
        responses={200: ProgrammesSerializer, **RESPONSES},
    )
    def get(self, request: Request) -> Response:
        year = _year(request)
        found = prog.programmes(user=acting_user(request), year=year, output="api")
        costs = [
            {
                "programme": c.key,
                "currency": c.currency,
                "amount": c.amount,
                "per_person": c.per_person,
            }
            for c in found.costs
        ]
        body = {
            "year": year,
            "threshold": selectors.threshold(),
            "counts": _cells(found.counts, "programme", "measure"),
            "costs": costs,
        }
        return Response(ProgrammesSerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("statistics/deadlines/", DeadlinesView.as_view(), name="statistics_deadlines"),
    path("statistics/referrals/", ReferralsView.as_view(), name="statistics_referrals"),
    path("statistics/regions/", RegionsView.as_view(), name="statistics_regions"),
    path("statistics/perpetrators/", PerpetratorsView.as_view(), name="statistics_perpetrators"),
    path(
        "statistics/accommodation/",
        AccommodationView.as_view(),
        name="statistics_accommodation",
    ),
    path("statistics/programmes/", ProgrammesView.as_view(), name="statistics_programmes"),
]
