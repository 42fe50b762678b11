"""The national coordination desk under /api/v1/desk/: consultations and the
triage of concern reports, for staff of the national coordinator only (others
get 403 ``not_coordinator``). The same services and selectors as the pages.

The public "report a concern" page has no API on purpose: the page (/report/,
CSRF protected and rate-limited) is the one door for the public.
"""

from __future__ import annotations

import dataclasses
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

from haven.access import api as access_api
from haven.accounts.current import acting_user
from haven.cases import services as case_services
from haven.cases.api import cases as case_api
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.referrals.models import (
    Channel,
    ConcernCloseReason,
    ConcernReportState,
    ConsultationTopic,
)
from haven.referrals.selectors import desk as selectors
from haven.referrals.services import desk as services

TAGS = ["desk"]
ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The id.")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_coordinator: only staff of the national coordinator work the desk; "
    "role_not_allowed.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="not_found: no such record, or one you may not see."
)
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="already_linked, report_done or person_erased."
)


# Named enum components: "state" and "action" name other choice sets elsewhere in the API.
TRIAGE_ACTIONS = ["advise", "open_case", "close"]


@extend_schema_field(
    {"type": "string", "enum": ConcernReportState.values}, component_name="ConcernReportState"
)
class ReportStateField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ConcernReportState.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": TRIAGE_ACTIONS}, component_name="TriageAction")
class TriageActionField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TRIAGE_ACTIONS, **kwargs)


class ConsultationSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    topic = serializers.ChoiceField(choices=ConsultationTopic.choices)
    caller_org_type = serializers.CharField(help_text="An organisation type, or empty.")
    caller_organisation_name = serializers.CharField()
    case_id = serializers.UUIDField(allow_null=True, help_text="Null: anonymous.")
    case_reference = serializers.CharField()
    routed_to = serializers.ListField(child=serializers.CharField())
    recorded_by = serializers.CharField()


class ConsultationDetailSerializer(ConsultationSerializer):
    question = serializers.CharField(help_text="Empty when the case is no longer visible.")
    advice = serializers.CharField()


class ConsultationCreateSerializer(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    topic = serializers.ChoiceField(choices=ConsultationTopic.choices)
    question = serializers.CharField(
        max_length=services.TEXT_MAX,
        help_text="Without case_id: no names or anything that identifies a person.",
    )
    advice = serializers.CharField(
        max_length=services.TEXT_MAX, required=False, allow_blank=True, default=""
    )
    caller_org_type = access_api.OrgTypeOrBlankField(required=False, default="")
    caller_organisation_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    case_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    routed_to_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=50
    )


class CaseOpenedSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    reference = serializers.CharField()


class ReportSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    age_seconds = serializers.IntegerField(help_text="How long since it was received.")
    state = ReportStateField()
    reporter_sector = serializers.CharField(help_text="A sector, or empty.")
    region = serializers.CharField()


class ReportDetailSerializer(ReportSerializer):
    description = serializers.CharField()
    contact = serializers.CharField(help_text="Empty when the reporter gave none.")
    close_reason = serializers.CharField(help_text="A close reason, or empty.")
    consultation_id = serializers.UUIDField(allow_null=True)
    case_id = serializers.UUIDField(allow_null=True)
    triaged_at = serializers.DateTimeField(allow_null=True)
    case_ids = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="Every case opened from the report: one per person, linked as one incident.",
    )


class PersonFoundSerializer(case_api.CaseOpenSerializer):
    """One person of several a report is about, as for intake (no narrative: the
    report's description becomes each case's first entry)."""

    narrative = None  # type: ignore[assignment]


def _person_found(row: dict[str, Any]) -> services.PersonFound:
    data = {k: v for k, v in row.items() if v is not None}
    forms_of_exploitation = data.pop("forms_of_exploitation", [])
    return services.PersonFound(
        person=case_services.PersonInput(**data), forms_of_exploitation=forms_of_exploitation
    )


class TriageSerializer(case_api.CaseOpenSerializer):
    """One action: ``advise`` (advice, topic, routed_to_ids), ``open_case`` (the
    person, as for intake; or ``people``, one case each, linked as one incident,
    all or none) or ``close`` (reason)."""

    action = TriageActionField()
    advice = serializers.CharField(max_length=services.TEXT_MAX, required=False, default="")
    topic = serializers.ChoiceField(
        choices=ConsultationTopic.choices, default=ConsultationTopic.IDENTIFICATION
    )
    routed_to_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=50
    )
    reason = serializers.ChoiceField(
        choices=ConcernCloseReason.choices, required=False, allow_blank=True, default=""
    )
    people = serializers.ListField(
        child=PersonFoundSerializer(),
        required=False,
        max_length=services.PEOPLE_MAX,
        help_text="open_case for several people found together: one case each, linked as "
        "one incident, all or none (an error names people.<row>.<field>, rows from 0).",
    )

    def people_found(self) -> list[services.PersonFound]:
        return [_person_found(row) for row in self.validated_data.get("people") or []]

    def person_input(self) -> case_services.PersonInput:
        names = {f.name for f in dataclasses.fields(case_services.PersonInput)}
        values = self.validated_data.items()
        return case_services.PersonInput(
            **{k: v for k, v in values if k in names and v is not None}
        )


