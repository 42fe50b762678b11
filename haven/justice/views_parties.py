"""The parties pages of a case (legal group; R-38): the parties and, for each,
the other cases sharing it that the reader may read; adding a party (search
first, then link the one found or create a new one); changing its roles;
unlinking it; and a party's page with the cases it links.

Every read goes through ``selectors_parties`` (the case gate, audited). Hidden
and missing cases or parties give the same 404 (``domain_errors``); a refusal
gives the 403 page with its reason. Forms post and redirect, without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.justice import selectors_parties as selectors
from haven.justice import services_parties as services
from haven.justice.forms import PartyLinkForm, PartyNewForm, PartySearchForm
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error


def _link_input(form: PartyLinkForm) -> services.LinkInput:
    data = form.cleaned_data
    return services.LinkInput(
        roles=list(data["roles"]),
        sex=data["sex"],
        age_group=data["age_group"],
        citizenship=data["citizenship"],
    )


@never_cache
@login_required
@domain_errors
def case_parties(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The parties of the case, each with the other cases the reader may read."""
    parties = selectors.case_parties(user=request_user(request), case_id=case_id)
    context = {"parties": parties, "case": parties.case, "nav": "cases"}
    return render(request, "justice/parties/case_parties.html", context)


def _add_page(
    request: HttpRequest,
    case_id: uuid.UUID,
    *,
    search: PartySearchForm,
    new_form: PartyNewForm | None = None,
    link_forms: dict[uuid.UUID, PartyLinkForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    parties = selectors.case_parties(user=user, case_id=case_id)
    matches: list[selectors.PartyMatch] = []
    searched = search.is_valid() and any(search.cleaned_data.values())
    if searched:
        matches = selectors.party_search(
            user=user,
            case_id=case_id,
            name=search.cleaned_data["name"],
            registration_number=search.cleaned_data["registration_number"],
        )
    given = link_forms or {}
    found: list[dict[str, Any]] = [
        {
            "match": m,
            "form": given.get(m.party.id) or PartyLinkForm(prefix=f"p{i}"),
            "prefix": f"p{i}",
        }
        for i, m in enumerate(matches)
    ]
    if new_form is None:
        initial = search.cleaned_data if searched else {}
        new_form = PartyNewForm(initial=dict(initial))
    context = {
        "case": parties.case,
        "parties": parties,
        "search": search,
        "searched": searched,
        "found": found,
        "new_form": new_form,
        "nav": "cases",
    }
    return render(request, "justice/parties/party_add.html", context, status=status)


@never_cache
@login_required
@domain_errors
def party_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: search the known parties, then link one or create a new one. POST
    ``party`` (an id, with its form's prefix): link it; otherwise create one."""
    if request.method != "POST":
        # Forms are offered only to whom the write would accept (no form that answers 403).
        services.party_write_check(actor=request_user(request), case_id=case_id)
        return _add_page(request, case_id, search=PartySearchForm(request.GET))
    search = PartySearchForm(request.POST)
    party_id = request.POST.get("party", "")
    if party_id:
        prefix = request.POST.get("prefix", "")
        form: PartyLinkForm = PartyLinkForm(request.POST, prefix=prefix)
        extra: dict[str, Any] = {}
        try:
            parsed = uuid.UUID(party_id)
        except ValueError:
            parsed = uuid.uuid4()  # the service answers not found
        extra["link_forms"] = {parsed: form}
    else:
        form = PartyNewForm(request.POST)
        extra = {"new_form": form}
    if form.is_valid():
        try:
            if isinstance(form, PartyNewForm):
                data = form.cleaned_data
                services.party_link_create(
                    actor=request_user(request),
                    case_id=case_id,
                    link=_link_input(form),
                    new_party=services.PartyInput(
                        kind=data["kind"],
                        name=data["name"],
                        registration_number=data["registration_number"],
                        address=data["address"],
                        sector=data["sector"],
                        country=data["country"],
                    ),
                )
            else:
                services.party_link_create(
                    actor=request_user(request),
                    case_id=case_id,
                    link=_link_input(form),
                    party_id=party_id,
                )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The party was added to the case."))
            return redirect("justice:case_parties", case_id=case_id)
    return _add_page(request, case_id, search=search, status=400, **extra)


@never_cache
@login_required
@domain_errors
def party_link_edit(request: HttpRequest, case_id: uuid.UUID, link_id: uuid.UUID) -> HttpResponse:
    """GET: the party's roles on the case; POST: change them."""
    user = request_user(request)
    found = selectors.case_party_link(user=user, case_id=case_id, link_id=link_id)
    if request.method == "POST":
        form = PartyLinkForm(request.POST)
        if form.is_valid():
            try:
                services.party_link_update(
                    actor=user, case_id=case_id, link_id=link_id, link=_link_input(form)
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The party's roles were changed."))
                return redirect("justice:case_parties", case_id=case_id)
        status = 400
    else:
        form = PartyLinkForm(
            initial={
                "roles": found.roles,
                "sex": found.sex,
                "age_group": found.age_group,
                "citizenship": found.citizenship,
            }
        )
        status = 200
    parties = selectors.case_parties(user=user, case_id=case_id)
    context = {
        "case": parties.case,
        "parties": parties,
        "found": found,
        "form": form,
        "nav": "cases",
    }
    return render(request, "justice/parties/party_link_edit.html", context, status=status)


@never_cache
@login_required
@domain_errors
@require_POST
def party_unlink(request: HttpRequest, case_id: uuid.UUID, link_id: uuid.UUID) -> HttpResponse:
    """Unlink the party from the case (it stays on its other cases)."""
    services.party_link_remove(actor=request_user(request), case_id=case_id, link_id=link_id)
    messages.success(request, _("The party was unlinked from the case."))
    return redirect("justice:case_parties", case_id=case_id)


@never_cache
@login_required
@domain_errors
def party_detail(request: HttpRequest, party_id: uuid.UUID) -> HttpResponse:
    """The party and the cases it links that the reader may read (legal group)."""
    page = selectors.party_page(user=request_user(request), party_id=party_id)
    return render(request, "justice/parties/party_detail.html", {"page": page, "nav": "cases"})


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/parties/", case_parties, name="case_parties"),
    path("cases/<uuid:case_id>/parties/add/", party_add, name="party_add"),
    path("cases/<uuid:case_id>/parties/<uuid:link_id>/", party_link_edit, name="party_link_edit"),
    path("cases/<uuid:case_id>/parties/<uuid:link_id>/unlink/", party_unlink, name="party_unlink"),
    path("parties/<uuid:party_id>/", party_detail, name="party_detail"),
]
