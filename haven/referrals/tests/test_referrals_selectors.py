"""Reading one referral or one lead transfer (R-47): the sending and the receiving
organisation only, decided by ``access.policy`` and audited with the rule that
allowed it; anyone else gets the 404 of a missing one and leaves no read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.audit import services as audit
from haven.audit.models import AuditEvent
from haven.cases.tests.factories import add_to_team, share_by_law
from haven.lib.errors import NotFound
from haven.referrals.models import DeclineReason, LeadTransfer, LeadTransferState, Referral
from haven.referrals.selectors import referrals as selectors
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services import referrals as services
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


def test_r47_the_history_names_the_reason_a_referral_was_declined() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    services.referral_decline(
        actor=s.receiver, referral_id=referral.pk, reason=DeclineReason.OUTSIDE_AREA
    )

    # when
    detail = selectors.referral_get(user=s.sender, referral_id=referral.pk)

    # then
    declined = detail.events[-1]
    assert (declined.decline_reason, declined.decline_reason_label) == (
        "outside_area",
        "Outside our area",
    )
    assert [e.decline_reason_label for e in detail.events[:-1]] == [""] * (len(detail.events) - 1)


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


# --- every referral of a case at once (the report for the person) ----------------------


def _to_another_shelter(s: Setup) -> Referral:
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)
    share_by_law(case=s.case, organisation=shelter)
    return send(s, to_organisation_id=shelter.pk)


@pytest.mark.parametrize(("who", "reads_them"), [("sender", True), ("team_member", False)])
def test_r47_a_cases_referrals_are_read_at_once_by_their_two_organisations_only(
    who: str, reads_them: bool
) -> None:
    # given: two referrals of the case; an organisation on its team that is no party
    s = referral_setup()
    first, second = send(s), _to_another_shelter(s)
    assert s.third.organisation is not None
    add_to_team(case=s.case, organisation=s.third.organisation)
    user = s.sender if who == "sender" else s.third

    # when
    details = selectors.referral_details_of_case(user=user, case_id=s.case.id)

    # then: what referral_get gives each party, and the same reads recorded
    events = reads("referrals.Referral")
    if reads_them:
        one = selectors.referral_get(user=user, referral_id=first.pk)
        assert set(details) == {first.pk, second.pk}
        assert (details[first.pk].message, details[first.pk].events) == (one.message, one.events)
        assert sorted(e.object_id for e in events[:2]) == sorted([str(first.pk), str(second.pk)])
        assert [e.detail for e in events] == [{"rule": "referral_party"}] * 2
    else:
        assert details == {}
        assert events == []


def test_r47_a_cases_referrals_cost_the_same_queries_whatever_their_number() -> None:
    # given
    s = referral_setup()
    send(s)

    def queries() -> int:
        # in a batch, as the report reads it: each read's event is held until its end
        with CaptureQueriesContext(connection) as captured, audit.audit_batch():
            selectors.referral_details_of_case(user=s.sender, case_id=s.case.id)
        return len(captured)

    one = queries()
    _to_another_shelter(s)
    _to_another_shelter(s)

    # when
    three = queries()

    # then
    assert three == one


# --- every lead transfer of a case at once (the report for the person) -------------------


def _withdrawn_then_proposed(s: Setup, transfer_id: object) -> None:
    """``transfer_id`` withdrawn, and another proposed to the shelter."""
    lead_services.lead_transfer_withdraw(actor=s.sender, transfer_id=transfer_id)
    lead_services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason="Again."
    )


@pytest.mark.parametrize(("who", "reads_them"), [("sender", True), ("team_member", False)])
def test_r47_a_cases_lead_transfers_are_read_at_once_with_reasons_for_their_two_sides_only(
    who: str, reads_them: bool
) -> None:
    # given: two transfers of the case; an organisation on its team that is neither side
    s = referral_setup()
    _withdrawn_then_proposed(s, _proposed(s))
    assert s.third.organisation is not None
    add_to_team(case=s.case, organisation=s.third.organisation)
    user = s.sender if who == "sender" else s.third

    # when
    views = selectors.lead_transfers_read_of_case(user=user, case_id=s.case.id)

    # then: every transfer, with what lead_transfer_get gives each side, the reads recorded
    events = reads("referrals.LeadTransfer")
    assert [v.id for v in views] == [
        v.id for v in selectors.lead_transfers_of_case(user=user, case_id=s.case.id)
    ]
    if reads_them:
        one = selectors.lead_transfer_get(user=user, transfer_id=views[1].id)
        assert [v.reason for v in views] == ["Again.", "The shelter now does most of the work."]
        assert views[1] == one
        assert [e.object_id for e in events] == [str(v.id) for v in views]
        assert [e.detail for e in events] == [{"rule": "lead_transfer_party"}] * 2
    else:
        assert [v.reason for v in views] == ["", ""]
        assert events == []


def test_r47_a_cases_lead_transfers_cost_the_same_queries_whatever_their_number() -> None:
    # given
    s = referral_setup()
    first = _proposed(s)

    def queries() -> int:
        # in a batch, as the report reads it: each read's event is held until its end
        with CaptureQueriesContext(connection) as captured, audit.audit_batch():
            selectors.lead_transfers_read_of_case(user=s.sender, case_id=s.case.id)
        return len(captured)

    one = queries()
    _withdrawn_then_proposed(s, first)
    second = LeadTransfer.objects.get(state=LeadTransferState.PROPOSED)
    _withdrawn_then_proposed(s, second.pk)

    # when
    three = queries()

    # then
    assert LeadTransfer.objects.count() == 3
    assert three == one
