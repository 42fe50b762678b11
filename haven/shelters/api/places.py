"""Shelter places and capacity under /api/v1/shelters/: the same selectors and
services as the pages. A list never carries an address or coordinates; a place's
``location`` is filled only for its own staff (``selectors.places.place_location``)
and is null for everyone else."""

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
from haven.lib import locking
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    CountedPagination,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)
from haven.shelters import policy, rules
from haven.shelters.models import Bed, BedOutage, OutageReason, Place, PlaceKind, Room
from haven.shelters.selectors import capacity
from haven.shelters.selectors import places as selectors
from haven.shelters.services import places as services

ID = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The id.")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="place_not_allowed: only the staff of an organisation that runs "
    "accommodation keep places (and the national coordinator lists the country's).",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="place_not_found / bed_not_found: no such place or bed, or not yours.",
)
IN_USE = OpenApiResponse(
    ErrorSerializer,
    description="place_in_use: someone lives there or a request holds one of its beds; "
    "edit_conflict: the place changed since the version you read.",
)
EDIT_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="edit_conflict (field version): the place was changed since the version "
    "you read; nothing was saved.",
)
NO_PAGE = OpenApiResponse(DetailSerializer, description="No such page.")
CAPACITY_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="capacity_not_allowed: only the national coordinator and the "
    "organisations that run places read capacity.",
)


@extend_schema_field({"type": "string", "enum": PlaceKind.values}, component_name="PlaceKind")
class PlaceKindField(NamedChoiceField):
    CHOICES = PlaceKind.values


@extend_schema_field(
    {"type": "string", "enum": [a.value for a in rules.Accepts]}, component_name="PlaceAccepts"
)
class AcceptsField(NamedChoiceField):
    CHOICES = [a.value for a in rules.Accepts]


@extend_schema_field(
    {"type": "string", "enum": OutageReason.values}, component_name="BedOutageReason"
)
class OutageReasonField(NamedChoiceField):
    CHOICES = OutageReason.values


class PlaceRowSerializer(serializers.Serializer[Any]):
    """A place on a list: never its address or coordinates."""

    id = serializers.UUIDField(source="place.id")
    organisation_name = serializers.CharField(source="place.organisation.name")
    name = serializers.CharField(source="place.name")
    kind = PlaceKindField(source="place.kind")
    region = serializers.CharField(source="place.region")
    accepts = serializers.ListField(source="place.accepts", child=AcceptsField())
    wheelchair_access = serializers.BooleanField(source="place.wheelchair_access")
    disability_access = serializers.BooleanField(source="place.disability_access")
    security_level = serializers.IntegerField(source="place.security_level")
    languages = serializers.ListField(source="place.languages", child=serializers.CharField())
    active = serializers.BooleanField(source="place.active")
    beds_in_service = serializers.IntegerField(source="beds")
    held = serializers.IntegerField()
    free = serializers.IntegerField()


class LocationSerializer(serializers.Serializer[Any]):
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class OutageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    bed_id = serializers.IntegerField()
    reason = OutageReasonField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)


class BedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="bed.id")
    label = serializers.CharField(source="bed.label")  # type: ignore[assignment]  # a field named like Field.label
    out_of_service = OutageSerializer(source="outage", allow_null=True)
    next_out_of_service = OutageSerializer(source="coming", allow_null=True)


class RoomSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="room.id")
    name = serializers.CharField(source="room.name")
    beds = BedSerializer(many=True)


class PlaceDetailSerializer(PlaceRowSerializer):
    staffed_hours = serializers.CharField(source="place.staffed_hours")
    emergency_contact = serializers.CharField(source="place.emergency_contact")
    version = serializers.IntegerField(
        source="place.version", help_text="Send it back when changing the place."
    )
    rooms = RoomSerializer(many=True)
    location = LocationSerializer(
        allow_null=True,
        help_text="Location data: only for the place's own staff; null for everyone else.",
    )


class PlaceWriteSerializer(serializers.Serializer[Any]):
    # Malformed values reach the service, which answers with its field errors.
    name = serializers.CharField(allow_blank=True, max_length=300)
    kind = serializers.CharField(max_length=30)
    region = serializers.CharField(allow_blank=True, max_length=100)
    accepts = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list
    )
    wheelchair_access = serializers.BooleanField(required=False, default=False)
    disability_access = serializers.BooleanField(required=False, default=False)
    security_level = serializers.IntegerField(required=False, default=1)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        default=list,
        help_text="ISO 639-1 codes: two small letters, such as en or ru.",
    )
    staffed_hours = serializers.CharField(allow_blank=True, required=False, default="")
    emergency_contact = serializers.CharField(allow_blank=True, required=False, default="")
    address = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="Location data."
    )
    latitude = serializers.FloatField(allow_null=True, required=False, default=None)
    longitude = serializers.FloatField(allow_null=True, required=False, default=None)


