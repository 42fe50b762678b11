"""The demo's returns (issue 17), seeded through the returns services.

- The country return profiles shipped with Haven (two of them stale, to show the flag).
- A return being prepared for a woman with an open compensation claim: the plan
  is complete, and its warning ("open proceedings or a compensation claim") waits
  for a named person to acknowledge it with a reason before approval.
- A woman who returned to Estonia forty days ago. Her partner there is named from
  the profile; it is not on the case team (sharing across the border goes through
  the cross-border package, never a team membership without consent), so the
  Finnish NGO that sent her holds the follow-ups after return (1, 3, 6 and 12
  months) and makes the contacts through the partner. The first is already
  missed, so the seed's deadline sweep escalates it to the NGO's supervisor. Her
  reintegration plan has goals, one under way.

Justice has no service for compensation claims yet: the demo records the claim
row directly (synthetic, one row) until it has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from haven.accounts.models import OrgType, Role, User
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case, ExploitationForm, Sex
from haven.justice import services_remedies as remedies
from haven.justice.models import ClaimSource
from haven.returns import services as return_services

RETURN_CASES = 2
RETURNED_DAYS_AGO = 40


@dataclass
class ReturnCounts:
    profiles: int = 0
    plans: int = 0
    follow_ups: int = 0


def _open(
    actor: User, given: str, family: str, born: date, citizenship: str, language: str
) -> Case:
    return case_services.case_open(
        actor=actor,
        person=case_services.PersonInput(
            age_status=AgeStatus.VERIFIED_ADULT,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=Sex.FEMALE,
            citizenships=[citizenship],
            languages=[language],
        ),
        forms_of_exploitation=[ExploitationForm.LABOUR],
        narrative="Worked in a greenhouse for a year without pay; the employer kept her passport.",
    )


def _prepared_with_a_claim(caseworker: User, today: date) -> None:
    case = _open(caseworker, "Oksana", "Demchenko", date(1992, 3, 8), "UA", "uk")
    remedies.claim_record(  # the case lead records it: she reads the legal group
        actor=caseworker,
        case_id=case.id,
        source=ClaimSource.OFFENDER,
        amount_claimed=Decimal("14500.00"),
        filed_on=today - timedelta(days=60),
    )
    return_services.return_plan_create(
        actor=caseworker,
        case_id=case.id,
        plan=return_services.PlanInput(
            country="UA",
            wishes="I want to go back to my daughter in Lviv before the school year starts.",
            voluntariness="voluntary",
            risk_retrafficking="medium",
            risk_reprisals="medium",
            risk_family="low",
            risk_notes="The recruiter is from a village near her home town.",
            risk_assessed_on=today,
            willingness="adequate",
            capacity="limited",
            focal_point="Ministry of Social Policy, counter-trafficking focal point",
            partner_name="Lviv Women's Support Centre",
            contacts_police=True,
            contacts_ngos=True,
            contacts_lawyers=False,
            contacts_social_welfare=True,
            proceedings_status="open",
            planned_on=today + timedelta(days=21),
        ),
    )


def _returned_to_estonia(caseworker: User, today: date) -> int:
    case = _open(caseworker, "Kadri", "Tamm", date(1988, 11, 2), "EE", "et")
    returned_on = today - timedelta(days=RETURNED_DAYS_AGO)
    plan = return_services.return_plan_create(
        actor=caseworker,
        case_id=case.id,
        plan=return_services.PlanInput(
            country="EE",
            wishes="Home to Tartu, near my sister; I want to train as a cook.",
            voluntariness="voluntary",
            risk_retrafficking="low",
            risk_reprisals="low",
            risk_family="low",
            risk_assessed_on=returned_on - timedelta(days=20),
            willingness="adequate",
            capacity="adequate",
            focal_point="Social Insurance Board, victim support focal point",
            partner_name="Tallinn Victim Support Centre network",
            contacts_police=True,
            contacts_ngos=True,
            contacts_lawyers=True,
            contacts_social_welfare=True,
            planned_on=returned_on,
        ),
    )
    for action in ("approve", "mark_returned"):
        return_services.return_plan_transition(
            actor=caseworker, plan_id=plan.id, action=action, returned_on=returned_on
        )
    goal = return_services.reintegration_goal_add(
        actor=caseworker, plan_id=plan.id, area="training", goal="A cook's course in Tartu."
    )
    return_services.reintegration_goal_add(
        actor=caseworker, plan_id=plan.id, area="housing", goal="A rented room of her own."
    )
    return_services.reintegration_goal_update(
        actor=caseworker, goal_id=goal.id, outcome="under_way", note="Enrolled.", version=1
    )
    return plan.follow_ups.count()


def seed_returns(*, users: Mapping[tuple[str, str, str], User], today: date) -> ReturnCounts:
    """The profiles, a return being prepared and a returned person (see the module)."""
    counts = ReturnCounts()
    counts.profiles = len(return_services.country_profiles_load_shipped())
    caseworker = users[("FI", OrgType.NGO, Role.CASEWORKER)]
    _prepared_with_a_claim(caseworker, today)
    counts.follow_ups = _returned_to_estonia(caseworker, today)
    counts.plans = RETURN_CASES
    return counts
