"""How the home page's deadline sections are read (issue 13): each read, the counts
included, goes through the index of the organisation's or the user's own deadlines,
never through the index of every open deadline in the country. On the 100,000-case
bench the count of "the organisation's or the user's" read that index for a police
caseworker (on 20,000 case teams, none of the 30,000 open deadlines its own): 97 ms
a page for the overdue count alone, 1 ms counted in two parts (now two subqueries of
one query, ``paging.capped_count_of_parts``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.access.models import TeamMembership
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases.models import Case
from haven.cases.tests.factories import bulk_cases
from haven.deadlines import selectors
from haven.deadlines.models import Task
from haven.deadlines.tests.test_deadlines import at, staff
from haven.identification import clocks as identification_clocks

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 3, 12))
OWN_INDEXES = ("task_org_idx", "task_user_idx")


def _deadlines_of(organisation: Organisation, lead: User, count: int) -> list[Case]:
    """``count`` cases the organisation leads, each with an overdue and a coming deadline
    of its own."""
    cases = bulk_cases(lead=organisation, opener=lead, count=count, start=NOW)
    Task.objects.bulk_create(
        Task(
            case=case,
            kind=identification_clocks.SCREENING_REVIEW,
            due_at=NOW + timedelta(days=day, minutes=n),
            remind_at=NOW,
            assigned_organisation=organisation,
            created_at=NOW - timedelta(days=30),
        )
        for n, case in enumerate(cases)
        for day in (-3, 2)
    )
    return cases


def _plans(reader: User) -> list[list[str]]:
    """The plan of each deadline read of the two home sections, by SQLite."""
    with CaptureQueriesContext(connection) as captured:
        selectors.my_deadlines_due(
            user=reader, before=NOW + timedelta(days=14), since=NOW, limit=10, now=NOW
        )
        selectors.my_deadlines_due(user=reader, before=NOW, limit=10, now=NOW)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plans.append([row[3] for row in cursor.fetchall() if "deadlines_task" in row[3]])
    return plans


@pytest.mark.parametrize("org_type", [OrgType.POLICE, OrgType.NGO])
def test_issue13_each_deadline_read_of_the_home_page_searches_an_index_of_its_owner(
    org_type: str,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    # given: an NGO with many open deadlines, and a reader on every team of its cases:
    # the police (none of the deadlines theirs) or the NGO itself (all of them)
    ngo = OrganisationFactory.create(org_type=OrgType.NGO)
    ngo_lead = staff(ngo, Role.CASEWORKER)
    cases = _deadlines_of(ngo, ngo_lead, 50)
    if org_type == OrgType.NGO:
        reader = ngo_lead
    else:
        police = OrganisationFactory.create(org_type=org_type)
        TeamMembership.objects.bulk_create(
            TeamMembership(case=case, organisation=police, joined_at=NOW) for case in cases
        )
        reader = staff(police, Role.CASEWORKER)

    # when
    plans = _plans(reader)

    # then: the rows (4 reads) and, for the NGO, the counts of the organisation's part
    # (one query a section); a part read short of the limit is counted by its rows
    # (the police's parts and the user's own: none), so it is not asked again. Each
    # read is a search of the organisation's or the user's index.
    assert len(plans) == (6 if org_type == OrgType.NGO else 4)
    for plan in plans:
        assert plan, plan
        assert all(step.startswith("SEARCH deadlines_task USING") for step in plan), plan
        assert all(any(index in step for index in OWN_INDEXES) for step in plan), plan
    assert all(len(plan) == 1 for plan in plans)
