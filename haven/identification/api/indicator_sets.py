"""Indicator sets under /api/v1/indicator-sets/: read the sets, load a file (R-05).

The same selectors and service as the pages. A malformed file answers 400 with
``problems``: every problem with its path in the file, as the loader found them.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.models import User
from haven.identification import errors, forms
from haven.identification.models import Audience, IndicatorSet, Strength
from haven.identification.selectors import indicator_sets as selectors
from haven.identification.services import indicator_sets as services
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
)
from haven.lib.parsers import BoundedJSONParser

SET_KEY = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description="The set key, e.g. adults_labour."
)
VERSION = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description="A version of the set; the latest when left out.",
)


def acting_user(request: Request) -> User:
    # BearerTokenAuthentication and IsAuthenticated admit only accounts.User.
    assert isinstance(request.user, User)  # noqa: S101 - guaranteed by the settings
    return request.user


class SourceSerializer(serializers.Serializer[Any]):
    """Where the set comes from (shown with every provisional set)."""

    title = serializers.CharField()
    publisher = serializers.CharField()
    year = serializers.CharField()
    url = serializers.CharField()


class IndicatorSetSummarySerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField(help_text="In the request's language where translated.")
    language = serializers.CharField(
        help_text="The language the set's file is written in (its titles and labels)."
    )
    audience = serializers.ChoiceField(choices=Audience.choices)
    exploitation = serializers.CharField(help_text="labour, sexual or other.")
    provisional = serializers.BooleanField(
        help_text="Not yet checked word for word against its source."
    )
    confidence = serializers.CharField()
    indicator_count = serializers.IntegerField(help_text="0: the set has no indicators yet.")
    # DRF declares fields as class attributes; the stubs type Field.source as a string.
    source = SourceSerializer()  # type: ignore[assignment]  # a field named "source", see above
    loaded_at = serializers.DateTimeField()
    file_name = serializers.CharField()


class IndicatorSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="code")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label" (DRF fields are class attributes)
    strength = serializers.ChoiceField(choices=Strength.choices)
    uncertain = serializers.BooleanField(help_text="The sources disagree on the strength.")
    note = serializers.CharField()


class ElementSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class IndicatorSetDetailSerializer(IndicatorSetSummarySerializer):
    note = serializers.CharField()
    elements = ElementSerializer(many=True)
    element_rule = serializers.ListField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="R-06: an element is positive when any of these minimum combinations is met.",
    )
    victim_rule = serializers.DictField(
        help_text="R-07 (all_of) for adults; R-08 policies (policies) for children."
    )


class IndicatorFileTextSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        max_length=forms.MAX_FILE_BYTES, trim_whitespace=False, help_text="The YAML file's text."
    )
    file_name = serializers.CharField(required=False, default="upload.yaml", max_length=200)


class IndicatorFileUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="The YAML file, UTF-8.")


# Named in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]: decisions have an outcome too.
LOAD_OUTCOMES = [outcome.value for outcome in services.Outcome]


class LoadedSetSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    version = serializers.IntegerField()
    created = serializers.BooleanField(
        help_text="True: a new version (as outcome new_version); false: the latest version "
        "was kept. Kept for compatibility: outcome says more."
    )
    outcome = serializers.ChoiceField(
        choices=LOAD_OUTCOMES,
        help_text="new_version: a new set or changed content became a new version; "
        "translations_updated: the same content, and its element names or translations "
        "were updated on the latest version (audited as a change); unchanged: nothing changed.",
    )


class IndicatorFileErrorSerializer(ErrorSerializer):
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Every problem, with its path in the file."
    )


def summary(row: IndicatorSet, indicator_count: int) -> dict[str, Any]:
    return {
        "key": row.key,
        "version": row.version,
        "title": selectors.set_text(row, row.title),
        "language": row.language,
        "audience": row.audience,
        "exploitation": row.exploitation,
        "provisional": row.provisional,
        "confidence": row.confidence,
        "indicator_count": indicator_count,
        "source": selectors.source_view(row.source).__dict__,
        "loaded_at": row.loaded_at,
        "file_name": row.file_name,
    }


def _file_of(request: Request) -> tuple[str, str]:
    """(file name, text) from a JSON body or a multipart upload."""
    if "file" in request.FILES:
        data = IndicatorFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = MultiValueDict({"file": [data.validated_data["file"]]})
        form = forms.IndicatorSetUploadForm(files=files)
        if not form.is_valid():
            raise serializers.ValidationError({"file": [str(e) for e in form.errors["file"]]})
        name, text = form.cleaned_data["file"]
        return str(name), str(text)
    body = IndicatorFileTextSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data["file_name"], body.validated_data["text"]


class IndicatorSetListView(JsonApiView):
    parser_classes: tuple[type[BaseParser], ...] = (BoundedJSONParser, MultiPartParser)  # type: ignore[assignment]  # JsonApiView's tuple type is narrower

    @extend_schema(
        operation_id="indicator_set_list",
        tags=["identification"],
        responses={200: IndicatorSetSummarySerializer(many=True), 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.indicator_set_list_latest()
        body = [summary(row, row.indicator_count) for row in rows]
        return Response(IndicatorSetSummarySerializer(body, many=True).data)

    @extend_schema(
        operation_id="indicator_sets_load",
        tags=["identification"],
        request={
            "application/json": IndicatorFileTextSerializer,
            "multipart/form-data": IndicatorFileUploadSerializer,
        },
        responses={
            201: LoadedSetSerializer(many=True),
            400: OpenApiResponse(
                IndicatorFileErrorSerializer,
                description="indicator_file_invalid, with every problem; nothing was loaded. "
                "Field errors have DRF's usual shape.",
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="indicator_set_load_not_allowed."),
        },
    )
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        # Refuse before reading the file: its problems are none of this caller's business.
        selectors.indicator_sets_load_check(user=user)
        file_name, text = _file_of(request)
        try:
            results = services.indicator_sets_load(actor=user, text=text, file_name=file_name)
        except errors.IndicatorFileError as exc:
            body = {"code": exc.code, "detail": exc.message, "field": "file"}
            return Response({**body, "problems": exc.problems}, status=status.HTTP_400_BAD_REQUEST)
        loaded = [
            {
                "key": result.row.key,
                "version": result.row.version,
                "created": result.created,
                "outcome": result.outcome.value,
            }
            for result in results
        ]
        return Response(LoadedSetSerializer(loaded, many=True).data, status=status.HTTP_201_CREATED)


class VersionQuerySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, required=False)


class IndicatorSetDetailView(JsonApiView):
    @extend_schema(
        operation_id="indicator_set_read",
        tags=["identification"],
        parameters=[SET_KEY, VERSION],
        responses={
            200: IndicatorSetDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(ErrorSerializer, description="indicator_set_not_found."),
        },
    )
    def get(self, request: Request, key: str) -> Response:
        query = VersionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        row = selectors.indicator_set_get(key=key, version=query.validated_data.get("version"))
        groups = selectors.indicators_by_element(row)
        body = {
            **summary(row, sum(len(g.indicators) for g in groups)),
            "note": row.note,
            "elements": [
                {
                    "code": g.code,
                    "name": g.name,
                    "indicators": [
                        {**i.__dict__, "label": selectors.set_text(row, i.label)}
                        for i in g.indicators
                    ],
                }
                for g in groups
            ],
            "element_rule": row.element_rule,
            "victim_rule": row.victim_rule,
        }
        return Response(IndicatorSetDetailSerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("indicator-sets/", IndicatorSetListView.as_view(), name="indicator_set_list"),
    path(
        "indicator-sets/<str:key>/", IndicatorSetDetailView.as_view(), name="indicator_set_detail"
    ),
]
