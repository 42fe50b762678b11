"""Writes to the sharing policy's tables: the case team, consents, cooperation
agreements and break-glass grants. One transaction each, audited inside it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import errors, hooks, policy, selectors
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    BreakGlass,
    Consent,
    FieldGroup,
    GivenBy,
    Purpose,
    TeamMembership,
)
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib.errors import Conflict
from haven.vault import services as vault
from haven.vault.models import DataKey


@transaction.atomic
def team_create(*, case_id: uuid.UUID | str, lead: Organisation, by: User | None) -> TeamMembership:
    """A new case's team: its lead organisation holds main responsibility."""
    membership = TeamMembership(
        case_id=case_id, organisation=lead, is_lead=True, joined_at=timezone.now(), added_by=by
    )
    membership.save()
    return membership


@transaction.atomic
def team_member_add(
    *, case_id: uuid.UUID | str, organisation: Organisation, by: User | None
) -> TeamMembership:
    """Bring another organisation onto the team (later: on an accepted referral)."""
    if TeamMembership.objects.filter(case_id=case_id, organisation=organisation).exists():
        raise Conflict(
            _("This organisation is already on the case team."),
            code=errors.ErrorCode.ALREADY_MEMBER,
        )
    membership = TeamMembership(
        case_id=case_id,
        organisation=organisation,
        is_lead=False,
        joined_at=timezone.now(),
        added_by=by,
    )
    membership.save()
    return membership


@transaction.atomic
def team_lead_move(
    *, case_id: uuid.UUID | str, to_organisation: Organisation, by: User | None
) -> TeamMembership:
    """Hand main responsibility to another member of the team. The one lead
    changes in one transaction: the old lead stays on the team as a member, and
    the case never has two leads or none (the database enforces at most one)."""
    memberships = list(
        TeamMembership.objects.select_for_update().filter(case_id=case_id).order_by("pk")
    )
    new = next((m for m in memberships if m.organisation_id == to_organisation.pk), None)
    if new is None:
        raise Conflict(
            _("Only an organisation on the case team can become its lead."),
            code=errors.ErrorCode.NOT_ON_TEAM,
        )
    if new.is_lead:
        raise Conflict(
            _("This organisation is already the case lead."), code=errors.ErrorCode.ALREADY_LEAD
        )
    old = next(m for m in memberships if m.is_lead)
    old.is_lead = False
    old.save(update_fields=["is_lead"])
    new.is_lead = True
    new.save(update_fields=["is_lead"])
    return new


# --- consent ---------------------------------------------------------------------------


def _groups(values: Iterable[str]) -> list[str]:
    groups = sorted(set(values))
    if not groups:
        raise errors.SharingInvalid(
            _("Choose at least one kind of information."), field="field_groups"
        )
    unknown = [g for g in groups if g not in FieldGroup.values]
    if unknown:
        raise errors.SharingInvalid(_("Unknown kind of information."), field="field_groups")
    return groups


def _one_recipient(organisation: Organisation | None, org_type: str) -> None:
    if (organisation is None) == (not org_type):
        raise errors.SharingInvalid(
            _("Choose either one organisation or one type of organisation."), field="recipient"
        )
    if org_type and org_type not in OrgType.values:
        raise errors.SharingInvalid(_("Unknown type of organisation."), field="recipient")


def _require_lead(*, actor: User, case_id: uuid.UUID | str) -> None:
    """Consent is recorded and withdrawn by the case lead, who holds the relationship."""
    refusal = selectors.consent_refusal(user=actor, memberships=policy.team_of(case_id=case_id))
    if refusal is not None:
        raise errors.SharingNotAllowed(refusal)


