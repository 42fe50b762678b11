"""Identification decisions and reconsiderations under the national pathway.

One transaction each, audited inside it (style rules 6, 9). The rules:

- R-17: decision types, who may take them, their order and minimum gaps come from
  the national pathway (``haven.identification.pathways``); every decision carries
  reasons that can be given to the person; a decision can be reconsidered on request.
- R-10, R-17: decision papers about a child go to the child's representative or
  the local authority, never to the child directly.
- R-03, R-15: a positive decision that starts the reflection period makes the
  person a presumed victim, marks removal protection and assistance eligibility,
  and starts the period, all in the same transaction.
- R-04: no screening result is ever needed for a decision; nothing here reads one.
- R-18: nothing here reads cooperation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, OrgType, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus, transition_allowed
from haven.deadlines import services as deadline_services
from haven.identification import clocks as identification_clocks
from haven.identification import errors, hooks, pathways
from haven.identification.models import IdentificationDecision, Outcome, Reconsideration, ServedTo
from haven.identification.selectors import rounds
from haven.lib import ids
from haven.lib.errors import HavenError, InvalidInput
from haven.vault import services as vault

LEGAL_BASIS_MAX = 200  # as IdentificationDecision.legal_basis
CHILD_RECIPIENTS = (ServedTo.REPRESENTATIVE, ServedTo.LOCAL_AUTHORITY)


def decision_order_check(
    *,
    decision_type: pathways.DecisionType,
    history: Sequence[IdentificationDecision],
    day: date | None,
    labels: dict[str, str],
) -> HavenError | None:
    """R-17, as a pure rule over the earlier decisions of the pathway's current round
    (oldest first; ``rounds.current_round``): the error that a decision of
    ``decision_type`` on ``day`` would meet, or None. With ``day`` None, only what
    does not depend on the date is checked."""
    same = [d for d in history if d.decision_type == decision_type.key]
    if same and same[-1].outcome == Outcome.POSITIVE:
        return errors.DecisionAlreadyRecorded(
            _(
                "A positive %(type)s is already recorded; "
                "the next decision of the pathway follows it."
            )
            % {"type": labels.get(decision_type.key, decision_type.key)},
            field="decision_type",
        )
    if same and day is not None and day < same[-1].decided_on:
        return errors.DecisionDateInvalid(
            _("The date cannot be before the earlier decision of this type."), field="decided_on"
        )
    if decision_type.after is None:
        return None
    before = [d for d in history if d.decision_type == decision_type.after]
    if not before or before[-1].outcome != Outcome.POSITIVE:
        return errors.PreviousDecisionRequired(
            _("This decision needs a positive %(type)s first.")
            % {"type": labels.get(decision_type.after, decision_type.after)},
            field="decision_type",
        )
    # the gap runs from the later of the typed date and the day the earlier
    # decision was recorded, so a backdated decision does not shorten it in real time.
    earliest = decision_type.earliest_on(before[-1].effective_on)
    if day is not None and day < earliest:
        return errors.MinimumGapNotReached(
            _(
                "This decision can be taken on %(date)s at the earliest (%(days)d days after the "
                "decision it follows)."
            )
            % {"date": formats.date_format(earliest), "days": decision_type.min_gap_days},
            earliest=earliest,
        )
    return None


def decision_status_check(
    *, decision_type: pathways.DecisionType, current: str, outcome: str | None = None
) -> HavenError | None:
    """R-01: the error a decision would meet because the status table does not allow
    the status it leads to from ``current`` (for either outcome when None), or None.
    A person who withdrew comes back through a reopening of the pathway first."""
    outcomes = [outcome] if outcome is not None else list(Outcome.values)
    if any(
        decision_type.status_for(o) == current
        or transition_allowed(current, decision_type.status_for(o))
        for o in outcomes
    ):
        return None
    return case_errors.TransitionNotAllowed(
        _(
            "This decision cannot be taken while the status is %(status)s. If the person "
            "comes back, reopen the pathway first: change the status back to potential victim."
        )
        % {"status": IdentificationStatus(current).label},
        field="decision_type",
    )


def _labels(pathway: pathways.Pathway) -> dict[str, str]:
    return {key: str(d.shown_label()) for key, d in pathway.decision_types.items()}


def _decision_type(pathway: pathways.Pathway, key: str) -> pathways.DecisionType:
    decision_type = pathway.decision_types.get(key)
    if decision_type is None:
        raise errors.DecisionTypeUnknown(
            _("The national pathway has no decision of this type."), field="decision_type"
        )
    return decision_type


def _require_org_type(actor: User, decision_type: pathways.DecisionType) -> Organisation:
    organisation = actor.organisation
    assert organisation is not None  # noqa: S101 - case_get admits only users of an organisation
    if organisation.org_type not in decision_type.deciding_org_types:
        names = sorted(str(OrgType(t).label) for t in decision_type.deciding_org_types)
        raise errors.DecisionOrgTypeNotAllowed(
            _("This decision is taken by: %(who)s.") % {"who": ", ".join(names)},
            field="decision_type",
        )
    return organisation


def _date(value: date | None, *, field: str) -> date:
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise errors.DecisionDateInvalid(_("The date cannot be in the future."), field=field)
    return day


def _not_before_opening(case: Case, day: date, *, field: str) -> None:
    """R-17: nothing is decided about a case before it was opened."""
    opened_on = timezone.localdate(case.opened_at)
    if day < opened_on:
        raise errors.DecisionBeforeCaseOpened(
            _("The date cannot be before the case was opened (%(date)s).")
            % {"date": formats.date_format(opened_on)},
            field=field,
        )


def _not_before_reopening(reopened: Sequence[rounds.Reopening], day: date) -> None:
    """R-01, R-17: a decision of the current round is not dated before it began."""
    if reopened and day < reopened[-1].decided_on:
        raise errors.DecisionDateInvalid(
            _("The date cannot be before the pathway was reopened (%(date)s).")
            % {"date": formats.date_format(reopened[-1].decided_on)},
            field="decided_on",
        )


def _reasons(reasons: str, decision_type: pathways.DecisionType, outcome: str) -> str:
    text = reasons.strip()
    # The template as the file writes it, and as the form offered it to this reader.
    templates = {
        decision_type.reason_templates.get(outcome, "").strip(),
        decision_type.reason_template(outcome).strip(),
    }
    if not text or text in templates:
        raise errors.ReasonsRequired(
            _("Write the reasons for this decision; they can be given to the person."),
            field="reasons",
        )
    return text


def _served_to(case: Case, served_to: str | None) -> str:
    """R-10, R-17: a child's papers go to the representative or the local authority."""
    if case.person.treat_as_child:
        chosen = served_to or ServedTo.REPRESENTATIVE
        if chosen not in CHILD_RECIPIENTS:
            raise errors.ServedToInvalid(
                _(
                    "Decisions about a child are served on the child's guardian or representative "
                    "or on the local authority, never on the child directly."
                ),
                field="served_to",
            )
        return chosen
    chosen = served_to or ServedTo.PERSON
    if chosen not in ServedTo.values:
        raise errors.ServedToInvalid(
            _("Choose who receives the decision from the list."),
            code=errors.ErrorCode.SERVED_TO_INVALID,
            field="served_to",
        )
    return chosen


