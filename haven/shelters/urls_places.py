"""The place and capacity pages, under /shelters/."""

from django.urls import path

from haven.shelters.views import capacity, places

app_name = "shelters_places"

urlpatterns = [
    path("places/", places.place_list, name="place_list"),
    path("places/new/", places.place_new, name="place_new"),
    path("places/<uuid:place_id>/", places.place_detail, name="place_detail"),
    path("places/<uuid:place_id>/edit/", places.place_edit, name="place_edit"),
    path("places/<uuid:place_id>/rooms/", places.room_new, name="room_new"),
    path("places/<uuid:place_id>/close/", places.place_deactivate, name="place_deactivate"),
    path("places/rooms/<int:room_id>/beds/", places.beds_new, name="beds_new"),
    path("places/beds/<int:bed_id>/retire/", places.bed_retire, name="bed_retire"),
    path(
        "places/beds/<int:bed_id>/out-of-service/",
        places.bed_out_of_service,
        name="bed_out_of_service",
    ),
    path(
        "places/beds/<int:bed_id>/in-service/",
        places.bed_back_in_service,
        name="bed_back_in_service",
    ),
    path("capacity/", capacity.capacity_page, name="capacity"),
    path("capacity/capacity.csv", capacity.capacity_csv, name="capacity_csv"),
]
