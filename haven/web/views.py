"""Site-wide pages: the caseworker's home page (``haven.web.home``), and the case
page, composed from the apps' parts (``haven.web.composer``).

Users without a case role have no cases or deadlines of their own: the Rapporteur
lands on the statistics, administrators keep going to the case list, as before.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.access.models import FieldGroup, Purpose
from haven.accounts import rules
from haven.accounts.current import request_user
from haven.cases import errors as case_errors
from haven.cases import forms as case_forms
from haven.cases import parts, person_report
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.forms import sharing as sharing_forms
from haven.cases.views import sharing
from haven.lib.views import domain_errors, form_error
from haven.web import composer, timeline
from haven.web import home as home_selectors


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My cases, my deadlines, new referrals and what is overdue: counts and the first rows."""
    user = request_user(request)
    if not home_selectors.has_home(user):
        # The Rapporteur has no cases: their work is the statistics (issue 15).
        if rules.may(user, "statistics.read"):
            return redirect("statistics:home")
        return redirect("cases:list")
    found = home_selectors.home_for(user=user)
    # The menu's count of waiting referrals is the section's: counted once, not twice.
    context = {"home": found, "nav": "home", "referrals_waiting": found.new_referrals.count}
    return render(request, "web/home.html", context)


# --- the case page, composed from the apps' parts ---------------------------------------------


def _case_page(
    request: HttpRequest,
    case_id: uuid.UUID,
    narrative_form: case_forms.NarrativeForm,
    status: int = 200,
) -> HttpResponse:
    with case_selectors.gate_once():  # every part passes the gate: the case loaded once
        return _compose_case_page(request, case_id, narrative_form, status)


def _compose_case_page(
    request: HttpRequest,
    case_id: uuid.UUID,
    narrative_form: case_forms.NarrativeForm,
    status: int,
) -> HttpResponse:
    user = request_user(request)
    purpose_form = sharing_forms.purpose_form(request.GET)  # ?purpose=, default assistance
    view = case_selectors.case_read(user=user, case_id=case_id, purpose=purpose_form.chosen)
    page = parts.CasePage(
        user=user,
        view=view,
        purpose=purpose_form.chosen,
        held=composer.case_rows_held(view.case, composer.page_models()),
    )
    slots, panel_context = composer.case_page_panels(page)
    assisting = purpose_form.chosen == Purpose.ASSISTANCE
    # Reuses the groups case_read decided and audited; reads no group twice.
    case_timeline = timeline.timeline_for(user=user, case_view=view, held=page.held)
    context = {
        **panel_context,
        "panels": slots,
        **composer.case_page_layout(
            slots=slots, view=view, next_deadline=case_timeline.next_deadline
        ),
        "view": view,
        "case": view.case,
        "purpose_form": purpose_form,
        "may_manage_consent": sharing.may_manage_consent(view),
        "timeline": case_timeline,
        "narrative_form": narrative_form,
        "may_transition": page.shows(FieldGroup.LEGAL) and page.writable,
        "may_add_narrative": page.shows(FieldGroup.NARRATIVE) and page.writable and assisting,
        "may_report_for_person": person_report.person_report_offered(case_view=view),
    }
    status = 400 if purpose_form.errors and status == 200 else status
    return render(request, "web/case_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Each field group shown with why, or hidden with why; the apps' panels around them."""
    return _case_page(request, case_id, case_forms.NarrativeForm())


@login_required
@require_POST
@domain_errors
def narrative_append(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    form = case_forms.NarrativeForm(request.POST)
    if form.is_valid():
        try:
            case_services.narrative_append(
                actor=request_user(request), case_id=case_id, text=form.cleaned_data["text"]
            )
        except case_errors.InvalidInput as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Added to the narrative."))
            return redirect(reverse("web:case_detail", args=[case_id]) + "#group-narrative")
    return _case_page(request, case_id, form, status=400)


# --- the report for the person (GDPR Art. 15) -----------------------------------

PERSON_REPORT_TEMPLATE = "cases/person_report_detail.html"


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


@never_cache
@login_required
@domain_errors
def person_report_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """What Haven holds about the person (every app's section), who it was shared
    with and who read it: a printable page, in the person's language where Haven
    offers it. The case lead's staff only; other team members get the 403 page with
    the reason, everyone else the case's 404 (``domain_errors``)."""
    context: dict[str, Any] = {"case_id": case_id, "languages": _languages(), "error": ""}
    try:
        report = composer.person_report_read(
            user=request_user(request), case_id=case_id, language=request.GET.get("lang", "")
        )
    except case_errors.InvalidInput as exc:
        # Raised only after the access checks passed: an outsider still gets the 404.
        error_context = {**context, "report": None, "error": exc.message}
        return render(request, PERSON_REPORT_TEMPLATE, error_context, status=400)
    with translation.override(report.language.text_code):
        response = render(request, PERSON_REPORT_TEMPLATE, {**context, "report": report})
    response.headers["Content-Language"] = report.language.text_code
    return response
