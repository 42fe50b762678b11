"""Issue 18 in real Chromium: every shipped language on a 360 px phone. On the main
pages (home, case list, a case, the intake form, referrals, shelter capacity,
statistics) the page says which language its text is in (``<html lang>``), never
scrolls sideways, and no button, heading or table cell lets its text run out of its
box — long Finnish compounds and Russian words included, once translated."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.shelters.tests.test_plans import coordinator
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# What the page shows at 360 px: the language, the widths, and every box whose text is
# wider than the box. Skipped: what is not rendered, inline boxes (no width of their
# own), boxes meant to scroll (overflow auto or scroll) and text for screen readers only.
MEASURE = """() => {
  const boxes = 'button, .button, th, td, h1, h2, h3, label, legend, summary, dt, dd, caption, '
    + 'p, li';
  const overflowing = [];
  for (const box of document.querySelectorAll(boxes)) {
    const style = getComputedStyle(box);
    if (!box.getClientRects().length || style.display === 'inline') continue;
    if (['auto', 'scroll'].includes(style.overflowX)) continue;
    if (box.closest('.visually-hidden, .skip-link')) continue;
    if (box.scrollWidth > box.clientWidth + 1) {
      overflowing.push(box.tagName.toLowerCase() + ': ' + box.textContent.trim().slice(0, 60));
    }
  }
  return {
    lang: document.documentElement.lang,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    overflowing: overflowing,
  };
}"""


def signed_in_phone(
    new_context: CreateContextCallback, live_server: LiveServer, user: User
) -> tuple[BrowserContext, Page]:
    context = new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, user)  # in English: the browser asks for nothing else
    return context, page


def in_language(context: BrowserContext, live_server: LiveServer, code: str) -> None:
    """What the language switch leaves: its cookie (the user's profile names none)."""
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}]
    )


def measure(page: Page, live_server: LiveServer, path: str) -> dict[str, Any]:
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    found: dict[str, Any] = page.evaluate(MEASURE)
    return found


def test_issue18_every_language_fits_a_360_px_phone_with_the_right_lang(
    new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: a caseworker with a case, and the national coordinator (capacity, statistics)
    caseworker = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    case = open_case(actor=caseworker, narrative="Recruited for seasonal work.")
    desk = coordinator()
    pages = {
        caseworker: [
            reverse("web:home"),
            reverse("cases:list"),
            reverse("web:case_detail", args=[case.id]),
            reverse("cases:new"),
            reverse("referrals:referral_incoming"),
        ],
        desk: [reverse("shelters_places:capacity"), reverse("statistics:home")],
    }
    problems: list[str] = []

    for user, paths in pages.items():
        context, page = signed_in_phone(new_context, live_server, user)
        for code in LANGUAGES:
            in_language(context, live_server, code)
            for path in paths:
                # when
                found = measure(page, live_server, path)

                # then
                if found["lang"] != code:
                    problems.append(f"{code} {path}: lang={found['lang']!r}")
                if found["scrollWidth"] > found["innerWidth"]:
                    problems.append(f"{code} {path}: {found['scrollWidth']} px wide")
                problems += [f"{code} {path}: overflows: {box}" for box in found["overflowing"]]
        context.close()

    assert problems == []


def test_the_check_sees_a_word_that_runs_out_of_its_box(
    new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: a page with one button too narrow for its word (the check itself, tested)
    context = new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))

    # when: a word as long as a Finnish compound in a button that cannot break it
    page.evaluate(
        """() => {
          const b = document.querySelector('button[type=submit]');
          b.textContent = 'Ihmiskaupanuhrienauttamisjärjestelmäntunnistamispäätös';
          b.style.overflowWrap = 'normal';
          b.style.hyphens = 'manual';
          b.style.width = '120px';
          b.style.overflow = 'hidden';
        }"""
    )
    found: dict[str, Any] = page.evaluate(MEASURE)

    # then
    assert any("Ihmiskaupan" in box for box in found["overflowing"])
    context.close()
