"""Rule branches of the referral and lead-transfer services and selectors that
the scenario tests do not reach (R-47)."""

from __future__ import annotations

import uuid

import pytest

from haven.access import services as access_services
from haven.access.models import FieldGroup, TeamMembership
from haven.accounts.models import Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.tests.factories import add_to_team
from haven.lib.errors import Conflict, InvalidInput, NotAllowed
from haven.referrals.models import LeadTransfer, LeadTransferState, Referral
from haven.referrals.selectors import case_page
from haven.referrals.selectors import referrals as selectors
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services.shared import MAX_TEXT
from haven.referrals.tests.test_referrals_services import Setup, referral_setup, send

pytestmark = pytest.mark.django_db

REASON = "The shelter now does most of the work."


def org_admin_of(user: User) -> User:
    return UserFactory.create(organisation=user.organisation, role=Role.ORG_ADMIN)


def _proposed(s: Setup) -> LeadTransfer:
    add_to_team(case=s.case, organisation=s.shelter, share=False)
    return lead_services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )


# --- sending (R-47) -----------------------------------------------------------------------


def test_it_refuses_a_referral_naming_an_unknown_kind_of_information() -> None:
    # given
    s = referral_setup()
    # when
    with pytest.raises(InvalidInput) as refused:
        send(s, field_groups=[FieldGroup.IDENTITY, "horoscope"])
    # then
    assert (refused.value.field, refused.value.code) == ("field_groups", "invalid")
    assert not Referral.objects.exists()


def test_it_refuses_a_referral_message_over_the_limit() -> None:
    # given
    s = referral_setup()
    # when
    with pytest.raises(InvalidInput) as refused:
        send(s, message="x" * (MAX_TEXT + 1))
    # then
    assert (refused.value.field, refused.value.code) == ("message", "too_long")
    assert not Referral.objects.exists()


def test_it_refuses_to_refer_a_person_whose_data_was_erased() -> None:
    # given
    s = referral_setup()
    boss = make_user(role=Role.SUPERVISOR, organisation=s.sender.organisation)
    case_services.person_erase(actor=boss, case_id=s.case.id)
    # when
    with pytest.raises(case_errors.PersonErased):
        send(s)
    # then
    assert not Referral.objects.exists()


# --- reading referrals --------------------------------------------------------------------


def test_it_lists_referrals_for_case_staff_only() -> None:
    # given: a caseworker and an organisation administrator of the same receiver
    s = referral_setup()
    send(s)
    admin = org_admin_of(s.receiver)
    # when
    incoming = selectors.referrals_incoming(user=s.receiver)
    waiting = selectors.referrals_waiting(user=s.receiver)
    with pytest.raises(NotAllowed):
        selectors.referrals_incoming(user=admin)
    admin_waiting = selectors.referrals_waiting(user=admin)
    # then
    assert len(incoming) == len(waiting) == 1
    assert admin_waiting == []


def test_it_offers_no_flows_for_an_unknown_receiver_or_purpose() -> None:
    # given
    s = referral_setup()
    # when
    known = selectors.referral_flows(
        user=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, purpose="assistance"
    )
    unknown = selectors.referral_flows(
        user=s.sender, case_id=s.case.id, to_organisation_id=uuid.uuid4(), purpose="assistance"
    )
    bad_purpose = selectors.referral_flows(
        user=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, purpose="gossip"
    )
    # then
    assert len(known) == len(FieldGroup)
    assert unknown == bad_purpose == []


# --- lead transfers (R-47) ----------------------------------------------------------------


def test_it_refuses_a_lead_transfer_to_the_lead_itself() -> None:
    # given
    s = referral_setup()
    # when
    with pytest.raises(InvalidInput) as refused:
        lead_services.lead_transfer_propose(
            actor=s.sender,
            case_id=s.case.id,
            to_organisation_id=s.sender.organisation_id,
            reason=REASON,
        )
    # then
    assert refused.value.field == "to_organisation"
    assert not LeadTransfer.objects.exists()


def test_it_refuses_to_accept_a_transfer_once_the_lead_changed() -> None:
    # given: a third organisation took the lead after the proposal
    s = referral_setup()
    transfer = _proposed(s)
    third = s.third.organisation
    assert third is not None
    add_to_team(case=s.case, organisation=third, share=False)
    access_services.team_lead_move(case_id=s.case.id, to_organisation=third, by=None)
    # when
    with pytest.raises(Conflict) as refused:
        lead_services.lead_transfer_accept(actor=s.receiver, transfer_id=transfer.pk)
    # then
    transfer.refresh_from_db()
    assert refused.value.code == "lead_changed"
    assert transfer.state == LeadTransferState.PROPOSED
    assert TeamMembership.objects.get(case=s.case, is_lead=True).organisation == third


def test_it_offers_lead_transfer_actions_to_its_two_sides_only() -> None:
    # given: the proposal, and a third organisation on the team
    s = referral_setup()
    _proposed(s)
    third = s.third.organisation
    assert third is not None
    add_to_team(case=s.case, organisation=third, share=False)
    # when
    actions = {
        who: selectors.lead_transfers_of_case(user=user, case_id=s.case.id)[0].actions
        for who, user in (("lead", s.sender), ("receiver", s.receiver), ("third", s.third))
    }
    # then
    assert actions == {"lead": ["withdraw"], "receiver": ["accept", "decline"], "third": []}


# --- the case page block ------------------------------------------------------------------


def test_it_shows_the_block_to_case_staff_of_the_team_only() -> None:
    # given: the lead's caseworker and its organisation administrator
    s = referral_setup()
    view = case_selectors.case_read(user=s.sender, case_id=s.case.id)
    # when
    for_staff = case_page.case_page_referrals(user=s.sender, case_view=view)
    for_admin = case_page.case_page_referrals(user=org_admin_of(s.sender), case_view=view)
    # then
    assert for_staff is not None
    assert for_admin is None


def test_it_shows_no_block_for_a_case_left_without_a_lead() -> None:
    # given: the page read, then the lead membership gone
    s = referral_setup()
    view = case_selectors.case_read(user=s.sender, case_id=s.case.id)
    TeamMembership.objects.filter(case=s.case, is_lead=True).delete()
    # when
    block = case_page.case_page_referrals(user=s.sender, case_view=view)
    # then
    assert block is None
