"""The one decision function: may this user see this field group of this case?

Deny by default. ``decide`` runs an ordered list of rules; each rule either
decides (allow or deny, with a stable code and a plain-language reason) or
passes (returns ``None``) to the next. If no rule allows, the answer is no.

The rules, in order:

1. an active account in an organisation, with a role that works cases;
2. break-glass: a user with a live emergency grant sees what their
   organisation type sees by default, and the reason says it is an emergency
   (it only adds: a team member keeps what rules 4 and 5 give it);
3. the case team: anyone else gets "not on the team" (callers answer 404);
4. the case lead holds the person's data and sees what its organisation type
   sees by default (police never see location or health by default);
5. any other team member needs a cooperation agreement in effect (every party
   approved it: a proposal or a refused agreement opens nothing) that lets this
   field group flow from the case lead to them for this purpose, AND the
   person's live consent for it, unless the agreement rests on a legal basis
   that needs no consent (the reason then names it). Withdrawn consent and
   ended agreements stop access on the very next request.

Reads by a party, outside a case's field groups, have rules of their own at the
end of this module, each always deciding with a code and a reason:
``rule_referral_party``, ``rule_lead_transfer_party``, ``rule_desk_coordinator``,
``rule_focal_point_package`` and ``rule_break_glass_reviewer``; and who speaks
for a party of an agreement (``rule_agreement_approver``) and keeps the list of
legal bases (``rule_legal_basis_keeper``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    BreakGlass,
    Consent,
    FieldGroup,
    Purpose,
    TeamMembership,
)
from haven.access.states import AgreementState
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, OrgType, Role, User

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


@dataclass(frozen=True)
class Sharing:
    """What the person agreed to and what agreements allow, for one recipient."""

    consents: list[Consent]
    flows: list[AgreementFlow]


@dataclass
class CaseContext:
    """The sharing facts of one case, loaded once and reused by every decision
    about it in one request (the team eagerly; consents, agreements and
    break-glass grants only when a rule needs them)."""

    case_id: uuid.UUID | str
    memberships: Sequence[TeamMembership]
    today: date = field(default_factory=timezone.localdate)
    _sharing: dict[object, Sharing] = field(default_factory=dict)
    _break_glass: dict[object, BreakGlass | None] = field(default_factory=dict)
    _decisions: dict[tuple[object, ...], Decision] = field(default_factory=dict)

    def decided(self, key: tuple[object, ...], decide: Callable[[], Decision]) -> Decision:
        """The decision for ``key`` (user, field group, purpose), made once per context:
        the facts it rests on are this context's, loaded once too."""
        if key not in self._decisions:
            self._decisions[key] = decide()
        return self._decisions[key]

    @property
    def lead(self) -> TeamMembership | None:
        return next((m for m in self.memberships if m.is_lead), None)

    def membership_of(self, organisation_id: object) -> TeamMembership | None:
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    def sharing_for(self, user: User) -> Sharing:
        assert user.organisation is not None  # noqa: S101 - rule_active_user ran first
        key = user.organisation_id
        if key not in self._sharing:
            lead = self.lead
            self._sharing[key] = Sharing(
                consents=_live_consents(case_id=self.case_id, recipient=user.organisation),
                flows=_active_flows(
                    holder=lead.organisation if lead else None,
                    recipient=user.organisation,
                    today=self.today,
                ),
            )
        return self._sharing[key]

    def break_glass_for(self, user: User) -> BreakGlass | None:
        if user.pk not in self._break_glass:
            self._break_glass[user.pk] = (
                BreakGlass.objects.filter(
                    case_id=self.case_id, user_id=user.pk, expires_at__gt=timezone.now()
                )
                .order_by("-expires_at")
                .first()
            )
        return self._break_glass[user.pk]


def _live_consents(*, case_id: uuid.UUID | str, recipient: Organisation) -> list[Consent]:
    return _live_consents_of([case_id], recipient=recipient)


