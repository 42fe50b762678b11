"""Writes to the sharing policy's tables: the case team, consents, cooperation
agreements and break-glass grants. One transaction each, audited inside it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import errors, hooks, policy, selectors
from haven.access.models import (
    JUSTIFICATION_CONTEXT,
    BreakGlass,
    BreakGlassReason,
    ChildViews,
    Consent,
    FieldGroup,
    GivenBy,
    Purpose,
    TeamMembership,
)

# Agreements and their legal bases have modules of their own, re-exported here.
from haven.access.services.agreements import (
    Flow,
    Party,
    agreement_approve,
    agreement_end,
    agreement_propose,
    agreement_refuse,
)
from haven.access.services.legal_bases import legal_basis_create, legal_basis_set_active
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib.errors import Conflict
from haven.vault import services as vault
from haven.vault.models import DataKey

__all__ = [
    "Flow",
    "Party",
    "agreement_approve",
    "agreement_end",
    "agreement_propose",
    "agreement_refuse",
    "legal_basis_create",
    "legal_basis_set_active",
]


@transaction.atomic
def team_create(*, case_id: uuid.UUID | str, lead: Organisation, by: User | None) -> TeamMembership:
    """A new case's team: its lead organisation holds main responsibility."""
    membership = TeamMembership(
        case_id=case_id, organisation=lead, is_lead=True, joined_at=timezone.now(), added_by=by
    )
    membership.save()
    hooks.sharing_changed()
    return membership


@transaction.atomic
def team_member_add(
    *, case_id: uuid.UUID | str, organisation: Organisation, by: User | None
) -> TeamMembership:
    """Bring another organisation onto the team (on an accepted referral). A merged
    case takes no new member: the surviving case does."""
    hooks.case_write_check(case_id)
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
    hooks.sharing_changed()
    return membership


@transaction.atomic
def team_lead_move(
    *, case_id: uuid.UUID | str, to_organisation: Organisation, by: User | None
) -> TeamMembership:
    """Hand main responsibility to another member of the team. The one lead
    changes in one transaction: the old lead stays on the team as a member, and
    the case never has two leads or none (the database enforces at most one)."""
    hooks.case_write_check(case_id)
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
    hooks.sharing_changed()
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


def _same_country(*, actor: User, recipient: Organisation | None) -> None:
    """R-48: a consent names an organisation of the case lead's own country, as the
    form offers; data goes abroad only in a cross-border referral package."""
    assert actor.organisation is not None  # noqa: S101 - only the lead's staff record consent
    if recipient is not None and recipient.country != actor.organisation.country:
        raise errors.SharingInvalid(
            _(
                "This organisation is in another country: send a cross-border referral "
                "package instead."
            ),
            code=errors.ErrorCode.OTHER_COUNTRY,
            field="recipient",
        )


def _require_lead(*, actor: User, case_id: uuid.UUID | str) -> None:
    """Consent is recorded and withdrawn by the case lead, who holds the relationship."""
    refusal = selectors.consent_refusal(user=actor, memberships=policy.team_of(case_id=case_id))
    if refusal is not None:
        raise errors.SharingNotAllowed(refusal)


