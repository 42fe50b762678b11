"""The case timeline: what happened on a case and what falls due, by date.

Entries come from the apps' parts (``TIMELINE`` in each ``case_parts`` module,
composed by ``haven.web.composer``). Each provider names the field group its rows
belong to, and runs only when that group was decided allowed for the reader:
status changes, decisions and the reflection period are "legal"; screenings,
assessments and (for children only) best interests and family tracing are
"assessment"; the assistance plan, its services and the closing of assistance
are "services"; deadlines belong to every member of the case team (the case
itself was already checked by ``cases.selectors``). Entries carry no free text:
dates, kinds, set keys, labels, outcomes and organisation names, never reasons
or notes.

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

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import parts
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.web import composer

Entry = parts.TimelineEntry
PROVIDERS = composer.TIMELINE_PROVIDERS
# Every kind of entry (the API publishes them as an enum), in provider order.
ENTRY_KINDS = tuple(kind for provider in PROVIDERS for kind in provider.kinds)
TIMELINE_GROUPS = frozenset(p.group for p in PROVIDERS if p.group is not None)


_WAITING = ("open", "overdue")


@dataclass(frozen=True)
class Timeline:
    entries: list[parts.TimelineEntry]
    hidden_groups: list[FieldGroup]  # groups whose entries this reader does not see

    @property
    def next_deadline(self) -> parts.TimelineEntry | None:
        """The earliest deadline still to meet (an overdue one first of all)."""
        waiting = [e for e in self.entries if e.kind == "deadline" and e.state in _WAITING]
        return waiting[0] if waiting else None  # entries are in date order


def _holding(
    source: parts.TimelineSource, providers: list[parts.TimelineProvider]
) -> list[parts.TimelineProvider]:
    """The providers with rows on this case: the case page asked already, else one
    query asks for every provider that names its rows; one that does not always runs."""
    held = source.held
    if held is None:
        models = list(dict.fromkeys(p.rows for p in providers if p.rows is not None))
        held = composer.case_rows_held(source.case, models)
    return [p for p in providers if p.rows is None or parts.held_rows(held, p.rows)]


def _build(source: parts.TimelineSource) -> Timeline:
    """At most one query per provider whose rows the case holds, whatever the
    number of rows, and one for all the others."""
    entries: list[parts.TimelineEntry] = []
    allowed = [p for p in PROVIDERS if p.group is None or p.group in source.groups]
    for provider in _holding(source, allowed):  # in rank order
        entries += provider.entries(source)
    entries.sort(key=lambda entry: entry.on)  # stable: rank order within a day
    hidden = sorted(TIMELINE_GROUPS - source.groups)
    return Timeline(entries=entries, hidden_groups=[FieldGroup(g) for g in hidden])


# --- the two ways in -------------------------------------------------------------------


def timeline_for(
    *, user: User, case_view: case_selectors.CaseView, held: Mapping[str, bool] | None = None
) -> Timeline:
    """The timeline of a case already read for ``user`` by ``case_read``: only the
    groups it showed (and audited), nothing read or audited twice; ``held``: which
    models the case holds rows of, when the page already asked."""
    shown = frozenset(
        view.group for view in case_view.groups if view.allowed and view.data is not None
    )
    legal = case_view.group(FieldGroup.LEGAL).data
    source = parts.TimelineSource(
        user=user,
        case=case_view.case,
        groups=shown & TIMELINE_GROUPS,
        now=timezone.now(),
        transitions=legal["transitions"] if legal is not None else None,
        held=held,
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
    source = parts.TimelineSource(user=user, case=case, groups=shown, now=timezone.now())
    return case, _build(source)