def _live_consents_of(
    case_ids: Sequence[uuid.UUID | str], *, recipient: Organisation
) -> list[Consent]:
    """The live consents to share with ``recipient`` in these cases, the latest first."""
    return list(
        Consent.objects.filter(case_id__in=case_ids, withdrawn_at__isnull=True)
        .filter(
            Q(recipient_organisation_id=recipient.pk) | Q(recipient_org_type=recipient.org_type)
        )
        .order_by("-given_on", "-recorded_at")
    )


def _party_matches(party: AgreementParty, organisation: Organisation) -> bool:
    if party.organisation_id is not None:
        return party.organisation_id == organisation.pk
    return party.org_type == organisation.org_type and party.country in ("", organisation.country)


def flow_reaches(flow: AgreementFlow, *, holder: Organisation, recipient: Organisation) -> bool:
    """Whether a clause lets data flow from the holder (the case lead) to the
    recipient: the agreement is in effect (every party approved it), the clause
    names the recipient, and both are parties. The one definition, for
    decisions and for reports on what could flow (R-47)."""
    if flow.recipient_organisation_id is not None:
        named = flow.recipient_organisation_id == recipient.pk
    else:
        named = flow.recipient_org_type == recipient.org_type and flow.recipient_country in (
            "",
            recipient.country,
        )
    parties = flow.agreement.parties.all()
    return (
        flow.agreement.state == AgreementState.IN_EFFECT
        and named
        and any(_party_matches(party, holder) for party in parties)
        and any(_party_matches(party, recipient) for party in parties)
    )


def _flows_in_force(today: date) -> QuerySet[AgreementFlow]:
    """Clauses of agreements in force on ``today``: every party approved them,
    they have begun and not yet ended. The one definition of "in force" for
    every question about what may flow (R-47)."""
    return AgreementFlow.objects.filter(
        agreement__state=AgreementState.IN_EFFECT, agreement__valid_from__lte=today
    ).filter(Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gt=today))


def _flows_naming(recipient: Organisation, today: date) -> list[AgreementFlow]:
    """Clauses of agreements in force today that name this recipient, whoever holds
    the data (two queries: the clauses, their agreements' parties)."""
    return list(
        _flows_in_force(today)
        .filter(
            Q(recipient_organisation_id=recipient.pk)
            | Q(
                recipient_org_type=recipient.org_type, recipient_country__in=["", recipient.country]
            )
        )
        .select_related("agreement")
        .prefetch_related("agreement__parties")
        .order_by("agreement__name", "pk")
    )


def _active_flows(
    *,
    holder: Organisation | None,
    recipient: Organisation,
    today: date,
    naming: list[AgreementFlow] | None = None,
) -> list[AgreementFlow]:
    """Clauses of agreements in force today that let data flow from the case
    lead to this recipient, both being parties to the agreement. Only
    agreements every party approved: a proposal opens nothing (R-47).
    ``naming``: the clauses naming the recipient, already read (``_flows_naming``)."""
    if holder is None:
        return []
    flows = _flows_naming(recipient, today) if naming is None else naming
    return [flow for flow in flows if flow_reaches(flow, holder=holder, recipient=recipient)]


def legal_basis_flows(*, holder: Organisation, today: date) -> list[AgreementFlow]:
    """Clauses of agreements in force today that need no consent (their legal
    basis allows the flow) and that the holder (the case lead) signed: what can
    flow from the case while nobody can consent, e.g. for a child without a
    guardian yet. Whom each reaches is ``flow_reaches``, as for every decision."""
    flows = (
        _flows_in_force(today)
        .filter(agreement__consent_required=False)
        .select_related("agreement", "recipient_organisation")
        .prefetch_related("agreement__parties")
        .order_by("agreement__name", "pk")
    )
    return [
        flow
        for flow in flows
        if any(_party_matches(party, holder) for party in flow.agreement.parties.all())
    ]


