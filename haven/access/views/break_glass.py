"""Break-glass pages: emergency access to a case by reference, with a typed
justification; the supervisors' list of uses to review, and the review form.
Routed under /assistance/break-glass/ by ``haven.access.urls`` (the paths they
always had).

Each view parses the request, calls one selector or service, and renders. Every
form posts and redirects, without JavaScript. A case reference that does not
exist gives the same words as any case the user may not see.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.access import forms as access_forms
from haven.access import services as access_services
from haven.access.models import BreakGlass
from haven.access.selectors import break_glass as selectors
from haven.access.services import break_glass as services
from haven.accounts.current import request_user
from haven.lib.errors import Conflict, InvalidInput, NotFound
from haven.lib.views import domain_errors, forbidden, form_error

PAGE_SIZE = 25


@never_cache
@login_required
@domain_errors
def break_glass_new(request: HttpRequest) -> HttpResponse:
    """Emergency access by case reference; on success, to the case page."""
    user = request_user(request)
    if not selectors.may_use_break_glass(user):
        return forbidden(request, reason=_("Only caseworkers and supervisors can use break-glass."))
    form = access_forms.BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                grant = services.break_glass_use(actor=user, **form.cleaned_data)
            except (InvalidInput, NotFound, Conflict) as exc:
                form_error(form, exc)
                status = exc.http_status
            else:
                until = timezone.localtime(grant.expires_at).strftime("%H:%M")
                messages.warning(
                    request,
                    _(
                        "Emergency access until %(until)s. The case lead and the national "
                        "coordinator have been told; a supervisor will review this use."
                    )
                    % {"until": until},
                )
                return redirect("web:case_detail", case_id=grant.case_id)
    context = {
        "form": form,
        "minutes": settings.HAVEN_BREAK_GLASS_MINUTES,
        "may_review": selectors.may_review_break_glass(user),
        "nav": "break_glass",
    }
    return render(request, "access/break_glass_new.html", context, status=status)


@never_cache
@login_required
@domain_errors
def break_glass_review_list(request: HttpRequest) -> HttpResponse:
    """Uses waiting for the supervisor's review, newest first."""
    uses = selectors.break_glass_review_list(user=request_user(request))
    page = Paginator(uses, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "now": timezone.now(), "nav": "break_glass"}
    return render(request, "access/break_glass_review_list.html", context)


@never_cache
@login_required
@domain_errors
def break_glass_review(request: HttpRequest, grant_id: uuid.UUID) -> HttpResponse:
    """One use, and the supervisor's review: justified or not, with a note."""
    user = request_user(request)
    grant = selectors.break_glass_get(user=user, grant_id=grant_id)
    form = access_forms.ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                access_services.break_glass_review(
                    actor=user,
                    grant_id=grant.id,
                    justified=form.cleaned_data["outcome"] == BreakGlass.Review.JUSTIFIED,
                    note=form.cleaned_data["note"],
                )
            except Conflict as exc:
                form_error(form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("Review recorded."))
                return redirect("access:break_glass_review_list")
    context = {
        "grant": grant,
        "form": form,
        "now": timezone.now(),
        "own_use": grant.user_id == user.pk,
        "nav": "break_glass",
    }
    return render(request, "access/break_glass_review.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("break-glass/", break_glass_new, name="break_glass_new"),
    path("break-glass/reviews/", break_glass_review_list, name="break_glass_review_list"),
    path("break-glass/<uuid:grant_id>/review/", break_glass_review, name="break_glass_review"),
]
