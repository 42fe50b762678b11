"""The national coordinator's list of legal bases (R-47), under
/sharing/legal-bases/: the list of the coordinator's country with a form to add
one, and offering a basis to new agreements again or no longer. For
administrators of a national coordinator; others get the 403 page with the reason.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.access import forms, selectors, services
from haven.accounts.current import request_user
from haven.lib.errors import InvalidInput
from haven.lib.views import domain_errors, form_error


@never_cache
@login_required
@domain_errors
def legal_basis_list(request: HttpRequest) -> HttpResponse:
    """The list of the coordinator's country, and the form to add a basis to it."""
    user = request_user(request)
    bases = selectors.legal_basis_list(user=user)
    form = forms.LegalBasisForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400  # a successful post redirects
        if form.is_valid():
            try:
                services.legal_basis_create(actor=user, **form.cleaned_data)
            except InvalidInput as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The legal basis was added to the list."))
                return redirect("access:legal_basis_list")
    context = {"bases": list(bases), "form": form, "nav": "agreements"}
    return render(request, "access/legal_basis_list.html", context, status=status)


@login_required
@require_POST
@domain_errors
def legal_basis_set_active(request: HttpRequest, legal_basis_id: uuid.UUID) -> HttpResponse:
    """Offer a basis to new agreements again (``active=1``), or no longer."""
    active = request.POST.get("active") == "1"
    services.legal_basis_set_active(
        actor=request_user(request), legal_basis_id=legal_basis_id, active=active
    )
    if active:
        messages.success(request, _("New agreements may name this legal basis again."))
    else:
        messages.success(
            request,
            _("New agreements may no longer name this legal basis; those that do keep it."),
        )
    return redirect("access:legal_basis_list")


urlpatterns: list[URLPattern] = [
    path("legal-bases/", legal_basis_list, name="legal_basis_list"),
    path(
        "legal-bases/<uuid:legal_basis_id>/active/",
        legal_basis_set_active,
        name="legal_basis_set_active",
    ),
]
