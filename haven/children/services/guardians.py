"""Guardian appointment writes (R-11). One transaction each, audited inside it.

A child, or a person presumed to be one (R-10), gets a blocking task "appoint a
guardian" at intake (``haven.cases.services.case_open``), due at once and
escalated to supervisors by the deadline sweep when late. Recording the
appointment closes that task.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.accounts.models import Organisation, User
from haven.audit.models import Action
from haven.children import checks, errors
from haven.children import clocks as children_clocks
from haven.children.models import (
    GuardianAppointment,
    GuardianKind,
)
from haven.deadlines import services as deadline_services
from haven.vault import services as vault

NAME_MAX = 200
CONTACT_MAX = 500


def _validated(
    *, kind: str, guardian_name: str, appointed_on: date, contact: str
) -> tuple[str, str]:
    name = guardian_name.strip()
    if not name or len(name) > NAME_MAX:
        raise errors.GuardianInputInvalid(
            _("Write the guardian's name (at most %(max)d characters).") % {"max": NAME_MAX},
            field="guardian_name",
        )
    if kind not in GuardianKind.values:
        raise errors.GuardianInputInvalid(_("Choose guardian or representative."), field="kind")
    if appointed_on > timezone.localdate():
        raise errors.GuardianInputInvalid(
            _("The appointment date cannot be in the future."), field="appointed_on"
        )
    if len(contact) > CONTACT_MAX:
        raise errors.GuardianInputInvalid(_("The contact is too long."), field="contact")
    return name, contact.strip()


def _organisation(organisation_id: uuid.UUID | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise errors.GuardianInputInvalid(_("No such organisation."), field="guardian_organisation")
    return organisation


@transaction.atomic
def guardian_appoint(
    *,
    actor: User,
    case_id: object,
    guardian_name: str,
    appointed_on: date,
    kind: str = GuardianKind.GUARDIAN,
    contact: str = "",
    guardian_organisation_id: uuid.UUID | None = None,
) -> GuardianAppointment:
    """Record the guardian or representative of a child (R-11) and close the
    blocking "appoint a guardian" task."""
    case = checks.writable_child_case(actor=actor, case_id=case_id)
    name, contact = _validated(
        kind=kind, guardian_name=guardian_name, appointed_on=appointed_on, contact=contact
    )
    key = case.person.data_key
    appointment = GuardianAppointment(
        case=case,
        kind=kind,
        guardian_name_enc=vault.encrypt(key=key, plaintext=name, context="guardian.name"),
        contact_enc=vault.encrypt_optional(key=key, plaintext=contact, context="guardian.contact"),
        guardian_organisation=_organisation(guardian_organisation_id),
        appointed_on=appointed_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    appointment.full_clean(exclude=["case", "recorded_by", "guardian_organisation"])
    appointment.save()
    deadline_services.tasks_close(
        case_id=case.id, kind=children_clocks.GUARDIAN_APPOINTMENT, by=actor
    )
    checks.audit_record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        row=appointment,
        group=FieldGroup.LEGAL,
        detail={"kind": kind},
    )
    return appointment
