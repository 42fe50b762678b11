"""The case timeline: what happened on a case and what falls due, by date.

Entries come from small providers registered in ``PROVIDERS``. Each provider
names the field group its rows belong to, and runs only when that group was
decided allowed for the reader: status changes, decisions and the reflection
period are "legal"; screenings, assessments and (for children only) best
interests and family tracing are "assessment"; the assistance plan, its
services and the closing of assistance are "services"; deadlines belong to
every member of the case team (the case itself was already checked by
``cases.selectors``). Entries carry no free text: dates, kinds, set keys,
labels, outcomes and organisation names, never reasons or notes.

Cooperation with the authorities (``justice.CooperationRecord``) is deliberately
not on the timeline: assistance never depends on cooperation (R-18), and a
timeline that set one next to the other would suggest that it does.

Two ways in, one audit each:

- ``timeline_for(user=, case_view=)`` on the case page reuses the ``CaseView``
  that ``cases.selectors.case_read`` built in the same request: its decisions,
  and its already decrypted legal group (status changes are not read twice).
  It does not audit again: ``case_read`` recorded every group it showed, and
  the timeline reads only groups it showed.
- ``timeline_read(user=, case_id=)`` for the API decides the timeline's groups itself
  and records one audit event for those it shows, in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import (
    Assessment,
    AssessmentKind,
    AssessmentTrigger,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    ReflectionPeriod,
    ServiceStatus,
)
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus
from haven.children.models import (
    BestInterestsMatter,
    BestInterestsRecord,
    BestInterestsStage,
    FamilyTracing,
    TracingStatus,
)
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines.models import Task
from haven.identification import clocks as identification_clocks
from haven.identification import engine
from haven.identification.models import IdentificationDecision, Outcome, Screening

# Every kind of entry (the API publishes them as an enum).
ENTRY_KINDS = (
    "status_change",
    "decision",
    "reflection_period",
    "screening",
    "assessment",
    "best_interests",
    "family_tracing",
    "assistance_plan",
    "service",
    "assistance_closure",
    "deadline",
)


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # one of ENTRY_KINDS
    title: str
    detail: str = ""
    state: str = ""  # deadlines: open, overdue, done, cancelled
    state_label: str = ""
    blocking: bool = False


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    hidden_groups: list[FieldGroup]  # groups whose entries this reader does not see


@dataclass(frozen=True)
class Source:
    """What providers may read: the case, and the groups already decided allowed
    (and audited) for this reader in this request."""

    case: Case
    groups: frozenset[FieldGroup]
    now: datetime
    # The legal group's status changes, when case_read has already decrypted them.
    transitions: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Provider:
    group: FieldGroup | None  # None: every member of the case team
    entries: Callable[[Source], list[Entry]]


# --- providers -------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return (
        str(IdentificationStatus(status).label) if status in IdentificationStatus.values else status
    )


def _status_changes(source: Source) -> list[Entry]:
    rows: Sequence[Mapping[str, Any]] | None = source.transitions
    if rows is None:
        rows = list(source.case.transitions.values("from_status", "to_status", "decided_on"))
    return [
        Entry(
            on=row["decided_on"],
            kind="status_change",
            title=_("Status: %(status)s") % {"status": _status_label(row["to_status"])},
            detail=_("from %(status)s") % {"status": _status_label(row["from_status"])}
            if row["from_status"]
            else _("case opened"),
        )
        for row in rows
    ]


def _decisions(source: Source) -> list[Entry]:
    decisions = IdentificationDecision.objects.filter(case_id=source.case.id).only(
        "decision_type", "country", "outcome", "decided_on"
    )
    return [
        Entry(
            on=decision.decided_on,
            kind="decision",
            title=identification_clocks.decision_type_label(
                country=decision.country, key=decision.decision_type
            ),
            detail=str(Outcome(decision.outcome).label)
            if decision.outcome in Outcome.values
            else decision.outcome,
        )
        for decision in decisions
    ]


def _days(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def _reflection_period(source: Source) -> list[Entry]:
    period = (
        ReflectionPeriod.objects.filter(case_id=source.case.id)
        .prefetch_related("extensions")
        .first()
    )
    if period is None:
        return []
    kind = "reflection_period"
    entries = [
        Entry(
            on=period.starts_on,
            kind=kind,
            title=_("Reflection period starts"),
            detail=_("%(days)s granted") % {"days": _days(period.granted_days)},
        )
    ]
    entries += [
        Entry(
            on=extension.decided_on,
            kind=kind,
            title=_("Reflection period extended"),
            detail=_("by %(days)s") % {"days": _days(extension.days)},
        )
        for extension in sorted(period.extensions.all(), key=lambda e: (e.decided_on, e.pk))
    ]
    if period.status == ReflectionPeriod.Status.ENDED_EARLY and period.ended_on:
        ground = period.get_early_end_ground_display()
        entries.append(
            Entry(
                on=period.ended_on,
                kind=kind,
                title=_("Reflection period ended early"),
                detail=ground,
            )
        )
    else:
        ended = period.status == ReflectionPeriod.Status.ENDED
        title = _("Reflection period ended") if ended else _("Reflection period ends")
        entries.append(Entry(on=period.ends_on, kind=kind, title=title))
    return entries


SCREENING_OUTCOMES = {
    # decision support only; never "not a victim".
    engine.CONSISTENT: gettext_lazy("indicators consistent with trafficking"),
    engine.INSUFFICIENT: gettext_lazy("insufficient indicators recorded"),
}


def _screenings(source: Source) -> list[Entry]:
    screenings = (
        Screening.objects.filter(case_id=source.case.id)
        .select_related("indicator_set")
        .only("screened_at", "outcome", "indicator_set__key", "indicator_set__version")
    )
    return [
        Entry(
            on=timezone.localdate(screening.screened_at),
            kind="screening",
            title=_("Indicator screening"),
            detail=_("%(set)s version %(version)d: %(outcome)s")
            % {
                "set": screening.indicator_set.key,
                "version": screening.indicator_set.version,
                "outcome": str(SCREENING_OUTCOMES.get(screening.outcome, screening.outcome)),
            },
        )
        for screening in screenings
    ]


def _deadline_state(task: Task, now: datetime) -> tuple[str, str]:
    if task.status == Task.Status.DONE:
        return "done", _("done")
    if task.status == Task.Status.CANCELLED:
        return "cancelled", _("no longer needed")
    if task.due_at < now:
        return "overdue", _("overdue")
    return "open", _("open")


def _deadlines(source: Source) -> list[Entry]:
    entries = []
    for task in deadline_selectors.case_tasks(case_id=source.case.id):
        state, state_label = _deadline_state(task, source.now)
        what = deadline_selectors.what_is_due(task, country=source.case.country)
        entries.append(
            Entry(
                on=timezone.localdate(task.due_at),
                kind="deadline",
                title=_("Due: %(what)s") % {"what": what},
                state=state,
                state_label=state_label,
                blocking=task.blocking,
            )
        )
    return entries


# --- individual assistance and children (R-11, R-25) -------------------------


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The label of a stored choice; the stored key if the catalogue no longer has it."""
    return str(choices(value).label) if value in choices.values else value


