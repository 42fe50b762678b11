"""The "is this person already known?" region of the intake page.

With JavaScript, htmx posts the identity fields here as the caseworker types
(POST with the CSRF token: names never go into a URL) and swaps in the answer.
Without it, the region's check button posts the whole intake form to the intake
page, which asks ``intake_region`` (registered with ``haven.cases.hooks``) and
shows the same answer with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.cases.hooks import IntakeIdentity, IntakeRegion
from haven.lib.views import domain_errors, forbidden
from haven.linkage import errors, forms, selectors, services

REGION_TEMPLATE = "linkage/_check_region.html"
ANSWER_TEMPLATE = "linkage/_check_answer.html"


def _answer_context(
    user: User, identity: IntakeIdentity | None, *, tell: bool = False
) -> dict[str, Any]:
    """What the answer shows: nothing asked yet (None), or the check's answer (and,
    with ``tell``, whether the national coordinator was asked to look)."""
    if identity is None:
        return {"asked": False}
    service = services.coordinator_tell if tell else services.intake_check
    try:
        answer = service(actor=user, identity=identity)
    except errors.CheckRateLimited as exc:
        return {"asked": True, "limited": exc.message}
    return {"asked": True, "answer": answer}


def intake_region(user: User, typed: dict[str, str], run: bool) -> IntakeRegion | None:
    """The region for the intake page (None for a user who may not check): the
    answer when the check button was pressed, and the search token posted before
    kept, so that a page shown again still carries it."""
    if not selectors.may_check(user):
        return None
    identity = (
        selectors.identity_typed(
            given_name=typed.get("given_name", ""),
            family_name=typed.get("family_name", ""),
            sex=typed.get("sex", ""),
            date_of_birth=typed.get("date_of_birth", ""),
            citizenships=typed.get("citizenships", ""),
        )
        if run
        else None
    )
    context = _answer_context(user, identity, tell=typed.get("region_action") == "tell")
    context.setdefault("token", typed.get("search_token", ""))
    return IntakeRegion(template=REGION_TEMPLATE, context=context)


def _answer(request: HttpRequest, *, tell: bool) -> HttpResponse:
    user = request_user(request)
    if not selectors.may_check(user):
        return forbidden(
            request, reason=_("Only caseworkers and supervisors of an organisation open cases.")
        )
    form = forms.CheckForm(request.POST)
    identity = form.identity() if form.is_valid() else None
    # No search token yet (the answer brings its own): an empty default, not a secret.
    region = {"token": "", **_answer_context(user, identity, tell=tell)}  # nosec B105
    return render(request, ANSWER_TEMPLATE, {"region": region})


@never_cache
@login_required
@require_POST
@domain_errors
def check(request: HttpRequest) -> HttpResponse:
    """The answer alone, for htmx (or a plain POST): 403 for those who may not check."""
    return _answer(request, tell=False)


@never_cache
@login_required
@require_POST
@domain_errors
def tell(request: HttpRequest) -> HttpResponse:
    """Ask the national coordinator to look at a match "known to the system" (the
    check runs again); the answer alone, for htmx. 403 for those who may not check."""
    return _answer(request, tell=True)
