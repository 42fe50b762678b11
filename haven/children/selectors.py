"""Guardian appointment reads (R-11): the legal group, decided and audited.

The guardian's identity is part of the child's legal situation, so it is read
with the legal group (not the identity group). Missing and hidden cases give
the same 404 (``case_get``); a team member whose organisation does not see the
legal group gets ``field_group_not_allowed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance.models import Task, TaskKind
from haven.assistance.selectors import deadlines as deadline_selectors
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.children.models import GuardianAppointment
from haven.vault import services as vault


@dataclass(frozen=True)
class AppointmentView:
    id: object
    kind: str
    kind_label: str
    guardian_name: str  # empty once the person's data is erased
    contact: str
    organisation_name: str
    appointed_on: date
    recorded_by: str


@dataclass(frozen=True)
class GuardianSummary:
    """For the case page: the current guardian, or how late the appointment is."""

    guardian_name: str
    since: date | None
    due_at: datetime | None  # the open task's deadline, if any
    overdue: bool


@dataclass(frozen=True)
class GuardiansView:
    case: Case
    treat_as_child: bool
    erased: bool
    appointments: list[AppointmentView]
    summary: GuardianSummary


def _appointments(case: Case) -> list[GuardianAppointment]:
    return list(
        GuardianAppointment.objects.filter(case_id=case.id)
        .select_related("guardian_organisation", "recorded_by")
        .order_by("-appointed_on", "-recorded_at")
    )


def _view(row: GuardianAppointment, case: Case, erased: bool) -> AppointmentView:
    key = case.person.data_key
    organisation = row.guardian_organisation
    return AppointmentView(
        id=row.pk,
        kind=row.kind,
        kind_label=row.get_kind_display(),
        guardian_name=""
        if erased
        else vault.decrypt(key=key, ciphertext=row.guardian_name_enc, context="guardian.name"),
        contact=""
        if erased
        else vault.decrypt_optional(
            key=key, ciphertext=row.contact_enc, context="guardian.contact"
        ),
        organisation_name=organisation.name if organisation is not None else "",
        appointed_on=row.appointed_on,
        recorded_by=row.recorded_by.get_username(),
    )


def _summary(case: Case, latest: AppointmentView | None) -> GuardianSummary:
    task = (
        deadline_selectors.case_tasks(case_id=case.id)
        .filter(kind=TaskKind.GUARDIAN_APPOINTMENT, status=Task.Status.OPEN)
        .first()
    )
    due_at = task.due_at if task is not None else None
    return GuardianSummary(
        guardian_name=latest.guardian_name if latest is not None else "",
        since=latest.appointed_on if latest is not None else None,
        due_at=due_at,
        overdue=due_at is not None and due_at < timezone.now(),
    )


@transaction.atomic
def guardian_list(*, user: User, case_id: object) -> GuardiansView:
    """The case's guardians and representatives, latest first (legal group, R-11).
    The read is audited."""
    case = case_selectors.case_get(user=user, case_id=case_id)
    decision = access_policy.decide(
        user=user, case_id=case.id, field_group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
    )
    if not decision.allowed:
        raise case_errors.GroupNotAllowed(str(decision.reason))
    erased = case.person.erased_at is not None
    appointments = [_view(row, case, erased) for row in _appointments(case)]
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type="children.GuardianAppointment",
        object_id=case.id,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
    )
    return GuardiansView(
        case=case,
        treat_as_child=case.person.treat_as_child,
        erased=erased,
        appointments=appointments,
        summary=_summary(case, appointments[0] if appointments else None),
    )


def guardian_summary_shown(*, case_view: case_selectors.CaseView) -> GuardianSummary | None:
    """The guardian line for a case page that ``case_read`` already decided and
    audited: None for adults, or unless the legal group was shown there."""
    if not case_view.treat_as_child or case_view.group(FieldGroup.LEGAL).data is None:
        return None
    case = case_view.case
    row = _appointments(case)[:1]
    latest = _view(row[0], case, case_view.erased) if row else None
    return _summary(case, latest)


def child_summary_shown(*, case_view: case_selectors.CaseView) -> Any:
    """Placeholder: being written in this session."""
    return None
