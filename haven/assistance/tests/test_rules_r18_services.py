"""R-18: no sequence of cooperation changes alters eligibility for any service
(Dir Art. 11(3), CETS Art. 12(6); CBSS 2014: presumed victims too); nor do
proceedings, protective measures, legal aid, compensation or a compelled offence
(R-33: never a negative indicator).

Modelled on ``test_rules_r18.py``: two identical cases go through the same
random sequence of identification decisions and waits; only one of them also
collects cooperation changes (recorded cooperation and witness status, and the
person's consent to the police for the investigation given, withdrawn or
refused). After every step every service in the catalogue is open to both, for
the same reason.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from haven.access import services as access_services
from haven.access.models import Consent, FieldGroup, Purpose
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.assistance import eligibility
from haven.assistance.catalogue import ServiceType
from haven.assistance.errors import ErrorCode
from haven.assistance.models import PROTECTED_CLOSURE_GROUNDS, ClosureGround, ReflectionPeriod
from haven.assistance.services import plans as plan_services
from haven.assistance.tests import test_rules_r18 as rule_scan
from haven.assistance.tests.test_rules_r18 import Action, _apply
from haven.assistance.tests.test_rules_r18 import World as DecisionWorld
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.identification.models import Outcome
from haven.justice import selectors as justice_selectors
from haven.justice import services as justice_services
from haven.justice import services_remedies as remedies
from haven.justice.models import Proceeding
from haven.lib.errors import HavenError

START = date(2026, 3, 2)

identification_steps = st.one_of(
    st.tuples(
        st.just("decide"),
        st.tuples(
            st.sampled_from(["reasonable_grounds", "conclusive_grounds"]),
            st.sampled_from(Outcome.values),
        ),
    ),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=40)),
    st.tuples(st.just("reconsider"), st.none()),
)
REMEDIES = ("proceeding", "proceeding_end", "measure", "claim", "legal_aid", "compelled_offence")
cooperation_steps = st.one_of(
    # cooperates with the authorities, is a witness, recorded this many days ago
    st.tuples(
        st.just("cooperation"),
        st.tuples(st.booleans(), st.booleans(), st.integers(min_value=0, max_value=400)),
    ),
    st.tuples(st.just("consent_give"), st.none()),
    st.tuples(st.just("consent_withdraw"), st.none()),
    st.tuples(st.just("consent_refuse"), st.none()),
    # proceedings, protection, legal aid, compensation, a compelled offence
    st.tuples(st.just("remedy"), st.sampled_from(REMEDIES)),
)
# closing assistance, on a ground from the list or on one that never is
NOT_A_GROUND = "does_not_cooperate_with_the_police"
closure_steps = st.tuples(st.just("close"), st.sampled_from([*ClosureGround.values, NOT_A_GROUND]))
steps_strategy = st.lists(
    st.one_of(identification_steps, cooperation_steps, closure_steps), max_size=12
)


@dataclass
class Twins:
    world: DecisionWorld  # with_notes collects the cooperation changes
    police: User

    @property
    def cooperating(self) -> Case:
        return self.world.with_notes

    @property
    def twin(self) -> Case:
        return self.world.without_notes


def _twins() -> Twins:
    ngo = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    supervisor = make_user(org_type=OrgType.POLICE, organisation=police.organisation)
    with time_machine.travel(START - timedelta(days=1), tick=False):  # opened before START
        cases = [open_case(actor=ngo) for _twin in range(2)]
    for case in cases:
        add_to_team(case=case, organisation=police.organisation, by=ngo)
    return Twins(DecisionWorld(ngo, police, supervisor, *cases), police)


def _consent_give(twins: Twins) -> None:
    case = twins.cooperating
    access_services.consent_record(
        actor=twins.world.ngo,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        purpose=Purpose.INVESTIGATION,
        field_groups=[FieldGroup.LEGAL, FieldGroup.NARRATIVE],
        given_on=timezone.localdate(),
        language="en",
        information_given="What the police will read, and that help does not depend on it.",
        recipient_organisation=twins.police.organisation,
    )


def _consents_withdraw(twins: Twins) -> None:
    case = twins.cooperating
    for consent in Consent.objects.filter(case=case, withdrawn_at__isnull=True):
        access_services.consent_withdraw(
            actor=twins.world.ngo, consent_id=consent.id, person_id=case.person_id
        )


def _cooperation(twins: Twins, value: tuple[bool, bool, int]) -> None:
    cooperates, witness, days_ago = value
    justice_services.cooperation_record(
        actor=twins.world.ngo,
        case_id=twins.cooperating.id,
        cooperates_with_authorities=cooperates,
        is_witness=witness,
        recorded_on=timezone.localdate() - timedelta(days=days_ago),
    )


def _remedy(twins: Twins, kind: str) -> None:
    """A remedy recorded on the cooperating case (R-33 to R-37): never read by a rule."""
    actor, case_id, today = twins.world.ngo, twins.cooperating.id, timezone.localdate()
    running = Proceeding.objects.filter(case_id=case_id, ended_on__isnull=True).first()
    if kind == "proceeding" or (running is None and kind in ("proceeding_end", "measure")):
        remedies.proceeding_record(
            actor=actor,
            case_id=case_id,
            kind="criminal",
            stage="trial",
            authority="District court",
            person_role="witness",
            started_on=today,
        )
    elif kind == "proceeding_end" and running is not None:
        remedies.proceeding_stage_change(
            actor=actor,
            case_id=case_id,
            proceeding_id=running.pk,
            to_stage="ended",
            changed_on=today,
            outcome="acquittal",
        )
    elif kind == "measure" and running is not None:
        measure = remedies.protective_measure_request(
            actor=actor,
            case_id=case_id,
            proceeding_id=running.pk,
            kind="no_contact",
            for_whom="person",
            asked_on=today,
        )
        remedies.protective_measure_decide(
            actor=actor,
            case_id=case_id,
            measure_id=measure.pk,
            decision="refused",
            decided_on=today,
        )
    elif kind == "claim":
        claim = remedies.claim_record(actor=actor, case_id=case_id, source="offender")
        remedies.asset_record(
            actor=actor, case_id=case_id, claim_id=claim.pk, description="Car", status="frozen"
        )
    elif kind == "legal_aid":
        remedies.legal_aid_record(
            actor=actor, case_id=case_id, free_aid="refused", applied_on=today, decided_on=today
        )
    else:
        remedies.compelled_offence_flag(
            actor=actor,
            case_id=case_id,
            kind="theft",
            offence="Stole on orders.",
            link="Beaten when short of the quota.",
            recorded_on=today,
        )


def _apply_cooperation(twins: Twins, step: Action) -> None:
    """A cooperation change or a remedy, on the cooperating case only."""
    kind, value = step
    if kind == "remedy":
        _remedy(twins, value)
    elif kind == "cooperation":
        _cooperation(twins, value)
    elif kind == "consent_give":
        _consent_give(twins)
    elif kind == "consent_withdraw":
        _consents_withdraw(twins)
    else:  # refused: no consent to the police, and no cooperation
        _consents_withdraw(twins)
        _cooperation(twins, (False, False, 0))


def _close(twins: Twins, case: Case, ground: str) -> str:
    """Close assistance on ``ground`` and reopen it at once; "ok" or the refusal's code.
    Whenever a close is refused or allowed, the rule is checked (R-15, R-18)."""
    case = Case.objects.get(pk=case.pk)
    protected = case.identification_status == S.PRESUMED or eligibility.reflection_runs_on(
        ReflectionPeriod.objects.filter(case=case).first(), timezone.localdate()
    )
    try:
        plan_services.assistance_close(
            actor=twins.world.ngo,
            case_id=case.id,
            decided_on=timezone.localdate(),
            ground=ground,
            reasons="Closing.",
            exit_plan="Come back at any time.",
            person_view="I want to stop for now.",
        )
    except HavenError as refused:
        answer = str(refused.code)
    else:
        answer = "ok"
        plan_services.assistance_reopen(actor=twins.world.ngo, case_id=case.id, reasons="Back.")
    if ground == NOT_A_GROUND:
        assert answer == ErrorCode.CLOSURE_GROUND_INVALID
    elif protected and ground not in PROTECTED_CLOSURE_GROUNDS:
        assert answer == ErrorCode.CLOSURE_GROUND_NOT_PERMITTED
    else:
        assert answer == "ok"
    return answer


def eligibility_of(case: Case) -> list[tuple[str, bool, str]]:
    """Every service's eligibility, as a planner would get it now."""
    case = Case.objects.select_related("person").get(pk=case.pk)
    closure = plan_services.closure_in_force(case.id)
    answers = []
    for service_type in ServiceType.values:
        result = eligibility.service_eligibility(
            case=case, service_type=service_type, closure=closure
        )
        answers.append((service_type, result.eligible, str(result.reason)))
    return answers


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps_strategy)
@example(
    steps=[
        ("cooperation", (False, False, 0)),
        ("consent_refuse", None),
        ("decide", ("reasonable_grounds", "positive")),
        ("consent_give", None),
        ("cooperation", (True, True, 3)),
        ("wait", 30),
        ("consent_withdraw", None),
        ("decide", ("conclusive_grounds", "negative")),
        ("cooperation", (False, True, 0)),
        ("remedy", "compelled_offence"),
        ("remedy", "measure"),
        ("remedy", "claim"),
        ("remedy", "legal_aid"),
        ("remedy", "proceeding_end"),
    ]
)
@example(
    steps=[
        ("cooperation", (False, False, 0)),
        ("close", NOT_A_GROUND),
        ("close", "no_longer_needed"),
        ("decide", ("reasonable_grounds", "positive")),
        ("close", "no_longer_needed"),
        ("close", "persons_wish"),
        ("wait", 35),
        ("decide", ("conclusive_grounds", "positive")),
        ("close", "no_longer_needed"),
    ]
)
def test_r18_no_sequence_of_cooperation_changes_alters_eligibility_or_closure(
    steps: list[Action],
) -> None:
    # given: twin cases, the same team
    twins = _twins()
    with time_machine.travel(START, tick=False) as traveller:
        for step in steps:
            # when
            if step[0] == "wait":
                traveller.shift(timedelta(days=step[1]))
            elif step[0] in ("decide", "reconsider"):
                cooperating = _apply(twins.world, twins.cooperating, step)
                twin = _apply(twins.world, twins.twin, step)
                assert cooperating == twin
            elif step[0] == "close":
                # closing answers the same whatever the cooperation
                assert _close(twins, twins.cooperating, step[1]) == _close(
                    twins, twins.twin, step[1]
                )
            else:
                _apply_cooperation(twins, step)
            # then
            answers = eligibility_of(twins.cooperating)
            assert answers == eligibility_of(twins.twin)
            assert all(eligible for _type, eligible, _reason in answers)


