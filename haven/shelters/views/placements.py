"""Placement pages: "Find a place" for one person (the case lead's staff: search
with every exclusion and its reason, then propose), the placement requests to the
user's organisation's places, and one placement with the moves the user may make
(the shelter accepts, declines, starts with a bed, ends; the case lead withdraws
or ends). Every page calls the shelters' services and selectors; forms post and
redirect without JavaScript and show refusals beside their field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.lib import paging
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error
from haven.shelters.forms import placements as placement_forms
from haven.shelters.models import Placement, PlacementState
from haven.shelters.selectors import placements as selectors
from haven.shelters.selectors import search
from haven.shelters.services import placements as services
from haven.shelters.states import PlacementAction

A = PlacementAction
SLUGS = {
    "accept": A.ACCEPT,
    "decline": A.DECLINE,
    "start": A.START,
    "end": A.END,
    "withdraw": A.WITHDRAW,
}
BUTTONS = {
    A.ACCEPT: gettext_lazy("Accept: take the person in"),
    A.DECLINE: gettext_lazy("Decline the request"),
    A.START: gettext_lazy("The person moved in"),
    A.END: gettext_lazy("End the stay"),
    A.WITHDRAW: gettext_lazy("Withdraw the request"),
}


# --- find a place ---------------------------------------------------------------------------


def _search_form(request: HttpRequest, country: str) -> placement_forms.SearchForm:
    data = request.GET if "risk_level" in request.GET else None
    return placement_forms.SearchForm(data, country=country)


@never_cache
@login_required
@domain_errors
def placement_search(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The places for this person now: suitable ones ranked, the others with why."""
    user = request_user(request)
    gated = search.placing_case(user=user, case_id=case_id, lock=False)
    form = _search_form(request, gated.case.country)
    inputs = form.search_input() if form.is_valid() else search.SearchInput()
    try:
        result = search.placement_search(user=user, case_id=case_id, inputs=inputs)
    except InvalidInput as exc:
        form_error(form, exc)
        result = search.placement_search(user=user, case_id=case_id, inputs=search.SearchInput())
    context = {
        "form": form,
        "result": result,
        "query": request.GET.urlencode(),
        "nav": "cases",
    }
    return render(request, "shelters/placements/search.html", context)


