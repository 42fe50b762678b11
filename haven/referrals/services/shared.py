"""What referrals and lead transfers share: two organisations and a case.

Parsing the ids a form or request names, checking a free text, sealing it under
the person's data key, checking the actor works cases for one side, and telling
an organisation's case staff. None of these writes a row; the services that call
them record the audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.utils.translation import gettext as _

from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, User
from haven.cases.models import Case
from haven.deadlines import notify as notifications
from haven.deadlines.models import Notification
from haven.lib import ids
from haven.lib.errors import InvalidInput, NotAllowed
from haven.referrals.errors import ErrorCode
from haven.vault import services as vault

MAX_TEXT = 5000
NO_ID = uuid.UUID(int=0)  # an id no row has: what a malformed id looks up


def parse_id(value: object) -> uuid.UUID:
    return ids.parse_uuid(value) or NO_ID


def text_checked(value: str, *, field: str, required: bool = True) -> str:
    """The stripped text, refused when missing (if required) or too long."""
    text = value.strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), code=ErrorCode.REQUIRED, field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Keep this under %(n)d characters.") % {"n": MAX_TEXT},
            code=ErrorCode.TOO_LONG,
            field=field,
        )
    return text


def sealed(case: Case, text: str, context: str) -> bytes:
    """The text encrypted under the person's data key."""
    return vault.encrypt(key=case.person.data_key, plaintext=text, context=context)


def organisation_chosen(organisation_id: object, *, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=parse_id(organisation_id)).first()
    if organisation is None:
        raise InvalidInput(
            _("Choose an organisation from the list."), code=ErrorCode.INVALID, field=field
        )
    return organisation


def case_staff(
    organisation_id: uuid.UUID | str, *, roles: Iterable[str] = account_policy.CASE_ROLES
) -> list[User]:
    """The active users of an organisation with one of ``roles`` (caseworkers and
    supervisors by default): who is told about a referral."""
    return list(
        User.objects.filter(organisation_id=organisation_id, role__in=list(roles), is_active=True)
    )


def staff_notify(recipients: Iterable[User], event: str, case: Case, subject: object) -> None:
    """In-app (and e-mail) notifications naming an event and an id: no personal data."""
    notifications.notify(
        recipients=recipients,
        kind=Notification.Kind.REFERRAL,
        event=event,
        case=case,
        subject_id=str(subject),
    )


def member_require(actor: User, organisation_id: object, message: str) -> None:
    """The actor works cases in this organisation (caseworker or supervisor)."""
    if actor.organisation_id != organisation_id:
        raise NotAllowed(message, code=ErrorCode.NOT_ALLOWED)
    if actor.role not in account_policy.CASE_ROLES:
        raise NotAllowed(message, code=ErrorCode.ROLE_NOT_ALLOWED)
