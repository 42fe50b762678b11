"""The place pages: the list (a provider's own places; the national coordinator's
country, without any address), a new place, one place with its rooms and beds and
the forms to keep them, and the edit form. The address and coordinates appear only
on a place's own page, to its own staff (``selectors.places.place_location``).
Plain forms, without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.lib import paging
from haven.lib.errors import EditConflict, InvalidInput
from haven.lib.views import domain_errors, edit_conflict, forbidden, form_error
from haven.shelters import policy
from haven.shelters.errors import BedNotFound
from haven.shelters.forms.places import (
    ACCEPTS_LABELS,
    BedsForm,
    OutageForm,
    PlaceEditForm,
    PlaceForm,
    RoomForm,
)
from haven.shelters.models import Bed, Place, PlaceKind, Room
from haven.shelters.selectors import places as selectors
from haven.shelters.services import places as services


def _accepts(place: Place) -> str:
    return ", ".join(
        str(ACCEPTS_LABELS[value]) for value in place.accepts if value in ACCEPTS_LABELS
    )


@never_cache
@login_required
@require_GET
@domain_errors
def place_list(request: HttpRequest) -> HttpResponse:
    """A provider's own places, or the coordinator's country (never an address), a
    page at a time."""
    user = request_user(request)
    if not policy.may_list_places(user):
        return forbidden(request, reason=str(policy.NOT_PROVIDER.reason))
    keeper = policy.may_keep_places(user)
    number = paging.page_number(request.GET.get("page"))
    page = (
        selectors.places_of_my_organisation(user=user, number=number)
        if keeper
        else selectors.places_of_country(user=user, number=number)
    )
    context = {
        "page": page,
        "rows": [(row, _accepts(row.place)) for row in page.object_list],
        "keeper": keeper,
        "kinds": dict(PlaceKind.choices),
        "nav": "places",
    }
    return render(request, "shelters/places/list.html", context)


@never_cache
@login_required
@domain_errors
def place_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    decision = policy.rule_keep_places(user)
    if not decision.allowed:
        return forbidden(request, reason=str(decision.reason))
    assert user.organisation is not None  # noqa: S101 - the rule checked it
    country = user.organisation.country
    form, status = PlaceForm(country=country), 200
    if request.method == "POST":
        form, status = PlaceForm(request.POST, country=country), 400
        if form.is_valid():
            try:
                place = services.place_create(actor=user, data=form.place_input())
            except InvalidInput as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The place was added. Now add its rooms and beds."))
                return redirect("shelters_places:place_detail", place_id=place.pk)
    return render(
        request, "shelters/places/new.html", {"form": form, "nav": "places"}, status=status
    )


def _detail(
    request: HttpRequest,
    user: User,
    place_id: uuid.UUID,
    *,
    status: int = 200,
    room_form: RoomForm | None = None,
    beds_form: tuple[int, BedsForm] | None = None,
    outage_form: tuple[int, OutageForm] | None = None,
) -> HttpResponse:
    detail = selectors.place_detail(user=user, place_id=place_id)
    place = detail.row.place
    rooms = []
    for room in detail.rooms:
        beds = []
        for bed in room.beds:
            form = OutageForm(auto_id=f"id_bed{bed.bed.pk}_%s")
            if outage_form is not None and outage_form[0] == bed.bed.pk:
                form = outage_form[1]
            beds.append((bed, form))
        added = BedsForm(auto_id=f"id_room{room.room.pk}_%s")
        if beds_form is not None and beds_form[0] == room.room.pk:
            added = beds_form[1]
        rooms.append((room, beds, added))
    context: dict[str, Any] = {
        "detail": detail,
        "place": place,
        "accepts": _accepts(place),
        "location": selectors.place_location(user=user, place=place),
        "rooms": rooms,
        "room_form": room_form or RoomForm(),
        "nav": "places",
    }
    return render(request, "shelters/places/detail.html", context, status=status)


@never_cache
@login_required
@require_GET
@domain_errors
def place_detail(request: HttpRequest, place_id: uuid.UUID) -> HttpResponse:
    return _detail(request, request_user(request), place_id)


@never_cache
@login_required
@domain_errors
def place_edit(request: HttpRequest, place_id: uuid.UUID) -> HttpResponse:
    """GET: the place's form; POST: save it on the version read."""
    user = request_user(request)
    place = selectors.place_for(user=user, place_id=place_id)
    if not policy.may_manage_place(user, place):
        return forbidden(request, reason=str(policy.NOT_STAFF.reason))
    country = place.organisation.country
    form: PlaceForm = PlaceEditForm.for_place(place)
    status, conflict = 200, None
    if request.method == "POST":
        form, status = PlaceEditForm(request.POST, country=country), 400
        if form.is_valid():
            try:
                services.place_update(
                    actor=user,
                    place_id=place.pk,
                    data=form.place_input(),
                    version=form.cleaned_data["version"],
                )
            except EditConflict as exc:
                place = selectors.place_for(user=user, place_id=place_id)
                data, conflict = edit_conflict(
                    exc, data=request.POST, version=place.version, saved=_saved(place)
                )
                form, status = PlaceEditForm(data, country=country), 409
            except InvalidInput as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The place was saved."))
                return redirect("shelters_places:place_detail", place_id=place.pk)
    context = {"place": place, "form": form, "conflict": conflict, "nav": "places"}
    return render(request, "shelters/places/edit.html", context, status=status)


