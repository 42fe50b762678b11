"""Reflection period writes (R-15, CETS Art. 13). One transaction each, audited.

The period is started by a positive reasonable-grounds decision
(``haven.identification.services.decisions.decision_record``), in the same
transaction that makes the person a presumed victim (R-03). It lasts at least
30 days; a national pathway may grant more. It can be extended, with reasons,
and ended early only on the two grounds of CETS Art. 13(3). Nothing here reads
whether the person cooperates (R-18).

Extensions and early ends are decisions on the period: they are taken by a
supervisor of an organisation type that may grant the period (the pathway's
decision types that start it), and recorded with the decision maker.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, User
from haven.assistance import clocks as assistance_clocks
from haven.assistance import eligibility, errors
from haven.assistance.models import ReflectionExtension, ReflectionPeriod
from haven.assistance.selectors import reflection as reflection_selectors
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.identification import hooks as identification_hooks
from haven.identification import pathways
from haven.lib import ids, locking
from haven.vault import services as vault

REFLECTION_FLOOR_DAYS = pathways.REFLECTION_FLOOR_DAYS  # CETS Art. 13: at least 30 days
MAX_EXTENSION_DAYS = 365  # one extension at a time; a longer one is a typing error


@transaction.atomic
def reflection_period_start(
    *, actor: User, case_id: Any, person_id: Any, starts_on: date, days: int, decision_id: str
) -> ReflectionPeriod:
    """Start the recovery and reflection period on the positive reasonable-grounds
    decision date (R-15): never fewer than 30 days (also a database constraint).
    A decision recorded late (dated in the past) still gives ``days`` counted from
    the day it is recorded: the period runs against real time, not the typed date.
    A decision starts one period only. When the pathway was reopened and a new
    round's decision starts a period, the earlier period stays as history, ended."""
    if days < REFLECTION_FLOOR_DAYS:
        raise errors.ReflectionBelowFloor(
            _("A reflection period cannot be shorter than %(days)d days.")
            % {"days": REFLECTION_FLOOR_DAYS},
            field="days",
        )
    earlier = reflection_selectors.current_period(case_id)
    if earlier is not None and earlier.started_by_decision == decision_id:
        raise errors.ReflectionExists(_("This decision already started a reflection period."))
    if earlier is not None:
        _end_earlier(actor=actor, period=earlier, person_id=person_id, new_start=starts_on)
    ends_on = max(starts_on, timezone.localdate()) + timedelta(days=days)
    period = ReflectionPeriod(
        case_id=case_id,
        starts_on=starts_on,
        granted_days=(ends_on - starts_on).days,
        ends_on=ends_on,
        started_by_decision=decision_id,
    )
    period.full_clean(exclude=["case"])
    period.save()
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="assistance.ReflectionPeriod",
        object_id=period.pk,
        person_id=person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail={"days": period.granted_days},
    )
    return period


def _end_earlier(*, actor: User, period: ReflectionPeriod, person_id: Any, new_start: date) -> None:
    """The period of an earlier round of the pathway ends when the new one starts
    (or on its own last day, if that came first); it stays as history. Its end
    deadline is cancelled."""
    if period.status == ReflectionPeriod.Status.RUNNING:
        period.status = ReflectionPeriod.Status.ENDED
        period.ended_on = max(period.starts_on, min(period.ends_on, new_start))
        period.save(update_fields=["status", "ended_on"])
        audit.audit_record(
            actor=audit.actor_of(actor),
            action=Action.UPDATE,
            object_type="assistance.ReflectionPeriod",
            object_id=period.pk,
            person_id=person_id,
            field_groups=[FieldGroup.LEGAL],
            purpose=Purpose.ASSISTANCE,
            detail={"ended": "new_round"},
        )
    deadline_services.tasks_close(
        case_id=period.case_id,
        kind=assistance_clocks.REFLECTION_PERIOD_END,
        by=actor,
        status=Task.Status.CANCELLED,
    )


def _period_for_decision(*, actor: User, case_id: object) -> tuple[Case, ReflectionPeriod]:
    """The case (404 for outsiders), checked for the legal group and the decision maker,
    and its period, locked."""
    case = case_selectors.case_for(
        user=actor, case_id=case_id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE, write=True
    ).case
    if not reflection_selectors.may_decide_on_period(user=actor, case=case):
        types = reflection_selectors.deciding_org_types(case.country)
        names = sorted(str(OrgType(t).label) for t in types)
        raise errors.SupervisorRequired(
            _("Only a supervisor of one of these organisations can decide this: %(who)s.")
            % {"who": ", ".join(names)}
        )
    period = (
        ReflectionPeriod.objects.select_for_update().filter(case_id=case.id).order_by("-id").first()
    )
    if period is None:
        raise errors.NoReflectionPeriod(
            _(
                "This case has no reflection period: it starts with a positive "
                "reasonable-grounds decision."
            )
        )
    return case, period


def _reasons(value: str, *, message: str) -> str:
    text = value.strip()
    if not text:
        raise errors.ReasonsRequired(message, field="reasons")
    return text


def _decision_date(decided_on: date | None, period: ReflectionPeriod) -> date:
    today = timezone.localdate()
    day = decided_on or today
    if day > today:
        raise errors.ReflectionInputInvalid(
            _("The decision date cannot be in the future."), field="decided_on"
        )
    if day < period.starts_on:
        raise errors.ReflectionInputInvalid(
            _("The decision date cannot be before the period started."), field="decided_on"
        )
    return day


