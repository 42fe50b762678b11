"""Guardians and representatives under /api/v1/ (R-11): the same services and
selectors as the pages. A case the caller may not know about is a 404
identical to a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.children import selectors, services
from haven.children.models import GuardianKind
from haven.lib.api import JsonApiView, acting_user

GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="not_a_child: the person is not treated as a child (R-10); person_erased.",
)


class AppointmentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=GuardianKind.choices)
    guardian_name = serializers.CharField(help_text="Empty once the person's data is erased.")
    contact = serializers.CharField(help_text="Empty when not known or erased.")
    organisation_name = serializers.CharField(help_text="Empty when none was given.")
    appointed_on = serializers.DateField()
    recorded_by = serializers.CharField()


class GuardiansSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    treat_as_child = serializers.BooleanField()
    appointment_due_at = serializers.DateTimeField(
        allow_null=True, help_text="The open 'appoint a guardian' deadline, if any."
    )
    appointment_overdue = serializers.BooleanField()
    appointments = AppointmentSerializer(many=True, help_text="Latest first.")


class GuardianCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=GuardianKind.choices, default=GuardianKind.GUARDIAN)
    # A blank name reaches the service, which answers with code guardian_input_invalid.
    guardian_name = serializers.CharField(allow_blank=True, max_length=services.NAME_MAX)
    guardian_organisation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    appointed_on = serializers.DateField()
    contact = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.CONTACT_MAX
    )


def _body(view: selectors.GuardiansView) -> Any:
    return GuardiansSerializer(
        {
            "case_id": view.case.id,
            "treat_as_child": view.treat_as_child,
            "appointment_due_at": view.summary.due_at,
            "appointment_overdue": view.summary.overdue,
            "appointments": view.appointments,
        }
    ).data


class GuardiansView(JsonApiView):
    @extend_schema(
        operation_id="guardian_list",
        tags=["children"],
        parameters=[CASE_ID],
        responses={
            200: GuardiansSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.guardian_list(user=acting_user(request), case_id=id)
        return Response(_body(view))

    @extend_schema(
        operation_id="guardian_appoint",
        tags=["children"],
        parameters=[CASE_ID],
        request=GuardianCreateSerializer,
        description="Record the guardian or representative of a child (R-11); closes the "
        "blocking 'appoint a guardian' deadline.",
        responses={
            201: GuardiansSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = GuardianCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.guardian_appoint(actor=user, case_id=id, **data.validated_data)
        view = selectors.guardian_list(user=user, case_id=id)
        return Response(_body(view), status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/guardians/", GuardiansView.as_view(), name="guardians"),
]