@dataclass
class Request:
    """Everything a rule may look at."""

    user: User
    field_group: FieldGroup
    purpose: Purpose
    context: CaseContext

    @property
    def own_membership(self) -> TeamMembership | None:
        return self.context.membership_of(self.user.organisation_id)

    @property
    def lead(self) -> TeamMembership | None:
        return self.context.lead

    @property
    def lead_name(self) -> str:
        lead = self.lead
        return lead.organisation.name if lead else str(_("the case lead"))


Rule = Callable[[Request], Decision | None]


def _labels(request: Request) -> dict[str, str]:
    assert request.user.organisation is not None  # noqa: S101 - rule_active_user ran first
    return {
        "group": str(request.field_group.label).lower(),
        "purpose": str(request.purpose.label),
        "org": request.user.organisation.name,
        "type": str(OrgType(request.user.organisation.org_type).label),
        "lead": request.lead_name,
    }


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


def _org_type_allows(request: Request) -> bool:
    assert request.user.organisation is not None  # noqa: S101 - rule_active_user ran first
    org_type = request.user.organisation.org_type
    return request.field_group in ORG_TYPE_GROUPS.get(org_type, frozenset())


def rule_break_glass(request: Request) -> Decision | None:
    """Emergency access: what the organisation type sees by default, for a short time."""
    grant = request.context.break_glass_for(request.user)
    if grant is None:
        return None
    labels = _labels(request)
    if not _org_type_allows(request):
        if request.own_membership is not None:
            # Break-glass only adds: a team member keeps what the team rules give.
            return None
        return Decision(
            False,
            "group_not_for_org_type",
            _("%(type)s organisations do not see %(group)s, even in an emergency.") % labels,
        )
    until = timezone.localtime(grant.expires_at).strftime("%H:%M")
    return Decision(
        True,
        "break_glass",
        _(
            "Emergency access (break-glass) until %(until)s, with your written justification. "
            "The case lead and the national coordinator have been told; a supervisor reviews it."
        )
        % {"until": until},
    )


def rule_case_team(request: Request) -> Decision | None:
    if request.own_membership is None:
        return Decision(
            False, "not_on_case_team", _("Your organisation is not on this case's team.")
        )
    return None


def rule_case_lead(request: Request) -> Decision | None:
    """The case lead holds the person's data: its organisation type's default groups."""
    membership = request.own_membership
    if membership is None or not membership.is_lead:
        return None
    labels = _labels(request)
    if not _org_type_allows(request):
        return Decision(
            False,
            "group_not_for_org_type",
            _("%(type)s organisations do not see %(group)s by default.") % labels,
        )
    return Decision(
        True,
        "case_lead",
        _("Your organisation is the case lead, and %(type)s caseworkers see %(group)s.") % labels,
    )


def _consent_matches(consent: Consent, request: Request) -> bool:
    return consent.purpose == request.purpose and request.field_group in consent.field_groups


# The code of "no agreement lets this flow": what a consent alone cannot open.
NO_AGREEMENT = "no_agreement"

# How long before an agreement ends the access that rests on it says so.
AGREEMENT_ENDING_NOTICE_DAYS = 30


def _ending_notice(agreement: Agreement) -> str:
    """ " This access stops on <day>." when the agreement ends within the notice
    period, so the reader can ask for a new agreement in time; else nothing."""
    today = timezone.localdate()
    if agreement.ends_on is None or (agreement.ends_on - today).days > AGREEMENT_ENDING_NOTICE_DAYS:
        return ""
    return " " + str(
        _("This access stops on %(day)s, when the agreement ends.")
        % {"day": date_format(agreement.ends_on)}
    )


