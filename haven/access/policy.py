"""The one decision function: may this user see this field group of this case?

Deny by default. ``decide`` runs an ordered list of rules; each rule either
decides (allow or deny, with a stable code and a plain-language reason) or
passes (returns ``None``) to the next. If no rule allows, the answer is no.

Consent and agreement (MoU) rules plug in as further entries of ``RULES``,
between team membership and the organisation-type default, without changing
callers: every caller already receives a ``Decision`` with its reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import OrgType, User

G = FieldGroup
ALL_GROUPS = frozenset(G)

# Which field groups a team member of each organisation type sees by default.
# Police never see location or health by default: a leaked shelter address can
# get someone killed, and health data is not needed for an investigation.
ORG_TYPE_GROUPS: dict[str, frozenset[FieldGroup]] = {
    OrgType.NGO: ALL_GROUPS,
    OrgType.SOCIAL_SERVICES: ALL_GROUPS,
    OrgType.GUARDIAN_SERVICE: ALL_GROUPS,
    OrgType.SHELTER: frozenset(
        {G.IDENTITY, G.CONTACT, G.LOCATION, G.HEALTH, G.ASSESSMENT, G.SERVICES, G.STATISTICAL}
    ),
    OrgType.HEALTH: frozenset({G.IDENTITY, G.CONTACT, G.HEALTH, G.SERVICES, G.STATISTICAL}),
    OrgType.POLICE: frozenset(
        {G.IDENTITY, G.CONTACT, G.NARRATIVE, G.LEGAL, G.ASSESSMENT, G.STATISTICAL}
    ),
    OrgType.BORDER_GUARD: frozenset({G.IDENTITY, G.LEGAL, G.ASSESSMENT, G.STATISTICAL}),
    OrgType.LABOUR_INSPECTORATE: frozenset({G.IDENTITY, G.NARRATIVE, G.ASSESSMENT, G.STATISTICAL}),
    OrgType.PROSECUTOR: frozenset({G.IDENTITY, G.NARRATIVE, G.LEGAL, G.STATISTICAL}),
    OrgType.MIGRATION_AUTHORITY: frozenset({G.IDENTITY, G.LEGAL, G.STATISTICAL}),
    OrgType.NATIONAL_COORDINATOR: frozenset(
        {G.IDENTITY, G.NARRATIVE, G.LEGAL, G.ASSESSMENT, G.SERVICES, G.STATISTICAL}
    ),
    OrgType.INTERNATIONAL_ORGANISATION: frozenset(
        {G.IDENTITY, G.NARRATIVE, G.ASSESSMENT, G.SERVICES, G.STATISTICAL}
    ),
    OrgType.RAPPORTEUR: frozenset({G.STATISTICAL}),
    OrgType.OTHER: frozenset({G.IDENTITY, G.STATISTICAL}),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str  # stable, for tests and the API
    reason: str | Promise  # plain words for the person asking


@dataclass
class Request:
    """Everything a rule may look at; loaded once per case and user."""

    user: User
    case_id: uuid.UUID | str
    field_group: FieldGroup
    purpose: Purpose
    memberships: Sequence[TeamMembership] = field(default_factory=tuple)

    @property
    def own_membership(self) -> TeamMembership | None:
        for membership in self.memberships:
            if membership.organisation_id == self.user.organisation_id:
                return membership
        return None

    @property
    def lead(self) -> TeamMembership | None:
        return next((m for m in self.memberships if m.is_lead), None)


Rule = Callable[[Request], Decision | None]


def rule_active_user(request: Request) -> Decision | None:
    if not request.user.is_active or request.user.organisation_id is None:
        return Decision(False, "inactive_user", _("Your account is not active in an organisation."))
    return None


def rule_case_role(request: Request) -> Decision | None:
    if request.user.role not in account_policy.CASE_ROLES:
        return Decision(
            False,
            "role_without_case_access",
            _("Your role does not give access to case data."),
        )
    return None


def rule_case_team(request: Request) -> Decision | None:
    if request.own_membership is None:
        return Decision(
            False, "not_on_case_team", _("Your organisation is not on this case's team.")
        )
    return None


def rule_org_type_default(request: Request) -> Decision | None:
    """Team members see the groups their organisation type sees by default."""
    assert request.user.organisation is not None  # noqa: S101 - rule_active_user ran first
    org_type = request.user.organisation.org_type
    group_label = request.field_group.label
    type_label = OrgType(org_type).label
    if request.field_group not in ORG_TYPE_GROUPS.get(org_type, frozenset()):
        lead = request.lead
        who = lead.organisation.name if lead else _("the case lead")
        return Decision(
            False,
            "group_not_for_org_type",
            _(
                "%(type)s organisations do not see %(group)s by default. "
                "If you need it, ask the case lead (%(lead)s)."
            )
            % {"type": type_label, "group": group_label.lower(), "lead": who},
        )
    membership = request.own_membership
    assert membership is not None  # noqa: S101 - rule_case_team ran first
    role = _("case lead") if membership.is_lead else _("a member of the case team")
    return Decision(
        True,
        "team_org_type",
        _("Your organisation is %(role)s, and %(type)s caseworkers see %(group)s.")
        % {"role": role, "type": type_label, "group": group_label.lower()},
    )


# Order matters: the first rule that decides wins. Consent and agreement rules
# will sit before rule_org_type_default.
RULES: tuple[Rule, ...] = (
    rule_active_user,
    rule_case_role,
    rule_case_team,
    rule_org_type_default,
)

DEFAULT_DENY = Decision(False, "no_rule_allows", _("No sharing rule allows this."))


def decide(
    *,
    user: User,
    case_id: uuid.UUID | str,
    field_group: FieldGroup,
    purpose: Purpose = Purpose.ASSISTANCE,
    memberships: Sequence[TeamMembership] | None = None,
) -> Decision:
    """Deny by default; the first rule that decides gives the answer and its reason."""
    if memberships is None:
        memberships = team_of(case_id=case_id)
    request = Request(user, case_id, field_group, purpose, memberships)
    for rule in RULES:
        decision = rule(request)
        if decision is not None:
            return decision
    return DEFAULT_DENY


def decide_all(
    *, user: User, case_id: uuid.UUID | str, purpose: Purpose = Purpose.ASSISTANCE
) -> dict[FieldGroup, Decision]:
    """One decision per field group, loading the team once."""
    memberships = team_of(case_id=case_id)
    return {
        group: decide(
            user=user, case_id=case_id, field_group=group, purpose=purpose, memberships=memberships
        )
        for group in FieldGroup
    }


def team_of(*, case_id: uuid.UUID | str) -> list[TeamMembership]:
    return list(TeamMembership.objects.filter(case_id=case_id).select_related("organisation"))


def may_see_case(*, user: User, case_id: uuid.UUID | str) -> bool:
    """Whether the case exists for this user at all (otherwise: 404)."""
    memberships = team_of(case_id=case_id)
    request = Request(user, case_id, FieldGroup.STATISTICAL, Purpose.ASSISTANCE, memberships)
    return all(rule(request) is None for rule in (rule_active_user, rule_case_role, rule_case_team))
