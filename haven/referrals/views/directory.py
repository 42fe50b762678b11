"""The service directory's pages: the search (every member of an organisation),
and an organisation administrator's own entries with the forms to add, change,
confirm ("still current") and withdraw them. Plain forms, without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.current import request_user
from haven.assistance.catalogue import ServiceType
from haven.lib.errors import EditConflict, InvalidInput
from haven.lib.views import domain_errors, edit_conflict, forbidden, form_error
from haven.referrals.forms.directory import (
    DirectoryEntryEditForm,
    DirectoryEntryForm,
    DirectorySearchForm,
)
from haven.referrals.models import DirectoryEntry
from haven.referrals.selectors import directory as selectors
from haven.referrals.services import directory as services


def _search(form: DirectorySearchForm) -> list[selectors.DirectoryRow]:
    filters = form.filters()
    return selectors.directory_search(
        need=filters["need"],
        region=filters["region"],
        language=filters["language"],
        target_group=filters["target_group"],
    )


@never_cache
@login_required
@require_GET
@domain_errors
def directory_list(request: HttpRequest) -> HttpResponse:
    """Search the directory by need, place, language and target group."""
    selectors.require_reader(user=request_user(request))
    form = DirectorySearchForm(request.GET or None)
    valid = not request.GET or form.is_valid()
    context = {
        "form": form,
        "rows": _search(form) if valid else [],
        "stale_days": settings.HAVEN_DIRECTORY_STALE_DAYS,
        "nav": "directory",
    }
    return render(request, "referrals/directory_list.html", context, status=200 if valid else 400)


def _mine(
    request: HttpRequest, *, form: DirectoryEntryForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    organisation = user.organisation
    if organisation is None or not selectors.may_write(user=user, organisation_id=organisation.pk):
        return forbidden(
            request, reason=_("Only an organisation's administrator keeps its directory entries.")
        )
    context: dict[str, Any] = {
        "organisation": organisation,
        "rows": selectors.directory_entries_of(organisation=organisation),
        "form": form or DirectoryEntryForm(),
        "stale_days": settings.HAVEN_DIRECTORY_STALE_DAYS,
        "nav": "directory",
    }
    return render(request, "referrals/directory_mine.html", context, status=status)


@never_cache
@login_required
@require_GET
@domain_errors
def directory_mine(request: HttpRequest) -> HttpResponse:
    """The administrator's own entries, to confirm, change or add to."""
    return _mine(request)


@never_cache
@login_required
@require_POST
@domain_errors
def directory_entry_new(request: HttpRequest) -> HttpResponse:
    form = DirectoryEntryForm(request.POST)
    if form.is_valid():
        try:
            services.directory_entry_create(actor=request_user(request), data=form.entry_input())
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The service was added to the directory."))
            return redirect("referrals:directory_mine")
    return _mine(request, form=form, status=400)


@never_cache
@login_required
@domain_errors
def directory_entry_edit(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    """GET: the entry's form; POST: save it (which also confirms it)."""
    user = request_user(request)
    entry = selectors.directory_entry_of(user=user, entry_id=entry_id)
    form = DirectoryEntryEditForm.for_entry(entry)
    status, conflict = 200, None
    if request.method == "POST":
        form, status = DirectoryEntryEditForm(request.POST), 400
        if form.is_valid():
            try:
                services.directory_entry_update(
                    actor=user,
                    entry_id=entry.id,
                    data=form.entry_input(),
                    version=form.cleaned_data["version"],
                )
            except EditConflict as exc:
                # Changed meanwhile: keep what was typed, show what is saved now.
                entry = selectors.directory_entry_of(user=user, entry_id=entry_id)
                data, conflict = edit_conflict(
                    exc, data=request.POST, version=entry.version, saved=_saved(entry)
                )
                form, status = DirectoryEntryEditForm(data), 409
            except InvalidInput as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("The directory entry was saved."))
                return redirect("referrals:directory_mine")
    context = {"entry": entry, "form": form, "conflict": conflict, "nav": "directory"}
    return render(request, "referrals/directory_edit.html", context, status=status)


def _saved(entry: DirectoryEntry) -> list[tuple[str, str]]:
    """The entry as saved now, as the conflict notice lists it."""
    return [
        (_("Type of service"), str(dict(ServiceType.choices).get(entry.service_type, ""))),
        (_("Name of the service"), entry.title),
        (_("Description"), entry.description),
        (_("Region"), entry.region),
        (_("Languages"), ", ".join(entry.languages)),
        (_("Opening hours"), entry.hours),
        (_("Emergency contact"), entry.emergency_contact),
        (_("Capacity notes"), entry.capacity_notes),
    ]


@never_cache
@login_required
@require_POST
@domain_errors
def directory_entry_confirm(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    services.directory_entry_confirm(actor=request_user(request), entry_id=entry_id)
    messages.success(request, _("Confirmed as still current."))
    return redirect("referrals:directory_mine")


@never_cache
@login_required
@require_POST
@domain_errors
def directory_entry_deactivate(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    services.directory_entry_deactivate(actor=request_user(request), entry_id=entry_id)
    messages.success(request, _("The service was taken out of the directory."))
    return redirect("referrals:directory_mine")


urlpatterns: list[URLPattern] = [
    path("directory/", directory_list, name="directory_list"),
    path("directory/mine/", directory_mine, name="directory_mine"),
    path("directory/mine/new/", directory_entry_new, name="directory_entry_new"),
    path("directory/<uuid:entry_id>/edit/", directory_entry_edit, name="directory_entry_edit"),
    path(
        "directory/<uuid:entry_id>/confirm/",
        directory_entry_confirm,
        name="directory_entry_confirm",
    ),
    path(
        "directory/<uuid:entry_id>/deactivate/",
        directory_entry_deactivate,
        name="directory_entry_deactivate",
    ),
]
