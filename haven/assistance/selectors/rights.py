"""Reads of the rights leaflet, the information given and interpretation (R-24):
the services field group through the case gate, audited. The leaflet reads the
reflection period's end date only where the reader sees the legal group (its own
audited read); otherwise it gives the general words. It never reads the person's
name or location: it names the case by its reference, safe to say aloud, and the
contact person by the caseworker's first name and the case lead's organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance import rights
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
from haven.assistance.selectors import reflection as reflection_selectors
from haven.assistance.services import rights as rights_services
from haven.audit import services as audit
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.lib import cldr
from haven.lib.errors import InvalidInput
from haven.vault import services as vault

# How far ahead the case page warns of an interview or decision without an interpreter.
WARNING_DAYS = 7


def _gate(*, user: User, case_id: object) -> case_selectors.GatedCase:
    return case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.SERVICES, purpose=Purpose.ASSISTANCE
    )


# --- the leaflet ----------------------------------------------------------------------


@dataclass(frozen=True)
class LeafletView:
    case: Case
    leaflet: rights.Leaflet
    languages: list[tuple[str, str]]  # (code, the language's own name)
    period_shown: bool  # False: the reader does not see the legal group, general words
    writable: bool


def _leaflet_language(requested: str, need: InterpretationNeed | None) -> str:
    """The caseworker's choice, else the first of the person's recorded interpretation
    languages that the leaflet is written in, else English."""
    if requested:
        if requested not in rights.LANGUAGES:
            raise InvalidInput(
                _("Choose a language from the list."),
                code=ErrorCode.LANGUAGE_INVALID,
                field="lang",
            )
        return requested
    spoken = list(need.languages) if need is not None else []
    return next((c for c in spoken if c in rights.LANGUAGES), rights.SOURCE)


def _leaflet_version(requested: str, case: Case) -> str:
    """The caseworker's choice, else the child-friendly words for a case treated as a
    child (R-10, R-26), else the standard ones."""
    if requested:
        if requested not in rights.VERSIONS:
            raise InvalidInput(
                _("Choose one of the options."), code=ErrorCode.INVALID_CHOICE, field="version"
            )
        return requested
    return RightsVersion.CHILD if case.person.treat_as_child else RightsVersion.STANDARD


def _period_end(*, user: User, case: Case) -> tuple[bool, date | None]:
    """Whether the reader sees the period, and its end while it runs."""
    summary = reflection_selectors.reflection_period_summary(user=user, case_id=case.id)
    if summary is None:
        return False, None
    return True, summary.ends_on if summary.state == "running" else None


def latest_need(case_id: uuid.UUID) -> InterpretationNeed | None:
    """The current interpretation need: the latest recorded. A plain read for callers
    that already passed the case gate for the services group."""
    return (
        InterpretationNeed.objects.filter(case_id=case_id).order_by("-recorded_at", "-id").first()
    )


@transaction.atomic
def leaflet_get(
    *, user: User, case_id: object, language: str = "", version: str = ""
) -> LeafletView:
    """The rights leaflet of the case (R-24, CETS Art. 15(1)) in ``language`` and
    ``version``: the period's end, the contact person, the rights to assistance
    (never conditional on cooperation, R-18), legal aid (R-35), compensation (R-36),
    a residence permit, international protection, return (R-31) and complaints."""
    gated = _gate(user=user, case_id=case_id)
    case = gated.case
    chosen_language = _leaflet_language(language, latest_need(case.id))
    chosen_version = _leaflet_version(version, case)
    shown, ends_on = _period_end(user=user, case=case)
    lead = gated.context.lead
    organisation = lead.organisation if lead is not None else user.organisation
    leaflet = rights.leaflet(
        language=chosen_language,
        version=chosen_version,
        ends_on=ends_on,
        contact_name=user.first_name or user.get_username(),
        organisation=organisation.name if organisation is not None else "",
        reference=case.reference,
        today=timezone.localdate(),
    )
    gated.audit_record(
        object_type="assistance.RightsLeaflet",
        detail={"leaflet": chosen_language, "version": chosen_version},
    )
    return LeafletView(
        case=case,
        leaflet=leaflet,
        languages=[(code, rights.language_name(code)) for code in rights.LANGUAGES],
        period_shown=shown,
        writable=gated.writable,
    )


# --- information given and interpretation ---------------------------------------------


@dataclass(frozen=True)
class RecordView:
    id: int
    given_at: datetime
    language: str
    language_name: str
    form: str
    form_label: str
    version_label: str
    items: list[str]  # RightsItem values
    item_labels: list[str]
    given_by: str
    interpreter_organisation: str
    interpreter_name: str  # empty once the person's data is erased


@dataclass(frozen=True)
class NeedView:
    needed: bool
    languages: list[str]
    language_names: str
    interpreter_sex: str
    interpreter_sex_label: str
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class BookingView:
    id: int
    occasion: str
    occasion_label: str
    planned_on: date
    language: str
    language_name: str
    interpreter_organisation: str
    interpreter_name: str  # empty once the person's data is erased
    interpreter_sex: str
    interpreter_sex_label: str

    @property
    def has_interpreter(self) -> bool:
        return bool(self.interpreter_organisation or self.interpreter_name)


@dataclass(frozen=True)
class RightsView:
    case: Case
    records: list[RecordView]
    need: NeedView | None
    need_history: list[NeedView]
    bookings: list[BookingView]
    warnings: list[BookingView]  # planned soon, no interpreter, for a person who needs one
    writable: bool
    erased: bool


def _decrypted(
    case: Case, ciphertext: bytes | memoryview | None, context: str, erased: bool
) -> str:
    if erased:
        return ""
    return vault.decrypt_optional(key=case.person.data_key, ciphertext=ciphertext, context=context)


def _label(choices: type[RightsForm | RightsVersion | InterpreterSex], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def record_view(record: RightsInformation, case: Case, erased: bool) -> RecordView:
    return RecordView(
        id=record.pk,
        given_at=record.given_at,
        language=record.language,
        language_name=cldr.language_name(record.language),
        form=record.form,
        form_label=_label(RightsForm, record.form),
        version_label=_label(RightsVersion, record.version),
        items=list(record.items),
        item_labels=[str(RightsItem(i).label) for i in record.items if i in RightsItem.values],
        given_by=record.given_by.get_username(),
        interpreter_organisation=record.interpreter_organisation,
        interpreter_name=_decrypted(
            case,
            record.interpreter_name_enc,
            rights_services.INTERPRETER_CONTEXT,
            erased,
        ),
    )


def need_view(need: InterpretationNeed) -> NeedView:
    return NeedView(
        needed=need.needed,
        languages=list(need.languages),
        language_names=cldr.language_names(need.languages),
        interpreter_sex=need.interpreter_sex,
        interpreter_sex_label=_label(InterpreterSex, need.interpreter_sex),
        recorded_at=need.recorded_at,
        recorded_by=need.recorded_by.get_username(),
    )


def booking_view(booking: InterpreterBooking, case: Case, erased: bool) -> BookingView:
    return BookingView(
        id=booking.pk,
        occasion=booking.occasion,
        occasion_label=booking.get_occasion_display(),
        planned_on=booking.planned_on,
        language=booking.language,
        language_name=cldr.language_name(booking.language),
        interpreter_organisation=booking.interpreter_organisation,
        interpreter_name=_decrypted(
            case, booking.interpreter_name_enc, rights_services.BOOKING_INTERPRETER_CONTEXT, erased
        ),
        interpreter_sex=booking.interpreter_sex,
        interpreter_sex_label=_label(InterpreterSex, booking.interpreter_sex),
    )


def missing_interpreters(
    need: NeedView | None, bookings: list[BookingView], today: date
) -> list[BookingView]:
    """The interviews and decisions planned from today to WARNING_DAYS ahead without an
    interpreter, while the person needs one (R-24: in a language they understand)."""
    if need is None or not need.needed:
        return []
    last = today + timedelta(days=WARNING_DAYS)
    return [b for b in bookings if today <= b.planned_on <= last and not b.has_interpreter]


@audit.audited_read()
def rights_get(*, user: User, case_id: object) -> RightsView:
    """The record of information given to the person (R-24), their interpretation
    need with its history, and the interpreters planned. The read is audited."""
    gated = _gate(user=user, case_id=case_id)
    case, erased = gated.case, gated.erased
    records = [
        record_view(r, case, erased)
        for r in RightsInformation.objects.filter(case=case).select_related("given_by")
    ]
    needs = [
        need_view(n)
        for n in InterpretationNeed.objects.filter(case=case).select_related("recorded_by")
    ]
    bookings = [booking_view(b, case, erased) for b in InterpreterBooking.objects.filter(case=case)]
    need = needs[0] if needs else None
    gated.audit_record(object_type="assistance.RightsInformation")
    return RightsView(
        case=case,
        records=records,
        need=need,
        need_history=needs,
        bookings=bookings,
        warnings=missing_interpreters(need, bookings, timezone.localdate()),
        writable=gated.writable,
        erased=erased,
    )


# --- the case page --------------------------------------------------------------------


@dataclass(frozen=True)
class CasePageRights:
    case_id: uuid.UUID
    need: NeedView | None
    warnings: list[BookingView]
    last_given: RecordView | None


def case_page_rights(
    *, case_view: case_selectors.CaseView, held: bool = True
) -> CasePageRights | None:
    """The panel for a case page that ``case_read`` already decided and audited: None
    unless the services group was shown there; no query when the case holds no rows."""
    if case_view.group(FieldGroup.SERVICES).data is None:
        return None
    case = case_view.case
    if not held:
        return CasePageRights(case.id, None, [], None)
    found = latest_need(case.id)
    need = need_view(found) if found is not None else None
    today = timezone.localdate()
    soon = InterpreterBooking.objects.filter(
        case_id=case.id, planned_on__gte=today, planned_on__lte=today + timedelta(days=WARNING_DAYS)
    )
    erased = case.person.erased_at is not None
    bookings = [booking_view(b, case, erased) for b in soon]
    last = RightsInformation.objects.filter(case_id=case.id).select_related("given_by").first()
    return CasePageRights(
        case_id=case.id,
        need=need,
        warnings=missing_interpreters(need, bookings, today),
        last_given=record_view(last, case, erased) if last is not None else None,
    )
