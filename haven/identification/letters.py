"""The decision letter's language (issue 11, R-17): the person reads the letter in a
language Haven ships, chosen for them.

By default the person's first language when Haven ships a catalogue for it, else the
first of the person's other languages that ships, else the reader's own language (and
the page says to ask an interpreter). The caseworker may choose any shipped language
instead. The person's languages are identity data: a reader who does not see the
identity group gets the letter in their own language, and the page says why.

The letter's words are put together once (``letter_words``), under
``translation.override(code)``: its sentences, the labels of choices and its dates come
out in that language, while the page around it stays in the reader's. The page, the
PDF (``haven.lib.pdf`` with ``data/letter.css``) and the API show the same words. The
decision-maker's reasons are free text: they are given as written, and the letter says
so. Pathway labels (the decision type) are data, shown as the pathway file gives them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from haven.identification import errors
from haven.identification.models import Outcome, ServedTo
from haven.lib import cldr
from haven.lib import pdf as pdf_documents

if TYPE_CHECKING:
    from haven.identification.selectors.decisions import DecisionView, ReconsiderationView

STYLE = Path(__file__).resolve().parent / "data" / "letter.css"


class Reason(StrEnum):
    """Why the letter is in its language."""

    CHOSEN = "chosen"  # the caseworker chose it (``?lang=``)
    FIRST_LANGUAGE = "first_language"  # the person's first language
    OTHER_LANGUAGE = "other_language"  # the first does not ship; another of theirs does
    NOT_OFFERED = "not_offered"  # none of the person's languages ships: the reader's
    NOT_RECORDED = "not_recorded"  # none recorded (or the data was erased): the reader's
    NOT_SHOWN = "not_shown"  # the reader does not see the identity group: the reader's


@dataclass(frozen=True)
class LetterLanguage:
    code: str  # one of settings.LANGUAGES: the language the letter's text is in
    name: str  # in the reader's language (CLDR)
    reason: Reason
    person_language: str  # the person's first language (ISO 639-1); "" when not read
    person_language_name: str  # in the reader's language
    bidi: bool  # written right to left

    @property
    def direction(self) -> str:
        """The ``dir`` attribute of the letter."""
        return "rtl" if self.bidi else "ltr"


def offered() -> list[str]:
    """The codes of the languages Haven ships (English first)."""
    return [code for code, _name in settings.LANGUAGES]


def language_choices() -> list[tuple[str, str]]:
    """Every shipped language, named in the reader's language (CLDR), by name."""
    named = [(code, cldr.language_name(code)) for code in offered()]
    return sorted(named, key=lambda pair: (cldr.sort_key(pair[1]), pair[0]))


def _reader() -> str:
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if active in offered() else settings.LANGUAGE_CODE


def _chosen(requested: str, spoken: Sequence[str], shown: bool) -> tuple[str, Reason]:
    shipped = offered()
    if requested:
        return requested, Reason.CHOSEN
    if not shown:
        return _reader(), Reason.NOT_SHOWN
    if not spoken:
        return _reader(), Reason.NOT_RECORDED
    if spoken[0] in shipped:
        return spoken[0], Reason.FIRST_LANGUAGE
    other = next((code for code in spoken[1:] if code in shipped), "")
    if other:
        return other, Reason.OTHER_LANGUAGE
    return _reader(), Reason.NOT_OFFERED


def letter_language(*, requested: str, spoken: Sequence[str], shown: bool) -> LetterLanguage:
    """The letter's language: ``requested`` (a shipped code) when given, else the first
    of ``spoken`` (the person's languages, first language first) that Haven ships, else
    the reader's. ``shown``: the reader sees the person's languages (identity group)."""
    if requested and requested not in offered():
        raise errors.LetterLanguageNotOffered(_("Choose a language from the list."), field="lang")
    code, reason = _chosen(requested, spoken if shown else [], shown)
    first = spoken[0] if shown and spoken and not requested else ""
    return LetterLanguage(
        code=code,
        name=cldr.language_name(code),
        reason=reason,
        person_language=first,
        person_language_name=cldr.language_name(first) if first else "",
        bidi=bool(translation.get_language_info(code)["bidi"]),
    )


# --- the letter's words -------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    key: str  # decided, reasons, law, reconsideration
    heading: str
    lines: list[str]
    quote: str = ""  # the decision-maker's reasons, as written
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class LetterWords:
    """Every word of the letter, in its language."""

    to: str  # the label before the addressee
    addressee: str
    facts: list[Fact]  # the case reference and the date of the letter
    title: str
    notice: str  # a child's letter goes to the representative or the authority
    sections: list[Section]


