"""The foundation's pages in real Chromium: sign-in with TOTP, intake, search,
the same 404 for outsiders, and a police team member who sees why location is
hidden. Also watches for any Content-Security-Policy violation on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_an_ngo_caseworker_open_a_case_and_find_it_by_reference(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    other = open_case(actor=caseworker)
    sign_in(page, live_server, caseworker)

    # when: intake through the form
    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Given name").fill("Liis")
    page.get_by_label("Family name").fill("Synthetic")
    page.get_by_label("Date of birth").fill("1994-05-17")
    page.get_by_label("Age status").select_option("verified_adult")
    page.get_by_role("listbox", name="Citizenships").select_option("EE")
    page.get_by_role("combobox", name="First language").select_option(label="Russian")
    page.get_by_label("Current location").fill("Shelter 9, Synthetic Street 1")
    page.get_by_label("Forced labour or services").check()
    page.get_by_label("First narrative entry").fill("Came for seasonal work.")
    page.get_by_role("button", name="Open the case").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Case ")
    reference = heading.inner_text().removeprefix("Case ").strip()

    # when: search the list by reference (htmx swaps in the rows)
    page.get_by_role("link", name="Cases", exact=True).click()
    with page.expect_response(lambda r: f"reference={reference}" in r.url) as search:
        page.get_by_label("Reference").fill(reference)
        page.get_by_role("button", name="Search").click()

    # then
    assert search.value.request.headers.get("hx-request") == "true"
    expect(page).to_have_url(re.compile(f"reference={reference}"))
    expect(page.get_by_role("status").filter(has_text="1 case")).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#group-narrative")).to_contain_text("Came for seasonal work.")
    assert csp_violations == []


def test_it_starts_keyboard_users_at_the_skip_link(page: Page, live_server: LiveServer) -> None:
    # given
    page.goto(f"{live_server.url}/accounts/login/")

    # when
    page.keyboard.press("Tab")

    # then
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_it_gives_a_caseworker_of_another_organisation_a_404(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    owner = make_user(org_type=OrgType.NGO)
    outsider = make_user(org_type=OrgType.NGO)
    case = open_case(actor=owner)
    sign_in(page, live_server, outsider)

    # when
    response = page.goto(f"{live_server.url}/cases/{case.id}/")

    # then
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_have_count(0)
    assert csp_violations == []


def test_it_shows_a_police_team_member_why_location_is_hidden(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead, current_location="Shelter 9, Synthetic Street 1")
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)
    sign_in(page, live_server, police)

    # when
    page.goto(f"{live_server.url}/cases/{case.id}/")

    # then
    location = page.locator("#group-location")
    expect(location).to_contain_text("Hidden:")
    # the reason says why (no agreement lets location flow to the police) and whom to ask
    expect(location).to_contain_text("No cooperation agreement in force lets location flow")
    assert lead.organisation is not None
    expect(location).to_contain_text(f"Ask the case lead ({lead.organisation.name})")
    expect(page.get_by_text("Shelter 9")).to_have_count(0)
    expect(page.locator("#group-identity")).to_contain_text("Why can I see this:")
    assert csp_violations == []
