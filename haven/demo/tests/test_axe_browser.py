"""Issue 11, in real Chromium on a 360 px phone: every kind of page the demo roles
reach has no accessibility violation that axe-core finds (any impact), and none
scrolls sideways.

The pages are those the crawl test walks (one account per role, and the
caseworker of every kind of organisation), one page per URL pattern: the first
account that reaches a pattern is the one that opens it in the browser.
"""

from __future__ import annotations

from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page, ViewportSize
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import User
from haven.demo import seed as demo
from haven.demo.tests.test_crawl import _route_key, _split, _walkers, crawl
from haven.web.tests.factories import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 844}
# Pages for everyone, before signing in: sign-in and the public concern form.
PUBLIC = ("/accounts/login/", "/report/")


def _pages() -> dict[tuple[str, frozenset[str]], tuple[User, str, str]]:
    """One page per URL pattern: (account, its session cookie, the page)."""
    chosen: dict[tuple[str, frozenset[str]], tuple[User, str, str]] = {}
    for user in _walkers():
        client = sign_in(Client(), user)
        reached: list[str] = []
        dead = list(crawl(client, user.username, Counter(), reached))
        assert not dead, dead  # the crawl test names them; here they would hide pages
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        for url in reached:
            key = _route_key(*_split(url))
            if key is not None:
                chosen.setdefault(key, (user, cookie, url))
    return chosen


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


def test_no_page_has_an_axe_violation_or_scrolls_sideways_on_a_phone(
    page: Page, live_server: LiveServer, settings: Settings
) -> None:
    # given: the demo, and one page of every pattern the roles reach
    settings.DEMO_MODE = True
    demo.seed_demo(cases=12, seed=5)
    pages = _pages()
    assert len(pages) > 40  # the walk went well past the menus
    axe = Axe()
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    visits = [("(signed out)", "", url) for url in PUBLIC]
    visits += [(user.username, cookie, url) for user, cookie, url in pages.values()]

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

    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
