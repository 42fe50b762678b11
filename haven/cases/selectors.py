"""Every read of persons and cases: filtered by access, decrypted by the vault,
recorded in the audit trail. Views and the API read personal data only here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access import selectors as access_selectors
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import User
from haven.audit import selectors as audit_selectors
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.cases import errors
from haven.cases.models import (
    AgeStatus,
    Case,
    ExploitationForm,
    GenderIdentity,
    Person,
    Sex,
)
from haven.cases.status import IdentificationStatus
from haven.vault import services as vault


def case_list(*, user: User, reference: str = "", status: str = "") -> QuerySet[Case]:
    """Only cases whose team includes the user's organisation; nothing else exists."""
    lead_name = TeamMembership.objects.filter(case_id=OuterRef("pk"), is_lead=True).values(
        "organisation__name"
    )[:1]
    cases = Case.objects.filter(id__in=access_selectors.visible_case_ids(user=user)).annotate(
        lead_name=Subquery(lead_name)
    )
    if reference.strip():
        cases = cases.filter(reference__icontains=reference.strip())
    if status:
        cases = cases.filter(identification_status=status)
    return cases.order_by("-opened_at", "id")


def _parse_id(case_id: object) -> uuid.UUID | None:
    if isinstance(case_id, uuid.UUID):
        return case_id
    try:
        return uuid.UUID(str(case_id))
    except ValueError:
        return None


def case_get_with_context(
    *, user: User, case_id: object, for_update: bool = False
) -> tuple[Case, access_policy.CaseContext]:
    """The case and its sharing facts, loaded once for every decision that follows."""
    parsed = _parse_id(case_id)
    cases = Case.objects.select_related("person", "person__data_key")
    if for_update:
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=parsed).first() if parsed else None
    context = access_policy.case_context(case_id=case.pk) if case else None
    if (
        case is None
        or context is None
        or not access_policy.may_see_case(user=user, case_id=case.pk, context=context)
    ):
        raise errors.CaseNotFound(_("No case with this reference is available to you."))
    return case, context


def case_get(*, user: User, case_id: object, for_update: bool = False) -> Case:
    """The case if the user may know it exists; otherwise the same 404 as a missing one."""
    return case_get_with_context(user=user, case_id=case_id, for_update=for_update)[0]


@dataclass(frozen=True)
class GroupView:
    group: FieldGroup
    allowed: bool
    code: str
    reason: str
    data: dict[str, Any] | None  # None when hidden


@dataclass(frozen=True)
class CaseView:
    case: Case
    lead_name: str
    team: list[dict[str, Any]]
    treat_as_child: bool
    erased: bool
    groups: list[GroupView]

    def group(self, name: str) -> GroupView:
        return next(g for g in self.groups if g.group == name)


def _labels(choices: type[Any], values: list[str]) -> list[str]:
    return [str(choices(v).label) if v in choices.values else v for v in values]


def _person_field(person: Person, name: str) -> str:
    ciphertext: bytes | memoryview | None = getattr(person, f"{name}_enc")
    return vault.decrypt_optional(
        key=person.data_key, ciphertext=ciphertext, context=f"person.{name}"
    )


def _identity(case: Case) -> dict[str, Any]:
    person = case.person
    dob = _person_field(person, "date_of_birth")
    return {
        "given_name": _person_field(person, "given_name"),
        "family_name": _person_field(person, "family_name"),
        "aliases": _person_field(person, "aliases"),
        "date_of_birth": date.fromisoformat(dob) if dob else None,
        "estimated_age_min": person.estimated_age_min,
        "estimated_age_max": person.estimated_age_max,
        "age_status": person.age_status,
        "age_status_label": str(AgeStatus(person.age_status).label),
        "sex": person.sex,
        "sex_label": str(Sex(person.sex).label),
        "gender_identity": person.gender_identity,
        "gender_identity_label": str(GenderIdentity(person.gender_identity).label),
        "citizenships": list(person.citizenships),
        "languages": list(person.languages),
    }


