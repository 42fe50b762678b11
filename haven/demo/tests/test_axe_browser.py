"""Issues 11 and 18, in real Chromium on a 360 px phone: every kind of page the demo
roles reach has no accessibility violation that axe-core finds (any impact), and none
scrolls sideways; then, in the same walk, every kind of page in the shipped languages
has the right ``lang`` and lets no text run out of its box
(``test_languages_crawl.language_problems`` says which language sees which page).

The pages are those the crawl test walks (one account per role, and the
caseworker of every kind of organisation), one page per URL pattern: the first
account that reaches a pattern is the one that opens it in the browser
(``pages.pages_by_pattern``). One walk serves both checks: the demo's seed and the
crawl that finds the pages are paid once per part. The walk comes in ``pages.PARTS``
parts, one test each, that ``make test-browser``'s two workers run side by side
(started before the other browser tests: ``long``); each opens its share of the pages
for both checks, and together they open every page.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import Page, ViewportSize
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import User
from haven.demo import seed as demo
from haven.demo.tests.pages import PARTS, PUBLIC, in_part, pages_by_pattern
from haven.demo.tests.test_languages_crawl import language_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 844}
WIDEST = """() => {
  const over = [...document.querySelectorAll("main *")].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1);
  const leaf = over.filter((e) => !over.some((o) => o !== e && e.contains(o)));
  return leaf.slice(0, 3).map((e) => e.tagName.toLowerCase()
    + (e.className ? "." + String(e.className).split(" ").join(".") : "")
    + (e.name ? "[name=" + e.name + "]" : "")).join(", ");
}"""


def _widest(page: Page) -> str:
    """The innermost elements that reach past the screen's right edge."""
    found: str = page.evaluate(WIDEST)
    return found


def _violations(page: Page, axe: Axe) -> list[str]:
    results = axe.run(page)
    found = []
    for violation in results.response["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        found.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return found


@pytest.mark.long
@pytest.mark.parametrize("part", range(PARTS))
def test_no_page_has_an_axe_violation_or_overflows_a_phone_in_any_shipped_language(
    page: Page, live_server: LiveServer, settings: Settings, part: int
) -> None:
    # given: the demo, and one page of every pattern the roles reach (this part opens
    # its share); the language switch's cookie decides the language (a profile's
    # language would win: none here)
    settings.DEMO_MODE = True
    demo.seed_demo(cases=12, seed=5)
    User.objects.filter(is_demo=True).update(language="")
    pages = pages_by_pattern()
    assert len(pages) > 40  # the walk went well past the menus
    axe = Axe()
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    visits = [("(signed out)", "", url) for i, url in enumerate(PUBLIC) if i % PARTS == part]
    visits += [
        (user.username, cookie, url)
        for key, (user, cookie, url) in pages.items()
        if in_part(key, part)
    ]
    assert len(visits) > 40 / PARTS  # a fair share

    for account, cookie, url in visits:
        # when: the account opens the page on a phone
        page.context.clear_cookies()
        if cookie:
            name = django_settings.SESSION_COOKIE_NAME
            page.context.add_cookies([{"name": name, "value": cookie, "url": live_server.url}])
        page.goto(f"{live_server.url}{url}")

        # then
        width: int = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{account} {url}: {width} px wide, {_widest(page)}")
        problems.extend(f"{account} {url}: {v}" for v in _violations(page, axe))

    # and: the same pages in the shipped languages (issue 18)
    problems += language_problems(page, live_server, pages, part)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
