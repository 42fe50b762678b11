"""Individual assistance in real Chromium (issue 5).

R-11: a caseworker opens a case for a person presumed to be a child; the blocking
"Appoint a guardian" deadline is there at once, due today. The clock is moved past
it, the deadline sweep runs (as the worker would) and the lead's supervisor sees the
escalation and the deadline overdue.

R-19, R-20: a needs assessment recorded through its form suggests the services of
a plan; the plan and its services appear on the case timeline, and a service the
person refuses is shown as refused there while the other goes on.

Users, organisations and (for R-19) the case are set up through services and
factories; everything else is done through the pages.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import ConsoleMessage, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.tests.factories import open_case
from haven.deadlines.services import deadlines_sweep
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUARDIAN_TASK = "Appoint a guardian"
BLOCKING = "Blocking: the case cannot move on without it"
# A Tuesday morning in May, far from a change of summer time.
INTAKE_MOMENT = datetime(2026, 5, 12, 10, 0, tzinfo=timezone.get_default_timezone())


def _console_problems(page: Page) -> list[str]:
    """Console errors and uncaught exceptions, except the browser's own request
    for /favicon.ico, which no page asks for."""
    seen: list[str] = []

    def record(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico"):
            return
        if message.type == "error":
            seen.append(f"{message.text} ({url})")

    page.on("console", record)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def _timeline_entry(page: Page, title: str) -> Locator:
    """The timeline entry whose title is exactly ``title``."""
    timeline = page.get_by_role("region", name="Timeline")
    return timeline.get_by_role("listitem").filter(has=page.get_by_text(title, exact=True))


def _deadline_row(page: Page, section: str, what: str) -> Locator:
    """The row of a home-page section (a region named by its heading) for ``what``."""
    region = page.get_by_role("region", name=section, exact=True)
    return region.get_by_role("row").filter(has=page.get_by_role("rowheader", name=what))


def _open_presumed_child_case(page: Page) -> str:
    """Intake through the form; returns the new case's reference."""
    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Given name").fill("Lumi")
    page.get_by_label("Family name").fill("Synthetic")
    page.get_by_label("Estimated age, lowest").fill("15")
    page.get_by_label("Estimated age, highest").fill("17")
    page.get_by_label("Age status").select_option("uncertain_presumed_child")
    page.get_by_label("Forced labour or services").check()
    page.get_by_role("button", name="Open the case").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Case ")
    return heading.inner_text().removeprefix("Case ").strip()


def test_r11_a_presumed_childs_guardian_task_appears_at_once_and_escalates_when_late(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: an NGO caseworker and the supervisor of the same organisation
    caseworker = make_user(org_type=OrgType.NGO)
    supervisor = make_user(role=Role.SUPERVISOR, organisation=caseworker.organisation)
    problems = _console_problems(page)

    with time_machine.travel(INTAKE_MOMENT, tick=True) as traveller:
        today = timezone.localdate()
        # when: the caseworker opens a case for a person presumed to be a child
        sign_in(page, live_server, caseworker)
        reference = _open_presumed_child_case(page)

        # then: at once, the blocking guardian deadline, due today
        expect(page.get_by_text("Treated as a child (presumption of minority)")).to_be_visible()
        expect(
            page.get_by_role("note").filter(has_text="No guardian yet — appointment is due today")
        ).to_be_visible()
        due = _timeline_entry(page, f"Due: {GUARDIAN_TASK}")
        expect(due.locator("time")).to_have_attribute("datetime", today.isoformat())
        expect(due).to_contain_text("open")
        expect(due).to_contain_text("blocking")

        # then: on the home page too, among the deadlines
        page.get_by_role("link", name="Home", exact=True).click()
        upcoming = _deadline_row(page, "My deadlines", GUARDIAN_TASK)
        expect(upcoming).to_contain_text(reference)
        expect(upcoming).to_contain_text(date_format(today))
        expect(upcoming).to_contain_text(BLOCKING)
        expect(_deadline_row(page, "Overdue", GUARDIAN_TASK)).to_have_count(0)
        page.get_by_role("button", name="Sign out").click()

        # when: the next day, nobody has appointed a guardian; the worker's sweep runs
        traveller.shift(timedelta(days=1))
        swept = deadlines_sweep(now=timezone.now())
        assert swept.escalated == 1

        # then: the supervisor sees it overdue on the home page
        sign_in(page, live_server, supervisor)
        page.get_by_role("link", name="Home", exact=True).click()
        overdue = _deadline_row(page, "Overdue", GUARDIAN_TASK)
        expect(overdue).to_contain_text(reference)
        expect(overdue).to_contain_text(date_format(today))
        expect(overdue).to_contain_text(BLOCKING)
        expect(_deadline_row(page, "My deadlines", GUARDIAN_TASK)).to_have_count(0)

        # then: and on "My deadlines", overdue only, with unread notifications
        deadlines_link = page.get_by_role("link", name=re.compile("^My deadlines"))
        expect(deadlines_link).to_contain_text(re.compile(r"\d+ unread notifications?"))
        deadlines_link.click()
        page.get_by_role("link", name="Overdue only").click()
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=reference))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(GUARDIAN_TASK)
        expect(row).to_contain_text("Overdue")

        # then: the escalation among the notifications
        page.get_by_role("link", name="Reminders and escalations").click()
        escalation = (
            page.get_by_role("row")
            .filter(has=page.get_by_role("rowheader", name=reference))
            .filter(has=page.get_by_role("cell", name=re.compile("Escalation$")))
        )
        expect(escalation).to_have_count(1)
        expect(escalation).to_contain_text("Unread")
        expect(escalation).to_contain_text(GUARDIAN_TASK)

        # then: the case page says the appointment is overdue
        escalation.get_by_role("link", name=reference).click()
        expect(
            page.get_by_role("alert").filter(has_text="No guardian yet — appointment is overdue")
        ).to_be_visible()
        expect(_timeline_entry(page, f"Due: {GUARDIAN_TASK}")).to_contain_text("overdue")

    assert problems == []
    assert csp_violations == []


