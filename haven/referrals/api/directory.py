"""The service directory under /api/v1/: search (every member of an organisation),
and the writes of an organisation's administrator. The same selectors and
services as the pages. The directory holds no personal data."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.assistance.catalogue import ServiceType
from haven.lib import locking
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
)
from haven.referrals.models import DirectoryEntry, TargetGroup
from haven.referrals.selectors import directory as selectors
from haven.referrals.services import directory as services

ENTRY_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The entry's id."
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="directory_not_allowed: only the organisation's administrator (or a system "
    "administrator) writes its entries; only members of an organisation read the directory.",
)
READ_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="directory_not_allowed: only members of an organisation read the directory.",
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="directory_entry_not_found.")
EDIT_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="edit_conflict (field version): the entry was changed since the version "
    "you read; nothing was saved, read it again and send your change on the new version.",
)
LANGUAGE_HELP = "ISO 639-1 code: two small letters, such as en or ru."


class LanguageSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=LANGUAGE_HELP)
    name = serializers.CharField(help_text="Its name where known; else the code.")


class EntrySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="entry.id")
    organisation_id = serializers.IntegerField(source="entry.organisation_id")
    organisation_name = serializers.CharField(source="entry.organisation.name")
    service_type = serializers.ChoiceField(source="entry.service_type", choices=ServiceType.choices)
    title = serializers.CharField(source="entry.title")
    description = serializers.CharField(source="entry.description")
    region = serializers.CharField(source="entry.region", help_text="Empty: the whole country.")
    languages = LanguageSerializer(many=True)
    target_groups = serializers.ListField(
        source="entry.target_groups", child=serializers.ChoiceField(choices=TargetGroup.choices)
    )
    hours = serializers.CharField(source="entry.hours")
    emergency_contact = serializers.CharField(source="entry.emergency_contact")
    capacity_notes = serializers.CharField(source="entry.capacity_notes")
    active = serializers.BooleanField(source="entry.active")
    confirmed_at = serializers.DateTimeField(source="entry.confirmed_at")
    stale = serializers.BooleanField(
        help_text="Not confirmed for HAVEN_DIRECTORY_STALE_DAYS: may be out of date."
    )
    version = serializers.IntegerField(
        source="entry.version", help_text="Send it back when changing the entry."
    )


class SearchSerializer(serializers.Serializer[Any]):
    need = serializers.ChoiceField(choices=ServiceType.choices, required=False)
    region = serializers.CharField(
        required=False, max_length=100, help_text="Entries for the whole country always match."
    )
    language = serializers.RegexField(r"^[a-z]{2}$", required=False, help_text=LANGUAGE_HELP)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    include_stale = serializers.BooleanField(required=False, default=True)


class EntryWriteSerializer(serializers.Serializer[Any]):
    # Blank and malformed values reach the service, which answers with its field errors.
    service_type = serializers.CharField(max_length=30)
    title = serializers.CharField(allow_blank=True, max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    region = serializers.CharField(allow_blank=True, required=False, default="", max_length=100)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        default=list,
        help_text=LANGUAGE_HELP,
    )
    target_groups = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list
    )
    hours = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    emergency_contact = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=200
    )
    capacity_notes = serializers.CharField(allow_blank=True, required=False, default="")


class EntryUpdateSerializer(EntryWriteSerializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version you read. If the entry was changed "
        "since, the answer is 409 edit_conflict and nothing is saved.",
    )


def _body(entry: DirectoryEntry) -> Any:
    row = selectors.directory_row(entry)
    return EntrySerializer(row).data


class DirectoryView(JsonApiView):
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="directory_search",
        tags=["referrals"],
        parameters=[SearchSerializer],
        responses={
            200: EntrySerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: READ_FORBIDDEN,
            404: OpenApiResponse(DetailSerializer, description="No such page."),
        },
    )
    def get(self, request: Request) -> Response:
        selectors.require_reader(user=acting_user(request))
        query = SearchSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        rows = selectors.directory_search(
            need=values.get("need"),
            region=values.get("region"),
            language=values.get("language"),
            target_group=values.get("target_group"),
            include_stale=values["include_stale"],
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(EntrySerializer(page, many=True).data)

    @extend_schema(
        operation_id="directory_entry_create",
        tags=["referrals"],
        request=EntryWriteSerializer,
        responses={201: EntrySerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        data = EntryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.directory_entry_create(
            actor=acting_user(request), data=services.EntryInput(**data.validated_data)
        )
        return Response(_body(entry), status=status.HTTP_201_CREATED)


class DirectoryEntryView(JsonApiView):
    @extend_schema(
        operation_id="directory_entry_update",
        tags=["referrals"],
        parameters=[ENTRY_ID],
        request=EntryUpdateSerializer,
        description="Replace the entry's details; saving also confirms it as current.",
        responses={
            200: EntrySerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: EDIT_CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = EntryUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        entry = services.directory_entry_update(
            actor=acting_user(request),
            entry_id=id,
            data=services.EntryInput(**values),
            version=version,
        )
        return Response(_body(entry))


class DirectoryConfirmView(JsonApiView):
    @extend_schema(
        operation_id="directory_entry_confirm",
        tags=["referrals"],
        parameters=[ENTRY_ID],
        request=None,
        description="The entry is still current: it is no longer stale.",
        responses={200: EntrySerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, id: str) -> Response:
        entry = services.directory_entry_confirm(actor=acting_user(request), entry_id=id)
        return Response(_body(entry))


urlpatterns: list[URLPattern] = [
    path("directory/", DirectoryView.as_view(), name="directory"),
    path("directory/<str:id>/", DirectoryEntryView.as_view(), name="directory_entry"),
    path("directory/<str:id>/confirm/", DirectoryConfirmView.as_view(), name="directory_confirm"),
]
