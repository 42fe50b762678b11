"""Agreements (MoUs) under /api/v1/ (R-47): the same selectors and services as
the pages under /sharing/. For system administrators, and organisation
administrators of a party (or the national coordinator, for a type of
organisation); others get a 403 with the reason. An agreement is proposed,
approved by every party, or refused; the proposals waiting for the caller are
listed apart. The national coordinator's list of legal bases is in ``legal_bases``.

The access app never imports domain apps, so its small JSON view base is here.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
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

from haven.access import selectors, services
from haven.access.api import legal_bases
from haven.access.models import Agreement, FieldGroup, Purpose
from haven.accounts.current import acting_user
from haven.accounts.models import Organisation, OrgType, User
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)


@extend_schema_field({"type": "string", "enum": FieldGroup.values}, component_name="FieldGroup")
class FieldGroupField(NamedChoiceField):
    """A field group, one schema component shared by every app's API."""

    CHOICES = FieldGroup.values


AGREEMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The agreement's id."
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="sharing_not_allowed: only system administrators, and administrators of an "
    "organisation that is a party.",
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="agreement_not_found.")
COUNTRY = r"^[A-Z]{2}$"


@extend_schema_field({"type": "string", "enum": Purpose.values}, component_name="Purpose")
class PurposeField(serializers.ChoiceField):
    """One schema component for every place a purpose appears."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Purpose.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ["", *OrgType.values]}, component_name="OrgTypeOrBlank"
)
class OrgTypeOrBlankField(serializers.ChoiceField):
    """An organisation type, or blank when an organisation is named instead."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrgType.choices, allow_blank=True, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": selectors.AgreementStatus.values}, component_name="AgreementStatus"
)
class AgreementStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=selectors.AgreementStatus.choices, **kwargs)


class OrganisationSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)
    country = serializers.CharField()


class PartySerializer(serializers.Serializer[Any]):
    """One organisation, or (organisation null) every organisation of a type in a
    country, and its approval (null until given)."""

    organisation = OrganisationSerializer(allow_null=True)
    org_type = serializers.CharField(help_text="Empty when an organisation is named.")
    country = serializers.CharField(help_text="Empty: any country.")
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField(
        source="approved_by.username", allow_null=True, default=None
    )


class FlowSerializer(serializers.Serializer[Any]):
    """A data-sharing clause: these groups may flow to this recipient for these purposes."""

    recipient_organisation = OrganisationSerializer(allow_null=True)
    recipient_org_type = serializers.CharField(help_text="Empty when an organisation is named.")
    recipient_country = serializers.CharField(help_text="Empty: any country.")
    purposes = serializers.ListField(child=PurposeField())
    field_groups = serializers.ListField(child=serializers.ChoiceField(choices=FieldGroup.choices))


class AgreementSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    document_reference = serializers.CharField()
    legal_basis = serializers.CharField(
        help_text="The basis in words: the listed basis's citation, or the text recorded "
        "before the national coordinator's list."
    )
    listed_legal_basis = legal_bases.LegalBasisSerializer(allow_null=True)
    consent_required = serializers.BooleanField(
        help_text="False only where the legal basis allows sharing without consent."
    )
    valid_from = serializers.DateField()
    ends_on = serializers.DateField(
        allow_null=True, help_text="The first day it no longer applies."
    )
    status = serializers.SerializerMethodField()
    parties = PartySerializer(many=True, source="parties.all")
    flows = FlowSerializer(many=True, source="flows.all")
    supersedes = serializers.UUIDField(
        source="supersedes_id", allow_null=True, help_text="The agreement this one replaces."
    )
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    ended_by = serializers.CharField(source="ended_by.username", allow_null=True, default=None)
    refused_at = serializers.DateTimeField(allow_null=True)
    refused_by = serializers.CharField(source="refused_by.username", allow_null=True, default=None)
    refusal_reason = serializers.CharField()
    you_approve_for = serializers.SerializerMethodField(
        help_text="The parties (by their place in ``parties``) the caller approves or refuses "
        "for, still waiting for their approval."
    )
    you_may_refuse = serializers.SerializerMethodField()

    @extend_schema_field(AgreementStatusField())
    def get_status(self, agreement: Agreement) -> str:
        return selectors.agreement_status(agreement).value

    # The caller (``context["user"]``) decides these two: the approver rule the
    # services apply, so a client offers what the server will accept.
    def get_you_approve_for(self, agreement: Agreement) -> list[int]:
        user: User = self.context["user"]
        mine = {p.pk for p in selectors.parties_to_approve(user=user, agreement=agreement)}
        return [i for i, p in enumerate(agreement.parties.all()) if p.pk in mine]

    def get_you_may_refuse(self, agreement: Agreement) -> bool:
        user: User = self.context["user"]
        return selectors.may_refuse(user=user, agreement=agreement)


class PartyInputSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    org_type = OrgTypeOrBlankField(required=False, default="")
    country = serializers.RegexField(
        COUNTRY, required=False, allow_blank=True, default="", help_text="ISO 3166-1, e.g. FI."
    )


class FlowInputSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    org_type = OrgTypeOrBlankField(required=False, default="")
    country = serializers.RegexField(
        COUNTRY, required=False, allow_blank=True, default="", help_text="ISO 3166-1, e.g. FI."
    )
    # Empty lists reach the service, which answers with a field error.
    purposes = serializers.ListField(child=PurposeField())
    field_groups = serializers.ListField(child=serializers.ChoiceField(choices=FieldGroup.choices))


