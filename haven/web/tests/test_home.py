"""The caseworker's home page: my cases, my deadlines of the next two weeks, the
referrals waiting for the organisation's answer (R-47) and what is overdue; only for
case roles, no personal data, no audit, a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.audit.models import AuditEvent
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, bulk_cases, share_by_law
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines.models import Task
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.identification import clocks as identification_clocks
from haven.referrals.models import Referral
from haven.referrals.services import referrals as referral_services
from haven.web import home
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 12)
NOW = at(TODAY)


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO, name="Victim Support NGO")


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.POLICE, name="City Police")


def _referred(*, sender: User, to: Organisation, on: date) -> Referral:
    """A case led by ``sender``'s organisation, referred to ``to`` on ``on`` (48 hours
    to answer)."""
    case = quiet_case(actor=sender)
    share_by_law(case=case, organisation=to, groups=["identity"])
    with time_machine.travel(at(on, 9), tick=False):
        return referral_services.referral_send(
            actor=sender,
            case_id=case.id,
            to_organisation_id=to.pk,
            referral_type="accommodation",
            purpose="assistance",
            field_groups=["identity"],
            message="A synthetic message.",
        )


def _home(user: User) -> home.Home:
    with time_machine.travel(NOW, tick=False):
        return home.home_for(user=user)


# --- the four sections -----------------------------------------------------------------------


def test_it_lists_only_the_cases_the_organisation_leads_most_recently_changed_first(
    ngo: Organisation, police: Organisation
) -> None:
    # given: two cases the NGO leads (the older one changed status later), one it is only on
    lead = staff(ngo, Role.CASEWORKER)
    older, newer = quiet_case(actor=lead), quiet_case(actor=lead)
    with time_machine.travel(at(date(2026, 3, 5)), tick=False):
        case_services.case_transition(
            pathway_decision=True,
            actor=lead,
            case_id=older.id,
            to_status="presumed",
            reasons="Reasonable grounds.",
            decided_on=date(2026, 3, 5),
            legal_basis="Test Act s. 1",
        )
    police_case = quiet_case(actor=staff(police, Role.CASEWORKER))
    add_to_team(case=police_case, organisation=ngo)

    # when
    section = _home(lead).my_cases

    # then
    assert [case.reference for case in section.rows] == [older.reference, newer.reference]
    assert section.count == 2
    assert police_case.reference not in [case.reference for case in section.rows]


def test_it_lists_the_deadlines_of_the_next_14_days_soonest_first_without_the_overdue(
    ngo: Organisation, police: Organisation
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    due = {
        "overdue": deadline(case=case, organisation=ngo, due_on=date(2026, 3, 10)),
        "later": deadline(case=case, organisation=ngo, due_on=date(2026, 3, 25), blocking=True),
        "soon": deadline(case=case, organisation=police, due_on=TODAY, assigned_user=lead),
        "too_far": deadline(case=case, organisation=ngo, due_on=date(2026, 3, 27)),
    }
    add_to_team(case=case, organisation=police)
    deadline(case=case, organisation=police, due_on=date(2026, 3, 13))  # the police's own

    # when
    section = _home(lead).deadlines

    # then
    assert [row.due_at for row in section.rows] == [due["soon"].due_at, due["later"].due_at]
    assert [row.blocking for row in section.rows] == [False, True]
    assert {row.case_reference for row in section.rows} == {case.reference}
    assert section.rows[0].what == "Review after a screening"
    assert section.count == 2


def test_r47_it_lists_the_referrals_waiting_for_the_organisation_oldest_first_with_their_age(
    ngo: Organisation, police: Organisation
) -> None:
    # given: three referrals from the NGO to the police; one asked about, one declined
    lead = staff(ngo, Role.CASEWORKER)
    officer = staff(police, Role.CASEWORKER)
    waiting = _referred(sender=lead, to=police, on=date(2026, 3, 2))
    asked = _referred(sender=lead, to=police, on=date(2026, 3, 11))
    declined = _referred(sender=lead, to=police, on=date(2026, 3, 1))
    referral_services.referral_request_info(actor=officer, referral_id=asked.pk, question="Why?")
    referral_services.referral_decline(actor=officer, referral_id=declined.pk, reason="no_capacity")

    # when
    section = _home(officer).new_referrals

    # then
    assert [row.id for row in section.rows] == [waiting.pk, asked.pk]
    assert [(row.age_days, row.overdue) for row in section.rows] == [(10, True), (1, False)]
    assert {row.from_organisation for row in section.rows} == {"Victim Support NGO"}
    assert section.count == 2
    assert _home(lead).new_referrals.count == 0  # the sender waits for no answer


def test_it_lists_the_overdue_deadlines_oldest_first_with_the_blocking_ones_marked(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    newer = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 11))
    older = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5), blocking=True)
    deadline(case=case, organisation=ngo, due_on=TODAY)  # due tonight: not overdue yet

    # when
    section = _home(lead).overdue

    # then
    assert [(row.due_at, row.blocking) for row in section.rows] == [
        (older.due_at, True),
        (newer.due_at, False),
    ]
    assert section.count == 2


def test_it_shows_at_most_ten_rows_but_counts_them_all(ngo: Organisation) -> None:
    # given: twelve deadlines between 3 and 11 March, overdue on the 12th
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    for number in range(12):
        deadline(case=case, organisation=ngo, due_on=date(2026, 3, 3 + number % 9))

    # when
    section = _home(lead).overdue

    # then
    assert (len(section.rows), section.count) == (home.ROWS, 12)


# --- who gets it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org_type", "role", "home_page", "elsewhere"),
    [
        (OrgType.NGO, Role.CASEWORKER, True, ""),
        (OrgType.POLICE, Role.SUPERVISOR, True, ""),
        # The Rapporteur has no cases: they land on the statistics (issue 15).
        (OrgType.RAPPORTEUR, Role.RAPPORTEUR, False, "statistics:home"),
        (OrgType.NGO, Role.ORG_ADMIN, False, "cases:list"),
        (OrgType.OTHER, Role.SYSTEM_ADMIN, False, "cases:list"),
    ],
)
def test_it_gives_case_roles_the_home_page_and_sends_the_others_to_the_case_list(
    org_type: str, role: str, home_page: bool, elsewhere: str
) -> None:
    # given
    client = sign_in(Client(), make_user(org_type=org_type, role=role))

    # when
    response = client.get(reverse("web:home"))

    # then
    if home_page:
        assert response.status_code == 200
        assert response.templates[0].name == "web/home.html"
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == reverse(elsewhere)


def test_it_asks_anonymous_visitors_to_sign_in() -> None:
    # when
    response = Client().get(reverse("web:home"))

    # then
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


# --- the page --------------------------------------------------------------------------------


def test_it_renders_four_captioned_sections_with_links_and_no_personal_data(
    ngo: Organisation, police: Organisation
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5), blocking=True)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 14))
    referred = _referred(sender=staff(police, Role.CASEWORKER), to=ngo, on=TODAY)
    audit_events = AuditEvent.objects.count()

    # when
    with time_machine.travel(NOW, tick=False):
        html = sign_in(Client(), lead).get(reverse("web:home")).content.decode()

    # then
    for heading in ("My cases", "My deadlines", "New referrals", "Overdue"):
        assert f">{heading}</h2>" in html
    assert html.count("<caption>") == 4
    assert "Referrals from other organisations appear here." not in html  # the stand-in is gone
    assert case.reference in html and referred.case.reference in html
    assert f'href="{reverse("referrals:referral_detail", args=[referred.pk])}"' in html
    assert f'href="{reverse("deadlines:deadline_list")}?show=overdue"' in html
    assert "Blocking: the case cannot move on without it" in html
    assert "Testinen" not in html and "Testikatu" not in html  # the person's name, address
    assert AuditEvent.objects.count() == audit_events


def test_it_says_so_when_a_section_is_empty(ngo: Organisation) -> None:
    # given
    client = sign_in(Client(), staff(ngo, Role.CASEWORKER))

    # when
    html = client.get(reverse("web:home")).content.decode()

    # then
    assert "Your organisation leads 0 cases." in html
    assert "0 deadlines are overdue." in html
    assert "<table" not in html


# Session, user and second factor (3); my cases and new referrals, their rows and their
# count (4); the user's own deadlines outside the organisation for both deadline
# sections in one read (1); each deadline section, the organisation's first rows (1)
# and the counts side by side in one query, each on its own index and stopping at 100
# (1): 4; the frame: the unread-notification count and the organisation's name (2: the
# menu's count of waiting referrals is the section's, not counted again); the session
# saved back (savepoint, update, release: 3). 17 at most (18 before the user's own
# deadlines were read once for both sections), however many rows there are. A count
# is asked only where the rows read filled the section (a part read short is counted by
# its rows): with a row or two a section, neither deadline section
# nor the referrals ask one (3 fewer); with many referrals none are counted apart.
HOME_QUERIES = 17
HOME_QUERIES_FEW_ROWS = HOME_QUERIES - 3


@pytest.mark.parametrize(("rows", "queries"), [(1, HOME_QUERIES_FEW_ROWS), (12, HOME_QUERIES)])
def test_it_shows_the_home_page_in_a_fixed_number_of_queries(
    ngo: Organisation,
    police: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
    rows: int,
    queries: int,
) -> None:
    # given: as many led cases, referrals waiting, coming and overdue deadlines
    lead = staff(ngo, Role.CASEWORKER)
    other_lead = staff(police, Role.CASEWORKER)
    for day in range(rows):
        case = quiet_case(actor=lead)
        deadline(case=case, organisation=ngo, due_on=date(2026, 3, 3) + timedelta(days=day % 8))
        deadline(case=case, organisation=ngo, due_on=date(2026, 3, 13), blocking=day % 2 == 0)
        _referred(sender=other_lead, to=ngo, on=TODAY)
    client = sign_in(Client(), lead)

    # when / then
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(queries):
        response = client.get(reverse("web:home"))
    html = response.content.decode()
    assert html.count('<th scope="row"') == 4 * min(rows, home.ROWS)
    # the menu's badge shows the section's count of every waiting referral
    waiting = "1 referral waiting" if rows == 1 else f"{rows} referrals waiting"
    assert f'<span class="badge">{waiting}</span>' in html


# --- the user's own deadlines outside the organisation, read once for both sections ---------


def _own_elsewhere(*, lead: User, other: Organisation, overdue: int, coming: int) -> None:
    """Deadlines assigned to ``lead`` but owned by ``other``, on a case of lead's team:
    ``overdue`` before TODAY, ``coming`` in the next 14 days, and one after them."""
    case = quiet_case(actor=lead)
    add_to_team(case=case, organisation=other)
    days = [-(n % 9) - 1 for n in range(overdue)] + [n % 13 for n in range(coming)] + [20]
    Task.objects.bulk_create(
        Task(
            case=case,
            kind=identification_clocks.SCREENING_REVIEW,
            due_at=NOW + timedelta(days=day, minutes=n),
            remind_at=NOW + timedelta(days=day - 7),
            assigned_organisation=other,
            assigned_user=lead,
            created_at=NOW - timedelta(days=30),
        )
        for n, day in enumerate(days)
    )


def _sections_read_apart(user: User) -> tuple[deadline_selectors.DeadlineSection, ...]:
    """The two deadline sections as each read the user's own deadlines on its own."""
    upcoming = deadline_selectors.my_deadlines_due(
        user=user, since=NOW, before=NOW + home.DEADLINE_WINDOW, limit=home.ROWS, now=NOW
    )
    overdue = deadline_selectors.my_deadlines_due(user=user, before=NOW, limit=home.ROWS, now=NOW)
    return upcoming, overdue


