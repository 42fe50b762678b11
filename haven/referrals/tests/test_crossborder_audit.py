"""Reading a cross-border package before importing it is a read of personal data:
each door (the page, the API, the ``haven crossborder import`` console command
without ``--yes``) records one audit event in the preview's transaction."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import AuditEvent
from haven.cases.tests.test_api import api_client_for
from haven.lib.errors import HavenError
from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer
from haven.referrals.services import crossborder as services
from haven.referrals.tests.test_crossborder import (
    KEYS_A,
    KEYS_B,
    NOW,
    as_instance_a,
    as_instance_b,
    export,
    from_a,
    receiver,
    referral_payload,
    sender,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def through_the_page(user: User, text: str, tmp_path: Path) -> None:
    answer = sign_in(Client(), user).post(
        reverse("referrals:crossborder_import"), {"package": text}
    )
    assert answer.status_code == 200


def through_the_api(user: User, text: str, tmp_path: Path) -> None:
    answer = api_client_for(user).post(
        "/api/v1/crossborder/import/", {"package": text, "confirm": False}, format="json"
    )
    assert answer.status_code == 200


def through_the_console(user: User, text: str, tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(text, encoding="ascii")
    out = io.StringIO()
    call_command("crossborder", "import", f"--user={user.username}", str(path), stdout=out)
    assert "Nothing was created" in out.getvalue()


DOORS = [through_the_page, through_the_api, through_the_console]
Door = Callable[[User, str, Path], None]


def package_reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=services.PACKAGE_SUBJECT))


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
def test_r50_a_referral_preview_is_audited_at_every_door(door: Door, tmp_path: Path) -> None:
    # given
    importer = receiver()
    package_id = uuid.uuid4()
    text = from_a(package_id=package_id)
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        door(importer, text, tmp_path)
    # then: one read of the package, by the importer, naming what it carries
    [event] = package_reads()
    assert (event.action, event.object_id, event.person_id) == ("read", str(package_id), "")
    assert (event.field_groups, event.purpose) == ("assessment,statistical", "assistance")
    assert event.actor_id == importer.pk
    assert event.organisation_id == str(importer.organisation_id)
    assert event.detail == {
        "package_id": str(package_id),
        "kind": "referral",
        "partner": "fi-a",
        "rule": "focal_point_package",
    }
    assert audit.audit_verify().ok
    assert not CrossBorderTransfer.objects.exists()


def test_r50_a_preview_without_assessments_is_audited_with_the_statistical_group_only() -> None:
    # given
    importer = receiver()
    text = from_a(referral_payload(assessments=[]))
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        services.crossborder_preview(actor=importer, package=text)
    # then
    [event] = package_reads()
    assert event.field_groups == "statistical"


def test_r50_a_refused_preview_reads_nothing_and_records_nothing() -> None:
    # given: a package for another focal point
    importer = receiver()
    text = from_a(recipient="lv-c")
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False), pytest.raises(HavenError) as err:
        services.crossborder_preview(actor=importer, package=text)
    # then
    assert err.value.code == "package_misaddressed"
    assert package_reads() == []


def test_r50_an_acknowledgement_preview_is_audited_on_the_transfer_it_acknowledges() -> None:
    # given: A sent a case; B's acknowledgement comes back to A
    s = sender()
    text = export(s)
    transfer = CrossBorderTransfer.objects.get()
    own_b = packages.own_keys_load(
        focal_point_id="ee-b",
        encryption_key=KEYS_B["encryption_private_key"],
        signing_key=KEYS_B["signing_private_key"],
    )
    header = packages.Header(
        package_id=uuid.uuid4(),
        kind=packages.KIND_ACKNOWLEDGEMENT,
        sender="ee-b",
        recipient="fi-a",
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    ack = packages.seal(
        header=header,
        payload={"acknowledges": str(packages.envelope_parse(text).header.package_id)},
        sender=own_b,
        recipient_encryption_key=KEYS_A["encryption_public_key"],
    )
    # when
    with as_instance_a(), time_machine.travel(NOW, tick=False):
        services.crossborder_preview(actor=s.lead, package=ack)
    # then: read, not yet acknowledged
    event = AuditEvent.objects.get(action="read", object_type="referrals.CrossBorderTransfer")
    assert (event.object_type, event.object_id) == (
        "referrals.CrossBorderTransfer",
        str(transfer.id),
    )
    assert event.person_id == str(s.case.person_id)
    assert event.detail["kind"] == "acknowledgement"
    transfer.refresh_from_db()
    assert transfer.acknowledged_at is None