def _check_input(outcome: str, legal_basis: str) -> None:
    if outcome not in Outcome.values:
        raise InvalidInput(
            _("Choose positive or negative."),
            code=errors.ErrorCode.OUTCOME_INVALID,
            field="outcome",
        )
    if not legal_basis.strip():
        raise errors.LegalBasisRequired(
            _("Give the legal basis the decision rests on."), field="legal_basis"
        )
    if len(legal_basis.strip()) > LEGAL_BASIS_MAX:
        raise InvalidInput(
            _("Keep the legal basis to %(max)d characters.") % {"max": LEGAL_BASIS_MAX},
            field="legal_basis",
        )


def _lead_organisation(case: Case) -> Organisation:
    lead = next(m for m in access_policy.team_of(case_id=case.id) if m.is_lead)
    return lead.organisation


def _assignee(
    actor_org: Organisation, case: Case, decision_type: pathways.DecisionType
) -> Organisation:
    """The actor's organisation when it may take the decision, else the case lead."""
    if actor_org.org_type in decision_type.deciding_org_types:
        return actor_org
    return _lead_organisation(case)


@transaction.atomic
def decision_record(
    *,
    actor: User,
    case_id: object,
    decision_type: str,
    outcome: str,
    reasons: str,
    decided_on: date | None = None,
    legal_basis: str,
    served_to: str | None = None,
) -> IdentificationDecision:
    """Record a decision of the national pathway (R-17) and everything it sets off,
    in one transaction: the status change (R-01), protection and the reflection
    period for a positive reasonable-grounds decision (R-03, R-15), the deadlines.
    Never conditional on a screening result (R-04) or on cooperation (R-18)."""
    case = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.LEGAL,
        purpose=Purpose.IDENTIFICATION,
        write=True,
    ).case
    pathway = pathways.pathway_for(case.country)
    kind = _decision_type(pathway, decision_type)
    organisation = _require_org_type(actor, kind)
    _check_input(outcome, legal_basis)
    day = _date(decided_on, field="decided_on")
    _not_before_opening(case, day, field="decided_on")
    reopened = rounds.reopenings(case.id)
    _not_before_reopening(reopened, day)
    history = rounds.current_round(
        list(case.decisions.order_by("decided_on", "recorded_at")), reopened
    )
    problem = decision_order_check(
        decision_type=kind, history=history, day=day, labels=_labels(pathway)
    )
    if problem is None:
        problem = decision_status_check(
            decision_type=kind, current=case.identification_status, outcome=outcome
        )
    if problem is not None:
        raise problem
    text = _reasons(reasons, kind, outcome)
    recipient = _served_to(case, served_to)
    decision = _store(
        actor=actor,
        organisation=organisation,
        case=case,
        kind=kind,
        outcome=outcome,
        text=text,
        day=day,
        legal_basis=legal_basis.strip(),
        served_to=recipient,
    )
    Reconsideration.objects.filter(
        decision__case=case, decision__decision_type=kind.key, status=Reconsideration.Status.OPEN
    ).update(status=Reconsideration.Status.DECIDED, new_decision=decision)
    _follow_up(actor=actor, case=case, pathway=pathway, kind=kind, decision=decision)
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="identification.IdentificationDecision",
        object_id=decision.id,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.IDENTIFICATION,
        detail={"decision_type": kind.key, "outcome": outcome},
    )
    return decision


