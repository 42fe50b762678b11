"""A decision as a letter for the person (R-17, issue 11), in a language chosen for them:
the case gate and audit of the decision page (legal group), and the person's languages
when the reader sees them (identity group, ``access.decide``).

Missing and hidden decisions look the same (``decision_not_found``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from haven.access import policy as access_policy
from haven.access.models import FieldGroup
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.children.models import GuardianAppointment
from haven.identification import letters
from haven.identification.models import Reconsideration, ServedTo
from haven.identification.selectors import decisions
from haven.identification.selectors.decisions import DecisionView, ReconsiderationView


@dataclass(frozen=True)
class DecisionLetter:
    """A decision as a letter for the person, or for a child's representative (R-17).
    Its labels are in the letter's language; ``language.name`` in the reader's."""

    decision: DecisionView
    language: letters.LetterLanguage
    words: letters.LetterWords
    representative: str  # the child's guardian or representative by name, when served on them
    representative_kind: str
    open_request: ReconsiderationView | None  # a request not yet answered by a new decision


def _representative(decision: DecisionView) -> GuardianAppointment | None:
    if decision.served_to != ServedTo.REPRESENTATIVE:
        return None
    return (
        GuardianAppointment.objects.filter(
            case_id=decision.case_id, appointed_on__lte=timezone.localdate()
        )
        .order_by("-appointed_on", "-recorded_at")
        .first()
    )


def _spoken(gated: case_selectors.GatedCase) -> tuple[bool, list[str]]:
    """Whether the reader sees the person's languages (identity group), and them,
    first language first ([] once the person's data is erased)."""
    identity = access_policy.decide(
        user=gated.user,
        case_id=gated.case.id,
        field_group=FieldGroup.IDENTITY,
        context=gated.context,
    )
    if not identity.allowed:
        return False, []
    person = gated.case.person
    return True, [] if gated.erased else [str(code) for code in person.languages]


def _audit(
    gated: case_selectors.GatedCase, decision_id: object, chosen: letters.LetterLanguage
) -> None:
    """The decision's read (legal group), and the identity group when the person's
    languages chose the letter's language."""
    read_identity = chosen.reason in (
        letters.Reason.FIRST_LANGUAGE,
        letters.Reason.OTHER_LANGUAGE,
        letters.Reason.NOT_OFFERED,
    )
    audit.audit_record(
        actor=audit.actor_of(gated.user),
        action=Action.READ,
        object_type="identification.IdentificationDecision",
        object_id=decision_id,
        person_id=gated.case.person_id,
        field_groups=[FieldGroup.LEGAL, *([FieldGroup.IDENTITY] if read_identity else [])],
        purpose=gated.purpose,
        detail={"letter": chosen.code},
    )


@transaction.atomic
def decision_letter(*, user: User, decision_id: object, language: str = "") -> DecisionLetter:
    """One decision as a letter, in ``language`` (a shipped code) or the language chosen
    for the person (``letters.letter_language``): the case gate and audit of
    ``decision_get``. A letter served on a child's representative names the guardian or
    representative appointed now (legal group, like the decision; R-11, R-17)."""
    gated, parsed = decisions.decision_gate(user=user, decision_id=decision_id)
    shown, spoken = (True, []) if language else _spoken(gated)
    chosen = letters.letter_language(requested=language, spoken=spoken, shown=shown)
    _audit(gated, parsed, chosen)
    with translation.override(chosen.code):
        decision = decisions.decision_view(gated, parsed)
        row = _representative(decision)
        name = (
            decisions.decrypted(gated.case, row.guardian_name_enc, "guardian.name") if row else ""
        )
        kind = row.get_kind_display() if row and name else ""
        pending = [r for r in decision.reconsiderations if r.status == Reconsideration.Status.OPEN]
        words = letters.letter_words(
            decision=decision,
            representative=name,
            representative_kind=kind,
            open_request=pending[0] if pending else None,
            today=timezone.localdate(),
        )
    return DecisionLetter(
        decision=decision,
        language=chosen,
        words=words,
        representative=name,
        representative_kind=kind,
        open_request=pending[0] if pending else None,
    )
