"""Information on rights and interpretation under /api/v1/ (R-24): the same services
and selectors as the pages. The leaflet's words in the person's language come as
JSON (the PDF is the page's ``rights/leaflet.pdf``); the record of information
given, the interpretation need and the interpreters planned, with the warnings.

A case the caller may not know about is a 404 identical to a missing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.assistance import rights
from haven.assistance.models import (
    InterpreterBooking,
    InterpreterSex,
    RightsForm,
    RightsItem,
    RightsVersion,
)
from haven.assistance.selectors import rights as selectors
from haven.assistance.services import rights as services
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the services group.",
)
CONFLICT = OpenApiResponse(ErrorSerializer, description="person_erased.")
LANG = OpenApiParameter(
    "lang",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=list(rights.LANGUAGES),
    description="The leaflet's language; by default the first of the person's "
    "interpretation languages the leaflet is written in, else en.",
)
VERSION = OpenApiParameter(
    "version",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=list(rights.VERSIONS),
    description="By default child for a case treated as a child, else standard.",
)


class RightsLeafletSectionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    heading = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())


class RightsLeafletSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    language = serializers.CharField()
    version = serializers.ChoiceField(choices=RightsVersion.choices)
    period_shown = serializers.BooleanField(
        help_text="False when your organisation does not see the legal group: the leaflet "
        "then gives the general words on the reflection period."
    )
    title = serializers.CharField()
    intro = serializers.ListField(child=serializers.CharField())
    sections = RightsLeafletSectionSerializer(many=True)
    reference = serializers.CharField()
    made_on = serializers.CharField()


class RightsRecordReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    given_at = serializers.DateTimeField()
    language = serializers.CharField()
    form = serializers.ChoiceField(choices=RightsForm.choices)
    items = serializers.ListField(child=serializers.ChoiceField(choices=RightsItem.choices))
    given_by = serializers.CharField()
    interpreter_organisation = serializers.CharField()
    interpreter_name = serializers.CharField(help_text="Empty once the person's data is erased.")


class InterpretationNeedReadSerializer(serializers.Serializer[Any]):
    needed = serializers.BooleanField()
    languages = serializers.ListField(child=serializers.CharField())
    interpreter_sex = serializers.ChoiceField(choices=InterpreterSex.choices, allow_blank=True)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()


class InterpreterBookingReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    occasion = serializers.ChoiceField(choices=InterpreterBooking.Occasion.choices)
    planned_on = serializers.DateField()
    language = serializers.CharField()
    interpreter_organisation = serializers.CharField()
    interpreter_name = serializers.CharField(help_text="Empty once the person's data is erased.")
    interpreter_sex = serializers.ChoiceField(choices=InterpreterSex.choices, allow_blank=True)
    has_interpreter = serializers.BooleanField()


class RightsInformationSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    records = RightsRecordReadSerializer(many=True)
    need = InterpretationNeedReadSerializer(allow_null=True, help_text="Null: not recorded.")
    need_history = InterpretationNeedReadSerializer(many=True)
    bookings = InterpreterBookingReadSerializer(many=True)
    warnings = InterpreterBookingReadSerializer(
        many=True,
        help_text="Interviews and decisions planned within the next days without an "
        "interpreter, while the person needs one.",
    )


def _body(view: selectors.RightsView) -> Any:
    return RightsInformationSerializer(
        {
            "case_id": view.case.id,
            "records": view.records,
            "need": view.need,
            "need_history": view.need_history,
            "bookings": view.bookings,
            "warnings": view.warnings,
        }
    ).data


def _record(
    request: Request,
    case_id: str,
    serializer: type[serializers.Serializer[Any]],
    write: Callable[..., object],
    data_class: Callable[..., object],
) -> Response:
    """One record posted to the case's rights page: validated, written by its service
    (which decides who may), and answered with the whole page's body as it is now."""
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    user = acting_user(request)
    write(actor=user, case_id=case_id, data=data_class(**data.validated_data))
    view = selectors.rights_get(user=user, case_id=case_id)
    return Response(_body(view), status=status.HTTP_201_CREATED)


