"""Reads of proceedings and compensation claims: the open-remedies count a
return plan warns on (P3) and the audited read of them all (legal group)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.cases import errors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.justice import selectors
from haven.justice.models import (
    ClaimSource,
    ClaimStatus,
    CompensationClaim,
    PersonRole,
    Proceeding,
    ProceedingKind,
    ProceedingStage,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


def proceeding(case: Case, by: User, *, ended_on: date | None = None) -> Proceeding:
    return Proceeding.objects.create(
        case=case,
        kind=ProceedingKind.CRIMINAL,
        stage=ProceedingStage.ENDED if ended_on else ProceedingStage.TRIAL,
        authority="District court",
        person_role=PersonRole.INJURED_PARTY,
        started_on=date(2026, 1, 5),
        ended_on=ended_on,
        recorded_at=NOON,
        recorded_by=by,
    )


def claim(case: Case, by: User, status: ClaimStatus) -> CompensationClaim:
    return CompensationClaim.objects.create(
        case=case,
        source=ClaimSource.STATE,
        status=status,
        amount_claimed=Decimal("4000.00"),
        recorded_at=NOON,
        recorded_by=by,
    )


def test_open_remedies_counts_only_what_is_still_open() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    other = open_case(actor=lead)
    assert not selectors.open_remedies(case=case).any
    proceeding(case, lead)
    proceeding(case, lead, ended_on=date(2026, 2, 1))
    proceeding(other, lead)
    for status in ClaimStatus:
        claim(case, lead, status)

    # when
    found = selectors.open_remedies(case=case)

    # then: one running proceeding; claims being prepared, filed or awarded but unpaid
    assert (found.proceedings, found.compensation_claims, found.any) == (1, 3, True)
    only_claim = open_case(actor=lead)
    claim(only_claim, lead, ClaimStatus.FILED)
    assert selectors.open_remedies(case=only_claim).any


def test_remedies_are_read_with_the_legal_group_and_audited() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    shelter = make_user(org_type=OrgType.SHELTER)
    assert shelter.organisation is not None
    add_to_team(case=case, organisation=shelter.organisation)
    running = proceeding(case, lead)
    filed = claim(case, lead, ClaimStatus.FILED)

    # when
    found = selectors.remedies(user=lead, case_id=case.id)
    with pytest.raises(errors.GroupNotAllowed):
        selectors.remedies(user=shelter, case_id=case.id)

    # then
    assert (found.proceedings, found.claims) == ([running], [filed])
    assert filed.is_open and str(running).startswith("proceeding")
    assert str(filed).startswith("compensation claim")
    assert AuditEvent.objects.filter(
        actor_id=lead.id, object_type=selectors.REMEDIES_OBJECT_TYPE, person_id=case.person_id
    ).exists()
