"""Identification decisions and reconsiderations (R-03, R-04, R-10, R-15, R-17),
through the services, with the allowed and the refused side of each rule.

The helpers at the top are shared with the page and API tests of decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.access.models import FieldGroup
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance import clocks as assistance_clocks
from haven.assistance.models import ReflectionPeriod
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.identification import clocks as identification_clocks
from haven.identification import errors
from haven.identification.models import (
    IdentificationDecision,
    IndicatorSet,
    Reconsideration,
    Screening,
)
from haven.identification.services import decisions as services
from haven.vault import services as vault

pytestmark = pytest.mark.django_db

RG, CG = "reasonable_grounds", "conclusive_grounds"
TODAY = date(2026, 11, 27)  # a Friday
OPENED = TODAY - timedelta(days=60)  # the cases are opened well before their decisions
POSITIVE_TEMPLATE = (
    "There are reasonable grounds to believe that the person is a victim of trafficking: "
)


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


@dataclass
class Team:
    """A case led by an NGO, with the police (who decide) on the team."""

    ngo: User
    police: User
    case: Case


def team(
    *,
    child: bool = False,
    police_role: str = Role.CASEWORKER,
    opened_on: date | None = OPENED,
    **person: Any,
) -> Team:
    """Opened on ``opened_on`` (None: now, e.g. inside the test's own travel)."""
    ngo = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE, role=police_role)
    if child:
        person.setdefault("age_status", AgeStatus.UNCERTAIN_PRESUMED_CHILD)
    if opened_on is None:
        case = open_case(actor=ngo, **person)
    else:
        with time_machine.travel(opened_on, tick=False):
            case = open_case(actor=ngo, **person)
    add_to_team(case=case, organisation=org_of(police), by=ngo)
    return Team(ngo=ngo, police=police, case=case)


def record(
    actor: User,
    case: Case,
    decision_type: str = RG,
    outcome: str = "positive",
    reasons: str = "Credible account of deceptive recruitment.",
    legal_basis: str = "Test Act s. 1",
    **kwargs: Any,
) -> IdentificationDecision:
    return services.decision_record(
        actor=actor,
        case_id=case.id,
        decision_type=decision_type,
        outcome=outcome,
        reasons=reasons,
        legal_basis=legal_basis,
        **kwargs,
    )