@pytest.mark.parametrize(
    ("overdue", "coming"),
    [(0, 0), (1, 2), (9, 9), (10, 10), (19, 0), (25, 0), (0, 25), (15, 8), (8, 15), (5, 30)],
)
def test_it_shows_the_users_own_deadlines_elsewhere_as_when_each_section_read_them(
    ngo: Organisation, police: Organisation, overdue: int, coming: int
) -> None:
    # given: the user's own deadlines at the police, and a few of the organisation's
    lead = staff(ngo, Role.CASEWORKER)
    _own_elsewhere(lead=lead, other=police, overdue=overdue, coming=coming)
    case = quiet_case(actor=lead)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 14))

    # when
    found = _home(lead)

    # then: the same rows and counts as each section reading them apart
    upcoming, late = _sections_read_apart(lead)
    for shown, apart in ((found.deadlines, upcoming), (found.overdue, late)):
        assert [row.due_at for row in shown.rows] == [task.due_at for task in apart.rows]
        assert (shown.count, shown.exact) == (apart.count.value, apart.count.exact)
    assert found.overdue.count == overdue + 1
    assert found.deadlines.count == coming + 1


def test_it_reads_the_users_own_deadlines_elsewhere_once_for_both_sections(
    ngo: Organisation, police: Organisation, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given: none of the user's own deadlines elsewhere are due (the usual case)
    lead = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))

    # when / then: my cases (2, no count: fewer rows than shown), referrals (1), the
    # user's own deadlines (1), the organisation's of each section (2)
    with django_assert_num_queries(6):
        found = _home(lead)
    assert found.overdue.count == 1


