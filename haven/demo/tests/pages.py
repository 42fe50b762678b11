"""The pages the browser walks open: one page of every URL pattern the demo roles
reach (the crawl test's walkers), opened by the first account that reaches it, and the
pages for everyone before signing in. Shared by the axe and language checks, which run
in one walk (one seed and one crawl).

The walk comes in ``PARTS`` parts, one test each, so that ``make test-browser``'s two
workers share it: each part seeds and crawls (the same seed finds the same pages) and
opens its share of the patterns (``in_part``), and of the public pages and languages,
for both checks. Together the parts open every page the one walk would."""

from __future__ import annotations

import zlib
from collections import Counter

from django.conf import settings as django_settings
from django.test import Client

from haven.accounts.models import User
from haven.demo.tests.test_crawl import _route_key, _split, _walkers, crawl
from haven.web.tests.factories import sign_in

# Pages for everyone, before signing in: sign-in and the public concern form.
PUBLIC = ("/accounts/login/", "/report/")
# The walk's parts: one per worker of make test-browser.
PARTS = 2


def in_part(key: tuple[str, frozenset[str]], part: int) -> bool:
    """Whether the pattern's page is opened in this part of the walk: a share decided by
    the pattern alone, so it does not depend on which other patterns a crawl reaches."""
    route, query_keys = key
    return zlib.crc32("?".join([route, *sorted(query_keys)]).encode()) % PARTS == part


def pages_by_pattern() -> dict[tuple[str, frozenset[str]], tuple[User, str, str]]:
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
