"""Cooperation agreements (MoUs, R-47): an agreement of all its parties.

One party proposes; the agreement takes effect only when an administrator of
each organisation it names has approved it, and for a party that is every
organisation of a type in a country, that country's national coordinator
(``policy.rule_agreement_approver``). Until then nothing flows under it
(``policy`` reads only agreements in effect). The proposer's approval counts
for the proposer's own organisation only.

Its terms (parties, clauses, consent, legal basis, dates) never change once
proposed: a change is a new proposal that supersedes it, and the old one ends
when every party approved the new one. A clause that needs no consent rests on
a legal basis from the national coordinator's list, never on free text.

Proposing, approving, refusing and ending are audited and told to the other
parties' administrators (``hooks.agreement_changed``, in the same transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import errors, hooks, policy, selectors
from haven.access import services as sharing
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    FieldGroup,
    LegalBasis,
    Purpose,
)
from haven.access.states import AGREEMENT_TRANSITIONS, AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import ids as lib_ids

# Location and health reach these organisation types only on a listed legal
# basis that says so: a leaked shelter address can get someone killed, and
# health data is not needed for an investigation.
ENFORCEMENT_TYPES = frozenset({OrgType.POLICE, OrgType.BORDER_GUARD, OrgType.MIGRATION_AUTHORITY})
SENSITIVE_GROUPS = frozenset({FieldGroup.LOCATION, FieldGroup.HEALTH})


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


def _speaks_for(party: Party, user: User) -> bool:
    """The approver rule, asked for a party not yet stored."""
    stored = AgreementParty(
        organisation=party.organisation, org_type=party.org_type, country=party.country
    )
    return policy.rule_agreement_approver(user=user, party=stored).allowed


def _require_agreement_admin(*, actor: User, parties: Sequence[Party]) -> None:
    """System administrators, an organisation administrator of a party, or the
    national coordinator who approves for a type party."""
    if actor.role == Role.SYSTEM_ADMIN and actor.is_active:
        return
    if actor.role == Role.ORG_ADMIN and any(
        _party_of(p, actor) or _speaks_for(p, actor) for p in parties
    ):
        return
    raise errors.SharingNotAllowed(
        _("Only a system administrator or an administrator of a party manages agreements.")
    )


def _validate_parties(parties: Sequence[Party]) -> None:
    if len(parties) < 2:
        raise errors.SharingInvalid(_("An agreement has at least two parties."), field="parties")
    seen: set[tuple[object, str, str]] = set()
    for party in parties:
        sharing._one_recipient(party.organisation, party.org_type)
        if party.organisation is None and not party.country:
            raise errors.SharingInvalid(
                _(
                    "Name the country of a type of organisation: its national coordinator "
                    "approves for it."
                ),
                field="parties",
            )
        key = (party.organisation.pk if party.organisation else None, party.org_type, party.country)
        if key in seen:
            raise errors.SharingInvalid(_("Name each party once."), field="parties")
        seen.add(key)
    if len({_party_country(party) for party in parties}) > 1:
        raise errors.SharingInvalid(
            _(
                "The parties are in different countries: an agreement binds organisations "
                "of one country; send data abroad in a cross-border referral package."
            ),
            code=errors.ErrorCode.OTHER_COUNTRY,
            field="parties",
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
    _validate_parties(parties)
    if not flows:
        raise errors.SharingInvalid(_("Say what may be shared, with whom."), field="flows")
    for flow in flows:
        sharing._one_recipient(flow.organisation, flow.org_type)
        sharing._groups(flow.field_groups)
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
    return _flow_type(flow) == party.org_type


def _flow_type(flow: Flow) -> str:
    return flow.organisation.org_type if flow.organisation else flow.org_type


def _party_country(party: Party) -> str:
    return party.organisation.country if party.organisation else party.country


def _listed_basis(
    *,
    legal_basis_id: object,
    consent_required: bool,
    parties: Sequence[Party],
    flows: Sequence[Flow],
) -> LegalBasis | None:
    """The legal basis from the national coordinator's list (R-47), checked
    against the parties' country and against what flows to whom."""
    basis = None
    if legal_basis_id is not None:
        parsed = lib_ids.parse_uuid(legal_basis_id)
        basis = LegalBasis.objects.filter(pk=parsed, active=True).first() if parsed else None
        if basis is None:
            raise errors.SharingInvalid(
                _("Choose a legal basis from the national coordinator's list."),
                field="legal_basis",
            )
        if {_party_country(p) for p in parties} != {basis.country}:
            raise errors.SharingInvalid(
                _("The legal basis is from the list of another country than the parties'."),
                field="legal_basis",
            )
    if not consent_required and basis is None:
        raise errors.LegalBasisRequired(
            _("Sharing without consent needs a legal basis from the national coordinator's list."),
            field="legal_basis",
        )
    for flow in flows:
        sensitive = SENSITIVE_GROUPS & set(flow.field_groups)
        if sensitive and _flow_type(flow) in ENFORCEMENT_TYPES:
            allowed = basis is not None and basis.allows_location_health_to_enforcement
            if consent_required or not allowed:
                raise errors.LegalBasisRequired(
                    _(
                        "Location and health reach police, border guards and migration "
                        "authorities only on a legal basis from the national coordinator's "
                        "list that allows it, without consent. Choose such a basis, or leave "
                        "location and health out."
                    ),
                    field="flows",
                )
    return basis


