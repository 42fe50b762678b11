"""Issue 14, in real Chromium: "is this person already known?" answers while the
caseworker types, before anything is saved — with the case for a reader on its
team, and only "known to the system" for anyone else."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case
from haven.linkage.tests.factories import anna, caseworker_of
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_anna_in_latin_letters(page: Page, live_server: LiveServer) -> None:
    """What a caseworker types, key by key (the check listens to key presses)."""
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Given name").press_sequentially("Anna")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Family name").press_sequentially("Ivanova")


def test_a_person_recorded_in_cyrillic_is_found_as_her_name_is_typed_in_latin_letters(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: Анна Иванова, recorded by the reader's own organisation
    ngo = make_user()
    recorded = anna(ngo)
    sign_in(page, live_server, caseworker_of(ngo.organisation))  # type: ignore[arg-type]

    # when: nothing is submitted
    _type_anna_in_latin_letters(page, live_server)

    # then: the answer names her case, with a link to it; nothing was saved
    answer = page.locator("#linkage-answer")
    expect(answer).to_contain_text("This person may already have a case:", timeout=10_000)
    expect(answer.get_by_role("link", name=recorded.reference)).to_be_visible()
    assert page.url == f"{live_server.url}/cases/new/"
    assert Case.objects.count() == 1
    assert csp_violations == []


def test_a_reader_outside_her_team_learns_only_that_she_is_known(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: the same woman, whose case the police may not see
    recorded = anna(make_user())
    sign_in(page, live_server, make_user(org_type=OrgType.POLICE))

    # when
    _type_anna_in_latin_letters(page, live_server)

    # then: "known to the system", and nothing that points at her case
    answer = page.locator("#linkage-answer")
    expect(answer).to_contain_text("Known to the system", timeout=10_000)
    expect(answer).to_contain_text("contact the national coordinator")
    text = answer.inner_text()
    for secret in (recorded.reference, "Анна", "Иванова", "%"):
        assert secret not in text
    assert answer.get_by_role("link").count() == 0
    assert csp_violations == []