def rule_agreement_and_consent(request: Request) -> Decision | None:
    """Other team members: an agreement in force AND the person's consent (or a
    legal basis that needs none), for this group and purpose (R-47, R-40)."""
    sharing = request.context.sharing_for(request.user)
    labels = _labels(request)
    flows = [
        flow
        for flow in sharing.flows
        if request.purpose in flow.purposes and request.field_group in flow.field_groups
    ]
    if not flows:
        return Decision(
            False,
            NO_AGREEMENT,
            _(
                "No cooperation agreement in force lets %(group)s flow to %(org)s for "
                "%(purpose)s. Ask the case lead (%(lead)s)."
            )
            % labels,
        )
    for flow in flows:
        agreement = flow.agreement
        if not agreement.consent_required:
            return Decision(
                True,
                "legal_basis",
                _(
                    "Shared for %(purpose)s under the agreement '%(agreement)s', on the legal "
                    "basis %(basis)s, which does not need the person's consent."
                )
                % {**labels, "agreement": agreement.name, "basis": agreement.legal_basis}
                + _ending_notice(agreement),
            )
    consent = next((c for c in sharing.consents if _consent_matches(c, request)), None)
    if consent is None:
        return Decision(
            False,
            "no_consent",
            _(
                "The person has not consented to share %(group)s with %(org)s for %(purpose)s. "
                "Ask the case lead (%(lead)s)."
            )
            % labels,
        )
    return Decision(
        True,
        "consent_and_agreement",
        _("Shared by consent of %(day)s for %(purpose)s under the agreement '%(agreement)s'.")
        % {**labels, "day": date_format(consent.given_on), "agreement": flows[0].agreement.name}
        + _ending_notice(flows[0].agreement),
    )


# Order matters: the first rule that decides wins.
RULES: tuple[Rule, ...] = (
    rule_active_user,
    rule_case_role,
    rule_break_glass,
    rule_case_team,
    rule_case_lead,
    rule_agreement_and_consent,
)

DEFAULT_DENY = Decision(False, "no_rule_allows", _("No sharing rule allows this."))

# Rules that decide whether the case exists for the user at all.
VISIBILITY_RULES: tuple[Rule, ...] = (rule_active_user, rule_case_role)


def case_context(*, case_id: uuid.UUID | str) -> CaseContext:
    """The team of a case (one query); the rest loads when a rule asks."""
    return CaseContext(case_id=case_id, memberships=team_of(case_id=case_id))


def case_contexts(*, case_ids: Iterable[uuid.UUID], user: User) -> dict[uuid.UUID, CaseContext]:
    """The sharing facts of many cases, for the decisions about one ``user``, loaded
    together: a constant number of queries, whatever the number of cases. The
    teams (one query), the user's live break-glass grants (one), and, for the cases
    where the user's organisation is on the team but does not lead it (the only
    ones whose decisions ask what the person consented to and what agreements
    allow), the consents to that organisation (one) and the clauses naming it (two).
    Each context then decides exactly as one loaded alone (``case_context``) would:
    the same facts, read in bulk. A case id with no team gets an empty team."""
    ids = list(dict.fromkeys(case_ids))
    teams: dict[uuid.UUID, list[TeamMembership]] = {pk: [] for pk in ids}
    memberships = (
        TeamMembership.objects.filter(case_id__in=ids)
        .select_related("organisation")
        .order_by("-is_lead", "joined_at", "id")
    )
    for membership in memberships:
        teams[membership.case_id].append(membership)
    today = timezone.localdate()
    contexts = {pk: CaseContext(case_id=pk, memberships=teams[pk], today=today) for pk in ids}
    grants: dict[uuid.UUID, BreakGlass] = {}
    live = BreakGlass.objects.filter(
        case_id__in=ids, user_id=user.pk, expires_at__gt=timezone.now()
    ).order_by("-expires_at")
    for grant in live:
        grants.setdefault(grant.case_id, grant)
    for pk, context in contexts.items():
        context._break_glass[user.pk] = grants.get(pk)
    organisation = user.organisation
    if organisation is None:
        return contexts
    sharing = [
        context
        for context in contexts.values()
        if (own := context.membership_of(organisation.pk)) is not None and not own.is_lead
    ]
    if not sharing:
        return contexts
    consents: dict[object, list[Consent]] = {context.case_id: [] for context in sharing}
    for consent in _live_consents_of([c.case_id for c in sharing], recipient=organisation):
        consents[consent.case_id].append(consent)
    naming = _flows_naming(organisation, today)
    for context in sharing:
        lead = context.lead
        context._sharing[organisation.pk] = Sharing(
            consents=consents[context.case_id],
            flows=_active_flows(
                holder=lead.organisation if lead else None,
                recipient=organisation,
                today=today,
                naming=naming,
            ),
        )
    return contexts


