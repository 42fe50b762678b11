"""Deadline and notification reads: only the case team's, soonest first, with the
overdue flag; notifications unread first. Allowed and denied share one setup."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from haven.accounts.models import Organisation, OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines import selectors as selectors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.identification import clocks as identification_clocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def test_it_lists_the_open_deadlines_of_the_users_organisation_soonest_first(
    ngo: Organisation,
) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    later = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 20))
    sooner = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))
    done = deadline(case=quiet_case(actor=caseworker), organisation=ngo)
    deadline_services.tasks_close(
        case_id=done.case_id, kind=identification_clocks.SCREENING_REVIEW, by=caseworker
    )

    # when
    tasks = selectors.my_deadlines(user=caseworker, now=at(date(2026, 3, 10)))

    # then
    assert list(tasks.values_list("id", "overdue", "case_reference")) == [
        (sooner.id, True, case.reference),
        (later.id, False, case.reference),
    ]


def test_it_filters_the_overdue_deadlines(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=caseworker)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 20))
    overdue = deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))

    # when
    tasks = selectors.my_deadlines(user=caseworker, overdue_only=True, now=at(date(2026, 3, 6)))

    # then
    assert [t.id for t in tasks] == [overdue.id]


def test_it_shows_a_deadline_to_its_organisation_and_its_assignee_only(
    ngo: Organisation,
) -> None:
    # given: one case, two organisations on its team, a third outside it
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    lead = staff(ngo, Role.CASEWORKER)
    officer = staff(police, Role.CASEWORKER)
    colleague = staff(police, Role.SUPERVISOR)
    outsider = staff(OrganisationFactory.create(), Role.SUPERVISOR)
    case = quiet_case(actor=lead)
    add_to_team(case=case, organisation=police)
    ngo_task = deadline(case=case, organisation=ngo)
    assigned = deadline(case=case, organisation=ngo, assigned_user=officer)
    police_task = deadline(case=case, organisation=police)

    # when
    seen = {
        user.username: {t.id for t in selectors.my_deadlines(user=user)}
        for user in (lead, officer, colleague, outsider)
    }

    # then
    assert seen[lead.username] == {ngo_task.id, assigned.id}
    assert seen[officer.username] == {assigned.id, police_task.id}
    assert seen[colleague.username] == {police_task.id}
    assert seen[outsider.username] == set()


def test_it_never_shows_a_deadline_to_an_assignee_outside_the_case_team(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    outsider = staff(OrganisationFactory.create(), Role.CASEWORKER)
    case = quiet_case(actor=lead)
    task = deadline(case=case, organisation=ngo, assigned_user=outsider)

    # when
    seen_by_outsider = list(selectors.my_deadlines(user=outsider))
    seen_by_lead = list(selectors.my_deadlines(user=lead))

    # then
    assert seen_by_outsider == []
    assert [t.id for t in seen_by_lead] == [task.id]


def test_it_names_the_decision_type_of_a_decision_deadline(ngo: Organisation) -> None:
    # given: intake opens the reasonable-grounds deadline
    caseworker = staff(ngo, Role.CASEWORKER)
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        open_case(actor=caseworker)
    task = selectors.my_deadlines(user=caseworker).get()
    review = deadline(case=quiet_case(actor=caseworker), organisation=ngo)

    # when
    words = selectors.what_is_due(task)
    review_words = selectors.what_is_due(review, country="FI")

    # then
    assert task.kind == identification_clocks.DECISION_DUE
    assert words == "Identification decision due: Reasonable grounds decision"
    assert review_words == "Review after a screening"
    assert identification_clocks.decision_type_label(country="FI", key="unknown") == "unknown"


def test_it_lists_notifications_unread_first_and_counts_the_unread(ngo: Organisation) -> None:
    # given
    caseworker = staff(ngo, Role.CASEWORKER)
    old = deadline(case=quiet_case(actor=caseworker), organisation=ngo, due_on=date(2026, 3, 5))
    new = deadline(case=quiet_case(actor=caseworker), organisation=ngo, due_on=date(2026, 3, 9))
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 4)))
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    first = Notification.objects.get(task=old, kind=Notification.Kind.REMINDER)
    deadline_services.notifications_mark_read(user=caseworker, notification_ids=[first.id])

    # when
    notes = list(selectors.notifications_for(user=caseworker))
    unread = selectors.notifications_unread_count(user=caseworker)

    # then
    assert [(n.task_id, n.kind) for n in notes] == [
        (old.id, Notification.Kind.ESCALATION),
        (new.id, Notification.Kind.REMINDER),
        (old.id, Notification.Kind.REMINDER),
    ]
    assert unread == 2


def test_it_hides_notifications_once_the_organisation_has_left_the_team(
    ngo: Organisation,
) -> None:
    # given
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    lead = staff(ngo, Role.CASEWORKER)
    officer = staff(police, Role.CASEWORKER)
    case = quiet_case(actor=lead)
    add_to_team(case=case, organisation=police)
    deadline(case=case, organisation=police)
    deadline(case=quiet_case(actor=lead), organisation=ngo)
    deadline_services.deadlines_sweep(now=at(date(2026, 3, 8)))
    before = (
        selectors.notifications_for(user=officer).count(),
        selectors.notifications_unread_count(user=officer),
    )

    # when
    case.team.filter(organisation=police).delete()

    # then
    assert before == (1, 1)
    assert selectors.notifications_for(user=officer).count() == 0
    assert selectors.notifications_unread_count(user=officer) == 0
    assert Task.objects.filter(case=case, assigned_organisation=police).exists()
