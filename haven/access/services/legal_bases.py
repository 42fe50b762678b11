"""The list of legal bases that let data flow without the person's consent
(R-47), kept as data by the national coordinator of each country, each with its
citation. Agreements choose from it (``agreements.agreement_propose``), never
free text. A basis is never deleted: agreements keep pointing at it, and an
inactive one is only no longer offered."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import errors, policy
from haven.access.models import LegalBasis
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import ids as lib_ids


def _require_keeper(*, actor: User, country: str = "") -> str:
    """The keeper's country, or the refusal (``policy.rule_legal_basis_keeper``)."""
    decision = policy.rule_legal_basis_keeper(user=actor, country=country)
    if not decision.allowed:
        raise errors.SharingNotAllowed(str(decision.reason))
    assert actor.organisation is not None  # noqa: S101 - the rule checked it
    return actor.organisation.country


@transaction.atomic
def legal_basis_create(
    *,
    actor: User,
    title: str,
    citation: str,
    allows_location_health_to_enforcement: bool = False,
) -> LegalBasis:
    """Add a legal basis to the coordinator's country's list (R-47)."""
    country = _require_keeper(actor=actor)
    if not title.strip():
        raise errors.SharingInvalid(_("Give the legal basis a short name."), field="title")
    if not citation.strip():
        raise errors.SharingInvalid(
            _("Cite the provisions: the law, its sections or articles."), field="citation"
        )
    if LegalBasis.objects.filter(country=country, title=title.strip()).exists():
        raise errors.SharingInvalid(
            _("The list already has a legal basis with this name."), field="title"
        )
    basis = LegalBasis(
        country=country,
        title=title.strip(),
        citation=citation.strip(),
        allows_location_health_to_enforcement=allows_location_health_to_enforcement,
        active=True,
        created_at=timezone.now(),
        created_by=actor,
    )
    basis.full_clean(exclude=["created_by"])
    basis.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="access.LegalBasis",
        object_id=basis.id,
        detail={"allows_location_health_to_enforcement": allows_location_health_to_enforcement},
    )
    return basis


@transaction.atomic
def legal_basis_set_active(
    *, actor: User, legal_basis_id: uuid.UUID | str, active: bool
) -> LegalBasis:
    """Offer a basis to new agreements again, or no longer. Agreements already
    resting on it keep it: ending them is the parties' decision."""
    parsed = lib_ids.parse_uuid(legal_basis_id)
    basis = LegalBasis.objects.select_for_update().filter(pk=parsed).first() if parsed else None
    if basis is None:
        raise errors.LegalBasisNotFound(_("No legal basis with this reference."))
    _require_keeper(actor=actor, country=basis.country)
    basis.active = active
    basis.save(update_fields=["active"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="access.LegalBasis",
        object_id=basis.id,
        detail={"active": active},
    )
    return basis
