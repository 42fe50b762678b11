"""No dead ends (issue 11): every link and form a page offers works for the user it
is offered to.

The demo is seeded once (a small seed, through the real services), then one demo
account per role, and the caseworker of every kind of organisation, walks the
site from the home page breadth-first through the test client, following every
same-site link. A link that answers 403 or 404 (or a server error), or a form
whose page refuses the user up front, is a dead end: the same rule that refuses
must also hide the link.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from haven.accounts.models import OrgType, Role, User
from haven.demo import seed as demo
from haven.web.tests.factories import sign_in

MAX_PAGES = 150  # per account
MIN_PAGES = 5  # even the rapporteur has a home, a menu and a few lists
PER_ROUTE = 2  # instances of one URL pattern (with the same query keys) visited
DEAD = frozenset({403, 404, 500})
# Pages that are no journey of their own: the API and its schema, the Django
# admin, sign-out and the language switch (state-changing forms, not links).
SKIPPED_PREFIXES = ("/api/", "/admin/", "/i18n/", "/accounts/logout/", settings.STATIC_URL)
SKIPPED_NAMES = frozenset({"logout", "set_language"})
DOWNLOAD = re.compile(r"\.(pdf|csv|json|zip)$|/export/|/download/")


class _Links(HTMLParser):
    """The same-site links (and htmx GETs) and the post forms of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"] or "")
        if values.get("hx-get"):  # htmx fetches it as a page part: it must answer too
            self.links.append(values["hx-get"] or "")
        elif tag == "form" and (values.get("method") or "get").lower() == "post":
            self.forms.append(values.get("action") or "")


@dataclass(frozen=True)
class DeadEnd:
    account: str
    page: str
    link: str
    status: int
    kind: str  # "link" or "form"

    def __str__(self) -> str:
        return f"{self.account}: {self.kind} {self.link} on {self.page} answered {self.status}"


def _route_key(path: str, query: str) -> tuple[str, frozenset[str]] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_NAMES:
        return None
    keys = frozenset(part.split("=", 1)[0] for part in query.split("&") if part)
    return (f"{match.namespace}:{match.route}", keys)


def _same_site(page: str, href: str) -> str | None:
    """The path and query of a same-site link to follow, or None."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(page, href))
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http", "https"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or DOWNLOAD.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(
    client: Client, account: str, visited: Counter[str], reached: list[str] | None = None
) -> Iterator[DeadEnd]:
    """Breadth-first from the home page; every link once, each pattern a few times.
    ``visited`` counts the pages each account reached; ``reached``, if given,
    collects the pages that answered with HTML."""
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen: set[str] = {"/"}
    per_route: Counter[tuple[str, frozenset[str]]] = Counter()
    checked_forms: set[str] = set()
    pages = 0
    while queue and pages < MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url)
        pages += 1
        visited[account] += 1
        if response.status_code in DEAD:
            yield DeadEnd(account, referrer, url, response.status_code, "link")
            continue
        if response.status_code in (301, 302):
            target = _same_site(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, referrer))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        if reached is not None:
            reached.append(url)
        parser = _Links()
        parser.feed(response.content.decode())
        for action in parser.forms:
            target = _same_site(url, action) if action else url
            if target is None or target in checked_forms or _route_key(*_split(target)) is None:
                continue
            checked_forms.add(target)
            status = client.get(target).status_code if target != url else 200
            if status == 403:
                yield DeadEnd(account, url, target, status, "form")
        for href in parser.links:
            target = _same_site(url, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            key = _route_key(*_split(target))
            if key is None or per_route[key] >= PER_ROUTE:
                continue
            per_route[key] += 1
            queue.append((target, url))


def _split(target: str) -> tuple[str, str]:
    path, _, query = target.partition("?")
    return path, query


def _walkers() -> list[User]:
    """One account per role, and the caseworker of every kind of organisation (what a
    user may do also depends on whose staff they are), in one country."""
    users = User.objects.filter(is_demo=True).select_related("organisation")
    chosen: dict[tuple[str, str], User] = {}
    for user in users.order_by("username"):
        assert user.organisation is not None
        if user.organisation.country != "FI":
            continue
        if user.role == Role.CASEWORKER or user.organisation.org_type == OrgType.NGO:
            chosen.setdefault((user.organisation.org_type, user.role), user)
        else:
            chosen.setdefault(("*", user.role), user)
    return list(chosen.values())


@pytest.fixture
def seeded(db: None) -> None:
    demo.seed_demo(cases=12, seed=5)


def test_no_link_is_refused_for_any_role(seeded: None) -> None:
    # given: one account per role, and a caseworker of every kind of organisation
    walkers = _walkers()
    assert {u.role for u in walkers} == set(Role.values)

    # when each walks every page it is offered
    dead: list[DeadEnd] = []
    visited: Counter[str] = Counter()
    for user in walkers:
        dead.extend(crawl(sign_in(Client(), user), user.username, visited))

    # then no link or form leads to a refusal; every walk went past the menu
    assert not dead, "\n".join(str(d) for d in dead)
    assert min(visited.values()) >= MIN_PAGES, visited
    assert visited.total() > 3 * MAX_PAGES, visited  # the case roles walked deep