# --- from the needs assessment to the plan and the timeline ---------------------

CLINIC = "Harbour Street Clinic"
COUNSELLING = "Lantern Counselling Centre"
# Adult needs sections; all "No need" but these two.
CALLED_FOR = {"Medical care": "Needed", "Psychological care": "Urgent"}
NO_NEED = (
    "Safe and appropriate accommodation",
    "Subsistence and material assistance",
    "Translation and interpretation",
    "Counselling and information on legal rights and services",
    "Help to have their rights and interests presented in proceedings",
    "Livelihood: work, training, income",
    "Special needs: pregnancy, health, disability, mental health, violence suffered",
)


def _record_needs_assessment(page: Page) -> None:
    page.get_by_role("link", name="Record a needs assessment").click()
    for section, level in {**dict.fromkeys(NO_NEED, "No need"), **CALLED_FOR}.items():
        group = page.get_by_role("group", name=section, exact=True)
        group.get_by_role("radio", name=level, exact=True).check()
    page.get_by_role("group", name="Medical care", exact=True).get_by_label("Note").fill(
        "Untreated tooth infection."
    )
    page.get_by_label("The person's own view").fill("Wants to see a dentist first.")
    page.get_by_role("button", name="Record this version").click()


def _service_row(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=f"Service {number}", exact=True)


def _make_plan(page: Page, agreed_on: date) -> None:
    page.get_by_role("link", name="Make an assistance plan from this assessment").click()
    expect(page.get_by_text("The rows below are suggested by the needs assessment")).to_be_visible()
    service = re.compile("^Service")
    medical, psychological, empty = (
        _service_row(page, 1),
        _service_row(page, 2),
        _service_row(page, 3),
    )
    expect(medical.get_by_role("combobox", name=service)).to_have_value("medical_care")
    expect(psychological.get_by_role("combobox", name=service)).to_have_value("psychological_care")
    expect(empty.get_by_role("combobox", name=service)).to_have_value("")
    medical.get_by_role("combobox", name=re.compile("^Provided by")).select_option(label=CLINIC)
    psychological.get_by_role("combobox", name=re.compile("^Provided by")).select_option(
        label=COUNSELLING
    )
    page.get_by_label("The person's view of the plan").fill("Agrees; the dentist first.")
    page.get_by_label("Agreed with the person on").fill(agreed_on.isoformat())
    page.get_by_role("button", name="Record the plan").click()


def test_r19_a_needs_assessment_produces_a_plan_whose_services_appear_on_the_timeline(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: an NGO caseworker's case of an adult, and two providers
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    OrganisationFactory.create(name=CLINIC, org_type=OrgType.HEALTH)
    OrganisationFactory.create(name=COUNSELLING, org_type=OrgType.NGO)
    problems = _console_problems(page)
    today = timezone.localdate()
    medical = f"Medical care — {CLINIC} — planned"
    psychological = f"Psychological care — {COUNSELLING} — planned"

    # when: a needs assessment through its form
    sign_in(page, live_server, caseworker)
    page.get_by_role("link", name=case.reference).click()
    _record_needs_assessment(page)

    # then
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Individual needs assessment, version 1"
    )
    expect(page.get_by_text("Wants to see a dentist first.")).to_be_visible()

    # when: a plan made from it, with the suggested services and their providers
    _make_plan(page, today)

    # then
    expect(page.get_by_text("The plan was recorded.")).to_be_visible()
    page.get_by_role("link", name="Back to the case").click()
    expect(_timeline_entry(page, "Individual needs assessment version 1 recorded")).to_have_count(1)
    expect(_timeline_entry(page, "Assistance plan agreed")).to_have_count(1)
    expect(_timeline_entry(page, "Assistance plan agreed").locator("time")).to_have_attribute(
        "datetime", today.isoformat()
    )
    expect(_timeline_entry(page, medical)).to_have_count(1)
    expect(_timeline_entry(page, psychological)).to_have_count(1)

    # when: the person refuses psychological care
    page.get_by_role("link", name="Plans and services").click()
    page.get_by_role("link", name="Psychological care", exact=True).click()
    page.get_by_label("What the person said").fill("Not now.")
    page.get_by_role("button", name="Record the refusal").click()

    # then: refused on the timeline; medical care is still planned
    expect(page.get_by_text("The refusal was recorded.")).to_be_visible()
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name="Back to the case").click()
    expect(
        _timeline_entry(page, f"Psychological care — {COUNSELLING} — refused by the person")
    ).to_have_count(1)
    expect(_timeline_entry(page, psychological)).to_have_count(0)
    expect(_timeline_entry(page, medical)).to_have_count(1)
    assert problems == []
    assert csp_violations == []