def _store(
    *,
    actor: User,
    organisation: Organisation,
    case: Case,
    kind: pathways.DecisionType,
    outcome: str,
    text: str,
    day: date,
    legal_basis: str,
    served_to: str,
) -> IdentificationDecision:
    """The status change (skipped when the case already has the status the decision
    leads to, e.g. a negative decision upheld on reconsideration), then the decision."""
    target = kind.status_for(outcome)
    transition = None
    if case.identification_status != target:
        transition = case_services.case_transition(
            actor=actor,
            case_id=case.id,
            to_status=target,
            reasons=text,
            decided_on=day,
            legal_basis=legal_basis,
            pathway_decision=True,
        )
    now = timezone.now()
    decision = IdentificationDecision(
        case=case,
        decision_type=kind.key,
        country=case.country,
        outcome=outcome,
        decided_on=day,
        recorded_at=now,
        backdated=day < timezone.localdate(now),
        decided_by=actor,
        organisation=organisation,
        standard_of_proof=kind.standard_of_proof[:200],
        legal_basis=legal_basis,
        reasons_enc=vault.encrypt(
            key=case.person.data_key, plaintext=text, context="decision.reasons"
        ),
        served_to=served_to,
        transition=transition,
    )
    # The pathway file is validated when loaded; a blank standard of proof is its choice.
    decision.full_clean(
        exclude=["case", "decided_by", "organisation", "transition", "standard_of_proof"]
    )
    decision.save()
    return decision


def _follow_up(
    *,
    actor: User,
    case: Case,
    pathway: pathways.Pathway,
    kind: pathways.DecisionType,
    decision: IdentificationDecision,
) -> None:
    """Deadlines and the reflection period that follow a decision (R-03, R-15, R-17)."""
    deadline_services.tasks_close(
        case_id=case.id, kind=identification_clocks.DECISION_DUE, by=actor, decision_type=kind.key
    )
    if decision.outcome != Outcome.POSITIVE:
        return
    assert actor.organisation is not None  # noqa: S101 - checked by _require_org_type
    for following in pathway.following(kind.key):
        deadline_services.task_open(
            case_id=case.id,
            kind=identification_clocks.DECISION_DUE,
            due_on=following.due_on(decision.effective_on),
            organisation=_assignee(actor.organisation, case, following),
            reminder_days_before=pathway.reminder_days_before,
            detail={"decision_type": following.key},
        )
    # What follows in other apps: assistance starts the reflection period.
    hooks.decision_recorded(
        hooks.DecisionRecorded(
            actor=actor, case=case, pathway=pathway, kind=kind, decision=decision
        )
    )


