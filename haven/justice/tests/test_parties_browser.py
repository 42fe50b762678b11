"""Issue 17 in real Chromium: two cases share an employer. The police, on both
teams, link the employer found by the search to the second case and then see, on
each case, the link to the other; a shelter on the first case sees nothing of
the employer, on the case page or at the parties page's address (R-38)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.justice.models import PartyLink
from haven.justice.tests.parties_setup import shared_employer
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMPLOYER = "Berry Farm Oy"
PANEL = "Offenders, employers and other parties"


def test_r38_the_police_see_the_shared_employer_and_a_shelter_on_one_case_does_not(
    page: Page, new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: the employer on the first case; the police on both cases
    t = shared_employer()
    t.other_link.delete()

    # when: the police search for the employer from the second case and link it
    sign_in(page, live_server, t.police)
    page.goto(live_server.url + reverse("justice:case_parties", args=[t.second.id]))
    page.get_by_role("link", name="Add a party").click()
    page.get_by_label("Name", exact=True).first.fill("berry farm oy")
    page.get_by_role("button", name="Search").click()
    found = page.get_by_role("form", name=f"Link {EMPLOYER}")
    found.get_by_label("Employer").check()
    found.get_by_role("button", name=f"Link {EMPLOYER} to this case").click()

    # then: the parties of the second case show the first case, as a link
    expect(page.get_by_text("The party was added to the case.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(f"Parties, case {t.second.reference}")
    )
    page.get_by_role("link", name=t.first.reference).click()

    # then: the first case's page shows the employer and the link to the second case
    expect(
        page.get_by_role("heading", name="Offenders, employers and other parties")
    ).to_be_visible()
    panel = page.locator("section[aria-labelledby='parties-title']")
    expect(panel.get_by_role("link", name=EMPLOYER)).to_be_visible()
    expect(panel.get_by_role("link", name=t.second.reference)).to_be_visible()
    assert PartyLink.objects.filter(case=t.second, party_id=t.link.party_id).exists()

    # when: the shelter on the first case opens it
    shelter = new_context().new_page()
    sign_in(shelter, live_server, t.shelter)
    shelter.goto(live_server.url + reverse("web:case_detail", args=[t.first.id]))

    # then: nothing of the employer, nor of the other case
    expect(shelter.get_by_role("heading", level=1)).to_be_visible()
    expect(shelter.get_by_text(EMPLOYER)).to_have_count(0)
    expect(shelter.get_by_text(t.second.reference)).to_have_count(0)
    expect(
        shelter.get_by_role("heading", name="Offenders, employers and other parties")
    ).to_have_count(0)
    refused = shelter.goto(live_server.url + reverse("justice:case_parties", args=[t.first.id]))
    assert refused is not None and refused.status == 403
    expect(shelter.get_by_text(EMPLOYER)).to_have_count(0)
