"""Assistance plans, services and closing (R-19, R-20, R-22) under /api/v1/: the
same services and selectors as the pages. Every answer is the case's whole
assistance picture: plans, services, financial totals and closing decisions.

A case (or service) the caller may not know about is a 404 identical to a missing one.
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

from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import AmountPeriod, ClosureGround, ServiceOutcome, ServiceStatus
from haven.assistance.selectors import plans as selectors
from haven.assistance.services import plans as services
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the services group; "
    "break_glass_read_only: emergency access never writes.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="assistance_closed (a closing decision is in force: reopen first), "
    "assistance_not_closed, service_transition_not_allowed, person_erased.",
)
SERVICE_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The service's id."
)
SERVICE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="not_found: no such service, or one you may not see."
)


@extend_schema_field(
    {"type": "string", "enum": ServiceStatus.values}, component_name="ServiceStatus"
)
class ServiceStatusField(serializers.ChoiceField):
    """One schema component for every place a service's status appears."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ServiceStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ServiceOutcome.values}, component_name="ServiceOutcome"
)
class ServiceOutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ServiceOutcome.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ["", *ServiceOutcome.values]},
    component_name="ServiceOutcomeOrBlank",
)
class ServiceOutcomeOrBlankField(serializers.ChoiceField):
    """Blank until the service is completed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("", ""), *ServiceOutcome.choices], **kwargs)


class ServiceReadSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    plan_id = serializers.UUIDField(allow_null=True)
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    service_type_label = serializers.CharField()
    provider_id = serializers.UUIDField()
    provider_name = serializers.CharField()
    status = ServiceStatusField()
    status_label = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    consent_given = serializers.BooleanField()
    consent_on = serializers.DateField(allow_null=True)
    refused_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True, help_text="Empty once the data is erased.")
    refusal_note = serializers.CharField(allow_blank=True)
    outcome = ServiceOutcomeOrBlankField()
    outcome_label = serializers.CharField(allow_blank=True)
    outcome_note = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField(allow_blank=True)
    amount_period = serializers.ChoiceField(choices=[("", ""), *AmountPeriod.choices])
    amount_period_label = serializers.CharField(allow_blank=True)
    next_statuses = serializers.ListField(
        child=ServiceStatusField(),
        help_text="The changes this service allows now.",
    )


class PlanReadSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    agreed_on = serializers.DateField()
    assessment_id = serializers.UUIDField(allow_null=True)
    person_view = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField()
    services = ServiceReadSerializer(many=True)


class TotalSerializer(serializers.Serializer[Any]):
    currency = serializers.CharField()
    amount_period = serializers.ChoiceField(choices=AmountPeriod.choices)
    amount_period_label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class ClosureReadSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    decided_on = serializers.DateField()
    reasons = serializers.CharField(allow_blank=True)
    exit_plan = serializers.CharField(allow_blank=True)
    person_view = serializers.CharField(allow_blank=True)
    follow_up_on = serializers.DateField(allow_null=True)
    decided_by = serializers.CharField()
    reopened_on = serializers.DateField(allow_null=True)
    reopened_by = serializers.CharField(allow_blank=True)
    reopen_reasons = serializers.CharField(allow_blank=True)


class AssistanceSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    plans = PlanReadSerializer(many=True)
    services = ServiceReadSerializer(many=True, help_text="Every service, in a plan or not.")
    totals = TotalSerializer(
        many=True, help_text="Financial support per currency and period, refusals left out."
    )
    closure = ClosureReadSerializer(allow_null=True, help_text="The closing decision in force.")
    closures = ClosureReadSerializer(many=True, help_text="Every closing decision, latest first.")


def _body(view: selectors.PlansView) -> Any:
    return AssistanceSerializer(
        {
            "case_id": view.case.id,
            "plans": view.plans,
            "services": view.services,
            "totals": view.totals,
            "closure": view.closure,
            "closures": view.closures,
        }
    ).data


class ServiceWriteSerializer(serializers.Serializer[Any]):
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    provider_id = serializers.UUIDField(help_text="The organisation that provides it.")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    consent_given = serializers.BooleanField(required=False, default=False)
    consent_on = serializers.DateField(required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Financial support only, zero or more.",
    )
    currency = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="ISO 4217, e.g. EUR."
    )
    amount_period = serializers.ChoiceField(
        choices=[("", ""), *AmountPeriod.choices], required=False, default=""
    )


class ServiceAddSerializer(ServiceWriteSerializer):
    plan_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class PlanCreateSerializer(serializers.Serializer[Any]):
    agreed_on = serializers.DateField()
    person_view = serializers.CharField(allow_blank=True)
    assessment_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A needs assessment of the case."
    )
    services = ServiceWriteSerializer(many=True, allow_empty=True)


class StartSerializer(serializers.Serializer[Any]):
    starts_on = serializers.DateField()
    consent_on = serializers.DateField(
        allow_null=True, help_text="R-20: required; consent_required when null."
    )


class CompleteSerializer(serializers.Serializer[Any]):
    ends_on = serializers.DateField()
    outcome = ServiceOutcomeField()
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")


class RefuseSerializer(serializers.Serializer[Any]):
    refused_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StopSerializer(serializers.Serializer[Any]):
    ends_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)


class CloseSerializer(serializers.Serializer[Any]):
    decided_on = serializers.DateField()
    # Any text reaches the service, which answers closure_ground_invalid for one off the list.
    ground = serializers.CharField(
        allow_blank=True,
        max_length=30,
        help_text="One of: "
        + ", ".join(ClosureGround.values)
        + ". While the reflection period runs or the person is presumed, only persons_wish "
        "(with person_view), death or left_country (R-15, R-18).",
    )
    reasons = serializers.CharField(allow_blank=True)
    exit_plan = serializers.CharField(allow_blank=True)
    person_view = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReopenSerializer(serializers.Serializer[Any]):
    reasons = serializers.CharField(allow_blank=True)


def _responses(ok: int, not_found: OpenApiResponse = NOT_FOUND) -> dict[int, Any]:
    return {
        ok: AssistanceSerializer,
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: GROUP_FORBIDDEN,
        404: not_found,
        409: CONFLICT,
    }


def _service_input(data: dict[str, Any]) -> services.ServiceInput:
    return services.ServiceInput(**data)


def _validated(
    request: Request, serializer: type[serializers.Serializer[Any]]
) -> tuple[User, dict[str, Any]]:
    """The acting user and the request body, validated (400 otherwise)."""
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return acting_user(request), dict(data.validated_data)


def _plans(*, user: User, case_id: object, status: int = status.HTTP_200_OK) -> Response:
    """Every answer: the case's whole assistance picture, as the user may see it."""
    view = selectors.plans_for_case(user=user, case_id=case_id)
    return Response(_body(view), status=status)