class RightsRecordCreateSerializer(serializers.Serializer[Any]):
    # An empty list reaches the service, which answers with code items_required.
    items = serializers.ListField(
        child=serializers.ChoiceField(choices=RightsItem.choices), allow_empty=True
    )
    given_on = serializers.DateField()
    language = serializers.CharField(max_length=3)
    form = serializers.ChoiceField(choices=RightsForm.choices)
    version = serializers.ChoiceField(choices=RightsVersion.choices)
    interpreter_organisation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    interpreter_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class InterpretationNeedCreateSerializer(serializers.Serializer[Any]):
    needed = serializers.BooleanField()
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, default=list
    )
    interpreter_sex = serializers.ChoiceField(
        choices=InterpreterSex.choices, required=False, allow_blank=True, default=""
    )


class InterpreterBookingCreateSerializer(serializers.Serializer[Any]):
    occasion = serializers.ChoiceField(choices=InterpreterBooking.Occasion.choices)
    planned_on = serializers.DateField()
    language = serializers.CharField(max_length=3)
    interpreter_organisation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    interpreter_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    interpreter_sex = serializers.ChoiceField(
        choices=InterpreterSex.choices, required=False, allow_blank=True, default=""
    )


WRITE_RESPONSES: dict[int, Any] = {
    201: RightsInformationSerializer,
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: GROUP_FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


class RightsLeafletView(JsonApiView):
    @extend_schema(
        operation_id="rights_leaflet_read",
        tags=["assistance"],
        parameters=[CASE_ID, LANG, VERSION],
        responses={
            200: RightsLeafletSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.leaflet_get(
            user=acting_user(request),
            case_id=id,
            language=str(request.query_params.get("lang", "")),
            version=str(request.query_params.get("version", "")),
        )
        leaflet = view.leaflet
        body = RightsLeafletSerializer(
            {
                "case_id": view.case.id,
                "language": leaflet.language,
                "version": leaflet.version,
                "period_shown": view.period_shown,
                "title": leaflet.title,
                "intro": leaflet.intro,
                "sections": leaflet.sections,
                "reference": leaflet.reference,
                "made_on": leaflet.made_on,
            }
        ).data
        return Response(body)


class RightsInformationView(JsonApiView):
    @extend_schema(
        operation_id="rights_information_read",
        tags=["assistance"],
        parameters=[CASE_ID],
        responses={
            200: RightsInformationSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_body(selectors.rights_get(user=acting_user(request), case_id=id)))

    @extend_schema(
        operation_id="rights_information_record",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=RightsRecordCreateSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        return _record(
            request,
            id,
            RightsRecordCreateSerializer,
            services.rights_information_record,
            services.RightsInput,
        )


class InterpretationNeedView(JsonApiView):
    @extend_schema(
        operation_id="interpretation_need_record",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=InterpretationNeedCreateSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        return _record(
            request,
            id,
            InterpretationNeedCreateSerializer,
            services.interpretation_need_record,
            services.NeedInput,
        )


class InterpreterBookingsView(JsonApiView):
    @extend_schema(
        operation_id="interpreter_booking_record",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=InterpreterBookingCreateSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        return _record(
            request,
            id,
            InterpreterBookingCreateSerializer,
            services.interpreter_booking_record,
            services.BookingInput,
        )


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/rights-leaflet/", RightsLeafletView.as_view(), name="rights_leaflet"),
    path(
        "cases/<str:id>/rights-information/",
        RightsInformationView.as_view(),
        name="rights_information",
    ),
    path(
        "cases/<str:id>/interpretation-need/",
        InterpretationNeedView.as_view(),
        name="interpretation_need",
    ),
    path(
        "cases/<str:id>/interpreter-bookings/",
        InterpreterBookingsView.as_view(),
        name="interpreter_bookings",
    ),
]
