"""Two people renewing the same residence permit (R-16) or extending the same
reflection period (R-15) at once (optimistic locking): the second is told, nothing
is renewed or extended twice, and what they typed is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance.models import (
    PermitRenewal,
    ReflectionExtension,
    ReflectionPeriod,
    ResidencePermit,
)
from haven.assistance.selectors import permits as permit_selectors
from haven.assistance.services import permits as permit_services
from haven.assistance.services import reflection as reflection_services
from haven.assistance.tests.test_permits import NOON, TODAY, permit_input, permit_team
from haven.assistance.tests.test_reflection_services import presumed
from haven.cases.tests.test_api import api_client_for
from haven.identification.tests.test_decisions_services import TODAY as PRESUMED_ON
from haven.identification.tests.test_decisions_services import org_of
from haven.lib.errors import EditConflict, ErrorCode
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

RENEWALS = "/api/v1/permits/{id}/renewals/"
EXTENSIONS = "/api/v1/cases/{id}/reflection-period/extensions/"
IN_THE_PERIOD = PRESUMED_ON + timedelta(days=5)


def colleague_of(user: User) -> User:
    return make_user(organisation=user.organisation, role=user.role)


def _renewal(days: int) -> dict[str, str]:
    return {
        "renewed_on": TODAY.isoformat(),
        "new_expires_on": (TODAY + timedelta(days=days)).isoformat(),
    }


# --- residence permit renewal (R-16) -------------------------------------------------------


def test_r16_a_second_renewal_from_the_same_version_is_refused_and_the_first_kept() -> None:
    # given: two caseworkers read version 1 of the permit
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = permit_services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        first = permit_services.permit_renew(
            actor=t.lead,
            permit_id=permit.pk,
            renewed_on=TODAY,
            new_expires_on=TODAY + timedelta(days=700),
            version=1,
        )
        # when
        with pytest.raises(EditConflict) as refused:
            permit_services.permit_renew(
                actor=colleague_of(t.lead),
                permit_id=permit.pk,
                renewed_on=TODAY,
                new_expires_on=TODAY + timedelta(days=900),
                version=1,
            )
    # then
    assert (refused.value.code, refused.value.field) == (ErrorCode.EDIT_CONFLICT, "version")
    row = ResidencePermit.objects.get(pk=permit.pk)
    assert (row.expires_on, row.version) == (TODAY + timedelta(days=700), 2)
    assert list(PermitRenewal.objects.all()) == [first]


def test_r16_the_renewal_page_keeps_the_typed_dates_and_shows_what_is_saved() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = permit_services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        url = reverse("assistance:permit_renew", args=[t.case.id, permit.pk])
        opened = sign_in(Client(), t.lead).get(url)
        first = sign_in(Client(), t.lead).post(url, {**_renewal(700), "version": "1"})
        client = sign_in(Client(), colleague_of(t.lead))
        # when
        conflict = client.post(url, {**_renewal(900), "version": "1"})
        missing = client.post(url, _renewal(900))
        again = client.post(url, {**_renewal(900), "version": "2"})
    # then
    page = conflict.content.decode()
    assert 'name="version" value="1"' in opened.content.decode()
    assert (first.status_code, conflict.status_code, missing.status_code) == (302, 409, 400)
    assert again.status_code == 302
    assert "Someone else changed this record" in page
    assert (TODAY + timedelta(days=900)).isoformat() in page  # what was typed
    assert 'name="version" value="2"' in page  # saving again is based on what is saved now
    assert ResidencePermit.objects.get(pk=permit.pk).expires_on == TODAY + timedelta(days=900)
    assert PermitRenewal.objects.count() == 2


def test_r16_the_api_answers_a_stale_renewal_with_409_and_needs_the_version() -> None:
    # given
    t = permit_team()
    with time_machine.travel(NOON, tick=False):
        permit = permit_services.permit_record(actor=t.lead, case_id=t.case.id, data=permit_input())
        url = RENEWALS.format(id=permit.pk)
        client = api_client_for(t.lead)
        # when
        first = client.post(url, {**_renewal(700), "version": 1}, format="json")
        stale = client.post(url, {**_renewal(900), "version": 1}, format="json")
        missing = client.post(url, _renewal(900), format="json")
    # then
    assert first.status_code == 201 and first.json()["permits"][0]["version"] == 2
    assert (stale.status_code, stale.json()["code"], stale.json()["field"]) == (
        409,
        "edit_conflict",
        "version",
    )
    assert (missing.status_code, missing.json()["field"]) == (400, "version")
    view = permit_selectors.permits_get(user=t.lead, case_id=t.case.id)
    assert view.permits[0].expires_on == TODAY + timedelta(days=700)


# --- reflection period extension (R-15) ----------------------------------------------------


def _supervisor_beside(boss: User) -> User:
    return make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(boss))


def test_r15_a_second_extension_from_the_same_version_is_refused_and_the_first_kept() -> None:
    # given: two supervisors read version 1 of the period
    t, boss = presumed()
    other = _supervisor_beside(boss)
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        reflection_services.reflection_period_extend(
            actor=boss, case_id=t.case.id, days=10, reasons="Health needs.", version=1
        )
        # when
        with pytest.raises(EditConflict) as refused:
            reflection_services.reflection_period_extend(
                actor=other, case_id=t.case.id, days=20, reasons="Risk.", version=1
            )
    # then
    assert (refused.value.code, refused.value.field) == (ErrorCode.EDIT_CONFLICT, "version")
    period = ReflectionPeriod.objects.get(case=t.case)
    assert (period.granted_days, period.version) == (40, 2)
    assert ReflectionExtension.objects.get().days == 10


def test_r15_the_period_page_keeps_the_typed_extension_and_shows_what_is_saved() -> None:
    # given
    t, boss = presumed()
    detail = reverse("assistance:reflection_detail", args=[t.case.id])
    url = reverse("assistance:reflection_extend", args=[t.case.id])
    base = {"extend-days": "10", "extend-decided_on": IN_THE_PERIOD.isoformat()}
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        opened = sign_in(Client(), boss).get(detail)
        first = sign_in(Client(), boss).post(
            url, {**base, "extend-reasons": "Saved first.", "extend-version": "1"}
        )
        client = sign_in(Client(), _supervisor_beside(boss))
        # when
        conflict = client.post(
            url, {**base, "extend-reasons": "Typed second.", "extend-version": "1"}
        )
        missing = client.post(url, {**base, "extend-reasons": "Typed second."})
        again = client.post(url, {**base, "extend-reasons": "Typed second.", "extend-version": "2"})
    # then
    page = conflict.content.decode()
    assert 'name="extend-version" value="1"' in opened.content.decode()
    assert (first.status_code, conflict.status_code, missing.status_code) == (302, 409, 400)
    assert again.status_code == 302
    assert "Someone else changed this record" in page
    assert "Typed second." in page  # what was typed
    assert 'name="extend-version" value="2"' in page  # saving again is based on what is saved
    assert ReflectionPeriod.objects.get(case=t.case).granted_days == 50
    assert ReflectionExtension.objects.count() == 2


def test_r15_the_api_answers_a_stale_extension_with_409_and_needs_the_version() -> None:
    # given
    t, boss = presumed()
    url = EXTENSIONS.format(id=t.case.id)
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        client = api_client_for(boss)
        # when
        first = client.post(url, {"days": 10, "reasons": "First.", "version": 1}, format="json")
        stale = client.post(url, {"days": 20, "reasons": "Second.", "version": 1}, format="json")
        missing = client.post(url, {"days": 20, "reasons": "Second."}, format="json")
    # then
    assert first.status_code == 201 and first.json()["version"] == 2
    assert (stale.status_code, stale.json()["code"], stale.json()["field"]) == (
        409,
        "edit_conflict",
        "version",
    )
    assert (missing.status_code, missing.json()["field"]) == (400, "version")
    assert ReflectionPeriod.objects.get(case=t.case).granted_days == 40