class AgreementCreateSerializer(serializers.Serializer[Any]):
    # Blank name and reference reach the service, which answers with field errors.
    name = serializers.CharField(allow_blank=True, max_length=200)
    document_reference = serializers.CharField(allow_blank=True, max_length=200)
    legal_basis = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A legal basis from the national coordinator's list (never free text).",
    )
    supersedes = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The agreement in effect this proposal replaces once every party approved it.",
    )
    consent_required = serializers.BooleanField(required=False, default=True)
    valid_from = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    parties = PartyInputSerializer(many=True)
    flows = FlowInputSerializer(many=True)

    def arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["parties"] = [services.Party(**p) for p in data["parties"]]
        data["flows"] = [services.Flow(**f) for f in data["flows"]]
        data["legal_basis_id"] = data.pop("legal_basis")
        data["supersedes_id"] = data.pop("supersedes")
        return data


class AgreementRefuseSerializer(serializers.Serializer[Any]):
    # A blank reason reaches the service, which answers with a field error.
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class AgreementEndSerializer(serializers.Serializer[Any]):
    ends_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today when left out."
    )


def _agreement_body(user: User, agreement_id: object) -> dict[str, Any]:
    # Read back through the selector: parties and flows in two queries.
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    body: dict[str, Any] = AgreementSerializer(agreement, context={"user": user}).data
    return body


CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="agreement_not_proposed: no longer waiting for approvals; "
    "agreement_already_approved: the caller's parties have approved.",
)


class AgreementListView(JsonApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="agreement_list",
        tags=["sharing"],
        responses={
            200: AgreementSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(DetailSerializer, description="No such page."),
        },
    )
    def get(self, request: Request) -> Response:
        agreements = selectors.agreement_list(user=acting_user(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(agreements, request, view=self)
        assert page is not None  # noqa: S101 - a page size is configured
        body = AgreementSerializer(page, many=True, context={"user": acting_user(request)}).data
        return paginator.get_paginated_response(body)

    @extend_schema(
        operation_id="agreement_create",
        tags=["sharing"],
        request=AgreementCreateSerializer,
        responses={
            201: AgreementSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        data = AgreementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        agreement = services.agreement_propose(actor=user, **data.arguments())
        location = reverse("api:agreement_detail", kwargs={"id": agreement.id})
        return Response(
            _agreement_body(user, agreement.id),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class AgreementDetailView(JsonApiView):
    @extend_schema(
        operation_id="agreement_read",
        tags=["sharing"],
        parameters=[AGREEMENT_ID],
        responses={
            200: AgreementSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_agreement_body(acting_user(request), id))


class AgreementEndView(JsonApiView):
    @extend_schema(
        operation_id="agreement_end",
        tags=["sharing"],
        parameters=[AGREEMENT_ID],
        request=AgreementEndSerializer,
        responses={
            200: AgreementSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer, description="agreement_ended; agreement_not_in_effect."
            ),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        """Access under the agreement stops on ``ends_on``."""
        data = AgreementEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        agreement = selectors.agreement_get(user=user, agreement_id=id)
        services.agreement_end(
            actor=user, agreement_id=agreement.id, ends_on=data.validated_data["ends_on"]
        )
        return Response(_agreement_body(user, agreement.id))


class AgreementAwaitingView(JsonApiView):
    @extend_schema(
        operation_id="agreement_awaiting",
        tags=["sharing"],
        responses={200: AgreementSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        """Proposals waiting for the caller's approval, for a party they speak for."""
        user = acting_user(request)
        selectors.agreements_admin_check(user=user)
        agreements = selectors.agreements_awaiting(user=user)
        return Response(AgreementSerializer(agreements, many=True, context={"user": user}).data)


class AgreementApproveView(JsonApiView):
    @extend_schema(
        operation_id="agreement_approve",
        tags=["sharing"],
        parameters=[AGREEMENT_ID],
        request=None,
        responses={
            200: AgreementSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        """Approve for every party the caller speaks for; the last approval puts it in effect."""
        user = acting_user(request)
        agreement = selectors.agreement_get(user=user, agreement_id=id)
        services.agreement_approve(actor=user, agreement_id=agreement.id)
        return Response(_agreement_body(user, agreement.id))


class AgreementRefuseView(JsonApiView):
    @extend_schema(
        operation_id="agreement_refuse",
        tags=["sharing"],
        parameters=[AGREEMENT_ID],
        request=AgreementRefuseSerializer,
        responses={
            200: AgreementSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        """Refuse a proposal, with the reason: it never applies."""
        data = AgreementRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        agreement = selectors.agreement_get(user=user, agreement_id=id)
        services.agreement_refuse(
            actor=user, agreement_id=agreement.id, reason=data.validated_data["reason"]
        )
        return Response(_agreement_body(user, agreement.id))


urlpatterns: list[URLPattern] = [
    path("agreements/", AgreementListView.as_view(), name="agreement_list"),
    path("agreements/awaiting/", AgreementAwaitingView.as_view(), name="agreement_awaiting"),
    path("agreements/<str:id>/", AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<str:id>/end/", AgreementEndView.as_view(), name="agreement_end"),
    path("agreements/<str:id>/approve/", AgreementApproveView.as_view(), name="agreement_approve"),
    path("agreements/<str:id>/refuse/", AgreementRefuseView.as_view(), name="agreement_refuse"),
    *legal_bases.urlpatterns,
]
