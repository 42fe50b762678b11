"""Reads of screenings: the assessment field group, decided by ``access`` and
audited in the same transaction as the read (style rules 7 and 9)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case, ExploitationForm
from haven.identification import engine, errors
from haven.identification.models import (
    Audience,
    IndicatorSet,
    ObservationSource,
    Screening,
    ScreeningObservation,
)
from haven.identification.selectors import indicator_sets as set_selectors
from haven.lib import datatext, ids
from haven.vault import services as vault


class _Counted(TypedDict):
    observation_count: int


if TYPE_CHECKING:
    # Typing only: WithAnnotations takes two arguments in the stubs, one at run time.
    from django_stubs_ext import WithAnnotations

    ScreeningRow = WithAnnotations[Screening, _Counted]

NOTE_CONTEXT = "screening.note"
# the result is decision support; never "not a victim".
OUTCOME_WORDS = {
    engine.CONSISTENT: gettext_lazy("Indicators consistent with trafficking"),
    engine.INSUFFICIENT: gettext_lazy("Insufficient indicators recorded"),
}
VICTIM_RULE_WORDS = {
    "adults": gettext_lazy(
        "Adults (R-07): a recruitment element, exploitative conditions and a destination "
        "element must all be positive."
    ),
    "legal_baseline": gettext_lazy(
        "Children, legal baseline (R-08): an act of trafficking and exploitative conditions; "
        "no means (deception, coercion) are needed for a child."
    ),
    "ilo_strict_unverified": gettext_lazy(
        "Children, ILO wording not yet verified (R-08): a positive recruitment element and "
        "exploitative conditions."
    ),
}
STRENGTH_ORDER = {strength: n for n, strength in enumerate(engine.STRENGTHS)}


def _assessment_case(*, user: User, case_id: object) -> case_selectors.GatedCase:
    return case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.ASSESSMENT, purpose=Purpose.IDENTIFICATION
    )


def outcome_words(outcome: str) -> str:
    return str(OUTCOME_WORDS.get(outcome, outcome))


# The forms of exploitation that have an indicator set of their own; other
# forms use the labour set as their base.
SET_FOR_FORM: dict[str, str] = {
    ExploitationForm.SEXUAL: "sexual",
    ExploitationForm.LABOUR: "labour",
}
SET_NAMES = {
    "sexual": gettext_lazy("the sexual exploitation set"),
    "labour": gettext_lazy("the labour exploitation set"),
}


def sets_not_used(*, exploitation: str, forms: Iterable[str]) -> list[str]:
    """The sets of the case's forms of exploitation that this screening did not use."""
    return sorted({SET_FOR_FORM[f] for f in forms if f in SET_FOR_FORM} - {exploitation})


def result_words(screening: Screening, case: Case) -> str:
    """The result in R-09's words. "Insufficient" is never said of a form whose own
    set was not used: the words name the set that is missing instead (R-05)."""
    missing = sets_not_used(
        exploitation=screening.indicator_set.exploitation, forms=case.forms_of_exploitation
    )
    if screening.outcome != engine.INSUFFICIENT or not missing:
        return outcome_words(screening.outcome)
    return _(
        "Insufficient indicators recorded with this set, which does not cover every form of "
        "exploitation on the case: screen again with %(sets)s."
    ) % {"sets": _(" and ").join(str(SET_NAMES[key]) for key in missing)}


def forms_by_set(forms: Iterable[str]) -> dict[str, list[str]]:
    """The sets a case's forms of exploitation call for (R-05), each with the forms it
    covers: sexual exploitation has its own set; every other form uses the labour set
    as its base. A case with no form recorded yet is screened with the labour set."""
    by_set: dict[str, list[str]] = {}
    for form in sorted(set(forms)):
        by_set.setdefault(SET_FOR_FORM.get(form, "labour"), []).append(form)
    return {key: by_set[key] for key in sorted(by_set)} or {"labour": []}


