"""The cases API under /api/v1/: the same services and selectors as the pages.

Views only parse input, call one service or selector, and serialize. A case
the caller may not know about is a 404 identical to a missing one (the
selectors raise ``CaseNotFound`` for both, and for malformed ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
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

from haven.access.models import FieldGroup, Purpose
from haven.accounts.current import acting_user
from haven.accounts.models import OrgType
from haven.audit.models import Action, AuditEvent
from haven.cases import selectors, services
from haven.cases.models import AgeStatus, ExploitationForm, GenderIdentity, Sex
from haven.cases.status import IdentificationStatus
from haven.lib import cldr
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

COUNTRY_CODES = cldr.COUNTRY_CODES
LANGUAGE_CODES = cldr.LANGUAGE_CODES

CASE_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="case_not_found: the same answer for a missing case and one hidden from you.",
)


@extend_schema_field(
    {"type": "string", "enum": IdentificationStatus.values}, component_name="IdentificationStatus"
)
class IdentificationStatusField(serializers.ChoiceField):
    """One schema component for every place the status appears."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=IdentificationStatus.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": COUNTRY_CODES}, component_name="CountryCode")
class CountryCodeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        message = _('"{input}" is not an ISO 3166-1 alpha-2 country code, such as FI.')
        super().__init__(
            choices=COUNTRY_CODES, error_messages={"invalid_choice": message}, **kwargs
        )


@extend_schema_field({"type": "string", "enum": LANGUAGE_CODES}, component_name="LanguageCode")
class LanguageCodeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        message = _('"{input}" is not an ISO 639-1 language code, such as fi.')
        super().__init__(
            choices=LANGUAGE_CODES, error_messages={"invalid_choice": message}, **kwargs
        )


# --- the case list --------------------------------------------------------------------


class CaseListQuerySerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=(
            "The start or the end of a case reference (e.g. FI-2026, or 7KQ2), or all of "
            "it; case, spaces and dashes are ignored."
        ),
    )
    status = IdentificationStatusField(required=False, allow_blank=True)


class CaseListItemSerializer(serializers.Serializer[Any]):
    """One row of the list: no personal data."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    identification_status = IdentificationStatusField()
    lead_organisation = serializers.CharField(source="lead_name", allow_null=True)
    opened_at = serializers.DateTimeField()
    forms_of_exploitation = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.choices)
    )


# --- intake ---------------------------------------------------------------------------


class CaseOpenSerializer(serializers.Serializer[Any]):
    """Intake: the person (as ``services.PersonInput``), forms of exploitation, narrative.

    Empty strings mean "not known". Rules across fields (a date of birth in
    the future, an adult with a child's date of birth) are the service's.
    """

    given_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    aliases = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age_min = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    estimated_age_max = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    age_status = serializers.ChoiceField(choices=AgeStatus.choices, default=AgeStatus.UNCERTAIN)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = serializers.ChoiceField(
        choices=GenderIdentity.choices, default=GenderIdentity.NOT_STATED
    )
    citizenships = serializers.ListField(
        child=CountryCodeField(),
        required=False,
        max_length=10,
    )
    languages = serializers.ListField(
        child=LanguageCodeField(),
        required=False,
        max_length=20,
    )
    contact = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    current_location = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    health_notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    forms_of_exploitation = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.choices), required=False
    )
    narrative = serializers.CharField(
        required=False, allow_blank=True, max_length=100000, trim_whitespace=False
    )
    search_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="The search_token of a search before create (POST /api/v1/linkage/check/) "
        "for the same identity: required when HAVEN_LINKAGE_REQUIRE_SEARCH is on.",
    )

    def person_input(self) -> services.PersonInput:
        data = {k: v for k, v in self.validated_data.items() if v is not None}
        data.pop("forms_of_exploitation", None)
        data.pop("narrative", None)
        data.pop("search_token", None)
        return services.PersonInput(**data)


# --- the case detail ------------------------------------------------------------------


class GroupDecisionSerializer(serializers.Serializer[Any]):
    """Why a field group is shown or hidden: the access decision's code and reason."""

    reason = serializers.CharField()
    code = serializers.CharField()


class IdentityGroupSerializer(GroupDecisionSerializer):
    """Names, aliases, date of birth or estimated age, sex, gender, citizenships, languages."""

    given_name = serializers.CharField()
    family_name = serializers.CharField()
    aliases = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age_min = serializers.IntegerField(allow_null=True)
    estimated_age_max = serializers.IntegerField(allow_null=True)
    age_status = serializers.ChoiceField(choices=AgeStatus.choices)
    age_status_label = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    sex_label = serializers.CharField()
    gender_identity = serializers.ChoiceField(choices=GenderIdentity.choices)
    gender_identity_label = serializers.CharField()
    citizenships = serializers.ListField(child=CountryCodeField())
    languages = serializers.ListField(child=LanguageCodeField())


class ContactGroupSerializer(GroupDecisionSerializer):
    """How to reach the person."""

    contact = serializers.CharField()


class LocationGroupSerializer(GroupDecisionSerializer):
    """Where the person is now: the most dangerous group to leak."""

    current_location = serializers.CharField()


class HealthGroupSerializer(GroupDecisionSerializer):
    """Health notes."""

    health_notes = serializers.CharField()


class NarrativeEntryReadSerializer(serializers.Serializer[Any]):
    created_at = serializers.DateTimeField()
    author = serializers.CharField()
    organisation = serializers.CharField()
    text = serializers.CharField()


class NarrativeGroupSerializer(GroupDecisionSerializer):
    """The person's single narrative, oldest entry first."""

    entries = NarrativeEntryReadSerializer(many=True)


class TransitionReadSerializer(serializers.Serializer[Any]):
    from_status = serializers.CharField(
        help_text="The status before the decision; empty for the first one, at intake."
    )
    to_status = IdentificationStatusField()
    to_status_label = serializers.CharField()
    decided_on = serializers.DateField()
    decided_by = serializers.CharField()
    organisation = serializers.CharField()
    legal_basis = serializers.CharField()
    reasons = serializers.CharField()


class LegalGroupSerializer(GroupDecisionSerializer):
    """Identification decisions with their reasons, and removal protection."""

    removal_protected = serializers.BooleanField()
    transitions = TransitionReadSerializer(many=True)
    detention_warning = serializers.CharField(
        allow_null=True,
        help_text="While a detention record is open: victims of trafficking must not be held "
        "in detention centres (R-16). Null otherwise.",
    )


class AssessmentGroupSerializer(GroupDecisionSerializer):
    """Forms of exploitation and whether the person is treated as a child."""

    forms_of_exploitation = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.choices)
    )
    forms_of_exploitation_labels = serializers.ListField(child=serializers.CharField())
    treat_as_child = serializers.BooleanField()