def _superseded(*, actor: User, supersedes_id: object) -> Agreement | None:
    if supersedes_id is None:
        return None
    parsed = lib_ids.parse_uuid(supersedes_id)
    old = Agreement.objects.filter(pk=parsed).first() if parsed else None
    if old is None:
        raise errors.AgreementNotFound(_("No agreement with this reference."))
    if selectors.agreement_status(old) not in (
        selectors.AgreementStatus.IN_FORCE,
        selectors.AgreementStatus.NOT_YET_VALID,
    ):
        raise errors.AgreementNotInEffect(_("Only an agreement in effect can be replaced."))
    _require_agreement_admin(actor=actor, parties=_parties_of(old))
    return old


def _parties_of(agreement: Agreement) -> list[Party]:
    return [
        Party(organisation=p.organisation, org_type=p.org_type, country=p.country)
        for p in agreement.parties.select_related("organisation")
    ]


def _tell(agreement: Agreement, *, event: str, actor: User) -> None:
    """The other parties' administrators learn of each step, in this transaction;
    decisions made on the agreements before it are made again."""
    hooks.sharing_changed()
    hooks.agreement_changed(
        hooks.AgreementChanged(
            agreement_id=agreement.id,
            event=event,
            actor_id=actor.pk,
            recipient_ids=selectors.agreement_recipients(agreement=agreement, actor=actor),
        )
    )


def _audit(agreement: Agreement, *, actor: User, action: str, detail: dict[str, object]) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="access.Agreement",
        object_id=agreement.id,
        detail=detail,
    )


@transaction.atomic
def agreement_propose(
    *,
    actor: User,
    name: str,
    document_reference: str,
    valid_from: date,
    parties: Sequence[Party],
    flows: Sequence[Flow],
    ends_on: date | None = None,
    legal_basis_id: object = None,
    consent_required: bool = True,
    supersedes_id: object = None,
) -> Agreement:
    """Propose a cooperation agreement (R-47). It takes effect when every party
    approved it; the proposer's own organisation, if named, approves at once."""
    _require_agreement_admin(actor=actor, parties=parties)
    _validate_agreement(name=name, reference=document_reference, parties=parties, flows=flows)
    basis = _listed_basis(
        legal_basis_id=legal_basis_id,
        consent_required=consent_required,
        parties=parties,
        flows=flows,
    )
    if ends_on is not None and ends_on <= valid_from:
        raise errors.SharingInvalid(_("The end must come after the start."), field="ends_on")
    old = _superseded(actor=actor, supersedes_id=supersedes_id)
    now = timezone.now()
    agreement = Agreement(
        name=name.strip(),
        document_reference=document_reference.strip(),
        legal_basis=basis.citation if basis else "",
        listed_legal_basis=basis,
        consent_required=consent_required,
        valid_from=valid_from,
        ends_on=ends_on,
        state=AgreementState.PROPOSED,
        supersedes=old,
        created_at=now,
        created_by=actor,
    )
    agreement.full_clean(
        exclude=["created_by", "ended_by", "refused_by", "listed_legal_basis", "supersedes"]
    )
    agreement.save()
    own = actor.organisation_id if actor.role == Role.ORG_ADMIN else None
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=agreement,
            organisation=p.organisation,
            org_type=p.org_type,
            country=p.country,
            # The proposer's approval counts for their own organisation only.
            approved_at=now if own and p.organisation and p.organisation.pk == own else None,
            approved_by=actor if own and p.organisation and p.organisation.pk == own else None,
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
            field_groups=sharing._groups(f.field_groups),
        )
        for f in flows
    )
    _audit(
        agreement,
        actor=actor,
        action=Action.CREATE,
        detail={
            "state": AgreementState.PROPOSED.value,
            "consent_required": consent_required,
            "legal_basis": str(basis.id) if basis else "",
            "supersedes": str(old.id) if old else "",
        },
    )
    _tell(agreement, event="proposed", actor=actor)
    return agreement


def _locked(agreement_id: uuid.UUID | str) -> Agreement:
    parsed = lib_ids.parse_uuid(agreement_id)
    agreement = Agreement.objects.select_for_update().filter(pk=parsed).first() if parsed else None
    if agreement is None:
        raise errors.AgreementNotFound(_("No agreement with this reference."))
    return agreement


def _require_proposed(agreement: Agreement, target: AgreementState) -> None:
    AGREEMENT_TRANSITIONS.require(
        agreement.state,
        target,
        lambda: errors.AgreementNotProposed(
            _("This agreement is no longer waiting for approvals (it is: %(state)s).")
            % {"state": AgreementState(agreement.state).label}
        ),
    )