@dataclass(frozen=True)
class FormScreening:
    """One form of exploitation (or the forms sharing a set) on a case with several:
    its set, whether it was screened with it, and the latest result (R-05)."""

    exploitation: str  # the set's exploitation: labour or sexual
    set_name: str
    forms: list[str]
    form_labels: list[str]
    set_key: str  # the set to start the screening with; empty when none has indicators
    latest: Screening | None  # the latest screening with this form's own set
    outcome: str  # the latest result; empty when not screened yet
    result_words: str

    @property
    def screened(self) -> bool:
        return self.latest is not None


def _form_set_key(exploitation: str, case: Case, sets: list[set_selectors.CountedSet]) -> str:
    audience = Audience.CHILDREN if case.person.treat_as_child else Audience.ADULTS
    matching = [s for s in sets if s.indicator_count and s.exploitation == exploitation]
    preferred = [s for s in matching if s.key == f"{audience}_{exploitation}"]
    chosen = (preferred or matching)[:1]
    return chosen[0].key if chosen else ""


def screenings_by_form(
    *,
    case: Case,
    screenings: Iterable[Screening],
    sets: list[set_selectors.CountedSet] | None = None,
) -> list[FormScreening]:
    """One screening per form of exploitation (R-05): for each set the case's forms call
    for, the latest screening with that set and its result. A form whose own set was
    not used is "not screened yet", never "insufficient". ``screenings`` newest first,
    with their sets; the caller passed the case gate for them."""
    candidates = screening_sets_for(case=case) if sets is None else sets
    rows = list(screenings)
    result = []
    for exploitation, forms in forms_by_set(case.forms_of_exploitation).items():
        latest = next((s for s in rows if s.indicator_set.exploitation == exploitation), None)
        result.append(
            FormScreening(
                exploitation=exploitation,
                set_name=str(SET_NAMES.get(exploitation, exploitation)),
                forms=forms,
                form_labels=[str(ExploitationForm(f).label) for f in forms],
                set_key=_form_set_key(exploitation, case, candidates),
                latest=latest,
                outcome=latest.outcome if latest is not None else "",
                result_words=outcome_words(latest.outcome)
                if latest is not None
                else _("Not screened yet with %(set)s.")
                % {"set": SET_NAMES.get(exploitation, exploitation)},
            )
        )
    return result


def several_forms(case: Case) -> bool:
    """The case's forms of exploitation call for more than one set (R-05)."""
    return len(forms_by_set(case.forms_of_exploitation)) > 1


@transaction.atomic
def screening_forms(*, user: User, case_id: object) -> list[FormScreening]:
    """The case's screenings per form of exploitation (R-05), for a user who may see
    its assessments; the read is audited (by ``screening_list``)."""
    listing = screening_list(user=user, case_id=case_id)
    return screenings_by_form(case=listing.case, screenings=listing.screenings)


def screening_missing_set(*, case: Case, sets: list[set_selectors.CountedSet]) -> str:
    """The set of the first form of exploitation not screened yet with its own set, on a
    case with several (R-05); empty when none is missing. A plain read for a caller
    that passed the case gate."""
    if not several_forms(case):
        return ""
    screened = set(
        Screening.objects.filter(case=case).values_list("indicator_set__exploitation", flat=True)
    )
    missing = [
        f.set_key
        for f in screenings_by_form(case=case, screenings=[], sets=sets)
        if f.exploitation not in screened and f.set_key
    ]
    return missing[0] if missing else ""


def victim_rule_words(rule: str) -> str:
    return str(VICTIM_RULE_WORDS.get(rule, rule))


# --- the list -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseScreenings:
    case: Case
    screenings: list[ScreeningRow]
    may_screen: bool  # a new screening would pass the same gate


@audit.audited_read()
def screening_list(*, user: User, case_id: object) -> CaseScreenings:
    """A case's screenings, newest first, for a user who may see its assessments;
    the read is audited. Each row carries its set version and ``observation_count``."""
    gated = _assessment_case(user=user, case_id=case_id)
    case = gated.case
    screenings: list[ScreeningRow] = list(
        Screening.objects.filter(case=case)
        .select_related("indicator_set", "screened_by", "organisation")
        .annotate(observation_count=Count("observations"))
        .order_by("-screened_at")
    )
    gated.audit_record()
    return CaseScreenings(case=case, screenings=screenings, may_screen=gated.writable)


