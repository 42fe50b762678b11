"""Indicator set pages: every set and version, one version's indicators, and the
upload of a file (all or nothing) for those who may load sets (R-05)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.accounts.current import request_user
from haven.identification import errors, forms
from haven.identification.selectors import indicator_sets as selectors
from haven.identification.services import indicator_sets as services
from haven.lib.views import domain_errors


@never_cache
@login_required
def indicator_set_list(request: HttpRequest) -> HttpResponse:
    """Every set with its versions, provisional flag and number of indicators."""
    context = {
        "sets": list(selectors.indicator_set_list()),
        "may_upload": selectors.may_load_indicator_sets(request_user(request)),
    }
    return render(request, "identification/indicator_set_list.html", context)


@never_cache
@login_required
@domain_errors
def indicator_set_detail(request: HttpRequest, key: str, version: int) -> HttpResponse:
    """One version of a set: its indicators under their elements, with their strengths."""
    indicator_set = selectors.indicator_set_get(key=key, version=version)
    context = {
        "indicator_set": indicator_set,
        "groups": selectors.indicators_by_element(indicator_set),
        "source": selectors.source_view(indicator_set.source),
    }
    return render(request, "identification/indicator_set_detail.html", context)


def _loaded_message(results: list[services.LoadResult]) -> str:
    labels = {
        services.Outcome.NEW_VERSION: _("New versions: %(sets)s."),
        services.Outcome.TRANSLATIONS_UPDATED: _("Translations updated: %(sets)s."),
        services.Outcome.UNCHANGED: _("Unchanged: %(sets)s."),
    }
    parts = []
    for outcome, label in labels.items():
        sets = [str(result.row) for result in results if result.outcome is outcome]
        if sets:
            parts.append(label % {"sets": ", ".join(sets)})
    return " ".join(parts)


@never_cache
@login_required
@domain_errors
def indicator_set_upload(request: HttpRequest) -> HttpResponse:
    """Load a file of sets; every problem of a malformed file is shown beside the field."""
    user = request_user(request)
    selectors.indicator_sets_load_check(user=user)  # a refusal is the 403 page
    posted = request.method == "POST"
    form = forms.IndicatorSetUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    problems: list[str] = []
    if posted and form.is_valid():
        file_name, text = form.cleaned_data["file"]
        try:
            results = services.indicator_sets_load(actor=user, text=text, file_name=file_name)
        except errors.IndicatorFileError as exc:
            problems = exc.problems
            form.add_error("file", exc.message)
        else:
            messages.success(request, _loaded_message(list(results)))
            return redirect("identification:indicator_set_list")
    context = {"form": form, "problems": problems}
    status = 400 if form.errors else 200
    return render(request, "identification/indicator_set_upload.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("indicator-sets/", indicator_set_list, name="indicator_set_list"),
    path("indicator-sets/upload/", indicator_set_upload, name="indicator_set_upload"),
    path(
        "indicator-sets/<slug:key>/<int:version>/",
        indicator_set_detail,
        name="indicator_set_detail",
    ),
]