def decide(
    *,
    user: User,
    case_id: uuid.UUID | str,
    field_group: FieldGroup,
    purpose: Purpose = Purpose.ASSISTANCE,
    context: CaseContext | None = None,
) -> Decision:
    """Deny by default; the first rule that decides gives the answer and its reason."""
    if context is None:
        context = case_context(case_id=case_id)
    request = Request(user, field_group, purpose, context)
    # Everything a rule reads about the user is in the key: a user changed in the
    # same request (deactivated, moved, given another role) is decided afresh.
    key = (user.pk, user.is_active, user.organisation_id, user.role, field_group, purpose)
    return context.decided(key, lambda: _first_decision(request))


def _first_decision(request: Request) -> Decision:
    for rule in RULES:
        decision = rule(request)
        if decision is not None:
            return decision
    return DEFAULT_DENY


def decide_all(
    *, user: User, case_id: uuid.UUID | str, purpose: Purpose = Purpose.ASSISTANCE
) -> dict[FieldGroup, Decision]:
    """One decision per field group, loading the sharing facts once."""
    context = case_context(case_id=case_id)
    return {
        group: decide(
            user=user, case_id=case_id, field_group=group, purpose=purpose, context=context
        )
        for group in FieldGroup
    }


def flow_check(
    *,
    case_id: uuid.UUID | str,
    recipient: Organisation,
    field_group: FieldGroup,
    purpose: Purpose,
    context: CaseContext | None = None,
) -> Decision:
    """Whether ``field_group`` would reach ``recipient`` for ``purpose`` once it
    joins the case team: the agreement-and-consent rule, asked for an
    organisation before a referral brings it in (R-47). The same rule that will
    decide every read afterwards, not a copy of it."""
    if context is None:
        context = case_context(case_id=case_id)
    as_member = User(organisation=recipient, role=Role.CASEWORKER, is_active=True)
    decision = rule_agreement_and_consent(Request(as_member, field_group, purpose, context))
    assert decision is not None  # noqa: S101 - the rule always decides
    return decision


class FlowStatus(StrEnum):
    """What stands between a kind of information and an organisation (R-47, R-40)."""

    CAN_FLOW = "can_flow"  # an agreement in force, and consent or a legal basis
    NEEDS_CONSENT = "needs_consent"  # an agreement lets it flow once the person consents
    NEEDS_AGREEMENT = "needs_agreement"  # no agreement in force lets it flow at all


