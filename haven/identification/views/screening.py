"""Screening pages: record a screening, see one, list a case's screenings.

Each view parses the request, calls one selector or service, and renders.
Hidden and missing cases give the same 404 as the case pages (``domain_errors``).
The form works as a plain POST without JavaScript and fits a phone screen.
"""

from __future__ import annotations

import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from haven.access.models import FieldGroup, Purpose
from haven.accounts.current import request_user
from haven.cases import drafts
from haven.cases import selectors as case_selectors
from haven.cases.models import Case, DraftKind
from haven.cases.views import drafts as draft_views
from haven.identification import forms
from haven.identification.models import IndicatorSet
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.selectors import screening as selectors
from haven.identification.services import screening as services
from haven.lib.errors import Conflict, HavenError, InvalidInput
from haven.lib.views import domain_errors

FORM_FIELDS = {"set": "set"}  # service field -> form field; others go above the form


def _add_domain_error(form: django_forms.Form, exc: HavenError) -> None:
    """A service's error goes beside the field it names, else above the form."""
    field = FORM_FIELDS.get(exc.field or "")
    form.add_error(field, exc.message)  # already translated by the service


def _chosen_set(
    request: HttpRequest, sets: list[set_selectors.CountedSet], case: Case
) -> IndicatorSet | None:
    """The set asked for (if the person may be screened with it), else the suggested one."""
    # on a case with several forms of exploitation, the form not screened yet.
    wanted = (
        request.POST.get("set")
        or request.GET.get("set")
        or selectors.screening_missing_set(case=case, sets=sets)
    )
    usable = [s for s in sets if s.indicator_count]
    chosen = next((s for s in usable if s.key == wanted), None)
    chosen = chosen or selectors.screening_suggested_set(case=case, sets=sets)
    return set_selectors.indicator_set_get(key=chosen.key) if chosen is not None else None


@never_cache
@login_required
@domain_errors
def screening_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record which indicators were observed; the result is decision support (R-09)."""
    user = request_user(request)
    # The service's own gate decides whether the form is offered at all: refused
    # without the assessment group, under break-glass and after erasure.
    case = case_selectors.case_for(
        user=user,
        case_id=case_id,
        group=FieldGroup.ASSESSMENT,
        purpose=Purpose.IDENTIFICATION,
        write=True,
        lock=False,
    ).case
    sets = selectors.screening_sets_for(case=case)
    indicator_set = _chosen_set(request, sets, case)
    context: dict[str, object] = {
        "case": case,
        "treat_as_child": case.person.treat_as_child,
        "indicator_set": indicator_set,
        "empty_sets": [s for s in sets if not s.indicator_count],
    }
    if indicator_set is None:
        return render(request, "identification/screening_new.html", context)
    usable = [s for s in sets if s.indicator_count]
    context["choice_form"] = forms.SetChoiceForm(initial={"set": indicator_set.key}, sets=usable)
    context["source"] = set_selectors.source_view(indicator_set.source)
    posted = request.method == "POST"
    form = forms.ScreeningForm(request.POST if posted else None, indicator_set=indicator_set)
    draft_id = draft_views.resume(request, form, kind=DraftKind.SCREENING)
    if posted and form.is_valid():
        try:
            screening = services.screening_record(
                actor=user,
                case_id=case.id,
                set_key=indicator_set.key,
                observations=form.observations(),
                act_established=form.act_established_answer(),
            )
        except (InvalidInput, Conflict) as exc:
            _add_domain_error(form, exc)
        else:
            if draft_id:  # sent: the draft has done its work
                drafts.draft_delete(actor=user, draft_id=draft_id)
            messages.success(request, _("Screening recorded."))
            return redirect("identification:screening_detail", screening_id=screening.id)
    context["form"] = form
    context.update(
        draft_views.form_context(
            request, kind=DraftKind.SCREENING, draft_id=draft_id, case_id=case.id
        )
    )
    status = 400 if form.errors else 200
    return render(request, "identification/screening_new.html", context, status=status)


@never_cache
@login_required
@domain_errors
def screening_detail(request: HttpRequest, screening_id: uuid.UUID) -> HttpResponse:
    """Per element: what was observed, by strength, and whether it is positive and why."""
    view = selectors.screening_get(user=request_user(request), screening_id=screening_id)
    context = {
        "view": view,
        "case": view.case,
        "indicator_set": view.indicator_set,
        "source": view.source,
        "outcome_words": selectors.result_words(view.screening, view.case),
        "rule_words": selectors.victim_rule_words(view.screening.result.get("victim_rule", "")),
    }
    return render(request, "identification/screening_detail.html", context)


@never_cache
@login_required
@domain_errors
def screening_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A case's screenings, newest first."""
    listing = selectors.screening_list(user=request_user(request), case_id=case_id)
    rows = [(s, selectors.result_words(s, listing.case)) for s in listing.screenings]
    # The provisional flag and source of every provisional set version used here.
    used = {s.indicator_set.pk: s.indicator_set for s in listing.screenings}
    provisional = [
        {"indicator_set": row, "source": set_selectors.source_view(row.source)}
        for row in used.values()
        if row.provisional
    ]
    # one screening per form, on a case with several (no query otherwise).
    by_form = (
        selectors.screenings_by_form(case=listing.case, screenings=listing.screenings)
        if selectors.several_forms(listing.case)
        else []
    )
    context = {
        "case": listing.case,
        "rows": rows,
        "provisional_sets": provisional,
        "may_screen": listing.may_screen,
        "by_form": by_form,
    }
    return render(request, "identification/screening_list.html", context)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/screening/new/", screening_new, name="screening_new"),
    path("cases/<uuid:case_id>/screenings/", screening_list, name="screening_list"),
    path("screenings/<uuid:screening_id>/", screening_detail, name="screening_detail"),
]
