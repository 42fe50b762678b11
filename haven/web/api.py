"""API views composed from the apps' parts (``haven.web.composer``), under /api/v1/:
the case list and intake, the case read (field groups with what each app adds to
them), the case timeline and the report for the person.

A case the caller may not know about is a 404 identical to a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access.api import FieldGroupField
from haven.access.models import Purpose
from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.cases import parts
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.api import cases as case_api
from haven.cases.api import person_report as report_api
from haven.deadlines import api as deadlines_api
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    CountedPagination,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)
from haven.web import composer, timeline


def case_detail_body(
    user: User, view: case_selectors.CaseView, purpose: Purpose = Purpose.ASSISTANCE
) -> dict[str, Any]:
    """The case as ``case_read`` showed it, with what the apps' parts add to its groups."""
    extra = composer.case_api_groups(parts.CasePage(user=user, view=view, purpose=purpose))
    return case_api.case_detail_body(view, extra)


# --- the case list, intake and the case read --------------------------------------------------


class CaseListView(JsonApiView):
    pagination_class = CountedPagination

    @extend_schema(
        operation_id="case_list",
        tags=["cases"],
        parameters=[case_api.CaseListQuerySerializer],
        responses={
            200: case_api.CaseListItemSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(DetailSerializer, description="No such page."),
        },
    )
    def get(self, request: Request) -> Response:
        query = case_api.CaseListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = self.pagination_class()
        page = case_selectors.case_list_page(
            user=acting_user(request),
            number=paginator.page_number(request),
            per_page=paginator.per_page(),
            **query.validated_data,
        )
        return paginator.response_for(
            request, page, case_api.CaseListItemSerializer(page.object_list, many=True).data
        )

    @extend_schema(
        operation_id="case_open",
        tags=["cases"],
        request=case_api.CaseOpenSerializer,
        responses={
            201: case_api.CaseDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="role_not_allowed."),
        },
    )
    def post(self, request: Request) -> Response:
        data = case_api.CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        case = case_services.case_open(
            actor=user,
            person=data.person_input(),
            forms_of_exploitation=data.validated_data.get("forms_of_exploitation", []),
            narrative=data.validated_data.get("narrative", ""),
            search_token=data.validated_data.get("search_token", ""),
        )
        with case_selectors.gate_once():  # after the write: the parts load the case once
            body = case_detail_body(user, case_selectors.case_read(user=user, case_id=case.id))
        location = reverse("api:case_detail", kwargs={"id": case.id})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class CaseDetailView(JsonApiView):
    @extend_schema(
        operation_id="case_read",
        tags=["cases"],
        parameters=[case_api.CASE_ID, case_api.CaseReadQuerySerializer],
        responses={
            200: case_api.CaseDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: case_api.NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        query = case_api.CaseReadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        purpose = Purpose(query.validated_data["purpose"])
        user = acting_user(request)
        with case_selectors.gate_once():  # every part passes the gate: the case loaded once
            view = case_selectors.case_read(user=user, case_id=id, purpose=purpose)
            return Response(case_detail_body(user, view, purpose))


# --- the report for the person (GDPR Art. 15) ----------------------------------------------


class PersonReportView(JsonApiView):
    @extend_schema(
        operation_id="person_report_read",
        tags=["cases"],
        parameters=[case_api.CASE_ID, report_api.PersonReportQuerySerializer],
        responses={
            200: report_api.PersonReportSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer, description="field_group_not_allowed: only the case lead."
            ),
            404: case_api.NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        query = report_api.PersonReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # BearerTokenAuthentication and IsAuthenticated admit only accounts.User.
        assert isinstance(request.user, User)  # noqa: S101 - guaranteed by the settings
        report = composer.person_report_read(
            user=request.user, case_id=id, language=query.validated_data.get("lang", "")
        )
        with translation.override(report.language.text_code):
            response = Response(report_api.person_report_body(report))
        response.headers["Content-Language"] = report.language.text_code
        return response


# --- the timeline ----------------------------------------------------------------------------

TIMELINE_KINDS = list(timeline.ENTRY_KINDS)


@extend_schema_field({"type": "string", "enum": TIMELINE_KINDS}, component_name="TimelineEntryKind")
class TimelineEntryKindField(NamedChoiceField):
    CHOICES = TIMELINE_KINDS


class TimelineEntrySerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    kind = TimelineEntryKindField()
    title = serializers.CharField()
    detail = serializers.CharField()
    state = deadlines_api.DeadlineStateField(allow_blank=True)
    state_label = serializers.CharField()
    blocking = serializers.BooleanField()


class TimelineSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    entries = TimelineEntrySerializer(many=True)
    hidden_groups = serializers.ListField(
        child=FieldGroupField(),
        help_text="Field groups whose entries are not shown to you.",
    )


class CaseTimelineView(JsonApiView):
    @extend_schema(
        operation_id="case_timeline",
        tags=["cases"],
        parameters=[case_api.CASE_ID],
        responses={200: TimelineSerializer, 401: UNAUTHENTICATED, 404: case_api.NOT_FOUND},
    )
    def get(self, request: Request, id: str) -> Response:
        case, entries = timeline.timeline_read(user=acting_user(request), case_id=id)
        body = {
            "case_id": case.id,
            "case_reference": case.reference,
            "entries": entries.entries,
            "hidden_groups": entries.hidden_groups,
        }
        return Response(TimelineSerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("cases/", CaseListView.as_view(), name="case_list"),
    path("cases/<str:id>/", CaseDetailView.as_view(), name="case_detail"),
    path("cases/<str:id>/timeline/", CaseTimelineView.as_view(), name="case_timeline"),
    path("cases/<str:id>/person-report/", PersonReportView.as_view(), name="case_person_report"),
]
