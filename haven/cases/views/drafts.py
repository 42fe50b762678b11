"""Drafts of long forms (issue 11): "Save draft" beside the submit button, and the
autosave before an idle session ends, both post the form here; "Discard" deletes.

The form pages resume a draft themselves (``?draft=<id>``) with ``prefill``.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.cases import drafts, errors
from haven.lib.views import domain_errors

# The form's own fields are kept; these are the draft's controls and Django's token.
NOT_TYPED = frozenset({"csrfmiddlewaretoken", "draft_kind", "draft_path", "draft_id", "draft_case"})
AUTOSAVE_HEADER = "X-Haven-Autosave"


def prefill(form: forms.BaseForm, fields: drafts.Fields) -> None:
    """Show a resumed draft in an unbound form: what was typed, without errors.
    A browser posts no unticked box and no list with nothing chosen: such a field
    missing from the draft was left empty, not prefilled again (by a link's query
    or a previous version)."""
    for name, field in form.fields.items():
        multiple = isinstance(field, forms.MultipleChoiceField)
        if name in fields:
            values = fields[name]
            form.initial[name] = values if multiple else (values[-1] if values else "")
        elif not field.disabled and (multiple or isinstance(field.widget, forms.CheckboxInput)):
            form.initial[name] = [] if multiple else False


def resume(request: HttpRequest, form: forms.BaseForm, *, kind: str) -> str:
    """On a GET with ``?draft=<id>``: fill the form from the user's draft (404 for
    anyone else's) and give its id, so that saving again and sending delete it."""
    draft_id = request.GET.get("draft", "")
    if request.method != "GET" or not draft_id:
        return request.POST.get("draft_id", "")
    prefill(form, drafts.draft_open(user=request_user(request), draft_id=draft_id, kind=kind))
    return draft_id


def form_context(
    request: HttpRequest, *, kind: str, draft_id: str, case_id: object = ""
) -> dict[str, object]:
    """What ``cases/_draft_controls.html`` and ``cases/_drafts.html`` need. "Save
    draft" and the idle autosave are offered only where the save would be taken."""
    user = request_user(request)
    return {
        "draft": {
            "may_save": drafts.draft_may_save(user=user, kind=kind, case_id=case_id),
            "kind": kind,
            "id": draft_id,
            "case": str(case_id or ""),
            "path": request.path
            + (f"?{_without_draft(request)}" if _without_draft(request) else ""),
            "idle_seconds": settings.SESSION_COOKIE_AGE,
            "warning_seconds": min(
                settings.HAVEN_IDLE_WARNING_SECONDS, settings.SESSION_COOKIE_AGE
            ),
            "warning_minutes": max(1, round(settings.HAVEN_IDLE_WARNING_SECONDS / 60)),
        },
        "drafts": [
            row
            for row in drafts.draft_list(user=user, kind=kind)
            if row.id != draft_id and (not case_id or row.path.startswith(request.path))
        ],
    }


def _without_draft(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("draft", None)
    return query.urlencode()


@never_cache
@login_required
@require_POST
@domain_errors
def draft_save(request: HttpRequest) -> HttpResponse:
    """Keep the form as typed, unvalidated; back to the form, or 204 for the autosave."""
    post = request.POST
    try:
        draft = drafts.draft_save(
            actor=request_user(request),
            kind=post.get("draft_kind", ""),
            path=post.get("draft_path", ""),
            fields={name: post.getlist(name) for name in post if name not in NOT_TYPED},
            draft_id=post.get("draft_id", ""),
            case_id=post.get("draft_case", ""),
        )
    except errors.DraftNotSaved as exc:  # only a tampered form: the page sends both
        return HttpResponseBadRequest(exc.message)
    if request.headers.get(AUTOSAVE_HEADER):
        response = HttpResponse(status=204)
        response["X-Haven-Draft"] = str(draft.id)
        return response
    messages.success(
        request,
        _("Your draft was saved. Only you can see it; it is kept for %(days)s days.")
        % {"days": settings.HAVEN_DRAFT_DAYS},
    )
    separator = "&" if "?" in draft.path else "?"
    return redirect(f"{draft.path}{separator}draft={draft.id}")


@never_cache
@login_required
@require_POST
@domain_errors
def draft_discard(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    """Delete one of the user's drafts; back to the page the list was on."""
    if drafts.draft_delete(actor=request_user(request), draft_id=draft_id):
        messages.success(request, _("The draft was discarded."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = "/"
    return redirect(back)


urlpatterns: list[URLPattern] = [
    path("drafts/save/", draft_save, name="draft_save"),
    path("drafts/<uuid:draft_id>/discard/", draft_discard, name="draft_discard"),
]