class PlansApiView(JsonApiView):
    @extend_schema(
        operation_id="plans_read",
        tags=["assistance"],
        parameters=[CASE_ID],
        responses={
            200: AssistanceSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return _plans(user=acting_user(request), case_id=id)

    @extend_schema(
        operation_id="plan_create",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=PlanCreateSerializer,
        description="Record a plan agreed with the person, with its services (R-20). A "
        "refused service names its field as services.<index>.<field>.",
        responses=_responses(201),
    )
    def post(self, request: Request, id: str) -> Response:
        user, values = _validated(request, PlanCreateSerializer)
        services.plan_create(
            actor=user,
            case_id=id,
            agreed_on=values["agreed_on"],
            person_view=values["person_view"],
            assessment_id=values["assessment_id"],
            services=[_service_input(dict(s)) for s in values["services"]],
        )
        return _plans(user=user, case_id=id, status=status.HTTP_201_CREATED)


class ServicesApiView(JsonApiView):
    @extend_schema(
        operation_id="service_add",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=ServiceAddSerializer,
        responses=_responses(201),
    )
    def post(self, request: Request, id: str) -> Response:
        user, values = _validated(request, ServiceAddSerializer)
        plan_id = values.pop("plan_id")
        services.service_add(
            actor=user, case_id=id, service=_service_input(values), plan_id=plan_id
        )
        return _plans(user=user, case_id=id, status=status.HTTP_201_CREATED)


def _change_view(
    action: str, serializer: type[serializers.Serializer[Any]], write: Any, description: str
) -> type[JsonApiView]:
    class ChangeView(JsonApiView):
        @extend_schema(
            operation_id=f"service_{action}",
            tags=["assistance"],
            parameters=[SERVICE_ID],
            request=serializer,
            description=description,
            responses=_responses(200, SERVICE_NOT_FOUND),
        )
        def post(self, request: Request, id: str) -> Response:
            user, values = _validated(request, serializer)
            service = write(actor=user, service_id=id, **values)
            return _plans(user=user, case_id=service.case_id)

    ChangeView.__name__ = ChangeView.__qualname__ = f"Service{action.title()}View"
    return ChangeView


ServiceStartView = _change_view(
    "start",
    StartSerializer,
    services.service_start,
    "Start a planned service: only with the person's consent recorded (R-20).",
)
ServiceCompleteView = _change_view(
    "complete", CompleteSerializer, services.service_complete, "Record completion and outcome."
)
ServiceRefuseView = _change_view(
    "refuse",
    RefuseSerializer,
    services.service_refuse,
    "Record the person's refusal (R-20): without penalty, nothing else changes.",
)
ServiceStopView = _change_view(
    "stop", StopSerializer, services.service_stop, "Stop a service, with the reason."
)


class ClosureApiView(JsonApiView):
    @extend_schema(
        operation_id="assistance_close",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=CloseSerializer,
        description="Close assistance by a recorded decision with an exit plan (R-22); "
        "services still planned or under way stop that day.",
        responses=_responses(201),
    )
    def post(self, request: Request, id: str) -> Response:
        user, values = _validated(request, CloseSerializer)
        services.assistance_close(actor=user, case_id=id, **values)
        return _plans(user=user, case_id=id, status=status.HTTP_201_CREATED)


class ReopenApiView(JsonApiView):
    @extend_schema(
        operation_id="assistance_reopen",
        tags=["assistance"],
        parameters=[CASE_ID],
        request=ReopenSerializer,
        responses=_responses(200),
    )
    def post(self, request: Request, id: str) -> Response:
        user, values = _validated(request, ReopenSerializer)
        services.assistance_reopen(actor=user, case_id=id, **values)
        return _plans(user=user, case_id=id)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/plans/", PlansApiView.as_view(), name="plans"),
    path("cases/<str:id>/services/", ServicesApiView.as_view(), name="services"),
    path("services/<str:id>/start/", ServiceStartView.as_view(), name="service_start"),
    path("services/<str:id>/complete/", ServiceCompleteView.as_view(), name="service_complete"),
    path("services/<str:id>/refuse/", ServiceRefuseView.as_view(), name="service_refuse"),
    path("services/<str:id>/stop/", ServiceStopView.as_view(), name="service_stop"),
    path("cases/<str:id>/closure/", ClosureApiView.as_view(), name="closure"),
    path("cases/<str:id>/closure/reopen/", ReopenApiView.as_view(), name="closure_reopen"),
]
