"""Access reads used by domain selectors."""

from __future__ import annotations

from django.db.models import QuerySet

from haven.access.models import TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import User


def visible_case_ids(*, user: User) -> QuerySet[TeamMembership, object]:
    """Ids of cases whose team includes the user's organisation (for case roles)."""
    memberships = TeamMembership.objects.none()
    if (
        user.is_active
        and user.organisation_id is not None
        and user.role in account_policy.CASE_ROLES
    ):
        memberships = TeamMembership.objects.filter(organisation_id=user.organisation_id)
    return memberships.values_list("case_id", flat=True)
