"""Referrals and lead transfers under /api/v1/ (R-47): the same services and
selectors as the pages.

A referral or lead transfer the caller's organisation is not party to is a 404
identical to a missing one. Lists carry no personal data; one referral's
message and notes are read (and audited) only by the sender and the receiver.
"""

from __future__ import annotations

from collections.abc import Callable
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
from haven.referrals import states
from haven.referrals.models import DeclineReason, LeadTransferState, ReferralState
from haven.referrals.selectors import referrals as selectors
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services import referrals as services
from haven.referrals.services import shared

TAGS = ["referrals"]


@extend_schema_field(
    {"type": "string", "enum": ReferralState.values}, component_name="ReferralState"
)
class ReferralStateField(NamedChoiceField):
    CHOICES = ReferralState.values


@extend_schema_field(
    {"type": "string", "enum": LeadTransferState.values}, component_name="LeadTransferState"
)
class LeadTransferStateField(NamedChoiceField):
    CHOICES = LeadTransferState.values


@extend_schema_field(
    {"type": "string", "enum": DeclineReason.values}, component_name="DeclineReason"
)
class DeclineReasonField(NamedChoiceField):
    CHOICES = DeclineReason.values


REFERRAL_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The referral id."
)
TRANSFER_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The lead transfer id."
)
STATE = OpenApiParameter(
    "state", str, OpenApiParameter.QUERY, required=False, enum=ReferralState.values
)
REFERRAL_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="not_found: no such referral, or one your organisation is not party to.",
)
TRANSFER_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="not_found: no such lead transfer, or one your organisation is not party to.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_allowed / role_not_allowed: your organisation or role cannot do this.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="transition_not_allowed, lead_transfer_open, lead_changed, already_member, "
    "person_erased.",
)


class ReferralRowSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    referral_type = serializers.CharField(help_text="A key of the response-target file.")
    type_label = serializers.CharField(help_text="The type's label, in the request's language.")
    purpose = serializers.ChoiceField(choices=Purpose.values)
    field_groups = serializers.ListField(child=FieldGroupField())
    urgent = serializers.BooleanField()
    from_organisation = serializers.CharField()
    to_organisation = serializers.CharField()
    state = ReferralStateField()
    state_label = serializers.CharField()
    sent_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    age_hours = serializers.IntegerField(help_text="Hours since sent (until answered).")
    overdue = serializers.BooleanField()


class ReferralListSerializer(serializers.Serializer[Any]):
    referrals = ReferralRowSerializer(many=True)


class EventSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    action_label = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField()
    organisation = serializers.CharField()
    decline_reason = serializers.CharField(help_text="A DeclineReason, or empty.")
    note = serializers.CharField(help_text="Empty when none, or once the data is erased.")


class ReferralDetailSerializer(serializers.Serializer[Any]):
    referral = ReferralRowSerializer()
    message = serializers.CharField(help_text="Empty once the person's data is erased.")
    events = EventSerializer(many=True)
    is_sender = serializers.BooleanField()
    is_receiver = serializers.BooleanField()
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="What you may do now: accept, decline, ..."
    )


class ReferralCreateSerializer(serializers.Serializer[Any]):
    to_organisation_id = serializers.UUIDField()
    referral_type = serializers.CharField(max_length=40)
    purpose = serializers.ChoiceField(choices=Purpose.values)
    field_groups = serializers.ListField(child=FieldGroupField(), allow_empty=True)
    message = serializers.CharField(max_length=shared.MAX_TEXT)
    urgent = serializers.BooleanField(default=False)
    directory_entry_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class DeclineSerializer(serializers.Serializer[Any]):
    reason = DeclineReasonField()
    note = serializers.CharField(
        max_length=shared.MAX_TEXT, required=False, allow_blank=True, default=""
    )


class QuestionSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(max_length=shared.MAX_TEXT)


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=shared.MAX_TEXT)


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        max_length=shared.MAX_TEXT, required=False, allow_blank=True, default=""
    )


class EmptySerializer(serializers.Serializer[Any]):
    pass


class LeadTransferSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    from_organisation = serializers.CharField()
    to_organisation = serializers.CharField()
    state = LeadTransferStateField()
    state_label = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    proposed_by = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    answer_note = serializers.CharField()
    actions = serializers.ListField(child=serializers.CharField())


class LeadTransferCreateSerializer(serializers.Serializer[Any]):
    to_organisation_id = serializers.UUIDField()
    reason = serializers.CharField(max_length=shared.MAX_TEXT)


class LeadDeclineSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=shared.MAX_TEXT)


def _state(request: Request) -> str | None:
    state = request.query_params.get("state", "")
    return state if state in ReferralState.values else None


def _detail(user: User, referral_id: object) -> Any:
    return ReferralDetailSerializer(selectors.referral_get(user=user, referral_id=referral_id)).data


LIST_RESPONSES: dict[int, Any] = {200: ReferralListSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN}


class IncomingView(JsonApiView):
    @extend_schema(
        operation_id="referrals_incoming",
        tags=TAGS,
        parameters=[STATE],
        responses=LIST_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        rows = selectors.referrals_incoming(user=acting_user(request), state=_state(request))
        return Response(ReferralListSerializer({"referrals": rows}).data)


class OutgoingView(JsonApiView):
    @extend_schema(
        operation_id="referrals_outgoing",
        tags=TAGS,
        parameters=[STATE],
        responses=LIST_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        rows = selectors.referrals_outgoing(user=acting_user(request), state=_state(request))
        return Response(ReferralListSerializer({"referrals": rows}).data)


class CaseReferralsView(JsonApiView):
    @extend_schema(
        operation_id="referral_send",
        tags=TAGS,
        parameters=[CASE_ID],
        request=ReferralCreateSerializer,
        description="Refer the person to another organisation. Refused (400, field "
        "field_groups, code no_agreement / no_consent ...) when a chosen group would not "
        "reach it under the agreements and consent.",
        responses={
            201: ReferralDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        referral = services.referral_send(actor=user, case_id=id, **data.validated_data)
        return Response(_detail(user, referral.pk), status=status.HTTP_201_CREATED)


class ReferralView(JsonApiView):
    @extend_schema(
        operation_id="referral_read",
        tags=TAGS,
        parameters=[REFERRAL_ID],
        responses={200: ReferralDetailSerializer, 401: UNAUTHENTICATED, 404: REFERRAL_NOT_FOUND},
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_detail(acting_user(request), id))


Write = Callable[[User, str, dict[str, Any]], object]


def _action_view(
    *,
    operation_id: str,
    serializer: type[serializers.Serializer[Any]],
    write: Write,
    read: Callable[[User, object], Any],
    body: type[serializers.Serializer[Any]],
    parameter: OpenApiParameter,
    not_found: OpenApiResponse,
    description: str,
) -> type[JsonApiView]:
    """One POST endpoint for one answer: validate, call the service, return the object."""

    class ActionView(JsonApiView):
        @extend_schema(
            operation_id=operation_id,
            tags=TAGS,
            parameters=[parameter],
            request=serializer,
            description=description,
            responses={
                200: body,
                400: BAD_REQUEST,
                401: UNAUTHENTICATED,
                403: FORBIDDEN,
                404: not_found,
                409: CONFLICT,
            },
        )
        def post(self, request: Request, id: str) -> Response:
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            user = acting_user(request)
            write(user, id, dict(data.validated_data))
            return Response(read(user, id))

    ActionView.__name__ = ActionView.__qualname__ = f"{operation_id.title().replace('_', '')}View"
    return ActionView


def _referral_action(operation_id: str, serializer: Any, write: Write, what: str) -> Any:
    return _action_view(
        operation_id=operation_id,
        serializer=serializer,
        write=write,
        read=_detail,
        body=ReferralDetailSerializer,
        parameter=REFERRAL_ID,
        not_found=REFERRAL_NOT_FOUND,
        description=what,
    ).as_view()


def _transfer(user: User, transfer_id: object) -> Any:
    return LeadTransferSerializer(
        selectors.lead_transfer_get(user=user, transfer_id=transfer_id)
    ).data


def _transfer_action(operation_id: str, serializer: Any, write: Write, what: str) -> Any:
    return _action_view(
        operation_id=operation_id,
        serializer=serializer,
        write=write,
        read=_transfer,
        body=LeadTransferSerializer,
        parameter=TRANSFER_ID,
        not_found=TRANSFER_NOT_FOUND,
        description=what,
    ).as_view()


class CaseLeadTransfersView(JsonApiView):
    @extend_schema(
        operation_id="lead_transfer_propose",
        tags=TAGS,
        parameters=[CASE_ID],
        request=LeadTransferCreateSerializer,
        description="The case lead proposes that another team member take the lead.",
        responses={
            201: LeadTransferSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = LeadTransferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        transfer = lead_services.lead_transfer_propose(
            actor=user, case_id=id, **data.validated_data
        )
        return Response(_transfer(user, transfer.pk), status=status.HTTP_201_CREATED)


A = states.ReferralAction

urlpatterns: list[URLPattern] = [
    path("referrals/incoming/", IncomingView.as_view(), name="referrals_incoming"),
    path("referrals/outgoing/", OutgoingView.as_view(), name="referrals_outgoing"),
    path("cases/<str:id>/referrals/", CaseReferralsView.as_view(), name="case_referrals"),
    path("referrals/<str:id>/", ReferralView.as_view(), name="referral"),
    path(
        "referrals/<str:id>/accept/",
        _referral_action(
            "referral_accept",
            EmptySerializer,
            lambda u, i, d: services.referral_accept(actor=u, referral_id=i),
            "The receiver accepts: its organisation joins the case team.",
        ),
        name="referral_accept",
    ),
    path(
        "referrals/<str:id>/decline/",
        _referral_action(
            "referral_decline",
            DeclineSerializer,
            lambda u, i, d: services.referral_decline(actor=u, referral_id=i, **d),
            "The receiver declines with a reason (a note is required for 'other').",
        ),
        name="referral_decline",
    ),
    path(
        "referrals/<str:id>/request-info/",
        _referral_action(
            "referral_request_info",
            QuestionSerializer,
            lambda u, i, d: services.referral_request_info(actor=u, referral_id=i, **d),
            "The receiver asks the sender for more information.",
        ),
        name="referral_request_info",
    ),
    path(
        "referrals/<str:id>/provide-info/",
        _referral_action(
            "referral_provide_info",
            AnswerSerializer,
            lambda u, i, d: services.referral_provide_info(actor=u, referral_id=i, **d),
            "The sender answers; the referral waits for the receiver again.",
        ),
        name="referral_provide_info",
    ),
    path(
        "referrals/<str:id>/withdraw/",
        _referral_action(
            "referral_withdraw",
            NoteSerializer,
            lambda u, i, d: services.referral_withdraw(actor=u, referral_id=i, **d),
            "The sender withdraws a referral still waiting for an answer.",
        ),
        name="referral_withdraw",
    ),
    path(
        "cases/<str:id>/lead-transfers/",
        CaseLeadTransfersView.as_view(),
        name="case_lead_transfers",
    ),
    path(
        "lead-transfers/<str:id>/accept/",
        _transfer_action(
            "lead_transfer_accept",
            EmptySerializer,
            lambda u, i, d: lead_services.lead_transfer_accept(actor=u, transfer_id=i),
            "The receiver takes the case lead; the old lead stays on the team.",
        ),
        name="lead_transfer_accept",
    ),
    path(
        "lead-transfers/<str:id>/decline/",
        _transfer_action(
            "lead_transfer_decline",
            LeadDeclineSerializer,
            lambda u, i, d: lead_services.lead_transfer_decline(actor=u, transfer_id=i, **d),
            "The receiver declines, saying why.",
        ),
        name="lead_transfer_decline",
    ),
    path(
        "lead-transfers/<str:id>/withdraw/",
        _transfer_action(
            "lead_transfer_withdraw",
            EmptySerializer,
            lambda u, i, d: lead_services.lead_transfer_withdraw(actor=u, transfer_id=i),
            "The proposing organisation takes its proposal back.",
        ),
        name="lead_transfer_withdraw",
    ),
]
