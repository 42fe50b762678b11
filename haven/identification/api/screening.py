"""Screenings under /api/v1/: a case's screenings, recording one, reading one.

The same services and selectors as the pages. The result is decision support
only (R-09): ``outcome`` is "indicators_consistent_with_trafficking" or
"insufficient_indicators_recorded", never "not a victim".
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from haven.cases.api import CASE_ID, NOT_FOUND
from haven.identification import engine
from haven.identification.api.indicator_sets import SourceSerializer, acting_user
from haven.identification.models import IndicatorSet, ObservationSource, Strength
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.selectors import screening as selectors
from haven.identification.services import screening as services
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

SCREENING_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The screening's id."
)
OUTCOMES = [engine.CONSISTENT, engine.INSUFFICIENT]
MAX_OBSERVATIONS = 500  # a set has tens of indicators


@extend_schema_field({"type": "string", "enum": OUTCOMES}, component_name="ScreeningOutcome")
class ScreeningOutcomeField(serializers.ChoiceField):
    """R-09: decision support in two words; never "not a victim"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OUTCOMES, **kwargs)


class ObservationInSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField(max_length=20, help_text="An indicator id, e.g. DR-01.")
    # The stubs type Field.source as a string; this field is where the information comes from.
    source = serializers.ChoiceField(choices=ObservationSource.choices)  # type: ignore[assignment]  # see above
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, trim_whitespace=False
    )


class ScreeningRecordSerializer(serializers.Serializer[Any]):
    set = serializers.CharField(max_length=60, help_text="The set key; its latest version is used.")
    observations = ObservationInSerializer(many=True)
    act_established = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Children's sets (R-08): is an act of trafficking established? "
        "null: not known, a deceptive or coercive recruitment indicator (DR, CR) counts as the "
        "act; a vulnerability indicator alone never does.",
    )

    def validate_observations(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_OBSERVATIONS:
            raise serializers.ValidationError(
                _("At most %(n)d observations per screening.") % {"n": MAX_OBSERVATIONS}
            )
        return value


class SetTitleField(serializers.CharField):
    """A set's title in the request's language where translated (the set is the source)."""

    def to_representation(self, value: Any) -> str:
        indicator_set: IndicatorSet = value
        return set_selectors.set_text(indicator_set, indicator_set.title)


class ScreeningSetSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    version = serializers.IntegerField()
    title = SetTitleField(source="*")
    provisional = serializers.BooleanField()


class ScreeningListItemSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    screened_at = serializers.DateTimeField()
    outcome = ScreeningOutcomeField()
    set = ScreeningSetSerializer(source="indicator_set")
    organisation = serializers.CharField(source="organisation.name")
    screened_by = serializers.CharField(source="screened_by.username")
    treated_as_child = serializers.BooleanField()
    observation_count = serializers.IntegerField()


class ObservationOutSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField(source="code")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label" (DRF fields are class attributes)
    strength = serializers.ChoiceField(choices=Strength.choices)
    # The stubs type Field.source as a string; this field is the observation's source.
    source = serializers.ChoiceField(choices=ObservationSource.choices)  # type: ignore[assignment]  # see above
    note = serializers.CharField()


class ElementResultSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    strong = serializers.IntegerField()
    medium = serializers.IntegerField()
    weak = serializers.IntegerField()
    positive = serializers.BooleanField()
    why = serializers.CharField()
    observations = ObservationOutSerializer(many=True)


class ScreeningSetDetailSerializer(ScreeningSetSerializer):
    title = serializers.CharField()  # type: ignore[assignment]  # given translated, see detail_body
    source = SourceSerializer()  # type: ignore[assignment]  # a field named "source" (DRF fields are class attributes)


class ScreeningDetailSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case = serializers.UUIDField()
    case_reference = serializers.CharField()
    screened_at = serializers.DateTimeField()
    screened_by = serializers.CharField()
    organisation = serializers.CharField()
    set = ScreeningSetDetailSerializer()
    treated_as_child = serializers.BooleanField()
    child_policy = serializers.CharField(
        help_text="R-08 policy used for a child; empty for adults."
    )
    act_established = serializers.BooleanField(allow_null=True)
    victim_rule = serializers.CharField()
    outcome = ScreeningOutcomeField()
    outcome_label = serializers.CharField()
    review_task_opened = serializers.BooleanField(
        help_text="R-09: an insufficient result opened a review task; the status never changes."
    )
    elements = ElementResultSerializer(many=True)
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="The engine's explanation, as stored."
    )


