"""Group placement plans under /api/v1/shelters/plans/ (issue 16): the same services
as the pages, for the national coordinator only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.accounts.models import Role, User
from haven.accounts.tests.factories import UserFactory
from haven.cases import services as case_services
from haven.cases.models import Incident
from haven.cases.tests.test_api import api_client_for
from haven.shelters.models import GroupPlan
from haven.shelters.rules import Accepts
from haven.shelters.tests.test_plans import coordinator, open_case, shelter

pytestmark = pytest.mark.django_db
PLANS = reverse("api:shelters_plans")


@pytest.fixture
def desk() -> User:
    return coordinator()


@pytest.fixture
def incident(desk: User) -> Incident:
    incident = case_services.incident_open(actor=desk)
    open_case(desk, incident)
    open_case(desk, incident, age_status="verified_child")
    return incident


def test_the_coordinator_makes_solves_adjusts_and_reads_a_plan(
    desk: User, incident: Incident
) -> None:
    # given
    women = shelter("Women's house", 2, {Accepts.WOMEN})
    children = shelter("Children's unit", 1, {Accepts.CHILDREN})
    client = api_client_for(desk)

    # when
    created = client.post(
        PLANS, {"incident_id": str(incident.pk), "danger_region": "Uusimaa"}, format="json"
    )
    plan_id = created.json()["id"]
    solved = client.post(reverse("api:shelters_plan_solve", args=[plan_id]))
    people = {p["place_name"]: p for p in solved.json()["people"]}
    adult = people["Women's house"]
    refused = client.post(
        reverse("api:shelters_plan_move", args=[plan_id]),
        {"person": adult["id"], "place": str(children.pk)},
        format="json",
    )
    updated = client.put(
        reverse("api:shelters_plan_person", args=[plan_id, adult["id"]]),
        {"family": "F1", "risk_level": 2},
        format="json",
    )
    read = client.get(reverse("api:shelters_plan", args=[plan_id]))

    # then
    assert created.status_code == 201, created.json()
    assert created.json()["danger_region"] == "Uusimaa"
    assert solved.status_code == 200
    assert solved.json()["placed"] == 2 and solved.json()["optimal"] is True
    assert people["Children's unit"]["place_id"] == str(children.pk)
    assert adult["place_id"] == str(women.pk)
    assert refused.status_code == 400
    assert refused.json()["code"] == "place_excluded"
    assert updated.status_code == 200
    assert read.status_code == 200
    assert read.json()["placed"] == 0  # the solution was cleared by the change
    assert {p["family"] for p in read.json()["people"]} == {"F1", ""}
    assert "address" not in str(read.json()) and "latitude" not in str(read.json())


def test_only_the_coordinator_works_plans_through_the_api(desk: User, incident: Incident) -> None:
    # given: the same request by the coordinator and by an NGO caseworker
    body = {"incident_id": str(incident.pk)}
    ngo = api_client_for(UserFactory.create(role=Role.CASEWORKER))

    # when
    refused = ngo.post(PLANS, body, format="json")
    allowed = api_client_for(desk).post(PLANS, body, format="json")

    # then
    assert refused.status_code == 403
    assert allowed.status_code == 201
    plan = GroupPlan.objects.get()
    assert ngo.get(reverse("api:shelters_plan", args=[plan.pk])).status_code == 403


def test_a_sent_plan_is_not_solved_again(desk: User, incident: Incident) -> None:
    client = api_client_for(desk)
    plan_id = client.post(PLANS, {"incident_id": str(incident.pk)}, format="json").json()["id"]
    GroupPlan.objects.filter(pk=plan_id).update(state=GroupPlan.State.SENT)
    response = client.post(reverse("api:shelters_plan_solve", args=[plan_id]))
    assert response.status_code == 409
    assert response.json()["code"] == "plan_not_draft"


def test_the_coordinator_takes_a_person_off_a_plan_and_no_one_else_can(
    desk: User, incident: Incident
) -> None:
    # given: a plan of two people; the same request by an NGO caseworker and the coordinator
    client = api_client_for(desk)
    plan_id = client.post(PLANS, {"incident_id": str(incident.pk)}, format="json").json()["id"]
    first, second = (
        p["id"] for p in client.get(reverse("api:shelters_plan", args=[plan_id])).json()["people"]
    )
    url = reverse("api:shelters_plan_person", args=[plan_id, first])
    ngo = api_client_for(UserFactory.create(role=Role.CASEWORKER))

    # when
    refused = ngo.delete(url)
    removed = client.delete(url)
    again = client.delete(url)

    # then
    assert refused.status_code == 403
    assert removed.status_code == 200, removed.json()
    assert [p["id"] for p in removed.json()["people"]] == [second]
    assert again.status_code == 404
