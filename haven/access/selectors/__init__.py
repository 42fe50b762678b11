"""Access reads: the cases a user's organisation is on the team of, the
person's consents (for the case lead) and the agreements (for administrators).

Domain apps find the case first (their selectors answer 404 for a hidden
case) and hand its sharing facts (``policy.CaseContext``) to the consent
selectors here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access import errors, hooks, policy
from haven.access.models import (
    Agreement,
    AgreementParty,
    BreakGlass,
    ChildViews,
    Consent,
    FieldGroup,
    LegalBasis,
    Purpose,
    TeamMembership,
)
from haven.access.states import AgreementState
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import ids as lib_ids
from haven.vault import services as vault
from haven.vault.models import DataKey


def _memberships(user: User) -> QuerySet[TeamMembership]:
    """The user's organisation's places on case teams (for case roles; none otherwise)."""
    if (
        user.is_active
        and user.organisation_id is not None
        and user.role in account_policy.CASE_ROLES
    ):
        return TeamMembership.objects.filter(organisation_id=user.organisation_id)
    return TeamMembership.objects.none()


def visible_case_ids(*, user: User) -> QuerySet[TeamMembership, object]:
    """Ids of cases whose team includes the user's organisation (for case roles)."""
    return _memberships(user).values_list("case_id", flat=True)


def led_memberships(*, user: User) -> QuerySet[TeamMembership]:
    """The teams the user's organisation leads (for case roles; none otherwise)."""
    return _memberships(user).filter(is_lead=True)


# --- consent -------------------------------------------------------------------------

# Binds the child's views ciphertext to its field (vault.encrypt's ``context``).
CHILD_VIEWS_CONTEXT = "consent.child_views"


def consent_refusal(*, user: User, memberships: Sequence[TeamMembership]) -> str | None:
    """Why this user may not see, record or withdraw the person's consents, or
    None if they may: only caseworkers and supervisors of the case lead, who
    holds the relationship with the person (R-20)."""
    lead = next((m for m in memberships if m.is_lead), None)
    if (
        user.is_active
        and lead is not None
        and user.organisation_id == lead.organisation_id
        and user.role in account_policy.CASE_ROLES
    ):
        return None
    name = lead.organisation.name if lead else _("the case lead")
    return _(
        "Only caseworkers and supervisors of the case lead (%(lead)s) see and record "
        "the person's consents. Ask them."
    ) % {"lead": name}


def consent_access_check(*, user: User, context: policy.CaseContext) -> None:
    """Raise the 403 of ``consent_refusal`` for anyone but the case lead's caseworkers."""
    refusal = consent_refusal(user=user, memberships=context.memberships)
    if refusal is not None:
        raise errors.SharingNotAllowed(refusal)


@dataclass(frozen=True)
class ConsentView:
    consent: Consent
    # The child's own views: None when none were recorded or they are not shown.
    child_views: str | None
    child_views_recorded: bool
    # Why recorded views are not shown ("" when shown or when there are none).
    child_views_hidden_reason: str = ""

    @property
    def live(self) -> bool:
        return self.consent.withdrawn_at is None


def _consent_view(consent: Consent, *, key: DataKey, may_read: policy.Decision) -> ConsentView:
    ciphertext = consent.child_views_enc
    recorded = ciphertext is not None and bool(bytes(ciphertext))
    if not recorded:
        return ConsentView(consent, None, False)
    if key.destroyed_at is not None:
        return ConsentView(consent, None, True, _("Erased: this data can no longer be read."))
    if not may_read.allowed:
        return ConsentView(consent, None, True, str(may_read.reason))
    assert ciphertext is not None  # noqa: S101 - checked above, for mypy
    views = vault.decrypt(key=key, ciphertext=ciphertext, context=CHILD_VIEWS_CONTEXT)
    return ConsentView(consent, views, True)


@audit.audited_read()
def consent_list(
    *,
    user: User,
    context: policy.CaseContext,
    person_id: uuid.UUID | str,
    data_key: DataKey,
) -> list[ConsentView]:
    """The person's consents, live and withdrawn, for the case lead only (R-20).
    A child's own views are shown to readers who see the narrative group; the
    read is recorded in the audit trail."""
    consent_access_check(user=user, context=context)
    consents = list(
        Consent.objects.filter(case_id=context.case_id).select_related(
            "recipient_organisation", "recorded_by", "withdrawn_by"
        )
    )
    may_read = policy.decide(
        user=user,
        case_id=context.case_id,
        field_group=FieldGroup.NARRATIVE,
        context=context,
    )
    views = [_consent_view(c, key=data_key, may_read=may_read) for c in consents]
    if views:
        shown = [FieldGroup.NARRATIVE] if any(v.child_views is not None for v in views) else []
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="access.Consent",
            object_id=context.case_id,
            person_id=person_id,
            field_groups=shown,
            purpose=Purpose.ASSISTANCE,
        )
    return views


