"""What can flow to an organisation, and requests for access, under /api/v1/
(issue 11, R-47): the same selectors and services as the pages.

``GET cases/{id}/sharing-check/?to=&purpose=`` gives, per kind of information,
the answer of ``access.policy.flow_status`` that the referral form shows and the
referral's refusal gives. A request for access is read by the organisation that
asked and the case lead's staff; anyone else gets the 404 of a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access.api import FieldGroupField
from haven.access.models import Purpose
from haven.access.policy import FlowStatus
from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)
from haven.referrals.models import AccessRequestState
from haven.referrals.selectors import access_requests as selectors
from haven.referrals.selectors import referrals as referral_selectors
from haven.referrals.services import access_requests as services
from haven.referrals.services import shared

TAGS = ["referrals"]


FLOW_STATUSES = [s.value for s in FlowStatus]


@extend_schema_field({"type": "string", "enum": FLOW_STATUSES}, component_name="FlowStatus")
class FlowStatusField(NamedChoiceField):
    CHOICES = FLOW_STATUSES


@extend_schema_field(
    {"type": "string", "enum": AccessRequestState.values}, component_name="AccessRequestState"
)
class AccessRequestStateField(NamedChoiceField):
    CHOICES = AccessRequestState.values


REQUEST_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The request for access id."
)
REQUEST_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="not_found: no such request, or one your organisation neither made nor leads.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_allowed / role_not_allowed: you may not ask for access on this case, "
    "or answer this request.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="transition_not_allowed: already answered; person_erased."
)


class SharingFlowSerializer(serializers.Serializer[Any]):
    group = FieldGroupField()
    group_label = serializers.CharField(source="label")
    status = FlowStatusField(
        help_text="can_flow; needs_consent (the case lead records it); needs_agreement."
    )
    code = serializers.CharField(help_text="The access rule's code: no_consent, no_agreement, ...")
    reason = serializers.CharField()
    agreement_between = serializers.ListField(
        child=serializers.CharField(),
        help_text="For needs_agreement: the organisations whose administrators can make one.",
    )
    may_record_consent = serializers.BooleanField(
        help_text="For needs_consent: whether you record consents on this case (the case lead)."
    )


class SharingFlowListSerializer(serializers.Serializer[Any]):
    flows = SharingFlowSerializer(many=True)


class AccessRequestRowSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    organisation = serializers.CharField()
    lead_organisation = serializers.CharField()
    purpose = serializers.ChoiceField(choices=Purpose.values)
    field_groups = serializers.ListField(child=FieldGroupField())
    state = AccessRequestStateField()
    state_label = serializers.CharField()
    asked_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class AccessRequestDetailSerializer(serializers.Serializer[Any]):
    request = AccessRequestRowSerializer(source="row")
    reason = serializers.CharField(help_text="Empty once the person's data is erased.")
    refusal = serializers.CharField(help_text="Why it was refused; empty otherwise.")
    is_asker = serializers.BooleanField()
    may_answer = serializers.BooleanField()
    flows = SharingFlowSerializer(many=True, help_text="For the case lead: what each group needs.")


class AccessRequestCreateSerializer(serializers.Serializer[Any]):
    field_groups = serializers.ListField(child=FieldGroupField(), allow_empty=True)
    reason = serializers.CharField(max_length=shared.MAX_TEXT)
    purpose = serializers.ChoiceField(choices=Purpose.values, default=Purpose.ASSISTANCE)


class AccessRefuseSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=shared.MAX_TEXT)


def _detail(user: User, request_id: object) -> Any:
    return AccessRequestDetailSerializer(
        selectors.access_request_get(user=user, request_id=request_id)
    ).data


class SharingCheckView(JsonApiView):
    @extend_schema(
        operation_id="sharing_check",
        tags=TAGS,
        parameters=[
            CASE_ID,
            OpenApiParameter("to", str, OpenApiParameter.QUERY, description="Organisation id."),
            OpenApiParameter("purpose", str, OpenApiParameter.QUERY, enum=Purpose.values),
        ],
        description="Per kind of information: can it flow to the organisation for the "
        "purpose once it joins the team, and if not, is a consent or an agreement missing? "
        "The answer the referral form shows and a referral's refusal gives.",
        responses={200: SharingFlowListSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, id: str) -> Response:
        rows = referral_selectors.referral_flows(
            user=acting_user(request),
            case_id=id,
            to_organisation_id=request.query_params.get("to", ""),
            purpose=request.query_params.get("purpose", Purpose.ASSISTANCE),
        )
        return Response(SharingFlowListSerializer({"flows": rows}).data)


class CaseAccessRequestsView(JsonApiView):
    @extend_schema(
        operation_id="access_request_ask",
        tags=TAGS,
        parameters=[CASE_ID],
        request=AccessRequestCreateSerializer,
        description="Ask the case lead for kinds of information hidden from you that the "
        "person's consent would open. The lead gets a task.",
        responses={
            201: AccessRequestDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = AccessRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        asked = services.access_request_ask(actor=user, case_id=id, **data.validated_data)
        return Response(_detail(user, asked.pk), status=status.HTTP_201_CREATED)


class AccessRequestView(JsonApiView):
    @extend_schema(
        operation_id="access_request_read",
        tags=TAGS,
        parameters=[REQUEST_ID],
        responses={
            200: AccessRequestDetailSerializer,
            401: UNAUTHENTICATED,
            404: REQUEST_NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_detail(acting_user(request), id))


class AccessRequestRefuseView(JsonApiView):
    @extend_schema(
        operation_id="access_request_refuse",
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=AccessRefuseSerializer,
        description="The case lead refuses, with a reason; the organisation that asked is told.",
        responses={
            200: AccessRequestDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: REQUEST_NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = AccessRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.access_request_refuse(actor=user, request_id=id, **data.validated_data)
        return Response(_detail(user, id))


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/sharing-check/", SharingCheckView.as_view(), name="sharing_check"),
    path(
        "cases/<str:id>/access-requests/",
        CaseAccessRequestsView.as_view(),
        name="case_access_requests",
    ),
    path("access-requests/<str:id>/", AccessRequestView.as_view(), name="access_request"),
    path(
        "access-requests/<str:id>/refuse/",
        AccessRequestRefuseView.as_view(),
        name="access_request_refuse",
    ),
]
