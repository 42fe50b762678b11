"""The national coordinator's deduplication pages (issue 14): the review queue with
the runs and the merges waiting, a run's progress (htmx polls it every few seconds;
without JavaScript the page refreshes itself), a pair side by side with the decision
form, and a merge with its approval and unmerge forms. The same services as the API."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.current import request_user
from haven.accounts.models import Role
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error
from haven.linkage import forms
from haven.linkage.models import Merge
from haven.linkage.selectors import review as review_selectors
from haven.linkage.services import review

POLL_SECONDS = 3


@never_cache
@login_required
@require_GET
@domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    """The open pairs of the coordinator's country, likeliest first, with the runs
    and the merges waiting for a supervisor."""
    user = request_user(request)
    page = review_selectors.queue(user, page=request.GET.get("page", "1"))
    return render(
        request,
        "linkage/review_queue.html",
        {
            "nav": "desk",
            "page": page,
            "runs": review_selectors.runs(user, limit=5),
            "merges": review_selectors.merges_pending(user),
        },
    )


@never_cache
@login_required
@require_POST
@domain_errors
def run_start(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        run = review.run_start(actor=user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("linkage:review_queue")
    return redirect("linkage:run_detail", run_id=run.id)


@never_cache
@login_required
@require_GET
@domain_errors
def run_detail(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """A run's progress; for htmx (``HX-Request``) the progress region alone."""
    run = review_selectors.run_for(request_user(request), run_id)
    context = {"nav": "desk", "run": run, "poll": POLL_SECONDS}
    if request.headers.get("HX-Request") == "true":
        return render(request, "linkage/_run_progress.html", context)
    return render(request, "linkage/run_detail.html", context)


def _pair_page(
    request: HttpRequest, pair_id: uuid.UUID, form: forms.PairDecisionForm, status: int = 200
) -> HttpResponse:
    pair, sides = review.pair_compare(actor=request_user(request), pair_id=pair_id)
    context: dict[str, Any] = {
        "nav": "desk",
        "pair": pair,
        "sides": sides,
        "form": form,
        "merges": review_selectors.merges_of(pair),
    }
    return render(request, "linkage/pair_detail.html", context, status=status)


@never_cache
@login_required
@domain_errors
def pair_detail(request: HttpRequest, pair_id: uuid.UUID) -> HttpResponse:
    """The two records side by side (each read audited) and, while the pair is open,
    the decision form."""
    if request.method != "POST":
        return _pair_page(request, pair_id, forms.PairDecisionForm())
    form = forms.PairDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            merge = review.pair_decide(
                actor=request_user(request),
                pair_id=pair_id,
                same=data["decision"] == "same",
                reason=data["reason"],
                keep=data["keep"],
            )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            if merge is None:
                messages.success(request, _("Recorded: not the same person."))
                return redirect("linkage:review_queue")
            messages.success(request, _("Merge proposed: a supervisor approves or refuses it."))
            return redirect("linkage:merge_detail", merge_id=merge.id)
    return _pair_page(request, pair_id, form, status=400)


def _merge_page(
    request: HttpRequest,
    merge_id: uuid.UUID,
    *,
    decide: forms.MergeDecisionForm | None = None,
    unmerge: forms.UnmergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    merge = review_selectors.merge_for(user, merge_id)
    supervisor = user.role == Role.SUPERVISOR
    context = {
        "nav": "desk",
        "merge": merge,
        "own": merge.proposed_by_id == user.pk,
        "decide": (decide or forms.MergeDecisionForm())
        if review_selectors.may_decide_merge(user, merge)
        else None,
        "unmerge": (unmerge or forms.UnmergeForm())
        if supervisor and merge.status == Merge.Status.APPROVED
        else None,
    }
    return render(request, "linkage/merge_detail.html", context, status=status)


@never_cache
@login_required
@require_GET
@domain_errors
def merge_detail(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    return _merge_page(request, merge_id)


@never_cache
@login_required
@require_POST
@domain_errors
def merge_decide(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    form = forms.MergeDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            review.merge_decide(
                actor=request_user(request),
                merge_id=merge_id,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("The cases were merged.") if approve else _("The merge was refused.")
            )
            return redirect("linkage:merge_detail", merge_id=merge_id)
    return _merge_page(request, merge_id, decide=form, status=400)


@never_cache
@login_required
@require_POST
@domain_errors
def merge_unmerge(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    form = forms.UnmergeForm(request.POST)
    if form.is_valid():
        try:
            review.unmerge(
                actor=request_user(request),
                merge_id=merge_id,
                reason=form.cleaned_data["reason"],
            )
        except (InvalidInput, Conflict) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The merge was reversed."))
            return redirect("linkage:merge_detail", merge_id=merge_id)
    return _merge_page(request, merge_id, unmerge=form, status=400)
