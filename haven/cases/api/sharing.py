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
from django.utils.translation import gettext as _
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
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    BadRequestSerializer,
    ErrorSerializer,
    JsonApiView,
)

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


class CannotFlowSerializer(serializers.Serializer[Any]):
    """A kind of information the consent names that no agreement lets flow to its
    recipient (R-47): the consent alone shares nothing of it."""

    field_group = access_api.FieldGroupField()
    reason = serializers.CharField(help_text="Why, and who can make the agreement that is missing.")


class ConsentCreatedSerializer(ConsentSerializer):
    cannot_flow = CannotFlowSerializer(
        many=True,
        help_text="The chosen kinds of information that no cooperation agreement in force lets "
        "flow from the case lead to the recipient for the purpose; empty when all can.",
    )


class LegalBasisFlowSerializer(serializers.Serializer[Any]):
    """A clause that lets data flow without consent (``access.selectors.LegalBasisFlow``)."""

    agreement = serializers.CharField()
    legal_basis = serializers.CharField()
    recipient = serializers.CharField(help_text="The organisation, or every one of a type.")
    team_members = serializers.ListField(
        child=serializers.CharField(), help_text="The case team's members it reaches today."
    )
    field_groups = serializers.ListField(child=serializers.CharField(), help_text="Labels.")
    purposes = serializers.ListField(child=serializers.CharField(), help_text="Labels.")
    ends_on = serializers.DateField(allow_null=True)


class ConsentOptionsSerializer(serializers.Serializer[Any]):
    """Who can consent for the person now, and for a child without a guardian what
    the law allows meanwhile (R-11, R-25)."""

    treat_as_child = serializers.BooleanField()
    guardian_appointed = serializers.BooleanField(
        help_text="For a child: whether a guardian or representative is appointed today."
    )
    given_by = serializers.ListField(
        child=serializers.ChoiceField(choices=GivenBy.choices),
        help_text="Who may give consent now; empty for a child without a guardian: nobody "
        "can, and the child's own views are recorded instead (child-views).",
    )
    detail = serializers.CharField(help_text="The same in plain words.")
    legal_basis_flows = LegalBasisFlowSerializer(
        many=True,
        help_text="What can flow without consent: agreements in force, signed by the case "
        "lead, whose legal basis needs none.",
    )


class ChildViewsSerializer(serializers.Serializer[Any]):
    """A child's own views heard while no guardian was appointed: not a consent."""

    id = serializers.UUIDField(source="record.id")
    recipient_organisation = OrganisationRefSerializer(
        source="record.recipient_organisation", allow_null=True
    )
    recipient_org_type = serializers.CharField(source="record.recipient_org_type")
    purpose = access_api.PurposeField(source="record.purpose")
    field_groups = serializers.ListField(
        source="record.field_groups", child=serializers.ChoiceField(choices=FieldGroup.choices)
    )
    heard_on = serializers.DateField(source="record.heard_on")
    language = serializers.CharField(source="record.language")
    information_given = serializers.CharField(source="record.information_given")
    views = serializers.CharField(
        allow_null=True, help_text="The child's words; null when you may not see them."
    )
    recorded_at = serializers.DateTimeField(source="record.recorded_at")
    recorded_by = serializers.CharField(source="record.recorded_by.username")


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


class ChildViewsCreateSerializer(serializers.Serializer[Any]):
    """What the child was asked about (one recipient, a purpose, kinds), and their words."""

    recipient_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    recipient_org_type = access_api.OrgTypeOrBlankField(required=False, default="")
    purpose = access_api.PurposeField()
    field_groups = serializers.ListField(child=serializers.ChoiceField(choices=FieldGroup.choices))
    heard_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today when left out."
    )
    language = LanguageCodeField(help_text="The language the child was heard in.")
    information_given = serializers.CharField(allow_blank=True, max_length=10000)
    views = serializers.CharField(allow_blank=True, max_length=10000)


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
            201: ConsentCreatedSerializer,
            400: OpenApiResponse(
                BadRequestSerializer,
                description="Invalid input: sharing_invalid with the field; "
                "guardian_not_appointed (field given_by) for a child who has no guardian or "
                "representative yet: nobody can consent, record the child's views instead "
                "(R-11, R-25).",
            ),
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
        case, context = selectors.case_get_with_context(user=user, case_id=id, writing=True)
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
        view = _created_view(consent, arguments["child_views"])
        cannot_flow = access_selectors.consent_cannot_flow(
            context=context,
            purpose=consent.purpose,
            field_groups=consent.field_groups,
            recipient_organisation=consent.recipient_organisation,
            recipient_org_type=consent.recipient_org_type,
        )
        created = {
            "consent": view.consent,
            "child_views": view.child_views,
            "child_views_recorded": view.child_views_recorded,
            "live": view.live,
            "cannot_flow": cannot_flow,
        }
        body = ConsentCreatedSerializer(created).data
        return Response(body, status=status.HTTP_201_CREATED)


