"""The parties of a case under /api/v1/ (legal group; R-38): the same services
and selectors as the pages.

The parties of a case, each with the other cases sharing it that the caller may
read with the legal group (through the case gate, audited) and a count of the
rest; search before create; link an existing party or a new one; change the
roles; unlink; a party with the cases it links that the caller may read. A case
or party the caller may not know about is a 404 identical to a missing one.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils.translation import gettext as _
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
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.justice import selectors_parties as selectors
from haven.justice import services_parties as services
from haven.justice.models import IsicSection, PartyAgeGroup, PartyKind, PartyRole, PartySex
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)

DESCRIPTION = (
    "Offenders, employers, recruiters, users of the person's services (Directive "
    "2011/36/EU Art. 18a) and other parties, linked across cases. Legal group. The "
    "other cases sharing a party are listed only where you may read them with the "
    "legal group; the others are only counted."
)
GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group; "
    "break_glass_read_only: emergency access never writes.",
)
LINK_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="case_not_found or party_not_found: the same answer for a missing one and "
    "one hidden from you.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="party_already_linked, party_registration_known (link the known party "
    "instead), person_erased or case_merged.",
)
LINK_ID = OpenApiParameter(
    "link_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The party's link id."
)
PARTY_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The party's id."
)


@extend_schema_field({"type": "string", "enum": PartyRole.values}, component_name="PartyRole")
class PartyRoleField(NamedChoiceField):
    CHOICES = PartyRole.values


@extend_schema_field({"type": "string", "enum": PartyKind.values}, component_name="PartyKind")
class PartyKindField(NamedChoiceField):
    CHOICES = PartyKind.values


@extend_schema_field({"type": "string", "enum": PartySex.values}, component_name="PartySex")
class PartySexField(NamedChoiceField):
    CHOICES = PartySex.values


@extend_schema_field(
    {"type": "string", "enum": PartyAgeGroup.values}, component_name="PartyAgeGroup"
)
class PartyAgeGroupField(NamedChoiceField):
    CHOICES = PartyAgeGroup.values


@extend_schema_field(
    {"type": "string", "enum": ["", *IsicSection.values]}, component_name="IsicSection"
)
class IsicSectionField(NamedChoiceField):
    CHOICES = ["", *IsicSection.values]


class JusticePartySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = PartyKindField()
    name = serializers.CharField()
    registration_number = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    sector = IsicSectionField(help_text="ISIC Rev. 4 section letter; empty when not known.")
    sector_label = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2.")


class PartyOtherCaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    roles = serializers.ListField(child=PartyRoleField())


class CasePartySerializer(serializers.Serializer[Any]):
    link_id = serializers.UUIDField()
    party = JusticePartySerializer()
    roles = serializers.ListField(child=PartyRoleField(), help_text="HTCDS per_RoleInProcess.")
    sex = PartySexField()
    age_group = PartyAgeGroupField()
    citizenship = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2.")
    shared = PartyOtherCaseSerializer(
        many=True, help_text="The other cases sharing the party that you may read."
    )
    not_shared = serializers.IntegerField(
        help_text="How many other cases share the party that you may not read."
    )


class CasePartiesSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    links = CasePartySerializer(many=True)


class PartyMatchSerializer(serializers.Serializer[Any]):
    party = JusticePartySerializer()
    linked_here = serializers.BooleanField(help_text="Already on this case.")
    cases = serializers.IntegerField(help_text="How many cases it is linked to.")


class PartyLinkWriteSerializer(serializers.Serializer[Any]):
    roles = serializers.ListField(child=PartyRoleField(), min_length=1)
    sex = PartySexField(default=PartySex.UNKNOWN)
    age_group = PartyAgeGroupField(default=PartyAgeGroup.UNKNOWN)
    citizenship = serializers.CharField(allow_blank=True, default="", max_length=2)


class PartyNewSerializer(serializers.Serializer[Any]):
    kind = PartyKindField()
    name = serializers.CharField(max_length=200)
    registration_number = serializers.CharField(allow_blank=True, default="", max_length=60)
    address = serializers.CharField(allow_blank=True, default="", max_length=500)
    sector = IsicSectionField(default="")
    country = serializers.CharField(allow_blank=True, default="", max_length=2)


class PartyLinkCreateSerializer(PartyLinkWriteSerializer):
    party_id = serializers.UUIDField(
        required=False, help_text="A party found by the search; or give new_party."
    )
    new_party = PartyNewSerializer(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("party_id" in attrs) == ("new_party" in attrs):
            raise serializers.ValidationError(_("Give either party_id or new_party."))
        return attrs


class PartyPageSerializer(serializers.Serializer[Any]):
    party = JusticePartySerializer()
    cases = PartyOtherCaseSerializer(many=True, help_text="The cases that you may read.")
    not_shown = serializers.IntegerField(help_text="Its other cases, that you may not read.")


def _link(data: dict[str, Any]) -> services.LinkInput:
    return services.LinkInput(
        roles=list(data["roles"]),
        sex=data["sex"],
        age_group=data["age_group"],
        citizenship=data["citizenship"],
    )


def _case_body(parties: selectors.CaseParties) -> Any:
    return CasePartiesSerializer({"case_id": parties.case.id, "links": parties.links}).data


class CasePartiesView(JsonApiView):
    @extend_schema(
        operation_id="case_parties_read",
        tags=["cases"],
        parameters=[CASE_ID],
        description=DESCRIPTION,
        responses={
            200: CasePartiesSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_case_body(selectors.case_parties(user=acting_user(request), case_id=id)))

    @extend_schema(
        operation_id="case_party_link",
        tags=["cases"],
        parameters=[CASE_ID],
        description=DESCRIPTION + " Search first: a new party whose registration number is "
        "already known is refused.",
        request=PartyLinkCreateSerializer,
        responses={
            201: CasePartiesSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: LINK_NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = PartyLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        new = values.get("new_party")
        services.party_link_create(
            actor=user,
            case_id=id,
            link=_link(values),
            party_id=values.get("party_id"),
            new_party=services.PartyInput(**new) if new else None,
        )
        parties = selectors.case_parties(user=user, case_id=id)
        return Response(_case_body(parties), status=status.HTTP_201_CREATED)


class PartySearchView(JsonApiView):
    @extend_schema(
        operation_id="case_party_search",
        tags=["cases"],
        parameters=[
            CASE_ID,
            OpenApiParameter("name", str, description="The exact name, once normalised."),
            OpenApiParameter("registration_number", str, description="Letters and digits."),
        ],
        description="Search before create: the parties known under this name or "
        "registration number. " + DESCRIPTION,
        responses={
            200: PartyMatchSerializer(many=True),
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        matches = selectors.party_search(
            user=acting_user(request),
            case_id=id,
            name=request.query_params.get("name", "")[:200],
            registration_number=request.query_params.get("registration_number", "")[:60],
        )
        return Response(PartyMatchSerializer(matches, many=True).data)


class CasePartyView(JsonApiView):
    @extend_schema(
        operation_id="case_party_update",
        tags=["cases"],
        parameters=[CASE_ID, LINK_ID],
        description="Change the party's roles on the case. " + DESCRIPTION,
        request=PartyLinkWriteSerializer,
        responses={
            200: CasePartiesSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: LINK_NOT_FOUND,
            409: CONFLICT,
        },
    )
    def put(self, request: Request, id: str, link_id: str) -> Response:
        data = PartyLinkWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        services.party_link_update(
            actor=user, case_id=id, link_id=link_id, link=_link(data.validated_data)
        )
        return Response(_case_body(selectors.case_parties(user=user, case_id=id)))

    @extend_schema(
        operation_id="case_party_unlink",
        tags=["cases"],
        parameters=[CASE_ID, LINK_ID],
        description="Unlink the party from the case; it stays on its other cases. "
        "Answers the case's parties as they are now.",
        responses={
            200: CasePartiesSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: LINK_NOT_FOUND,
            409: CONFLICT,
        },
    )
    def delete(self, request: Request, id: str, link_id: str) -> Response:
        user = acting_user(request)
        services.party_link_remove(actor=user, case_id=id, link_id=link_id)
        return Response(_case_body(selectors.case_parties(user=user, case_id=id)))


class PartyView(JsonApiView):
    @extend_schema(
        operation_id="party_read",
        tags=["cases"],
        parameters=[PARTY_ID],
        description="A party and the cases it links that you may read with the legal group.",
        responses={
            200: PartyPageSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description="party_not_found: the same answer for a missing party and one "
                "none of whose cases you may read.",
            ),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        page = selectors.party_page(user=acting_user(request), party_id=id)
        return Response(PartyPageSerializer(page).data)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/parties/", CasePartiesView.as_view(), name="case_parties"),
    path("cases/<str:id>/parties/search/", PartySearchView.as_view(), name="case_party_search"),
    path("cases/<str:id>/parties/<str:link_id>/", CasePartyView.as_view(), name="case_party"),
    path("parties/<str:id>/", PartyView.as_view(), name="party"),
]
