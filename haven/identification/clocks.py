"""Identification's statutory clocks (R-17, R-09): the deadline kinds it owns and
the decision clock that starts with every case and stops when nobody waits for a
decision any more. Registered with ``haven.deadlines`` and ``haven.cases.hooks``
by ``IdentificationConfig.ready``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access import policy as access_policy
from haven.cases import hooks
from haven.cases.status import REOPENS_PATHWAY, IdentificationStatus
from haven.deadlines import clock, kinds
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.identification import pathways

if TYPE_CHECKING:
    from haven.accounts.models import Organisation
    from haven.cases.models import Case

DECISION_DUE_LABEL = gettext_lazy("Identification decision due")

# The person declined formal identification or left: no decision is pending.
ENDS_DECISION_CLOCKS = frozenset(
    {IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION, IdentificationStatus.WITHDRAWN}
)


def decision_type_label(*, country: str, key: str) -> str:
    """The national pathway's name for a decision type (data; the key if unknown)."""
    decision = pathways.pathway_for(country).decision_types.get(key)
    # Pathway labels are data, translated by haven/identification/data/i18n.
    return str(decision.shown_label()) if decision else key


def _decision_due_words(detail: dict[str, Any], country: str) -> str:
    decision_type = detail.get("decision_type")
    if not decision_type:
        return str(DECISION_DUE_LABEL)
    label = decision_type_label(country=country, key=str(decision_type))
    return _("%(kind)s: %(decision_type)s") % {"kind": DECISION_DUE_LABEL, "decision_type": label}


# detail: {"decision_type": key of the national pathway}
DECISION_DUE = kinds.register(
    "decision_due",
    DECISION_DUE_LABEL,
    owner="identification",
    describe=_decision_due_words,
    closed_by_record=gettext_lazy(
        "This deadline closes when the identification decision is recorded."
    ),
)
# a screening's review date; detail: {"screening": id}
SCREENING_REVIEW = kinds.register(
    "screening_review", gettext_lazy("Review after a screening"), owner="identification"
)


def _first_decision_due(case: Case, lead: Organisation, today: date) -> None:
    pathway = pathways.pathway_for(case.country)
    first = pathway.first_decision()
    if first.target_working_days is not None:
        due_on = clock.add_working_days(today, first.target_working_days)
    else:
        due_on = today + timedelta(days=first.target_days or 0)
    deadline_services.task_open(
        case_id=case.id,
        kind=DECISION_DUE,
        due_on=due_on,
        organisation=lead,
        reminder_days_before=pathway.reminder_days_before,
        detail={"decision_type": first.key},
    )


def decision_clock_start(event: hooks.CaseOpened) -> None:
    """The national pathway's first decision (reasonable grounds) falls due from
    intake: the clock starts with the case (R-17)."""
    _first_decision_due(event.case, event.lead, event.today)


def decision_clock_restart(event: hooks.StatusChanged) -> None:
    """The pathway reopens (R-01): back to ``potential`` after the person withdrew or
    declined formal identification (which cancelled the pending decisions). The first
    decision falls due again, counted from the reopening, with the case lead."""
    if (
        event.to_status != IdentificationStatus.POTENTIAL
        or event.from_status not in REOPENS_PATHWAY
    ):
        return
    deadline_services.tasks_close(
        case_id=event.case.id, kind=DECISION_DUE, by=event.by, status=Task.Status.CANCELLED
    )
    lead = next(m for m in access_policy.team_of(case_id=event.case.id) if m.is_lead)
    _first_decision_due(event.case, lead.organisation, event.today)


def decision_clocks_stop(event: hooks.StatusChanged) -> None:
    """Nobody is waiting for a decision any more: its deadlines would only escalate."""
    if event.to_status not in ENDS_DECISION_CLOCKS:
        return
    deadline_services.tasks_close(
        case_id=event.case.id, kind=DECISION_DUE, by=event.by, status=Task.Status.CANCELLED
    )


def pathway_legal_basis(country: str) -> str:
    """The national pathway's legal basis, offered for status changes (R-01)."""
    return pathways.pathway_for(country).legal_basis


def register() -> None:
    hooks.provide_legal_basis(pathway_legal_basis)
    hooks.on_case_opened(decision_clock_start)
    hooks.on_status_changed(decision_clocks_stop)
    hooks.on_status_changed(decision_clock_restart)