class ServiceRowSerializer(serializers.Serializer[Any]):
    service_type = serializers.CharField()
    service_type_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    refused_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(help_text="Empty until the service has an outcome.")
    outcome_label = serializers.CharField()
    provider = serializers.CharField(help_text="The organisation providing the service.")


class ServicesGroupSerializer(GroupDecisionSerializer):
    """Assistance services delivered (from the assistance app's part of the case)."""

    services = ServiceRowSerializer(many=True)


class StatisticalGroupSerializer(GroupDecisionSerializer):
    """Non-identifying facts for statistics."""

    age_band = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    citizenships = serializers.ListField(child=CountryCodeField())
    forms_of_exploitation = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.choices)
    )
    identification_status = IdentificationStatusField()


class FieldGroupsSerializer(serializers.Serializer[Any]):
    """The field groups shown to the caller; a hidden group is absent here."""

    identity = IdentityGroupSerializer(required=False)
    contact = ContactGroupSerializer(required=False)
    location = LocationGroupSerializer(required=False)
    narrative = NarrativeGroupSerializer(required=False)
    health = HealthGroupSerializer(required=False)
    legal = LegalGroupSerializer(required=False)
    assessment = AssessmentGroupSerializer(required=False)
    services = ServicesGroupSerializer(required=False)
    statistical = StatisticalGroupSerializer(required=False)


class HiddenFieldGroupsSerializer(serializers.Serializer[Any]):
    """The field groups hidden from the caller, each with the reason why."""

    identity = GroupDecisionSerializer(required=False)
    contact = GroupDecisionSerializer(required=False)
    location = GroupDecisionSerializer(required=False)
    narrative = GroupDecisionSerializer(required=False)
    health = GroupDecisionSerializer(required=False)
    legal = GroupDecisionSerializer(required=False)
    assessment = GroupDecisionSerializer(required=False)
    services = GroupDecisionSerializer(required=False)
    statistical = GroupDecisionSerializer(required=False)


class TeamMemberSerializer(serializers.Serializer[Any]):
    organisation = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)
    is_lead = serializers.BooleanField()


class LinkedCaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()


