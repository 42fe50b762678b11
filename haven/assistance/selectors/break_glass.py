"""Break-glass reads: the uses a supervisor reviews, and whether a case page is
read under break-glass.

A supervisor reviews the uses of their own organisation's staff; a supervisor of
a national coordinator reviews every use on cases of their country. Nobody
reviews their own use. A use outside the reviewer's reach is the same 404 as a
missing one. Uses hold no personal data of the person (a case reference, who,
when, and the staff's own words about the emergency), so these reads are not
audited; the case itself is read, and audited, through ``cases.selectors``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from haven.access import errors as access_errors
from haven.access.models import BreakGlass
from haven.accounts import policy as account_policy
from haven.accounts.models import OrgType, Role, User
from haven.cases import selectors as case_selectors
from haven.lib import ids


def may_use_break_glass(user: User) -> bool:
    """Caseworkers and supervisors may ask for emergency access (the access
    service checks it again when it opens the grant)."""
    return (
        user.is_active
        and user.organisation_id is not None
        and user.role in account_policy.CASE_ROLES
    )


def may_review_break_glass(user: User) -> bool:
    """Supervisors review break-glass uses (the access service checks each one)."""
    return user.is_active and user.organisation is not None and user.role == Role.SUPERVISOR


def _reachable(user: User) -> QuerySet[BreakGlass]:
    if not may_review_break_glass(user):
        raise access_errors.SharingNotAllowed(_("Only supervisors review break-glass uses."))
    assert user.organisation is not None  # noqa: S101 - may_review_break_glass checked it
    reach = Q(organisation_id=user.organisation_id)
    if user.organisation.org_type == OrgType.NATIONAL_COORDINATOR:
        reach |= Q(case__country=user.organisation.country)
    return (
        BreakGlass.objects.filter(reach)
        .select_related("case", "user", "organisation", "reviewed_by")
        .order_by("-started_at", "id")
    )


def break_glass_review_list(*, user: User) -> QuerySet[BreakGlass]:
    """Uses waiting for this supervisor's review, newest first (never their own)."""
    return _reachable(user).filter(review=BreakGlass.Review.PENDING).exclude(user_id=user.pk)


def break_glass_get(*, user: User, grant_id: object) -> BreakGlass:
    """One use within the supervisor's reach, reviewed or not; else not found."""
    parsed = ids.parse_uuid(grant_id)
    grant = _reachable(user).filter(pk=parsed).first() if parsed else None
    if grant is None:
        raise access_errors.BreakGlassNotFound(_("No break-glass use with this reference."))
    return grant


def case_view_under_break_glass(*, case_view: case_selectors.CaseView) -> bool:
    """Whether any field group of a case page is shown only by break-glass
    (decided by ``access.policy`` in ``case_read``; nothing read again)."""
    return any(group.code == "break_glass" for group in case_view.groups)
