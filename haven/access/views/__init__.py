"""Agreement (MoU) pages under /sharing/ (R-47): the list, one agreement with
its flows, a new agreement, and ending one. For system administrators, and
organisation administrators of a party; others get the 403 page with the
reason. Each view parses the request, calls one selector or service, and
renders. Request helpers and the one error mapping come from ``haven.lib.views``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.access import errors, forms, selectors, services
from haven.access.models import Agreement
from haven.accounts.current import request_user
from haven.lib.errors import HavenError, InvalidInput
from haven.lib.views import domain_errors

PAGE_SIZE = 25
View = Callable[..., HttpResponse]


@never_cache
@login_required
@domain_errors
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Agreements with their parties, whether in force, and whether consent is needed."""
    user = request_user(request)
    agreements = selectors.agreement_list(user=user)
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(a, selectors.agreement_status(a, today=today)) for a in page]
    context = {"page": page, "rows": rows, "nav": "agreements"}
    return render(request, "access/agreement_list.html", context)


def _detail(
    request: HttpRequest, agreement: Agreement, end_form: forms.AgreementEndForm, status: int = 200
) -> HttpResponse:
    context = {
        "agreement": agreement,
        "status": selectors.agreement_status(agreement),
        "end_form": end_form,
        "nav": "agreements",
    }
    return render(request, "access/agreement_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def agreement_detail(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    """One agreement: its parties and data-sharing clauses (flows)."""
    agreement = selectors.agreement_get(user=request_user(request), agreement_id=agreement_id)
    return _detail(request, agreement, forms.AgreementEndForm())


def _add_domain_error(
    form: django_forms.Form,
    parties: forms.RowsFormSet[forms.PartyForm],
    flows: forms.RowsFormSet[forms.FlowForm],
    exc: HavenError,
) -> None:
    """A service's error goes beside the field, or above the rows it is about."""
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif exc.field == "parties":
        parties.add_error(exc.message)
    else:  # "flows": the rows check each clause's shape, so only "none given" is left
        flows.add_error(exc.message)


@never_cache
@login_required
@domain_errors
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Record a signed agreement; an organisation administrator must name their
    organisation (or its type) as a party."""
    user = request_user(request)
    selectors.agreements_admin_check(user=user)
    country = user.organisation.country if user.organisation else ""
    organisations = {str(o.pk): o for o in selectors.organisation_list(country=country)}
    data = request.POST or None
    form = forms.AgreementForm(data)
    kwargs = {"organisations": organisations}
    parties = forms.PartyFormSet(data, prefix="party", form_kwargs=kwargs)
    flows = forms.FlowFormSet(data, prefix="flow", form_kwargs=kwargs)
    status = 200
    if request.method == "POST":
        status = 400  # a successful post redirects
        if form.is_valid() and parties.is_valid() and flows.is_valid():
            try:
                agreement = services.agreement_create(
                    actor=user,
                    parties=[row.party() for row in parties.filled()],
                    flows=[row.flow() for row in flows.filled()],
                    **form.cleaned_data,
                )
            except InvalidInput as exc:
                _add_domain_error(form, parties, flows, exc)
            except errors.SharingNotAllowed as exc:
                # Beside the parties: the administrator's own organisation is missing there.
                parties.add_error(exc.message)
                status = 403
            else:
                messages.success(request, _("The agreement was recorded. It applies at once."))
                return redirect("access:agreement_detail", agreement_id=agreement.id)
    context = {"form": form, "parties": parties, "flows": flows, "nav": "agreements"}
    return render(request, "access/agreement_new.html", context, status=status)


@login_required
@require_POST
@domain_errors
def agreement_end(request: HttpRequest, agreement_id: uuid.UUID) -> HttpResponse:
    """End an agreement: access under it stops on the day given (today by default)."""
    user = request_user(request)
    agreement = selectors.agreement_get(user=user, agreement_id=agreement_id)
    form = forms.AgreementEndForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_end(
                actor=user, agreement_id=agreement.id, ends_on=form.cleaned_data["ends_on"]
            )
        except (InvalidInput, errors.AgreementEnded) as exc:
            form.add_error("ends_on", exc.message)
        else:
            messages.success(request, _("The agreement was ended."))
            return redirect("access:agreement_detail", agreement_id=agreement.id)
    return _detail(request, agreement, form, status=400)


urlpatterns: list[URLPattern] = [
    path("agreements/", agreement_list, name="agreement_list"),
    path("agreements/new/", agreement_new, name="agreement_new"),
    path("agreements/<uuid:agreement_id>/", agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:agreement_id>/end/", agreement_end, name="agreement_end"),
]
