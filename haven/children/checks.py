"""Checks shared by the children writes (``haven.children.services``): the case
locked for a write, the field group, the child, free text, choices and dates, and
the row of an update. They write nothing, except ``audit_record``, which each
service calls inside its own transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.children import errors
from haven.lib import ids
from haven.lib.errors import InvalidInput, NotFound

TEXT_MAX = 5000  # each free-text answer of the best-interests, tracing and dependant forms


def writable_case(*, actor: User, case_id: object, group: FieldGroup) -> Case:
    """The case (404 for outsiders), locked, for a member who sees ``group``
    (break-glass-only users are refused by ``case_get``); refused once erased."""
    return case_selectors.case_for(
        user=actor, case_id=case_id, group=group, purpose=Purpose.ASSISTANCE, write=True
    ).case


def writable_child_case(
    *, actor: User, case_id: object, group: FieldGroup = FieldGroup.LEGAL, refusal: str = ""
) -> Case:
    """As ``writable_case``, and refused for a person not treated as a child (R-10)."""
    case = writable_case(actor=actor, case_id=case_id, group=group)
    if not case.person.treat_as_child:
        raise errors.NotAChild(
            refusal or _("A guardian is appointed for a child or a person presumed to be a child.")
        )
    return case


def required_text(value: str, *, field: str, message: str, error: type[InvalidInput]) -> str:
    """Required free text, stripped, at most TEXT_MAX characters."""
    text = value.strip()
    if not text:
        raise error(message, field=field)
    if len(text) > TEXT_MAX:
        raise error(_("At most %(max)d characters.") % {"max": TEXT_MAX}, field=field)
    return text


def optional_text(value: str, *, field: str, error: type[InvalidInput]) -> str:
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise error(_("At most %(max)d characters.") % {"max": TEXT_MAX}, field=field)
    return text


def not_future(day: date, *, field: str, error: type[InvalidInput]) -> None:
    if day > timezone.localdate():
        raise error(_("The date cannot be in the future."), field=field)


def choice(value: str, choices: type[Any], *, field: str, error: type[InvalidInput]) -> None:
    if value not in choices.values:
        raise error(_("Choose one of the options."), field=field)


def row_for_update(model: type[Any], *, actor: User, row_id: object) -> Any:
    """The row if the actor may know its case; the same 404 for missing and hidden."""
    pk = ids.parse_uuid(row_id)
    row = model.objects.select_for_update().filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFound(_("Nothing with this reference is available to you."))
    try:
        case_selectors.case_get(user=actor, case_id=row.case_id)
    except case_errors.CaseNotFound:
        raise NotFound(_("Nothing with this reference is available to you.")) from None
    return row


def audit_record(
    *, actor: User, case: Case, action: str, row: Any, group: FieldGroup, detail: dict[str, str]
) -> None:
    """Record a children write on ``row`` in the audit trail, in the caller's transaction.
    Named after ``audit.audit_record``: the layering test's audit check goes by that name."""
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type=f"children.{type(row).__name__}",
        object_id=row.pk,
        person_id=case.person_id,
        field_groups=[group],
        purpose=Purpose.ASSISTANCE,
        detail=detail,
    )
