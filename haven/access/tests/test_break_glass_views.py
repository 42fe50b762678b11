"""Break-glass pages end to end through the test client: refused without a
justification; with one, the case page opens (with a banner), the audit trail
and the notifications record it, it expires, and a supervisor reviews it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.access.models import BreakGlass
from haven.access.tests.test_break_glass import JUSTIFICATION, World, use, world, written
from haven.accounts.models import Role, User
from haven.accounts.tests.factories import UserFactory
from haven.audit.models import Action, AuditEvent
from haven.deadlines.tests.test_deadlines import at
from haven.web.tests import test_csp
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

NEW = reverse("access:break_glass_new")
REVIEWS = reverse("access:break_glass_review_list")
NOTIFICATIONS = reverse("deadlines:notification_list")
START = at(date(2026, 5, 4), 22, 0)
BANNER = "You are reading this case under emergency access (break-glass)."

# A signed-in page costs 6 (session, user, OTP device, session save in a savepoint
# pair), the header's organisation 1 and the menu's unread count 1. The list adds
# its count and one page of uses with case, user and organisation: the same for 1
# use as for 5.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
REVIEW_LIST_QUERIES = 11


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _case_url(w: World) -> str:
    return reverse("web:case_detail", args=[w.case.id])


def _review_url(grant: BreakGlass) -> str:
    return reverse("access:break_glass_review", args=[grant.id])


# --- asking for emergency access --------------------------------------------------------


def test_it_explains_break_glass_before_anyone_uses_it() -> None:
    # given
    w = world()

    # when
    response = _client(w.outsider).get(NEW)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "For emergencies only." in html
    assert "Every use is recorded in the audit trail and reviewed by a supervisor." in html
    assert "The case lead and the national coordinator are told at once" in html
    assert "Access ends after 60 minutes." in html
    assert "Do not write the person&#x27;s name or any other details about them" in html
    assert test_csp._problems(html) == []


def test_it_refuses_the_page_to_users_without_a_case_role() -> None:
    # given: an administrator and a caseworker of the same organisation
    w = world()
    admin = w.others["lead org administrator"]

    # when
    refused = _client(admin).get(NEW)
    allowed = _client(w.lead).get(NEW)

    # then
    assert (refused.status_code, allowed.status_code) == (403, 200)


@pytest.mark.parametrize("justification", ["", "Urgent."])
def test_it_refuses_break_glass_without_a_justification_and_writes_nothing(
    justification: str,
) -> None:
    # given
    w = world()
    client = _client(w.outsider)
    before = written()

    # when
    response = client.post(
        NEW,
        {
            "case_reference": w.case.reference,
            "reason": "person_missing",
            "justification": justification,
        },
    )
    case_page = client.get(_case_url(w))

    # then
    assert response.status_code == 400
    assert "Please correct the following" in response.content.decode()
    assert written() == before
    assert case_page.status_code == 404


def test_it_answers_a_missing_reference_with_the_words_of_any_hidden_case() -> None:
    # given
    w = world()
    before = written()

    # when
    response = _client(w.outsider).post(
        NEW,
        {
            "case_reference": "FI-2026-ZZZZZZ",
            "reason": "person_missing",
            "justification": JUSTIFICATION,
        },
    )

    # then
    assert response.status_code == 404
    assert "No case with this reference is available to you." in response.content.decode()
    assert written() == before


def test_it_tells_the_case_lead_they_need_no_break_glass() -> None:
    # given
    w = world()
    before = written()

    # when
    response = _client(w.lead).post(
        NEW,
        {
            "case_reference": w.case.reference,
            "reason": "person_missing",
            "justification": JUSTIFICATION,
        },
    )

    # then
    assert response.status_code == 409
    assert "break-glass is not needed" in response.content.decode()
    assert written() == before


def test_it_opens_the_case_page_with_a_banner_and_the_reason() -> None:
    # given
    w = world()
    with time_machine.travel(START, tick=False):
        client = _client(w.outsider)

        # when
        response = client.post(
            NEW,
            {
                "case_reference": w.case.reference,
                "reason": "person_missing",
                "justification": JUSTIFICATION,
            },
        )
        page = client.get(response["Location"])

    # then
    assert response.status_code == 302
    assert response["Location"] == _case_url(w)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Emergency access until 23:00." in html
    assert BANNER in html
    assert "Emergency access (break-glass) until 23:00" in html
    assert "A synthetic account." in html  # police see the narrative by default
    assert "Safe house 7" not in html  # but never the location, even in an emergency
    assert test_csp._problems(html) == []


def test_it_shows_no_banner_to_the_case_team() -> None:
    # given
    w = world()
    use(w)

    # when
    html = _client(w.lead).get(_case_url(w)).content.decode()

    # then
    assert "Aino" in html
    assert BANNER not in html


def test_it_records_the_use_and_every_read_in_the_audit_trail() -> None:
    # given
    w = world()
    client = _client(w.outsider)

    # when
    client.post(
        NEW,
        {
            "case_reference": w.case.reference,
            "reason": "person_missing",
            "justification": JUSTIFICATION,
        },
    )
    client.get(_case_url(w))

    # then
    events = AuditEvent.objects.filter(actor_username=w.outsider.username).order_by("id")
    assert [e.action for e in events] == [Action.BREAK_GLASS, Action.READ]
    assert {e.object_id for e in events} == {str(w.case.id)}


def test_it_closes_the_case_again_when_the_time_is_up() -> None:
    # given
    w = world()
    with time_machine.travel(START, tick=False):
        _client(w.outsider).post(
            NEW,
            {
                "case_reference": w.case.reference,
                "reason": "person_missing",
                "justification": JUSTIFICATION,
            },
        )

    # when: the session has idled out meanwhile; the officer signs in again
    with time_machine.travel(START + timedelta(minutes=59), tick=False):
        before = _client(w.outsider).get(_case_url(w))
    with time_machine.travel(START + timedelta(minutes=60), tick=False):
        after = _client(w.outsider).get(_case_url(w))

    # then
    assert before.status_code == 200
    assert after.status_code == 404


def test_it_links_to_emergency_access_from_the_case_list_not_from_the_404_page() -> None:
    # given
    w = world()
    client = _client(w.outsider)

    # when
    listing = client.get(reverse("cases:list")).content.decode()
    missing = client.get(_case_url(w)).content.decode()

    # then
    assert f'href="{NEW}"' in listing
    assert NEW not in missing


# --- the notifications ------------------------------------------------------------------


def test_it_shows_the_lead_and_the_coordinator_the_news_with_the_case_and_who() -> None:
    # given
    w = world()
    use(w)
    who = f"by {w.outsider.username} of {w.organisation(w.outsider).name}"

    # when
    lead = _client(w.lead).get(NOTIFICATIONS).content.decode()
    coordinator = _client(w.coordinator).get(NOTIFICATIONS).content.decode()
    colleague = _client(w.others["outsider's colleague"]).get(NOTIFICATIONS).content.decode()

    # then: the lead can open the case from it; the coordinator, not on the team, cannot
    for html in (lead, coordinator):
        assert w.case.reference in html
        assert who in html
        assert "1 unread notification" in html
    assert f'href="{_case_url(w)}"' in lead
    assert f'href="{_case_url(w)}"' not in coordinator
    assert w.case.reference not in colleague


# --- the review -------------------------------------------------------------------------


def test_it_lists_the_use_for_the_supervisor_and_records_the_review() -> None:
    # given
    w = world()
    grant = use(w)
    client = _client(w.outsider_supervisor)

    # when
    listing = client.get(REVIEWS).content.decode()
    page = client.get(_review_url(grant)).content.decode()
    response = client.post(_review_url(grant), {"outcome": "justified", "note": "Checked."})
    after = client.get(REVIEWS).content.decode()

    # then
    assert w.case.reference in listing
    assert f'href="{_review_url(grant)}"' in listing
    assert JUSTIFICATION in page
    assert test_csp._problems(page) == []
    assert (response.status_code, response["Location"]) == (302, REVIEWS)
    grant.refresh_from_db()
    assert (grant.review, grant.reviewed_by_id, grant.review_note) == (
        BreakGlass.Review.JUSTIFIED,
        w.outsider_supervisor.pk,
        "Checked.",
    )
    assert "No break-glass use is waiting for your review." in after


def test_it_lets_the_national_coordinator_find_a_use_not_justified() -> None:
    # given
    w = world()
    grant = use(w)
    client = _client(w.coordinator_supervisor)

    # when
    response = client.post(_review_url(grant), {"outcome": "not_justified"})

    # then
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.review == BreakGlass.Review.NOT_JUSTIFIED


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead_supervisor", 404),  # another organisation's supervisor
        ("outsider", 403),  # a caseworker
        ("coordinator", 403),
    ],
)
def test_it_refuses_the_review_to_others(who: str, status: int) -> None:
    # given
    w = world()
    grant = use(w)
    client = _client(getattr(w, who))

    # when
    page = client.get(_review_url(grant))
    response = client.post(_review_url(grant), {"outcome": "justified"})
    listing = client.get(REVIEWS)

    # then
    assert (page.status_code, response.status_code) == (status, status)
    assert listing.status_code == (200 if status == 404 else 403)
    grant.refresh_from_db()
    assert grant.review == BreakGlass.Review.PENDING


def test_it_refuses_a_supervisor_the_review_of_their_own_use() -> None:
    # given: the police supervisor breaks the glass; a colleague reviews it
    w = world()
    grant = use(w, w.outsider_supervisor)
    client = _client(w.outsider_supervisor)

    # when
    page = client.get(_review_url(grant)).content.decode()
    response = client.post(_review_url(grant), {"outcome": "justified"})

    # then
    assert "This is your own use: another supervisor reviews it." in page
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.review == BreakGlass.Review.PENDING


def test_it_refuses_a_second_review_and_an_incomplete_one() -> None:
    # given
    w = world()
    grant = use(w)
    client = _client(w.outsider_supervisor)
    client.post(_review_url(grant), {"outcome": "justified"})

    # when
    incomplete = _client(w.coordinator_supervisor).post(_review_url(grant), {"outcome": ""})
    second = _client(w.coordinator_supervisor).post(
        _review_url(grant), {"outcome": "not_justified"}
    )

    # then
    assert (incomplete.status_code, second.status_code) == (400, 409)
    assert "This use was already reviewed." in second.content.decode()
    grant.refresh_from_db()
    assert grant.review == BreakGlass.Review.JUSTIFIED


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_uses_for_review_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    w = world()
    police = w.organisation(w.outsider)
    for _ in range(count):
        use(w, UserFactory.create(organisation=police, role=Role.CASEWORKER))
    client = _client(w.outsider_supervisor)

    # when / then
    with django_assert_num_queries(REVIEW_LIST_QUERIES):
        response = client.get(REVIEWS)
    assert response.content.decode().count('<th scope="row" ') == count