class PlacePatchSerializer(PlaceWriteSerializer):
    """Only the fields sent change; ``version`` is required."""

    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version you read. If the place was changed "
        "since, the answer is 409 edit_conflict and nothing is saved.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class RoomWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(allow_blank=True, max_length=200)


class RoomCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BedsWriteSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="1 to 50 beds at once.")


class BedRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    retired_at = serializers.DateTimeField(allow_null=True)


class OutageWriteSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=20)
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Empty: from now."
    )
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Empty: until put back."
    )


class CountSerializer(serializers.Serializer[Any]):
    beds_in_service = serializers.IntegerField(source="beds")
    held = serializers.IntegerField()
    free = serializers.IntegerField()


class NowRowSerializer(serializers.Serializer[Any]):
    region = serializers.CharField()
    kind = PlaceKindField()
    count = CountSerializer()


class RegionCountSerializer(CountSerializer):
    region = serializers.CharField(help_text="A region's name, or total.")


class DaySerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    counts = RegionCountSerializer(many=True)


class CapacitySerializer(serializers.Serializer[Any]):
    now = NowRowSerializer(many=True)
    regions = serializers.ListField(child=serializers.CharField())
    days = DaySerializer(many=True)


class CapacityQuerySerializer(serializers.Serializer[Any]):
    weeks = serializers.IntegerField(
        min_value=1, max_value=capacity.MAX_WEEKS, required=False, default=capacity.DEFAULT_WEEKS
    )


def _detail_body(request: Request, place_id: object) -> Any:
    user = acting_user(request)
    detail = selectors.place_detail(user=user, place_id=str(place_id))
    body = {
        "place": detail.row.place,
        "beds": detail.row.beds,
        "held": detail.row.held,
        "free": detail.row.free,
        "rooms": detail.rooms,
        "location": selectors.place_location(user=user, place=detail.row.place),
    }
    return PlaceDetailSerializer(body).data


def _input(values: dict[str, Any]) -> services.PlaceInput:
    return services.PlaceInput(**values)


