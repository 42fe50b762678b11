"""The guardian pages and the case-page line end to end (R-11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
from haven.children import clocks as children_clocks
from haven.children.models import GuardianAppointment
from haven.children.tests.factories import open_child_case
from haven.deadlines.models import Task
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def test_the_case_page_says_the_appointment_is_due_today_then_overdue() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    url = reverse("web:case_detail", args=[case.id])
    # when
    today = client_for(caseworker).get(url).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        late = client_for(caseworker).get(url).content.decode()
    # then
    assert "No guardian yet — appointment is due today" in today
    assert "No guardian yet — appointment is overdue" in late


def test_it_records_a_guardian_and_shows_it_on_the_case_page() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    today = timezone.localdate()
    # when
    response = client_for(caseworker).post(
        reverse("children:guardian_new", args=[case.id]),
        {"kind": "guardian", "guardian_name": "Ilona Holhooja", "appointed_on": today.isoformat()},
    )
    page = client_for(caseworker).get(reverse("web:case_detail", args=[case.id])).content.decode()
    listing = client_for(caseworker).get(reverse("children:guardian_list", args=[case.id]))
    # then
    assert response.status_code == 302
    assert "Guardian appointed: Ilona Holhooja since" in page
    assert "Ilona Holhooja" in listing.content.decode()
    task = Task.objects.get(case=case, kind=children_clocks.GUARDIAN_APPOINTMENT)
    assert task.status == Task.Status.DONE


def test_an_adult_case_page_has_no_guardian_line_and_the_form_refuses() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="verified_adult")
    # when
    page = client_for(caseworker).get(reverse("web:case_detail", args=[case.id])).content.decode()
    response = client_for(caseworker).post(
        reverse("children:guardian_new", args=[case.id]),
        {
            "kind": "guardian",
            "guardian_name": "Ilona Holhooja",
            "appointed_on": timezone.localdate().isoformat(),
        },
    )
    # then
    assert 'id="guardian"' not in page
    assert response.status_code == 400
    assert not GuardianAppointment.objects.exists()


@pytest.mark.parametrize("name", ["guardian_list", "guardian_new"])
def test_outsiders_get_404_and_members_without_the_legal_group_403(name: str) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=org_of(shelter))
    outsider = make_user(org_type=OrgType.NGO)
    url = reverse(f"children:{name}", args=[case.id])
    # when
    member = client_for(caseworker).get(url)
    hidden = client_for(outsider).get(url)
    refused = client_for(shelter).get(url)
    # then
    assert (member.status_code, hidden.status_code, refused.status_code) == (200, 404, 403)
