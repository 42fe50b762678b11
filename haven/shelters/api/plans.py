"""Group placement plans under /api/v1/shelters/plans/ (draft stage), for the
national coordinator of the incident's country only (others get 403
``not_coordinator``). The same services and selectors as the pages: case
references and place names, never a person's name, an address or coordinates.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.shelters import rules
from haven.shelters.selectors import plans as selectors
from haven.shelters.services import plans as services

TAGS = ["shelters"]
ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The plan.")
PERSON = OpenApiParameter(
    "person", OpenApiTypes.INT, OpenApiParameter.PATH, description="The person in the plan."
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_coordinator: only staff of the national coordinator work plans; "
    "role_not_allowed.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="not_found or no_cases: no such plan, person, place or incident, or one "
    "you may not see.",
)
CONFLICT = OpenApiResponse(ErrorSerializer, description="plan_not_draft: the plan was sent.")
SEND_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="nothing_to_send, agreement_missing (the cases named), plan_no_longer_fits "
    "(the places changed since solving; the message says how), no_agreement or no_consent "
    "(a case's data may not flow to a shelter); nothing was sent.",
)
SEND_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_coordinator, role_not_allowed, or cases_led_elsewhere (the cases and "
    "their lead named).",
)
SEND_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="plan_not_draft (already sent), plan_not_solved, or edit_conflict (a stale "
    "version).",
)
MOVE_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="place_excluded: the place would break a hard rule (the message says which).",
)


class PlacementPlanPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    family = serializers.CharField(help_text="The same label: one family. Empty: on their own.")
    risk_level = serializers.IntegerField()
    needs_wheelchair_access = serializers.BooleanField()
    needs_disability_access = serializers.BooleanField()
    place_id = serializers.UUIDField(allow_null=True, help_text="Null: not placed.")
    place_name = serializers.CharField()
    unplaced_reason = serializers.CharField(help_text="Why not placed, or empty.")
    person_agreed_on = serializers.DateField(
        allow_null=True, help_text="The day the person agreed to be placed; null: not yet."
    )
    placement_id = serializers.UUIDField(
        allow_null=True, help_text="Once the plan is sent: the placement proposed."
    )
    placement_state = serializers.CharField(help_text="The placement's state, in words.")


class PlacementPlanSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    incident_reference = serializers.CharField()
    state = serializers.CharField()
    danger_region = serializers.CharField()
    solved_at = serializers.DateTimeField(allow_null=True)
    optimal = serializers.BooleanField(help_text="Proven the best placement by the solver.")
    soft_cost = serializers.IntegerField()
    placed = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Give it back when sending (a stale one: 409).")
    people = PlacementPlanPersonSerializer(many=True)


class PlacementPlanCreateSerializer(serializers.Serializer[Any]):
    incident_id = serializers.UUIDField()
    danger_region = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


class PlacementPlanPersonUpdateSerializer(serializers.Serializer[Any]):
    family = serializers.CharField(
        max_length=services.FAMILY_MAX, required=False, allow_blank=True, default=""
    )
    risk_level = serializers.ChoiceField(choices=list(rules.LEVELS))
    needs_wheelchair_access = serializers.BooleanField(default=False)
    needs_disability_access = serializers.BooleanField(default=False)
    person_agreed_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The day the person agreed to be placed (not in the future).",
    )


class PlacementPlanSendSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The plan's version you read."
    )


class PlacementMoveSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(help_text="The person in the plan; their family moves too.")
    place = serializers.UUIDField()


def _plan(view: selectors.PlanView) -> dict[str, Any]:
    plan = view.plan
    return PlacementPlanSerializer(
        {
            "id": plan.pk,
            "incident_reference": view.incident_reference,
            "state": plan.state,
            "danger_region": plan.danger_region,
            "solved_at": plan.solved_at,
            "optimal": plan.optimal,
            "soft_cost": plan.soft_cost,
            "placed": view.placed,
            "sent_at": plan.sent_at,
            "version": plan.version,
            "people": [vars(p) for g in view.groups for p in g.people],
        }
    ).data


class PlansView(JsonApiView):
    @extend_schema(
        operation_id="shelters_plan_create",
        tags=TAGS,
        request=PlacementPlanCreateSerializer,
        description="A draft plan of every case of the incident you may read.",
        responses={
            201: PlacementPlanSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request) -> Response:
        data = PlacementPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        plan = services.plan_create(actor=user, **data.validated_data)
        view = selectors.plan_detail(actor=user, plan_id=plan.pk)
        return Response(_plan(view), status=status.HTTP_201_CREATED)


class PlanView(JsonApiView):
    @extend_schema(
        operation_id="shelters_plan_read",
        tags=TAGS,
        parameters=[ID],
        description="The plan: each person with their place, or why not placed.",
        responses={
            200: PlacementPlanSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_plan(selectors.plan_detail(actor=acting_user(request), plan_id=id)))


class PlanSolveView(JsonApiView):
    @extend_schema(
        operation_id="shelters_plan_solve",
        tags=TAGS,
        parameters=[ID],
        request=None,
        description="Solve the plan on the places free now (CP-SAT).",
        responses={
            200: PlacementPlanSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        services.plan_solve(actor=user, plan_id=id)
        return Response(_plan(selectors.plan_detail(actor=user, plan_id=id)))


class PlanPersonView(JsonApiView):
    @extend_schema(
        operation_id="shelters_plan_person_update",
        tags=TAGS,
        parameters=[ID, PERSON],
        request=PlacementPlanPersonUpdateSerializer,
        description="Set a person's family, risk level and needs; the solution is cleared.",
        responses={
            200: PlacementPlanSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def put(self, request: Request, id: str, person: int) -> Response:
        data = PlacementPlanPersonUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.plan_person_update(actor=user, plan_id=id, person_id=person, **data.validated_data)
        return Response(_plan(selectors.plan_detail(actor=user, plan_id=id)))

    @extend_schema(
        operation_id="shelters_plan_person_remove",
        tags=TAGS,
        parameters=[ID, PERSON],
        request=None,
        description="Take a person off the plan (for example, another organisation places "
        "them); the others keep their places.",
        responses={
            200: PlacementPlanSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def delete(self, request: Request, id: str, person: int) -> Response:
        user = acting_user(request)
        services.plan_person_remove(actor=user, plan_id=id, person_id=person)
        return Response(_plan(selectors.plan_detail(actor=user, plan_id=id)))


class PlanMoveView(JsonApiView):
    @extend_schema(
        operation_id="shelters_plan_move",
        tags=TAGS,
        parameters=[ID],
        request=PlacementMoveSerializer,
        description="Move a person, with their whole family, to another place by hand.",
        responses={
            200: PlacementPlanSerializer,
            400: MOVE_REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = PlacementMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.plan_move(
            actor=user,
            plan_id=id,
            person_id=data.validated_data["person"],
            place_id=data.validated_data["place"],
        )
        return Response(_plan(selectors.plan_detail(actor=user, plan_id=id)))


class PlanSendView(JsonApiView):
    @extend_schema(
        operation_id="shelters_plan_send",
        tags=TAGS,
        parameters=[ID],
        request=PlacementPlanSendSerializer,
        description="Send the solved plan to the shelters: each placed person's placement is "
        "proposed (a referral to the place's organisation), after the whole plan is checked "
        "again against the places as they are now; all or nothing.",
        responses={
            200: PlacementPlanSerializer,
            400: SEND_REFUSED,
            401: UNAUTHENTICATED,
            403: SEND_FORBIDDEN,
            404: NOT_FOUND,
            409: SEND_CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = PlacementPlanSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.plan_send(actor=user, plan_id=id, version=data.validated_data.get("version"))
        return Response(_plan(selectors.plan_detail(actor=user, plan_id=id)))


urlpatterns: list[URLPattern] = [
    path("shelters/plans/", PlansView.as_view(), name="shelters_plans"),
    path("shelters/plans/<str:id>/", PlanView.as_view(), name="shelters_plan"),
    path("shelters/plans/<str:id>/solve/", PlanSolveView.as_view(), name="shelters_plan_solve"),
    path("shelters/plans/<str:id>/move/", PlanMoveView.as_view(), name="shelters_plan_move"),
    path("shelters/plans/<str:id>/send/", PlanSendView.as_view(), name="shelters_plan_send"),
    path(
        "shelters/plans/<str:id>/people/<int:person>/",
        PlanPersonView.as_view(),
        name="shelters_plan_person",
    ),
]
