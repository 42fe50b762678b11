"""/api/v1/statistics/exchange/...: the same exports and imports as the exchange page
(issue 15), for the National Rapporteur (imports) and the national coordinator
(exports and trends). Every export and import is audited by the service."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.lib.parsers import BoundedJSONParser
from haven.statistics import htcds
from haven.statistics import selectors_exchange as selectors
from haven.statistics import services_exchange as services
from haven.statistics.forms import exchange as forms_exchange

TAGS = ["statistics"]
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="statistics_not_allowed: only the National Rapporteur and the national "
    "coordinator (imports: the Rapporteur).",
)


class HtcdsExportSerializer(serializers.Serializer[Any]):
    content = serializers.CharField(
        help_text="HTCDS v2.0 CSV, field names in the header: k-anonymous records only."
    )
    report = serializers.DictField(
        help_text="k, records, released, suppressed, suppression_rate; per quasi-identifier "
        "its level and how many records were generalised; written_in: where a generalised "
        "value went (empty: generalised away); emptied: HTCDS fields left empty."
    )
    not_carried = serializers.ListField(
        child=serializers.CharField(), help_text="HTCDS fields Haven does not fill."
    )


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()

    def validate_file(self, upload: Any) -> bytes:
        if upload.size > forms_exchange.MAX_FILE_BYTES:
            raise serializers.ValidationError(_("This file is too large (20 MB at most)."))
        content: bytes = upload.read()
        return content


class HtcdsUploadSerializer(UploadSerializer):
    sent_by = serializers.CharField(max_length=200, help_text="Who sent the file.")


class DatasetSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    sent_by = serializers.CharField(source="source")
    record_count = serializers.IntegerField()
    not_carried = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Per HTCDS field Haven could not carry, the rows whose value was dropped.",
    )


class CtdcSerializer(serializers.Serializer[Any]):
    report = serializers.DictField(help_text="k, records, released, suppressed, levels ...")
    content = serializers.CharField(help_text="The released records, CSV with CTDC columns.")


class SignedFileSerializer(serializers.Serializer[Any]):
    content = serializers.CharField(help_text="The signed regional release (ASCII).")


class ImportedReleaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    sender = serializers.CharField()
    created_at = serializers.CharField()
    cells = serializers.IntegerField()


class TrendValueSerializer(serializers.Serializer[Any]):
    published = serializers.IntegerField(
        allow_null=True,
        help_text="The sum of the published cells (a victim of two broad forms counts in "
        "each); null: no release that year.",
    )
    at_least = serializers.BooleanField(help_text="True: some cells were suppressed.")


class TrendRowSerializer(serializers.Serializer[Any]):
    year = serializers.CharField()
    values = TrendValueSerializer(many=True, help_text="One per state, in the order of states.")


class TrendsSerializer(serializers.Serializer[Any]):
    states = serializers.ListField(child=serializers.CharField())
    rows = TrendRowSerializer(many=True)


class HtcdsExportView(JsonApiView):
    @extend_schema(
        operation_id="statistics_htcds_export",
        tags=TAGS,
        request=None,
        responses={200: HtcdsExportSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        export = services.htcds_export(actor=acting_user(request), file_format="csv")
        body = {
            "content": export.content.decode("utf-8"),
            "report": export.report,
            "not_carried": htcds.export_not_carried(),
        }
        return Response(HtcdsExportSerializer(body).data)


class HtcdsImportView(JsonApiView):
    parser_classes: tuple[type[BaseParser], ...] = (BoundedJSONParser, MultiPartParser)  # type: ignore[assignment]  # JsonApiView's tuple type is narrower

    @extend_schema(
        operation_id="statistics_htcds_import",
        tags=TAGS,
        request={"multipart/form-data": HtcdsUploadSerializer},
        responses={201: DatasetSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        selectors.country_of(user, importing=True)
        data = HtcdsUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = services.external_dataset_import(
            actor=user, content=data.validated_data["file"], source=data.validated_data["sent_by"]
        )
        return Response(DatasetSerializer(dataset).data, status=201)


class CtdcView(JsonApiView):
    @extend_schema(
        operation_id="statistics_ctdc_release",
        tags=TAGS,
        request=None,
        responses={200: CtdcSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        release = services.ctdc_release(actor=acting_user(request))
        body = {"report": release.report, "content": release.content.decode("utf-8")}
        return Response(CtdcSerializer(body).data)


class RegionalExportView(JsonApiView):
    @extend_schema(
        operation_id="statistics_regional_export",
        tags=TAGS,
        request=None,
        responses={
            200: SignedFileSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="exchange_key_invalid: no signing key configured."
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        content = services.regional_export(actor=acting_user(request))
        return Response(SignedFileSerializer({"content": content.decode("ascii")}).data)


class RegionalImportView(JsonApiView):
    parser_classes: tuple[type[BaseParser], ...] = (BoundedJSONParser, MultiPartParser)  # type: ignore[assignment]  # JsonApiView's tuple type is narrower

    @extend_schema(
        operation_id="statistics_regional_import",
        tags=TAGS,
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: ImportedReleaseSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        selectors.country_of(user, importing=True)
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.regional_release_import(actor=user, content=data.validated_data["file"])
        body = {
            "id": row.id,
            "sender": row.sender,
            "created_at": row.created_at,
            "cells": len(row.cells),
        }
        return Response(ImportedReleaseSerializer(body).data, status=201)


class TrendsView(JsonApiView):
    @extend_schema(
        operation_id="statistics_regional_trends",
        tags=TAGS,
        responses={200: TrendsSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        country = selectors.country_of(acting_user(request))
        imported = [selectors.as_release(r) for r in selectors.imported_releases(country=country)]
        trends = selectors.regional_trends(
            own=services.own_release(country=country), imported=imported
        )
        body = {
            "states": trends.states,
            "rows": [
                {
                    "year": year,
                    "values": [
                        {"published": None, "at_least": False}
                        if v is None
                        else {"published": v[0], "at_least": v[1]}
                        for v in values
                    ],
                }
                for year, values in trends.rows
            ],
        }
        return Response(TrendsSerializer(body).data)


_PREFIX = "statistics/exchange/"

urlpatterns: list[URLPattern] = [
    path(f"{_PREFIX}htcds/export/", HtcdsExportView.as_view(), name="statistics_htcds_export"),
    path(f"{_PREFIX}htcds/import/", HtcdsImportView.as_view(), name="statistics_htcds_import"),
    path(f"{_PREFIX}ctdc/", CtdcView.as_view(), name="statistics_ctdc_release"),
    path(
        f"{_PREFIX}regional/export/",
        RegionalExportView.as_view(),
        name="statistics_regional_export",
    ),
    path(
        f"{_PREFIX}regional/import/",
        RegionalImportView.as_view(),
        name="statistics_regional_import",
    ),
    path(f"{_PREFIX}regional/trends/", TrendsView.as_view(), name="statistics_regional_trends"),
]