def detail_body(view: selectors.ScreeningView) -> dict[str, Any]:
    screening = view.screening
    indicator_set = view.indicator_set
    body = {
        "id": screening.id,
        "case": view.case.id,
        "case_reference": view.case.reference,
        "screened_at": screening.screened_at,
        "screened_by": screening.screened_by.get_username(),
        "organisation": screening.organisation.name,
        "set": {
            "key": indicator_set.key,
            "version": indicator_set.version,
            "title": set_selectors.set_text(indicator_set, indicator_set.title),
            "provisional": view.provisional,
            "source": view.source.__dict__,
        },
        "treated_as_child": screening.treated_as_child,
        "child_policy": screening.child_policy,
        "act_established": screening.act_established,
        "victim_rule": screening.result.get("victim_rule", ""),
        "outcome": view.outcome,
        "outcome_label": selectors.result_words(view.screening, view.case),
        "review_task_opened": view.review_task_opened,
        "elements": [
            {**e.__dict__, "observations": [o.__dict__ for o in e.observations]}
            for e in view.elements
        ],
        "explanation": view.explanation,
    }
    return dict(ScreeningDetailSerializer(body).data)


class CaseScreeningsView(JsonApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="screening_list",
        tags=["identification"],
        parameters=[CASE_ID],
        responses={
            200: ScreeningListItemSerializer(many=True),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="field_group_not_allowed."),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        listing = selectors.screening_list(user=acting_user(request), case_id=id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(listing.screenings, request, view=self)
        assert page is not None  # noqa: S101 - a page size is configured
        return paginator.get_paginated_response(ScreeningListItemSerializer(page, many=True).data)

    @extend_schema(
        operation_id="screening_record",
        tags=["identification"],
        parameters=[CASE_ID],
        request=ScreeningRecordSerializer,
        responses={
            201: ScreeningDetailSerializer,
            400: OpenApiResponse(
                BAD_REQUEST.response,
                description="indicator_set_unknown, indicator_set_empty, child_set_required, "
                "adult_set_required (R-10), unknown_indicators, observation_invalid, or "
                "field errors.",
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="field_group_not_allowed."),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="person_erased."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ScreeningRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        screening = services.screening_record(
            actor=user,
            case_id=id,
            set_key=data.validated_data["set"],
            observations=[
                (o["indicator"], o["source"], o["note"])
                for o in data.validated_data["observations"]
            ],
            act_established=data.validated_data["act_established"],
        )
        body = detail_body(selectors.screening_get(user=user, screening_id=screening.id))
        location = reverse("api:screening_detail", kwargs={"id": screening.id})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class FormScreeningSerializer(serializers.Serializer[Any]):
    exploitation = serializers.ChoiceField(
        choices=["labour", "sexual"], help_text="The indicator sets' form of exploitation."
    )
    set_name = serializers.CharField()
    forms_of_exploitation = serializers.ListField(
        child=serializers.CharField(),
        source="forms",
        help_text="The case's forms of exploitation this set covers.",
    )
    set_key = serializers.CharField(
        help_text="The set to screen this form with; empty when no such set has indicators."
    )
    screened = serializers.BooleanField()
    screening_id = serializers.UUIDField(source="latest.id", allow_null=True, default=None)
    outcome = serializers.CharField(
        help_text="The latest result with this set (a ScreeningOutcome); empty if not screened."
    )
    outcome_label = serializers.CharField(
        source="result_words",
        help_text="Never 'insufficient' for a form whose own set was not used (R-05).",
    )


class ScreeningFormsView(JsonApiView):
    @extend_schema(
        operation_id="screening_forms",
        tags=["identification"],
        parameters=[CASE_ID],
        description="One screening per form of exploitation (R-05): for each indicator set "
        "the case's forms call for, whether it was screened with it and the latest result.",
        responses={
            200: FormScreeningSerializer(many=True),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="field_group_not_allowed."),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        by_form = selectors.screening_forms(user=acting_user(request), case_id=id)
        return Response(FormScreeningSerializer(by_form, many=True).data)


class ScreeningDetailView(JsonApiView):
    @extend_schema(
        operation_id="screening_read",
        tags=["identification"],
        parameters=[SCREENING_ID],
        responses={
            200: ScreeningDetailSerializer,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="field_group_not_allowed."),
            404: OpenApiResponse(
                ErrorSerializer,
                description="screening_not_found: the same answer for a missing screening "
                "and one on a case hidden from you.",
            ),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.screening_get(user=acting_user(request), screening_id=id)
        return Response(detail_body(view))


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/screenings/", CaseScreeningsView.as_view(), name="screening_list"),
    path(
        "cases/<str:id>/screenings/by-form/", ScreeningFormsView.as_view(), name="screening_forms"
    ),
    path("screenings/<str:id>/", ScreeningDetailView.as_view(), name="screening_detail"),
]
