"""The case page (issue 11): a summary at the top (identification status, next
deadline, lead organisation, what the reader may see) and a contents list whose
every link reaches a part of the page in one click."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.access.models import Purpose
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases import parts
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, share_by_law
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.web import composer
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="case-contents".*?</nav>', re.S)


def _page(user: User, case: Case) -> str:
    client = sign_in(Client(), user)
    with time_machine.travel(at(date(2026, 3, 5)), tick=False):
        response = client.get(reverse("web:case_detail", args=[case.id]))
    assert response.status_code == 200
    return response.content.decode()


def _summary(html: str) -> str:
    start = html.index('<section class="case-summary"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO, name="Victim Support NGO")


def test_the_summary_names_status_next_deadline_lead_and_what_the_reader_may_see(
    ngo: Organisation,
) -> None:
    # given: a case the NGO leads with a deadline on 10 March
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 10))

    # when
    summary = _summary(_page(lead, case))

    # then
    assert "Identification status" in summary
    assert case.get_identification_status_display() in summary
    assert '<time datetime="2026-03-10">10 Mar 2026</time>' in summary
    assert "Victim Support NGO" in summary
    assert "Identity" in summary and "Hidden from you" not in summary


def test_the_summary_tells_a_team_member_which_groups_are_hidden_from_it(
    ngo: Organisation,
) -> None:
    # given: police on the team, sharing only the identity group by law; no deadline
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    add_to_team(case=case, organisation=police, share=False)
    share_by_law(case=case, organisation=police, groups=["identity"])

    # when
    summary = _summary(_page(staff(police, Role.CASEWORKER), case))

    # then
    assert "None open" in summary
    assert "Hidden from you: " in summary
    hidden = summary.split("Hidden from you: ", 1)[1]
    assert "Health" in hidden and "Identity" not in hidden


def test_every_contents_link_reaches_a_part_of_the_page(ngo: Organisation) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)

    # when
    html = _page(lead, case)

    # then: the contents lead to the summary's neighbours, every field group and the
    # timeline, and to no id that is not on the page
    nav = NAV.search(html)
    assert nav is not None
    anchors = re.findall(r'href="#([^"]+)"', nav.group(0))
    assert {"purpose", "group-identity", "group-health", "timeline"} <= set(anchors)
    assert "part-cases-interview-count" in anchors
    for anchor in anchors:
        assert html.count(f'id="{anchor}"') == 1, anchor


def test_every_body_panel_names_itself_for_the_contents(ngo: Organisation) -> None:
    # given: the panels a case lead's page is made of
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    view = case_selectors.case_read(user=lead, case_id=case.id)

    # when
    page = parts.CasePage(user=lead, view=view, purpose=Purpose.ASSISTANCE)
    slots, _context = composer.case_page_panels(page)

    # then
    assert slots[parts.SLOT_BODY]
    assert [p.template for p in slots[parts.SLOT_BODY] if not p.title] == []
