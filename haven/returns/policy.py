"""Who may do what with country profiles: one rule each, asked by the pages, the
API, the services and the menu alike.

- Reading the profiles: every active caseworker or supervisor of an organisation
  (anyone who may prepare a return reads what is known of the country).
- Keeping them (editing, marking them reviewed): the national coordinator's staff
  (``rule_desk_coordinator``), who answer for the national referral mechanism.

Return plans themselves are read and written through the case gate
(``cases.selectors.case_for``) in the ``assessment`` group.
"""

from __future__ import annotations

from haven.access.policy import rule_desk_coordinator
from haven.accounts import policy as account_policy
from haven.accounts.models import User


def may_read_profiles(user: User) -> bool:
    return (
        user.is_active
        and user.organisation_id is not None
        and user.role in account_policy.CASE_ROLES
    )


def may_keep_profiles(user: User) -> bool:
    return rule_desk_coordinator(user=user).allowed