class PlacesView(JsonApiView):
    pagination_class = CountedPagination

    @extend_schema(
        operation_id="shelter_places_list",
        tags=["shelters"],
        description="A provider's own places (closed ones last), or (the national "
        "coordinator) every open place of the country, a page at a time. Never an "
        "address or coordinates.",
        responses={
            200: PlaceRowSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NO_PAGE,
        },
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        paginator = self.pagination_class()
        number, per_page = paginator.page_number(request), paginator.per_page()
        if policy.may_keep_places(user):
            page = selectors.places_of_my_organisation(user=user, number=number, per_page=per_page)
        else:
            page = selectors.places_of_country(user=user, number=number, per_page=per_page)
        return paginator.response_for(
            request, page, PlaceRowSerializer(page.object_list, many=True).data
        )

    @extend_schema(
        operation_id="shelter_place_create",
        tags=["shelters"],
        request=PlaceWriteSerializer,
        responses={
            201: PlaceDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def post(self, request: Request) -> Response:
        data = PlaceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        place = services.place_create(
            actor=acting_user(request), data=_input(dict(data.validated_data))
        )
        return Response(_detail_body(request, place.pk), status=status.HTTP_201_CREATED)


class PlaceView(JsonApiView):
    @extend_schema(
        operation_id="shelter_place_read",
        tags=["shelters"],
        parameters=[ID],
        responses={200: PlaceDetailSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_detail_body(request, id))

    @extend_schema(
        operation_id="shelter_place_update",
        tags=["shelters"],
        parameters=[ID],
        request=PlacePatchSerializer,
        description="Change the fields sent, on the version read.",
        responses={
            200: PlaceDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: EDIT_CONFLICT,
        },
    )
    def patch(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        data = PlacePatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = dict(data.validated_data)
        version = sent.pop("version")
        place: Place = selectors.place_for(user=user, place_id=id)
        values = {name: getattr(place, name) for name in services.PLACE_FIELDS}
        values.update(sent)
        services.place_update(actor=user, place_id=place.pk, data=_input(values), version=version)
        return Response(_detail_body(request, place.pk))


class PlaceCloseView(JsonApiView):
    @extend_schema(
        operation_id="shelter_place_close",
        tags=["shelters"],
        parameters=[ID],
        request=None,
        description="Close the place: it leaves every search and count, and stays on record.",
        responses={
            200: PlaceDetailSerializer,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: IN_USE,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        place = services.place_deactivate(actor=acting_user(request), place_id=id)
        return Response(_detail_body(request, place.pk))


class RoomsView(JsonApiView):
    @extend_schema(
        operation_id="shelter_room_create",
        tags=["shelters"],
        parameters=[ID],
        request=RoomWriteSerializer,
        responses={
            201: RoomCreatedSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = RoomWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room: Room = services.room_add(
            actor=acting_user(request), place_id=id, name=data.validated_data["name"]
        )
        return Response(RoomCreatedSerializer(room).data, status=status.HTTP_201_CREATED)


class BedsView(JsonApiView):
    @extend_schema(
        operation_id="shelter_beds_create",
        tags=["shelters"],
        parameters=[ID],
        request=BedsWriteSerializer,
        description="Add beds to a room (its id in the path), numbered on from its beds.",
        responses={
            201: BedRowSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = BedsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        beds = services.beds_add(
            actor=acting_user(request), room_id=id, count=data.validated_data["count"]
        )
        return Response(BedRowSerializer(beds, many=True).data, status=status.HTTP_201_CREATED)


class BedRetireView(JsonApiView):
    @extend_schema(
        operation_id="shelter_bed_retire",
        tags=["shelters"],
        parameters=[ID],
        request=None,
        responses={200: BedRowSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def post(self, request: Request, id: str) -> Response:
        bed: Bed = services.bed_retire(actor=acting_user(request), bed_id=id)
        return Response(BedRowSerializer(bed).data)


class BedOutagesView(JsonApiView):
    @extend_schema(
        operation_id="shelter_bed_out_of_service",
        tags=["shelters"],
        parameters=[ID],
        request=OutageWriteSerializer,
        description="Take a bed out of service from now or starts_at (at most 30 days "
        "back, or ahead) until ends_at or until it is put back.",
        responses={
            201: OutageSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = OutageWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outage: BedOutage = services.bed_out_of_service(
            actor=acting_user(request), bed_id=id, **data.validated_data
        )
        return Response(OutageSerializer(outage).data, status=status.HTTP_201_CREATED)


class BedInServiceView(JsonApiView):
    @extend_schema(
        operation_id="shelter_bed_back_in_service",
        tags=["shelters"],
        parameters=[ID],
        request=None,
        responses={200: BedRowSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def post(self, request: Request, id: str) -> Response:
        bed: Bed = services.bed_back_in_service(actor=acting_user(request), bed_id=id)
        return Response(BedRowSerializer(bed).data)


class CapacityView(JsonApiView):
    @extend_schema(
        operation_id="shelter_capacity",
        tags=["shelters"],
        parameters=[CapacityQuerySerializer],
        description="Beds in service, held and free now per region and kind, and at the "
        "end of each day of the last weeks per region and in total. Counts only.",
        responses={
            200: CapacitySerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: CAPACITY_FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        query = CapacityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = capacity.capacity_now(user=user)
        history = capacity.capacity_history(user=user, weeks=query.validated_data["weeks"])
        body = {
            "now": now,
            "regions": history.regions,
            "days": [
                {
                    "day": day.day,
                    "counts": [
                        {"region": key, **vars(day.counts[key])}
                        for key in [*history.regions, capacity.TOTAL]
                    ],
                }
                for day in history.days
            ],
        }
        return Response(CapacitySerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("shelters/places/", PlacesView.as_view(), name="shelter_places"),
    path("shelters/places/<str:id>/", PlaceView.as_view(), name="shelter_place"),
    path("shelters/places/<str:id>/close/", PlaceCloseView.as_view(), name="shelter_place_close"),
    path("shelters/places/<str:id>/rooms/", RoomsView.as_view(), name="shelter_rooms"),
    path("shelters/rooms/<str:id>/beds/", BedsView.as_view(), name="shelter_beds"),
    path("shelters/beds/<str:id>/retire/", BedRetireView.as_view(), name="shelter_bed_retire"),
    path("shelters/beds/<str:id>/outages/", BedOutagesView.as_view(), name="shelter_bed_outages"),
    path(
        "shelters/beds/<str:id>/in-service/",
        BedInServiceView.as_view(),
        name="shelter_bed_in_service",
    ),
    path("shelters/capacity/", CapacityView.as_view(), name="shelter_capacity"),
]
