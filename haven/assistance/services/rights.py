"""Writes of the information given to the person and of interpretation (R-24, R-19(c)):
one transaction each, through the case gate on the services field group (the case
team's record of what it did for the person), audited in the same transaction.

An interpreter named as a person is stored encrypted with the person's data key, as
their presence identifies the occasion; an interpreting organisation is plain text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance.errors import ErrorCode
from haven.assistance.models import (
    InterpretationNeed,
    InterpreterBooking,
    InterpreterSex,
    RightsForm,
    RightsInformation,
    RightsItem,
    RightsVersion,
)
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.lib import dates
from haven.lib.errors import InvalidInput
from haven.vault import services as vault

INTERPRETER_CONTEXT = "rights.interpreter_name"
BOOKING_INTERPRETER_CONTEXT = "interpretation.interpreter_name"


@dataclass(frozen=True)
class RightsInput:
    items: list[str]  # RightsItem values
    given_on: date
    language: str
    form: str  # RightsForm
    version: str  # RightsVersion
    interpreter_organisation: str = ""
    interpreter_name: str = ""


@dataclass(frozen=True)
class BookingInput:
    occasion: str  # InterpreterBooking.Occasion
    planned_on: date
    language: str
    interpreter_organisation: str = ""
    interpreter_name: str = ""
    interpreter_sex: str = ""


@dataclass(frozen=True)
class NeedInput:
    needed: bool
    languages: list[str] = field(default_factory=list)
    interpreter_sex: str = ""


def _gate(*, actor: User, case_id: object) -> case_selectors.GatedCase:
    return case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.SERVICES,
        purpose=Purpose.ASSISTANCE,
        write=True,
    )


def _language(code: str, *, field: str) -> str:
    """A two- or three-letter language code, as the person's languages are kept."""
    text = code.strip().lower()
    if not (len(text) in (2, 3) and text.isascii() and text.isalpha()):
        raise InvalidInput(
            _("Give the language as a two- or three-letter language code."),
            code=ErrorCode.LANGUAGE_INVALID,
            field=field,
        )
    return text


def _choice(value: str, choices: list[str], *, field: str) -> str:
    if value not in choices:
        raise InvalidInput(
            _("Choose one of the options."), code=ErrorCode.INVALID_CHOICE, field=field
        )
    return value


def _items(items: list[str]) -> list[str]:
    if not items:
        raise InvalidInput(
            _("Tick at least one item of information given."),
            code=ErrorCode.ITEMS_REQUIRED,
            field="items",
        )
    for item in items:
        _choice(item, RightsItem.values, field="items")
    return [item for item in RightsItem.values if item in items]  # checklist order


def _given_at(day: date) -> datetime:
    """The moment of giving: now when given today, else noon of that day."""
    dates.check(day, dates.PAST, field="given_on")
    now = timezone.now()
    if day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def _encrypted(gated: case_selectors.GatedCase, text: str, context: str) -> bytes | None:
    name = text.strip()
    if not name:
        return None
    return vault.encrypt(key=gated.case.person.data_key, plaintext=name, context=context)


@transaction.atomic
def rights_information_record(
    *, actor: User, case_id: object, data: RightsInput
) -> RightsInformation:
    """Record that the person was informed of their rights (R-24, CETS Art. 15(1)):
    which items, when, in which language and form, by whom, with which interpreter."""
    gated = _gate(actor=actor, case_id=case_id)
    record = RightsInformation(
        case=gated.case,
        given_at=_given_at(data.given_on),
        language=_language(data.language, field="language"),
        form=_choice(data.form, RightsForm.values, field="form"),
        version=_choice(data.version, RightsVersion.values, field="version"),
        items=_items(data.items),
        given_by=actor,
        interpreter_organisation=data.interpreter_organisation.strip(),
        interpreter_name_enc=_encrypted(gated, data.interpreter_name, INTERPRETER_CONTEXT),
        recorded_at=timezone.now(),
    )
    record.full_clean()
    record.save()
    gated.audit_record(
        action=Action.CREATE,
        object_type="assistance.RightsInformation",
        object_id=record.pk,
        detail={"language": record.language, "items": ",".join(record.items)},
    )
    return record


@transaction.atomic
def interpretation_need_record(
    *, actor: User, case_id: object, data: NeedInput
) -> InterpretationNeed:
    """Record (or revise: a new row, the latest counts) whether the person needs an
    interpreter and in which languages (R-19(c), R-24)."""
    gated = _gate(actor=actor, case_id=case_id)
    languages = list(dict.fromkeys(_language(c, field="languages") for c in data.languages))
    if data.needed and not languages:
        raise InvalidInput(
            _("Give the language the person needs an interpreter for."),
            code=ErrorCode.REQUIRED,
            field="languages",
        )
    need = InterpretationNeed(
        case=gated.case,
        needed=data.needed,
        languages=languages,
        interpreter_sex=_choice(
            data.interpreter_sex, InterpreterSex.values, field="interpreter_sex"
        ),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    need.full_clean()
    need.save()
    gated.audit_record(
        action=Action.CREATE,
        object_type="assistance.InterpretationNeed",
        object_id=need.pk,
        detail={"needed": "yes" if need.needed else "no"},
    )
    return need


@transaction.atomic
def interpreter_booking_record(
    *, actor: User, case_id: object, data: BookingInput
) -> InterpreterBooking:
    """Plan an interview or decision with its interpreter (R-24), or without one yet:
    the case page warns of it while the person needs an interpreter."""
    gated = _gate(actor=actor, case_id=case_id)
    dates.check(data.planned_on, dates.PLANNED, field="planned_on")
    booking = InterpreterBooking(
        case=gated.case,
        occasion=_choice(data.occasion, InterpreterBooking.Occasion.values, field="occasion"),
        planned_on=data.planned_on,
        language=_language(data.language, field="language"),
        interpreter_organisation=data.interpreter_organisation.strip(),
        interpreter_name_enc=_encrypted(gated, data.interpreter_name, BOOKING_INTERPRETER_CONTEXT),
        interpreter_sex=_choice(
            data.interpreter_sex, InterpreterSex.values, field="interpreter_sex"
        ),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    booking.full_clean()
    booking.save()
    gated.audit_record(
        action=Action.CREATE,
        object_type="assistance.InterpreterBooking",
        object_id=booking.pk,
        detail={"occasion": booking.occasion, "language": booking.language},
    )
    return booking