def _check_given_by(
    *, given_by: str, child: bool, child_views: str, case_id: uuid.UUID | str
) -> None:
    if given_by not in GivenBy.values:
        raise errors.SharingInvalid(_("Choose who gave the consent."), field="given_by")
    if child and not selectors.guardian_appointed(case_id=case_id):
        # the guardian decides for a child, and there is none yet.
        raise errors.GuardianNotAppointed(
            _(
                "No guardian or representative is appointed for this child yet, so nobody "
                "can give consent for them. Record the child's own views instead; until a "
                "guardian is appointed, only sharing that rests on a legal basis can flow."
            ),
            field="given_by",
        )
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
    (R-11, R-25); while the child has no guardian, nobody can consent
    (``child_views_record`` records the child's views meanwhile). Consent is
    never read for eligibility (R-18). A merged case takes no new consent (the
    surviving case does); a withdrawal is always taken (``consent_withdraw``)."""
    _require_lead(actor=actor, case_id=case_id)
    hooks.case_write_check(case_id)
    _one_recipient(recipient_organisation, recipient_org_type)
    _same_country(actor=actor, recipient=recipient_organisation)
    if purpose not in Purpose.values:
        raise errors.SharingInvalid(_("Choose a purpose from the list."), field="purpose")
    if given_on > timezone.localdate():
        raise errors.SharingInvalid(_("The date cannot be in the future."), field="given_on")
    _check_given_by(given_by=given_by, child=child, child_views=child_views, case_id=case_id)
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
    hooks.sharing_changed()
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
def child_views_record(
    *,
    actor: User,
    case_id: uuid.UUID | str,
    person_id: uuid.UUID | str,
    data_key: DataKey,
    child: bool,
    views: str,
    purpose: str,
    field_groups: Iterable[str],
    heard_on: date,
    language: str,
    information_given: str,
    recipient_organisation: Organisation | None = None,
    recipient_org_type: str = "",
) -> ChildViews:
    """A child's own views on a sharing they were asked about, heard while no
    guardian or representative is appointed (R-11, R-25), encrypted under the
    person's ``data_key``. Never a consent: nothing is shared on it."""
    _require_lead(actor=actor, case_id=case_id)
    hooks.case_write_check(case_id)
    if not child:
        raise errors.SharingInvalid(
            _("Only a child's views are recorded without a consent."), field="given_by"
        )
    _one_recipient(recipient_organisation, recipient_org_type)
    if purpose not in Purpose.values:
        raise errors.SharingInvalid(_("Choose a purpose from the list."), field="purpose")
    if heard_on > timezone.localdate():
        raise errors.SharingInvalid(_("The date cannot be in the future."), field="given_on")
    if not views.strip():
        raise errors.SharingInvalid(
            _("Write the child's own views, in their words."), field="child_views"
        )
    if not language.strip():
        raise errors.SharingInvalid(
            _("Say in which language the child was heard."), field="language"
        )
    if not information_given.strip():
        raise errors.SharingInvalid(_("Write what the child was told."), field="information_given")
    if data_key.destroyed_at is not None:
        raise Conflict(_("This person's data was erased."), code=errors.ErrorCode.PERSON_ERASED)
    record = ChildViews(
        case_id=case_id,
        recipient_organisation=recipient_organisation,
        recipient_org_type=recipient_org_type,
        purpose=purpose,
        field_groups=_groups(field_groups),
        heard_on=heard_on,
        language=language.strip().lower(),
        information_given=information_given.strip(),
        views_enc=vault.encrypt(
            key=data_key, plaintext=views.strip(), context=selectors.CHILD_VIEWS_CONTEXT
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    record.full_clean(exclude=["case", "recorded_by", "recipient_organisation"])
    record.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="access.ChildViews",
        object_id=record.id,
        person_id=person_id,
        field_groups=[FieldGroup.NARRATIVE],
        purpose=purpose,
    )
    return record


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
    hooks.sharing_changed()
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


# --- break-glass -----------------------------------------------------------------------

MIN_JUSTIFICATION = 20


@transaction.atomic
def break_glass_open(
    *,
    actor: User,
    case_id: uuid.UUID | str,
    person_id: uuid.UUID | str,
    justification: str,
    reason: str = BreakGlassReason.OTHER,
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
    if reason not in BreakGlassReason.values:
        raise errors.JustificationRequired(
            _("Choose the reason for emergency access from the list."), field="reason"
        )
    now = timezone.now()
    # The person's key, read by its label: access imports no app above it.
    key = (
        apps.get_model("cases", "Person")
        .objects.select_related("data_key")
        .get(pk=person_id)
        .data_key
    )
    grant = BreakGlass(
        case_id=case_id,
        user=actor,
        organisation=actor.organisation,
        reason=reason,
        # An erased person's case keeps no words about them: nothing to seal them with.
        justification_enc=None
        if key.destroyed_at is not None
        else vault.encrypt(key=key, plaintext=justification.strip(), context=JUSTIFICATION_CONTEXT),
        started_at=now,
        expires_at=now + timedelta(minutes=settings.HAVEN_BREAK_GLASS_MINUTES),
    )
    grant.save()
    hooks.sharing_changed()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.BREAK_GLASS,
        object_type="cases.Case",
        object_id=case_id,
        person_id=person_id,
        detail={
            "break_glass": str(grant.id),
            "minutes": settings.HAVEN_BREAK_GLASS_MINUTES,
            "reason": reason,
        },
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
