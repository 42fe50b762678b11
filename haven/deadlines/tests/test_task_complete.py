"""Marking a deadline done: by the organisation that holds it, never a decision deadline."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases import services as case_services
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.deadlines import errors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.deadlines.tests.test_deadlines import deadline, quiet_case, staff
from haven.identification import clocks as identification_clocks
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_it_marks_a_deadline_of_my_organisation_done_and_refuses_another_team() -> None:
    # given a review deadline held by the NGO that leads the case
    ngo = OrganisationFactory.create(org_type=OrgType.NGO)
    worker = staff(ngo, Role.CASEWORKER)
    outsider = make_user()
    case = quiet_case(actor=worker)
    task = deadline(case=case, organisation=ngo)
    # when an outsider tries, then it does not exist for them
    with pytest.raises(errors.TaskNotFound):
        deadline_services.task_complete(actor=outsider, task_id=task.id)
    # when the NGO's caseworker marks it done
    done = deadline_services.task_complete(actor=worker, task_id=task.id)
    # then it is closed by them and cannot be closed twice
    assert (done.status, done.closed_by) == (Task.Status.DONE, worker)
    with pytest.raises(errors.TaskNotFound):
        deadline_services.task_complete(actor=worker, task_id=task.id)


def test_it_leaves_a_decision_deadline_to_the_decision() -> None:
    # given a new case: its reasonable-grounds deadline is open
    worker = make_user()
    case = open_case(actor=worker)
    task = Task.objects.get(case=case, kind=identification_clocks.DECISION_DUE)
    # when
    with pytest.raises(errors.TaskClosedByRecord) as refused:
        deadline_services.task_complete(actor=worker, task_id=task.id)
    # then
    assert refused.value.code == "task_closed_by_record"
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


@pytest.mark.parametrize("status", ["withdrawn", "declined_formal_identification"])
def test_it_cancels_pending_decision_deadlines_when_no_decision_is_awaited(status: str) -> None:
    # given a new case with its decision deadline open
    worker = make_user()
    case = open_case(actor=worker)
    # when the person withdraws or declines formal identification
    case_services.case_transition(
        actor=worker,
        case_id=case.id,
        to_status=status,
        reasons="The person's choice.",
        legal_basis="Test Act s. 1",
    )
    # then the deadline no longer runs (it would only escalate)
    task = Task.objects.get(case=case, kind=identification_clocks.DECISION_DUE)
    assert task.status == Task.Status.CANCELLED


def test_it_marks_a_deadline_done_from_my_deadlines_page() -> None:
    # given
    ngo = OrganisationFactory.create(org_type=OrgType.NGO)
    worker = staff(ngo, Role.CASEWORKER)
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    member = staff(police, Role.CASEWORKER)
    case = quiet_case(actor=worker)
    add_to_team(case=case, organisation=police)
    task = deadline(case=case, organisation=ngo)
    url = reverse("deadlines:task_done", args=[task.id])
    # when a team member of another organisation posts, then it is not theirs
    assert sign_in(Client(), member).post(url).status_code == 404
    # when the holder posts
    response = sign_in(Client(), worker).post(url)
    # then
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_it_marks_a_deadline_done_through_the_api() -> None:
    # given
    ngo = OrganisationFactory.create(org_type=OrgType.NGO)
    worker = staff(ngo, Role.CASEWORKER)
    case = quiet_case(actor=worker)
    task = deadline(case=case, organisation=ngo)
    decision_task = Task.objects.create(
        case=case,
        kind=identification_clocks.DECISION_DUE,
        due_at=task.due_at,
        remind_at=task.remind_at,
        assigned_organisation=ngo,
        created_at=task.created_at,
        detail={"decision_type": "reasonable_grounds"},
    )
    client = api_client_for(worker)
    # when
    refused = client.post(f"/api/v1/deadlines/{decision_task.id}/done/")
    done = client.post(f"/api/v1/deadlines/{task.id}/done/")
    # then
    assert refused.status_code == 409
    assert refused.json()["code"] == "task_closed_by_record"
    assert done.status_code == 200
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
