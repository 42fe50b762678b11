"""Reading one referral or one lead transfer (R-47): the sending and the receiving
organisation only, decided by ``access.policy`` and audited with the rule that
allowed it; anyone else gets the 404 of a missing one and leaves no read."""

from __future__ import annotations

import pytest

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.cases.tests.factories import add_to_team
from haven.lib.errors import NotFound
from haven.referrals.selectors import referrals as selectors
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.tests.test_referrals_services import Setup, referral_setup, send

pytestmark = pytest.mark.django_db

# who asks → whether they read it (the same setup for every row)
WHO = [("sender", True), ("receiver", True), ("receiver_supervisor", True), ("third", False)]


def reads(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="read", object_type=object_type))


@pytest.mark.parametrize(("who", "reads_it"), WHO)
def test_r47_a_referral_is_read_by_its_two_organisations_only(who: str, reads_it: bool) -> None:
    # given
    s = referral_setup()
    referral = send(s)
    user: User = getattr(s, who)
    # when
    if reads_it:
        detail = selectors.referral_get(user=user, referral_id=referral.pk)
    else:
        with pytest.raises(NotFound) as hidden:
            selectors.referral_get(user=user, referral_id=referral.pk)
    # then
    events = reads("referrals.Referral")
    if reads_it:
        assert (detail.decision.allowed, detail.decision.code) == (True, "referral_party")
        assert [e.detail for e in events] == [{"rule": "referral_party"}]
    else:
        assert hidden.value.code == "not_found"
        assert events == []


def _proposed(s: Setup) -> object:
    add_to_team(case=s.case, organisation=s.shelter, share=False)
    transfer = lead_services.lead_transfer_propose(
        actor=s.sender,
        case_id=s.case.id,
        to_organisation_id=s.shelter.pk,
        reason="The shelter now does most of the work.",
    )
    return transfer.pk


@pytest.mark.parametrize(("who", "reads_it"), WHO)
def test_r47_a_lead_transfer_is_read_by_its_two_sides_only(who: str, reads_it: bool) -> None:
    # given
    s = referral_setup()
    transfer_id = _proposed(s)
    user: User = getattr(s, who)
    # when
    if reads_it:
        view = selectors.lead_transfer_get(user=user, transfer_id=transfer_id)
    else:
        with pytest.raises(NotFound) as hidden:
            selectors.lead_transfer_get(user=user, transfer_id=transfer_id)
    # then
    events = reads("referrals.LeadTransfer")
    if reads_it:
        assert view.reason == "The shelter now does most of the work."
        assert [e.detail for e in events] == [{"rule": "lead_transfer_party"}]
    else:
        assert hidden.value.code == "not_found"
        assert events == []


def test_r47_a_missing_lead_transfer_is_the_same_404() -> None:
    s = referral_setup()
    with pytest.raises(NotFound) as missing:
        selectors.lead_transfer_get(user=s.sender, transfer_id="not-an-id")
    assert missing.value.code == "not_found"