# --- one screening --------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationView:
    code: str
    element: str
    label: datatext.DataText  # in the reader's language where translated
    strength: str
    strength_label: str
    source: str
    source_label: str
    note: str


@dataclass(frozen=True)
class ElementView:
    """One element as evaluated: counts, positive or not, why, and what was observed."""

    code: str
    name: datatext.DataText
    strong: int
    medium: int
    weak: int
    positive: bool
    why: str
    observations: list[ObservationView]


@dataclass(frozen=True)
class ScreeningView:
    screening: Screening
    case: Case
    indicator_set: IndicatorSet
    elements: list[ElementView]
    outcome: str
    consistent: bool
    explanation: list[str]  # as stored with the result (the engine's words, in English)
    provisional: bool
    source: set_selectors.SourceView
    erased: bool

    @property
    def review_task_opened(self) -> bool:
        """R-09: an insufficient result opened a review task when it was recorded."""
        return not self.consistent


@audit.audited_read()
def screening_get(*, user: User, screening_id: object) -> ScreeningView:
    """One screening with its observations (notes decrypted) grouped per element, the
    stored result and why, and the set's provisional flag and source. Missing and
    hidden screenings give the same 404; the read is audited."""
    not_found = errors.ScreeningNotFound(_("No screening with this reference is available to you."))
    parsed = ids.parse_uuid(screening_id)
    observations = ScreeningObservation.objects.select_related("indicator")
    screening = (
        Screening.objects.select_related("indicator_set", "screened_by", "organisation")
        .prefetch_related(Prefetch("observations", queryset=observations))
        .filter(pk=parsed)
        .first()
        if parsed
        else None
    )
    if screening is None:
        raise not_found
    try:
        gated = _assessment_case(user=user, case_id=screening.case_id)
    except case_errors.CaseNotFound:
        raise not_found from None
    view = _view(screening, gated.case)
    gated.audit_record(object_type="identification.Screening", object_id=screening.id)
    return view


@audit.audited_read()
def screening_views(*, user: User, listing: CaseScreenings) -> dict[uuid.UUID, ScreeningView]:
    """Every screening of ``listing`` as ``screening_get`` shows it, by id: the same
    gate, and each screening's read audited as there, with the observations of
    them all read in one query (a case's page or report, whatever its screenings)."""
    gated = _assessment_case(user=user, case_id=listing.case.id)
    observations = ScreeningObservation.objects.select_related("indicator")
    prefetch_related_objects(listing.screenings, Prefetch("observations", queryset=observations))
    views = {}
    for screening in listing.screenings:
        views[screening.id] = _view(screening, gated.case)
        gated.audit_record(object_type="identification.Screening", object_id=screening.id)
    return views


def _view(screening: Screening, case: Case) -> ScreeningView:
    indicator_set = screening.indicator_set
    erased = case.person.erased_at is not None
    observed = [
        _observation(o, indicator_set, case=case, erased=erased)
        for o in screening.observations.all()
    ]
    observed.sort(key=lambda o: (STRENGTH_ORDER.get(o.strength, 9), o.code))
    result: Mapping[str, Any] = screening.result
    # The set's own element order: PostgreSQL's jsonb does not keep the keys' order.
    by_code: Mapping[str, Any] = result["elements"]
    order = [code for code in indicator_set.elements if code in by_code]
    order += sorted(set(by_code) - set(order))
    elements = [
        _element(code, by_code[code], indicator_set, [o for o in observed if o.element == code])
        for code in order
    ]
    return ScreeningView(
        screening=screening,
        case=case,
        indicator_set=indicator_set,
        elements=elements,
        outcome=screening.outcome,
        consistent=screening.outcome == engine.CONSISTENT,
        explanation=list(result.get("explanation", [])),
        provisional=bool(result.get("provisional", indicator_set.provisional)),
        source=set_selectors.source_view(indicator_set.source),
        erased=erased,
    )