def _consultation(row: selectors.ConsultationRow) -> dict[str, Any]:
    return {**row.__dict__}


def _report(row: selectors.ReportRow) -> dict[str, Any]:
    body = {**row.__dict__, "age_seconds": int(row.age.total_seconds())}
    del body["age"]
    return body


def _report_detail(view: selectors.ReportView) -> Any:
    body = {**view.__dict__, **_report(view.row)}
    del body["row"]
    return ReportDetailSerializer(body).data


class ConsultationsView(JsonApiView):
    @extend_schema(
        operation_id="desk_consultations_list",
        tags=TAGS,
        responses={200: ConsultationSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.consultation_list(user=acting_user(request))
        return Response(ConsultationSerializer([_consultation(r) for r in rows], many=True).data)

    @extend_schema(
        operation_id="desk_consultation_log",
        tags=TAGS,
        request=ConsultationCreateSerializer,
        responses={
            201: ConsultationDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: case_api.NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request) -> Response:
        data = ConsultationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        consultation = services.consultation_log(actor=user, **data.validated_data)
        view = selectors.consultation_get(user=user, consultation_id=consultation.pk)
        body = {**_consultation(view.row), "question": view.question, "advice": view.advice}
        return Response(ConsultationDetailSerializer(body).data, status=status.HTTP_201_CREATED)


def _case_opened(case: Any) -> Any:
    return CaseOpenedSerializer({"case_id": case.pk, "reference": case.reference}).data


class ConsultationCaseView(JsonApiView):
    @extend_schema(
        operation_id="desk_consultation_case_open",
        tags=TAGS,
        parameters=[ID],
        request=case_api.CaseOpenSerializer,
        description="Open a case from the consultation through intake: your organisation "
        "becomes the case lead and the consultation is linked to the case.",
        responses={
            201: CaseOpenedSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = case_api.CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.consultation_case_open(
            actor=acting_user(request),
            consultation_id=id,
            person=data.person_input(),
            forms_of_exploitation=data.validated_data.get("forms_of_exploitation", []),
            narrative=data.validated_data.get("narrative", ""),
        )
        return Response(_case_opened(case), status=status.HTTP_201_CREATED)


class ReportsView(JsonApiView):
    @extend_schema(
        operation_id="desk_reports_list",
        tags=TAGS,
        description="The triage queue: new reports first (the longest waiting at the top).",
        responses={200: ReportSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.report_list(user=acting_user(request))
        return Response(ReportSerializer([_report(r) for r in rows], many=True).data)


class ReportView(JsonApiView):
    @extend_schema(
        operation_id="desk_report_read",
        tags=TAGS,
        parameters=[ID],
        description="The report with its description and contact; the read is audited.",
        responses={
            200: ReportDetailSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.report_get(user=acting_user(request), report_id=id)
        return Response(_report_detail(view))


class ReportTriageView(JsonApiView):
    @extend_schema(
        operation_id="desk_report_triage",
        tags=TAGS,
        parameters=[ID],
        request=TriageSerializer,
        responses={
            200: ReportDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = TriageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        if values["action"] == "advise":
            services.report_advise(
                actor=user,
                report_id=id,
                advice=values["advice"],
                topic=values["topic"],
                routed_to_ids=values["routed_to_ids"],
            )
        elif values["action"] == "open_case" and values.get("people"):
            services.report_cases_open(actor=user, report_id=id, people=data.people_found())
        elif values["action"] == "open_case":
            services.report_case_open(
                actor=user,
                report_id=id,
                person=data.person_input(),
                forms_of_exploitation=values.get("forms_of_exploitation", []),
            )
        else:
            services.report_close(actor=user, report_id=id, reason=values["reason"])
        return Response(_report_detail(selectors.report_get(user=user, report_id=id)))


urlpatterns: list[URLPattern] = [
    path("desk/consultations/", ConsultationsView.as_view(), name="desk_consultations"),
    path(
        "desk/consultations/<str:id>/case/",
        ConsultationCaseView.as_view(),
        name="desk_consultation_case",
    ),
    path("desk/reports/", ReportsView.as_view(), name="desk_reports"),
    path("desk/reports/<str:id>/", ReportView.as_view(), name="desk_report"),
    path("desk/reports/<str:id>/triage/", ReportTriageView.as_view(), name="desk_report_triage"),
]
