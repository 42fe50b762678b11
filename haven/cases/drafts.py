"""Drafts of long forms: saved unfinished, resumed later by their owner alone.

An idle session must not lose typed work (issue 11): the intake, the
assessments, the referral and the consent can be saved as a draft at any
moment, without validation, and resumed from "Your drafts". A draft holds what
was typed, so it is personal data: sealed under its own data key, visible to
its owner only (anyone else gets the same answer as for a missing draft), every
save and resumption audited, and deleted when the form is sent or its days are
up. A draft of a form on a case passes the gate that form's write passes, and
the form offers "Save draft" only where it would (``draft_may_save``).

Writes (``draft_save``, ``draft_delete``) and reads (``draft_list``,
``draft_open``) sit together here because they share the sealing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from haven.access import selectors as access_selectors
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors, selectors
from haven.cases.models import Case, Draft, DraftKind
from haven.lib import ids
from haven.lib.errors import Conflict, NotAllowed, NotFound
from haven.vault import services as vault
from haven.vault.models import DataKey

CONTEXT = "draft.fields"
MAX_PATH = 1000  # ``Draft.path``: the consent form from the referral check has a long address
# The field group a draft of each kind holds, checked through the case gate for the
# purpose of its form, as a write (the form records on the case: emergency access,
# which only reads, and a merged case are refused); a new case's intake has no case yet.
GROUPS: dict[str, FieldGroup] = {
    DraftKind.ASSESSMENT: FieldGroup.ASSESSMENT,
    DraftKind.SCREENING: FieldGroup.ASSESSMENT,
    DraftKind.BEST_INTERESTS: FieldGroup.ASSESSMENT,
    DraftKind.AGE_ASSESSMENT: FieldGroup.LEGAL,
    # A referral asks another organisation for a service for the person: its type and
    # directory entry are services, and its message says what the person needs from
    # that service. Its content is the services group (assistance arranged and
    # delivered) rather than the narrative, so a shelter or a health service referring
    # on keeps its draft; organisation types that never see services (police, border
    # guard, prosecutor, migration authority) still refer, without a draft.
    DraftKind.REFERRAL: FieldGroup.SERVICES,
    # A consent records whom the person agreed to share with and what they were told;
    # for a child it holds the child's own views in their words, which the consent
    # list shows only to those who see the narrative (``access.selectors.consent_list``).
    # A draft holds them as typed, so it passes the same decision.
    DraftKind.CONSENT: FieldGroup.NARRATIVE,
}
PURPOSES: dict[str, Purpose] = {DraftKind.SCREENING: Purpose.IDENTIFICATION}
# The form's own rule beyond the gate: only the case lead's caseworkers and
# supervisors record a consent, and only they keep a draft of one.
FORM_CHECKS: dict[str, Callable[..., None]] = {
    DraftKind.CONSENT: access_selectors.consent_access_check,
}

Fields = dict[str, list[str]]


@dataclass(frozen=True)
class DraftRow:
    """One line of "Your drafts": no typed text, only what and when."""

    id: str
    kind: str
    kind_label: str
    case_reference: str
    updated_at: datetime
    expires_at: datetime
    path: str

    @property
    def resume_url(self) -> str:
        return f"{self.path}{'&' if '?' in self.path else '?'}draft={self.id}"


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.HAVEN_DRAFT_DAYS)


def _owned(*, user: User, draft_id: object, now: datetime) -> Draft | None:
    """The user's own unexpired draft, or None for a missing, expired or other's one."""
    parsed = ids.parse_uuid(draft_id)
    if parsed is None:
        return None
    return (
        Draft.objects.select_related("data_key", "case")
        .filter(id=parsed, owner=user, expires_at__gt=now)
        .first()
    )


def _check(*, kind: str, path: str) -> None:
    if kind not in DraftKind.values:
        raise errors.DraftNotSaved(_("This form cannot be saved as a draft."))
    local = url_has_allowed_host_and_scheme(path, allowed_hosts=None)
    if not (local and path.startswith("/") and len(path) <= MAX_PATH):
        raise errors.DraftNotSaved(_("This form cannot be saved as a draft."))


def _gated_case(*, actor: User, kind: str, case_id: object) -> Case | None:
    """The case a draft belongs to, through the case gate as its form's write would
    pass it (the group the form writes), and the form's own rule if it has one."""
    if kind not in GROUPS:
        return None
    purpose = PURPOSES.get(kind, Purpose.ASSISTANCE)
    gated = selectors.case_for(
        user=actor, case_id=case_id, group=GROUPS[kind], purpose=purpose, write=True, lock=False
    )
    if kind in FORM_CHECKS:
        FORM_CHECKS[kind](user=actor, context=gated.context)
    return gated.case


