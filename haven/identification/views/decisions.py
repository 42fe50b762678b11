"""Decision pages: the case's decisions, a new decision of the national pathway,
one decision, its letter for the person, and a request to reconsider it (R-10, R-17).

Each view parses the request, calls one selector or service, and renders.
Hidden and missing cases and decisions give the same 404 (``domain_errors``);
a refusal (field group, organisation type) gives the 403 page with its reason.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from haven.accounts.current import request_user
from haven.identification import forms as identification_forms
from haven.identification import letters
from haven.identification.models import Outcome
from haven.identification.selectors import decisions as selectors
from haven.identification.selectors import letters as letter_selectors
from haven.identification.selectors.rounds import REOPENABLE
from haven.identification.services import decisions as services
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error


@never_cache
@login_required
@domain_errors
def decision_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's identification decisions with their reasons and reconsiderations."""
    found = selectors.decision_list(user=request_user(request), case_id=case_id)
    context = {
        "case": found.case,
        "decisions": found.decisions,
        "pathway": found.pathway,
        "round": found.round,
        "reopened_on": found.reopened_on,
        "reopenable": found.case.identification_status in REOPENABLE,
        "nav": "cases",
    }
    return render(request, "identification/decision_list.html", context)


def _initial(option: selectors.DecisionTypeOption | None, outcome: str) -> dict[str, Any]:
    if option is None:
        return {}
    # the pathway's legal basis for this decision type is offered.
    initial: dict[str, Any] = {"legal_basis": option.decision_type.legal_basis}
    if outcome in Outcome.values:
        # In the reader's language: what they type after it is saved as typed.
        template = str(option.decision_type.reason_template(outcome))
        initial |= {"outcome": outcome, "reasons": template}
    return initial


@never_cache
@login_required
@domain_errors
def decision_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A decision of the type in ``?type=``; without one, the pathway's decision types.

    ``?outcome=positive|negative`` pre-fills the pathway's reason template.
    """
    user = request_user(request)
    options = selectors.decision_options(user=user, case_id=case_id)
    key = request.GET.get("type", "")
    option = options.option(key)
    outcome = request.GET.get("outcome", "")
    form = identification_forms.DecisionForm(
        request.POST or None, child=options.treat_as_child, initial=_initial(option, outcome)
    )
    status = 200
    if request.method == "POST":
        status = 400  # a successful post redirects
        if option is not None and form.is_valid():
            try:
                decision = services.decision_record(
                    actor=user, case_id=options.case.id, decision_type=key, **form.cleaned_data
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("identification:decision_detail", decision_id=decision.id)
    context = {
        "case": options.case,
        "options": options,
        "option": option,
        "selected": key,
        "outcome": outcome,
        "form": form,
        "pathway": options.pathway,
        "nav": "cases",
    }
    return render(request, "identification/decision_new.html", context, status=status)


@never_cache
@login_required
@domain_errors
def decision_detail(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    decision = selectors.decision_get(user=request_user(request), decision_id=decision_id)
    return render(
        request, "identification/decision_detail.html", {"decision": decision, "nav": "cases"}
    )


@never_cache
@login_required
@require_GET
@domain_errors
def decision_letter(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    """The decision as a printable letter for the person, or for a child's
    representative or the local authority (R-17): what was decided, why, and how
    to ask for reconsideration, in the language chosen for the person (issue 11) or
    the one in ``?lang=``; the page around it stays in the reader's language. The
    same case gate and audit as the decision page. An unknown ``?lang=`` is refused
    beside the chooser, and the letter shown in the person's language meanwhile."""
    choice = identification_forms.LetterLanguageForm(request.GET)
    valid = choice.is_valid()
    letter = letter_selectors.decision_letter(
        user=request_user(request),
        decision_id=decision_id,
        language=choice.cleaned_data["lang"] if valid else "",
    )
    context = {
        "letter": letter,
        "decision": letter.decision,
        "choice_form": choice,
        "nav": "cases",
    }
    return render(
        request, "identification/decision_letter.html", context, status=200 if valid else 400
    )


@never_cache
@login_required
@require_GET
@domain_errors
def decision_letter_pdf(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    """The same letter as PDF, to print and hand over (the same gate and audit)."""
    try:
        letter = letter_selectors.decision_letter(
            user=request_user(request),
            decision_id=decision_id,
            language=request.GET.get("lang", ""),
        )
    except InvalidInput as exc:  # raised once the gate passed: an outsider gets the 404
        return HttpResponseBadRequest(exc.message)
    html = render_to_string("identification/decision_letter_print.html", {"letter": letter})
    response = HttpResponse(letters.pdf(html), content_type="application/pdf")
    code = letter.language.code
    filename = f"decision-{letter.decision.case_reference}-{code}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Language"] = code
    return response


@never_cache
@login_required
@domain_errors
def reconsideration_new(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    """Record a request to reconsider a negative decision (R-17)."""
    user = request_user(request)
    decision = selectors.decision_get(user=user, decision_id=decision_id)
    form = identification_forms.ReconsiderationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reconsideration_request(
                    actor=user, decision_id=decision.id, **form.cleaned_data
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The request for reconsideration was recorded."))
                return redirect("identification:decision_detail", decision_id=decision.id)
        status = 400
    return render(
        request,
        "identification/reconsideration_new.html",
        {"decision": decision, "form": form, "nav": "cases"},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/decisions/", decision_list, name="decision_list"),
    path("cases/<uuid:case_id>/decisions/new/", decision_new, name="decision_new"),
    path("decisions/<uuid:decision_id>/", decision_detail, name="decision_detail"),
    path("decisions/<uuid:decision_id>/letter/", decision_letter, name="decision_letter"),
    path(
        "decisions/<uuid:decision_id>/letter.pdf", decision_letter_pdf, name="decision_letter_pdf"
    ),
    path(
        "decisions/<uuid:decision_id>/reconsiderations/new/",
        reconsideration_new,
        name="reconsideration_new",
    ),
]
