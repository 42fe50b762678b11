"""Issue 11 in real Chromium: the police, on a case's team, read the case, find its
narrative hidden for want of the person's consent, and ask the case lead for access;
the lead finds the request on the case page, follows its link to record the
person's consent (prefilled), returns to the request, which is granted; the police
then read the narrative. Set-up through services; every step through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.access import services as access_services
from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases.tests.factories import open_case
from haven.referrals.tests.test_access_requests import BY_CONSENT, agreement_needing_consent
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "Promised kitchen work in Tampere, then locked in the flat above the restaurant."
REASON = "The investigator needs her account to plan a gentle interview."
POLICE = "Pirkanmaa Police"


def _fill(field: Locator, value: str) -> None:
    """A text box is typed into; a list of choices is chosen from (by its code)."""
    if field.evaluate("element => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def test_issue11_the_police_ask_for_a_hidden_account_and_the_lead_grants_it_by_consent(
    page: Page, new_context: CreateContextCallback, live_server: LiveServer
) -> None:
    # given: an NGO leads the case; the police are on the team; an agreement lets the
    # narrative reach the police only with the person's consent, not yet given
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    assert lead.organisation is not None
    case = open_case(actor=lead, narrative=ACCOUNT)
    police_org = OrganisationFactory.create(org_type=OrgType.POLICE, name=POLICE)
    police = UserFactory.create(organisation=police_org, role=Role.CASEWORKER)
    access_services.team_member_add(case_id=case.id, organisation=police_org, by=lead)
    agreement_needing_consent(lead=lead.organisation, recipient=police_org, groups=BY_CONSENT)
    case_url = live_server.url + reverse("web:case_detail", args=[case.id])
    narrative = page.locator(f"#group-{FieldGroup.NARRATIVE}")

    # when: the police read the case
    sign_in(page, live_server, police)
    page.goto(case_url)

    # then: the account is hidden, and they may ask the lead for it
    expect(narrative).to_contain_text("Hidden:")
    expect(page.get_by_text(ACCOUNT)).to_have_count(0)

    # when: they ask for access, saying why
    page.get_by_role("link", name="Ask for access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Ask for access, case {case.reference}"
    )
    page.get_by_label("Why you need it").fill(REASON)
    page.get_by_role("button", name="Send the request").click()

    # then
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Request for access, case {case.reference}"
    )
    expect(page.get_by_text(REASON)).to_be_visible()

    # when: the lead opens the case, then the request, and records the consent from it
    lead_page = new_context().new_page()
    sign_in(lead_page, live_server, lead)
    lead_page.goto(case_url)
    requests = lead_page.get_by_role("region", name="Access to hidden information")
    requests.get_by_role("link", name=POLICE).click()
    expect(lead_page.get_by_text(REASON)).to_be_visible()
    lead_page.get_by_role("link", name="Record the consent").click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text(
        f"Record a consent, case {case.reference}"
    )
    expect(lead_page.get_by_label("Shared with")).to_have_value(f"org:{police_org.pk}")
    _fill(lead_page.get_by_label("Language the information was given in", exact=True), "fi")
    lead_page.get_by_label("Information given to the person").fill(
        "What the police would read, and that saying no changes none of her help."
    )
    lead_page.get_by_role("button", name="Record the consent").click()

    # then: back on the request, granted
    expect(lead_page.get_by_text("The consent was recorded. It applies at once.")).to_be_visible()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text(
        f"Request for access, case {case.reference}"
    )
    expect(lead_page.get_by_role("definition").filter(has_text="Granted")).to_have_count(1)

    # when: the police read the case again
    page.goto(case_url)

    # then: the account shows
    expect(narrative).to_contain_text(ACCOUNT)
