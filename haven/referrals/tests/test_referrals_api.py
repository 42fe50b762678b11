"""Referrals and lead transfers under /api/v1/ (R-47), end to end through the
bearer-token client: the same rules as the services, as status and code."""

from __future__ import annotations

import pytest

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.cases.tests.test_api import api_client_for
from haven.referrals.tests.test_referrals_services import MESSAGE, referral_setup

pytestmark = pytest.mark.django_db


def _body(s: object, to: object) -> dict[str, object]:
    return {
        "to_organisation_id": str(to),
        "referral_type": "accommodation",
        "purpose": Purpose.ASSISTANCE,
        "field_groups": [FieldGroup.IDENTITY],
        "message": MESSAGE,
    }


def test_r47_the_api_sends_and_the_receiver_accepts_while_a_third_organisation_sees_nothing() -> (
    None
):
    # given
    s = referral_setup()
    sender, receiver, third = (api_client_for(u) for u in (s.sender, s.receiver, s.third))

    # when
    sent = sender.post(
        f"/api/v1/cases/{s.case.id}/referrals/", _body(s, s.shelter.pk), format="json"
    )
    referral_id = sent.json()["referral"]["id"]
    incoming = receiver.get("/api/v1/referrals/incoming/").json()["referrals"]
    hidden = third.get(f"/api/v1/referrals/{referral_id}/")
    read = receiver.get(f"/api/v1/referrals/{referral_id}/")
    refused = third.post(f"/api/v1/referrals/{referral_id}/accept/", {}, format="json")
    accepted = receiver.post(f"/api/v1/referrals/{referral_id}/accept/", {}, format="json")

    # then
    assert sent.status_code == 201
    assert [r["id"] for r in incoming] == [referral_id]
    assert MESSAGE not in str(incoming)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    assert read.json()["message"] == MESSAGE
    assert read.json()["actions"] == ["request_info", "accept", "decline"]
    assert refused.status_code == 404
    assert accepted.status_code == 200
    assert accepted.json()["referral"]["state"] == "accepted"
    assert TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_r47_the_api_refuses_a_group_that_cannot_flow_naming_the_field() -> None:
    # given
    s = referral_setup(share=False)
    sender = api_client_for(s.sender)

    # when
    refused = sender.post(
        f"/api/v1/cases/{s.case.id}/referrals/", _body(s, s.shelter.pk), format="json"
    )

    # then
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("no_agreement", "field_groups")