def _check_given_by(*, given_by: str, child: bool, child_views: str) -> None:
    if given_by not in GivenBy.values:
        raise errors.SharingInvalid(_("Choose who gave the consent."), field="given_by")
    if child and given_by != GivenBy.GUARDIAN:
        # for a child, the guardian or representative decides.
        raise errors.SharingInvalid(
            _("The person is treated as a child: their guardian or representative gives consent."),
            field="given_by",
        )
    if child_views.strip() and given_by != GivenBy.GUARDIAN:
        raise errors.SharingInvalid(
            _("The child's own views are recorded beside a guardian's decision."),
            field="child_views",
        )


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case_id: uuid.UUID | str,
    person_id: uuid.UUID | str,
    data_key: DataKey,
    purpose: str,
    field_groups: Iterable[str],
    given_on: date,
    language: str,
    information_given: str,
    recipient_organisation: Organisation | None = None,
    recipient_org_type: str = "",
    given_by: str = GivenBy.PERSON,
    child: bool = False,
    child_views: str = "",
) -> Consent:
    """The person's consent to share (R-20, R-40): who may receive which groups,
    for which purpose, dated, in which language, after which information. For a
    child (``child``) the guardian decides, and the child's own views are
    recorded beside that decision, encrypted under the person's ``data_key``
    (R-11, R-25). Consent is never read for eligibility (R-18)."""
    _require_lead(actor=actor, case_id=case_id)
    _one_recipient(recipient_organisation, recipient_org_type)
    if purpose not in Purpose.values:
        raise errors.SharingInvalid(_("Choose a purpose from the list."), field="purpose")
    if given_on > timezone.localdate():
        raise errors.SharingInvalid(_("The date cannot be in the future."), field="given_on")
    _check_given_by(given_by=given_by, child=child, child_views=child_views)
    if not language.strip():
        raise errors.SharingInvalid(
            _("Say in which language the person was informed."), field="language"
        )
    if not information_given.strip():
        raise errors.SharingInvalid(
            _("Write what the person was told before agreeing."), field="information_given"
        )
    if data_key.destroyed_at is not None:
        raise Conflict(_("This person's data was erased."), code=errors.ErrorCode.PERSON_ERASED)
    consent = Consent(
        case_id=case_id,
        recipient_organisation=recipient_organisation,
        recipient_org_type=recipient_org_type,
        purpose=purpose,
        field_groups=_groups(field_groups),
        given_on=given_on,
        given_by=given_by,
        language=language.strip().lower(),
        information_given=information_given.strip(),
        child_views_enc=vault.encrypt_optional(
            key=data_key, plaintext=child_views.strip(), context=selectors.CHILD_VIEWS_CONTEXT
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    consent.full_clean(exclude=["case", "recorded_by", "recipient_organisation"])
    consent.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="access.Consent",
        object_id=consent.id,
        person_id=person_id,
        field_groups=consent.field_groups,
        purpose=purpose,
    )
    hooks.consent_recorded(
        hooks.ConsentRecorded(
            consent_id=consent.id,
            case_id=uuid.UUID(str(case_id)),
            recipient_organisation_id=recipient_organisation.pk if recipient_organisation else None,
            recipient_org_type=recipient_org_type,
            purpose=purpose,
            field_groups=tuple(consent.field_groups),
            actor_id=actor.pk,
        )
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent_id: uuid.UUID | str, person_id: uuid.UUID | str
) -> Consent:
    """Withdrawal takes effect on the very next request (decide reads live consents only)."""
    consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
    if consent is None:
        raise errors.ConsentNotFound(_("No consent with this reference is available to you."))
    _require_lead(actor=actor, case_id=consent.case_id)
    if consent.withdrawn_at is not None:
        raise errors.ConsentAlreadyWithdrawn(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="access.Consent",
        object_id=consent.id,
        person_id=person_id,
        field_groups=consent.field_groups,
        purpose=consent.purpose,
        detail={"withdrawn": True},
    )
    return consent


# --- cooperation agreements (MoUs) -----------------------------------------------------


@dataclass(frozen=True)
class Party:
    organisation: Organisation | None = None
    org_type: str = ""
    country: str = ""


@dataclass(frozen=True)
class Flow:
    purposes: Sequence[str]
    field_groups: Sequence[str]
    organisation: Organisation | None = None
    org_type: str = ""
    country: str = ""


def _party_of(party: Party, user: User) -> bool:
    organisation = user.organisation
    if organisation is None:
        return False
    if party.organisation is not None:
        return party.organisation.pk == organisation.pk
    return party.org_type == organisation.org_type and party.country in ("", organisation.country)


def _require_agreement_admin(*, actor: User, parties: Sequence[Party]) -> None:
    """System administrators, or an organisation administrator of a party."""
    if actor.role == Role.SYSTEM_ADMIN:
        return
    if actor.role == Role.ORG_ADMIN and any(_party_of(p, actor) for p in parties):
        return
    raise errors.SharingNotAllowed(
        _("Only a system administrator or an administrator of a party manages agreements.")
    )


def _validate_agreement(
    *, name: str, reference: str, parties: Sequence[Party], flows: Sequence[Flow]
) -> None:
    if not name.strip():
        raise errors.SharingInvalid(_("Give the agreement a name."), field="name")
    if not reference.strip():
        raise errors.SharingInvalid(
            _("Say where the signed document is kept."), field="document_reference"
        )
    if len(parties) < 2:
        raise errors.SharingInvalid(_("An agreement has at least two parties."), field="parties")
    for party in parties:
        _one_recipient(party.organisation, party.org_type)
    if not flows:
        raise errors.SharingInvalid(_("Say what may be shared, with whom."), field="flows")
    for flow in flows:
        _one_recipient(flow.organisation, flow.org_type)
        _groups(flow.field_groups)
        if not flow.purposes or set(flow.purposes) - set(Purpose.values):
            raise errors.SharingInvalid(_("Choose the purposes from the list."), field="flows")
        if not any(_recipient_is_party(flow, party) for party in parties):
            raise errors.SharingInvalid(
                _("Data may only flow to a party that signed the agreement."), field="flows"
            )


def _recipient_is_party(flow: Flow, party: Party) -> bool:
    """A flow names a signatory: the same organisation, or one of the party's type.
    (At decision time the recipient must itself match a party, country included.)"""
    if party.organisation is not None:
        return flow.organisation is not None and flow.organisation.pk == party.organisation.pk
    org_type = flow.organisation.org_type if flow.organisation else flow.org_type
    return org_type == party.org_type


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    name: str,
    document_reference: str,
    valid_from: date,
    parties: Sequence[Party],
    flows: Sequence[Flow],
    ends_on: date | None = None,
    legal_basis: str = "",
    consent_required: bool = True,
) -> Agreement:
    """Record a signed cooperation agreement (R-47) as enforceable data."""
    _require_agreement_admin(actor=actor, parties=parties)
    _validate_agreement(name=name, reference=document_reference, parties=parties, flows=flows)
    if not consent_required and not legal_basis.strip():
        raise errors.SharingInvalid(
            _("Sharing without consent needs the legal basis that allows it."), field="legal_basis"
        )
    if ends_on is not None and ends_on <= valid_from:
        raise errors.SharingInvalid(_("The end must come after the start."), field="ends_on")
    agreement = Agreement(
        name=name.strip(),
        document_reference=document_reference.strip(),
        legal_basis=legal_basis.strip(),
        consent_required=consent_required,
        valid_from=valid_from,
        ends_on=ends_on,
        created_at=timezone.now(),
        created_by=actor,
    )
    agreement.full_clean(exclude=["created_by", "ended_by"])
    agreement.save()
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=agreement, organisation=p.organisation, org_type=p.org_type, country=p.country
        )
        for p in parties
    )
    AgreementFlow.objects.bulk_create(
        AgreementFlow(
            agreement=agreement,
            recipient_organisation=f.organisation,
            recipient_org_type=f.org_type,
            recipient_country=f.country,
            purposes=sorted(set(f.purposes)),
            field_groups=_groups(f.field_groups),
        )
        for f in flows
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="access.Agreement",
        object_id=agreement.id,
        detail={"consent_required": consent_required},
    )
    return agreement