@transaction.atomic
def reflection_period_extend(
    *,
    actor: User,
    case_id: object,
    days: int,
    reasons: str,
    version: int,
    decided_on: date | None = None,
) -> ReflectionExtension:
    """Extend a running period, with reasons (R-15); the period-end deadline moves with it.
    ``version`` is the one of the period the user read: a period extended since is
    refused (``edit_conflict``), never extended twice by mistake."""
    case, period = _period_for_decision(actor=actor, case_id=case_id)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise errors.ReflectionInputInvalid(
            _("An extension is between 1 and %(max)d days.") % {"max": MAX_EXTENSION_DAYS},
            field="days",
        )
    text = _reasons(reasons, message=_("Write the reasons for the extension."))
    day = _decision_date(decided_on, period)
    if not eligibility.reflection_runs_on(period, day):
        raise errors.ReflectionNotRunning(
            _("The period is not running on that date; it can no longer be extended.")
        )
    locking.version_claim(period, expected=version)
    period.granted_days += days
    period.ends_on += timedelta(days=days)
    period.save(update_fields=["granted_days", "ends_on"])
    extension = ReflectionExtension(
        period=period,
        days=days,
        decided_on=day,
        recorded_at=timezone.now(),
        decided_by=actor,
        reasons_enc=vault.encrypt(
            key=case.person.data_key, plaintext=text, context="reflection.extension.reasons"
        ),
    )
    extension.full_clean(exclude=["period", "decided_by"])
    extension.save()
    deadline_services.task_reschedule(
        case_id=case.id, kind=assistance_clocks.REFLECTION_PERIOD_END, due_on=period.ends_on
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="assistance.ReflectionPeriod",
        object_id=period.pk,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail={"extended_by_days": days},
    )
    return extension


@transaction.atomic
def reflection_period_end_early(
    *,
    actor: User,
    case_id: object,
    ground: str,
    reasons: str,
    legal_basis: str,
    decided_on: date | None = None,
) -> ReflectionPeriod:
    """End a running period early: ONLY on public-order grounds or because victim
    status is claimed improperly (CETS Art. 13(3), R-15), with a recorded decision
    maker, reasons and legal basis. Any other ground is refused."""
    case, period = _period_for_decision(actor=actor, case_id=case_id)
    if ground not in ReflectionPeriod.EarlyEndGround.values:
        raise errors.EarlyEndGroundNotPermitted(
            _(
                "A reflection period can be ended early only on public-order grounds or because "
                "victim status is being claimed improperly."
            ),
            field="ground",
        )
    text = _reasons(reasons, message=_("Write the reasons for ending the period early."))
    basis = legal_basis.strip()
    if not basis:
        raise errors.LegalBasisRequired(
            _("Give the legal basis for ending the period early."), field="legal_basis"
        )
    day = _decision_date(decided_on, period)
    if not eligibility.reflection_runs_on(period, day):
        raise errors.ReflectionNotRunning(_("The period is not running on that date."))
    # Ending it is an edit too: a form opened on the running period is now stale.
    locking.version_claim(period, expected=period.version)
    period.status = ReflectionPeriod.Status.ENDED_EARLY
    period.ended_on = day
    period.early_end_ground = ground
    period.early_end_legal_basis = basis[:200]
    period.early_end_reasons_enc = vault.encrypt(
        key=case.person.data_key, plaintext=text, context="reflection.early_end.reasons"
    )
    period.early_end_decided_by = actor
    period.save(
        update_fields=[
            "status",
            "ended_on",
            "early_end_ground",
            "early_end_legal_basis",
            "early_end_reasons_enc",
            "early_end_decided_by",
        ]
    )
    deadline_services.tasks_close(
        case_id=case.id,
        kind=assistance_clocks.REFLECTION_PERIOD_END,
        by=actor,
        status=Task.Status.CANCELLED,
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="assistance.ReflectionPeriod",
        object_id=period.pk,
        person_id=case.person_id,
        field_groups=[FieldGroup.LEGAL],
        purpose=Purpose.ASSISTANCE,
        detail={"ended_early": ground},
    )
    return period


def removal_enforcement_check(*, case_id: object, on_date: date) -> None:
    """Raise ``RemovalProtected`` if an expulsion order may not be enforced on
    ``on_date`` (R-15: never inside the reflection period; R-03, CETS Art. 10(2):
    never while reasonable grounds protect the person).

    It checks no access and records nothing: callers do both (the API asks
    ``haven.assistance.selectors.reflection.removal_check``, which applies the
    same rule, ``eligibility.removal_block``).
    """
    parsed = ids.parse_uuid(case_id)
    case = Case.objects.filter(pk=parsed).first() if parsed else None
    if case is None:
        raise case_errors.CaseNotFound(_("No case with this reference is available to you."))
    block = eligibility.removal_block(
        removal_protected=case.removal_protected,
        period=reflection_selectors.current_period(case.id),
        on_date=on_date,
    )
    if block is not None:
        raise errors.RemovalProtected(str(block.reason), code=block.code)


def reflection_period_follows(event: identification_hooks.DecisionRecorded) -> None:
    """A positive decision of a kind that starts the reflection period starts it,
    from the decision's date, for the pathway's minimum days, with its end as a
    deadline for the case lead (R-15)."""
    if not event.kind.starts_reflection_period:
        return
    case = event.case
    period = reflection_period_start(
        actor=event.actor,
        case_id=case.id,
        person_id=case.person_id,
        starts_on=event.decision.decided_on,
        days=event.pathway.reflection_min_days,
        decision_id=str(event.decision.id),
    )
    lead = next(m for m in access_policy.team_of(case_id=case.id) if m.is_lead)
    deadline_services.task_open(
        case_id=case.id,
        kind=assistance_clocks.REFLECTION_PERIOD_END,
        due_on=period.ends_on,
        organisation=lead.organisation,
        reminder_days_before=event.pathway.reflection_reminder_days,
        detail={"decision_id": str(event.decision.id)},
    )