def stored(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def open_tasks(case: Case, kind: str = identification_clocks.DECISION_DUE) -> list[Task]:
    return list(Task.objects.filter(case=case, kind=kind, status=Task.Status.OPEN))


# --- presumed in one transaction -------------------------------------------------


def test_r03_a_positive_reasonable_grounds_decision_sets_all_three_at_once() -> None:
    # given
    t = team()
    # when
    with time_machine.travel(TODAY, tick=False):
        decision = record(t.police, t.case)
    # then
    case = stored(t.case)
    assert case.identification_status == S.PRESUMED
    assert case.removal_protected
    assert case.assistance_eligible
    period = ReflectionPeriod.objects.get(case=case)
    assert (period.starts_on, period.granted_days) == (TODAY, 30)
    assert period.started_by_decision == str(decision.id)
    assert decision.transition is not None
    assert decision.transition.to_status == S.PRESUMED


def test_r03_nothing_is_left_when_the_transaction_fails_after_the_period_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: opening the period-end deadline fails, after the period was started
    t = team()
    real_task_open = deadline_services.task_open

    def failing_task_open(**kwargs: Any) -> Task:
        if kwargs["kind"] == assistance_clocks.REFLECTION_PERIOD_END:
            assert ReflectionPeriod.objects.filter(case=t.case).exists()
            raise RuntimeError("the database went away")
        return real_task_open(**kwargs)

    monkeypatch.setattr(deadline_services, "task_open", failing_task_open)
    # when
    with pytest.raises(RuntimeError):
        record(t.police, t.case)
    # then: no status change, no protection, no period, no decision, no deadline moved
    case = stored(t.case)
    assert case.identification_status == S.POTENTIAL
    assert not case.removal_protected
    assert not ReflectionPeriod.objects.filter(case=case).exists()
    assert not IdentificationDecision.objects.filter(case=case).exists()
    assert case.transitions.count() == 1  # intake only
    assert [task.detail for task in open_tasks(case)] == [{"decision_type": RG}]


def test_r03_a_negative_decision_grants_no_protection_and_starts_no_period() -> None:
    # given
    t = team()
    # when
    decision = record(t.police, t.case, outcome="negative", reasons="No indication of a means.")
    # then
    case = stored(t.case)
    assert case.identification_status == S.NOT_IDENTIFIED
    assert not case.removal_protected
    assert not ReflectionPeriod.objects.filter(case=case).exists()
    assert decision.transition is not None
    assert open_tasks(case) == []


def test_r03_r15_a_positive_decision_on_an_already_presumed_case_starts_the_period() -> None:
    # given: presumed through a plain status change, without a decision
    t = team()
    case_services.case_transition(
        pathway_decision=True,
        actor=t.police,
        case_id=t.case.id,
        to_status=S.PRESUMED,
        reasons="Urgent.",
        legal_basis="Test Act s. 1",
    )
    # when
    decision = record(t.police, t.case)
    # then: no second transition; the period starts all the same
    assert decision.transition is None
    assert ReflectionPeriod.objects.filter(case=t.case).exists()
    assert stored(t.case).identification_status == S.PRESUMED


# --- no screening needed ---------------------------------------------------------


def test_r04_a_case_whose_only_screening_is_insufficient_can_still_be_presumed() -> None:
    # given: one screening, which found too few indicators
    t = team()
    indicator_set = IndicatorSet.objects.create(
        key="adults_labour",
        version=1,
        title="Adults, labour",
        audience="adults",
        content_hash="0" * 64,
        loaded_at=timezone.now(),
    )
    Screening.objects.create(
        case=t.case,
        indicator_set=indicator_set,
        screened_at=timezone.now(),
        screened_by=t.ngo,
        organisation=org_of(t.ngo),
        treated_as_child=False,
        outcome="insufficient_indicators_recorded",
        result={"outcome": "insufficient_indicators_recorded"},
    )
    # when
    record(t.police, t.case, reasons="The person's own account is credible.")
    # then
    assert stored(t.case).identification_status == S.PRESUMED


# --- papers about a child ----------------------------------------------------------


@pytest.mark.parametrize("served_to", [None, "representative", "local_authority"])
def test_r10_a_decision_about_a_presumed_child_goes_to_the_representative_or_authority(
    served_to: str | None,
) -> None:
    # given
    t = team(child=True, estimated_age_min=15, estimated_age_max=17)
    # when
    decision = record(t.police, t.case, served_to=served_to)
    # then
    assert decision.served_to == (served_to or "representative")


def test_r10_a_decision_served_on_the_child_directly_is_refused() -> None:
    # given
    t = team(child=True)
    # when
    with pytest.raises(errors.ServedToInvalid) as caught:
        record(t.police, t.case, outcome="negative", served_to="person")
    # then
    assert (caught.value.code, caught.value.field) == ("child_served_directly", "served_to")
    assert stored(t.case).identification_status == S.POTENTIAL


def test_r10_an_adult_is_served_in_person_unless_told_otherwise() -> None:
    # given
    first, second = team(), team()
    # when
    default = record(first.police, first.case)
    chosen = record(second.police, second.case, served_to="representative")
    # then
    assert (default.served_to, chosen.served_to) == ("person", "representative")


def test_it_refuses_an_unknown_recipient_for_an_adult() -> None:
    # given
    t = team()
    # when
    with pytest.raises(errors.ServedToInvalid) as caught:
        record(t.police, t.case, served_to="neighbour")
    # then
    assert caught.value.code == "served_to_invalid"


# --- order, gap, who decides, reasons ------------------------------------------------


def test_r17_a_conclusive_decision_before_reasonable_grounds_is_refused() -> None:
    # given
    t = team()
    # when
    with pytest.raises(errors.PreviousDecisionRequired) as caught:
        record(t.police, t.case, CG)
    # then
    assert caught.value.code == "previous_decision_required"
    assert stored(t.case).identification_status == S.POTENTIAL


def test_r17_a_conclusive_decision_after_a_negative_reasonable_grounds_is_refused() -> None:
    # given
    t = team()
    record(t.police, t.case, outcome="negative", reasons="Not enough.")
    # when / then
    with pytest.raises(errors.PreviousDecisionRequired):
        record(t.police, t.case, CG)


def test_r17_a_conclusive_decision_less_than_30_days_after_is_refused_with_the_earliest_date() -> (
    None
):
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # when
    with (
        time_machine.travel(TODAY + timedelta(days=29), tick=False),
        pytest.raises(errors.MinimumGapNotReached) as caught,
    ):
        record(t.police, t.case, CG)
    # then
    assert caught.value.code == "minimum_gap_not_reached"
    assert caught.value.earliest == TODAY + timedelta(days=30)
    assert caught.value.field == "decided_on"
    assert stored(t.case).identification_status == S.PRESUMED


def test_r17_a_conclusive_decision_30_days_after_identifies_the_person() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    assert [task.due_at.date() for task in open_tasks(t.case)] == [TODAY + timedelta(days=45)]
    # when
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        decision = record(t.police, t.case, CG, reasons="Consistent evidence.")
    # then
    assert stored(t.case).identification_status == S.IDENTIFIED
    assert decision.standard_of_proof == "Balance of probabilities"
    assert open_tasks(t.case) == []


def test_r17_a_backdated_conclusive_decision_is_checked_against_its_own_date() -> None:
    # given: a reasonable-grounds decision recorded on time, 40 days ago
    t = team()
    with time_machine.travel(TODAY - timedelta(days=40), tick=False):
        record(t.police, t.case)
    with time_machine.travel(TODAY, tick=False):
        # when / then
        with pytest.raises(errors.MinimumGapNotReached):
            record(t.police, t.case, CG, decided_on=TODAY - timedelta(days=11))
        assert record(t.police, t.case, CG, decided_on=TODAY - timedelta(days=10)).outcome


def test_r17_the_gap_to_the_conclusive_decision_runs_from_the_day_it_was_recorded() -> None:
    # given: a reasonable-grounds decision recorded today but dated 40 days ago
    t = team()
    with time_machine.travel(TODAY, tick=False):
        rg = record(t.police, t.case, decided_on=TODAY - timedelta(days=40))
        # when / then: the 30 days run against real time, not the typed date
        with pytest.raises(errors.MinimumGapNotReached) as caught:
            record(t.police, t.case, CG, decided_on=TODAY)
    assert caught.value.earliest == TODAY + timedelta(days=30)
    assert rg.backdated
    assert [task.due_at.date() for task in open_tasks(t.case)] == [TODAY + timedelta(days=45)]
    with time_machine.travel(TODAY + timedelta(days=30), tick=False):
        assert record(t.police, t.case, CG).outcome == "positive"


def test_r15_a_late_decision_gives_the_full_period_from_the_day_it_is_recorded() -> None:
    # given
    t = team()
    # when: recorded today, dated 20 days ago
    with time_machine.travel(TODAY, tick=False):
        decision = record(t.police, t.case, decided_on=TODAY - timedelta(days=20))
    # then: the period starts on the typed date but ends 30 days after today
    period = ReflectionPeriod.objects.get(case=t.case)
    assert period.starts_on == TODAY - timedelta(days=20)
    assert period.ends_on == TODAY + timedelta(days=30)
    assert period.granted_days == 50
    assert decision.backdated
    end = Task.objects.get(case=t.case, kind=assistance_clocks.REFLECTION_PERIOD_END)
    assert end.due_at.date() == TODAY + timedelta(days=30)


def test_r17_a_decision_cannot_be_dated_before_the_case_was_opened() -> None:
    # given
    t = team()
    # when / then
    with (
        time_machine.travel(TODAY, tick=False),
        pytest.raises(errors.DecisionBeforeCaseOpened) as caught,
    ):
        record(t.police, t.case, decided_on=OPENED - timedelta(days=1))
    assert caught.value.code == errors.ErrorCode.DECISION_BEFORE_CASE_OPENED
    assert caught.value.field == "decided_on"
    assert not IdentificationDecision.objects.filter(case=t.case).exists()


def test_r01_a_decision_without_a_legal_basis_is_refused() -> None:
    # given
    t = team()
    # when / then
    with pytest.raises(errors.LegalBasisRequired) as caught:
        record(t.police, t.case, legal_basis="  ")
    assert caught.value.code == errors.ErrorCode.LEGAL_BASIS_REQUIRED
    assert caught.value.field == "legal_basis"
    assert stored(t.case).identification_status == S.POTENTIAL


def test_r17_an_organisation_type_the_pathway_does_not_name_is_refused() -> None:
    # given: the NGO leads the case but takes no decision; the police on the team do
    t = team()
    # when
    with pytest.raises(errors.DecisionOrgTypeNotAllowed) as caught:
        record(t.ngo, t.case)
    allowed = record(t.police, t.case)
    # then
    assert caught.value.code == "org_type_may_not_decide"
    assert "Police" in caught.value.message
    assert allowed.organisation == org_of(t.police)


@pytest.mark.parametrize("outcome", ["positive", "negative"])
@pytest.mark.parametrize(
    "reasons",
    [
        "",
        "   ",
        "The information available does not give reasonable grounds to believe that "
        "the person is a victim of trafficking, because: ",
    ],
)
def test_r17_a_decision_without_reasons_is_refused(outcome: str, reasons: str) -> None:
    # given: blank, or the pathway's template left as it was
    t = team()
    if outcome == "positive" and reasons.startswith("The information"):
        reasons = (
            "There are reasonable grounds to believe that the person is a victim of trafficking: "
        )
    # when
    with pytest.raises(errors.ReasonsRequired) as caught:
        record(t.police, t.case, outcome=outcome, reasons=reasons)
    # then
    assert (caught.value.code, caught.value.field) == ("reasons_required", "reasons")


def test_r17_a_negative_decision_keeps_reasons_that_can_be_given_to_the_person() -> None:
    # given
    t = team()
    # when
    decision = record(t.police, t.case, outcome="negative", reasons="  No means established.  ")
    # then: encrypted under the person's key, readable for the person
    assert b"No means" not in bytes(decision.reasons_enc)
    key = stored(t.case).person.data_key
    plain = vault.decrypt(key=key, ciphertext=decision.reasons_enc, context="decision.reasons")
    assert plain == "No means established."


def test_r17_a_second_positive_decision_of_the_same_type_is_refused() -> None:
    # given
    t = team()
    record(t.police, t.case)
    # when / then
    with pytest.raises(errors.DecisionAlreadyRecorded):
        record(t.police, t.case, outcome="negative", reasons="Changed my mind.")


def test_r17_a_decision_cannot_predate_the_earlier_one_of_its_type() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case, outcome="negative", reasons="Not enough.")
        # when / then
        with pytest.raises(errors.DecisionDateInvalid):
            record(t.police, t.case, decided_on=TODAY - timedelta(days=1))


