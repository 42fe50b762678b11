"""Interviews under /api/v1/ (R-14, R-28): the same services and selectors as the pages.

A case or interview the caller may not know about is a 404 identical to a
missing one. A record is readable (``content`` present) only by an agency on
its readers list that the sharing rules allow the narrative group; otherwise
``read_code`` and ``read_reason`` say why not and whom to ask.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access.models import Purpose
from haven.accounts.current import acting_user
from haven.accounts.models import OrgType
from haven.cases import selectors, services
from haven.cases.api.cases import CASE_ID, NOT_FOUND, CaseReadQuerySerializer
from haven.cases.models import Premises
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

INTERVIEW_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The interview's id."
)
INTERVIEW_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="interview_not_found: the same answer for a missing record and a hidden one.",
)


def _purpose(request: Request) -> Purpose:
    """``?purpose=``, as for the case itself (default: assistance)."""
    query = CaseReadQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return Purpose(query.validated_data["purpose"])


class InterviewCreateSerializer(serializers.Serializer[Any]):
    """One interview (``services.InterviewInput``). The rules across fields (a
    justification for a repeat interview, a child's report date, training and
    representative) are the service's, answered with their codes."""

    held_on = serializers.DateField()
    reported_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the offence or need was reported; required for a child (R-28).",
    )
    interviewer_name = serializers.CharField(max_length=200, allow_blank=True)
    interviewer_role = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    training_evidence = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for a child (R-28: trained professionals).",
    )
    premises = serializers.ChoiceField(choices=Premises.choices)
    persons_present = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=30, required=False, default=list
    )
    readers = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Organisation ids on the case team. Omitted: on the Barnahus route, the "
        "team's police, prosecutor, child protection and health organisations; otherwise "
        "none. The recording organisation always reads its own record.",
    )
    justification = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why another interview is needed; required once the person has been "
        "interviewed (R-14, code justification_required).",
    )
    barnahus_route = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For a child only: one forensic interview for all agencies together (R-28).",
    )
    representative_present = serializers.BooleanField(required=False, allow_null=True, default=None)
    representative_absence_reason = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The reasoned decision to interview a child without the representative.",
    )
    recording_reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    admissible_as_evidence = serializers.BooleanField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(
        max_length=100000, allow_blank=True, trim_whitespace=False, help_text="What was told."
    )

    def interview_input(self) -> services.InterviewInput:
        return services.InterviewInput(**self.validated_data)


class InterviewOrganisationSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)


class InterviewContentSerializer(serializers.Serializer[Any]):
    """What was told and the circumstances (narrative group)."""

    summary = serializers.CharField()
    persons_present = serializers.ListField(child=serializers.CharField())
    justification = serializers.CharField()
    representative_absence_reason = serializers.CharField()


class InterviewSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    number = serializers.IntegerField(help_text="1 for the person's first interview.")
    held_on = serializers.DateField()
    reported_on = serializers.DateField(allow_null=True)
    delay_days = serializers.IntegerField(
        allow_null=True, help_text="Days from the report to the interview."
    )
    unduly_delayed = serializers.BooleanField(
        help_text="A child's interview later than HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS (R-28)."
    )
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()
    organisation = serializers.CharField()
    interviewer_name = serializers.CharField()
    interviewer_role = serializers.CharField()
    training_evidence = serializers.CharField()
    premises = serializers.ChoiceField(choices=Premises.choices)
    treated_as_child = serializers.BooleanField()
    barnahus_route = serializers.BooleanField()
    representative_present = serializers.BooleanField(allow_null=True)
    recording_reference = serializers.CharField()
    admissible_as_evidence = serializers.BooleanField(allow_null=True)
    readers = InterviewOrganisationSerializer(many=True)
    may_read = serializers.BooleanField()
    read_code = serializers.CharField(
        help_text="Why the content is shown or not: the access decision's code, or "
        "not_an_interview_reader, or person_erased."
    )
    read_reason = serializers.CharField()
    content = InterviewContentSerializer(allow_null=True)


class CaseInterviewsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    case_reference = serializers.CharField(source="case.reference")
    count = serializers.IntegerField(help_text="How many times the person was interviewed.")
    treat_as_child = serializers.BooleanField(
        help_text="A child or presumed child (R-10): the Barnahus route is offered."
    )
    max_delay_days = serializers.IntegerField()
    may_record = serializers.BooleanField()
    record_refusal = serializers.CharField()
    team = InterviewOrganisationSerializer(many=True)
    barnahus_readers = serializers.ListField(child=serializers.UUIDField())
    purpose = serializers.ChoiceField(
        choices=Purpose.choices, help_text="What the content was read for."
    )
    interviews = InterviewSerializer(many=True)


class CaseInterviewsView(JsonApiView):
    @extend_schema(
        operation_id="interview_list",
        tags=["cases"],
        parameters=[CASE_ID, CaseReadQuerySerializer],
        responses={
            200: CaseInterviewsSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        purpose = _purpose(request)
        listing = selectors.interview_list(user=acting_user(request), case_id=id, purpose=purpose)
        return Response(CaseInterviewsSerializer(listing).data)

    @extend_schema(
        operation_id="interview_record",
        tags=["cases"],
        parameters=[CASE_ID],
        request=InterviewCreateSerializer,
        responses={
            201: InterviewSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer, description="field_group_not_allowed, break_glass_read_only."
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="person_erased."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = InterviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        interview = services.interview_record(
            actor=user, case_id=id, interview=data.interview_input()
        )
        view = selectors.interview_get(user=user, interview_id=interview.id)
        location = reverse("api:interview_detail", kwargs={"id": interview.id})
        return Response(
            InterviewSerializer(view).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class InterviewDetailView(JsonApiView):
    @extend_schema(
        operation_id="interview_read",
        tags=["cases"],
        parameters=[INTERVIEW_ID, CaseReadQuerySerializer],
        responses={
            200: InterviewSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: INTERVIEW_NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        purpose = _purpose(request)
        view = selectors.interview_get(user=acting_user(request), interview_id=id, purpose=purpose)
        return Response(InterviewSerializer(view).data)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/interviews/", CaseInterviewsView.as_view(), name="case_interviews"),
    path("interviews/<str:id>/", InterviewDetailView.as_view(), name="interview_detail"),
]
