"""The cooperation page and its block on the case page, through the test client
(legal group; R-18)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import User
from haven.justice.models import CooperationRecord
from haven.justice.tests.test_cooperation import NOON, TODAY, cooperation_team, record
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db
STATEMENT = "Assistance never depends on it"


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def test_r18_a_change_is_recorded_through_the_form_and_a_future_date_is_refused() -> None:
    # given
    t = cooperation_team()
    url = reverse("justice:cooperation", args=[t.case.id])
    form = {"cooperates_with_authorities": "no", "is_witness": "yes"}
    with time_machine.travel(NOON, tick=False):
        client = client_for(t.lead)
        # when
        refused = client.post(url, {**form, "recorded_on": "2026-03-03"})
        missing = client.post(url, {"recorded_on": TODAY.isoformat()})
        done = client.post(url, {**form, "recorded_on": TODAY.isoformat()})
        page = client.get(url).content.decode()
    # then
    assert refused.status_code == missing.status_code == 400
    assert "The date cannot be in the future." in refused.content.decode()
    assert (done.status_code, done["Location"]) == (302, url)
    saved = CooperationRecord.objects.get()
    assert (saved.cooperates_with_authorities, saved.is_witness) == (False, True)
    assert STATEMENT in page


def test_r18_the_page_is_for_the_legal_group_and_emergency_access_only_reads() -> None:
    # given
    t = cooperation_team()
    url = reverse("justice:cooperation", args=[t.case.id])
    form = {"cooperates_with_authorities": "yes", "is_witness": "no", "recorded_on": "2026-03-02"}
    with time_machine.travel(NOON, tick=False):
        # when
        allowed = client_for(t.lead).get(url)
        denied = client_for(t.shelter).get(url)
        outsider = client_for(t.outsider).get(url)
        emergency_reads = client_for(t.emergency).get(url)
        emergency_writes = client_for(t.emergency).post(url, form)
        lead_writes = client_for(t.lead).post(url, form)
    # then
    assert (allowed.status_code, denied.status_code, outsider.status_code) == (200, 403, 404)
    assert (emergency_reads.status_code, emergency_writes.status_code) == (200, 403)
    assert lead_writes.status_code == 302
    assert CooperationRecord.objects.count() == 1


def test_r18_the_case_page_shows_the_current_state_with_the_statement_to_the_legal_group() -> None:
    # given
    t = cooperation_team()
    case_page = reverse("web:case_detail", args=[t.case.id])
    link = reverse("justice:cooperation", args=[t.case.id])
    with time_machine.travel(NOON, tick=False):
        record(t.lead, t.case, cooperates=False, witness=True)
        # when
        lead_sees = client_for(t.lead).get(case_page).content.decode()
        shelter_sees = client_for(t.shelter).get(case_page).content.decode()
    # then
    assert STATEMENT in lead_sees
    assert link in lead_sees
    assert STATEMENT not in shelter_sees
    assert link not in shelter_sees


# Session, user and device; in a savepoint pair the case with person and key, the
# team, break-glass grants and the organisation (the legal decision), the records
# with their authors in one query, and the audit append (head, event, head) in its
# own savepoint pair; then what base.html shows. The same for 1 record as for 4.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
# Issue 13 takes 4 away: the audit append is one insert now (sealed later by the worker).
COOPERATION_PAGE_QUERIES = 16


@pytest.mark.parametrize("records", [1, 4])
def test_r18_the_cooperation_page_takes_a_fixed_number_of_queries(
    records: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    t = cooperation_team()
    with time_machine.travel(NOON, tick=False):
        for _record in range(records):
            record(t.lead, t.case)
        client = client_for(t.lead)
        client.get(reverse("web:case_detail", args=[t.case.id]))  # session and user warmed
        # when / then
        with django_assert_num_queries(COOPERATION_PAGE_QUERIES):
            response = client.get(reverse("justice:cooperation", args=[t.case.id]))
    assert response.status_code == 200
