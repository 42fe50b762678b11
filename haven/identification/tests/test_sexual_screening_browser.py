"""Issue 10, in real Chromium: a girl exploited in prostitution is screened with the
children's sexual-exploitation set, whose provisional flag and explained result
show; her guardian task cannot be ticked off, and closes once a guardian is
appointed (R-05, R-08, R-11)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.models import ExploitationForm
from haven.cases.tests.factories import open_case
from haven.identification.tests.factories import load_shipped_sets
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A deceptive job offer (the act), forced to provide sexual services, commercial
# sexual exploitation of a child.
TICKED = ("DR-01", "EXS-01", "EXS-06")


def test_a_girl_exploited_in_prostitution_is_screened_with_the_childrens_sexual_set(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: a presumed child whose case records sexual exploitation
    load_shipped_sets()
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(
        actor=caseworker,
        age_status="uncertain_presumed_child",
        date_of_birth=None,
        forms=[ExploitationForm.SEXUAL],
    )
    sign_in(page, live_server, caseworker)

    # when: the screening form
    page.goto(f"{live_server.url}/identification/cases/{case.id}/screening/new/")

    # then: the children's sexual set is offered, with its provisional flag
    expect(page.locator('input[name="set"]')).to_have_value("children_sexual")
    expect(page.get_by_role("heading", name="Provisional indicator set")).to_be_visible()

    # when: the observed indicators are ticked with their sources, and recorded
    for code in TICKED:
        page.locator(f'label[for="id_observed_{code}"]').click()
        page.get_by_label(f"Where does the information on {code} come from?").select_option(
            "own_account"
        )
    page.get_by_role("button", name="Record the screening").click()

    # then: an explained result, still marked provisional
    expect(
        page.get_by_role("heading", name="Indicators consistent with trafficking")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Provisional indicator set")).to_be_visible()

    # when: her deadlines
    page.goto(f"{live_server.url}/deadlines/")

    # then: the guardian task says what closes it, with no button to tick it off
    row = page.locator("tr", has_text="Appoint a guardian")
    expect(row).to_contain_text("This task closes when a guardian is appointed.")
    expect(row.get_by_role("button", name="Mark done")).to_have_count(0)

    # when: a guardian is appointed
    page.goto(f"{live_server.url}/children/cases/{case.id}/guardian/new/")
    page.get_by_label("Name of the guardian").fill("Ilona Holhooja")
    page.get_by_role("button", name="Record the appointment").click()
    page.goto(f"{live_server.url}/deadlines/")

    # then: the task is closed
    expect(page.locator("tr", has_text="Appoint a guardian")).to_have_count(0)
    assert csp_violations == []
