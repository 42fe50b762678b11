"""Issue 16 in real Chromium: the national coordinator places a group of twelve
found at night — two families (one with a child) and a 16-year-old alone among
adults of different genders (the demo's incident, ``seed_found_at_night``). The
coordinator opens the plan, solves it, sees each family together and the
16-year-old in a place for children, records each person's agreement and sends
the plan; then a caseworker of the children's unit, on a 360 px wide phone,
opens its placement requests, accepts its part and lands on the placement with a
link to the case. Only the accounts, the places and the agreements are set up."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import UserFactory
from haven.cases.models import Case
from haven.cases.tests.factories import share_by_law
from haven.demo.shelters import FOUND_AT_NIGHT, seed_found_at_night
from haven.shelters.models import GroupPlan, Placement, PlacementState
from haven.shelters.rules import Accepts as A
from haven.shelters.tests.test_plans import coordinator, shelter
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}


def test_issue16_a_coordinator_places_twelve_found_at_night_and_a_shelter_accepts_on_a_phone(
    page: Page, new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: the coordinator's desk incident of twelve with its draft plan; three
    # shelters, each sharing by law
    desk = coordinator()
    families = shelter("Family house", 9, {A.FAMILIES, A.WOMEN, A.TRANSGENDER})
    men = shelter("Men's place", 6, {A.MEN, A.TRANSGENDER}, security=1)
    children = shelter("Children's unit", 2, {A.CHILDREN})
    plan = seed_found_at_night(users={("FI", OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER): desk})
    first = Case.objects.filter(incident=plan.incident).first()
    assert first is not None
    for place in (families, men, children):
        share_by_law(case=first, organisation=place.organisation)
    cases = {
        found.given_name: case
        for found, case in zip(
            FOUND_AT_NIGHT,
            Case.objects.filter(incident=plan.incident).order_by("opened_at", "reference"),
            strict=True,
        )
    }

    # when: the coordinator opens the plan and solves it
    sign_in(page, live_server, desk)
    page.goto(live_server.url + reverse("shelters_plans:plan_detail", args=[plan.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Placement plan"))
    page.get_by_role("button", name="Solve on the places free now").click()

    # then: each family together, the 16-year-old with children only
    expect(page.get_by_text("The plan was solved on the places free now.")).to_be_visible()

    def row(name: str) -> Locator:
        return page.locator("tbody tr").filter(
            has=page.get_by_role("link", name=cases[name].reference, exact=True)
        )

    def place_cell(name: str) -> Locator:  # the row's place cell (the move form lists them all)
        return row(name).locator("td[data-label='Place']")

    for name in ("Alina", "Sofia", "Ion", "Maria", "Andrei"):
        expect(place_cell(name)).to_have_text("Family house")
    expect(place_cell("Bogdan")).to_have_text("Children's unit")
    for name in ("Petru", "Vasile", "Nikolai"):
        expect(place_cell(name)).to_have_text("Men's place")
    expect(page.get_by_text(re.compile("Record the day each placed person agreed"))).to_be_visible()
    expect(page.get_by_role("button", name="Send to the shelters")).to_have_count(0)

    # when: each person's agreement is recorded on their page
    today = timezone.localdate().isoformat()
    for name in cases:
        row(name).get_by_role("link", name="Family, risk, needs and agreement").click()
        page.get_by_label("Agreed to be placed on").fill(today)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved.")).to_be_visible()

    # then: the plan may be sent; it is sent
    page.get_by_role("button", name="Send to the shelters").click()
    expect(page.get_by_text("The plan was sent: each shelter has its requests.")).to_be_visible()
    expect(row("Bogdan").get_by_role("link", name="Proposed")).to_be_visible()
    assert GroupPlan.objects.get(pk=plan.pk).state == GroupPlan.State.SENT
    assert Placement.objects.filter(plan=plan).count() == len(FOUND_AT_NIGHT)

    # when: a caseworker of the children's unit, on a phone, opens its requests
    staff = UserFactory.create(organisation=children.organisation, role=Role.CASEWORKER)
    phone = new_context(viewport=PHONE).new_page()
    sign_in(phone, live_server, staff)
    phone.goto(live_server.url + reverse("shelters_placements:placement_requests"))
    requests = phone.locator("tbody tr")
    expect(requests).to_have_count(1)
    requests.get_by_role("link", name=cases["Bogdan"].reference).click()
    phone.get_by_role("button", name="Accept: take the person in").click()

    # then: on the placement, accepted, with a link to the case
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Placement, case {cases['Bogdan'].reference}"
    )
    expect(phone.get_by_role("link", name="Open the case")).to_be_visible()
    placement = Placement.objects.get(plan=plan, case=cases["Bogdan"])
    assert placement.state == PlacementState.ACCEPTED
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
