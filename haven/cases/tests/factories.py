"""Cases for tests, opened through the real intake service (so they are encrypted)."""

from __future__ import annotations

from typing import Any

from haven.access import services as access_services
from haven.accounts.models import Organisation, User
from haven.cases import services
from haven.cases.models import Case, ExploitationForm


def open_case(
    *, actor: User, narrative: str = "", forms: list[str] | None = None, **person: Any
) -> Case:
    defaults: dict[str, Any] = {
        "given_name": "Aino",
        "family_name": "Testinen",
        "age_status": "verified_adult",
        "contact": "+358 40 000 0000",
        "current_location": "Safe house 7, Testikatu 1",
        "health_notes": "Needs follow-up for an injured wrist.",
    }
    defaults.update(person)
    return services.case_open(
        actor=actor,
        person=services.PersonInput(**defaults),
        forms_of_exploitation=forms if forms is not None else [ExploitationForm.LABOUR],
        narrative=narrative,
    )


def add_to_team(*, case: Case, organisation: Organisation, by: User | None = None) -> None:
    access_services.team_member_add(case_id=case.id, organisation=organisation, by=by)
