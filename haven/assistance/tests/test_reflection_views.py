"""The reflection period page end to end through the test client (R-15)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.assistance.models import ReflectionExtension, ReflectionPeriod
from haven.assistance.selectors import reflection as selectors
from haven.assistance.services import reflection as services
from haven.assistance.tests.test_reflection_services import presumed
from haven.identification.tests.test_decisions_services import TODAY, team
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _page(response: HttpResponseBase) -> str:
    html: str = response.content.decode()  # type: ignore[attr-defined]  # a rendered page
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_r15_the_page_shows_the_period_and_explains_it() -> None:
    # given
    t, _boss = presumed()
    url = reverse("assistance:reflection_detail", args=[t.case.id])
    # when
    with time_machine.travel(TODAY + timedelta(days=10), tick=False):
        html = client_for(t.ngo).get(url).content.decode()
    # then
    assert "lasts at least 30 days here" in html
    assert "never fewer than 30" in html
    assert "Assistance never depends on whether the person cooperates" in html
    assert "placeholder not yet confirmed" in html
    assert "Running" in html
    assert "<dd>20</dd>" in html  # days left
    assert 'name="extend-days"' not in html  # an NGO caseworker does not decide on it


def test_r15_a_supervisor_extends_the_period_through_the_form() -> None:
    # given
    t, boss = presumed()
    detail = reverse("assistance:reflection_detail", args=[t.case.id])
    extend = reverse("assistance:reflection_extend", args=[t.case.id])
    with time_machine.travel(TODAY + timedelta(days=5), tick=False):
        client = client_for(boss)  # signed in when the sessions are fresh
        assert 'name="extend-days"' in client.get(detail).content.decode()
        # when
        refused = client.post(
            extend,
            {
                "extend-days": "10",
                "extend-decided_on": "",
                "extend-reasons": "",
                "extend-version": "1",
            },
        )
        done = client.post(
            extend,
            {
                "extend-days": "10",
                "extend-decided_on": (TODAY + timedelta(days=5)).isoformat(),
                "extend-reasons": "Serious health needs.",
                "extend-version": "1",
            },
        )
        page = client.get(detail).content.decode()
    # then
    assert refused.status_code == 400
    assert 'id="id_extend-reasons_error"' in refused.content.decode()
    assert (done.status_code, done["Location"]) == (302, detail)
    assert ReflectionExtension.objects.get().days == 10
    assert "Serious health needs." in page


def test_r15_the_form_refuses_an_early_end_on_any_other_ground() -> None:
    # given
    t, boss = presumed()
    url = reverse("assistance:reflection_end_early", args=[t.case.id])
    data = {
        "end-decided_on": TODAY.isoformat(),
        "end-legal_basis": "Act s. 2",
        "end-reasons": "A documented finding.",
    }
    # when
    with time_machine.travel(TODAY, tick=False):
        client = client_for(boss)
        refused = client.post(url, {**data, "end-ground": "no_cooperation"})
        missing_basis = client.post(
            url, {**data, "end-ground": "public_order", "end-legal_basis": " "}
        )
        ended = client.post(url, {**data, "end-ground": "public_order"})
        page = client.get(reverse("assistance:reflection_detail", args=[t.case.id]))
        again = client.post(url, {**data, "end-ground": "public_order"})
    # then
    assert (refused.status_code, missing_basis.status_code, ended.status_code) == (400, 400, 302)
    assert again.status_code == 400
    assert "The period is not running on that date." in again.content.decode()
    assert 'id="id_end-ground_error"' in refused.content.decode()
    assert ReflectionPeriod.objects.get().status == ReflectionPeriod.Status.ENDED_EARLY
    html = page.content.decode()
    assert "Public order" in html
    assert "A documented finding." in html
    assert 'name="end-ground"' not in html  # nothing left to end


def test_r15_a_service_refusal_is_shown_beside_its_field() -> None:
    # given: the period is over, so the service refuses the extension
    t, boss = presumed()
    url = reverse("assistance:reflection_extend", args=[t.case.id])
    # when
    with time_machine.travel(TODAY + timedelta(days=40), tick=False):
        response = client_for(boss).post(
            url,
            {
                "extend-days": "5",
                "extend-decided_on": (TODAY + timedelta(days=40)).isoformat(),
                "extend-reasons": "x",
                "extend-version": "1",
            },
        )
    # then
    assert response.status_code == 400
    assert "can no longer be extended" in response.content.decode()


def test_a_caseworker_who_posts_anyway_gets_the_reason() -> None:
    # given
    t, _boss = presumed()
    url = reverse("assistance:reflection_end_early", args=[t.case.id])
    data = {
        "end-ground": "public_order",
        "end-decided_on": TODAY.isoformat(),
        "end-legal_basis": "x",
        "end-reasons": "y",
    }
    # when
    with time_machine.travel(TODAY, tick=False):
        response = client_for(t.police).post(url, data)
    # then
    assert response.status_code == 403
    assert "Only a supervisor" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("reflection_detail", "get"),
        ("reflection_extend", "post"),
        ("reflection_end_early", "post"),
    ],
)
def test_an_outsider_gets_the_same_404_as_for_a_missing_case(name: str, method: str) -> None:
    # given
    t, boss = presumed()
    client = client_for(make_user(org_type=OrgType.POLICE))
    # when
    hidden = getattr(client, method)(reverse(f"assistance:{name}", args=[t.case.id]))
    cases_hidden = client.get(reverse("web:case_detail", args=[t.case.id]))
    member = client_for(boss).get(reverse("assistance:reflection_detail", args=[t.case.id]))
    # then
    assert (hidden.status_code, cases_hidden.status_code, member.status_code) == (404, 404, 200)
    assert _page(hidden) == _page(cases_hidden)


def test_a_case_without_a_period_says_how_it_starts() -> None:
    # given
    t = team()
    # when
    html = (
        client_for(t.ngo)
        .get(reverse("assistance:reflection_detail", args=[t.case.id]))
        .content.decode()
    )
    # then
    assert "Not started" in html


@pytest.mark.parametrize("state", ["running", "ended", "ended_early", "none", "hidden"])
def test_the_case_page_summary_renders_each_state(state: str) -> None:
    # given
    t, boss = presumed()
    day = TODAY + timedelta(days=3)
    if state == "ended":
        day = TODAY + timedelta(days=40)
    if state == "ended_early":
        services.reflection_period_end_early(
            actor=boss,
            case_id=t.case.id,
            ground="improper_claim",
            reasons="x",
            legal_basis="y",
            decided_on=TODAY,
        )
    case, user = (t.case, t.ngo)
    if state == "none":
        fresh = team()
        case, user = fresh.case, fresh.ngo
    # when
    with time_machine.travel(day, tick=False):
        summary = selectors.reflection_period_summary(user=user, case_id=case.id)
        html = render_to_string(
            "assistance/_reflection_summary.html",
            {"case": case, "reflection": None if state == "hidden" else summary},
        )
    # then
    expected = {
        "running": "27 days left",
        "ended": "Ran from",
        "ended_early": "ended early on",
        "none": "Not started",
        "hidden": "",
    }[state]
    assert expected in html
    assert ("reflection-period" in html) is (state != "hidden")
