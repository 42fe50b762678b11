"""Return plans for tests, written through the real services (so they are
encrypted and audited)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.cases.models import Case
from haven.justice.models import ClaimSource, ClaimStatus, CompensationClaim
from haven.returns import services
from haven.returns.models import ReturnPlan

WISHES = "I want to go home to my mother in Lviv and finish my nursing course."


def load_profiles() -> None:
    services.country_profiles_load_shipped()


def plan_input(**overrides: Any) -> services.PlanInput:
    """A complete plan for Ukraine: every risk rated and dated today."""
    data = services.PlanInput(
        country="UA",
        wishes=WISHES,
        voluntariness="voluntary",
        risk_retrafficking="medium",
        risk_reprisals="low",
        risk_family="low",
        risk_notes="The recruiter knows her home town.",
        risk_assessed_on=timezone.localdate(),
        willingness="adequate",
        capacity="limited",
        focal_point="Ministry of Social Policy, counter-trafficking focal point",
        partner_name="Nadiya Reintegration Network (Kyiv)",
        contacts_police=True,
        contacts_ngos=True,
        contacts_lawyers=True,
        contacts_social_welfare=True,
        planned_on=timezone.localdate() + timedelta(days=14),
    )
    return replace(data, **overrides)


def make_plan(*, actor: User, case: Case, **overrides: Any) -> ReturnPlan:
    return services.return_plan_create(actor=actor, case_id=case.id, plan=plan_input(**overrides))


def open_claim(*, case: Case, by: User) -> CompensationClaim:
    """An open compensation claim (test set-up: justice records claims directly)."""
    return CompensationClaim.objects.create(
        case=case,
        source=ClaimSource.OFFENDER,
        status=ClaimStatus.FILED,
        amount_claimed=Decimal("12000.00"),
        recorded_at=timezone.now(),
        recorded_by=by,
    )


def partner_in(country: str = "UA") -> Organisation:
    from haven.accounts.tests.factories import OrganisationFactory

    return OrganisationFactory.create(name="Nadiya Reintegration Network", country=country)
