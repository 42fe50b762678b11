"""R-11: a child victim gets a guardian at once. Intake opens a blocking task
due the same day, the sweep escalates it when late, and recording the
appointment closes it."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.children import clocks as children_clocks
from haven.children import errors, services
from haven.children.models import GuardianAppointment, GuardianKind
from haven.children.tests.factories import open_child_case
from haven.deadlines import errors as deadline_errors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

OPENED = date(2026, 3, 2)


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def guardian_tasks(case_id: uuid.UUID) -> list[Task]:
    return list(Task.objects.filter(case_id=case_id, kind=children_clocks.GUARDIAN_APPOINTMENT))


def test_r11_a_presumed_child_gets_a_blocking_guardian_task_at_once() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    # when
    with time_machine.travel(at(OPENED, 9), tick=False):
        case = open_child_case(actor=caseworker)
    # then
    [task] = guardian_tasks(case.id)
    assert case.person.age_status == "uncertain_presumed_child"
    assert task.status == Task.Status.OPEN
    assert task.blocking is True
    assert timezone.localtime(task.due_at).date() == OPENED
    assert task.assigned_organisation_id == caseworker.organisation_id


@pytest.mark.parametrize(
    ("person", "tasks"),
    [
        ({"age_status": "verified_child"}, 1),
        ({"age_status": "verified_adult"}, 0),
        ({"age_status": "uncertain", "estimated_age_min": 19, "estimated_age_max": 25}, 0),
    ],
)
def test_it_opens_the_guardian_task_for_children_only(person: dict[str, Any], tasks: int) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    # when
    case = open_case(actor=caseworker, **person)
    # then
    assert len(guardian_tasks(case.id)) == tasks


def test_r11_the_guardian_task_escalates_when_late() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO, username="cw")
    UserFactory.create(organisation=caseworker.organisation, role=Role.SUPERVISOR, username="sup")
    UserFactory.create(role=Role.SUPERVISOR, username="elsewhere")
    with time_machine.travel(at(OPENED, 9), tick=False):
        case = open_child_case(actor=caseworker)
    [task] = guardian_tasks(case.id)
    # when
    with time_machine.travel(at(OPENED, 23), tick=False):
        on_the_day = deadline_services.deadlines_sweep()
    with time_machine.travel(at(OPENED + timedelta(days=1), 8), tick=False):
        next_morning = deadline_services.deadlines_sweep()
    # then
    escalated = Notification.objects.filter(task=task, kind=Notification.Kind.ESCALATION)
    assert on_the_day.escalated == 0
    assert next_morning.escalated >= 1
    assert {n.recipient.username for n in escalated} == {"sup"}


def test_r11_appointing_a_guardian_closes_the_task() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    service = OrganisationFactory.create(org_type=OrgType.GUARDIAN_SERVICE)
    case = open_child_case(actor=caseworker)
    # when
    appointment = services.guardian_appoint(
        actor=caseworker,
        case_id=case.id,
        guardian_name="Ilona Holhooja",
        appointed_on=timezone.localdate(),
        kind=GuardianKind.REPRESENTATIVE,
        contact="+358 40 111 1111",
        guardian_organisation_id=service.id,
    )
    # then
    [task] = guardian_tasks(case.id)
    row = GuardianAppointment.objects.get(pk=appointment.pk)
    event = AuditEvent.objects.get(object_type="children.GuardianAppointment", action=Action.CREATE)
    assert task.status == Task.Status.DONE
    assert task.closed_by == caseworker
    assert b"Holhooja" not in bytes(row.guardian_name_enc)
    assert b"111 1111" not in bytes(row.contact_enc or b"")
    assert row.guardian_organisation == service
    assert row.kind == GuardianKind.REPRESENTATIVE
    assert event.person_id == str(case.person_id)
    assert event.field_groups == FieldGroup.LEGAL


@pytest.mark.parametrize("door", ["service", "page", "api"])
def test_r11_the_guardian_task_cannot_be_ticked_off_without_a_guardian(door: str) -> None:
    # given: a presumed child's blocking guardian task, and no guardian yet
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    [task] = guardian_tasks(case.id)

    # when: ticked off from each door
    if door == "service":
        with pytest.raises(deadline_errors.TaskClosedByRecord) as refused:
            deadline_services.task_complete(actor=caseworker, task_id=task.id)
        assert refused.value.code == "task_closed_by_record"
    elif door == "page":
        client = sign_in(Client(), caseworker)
        listing = client.get(reverse("deadlines:deadline_list")).content.decode()
        client.post(reverse("deadlines:task_done", args=[task.id]))
        # then: the list offers no tick for it, and says what closes it
        assert reverse("deadlines:task_done", args=[task.id]) not in listing
        assert "closes when a guardian is appointed" in listing
    else:
        answer = api_client_for(caseworker).post(f"/api/v1/deadlines/{task.id}/done/")
        assert (answer.status_code, answer.json()["code"]) == (409, "task_closed_by_record")

    # then: the task stays open until a guardian is appointed
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_it_refuses_a_guardian_for_an_adult() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="verified_adult")
    # when
    with pytest.raises(errors.NotAChild) as refused:
        services.guardian_appoint(
            actor=caseworker,
            case_id=case.id,
            guardian_name="Ilona Holhooja",
            appointed_on=timezone.localdate(),
        )
    # then
    assert refused.value.code == "not_a_child"
    assert not GuardianAppointment.objects.exists()


@pytest.mark.parametrize(
    ("name", "day_offset", "field"),
    [("  ", 0, "guardian_name"), ("Ilona Holhooja", 1, "appointed_on")],
)
def test_it_refuses_a_blank_name_or_a_future_date(name: str, day_offset: int, field: str) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    with pytest.raises(errors.GuardianInputInvalid) as refused:
        services.guardian_appoint(
            actor=caseworker,
            case_id=case.id,
            guardian_name=name,
            appointed_on=timezone.localdate() + timedelta(days=day_offset),
        )
    # then
    assert (refused.value.code, refused.value.field) == ("guardian_input_invalid", field)
    assert guardian_tasks(case.id)[0].status == Task.Status.OPEN


def test_it_lets_only_team_members_who_see_the_legal_group_appoint() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=org_of(shelter))
    social = make_user(org_type=OrgType.SOCIAL_SERVICES)
    add_to_team(case=case, organisation=org_of(social))
    outsider = make_user(org_type=OrgType.NGO)
    today = timezone.localdate()
    # when
    with pytest.raises(case_errors.CaseNotFound):
        services.guardian_appoint(
            actor=outsider, case_id=case.id, guardian_name="X Y", appointed_on=today
        )
    with pytest.raises(case_errors.GroupNotAllowed):
        services.guardian_appoint(
            actor=shelter, case_id=case.id, guardian_name="X Y", appointed_on=today
        )
    allowed = services.guardian_appoint(
        actor=social, case_id=case.id, guardian_name="X Y", appointed_on=today
    )
    # then
    assert list(GuardianAppointment.objects.all()) == [allowed]
