"""Interview pages end to end through the test client (R-14, R-28), allowed and
refused sides sharing one setup."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases import selectors, services
from haven.cases.models import Case, Interview
from haven.cases.tests.test_interviews_services import (
    SUMMARY,
    adult_case,
    barnahus,
    child_interview,
    days_ago,
    interview,
    org_of,
    police_for_investigation,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

# Pinned, measured on SQLite. Every signed-in page costs 7: session, user, OTP
# device, the header's unread-notification count, and the session save in a
# savepoint pair. The list adds, in a savepoint pair: the case with person and key,
# the team, the user's break-glass grants and organisation (the narrative decision),
# the interviews with their recorders and organisations, their readers (one query
# for all), and the audit append (head, event, head) in its own savepoint pair.
# The same for 1 interview as for 3.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
# Issue 13 takes 4 away: the audit append is one insert now (sealed later by the worker).
INTERVIEW_LIST_QUERIES = 17


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def list_url(case: Case) -> str:
    return reverse("cases:interview_list", args=[case.id])


def new_url(case: Case) -> str:
    return reverse("cases:interview_new", args=[case.id])


def detail_url(row: Interview) -> str:
    return reverse("cases:interview_detail", args=[row.id])


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": days_ago(1).isoformat(),
        "interviewer_name": "Interviewer One",
        "premises": "office",
        "admissible_as_evidence": "unknown",
        "summary": SUMMARY,
    }
    data.update(overrides)
    return data


def test_r14_the_case_page_shows_the_count_of_interviews() -> None:
    # given
    lead, case = adult_case()
    client = client_for(lead)
    before = client.get(reverse("web:case_detail", args=[case.id])).content.decode()
    services.interview_record(actor=lead, case_id=case.id, interview=interview())
    services.interview_record(
        actor=lead, case_id=case.id, interview=interview(justification="New facts came up.")
    )
    # when
    after = client.get(reverse("web:case_detail", args=[case.id])).content.decode()
    # then
    assert "The person has been interviewed 0 times." in before
    assert "The person has been interviewed 2 times." in after
    assert f'href="{list_url(case)}"' in after


def test_r14_the_list_shows_each_interview_and_who_may_read_it() -> None:
    # given
    t = barnahus()
    services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    # when
    html = client_for(t.ngo).get(list_url(t.case)).content.decode()
    # then
    assert "The person has been interviewed 1 time." in html
    assert org_of(t.prosecutor).name in html
    assert "Barnahus" in html
    assert "Why it is hidden" in html  # the NGO is not named on the record
    assert SUMMARY not in html


def test_r14_the_new_interview_page_shows_the_earlier_ones_and_asks_why() -> None:
    # given
    lead, case = adult_case()
    first_html = client_for(lead).get(new_url(case)).content.decode()
    services.interview_record(
        actor=lead, case_id=case.id, interview=interview(interviewer_role="Social worker")
    )
    # when
    html = client_for(lead).get(new_url(case)).content.decode()
    # then
    assert "first recorded interview" in first_html
    assert 'name="justification"' not in first_html
    assert "Earlier interviews: 1" in html
    assert "Read these records first" in html
    assert 'name="justification"' in html
    assert 'value="Social worker"' in html  # the same interviewer where possible
    assert 'name="barnahus_route"' not in html  # an adult


def test_r14_a_second_interview_without_a_justification_is_refused_on_the_page() -> None:
    # given
    lead, case = adult_case()
    services.interview_record(actor=lead, case_id=case.id, interview=interview())
    client = client_for(lead)
    # when
    refused = client.post(new_url(case), form_data())
    recorded = client.post(new_url(case), form_data(justification="The first was cut short."))
    # then
    assert refused.status_code == 400
    assert "say why another interview is needed" in refused.content.decode()
    assert recorded.status_code == 302
    row = Interview.objects.get(case=case, number=2)
    assert recorded["Location"] == detail_url(row)


def test_r28_a_childs_page_offers_the_barnahus_route_with_its_agencies_ticked() -> None:
    # given
    t = barnahus()
    # when
    html = client_for(t.police).get(new_url(t.case)).content.decode()
    # then
    assert "A child: the Barnahus route" in html
    assert 'name="barnahus_route" id="id_barnahus_route" checked' in html
    assert 'name="representative_absence_reason"' in html
    assert re.search(rf'value="{org_of(t.health).pk}" id="id_readers_\d+" checked', html)
    assert re.search(rf'value="{org_of(t.ngo).pk}" id="id_readers_\d+">', html)  # offered


def test_r28_it_records_a_barnahus_interview_from_the_page_and_warns_of_undue_delay() -> None:
    # given
    t = barnahus()
    data = form_data(
        premises="child_friendly_premises",
        reported_on=days_ago(30).isoformat(),
        training_evidence="Forensic child interview course",
        barnahus_route="on",
        representative_present="on",
        persons_present="Guardian (representative)\n\nPsychologist",
    )
    # when
    response = client_for(t.police).post(new_url(t.case), data, follow=True)
    # then
    html = response.content.decode()
    row = Interview.objects.get(case=t.case)
    assert row.barnahus_route is True
    assert {o.pk for o in row.readers.all()} == {
        org_of(u).pk for u in (t.police, t.prosecutor, t.child_protection, t.health, t.other_health)
    }
    assert "The interview was recorded." in html
    assert "29 days after the report" in html
    assert "Undue delay" in html
    assert "Psychologist" in html


def test_it_keeps_a_page_error_of_the_service_beside_its_field() -> None:
    # given: a child interviewed without the representative, and no reasons given
    t = barnahus()
    data = form_data(reported_on=days_ago(3).isoformat(), training_evidence="Course")
    # when
    response = client_for(t.police).post(new_url(t.case), data)
    # then
    assert response.status_code == 400
    html = response.content.decode()
    error = html.index('id="id_representative_absence_reason_error"')
    assert "give the reasons" in html[error : error + 300]
    assert not Interview.objects.filter(case=t.case).exists()


def test_it_keeps_a_malformed_page_post_on_the_page() -> None:
    # given
    lead, case = adult_case()
    # when
    response = client_for(lead).post(new_url(case), form_data(held_on="yesterday"))
    # then
    assert response.status_code == 400
    assert not Interview.objects.filter(case=case).exists()


def test_it_refuses_the_new_page_to_a_member_without_the_narrative_group() -> None:
    # given
    t = barnahus()
    # when
    refused = client_for(t.other_health).get(new_url(t.case))
    allowed = client_for(t.police).get(new_url(t.case))
    # then
    assert (refused.status_code, allowed.status_code) == (403, 200)


def test_the_detail_page_shows_the_content_to_a_reader_and_why_not_to_others() -> None:
    # given
    t = barnahus()
    row = services.interview_record(actor=t.police, case_id=t.case.id, interview=child_interview())
    # when
    reader = client_for(t.prosecutor).get(detail_url(row)).content.decode()
    other = client_for(t.ngo).get(detail_url(row)).content.decode()
    # then
    assert SUMMARY in reader
    assert "Why can I see this:" in reader
    assert SUMMARY not in other
    assert "shared only with the agencies named on it" in other


def test_the_pages_read_for_the_purpose_asked_for_as_the_case_page_does() -> None:
    # given
    lead, police, case = police_for_investigation()
    row = services.interview_record(
        actor=lead, case_id=case.id, interview=interview(readers=[org_of(police).pk])
    )
    client = client_for(police)
    # when
    default = client.get(detail_url(row))
    investigation = client.get(detail_url(row), {"purpose": "investigation"})
    listed = client.get(list_url(case), {"purpose": "investigation"})
    unknown = client.get(list_url(case), {"purpose": "curiosity"})
    unknown_detail = client.get(detail_url(row), {"purpose": "curiosity"})
    # then
    assert SUMMARY not in default.content.decode()
    assert SUMMARY in investigation.content.decode()
    assert f"{detail_url(row)}?purpose=investigation" in listed.content.decode()
    assert (unknown.status_code, unknown_detail.status_code) == (400, 400)


@pytest.mark.parametrize("page", ["list", "new", "detail"])
def test_it_answers_an_outsider_with_the_same_404_as_a_missing_page(page: str) -> None:
    # given
    lead, case = adult_case()
    row = services.interview_record(actor=lead, case_id=case.id, interview=interview())
    url = {"list": list_url(case), "new": new_url(case), "detail": detail_url(row)}[page]
    missing = url.replace(str(row.id if page == "detail" else case.id), str(case.person_id))
    outsider = client_for(make_user(org_type=OrgType.NGO))
    # when
    hidden_response, missing_response = outsider.get(url), client_for(lead).get(missing)
    # then
    assert (hidden_response.status_code, missing_response.status_code) == (404, 404)
    assert client_for(lead).get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_it_shows_the_list_page_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    lead, case = adult_case()
    for number in range(count):
        why = {"justification": "Another need."} if number else {}
        services.interview_record(actor=lead, case_id=case.id, interview=interview(**why))
    client = client_for(lead)
    # when / then
    with django_assert_num_queries(INTERVIEW_LIST_QUERIES):
        response = client.get(list_url(case))
    assert response.status_code == 200
    assert selectors.interview_count(case=case) == count


def test_the_new_page_offers_only_the_team_as_readers() -> None:
    # given
    lead, case = adult_case()
    stranger = make_user(org_type=OrgType.POLICE)
    # when
    html = client_for(lead).get(new_url(case)).content.decode()
    # then
    assert f'value="{org_of(lead).pk}"' in html
    assert f'value="{org_of(stranger).pk}"' not in html