def _spoken_for(actor: User, agreement: Agreement) -> list[AgreementParty]:
    """The parties the actor speaks for, or the refusal of the approver rule."""
    parties = list(agreement.parties.select_for_update().order_by("pk"))
    mine = [p for p in parties if policy.rule_agreement_approver(user=actor, party=p).allowed]
    if not mine:
        raise errors.SharingNotAllowed(
            _(
                "Only an administrator of an organisation named as a party, or the national "
                "coordinator for a type of organisation, approves or refuses this agreement."
            )
        )
    return mine


@transaction.atomic
def agreement_approve(*, actor: User, agreement_id: uuid.UUID | str) -> Agreement:
    """Approve a proposed agreement for every party the actor speaks for (R-47);
    when the last party approves, it takes effect (and ends the one it replaces)."""
    agreement = _locked(agreement_id)
    mine = _spoken_for(actor, agreement)
    _require_proposed(agreement, AgreementState.IN_EFFECT)
    pending = [p for p in mine if p.approved_at is None]
    if not pending:
        raise errors.AgreementAlreadyApproved(
            _("You have already approved this agreement for the parties you speak for.")
        )
    now = timezone.now()
    for party in pending:
        party.approved_at = now
        party.approved_by = actor
        party.save(update_fields=["approved_at", "approved_by"])
    complete = not agreement.parties.filter(approved_at__isnull=True).exists()
    _audit(
        agreement,
        actor=actor,
        action=Action.UPDATE,
        detail={"approved_parties": [p.pk for p in pending]},
    )
    if not complete:
        _tell(agreement, event="approved", actor=actor)
        return agreement
    agreement.state = AgreementState.IN_EFFECT
    agreement.save(update_fields=["state"])
    _audit(
        agreement,
        actor=actor,
        action=Action.TRANSITION,
        detail={"state": AgreementState.IN_EFFECT.value},
    )
    _tell(agreement, event="in_effect", actor=actor)
    if agreement.supersedes is not None:
        _end_superseded(agreement, actor=actor, replaced=agreement.supersedes)
    return agreement


def _end_superseded(agreement: Agreement, *, actor: User, replaced: Agreement) -> None:
    """The replaced agreement ends the day its successor starts (if not earlier)."""
    old = Agreement.objects.select_for_update().get(pk=replaced.pk)
    day = max(agreement.valid_from, old.valid_from)
    if old.ends_on is not None and old.ends_on <= day:
        return
    old.ends_on = day
    old.ended_by = actor
    old.save(update_fields=["ends_on", "ended_by"])
    _audit(
        old,
        actor=actor,
        action=Action.UPDATE,
        detail={"ends_on": day.isoformat(), "superseded_by": str(agreement.id)},
    )
    _tell(old, event="ended", actor=actor)


@transaction.atomic
def agreement_refuse(*, actor: User, agreement_id: uuid.UUID | str, reason: str) -> Agreement:
    """A party refuses a proposed agreement, with its reason (R-47): it never
    applies. The proposer withdraws a proposal the same way."""
    agreement = _locked(agreement_id)
    _spoken_for(actor, agreement)
    _require_proposed(agreement, AgreementState.REFUSED)
    if not reason.strip():
        raise errors.SharingInvalid(_("Say why the agreement is refused."), field="reason")
    agreement.state = AgreementState.REFUSED
    agreement.refused_at = timezone.now()
    agreement.refused_by = actor
    agreement.refusal_reason = reason.strip()
    agreement.save(update_fields=["state", "refused_at", "refused_by", "refusal_reason"])
    _audit(
        agreement,
        actor=actor,
        action=Action.TRANSITION,
        detail={"state": AgreementState.REFUSED.value},
    )
    _tell(agreement, event="refused", actor=actor)
    return agreement


@transaction.atomic
def agreement_end(
    *, actor: User, agreement_id: uuid.UUID | str, ends_on: date | None = None
) -> Agreement:
    """End an agreement in effect: access under it stops on ``ends_on`` (today
    by default). Any party may end it alone: ending only takes access away."""
    agreement = _locked(agreement_id)
    _require_agreement_admin(actor=actor, parties=_parties_of(agreement))
    if agreement.state != AgreementState.IN_EFFECT:
        raise errors.AgreementNotInEffect(
            _("Only an agreement in effect can be ended; refuse a proposal instead.")
        )
    # An agreement ended on or before its first day never applies at all.
    day = max(ends_on or timezone.localdate(), agreement.valid_from)
    if agreement.ends_on is not None and agreement.ends_on <= day:
        raise errors.AgreementEnded(_("This agreement has already ended."))
    agreement.ends_on = day
    agreement.ended_by = actor
    agreement.save(update_fields=["ends_on", "ended_by"])
    _audit(agreement, actor=actor, action=Action.UPDATE, detail={"ends_on": day.isoformat()})
    _tell(agreement, event="ended", actor=actor)
    return agreement