def _saved(place: Place) -> list[tuple[str, str]]:
    """The place as saved now, as the conflict notice lists it (its own staff only)."""
    return [
        (_("Name of the place"), place.name),
        (_("Kind of place"), str(dict(PlaceKind.choices).get(place.kind, ""))),
        (_("Region"), place.region),
        (_("Takes in"), _accepts(place)),
        (_("Security level"), str(place.security_level)),
        (_("Languages the staff speak"), ", ".join(place.languages)),
        (_("Staffed hours"), place.staffed_hours),
        (_("Emergency contact"), place.emergency_contact),
        (_("Address"), place.address),
    ]


@never_cache
@login_required
@require_POST
@domain_errors
def room_new(request: HttpRequest, place_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.room_add(actor=user, place_id=place_id, name=form.cleaned_data["name"])
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The room was added."))
            return redirect("shelters_places:place_detail", place_id=place_id)
    return _detail(request, user, place_id, status=400, room_form=form)


@never_cache
@login_required
@require_POST
@domain_errors
def beds_new(request: HttpRequest, room_id: int) -> HttpResponse:
    user = request_user(request)
    room = Room.objects.filter(pk=room_id).only("place_id").first()
    place_id = selectors.place_for(user=user, place_id=room.place_id if room else "").pk
    form = BedsForm(request.POST, auto_id=f"id_room{room_id}_%s")
    if form.is_valid():
        try:
            services.beds_add(actor=user, room_id=room_id, count=form.cleaned_data["count"])
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The beds were added."))
            return redirect("shelters_places:place_detail", place_id=place_id)
    return _detail(request, user, place_id, status=400, beds_form=(room_id, form))


def _place_of_bed(user: User, bed_id: int) -> uuid.UUID:
    bed = Bed.objects.filter(pk=bed_id).select_related("room").first()
    if bed is None:
        raise BedNotFound(_("No bed with this reference."))
    return selectors.place_for(user=user, place_id=bed.room.place_id).pk


@never_cache
@login_required
@require_POST
@domain_errors
def bed_retire(request: HttpRequest, bed_id: int) -> HttpResponse:
    user = request_user(request)
    place_id = _place_of_bed(user, bed_id)
    services.bed_retire(actor=user, bed_id=bed_id)
    messages.success(request, _("The bed was removed. It stays on record."))
    return redirect("shelters_places:place_detail", place_id=place_id)


@never_cache
@login_required
@require_POST
@domain_errors
def bed_out_of_service(request: HttpRequest, bed_id: int) -> HttpResponse:
    user = request_user(request)
    place_id = _place_of_bed(user, bed_id)
    form = OutageForm(request.POST, auto_id=f"id_bed{bed_id}_%s")
    if form.is_valid():
        try:
            services.bed_out_of_service(
                actor=user,
                bed_id=bed_id,
                reason=form.cleaned_data["reason"],
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
            )
        except InvalidInput as exc:
            exc.field = {"starts_at": "starts_on", "ends_at": "ends_on"}.get(
                exc.field or "", exc.field
            )
            form_error(form, exc)
        else:
            messages.success(request, _("The bed is out of service."))
            return redirect("shelters_places:place_detail", place_id=place_id)
    return _detail(request, user, place_id, status=400, outage_form=(bed_id, form))


@never_cache
@login_required
@require_POST
@domain_errors
def bed_back_in_service(request: HttpRequest, bed_id: int) -> HttpResponse:
    user = request_user(request)
    place_id = _place_of_bed(user, bed_id)
    services.bed_back_in_service(actor=user, bed_id=bed_id)
    messages.success(request, _("The bed is back in service."))
    return redirect("shelters_places:place_detail", place_id=place_id)


@never_cache
@login_required
@require_POST
@domain_errors
def place_deactivate(request: HttpRequest, place_id: uuid.UUID) -> HttpResponse:
    services.place_deactivate(actor=request_user(request), place_id=place_id)
    messages.success(request, _("The place is closed. It stays on record."))
    return redirect("shelters_places:place_list")
