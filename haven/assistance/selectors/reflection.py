"""Reflection period reads (R-15): the legal field group, checked and audited.

Missing and hidden cases give the same 404 (``case_get``); a case the user may
know about but whose legal group is hidden gives ``field_group_not_allowed``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Role, User
from haven.assistance import eligibility
from haven.assistance.models import ReflectionPeriod
from haven.audit import services as audit
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.identification import pathways
from haven.vault import services as vault


def current_period(case_id: uuid.UUID) -> ReflectionPeriod | None:
    """The case's current period: the latest started (R-15). Earlier ones belong to
    earlier rounds of the identification pathway and stay as history, ended.
    A plain read for callers that already passed the case gate."""
    return ReflectionPeriod.objects.filter(case_id=case_id).order_by("-id").first()


def deciding_org_types(country: str) -> frozenset[str]:
    """The organisation types that may grant the period (the pathway's decision
    types that start it), and so may extend it or end it early."""
    types: frozenset[str] = frozenset()
    for decision_type in pathways.pathway_for(country).decision_types.values():
        if decision_type.starts_reflection_period:
            types |= decision_type.deciding_org_types
    return types


def may_decide_on_period(*, user: User, case: Case) -> bool:
    """Extensions and early ends are taken by a supervisor of such an organisation."""
    return (
        user.role == Role.SUPERVISOR
        and user.organisation is not None
        and user.organisation.org_type in deciding_org_types(case.country)
    )


@dataclass(frozen=True)
class ExtensionView:
    days: int
    decided_on: date
    decided_by: str
    reasons: str


@dataclass(frozen=True)
class ReflectionSummary:
    """Dates and state only: for the case page."""

    state: str  # none, running, ended, ended_early (see eligibility.reflection_state)
    starts_on: date | None
    ends_on: date | None
    granted_days: int | None
    days_left: int | None  # 0 on the last day; None unless running
    ended_on: date | None


@dataclass(frozen=True)
class ReflectionView:
    case: Case
    summary: ReflectionSummary
    period: ReflectionPeriod | None
    extensions: list[ExtensionView]
    early_end_ground: str
    early_end_ground_label: str
    early_end_legal_basis: str
    early_end_reasons: str
    early_end_decided_by: str
    min_days: int  # the national length granted at the start
    pathway_confirmed: bool
    may_decide: bool
    erased: bool


def _summary(period: ReflectionPeriod | None, today: date) -> ReflectionSummary:
    state = eligibility.reflection_state(period, today)
    if period is None:
        return ReflectionSummary(state, None, None, None, None, None)
    days_left = (period.ends_on - today).days if state == "running" else None
    return ReflectionSummary(
        state, period.starts_on, period.ends_on, period.granted_days, days_left, period.ended_on
    )


def _legal_case(*, user: User, case_id: object, purpose: Purpose) -> case_selectors.GatedCase:
    return case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
    )


def _extensions(period: ReflectionPeriod, case: Case, erased: bool) -> list[ExtensionView]:
    return [
        ExtensionView(
            days=e.days,
            decided_on=e.decided_on,
            decided_by=e.decided_by.get_username(),
            reasons=""
            if erased
            else vault.decrypt(
                key=case.person.data_key,
                ciphertext=e.reasons_enc,
                context="reflection.extension.reasons",
            ),
        )
        for e in period.extensions.select_related("decided_by").order_by("decided_on", "id")
    ]


@audit.audited_read()
def reflection_period_get(*, user: User, case_id: object) -> ReflectionView:
    """The case's reflection period with its extensions and any early end, with
    their reasons (legal group, R-15). The read is audited."""
    gated = _legal_case(user=user, case_id=case_id, purpose=Purpose.ASSISTANCE)
    case = gated.case
    period = (
        ReflectionPeriod.objects.select_related("early_end_decided_by")
        .filter(case_id=case.id)
        .order_by("-id")
        .first()
    )
    erased = gated.erased
    pathway = pathways.pathway_for(case.country)
    early_reasons = ""
    if period is not None and not erased:
        early_reasons = vault.decrypt_optional(
            key=case.person.data_key,
            ciphertext=period.early_end_reasons_enc,
            context="reflection.early_end.reasons",
        )
    decided_by = period.early_end_decided_by if period is not None else None
    gated.audit_record(object_type="assistance.ReflectionPeriod")
    return ReflectionView(
        case=case,
        summary=_summary(period, timezone.localdate()),
        period=period,
        extensions=_extensions(period, case, erased) if period is not None else [],
        early_end_ground=period.early_end_ground if period is not None else "",
        early_end_ground_label=period.get_early_end_ground_display() if period else "",
        early_end_legal_basis=period.early_end_legal_basis if period is not None else "",
        early_end_reasons=early_reasons,
        early_end_decided_by=decided_by.get_username() if decided_by is not None else "",
        min_days=pathway.reflection_min_days,
        pathway_confirmed=pathway.confirmed,
        may_decide=may_decide_on_period(user=user, case=case) and not erased,
        erased=erased,
    )


@transaction.atomic
def reflection_period_summary(*, user: User, case_id: object) -> ReflectionSummary | None:
    """Dates and state of the period for the case page; None when the user's
    organisation does not see the legal group. The read is audited."""
    try:
        gated = _legal_case(user=user, case_id=case_id, purpose=Purpose.ASSISTANCE)
    except case_errors.GroupNotAllowed:
        return None
    period = current_period(gated.case.id)
    gated.audit_record(object_type="assistance.ReflectionPeriod", detail={"summary": "yes"})
    return _summary(period, timezone.localdate())


def reflection_period_summary_shown(
    *, case_view: case_selectors.CaseView, held: bool = True
) -> ReflectionSummary | None:
    """The summary for a case page that ``case_read`` already decided and audited:
    None unless the legal group was shown there; nothing is audited twice, and
    nothing read when the page knows the case holds no period (``held`` False)."""
    if case_view.group(FieldGroup.LEGAL).data is None:
        return None
    period = current_period(case_view.case.id) if held else None
    return _summary(period, timezone.localdate())


NOT_BLOCKED = _(
    "Neither the reflection period nor reasonable grounds stand in the way on that date. "
    "Other rules, such as a pending residence permit or asylum claim, are not checked here."
)


@dataclass(frozen=True)
class RemovalCheck:
    removal_allowed: bool
    code: str
    reason: str


@transaction.atomic
def removal_check(*, user: User, case_id: object, on_date: date | None = None) -> RemovalCheck:
    """May an expulsion order against this person be enforced on ``on_date``
    (default today)? Asked by a case-team member who sees the legal group; the
    question is recorded in the audit trail (R-03, R-15)."""
    gated = _legal_case(user=user, case_id=case_id, purpose=Purpose.RETURN)
    case = gated.case
    day = on_date or timezone.localdate()
    period = current_period(case.id)
    block = eligibility.removal_block(
        removal_protected=case.removal_protected, period=period, on_date=day
    )
    result = (
        RemovalCheck(True, "removal_not_blocked", str(NOT_BLOCKED))
        if block is None
        else RemovalCheck(False, block.code, str(block.reason))
    )
    gated.audit_record(
        object_type="assistance.ReflectionPeriod",
        detail={"removal_check": day.isoformat(), "code": result.code},
    )
    return result
