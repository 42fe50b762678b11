"""The parties API end to end with real bearer tokens, responses checked against
the published schema (legal group; R-38)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from haven.cases.tests.test_api import api_client_for
from haven.justice.models import Party, PartyLink, PartyRole
from haven.justice.tests.parties_setup import shared_employer
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

PARTIES = "/api/v1/cases/{id}/parties/"
SEARCH = "/api/v1/cases/{id}/parties/search/"
LINK = "/api/v1/cases/{id}/parties/{link}/"
PARTY = "/api/v1/parties/{id}/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_r38_the_police_read_the_shared_employer_and_a_shelter_gets_nothing(
    openapi: dict[str, Any],
) -> None:
    # given
    t = shared_employer()
    police = api_client_for(t.police)
    shelter = api_client_for(t.shelter)
    # when
    read = police.get(PARTIES.format(id=t.first.id))
    party = police.get(PARTY.format(id=t.link.party_id))
    refused = shelter.get(PARTIES.format(id=t.first.id))
    hidden = shelter.get(PARTY.format(id=t.link.party_id))
    search_refused = shelter.get(SEARCH.format(id=t.first.id), {"name": "Berry Farm Oy"})
    # then
    assert read.status_code == 200
    assert_matches_schema(
        openapi, "/api/v1/cases/{id}/parties/", "get", read.status_code, read.json()
    )
    (employer,) = read.json()["links"]
    assert employer["party"]["name"] == "Berry Farm Oy"
    assert [c["reference"] for c in employer["shared"]] == [t.second.reference]
    assert party.status_code == 200
    assert_matches_schema(openapi, "/api/v1/parties/{id}/", "get", party.status_code, party.json())
    assert refused.status_code == 403
    assert refused.json()["code"] == "field_group_not_allowed"
    assert (hidden.status_code, hidden.json()["code"]) == (404, "party_not_found")
    assert search_refused.status_code == 403
    for path, response in (
        ("/api/v1/cases/{id}/parties/", refused),
        ("/api/v1/parties/{id}/", hidden),
        ("/api/v1/cases/{id}/parties/search/", search_refused),
    ):
        assert_matches_schema(openapi, path, "get", response.status_code, response.json())
    assert "Berry" not in (refused.content + hidden.content + search_refused.content).decode()


def test_r38_a_party_is_searched_linked_changed_and_unlinked_through_the_api(
    openapi: dict[str, Any],
) -> None:
    # given: the employer on the first case only
    t = shared_employer()
    t.other_link.delete()
    client = api_client_for(t.police)
    # when
    found = client.get(SEARCH.format(id=t.second.id), {"registration_number": "1234567 8"})
    linked = client.post(
        PARTIES.format(id=t.second.id),
        {"party_id": str(t.link.party_id), "roles": [PartyRole.EMPLOYER]},
        format="json",
    )
    both = client.post(
        PARTIES.format(id=t.second.id),
        {"roles": [PartyRole.USER]},
        format="json",
    )
    known = client.post(
        PARTIES.format(id=t.second.id),
        {
            "roles": [PartyRole.EMPLOYER],
            "new_party": {"kind": "company", "name": "Berry", "registration_number": "12345678"},
        },
        format="json",
    )
    created = client.post(
        PARTIES.format(id=t.second.id),
        {
            "roles": [PartyRole.USER, PartyRole.SUSPECT],
            "sex": "male",
            "citizenship": "FI",
            "new_party": {"kind": "person", "name": "Client Q"},
        },
        format="json",
    )
    link = PartyLink.objects.get(case=t.second, party__kind="person")
    changed = client.put(
        LINK.format(id=t.second.id, link=link.id), {"roles": [PartyRole.CONVICTED]}, format="json"
    )
    removed = client.delete(LINK.format(id=t.second.id, link=link.id))
    again = client.delete(LINK.format(id=t.second.id, link=link.id))
    # then
    assert found.status_code == 200
    assert_matches_schema(
        openapi, "/api/v1/cases/{id}/parties/search/", "get", found.status_code, found.json()
    )
    assert [m["party"]["id"] for m in found.json()] == [str(t.link.party_id)]
    assert linked.status_code == 201
    assert_matches_schema(
        openapi, "/api/v1/cases/{id}/parties/", "post", linked.status_code, linked.json()
    )
    assert both.status_code == 400
    assert (known.status_code, known.json()["code"]) == (409, "party_registration_known")
    for response in (both, known):
        assert_matches_schema(
            openapi, "/api/v1/cases/{id}/parties/", "post", response.status_code, response.json()
        )
    assert created.status_code == 201
    assert Party.objects.count() == 2
    assert changed.status_code == 200
    assert_matches_schema(
        openapi, "/api/v1/cases/{id}/parties/{link_id}/", "put", changed.status_code, changed.json()
    )
    assert [link["roles"] for link in changed.json()["links"]] == [
        [PartyRole.EMPLOYER],
        [PartyRole.CONVICTED],
    ]
    assert (removed.status_code, again.status_code) == (200, 404)
    assert_matches_schema(
        openapi, "/api/v1/cases/{id}/parties/{link_id}/", "delete", 200, removed.json()
    )
    assert [link["party"]["name"] for link in removed.json()["links"]] == ["Berry Farm Oy"]
