"""The identification pathway in real Chromium (issue 3): an NGO caseworker opens a
case for a person of uncertain age who may be under 18 (presumed a child, R-10),
screens them with the children's set (R-05, R-08, R-09); a social-services
caseworker on the case team records a positive reasonable-grounds decision served
on the child's representative (R-03, R-17), and the case page shows the reflection
period running, on the timeline too, with the conclusive-grounds deadline (R-15).

Users, organisations, the shipped indicator sets and team membership are set up
through services and factories; everything else is done through the pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team
from haven.identification import pathways
from haven.identification.tests.factories import load_shipped_sets
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# children_labour: a recruitment indicator stands for the act (R-08, act "not known
# yet"), and one strong and one medium EX indicator make exploitation positive (R-06).
TICKED = ("DR-01", "EX-01", "EX-04")


def _console_problems(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and CSP reports (as test_browser.py listens for
    CSP), except the browser's own request for /favicon.ico, which no page asks for."""
    seen: list[str] = []

    def record(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            seen.append(f"{message.text} ({url})")

    page.on("console", record)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def _timeline_entry(page: Page, title: str) -> Locator:
    """The timeline entry whose title is exactly ``title``."""
    timeline = page.get_by_role("region", name="Timeline")
    return timeline.get_by_role("listitem").filter(has=page.get_by_text(title, exact=True))


def _expect_on(entry: Locator, day: date) -> None:
    expect(entry.locator("time")).to_have_attribute("datetime", day.isoformat())


def _open_child_case(page: Page) -> str:
    """Intake through the form; returns the new case's reference."""
    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Given name").fill("Mira")
    page.get_by_label("Family name").fill("Synthetic")
    page.get_by_label("Estimated age, lowest").fill("15")
    page.get_by_label("Estimated age, highest").fill("19")
    page.get_by_label("Age status").select_option("uncertain")
    page.get_by_label("Forced labour or services").check()
    page.get_by_role("button", name="Open the case").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Case ")
    return heading.inner_text().removeprefix("Case ").strip()


def _screen_with_child_set(page: Page) -> None:
    page.get_by_role("link", name="New screening").click()
    expect(page.get_by_role("combobox", name="Indicator set")).to_have_value("children_labour")
    notice = page.get_by_role("note").filter(
        has=page.get_by_role("heading", name="Provisional indicator set")
    )
    expect(notice).to_contain_text("Operational indicators of trafficking in human beings")
    expect(notice).to_contain_text("International Labour Office / European Commission, 2009")
    for code in TICKED:
        page.get_by_role("checkbox", name=re.compile(f"^{code} ")).check()
        page.get_by_label(f"Where does the information on {code} come from?").select_option(
            "own_account"
        )
    page.get_by_text("Add a note on EX-01").click()
    page.get_by_label("Note on EX-01").fill("Works nights in a kitchen.")
    page.get_by_role("button", name="Record the screening").click()


def _record_reasonable_grounds(page: Page, reference: str, pathway: pathways.Pathway) -> None:
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Record a decision").click()
    reasonable_grounds = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Reasonable grounds decision")
    )
    reasonable_grounds.get_by_role("link", name="Record a positive decision").click()
    expect(page.get_by_role("radio", name=re.compile("^positive$", re.IGNORECASE))).to_be_checked()
    # a child's papers go to the representative, never to the child.
    expect(page.get_by_label("The child's guardian or representative")).to_be_checked()
    expect(page.get_by_label("The person", exact=True)).to_have_count(0)
    template = pathway.decision_types["reasonable_grounds"].reason_templates["positive"].strip()
    reasons = page.get_by_label("Reasons")
    expect(reasons).to_have_value(re.compile(f"^{re.escape(template)}"))
    reasons.fill(f"{template} a credible own account of recruitment at 15.")
    page.get_by_role("button", name="Record the decision").click()


def test_it_takes_a_presumed_child_from_screening_to_a_running_reflection_period(
    page: Page, new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: an NGO caseworker, a social-services caseworker, the shipped sets
    load_shipped_sets()
    caseworker = make_user(org_type=OrgType.NGO)
    social_worker = make_user(org_type=OrgType.SOCIAL_SERVICES)
    assert social_worker.organisation is not None
    ngo_problems = _console_problems(page)
    today = timezone.localdate()

    # when: intake of a person whose estimated age reaches below 18
    sign_in(page, live_server, caseworker)
    reference = _open_child_case(page)

    # then: presumed a child
    expect(page.get_by_text("Treated as a child (presumption of minority)")).to_be_visible()

    # when: screened with the suggested set
    _screen_with_child_set(page)

    # then: per element and the outcome, as decision support
    outcome = page.get_by_role("status").filter(
        has=page.get_by_role("heading", name="Indicators consistent with trafficking")
    )
    expect(outcome).to_contain_text("This is decision support, not a decision")
    expect(page.get_by_role("heading", name="Provisional indicator set")).to_be_visible()
    _expect_element(page, "EX", "Positive", "1 strong, 1 medium, 0 weak")
    _expect_element(page, "DR", "Not positive", "1 strong, 0 medium, 0 weak")
    expect(page.get_by_text("Works nights in a kitchen.")).to_be_visible()

    # given: social services joins the case team
    case = Case.objects.get(reference=reference)
    add_to_team(case=case, organisation=social_worker.organisation, by=caseworker)
    pathway = pathways.pathway_for(case.country)

    # when: a positive reasonable-grounds decision, from another browser
    social_page = new_context().new_page()
    social_problems = _console_problems(social_page)
    sign_in(social_page, live_server, social_worker)
    _record_reasonable_grounds(social_page, reference, pathway)

    # then
    expect(social_page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^Reasonable grounds decision: positive$", re.IGNORECASE)
    )
    expect(social_page.get_by_text("Presumed victim", exact=True)).to_be_visible()
    social_page.get_by_role("link", name="Back to the case").click()
    _expect_case_page_after_decision(social_page, pathway, today)

    # then: the NGO caseworker sees it too
    page.get_by_role("link", name="Back to the case").click()
    _expect_case_page_after_decision(page, pathway, today)
    assert ngo_problems == []
    assert social_problems == []


def _expect_element(page: Page, code: str, verdict: str, counts: str) -> None:
    section = page.get_by_role("region", name=re.compile(f"^{code}: "))
    expect(section.get_by_text(verdict, exact=True)).to_be_visible()
    expect(section).to_contain_text(counts)


def _expect_case_page_after_decision(page: Page, pathway: pathways.Pathway, today: date) -> None:
    """Presumed victim (R-03), the reflection period running (R-15) and on the timeline,
    and the conclusive-grounds decision due (R-17)."""
    status_badge = page.get_by_role("listitem").filter(has_text=re.compile("^Presumed victim$"))
    expect(status_badge).to_be_visible()
    reflection = page.get_by_role("region", name="Recovery and reflection period")
    expect(reflection).to_contain_text(re.compile(r"Running from .+: \d+ days left"))
    days_left = re.search(r"(\d+) days left", reflection.inner_text())
    assert days_left is not None
    assert int(days_left.group(1)) >= 30
    _expect_on(_timeline_entry(page, "Reflection period starts"), today)
    _expect_on(
        _timeline_entry(page, "Reflection period ends"),
        today + timedelta(days=pathway.reflection_min_days),
    )
    _expect_on(
        _timeline_entry(page, "Due: Identification decision due: Conclusive grounds decision"),
        pathway.decision_types["conclusive_grounds"].due_on(today),
    )