def _assessments(source: Source) -> list[Entry]:
    assessments = (
        Assessment.objects.filter(case_id=source.case.id)
        .only("kind", "version", "trigger", "assessed_on")
        .order_by("assessed_on", "kind", "version")
    )
    return [
        Entry(
            on=assessment.assessed_on,
            kind="assessment",
            title=_("%(kind)s version %(version)d recorded")
            % {"kind": _label(AssessmentKind, assessment.kind), "version": assessment.version},
            detail=_label(AssessmentTrigger, assessment.trigger),
        )
        for assessment in assessments
    ]


def _best_interests(source: Source) -> list[Entry]:
    if not source.case.person.treat_as_child:  # children only: no query for adults
        return []
    records = (
        BestInterestsRecord.objects.filter(case_id=source.case.id)
        .only("stage", "matter", "decided_on")
        .order_by("decided_on", "recorded_at")
    )
    return [
        Entry(
            on=record.decided_on,
            kind="best_interests",
            title=_label(BestInterestsStage, record.stage),
            detail=_label(BestInterestsMatter, record.matter),
        )
        for record in records
    ]


def _family_tracing(source: Source) -> list[Entry]:
    if not source.case.person.treat_as_child:  # children only: no query for adults
        return []
    tracings = (
        FamilyTracing.objects.filter(case_id=source.case.id)
        .only("status", "started_on", "updated_on")
        .order_by("started_on", "recorded_at")
    )
    entries = []
    for tracing in tracings:
        kind = "family_tracing"
        entries.append(Entry(on=tracing.started_on, kind=kind, title=_("Family tracing started")))
        if tracing.status != TracingStatus.UNDER_WAY:
            status = _label(TracingStatus, tracing.status)
            entries.append(
                Entry(on=tracing.updated_on, kind=kind, title=_("Family tracing"), detail=status)
            )
    return entries


def _plans(source: Source) -> list[Entry]:
    plans = (
        AssistancePlan.objects.filter(case_id=source.case.id)
        .only("agreed_on")
        .order_by("agreed_on", "recorded_at")
    )
    return [
        Entry(on=plan.agreed_on, kind="assistance_plan", title=_("Assistance plan agreed"))
        for plan in plans
    ]


