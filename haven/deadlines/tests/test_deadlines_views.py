"""The "My deadlines" and notification pages end to end through the test client,
with the allowed and the denied side of each rule sharing one setup."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases.tests.factories import open_case
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines import services as deadline_services
from haven.deadlines import views as deadline_views
from haven.deadlines.models import Notification
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.web import context_processors
from haven.web.tests import test_csp
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

DEADLINES = reverse("deadlines:deadline_list")
NOTIFICATIONS = reverse("deadlines:notification_list")
READ = reverse("deadlines:notification_read")

# Every signed-in page costs 6 (session, user, OTP device, session save in a
# savepoint pair), the header's organisation 1 and the menu's unread count 1. The
# list adds the count and one page of deadlines with their case: the same for 1
# deadline as for 5.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
# Issue 13: the organisation's deadlines and the user's own elsewhere are each read
# and counted on their own index (an OR across the two columns scanned every open
# deadline of the country): 1 more (the two counts are side by side in one query).
DEADLINE_LIST_QUERIES = 12
# The same, with each notification's task in the page query (and issue 6's 1).
NOTIFICATION_LIST_QUERIES = 11


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def test_it_lists_my_deadlines_with_their_case_what_is_due_and_an_overdue_marker(
    ngo: Organisation,
) -> None:
    # given: intake opened the reasonable-grounds deadline (due 9 March), and a review
    caseworker = staff(ngo, Role.CASEWORKER)
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        case = open_case(actor=caseworker)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 20), blocking=True)

    # when
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        html = _client(caseworker).get(DEADLINES).content.decode()

    # then
    assert f'<a href="{reverse("web:case_detail", args=[case.id])}">{case.reference}</a>' in html
    assert "Identification decision due: Reasonable grounds decision" in html
    assert "Review after a screening" in html
    assert html.count(">Overdue</strong>") == 1
    assert "Blocking" in html
    assert '<time datetime="2026-03-09T23:59:59+02:00">' in html
    assert html.index("Reasonable grounds decision") < html.index("Review after a screening")


def test_it_filters_the_overdue_deadlines(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 20))
    client = _client(caseworker)

    # when
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        everything = client.get(DEADLINES).content.decode()
        overdue = client.get(DEADLINES, {"show": "overdue"}).content.decode()

    # then
    assert "2 deadlines" in everything
    assert "1 deadline<" in overdue
    assert f'href="{DEADLINES}?show=overdue" aria-current="page"' in overdue
    assert f'href="{DEADLINES}" aria-current="page"' in everything


def test_it_shows_a_deadline_to_the_case_team_and_nothing_to_an_outsider(
    ngo: Organisation,
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    outsider = staff(OrganisationFactory.create(), Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    deadline(case=case, organisation=ngo, assigned_user=outsider)

    # when
    member_page = _client(caseworker).get(DEADLINES).content.decode()
    outsider_page = _client(outsider).get(DEADLINES).content.decode()

    # then
    assert case.reference in member_page
    assert case.reference not in outsider_page
    assert "There are no open deadlines" in outsider_page


def test_it_sends_a_visitor_who_is_not_signed_in_to_the_login_page() -> None:
    # when
    responses = [Client().get(DEADLINES), Client().get(NOTIFICATIONS), Client().post(READ)]
    # then
    assert {r.status_code for r in responses} == {302}
    assert all(r.headers["Location"].startswith(reverse("accounts:login")) for r in responses)


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_deadlines_in_a_fixed_number_of_queries(
    ngo: Organisation, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    for _ in range(count):
        deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    client = _client(caseworker)

    # when / then
    with django_assert_num_queries(DEADLINE_LIST_QUERIES):
        response = client.get(DEADLINES)
    assert response.content.decode().count('<th scope="row"') == count


# --- notifications --------------------------------------------------------------------


def test_it_counts_unread_notifications_in_the_menu_until_they_are_read(
    ngo: Organisation,
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    colleague = staff(ngo, Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    client = _client(caseworker)
    before = client.get(NOTIFICATIONS).content.decode()

    # when
    response = client.post(READ)

    # then
    assert 'My deadlines <span class="badge">2 unread notifications</span>' in before
    assert before.count(">Unread</strong>") == 2
    assert response.status_code == 302
    assert response.headers["Location"] == NOTIFICATIONS
    after = client.get(NOTIFICATIONS).content.decode()
    assert "2 notifications marked read." in after
    assert "unread notification" not in after
    assert ">Unread</strong>" not in after
    assert Notification.objects.filter(recipient=colleague, read_at__isnull=True).count() == 2


def test_it_marks_notifications_read_only_by_post(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))

    # when
    response = _client(caseworker).get(READ)

    # then
    assert response.status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_it_lists_notifications_with_their_case_and_what_is_due(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    staff(ngo, Role.SUPERVISOR)
    case = quiet_case(actor=caseworker)
    deadline(case=case, organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))
    supervisor_client = _client(User.objects.get(organisation=ngo, role=Role.SUPERVISOR))

    # when
    html = supervisor_client.get(NOTIFICATIONS).content.decode()

    # then
    assert case.reference in html
    assert "Review after a screening" in html
    assert html.index("</strong> Escalation<") < html.index("</strong> Reminder<")


def test_it_says_so_when_there_are_no_notifications(ngo: Organisation) -> None:
    # when
    html = _client(staff(ngo, Role.CASEWORKER)).get(NOTIFICATIONS).content.decode()
    # then
    assert "You have no notifications." in html
    assert f'action="{READ}"' not in html


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_notifications_in_a_fixed_number_of_queries(
    ngo: Organisation, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    for _ in range(count):
        deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    client = _client(caseworker)

    # when / then
    with django_assert_num_queries(NOTIFICATION_LIST_QUERIES):
        response = client.get(NOTIFICATIONS)
    assert response.content.decode().count('<th scope="row"') == count


def test_it_counts_no_notifications_for_a_visitor_who_is_not_signed_in() -> None:
    # given
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    # when
    context = context_processors.haven(request)

    # then
    assert context["unread_notifications"]() == 0


@pytest.mark.parametrize(
    "name", ["deadlines/deadline_list.html", "deadlines/notification_list.html"]
)
def test_it_renders_each_template_without_inline_script_handlers_or_styles(
    ngo: Organisation, name: str
) -> None:
    # given: what the views pass, with one row each
    caseworker = staff(ngo, Role.CASEWORKER)
    deadline(case=quiet_case(actor=caseworker), organisation=ngo, blocking=True)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 20)))
    client = _client(caseworker)

    # when
    response = client.get(DEADLINES if "deadline_list" in name else NOTIFICATIONS)

    # then
    html = response.content.decode()
    assert response.templates[0].name == name
    assert test_csp._problems(html) == []
    assert "{{" not in html
    assert "{%" not in html


# --- long lists: read with a limit, counted up to a limit (issue 13) --------------------


def test_it_counts_a_long_list_of_deadlines_only_up_to_the_limit_and_pages_through_it(
    ngo: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: four deadlines, a page of two, and a count that stops at three
    monkeypatch.setattr(deadline_selectors, "LIST_COUNT_LIMIT", 3)
    monkeypatch.setattr(deadline_views, "PAGE_SIZE", 2)
    caseworker = staff(ngo, Role.CASEWORKER)
    for day in (20, 21, 22, 23):
        deadline(case=quiet_case(actor=caseworker), organisation=ngo, due_on=date(2026, 3, day))
    client = _client(caseworker)

    # when
    first = client.get(DEADLINES).content.decode()
    second = client.get(DEADLINES, {"page": 2}).content.decode()
    past = client.get(DEADLINES, {"page": 9}).content.decode()

    # then: "more than 3", pages without a total, and every deadline reached
    assert "More than 3 deadlines" in first
    assert "Page 1<" in first and "Page 1 of" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert '<time datetime="2026-03-20' in first and '<time datetime="2026-03-22' not in first
    assert '<time datetime="2026-03-22' in second and '<time datetime="2026-03-23' in second
    assert 'rel="next"' not in second and 'rel="prev"' in second
    assert '<th scope="row"' not in past


def test_it_counts_a_short_list_of_notifications_exactly_with_its_number_of_pages(
    ngo: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: three reminders, a page of two, a count limit above them
    monkeypatch.setattr(deadline_views, "PAGE_SIZE", 2)
    caseworker = staff(ngo, Role.CASEWORKER)
    for _ in range(3):
        deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    client = _client(caseworker)

    # when
    first = client.get(NOTIFICATIONS).content.decode()
    second = client.get(NOTIFICATIONS, {"page": 2}).content.decode()

    # then
    assert "Page 1 of 2" in first and first.count('<th scope="row"') == 2
    assert "Page 2 of 2" in second and second.count('<th scope="row"') == 1
