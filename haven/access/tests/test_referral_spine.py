"""The two pieces of the spine that referrals build on (issue 6, R-47): asking
whether a field group would reach an organisation before it joins the team, and
moving the one case lead."""

from __future__ import annotations

import pytest
from django.utils import timezone

from haven.access import policy, services
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.tests.factories import add_to_team, open_case, share_by_law
from haven.lib.errors import Conflict

pytestmark = pytest.mark.django_db


def test_r47_flow_check_asks_the_agreement_rule_for_an_organisation_not_yet_on_the_team() -> None:
    # given: one shelter under a legal-basis agreement for health, another under none
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    case = open_case(actor=lead)
    covered = OrganisationFactory.create(org_type=OrgType.SHELTER)
    uncovered = OrganisationFactory.create(org_type=OrgType.SHELTER)
    share_by_law(case=case, organisation=covered, groups=[FieldGroup.HEALTH])

    # when
    allowed = policy.flow_check(
        case_id=case.id,
        recipient=covered,
        field_group=FieldGroup.HEALTH,
        purpose=Purpose.ASSISTANCE,
    )
    other_group = policy.flow_check(
        case_id=case.id,
        recipient=covered,
        field_group=FieldGroup.NARRATIVE,
        purpose=Purpose.ASSISTANCE,
    )
    denied = policy.flow_check(
        case_id=case.id,
        recipient=uncovered,
        field_group=FieldGroup.HEALTH,
        purpose=Purpose.ASSISTANCE,
    )

    # and: with the case's sharing facts loaded once for several questions
    context = policy.case_context(case_id=case.id)
    again = policy.flow_check(
        case_id=case.id,
        recipient=covered,
        field_group=FieldGroup.HEALTH,
        purpose=Purpose.ASSISTANCE,
        context=context,
    )

    # then: the same codes the reads will be decided with once they are members
    assert (allowed.allowed, allowed.code) == (True, "legal_basis")
    assert again == allowed
    assert (other_group.allowed, other_group.code) == (False, "no_agreement")
    assert (denied.allowed, denied.code) == (False, "no_agreement")
    assert not TeamMembership.objects.filter(organisation__in=[covered, uncovered]).exists()


def test_it_moves_the_one_lead_to_a_team_member_and_keeps_the_old_lead_on_the_team() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    case = open_case(actor=lead)
    social = OrganisationFactory.create(org_type=OrgType.SOCIAL_SERVICES)
    add_to_team(case=case, organisation=social)

    # when
    moved = services.team_lead_move(case_id=case.id, to_organisation=social, by=lead)

    # then
    team = {m.organisation_id: m.is_lead for m in TeamMembership.objects.filter(case=case)}
    assert team == {lead.organisation_id: False, social.pk: True}
    assert moved.is_lead


def test_it_refuses_to_move_the_lead_outside_the_team_or_onto_the_lead() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    assert lead.organisation is not None
    case = open_case(actor=lead)
    outsider = OrganisationFactory.create(org_type=OrgType.SHELTER)

    # when / then
    with pytest.raises(Conflict) as not_on_team:
        services.team_lead_move(case_id=case.id, to_organisation=outsider, by=lead)
    with pytest.raises(Conflict) as already:
        services.team_lead_move(case_id=case.id, to_organisation=lead.organisation, by=lead)
    assert not_on_team.value.code == "not_on_team"
    assert already.value.code == "already_lead"
    assert (
        TeamMembership.objects.get(case=case, is_lead=True).organisation_id == lead.organisation_id
    )


def test_r47_issue11_flow_status_says_whether_a_consent_or_an_agreement_is_missing() -> None:
    # given: an agreement lets health flow to the shelter with consent; nothing else flows
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    assert lead.organisation is not None
    case = open_case(actor=lead)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)
    agreement = share_by_law(case=case, organisation=shelter, groups=[FieldGroup.HEALTH])
    agreement.consent_required = True
    agreement.save(update_fields=["consent_required"])

    def status(group: FieldGroup) -> policy.FlowAnswer:
        return policy.flow_status(
            case_id=case.id, recipient=shelter, field_group=group, purpose=Purpose.ASSISTANCE
        )

    # when
    before = status(FieldGroup.HEALTH)
    no_agreement = status(FieldGroup.NARRATIVE)
    services.consent_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.HEALTH],
        given_on=timezone.localdate(),
        language="en",
        information_given="Explained.",
        recipient_organisation=shelter,
    )
    after = status(FieldGroup.HEALTH)

    # then
    assert (before.status, before.decision.code) == (policy.FlowStatus.NEEDS_CONSENT, "no_consent")
    assert not before.allowed and before.agreement_between == ()
    assert no_agreement.status == policy.FlowStatus.NEEDS_AGREEMENT
    assert no_agreement.agreement_between == (lead.organisation, shelter)
    assert after.allowed and after.status == policy.FlowStatus.CAN_FLOW


def test_issue11_flow_status_of_reads_only_the_agreement_rules_answers() -> None:
    assert policy.flow_status_of(allowed=True, code="case_lead") == policy.FlowStatus.CAN_FLOW
    assert policy.flow_status_of(allowed=False, code="no_consent") == (
        policy.FlowStatus.NEEDS_CONSENT
    )
    assert policy.flow_status_of(allowed=False, code="not_on_case_team") is None
