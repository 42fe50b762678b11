"""The screening form on a phone-sized screen in real Chromium: a presumed child is
screened with the child set by tapping labels, and nothing is wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.identification.tests.factories import load_shipped_sets
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # pytest-playwright hook: a small phone's screen, with touch.
    return {**browser_context_args, "viewport": PHONE, "has_touch": True}


def test_a_presumed_child_is_screened_on_a_phone_with_the_child_set(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    load_shipped_sets()
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="uncertain_presumed_child", date_of_birth=None)
    sign_in(page, live_server, caseworker)

    # when: the form, on a phone
    page.goto(f"{live_server.url}/identification/cases/{case.id}/screening/new/")

    # then: the child set, its provisional flag, nothing wider than the screen
    expect(page.get_by_role("heading", name="Provisional indicator set")).to_be_visible()
    expect(page.locator('input[name="set"]')).to_have_value("children_labour")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    label = page.locator('label[for="id_observed_EX-01"]').bounding_box()
    assert label is not None
    assert label["width"] >= PHONE["width"] * 0.6  # the whole line is the touch target
    assert label["height"] >= 24  # WCAG 2.5.8 minimum target size

    # when: tap the labels, give the sources, answer the act question
    page.get_by_text("Yes, the act is established").tap()
    for code in ("EX-01", "EX-02"):
        page.locator(f'label[for="id_observed_{code}"]').tap()
        page.get_by_label(f"Where does the information on {code} come from?").select_option(
            "own_account"
        )
    page.get_by_text("Add a note on EX-01").tap()
    page.get_by_label("Note on EX-01").fill("Works nights at a car wash.")
    page.get_by_role("button", name="Record the screening").tap()

    # then
    expect(
        page.get_by_role("heading", name="Indicators consistent with trafficking")
    ).to_be_visible()
    expect(page.get_by_text("Works nights at a car wash.")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert csp_violations == []