def _decision_locked(*, actor: User, decision_id: object) -> IdentificationDecision:
    """The decision if the actor may see its case; the same 404 for missing and hidden."""
    not_found = errors.DecisionNotFound(_("No decision with this reference is available to you."))
    parsed = ids.parse_uuid(decision_id)
    if parsed is None:
        raise not_found
    case_id = (
        IdentificationDecision.objects.filter(pk=parsed).values_list("case_id", flat=True).first()
    )
    if case_id is None:
        raise not_found
    try:
        case = case_selectors.case_for(
            user=actor,
            case_id=case_id,
            group=FieldGroup.LEGAL,
            purpose=Purpose.IDENTIFICATION,
            write=True,
        ).case
    except case_errors.CaseNotFound:
        raise not_found from None
    decision = IdentificationDecision.objects.select_for_update().get(pk=parsed)
    decision.case = case
    return decision


@transaction.atomic
def reconsideration_request(
    *, actor: User, decision_id: object, grounds: str, requested_on: date | None = None
) -> Reconsideration:
    """Record a request to reconsider a negative decision, with its grounds (R-17);
    the decision of that type falls due again, with the organisation that took it."""
    decision = _decision_locked(actor=actor, decision_id=decision_id)
    case = decision.case
    text = grounds.strip()
    if not text:
        raise errors.GroundsRequired(_("Write the grounds of the request."), field="grounds")
    day = _date(requested_on, field="requested_on")
    if day < decision.decided_on:
        raise errors.DecisionDateInvalid(
            _("A request cannot be made before the decision."), field="requested_on"
        )
    _check_reconsiderable(decision)
    pathway = pathways.pathway_for(case.country)
    kind = _decision_type(pathway, decision.decision_type)
    request = Reconsideration(
        decision=decision,
        requested_on=day,
        recorded_at=timezone.now(),
        recorded_by=actor,
        grounds_enc=vault.encrypt(
            key=case.person.data_key, plaintext=text, context="reconsideration.grounds"
        ),
    )
    request.full_clean(exclude=["decision", "recorded_by", "new_decision"])
    request.save()
    deadline_services.task_open(
        case_id=case.id,
        kind=identification_clocks.DECISION_DUE,
        due_on=kind.target_on(day),
        organisation=decision.organisation,
        reminder_days_before=pathway.reminder_days_before,
        detail={"decision_type": kind.key, "reconsideration": request.pk},
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="identification.Reconsideration",
        object_id=request.pk,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.IDENTIFICATION,
        detail={"decision_id": str(decision.id)},
    )
    return request


def _check_reconsiderable(decision: IdentificationDecision) -> None:
    if decision.outcome != Outcome.NEGATIVE:
        raise errors.ReconsiderationNotAllowed(
            _("Only a negative decision can be reconsidered."),
            code=errors.ErrorCode.RECONSIDERATION_OF_POSITIVE_DECISION,
        )
    latest = (
        IdentificationDecision.objects.filter(
            case_id=decision.case_id, decision_type=decision.decision_type
        )
        .order_by("-decided_on", "-recorded_at")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != decision.pk:
        raise errors.ReconsiderationNotAllowed(
            _("A later decision of this type replaced this one."),
            code=errors.ErrorCode.DECISION_SUPERSEDED,
        )
    if not rounds.current_round([decision], rounds.reopenings(decision.case_id)):
        raise errors.ReconsiderationNotAllowed(
            _(
                "The pathway was reopened after this decision; "
                "the decisions of the new round are taken afresh."
            ),
            code=errors.ErrorCode.DECISION_IN_EARLIER_ROUND,
        )
    if decision.reconsiderations.filter(status=Reconsideration.Status.OPEN).exists():
        raise errors.ReconsiderationNotAllowed(
            _("A request to reconsider this decision is already open."),
            code=errors.ErrorCode.RECONSIDERATION_OPEN,
        )
