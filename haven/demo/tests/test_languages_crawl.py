"""Issue 18 across the whole site: every kind of page the demo roles reach, in the
shipped languages, in real Chromium on a 360 px phone, says which language its text
is in (``<html lang>``), never scrolls sideways, and lets no button, heading, label or
table cell run its text out of its box.

``language_problems`` walks them; the axe test in ``test_axe_browser`` calls it in its
own walk, so the demo's seed and the crawl that finds the pages are paid once. The pages
are those the axe test opens (``pages.pages_by_pattern``: one page per URL pattern that
the crawl's accounts reach, opened by the first account that reaches it), and the
check is the one of ``test_languages_browser`` (its ``MEASURE`` script). The plan is
tested here without a browser.

Which language sees which page (``plan()``): German and Finnish (the longest words)
and Russian (Cyrillic) see every pattern; each of the N other shipped languages,
English among them, takes a deterministic rotating share (pattern i, in sorted order,
goes to the (i mod N)-th of them), so every pattern is seen in four languages and
every language sees its share.

Not every combination: a visit takes about 170 ms here (the page and its five static
files through the live server), so all 13 languages on the ~120 patterns were some
1,550 visits and 4.5 minutes, where this plan is about 500 visits and 1.5 minutes on
top of the demo's seed and crawl. The languages differ in word length and script,
which the three full languages already span, while the rotation still opens a share
of the pages in each catalogue. The public pages (sign-in and the public concern form)
are opened in every language.

The language is the language switch's cookie; a profile's language would win over it,
so the demo accounts' profiles name none here. The person report is written in the
person's language, not the reader's (its ``?lang=`` chooses it): it is asked for in
the language under test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.conf import settings as django_settings
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import User
from haven.demo.tests.pages import PUBLIC
from haven.web.tests.test_languages_browser import LANGUAGES, MEASURE, PHONE

Visit = tuple[User, str, str]  # the account, its session cookie, the page

# Every pattern in these: the longest words, and another script.
EVERY_PATTERN = ("de", "fi", "ru")
# Pages in a language their ``lang`` query chooses, whatever the reader's.
LANGUAGE_BY_QUERY = frozenset({"web:cases/<uuid:case_id>/person-report/"})


def plan(patterns: int, languages: Sequence[str]) -> list[tuple[str, ...]]:
    """For pattern i: the languages it is opened in (EVERY_PATTERN, then its share)."""
    rotating = [code for code in languages if code not in EVERY_PATTERN]
    full = [code for code in EVERY_PATTERN if code in languages]
    return [(*full, rotating[i % len(rotating)]) for i in range(patterns)]


def _in(code: str, route: str, url: str) -> str:
    """The page's address, asking for the language where the page chooses its own."""
    if route not in LANGUAGE_BY_QUERY:
        return url
    path, _, query = url.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("lang=")]
    return f"{path}?{'&'.join([*kept, urlencode({'lang': code})])}"


def _check(page: Page, live_server: LiveServer, who: str, code: str, url: str) -> list[str]:
    """What is wrong with one page in one language (nothing: an empty list)."""
    response = page.goto(f"{live_server.url}{url}", wait_until="domcontentloaded")
    where = f"{code} {who} {url}"
    if response is None or response.status != 200:
        return [f"{where}: status {response.status if response else None}"]
    found: dict[str, Any] = page.evaluate(MEASURE)
    problems: list[str] = []
    if found["lang"] != code:
        problems.append(f"{where}: lang={found['lang']!r}")
    if found["scrollWidth"] > found["innerWidth"]:
        problems.append(f"{where}: {found['scrollWidth']} px wide")
    problems += [f"{where}: overflows: {box}" for box in found["overflowing"]]
    return problems


def test_plan_sees_every_pattern_in_four_languages_and_every_language() -> None:
    # (no browser, no database: it runs with the quick tests)
    # given: the shipped languages, and more patterns than languages
    patterns = 2 * len(LANGUAGES)

    # when
    chosen = plan(patterns, LANGUAGES)

    # then: every pattern in German, Finnish, Russian and one more; every language used
    assert all(len(set(codes)) == 4 and set(EVERY_PATTERN) <= set(codes) for codes in chosen)
    assert {code for codes in chosen for code in codes} == set(LANGUAGES)
    assert plan(patterns, LANGUAGES) == chosen  # the same share on every run


def language_problems(
    page: Page, live_server: LiveServer, pages: Mapping[tuple[str, frozenset[str]], Visit]
) -> list[str]:
    """Every pattern's page in the languages ``plan`` gives it, and the public pages in
    every language, on the phone the page is set to: what is wrong (nothing: [])."""
    ordered = [(key[0], *pages[key]) for key in sorted(pages, key=lambda k: (k[0], sorted(k[1])))]
    assert {route for route, *_ in ordered} >= LANGUAGE_BY_QUERY  # the exception is live
    page.set_viewport_size(PHONE)
    session, language = django_settings.SESSION_COOKIE_NAME, django_settings.LANGUAGE_COOKIE_NAME
    problems: list[str] = []

    for code in LANGUAGES:
        # someone signed out opens the public pages in each language
        page.context.clear_cookies()
        page.context.add_cookies([{"name": language, "value": code, "url": live_server.url}])
        for url in PUBLIC:
            problems += _check(page, live_server, "(signed out)", code, url)

    for (route, user, cookie, url), codes in zip(
        ordered, plan(len(ordered), LANGUAGES), strict=True
    ):
        for code in codes:
            # the account opens its page in the language on a phone
            page.context.add_cookies(
                [
                    {"name": session, "value": cookie, "url": live_server.url},
                    {"name": language, "value": code, "url": live_server.url},
                ]
            )
            problems += _check(page, live_server, user.username, code, _in(code, route, url))
    return problems
