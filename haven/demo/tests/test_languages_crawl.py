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

The walk comes in parts (``pages.PARTS``), one test each, so that two workers share it:
each part opens its share of the patterns (``pages.in_part``) in the languages the plan
of all the patterns gives them, and the public pages in its share of the languages.

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
from haven.demo.tests.pages import PARTS, PUBLIC, in_part
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


def language_visits(
    pages: Mapping[tuple[str, frozenset[str]], Visit], part: int
) -> list[tuple[str, str, str, str]]:
    """This part's share of the walk (``pages.in_part``): (account, session cookie or ""
    for someone signed out, language, page), the public pages in this part's languages
    first, then every pattern of the part in the languages ``plan`` gives it (the plan
    of all the patterns, so the parts together open what one walk would)."""
    ordered = sorted(pages, key=lambda k: (k[0], sorted(k[1])))
    assert {route for route, _keys in ordered} >= LANGUAGE_BY_QUERY  # the exception is live
    visits = [
        ("(signed out)", "", code, url)
        for index, code in enumerate(LANGUAGES)
        if index % PARTS == part
        for url in PUBLIC
    ]
    for key, codes in zip(ordered, plan(len(ordered), LANGUAGES), strict=True):
        if in_part(key, part):
            user, cookie, url = pages[key]
            visits += [(user.username, cookie, code, _in(code, key[0], url)) for code in codes]
    return visits


def test_the_parts_of_the_walk_open_every_page_in_its_languages_once() -> None:
    # (no browser, no database)
    # given: more patterns than languages, one of them the page asked for by its query
    routes = ["web:cases/<uuid:case_id>/person-report/"]
    routes += [f"web:page-{number}/" for number in range(2 * len(LANGUAGES))]
    pages = {
        (route, frozenset({"q"} if number % 3 else ())): (
            User(username=f"walker{number % 4}"),
            f"cookie{number % 4}",
            f"/page/{number}/?lang=xx",
        )
        for number, route in enumerate(routes)
    }

    # when
    parts = [language_visits(pages, part) for part in range(PARTS)]

    # then: together the parts open the public pages in every language and each
    # pattern in its planned languages, each visit once; every part has a share
    visits = [visit for part in parts for visit in part]
    planned = plan(len(pages), LANGUAGES)
    expected = {("(signed out)", "", code, url) for code in LANGUAGES for url in PUBLIC}
    for key, codes in zip(sorted(pages, key=lambda k: (k[0], sorted(k[1]))), planned, strict=True):
        user, cookie, url = pages[key]
        expected |= {(user.username, cookie, code, _in(code, key[0], url)) for code in codes}
    assert len(visits) == len(set(visits)) == len(expected)
    assert set(visits) == expected
    assert all(part for part in parts)
    assert ("walker0", "cookie0", "de", "/page/0/?lang=de") in visits  # asked in its language


def language_problems(
    page: Page,
    live_server: LiveServer,
    pages: Mapping[tuple[str, frozenset[str]], Visit],
    part: int,
) -> list[str]:
    """This part's share of the walk (``language_visits``) on the phone the page is set
    to: what is wrong (nothing: [])."""
    page.set_viewport_size(PHONE)
    session, language = django_settings.SESSION_COOKIE_NAME, django_settings.LANGUAGE_COOKIE_NAME
    problems: list[str] = []
    for account, cookie, code, url in language_visits(pages, part):
        # the account (or someone signed out) opens its page in the language on a phone
        page.context.clear_cookies()
        page.context.add_cookies([{"name": language, "value": code, "url": live_server.url}])
        if cookie:
            page.context.add_cookies([{"name": session, "value": cookie, "url": live_server.url}])
        problems += _check(page, live_server, account, code, url)
    return problems
