"""Issue 11, in real Chromium: the intake chooses a language by typing part of its
name, and an idle session warns, is kept alive on request, and otherwise keeps
the typed form as a draft that the caseworker finds again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from haven.accounts.tests.factories import make_user
from haven.cases import drafts
from haven.cases.models import Draft, DraftKind
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Short enough to watch: the warning after 6 s, the draft kept after 10 s.
IDLE_SECONDS = 14
WARNING_SECONDS = 8


def test_a_language_is_found_by_typing_part_of_its_name(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    sign_in(page, live_server, make_user())
    page.goto(f"{live_server.url}/cases/new/")

    # when: "Rus" typed into the filter box the script adds above the list
    page.get_by_role("searchbox", name="Type to find in the list: First language").fill("Rus")

    # then
    select = page.locator("#id_first_language")
    assert select.locator("option[value=ru]").evaluate("o => o.hidden") is False
    assert select.locator("option[value=de]").evaluate("o => o.hidden") is True
    select.select_option("ru")
    assert select.input_value() == "ru"
    assert csp_violations == []


def test_an_idle_intake_warns_stays_signed_in_on_request_and_else_keeps_a_draft(
    page: Page, live_server: LiveServer, settings: Settings, csp_violations: list[str]
) -> None:
    # given
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.HAVEN_IDLE_WARNING_SECONDS = WARNING_SECONDS
    user = make_user()
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Given name").fill("Maria")
    warning = page.get_by_role("alert").filter(has_text="You will be signed out")

    # when: nothing is sent for a while
    expect(warning).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 3) * 1000)
    page.get_by_role("button", name="Stay signed in").click()

    # then: the warning goes, and comes back only after another idle spell
    expect(warning).to_be_hidden()
    assert not Draft.objects.exists()

    # when: this time nothing is done
    saved = page.get_by_text("What you typed was saved as a draft.")
    expect(saved).to_be_visible(timeout=(IDLE_SECONDS + 3) * 1000)

    # then: the draft is the caseworker's, with what was typed
    draft = Draft.objects.get()
    assert draft.owner_id == user.id
    fields = drafts.draft_open(user=user, draft_id=draft.id, kind=DraftKind.CASE_OPEN)
    assert fields["given_name"] == ["Maria"]
    assert csp_violations == []


def test_an_intake_of_a_child_who_speaks_russian_is_saved_as_a_draft_and_finished_later(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    sign_in(page, live_server, make_user())
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Given name").fill("Artjom")
    page.get_by_label("Estimated age, lowest").fill("15")
    page.get_by_label("Estimated age, highest").fill("19")
    page.get_by_role("searchbox", name="Type to find in the list: First language").fill("russ")
    page.get_by_role("combobox", name="First language").select_option(label="Russian")

    # when: saved half-done, and found again under "Your drafts"
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft was saved.")).to_be_visible()
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_role("link", name="New case, saved").click()

    # then: what was typed is back, and sending it opens the case and ends the draft
    expect(page.get_by_label("Given name")).to_have_value("Artjom")
    expect(page.get_by_role("combobox", name="First language")).to_have_value("ru")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case ")
    expect(page.get_by_text("Russian")).to_be_visible()
    assert not Draft.objects.exists()
    assert csp_violations == []
