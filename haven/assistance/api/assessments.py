"""The two versioned assessments (R-21, R-19) under /api/v1/: the same services
and selectors as the pages. An assessment is never changed: a POST records a new
version.

A case (or assessment) the caller may not know about is a 404 identical to a
missing one; a case whose assessment group is hidden answers 403 with the reason.
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

from haven.access.models import Purpose
from haven.accounts.current import acting_user
from haven.assistance import catalogue
from haven.assistance.models import AssessmentKind, AssessmentTrigger
from haven.assistance.selectors import assessments as selectors
from haven.assistance.services import assessments as services
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib import locking
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

LEVELS = [*catalogue.NeedLevel.values, *catalogue.RiskLevel.values]
GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the assessment "
    "group of this case; break_glass_read_only: emergency access never writes.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="person_erased; edit_conflict (field based_on_version): someone recorded "
    "another version of this kind since the one you started from; nothing was saved, "
    "read the assessments again and record yours on the latest version.",
)
ASSESSMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The assessment's id."
)
ASSESSMENT_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="assessment_not_found: the same answer for a missing assessment and one "
    "you may not see.",
)


class _NamedChoiceField(serializers.ChoiceField):
    """A choice field published as one named schema component (no enum name clashes)."""

    CHOICES: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.CHOICES, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": AssessmentKind.values}, component_name="AssessmentKind"
)
class AssessmentKindField(_NamedChoiceField):
    CHOICES = AssessmentKind.values


@extend_schema_field(
    {"type": "string", "enum": AssessmentTrigger.values}, component_name="AssessmentTrigger"
)
class AssessmentTriggerField(_NamedChoiceField):
    CHOICES = AssessmentTrigger.values


@extend_schema_field(
    {"type": "string", "enum": ["", *AssessmentTrigger.values]},
    component_name="AssessmentTriggerOrBlank",
)
class AssessmentTriggerOrBlankField(_NamedChoiceField):
    CHOICES = ["", *AssessmentTrigger.values]


@extend_schema_field({"type": "string", "enum": LEVELS}, component_name="AssessmentLevel")
class AssessmentLevelField(_NamedChoiceField):
    CHOICES = LEVELS


@extend_schema_field(
    {"type": "string", "enum": catalogue.ServiceType.values}, component_name="ServiceType"
)
class ServiceTypeField(_NamedChoiceField):
    CHOICES = catalogue.ServiceType.values


class SectionReadSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label" (DRF fields are class attributes)
    level = AssessmentLevelField(
        help_text="Needs: none, met, needed, urgent. Risk: low, medium, high.",
    )
    level_label = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    calls_for_service = serializers.BooleanField(
        help_text="Whether this level calls for a service in the plan that follows."
    )
    services = serializers.ListField(
        child=ServiceTypeField(),
        help_text="The service types a plan usually offers for this section.",
    )


class AssessmentReadSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    kind = AssessmentKindField()
    kind_label = serializers.CharField()
    version = serializers.IntegerField(min_value=1)
    trigger = AssessmentTriggerField()
    trigger_label = serializers.CharField()
    assessed_on = serializers.DateField()
    sections = SectionReadSerializer(many=True, help_text="Empty once the person's data is erased.")
    person_view = serializers.CharField(
        allow_blank=True,
        help_text="What the person said; empty once the person's data is erased.",
    )
    recorded_by = serializers.CharField()
    organisation = serializers.CharField()


class DueSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()


class KindHistorySerializer(serializers.Serializer[Any]):
    kind = AssessmentKindField()
    kind_label = serializers.CharField()
    versions = AssessmentReadSerializer(many=True, help_text="Latest first.")
    due = DueSerializer(
        allow_null=True, help_text="The open re-assessment deadline of this kind, if any."
    )


class CaseAssessmentsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    kinds = KindHistorySerializer(many=True, help_text="needs, then risk.")


class SectionAnswerSerializer(serializers.Serializer[Any]):
    level = serializers.CharField(max_length=20)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class AssessmentCreateSerializer(serializers.Serializer[Any]):
    kind = AssessmentKindField()
    assessed_on = serializers.DateField()
    sections = serializers.DictField(
        child=SectionAnswerSerializer(),
        help_text="Every section of the assessment for this person, by key: "
        "{key: {level, note}}. Education and child_care only for a child.",
    )
    # Blank reaches the service, which answers with code required and field person_view.
    person_view = serializers.CharField(
        allow_blank=True,
        help_text="What the person said about their situation, or that they did not wish to say.",
    )
    trigger = AssessmentTriggerOrBlankField(
        required=False,
        default="",
        help_text="Decided when left out: initial, stage_change while a re-assessment "
        "is due, otherwise review.",
    )
    based_on_version = serializers.IntegerField(
        min_value=0,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the latest version of this kind you read (0 when "
        "there is none). If another version was recorded since, the answer is 409 "
        "edit_conflict and nothing is saved.",
    )


class CaseAssessmentsView(JsonApiView):
    @extend_schema(
        operation_id="assessments_read",
        tags=["assistance"],
        parameters=[CASE_ID],
        responses={
            200: CaseAssessmentsSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.assessments_for_case(
            user=acting_user(request), case_id=id, purpose=Purpose.ASSISTANCE
        )
        body = CaseAssessmentsSerializer({"case_id": view.case.id, "kinds": view.kinds})
        return Response(body.data)

    @extend_schema(
        operation_id="assessment_record",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=AssessmentCreateSerializer,
        description="Record a new version of the needs or risk assessment; it closes "
        "that kind's open re-assessment deadline.",
        responses={
            201: AssessmentReadSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = AssessmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        assessment = services.assessment_record(
            actor=user,
            case_id=id,
            kind=values["kind"],
            assessed_on=values["assessed_on"],
            sections={
                key: (answer["level"], answer.get("note", ""))
                for key, answer in values["sections"].items()
            },
            person_view=values["person_view"],
            based_on_version=values["based_on_version"],
            trigger=values.get("trigger", ""),
        )
        view = selectors.assessment_get(user=user, assessment_id=assessment.id)
        return Response(AssessmentReadSerializer(view).data, status=status.HTTP_201_CREATED)


class AssessmentView(JsonApiView):
    @extend_schema(
        operation_id="assessment_read",
        tags=["assistance"],
        parameters=[ASSESSMENT_ID],
        responses={
            200: AssessmentReadSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: ASSESSMENT_NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.assessment_get(user=acting_user(request), assessment_id=id)
        return Response(AssessmentReadSerializer(view).data)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/assessments/", CaseAssessmentsView.as_view(), name="assessments"),
    path("assessments/<str:id>/", AssessmentView.as_view(), name="assessment"),
]