class ConsentOptionsView(JsonApiView):
    @extend_schema(
        operation_id="consent_options",
        tags=["sharing"],
        parameters=[CASE_ID],
        responses={
            200: ConsentOptionsSerializer,
            401: UNAUTHENTICATED,
            403: NOT_LEAD,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        """Who can consent now; for a child without a guardian, nobody, and what can
        flow meanwhile on a legal basis (R-11, R-25)."""
        user = acting_user(request)
        case, context = selectors.case_get_with_context(user=user, case_id=id)
        access_selectors.consent_access_check(user=user, context=context)
        child = case.person.treat_as_child
        guardian = child and access_selectors.guardian_appointed(case_id=case.id)
        if not child:
            given_by = [GivenBy.PERSON.value, GivenBy.GUARDIAN.value]
            detail = _("The person gives consent (or their guardian or representative).")
        elif guardian:
            given_by = [GivenBy.GUARDIAN.value]
            detail = _(
                "The person is treated as a child: their guardian or representative gives "
                "consent, with the child's own views beside it."
            )
        else:
            given_by = []
            detail = _(
                "No guardian or representative is appointed for this child yet, so nobody can "
                "give consent for them. Record the child's own views; meanwhile only sharing "
                "that rests on a legal basis can flow."
            )
        flows = (
            access_selectors.legal_basis_flows(context=context) if child and not guardian else []
        )
        body = {
            "treat_as_child": child,
            "guardian_appointed": guardian,
            "given_by": given_by,
            "detail": detail,
            "legal_basis_flows": flows,
        }
        return Response(ConsentOptionsSerializer(body).data)


class ChildViewsView(JsonApiView):
    @extend_schema(
        operation_id="child_views_list",
        tags=["sharing"],
        parameters=[CASE_ID],
        responses={
            200: ChildViewsSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_LEAD,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        case, context = selectors.case_get_with_context(user=user, case_id=id)
        views = access_selectors.child_views_list(
            user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
        )
        return Response(ChildViewsSerializer(views, many=True).data)

    @extend_schema(
        operation_id="child_views_record",
        tags=["sharing"],
        parameters=[CASE_ID],
        request=ChildViewsCreateSerializer,
        responses={
            201: ChildViewsSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_LEAD,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="person_erased."),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        """A child's own views on a sharing they were asked about, while no guardian
        is appointed (R-11, R-25). Not a consent: nothing is shared on it."""
        data = ChildViewsCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        case, context = selectors.case_get_with_context(user=user, case_id=id, writing=True)
        access_selectors.consent_access_check(user=user, context=context)
        arguments = dict(data.validated_data)
        arguments["heard_on"] = arguments["heard_on"] or timezone.localdate()
        record = access_services.child_views_record(
            actor=user,
            case_id=case.id,
            person_id=case.person_id,
            data_key=case.person.data_key,
            child=case.person.treat_as_child,
            **arguments,
        )
        view = access_selectors.ChildViewsView(record, arguments["views"].strip())
        return Response(ChildViewsSerializer(view).data, status=status.HTTP_201_CREATED)


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
    path("cases/<str:id>/consent-options/", ConsentOptionsView.as_view(), name="consent_options"),
    path("cases/<str:id>/child-views/", ChildViewsView.as_view(), name="child_views"),
    path("consents/<str:id>/withdraw/", ConsentWithdrawView.as_view(), name="consent_withdraw"),
]
