"""Returns under /api/v1/: country profiles (R-31), a case's return plans with their
warnings (R-30, R-31), acknowledgements and moves, reintegration goals, and the
follow-up contacts after return (R-32). The same services and selectors as the
pages: approval is refused by the service while a block stands or a warning is
unacknowledged, whichever door it comes from. A case the caller may not know about
is a 404 identical to a missing one.
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
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib import locking
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)
from haven.returns import selectors, services
from haven.returns.models import (
    ContactOutcome,
    GoalOutcome,
    ProceedingsStatus,
    ReceivingView,
    ReintegrationArea,
    ReturnPlanState,
    RiskIndicator,
    RiskLevel,
    Voluntariness,
    WarningKind,
)
from haven.returns.states import PlanAction

CREATED = status.HTTP_201_CREATED
ROW_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Its id.")
COUNTRY = OpenApiParameter(
    "country", OpenApiTypes.STR, OpenApiParameter.PATH, description="ISO 3166-1 alpha-2 code."
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the assessment "
    "group; break_glass_read_only; follow_up_not_holder: another organisation holds it.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="return_blocked: the risk assessment is not complete or, for a child, no "
    "best-interests determination in favour of return (R-30); warning_unacknowledged; "
    "warning_not_raised; plan_already_open; plan_not_editable; transition_not_allowed; "
    "follow_up_done; person_erased; edit_conflict (field version).",
)
PLAN_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="plan_not_found: nothing with this id that you may see."
)
PROFILES_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="profiles_not_allowed: only case staff read profiles, only the national "
    "coordinator keeps them.",
)


def _named(values: list[str], name: str) -> Any:
    """A choice field published as one schema component ``name``."""

    @extend_schema_field({"type": "string", "enum": values}, component_name=name)
    class Field(NamedChoiceField):
        CHOICES = values

    Field.__name__ = f"{name}Field"
    return Field


ReturnStateField = _named(ReturnPlanState.values, "ReturnPlanState")
ReturnActionField = _named(PlanAction.values, "ReturnPlanAction")
ReturnVoluntarinessField = _named(Voluntariness.values, "ReturnVoluntariness")
ReturnRiskField = _named(["", *RiskLevel.values], "ReturnRiskLevel")
ReturnReceivingField = _named(ReceivingView.values, "ReturnReceivingView")
ReturnProceedingsField = _named(ProceedingsStatus.values, "ReturnProceedingsStatus")
ReturnWarningField = _named(WarningKind.values, "ReturnWarningKind")
ReturnAreaField = _named(ReintegrationArea.values, "ReintegrationArea")
ReturnGoalOutcomeField = _named(GoalOutcome.values, "ReintegrationOutcome")
ReturnContactField = _named(ContactOutcome.values, "ReturnContactOutcome")
ReturnIndicatorField = _named(RiskIndicator.values, "ReturnRiskIndicator")


# --- country profiles ------------------------------------------------------------------------


class CountryProfileSerializer(serializers.Serializer[Any]):
    country = serializers.CharField()
    name = serializers.CharField()
    partner_organisations = serializers.ListField(child=serializers.CharField())
    focal_points = serializers.ListField(
        child=serializers.CharField(), help_text="Role titles, never people."
    )
    known_risks = serializers.CharField()
    willingness = ReturnReceivingField()
    capacity = ReturnReceivingField()
    last_reviewed_on = serializers.DateField()
    stale = serializers.BooleanField(help_text="Not reviewed for more than 12 months.")
    version = serializers.IntegerField(help_text="Send it back with an edit.")


class CountryProfileEditSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_blank=True)
    partner_organisations = serializers.ListField(child=serializers.CharField(allow_blank=True))
    focal_points = serializers.ListField(child=serializers.CharField(allow_blank=True))
    known_risks = serializers.CharField(allow_blank=True)
    willingness = ReturnReceivingField()
    capacity = ReturnReceivingField()
    last_reviewed_on = serializers.DateField()
    version = serializers.IntegerField(min_value=1, max_value=locking.VERSION_MAX)


class CountryProfilesView(JsonApiView):
    @extend_schema(
        operation_id="country_profile_list",
        tags=["returns"],
        responses={
            200: CountryProfileSerializer(many=True),
            401: UNAUTHENTICATED,
            403: PROFILES_FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        profiles = selectors.country_profile_list(user=acting_user(request))
        return Response(CountryProfileSerializer(profiles, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="country_profile_get",
        tags=["returns"],
        parameters=[COUNTRY],
        responses={
            200: CountryProfileSerializer,
            401: UNAUTHENTICATED,
            403: PROFILES_FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
    post=extend_schema(
        operation_id="country_profile_update",
        tags=["returns"],
        parameters=[COUNTRY],
        request=CountryProfileEditSerializer,
        description="The national coordinator reviews and edits a country's profile (R-31).",
        responses={
            200: CountryProfileSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: PROFILES_FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class CountryProfileView(JsonApiView):
    def get(self, request: Request, country: str) -> Response:
        profile = selectors.country_profile_get(user=acting_user(request), country=country)
        return Response(CountryProfileSerializer(profile).data)

    def post(self, request: Request, country: str) -> Response:
        body = CountryProfileEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        user = acting_user(request)
        row = services.country_profile_update(
            actor=user, country=country, profile=services.ProfileInput(**data), version=version
        )
        return Response(
            CountryProfileSerializer(
                selectors.country_profile_get(user=user, country=row.country)
            ).data
        )


# --- return plans ----------------------------------------------------------------------------


class ReturnWarningSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(
        help_text="risk_assessment_missing, best_interests_missing (blocks) or a warning kind."
    )
    message = serializers.CharField(help_text="Without legal detail.")
    blocking = serializers.BooleanField(help_text="A block is never acknowledged away.")
    acknowledged_by = serializers.CharField(
        source="acknowledgement.acknowledged_by", allow_null=True, default=None
    )
    acknowledged_reason = serializers.CharField(
        source="acknowledgement.reason", allow_null=True, default=None
    )
    acknowledged_at = serializers.DateTimeField(
        source="acknowledgement.acknowledged_at", allow_null=True, default=None
    )


class ReintegrationGoalSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    area = ReturnAreaField()
    goal = serializers.CharField()
    outcome = ReturnGoalOutcomeField()
    outcome_note = serializers.CharField()
    updated_on = serializers.DateField()
    version = serializers.IntegerField()


class ReturnFollowUpSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    months = serializers.IntegerField()
    due_on = serializers.DateField()
    organisation = serializers.CharField(help_text="Who holds it.")
    overdue = serializers.BooleanField()
    contacted_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(help_text="Empty until recorded.")
    indicators = serializers.ListField(child=serializers.CharField(), help_text="In words.")
    note = serializers.CharField()


class ReturnRiskSerializer(serializers.Serializer[Any]):
    risk = serializers.CharField()
    rating = serializers.CharField(help_text="Empty while not rated.")


class ReturnPlanSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = ReturnStateField()
    country = serializers.CharField()
    profile = CountryProfileSerializer(allow_null=True)
    wishes = serializers.CharField(help_text="In the person's own words; empty once erased.")
    voluntariness = serializers.CharField(source="voluntariness_label")
    risks = serializers.SerializerMethodField()
    risk_notes = serializers.CharField()
    risk_assessed_on = serializers.DateField(allow_null=True)
    risk_assessment_complete = serializers.BooleanField()
    focal_point = serializers.CharField()
    partner_name = serializers.CharField()
    partner_organisation_id = serializers.UUIDField(allow_null=True)
    follow_up_holder = serializers.CharField()
    planned_on = serializers.DateField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    returned_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()
    warnings = ReturnWarningSerializer(many=True)
    actions = serializers.SerializerMethodField()
    goals = ReintegrationGoalSerializer(many=True)
    follow_ups = ReturnFollowUpSerializer(many=True)

    @extend_schema_field(ReturnRiskSerializer(many=True))
    def get_risks(self, plan: selectors.PlanView) -> list[dict[str, str]]:
        return [{"risk": str(what), "rating": rating} for what, rating in plan.risks]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, plan: selectors.PlanView) -> list[str]:
        return [action for action, _label in plan.actions]


class ReturnPlansSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    plans = ReturnPlanSerializer(many=True, help_text="Latest first.")


class ReturnPlanInputSerializer(serializers.Serializer[Any]):
    country = serializers.CharField(max_length=2)
    # Blank text reaches the service, which answers with code plan_input_invalid.
    wishes = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    voluntariness = ReturnVoluntarinessField()
    risk_retrafficking = ReturnRiskField(required=False, default="")
    risk_reprisals = ReturnRiskField(required=False, default="")
    risk_family = ReturnRiskField(required=False, default="")
    risk_notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX
    )
    risk_assessed_on = serializers.DateField(required=False, allow_null=True, default=None)
    willingness = ReturnReceivingField(required=False, default=ReceivingView.UNKNOWN)
    capacity = ReturnReceivingField(required=False, default=ReceivingView.UNKNOWN)
    focal_point = serializers.CharField(required=False, allow_blank=True, default="")
    partner_name = serializers.CharField(required=False, allow_blank=True, default="")
    partner_organisation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    contacts_police = serializers.BooleanField(required=False, default=False)
    contacts_ngos = serializers.BooleanField(required=False, default=False)
    contacts_lawyers = serializers.BooleanField(required=False, default=False)
    contacts_social_welfare = serializers.BooleanField(required=False, default=False)
    proceedings_status = ReturnProceedingsField(
        required=False, default=ProceedingsStatus.NONE_KNOWN
    )
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnPlanEditSerializer(ReturnPlanInputSerializer):
    version = serializers.IntegerField(min_value=1, max_value=locking.VERSION_MAX)


class ReturnAcknowledgeSerializer(serializers.Serializer[Any]):
    warning = ReturnWarningField()
    reason = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)


class ReturnTransitionSerializer(serializers.Serializer[Any]):
    action = ReturnActionField()
    returned_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="For mark_returned."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="For cancel."
    )


class ReintegrationGoalAddSerializer(serializers.Serializer[Any]):
    area = ReturnAreaField()
    goal = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)


class ReintegrationOutcomeSerializer(serializers.Serializer[Any]):
    outcome = ReturnGoalOutcomeField()
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX
    )
    version = serializers.IntegerField(min_value=1, max_value=locking.VERSION_MAX)


class ReturnFollowUpRecordSerializer(serializers.Serializer[Any]):
    contacted_on = serializers.DateField()
    outcome = ReturnContactField()
    indicators = serializers.ListField(child=ReturnIndicatorField(), required=False, default=list)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX
    )


def _plans(user: User, case_id: object, status: int = 200) -> Response:
    view = selectors.return_plan_list(user=user, case_id=case_id)
    return Response(ReturnPlansSerializer(view).data, status=status)


def _body(request: Request, shape: type[serializers.Serializer[Any]]) -> dict[str, Any]:
    body = shape(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


WRITE = {
    200: ReturnPlansSerializer,
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: PLAN_NOT_FOUND,
    409: CONFLICT,
}


@extend_schema_view(
    get=extend_schema(
        operation_id="return_plan_list",
        tags=["returns"],
        parameters=[CASE_ID],
        responses={
            200: ReturnPlansSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
    post=extend_schema(
        operation_id="return_plan_create",
        tags=["returns"],
        parameters=[CASE_ID],
        request=ReturnPlanInputSerializer,
        description="Prepare a return plan with the person (R-31).",
        responses={**WRITE, 201: ReturnPlansSerializer, 404: NOT_FOUND},
    ),
)
class ReturnPlansView(JsonApiView):
    def get(self, request: Request, id: str) -> Response:
        return _plans(acting_user(request), id)

    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        plan = services.PlanInput(**_body(request, ReturnPlanInputSerializer))
        services.return_plan_create(actor=user, case_id=id, plan=plan)
        return _plans(user, id, status=CREATED)


class ReturnPlanView(JsonApiView):
    @extend_schema(
        operation_id="return_plan_update",
        tags=["returns"],
        parameters=[ROW_ID],
        request=ReturnPlanEditSerializer,
        description="Change a plan being prepared; send the version you read.",
        responses=WRITE,
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        data = _body(request, ReturnPlanEditSerializer)
        version = data.pop("version")
        row = services.return_plan_update(
            actor=user, plan_id=id, plan=services.PlanInput(**data), version=version
        )
        return _plans(user, row.case_id)


class ReturnAcknowledgeView(JsonApiView):
    @extend_schema(
        operation_id="return_warning_acknowledge",
        tags=["returns"],
        parameters=[ROW_ID],
        request=ReturnAcknowledgeSerializer,
        description="Acknowledge a warning the plan raises, with a reason, as the caller "
        "(open remedies, P3; the reflection period, R-15). Blocks are never acknowledged.",
        responses=WRITE,
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        row = services.return_warning_acknowledge(
            actor=user, plan_id=id, **_body(request, ReturnAcknowledgeSerializer)
        )
        return _plans(user, row.case_id)


class ReturnTransitionView(JsonApiView):
    @extend_schema(
        operation_id="return_plan_transition",
        tags=["returns"],
        parameters=[ROW_ID],
        request=ReturnTransitionSerializer,
        description="approve (refused while a block stands or a warning is unacknowledged), "
        "reopen, mark_returned (with returned_on: schedules the follow-ups, R-32), cancel "
        "(with a reason).",
        responses=WRITE,
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        row = services.return_plan_transition(
            actor=user, plan_id=id, **_body(request, ReturnTransitionSerializer)
        )
        return _plans(user, row.case_id)


class ReintegrationGoalsView(JsonApiView):
    @extend_schema(
        operation_id="reintegration_goal_add",
        tags=["returns"],
        parameters=[ROW_ID],
        request=ReintegrationGoalAddSerializer,
        responses={**WRITE, 201: ReturnPlansSerializer},
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        row = services.reintegration_goal_add(
            actor=user, plan_id=id, **_body(request, ReintegrationGoalAddSerializer)
        )
        return _plans(user, row.case_id, status=CREATED)


class ReintegrationGoalView(JsonApiView):
    @extend_schema(
        operation_id="reintegration_goal_update",
        tags=["returns"],
        parameters=[ROW_ID],
        request=ReintegrationOutcomeSerializer,
        description="Record the outcome against a goal; send the version you read.",
        responses=WRITE,
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        row = services.reintegration_goal_update(
            actor=user, goal_id=id, **_body(request, ReintegrationOutcomeSerializer)
        )
        return _plans(user, row.case_id)


class ReturnFollowUpView(JsonApiView):
    @extend_schema(
        operation_id="return_follow_up_record",
        tags=["returns"],
        parameters=[ROW_ID],
        request=ReturnFollowUpRecordSerializer,
        description="Record a follow-up contact after return (R-32), by the organisation "
        "holding it: its outcome and re-trafficking risk indicators.",
        responses=WRITE,
    )
    def post(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        row = services.follow_up_record(
            actor=user, follow_up_id=id, **_body(request, ReturnFollowUpRecordSerializer)
        )
        return _plans(user, row.case_id)


urlpatterns: list[URLPattern] = [
    path("country-profiles/", CountryProfilesView.as_view(), name="country_profiles"),
    path("country-profiles/<str:country>/", CountryProfileView.as_view(), name="country_profile"),
    path("cases/<str:id>/return-plans/", ReturnPlansView.as_view(), name="return_plans"),
    path("return-plans/<str:id>/", ReturnPlanView.as_view(), name="return_plan"),
    path(
        "return-plans/<str:id>/acknowledgements/",
        ReturnAcknowledgeView.as_view(),
        name="return_acknowledge",
    ),
    path(
        "return-plans/<str:id>/transitions/",
        ReturnTransitionView.as_view(),
        name="return_transition",
    ),
    path("return-plans/<str:id>/goals/", ReintegrationGoalsView.as_view(), name="return_goals"),
    path(
        "reintegration-goals/<str:id>/", ReintegrationGoalView.as_view(), name="reintegration_goal"
    ),
    path("return-follow-ups/<str:id>/", ReturnFollowUpView.as_view(), name="return_follow_up"),
]