def test_it_refuses_a_decision_dated_in_the_future() -> None:
    # given
    t = team()
    # when
    with pytest.raises(errors.DecisionDateInvalid) as caught:
        record(t.police, t.case, decided_on=timezone.localdate() + timedelta(days=1))
    # then
    assert caught.value.field == "decided_on"


def test_it_refuses_an_unknown_decision_type_an_outcome_and_a_long_legal_basis() -> None:
    # given
    t = team()
    # then
    with pytest.raises(errors.DecisionTypeUnknown):
        record(t.police, t.case, "first_look")
    with pytest.raises(case_errors.InvalidInput) as outcome:
        record(t.police, t.case, outcome="maybe")
    with pytest.raises(case_errors.InvalidInput) as basis:
        record(t.police, t.case, legal_basis="x" * 201)
    assert (outcome.value.code, basis.value.field) == ("outcome_invalid", "legal_basis")


def test_it_gives_outsiders_the_same_answer_as_for_a_missing_case() -> None:
    # given
    t = team()
    outsider = make_user(org_type=OrgType.POLICE)
    # then
    with pytest.raises(case_errors.CaseNotFound):
        record(outsider, t.case)
    with pytest.raises(case_errors.CaseNotFound):
        services.decision_record(
            actor=t.police,
            case_id="not-a-uuid",
            decision_type=RG,
            outcome="positive",
            reasons="x",
            legal_basis="Test Act s. 1",
        )


