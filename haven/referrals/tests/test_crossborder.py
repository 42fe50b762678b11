"""Cross-border referral packages through the services (R-13, R-48, R-50): who
may export, what goes in the package, the import of everything or nothing, each
refusal, the acknowledgement and the sweep for a missing one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import Consent, FieldGroup, Purpose
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.assistance.models import Assessment
from haven.assistance.services import assessments as assessment_services
from haven.assistance.tests.test_assessments import answers
from haven.cases.models import Case, NarrativeEntry
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Notification
from haven.lib.errors import HavenError
from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer, FocalPointKey
from haven.referrals.services import crossborder as services

pytestmark = pytest.mark.django_db

KEYS_A = packages.keygen()
KEYS_B = packages.keygen()
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)


def instance_settings(keys: dict[str, str], focal_point_id: str) -> dict[str, str]:
    return {
        "HAVEN_FOCAL_POINT_ID": focal_point_id,
        "HAVEN_FOCAL_POINT_ENCRYPTION_KEY": keys["encryption_private_key"],
        "HAVEN_FOCAL_POINT_SIGNING_KEY": keys["signing_private_key"],
    }


@contextmanager
def as_instance_a() -> Iterator[None]:
    with override_settings(**instance_settings(KEYS_A, "fi-a")):
        yield


@contextmanager
def as_instance_b() -> Iterator[None]:
    with override_settings(**instance_settings(KEYS_B, "ee-b")):
        yield


def register(keys: dict[str, str], focal_point_id: str, country: str) -> FocalPointKey:
    return services.partner_key_add(
        actor=None,
        organisation_name=f"Focal point {focal_point_id}",
        country=country,
        focal_point_id=focal_point_id,
        encryption_public_key=keys["encryption_public_key"],
        signing_public_key=keys["signing_public_key"],
    )


@dataclass
class Sender:
    case: Case
    lead: User
    member: User  # on the team, not the lead
    consent: Consent
    partner: FocalPointKey


def covering_consent(
    *, case: Case, lead: User, groups: list[str], org_type: str = OrgType.NATIONAL_COORDINATOR
) -> Consent:
    return access_services.consent_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        purpose=Purpose.RETURN,
        field_groups=groups,
        given_on=TODAY,
        language="en",
        information_given="Told what the focal point abroad receives and why.",
        recipient_org_type=org_type,
    )


def sender(*, groups: list[str] | None = None) -> Sender:
    lead = make_user(org_type=OrgType.NGO)
    with time_machine.travel(NOW, tick=False):
        case = open_case(actor=lead)
        assessment_services.assessment_record(
            actor=lead,
            case_id=case.id,
            kind="needs",
            assessed_on=TODAY,
            sections=answers("needs"),
            person_view="She wants to go home to her mother.",
            based_on_version=0,
        )
    member = make_user(org_type=OrgType.SOCIAL_SERVICES)
    assert member.organisation is not None
    add_to_team(case=case, organisation=member.organisation)
    consent = covering_consent(
        case=case, lead=lead, groups=groups or [FieldGroup.ASSESSMENT, FieldGroup.STATISTICAL]
    )
    return Sender(case, lead, member, consent, register(KEYS_B, "ee-b", "EE"))


def export(s: Sender, *, actor: User | None = None, consent: Consent | None = None) -> str:
    with as_instance_a(), time_machine.travel(NOW, tick=False):
        return services.crossborder_export(
            actor=actor or s.lead,
            case_id=s.case.id,
            partner_id=s.partner.id,
            stage="return",
            consent_id=(consent or s.consent).id,
        ).package


def payload_for_b(text: str) -> dict[str, Any]:
    own_b = packages.own_keys_load(
        focal_point_id="ee-b",
        encryption_key=KEYS_B["encryption_private_key"],
        signing_key=KEYS_B["signing_private_key"],
    )
    return packages.payload_open(packages.envelope_parse(text), own=own_b)


# --- a package as partner A makes it, for the receiving side (instance B) --------------------


def referral_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "case_reference": "FI-2026-0001",
        "stage": "return",
        "referring_organisation": "Test NGO",
        "outgoing_referral_date": "2026-11-28",
        "identification_status": "presumed",
        "type_of_exploitation": ["forced_labour"],
        "treat_as_child": False,
        "consent": {
            "consent_id": str(uuid.uuid4()),
            "purpose": "return",
            "field_groups": ["assessment"],
            "recipient_type": "national_coordinator",
            "given_on": "2026-11-20",
            "given_by": "person",
            "language": "en",
            "information_given": "Told what the focal point abroad receives.",
        },
        "assessments": [
            {
                "kind": "needs",
                "version": 3,
                "assessed_on": "2026-11-21",
                "sections": {k: {"level": v[0], "note": v[1]} for k, v in answers("needs").items()},
                "person_view": "She wants to go home.",
            }
        ],
    }
    payload.update(changes)
    return payload


def from_a(
    payload: dict[str, Any] | None = None,
    *,
    kind: str = packages.KIND_REFERRAL,
    recipient: str = "ee-b",
    created_at: datetime = NOW,
    signer: dict[str, str] = KEYS_A,
    package_id: uuid.UUID | None = None,
) -> str:
    header = packages.Header(
        package_id=package_id or uuid.uuid4(),
        kind=kind,
        sender="fi-a",
        recipient=recipient,
        created_at=created_at,
        expires_at=created_at + timedelta(days=14),
    )
    signing = packages.own_keys_load(
        focal_point_id="fi-a",
        encryption_key=signer["encryption_private_key"],
        signing_key=signer["signing_private_key"],
    )
    return packages.seal(
        header=header,
        payload=payload if payload is not None else referral_payload(),
        sender=signing,
        recipient_encryption_key=KEYS_B["encryption_public_key"],
    )


def receiver() -> User:
    register(KEYS_A, "fi-a", "FI")
    return make_user(org_type=OrgType.NGO)


def import_at_b(actor: User, text: str, *, at: datetime = NOW) -> services.Imported:
    with as_instance_b(), time_machine.travel(at, tick=False):
        return services.crossborder_import(actor=actor, package=text)


# --- export ---------------------------------------------------------------------------------


def test_r50_the_case_lead_exports_and_a_team_member_who_is_not_lead_is_refused() -> None:
    # given
    s = sender()
    # when
    text = export(s)
    with pytest.raises(HavenError) as refused:
        export(s, actor=s.member)
    # then
    assert refused.value.code == "not_case_lead"
    transfer = CrossBorderTransfer.objects.get()
    assert (transfer.direction, transfer.stage, transfer.partner_id) == (
        "outgoing",
        "return",
        s.partner.id,
    )
    assert packages.envelope_parse(text).header.package_id == transfer.package_id


def test_r50_the_package_carries_the_r50_items_and_never_the_persons_identity() -> None:
    # given
    s = sender()
    # when
    text = export(s)
    payload = payload_for_b(text)
    # then
    assert payload["case_reference"] == s.case.reference
    assert payload["stage"] == "return"
    assert payload["consent"]["consent_id"] == str(s.consent.id)
    assert payload["type_of_exploitation"] == ["forced_labour"]
    assert [a["kind"] for a in payload["assessments"]] == ["needs"]
    assert "Aino" not in str(payload) and "Testinen" not in str(payload)
    assert "Safe house" not in str(payload)


def test_r50_assessments_go_only_when_the_consent_covers_the_assessment_group() -> None:
    # given
    s = sender(groups=[FieldGroup.STATISTICAL])
    # when
    payload = payload_for_b(export(s))
    # then
    assert payload["assessments"] == []


@pytest.mark.parametrize("problem", ["withdrawn", "local_recipient", "other_case"])
def test_r50_export_refuses_a_consent_that_does_not_cover_cross_border_sharing(
    problem: str,
) -> None:
    # given
    s = sender()
    other = open_case(actor=s.lead)
    bad = covering_consent(
        case=other if problem == "other_case" else s.case,
        lead=s.lead,
        groups=[FieldGroup.ASSESSMENT],
        org_type=OrgType.SHELTER if problem == "local_recipient" else OrgType.NATIONAL_COORDINATOR,
    )
    if problem == "withdrawn":
        access_services.consent_withdraw(
            actor=s.lead, consent_id=bad.id, person_id=s.case.person_id
        )
    # when
    with pytest.raises(HavenError) as refused:
        export(s, consent=bad)
    # then: the covering consent of the same setup is accepted
    assert refused.value.code == "consent_not_covering"
    assert export(s)


def test_r50_a_consent_for_a_named_national_coordinator_covers_the_export() -> None:
    # given: a consent naming the coordinator's organisation rather than its type
    s = sender()
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR).organisation
    named = access_services.consent_record(
        actor=s.lead,
        case_id=s.case.id,
        person_id=s.case.person_id,
        data_key=s.case.person.data_key,
        purpose=Purpose.RETURN,
        field_groups=[FieldGroup.ASSESSMENT],
        given_on=TODAY,
        language="en",
        information_given="Told what the focal point abroad receives and why.",
        recipient_organisation=coordinator,
    )

    # when
    payload = payload_for_b(export(s, consent=named))

    # then
    assert payload["consent"]["consent_id"] == str(named.id)
    assert payload["consent"]["recipient_type"] == OrgType.NATIONAL_COORDINATOR


def test_it_says_plainly_when_cross_border_referral_is_not_configured() -> None:
    # given
    s = sender()
    # when
    with (
        override_settings(HAVEN_FOCAL_POINT_ID="", HAVEN_FOCAL_POINT_SIGNING_KEY=""),
        pytest.raises(HavenError) as refused,
    ):
        services.crossborder_export(
            actor=s.lead,
            case_id=s.case.id,
            partner_id=s.partner.id,
            stage="return",
            consent_id=s.consent.id,
        )
    # then
    assert refused.value.code == "crossborder_not_configured"
    assert not CrossBorderTransfer.objects.exists()


# --- import -------------------------------------------------------------------------------


def test_r50_import_creates_the_case_assessment_note_and_transfer_together() -> None:
    # given
    importer = receiver()
    text = from_a()
    # when
    imported = import_at_b(importer, text)
    # then
    case = imported.case
    assert case is not None
    assert case.forms_of_exploitation == ["forced_labour"]
    assert case.person.given_name_enc is None or bytes(case.person.given_name_enc) == b""
    assessment = Assessment.objects.get(case=case)
    assert (assessment.kind, assessment.version, assessment.trigger) == ("needs", 1, "initial")
    assert NarrativeEntry.objects.filter(case=case).count() == 1
    transfer = CrossBorderTransfer.objects.get()
    assert (transfer.direction, transfer.case_id, transfer.stage) == ("incoming", case.id, "return")


def test_r50_a_preview_writes_nothing() -> None:
    # given
    importer = receiver()
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        received = services.crossborder_preview(actor=importer, package=from_a())
    # then
    assert received.payload["case_reference"] == "FI-2026-0001"
    assert not Case.objects.exists()
    assert not CrossBorderTransfer.objects.exists()


def _refusal(importer: User, text: str, *, at: datetime = NOW) -> str:
    with pytest.raises(HavenError) as refused:
        import_at_b(importer, text, at=at)
    return refused.value.code


def test_r50_a_tampered_package_is_refused_and_nothing_is_written() -> None:
    # given
    importer = receiver()
    text = from_a()
    at = text.index('"ciphertext"') + 30
    tampered = text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]
    # when
    code = _refusal(importer, tampered)
    # then
    assert code == "package_tampered"
    assert not Case.objects.exists()


def test_r50_a_package_signed_by_another_key_is_refused() -> None:
    # given
    importer = receiver()
    # when
    code = _refusal(importer, from_a(signer=packages.keygen()))
    # then
    assert code == "package_tampered"


def test_r50_an_expired_package_is_refused() -> None:
    # given
    importer = receiver()
    text = from_a(created_at=NOW)
    # when
    code = _refusal(importer, text, at=NOW + timedelta(days=15))
    # then: the same package a day before expiry is accepted
    assert code == "package_expired"
    assert import_at_b(importer, text, at=NOW + timedelta(days=13)).case is not None


def test_r50_a_misaddressed_package_is_refused() -> None:
    # given
    importer = receiver()
    # when
    code = _refusal(importer, from_a(recipient="lv-c"))
    # then
    assert code == "package_misaddressed"
    assert not Case.objects.exists()


def test_r50_a_package_from_an_unregistered_sender_is_refused() -> None:
    # given: no partner registered at B
    importer = make_user(org_type=OrgType.NGO)
    # when
    code = _refusal(importer, from_a())
    # then
    assert code == "package_unknown_sender"


def test_r50_a_package_imported_twice_is_refused_the_second_time() -> None:
    # given
    importer = receiver()
    text = from_a()
    import_at_b(importer, text)
    # when
    code = _refusal(importer, text)
    # then
    assert code == "package_replayed"
    assert Case.objects.count() == 1


def test_r50_a_failure_midway_leaves_nothing_behind() -> None:
    # given: a signed package whose assessment misses a section
    importer = receiver()
    broken = referral_payload()
    broken["assessments"][0]["sections"].pop("accommodation")
    # when
    with pytest.raises(HavenError):
        import_at_b(importer, from_a(broken))
    # then
    assert not Case.objects.exists()
    assert not Assessment.objects.exists()
    assert not CrossBorderTransfer.objects.exists()


# --- acknowledgement and the sweep ---------------------------------------------------------


def test_r50_the_acknowledgement_package_marks_the_transfer_acknowledged_once() -> None:
    # given: A sent a case; B acknowledges it (as B would, with B's keys)
    s = sender()
    text = export(s)
    transfer = CrossBorderTransfer.objects.get()
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
    ack = packages.seal(
        header=header,
        payload={"acknowledges": str(packages.envelope_parse(text).header.package_id)},
        sender=own_b,
        recipient_encryption_key=KEYS_A["encryption_public_key"],
    )
    # when
    with as_instance_a(), time_machine.travel(NOW, tick=False):
        imported = services.crossborder_import(actor=s.lead, package=ack)
        with pytest.raises(HavenError) as again:
            services.crossborder_import(actor=s.lead, package=ack)
    # then
    transfer.refresh_from_db()
    assert imported.kind == "acknowledgement"
    assert transfer.acknowledged_at == NOW
    assert again.value.code == "package_replayed"


def test_r50_acknowledging_an_import_writes_a_package_for_the_sender() -> None:
    # given
    importer = receiver()
    imported = import_at_b(importer, from_a())
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        ack = services.crossborder_acknowledge(actor=importer, transfer_id=imported.transfer.id)
    # then
    header = packages.envelope_parse(ack.package).header
    assert (header.kind, header.sender, header.recipient) == ("acknowledgement", "ee-b", "fi-a")
    assert ack.transfer.acknowledged_at == NOW


def test_r50_a_missing_acknowledgement_alerts_the_senders_staff_once_after_the_time() -> None:
    # given
    s = sender()
    export(s)
    # when
    with override_settings(HAVEN_CROSSBORDER_ACK_HOURS=72):
        early = services.crossborder_sweep(now=NOW + timedelta(hours=71))
        late = services.crossborder_sweep(now=NOW + timedelta(hours=73))
        again = services.crossborder_sweep(now=NOW + timedelta(hours=80))
    # then
    assert (early, late, again) == (0, 1, 0)
    alert = Notification.objects.get(event="acknowledgement_missing")
    assert (alert.recipient_id, alert.kind) == (s.lead.id, "desk")
    assert CrossBorderTransfer.objects.get().alerted_at == NOW + timedelta(hours=73)


def test_r50_an_acknowledged_transfer_raises_no_alert() -> None:
    # given
    s = sender()
    export(s)
    CrossBorderTransfer.objects.update(acknowledged_at=timezone.now())
    # when
    alerted = services.crossborder_sweep(now=NOW + timedelta(days=10))
    # then
    assert alerted == 0
    assert not Notification.objects.filter(event="acknowledgement_missing").exists()