class IncidentSerializer(serializers.Serializer[Any]):
    """The people found together with this person: only the linked cases your
    organisation is on; the others are a count."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    shared = LinkedCaseSerializer(many=True, help_text="Linked cases your organisation is on.")
    not_shared = serializers.IntegerField(help_text="How many other linked cases are not shared.")


class CaseDetailSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    identification_status = IdentificationStatusField()
    lead_organisation = serializers.CharField()
    team = TeamMemberSerializer(many=True)
    treat_as_child = serializers.BooleanField()
    erased = serializers.BooleanField()
    field_groups = FieldGroupsSerializer()
    hidden_field_groups = HiddenFieldGroupsSerializer()
    incident = IncidentSerializer(
        allow_null=True, help_text="Null: the person was not found together with others."
    )


ERASED = {"code": "person_erased", "reason": _("This person's data has been erased.")}


def case_detail_body(
    view: selectors.CaseView, extra: Mapping[FieldGroup, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Sort the selector's groups into shown (with data) and hidden (with reason);
    ``extra`` is what the apps' parts add to groups shown (``haven.web.composer``)."""
    shown: dict[str, Any] = {}
    hidden: dict[str, Any] = {}
    for group in view.groups:
        decision = {"code": group.code, "reason": group.reason}
        if group.data is not None:
            shown[group.group] = {**group.data, **(extra or {}).get(group.group, {}), **decision}
        else:
            hidden[group.group] = ERASED if group.allowed and view.erased else decision
    return CaseDetailSerializer(
        {
            "id": view.case.id,
            "reference": view.case.reference,
            "identification_status": view.case.identification_status,
            "lead_organisation": view.lead_name,
            "team": view.team,
            "treat_as_child": view.treat_as_child,
            "erased": view.erased,
            "field_groups": shown,
            "hidden_field_groups": hidden,
            "incident": view.incident,
        }
    ).data


# --- writes on a case -----------------------------------------------------------------


class CaseTransitionSerializer(serializers.Serializer[Any]):
    to_status = IdentificationStatusField()
    # Blank reasons reach the service, which answers with code reasons_required.
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    # Required; a blank one reaches the service, which answers legal_basis_required.
    legal_basis = serializers.CharField(allow_blank=True, max_length=200)


class TransitionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    from_status = serializers.CharField(
        help_text="The status before the decision; empty for the first one, at intake."
    )
    to_status = IdentificationStatusField()
    decided_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username")
    organisation = serializers.CharField(source="decided_by_organisation.name")
    legal_basis = serializers.CharField()


class NarrativeAppendSerializer(serializers.Serializer[Any]):
    # Blank text reaches the service, which answers with a field error.
    text = serializers.CharField(allow_blank=True, max_length=100000, trim_whitespace=False)


class NarrativeEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    author = serializers.CharField(source="author.username")
    organisation = serializers.CharField(source="organisation.name")


class AccessEventSerializer(serializers.Serializer[Any]):
    when = serializers.DateTimeField(source="occurred_at")
    actor = serializers.CharField(source="actor_username")
    organisation = serializers.CharField(source="organisation_name")
    action = serializers.ChoiceField(choices=Action.choices)
    field_groups = serializers.SerializerMethodField()
    purpose = serializers.CharField()

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=FieldGroup.choices))
    )
    def get_field_groups(self, event: AuditEvent) -> list[str]:
        return [group for group in event.field_groups.split(",") if group]


# --- views ----------------------------------------------------------------------------


class CaseReadQuerySerializer(serializers.Serializer[Any]):
    purpose = serializers.ChoiceField(
        choices=Purpose.choices,
        default=Purpose.ASSISTANCE,
        help_text="What you need the data for: sharing is decided per purpose, and the read "
        "is recorded with it.",
    )


class CaseTransitionView(JsonApiView):
    @extend_schema(
        operation_id="case_transition",
        tags=["cases"],
        parameters=[CASE_ID],
        request=CaseTransitionSerializer,
        responses={
            201: TransitionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="field_group_not_allowed."),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="transition_not_allowed."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = CaseTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transition = services.case_transition(
            actor=acting_user(request), case_id=id, **data.validated_data
        )
        return Response(TransitionSerializer(transition).data, status=status.HTTP_201_CREATED)


class CaseNarrativeView(JsonApiView):
    @extend_schema(
        operation_id="narrative_append",
        tags=["cases"],
        parameters=[CASE_ID],
        request=NarrativeAppendSerializer,
        responses={
            201: NarrativeEntrySerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="field_group_not_allowed."),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = NarrativeAppendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.narrative_append(
            actor=acting_user(request), case_id=id, text=data.validated_data["text"]
        )
        return Response(NarrativeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseAccessReportView(JsonApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="person_access_report",
        tags=["cases"],
        parameters=[CASE_ID],
        responses={
            200: AccessEventSerializer(many=True),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer, description="field_group_not_allowed: only the case lead."
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        events = selectors.person_access_report(user=acting_user(request), case_id=id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(events, request, view=self)
        assert page is not None  # noqa: S101 - a page size is configured
        return paginator.get_paginated_response(AccessEventSerializer(page, many=True).data)


urlpatterns: list[URLPattern] = [
    # cases/ and cases/<id>/ (the list, intake and the case read) are composed from
    # the apps' parts: haven.web.api.
    path("cases/<str:id>/transitions/", CaseTransitionView.as_view(), name="case_transition"),
    path("cases/<str:id>/narrative/", CaseNarrativeView.as_view(), name="case_narrative"),
    path(
        "cases/<str:id>/access-report/",
        CaseAccessReportView.as_view(),
        name="case_access_report",
    ),
]