def test_it_refuses_a_team_member_who_does_not_see_the_legal_group() -> None:
    # given: a labour inspectorate on the team does not see legal data; police do
    t = team()
    inspector = make_user(org_type=OrgType.LABOUR_INSPECTORATE)
    add_to_team(case=t.case, organisation=org_of(inspector), by=t.ngo)
    # when / then
    with pytest.raises(case_errors.GroupNotAllowed):
        record(inspector, t.case)
    assert record(t.police, t.case).outcome == "positive"


def test_it_refuses_a_decision_on_an_erased_person() -> None:
    # given
    t = team()
    supervisor = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=org_of(t.ngo))
    case_services.person_erase(actor=supervisor, case_id=t.case.id)
    # when / then
    with pytest.raises(errors.PersonErased):
        record(t.police, t.case)


# --- deadlines ---------------------------------------------------------------------------


def test_r17_the_decisions_close_their_deadline_and_open_the_next_one() -> None:
    # given
    t = team()
    assert [task.detail for task in open_tasks(t.case)] == [{"decision_type": RG}]
    # when
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # then: RG done; CG due 45 days later with the police, who may take it
    done = Task.objects.get(case=t.case, detail__decision_type=RG)
    assert (done.status, done.closed_by) == (Task.Status.DONE, t.police)
    (conclusive,) = open_tasks(t.case)
    assert conclusive.detail == {"decision_type": CG}
    assert conclusive.due_at.date() == TODAY + timedelta(days=45)
    assert conclusive.assigned_organisation == org_of(t.police)
    (period_end,) = open_tasks(t.case, assistance_clocks.REFLECTION_PERIOD_END)
    assert period_end.due_at.date() == TODAY + timedelta(days=30)
    assert timezone.localdate(period_end.remind_at) == TODAY + timedelta(days=25)
    assert period_end.assigned_organisation == org_of(t.ngo)  # the case lead assists


