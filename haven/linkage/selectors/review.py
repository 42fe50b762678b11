"""Reads of the batch deduplication: who may review a country's duplicates, the
runs, the review queue, one pair and one merge. Nothing here decrypts a person:
``services.review.pair_compare`` does, audited.

The rule: the caseworkers and supervisors of a national coordinator review the
pairs of their own country's register (``access.policy.rule_desk_coordinator``,
the coordination desk's rule); a pair, run or merge of another country is as good
as missing. Approving, refusing and reversing a merge is for a supervisor of that
national coordinator who did not propose it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import TeamMembership
from haven.accounts.models import Role, User
from haven.cases.models import Case
from haven.lib import ids
from haven.linkage import errors
from haven.linkage.models import DedupeRun, Merge, PairReview, PairStatus

QUEUE_PAGE_SIZE = 25
# A pair whose person's data was erased since it was found is as good as gone: never
# listed, never shown (there is nothing left to decrypt).
LIVE = {"person_a__erased_at__isnull": True, "person_b__erased_at__isnull": True}


def may_review(user: User) -> bool:
    """Whether the user works the review queue of their country (the menu asks too)."""
    return access_policy.rule_desk_coordinator(user=user).allowed


def review_country(user: User) -> str:
    """The country whose register the user reviews; ``NotCoordinator`` otherwise."""
    if not may_review(user):
        raise errors.NotCoordinator(
            _("Only staff of the national coordinator review possible duplicates.")
        )
    assert user.organisation is not None  # noqa: S101 - the desk rule checked it
    return user.organisation.country


def may_decide_merge(user: User, merge: Merge) -> bool:
    """A supervisor of the national coordinator of the merge's country (who can see
    both records through the queue, so approving adds no new reader) who did not
    propose it: the rule the page asks before it offers the form."""
    return (
        may_review(user)
        and user.role == Role.SUPERVISOR
        and user.pk != merge.proposed_by_id
        and merge.status == Merge.Status.PROPOSED
    )


def supervisor_require(user: User) -> None:
    if user.role != Role.SUPERVISOR:
        raise errors.NotCoordinatorSupervisor(
            _("Only a supervisor of the national coordinator decides on a merge.")
        )


def runs(user: User, *, limit: int = 10) -> list[DedupeRun]:
    """The country's latest runs, newest first."""
    country = review_country(user)
    return list(
        DedupeRun.objects.filter(country=country)
        .select_related("started_by")
        .order_by("-started_at")[:limit]
    )


def run_for(user: User, run_id: object) -> DedupeRun:
    country = review_country(user)
    parsed = ids.parse_uuid(run_id)
    run = DedupeRun.objects.filter(pk=parsed, country=country).first() if parsed else None
    if run is None:
        raise errors.RunNotFound(_("No deduplication run with this id is available to you."))
    return run


def run_in_progress(country: str) -> bool:
    return DedupeRun.objects.filter(
        country=country, status__in=[DedupeRun.Status.QUEUED, DedupeRun.Status.RUNNING]
    ).exists()


def queue(user: User, *, page: int | str | None = 1) -> Page[PairReview]:
    """The country's open pairs, likeliest first, one page (two queries: the count
    and the page, with both cases' references)."""
    country = review_country(user)
    pairs = (
        PairReview.objects.filter(country=country, status=PairStatus.OPEN, **LIVE)
        .select_related("person_a__case", "person_b__case")
        .order_by("-probability", "id")
    )
    return Paginator(pairs, QUEUE_PAGE_SIZE).get_page(page)


def pair_for(user: User, pair_id: object) -> PairReview:
    country = review_country(user)
    parsed = ids.parse_uuid(pair_id)
    pair = (
        PairReview.objects.select_related("person_a__case", "person_b__case")
        .filter(pk=parsed, country=country, **LIVE)
        .first()
        if parsed
        else None
    )
    if pair is None:
        raise errors.PairNotFound(_("No pair with this id is available to you."))
    return pair


def merge_for(user: User, merge_id: object) -> Merge:
    country = review_country(user)
    parsed = ids.parse_uuid(merge_id)
    merge = (
        Merge.objects.select_related("pair", "case", "absorbed", "proposed_by")
        .filter(pk=parsed, pair__country=country)
        .first()
        if parsed
        else None
    )
    if merge is None:
        raise errors.MergeNotFound(_("No merge with this id is available to you."))
    return merge


def merges_pending(user: User) -> list[Merge]:
    """The country's merges waiting for a supervisor, oldest first."""
    country = review_country(user)
    return list(
        Merge.objects.filter(pair__country=country, status=Merge.Status.PROPOSED)
        .select_related("case", "absorbed", "proposed_by")
        .order_by("proposed_at")
    )


def merges_of(pair: PairReview) -> list[Merge]:
    return list(
        Merge.objects.filter(pair=pair).select_related("case", "absorbed").order_by("proposed_at")
    )


@dataclass(frozen=True)
class MergedNote:
    """What a case page says of merges: the case this one was merged into, and the
    cases merged into this one (pseudonymous references only)."""

    merged_into: str
    merged_from: list[str]


def merged_note(case_id: uuid.UUID) -> MergedNote | None:
    rows = list(
        Case.objects.filter(Q(pk=case_id) | Q(merged_into_id=case_id))
        .select_related("merged_into")
        .only("id", "reference", "merged_into__reference")
    )
    this = next((c for c in rows if c.pk == case_id), None)
    into = this.merged_into.reference if this is not None and this.merged_into else ""
    merged_from = sorted(c.reference for c in rows if c.pk != case_id)
    if not into and not merged_from:
        return None
    return MergedNote(merged_into=into, merged_from=merged_from)


def lead_names(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The lead organisation's name of each case (one query)."""
    rows = TeamMembership.objects.filter(case_id__in=case_ids, is_lead=True).select_related(
        "organisation"
    )
    return {row.case_id: row.organisation.name for row in rows}
