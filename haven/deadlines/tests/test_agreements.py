"""R-47: the parties of a cooperation agreement about to end are told 30 and 7 days
before, once each, so that access that rests on it does not stop unnoticed."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import Agreement
from haven.access.tests import factories
from haven.access.tests.test_services import agreement
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.deadlines import agreements, notify, tasks
from haven.deadlines.models import Notification

pytestmark = pytest.mark.django_db

ENDS = date(2026, 6, 30)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def ending_agreement() -> tuple[Agreement, User, User, User]:
    """An agreement in effect between one named police organisation, every health
    service and every NGO of Finland, ending on ENDS; an administrator of the
    police and of an NGO (a health administrator too), and one of an unrelated shelter."""
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="FI")
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, country="FI")
    police_admin = make_user(organisation=police, role=Role.ORG_ADMIN)
    ngo_admin = make_user(organisation=ngo, role=Role.ORG_ADMIN)
    bystander = make_user(organisation=shelter, role=Role.ORG_ADMIN)
    make_user(org_type=OrgType.HEALTH, role=Role.ORG_ADMIN)  # a party by type, in Finland
    make_user(organisation=police, role=Role.CASEWORKER)  # not an administrator
    system = make_user(role=Role.SYSTEM_ADMIN)
    with time_machine.travel(at(date(2026, 1, 2)), tick=False):
        signed = agreement(
            system,
            [
                access_services.Party(organisation=police),
                access_services.Party(org_type=OrgType.HEALTH, country="FI"),
                access_services.Party(org_type=OrgType.NGO, country="FI"),
            ],
            ends_on=ENDS,
        )
        factories.approve_by_every_party(signed)
    return signed, police_admin, ngo_admin, bystander


def told(user: User) -> list[str]:
    """What the user was told of agreements about to end (not of their other steps)."""
    return list(
        Notification.objects.filter(
            recipient=user, kind="agreement", event__startswith="agreement_ends_in"
        ).values_list("event", flat=True)
    )


def test_r47_it_tells_each_partys_administrators_30_and_7_days_before_once_each() -> None:
    # given
    signed, police_admin, ngo_admin, bystander = ending_agreement()

    # when: sweeps 31, 30 (twice), 8 and 7 days before the end
    figures = []
    for day in (date(2026, 5, 30), date(2026, 5, 31), date(2026, 5, 31), date(2026, 6, 23)):
        with time_machine.travel(at(day), tick=False):
            figures.append(tasks.sweep_all()["agreements_ending"])
    with time_machine.travel(at(date(2026, 6, 23)), tick=False):
        tasks.sweep_all()

    # then
    assert figures == [0, 3, 0, 3]
    expected = ["agreement_ends_in_30_days", "agreement_ends_in_7_days"]
    assert sorted(told(police_admin)) == sorted(expected)
    assert sorted(told(ngo_admin)) == sorted(expected)
    assert told(bystander) == []
    note = Notification.objects.filter(
        recipient=police_admin, event="agreement_ends_in_7_days"
    ).first()
    assert note is not None
    assert note.subject_id == str(signed.pk)
    link = notify.notification_link(kind=note.kind, event=note.event, subject_id=note.subject_id)
    assert link == f"/sharing/agreements/{signed.pk}/"


def test_r47_it_says_nothing_of_an_agreement_already_ended_or_without_an_end() -> None:
    # given: one ended yesterday, one with no end
    signed, police_admin, _ngo_admin, _bystander = ending_agreement()
    Agreement.objects.filter(pk=signed.pk).update(ends_on=date(2026, 6, 1))
    system = make_user(role=Role.SYSTEM_ADMIN)
    assert police_admin.organisation is not None
    with time_machine.travel(at(date(2026, 1, 2)), tick=False):
        open_ended = agreement(
            system,
            [
                access_services.Party(organisation=police_admin.organisation),
                access_services.Party(org_type=OrgType.SHELTER, country="FI"),
            ],
        )
        factories.approve_by_every_party(open_ended)

    # when
    with time_machine.travel(at(date(2026, 6, 2)), tick=False):
        written = agreements.agreements_ending_sweep(timezone.now())

    # then
    assert written == 0
    assert told(police_admin) == []