def consent_get(*, user: User, consent_id: object) -> Consent:
    """One consent, with its case, if the user's organisation may know the case
    exists; otherwise the same 404 as a missing consent."""
    parsed = lib_ids.parse_uuid(consent_id)
    consent = (
        Consent.objects.select_related("case", "recipient_organisation", "recorded_by")
        .filter(pk=parsed)
        .first()
        if parsed
        else None
    )
    if consent is None or not policy.may_see_case(user=user, case_id=consent.case_id):
        raise errors.ConsentNotFound(_("No consent with this reference is available to you."))
    return consent


@dataclass(frozen=True)
class Recipients:
    """Whom a consent may name: organisations on the team (the lead aside), the rest."""

    team: list[Organisation]
    others: list[Organisation]


def consent_recipients(*, context: policy.CaseContext, country: str) -> Recipients:
    """The team, and the other organisations of ``country`` (the user's): one abroad
    is reached through a cross-border package only (R-48)."""
    members = [m.organisation for m in context.memberships if not m.is_lead]
    lead_ids = {m.organisation_id for m in context.memberships if m.is_lead}
    team_ids = {o.pk for o in members} | lead_ids
    others = list(
        Organisation.objects.filter(country=country).exclude(pk__in=team_ids).order_by("name")
    )
    return Recipients(team=sorted(members, key=lambda o: o.name), others=others)


# --- a child without a guardian yet (R-11, R-25) ----------------------------------------


def guardian_appointed(*, case_id: uuid.UUID | str) -> bool:
    """Whether the case's child has a guardian or representative today: only then
    can anyone consent for the child (asked of the app that records guardians)."""
    return hooks.guardian_appointed(case_id)


@dataclass(frozen=True)
class LegalBasisFlow:
    """One clause that lets data flow without consent, as the consent page lists it."""

    agreement: str
    legal_basis: str
    recipient: str  # the organisation, or "every <type> organisation"
    team_members: list[str]  # the case team's members it reaches today
    field_groups: list[str]  # labels
    purposes: list[str]  # labels
    ends_on: date | None


def _recipient_label(organisation: Organisation | None, org_type: str, country: str = "") -> str:
    if organisation is not None:
        return organisation.name
    label = _("every %(type)s organisation") % {"type": OrgType(org_type).label}
    return f"{label} ({country})" if country else label


def legal_basis_flows(*, context: policy.CaseContext) -> list[LegalBasisFlow]:
    """What can flow from the case while nobody can consent for the person: the
    clauses of agreements in force, signed by the case lead, whose legal basis
    needs no consent (R-47), with the team members each reaches. Organisation
    data only: no personal data, nothing to audit."""
    lead = context.lead
    if lead is None:
        return []
    holder = lead.organisation
    members = [m.organisation for m in context.memberships if not m.is_lead]
    return [
        LegalBasisFlow(
            agreement=flow.agreement.name,
            legal_basis=flow.agreement.legal_basis,
            recipient=_recipient_label(
                flow.recipient_organisation, flow.recipient_org_type, flow.recipient_country
            ),
            team_members=[
                o.name for o in members if policy.flow_reaches(flow, holder=holder, recipient=o)
            ],
            field_groups=[str(FieldGroup(g).label) for g in flow.field_groups],
            purposes=[str(Purpose(p).label) for p in flow.purposes],
            ends_on=flow.agreement.ends_on,
        )
        for flow in policy.legal_basis_flows(holder=holder, today=context.today)
    ]


@dataclass(frozen=True)
class ChildViewsView:
    record: ChildViews
    views: str | None  # None when not shown
    hidden_reason: str = ""


def child_views_list(
    *,
    user: User,
    context: policy.CaseContext,
    person_id: uuid.UUID | str,
    data_key: DataKey,
) -> list[ChildViewsView]:
    """The child's own views heard while no guardian was appointed, for the case
    lead only (as the consents). The words are shown to readers who see the
    narrative group; the read is recorded in the audit trail."""
    consent_access_check(user=user, context=context)
    records = list(
        ChildViews.objects.filter(case_id=context.case_id).select_related(
            "recipient_organisation", "recorded_by"
        )
    )
    if not records:
        return []
    with transaction.atomic():
        return _child_views_read(
            user=user, context=context, person_id=person_id, data_key=data_key, records=records
        )


