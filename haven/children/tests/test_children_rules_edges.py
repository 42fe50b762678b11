"""Rule branches of the guardian and family-tracing services and the children
selectors that the scenario tests do not reach (R-11)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases import services as case_services
from haven.cases.tests.test_api import org_of
from haven.children import errors, selectors, services
from haven.children.models import FamilyTracing, GuardianAppointment, TracingStatus
from haven.children.services.guardians import CONTACT_MAX
from haven.children.tests.factories import open_child_case
from haven.children.tests.test_family_tracing import REASON, start

pytestmark = pytest.mark.django_db


def appoint(**changes: Any) -> GuardianAppointment:
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    return services.guardian_appoint(
        **{
            "actor": caseworker,
            "case_id": case.id,
            "guardian_name": "Ilona Holhooja",
            "appointed_on": timezone.localdate(),
            **changes,
        }
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "godparent"}, "kind"),
        ({"contact": "x" * (CONTACT_MAX + 1)}, "contact"),
        ({"guardian_organisation_id": uuid.uuid4()}, "guardian_organisation"),
    ],
)
def test_it_refuses_a_guardian_of_an_unknown_kind_contact_or_organisation(
    changes: dict[str, Any], field: str
) -> None:
    # given / when
    with pytest.raises(errors.GuardianInputInvalid) as refused:
        appoint(**changes)
    # then
    assert refused.value.field == field
    assert not GuardianAppointment.objects.exists()


def test_it_refuses_a_tracing_by_an_unknown_organisation() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    with pytest.raises(errors.TracingInputInvalid) as refused:
        services.family_tracing_start(
            actor=caseworker,
            case_id=case.id,
            best_interests_reason=REASON,
            started_on=timezone.localdate(),
            traced_by_id=uuid.uuid4(),
        )
    # then
    assert refused.value.field == "traced_by"
    assert not FamilyTracing.objects.exists()


def test_it_records_progress_on_a_tracing_without_an_outcome() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    tracing = start(caseworker, case)
    # when
    updated = services.family_tracing_update(
        actor=caseworker,
        tracing_id=tracing.pk,
        status=TracingStatus.UNDER_WAY,
        outcome="  ",
        updated_on=timezone.localdate(),
        version=1,
    )
    # then
    row = FamilyTracing.objects.get(pk=updated.pk)
    assert (row.status, row.outcome_enc) == (TracingStatus.UNDER_WAY, None)


def test_it_shows_no_tracing_reason_once_the_child_is_erased() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    start(caseworker, case)
    boss = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=org_of(caseworker))
    case_services.person_erase(actor=boss, case_id=case.id)
    # when
    view = selectors.family_tracing_list(user=caseworker, case_id=case.id)
    # then
    assert [t.best_interests_reason for t in view.tracings] == [""]
