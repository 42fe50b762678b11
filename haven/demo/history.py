"""Identification histories for the demo: dated events under the national pathway.

A history is a list of statuses after intake (``HISTORIES``); the planner turns
it into the events that lead there, each for a service to record:

- ``Decision``: reasonable or conclusive grounds (``decision_record``), taken by
  an organisation type the pathway allows (R-17). Presumed, identified and not
  identified come only from these (R-01, R-03);
- ``StatusChange``: declined formal identification, withdrawn, or back to
  potential (``case_transition``);
- ``Reconsideration``: a request to reconsider a negative decision (R-17);
- ``Extension`` and ``EarlyEnd`` of the reflection period (R-15), by a supervisor
  of an organisation that may grant it.

Dates. ``case_open`` dates a case the day it is recorded, and nothing may be
dated in the future; but a conclusive-grounds decision comes at least
``min_gap_days`` (30) after reasonable grounds. So an identified victim today had
reasonable grounds a month ago or more, before the demo case was recorded:
histories are dated back up to about four months, as when a case is entered
with the decisions already taken on it. Everything else stays recent: a case
that ends presumed had its reasonable-grounds decision less than the reflection
period ago (so the period is running), unless the period was extended.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from haven.accounts.models import OrgType
from haven.assistance.models import ReflectionPeriod
from haven.cases.status import IdentificationStatus
from haven.demo.accounts import MAIN_TYPES
from haven.identification import pathways
from haven.identification.models import Outcome, ServedTo

S = IdentificationStatus
T = OrgType
POSITIVE, NEGATIVE = Outcome.POSITIVE.value, Outcome.NEGATIVE.value

# Histories after intake (which always starts at "potential"), with weights.
# The first cases take each history once, so every status appears in a small run.
HISTORIES: tuple[tuple[tuple[S, ...], int], ...] = (
    ((), 24),
    ((S.PRESUMED,), 22),
    ((S.PRESUMED, S.IDENTIFIED), 18),
    ((S.NOT_IDENTIFIED,), 6),
    ((S.PRESUMED, S.NOT_IDENTIFIED), 3),
    ((S.DECLINED_FORMAL_IDENTIFICATION,), 4),
    ((S.PRESUMED, S.DECLINED_FORMAL_IDENTIFICATION), 4),
    ((S.WITHDRAWN,), 3),
    ((S.PRESUMED, S.WITHDRAWN), 3),
    ((S.PRESUMED, S.IDENTIFIED, S.WITHDRAWN), 2),
    ((S.NOT_IDENTIFIED, S.POTENTIAL), 2),  # reconsideration requested, pending
    ((S.NOT_IDENTIFIED, S.PRESUMED), 3),  # reconsidered: positive
    ((S.DECLINED_FORMAL_IDENTIFICATION, S.PRESUMED, S.IDENTIFIED), 2),
    ((S.WITHDRAWN, S.POTENTIAL), 1),  # the person came back
)
# In the first pass over HISTORIES: the first "presumed" case has its period
# extended, the first "presumed then not identified" one had it ended early.
EXTENDED_FIRST = ((S.PRESUMED,),)
ENDED_EARLY_FIRST = ((S.PRESUMED, S.NOT_IDENTIFIED),)
EXTENSION_CHANCE = 0.3

# Completions of the pathway's reason templates (the template comes first).
DECISION_REASONS = {
    (0, POSITIVE): (
        "indicators of {form} were found in the first interviews, and the account is "
        "consistent and detailed.",
        "the account of {form}, the withheld documents and the conditions seen at the site "
        "are strong indicators.",
        "the person's account of {form} is supported by what the outreach workers saw.",
    ),
    (0, NEGATIVE): (
        "the information points to a labour dispute, not to {form}; no means of control "
        "could be established.",
        "no exploitative purpose could be established from the information available.",
    ),
    (1, POSITIVE): (
        "the account of {form} is corroborated by documents and by statements of others in "
        "the same situation.",
        "the recruitment, the control by the recruiter and the purpose of {form} are all "
        "established.",
    ),
    (1, NEGATIVE): (
        "the later information does not support {form}; the earlier account could not be "
        "corroborated.",
        "the person's situation is found to be irregular work without coercion.",
    ),
}
LEGAL_BASIS = ("CETS No. 197, Art. 10(2) and 13", "CETS No. 197, Art. 10")
STATUS_REASONS = {
    S.DECLINED_FORMAL_IDENTIFICATION: (
        "The person was told of their rights and chose not to be formally identified. "
        "Assistance continues; the choice can be changed at any time.",
    ),
    S.WITHDRAWN: (
        "The person left the assistance system on their own wish.",
        "The person returned home voluntarily; return and reintegration support was offered.",
    ),
    S.POTENTIAL: (
        "Reconsideration requested with new information; assessment re-opened meanwhile.",
        "The person contacted the service again; assessment re-opened.",
    ),
}
RECONSIDERATION_GROUNDS = (
    "New information from the person's counsel: messages from the recruiter about the debt.",
    "A co-worker has since given a statement about the confiscated passports.",
    "The first interview was held without an interpreter in the person's language.",
)
EXTENSION_REASONS = (
    "Still recovering after a hospital stay; the doctor advises more time.",
    "Moved to a new shelter far from the exploiters; more time needed to recover.",
    "Counselling has just started; the psychologist advises more time.",
)
EARLY_END = (
    ReflectionPeriod.EarlyEndGround.IMPROPER_CLAIM,
    "The documents presented were found to be forged, and the account was contradicted by the "
    "person's own earlier statements.",
    "CETS No. 197, Art. 13(3)",
)


@dataclass(frozen=True)
class Decision:
    """A decision of the national pathway (R-17), by an organisation type allowed to take it."""

    on: date
    decision_type: str
    outcome: str
    reasons: str
    legal_basis: str
    by: str  # organisation type
    served_to: str


@dataclass(frozen=True)
class StatusChange:
    """A status that no decision sets: declined, withdrawn, back to potential."""

    on: date
    to_status: str
    reasons: str


@dataclass(frozen=True)
class Reconsideration:
    """A request to reconsider the latest negative decision (R-17)."""

    on: date
    grounds: str


@dataclass(frozen=True)
class Extension:
    """A reflection period extended, with reasons (R-15)."""

    on: date
    days: int
    reasons: str
    by: str  # organisation type (a supervisor of it decides)


@dataclass(frozen=True)
class EarlyEnd:
    """A reflection period ended early on a permitted ground (R-15, CETS Art. 13(3))."""

    on: date
    ground: str
    reasons: str
    legal_basis: str
    by: str


Event = Decision | StatusChange | Reconsideration | Extension | EarlyEnd


@dataclass(frozen=True)
class History:
    events: tuple[Event, ...]
    brought_in: tuple[str, ...]  # deciding organisation types added to the team


class HistoryPlanner:
    """Turns a status history into dated events, from the planner's random stream."""

    def __init__(self, *, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def plan(
        self,
        history: tuple[S, ...],
        *,
        country: str,
        child: bool,
        form: str,
        team: tuple[str, ...],
        first_pass: bool,
    ) -> History:
        """``team``: the lead's organisation type first, then the other members' types.
        ``first_pass``: the case takes a fixed history (see ``EXTENDED_FIRST``)."""
        ends_presumed = bool(history) and history[-1] == S.PRESUMED
        if first_pass:
            extended = ends_presumed and history in EXTENDED_FIRST
            early_end = history in ENDED_EARLY_FIRST
        else:
            extended = ends_presumed and self.rng.random() < EXTENSION_CHANCE
            early_end = False
        drafts = _Drafts(
            rng=self.rng,
            pathway=pathways.pathway_for(country),
            form=form,
            child=child,
            team=team,
            supervised=extended or early_end,
        )
        for target in history:
            drafts.step(target, early_end=early_end)
        if extended:
            drafts.extend()
        return History(events=drafts.dated(self.today), brought_in=drafts.brought_in)


class _Drafts:
    """Events with day offsets from the first one, dated at the end."""

    def __init__(
        self,
        *,
        rng: random.Random,
        pathway: pathways.Pathway,
        form: str,
        child: bool,
        team: tuple[str, ...],
        supervised: bool,
    ) -> None:
        self.rng = rng
        self.pathway = pathway
        self.first = pathway.first_decision()
        following = pathway.following(self.first.key)
        self.second = following[0] if following else None
        self.form = form
        self.child = child
        self.team = team
        self.supervised = supervised  # the period is extended or ended early
        self.served_to = ServedTo.REPRESENTATIVE if child else ServedTo.PERSON
        self.items: list[tuple[int, Event]] = []
        self.day = 0
        self.status = S.POTENTIAL
        self.positive_first: int | None = None  # day of the positive first decision
        self.brought_in: tuple[str, ...] = ()
        self.deciders: dict[str, str] = {}
        self.anchor: tuple[int, int] | None = None  # (day, days before today)

    # --- who decides -----------------------------------------------------------------

    def decider(self, kind: pathways.DecisionType) -> str:
        """An allowed organisation type on the team, the lead first; else one is
        brought in. The first decision's maker has a supervisor when the period will
        be extended or ended early (only a supervisor decides those)."""
        if kind.key in self.deciders:
            return self.deciders[kind.key]
        allowed = set(kind.deciding_org_types)
        if kind is self.first:
            fallback: tuple[str, ...] = (
                (T.SOCIAL_SERVICES,) if self.child else (T.POLICE, T.SOCIAL_SERVICES)
            )
            if self.supervised:
                allowed &= set(MAIN_TYPES)
        else:
            fallback = (T.POLICE, T.NATIONAL_COORDINATOR)
        team = (*self.team, *self.deciders.values(), *self.brought_in)
        present = [t for t in dict.fromkeys(team) if t in allowed]
        if present and present[0] == self.team[0]:
            chosen = present[0]
        elif present:
            chosen = self.rng.choice(present)
        else:
            chosen = self.rng.choice([t for t in fallback if t in allowed] or sorted(allowed))
            self.brought_in = (*self.brought_in, chosen)
        self.deciders[kind.key] = chosen
        return chosen

    # --- what happens ----------------------------------------------------------------

    def step(self, target: S, *, early_end: bool) -> None:
        rng = self.rng
        if target == S.PRESUMED:
            if self.status == S.NOT_IDENTIFIED:
                self._reconsideration()
            self._decision(self.first, POSITIVE, gap=rng.randint(3, 30))
            self.positive_first = self.day
            if early_end:
                self._early_end()
        elif target == S.IDENTIFIED:
            self._second_decision(POSITIVE)
        elif target == S.NOT_IDENTIFIED and self.positive_first is not None:
            self._second_decision(NEGATIVE)
        elif target == S.NOT_IDENTIFIED:
            self._decision(self.first, NEGATIVE, gap=rng.randint(3, 30))
        elif self.status == S.NOT_IDENTIFIED:
            self._reconsideration()
            self._status_change(target, gap=rng.randint(0, 2))
        else:
            self._status_change(target, gap=rng.randint(5, 40))
        self.status = target

    def _add(self, gap: int, event: Event) -> None:
        self.day += gap if self.items else 0
        self.items.append((self.day, event))

    def _decision(self, kind: pathways.DecisionType, outcome: str, *, gap: int) -> None:
        second = int(kind is self.second)
        template = kind.reason_templates.get(outcome, "").strip()
        completion = self.rng.choice(DECISION_REASONS[(second, outcome)])
        reasons = f"{template} {completion.format(form=self.form)}".strip()
        decision = Decision(
            on=date.min,
            decision_type=kind.key,
            outcome=outcome,
            reasons=reasons[:1].upper() + reasons[1:],
            legal_basis=LEGAL_BASIS[second],
            by=self.decider(kind),
            served_to=self.served_to,
        )
        self._add(gap, decision)

    def _second_decision(self, outcome: str) -> None:
        """At least the pathway's minimum gap after the positive first decision (R-17)."""
        assert self.second is not None and self.positive_first is not None  # noqa: S101 - planned
        day = self.positive_first + self.second.min_gap_days + self.rng.randint(0, 25)
        self._decision(self.second, outcome, gap=max(day - self.day, 3))

    def _status_change(self, target: S, *, gap: int) -> None:
        reasons = self.rng.choice(STATUS_REASONS[target])
        self._add(gap, StatusChange(on=date.min, to_status=target, reasons=reasons))

    def _reconsideration(self) -> None:
        grounds = self.rng.choice(RECONSIDERATION_GROUNDS)
        self._add(self.rng.randint(2, 14), Reconsideration(on=date.min, grounds=grounds))

    def _early_end(self) -> None:
        ground, reasons, legal_basis = EARLY_END
        by = self.decider(self.first)
        event = EarlyEnd(date.min, ground=ground, reasons=reasons, legal_basis=legal_basis, by=by)
        self._add(self.rng.randint(5, 20), event)

    def extend(self) -> None:
        """An extension decided while the period ran, on a presumed case whose decision
        is a little older than the period: the next decision may be overdue, the
        extended period still runs."""
        assert self.positive_first is not None  # noqa: S101 - only for presumed histories
        rng = self.rng
        length = self.pathway.reflection_min_days
        days_ago = rng.randint(length + 2, length + 28)
        days = max(rng.choice((30, 45, 60)), days_ago - length + rng.randint(7, 30))
        reasons = rng.choice(EXTENSION_REASONS)
        by = self.decider(self.first)
        self._add(
            rng.randint(length * 2 // 3, length - 1),
            Extension(on=date.min, days=days, reasons=reasons, by=by),
        )
        self.anchor = (self.positive_first, days_ago)

    # --- dates -----------------------------------------------------------------------

    def dated(self, today: date) -> tuple[Event, ...]:
        """Dated back from the anchor: by default the last event, a few days ago (for a
        presumed case, less than the reflection period ago, so the period runs)."""
        if not self.items:
            return ()
        if self.anchor is None:
            recent = self.pathway.reflection_min_days - 5 if self.status == S.PRESUMED else 20
            self.anchor = (self.items[-1][0], self.rng.randint(0, min(recent, 25)))
        day, days_ago = self.anchor
        start = today - timedelta(days=days_ago + day)
        return tuple(replace(event, on=start + timedelta(days=d)) for d, event in self.items)
