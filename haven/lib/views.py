"""Small helpers shared by the HTML views of every app (the spine's too).

``domain_errors`` is the HTML side of the one error mapping (the API side is
``haven.lib.api.api_exception_handler``): missing and hidden give the same 404,
refusals give the 403 page with their reason. Form views catch ``InvalidInput``
and ``Conflict`` themselves, to show them beside the field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from haven.lib import locking
from haven.lib.errors import Conflict, EditConflict, HavenError, InvalidInput, NotAllowed, NotFound

View = Callable[..., HttpResponse]
FormT = TypeVar("FormT", bound=forms.BaseForm)


def forbidden(request: HttpRequest, *, reason: str) -> HttpResponse:
    """The 403 page with a plain reason (never personal data, never the user's input)."""
    return render(request, "403.html", {"reason": reason}, status=403)


def domain_errors(view: View) -> View:
    """Turn NotFound into the generic 404, NotAllowed into the 403 page and a
    Conflict no form caught (e.g. the person's data was erased) into the 409 page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(_("Not found.")) from exc
        except NotAllowed as exc:
            # Services translate their messages when they raise them.
            return forbidden(request, reason=exc.message)
        except Conflict as exc:
            return render(request, "409.html", {"reason": exc.message}, status=409)

    return wrapped


def form_error(form: forms.BaseForm, exc: HavenError) -> None:
    """A service's error beside the field it names, else above the form: the one
    way every form page shows a refusal (the service already translated it)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def form_write(form: forms.BaseForm, write: Callable[[], object]) -> bool:
    """Run a form's write; a refusal (``InvalidInput``, ``Conflict``) lands next to
    its field. True when it was recorded."""
    try:
        write()
    except (InvalidInput, Conflict) as exc:
        form_error(form, exc)
        return False
    return True


def form_post(
    request: HttpRequest,
    form: FormT,
    write: Callable[[FormT], object],
    *,
    done: str,
    to: str,
    again: Callable[[FormT], HttpResponse],
) -> HttpResponse:
    """The one shape of a form that posts and redirects, without JavaScript: a valid
    form is written by ``write``; once recorded, the message ``done`` and a redirect
    to ``to``; otherwise ``again(form)`` shows the page again with the errors next to
    their fields (its status is the caller's, usually 400)."""
    if form.is_valid() and form_write(form, lambda: write(form)):
        messages.success(request, done)
        return redirect(to)
    return again(form)


def local_next(request: HttpRequest) -> str:
    """The ``next`` page a link or form asked to return to, if it is on this site
    (an address elsewhere is ignored, never followed); "" when there is none."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@dataclass(frozen=True)
class EditConflictShown:
    """What ``web/_edit_conflict.html`` shows above a form whose edit was refused as
    stale (``haven.lib.locking``): the reason, and what is saved now, as labelled
    values already decided and decrypted by the view's selector."""

    message: str
    saved: Sequence[tuple[str, str]]


def edit_conflict(
    exc: EditConflict, *, data: QueryDict, version: int, saved: Sequence[tuple[str, str]]
) -> tuple[QueryDict, EditConflictShown]:
    """The user's typed values kept, now based on the saved ``version`` (so saving
    again replaces it knowingly), and the notice to show above the form."""
    kept = data.copy()
    kept[exc.field or locking.VERSION] = str(version)
    return kept, EditConflictShown(message=exc.message, saved=saved)