def _child_views_read(
    *,
    user: User,
    context: policy.CaseContext,
    person_id: uuid.UUID | str,
    data_key: DataKey,
    records: list[ChildViews],
) -> list[ChildViewsView]:
    may_read = policy.decide(
        user=user, case_id=context.case_id, field_group=FieldGroup.NARRATIVE, context=context
    )
    if data_key.destroyed_at is not None:
        erased = _("Erased: this data can no longer be read.")
        views = [ChildViewsView(r, None, erased) for r in records]
    elif not may_read.allowed:
        views = [ChildViewsView(r, None, str(may_read.reason)) for r in records]
    else:
        views = [
            ChildViewsView(
                r,
                vault.decrypt(key=data_key, ciphertext=r.views_enc, context=CHILD_VIEWS_CONTEXT),
            )
            for r in records
        ]
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type="access.ChildViews",
        object_id=context.case_id,
        person_id=person_id,
        field_groups=[FieldGroup.NARRATIVE] if views[0].views is not None else [],
        purpose=Purpose.ASSISTANCE,
    )
    return views


# --- kinds of information that cannot flow (R-47) --------------------------------------


@dataclass(frozen=True)
class CannotFlow:
    """A kind of information a consent names that no agreement lets flow to its
    recipient: the consent alone shares nothing of it."""

    field_group: FieldGroup
    reason: str


def _recipients_of(organisation: Organisation | None, org_type: str) -> list[Organisation]:
    if organisation is not None:
        return [organisation]
    return list(Organisation.objects.filter(org_type=org_type).order_by("name", "pk"))


def consent_cannot_flow(
    *,
    context: policy.CaseContext,
    purpose: str,
    field_groups: Sequence[str],
    recipient_organisation: Organisation | None = None,
    recipient_org_type: str = "",
) -> list[CannotFlow]:
    """The chosen kinds of information that no cooperation agreement in force lets
    flow from the case lead to the recipient (to no organisation of the type, for
    a type) for the purpose, each with who can make one: an administrator of the
    case lead (R-47). The same rule that decides every read (``policy.flow_check``)."""
    lead = context.lead
    lead_name = lead.organisation.name if lead else _("the case lead")
    recipients = _recipients_of(recipient_organisation, recipient_org_type)
    label = _recipient_label(recipient_organisation, recipient_org_type)
    result = []
    for value in sorted(set(field_groups)):
        group = FieldGroup(value)
        flows = [
            policy.flow_check(
                case_id=context.case_id,
                recipient=recipient,
                field_group=group,
                purpose=Purpose(purpose),
                context=context,
            )
            for recipient in recipients
        ]
        if all(decision.code == policy.NO_AGREEMENT for decision in flows):
            reason = _(
                "No cooperation agreement lets %(group)s flow to %(recipient)s for "
                "%(purpose)s: ask an administrator of %(org)s to make one."
            ) % {
                "group": str(group.label).lower(),
                "recipient": label,
                "purpose": Purpose(purpose).label,
                "org": lead_name,
            }
            result.append(CannotFlow(group, reason))
    return result


# --- cooperation agreements (MoUs) ----------------------------------------------------


class AgreementStatus(TextChoices):
    PROPOSED = "proposed", gettext_lazy("Proposed")  # waiting for a party's approval
    REFUSED = "refused", gettext_lazy("Refused")  # a party refused it: it never applies
    NOT_YET_VALID = "not_yet_valid", gettext_lazy("Not yet valid")  # valid_from is later
    IN_FORCE = "in_force", gettext_lazy("In effect")  # data may flow under it today
    ENDED = "ended", gettext_lazy("Ended")  # ends_on has come: no access under it


def agreement_status(agreement: Agreement, *, today: date | None = None) -> AgreementStatus:
    """Where the agreement stands today: waiting for its parties, refused, or (in
    effect) before, within or after its dates (``ends_on`` is its first day without effect)."""
    if agreement.state == AgreementState.PROPOSED:
        return AgreementStatus.PROPOSED
    if agreement.state == AgreementState.REFUSED:
        return AgreementStatus.REFUSED
    day = today or timezone.localdate()
    if agreement.ends_on is not None and agreement.ends_on <= day:
        return AgreementStatus.ENDED
    if agreement.valid_from > day:
        return AgreementStatus.NOT_YET_VALID
    return AgreementStatus.IN_FORCE


