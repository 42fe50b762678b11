"""The package format and its cryptography (R-50), without the database: a
sealed package opens for its recipient only, and any changed byte is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from haven.referrals import packages

SENDER = packages.keygen()
RECIPIENT = packages.keygen()
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def own(keys: dict[str, str], focal_point_id: str) -> packages.OwnKeys:
    return packages.own_keys_load(
        focal_point_id=focal_point_id,
        encryption_key=keys["encryption_private_key"],
        signing_key=keys["signing_private_key"],
    )


def sealed(payload: dict[str, object] | None = None) -> str:
    header = packages.Header(
        package_id=uuid.uuid4(),
        kind=packages.KIND_REFERRAL,
        sender="fi-a",
        recipient="ee-b",
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    return packages.seal(
        header=header,
        payload=payload or {"case_reference": "FI-2026-TEST", "stage": "return"},
        sender=own(SENDER, "fi-a"),
        recipient_encryption_key=RECIPIENT["encryption_public_key"],
    )


def opened(text: str) -> dict[str, object]:
    envelope = packages.envelope_parse(text)
    packages.signature_verify(envelope, signing_public_key=SENDER["signing_public_key"])
    return packages.payload_open(envelope, own=own(RECIPIENT, "ee-b"))


def test_r50_a_sealed_package_opens_for_its_recipient_with_the_header_readable() -> None:
    # given
    text = sealed({"case_reference": "FI-2026-TEST", "stage": "return"})
    # when
    payload = opened(text)
    # then
    assert payload == {"case_reference": "FI-2026-TEST", "stage": "return"}
    assert packages.envelope_parse(text).header.recipient == "ee-b"
    assert "FI-2026-TEST" not in text  # the payload is encrypted


def test_r50_another_focal_point_cannot_open_a_package_not_meant_for_it() -> None:
    # given
    envelope = packages.envelope_parse(sealed())
    stranger = own(packages.keygen(), "lv-c")
    # when / then
    with pytest.raises(packages.PackageTampered):
        packages.payload_open(envelope, own=stranger)


def test_r50_a_signature_by_another_key_is_refused() -> None:
    # given
    envelope = packages.envelope_parse(sealed())
    # when / then
    with pytest.raises(packages.PackageTampered):
        packages.signature_verify(envelope, signing_public_key=RECIPIENT["signing_public_key"])


@pytest.mark.parametrize("where", ["header", "ciphertext", "signature", "nonce", "first", "last"])
def test_r50_flipping_one_byte_anywhere_is_refused(where: str) -> None:
    # given
    text = sealed()
    positions = {
        "header": text.index('"sender"') + 10,
        "ciphertext": text.index('"ciphertext"') + 20,
        "signature": text.index('"signature"') + 20,
        "nonce": text.index('"nonce"') + 10,
        "first": 0,
        "last": len(text) - 1,
    }
    at = positions[where]
    tampered = text[:at] + chr(ord(text[at]) ^ 0x01) + text[at + 1 :]
    # when / then
    with pytest.raises(packages.PackageTampered):
        opened(tampered)


def test_r50_every_single_byte_flip_of_a_package_is_refused() -> None:
    # given
    text = sealed()
    # when
    accepted = []
    for at in range(0, len(text), 7):
        tampered = text[:at] + chr(ord(text[at]) ^ 0x20) + text[at + 1 :]
        try:
            opened(tampered)
        except packages.PackageTampered:
            continue
        accepted.append(at)
    # then
    assert accepted == []


def test_it_refuses_base64_that_is_not_canonical() -> None:
    # given: the last character of a 32-byte key carries four unused bits
    key = RECIPIENT["encryption_public_key"]
    sloppy = key[:-2] + chr(ord(key[-2]) ^ 0x01) + key[-1]
    # when / then
    assert packages.public_key_valid(key)
    assert not packages.public_key_valid(sloppy)


def test_it_gives_the_same_fingerprint_for_the_same_keys_only() -> None:
    # given
    one = packages.fingerprint(
        encryption_public_key=SENDER["encryption_public_key"],
        signing_public_key=SENDER["signing_public_key"],
    )
    # when
    other = packages.fingerprint(
        encryption_public_key=RECIPIENT["encryption_public_key"],
        signing_public_key=SENDER["signing_public_key"],
    )
    # then
    assert one == SENDER["fingerprint"]
    assert one != other
