"""The report for the person (GDPR access request): a printable page, rendered in
the person's language where Haven offers it. Routes under /cases/ (haven/cases/urls.py).

The case lead's caseworkers produce it; other team members get the 403 page with
the reason, everyone else the case's 404 (``domain_errors``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import translation
from django.views.decorators.cache import never_cache

from haven.cases import errors
from haven.cases import person_report as report_selectors
from haven.lib.views import domain_errors, request_user

TEMPLATE = "cases/person_report_detail.html"


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


@never_cache
@login_required
@domain_errors
def person_report_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """What Haven holds about the person, who it was shared with and who read it."""
    context: dict[str, Any] = {"case_id": case_id, "languages": _languages(), "error": ""}
    try:
        report = report_selectors.person_report_read(
            user=request_user(request), case_id=case_id, language=request.GET.get("lang", "")
        )
    except errors.InvalidInput as exc:
        # Raised only after the access checks passed: an outsider still gets the 404.
        return render(
            request, TEMPLATE, {**context, "report": None, "error": exc.message}, status=400
        )
    with translation.override(report.language.text_code):
        response = render(request, TEMPLATE, {**context, "report": report})
    response.headers["Content-Language"] = report.language.text_code
    return response


urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/person-report/", person_report_detail, name="person_report"),
]