def _admin_refusal(user: User) -> str | None:
    if not user.is_active:
        return _("Your account is not active.")
    if user.role == Role.SYSTEM_ADMIN:
        return None
    if user.role == Role.ORG_ADMIN and user.organisation is not None:
        return None
    return _(
        "Only system administrators, and administrators of an organisation that is a party, "
        "manage agreements."
    )


def agreements_admin_check(*, user: User) -> None:
    """System administrators and organisation administrators (R-47); others: 403."""
    refusal = _admin_refusal(user)
    if refusal is not None:
        raise errors.SharingNotAllowed(refusal)


def _party_of(organisation: Organisation) -> Q:
    """Agreements the organisation is a party to, or (the national coordinator)
    approves for a type of organisation in its country."""
    named = Q(parties__organisation_id=organisation.pk) | Q(
        parties__organisation__isnull=True,
        parties__org_type=organisation.org_type,
        parties__country__in=["", organisation.country],
    )
    if organisation.org_type == OrgType.NATIONAL_COORDINATOR:
        named |= Q(parties__organisation__isnull=True, parties__country=organisation.country)
    return named


def _with_parts(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return agreements.prefetch_related(
        "parties__organisation", "parties__approved_by", "flows__recipient_organisation"
    ).select_related("created_by", "ended_by", "refused_by", "listed_legal_basis", "supersedes")


def agreement_list(*, user: User) -> QuerySet[Agreement]:
    """Every agreement for a system administrator; for an organisation
    administrator, those their organisation is a party to."""
    agreements_admin_check(user=user)
    agreements = Agreement.objects.all()
    if user.role != Role.SYSTEM_ADMIN:
        assert user.organisation is not None  # noqa: S101 - agreements_admin_check
        ids = Agreement.objects.filter(_party_of(user.organisation)).values("pk")
        agreements = agreements.filter(pk__in=ids)
    return _with_parts(agreements).order_by("name", "valid_from", "pk")


def agreements_replaceable(*, user: User) -> list[Agreement]:
    """What a new proposal may replace (R-47): agreements in effect (in force, or
    not yet valid) that the proposer's organisation is party to."""
    organisation = user.organisation
    if organisation is None:
        return []
    ids = Agreement.objects.filter(_party_of(organisation)).values("pk")
    today = timezone.localdate()
    return list(
        Agreement.objects.filter(pk__in=ids, state=AgreementState.IN_EFFECT)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .order_by("name", "valid_from", "pk")
    )


def agreement_get(*, user: User, agreement_id: object) -> Agreement:
    """One agreement with its parties and flows: 404 if missing, 403 for an
    administrator whose organisation is not a party."""
    agreements_admin_check(user=user)
    parsed = lib_ids.parse_uuid(agreement_id)
    agreement = _with_parts(Agreement.objects.filter(pk=parsed)).first() if parsed else None
    if agreement is None:
        raise errors.AgreementNotFound(_("No agreement with this reference."))
    if user.role != Role.SYSTEM_ADMIN and not _is_party(agreement, user):
        raise errors.SharingNotAllowed(
            _("Your organisation is not a party to this agreement. Ask a system administrator.")
        )
    return agreement


def _is_party(agreement: Agreement, user: User) -> bool:
    organisation = user.organisation
    assert organisation is not None  # noqa: S101 - agreements_admin_check
    return any(
        party.organisation_id == organisation.pk
        if party.organisation_id is not None
        else party.org_type == organisation.org_type and party.country in ("", organisation.country)
        for party in agreement.parties.all()
    ) or bool(parties_to_approve(user=user, agreement=agreement, pending_only=False))


def parties_to_approve(
    *, user: User, agreement: Agreement, pending_only: bool = True
) -> list[AgreementParty]:
    """The parties of a proposed agreement this user approves or refuses for
    (``policy.rule_agreement_approver``), still waiting unless ``pending_only``
    is off. The services refuse by the same rule; the pages show its buttons."""
    if pending_only and agreement.state != AgreementState.PROPOSED:
        return []
    return [
        party
        for party in agreement.parties.all()
        if policy.rule_agreement_approver(user=user, party=party).allowed
        and (party.approved_at is None or not pending_only)
    ]


def may_refuse(*, user: User, agreement: Agreement) -> bool:
    """Whether the user may refuse this proposal: they speak for one of its parties."""
    return agreement.state == AgreementState.PROPOSED and bool(
        parties_to_approve(user=user, agreement=agreement, pending_only=False)
    )


def agreements_awaiting(*, user: User) -> list[Agreement]:
    """Proposals waiting for this administrator's approval, for one of the
    parties they speak for (R-47); none for other roles."""
    organisation = user.organisation
    if not user.is_active or user.role != Role.ORG_ADMIN or organisation is None:
        return []
    waiting = Q(parties__organisation_id=organisation.pk)
    if organisation.org_type == OrgType.NATIONAL_COORDINATOR:
        waiting |= Q(parties__organisation__isnull=True, parties__country=organisation.country)
    ids = Agreement.objects.filter(
        waiting, state=AgreementState.PROPOSED, parties__approved_at__isnull=True
    ).values("pk")
    candidates = _with_parts(Agreement.objects.filter(pk__in=ids)).order_by("created_at", "pk")
    return [a for a in candidates if parties_to_approve(user=user, agreement=a)]


def agreements_ending(*, today: date, within_days: int) -> QuerySet[Agreement]:
    """Agreements in force today whose end falls within ``within_days`` (R-47: their
    parties are told before access stops). Organisation data, no personal data."""
    return (
        Agreement.objects.filter(
            state=AgreementState.IN_EFFECT,
            valid_from__lte=today,
            ends_on__gt=today,
            ends_on__lte=today + timedelta(days=within_days),
        )
        .prefetch_related("parties")
        .order_by("ends_on", "pk")
    )


def party_administrators(*, agreement: Agreement) -> QuerySet[User]:
    """The active organisation administrators of every organisation the agreement
    names, or of the type (and country) it names."""
    named = Q()
    for party in agreement.parties.all():
        if party.organisation_id is not None:
            named |= Q(organisation_id=party.organisation_id)
        elif party.country:
            named |= Q(organisation__org_type=party.org_type, organisation__country=party.country)
        else:
            named |= Q(organisation__org_type=party.org_type)
    return User.objects.filter(named, role=Role.ORG_ADMIN, is_active=True).order_by("pk")


def agreement_recipients(*, agreement: Agreement, actor: User) -> tuple[int, ...]:
    """Whom a step of the agreement is told to (R-47): the administrators of
    its parties and the national coordinators who approve for a type of
    organisation in their country, the actor excepted."""
    countries = {
        party.country
        for party in agreement.parties.all()
        if party.organisation_id is None and party.country
    }
    coordinators = User.objects.filter(
        role=Role.ORG_ADMIN,
        is_active=True,
        organisation__org_type=OrgType.NATIONAL_COORDINATOR,
        organisation__country__in=countries,
    ).values_list("pk", flat=True)
    admins = party_administrators(agreement=agreement).values_list("pk", flat=True)
    return tuple(sorted((set(admins) | set(coordinators)) - {actor.pk}))


# --- legal bases that need no consent (R-47) --------------------------------------------


def legal_basis_keeper_check(*, user: User) -> None:
    """Administrators of a national coordinator; others: 403."""
    decision = policy.rule_legal_basis_keeper(user=user)
    if not decision.allowed:
        raise errors.SharingNotAllowed(str(decision.reason))


def legal_basis_list(*, user: User) -> QuerySet[LegalBasis]:
    """The list of the coordinator's own country, active and inactive."""
    legal_basis_keeper_check(user=user)
    assert user.organisation is not None  # noqa: S101 - legal_basis_keeper_check
    return LegalBasis.objects.filter(country=user.organisation.country).order_by(
        "-active", "title", "pk"
    )


def legal_basis_options(*, user: User) -> QuerySet[LegalBasis]:
    """The active legal bases an agreement may name: of the administrator's
    country (every country's for a system administrator)."""
    options = LegalBasis.objects.filter(active=True)
    if user.role != Role.SYSTEM_ADMIN:
        country = user.organisation.country if user.organisation else ""
        options = options.filter(country=country)
    return options.order_by("country", "title", "pk")


def organisation_list(*, country: str = "") -> QuerySet[Organisation]:
    """Organisations to name as parties or recipients (no personal data): those of
    ``country`` (the user's), or of every country for a user of none."""
    organisations = Organisation.objects.order_by("name", "country")
    return organisations.filter(country=country) if country else organisations


def break_glass_of_case(*, case_id: uuid.UUID) -> QuerySet[BreakGlass]:
    """Every break-glass use on a case, oldest first. For the case lead's report for
    the person: the caller has already checked that the user's organisation leads
    the case (each use is reported to the case lead anyway)."""
    return (
        BreakGlass.objects.filter(case_id=case_id)
        .select_related("organisation")
        .order_by("started_at", "id")
    )
