"""Issue 11 in real Chromium: a member of the public reports three men found
together; the national coordinator finds the report at the desk, asks for one row
per person, and opens three cases linked as one incident; each case page shows
the group. Everything through the pages; only the coordinator's account is set up."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THREE_MEN = "Three men sleep in a container on the building site; the foreman keeps their wages."
NAMES = ("Testi", "Testo", "")  # nobody knows the third man's name


def test_issue11_a_concern_about_three_men_is_opened_as_three_linked_cases(
    page: Page, new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: the coordinator of the country the report is about
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.CASEWORKER)
    assert coordinator.organisation is not None

    # when: someone reports the three men on the public page, signed out
    public = new_context().new_page()
    public.goto(live_server.url + reverse("report:new"))
    country = public.get_by_label("Which country is it about?", exact=True)
    if country.count():  # asked only where Haven serves more than one country
        country.select_option(coordinator.organisation.country)
    public.get_by_label("What happened, or what did you see?").fill(THREE_MEN)
    public.get_by_role("button", name="Send the report").click()

    # then
    expect(public.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your report was received"
    )
    reference = public.locator("#report-reference").inner_text()

    # when: the coordinator opens it at the desk and asks for one row per person
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + reverse("referrals:desk_report_list"))
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text(THREE_MEN)).to_be_visible()
    page.get_by_label("How many people is the report about?").fill("3")
    page.get_by_role("button", name="Show one row per person").click()

    # then: three rows
    rows = page.locator("fieldset.person-row")
    expect(rows).to_have_count(3)

    # when: the names known, and the three cases opened at once
    for index, name in enumerate(NAMES):
        if name:
            rows.nth(index).get_by_label("Given name").fill(name)
    page.get_by_role("button", name="Open 3 linked cases").click()

    # then: on one of the cases, which shows the other two as its group
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Case "))
    expect(page.get_by_text(re.compile(r"Found together with 2 other people"))).to_be_visible()
    cases = list(Case.objects.all())
    assert len(cases) == 3 and len({case.incident_id for case in cases}) == 1
    shown = page.get_by_role("heading", level=1).inner_text().removeprefix("Case ")
    for case in cases:
        if case.reference != shown:
            expect(page.get_by_role("link", name=case.reference)).to_be_visible()
