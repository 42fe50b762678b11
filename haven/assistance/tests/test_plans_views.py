"""The plan, service and closing pages and the case-page block, through the test
client (R-19, R-20, R-22)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.assistance.models import AssistanceClosure, AssistancePlan, AssistanceService
from haven.assistance.models import ServiceStatus as St
from haven.assistance.tests.test_plans import (
    NOON,
    TODAY,
    _presumed,
    a_service,
    close,
    needs_assessment,
    plan_team,
    start,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _plan_form(provider: object, **rows: str) -> dict[str, str]:
    data = {
        "plan-agreed_on": TODAY.isoformat(),
        "plan-person_view": "She agrees to start with a safe place.",
        "service-0-service_type": "accommodation",
        "service-0-provider": str(provider),
        "service-1-service_type": "",
        "service-2-service_type": "",
    }
    data.update(rows)
    return data


def test_r20_a_plan_is_recorded_through_the_form_and_unused_rows_are_ignored() -> None:
    # given
    t = plan_team()
    url = reverse("assistance:plan_new", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        form = client.get(url)
        refused = client.post(url, _plan_form(t.provider.id, **{"service-0-amount": "10"}))
        done = client.post(url, _plan_form(t.provider.id))
        page = client.get(reverse("assistance:plans", args=[t.case.id])).content.decode()
    # then
    assert form.status_code == 200
    assert refused.status_code == 400
    assert "Only financial support has an amount" in refused.content.decode()
    assert done.status_code == 302
    assert AssistanceService.objects.get().service_type == "accommodation"
    assert "She agrees to start with a safe place." in page


def test_r20_a_plan_from_a_needs_assessment_suggests_one_row_per_service() -> None:
    # given
    t = plan_team()
    assessment = needs_assessment(t.case, t.lead)
    url = reverse("assistance:plan_new", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        page = client.get(url, {"assessment": str(assessment.id)}).content.decode()
        done = client.post(
            f"{url}?assessment={assessment.id}",
            _plan_form(t.provider.id, **{"plan-assessment": str(assessment.id)}),
        )
    # then: accommodation (urgent), subsistence (needed: two services), then 3 empty rows
    assert page.count('<option value="accommodation" selected>') == 1
    assert page.count('<option value="material_assistance" selected>') == 1
    assert page.count('<option value="financial_support" selected>') == 1
    assert page.count("<legend>") >= 6
    assert 'name="service-5-service_type"' in page
    assert 'name="service-6-service_type"' not in page
    assert done.status_code == 302
    assert AssistancePlan.objects.get().assessment_id == assessment.id


def test_r20_a_service_page_starts_refuses_and_stops_with_errors_next_to_fields() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = a_service(t)
        client = client_for(t.lead)
        detail = reverse("assistance:service_detail", args=[t.case.id, service.id])
        # when
        page = client.get(detail)
        no_consent = client.post(
            reverse("assistance:service_start", args=[t.case.id, service.id]),
            {"start-starts_on": TODAY.isoformat(), "start-consent_on": ""},
        )
        started = client.post(
            reverse("assistance:service_start", args=[t.case.id, service.id]),
            {"start-starts_on": TODAY.isoformat(), "start-consent_on": TODAY.isoformat()},
        )
        refused = client.post(
            reverse("assistance:service_refuse", args=[t.case.id, service.id]),
            {"refuse-refused_on": TODAY.isoformat(), "refuse-note": ""},
        )
    # then
    assert page.status_code == 200
    assert no_consent.status_code == 400
    assert "only with the person&#x27;s consent" in no_consent.content.decode()
    assert started.status_code == refused.status_code == 302
    assert AssistanceService.objects.get().status == St.REFUSED


def test_r20_a_team_member_without_the_services_group_gets_the_reason_not_the_page() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = a_service(t)
        urls = [
            reverse("assistance:plans", args=[t.case.id]),
            reverse("assistance:plan_new", args=[t.case.id]),
            reverse("assistance:service_detail", args=[t.case.id, service.id]),
        ]
        # when
        allowed = [client_for(t.lead).get(u).status_code for u in urls]
        police = client_for(t.police)
        denied = [police.get(u).status_code for u in urls]
        outsider = client_for(t.outsider)
        hidden = [outsider.get(u).status_code for u in urls]
    # then
    assert allowed == [200, 200, 200]
    assert denied == [403, 403, 403]
    assert hidden == [404, 404, 404]


def test_r22_assistance_is_closed_and_reopened_through_the_forms() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        start(t, a_service(t))
        client = client_for(t.lead)
        closing = reverse("assistance:closure_new", args=[t.case.id])
        # when
        no_exit_plan = client.post(
            closing,
            {
                "close-decided_on": TODAY.isoformat(),
                "close-ground": "persons_wish",
                "close-person_view": "I want to stop.",
                "close-reasons": "She is settled.",
                "close-exit_plan": "",
            },
        )
        closed = client.post(
            closing,
            {
                "close-decided_on": TODAY.isoformat(),
                "close-ground": "persons_wish",
                "close-person_view": "I want to stop.",
                "close-reasons": "She is settled.",
                "close-exit_plan": "Check in after three months.",
                "close-follow_up_on": (TODAY + timedelta(days=90)).isoformat(),
            },
        )
        case_page = client.get(reverse("web:case_detail", args=[t.case.id])).content.decode()
        reopened = client.post(
            reverse("assistance:closure_reopen", args=[t.case.id]),
            {"reopen-reasons": "She asked for help again."},
        )
    # then
    assert no_exit_plan.status_code == 400
    assert closed.status_code == reopened.status_code == 302
    assert 'id="assistance-plan"' in case_page
    assert "Assistance closed on" in case_page
    assert AssistanceClosure.objects.get().reopened_on == TODAY
    assert AssistanceService.objects.get().status == St.STOPPED


def test_r22_a_second_closing_is_refused_next_to_the_form() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        close(t)
        client = client_for(t.lead)
        # when
        again = client.post(
            reverse("assistance:closure_new", args=[t.case.id]),
            {
                "close-decided_on": TODAY.isoformat(),
                "close-ground": "persons_wish",
                "close-person_view": "I want to stop.",
                "close-reasons": "Again.",
                "close-exit_plan": "Again.",
            },
        )
        added = client.post(
            reverse("assistance:service_new", args=[t.case.id]),
            {"service_type": "counselling", "provider": str(t.provider.id)},
        )
    # then
    assert again.status_code == added.status_code == 400
    assert "Assistance is already closed." in again.content.decode()
    assert "Reopen" in added.content.decode()


def test_r15_r18_the_closing_form_offers_the_grounds_and_refuses_one_beside_the_field() -> None:
    # given: a presumed victim inside the reflection period
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        _presumed(t)
        client = client_for(t.lead)
        closing = reverse("assistance:closure_new", args=[t.case.id])
        # when
        page = client.get(closing).content.decode()
        refused = client.post(
            closing,
            {
                "close-decided_on": TODAY.isoformat(),
                "close-ground": "no_longer_needed",
                "close-reasons": "She is settled.",
                "close-exit_plan": "Check in after three months.",
            },
        )
    # then
    assert 'value="persons_wish"' in page and 'value="left_country"' in page
    assert refused.status_code == 400
    assert 'id="id_close-ground_error"' in refused.content.decode()
    assert not AssistanceClosure.objects.exists()


def test_r20_completing_a_service_before_it_started_is_an_error_beside_the_date() -> None:
    # given: a service under way since today
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = start(t, a_service(t))
        client = client_for(t.lead)
        # when
        page = client.post(
            reverse("assistance:service_complete", args=[t.case.id, service.id]),
            {
                "complete-ends_on": (TODAY - timedelta(days=1)).isoformat(),
                "complete-outcome": "achieved",
            },
        )
    # then: 400, the message next to the date field, the service still under way
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="id_complete-ends_on_error"' in html
    assert "A service cannot end before it started." in html
    service.refresh_from_db()
    assert (service.status, service.ends_on, service.outcome) == (St.ACTIVE, None, "")