@dataclass(frozen=True)
class FlowAnswer:
    """For one (case, recipient, field group, purpose): whether it can flow, the
    decision behind it, and, when an agreement is missing, the organisations whose
    administrators can make one (the case lead and the recipient)."""

    field_group: FieldGroup
    status: FlowStatus
    decision: Decision
    agreement_between: tuple[Organisation, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.status == FlowStatus.CAN_FLOW


def flow_status_of(*, allowed: bool, code: str) -> FlowStatus | None:
    """How ``rule_agreement_and_consent`` decided, as a way forward: the reading
    ``flow_status`` gives its decision, and the case page gives the decisions it
    already made for a team member. None for a decision of another rule (the user
    is not a team member, or is the case lead)."""
    if allowed:
        return FlowStatus.CAN_FLOW
    return {
        "no_consent": FlowStatus.NEEDS_CONSENT,
        "no_agreement": FlowStatus.NEEDS_AGREEMENT,
    }.get(code)


def flow_status(
    *,
    case_id: uuid.UUID | str,
    recipient: Organisation,
    field_group: FieldGroup,
    purpose: Purpose,
    context: CaseContext | None = None,
) -> FlowAnswer:
    """Can ``field_group`` flow to ``recipient`` for ``purpose``, and if not, is it
    a consent or an agreement that is missing? The one answer the referral form,
    the referral's refusal and a request for access all give (issue 11, R-47):
    ``flow_check``'s decision, read as a way forward."""
    if context is None:
        context = case_context(case_id=case_id)
    decision = flow_check(
        case_id=case_id,
        recipient=recipient,
        field_group=field_group,
        purpose=purpose,
        context=context,
    )
    # Any other refusal of the agreement rule is about the agreement.
    status = (
        flow_status_of(allowed=decision.allowed, code=decision.code) or FlowStatus.NEEDS_AGREEMENT
    )
    if status != FlowStatus.NEEDS_AGREEMENT:
        return FlowAnswer(field_group, status, decision)
    lead = context.lead
    between = (lead.organisation, recipient) if lead is not None else (recipient,)
    return FlowAnswer(field_group, FlowStatus.NEEDS_AGREEMENT, decision, between)


def team_of(*, case_id: uuid.UUID | str) -> list[TeamMembership]:
    """The case team: the lead first, then the others in the order they joined (an
    order of its own, not the order of whichever index the database reads)."""
    return list(
        TeamMembership.objects.filter(case_id=case_id)
        .select_related("organisation")
        .order_by("-is_lead", "joined_at", "id")
    )


def may_see_case(
    *, user: User, case_id: uuid.UUID | str, context: CaseContext | None = None
) -> bool:
    """Whether the case exists for this user at all (otherwise: 404): a case role,
    and the user's organisation on the team or a live break-glass grant."""
    context = context or case_context(case_id=case_id)
    request = Request(user, FieldGroup.STATISTICAL, Purpose.ASSISTANCE, context)
    if any(rule(request) is not None for rule in VISIBILITY_RULES):
        return False
    return request.own_membership is not None or context.break_glass_for(user) is not None


# --- reads by a party, outside a case's field groups -----------------------------------------
#
# A referral, a lead transfer, a desk item, a cross-border package and a
# break-glass use are read by an organisation for its part in them (sender,
# receiver, the coordination desk, the focal point, the reviewer), not through
# the case team rules above. Each has its rule here, with a stable code and a
# reason, so that "why can I see this" answers for these reads too. Access never
# imports a domain app: the caller hands over the facts (organisation ids, a
# country, focal point ids), and each rule always decides.


def _case_staff_refusal(user: User) -> Decision | None:
    """An active caseworker or supervisor of an organisation, or the refusal."""
    if not user.is_active or user.organisation_id is None:
        return Decision(False, "inactive_user", _("Your account is not active in an organisation."))
    if user.role not in account_policy.CASE_ROLES:
        return Decision(
            False, "role_without_case_access", _("Your role does not give access to case data.")
        )
    return None


def _org_name(user: User) -> str:
    assert user.organisation is not None  # noqa: S101 - the refusal check ran first
    return user.organisation.name


def rule_referral_party(*, user: User, sender_id: object, receiver_id: object) -> Decision:
    """A referral is read by the caseworkers and supervisors of the organisation
    that sent it and of the one it was sent to (R-47); anyone else: 404."""
    refusal = _case_staff_refusal(user)
    if refusal is not None:
        return refusal
    labels = {"org": _org_name(user)}
    if user.organisation_id == sender_id:
        return Decision(
            True, "referral_party", _("Your organisation (%(org)s) sent this referral.") % labels
        )
    if user.organisation_id == receiver_id:
        return Decision(
            True,
            "referral_party",
            _("This referral was sent to your organisation (%(org)s).") % labels,
        )
    return Decision(
        False, "not_referral_party", _("Your organisation neither sent nor received this referral.")
    )


def rule_lead_transfer_party(*, user: User, from_id: object, to_id: object) -> Decision:
    """A lead transfer is read by the caseworkers and supervisors of the case lead
    that proposed it and of the organisation asked to take the lead; anyone else: 404."""
    refusal = _case_staff_refusal(user)
    if refusal is not None:
        return refusal
    labels = {"org": _org_name(user)}
    if user.organisation_id == from_id:
        return Decision(
            True,
            "lead_transfer_party",
            _("Your organisation (%(org)s) proposed this lead transfer.") % labels,
        )
    if user.organisation_id == to_id:
        return Decision(
            True,
            "lead_transfer_party",
            _("Your organisation (%(org)s) is asked to take the lead.") % labels,
        )
    return Decision(
        False,
        "not_lead_transfer_party",
        _("Your organisation is neither side of this lead transfer."),
    )


NOT_COORDINATOR = Decision(
    False,
    "not_coordinator",
    _("Only staff of the national coordinator work the coordination desk."),
)


def rule_desk_coordinator(*, user: User, logged_by_id: object = None) -> Decision:
    """The coordination desk is worked by the caseworkers and supervisors of a
    national coordinator; a consultation (``logged_by_id`` given) is read only by
    the coordinator organisation that logged it. Concern reports: every coordinator."""
    organisation = user.organisation
    if _case_staff_refusal(user) is not None:
        return NOT_COORDINATOR
    assert organisation is not None  # noqa: S101 - checked by _case_staff_refusal
    if organisation.org_type != OrgType.NATIONAL_COORDINATOR:
        return NOT_COORDINATOR
    labels = {"org": organisation.name}
    if logged_by_id is None:
        return Decision(
            True,
            "desk_coordinator",
            _("You work the coordination desk of the national coordinator (%(org)s).") % labels,
        )
    if logged_by_id != organisation.pk:
        return Decision(
            False,
            "not_desk_owner",
            _("Another coordinator organisation logged this consultation."),
        )
    return Decision(
        True,
        "desk_coordinator",
        _("Your organisation (%(org)s) logged this consultation at the coordination desk.")
        % labels,
    )


def rule_focal_point_package(
    *, user: User, recipient: str | None = None, focal_point_id: str = ""
) -> Decision:
    """A cross-border package is opened by a caseworker or supervisor of this Haven,
    as its focal point (R-50), and only when it is addressed to this Haven's
    focal point (``recipient``; ``None`` before the package is opened)."""
    if _case_staff_refusal(user) is not None:
        return Decision(
            False, "role_not_allowed", _("Only caseworkers and supervisors import a case.")
        )
    labels = {"org": _org_name(user), "focal_point": focal_point_id}
    if recipient is None:
        return Decision(
            True,
            "focal_point_package",
            _("Caseworkers and supervisors of %(org)s receive packages for this Haven.") % labels,
        )
    if recipient != focal_point_id:
        return Decision(
            False,
            "package_misaddressed",
            _("This package is addressed to another focal point."),
        )
    return Decision(
        True,
        "focal_point_package",
        _(
            "The package is addressed to this Haven's focal point (%(focal_point)s), whose "
            "packages the caseworkers and supervisors of %(org)s receive."
        )
        % labels,
    )


NOT_SUPERVISOR = Decision(False, "not_supervisor", _("Only supervisors review break-glass uses."))


def rule_break_glass_reviewer(
    *, user: User, organisation_id: object = None, case_country: str = ""
) -> Decision:
    """A break-glass use is reviewed by a supervisor of the organisation whose staff
    used it, or by a supervisor of the national coordinator of the case's country.
    Without a use (``organisation_id`` None): whether the user reviews at all."""
    organisation = user.organisation
    if not user.is_active or organisation is None or user.role != Role.SUPERVISOR:
        return NOT_SUPERVISOR
    labels = {"org": organisation.name, "country": case_country}
    if organisation_id is None:
        return Decision(
            True,
            "break_glass_reviewer",
            _("Supervisors of %(org)s review break-glass uses.") % labels,
        )
    if organisation_id == organisation.pk:
        return Decision(
            True,
            "break_glass_reviewer",
            _("A supervisor of %(org)s reviews the break-glass uses of its staff.") % labels,
        )
    coordinator = organisation.org_type == OrgType.NATIONAL_COORDINATOR
    if coordinator and case_country == organisation.country:
        return Decision(
            True,
            "break_glass_reviewer",
            _(
                "A supervisor of the national coordinator (%(org)s) reviews break-glass uses "
                "on cases of %(country)s."
            )
            % labels,
        )
    return Decision(
        False,
        "not_break_glass_reviewer",
        _("A supervisor of the same organisation or of the national coordinator reviews it."),
    )


NOT_ORG_ADMIN = Decision(
    False,
    "not_org_admin",
    _("Only an administrator of a party's organisation approves or refuses an agreement."),
)


def rule_agreement_approver(*, user: User, party: AgreementParty) -> Decision:
    """Who approves or refuses an agreement for one of its parties (R-47): an
    active administrator of the organisation it names; for every organisation of
    a type in a country, an administrator of that country's national coordinator,
    which speaks for the type. A system administrator speaks for no party. The
    one rule for the services that approve and the pages that offer it."""
    organisation = user.organisation
    if not user.is_active or organisation is None or user.role != Role.ORG_ADMIN:
        return NOT_ORG_ADMIN
    labels = {"org": organisation.name}
    if party.organisation_id is not None:
        if party.organisation_id == organisation.pk:
            return Decision(
                True,
                "agreement_party_admin",
                _("You are an administrator of %(org)s, a party to this agreement.") % labels,
            )
        return Decision(
            False,
            "not_party_admin",
            _("Only an administrator of the organisation named approves for it."),
        )
    coordinator = organisation.org_type == OrgType.NATIONAL_COORDINATOR
    if coordinator and party.country == organisation.country:
        return Decision(
            True,
            "agreement_type_coordinator",
            _(
                "The national coordinator (%(org)s) approves for every organisation of a type "
                "in its country."
            )
            % labels,
        )
    return Decision(
        False,
        "not_type_coordinator",
        _("For every organisation of a type, the national coordinator of the country approves."),
    )


def rule_legal_basis_keeper(*, user: User, country: str = "") -> Decision:
    """The list of legal bases that let data flow without consent is kept by
    the administrators of a country's national coordinator (R-47); ``country``
    given: only that country's list."""
    organisation = user.organisation
    if (
        not user.is_active
        or organisation is None
        or user.role != Role.ORG_ADMIN
        or organisation.org_type != OrgType.NATIONAL_COORDINATOR
    ):
        return Decision(
            False,
            "not_coordinator_admin",
            _("Only administrators of the national coordinator keep the list of legal bases."),
        )
    if country and country != organisation.country:
        return Decision(
            False,
            "other_country",
            _("Each national coordinator keeps the list of its own country."),
        )
    return Decision(
        True,
        "legal_basis_keeper",
        _("Administrators of %(org)s keep the list of legal bases of %(country)s.")
        % {"org": organisation.name, "country": organisation.country},
    )


# --- names that tell where the person lives -------------------------------------------------

# A shelter's name is its address in all but form: whoever reads that a shelter is
# on the team learns where the person sleeps. Other types name an office.
LOCATION_REVEALING_TYPES = frozenset({OrgType.SHELTER})
HIDDEN_PROVIDER = _("An accommodation provider (its name is hidden with the location group)")


def organisation_label(
    *,
    reader: User,
    organisation_id: object,
    name: str,
    org_type: str,
    sees_location: bool,
) -> str:
    """The name of an organisation on a case as ``reader`` may see it: a shelter
    is named only to those who see the case's ``location`` group and to the
    shelter itself; everyone else reads that an accommodation provider is there."""
    if (
        sees_location
        or org_type not in LOCATION_REVEALING_TYPES
        or organisation_id == reader.organisation_id
    ):
        return name
    return str(HIDDEN_PROVIDER)