@transaction.atomic
def agreement_end(
    *, actor: User, agreement_id: uuid.UUID | str, ends_on: date | None = None
) -> Agreement:
    """End an agreement: access under it stops on ``ends_on`` (today by default)."""
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise errors.AgreementNotFound(_("No agreement with this reference."))
    parties = [
        Party(organisation=p.organisation, org_type=p.org_type, country=p.country)
        for p in agreement.parties.select_related("organisation")
    ]
    _require_agreement_admin(actor=actor, parties=parties)
    # An agreement ended on or before its first day never applies at all.
    day = max(ends_on or timezone.localdate(), agreement.valid_from)
    if agreement.ends_on is not None and agreement.ends_on <= day:
        raise errors.AgreementEnded(_("This agreement has already ended."))
    agreement.ends_on = day
    agreement.ended_by = actor
    agreement.save(update_fields=["ends_on", "ended_by"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="access.Agreement",
        object_id=agreement.id,
        detail={"ends_on": day.isoformat()},
    )
    return agreement


# --- break-glass -----------------------------------------------------------------------

MIN_JUSTIFICATION = 20


@transaction.atomic
def break_glass_open(
    *, actor: User, case_id: uuid.UUID | str, person_id: uuid.UUID | str, justification: str
) -> BreakGlass:
    """Emergency access for one user, only with a typed justification; it lasts
    HAVEN_BREAK_GLASS_MINUTES and is marked in the audit trail. Notifying the
    case lead and the national coordinator is the caller's duty, in the same
    transaction (``haven.access.services.break_glass.break_glass_use``)."""
    if actor.role not in (Role.CASEWORKER, Role.SUPERVISOR) or actor.organisation is None:
        raise errors.SharingNotAllowed(_("Only caseworkers and supervisors can use break-glass."))
    if len(justification.strip()) < MIN_JUSTIFICATION:
        raise errors.JustificationRequired(
            _("Explain the emergency in at least %(n)d characters.") % {"n": MIN_JUSTIFICATION},
            field="justification",
        )
    now = timezone.now()
    grant = BreakGlass(
        case_id=case_id,
        user=actor,
        organisation=actor.organisation,
        justification=justification.strip(),
        started_at=now,
        expires_at=now + timedelta(minutes=settings.HAVEN_BREAK_GLASS_MINUTES),
    )
    grant.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.BREAK_GLASS,
        object_type="cases.Case",
        object_id=case_id,
        person_id=person_id,
        detail={"break_glass": str(grant.id), "minutes": settings.HAVEN_BREAK_GLASS_MINUTES},
    )
    return grant


@transaction.atomic
def break_glass_review(
    *, actor: User, grant_id: uuid.UUID | str, justified: bool, note: str = ""
) -> BreakGlass:
    """A supervisor reviews each use: justified or not, with a note."""
    grant = (
        BreakGlass.objects.select_for_update().select_related("case").filter(pk=grant_id).first()
    )
    if grant is None:
        raise errors.BreakGlassNotFound(_("No break-glass use with this reference."))
    decision = policy.rule_break_glass_reviewer(
        user=actor, organisation_id=grant.organisation_id, case_country=grant.case.country
    )
    if not decision.allowed or actor.pk == grant.user_id:
        raise errors.SharingNotAllowed(
            _("A supervisor of the same organisation or of the national coordinator reviews it.")
        )
    if grant.review != BreakGlass.Review.PENDING:
        raise errors.BreakGlassReviewed(_("This use was already reviewed."))
    grant.review = BreakGlass.Review.JUSTIFIED if justified else BreakGlass.Review.NOT_JUSTIFIED
    grant.reviewed_by = actor
    grant.reviewed_at = timezone.now()
    grant.review_note = note.strip()
    grant.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="access.BreakGlass",
        object_id=grant.id,
        detail={"review": grant.review},
    )
    return grant
