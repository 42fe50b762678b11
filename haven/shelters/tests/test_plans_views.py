"""The group placement plan's pages through the test client (issue 16): the
coordinator makes, solves and adjusts a plan; everyone else is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import Role, User
from haven.accounts.tests.factories import UserFactory
from haven.cases import services as case_services
from haven.cases.models import Incident
from haven.shelters.models import GroupPlan
from haven.shelters.rules import Accepts
from haven.shelters.services import plans
from haven.shelters.tests.test_plans import _rows, coordinator, open_case, shelter
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
NEW = reverse("shelters_plans:plan_new")


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def desk() -> User:
    return coordinator()


@pytest.fixture
def incident(desk: User) -> Incident:
    incident = case_services.incident_open(actor=desk)
    open_case(desk, incident)
    open_case(desk, incident, age_status="verified_child")
    return incident


def test_the_coordinator_makes_a_plan_from_the_incident_reference(
    desk: User, incident: Incident
) -> None:
    # given: the desk links to the new plan's page
    client = client_for(desk)
    assert NEW in client.get(reverse("referrals:desk_home")).content.decode()
    assert "Varsinais-Suomi" in client.get(NEW).content.decode()

    # when
    response = client.post(
        NEW, {"incident": incident.reference.lower(), "danger_region": "Varsinais-Suomi"}
    )

    # then
    plan = GroupPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("shelters_plans:plan_detail", args=[plan.pk])
    assert plan.people.count() == 2


def test_an_unknown_incident_is_said_beside_the_form(desk: User) -> None:
    response = client_for(desk).post(NEW, {"incident": "INC-FI-2000-NOPE", "danger_region": ""})
    assert response.status_code == 400
    assert "No incident with people you may place" in response.content.decode()
    assert not GroupPlan.objects.exists()


def test_only_the_coordinator_reaches_the_plan_pages(desk: User, incident: Incident) -> None:
    # given: one plan; the coordinator and an NGO caseworker ask for the same pages
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    detail = reverse("shelters_plans:plan_detail", args=[plan.pk])
    ngo = client_for(UserFactory.create(role=Role.CASEWORKER))

    # when / then
    assert client_for(desk).get(detail).status_code == 200
    assert ngo.get(detail).status_code == 403
    assert ngo.get(NEW).status_code == 403
    assert client_for(coordinator("EE")).get(detail).status_code == 404


def test_the_plan_page_shows_each_person_with_their_place_or_why_not(
    desk: User, incident: Incident
) -> None:
    # given: a women's place only: the child is not placed
    place = shelter("Women's house", 2, {Accepts.WOMEN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    client = client_for(desk)

    # when
    solved = client.post(reverse("shelters_plans:plan_solve", args=[plan.pk]))
    page = client.get(reverse("shelters_plans:plan_detail", args=[plan.pk])).content.decode()

    # then
    assert solved.status_code == 302
    assert place.name.replace("'", "&#x27;") in page
    assert "Not placed" in page and "does not take in unaccompanied children" in page
    assert "proven the best placement" in page
    assert 'data-label="Place"' in page


def test_a_move_that_breaks_a_hard_rule_is_refused_with_the_reason(
    desk: User, incident: Incident
) -> None:
    # given: the adult placed at the women's place; a children's unit exists too
    shelter("Women's house", 2, {Accepts.WOMEN})
    children = shelter("Children's unit", 2, {Accepts.CHILDREN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    adult = next(r for r in _rows(plan).values() if r.place is not None and r.place != children)
    client = client_for(desk)
    move = reverse("shelters_plans:plan_move", args=[plan.pk])

    # when: the adult to the children's unit, then back to where she was
    refused = client.post(move, {"person": adult.pk, "place": str(children.pk)})
    assert adult.place is not None
    moved = client.post(move, {"person": adult.pk, "place": str(adult.place.pk)})

    # then
    assert refused.status_code == 400
    assert "The move was refused" in refused.content.decode()
    assert "does not take in people of this gender" in refused.content.decode()
    assert moved.status_code == 302


def test_the_coordinator_sets_a_persons_family_risk_and_needs(
    desk: User, incident: Incident
) -> None:
    # given
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    row = plan.people.first()
    assert row is not None
    url = reverse("shelters_plans:plan_person", args=[plan.pk, row.pk])
    client = client_for(desk)
    assert client.get(url).status_code == 200

    # when
    refused = client.post(url, {"family": "x" * 30, "risk_level": "2"})
    saved = client.post(url, {"family": "F1", "risk_level": "3", "needs_wheelchair_access": "on"})

    # then
    assert refused.status_code == 400
    assert saved.status_code == 302
    row.refresh_from_db()
    assert (row.family, row.risk_level, row.needs_wheelchair_access) == ("F1", 3, True)
    missing = reverse("shelters_plans:plan_person", args=[plan.pk, 10**9])
    assert client.get(missing).status_code == 404
