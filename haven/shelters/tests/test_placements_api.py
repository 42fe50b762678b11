"""Placements under /api/v1/, end to end through the bearer-token client: the same
rules as the services (as status and code), and every answer as the OpenAPI
document describes it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from haven.cases.tests.test_api import api_client_for
from haven.shelters.models import Bed
from haven.shelters.tests.test_placements_services import place, placement_setup
from haven.web.tests.test_schema import assert_served_as_described

pytestmark = pytest.mark.django_db

CASE = "/api/v1/cases/{id}/"
PLACEMENTS = "/api/v1/shelters/placements/"
PLACEMENT = PLACEMENTS + "{id}/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_the_placement_api_runs_the_whole_lifecycle_as_described(
    openapi: dict[str, Any],
) -> None:
    # given
    s = placement_setup()
    excluded = place(s.shelter, name="Men only", accepts=["men"])
    lead, staff, other = (api_client_for(u) for u in (s.lead, s.staff, s.other))
    today = timezone.localdate().isoformat()
    body = {"place_id": str(s.place.pk), "person_agreed_on": today, "message": "Tonight."}

    # when
    found = lead.get(f"/api/v1/cases/{s.case.id}/placement-search/", {"risk_level": 2})
    hidden = staff.get(f"/api/v1/cases/{s.case.id}/placement-search/")
    forged = lead.post(
        f"/api/v1/cases/{s.case.id}/placements/",
        {**body, "place_id": str(excluded.pk)},
        format="json",
    )
    sent = lead.post(f"/api/v1/cases/{s.case.id}/placements/", body, format="json")
    placement_id = sent.json()["row"]["id"]
    at = PLACEMENT.replace("{id}", placement_id)
    requests = staff.get(PLACEMENTS)
    not_ours = other.get(at)
    refused = lead.post(at + "accept/", {}, format="json")
    accepted = staff.post(at + "accept/", {}, format="json")
    bed = Bed.objects.filter(room__place=s.place).first()
    assert bed is not None
    moved_in = staff.post(at + "start/", {"bed_id": bed.pk, "started_on": today}, format="json")
    again = staff.post(at + "accept/", {}, format="json")
    ended = lead.post(at + "end/", {"reason": "moved_on", "ended_on": today}, format="json")

    # then
    assert found.status_code == 200
    assert [p["name"] for p in found.json()["suitable"]] == ["Harbour House"]
    assert found.json()["excluded"][0]["codes"] == ["not_this_gender"]
    assert "Secret street" not in found.content.decode()
    assert hidden.status_code == 404  # the shelter is not on the team yet
    assert (forged.status_code, forged.json()["code"]) == (400, "place_excluded")
    assert sent.status_code == 201
    assert [r["id"] for r in requests.json()["results"]] == [placement_id]
    assert (not_ours.status_code, not_ours.json()["code"]) == (404, "placement_not_found")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_place_staff")
    assert accepted.json()["row"]["state"] == "accepted"
    assert moved_in.json()["row"]["state"] == "started"
    assert (again.status_code, again.json()["code"]) == (409, "transition_not_allowed")
    assert ended.json()["row"]["state"] == "ended"
    search = CASE + "placement-search/"
    assert_served_as_described(
        openapi,
        [
            (search, "get", found),
            (search, "get", hidden),
            (CASE + "placements/", "post", forged),
            (CASE + "placements/", "post", sent),
            (PLACEMENTS, "get", requests),
            (PLACEMENT, "get", not_ours),
            (PLACEMENT + "accept/", "post", refused),
            (PLACEMENT + "accept/", "post", accepted),
            (PLACEMENT + "start/", "post", moved_in),
            (PLACEMENT + "accept/", "post", again),
            (PLACEMENT + "end/", "post", ended),
        ],
    )


def test_the_api_declines_and_withdraws_as_described(openapi: dict[str, Any]) -> None:
    # given
    s = placement_setup()
    lead, staff = api_client_for(s.lead), api_client_for(s.staff)
    today = timezone.localdate().isoformat()
    body = {
        "place_id": str(s.place.pk),
        "person_agreed_on": today,
        "message": "Tonight.",
        "field_groups": ["identity"],
        "urgent": True,
    }

    # when
    first = lead.post(f"/api/v1/cases/{s.case.id}/placements/", body, format="json").json()
    declined = staff.post(
        PLACEMENT.replace("{id}", first["row"]["id"]) + "decline/",
        {"reason": "no_capacity"},
        format="json",
    )
    second = lead.post(f"/api/v1/cases/{s.case.id}/placements/", body, format="json").json()
    read = lead.get(PLACEMENT.replace("{id}", second["row"]["id"]))
    withdrawn = lead.post(
        PLACEMENT.replace("{id}", second["row"]["id"]) + "withdraw/", {}, format="json"
    )
    listed = staff.get(PLACEMENTS, {"state": "declined"})

    # then
    assert declined.json()["row"]["state"] == "declined"
    assert read.json()["row"]["urgent"] is True
    assert read.json()["actions"] == ["withdraw"]
    assert withdrawn.json()["row"]["state"] == "withdrawn"
    assert [r["id"] for r in listed.json()["results"]] == [first["row"]["id"]]
    assert_served_as_described(
        openapi,
        [
            (PLACEMENT + "decline/", "post", declined),
            (PLACEMENT, "get", read),
            (PLACEMENT + "withdraw/", "post", withdrawn),
            (PLACEMENTS, "get", listed),
        ],
    )


def test_the_requests_come_a_page_at_a_time_through_the_api() -> None:
    # given: 26 requests to the shelter's place (a page holds 25)
    from haven.shelters.tests.test_placements_selectors import _requests

    s = placement_setup()
    made = _requests(s, 26)
    client = api_client_for(s.staff)
    # when
    first, second = client.get(PLACEMENTS), client.get(PLACEMENTS, {"page": 2})
    beyond = client.get(PLACEMENTS, {"page": 3})
    # then
    one, two = first.json(), second.json()
    assert [r["id"] for r in one["results"] + two["results"]] == [str(p.pk) for p in reversed(made)]
    assert (one["count"], one["count_exact"], two["next"]) == (26, True, None)
    assert one["next"].endswith("?page=2") and beyond.status_code == 404
