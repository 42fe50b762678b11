"""Transfer of lead responsibility (R-47): a distinct, accepted step; a case
always has exactly one lead."""

from __future__ import annotations

import pytest

from haven.access.models import TeamMembership
from haven.accounts.models import Role
from haven.accounts.tests.factories import UserFactory
from haven.cases.tests.factories import add_to_team
from haven.deadlines.models import Notification
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.referrals.models import LeadTransfer, LeadTransferState
from haven.referrals.services import lead_transfers as services
from haven.referrals.tests.test_referrals_services import Setup, referral_setup

pytestmark = pytest.mark.django_db

REASON = "The shelter now does most of the work."


def _with_shelter_on_team() -> Setup:
    s = referral_setup()
    add_to_team(case=s.case, organisation=s.shelter, share=False)
    return s


def _lead(s: Setup) -> object:
    return TeamMembership.objects.get(case=s.case, is_lead=True).organisation_id


def test_r47_accepting_a_lead_transfer_moves_the_one_lead() -> None:
    # given
    s = _with_shelter_on_team()
    transfer = services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )

    # when
    services.lead_transfer_accept(actor=s.receiver, transfer_id=transfer.pk)

    # then
    transfer.refresh_from_db()
    assert transfer.state == LeadTransferState.ACCEPTED
    assert REASON.encode() not in bytes(transfer.reason_enc)
    assert _lead(s) == s.shelter.pk
    assert TeamMembership.objects.filter(case=s.case, is_lead=True).count() == 1
    assert Notification.objects.filter(
        recipient=s.receiver, event="lead_transfer_proposed", kind="referral"
    ).exists()
    assert Notification.objects.filter(recipient=s.sender, event="lead_transfer_accepted").exists()


def test_r47_only_the_receiver_accepts_a_lead_transfer() -> None:
    # given: one proposal; the proposer, a third organisation and the receiver try
    s = _with_shelter_on_team()
    transfer = services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )

    # when / then
    with pytest.raises(NotAllowed):
        services.lead_transfer_accept(actor=s.sender, transfer_id=transfer.pk)
    with pytest.raises(NotFound):
        services.lead_transfer_accept(actor=s.third, transfer_id=transfer.pk)
    assert _lead(s) == s.sender.organisation_id
    services.lead_transfer_accept(actor=s.receiver, transfer_id=transfer.pk)
    assert _lead(s) == s.shelter.pk


def test_r47_only_the_lead_proposes_and_only_to_a_team_member() -> None:
    # given
    s = referral_setup()
    outsider = s.third.organisation
    assert outsider is not None

    # when / then: to an organisation not on the team
    with pytest.raises(InvalidInput) as not_member:
        services.lead_transfer_propose(
            actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
        )
    assert not_member.value.code == "not_on_team"

    # given: the shelter on the team; it cannot propose, the lead can
    add_to_team(case=s.case, organisation=s.shelter, share=False)
    with pytest.raises(NotAllowed):
        services.lead_transfer_propose(
            actor=s.receiver,
            case_id=s.case.id,
            to_organisation_id=s.sender.organisation_id,
            reason=REASON,
        )
    services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )


def test_r47_one_open_proposal_per_case_and_a_reason_is_required() -> None:
    # given
    s = _with_shelter_on_team()

    # when / then
    with pytest.raises(InvalidInput) as no_reason:
        services.lead_transfer_propose(
            actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=" "
        )
    services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )
    with pytest.raises(Conflict) as second:
        services.lead_transfer_propose(
            actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
        )
    assert no_reason.value.field == "reason"
    assert second.value.code == "lead_transfer_open"


def test_r47_a_declined_or_withdrawn_transfer_leaves_the_lead_where_it_was() -> None:
    # given
    s = _with_shelter_on_team()
    first = services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )

    # when
    with pytest.raises(InvalidInput):
        services.lead_transfer_decline(actor=s.receiver, transfer_id=first.pk, note="")
    services.lead_transfer_decline(actor=s.receiver, transfer_id=first.pk, note="No staff.")
    second = services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )
    with pytest.raises(NotAllowed):
        services.lead_transfer_withdraw(actor=s.receiver, transfer_id=second.pk)
    services.lead_transfer_withdraw(actor=s.sender, transfer_id=second.pk)

    # then
    states = list(LeadTransfer.objects.order_by("proposed_at").values_list("state", flat=True))
    assert states == [LeadTransferState.DECLINED, LeadTransferState.WITHDRAWN]
    assert _lead(s) == s.sender.organisation_id
    assert Notification.objects.filter(recipient=s.sender, event="lead_transfer_declined").exists()
    withdrawn = Notification.objects.get(recipient=s.receiver, event="lead_transfer_withdrawn")
    assert withdrawn.subject_id == str(second.pk)
    with pytest.raises(Conflict) as again:
        services.lead_transfer_accept(actor=s.receiver, transfer_id=second.pk)
    assert again.value.code == "transition_not_allowed"


def test_r47_a_supervisor_of_the_receiver_may_accept_an_org_admin_may_not() -> None:
    # given
    s = _with_shelter_on_team()
    admin = UserFactory.create(organisation=s.shelter, role=Role.ORG_ADMIN)
    transfer = services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason=REASON
    )

    # when / then
    with pytest.raises(NotAllowed):
        services.lead_transfer_accept(actor=admin, transfer_id=transfer.pk)
    services.lead_transfer_accept(actor=s.receiver_supervisor, transfer_id=transfer.pk)
    assert _lead(s) == s.shelter.pk
