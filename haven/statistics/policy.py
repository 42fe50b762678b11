"""Who reads the statistics (R-41, R-46): the National Rapporteur and the national
coordinator, each for their own country only. Nobody else: not the caseworkers of
other organisations, and not the administrators, who run the platform but read no
data. One rule, asked by the pages, the API, the downloads and the menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.access.policy import Decision
from haven.accounts.models import OrgType, Role, User

READER_TYPES = frozenset({OrgType.RAPPORTEUR, OrgType.NATIONAL_COORDINATOR})
READER_ROLES = frozenset({Role.RAPPORTEUR, Role.CASEWORKER, Role.SUPERVISOR})

NOT_READER = Decision(
    False,
    "not_statistics_reader",
    _("Only the National Rapporteur and the national coordinator read the statistics."),
)


def rule_statistics(user: User) -> Decision:
    """The staff (not the administrators) of the Rapporteur or the national coordinator."""
    organisation = user.organisation if user.is_active else None
    if organisation is None or organisation.org_type not in READER_TYPES:
        return NOT_READER
    if user.role not in READER_ROLES:
        return NOT_READER
    return Decision(
        True,
        "statistics_reader",
        _("You read the statistics of %(country)s for %(org)s.")
        % {"country": organisation.country, "org": organisation.name},
    )


def may_read_statistics(user: User) -> bool:
    """The rule the menu asks (``statistics.read``) and every statistics page refuses with."""
    return rule_statistics(user).allowed