# --- many cases, many deadlines (issue 13) ---------------------------------------------------


def _bulk_deadlines(cases: list[Case], organisation: Organisation, *days: int) -> None:
    """One open deadline per case for each day from TODAY (negative: overdue)."""
    Task.objects.bulk_create(
        Task(
            case=case,
            kind=identification_clocks.SCREENING_REVIEW,
            due_at=NOW + timedelta(days=day, minutes=n),
            remind_at=NOW + timedelta(days=day - 7),
            assigned_organisation=organisation,
            created_at=NOW - timedelta(days=30),
        )
        for n, case in enumerate(cases)
        for day in days
    )


# No referral waits here: its count is never asked (1 fewer than HOME_QUERIES).
@pytest.mark.parametrize(
    ("cases", "queries"), [(1, HOME_QUERIES_FEW_ROWS), (1000, HOME_QUERIES - 1)]
)
def test_it_shows_the_home_page_in_the_same_queries_for_1_and_1000_cases_with_their_deadlines(
    ngo: Organisation,
    police: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
    cases: int,
    queries: int,
) -> None:
    # given: each case with an overdue and a coming deadline, and as many of another team's
    lead = staff(ngo, Role.CASEWORKER)
    mine = bulk_cases(lead=ngo, opener=lead, count=cases, start=NOW)
    theirs = bulk_cases(lead=police, opener=staff(police, Role.CASEWORKER), count=cases, start=NOW)
    _bulk_deadlines(mine, ngo, -3, 2)
    _bulk_deadlines(theirs, police, -3, 2)
    client = sign_in(Client(), lead)

    # when / then
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(queries):
        response = client.get(reverse("web:home"))
    assert response.content.decode().count('<th scope="row"') == 3 * min(cases, home.ROWS)


