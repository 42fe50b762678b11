"""POST /api/v1/linkage/check/: "is this person already known?", the same check and
the same answer as the intake page. Names go in the body, never in the URL."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.cases.api.cases import CountryCodeField
from haven.cases.models import Sex
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.linkage import selectors, services

TAGS = ["linkage"]


class CheckRequestSerializer(serializers.Serializer[Any]):
    """What intake has typed so far (empty: not known)."""

    given_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    citizenships = serializers.ListField(
        child=CountryCodeField(), required=False, default=list, max_length=10
    )


class MatchSerializer(serializers.Serializer[Any]):
    """A case the caller may see that is probably this person."""

    case_id = serializers.UUIDField()
    reference = serializers.CharField()
    probability = serializers.FloatField(help_text="Calibrated probability of one person, 0-1.")
    band = serializers.ChoiceField(choices=[band.key for band in selectors.BANDS])
    band_label = serializers.CharField()


class KnownElsewhereSerializer(serializers.Serializer[Any]):
    """A likely match under a case the caller may not see: never its case, reference,
    name or probability; the national coordinator is told when the case is opened."""

    band = serializers.ChoiceField(choices=[band.key for band in selectors.BANDS])
    band_label = serializers.CharField()
    detail = serializers.CharField()


class CheckAnswerSerializer(serializers.Serializer[Any]):
    checked = serializers.BooleanField(
        help_text="False: too little was given (a family name, and a given name or a date "
        "of birth, are needed); nothing was read."
    )
    matches = MatchSerializer(many=True)
    known_elsewhere = KnownElsewhereSerializer(allow_null=True)
    search_token = serializers.CharField(
        help_text="Post it with the case (POST /api/v1/cases/) when HAVEN_LINKAGE_REQUIRE_SEARCH "
        "is on; empty when nothing was checked."
    )


def _body(answer: services.CheckAnswer) -> dict[str, Any]:
    hidden = answer.known_elsewhere
    return {
        "checked": answer.checked,
        "matches": [
            {
                "case_id": match.case_id,
                "reference": match.reference,
                "probability": round(match.probability, 3),
                "band": match.band.key,
                "band_label": str(match.band.label),
            }
            for match in answer.matches
        ],
        "known_elsewhere": {
            "band": hidden.key,
            "band_label": str(hidden.label),
            "detail": services.KNOWN_ELSEWHERE,
        }
        if hidden
        else None,
        "search_token": answer.search_token,
    }


class CheckView(JsonApiView):
    @extend_schema(
        operation_id="linkage_check",
        tags=TAGS,
        request=CheckRequestSerializer,
        responses={
            200: CheckAnswerSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer, description="role_not_allowed: only those who open cases."
            ),
            429: OpenApiResponse(
                ErrorSerializer, description="check_rate_limited: too many checks, wait."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = CheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        born = values.get("date_of_birth")
        identity = selectors.identity_typed(
            given_name=values.get("given_name", ""),
            family_name=values.get("family_name", ""),
            sex=values["sex"],
            date_of_birth=born.isoformat() if born else "",
            citizenships=",".join(values["citizenships"]),
        )
        answer = services.intake_check(actor=acting_user(request), identity=identity)
        return Response(CheckAnswerSerializer(_body(answer)).data)


urlpatterns: list[URLPattern] = [
    path("linkage/check/", CheckView.as_view(), name="linkage_check"),
]
