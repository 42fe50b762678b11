"""Issue 11, in real Chromium on a 360 px phone: the pages a caseworker works from
(home, deadlines, incoming referrals, the case) never scroll sideways, the header
leaves the first screen to the work, and the menu folds into a disclosure that
opens without JavaScript; on a desktop the menu stays in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from haven.referrals.tests.test_referrals_services import referral_setup, send
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
WORK_PAGES = ("/", "/deadlines/", "/referrals/incoming/")
HEADER_MAX = 200  # px of the 844: the rest of the first screen is for the work


def _scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.scrollingElement.scrollWidth")
    return width


def _main_top(page: Page) -> float:
    top: float = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    return top


def test_a_shelter_caseworker_works_on_a_360_px_phone_without_sideways_scrolling(
    page: Page, live_server: LiveServer, csp_violations: list[str], settings: Settings
) -> None:
    # given: the demo (its banner on every page) and a shelter with referrals waiting
    # for its answer (so deadlines too)
    settings.DEMO_MODE = True
    s = referral_setup()
    send(s, urgent=True)
    send(referral_setup(), message="Another synthetic message.")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, s.receiver)

    for path in WORK_PAGES:
        # when
        page.goto(f"{live_server.url}{path}")

        # then: nothing wider than the phone, and the work starts high on the screen
        expect(page.locator(".demo-banner")).to_be_visible()
        assert _scroll_width(page) <= PHONE["width"], path
        assert _main_top(page) < HEADER_MAX, path

    # when: the menu is folded; it opens with a tap (a <details>, no script)
    menu_link = page.get_by_role("link", name="Cases", exact=True)
    expect(menu_link).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()

    # then
    expect(menu_link).to_be_visible()
    assert _scroll_width(page) <= PHONE["width"]
    assert csp_violations == []


def test_the_tables_stack_as_labelled_cards_on_a_phone(page: Page, live_server: LiveServer) -> None:
    # given
    s = referral_setup()
    send(s)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, s.receiver)

    # when
    page.goto(f"{live_server.url}/referrals/incoming/")

    # then: each cell says which column it is
    cell = page.locator("td[data-label]").first
    expect(cell).to_be_visible()
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.strip('"').startswith(cell.get_attribute("data-label") or "-")


def test_on_a_desktop_the_menu_stays_in_view(page: Page, live_server: LiveServer) -> None:
    # given
    s = referral_setup()
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, s.receiver)

    # when
    page.goto(f"{live_server.url}/")

    # then
    expect(page.get_by_role("link", name="Cases", exact=True)).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
