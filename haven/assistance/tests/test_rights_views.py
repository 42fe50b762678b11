"""The rights leaflet, the record of information given and interpretation through
the test client (R-24): pages, forms with errors next to the field, the PDF, the
case page's panel and warning, and the report for the person."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.assistance.models import RightsInformation
from haven.assistance.services import rights as services
from haven.assistance.tests.test_rights import NOON, TODAY, booking, need, rights_team
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _given(**changes: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "given-items": ["reflection", "assistance", "protection"],
        "given-given_on": TODAY.isoformat(),
        "given-language": "vi",
        "given-form": "read_aloud",
        "given-version": "standard",
        "given-interpreter_organisation": "Test Interpreting Ltd",
        "given-interpreter_name": "",
    }
    data.update(changes)
    return data


def test_r24_the_leaflet_page_shows_the_leaflet_in_its_language_and_offers_given_now() -> None:
    # given
    t = rights_team()
    url = reverse("assistance:rights_leaflet", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        # when
        page = client_for(t.lead).get(url, {"lang": "th", "version": "easy"})
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert '<article class="leaflet version-easy" lang="th">' in html
    assert "สิทธิของคุณ" in html
    assert reverse("assistance:rights_record", args=[t.case.id]) in html
    assert 'value="th"' in html  # the "given now" form carries the leaflet's language


def test_r24_an_unknown_leaflet_language_is_a_bad_request() -> None:
    t = rights_team()
    url = reverse("assistance:rights_leaflet", args=[t.case.id])
    pdf = reverse("assistance:rights_leaflet_pdf", args=[t.case.id])
    client = client_for(t.lead)
    page = client.get(url, {"lang": "xx"})
    assert page.status_code == 400
    assert 'lang="en"' in page.content.decode()  # the default leaflet meanwhile
    assert client.get(pdf, {"version": "poetic"}).status_code == 400


def test_r24_the_leaflet_pdf_is_served_to_print() -> None:
    t = rights_team()
    url = reverse("assistance:rights_leaflet_pdf", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        response = client_for(t.lead).get(url, {"lang": "zh"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"rights-{t.case.reference}-zh.pdf" in response["Content-Disposition"]


def test_r24_the_information_given_is_recorded_through_the_form() -> None:
    # given
    t = rights_team()
    url = reverse("assistance:rights_record", args=[t.case.id])
    detail = reverse("assistance:rights_detail", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        refused = client.post(url, _given(**{"given-items": []}))
        done = client.post(url, _given())
        page = client.get(detail).content.decode()
    # then
    assert refused.status_code == 400
    assert 'id="id_given-items_error"' in refused.content.decode() or "given-items" in (
        refused.content.decode()
    )
    assert "Tick at least one item" in refused.content.decode()
    assert (done.status_code, done["Location"]) == (302, detail)
    assert RightsInformation.objects.get().form == "read_aloud"
    assert "Test Interpreting Ltd" in page


def test_r24_the_police_on_the_team_may_not_record_or_read_it_and_the_lead_may() -> None:
    # given: one team, one case
    t = rights_team()
    url = reverse("assistance:rights_record", args=[t.case.id])
    detail = reverse("assistance:rights_detail", args=[t.case.id])
    leaflet = reverse("assistance:rights_leaflet", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        # when
        police = client_for(t.police)
        lead = client_for(t.lead)
        outsider = client_for(t.outsider)
        statuses = {
            "police": (police.post(url, _given()).status_code, police.get(detail).status_code),
            "lead": (lead.post(url, _given()).status_code, lead.get(detail).status_code),
            "outsider": (
                outsider.post(url, _given()).status_code,
                outsider.get(leaflet).status_code,
            ),
        }
    # then
    assert statuses == {"police": (403, 403), "lead": (302, 200), "outsider": (404, 404)}
    assert RightsInformation.objects.count() == 1


def test_r24_the_interpretation_need_and_a_plan_are_recorded_through_the_forms() -> None:
    t = rights_team()
    need_url = reverse("assistance:interpretation_need_record", args=[t.case.id])
    plan_url = reverse("assistance:interpreter_booking_record", args=[t.case.id])
    detail = reverse("assistance:rights_detail", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        missing = client.post(need_url, {"need-needed": "yes", "need-languages": ""})
        needed = client.post(need_url, {"need-needed": "yes", "need-languages": "vi, en"})
        planned = client.post(
            plan_url,
            {
                "booking-occasion": "interview",
                "booking-planned_on": (TODAY + timedelta(days=2)).isoformat(),
                "booking-language": "vi",
            },
        )
        page = client.get(detail).content.decode()
    assert missing.status_code == 400
    assert "Give the language the person needs an interpreter for." in missing.content.decode()
    assert (needed.status_code, planned.status_code) == (302, 302)
    assert "without an interpreter" in page
    assert 'value="vi, en"' in page  # the form starts from the current need


def test_r24_the_case_page_warns_of_an_interview_soon_without_an_interpreter() -> None:
    # given
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        need(t.case, t.lead, "vi")
        services.interpreter_booking_record(actor=t.lead, case_id=t.case.id, data=booking())
        services.rights_information_record(
            actor=t.lead,
            case_id=t.case.id,
            data=services.RightsInput(
                items=["reflection"], given_on=TODAY, language="vi", form="oral", version="easy"
            ),
        )
        url = reverse("web:case_detail", args=[t.case.id])
        # when
        lead = client_for(t.lead).get(url).content.decode()
        police = client_for(t.police).get(url).content.decode()
    # then
    assert "without an interpreter" in lead
    assert "Rights information last given on" in lead
    assert "without an interpreter" not in police  # no services group, no panel


def test_r24_a_case_page_without_rows_offers_the_leaflet() -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        page = client_for(t.lead).get(reverse("web:case_detail", args=[t.case.id]))
    html = page.content.decode()
    assert reverse("assistance:rights_leaflet", args=[t.case.id]) in html
    assert "Interpretation need not recorded yet." in html


def test_r24_the_report_for_the_person_lists_the_information_given_and_interpreters() -> None:
    t = rights_team()
    with time_machine.travel(NOON, tick=False):
        need(t.case, t.lead, "vi", sex="male")
        services.interpreter_booking_record(
            actor=t.lead, case_id=t.case.id, data=booking(interpreter_name="Tran Thi Test")
        )
        client = client_for(t.lead)
        client.post(reverse("assistance:rights_record", args=[t.case.id]), _given())
        report = client.get(reverse("web:person_report", args=[t.case.id])).content.decode()
    assert "Information on your rights given to you" in report
    assert "Tran Thi Test" in report
    assert "Your need for an interpreter" in report
