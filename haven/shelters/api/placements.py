"""Placements under /api/v1/: the same services and selectors as the pages.

``GET cases/<id>/placement-search/`` ranks the places for one person (the case
lead's staff), ``POST cases/<id>/placements/`` proposes one; the shelter's
requests, one placement and its moves under ``shelters/placements/``. A
placement the caller's organisation is neither the place's nor the case lead is
a 404 identical to a missing one. No place's address or coordinates, anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access.api import FieldGroupField
from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.cases.api.cases import CASE_ID, NOT_FOUND
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    CountedPagination,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
)
from haven.referrals.models import DeclineReason
from haven.shelters import rules
from haven.shelters.models import EndReason, PlacementState
from haven.shelters.selectors import placements as selectors
from haven.shelters.selectors import search
from haven.shelters.services import placements as services

TAGS = ["shelters"]
MAX_TEXT = 5000

PLACEMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The placement id."
)
STATE = OpenApiParameter(
    "state", str, OpenApiParameter.QUERY, required=False, enum=PlacementState.values
)
PLACEMENT_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="placement_not_found: no such placement, or one your organisation is "
    "neither the place's nor the case lead of.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_case_lead / not_place_staff / field_group_not_allowed: you cannot do this.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="transition_not_allowed, person_erased, case_merged."
)


# --- search ---------------------------------------------------------------------------------


class CostSerializer(serializers.Serializer[Any]):
    danger = serializers.IntegerField(help_text="Closeness to the place of danger.")
    language = serializers.IntegerField(help_text="No language shared with the staff.")
    services = serializers.IntegerField(help_text="Distance to the services the plan needs.")
    total = serializers.IntegerField()


class SuitableSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind_label = serializers.CharField()
    region = serializers.CharField()
    security_level = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField())
    free_beds = serializers.IntegerField()
    cost = CostSerializer()


class ExcludedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    kind_label = serializers.CharField()
    region = serializers.CharField()
    codes = serializers.ListField(
        child=serializers.ChoiceField(choices=[str(e) for e in rules.Exclusion])
    )
    reasons = serializers.ListField(child=serializers.CharField())


class SearchResultSerializer(serializers.Serializer[Any]):
    treated_as_child = serializers.BooleanField()
    assessed_risk = serializers.IntegerField(
        allow_null=True, help_text="From the latest risk assessment; null: none you may read."
    )
    risk_level = serializers.IntegerField(help_text="The level searched with.")
    suitable = SuitableSerializer(many=True, help_text="Lowest cost first.")
    excluded = ExcludedSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer[Any]):
    danger_region = serializers.CharField(required=False, allow_blank=True, default="")
    services_region = serializers.CharField(required=False, allow_blank=True, default="")
    risk_level = serializers.IntegerField(required=False, default=1)
    needs_wheelchair_access = serializers.BooleanField(required=False, default=False)
    needs_disability_access = serializers.BooleanField(required=False, default=False)


def _inputs(data: dict[str, Any]) -> search.SearchInput:
    return search.SearchInput(**data)


class PlacementSearchView(JsonApiView):
    @extend_schema(
        operation_id="placement_search",
        tags=TAGS,
        parameters=[CASE_ID, SearchQuerySerializer],
        description="The places for this person now: suitable ones by soft cost, the "
        "others with every hard rule they break. The case lead's staff only.",
        responses={
            200: SearchResultSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = search.placement_search(
            user=acting_user(request), case_id=id, inputs=_inputs(dict(query.validated_data))
        )
        body = {
            "treated_as_child": result.facts.is_child,
            "assessed_risk": result.facts.assessed_risk,
            "risk_level": result.facts.person.risk_level,
            "suitable": result.suitable,
            "excluded": result.excluded,
        }
        return Response(SearchResultSerializer(body).data)


# --- placements -----------------------------------------------------------------------------


class PlacementRowSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    place_id = serializers.UUIDField()
    place_name = serializers.CharField()
    region = serializers.CharField()
    state = serializers.ChoiceField(choices=PlacementState.values)
    state_label = serializers.CharField()
    occupant_label = serializers.CharField()
    service = serializers.CharField(help_text="What was asked (the referral's type).")
    urgent = serializers.BooleanField()
    person_agreed_on = serializers.DateField()
    proposed_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason_label = serializers.CharField()
    bed_label = serializers.CharField()


class PlacementBedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The room and the bed.")


class PlacementDetailSerializer(serializers.Serializer[Any]):
    row = PlacementRowSerializer()
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="What you may do now: accept, decline, ..."
    )
    beds = PlacementBedSerializer(many=True, help_text="Beds to move into (with the start action).")
    is_place_staff = serializers.BooleanField()
    is_lead_staff = serializers.BooleanField()


class ProposeSerializer(SearchQuerySerializer):
    place_id = serializers.UUIDField()
    person_agreed_on = serializers.DateField()
    message = serializers.CharField(max_length=MAX_TEXT)
    field_groups = serializers.ListField(
        child=FieldGroupField(),
        required=False,
        help_text="Default: identity, contact, health, location.",
    )
    urgent = serializers.BooleanField(required=False, default=False)


class PlacementDeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=DeclineReason.values)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class PlacementStartSerializer(serializers.Serializer[Any]):
    bed_id = serializers.IntegerField()
    started_on = serializers.DateField()


class PlacementEndSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=EndReason.values)
    ended_on = serializers.DateField()


class PlacementNoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class PlacementEmptySerializer(serializers.Serializer[Any]):
    pass


def _detail(user: User, placement_id: object) -> Any:
    return PlacementDetailSerializer(
        selectors.placement_get(user=user, placement_id=placement_id)
    ).data


class PlacementRequestsView(JsonApiView):
    pagination_class = CountedPagination

    @extend_schema(
        operation_id="placement_requests",
        tags=TAGS,
        parameters=[STATE],
        description="The placement requests to your organisation's places, newest "
        "first, a page at a time.",
        responses={
            200: PlacementRowSerializer(many=True),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(DetailSerializer, description="No such page."),
        },
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state", "")
        paginator = self.pagination_class()
        page = selectors.placement_requests(
            user=acting_user(request),
            state=state if state in PlacementState.values else None,
            number=paginator.page_number(request),
            per_page=paginator.per_page(),
        )
        return paginator.response_for(
            request, page, PlacementRowSerializer(page.object_list, many=True).data
        )


class CasePlacementsView(JsonApiView):
    @extend_schema(
        operation_id="placement_propose",
        tags=TAGS,
        parameters=[CASE_ID],
        request=ProposeSerializer,
        description="Ask a place to take the person in. Every hard rule is checked again "
        "(400 place_excluded, field place, with the reasons); the request goes to the "
        "place's organisation as an accommodation referral.",
        responses={
            201: PlacementDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = acting_user(request)
        extra: dict[str, Any] = {}
        if "field_groups" in values:
            extra["field_groups"] = values.pop("field_groups")
        placement = services.placement_propose(
            actor=user,
            case_id=id,
            place_id=values.pop("place_id"),
            person_agreed_on=values.pop("person_agreed_on"),
            message=values.pop("message"),
            urgent=values.pop("urgent"),
            inputs=_inputs(values),
            **extra,
        )
        return Response(_detail(user, placement.pk), status=status.HTTP_201_CREATED)


class PlacementView(JsonApiView):
    @extend_schema(
        operation_id="placement_read",
        tags=TAGS,
        parameters=[PLACEMENT_ID],
        responses={200: PlacementDetailSerializer, 401: UNAUTHENTICATED, 404: PLACEMENT_NOT_FOUND},
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_detail(acting_user(request), id))


Write = Callable[[User, str, dict[str, Any]], object]


def _action(
    operation_id: str, serializer: type[serializers.Serializer[Any]], write: Write, what: str
) -> Any:
    """One POST endpoint for one move: validate, call the service, return the placement."""

    class ActionView(JsonApiView):
        @extend_schema(
            operation_id=operation_id,
            tags=TAGS,
            parameters=[PLACEMENT_ID],
            request=serializer,
            description=what,
            responses={
                200: PlacementDetailSerializer,
                400: BAD_REQUEST,
                401: UNAUTHENTICATED,
                403: FORBIDDEN,
                404: PLACEMENT_NOT_FOUND,
                409: CONFLICT,
            },
        )
        def post(self, request: Request, id: str) -> Response:
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            user = acting_user(request)
            write(user, id, dict(data.validated_data))
            return Response(_detail(user, id))

    ActionView.__name__ = ActionView.__qualname__ = f"{operation_id.title().replace('_', '')}View"
    return ActionView.as_view()


BASE = "shelters/placements/"

urlpatterns: list[URLPattern] = [
    path(
        "cases/<str:id>/placement-search/",
        PlacementSearchView.as_view(),
        name="placement_search",
    ),
    path("cases/<str:id>/placements/", CasePlacementsView.as_view(), name="case_placements"),
    path(BASE, PlacementRequestsView.as_view(), name="placement_requests"),
    path(f"{BASE}<str:id>/", PlacementView.as_view(), name="placement"),
    path(
        f"{BASE}<str:id>/accept/",
        _action(
            "placement_accept",
            PlacementEmptySerializer,
            lambda u, i, d: services.placement_accept(actor=u, placement_id=i),
            "The shelter takes the person in (its referral is accepted with it).",
        ),
        name="placement_accept",
    ),
    path(
        f"{BASE}<str:id>/decline/",
        _action(
            "placement_decline",
            PlacementDeclineSerializer,
            lambda u, i, d: services.placement_decline(actor=u, placement_id=i, **d),
            "The shelter declines with a reason (a note is required for 'other').",
        ),
        name="placement_decline",
    ),
    path(
        f"{BASE}<str:id>/start/",
        _action(
            "placement_start",
            PlacementStartSerializer,
            lambda u, i, d: services.placement_start(actor=u, placement_id=i, **d),
            "The person moved in, into a free bed of the place that is in service.",
        ),
        name="placement_start",
    ),
    path(
        f"{BASE}<str:id>/end/",
        _action(
            "placement_end",
            PlacementEndSerializer,
            lambda u, i, d: services.placement_end(actor=u, placement_id=i, **d),
            "The stay ended, with a reason (the shelter or the case lead).",
        ),
        name="placement_end",
    ),
    path(
        f"{BASE}<str:id>/withdraw/",
        _action(
            "placement_withdraw",
            PlacementNoteSerializer,
            lambda u, i, d: services.placement_withdraw(actor=u, placement_id=i, **d),
            "The case lead withdraws the request before the person moved in.",
        ),
        name="placement_withdraw",
    ),
]
