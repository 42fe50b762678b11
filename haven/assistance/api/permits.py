"""Residence permits (R-16) and detention records under /api/v1/: the same
services and selectors as the pages. Every answer carries ``detention_warning``
while a detention record of the case is open.

A case (or permit) the caller may not know about is a 404 identical to a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.assistance.selectors import permits as selectors
from haven.assistance.services import permits as services
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib import locking
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

GROUNDS = ["personal_situation", "proceedings"]
GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group.",
)
CONFLICT = OpenApiResponse(ErrorSerializer, description="person_erased.")
RENEW_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="person_erased; edit_conflict (field version): the permit was renewed since "
    "the version you read; nothing was saved, read it again and send your renewal on the "
    "new version.",
)
PERMIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The permit id.")
PERMIT_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="not_found: no such permit, or one you may not see."
)


class RenewalReadSerializer(serializers.Serializer[Any]):
    renewed_on = serializers.DateField()
    previous_expires_on = serializers.DateField()
    new_expires_on = serializers.DateField()
    recorded_by = serializers.CharField()


class PermitReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=GROUNDS),
        help_text="CETS Art. 14(1): (a) personal_situation; (b) proceedings, the stay is "
        "needed for an investigation or criminal proceedings. One or both.",
    )
    permit_type = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    issuing_authority = serializers.CharField()
    reference = serializers.CharField(help_text="Empty once the person's data is erased.")
    recorded_by = serializers.CharField()
    renewals = RenewalReadSerializer(many=True)
    version = serializers.IntegerField(help_text="Send it back when renewing the permit.")


class DetentionReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    started_on = serializers.DateField()
    place_type = serializers.CharField()
    ended_on = serializers.DateField(allow_null=True, help_text="Null while still held.")
    recorded_by = serializers.CharField()


class PermitsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    detention_warning = serializers.CharField(
        allow_null=True,
        help_text="'Victims of trafficking must not be held in detention centres.' while a "
        "detention record is open; null otherwise.",
    )
    permits = PermitReadSerializer(many=True)
    detentions = DetentionReadSerializer(many=True)


def _body(view: selectors.PermitsView) -> Any:
    return PermitsSerializer(
        {
            "case_id": view.case.id,
            "detention_warning": view.detention_warning,
            "permits": view.permits,
            "detentions": view.detentions,
        }
    ).data


class PermitCreateSerializer(serializers.Serializer[Any]):
    # An empty list reaches the service, which answers with code permit_ground_required.
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=GROUNDS), allow_empty=True
    )
    permit_type = serializers.CharField(max_length=100)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    issuing_authority = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=200)


class RenewalCreateSerializer(serializers.Serializer[Any]):
    renewed_on = serializers.DateField()
    new_expires_on = serializers.DateField()
    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version of the permit you read. If it was renewed "
        "since, the answer is 409 edit_conflict and nothing is saved.",
    )


class DetentionCreateSerializer(serializers.Serializer[Any]):
    started_on = serializers.DateField()
    place_type = serializers.CharField(max_length=200)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


WRITE_RESPONSES: dict[int, Any] = {
    201: PermitsSerializer,
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: GROUP_FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


class PermitsView(JsonApiView):
    @extend_schema(
        operation_id="permits_read",
        tags=["assistance"],
        parameters=[CASE_ID],
        responses={
            200: PermitsSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.permits_get(user=acting_user(request), case_id=id)
        return Response(_body(view))

    @extend_schema(
        operation_id="permit_record",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=PermitCreateSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        data = PermitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        grounds = values.pop("grounds")
        user = acting_user(request)
        services.permit_record(
            actor=user,
            case_id=id,
            data=services.PermitInput(
                ground_personal_situation="personal_situation" in grounds,
                ground_proceedings="proceedings" in grounds,
                **values,
            ),
        )
        view = selectors.permits_get(user=user, case_id=id)
        return Response(_body(view), status=status.HTTP_201_CREATED)


class PermitRenewalsView(JsonApiView):
    @extend_schema(
        operation_id="permit_renew",
        tags=["assistance"],
        parameters=[PERMIT_ID],
        request=RenewalCreateSerializer,
        responses={**WRITE_RESPONSES, 404: PERMIT_NOT_FOUND, 409: RENEW_CONFLICT},
    )
    def post(self, request: Request, id: str) -> Response:
        data = RenewalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        renewal = services.permit_renew(actor=user, permit_id=id, **data.validated_data)
        view = selectors.permits_get(user=user, case_id=renewal.permit.case_id)
        return Response(_body(view), status=status.HTTP_201_CREATED)


class DetentionView(JsonApiView):
    @extend_schema(
        operation_id="detention_record",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=DetentionCreateSerializer,
        description="Record that the person is held in detention. Victims of trafficking "
        "must not be held in detention centres: the answer carries the warning while open.",
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        data = DetentionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.detention_record(actor=user, case_id=id, **data.validated_data)
        view = selectors.permits_get(user=user, case_id=id)
        return Response(_body(view), status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/permits/", PermitsView.as_view(), name="permits"),
    path("permits/<str:id>/renewals/", PermitRenewalsView.as_view(), name="permit_renewals"),
    path("cases/<str:id>/detention/", DetentionView.as_view(), name="detention"),
]
