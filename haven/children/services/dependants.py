"""The children of victims (and other dependants) as indirect victims with
needs of their own (R-27)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.accounts.models import User
from haven.audit.models import Action
from haven.cases.models import Case
from haven.children import checks, errors
from haven.children.models import (
    Dependant,
    DependantRelationship,
    EducationAccess,
)
from haven.children.services import guardians
from haven.lib import locking
from haven.vault import services as vault

DEPENDANT_NAME_CONTEXT = "dependant.name"
BORN_CONTEXT = "dependant.date_of_birth"
NEEDS_CONTEXT = "dependant.needs"


@dataclass(frozen=True)
class DependantInput:
    relationship: str
    name: str
    with_the_person: bool
    needs: str
    education: str
    date_of_birth: date | None = None


def _dependant_checked(data: DependantInput) -> tuple[str, str]:
    error = errors.DependantInputInvalid
    checks.choice(data.relationship, DependantRelationship, field="relationship", error=error)
    checks.choice(data.education, EducationAccess, field="education", error=error)
    name = data.name.strip()
    if not name or len(name) > guardians.NAME_MAX:
        raise error(
            _("Write the name (at most %(max)d characters).") % {"max": guardians.NAME_MAX},
            field="name",
        )
    if data.date_of_birth is not None:
        checks.not_future(data.date_of_birth, field="date_of_birth", error=error)
    return name, checks.optional_text(data.needs, field="needs", error=error)


@transaction.atomic
def dependant_add(
    *,
    actor: User,
    case_id: object,
    relationship: str,
    name: str,
    with_the_person: bool,
    needs: str,
    education: str,
    date_of_birth: date | None = None,
) -> Dependant:
    """Record a child (or other dependant) of the person, an indirect victim with
    needs of their own (R-27). Any case, adult or child; identity group."""
    data = DependantInput(relationship, name, with_the_person, needs, education, date_of_birth)
    case = checks.writable_case(actor=actor, case_id=case_id, group=FieldGroup.IDENTITY)
    name, needs = _dependant_checked(data)
    return _saved(actor=actor, case=case, data=data, name=name, needs=needs)


def _saved(*, actor: User, case: Case, data: DependantInput, name: str, needs: str) -> Dependant:
    key = case.person.data_key
    born = data.date_of_birth.isoformat() if data.date_of_birth is not None else ""
    dependant = Dependant(
        case=case,
        relationship=data.relationship,
        name_enc=vault.encrypt(key=key, plaintext=name, context=DEPENDANT_NAME_CONTEXT),
        date_of_birth_enc=vault.encrypt_optional(key=key, plaintext=born, context=BORN_CONTEXT),
        with_the_person=data.with_the_person,
        needs_enc=vault.encrypt_optional(key=key, plaintext=needs, context=NEEDS_CONTEXT),
        education=data.education,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    dependant.full_clean(exclude=["case", "recorded_by"])
    dependant.save()
    detail = {"relationship": data.relationship, "education": data.education}
    checks.audit_record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        row=dependant,
        group=FieldGroup.IDENTITY,
        detail=detail,
    )
    return dependant


@transaction.atomic
def dependant_update_education(
    *, actor: User, dependant_id: object, education: str, needs: str, version: int
) -> Dependant:
    """Record how the dependant's schooling stands (R-27: access to education
    within a reasonable time) and their needs now. ``version`` is the one the user
    read: a dependant updated since is refused (``edit_conflict``), never overwritten."""
    dependant: Dependant = checks.row_for_update(Dependant, actor=actor, row_id=dependant_id)
    case = checks.writable_case(actor=actor, case_id=dependant.case_id, group=FieldGroup.IDENTITY)
    error = errors.DependantInputInvalid
    checks.choice(education, EducationAccess, field="education", error=error)
    text = checks.optional_text(needs, field="needs", error=error)
    locking.version_claim(dependant, expected=version)
    dependant.education = education
    dependant.needs_enc = vault.encrypt_optional(
        key=case.person.data_key, plaintext=text, context=NEEDS_CONTEXT
    )
    dependant.save(update_fields=["education", "needs_enc"])
    checks.audit_record(
        actor=actor,
        case=case,
        action=Action.UPDATE,
        row=dependant,
        group=FieldGroup.IDENTITY,
        detail={"education": education},
    )
    return dependant
