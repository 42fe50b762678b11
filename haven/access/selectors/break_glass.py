"""Break-glass reads: who may use it, and the uses a supervisor reviews.

A supervisor reviews the uses of their own organisation's staff; a supervisor of
a national coordinator reviews every use on cases of their country. Nobody
reviews their own use. A use outside the reviewer's reach is the same 404 as a
missing one. Uses hold no personal data of the person (a case reference, who,
when, and the staff's own words about the emergency), so these reads are not
audited; the case itself is read, and audited, through ``cases.selectors``
(whether a case page is read under break-glass is the case page's question:
``haven.assistance.selectors.case_page``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from haven.access import errors as access_errors
from haven.access import policy as access_policy
from haven.access.models import BreakGlass
from haven.accounts import policy as account_policy
from haven.accounts.models import OrgType, User
from haven.lib import ids


def may_use_break_glass(user: User) -> bool:
    """Caseworkers and supervisors of organisations that work cases may ask for
    emergency access; never the rapporteur (statistics only), organisation or
    system administrators (no case data). The same rule decides whether the way in
    is shown, and the service checks it again before anything else."""
    organisation = user.organisation
    return (
        user.is_active
        and organisation is not None
        and user.role in account_policy.CASE_ROLES
        and organisation.org_type != OrgType.RAPPORTEUR
    )


def may_review_break_glass(user: User) -> bool:
    """Supervisors review break-glass uses (``access.policy.rule_break_glass_reviewer``,
    which also decides each use)."""
    return access_policy.rule_break_glass_reviewer(user=user).allowed


def _reviewer_require(user: User) -> None:
    decision = access_policy.rule_break_glass_reviewer(user=user)
    if not decision.allowed:
        raise access_errors.SharingNotAllowed(str(decision.reason))


def _uses() -> QuerySet[BreakGlass]:
    return BreakGlass.objects.select_related(
        "case__person__data_key", "user", "organisation", "reviewed_by"
    )


def _reachable(user: User) -> QuerySet[BreakGlass]:
    # The reach of rule_break_glass_reviewer, as a filter for the list.
    _reviewer_require(user)
    assert user.organisation is not None  # noqa: S101 - the rule checked it
    reach = Q(organisation_id=user.organisation_id)
    if user.organisation.org_type == OrgType.NATIONAL_COORDINATOR:
        reach |= Q(case__country=user.organisation.country)
    return _uses().filter(reach).order_by("-started_at", "id")


def break_glass_review_list(*, user: User) -> QuerySet[BreakGlass]:
    """Uses waiting for this supervisor's review, newest first (never their own)."""
    return _reachable(user).filter(review=BreakGlass.Review.PENDING).exclude(user_id=user.pk)


def break_glass_get(*, user: User, grant_id: object) -> BreakGlass:
    """One use within the supervisor's reach (``rule_break_glass_reviewer``),
    reviewed or not; else not found."""
    parsed = ids.parse_uuid(grant_id)
    _reviewer_require(user)
    grant = _uses().filter(pk=parsed).first() if parsed else None
    missing = access_errors.BreakGlassNotFound(_("No break-glass use with this reference."))
    if grant is None:
        raise missing
    decision = access_policy.rule_break_glass_reviewer(
        user=user, organisation_id=grant.organisation_id, case_country=grant.case.country
    )
    if not decision.allowed:
        raise missing
    return grant