def _observation(
    row: ScreeningObservation, indicator_set: IndicatorSet, *, case: Case, erased: bool
) -> ObservationView:
    indicator = row.indicator
    note = (
        ""
        if erased
        else vault.decrypt_optional(
            key=case.person.data_key, ciphertext=row.note_enc, context=NOTE_CONTEXT
        )
    )
    return ObservationView(
        code=indicator.code,
        element=indicator.element,
        label=set_selectors.set_text(indicator_set, indicator.label),
        strength=indicator.strength,
        strength_label=set_selectors.strength_label(indicator.strength),
        source=row.source,
        source_label=str(ObservationSource(row.source).label)
        if row.source in ObservationSource.values
        else row.source,
        note=note,
    )


COMBO_WORDS = {
    "strong": lambda n: _("%(n)d strong") % {"n": n},
    "medium": lambda n: _("%(n)d medium") % {"n": n},
    "weak": lambda n: _("%(n)d weak") % {"n": n},
    "medium_or_weak": lambda n: _("%(n)d medium or weak") % {"n": n},
}


def _element(
    code: str,
    counts: Mapping[str, Any],
    indicator_set: IndicatorSet,
    observed: list[ObservationView],
) -> ElementView:
    strong, medium, weak = int(counts["strong"]), int(counts["medium"]), int(counts["weak"])
    positive = bool(counts["positive"])
    return ElementView(
        code=code,
        name=set_selectors.element_name(code, indicator_set),
        strong=strong,
        medium=medium,
        weak=weak,
        positive=positive,
        why=_why(indicator_set, strong, medium, weak, positive=positive),
        observations=list(observed),
    )


def _why(
    indicator_set: IndicatorSet, strong: int, medium: int, weak: int, *, positive: bool
) -> str:
    """R-06 in words: which minimum combination was met, or why none was."""
    combo = engine.element_positive(indicator_set.element_rule, strong, medium, weak)
    if positive and combo is not None:
        met = " + ".join(
            COMBO_WORDS[key](n) for key, n in combo.items() if n and key in COMBO_WORDS
        )
        return _("Positive: the recorded indicators meet the minimum combination %(combo)s.") % {
            "combo": met
        }
    if strong == 1 and not medium + weak:
        return _(
            "Not positive: no minimum combination is met. One strong indicator alone is not enough."
        )
    if strong + medium + weak:
        recorded = " + ".join(
            COMBO_WORDS[key](n)
            for key, n in (("strong", strong), ("medium", medium), ("weak", weak))
            if n
        )
        return _("Not positive: no minimum combination is met (recorded: %(recorded)s).") % {
            "recorded": recorded
        }
    return _("Not positive: no indicator of this element was recorded.")


# --- which set to use -----------------------------------------------------------------


def screening_sets_for(*, case: Case) -> list[set_selectors.CountedSet]:
    """The latest sets a person may be screened with: child sets for a person treated
    as a child, adult sets otherwise (R-10). Each carries ``indicator_count``."""
    audience = Audience.CHILDREN if case.person.treat_as_child else Audience.ADULTS
    return list(set_selectors.indicator_set_list_latest().filter(audience=audience))


def screening_suggested_set(
    *, case: Case, sets: list[set_selectors.CountedSet] | None = None
) -> set_selectors.CountedSet | None:
    """The set to start with (R-05, R-10): children's or adults' by the presumption of
    minority; sexual exploitation's when that is among the case's forms, otherwise
    labour's (also the base for other forms); labour's while the sexual set has no
    indicators yet."""
    candidates = screening_sets_for(case=case) if sets is None else sets
    usable = [s for s in candidates if s.indicator_count]
    sexual = ExploitationForm.SEXUAL in case.forms_of_exploitation
    audience = Audience.CHILDREN if case.person.treat_as_child else Audience.ADULTS
    for exploitation in ("sexual", "labour") if sexual else ("labour",):
        matching = [s for s in usable if s.exploitation == exploitation]
        preferred = [s for s in matching if s.key == f"{audience}_{exploitation}"]
        if preferred or matching:
            return (preferred or matching)[0]
    return usable[0] if usable else None
