"""What stands before a return plan's approval: warnings that cannot pass silently.

- Hard blocks, never acknowledged away:
  - the pre-return risk assessment is not complete (R-31; for a child R-30);
  - a child's return without a best-interests determination on return that
    concludes in favour of return (R-30, CETS Art. 16(7)).
- Warnings, each acknowledged by a named person with a typed reason before approval:
  - open proceedings or a compensation claim (P3: return must not hamper remedies),
    told without legal detail, so that people without the ``legal`` group learn only
    what safety needs;
  - a return during the reflection period (R-15).

``warnings_for`` is pure; ``facts_for`` reads the other apps' answers for a case the
caller has already passed through the case gate (counts and yes/no only, no audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from haven.assistance import eligibility
from haven.assistance.selectors import reflection as reflection_selectors
from haven.cases.models import Case
from haven.children import selectors as children_selectors
from haven.justice import selectors as justice_selectors
from haven.returns.models import ReturnPlan, WarningKind

RISK_ASSESSMENT_MISSING = "risk_assessment_missing"
BEST_INTERESTS_MISSING = "best_interests_missing"


@dataclass(frozen=True)
class Facts:
    treat_as_child: bool
    risk_assessment_complete: bool
    best_interests_favour_return: bool | None  # None: no determination on return
    open_remedies: bool
    reflection_running: bool  # on the planned date (today when none is set)


@dataclass(frozen=True)
class ReturnWarning:
    key: str  # a block's code, or a ``WarningKind`` value
    message: str
    blocking: bool  # True: cannot be acknowledged away


def warnings_for(facts: Facts) -> list[ReturnWarning]:
    """The blocks first, then the warnings to acknowledge."""
    found: list[ReturnWarning] = []
    if not facts.risk_assessment_complete:
        found.append(
            ReturnWarning(
                RISK_ASSESSMENT_MISSING,
                _(
                    "The pre-return risk assessment is not complete: rate every risk at the "
                    "place of return with the person, and date the assessment."
                ),
                blocking=True,
            )
        )
    if facts.treat_as_child and facts.best_interests_favour_return is not True:
        found.append(
            ReturnWarning(
                BEST_INTERESTS_MISSING,
                _(
                    "A child returns only in the child's best interests: record a "
                    "best-interests determination on return that concludes in favour of it."
                ),
                blocking=True,
            )
        )
    if facts.open_remedies:
        found.append(
            ReturnWarning(
                WarningKind.OPEN_REMEDIES,
                _(
                    "There are open proceedings or a compensation claim. Check with the "
                    "person's lawyer that the return does not hamper them."
                ),
                blocking=False,
            )
        )
    if facts.reflection_running:
        found.append(
            ReturnWarning(
                WarningKind.REFLECTION_PERIOD,
                _(
                    "The return would fall within the person's reflection period, meant "
                    "for recovery and an informed decision."
                ),
                blocking=False,
            )
        )
    return found


def facts_for(*, case: Case, plan: ReturnPlan, today: date) -> Facts:
    """The facts of ``plan`` on ``case`` (already gated by the caller): four queries."""
    child = case.person.treat_as_child
    period = reflection_selectors.current_period(case.id)
    return Facts(
        treat_as_child=child,
        risk_assessment_complete=plan.risk_assessment_complete,
        best_interests_favour_return=(
            children_selectors.return_determination(case_id=case.id) if child else None
        ),
        open_remedies=justice_selectors.open_remedies(case=case).any,
        reflection_running=eligibility.reflection_runs_on(period, plan.planned_on or today),
    )


def plan_warnings(*, case: Case, plan: ReturnPlan, today: date) -> list[ReturnWarning]:
    return warnings_for(facts_for(case=case, plan=plan, today=today))
