"""Tell it once, in real Chromium (issue 4): a police caseworker on the case team
sees the narrative only after the person's consent is recorded under an
agreement in force, and reads why (R-20, R-40, R-47).

The users, the case, the team and the agreement (consent needed) are set up
through services; the consent is recorded through the consent form, and the
police user reads through the case page, choosing the purpose there."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import ConsoleMessage, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.access.tests.test_selectors_sharing import AGREEMENT, NARRATIVE, org_of, world
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _console_problems(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and CSP reports, except the browser's
    own request for /favicon.ico, which no page asks for."""
    seen: list[str] = []

    def record(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            seen.append(f"{message.text} ({url})")

    page.on("console", record)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def _narrative(page: Page) -> Locator:
    return page.get_by_role("region", name="Narrative", exact=True)


def _read_for(page: Page, purpose: str) -> None:
    """The purpose select on the case page (a plain GET form, no script needed)."""
    page.get_by_label("Read for the purpose of").select_option(purpose)
    page.get_by_role("button", name="Read for this purpose").click()


def _record_consent_for_police(page: Page, reference: str, police_name: str) -> None:
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Consents").click()
    page.get_by_role("link", name="Record a consent").click()
    expect(
        page.get_by_text("Refusing consent, including to sharing with the police")
    ).to_be_visible()
    page.get_by_label("Shared with").select_option(label=f"{police_name} (Police)")
    page.get_by_role("radio", name="investigation").check()
    page.get_by_role("checkbox", name="Narrative").check()
    expect(page.get_by_label("The person", exact=True)).to_be_checked()
    page.get_by_role("combobox", name="Language the information was given in").select_option("fi")
    information = page.get_by_label("Information given to the person")
    expect(information).to_have_value(re.compile("saying no changes nothing"))
    page.get_by_role("button", name="Record the consent").click()


def test_it_shows_the_police_the_narrative_only_after_consent_under_an_agreement(
    page: Page,
    new_context: CreateContextCallback,
    live_server: LiveServer,
    csp_violations: list[str],
) -> None:
    # given: an NGO leads the case; the police are on its team with nothing shared by
    # default; an agreement in force lets the narrative flow to them for investigation,
    # with the person's consent
    w = world()
    police_name, lead_name = org_of(w.police).name, org_of(w.lead).name
    police_problems = _console_problems(page)

    # when: the police open the case (read for assistance, the default)
    sign_in(page, live_server, w.police)
    page.get_by_role("link", name=w.case.reference).click()

    # then: hidden, with why and whom to ask
    expect(_narrative(page)).to_contain_text(
        f"Hidden: No cooperation agreement in force lets narrative flow to {police_name} "
        f"for assistance. Ask the case lead ({lead_name})."
    )

    # when: read for investigation, which the agreement covers
    _read_for(page, "investigation")

    # then: still hidden, for want of the person's consent
    expect(_narrative(page)).to_contain_text(
        f"Hidden: The person has not consented to share narrative with {police_name} for "
        f"investigation. Ask the case lead ({lead_name})."
    )
    expect(page.get_by_text(NARRATIVE)).to_have_count(0)

    # when: the NGO caseworker records the person's consent through the form
    lead_page = new_context().new_page()
    lead_problems = _console_problems(lead_page)
    sign_in(lead_page, live_server, w.lead)
    _record_consent_for_police(lead_page, w.case.reference, police_name)

    # then
    expect(lead_page.get_by_text("The consent was recorded.")).to_be_visible()
    expect(
        lead_page.get_by_role("heading", name=f"To {police_name}, for investigation")
    ).to_be_visible()

    # when: the police reload the case page
    page.reload()

    # then: the narrative, and why they may read it
    expect(_narrative(page).get_by_text(NARRATIVE)).to_be_visible()
    day = date_format(timezone.localdate())
    expect(_narrative(page)).to_contain_text(
        f"Why can I see this: Shared by consent of {day} for investigation under the "
        f"agreement '{AGREEMENT}'."
    )
    expect(page.get_by_label("Read for the purpose of")).to_have_value("investigation")
    assert police_problems == []
    assert lead_problems == []
    assert csp_violations == []
