"""Cooperation with the authorities and witness status under /api/v1/ (R-18):
the same service and selector as the page. Legal group, identification purpose.

Recorded for criminal proceedings and residence permits only; assistance never
depends on it. A case the caller may not know about is a 404 identical to a
missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.justice import selectors, services
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

DESCRIPTION = (
    "Recorded for criminal proceedings and residence permits only. Assistance never "
    "depends on it: the person receives the same help whatever is recorded here "
    "(Directive 2011/36/EU Art. 11(3), CETS Art. 12(6))."
)
GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group; "
    "break_glass_read_only: emergency access never writes.",
)
CONFLICT = OpenApiResponse(ErrorSerializer, description="person_erased.")


class CooperationEntrySerializer(serializers.Serializer[Any]):
    cooperates_with_authorities = serializers.BooleanField(
        help_text="With an investigation, a prosecution or a trial."
    )
    is_witness = serializers.BooleanField()
    recorded_on = serializers.DateField(help_text="The day the state applies from.")
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()


class CooperationSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    statement = serializers.CharField(help_text="The plain statement shown with the records.")
    current = CooperationEntrySerializer(
        allow_null=True, help_text="The latest record; null until one is recorded."
    )
    history = CooperationEntrySerializer(many=True, help_text="Every record, latest first.")


class CooperationCreateSerializer(serializers.Serializer[Any]):
    cooperates_with_authorities = serializers.BooleanField()
    is_witness = serializers.BooleanField()
    recorded_on = serializers.DateField(help_text="Not in the future.")


def _body(history: selectors.CooperationHistory) -> Any:
    return CooperationSerializer(
        {
            "case_id": history.case.id,
            "statement": str(selectors.STATEMENT),
            "current": history.current,
            "history": history.entries,
        }
    ).data


class CooperationView(JsonApiView):
    @extend_schema(
        operation_id="cooperation_read",
        tags=["cases"],
        parameters=[CASE_ID],
        description=DESCRIPTION,
        responses={
            200: CooperationSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        history = selectors.cooperation_history(user=acting_user(request), case_id=id)
        return Response(_body(history))

    @extend_schema(
        operation_id="cooperation_record",
        tags=["cases"],
        parameters=[CASE_ID],
        description=DESCRIPTION,
        request=CooperationCreateSerializer,
        responses={
            201: CooperationSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = CooperationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.cooperation_record(actor=user, case_id=id, **data.validated_data)
        history = selectors.cooperation_history(user=user, case_id=id)
        return Response(_body(history), status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/cooperation/", CooperationView.as_view(), name="cooperation"),
]
