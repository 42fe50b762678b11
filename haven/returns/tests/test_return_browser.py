"""Issue 17 in real Chromium: a return is prepared for a woman with an open
compensation claim. Approval is refused until a named caseworker acknowledges
the warning with a reason; once approved and marked returned, the follow-ups after
return appear on the partner's list of deadlines; the first one missed (the clock
moved past its date and the deadline sweep run) is escalated to the partner's
supervisor. Only the accounts, the team, the claim and the profiles are set up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification
from haven.returns.models import FollowUp, ReturnPlan, WarningAcknowledgement
from haven.returns.tests.factories import load_profiles, open_claim, partner_in
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_issue17_a_return_with_an_open_claim_is_acknowledged_then_followed_up_and_escalated(
    page: Page, new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: a woman with an open compensation claim; the partner in Ukraine on the team
    load_profiles()
    lead = make_user(org_type=OrgType.NGO, first_name="Aino", last_name="Virtanen")
    partner_org = partner_in("UA")
    partner = make_user(organisation=partner_org)
    supervisor = make_user(organisation=partner_org, role=Role.SUPERVISOR)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(partner))
    open_claim(case=case, by=lead)
    today = timezone.localdate()

    # when: the caseworker prepares the return with her
    sign_in(page, live_server, lead)
    page.goto(live_server.url + reverse("returns:plan_list", args=[case.id]))
    page.get_by_role("link", name="Prepare a return plan").click()
    page.get_by_label("Country of return", exact=True).select_option("UA")
    page.get_by_label("The person's wishes, in their own words").fill(
        "I want to go home to my daughter in Lviv."
    )
    page.get_by_label("The person wants to return").check()
    page.get_by_label("Risk of re-trafficking").select_option("medium")
    page.get_by_label("Risk of reprisals").select_option("low")
    page.get_by_label("Risk from family involvement").select_option("low")
    page.get_by_label("Risk assessment made on").fill(today.isoformat())
    page.get_by_label("The partner in Haven").select_option(label=partner_org.name)
    page.get_by_label("Planned date of return").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save the plan").click()

    # then: the warning, told without legal detail, stands before approval
    expect(page.get_by_text("The return plan was saved.")).to_be_visible()
    expect(page.get_by_text(re.compile("open proceedings or a compensation claim"))).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert").filter(has_text="Acknowledge each warning")).to_be_visible()
    assert ReturnPlan.objects.get().status == "draft"

    # when: she acknowledges it under her name, with a reason, and approves
    page.get_by_label("Why the return goes ahead despite this").fill(
        "Her lawyer will pursue the claim by proxy; she agreed after advice."
    )
    page.get_by_role("button", name="Acknowledge, under my name").click()
    expect(page.get_by_text(re.compile("Acknowledged by Aino Virtanen"))).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="Return plan: Approved")).to_be_visible()

    # and marks the return made today
    page.get_by_label("Date the person returned").fill(today.isoformat())
    page.get_by_role("button", name="Mark returned").click()
    expect(page.get_by_role("heading", name="Follow-up after return")).to_be_visible()
    assert WarningAcknowledgement.objects.get().acknowledged_by == lead

    # then: the follow-ups are on the partner's list
    partner_page = new_context().new_page()
    sign_in(partner_page, live_server, partner)
    partner_page.goto(live_server.url + reverse("deadlines:deadline_list"))
    expect(partner_page.get_by_text("4 deadlines")).to_be_visible()
    expect(partner_page.get_by_text("Follow-up 1 month after return")).to_be_visible()
    expect(partner_page.get_by_text("Follow-up 12 months after return")).to_be_visible()

    # when: the first follow-up is missed, and the deadline sweep runs
    first = FollowUp.objects.get(months=1)
    with time_machine.travel(first.due_on + timedelta(days=2), tick=False):
        swept = deadline_services.deadlines_sweep()

    # then: the partner's supervisor is told
    assert swept.escalated >= 1
    assert Notification.objects.filter(
        kind=Notification.Kind.ESCALATION, task=first.task, recipient=supervisor
    ).exists()
    boss_page = new_context().new_page()
    sign_in(boss_page, live_server, supervisor)
    boss_page.goto(live_server.url + reverse("deadlines:notification_list"))
    rows = boss_page.locator("tbody tr").filter(has_text="Follow-up 1 month after return")
    expect(rows.filter(has_text="Escalation")).to_have_count(1)