def test_r17_the_next_deadline_goes_to_the_case_lead_when_the_decider_may_not_take_it() -> None:
    # given: social services may take reasonable grounds but not conclusive grounds
    t = team()
    social = make_user(org_type=OrgType.SOCIAL_SERVICES)
    add_to_team(case=t.case, organisation=org_of(social), by=t.ngo)
    # when
    record(social, t.case)
    # then
    (conclusive,) = open_tasks(t.case)
    assert conclusive.assigned_organisation == org_of(t.ngo)


# --- reconsideration (R-17) --------------------------------------------------------------


def test_r17_a_reconsideration_request_is_recorded_and_the_decision_falls_due_again() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
        # when
        request = services.reconsideration_request(
            actor=t.ngo, decision_id=negative.id, grounds="New medical evidence."
        )
    # then
    assert (request.status, request.requested_on, request.recorded_by) == ("open", TODAY, t.ngo)
    key = stored(t.case).person.data_key
    grounds = vault.decrypt(
        key=key, ciphertext=request.grounds_enc, context="reconsideration.grounds"
    )
    assert grounds == "New medical evidence."
    (due,) = open_tasks(t.case)
    assert due.detail == {"decision_type": RG, "reconsideration": request.pk}
    assert due.due_at.date() == date(2026, 12, 4)  # five working days
    assert due.assigned_organisation == org_of(t.police)  # who took the decision
    event = AuditEvent.objects.filter(object_type="identification.Reconsideration").get()
    assert (event.action, event.field_groups) == (Action.CREATE, FieldGroup.LEGAL)