def draft_may_save(*, user: User, kind: str, case_id: object = "") -> bool:
    """Whether a form offers "Save draft" (and the idle autosave): only where
    ``draft_save`` would keep the draft, decided by the same gate."""
    try:
        _gated_case(actor=user, kind=kind, case_id=case_id)
    except (NotFound, NotAllowed, Conflict):
        return False
    return True


def _audit(*, actor: User, action: str, draft: Draft) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="cases.Draft",
        object_id=draft.id,
        person_id=draft.case.person_id if draft.case else "",
        field_groups=[GROUPS[draft.kind]] if draft.kind in GROUPS else [],
        purpose=PURPOSES.get(draft.kind, Purpose.ASSISTANCE),
        detail={"kind": draft.kind},
    )


@transaction.atomic
def draft_save(
    *,
    actor: User,
    kind: str,
    path: str,
    fields: Mapping[str, Sequence[str]],
    draft_id: object = "",
    case_id: object = "",
) -> Draft:
    """Keep what was typed, unvalidated, for its owner to finish later (issue 11).
    Saving again updates the owner's draft; another user's id starts a new one."""
    _check(kind=kind, path=path)
    now = timezone.now()
    drafts_purge_expired(now=now)
    draft = _owned(user=actor, draft_id=draft_id, now=now) if draft_id else None
    created = draft is None
    if draft is None:
        case = _gated_case(actor=actor, kind=kind, case_id=case_id)
        key = vault.data_key_create(subject="cases.Draft")
        draft = Draft(owner=actor, kind=kind, case=case, data_key=key, created_at=now)
    else:  # saved again: the gate asks again (the case merged, the team changed since)
        _gated_case(actor=actor, kind=draft.kind, case_id=draft.case_id)
    sealed = json.dumps({name: list(values) for name, values in fields.items()})
    draft.fields_enc = vault.encrypt(key=draft.data_key, plaintext=sealed, context=CONTEXT)
    draft.path, draft.updated_at, draft.expires_at = path, now, _expiry(now)
    if created:
        draft.full_clean(exclude=["fields_enc"])
        draft.save()
    else:
        draft.save(update_fields=["fields_enc", "path", "updated_at", "expires_at"])
    _audit(actor=actor, action=Action.CREATE if created else Action.UPDATE, draft=draft)
    return draft


@transaction.atomic
def draft_delete(*, actor: User, draft_id: object) -> bool:
    """Delete the owner's draft and its key (the form was sent, or it was discarded).
    False when there is none to delete: another user's draft is not touched."""
    draft = _owned(user=actor, draft_id=draft_id, now=timezone.now())
    if draft is None:
        return False
    _audit(actor=actor, action=Action.ERASE, draft=draft)
    key = draft.data_key
    draft.delete()
    key.delete()
    return True


@transaction.atomic
def drafts_purge_expired(*, now: datetime) -> int:
    """Delete every draft past its days, with its key (``HAVEN_DRAFT_DAYS``)."""
    expired = list(Draft.objects.filter(expires_at__lte=now).values_list("id", "data_key_id"))
    Draft.objects.filter(id__in=[draft for draft, _key in expired]).delete()
    DataKey.objects.filter(id__in=[key for _draft, key in expired]).delete()
    return len(expired)


def draft_list(*, user: User, kind: str = "") -> list[DraftRow]:
    """The user's own unexpired drafts, latest first; never another user's."""
    drafts = Draft.objects.select_related("case").filter(owner=user, expires_at__gt=timezone.now())
    if kind:
        drafts = drafts.filter(kind=kind)
    return [
        DraftRow(
            id=str(d.id),
            kind=d.kind,
            kind_label=str(DraftKind(d.kind).label),
            case_reference=d.case.reference if d.case else "",
            updated_at=d.updated_at,
            expires_at=d.expires_at,
            path=d.path,
        )
        for d in drafts
    ]


@transaction.atomic
def draft_open(*, user: User, draft_id: object, kind: str) -> Fields:
    """What was typed, for the owner to resume (audited as a read). Another user's
    draft, an expired one and one of another form are as good as missing."""
    draft = _owned(user=user, draft_id=draft_id, now=timezone.now())
    if draft is None or draft.kind != kind:
        raise errors.DraftNotFound(_("No such draft: it may have been sent, discarded or expired."))
    plain = vault.decrypt(key=draft.data_key, ciphertext=draft.fields_enc, context=CONTEXT)
    _audit(actor=user, action=Action.READ, draft=draft)
    loaded: Fields = json.loads(plain)
    return loaded
