"""Which roles handle personal data, and therefore need MFA."""

from __future__ import annotations

from django.conf import settings

from haven.accounts.models import Role, User

# Every role except the rapporteur (aggregates only) can see personal data:
# case data for caseworkers and supervisors, staff data for administrators.
PERSONAL_DATA_ROLES = frozenset(
    {Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN}
)
CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def role_needs_mfa(role: str) -> bool:
    return role in PERSONAL_DATA_ROLES


def user_may_skip_mfa(user: User) -> bool:
    """Only demo accounts, only in demo mode (which is bound to loopback)."""
    return bool(settings.DEMO_MODE and user.is_demo)


def user_needs_mfa(user: User) -> bool:
    return role_needs_mfa(user.role) and not user_may_skip_mfa(user)