def _legal(case: Case) -> dict[str, Any]:
    key = case.person.data_key
    transitions = case.transitions.select_related("decided_by", "decided_by_organisation")
    return {
        "removal_protected": case.removal_protected,
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "to_status_label": str(IdentificationStatus(t.to_status).label),
                "decided_on": t.decided_on,
                "decided_by": t.decided_by.get_username(),
                "organisation": t.decided_by_organisation.name,
                "legal_basis": t.legal_basis,
                "reasons": vault.decrypt_optional(
                    key=key, ciphertext=t.reasons_enc, context="transition.reasons"
                ),
            }
            for t in transitions
        ],
    }


def _narrative(case: Case) -> dict[str, Any]:
    key = case.person.data_key
    entries = case.narrative.select_related("author", "organisation")
    return {
        "entries": [
            {
                "created_at": e.created_at,
                "author": e.author.get_username(),
                "organisation": e.organisation.name,
                "text": vault.decrypt(key=key, ciphertext=e.text_enc, context="narrative.text"),
            }
            for e in entries
        ]
    }


def _group_data(case: Case, group: FieldGroup) -> dict[str, Any]:
    person = case.person
    if group == FieldGroup.IDENTITY:
        return _identity(case)
    if group == FieldGroup.CONTACT:
        return {"contact": _person_field(person, "contact")}
    if group == FieldGroup.LOCATION:
        return {"current_location": _person_field(person, "current_location")}
    if group == FieldGroup.HEALTH:
        return {"health_notes": _person_field(person, "health_notes")}
    if group == FieldGroup.NARRATIVE:
        return _narrative(case)
    if group == FieldGroup.LEGAL:
        return _legal(case)
    if group == FieldGroup.ASSESSMENT:
        return {
            "forms_of_exploitation": list(case.forms_of_exploitation),
            "forms_of_exploitation_labels": _labels(ExploitationForm, case.forms_of_exploitation),
            "treat_as_child": person.treat_as_child,
        }
    if group == FieldGroup.SERVICES:
        return {"services": []}
    return {
        "age_band": person.age_band(timezone.localdate()),
        "sex": person.sex,
        "citizenships": list(person.citizenships),
        "forms_of_exploitation": list(case.forms_of_exploitation),
        "identification_status": case.identification_status,
    }


@transaction.atomic
def case_read(*, user: User, case_id: object, purpose: Purpose = Purpose.ASSISTANCE) -> CaseView:
    """The case as this user may see it: each field group shown or hidden with
    its reason. The groups shown are recorded in the audit trail in the same
    transaction as the read."""
    case, context = case_get_with_context(user=user, case_id=case_id)
    memberships = context.memberships
    erased = case.person.erased_at is not None
    groups: list[GroupView] = []
    shown: list[FieldGroup] = []
    for group in FieldGroup:
        decision = access_policy.decide(
            user=user, case_id=case.id, field_group=group, purpose=purpose, context=context
        )
        data = None
        if decision.allowed and not erased:
            data = _group_data(case, group)
            shown.append(group)
        groups.append(GroupView(group, decision.allowed, decision.code, str(decision.reason), data))
    if shown:
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="cases.Case",
            object_id=case.id,
            person_id=case.person_id,
            field_groups=shown,
            purpose=purpose,
        )
    lead = next((m for m in memberships if m.is_lead), None)
    return CaseView(
        case=case,
        lead_name=lead.organisation.name if lead else "",
        team=[
            {
                "organisation": m.organisation.name,
                "org_type": m.organisation.org_type,
                "is_lead": m.is_lead,
            }
            for m in memberships
        ],
        treat_as_child=case.person.treat_as_child,
        erased=erased,
        groups=groups,
    )


@transaction.atomic
def person_access_report(*, user: User, case_id: object) -> list[AuditEvent]:
    """Who read or changed this person's data, and when (for the person and the lead).

    Only the case lead's caseworkers see it; viewing it is itself recorded.
    """
    case = case_get(user=user, case_id=case_id)
    lead = next((m for m in access_policy.team_of(case_id=case.id) if m.is_lead), None)
    if lead is None or lead.organisation_id != user.organisation_id:
        raise errors.GroupNotAllowed(_("Only the case lead can see the access report."))
    events = list(audit_selectors.audit_events_for_person(person_id=case.person_id))
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.REPORT,
        object_type="cases.Person",
        object_id=case.person_id,
        person_id=case.person_id,
        purpose=Purpose.ASSISTANCE,
    )
    return events