@pytest.mark.django_db
def test_r18_a_presumed_victim_who_refuses_to_cooperate_is_eligible_for_every_service() -> None:
    # given: reasonable grounds, then the person refuses to cooperate and is no witness
    twins = _twins()
    with time_machine.travel(START, tick=False):
        assert (
            _apply(twins.world, twins.cooperating, ("decide", ("reasonable_grounds", "positive")))
            == "ok"
        )
        _apply_cooperation(twins, ("consent_refuse", None))
        # when
        answers = eligibility_of(twins.cooperating)
    # then
    case = Case.objects.get(pk=twins.cooperating.pk)
    assert case.identification_status == S.PRESUMED
    assert [service for service, eligible, _reason in answers if eligible] == ServiceType.values
    history = justice_selectors.cooperation_history(user=twins.world.ngo, case_id=case.id)
    assert history.current is not None
    assert (history.current.cooperates_with_authorities, history.current.is_witness) == (
        False,
        False,
    )


def test_r18_the_static_scan_covers_the_module_that_defines_service_eligibility() -> None:
    # given: wherever service_eligibility lives now (it could move)
    defined_in = Path(inspect.getfile(eligibility.service_eligibility)).resolve()
    # then: the scan of test_rules_r18 reads that very file
    assert defined_in in {path.resolve() for path in rule_scan.rule_modules()}
