"""Child cases for tests, opened through the real intake service."""

from __future__ import annotations

from typing import Any

from haven.accounts.models import User
from haven.cases.models import Case
from haven.cases.tests.factories import open_case


def open_child_case(*, actor: User, **person: Any) -> Case:
    """A person of uncertain age estimated at 15 to 17: presumed a child (R-10)."""
    fields: dict[str, Any] = {
        "age_status": "uncertain",
        "estimated_age_min": 15,
        "estimated_age_max": 17,
    }
    fields.update(person)
    return open_case(actor=actor, **fields)


def appoint_guardian(*, actor: User, case: Case, name: str = "Ilona Holhooja") -> None:
    """A guardian appointed today, through the real service (R-11): from then on
    the guardian can consent for the child."""
    from django.utils import timezone

    from haven.children.services import guardians

    guardians.guardian_appoint(
        actor=actor, case_id=case.id, guardian_name=name, appointed_on=timezone.localdate()
    )