def _day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _addressee(decision: DecisionView, representative: str, kind: str) -> str:
    if decision.served_to == ServedTo.REPRESENTATIVE:
        if representative:
            return f"{representative} ({kind})"
        return _("The child's guardian or representative")
    if decision.served_to == ServedTo.LOCAL_AUTHORITY:
        return _("The local authority responsible for the child")
    return _("The person concerned")


def _decided(decision: DecisionView) -> Section:
    values = {
        "date": _day(decision.decided_on),
        "organisation": decision.organisation,
        "decision_type": decision.type_label,
    }
    if decision.outcome == Outcome.POSITIVE:
        line = _(
            "On %(date)s, %(organisation)s took a positive decision (%(decision_type)s): it "
            "found that the person is to be treated as a victim of human trafficking at this "
            "stage of the procedure."
        )
    else:
        line = _(
            "On %(date)s, %(organisation)s took a negative decision (%(decision_type)s): it "
            "did not find that the person is to be treated as a victim of human trafficking "
            "at this stage of the procedure."
        )
    facts = [
        Fact(_("Decision"), decision.type_label),
        Fact(_("Outcome"), decision.outcome_label),
        Fact(_("Decided on"), _day(decision.decided_on)),
        Fact(_("Decided by"), decision.organisation),
        Fact(_("Standard of proof"), decision.standard_of_proof or "—"),
    ]
    return Section("decided", _("What was decided"), [line % values], facts=facts)


def _reasons(decision: DecisionView) -> Section:
    if not decision.reasons:
        erased = _("The reasons were erased with the person's data and can no longer be given.")
        return Section("reasons", _("Why"), [erased])
    note = _("The reasons are given here in the words of the decision-maker, as they were written.")
    return Section("reasons", _("Why"), [note], quote=decision.reasons)


def _reconsideration(decision: DecisionView, open_request: ReconsiderationView | None) -> Section:
    heading = _("Asking for reconsideration")
    if decision.outcome == Outcome.POSITIVE:
        lines = [_("This decision is in the person's favour. Nothing needs to be done to keep it.")]
        return Section("reconsideration", heading, lines)
    if open_request is not None:
        line = _(
            "A request for reconsideration was made on %(date)s. A new decision will be taken "
            "and given in writing."
        ) % {"date": _day(open_request.requested_on)}
        return Section("reconsideration", heading, [line])
    if decision.may_request_reconsideration:
        line = _(
            "If you think this decision is wrong, you can ask for it to be reconsidered. Tell "
            "%(organisation)s, or the organisation that supports you, that you want the "
            "decision looked at again and why. You can ask in writing or in person, and you "
            "can add new information."
        ) % {"organisation": decision.organisation}
        when = [Fact(_("By when:"), _("You can ask at any time. There is no deadline."))]
        return Section("reconsideration", heading, [line], facts=when)
    replaced = _(
        "A later decision replaced this one. Ask the organisation that supports you about the "
        "decision that applies now."
    )
    return Section("reconsideration", heading, [replaced] if decision.reasons else [])


def letter_words(
    *,
    decision: DecisionView,
    representative: str,
    representative_kind: str,
    open_request: ReconsiderationView | None,
    today: date,
) -> LetterWords:
    """The letter's words in the active language (R-17): what was decided, why, on
    what legal basis, and how and by when to ask for reconsideration."""
    notice = ""
    if decision.served_to != ServedTo.PERSON:
        notice = _(
            "This decision concerns a child. Decision papers are never given to a child "
            "directly: this letter goes to the child's guardian or representative, or to the "
            "local authority, who will explain it to the child."
        )
    return LetterWords(
        to=_("To:"),
        addressee=_addressee(decision, representative, representative_kind),
        facts=[
            Fact(_("Case reference"), decision.case_reference),
            Fact(_("Date of this letter"), _day(today)),
        ],
        title=_("Decision: %(decision_type)s") % {"decision_type": decision.type_label},
        notice=notice,
        sections=[
            _decided(decision),
            _reasons(decision),
            Section("law", _("Legal basis"), [decision.legal_basis or "—"]),
            _reconsideration(decision, open_request),
        ],
    )


def pdf(html: str) -> bytes:
    """Draw the letter's print page as PDF."""
    return pdf_documents.pdf(html, stylesheet=STYLE)
