"""Consents under /api/v1/ (R-20, R-40): the same selectors and services as the
consent pages. Only the case lead's caseworkers and supervisors use them; a
case (or consent) the caller may not know about is a 404 identical to a
missing one, and other team members get a 403 with the reason.

Refusing consent changes nothing in the person's assistance (R-18).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.access import api as access_api
from haven.access import selectors as access_selectors
from haven.access import services as access_services
from haven.access.models import Consent, FieldGroup, GivenBy
from haven.accounts.current import acting_user
from haven.accounts.models import Organisation, OrgType
from haven.cases import selectors
from haven.cases.api.cases import CASE_ID, NOT_FOUND, LanguageCodeField
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

CONSENT_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The consent's id."
)
NOT_LEAD = OpenApiResponse(
    ErrorSerializer,
    description="sharing_not_allowed: only caseworkers and supervisors of the case lead; "
    "the detail names the lead.",
)


class OrganisationRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)


class ConsentSerializer(serializers.Serializer[Any]):
    """One consent as the case lead sees it (``access.selectors.ConsentView``)."""

    id = serializers.UUIDField(source="consent.id")
    recipient_organisation = OrganisationRefSerializer(
        source="consent.recipient_organisation",
        allow_null=True,
        help_text="The one organisation it names; null when it names a type.",
    )
    recipient_org_type = serializers.CharField(
        source="consent.recipient_org_type",
        help_text="The organisation type it names (every organisation of it); empty otherwise.",
    )
    purpose = access_api.PurposeField(source="consent.purpose")
    field_groups = serializers.ListField(
        source="consent.field_groups", child=serializers.ChoiceField(choices=FieldGroup.choices)
    )
    given_on = serializers.DateField(source="consent.given_on")
    given_by = serializers.ChoiceField(source="consent.given_by", choices=GivenBy.choices)
    language = serializers.CharField(source="consent.language")
    information_given = serializers.CharField(source="consent.information_given")
    child_views_recorded = serializers.BooleanField()
    child_views = serializers.CharField(
        allow_null=True,
        help_text="The child's own views; null when none were recorded, when you may not see "
        "them, and in the answer to a withdrawal.",
    )
    recorded_at = serializers.DateTimeField(source="consent.recorded_at")
    recorded_by = serializers.CharField(source="consent.recorded_by.username")
    live = serializers.BooleanField(help_text="False once withdrawn: nothing is shared under it.")
    withdrawn_at = serializers.DateTimeField(source="consent.withdrawn_at", allow_null=True)
    withdrawn_by = serializers.CharField(
        source="consent.withdrawn_by.username", allow_null=True, default=None
    )


class ConsentCreateSerializer(serializers.Serializer[Any]):
    """Name one recipient: an organisation or an organisation type."""

    recipient_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    recipient_org_type = access_api.OrgTypeOrBlankField(required=False, default="")
    purpose = access_api.PurposeField()
    # An empty list reaches the service, which answers with a field error.
    field_groups = serializers.ListField(child=serializers.ChoiceField(choices=FieldGroup.choices))
    given_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today when left out."
    )
    given_by = serializers.ChoiceField(
        choices=GivenBy.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the person, and to the guardian for a child; for a child only "
        "the guardian may give consent (R-11, R-25).",
    )
    language = LanguageCodeField(help_text="The language the person was informed in.")
    # Blank text reaches the service, which answers with a field error.
    information_given = serializers.CharField(allow_blank=True, max_length=10000)
    child_views = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10000,
        help_text="A child's own views, beside the guardian's decision.",
    )


def _created_view(consent: Consent, child_views: str) -> access_selectors.ConsentView:
    recorded = bool(child_views.strip())
    return access_selectors.ConsentView(
        consent, child_views.strip() if recorded else None, recorded
    )


class CaseConsentsView(JsonApiView):
    @extend_schema(
        operation_id="consent_list",
        tags=["sharing"],
        parameters=[CASE_ID],
        responses={
            200: ConsentSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_LEAD,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        case, context = selectors.case_get_with_context(user=user, case_id=id)
        consents = access_selectors.consent_list(
            user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
        )
        return Response(ConsentSerializer(consents, many=True).data)

    @extend_schema(
        operation_id="consent_record",
        tags=["sharing"],
        parameters=[CASE_ID],
        request=ConsentCreateSerializer,
        responses={
            201: ConsentSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_LEAD,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="person_erased."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ConsentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        case, context = selectors.case_get_with_context(user=user, case_id=id)
        access_selectors.consent_access_check(user=user, context=context)
        child = case.person.treat_as_child
        arguments = dict(data.validated_data)
        arguments["given_on"] = arguments["given_on"] or timezone.localdate()
        arguments["given_by"] = arguments["given_by"] or (
            GivenBy.GUARDIAN if child else GivenBy.PERSON
        )
        consent = access_services.consent_record(
            actor=user,
            case_id=case.id,
            person_id=case.person_id,
            data_key=case.person.data_key,
            child=child,
            **arguments,
        )
        body = ConsentSerializer(_created_view(consent, arguments["child_views"])).data
        return Response(body, status=status.HTTP_201_CREATED)


class ConsentWithdrawView(JsonApiView):
    @extend_schema(
        operation_id="consent_withdraw",
        tags=["sharing"],
        parameters=[CONSENT_ID],
        request=None,
        responses={
            200: ConsentSerializer,
            401: UNAUTHENTICATED,
            403: NOT_LEAD,
            404: OpenApiResponse(
                ErrorSerializer,
                description="consent_not_found: the same answer for a missing consent and "
                "one of a case hidden from you.",
            ),
            409: OpenApiResponse(ErrorSerializer, description="consent_already_withdrawn."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        """Takes effect at once: the recipient's next request is refused."""
        user = acting_user(request)
        consent = access_selectors.consent_get(user=user, consent_id=id)
        withdrawn = access_services.consent_withdraw(
            actor=user, consent_id=consent.id, person_id=consent.case.person_id
        )
        recorded = withdrawn.child_views_enc is not None and bool(bytes(withdrawn.child_views_enc))
        view = access_selectors.ConsentView(withdrawn, None, recorded)
        return Response(ConsentSerializer(view).data)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/consents/", CaseConsentsView.as_view(), name="consent_list"),
    path("consents/<str:id>/withdraw/", ConsentWithdrawView.as_view(), name="consent_withdraw"),
]
