"""The report for the person in real Chromium: reached from the case page, and
printed without navigation or buttons, with the demo banner and one part a page."""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.cases import selectors
from haven.cases.tests.test_person_report import org_of, shared_case
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_prints_the_report_without_navigation_and_one_part_a_page(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: the police on the team have read the case
    shared = shared_case()
    selectors.case_read(user=shared.police, case_id=shared.case.id)
    with override_settings(DEMO_MODE=True):
        sign_in(page, live_server, shared.lead)
        page.goto(f"{live_server.url}/cases/{shared.case.id}/")

        # when
        page.get_by_role("link", name="Report for the person").click()
        page.emulate_media(media="print")

        # then
        expect(page.get_by_role("heading", name="What Haven holds about you")).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
        expect(page.get_by_role("button", name="Show in this language")).to_be_hidden()
        expect(page.get_by_role("region", name="Demo mode")).to_be_visible()
        access = page.locator("#report-access")
        expect(
            access.get_by_role("cell", name=org_of(shared.police).name + " (Police)")
        ).to_be_visible()
        breaks = page.locator(".person-report__section").evaluate_all(
            "sections => sections.map(s => getComputedStyle(s).breakBefore)"
        )
        assert breaks[0] != "page"
        assert set(breaks[1:]) == {"page"}
    assert csp_violations == []
