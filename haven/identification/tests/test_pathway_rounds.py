"""Rounds of the identification pathway (R-01, R-15, R-17): a person who withdrew,
declined formal identification or was not identified comes back; the pathway
reopens with a status change back to potential, a new reasonable-grounds decision
can be taken and starts a new reflection period, and the earlier decisions stay in
the history, marked as an earlier round. Through the services; the pages and the
API are in ``test_pathway_rounds_web``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from haven.accounts.models import Role
from haven.assistance import clocks as assistance_clocks
from haven.assistance.models import ReflectionPeriod
from haven.assistance.services import reflection as reflection_services
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.models import StatusTransition
from haven.cases.status import IdentificationStatus as S
from haven.deadlines.models import Task
from haven.identification import errors
from haven.identification.models import IdentificationDecision
from haven.identification.selectors import decisions as decision_selectors
from haven.identification.selectors import rounds
from haven.identification.services import decisions as services
from haven.identification.tests.test_decisions_services import (
    CG,
    RG,
    TODAY,
    Team,
    open_tasks,
    record,
    stored,
    team,
)
from haven.vault import services as vault

pytestmark = pytest.mark.django_db

FIRST = TODAY - timedelta(days=50)  # the first round's reasonable-grounds decision
LEFT = TODAY - timedelta(days=40)  # the person withdraws or declines
BACK = TODAY - timedelta(days=2)  # the person comes back: the pathway reopens


def change(t: Team, to_status: str, day: date, reasons: str = "The person's wish.") -> None:
    with time_machine.travel(day, tick=False):
        case_services.case_transition(
            actor=t.ngo,
            case_id=t.case.id,
            to_status=to_status,
            reasons=reasons,
            legal_basis="Test Act s. 2",
            decided_on=day,
        )


def presumed_then(left_as: str) -> Team:
    """A presumed victim (first round) who then left the mechanism as ``left_as``."""
    t = team()
    with time_machine.travel(FIRST, tick=False):
        record(t.police, t.case)
    change(t, left_as, LEFT)
    return t


def test_r01_person_who_withdrew_comes_back_can_be_identified() -> None:
    # given: a presumed victim who withdrew
    t = presumed_then(S.WITHDRAWN)
    # when: they come back; the pathway reopens and a new round starts
    change(t, S.POTENTIAL, BACK, reasons="The person came back and asks for help.")
    with time_machine.travel(TODAY, tick=False):
        second = record(t.police, t.case, reasons="Now a full account of forced labour.")
    # then: presumed again, and after 30 days the conclusive decision identifies them
    assert stored(t.case).identification_status == S.PRESUMED
    assert second.transition is not None
    assert second.transition.to_status == S.PRESUMED
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        record(t.police, t.case, CG, reasons="The account is consistent and corroborated.")
    assert stored(t.case).identification_status == S.IDENTIFIED


def test_r01_the_earlier_decision_stays_in_the_history_as_an_earlier_round() -> None:
    # given
    t = presumed_then(S.WITHDRAWN)
    change(t, S.POTENTIAL, BACK)
    # when
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
        listed = decision_selectors.decision_list(user=t.ngo, case_id=t.case.id)
    # then
    assert [(d.decided_on, d.round, d.earlier_round) for d in listed.decisions] == [
        (FIRST, 1, True),
        (TODAY, 2, False),
    ]
    assert (listed.round, listed.reopened_on) == (2, BACK)


def test_r01_the_reopening_is_a_status_change_with_maker_date_basis_and_reasons() -> None:
    # given
    t = presumed_then(S.WITHDRAWN)
    # when
    change(t, S.POTENTIAL, BACK, reasons="The person came back.")
    # then
    reopening = StatusTransition.objects.filter(case=t.case).last()
    assert reopening is not None
    assert (reopening.from_status, reopening.to_status) == (S.WITHDRAWN, S.POTENTIAL)
    assert (reopening.decided_on, reopening.decided_by, reopening.legal_basis) == (
        BACK,
        t.ngo,
        "Test Act s. 2",
    )
    assert reopening.reasons_enc is not None
    reasons = vault.decrypt(
        key=t.case.person.data_key,
        ciphertext=reopening.reasons_enc,
        context="transition.reasons",
    )
    assert reasons == "The person came back."
    assert AuditEvent.objects.filter(
        action=Action.TRANSITION, object_id=str(t.case.id), detail__to=S.POTENTIAL
    ).exists()
    assert [r.decided_on for r in rounds.reopenings(t.case.id)] == [BACK]


def test_r01_person_who_declined_comes_back_can_be_identified() -> None:
    # given: a presumed victim who declined formal identification
    t = presumed_then(S.DECLINED_FORMAL_IDENTIFICATION)
    # when: without reopening, the first round's positive decision still stands
    with time_machine.travel(TODAY, tick=False), pytest.raises(errors.DecisionAlreadyRecorded):
        record(t.police, t.case)
    # when: the person comes back and the pathway reopens
    change(t, S.POTENTIAL, BACK)
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # then
    assert stored(t.case).identification_status == S.PRESUMED
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        record(t.police, t.case, CG)
    assert stored(t.case).identification_status == S.IDENTIFIED


def test_r17_a_negative_decision_is_reconsidered_not_reopened() -> None:
    # given: negative at the conclusive stage, after a positive reasonable-grounds decision
    t = team()
    with time_machine.travel(FIRST, tick=False):
        record(t.police, t.case)
    with time_machine.travel(FIRST + timedelta(days=30), tick=False):
        negative = record(t.police, t.case, CG, outcome="negative", reasons="Not enough.")
    # when: back to potential is not a reopening; the decision is reconsidered instead
    change(t, S.POTENTIAL, BACK, reasons="New evidence from the labour inspectorate.")
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(errors.DecisionAlreadyRecorded):
            record(t.police, t.case)
        request = services.reconsideration_request(
            actor=t.ngo, decision_id=negative.id, grounds="New evidence."
        )
    # then
    assert rounds.reopenings(t.case.id) == []
    assert request.decision_id == negative.id


def test_r15_new_round_starts_new_reflection_period() -> None:
    # given: withdrawn while the first period still ran; back two days later
    t = team()
    with time_machine.travel(FIRST, tick=False):
        first = record(t.police, t.case)
    change(t, S.WITHDRAWN, FIRST + timedelta(days=10))
    change(t, S.POTENTIAL, FIRST + timedelta(days=12))
    # when: the new round's decision, recorded 13 days later but dated on the reopening
    day = FIRST + timedelta(days=25)
    with time_machine.travel(day, tick=False):
        second = record(t.police, t.case, decided_on=FIRST + timedelta(days=12))
    # then: a new period of at least 30 days from the day it is recorded
    earlier, current = ReflectionPeriod.objects.filter(case=t.case).order_by("id")
    assert earlier.started_by_decision == str(first.id)
    assert current.started_by_decision == str(second.id)
    assert current.status == ReflectionPeriod.Status.RUNNING
    assert current.starts_on == FIRST + timedelta(days=12)
    assert current.ends_on == day + timedelta(days=30)
    assert current.granted_days >= 30
    # the earlier one stays as history, ended on the day the new one started
    assert earlier.status == ReflectionPeriod.Status.ENDED
    assert earlier.ended_on == FIRST + timedelta(days=12)
    ends = Task.objects.filter(case=t.case, kind=assistance_clocks.REFLECTION_PERIOD_END)
    assert sorted((task.status, task.due_at.date()) for task in ends) == sorted(
        [
            (Task.Status.CANCELLED, FIRST + timedelta(days=30)),
            (Task.Status.OPEN, day + timedelta(days=30)),
        ]
    )


def test_r15_an_earlier_period_that_had_run_out_keeps_its_own_end() -> None:
    # given: the first period ran out long before the person came back
    t = presumed_then(S.WITHDRAWN)
    change(t, S.POTENTIAL, BACK)
    # when
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # then
    earlier = ReflectionPeriod.objects.filter(case=t.case).order_by("id").first()
    assert earlier is not None
    assert (earlier.status, earlier.ended_on) == (
        ReflectionPeriod.Status.ENDED,
        FIRST + timedelta(days=30),
    )


def test_r17_a_decision_of_the_new_round_is_not_dated_before_the_reopening() -> None:
    # given
    t = presumed_then(S.WITHDRAWN)
    change(t, S.POTENTIAL, BACK)
    # when / then
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(errors.DecisionDateInvalid) as caught:
            record(t.police, t.case, decided_on=BACK - timedelta(days=1))
        assert record(t.police, t.case, decided_on=BACK).decided_on == BACK
    assert caught.value.field == "decided_on"


def test_r17_the_first_decision_falls_due_again_when_the_pathway_reopens() -> None:
    # given: withdrawing cancelled the pending decisions
    t = presumed_then(S.WITHDRAWN)
    assert open_tasks(t.case) == []
    # when
    change(t, S.POTENTIAL, BACK)
    # then: the reasonable-grounds decision is due again, for the case lead
    (task,) = open_tasks(t.case)
    assert task.detail == {"decision_type": RG}
    assert task.assigned_organisation == t.ngo.organisation
    assert task.due_at.date() > BACK


def test_r17_a_decision_of_an_earlier_round_cannot_be_reconsidered() -> None:
    # given: a negative reasonable-grounds decision; the person withdrew and came back
    t = team()
    with time_machine.travel(FIRST, tick=False):
        negative = record(t.police, t.case, outcome="negative", reasons="No indicators.")
        listed_before = decision_selectors.decision_get(user=t.ngo, decision_id=negative.id)
    change(t, S.POTENTIAL, LEFT)
    change(t, S.WITHDRAWN, LEFT)
    change(t, S.POTENTIAL, BACK)
    # when / then
    with time_machine.travel(TODAY, tick=False):
        listed = decision_selectors.decision_get(user=t.ngo, decision_id=negative.id)
        with pytest.raises(errors.ReconsiderationNotAllowed) as caught:
            services.reconsideration_request(
                actor=t.ngo, decision_id=negative.id, grounds="New evidence."
            )
    assert caught.value.code == errors.ErrorCode.DECISION_IN_EARLIER_ROUND
    assert listed_before.may_request_reconsideration
    assert not listed.may_request_reconsideration
    assert listed.earlier_round


def test_r01_a_decision_status_is_still_reached_only_through_a_decision() -> None:
    # given: the pathway reopened
    t = presumed_then(S.DECLINED_FORMAL_IDENTIFICATION)
    change(t, S.POTENTIAL, BACK)
    # when / then: no plain status change reaches presumed, even in the new round
    with pytest.raises(case_errors.DecisionRequired):
        change(t, S.PRESUMED, TODAY)
    assert stored(t.case).identification_status == S.POTENTIAL


def test_r01_no_decision_is_taken_for_a_person_who_withdrew_until_the_pathway_reopens() -> None:
    # given: withdrawn before any decision, so the order of the pathway would allow one
    t = team()
    change(t, S.WITHDRAWN, LEFT)
    # when / then
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(case_errors.TransitionNotAllowed) as caught:
            record(t.police, t.case)
        options = decision_selectors.decision_options(user=t.police, case_id=t.case.id)
    assert caught.value.field == "decision_type"
    assert not IdentificationDecision.objects.filter(case=t.case).exists()
    rg = options.option(RG)
    assert rg is not None
    assert (rg.available, rg.blocked_code) == (False, "transition_not_allowed")
    change(t, S.POTENTIAL, BACK)
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    assert stored(t.case).identification_status == S.PRESUMED


def test_r15_a_period_ended_early_stays_ended_early_when_a_new_round_starts_one() -> None:
    # given: the first period ended early on a permitted ground, then the person withdrew
    t = team(police_role=Role.SUPERVISOR)
    with time_machine.travel(FIRST, tick=False):
        record(t.police, t.case)
    with time_machine.travel(FIRST + timedelta(days=5), tick=False):
        reflection_services.reflection_period_end_early(
            actor=t.police,
            case_id=t.case.id,
            ground=ReflectionPeriod.EarlyEndGround.PUBLIC_ORDER,
            reasons="A serious threat to public order.",
            legal_basis="Test Act s. 4",
        )
    change(t, S.WITHDRAWN, LEFT)
    change(t, S.POTENTIAL, BACK)
    # when
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # then
    earlier, current = ReflectionPeriod.objects.filter(case=t.case).order_by("id")
    assert (earlier.status, earlier.ended_on) == (
        ReflectionPeriod.Status.ENDED_EARLY,
        FIRST + timedelta(days=5),
    )
    assert current.status == ReflectionPeriod.Status.RUNNING