# As the timeline says it: lower case after a dash; a refusal is the person's own choice.
SERVICE_STATES: dict[str, Promise] = {
    ServiceStatus.PLANNED: gettext_lazy("planned"),
    ServiceStatus.ACTIVE: gettext_lazy("under way"),
    ServiceStatus.COMPLETED: gettext_lazy("completed"),
    ServiceStatus.REFUSED: gettext_lazy("refused by the person"),
    ServiceStatus.STOPPED: gettext_lazy("stopped"),
}


def _service_date(service: AssistanceService) -> date:
    """When a service starts (or is planned to); a refusal without one, when refused."""
    if service.starts_on is not None:
        return service.starts_on
    if service.refused_on is not None:
        return service.refused_on
    return timezone.localdate(service.recorded_at)


def _services(source: Source) -> list[Entry]:
    services = (
        AssistanceService.objects.filter(case_id=source.case.id)
        .select_related("provider")
        .only("service_type", "status", "starts_on", "refused_on", "recorded_at", "provider__name")
    )
    return [
        Entry(
            on=_service_date(service),
            kind="service",
            title=_("%(type)s — %(provider)s — %(status)s")
            % {
                "type": _label(ServiceType, service.service_type),
                "provider": service.provider.name,
                "status": str(SERVICE_STATES.get(service.status, service.status)),
            },
        )
        for service in services
    ]


def _closures(source: Source) -> list[Entry]:
    closures = (
        AssistanceClosure.objects.filter(case_id=source.case.id)
        .only("decided_on", "reopened_on")
        .order_by("decided_on", "recorded_at")
    )
    entries = []
    for closure in closures:
        kind = "assistance_closure"
        entries.append(
            Entry(
                on=closure.decided_on,
                kind=kind,
                title=_("Assistance closed"),
                detail=_("exit plan recorded"),
            )
        )
        if closure.reopened_on is not None:
            entries.append(Entry(on=closure.reopened_on, kind=kind, title=_("Assistance reopened")))
    return entries


# Order matters only within one day: what was decided, then what follows from it.
# At most one query each, whatever the number of rows. No cooperation provider: see above.
PROVIDERS: list[Provider] = [
    Provider(FieldGroup.ASSESSMENT, _screenings),
    Provider(FieldGroup.LEGAL, _decisions),
    Provider(FieldGroup.LEGAL, _status_changes),
    Provider(FieldGroup.LEGAL, _reflection_period),
    Provider(FieldGroup.ASSESSMENT, _assessments),
    Provider(FieldGroup.ASSESSMENT, _best_interests),
    Provider(FieldGroup.ASSESSMENT, _family_tracing),
    Provider(FieldGroup.SERVICES, _plans),
    Provider(FieldGroup.SERVICES, _services),
    Provider(FieldGroup.SERVICES, _closures),
    Provider(None, _deadlines),
]
TIMELINE_GROUPS = frozenset(p.group for p in PROVIDERS if p.group is not None)


def _build(source: Source) -> Timeline:
    entries: list[Entry] = []
    for provider in PROVIDERS:
        if provider.group is None or provider.group in source.groups:
            entries += provider.entries(source)
    entries.sort(key=lambda entry: entry.on)  # stable: provider order within a day
    hidden = sorted(TIMELINE_GROUPS - source.groups)
    return Timeline(entries=entries, hidden_groups=[FieldGroup(g) for g in hidden])


# --- the two ways in -------------------------------------------------------------------


def timeline_for(*, user: User, case_view: case_selectors.CaseView) -> Timeline:
    """The timeline of a case already read for ``user`` by ``case_read``: only the
    groups it showed (and audited), nothing read or audited twice."""
    shown = frozenset(
        view.group for view in case_view.groups if view.allowed and view.data is not None
    )
    legal = case_view.group(FieldGroup.LEGAL).data
    source = Source(
        case=case_view.case,
        groups=shown & TIMELINE_GROUPS,
        now=timezone.now(),
        transitions=legal["transitions"] if legal is not None else None,
    )
    return _build(source)


@transaction.atomic
def timeline_read(
    *, user: User, case_id: object, purpose: Purpose = Purpose.ASSISTANCE
) -> tuple[Case, Timeline]:
    """The timeline on its own (the API): the same 404 for hidden and missing
    cases; each group decided by ``access.policy.decide``; the groups shown are
    recorded in the audit trail in the same transaction."""
    case, context = case_selectors.case_get_with_context(user=user, case_id=case_id)
    erased = case.person.erased_at is not None
    shown = frozenset(
        group
        for group in sorted(TIMELINE_GROUPS)
        if not erased
        and access_policy.decide(
            user=user, case_id=case.id, field_group=group, purpose=purpose, context=context
        ).allowed
    )
    if shown:
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="cases.Case",
            object_id=case.id,
            person_id=case.person_id,
            field_groups=sorted(shown),
            purpose=purpose,
            detail={"view": "timeline"},
        )
    return case, _build(Source(case=case, groups=shown, now=timezone.now()))
