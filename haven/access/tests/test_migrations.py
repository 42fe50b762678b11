"""Agreements recorded before parties approved them (issue 12): they keep
applying after the migration, as agreements in effect with an approval recorded
for each party, and their free-text legal basis stays on the row."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from haven.access import policy
from haven.access.models import Agreement, FieldGroup
from haven.access.states import AgreementState
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.lib.tests.migrations import latest, migrate

LAST_BEFORE = ("access", "0005_break_glass_reason")
BEFORE: list[tuple[str, str | None]] = [LAST_BEFORE]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_r47_agreements_recorded_before_approvals_stay_in_effect() -> None:
    # given: a case led by an NGO with the police on the team; then, before the
    # migration, an agreement on free-text law letting legal data reach the police
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    admin = make_user(role=Role.SYSTEM_ADMIN)
    assert lead.organisation is not None and police.organisation is not None
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=police.organisation, share=False)
    executor = migrate(BEFORE)
    old = executor.loader.project_state([LAST_BEFORE]).apps
    recorded = timezone.now()
    agreement = old.get_model("access", "Agreement").objects.create(
        name="Old MoU",
        document_reference="Registry 2019/1",
        legal_basis="Criminal Investigation Act, s. 4",
        consent_required=False,
        valid_from=date(2019, 1, 1),
        created_at=recorded,
        created_by_id=admin.pk,
    )
    for organisation in (lead.organisation, police.organisation):
        old.get_model("access", "AgreementParty").objects.create(
            agreement_id=agreement.pk, organisation_id=organisation.pk
        )
    old.get_model("access", "AgreementFlow").objects.create(
        agreement_id=agreement.pk,
        recipient_organisation_id=police.organisation.pk,
        purposes=["assistance"],
        field_groups=["legal"],
    )

    # when
    migrate(latest())

    # then: in effect, each party approved when it was recorded, the basis kept
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.state, stored.legal_basis, stored.listed_legal_basis) == (
        AgreementState.IN_EFFECT,
        "Criminal Investigation Act, s. 4",
        None,
    )
    assert {(p.approved_at, p.approved_by_id) for p in stored.parties.all()} == {
        (recorded, admin.pk)
    }
    decision = policy.decide(user=police, case_id=case.id, field_group=FieldGroup.LEGAL)
    assert (decision.allowed, decision.code) == (True, "legal_basis")
