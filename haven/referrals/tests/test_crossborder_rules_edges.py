"""Rule branches of cross-border referral that the scenario tests do not reach
(R-13, R-48, R-50): misconfigured keys, refused registrations and exports,
malformed packages, acknowledgements of nothing, and the sweep for a transfer
whose case or lead is gone."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import UserFactory
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.deadlines.models import Notification
from haven.lib.errors import HavenError
from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer
from haven.referrals.services import crossborder as services
from haven.referrals.tests.test_crossborder import (
    KEYS_A,
    KEYS_B,
    NOW,
    TODAY,
    Sender,
    as_instance_a,
    as_instance_b,
    export,
    from_a,
    import_at_b,
    receiver,
    referral_payload,
    register,
    sender,
)

pytestmark = pytest.mark.django_db


def code_of(call: Any) -> str:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code


def export_with(s: Sender, **changes: Any) -> str:
    values: dict[str, Any] = {
        "actor": s.lead,
        "case_id": s.case.id,
        "partner_id": s.partner.id,
        "stage": "return",
        "consent_id": s.consent.id,
        **changes,
    }
    with as_instance_a(), time_machine.travel(NOW, tick=False):
        return services.crossborder_export(**values).package


def ack_from_b(acknowledges: str) -> str:
    header = packages.Header(
        package_id=uuid.uuid4(),
        kind=packages.KIND_ACKNOWLEDGEMENT,
        sender="ee-b",
        recipient="fi-a",
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    own_b = packages.own_keys_load(
        focal_point_id="ee-b",
        encryption_key=KEYS_B["encryption_private_key"],
        signing_key=KEYS_B["signing_private_key"],
    )
    return packages.seal(
        header=header,
        payload={"acknowledges": acknowledges},
        sender=own_b,
        recipient_encryption_key=KEYS_A["encryption_public_key"],
    )


# --- this Haven's keys and its partners -------------------------------------------------


def test_it_says_plainly_when_the_focal_point_keys_are_not_valid() -> None:
    # given
    s = sender()
    # when
    with as_instance_a(), override_settings(HAVEN_FOCAL_POINT_SIGNING_KEY="not-a-key"):
        code = code_of(
            lambda: services.crossborder_export(
                actor=s.lead,
                case_id=s.case.id,
                partner_id=s.partner.id,
                stage="return",
                consent_id=s.consent.id,
            )
        )
    # then
    assert code == "crossborder_not_configured"
    assert not CrossBorderTransfer.objects.exists()


def test_it_refuses_a_partner_with_a_malformed_key_or_registered_twice() -> None:
    # given
    register(KEYS_B, "ee-b", "EE")
    # when
    with pytest.raises(HavenError) as malformed:
        services.partner_key_add(
            actor=None,
            organisation_name="Focal point lv-c",
            country="LV",
            focal_point_id="lv-c",
            encryption_public_key="not base64 of 32 bytes",
            signing_public_key=KEYS_B["signing_public_key"],
        )
    twice = code_of(lambda: register(KEYS_B, "ee-b", "EE"))
    # then
    assert malformed.value.field == "encryption_public_key"
    assert twice == "partner_exists"


# --- export -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"consent_id": "not-a-consent"}, "consent_not_covering"),
        ({"partner_id": "not-a-partner"}, "partner_not_found"),
        ({"partner_id": "00000000-0000-4000-8000-000000000000"}, "partner_not_found"),
    ],
)
def test_it_refuses_an_export_with_a_malformed_consent_or_partner(
    changes: dict[str, Any], code: str
) -> None:
    # given
    s = sender()
    # when
    refused = code_of(lambda: export_with(s, **changes))
    # then: the same setup with the covering consent and the partner is sent
    assert refused == code
    assert not CrossBorderTransfer.objects.exists()
    assert export_with(s)


def test_it_refuses_a_consent_given_for_a_purpose_that_does_not_cover_a_hand_over() -> None:
    # given: a live consent for a focal point, but for identification
    s = sender()
    identification = access_services.consent_record(
        actor=s.lead,
        case_id=s.case.id,
        person_id=s.case.person_id,
        data_key=s.case.person.data_key,
        purpose=Purpose.IDENTIFICATION,
        field_groups=[FieldGroup.ASSESSMENT],
        given_on=TODAY,
        language="en",
        information_given="Told what the focal point abroad receives and why.",
        recipient_org_type=OrgType.NATIONAL_COORDINATOR,
    )
    # when
    refused = code_of(lambda: export_with(s, consent_id=identification.id))
    # then
    assert refused == "consent_not_covering"
    assert export_with(s)


def test_it_refuses_to_export_a_person_whose_data_was_erased() -> None:
    # given
    s = sender()
    boss = UserFactory.create(organisation=s.lead.organisation, role=Role.SUPERVISOR)
    case_services.person_erase(actor=boss, case_id=s.case.id)
    # when
    refused = code_of(lambda: export(s))
    # then
    assert refused == "person_erased"
    assert not CrossBorderTransfer.objects.exists()


# --- import -----------------------------------------------------------------------------


def _assessment(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = dict(referral_payload()["assessments"][0])
    item.update(changes)
    return {key: value for key, value in item.items() if value is not None}


@pytest.mark.parametrize(
    "changes",
    [
        {"stage": "nowhere"},
        {"assessments": "none"},
        {"assessments": [_assessment(kind="wellbeing")]},
        {"assessments": [_assessment(sections="all")]},
        {"assessments": [_assessment(assessed_on=None)]},
        {"assessments": [_assessment(assessed_on="the day before yesterday")]},
    ],
)
def test_it_refuses_a_signed_package_that_carries_no_valid_referral(
    changes: dict[str, Any],
) -> None:
    # given
    importer = receiver()
    # when
    refused = code_of(lambda: import_at_b(importer, from_a(referral_payload(**changes))))
    # then
    assert refused == "package_invalid"
    assert not Case.objects.exists()


def test_it_lets_only_case_staff_open_a_package() -> None:
    # given: a caseworker and an organisation administrator of the same organisation
    importer = receiver()
    admin = UserFactory.create(organisation=importer.organisation, role=Role.ORG_ADMIN)
    text = from_a()
    # when
    refused = code_of(lambda: import_at_b(admin, text))
    imported = import_at_b(importer, text)
    # then
    assert refused == "role_not_allowed"
    assert imported.case is not None


@pytest.mark.parametrize("acknowledges", ["not-a-package", "00000000-0000-4000-8000-000000000000"])
def test_it_refuses_an_acknowledgement_of_no_transfer_sent_from_here(acknowledges: str) -> None:
    # given
    s = sender()
    export(s)
    # when
    with as_instance_a(), time_machine.travel(NOW, tick=False):
        refused = code_of(
            lambda: services.crossborder_import(actor=s.lead, package=ack_from_b(acknowledges))
        )
    # then
    assert refused == "transfer_not_found"
    assert CrossBorderTransfer.objects.get().acknowledged_at is None


# --- acknowledging an import ------------------------------------------------------------


def test_it_acknowledges_an_import_once_and_keeps_the_first_time() -> None:
    # given
    importer = receiver()
    imported = import_at_b(importer, from_a())
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        services.crossborder_acknowledge(actor=importer, transfer_id=imported.transfer.id)
    # when
    with as_instance_b(), time_machine.travel(NOW + timedelta(hours=1), tick=False):
        again = services.crossborder_acknowledge(actor=importer, transfer_id=imported.transfer.id)
    # then
    assert again.transfer.acknowledged_at == NOW
    assert packages.envelope_parse(again.package).header.kind == "acknowledgement"


@pytest.mark.parametrize("transfer_id", ["not-a-transfer", "00000000-0000-4000-8000-000000000000"])
def test_it_gives_a_missing_transfer_a_404_when_acknowledging(transfer_id: object) -> None:
    # given
    importer = receiver()
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        refused = code_of(
            lambda: services.crossborder_acknowledge(actor=importer, transfer_id=transfer_id)
        )
    # then
    assert refused == "transfer_not_found"


# --- the sweep ----------------------------------------------------------------------------


@pytest.mark.parametrize("gone", ["case", "lead"])
def test_it_marks_a_transfer_alerted_with_nobody_to_tell_once_its_case_or_lead_is_gone(
    gone: str,
) -> None:
    # given
    s = sender()
    export(s)
    if gone == "case":
        CrossBorderTransfer.objects.update(case=None)
    else:
        TeamMembership.objects.filter(case=s.case, is_lead=True).delete()
    # when
    alerted = services.crossborder_sweep(now=NOW + timedelta(days=10))
    # then
    assert alerted == 1
    assert not Notification.objects.filter(event="acknowledgement_missing").exists()
    assert CrossBorderTransfer.objects.get().alerted_at == NOW + timedelta(days=10)