def test_r17_a_later_decision_of_the_same_type_decides_the_open_request() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    request = services.reconsideration_request(
        actor=t.ngo, decision_id=negative.id, grounds="New evidence."
    )
    # when
    positive = record(t.police, t.case, reasons="The new evidence is credible.")
    # then
    request.refresh_from_db()
    assert (request.status, request.new_decision) == ("decided", positive)
    assert stored(t.case).identification_status == S.PRESUMED
    assert ReflectionPeriod.objects.filter(case=t.case).exists()
    assert [task.detail for task in open_tasks(t.case)] == [{"decision_type": CG}]


def test_r17_a_negative_decision_upheld_on_reconsideration_changes_no_status() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds="Look again.")
    # when
    upheld = record(t.police, t.case, outcome="negative", reasons="Still not enough.")
    # then
    assert upheld.transition is None
    assert stored(t.case).transitions.count() == 2  # intake and the first decision


def test_r17_only_the_latest_negative_decision_without_an_open_request_can_be_reconsidered() -> (
    None
):
    # given
    t = team()
    first = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    services.reconsideration_request(actor=t.ngo, decision_id=first.id, grounds="Look again.")
    # when
    with pytest.raises(errors.ReconsiderationNotAllowed) as twice:
        services.reconsideration_request(actor=t.ngo, decision_id=first.id, grounds="Again.")
    second = record(t.police, t.case, outcome="negative", reasons="Still not enough.")
    with pytest.raises(errors.ReconsiderationNotAllowed) as superseded:
        services.reconsideration_request(actor=t.ngo, decision_id=first.id, grounds="Again.")
    positive = record(t.police, t.case, reasons="Now yes.")
    with pytest.raises(errors.ReconsiderationNotAllowed) as of_positive:
        services.reconsideration_request(actor=t.ngo, decision_id=positive.id, grounds="Why?")
    # then
    assert twice.value.code == "reconsideration_open"
    assert superseded.value.code == "decision_superseded"
    assert of_positive.value.code == "reconsideration_of_positive_decision"
    assert second.outcome == "negative"


def test_a_reconsideration_request_needs_grounds_and_a_sensible_date() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
        # then
        with pytest.raises(errors.GroundsRequired):
            services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds=" ")
        with pytest.raises(errors.DecisionDateInvalid):
            services.reconsideration_request(
                actor=t.ngo,
                decision_id=negative.id,
                grounds="x",
                requested_on=TODAY - timedelta(days=1),
            )
    assert not Reconsideration.objects.exists()


def test_a_reconsideration_request_on_a_hidden_or_missing_decision_is_not_found() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    outsider = make_user(org_type=OrgType.NGO)
    # then
    for actor, decision_id in (
        (outsider, negative.id),
        (t.ngo, "00000000-0000-0000-0000-000000000000"),
        (t.ngo, "nonsense"),
    ):
        with pytest.raises(errors.DecisionNotFound):
            services.reconsideration_request(actor=actor, decision_id=decision_id, grounds="x")
    allowed = services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds="x")
    assert allowed.decision_id == negative.id


def test_a_decision_type_dropped_from_the_pathway_cannot_be_reconsidered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a stored decision of a type the pathway no longer has
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    IdentificationDecision.objects.filter(pk=negative.pk).update(decision_type="old_type")
    # when / then
    with pytest.raises(errors.DecisionTypeUnknown):
        services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds="x")


def test_every_decision_is_audited_in_the_legal_group() -> None:
    # given
    t = team()
    # when
    decision = record(t.police, t.case)
    # then
    event = AuditEvent.objects.get(object_id=str(decision.id))
    assert (event.action, event.field_groups, event.purpose) == (
        Action.CREATE,
        FieldGroup.LEGAL,
        "identification",
    )
    assert event.detail == {"decision_type": RG, "outcome": "positive"}
    assert "Credible" not in str(event.detail)


def test_the_database_refuses_a_reflection_period_below_30_days() -> None:
    # given
    t = team()
    # when / then (R-15, the last line of defence)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReflectionPeriod.objects.create(
            case=t.case, starts_on=TODAY, granted_days=29, ends_on=TODAY + timedelta(days=29)
        )
