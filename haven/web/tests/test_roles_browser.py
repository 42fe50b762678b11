"""Issue 11 in real Chromium: the rapporteur and the administrators are offered only
what they may use. Each role signs in; the main menu shows exactly the links the
rules allow it, and every link it shows opens (no 403 or 404). An NGO caseworker,
with the same setup, is the allowed side of "New case"."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.web.tests.factories import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_CASE, DESK, AGREEMENTS, MEMBERS = (
    "New case",
    "Coordination desk",
    "Cooperation agreements",
    "Members",
)


@pytest.mark.parametrize(
    ("org_type", "role", "shown", "hidden"),
    [
        (OrgType.RAPPORTEUR, Role.RAPPORTEUR, (), (NEW_CASE, DESK, AGREEMENTS, MEMBERS)),
        (OrgType.POLICE, Role.ORG_ADMIN, (AGREEMENTS, MEMBERS), (NEW_CASE, DESK)),
        (OrgType.NATIONAL_COORDINATOR, Role.SYSTEM_ADMIN, (AGREEMENTS,), (NEW_CASE, DESK, MEMBERS)),
        (OrgType.NGO, Role.CASEWORKER, (NEW_CASE,), (DESK, AGREEMENTS, MEMBERS)),
    ],
)
def test_issue11_each_role_is_offered_only_what_it_may_use(
    page: Page,
    live_server: LiveServer,
    org_type: str,
    role: str,
    shown: tuple[str, ...],
    hidden: tuple[str, ...],
) -> None:
    # given
    user = make_user(org_type=org_type, role=role)

    # when: signed in (both steps, as the test client does) and on the home page
    session = sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": session, "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="Main")

    # then: the links the rules allow, and no other
    for name in shown:
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(1)
    for name in hidden:
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(0)

    # and every link offered opens
    hrefs = [link.get_attribute("href") or "" for link in menu.get_by_role("link").all()]
    assert hrefs
    for href in hrefs:
        response = page.goto(live_server.url + href)
        assert response is not None and response.status == 200, href