def test_it_says_more_than_the_limit_rather_than_counting_every_deadline(
    ngo: Organisation, police: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: five overdue and five coming deadlines of the organisation, and another
    # team's case with a deadline assigned to the organisation (never shown nor counted)
    monkeypatch.setattr(deadline_selectors, "DEADLINE_COUNT_LIMIT", 3)
    monkeypatch.setattr(home, "MY_CASES_COUNT_LIMIT", 3)
    lead = staff(ngo, Role.CASEWORKER)
    _bulk_deadlines(bulk_cases(lead=ngo, opener=lead, count=5, start=NOW), ngo, -3, 2)
    hidden = bulk_cases(lead=police, opener=staff(police, Role.CASEWORKER), count=1, start=NOW)
    _bulk_deadlines(hidden, ngo, -4, 1)
    client = sign_in(Client(), lead)

    # when
    with time_machine.travel(NOW, tick=False):
        sections = _home(lead)
        html = client.get(reverse("web:home")).content.decode()
    monkeypatch.setattr(deadline_selectors, "DEADLINE_COUNT_LIMIT", 5)
    exact = _home(lead)

    # then
    assert (sections.overdue.count, sections.overdue.exact, len(sections.overdue.rows)) == (
        3,
        False,
        5,
    )
    assert (sections.deadlines.count, sections.deadlines.exact) == (3, False)
    assert "More than 3 deadlines are overdue." in html
    assert "More than 3 deadlines in the next 14 days." in html
    assert "Your organisation leads more than 3 cases." in html
    assert (exact.overdue.count, exact.overdue.exact) == (5, True)
    assert hidden[0].reference not in html