@never_cache
@login_required
@domain_errors
def placement_propose(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Ask one place to take the person in (re-checked by the service)."""
    user = request_user(request)
    gated = search.placing_case(user=user, case_id=case_id, lock=False)
    country = gated.case.country
    if request.method == "POST":
        form = placement_forms.ProposeForm(request.POST, country=country)
        if form.is_valid():
            data = form.cleaned_data
            try:
                placement = services.placement_propose(
                    actor=user,
                    case_id=case_id,
                    place_id=data["place"],
                    person_agreed_on=data["person_agreed_on"],
                    message=data["message"],
                    field_groups=data["field_groups"],
                    inputs=form.search_input(),
                    urgent=data["urgent"],
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The request was sent to the shelter."))
                return redirect("shelters_placements:placement_detail", placement_id=placement.pk)
        status = 400
    else:
        form = placement_forms.ProposeForm(initial=request.GET.dict(), country=country)
        status = 200
    place_id = form.data.get("place") if form.is_bound else request.GET.get("place", "")
    asked = form if form.is_bound else _search_form(request, country)
    context = {
        "form": form,
        "case": gated.case,
        "place": _chosen(user, case_id, asked, place_id),
        "nav": "cases",
    }
    return render(request, "shelters/placements/propose.html", context, status=status)


def _chosen(
    user: User, case_id: uuid.UUID, form: placement_forms.SearchForm, place_id: object
) -> object:
    """The chosen place as the search sees it for this person (name, region, beds),
    or None when it is not one of the suitable places now."""
    try:
        inputs = form.search_input() if form.is_bound and form.is_valid() else search.SearchInput()
        result = search.placement_search(user=user, case_id=case_id, inputs=inputs)
    except InvalidInput:
        return None
    return next((p for p in result.suitable if str(p.id) == str(place_id)), None)


# --- the shelter's requests and one placement ------------------------------------------------


@never_cache
@login_required
@domain_errors
def placement_requests(request: HttpRequest) -> HttpResponse:
    """The placement requests to the places of the user's organisation, a page at a time."""
    state = request.GET.get("state", "")
    state = state if state in PlacementState.values else ""
    page = selectors.placement_requests(
        user=request_user(request),
        state=state or None,
        number=paging.page_number(request.GET.get("page")),
    )
    context = {
        "page": page,
        "rows": page.object_list,
        "state": state,
        "states": PlacementState.choices,
        "nav": "placements",
    }
    return render(request, "shelters/placements/requests.html", context)


def _form_for(action: str, detail: selectors.PlacementDetail, data: Any = None) -> forms.Form:
    if action == A.START:
        return placement_forms.StartForm(data, beds=detail.beds)
    classes: dict[str, type[forms.Form]] = {
        A.ACCEPT: placement_forms.EmptyForm,
        A.DECLINE: placement_forms.DeclineForm,
        A.END: placement_forms.EndForm,
        A.WITHDRAW: placement_forms.WithdrawForm,
    }
    return classes[action](data)


def _detail_page(
    request: HttpRequest,
    placement_id: uuid.UUID,
    *,
    status: int = 200,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    detail = selectors.placement_get(user=request_user(request), placement_id=placement_id)
    action_forms = [
        (
            BUTTONS[action],
            slug,
            bound[1] if bound and bound[0] == action else _form_for(action, detail),
        )
        for slug, action in SLUGS.items()
        if action in detail.actions
    ]
    context = {"detail": detail, "forms": action_forms, "nav": "placements"}
    return render(request, "shelters/placements/detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def placement_detail(request: HttpRequest, placement_id: uuid.UUID) -> HttpResponse:
    """One placement, with the moves this user may make."""
    return _detail_page(request, placement_id)


def _write(user: User, action: str, placement_id: uuid.UUID, data: dict[str, Any]) -> Placement:
    writes: dict[str, Callable[[], Placement]] = {
        A.ACCEPT: lambda: services.placement_accept(actor=user, placement_id=placement_id),
        A.DECLINE: lambda: services.placement_decline(
            actor=user, placement_id=placement_id, reason=data["reason"], note=data["note"]
        ),
        A.START: lambda: services.placement_start(
            actor=user,
            placement_id=placement_id,
            bed_id=data["bed"],
            started_on=data["started_on"],
        ),
        A.END: lambda: services.placement_end(
            actor=user, placement_id=placement_id, reason=data["reason"], ended_on=data["ended_on"]
        ),
        A.WITHDRAW: lambda: services.placement_withdraw(
            actor=user, placement_id=placement_id, note=data["note"]
        ),
    }
    return writes[action]()


@never_cache
@login_required
@require_POST
@domain_errors
def placement_act(request: HttpRequest, placement_id: uuid.UUID, action: str) -> HttpResponse:
    """Accept, decline, start, end or withdraw (as the state table and the rules allow)."""
    if action not in SLUGS:
        raise Http404(_("Not found."))
    move = SLUGS[action]
    user = request_user(request)
    detail = selectors.placement_get(user=user, placement_id=placement_id)
    form = _form_for(move, detail, request.POST)
    if form.is_valid():
        try:
            _write(user, move, placement_id, form.cleaned_data)
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            if move == A.ACCEPT:
                messages.success(
                    request,
                    _("Accepted: your organisation is on the case team for what was shared."),
                )
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": move.label})
            return redirect("shelters_placements:placement_detail", placement_id=placement_id)
    return _detail_page(request, placement_id, status=400, bound=(move, form))


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/find-a-place/", placement_search, name="placement_search"),
    path("cases/<uuid:case_id>/propose-a-place/", placement_propose, name="placement_propose"),
    path("placements/", placement_requests, name="placement_requests"),
    path("placements/<uuid:placement_id>/", placement_detail, name="placement_detail"),
    path("placements/<uuid:placement_id>/<slug:action>/", placement_act, name="placement_act"),
]
