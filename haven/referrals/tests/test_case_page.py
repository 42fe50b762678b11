"""The referrals block of the case page (R-47): the case's referrals and an open
lead transfer for the team, with the lead's own links for the lead's staff only;
organisations, states and dates, no personal data."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.cases import selectors as case_selectors
from haven.referrals.selectors import case_page
from haven.referrals.services import lead_transfers as lead_transfer_services
from haven.referrals.services import referrals as referral_services
from haven.referrals.tests.test_crossborder import as_instance_a
from haven.referrals.tests.test_referrals_services import MESSAGE, referral_setup, send
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_r47_the_case_page_shows_the_team_its_referrals_and_the_lead_its_own_links() -> None:
    # given: a referral the shelter accepted (so it joined the team), then a second one
    # withdrawn, and a lead transfer proposed to the shelter
    s = referral_setup()
    accepted = send(s)
    referral_services.referral_accept(actor=s.receiver, referral_id=accepted.pk)
    transfer = lead_transfer_services.lead_transfer_propose(
        actor=s.sender, case_id=s.case.id, to_organisation_id=s.shelter.pk, reason="Moving."
    )
    hand_over = reverse("referrals:lead_transfer_new", args=[s.case.id])
    package = reverse("referrals:crossborder_export", args=[s.case.id])

    # when: on a Haven whose cross-border referral is configured
    with as_instance_a():
        pages = {
            who: sign_in(Client(), user).get(reverse("web:case_detail", args=[s.case.id]))
            for who, user in (("lead", s.sender), ("member", s.receiver))
        }

    # then
    for who, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200
        assert ">Referrals</h2>" in html
        assert s.shelter.name in html and "Accepted" in html
        assert reverse("referrals:lead_transfer_detail", args=[transfer.pk]) in html
        assert reverse("referrals:referral_new", args=[s.case.id]) in html
        assert (hand_over in html, package in html) == (who == "lead", who == "lead")
        assert MESSAGE not in html and "Moving." not in html


def test_r47_no_cross_border_package_link_where_the_package_cannot_be_made() -> None:
    # given: the case lead's caseworker, on a Haven with and without its focal point keys
    s = referral_setup()
    package = reverse("referrals:crossborder_export", args=[s.case.id])
    client = sign_in(Client(), s.sender)

    # when
    with as_instance_a():
        configured = client.get(reverse("web:case_detail", args=[s.case.id])).content.decode()
    with override_settings(HAVEN_FOCAL_POINT_ID=""):
        unconfigured = client.get(reverse("web:case_detail", args=[s.case.id])).content.decode()
        refused = client.get(package)

    # then: the link is there only where the page it opens answers
    assert package in configured
    assert package not in unconfigured
    assert refused.status_code == 403


def test_r47_the_block_is_for_the_case_team_only() -> None:
    # given: the shelter's caseworker was referred to but has not accepted yet
    s = referral_setup()
    send(s)
    view = case_selectors.case_read(user=s.sender, case_id=s.case.id)

    # when
    for_lead = case_page.case_page_referrals(user=s.sender, case_view=view)
    for_receiver = case_page.case_page_referrals(user=s.receiver, case_view=view)

    # then
    assert for_lead is not None
    assert [(r.to_organisation, r.overdue, r.ours) for r in for_lead.rows] == [
        (s.shelter.name, False, True)
    ]
    assert for_lead.lead_transfer is None and for_lead.is_lead_staff
    assert for_receiver is None


def test_r47_the_accepting_organisation_sees_the_service_it_was_asked_for() -> None:
    # given: a referral for safe accommodation the shelter accepted
    s = referral_setup()
    referral = send(s)
    referral_services.referral_accept(actor=s.receiver, referral_id=referral.pk)
    view = case_selectors.case_read(user=s.sender, case_id=s.case.id)

    # when
    for_member = case_page.case_page_referrals(user=s.receiver, case_view=view)
    for_lead = case_page.case_page_referrals(user=s.sender, case_view=view)

    # then: both read the service in the list; only the shelter is told it is its work
    assert for_member is not None and for_lead is not None
    assert [(r.service, r.taken_on) for r in for_member.rows] == [("Safe accommodation", True)]
    assert [r.id for r in for_member.taken_on] == [referral.pk]
    assert [(r.service, r.taken_on) for r in for_lead.rows] == [("Safe accommodation", False)]
    assert for_lead.taken_on == []
