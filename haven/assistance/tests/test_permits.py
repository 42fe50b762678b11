"""Residence permits and detention records: services, selectors and the expiry
alert (R-16, CETS Art. 14)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.test import override_settings

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.assistance import clocks as assistance_clocks
from haven.assistance.models import DetentionRecord, ResidencePermit
from haven.assistance.selectors import permits as selectors
from haven.assistance.services import permits as services
from haven.audit.models import AuditEvent
from haven.cases import errors as case_errors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.lib.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


@dataclass
class PermitTeam:
    case: Case
    lead: User  # NGO caseworker, case lead: sees the legal group
    shelter: User  # on the team, but a shelter never sees the legal group
    outsider: User  # not on the team


def permit_team() -> PermitTeam:
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    shelter = make_user(org_type=OrgType.SHELTER)
    assert shelter.organisation is not None
    add_to_team(case=case, organisation=shelter.organisation)
    return PermitTeam(case, lead, shelter, make_user(org_type=OrgType.NGO))


def permit_input(**changes: object) -> services.PermitInput:
    data = services.PermitInput(
        ground_personal_situation=True,
        ground_proceedings=False,
        permit_type="Temporary residence permit (victim)",
        issued_on=TODAY,
        expires_on=TODAY + timedelta(days=365),
        issuing_authority="Test Migration Service",
        reference="RP-0001-TEST",
    )
    return replace(data, **changes)  # type: ignore[arg-type]  # test overrides by field name


def _open_expiry_tasks(case: Case) -> list[Task]:
    return list(Task.objects.filter(case=case, kind=assistance_clocks.PERMIT_EXPIRY, status="open"))


def test_r16_a_permit_needs_at_least_one_ground() -> None:
    # given
    t = permit_team()
    # when
    with time_machine.travel(NOON, tick=False), pytest.raises(InvalidInput) as refused:
        services.permit_record(
            actor=t.lead, case_id=t.case.id, data=permit_input(ground_personal_situation=False)
        )
    # then
    assert refused.value.code == "permit_ground_required"
    assert not ResidencePermit.objects.exists()


def test_r16_the_database_refuses_a_permit_without_a_ground() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
    # when / then
    with pytest.raises(IntegrityError):
        ResidencePermit.objects.filter(pk=permit.pk).update(ground_personal_situation=False)


def test_r16_a_permit_on_both_grounds_is_recorded_encrypted_and_audited() -> None:
    # given
    t = permit_team()
    data = permit_input(ground_proceedings=True)
    # when
    with time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=data)
        view = selectors.permits_get(user=t.lead, case_id=t.case.id)
    # then
    assert b"RP-0001-TEST" not in bytes(permit.reference_enc)
    assert view.permits[0].reference == "RP-0001-TEST"
    assert view.permits[0].grounds == ["personal_situation", "proceedings"]
    events = AuditEvent.objects.filter(object_type="assistance.ResidencePermit")
    assert sorted(events.values_list("action", flat=True)) == ["create", "read"]


def test_r16_recording_a_permit_opens_the_expiry_alert_with_the_reminder_setting() -> None:
    # given
    t = permit_team()
    # when
    with override_settings(HAVEN_PERMIT_REMINDER_DAYS=45), time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
    # then
    (task,) = _open_expiry_tasks(t.case)
    assert task.detail == {"permit_id": str(permit.pk)}
    assert task.assigned_organisation_id == t.lead.organisation_id
    assert (task.due_at - task.remind_at).days == 45


def test_r16_a_renewal_is_recorded_and_the_expiry_alert_moves() -> None:
    # given
    t = permit_team()
    new_expiry = TODAY + timedelta(days=730)
    with time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        (old_task,) = _open_expiry_tasks(t.case)
        # when
        services.permit_renew(
            actor=t.lead,
            permit_id=permit.pk,
            renewed_on=TODAY,
            new_expires_on=new_expiry,
            version=permit.version,
        )
    # then
    permit.refresh_from_db()
    old_task.refresh_from_db()
    (new_task,) = _open_expiry_tasks(t.case)
    assert permit.expires_on == new_expiry
    assert old_task.status == Task.Status.DONE
    assert new_task.due_at.date() >= new_expiry  # due at the end of the new expiry day
    assert new_task.detail == {"permit_id": str(permit.pk)}
    assert selectors.permits_get(user=t.lead, case_id=t.case.id).permits[0].renewals[
        0
    ].previous_expires_on == TODAY + timedelta(days=365)


def test_r16_a_renewal_must_move_the_expiry_later() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        # when
        with pytest.raises(InvalidInput) as refused:
            services.permit_renew(
                actor=t.lead,
                permit_id=permit.pk,
                renewed_on=TODAY,
                new_expires_on=TODAY,
                version=permit.version,
            )
    # then
    assert refused.value.field == "new_expires_on"
    assert len(_open_expiry_tasks(t.case)) == 1


@override_settings(HAVEN_PERMIT_REMINDER_DAYS=10)
def test_r16_the_sweep_reminds_the_setting_s_days_before_expiry() -> None:
    # given
    t = permit_team()
    expires = TODAY + timedelta(days=60)
    with time_machine.travel(NOON, tick=False):
        services.permit_record(
            actor=t.lead, case_id=t.case.id, data=permit_input(expires_on=expires)
        )
    # when
    with time_machine.travel(NOON + timedelta(days=49), tick=False):
        early = deadline_services.deadlines_sweep()
    with time_machine.travel(NOON + timedelta(days=50), tick=False):
        due = deadline_services.deadlines_sweep()
    # then
    assert (early.reminded, due.reminded) == (0, 1)
    reminder = Notification.objects.get(kind=Notification.Kind.REMINDER)
    assert reminder.recipient == t.lead
    assert reminder.task is not None and reminder.task.kind == assistance_clocks.PERMIT_EXPIRY


def test_r16_the_legal_group_is_required_to_record_and_read_permits() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        # when
        allowed = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        with pytest.raises(case_errors.GroupNotAllowed):
            services.permit_record(actor=t.shelter, case_id=t.case.id, data=permit_input())
        with pytest.raises(case_errors.GroupNotAllowed):
            selectors.permits_get(user=t.shelter, case_id=t.case.id)
        with pytest.raises(case_errors.GroupNotAllowed):
            services.permit_renew(
                actor=t.shelter,
                permit_id=allowed.pk,
                renewed_on=TODAY,
                new_expires_on=TODAY + timedelta(days=900),
                version=allowed.version,
            )
    # then
    assert ResidencePermit.objects.count() == 1


def test_it_gives_outsiders_the_same_404_as_a_missing_case_or_permit() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        # when / then
        with pytest.raises(case_errors.CaseNotFound):
            selectors.permits_get(user=t.outsider, case_id=t.case.id)
        with pytest.raises(case_errors.CaseNotFound):
            services.detention_record(
                actor=t.outsider, case_id=t.case.id, started_on=TODAY, place_type="Centre"
            )
        with pytest.raises(NotFound) as hidden:
            services.permit_renew(
                actor=t.outsider,
                permit_id=permit.pk,
                renewed_on=TODAY,
                new_expires_on=TODAY + timedelta(days=900),
                version=permit.version,
            )
        with pytest.raises(NotFound) as missing:
            services.permit_renew(
                actor=t.lead,
                permit_id=permit.pk + 1000,
                renewed_on=TODAY,
                new_expires_on=TODAY + timedelta(days=900),
                version=1,
            )
    assert hidden.value.message == missing.value.message


def test_it_warns_about_detention_while_a_record_is_open() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        services.detention_record(
            actor=t.lead, case_id=t.case.id, started_on=TODAY, place_type="Detention centre"
        )
        # when
        open_view = selectors.permits_get(user=t.lead, case_id=t.case.id)
        services.detention_end(actor=t.lead, case_id=t.case.id, ended_on=TODAY)
        ended_view = selectors.permits_get(user=t.lead, case_id=t.case.id)
    # then
    assert open_view.detention_warning == (
        "Victims of trafficking must not be held in detention centres."
    )
    assert ended_view.detention_warning is None
    assert DetentionRecord.objects.get().ended_on == TODAY
    assert AuditEvent.objects.filter(object_type="assistance.DetentionRecord").count() == 2
