"""Who gets assistance and protection: pure rules on a case's own fields (R-03, R-15, R-18, R-22).

Nothing here reads whether the person cooperates with the authorities or is a
witness, and nothing may: assistance is unconditional (Dir Art. 11(3), CETS
Art. 12(6)). ``haven/assistance/tests/test_rules_r18.py`` scans this module,
and every module that decides eligibility or the reflection period, for such
names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.assistance.catalogue import ServiceType
from haven.assistance.errors import ErrorCode
from haven.assistance.models import AssistanceClosure, ReflectionPeriod
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus as S


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str | Promise  # plain words for the person asking, never personal data


# One reason per identification status. Every status is eligible: assistance
# reaches potential and presumed victims too (CBSS 2014, R-18), and it does not
# end by itself with a negative decision or a withdrawal. Closing it needs a
# recorded closing decision with an exit plan (R-22; built in issue 5).
_REASONS: dict[str, str | Promise] = {
    S.POTENTIAL: _(
        "Assistance is available from the first contact, while identification is under way."
    ),
    S.PRESUMED: _(
        "Reasonable grounds: assistance and the recovery and reflection period are granted "
        "at once, and the person may not be removed."
    ),
    S.IDENTIFIED: _("Identified victim: assistance continues."),
    S.DECLINED_FORMAL_IDENTIFICATION: _(
        "The person declined formal identification; assistance continues all the same."
    ),
    S.NOT_IDENTIFIED: _(
        "Not identified: assistance continues until a closing decision with an exit plan "
        "is recorded."
    ),
    S.WITHDRAWN: _(
        "The person left the mechanism: assistance continues until a closing decision with an "
        "exit plan is recorded, and can resume at any time."
    ),
}


def assistance_eligibility(case: Case) -> Eligibility:
    """Whether the person may be assisted, and why (R-18: never conditional).

    Reads the identification status only.
    """
    return Eligibility(eligible=True, reason=_REASONS[case.identification_status])


def service_eligibility(
    *, case: Case, service_type: str, closure: AssistanceClosure | None
) -> Eligibility:
    """Whether a service of ``service_type`` may be planned or started for the
    person now, and why (R-18, R-19, R-22).

    Every service in the catalogue is open in every identification status from
    potential on. The only thing that stops new services is a recorded closing
    decision in force (``closure``: the case's closure not reopened, or None);
    reopening assistance lifts it. Reads the identification status and the
    closure only.
    """
    if service_type not in ServiceType.values:
        return Eligibility(eligible=False, reason=_("This is not a service in the catalogue."))
    if closure is not None and closure.reopened_on is None:
        return Eligibility(
            eligible=False,
            reason=_(
                "Assistance was closed by a recorded decision with an exit plan. Reopen "
                "assistance to plan or start services again; the person may come back at "
                "any time."
            ),
        )
    return assistance_eligibility(case)


def reflection_runs_on(period: ReflectionPeriod | None, day: date) -> bool:
    """R-15: the period protects from its first to its last day (``ends_on``), unless
    it was ended early on one of the two permitted grounds."""
    return (
        period is not None
        and period.status == ReflectionPeriod.Status.RUNNING
        and period.starts_on <= day <= period.ends_on
    )


def reflection_state(period: ReflectionPeriod | None, today: date) -> str:
    """``none``, ``running``, ``ended`` (its last day passed) or ``ended_early``."""
    if period is None:
        return "none"
    if period.status == ReflectionPeriod.Status.ENDED_EARLY:
        return "ended_early"
    if period.status == ReflectionPeriod.Status.ENDED or today > period.ends_on:
        return "ended"
    return "running"


@dataclass(frozen=True)
class RemovalBlock:
    code: str  # stable: reflection_period_running or removal_protected
    reason: str | Promise


def removal_block(
    *, removal_protected: bool, period: ReflectionPeriod | None, on_date: date
) -> RemovalBlock | None:
    """Why an expulsion order may not be enforced on ``on_date``, or None if nothing
    here stands in its way (R-15: never inside the reflection period; R-03,
    CETS Art. 10(2): never while reasonable grounds protect the person)."""
    if reflection_runs_on(period, on_date):
        return RemovalBlock(
            ErrorCode.REFLECTION_PERIOD_RUNNING,
            _(
                "The person is in the recovery and reflection period: no expulsion order may "
                "be enforced during it."
            ),
        )
    if removal_protected:
        return RemovalBlock(
            ErrorCode.REMOVAL_PROTECTED,
            _(
                "Reasonable grounds protect the person: they may not be removed until the "
                "identification process is complete."
            ),
        )
    return None
