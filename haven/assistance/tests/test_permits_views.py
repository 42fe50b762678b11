"""The permit pages and the detention warning on the case page, through the test
client (R-16)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.assistance import clocks as assistance_clocks
from haven.assistance.models import PermitRenewal, ResidencePermit
from haven.assistance.services import permits as services
from haven.assistance.tests.test_permits import NOON, TODAY, permit_input, permit_team
from haven.deadlines.models import Task
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
WARNING = "Victims of trafficking must not be held in detention centres."


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "permit-grounds": ["proceedings"],
        "permit-permit_type": "Temporary permit",
        "permit-issued_on": TODAY.isoformat(),
        "permit-expires_on": (TODAY + timedelta(days=180)).isoformat(),
        "permit-issuing_authority": "Test Migration Service",
        "permit-reference": "RP-TEST-9",
    }
    data.update(changes)
    return data


def test_r16_a_permit_is_recorded_through_the_form_and_grounds_are_required() -> None:
    # given
    t = permit_team()
    url = reverse("assistance:permit_record", args=[t.case.id])
    listing = reverse("assistance:permit_list", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        refused = client.post(url, _form(**{"permit-grounds": []}))
        done = client.post(url, _form())
        page = client.get(listing).content.decode()
    # then
    assert refused.status_code == 400
    assert "Choose at least one ground" in refused.content.decode()
    assert (done.status_code, done["Location"]) == (302, listing)
    assert ResidencePermit.objects.get().ground_proceedings
    assert "RP-TEST-9" in page


def test_r16_a_renewal_through_the_form_moves_the_expiry_alert() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        url = reverse("assistance:permit_renew", args=[t.case.id, permit.pk])
        client = client_for(t.lead)
        # when
        form = client.get(url)
        done = client.post(
            url,
            {
                "renewed_on": TODAY.isoformat(),
                "new_expires_on": (TODAY + timedelta(days=800)).isoformat(),
                "version": "1",
            },
        )
    # then
    assert form.status_code == 200
    assert done.status_code == 302
    assert PermitRenewal.objects.count() == 1
    open_tasks = Task.objects.filter(kind=assistance_clocks.PERMIT_EXPIRY, status="open")
    assert [task.due_at.date() >= TODAY + timedelta(days=800) for task in open_tasks] == [True]


def test_r16_the_permit_page_is_for_the_legal_group_and_hidden_from_outsiders() -> None:
    # given
    t = permit_team()
    url = reverse("assistance:permit_list", args=[t.case.id])
    # when
    with time_machine.travel(NOON, tick=False):
        allowed = client_for(t.lead).get(url)
        denied = client_for(t.shelter).get(url)
        outsider = client_for(t.outsider).get(url)
    # then
    assert (allowed.status_code, denied.status_code, outsider.status_code) == (200, 403, 404)


def test_it_shows_the_detention_warning_on_the_case_page_while_detention_is_open() -> None:
    # given
    t = permit_team()
    case_page = reverse("web:case_detail", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        before = client.get(case_page).content.decode()
        # when
        recorded = client.post(
            reverse("assistance:detention_record", args=[t.case.id]),
            {"detention-started_on": TODAY.isoformat(), "detention-place_type": "Centre"},
        )
        during = client.get(case_page).content.decode()
        shelter_sees = client_for(t.shelter).get(case_page).content.decode()
        client.post(
            reverse("assistance:detention_end", args=[t.case.id]),
            {"release-ended_on": TODAY.isoformat()},
        )
        after = client.get(case_page).content.decode()
    # then
    assert recorded.status_code == 302
    assert WARNING not in before
    assert WARNING in during
    assert WARNING not in shelter_sees  # the legal group is hidden from a shelter
    assert WARNING not in after
