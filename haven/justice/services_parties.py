"""Writes of the parties of a case: add a party (an existing one found by the
search, or a new one), change its roles on the case, unlink it (R-38). Legal
group, through the case gate, each write one transaction audited inside it.

A new party's identifying data is sealed under a data key of its own (see
``haven.justice.models.Party`` for why it is not the victim's). Search comes
before create: a new party whose registration number is already known is
refused (``party_registration_known``): link the existing one instead. Two
natural persons may share a name, so a known name alone does not refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.accounts.models import User
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.justice import selectors_parties as selectors
from haven.justice.errors import ErrorCode, PartyNotFound
from haven.justice.models import (
    IsicSection,
    Party,
    PartyAgeGroup,
    PartyKind,
    PartyLink,
    PartyRole,
    PartySex,
)
from haven.lib import ids
from haven.lib.cldr import COUNTRY_CODES
from haven.lib.errors import Conflict, InvalidInput
from haven.vault import services as vault


@dataclass(frozen=True)
class PartyInput:
    """A new party, as the form or the API gives it."""

    kind: str
    name: str
    registration_number: str = ""
    address: str = ""
    sector: str = ""
    country: str = ""


@dataclass(frozen=True)
class LinkInput:
    """The party's roles on the case, and for a natural person what perpetrators
    are counted by (R-44)."""

    roles: list[str]
    sex: str = PartySex.UNKNOWN
    age_group: str = PartyAgeGroup.UNKNOWN
    citizenship: str = ""


def _country(value: str, field: str) -> str:
    code = value.strip().upper()
    if code and code not in COUNTRY_CODES:
        raise InvalidInput(_("Give a country as its two-letter code."), field=field)
    return code


def _roles(values: Iterable[str]) -> list[str]:
    wanted = set(values)
    if not wanted or not wanted <= set(PartyRole.values):
        raise InvalidInput(_("Choose at least one role in the process."), field="roles")
    return [role for role in PartyRole.values if role in wanted]


def _link_fields(data: LinkInput) -> dict[str, object]:
    if data.sex not in PartySex.values:
        raise InvalidInput(_("Choose a sex from the list."), field="sex")
    if data.age_group not in PartyAgeGroup.values:
        raise InvalidInput(_("Choose an age group from the list."), field="age_group")
    return {
        "roles": _roles(data.roles),
        "sex": data.sex,
        "age_group": data.age_group,
        "citizenship": _country(data.citizenship, "citizenship"),
    }


def _party_create(*, actor: User, data: PartyInput) -> Party:
    name = data.name.strip()
    if not name:
        raise InvalidInput(_("Give the party's name."), field="name")
    if data.kind not in PartyKind.values:
        raise InvalidInput(_("Choose a natural person or a company."), field="kind")
    if data.sector and data.sector not in IsicSection.values:
        raise InvalidInput(_("Choose a sector from the list."), field="sector")
    country = _country(data.country, "country")
    registration = data.registration_number.strip()
    registration_index = selectors.registration_index(registration)
    if (
        registration_index
        and Party.objects.filter(registration_number_index=registration_index).exists()
    ):
        raise Conflict(
            _("A party with this registration number is already known: link it instead."),
            code=ErrorCode.PARTY_REGISTRATION_KNOWN,
            field="registration_number",
        )
    key = vault.data_key_create(subject=selectors.DATA_KEY_SUBJECT)
    return Party.objects.create(
        data_key=key,
        kind=data.kind,
        name_enc=vault.encrypt(key=key, plaintext=name, context="party.name"),
        registration_number_enc=vault.encrypt_optional(
            key=key, plaintext=registration, context="party.registration_number"
        ),
        address_enc=vault.encrypt_optional(
            key=key, plaintext=data.address.strip(), context="party.address"
        ),
        name_index=selectors.name_index(name),
        registration_number_index=registration_index,
        sector=data.sector,
        country=country,
        created_at=timezone.now(),
        created_by=actor,
    )


def party_write_check(*, actor: User, case_id: object) -> None:
    """The questions a write of parties asks, without locking the case: what the
    add page asks before it offers its forms (break-glass only reads, an erased
    person's case and a merged case take no new record)."""
    case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=selectors.PURPOSE,
        write=True,
        lock=False,
    )


@transaction.atomic
def party_link_create(
    *,
    actor: User,
    case_id: object,
    link: LinkInput,
    party_id: object = None,
    new_party: PartyInput | None = None,
) -> PartyLink:
    """Link a party to the case with its roles: the existing ``party_id`` (found
    by ``party_search``), or ``new_party``, created now (legal group; R-38)."""
    gated = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=selectors.PURPOSE,
        write=True,
    )
    fields = _link_fields(link)
    if new_party is None:
        parsed = ids.parse_uuid(party_id)
        party = Party.objects.filter(pk=parsed).first() if parsed else None
        if party is None:
            raise PartyNotFound(_("No such party is available to you."))
        if PartyLink.objects.filter(case_id=gated.case.id, party_id=party.id).exists():
            raise Conflict(
                _("This party is already on the case: change its roles instead."),
                code=ErrorCode.PARTY_ALREADY_LINKED,
            )
    else:
        party = _party_create(actor=actor, data=new_party)
        gated.audit_record(
            action=Action.CREATE, object_type=selectors.PARTY_TYPE, object_id=party.id
        )
    now = timezone.now()
    created = PartyLink.objects.create(
        case=gated.case, party=party, linked_at=now, linked_by=actor, updated_at=now, **fields
    )
    gated.audit_record(action=Action.CREATE, object_type=selectors.LINK_TYPE, object_id=created.id)
    return created


def _link_of(gated: case_selectors.GatedCase, link_id: object) -> PartyLink:
    parsed = ids.parse_uuid(link_id)
    found = (
        PartyLink.objects.select_for_update().filter(pk=parsed, case_id=gated.case.id).first()
        if parsed
        else None
    )
    if found is None:
        raise PartyNotFound(_("No such party on this case."))
    return found


@transaction.atomic
def party_link_update(
    *, actor: User, case_id: object, link_id: object, link: LinkInput
) -> PartyLink:
    """Change the party's roles (and sex, age group, citizenship) on the case."""
    gated = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=selectors.PURPOSE,
        write=True,
    )
    row = _link_of(gated, link_id)
    for name, value in _link_fields(link).items():
        setattr(row, name, value)
    row.updated_at = timezone.now()
    row.save()
    gated.audit_record(action=Action.UPDATE, object_type=selectors.LINK_TYPE, object_id=row.id)
    return row


@transaction.atomic
def party_link_remove(*, actor: User, case_id: object, link_id: object) -> None:
    """Unlink the party from the case. The party stays, for the other cases it is
    on (and for a later link)."""
    gated = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=selectors.PURPOSE,
        write=True,
    )
    row = _link_of(gated, link_id)
    removed_id = row.id
    row.delete()
    gated.audit_record(
        action=Action.UPDATE,
        object_type=selectors.LINK_TYPE,
        object_id=removed_id,
        detail={"change": "unlinked"},
    )
