"""Envelope encryption: round trips, context binding, tampering, crypto-shredding,
master key rotation and blind indexes."""

from __future__ import annotations

import base64
import unicodedata

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pytest_django import Settings

from haven.accounts.tests.factories import make_user
from haven.cases.models import NarrativeEntry, Person, StatusTransition
from haven.cases.tests.factories import open_case
from haven.vault import keys, services
from haven.vault.errors import DecryptionFailed, KeyDestroyed, VaultMisconfigured
from haven.vault.models import DataKey

OLD_MASTER = base64.b64encode(b"O" * 32).decode()
NEW_MASTER = base64.b64encode(b"N" * 32).decode()
ENCRYPTED_PERSON_FIELDS = [f.name for f in Person._meta.get_fields() if f.name.endswith("_enc")]


def fresh(key: DataKey) -> DataKey:
    """The key as stored, without the plaintext cached on the creating instance."""
    return DataKey.objects.get(pk=key.pk)


# --- round trip and binding -------------------------------------------------------------


@pytest.mark.django_db
def test_it_decrypts_what_it_encrypted_with_a_fresh_copy_of_the_key() -> None:
    # given
    key = services.data_key_create(subject="test.Subject")

    # when
    sealed = services.encrypt(key=key, plaintext="Safe house 7, Testikatu 1 ✓", context="person.x")

    # then
    assert b"Testikatu" not in sealed
    assert services.decrypt(key=fresh(key), ciphertext=sealed, context="person.x") == (
        "Safe house 7, Testikatu 1 ✓"
    )


@pytest.mark.django_db
def test_it_stores_the_data_key_only_wrapped_by_the_current_master_key() -> None:
    # given
    key = services.data_key_create(subject="test.Subject")
    stored = fresh(key)
    master = keys.current_master_key()

    # when
    unwrapped = AESGCM(master.secret).decrypt(
        bytes(stored.wrapped)[:12],
        bytes(stored.wrapped)[12:],
        b"haven-data-key:" + str(key.pk).encode(),
    )

    # then
    assert stored.master_key_id == master.id
    assert stored.subject == "test.Subject"
    assert unwrapped not in bytes(stored.wrapped)
    assert len(unwrapped) == 32


@pytest.mark.django_db
def test_it_uses_a_new_nonce_for_every_encryption() -> None:
    # given
    key = services.data_key_create(subject="test.Subject")

    # when
    first = services.encrypt(key=key, plaintext="same", context="person.x")
    second = services.encrypt(key=key, plaintext="same", context="person.x")

    # then
    assert first != second


@pytest.mark.django_db
def test_it_refuses_to_decrypt_under_another_context() -> None:
    # given: a ciphertext moved from one field into another
    key = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=key, plaintext="secret", context="person.health_notes")

    # when
    with pytest.raises(DecryptionFailed) as raised:
        services.decrypt(key=key, ciphertext=sealed, context="person.contact")

    # then
    assert raised.value.code == "decryption_failed"
    assert services.decrypt(key=key, ciphertext=sealed, context="person.health_notes") == "secret"


@pytest.mark.django_db
def test_it_refuses_to_decrypt_with_another_persons_key() -> None:
    # given
    mine = services.data_key_create(subject="test.Subject")
    theirs = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=mine, plaintext="secret", context="person.x")

    # then
    with pytest.raises(DecryptionFailed):
        services.decrypt(key=theirs, ciphertext=sealed, context="person.x")


@pytest.mark.django_db
@pytest.mark.parametrize("position", [1, 5, 13, 20, -1])
def test_it_detects_a_tampered_ciphertext(position: int) -> None:
    # given: one bit flipped in the nonce, the body or the tag
    key = services.data_key_create(subject="test.Subject")
    sealed = bytearray(services.encrypt(key=key, plaintext="secret text", context="person.x"))
    sealed[position] ^= 0x01

    # when
    with pytest.raises(DecryptionFailed) as raised:
        services.decrypt(key=key, ciphertext=bytes(sealed), context="person.x")

    # then
    assert raised.value.code == "decryption_failed"


@pytest.mark.django_db
@pytest.mark.parametrize("blob", [b"", b"\x02" + b"x" * 40, b"plain text"])
def test_it_refuses_an_unknown_ciphertext_format(blob: bytes) -> None:
    # given
    key = services.data_key_create(subject="test.Subject")

    # then
    with pytest.raises(DecryptionFailed):
        services.decrypt(key=key, ciphertext=blob, context="person.x")


@pytest.mark.django_db
def test_it_detects_a_tampered_or_swapped_wrapped_key() -> None:
    # given: key B's wrapped blob copied onto key A (the wrap is bound to the key's id)
    key_a = services.data_key_create(subject="test.Subject")
    key_b = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=key_a, plaintext="secret", context="person.x")
    DataKey.objects.filter(pk=key_a.pk).update(wrapped=bytes(fresh(key_b).wrapped))

    # when
    with pytest.raises(DecryptionFailed) as raised:
        services.decrypt(key=fresh(key_a), ciphertext=sealed, context="person.x")

    # then
    assert raised.value.code == "decryption_failed"


@pytest.mark.django_db
def test_it_names_a_missing_master_key_as_misconfiguration(settings: Settings) -> None:
    # given: a key wrapped under a master key that is no longer configured
    settings.HAVEN_MASTER_KEY = OLD_MASTER
    key = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=key, plaintext="secret", context="person.x")
    settings.HAVEN_MASTER_KEY = NEW_MASTER

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        services.decrypt(key=fresh(key), ciphertext=sealed, context="person.x")

    # then
    assert raised.value.code == "master_key_unknown"


@pytest.mark.django_db
def test_it_stores_an_empty_optional_value_as_null() -> None:
    # given
    key = services.data_key_create(subject="test.Subject")

    # when
    empty = services.encrypt_optional(key=key, plaintext="", context="person.x")
    sealed = services.encrypt_optional(key=key, plaintext="value", context="person.x")

    # then
    assert empty is None
    assert sealed is not None
    assert services.decrypt_optional(key=key, ciphertext=None, context="person.x") == ""
    assert services.decrypt_optional(key=key, ciphertext=b"", context="person.x") == ""
    assert services.decrypt_optional(key=key, ciphertext=sealed, context="person.x") == "value"


# --- crypto-shredding -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_makes_a_destroyed_persons_data_unreadable_by_anyone() -> None:
    # given: a person with encrypted fields
    case = open_case(actor=make_user(), narrative="What happened, told once.")
    person = Person.objects.select_related("data_key").get(pk=case.person_id)
    assert (
        services.decrypt(
            key=person.data_key,
            ciphertext=person.given_name_enc or b"",
            context="person.given_name",
        )
        == "Aino"
    )

    # when
    services.data_key_destroy(key=person.data_key)

    # then: the ciphertexts are still stored, read fresh from the database ...
    stored = Person.objects.select_related("data_key").get(pk=case.person_id)
    ciphertexts = {name: getattr(stored, name) for name in ENCRYPTED_PERSON_FIELDS}
    assert bytes(ciphertexts["given_name_enc"])
    # ... but no field decrypts any more,
    for name, ciphertext in ciphertexts.items():
        if ciphertext is not None:
            with pytest.raises(KeyDestroyed) as raised:
                services.decrypt(
                    key=stored.data_key, ciphertext=ciphertext, context=f"person.{name[:-4]}"
                )
            assert raised.value.code == "key_destroyed"
    entry = NarrativeEntry.objects.get(case=case)
    with pytest.raises(KeyDestroyed):
        services.decrypt(key=stored.data_key, ciphertext=entry.text_enc, context="narrative.text")
    # ... and the wrapped key is gone: not even the master key can unwrap it.
    assert bytes(stored.data_key.wrapped) == b""
    assert stored.data_key.master_key_id == ""
    assert stored.data_key.destroyed_at is not None
    for master in keys.master_keys().values():
        blob = bytes(stored.data_key.wrapped)
        aad = b"haven-data-key:" + str(stored.data_key.pk).encode()
        with pytest.raises((InvalidTag, ValueError)):
            AESGCM(master.secret).decrypt(blob[:12], blob[12:], aad)


@pytest.mark.django_db
def test_it_forgets_the_cached_key_on_the_instance_that_was_destroyed() -> None:
    # given: the instance that created the key holds the plaintext key in memory
    key = services.data_key_create(subject="test.Subject")
    sealed = services.encrypt(key=key, plaintext="secret", context="person.x")

    # when
    services.data_key_destroy(key=key)

    # then
    with pytest.raises(KeyDestroyed):
        services.decrypt(key=key, ciphertext=sealed, context="person.x")
    with pytest.raises(KeyDestroyed):
        services.encrypt(key=key, plaintext="more", context="person.x")


@pytest.mark.django_db
def test_it_can_destroy_a_key_that_was_never_unwrapped() -> None:
    # given
    key = fresh(services.data_key_create(subject="test.Subject"))

    # when
    services.data_key_destroy(key=key)

    # then
    assert fresh(key).destroyed_at is not None


# --- master key rotation ----------------------------------------------------------------


def person_ciphertexts() -> dict[object, dict[str, bytes | None]]:
    return {
        p.pk: {
            name: None if getattr(p, name) is None else bytes(getattr(p, name))
            for name in ENCRYPTED_PERSON_FIELDS
        }
        for p in Person.objects.all()
    }


@pytest.mark.django_db
def test_it_rotates_the_master_key_without_touching_any_ciphertext(
    settings: Settings,
) -> None:
    # given: three persons under the old master key, one of them erased
    settings.HAVEN_MASTER_KEY = OLD_MASTER
    settings.HAVEN_MASTER_KEYS_PREVIOUS = []
    actor = make_user()
    cases = [
        open_case(actor=actor, given_name=f"Person{i}", narrative=f"Story {i}") for i in range(3)
    ]
    erased = Person.objects.get(pk=cases[0].person_id)
    services.data_key_destroy(key=erased.data_key)
    before = person_ciphertexts()
    reasons_before = {t.pk: bytes(t.reasons_enc or b"") for t in StatusTransition.objects.all()}
    narrative_before = {e.pk: bytes(e.text_enc) for e in NarrativeEntry.objects.all()}

    # when: a new master key, the old one kept only until the rotation is done
    settings.HAVEN_MASTER_KEY = NEW_MASTER
    settings.HAVEN_MASTER_KEYS_PREVIOUS = [OLD_MASTER]
    rotated = services.master_key_rotate(batch_size=1)
    settings.HAVEN_MASTER_KEYS_PREVIOUS = []

    # then: two live keys re-wrapped; every ciphertext byte-for-byte the same ...
    new_id = keys.current_master_key().id
    assert rotated == 2
    assert person_ciphertexts() == before
    assert {
        t.pk: bytes(t.reasons_enc or b"") for t in StatusTransition.objects.all()
    } == reasons_before
    assert {e.pk: bytes(e.text_enc) for e in NarrativeEntry.objects.all()} == narrative_before
    # ... and still readable with only the new master key configured,
    for case, name in zip(cases[1:], ["Person1", "Person2"], strict=True):
        person = Person.objects.select_related("data_key").get(pk=case.person_id)
        assert person.data_key.master_key_id == new_id
        assert person.data_key.rotated_at is not None
        assert (
            services.decrypt(
                key=person.data_key,
                ciphertext=person.given_name_enc or b"",
                context="person.given_name",
            )
            == name
        )
    # ... while the erased person's key stays destroyed and was skipped.
    destroyed = DataKey.objects.get(pk=erased.data_key_id)
    assert destroyed.master_key_id == ""
    assert destroyed.rotated_at is None
    assert bytes(destroyed.wrapped) == b""


@pytest.mark.django_db
def test_it_rotates_again_without_doing_anything(settings: Settings) -> None:
    # given: keys already under the current master key
    settings.HAVEN_MASTER_KEY = OLD_MASTER
    services.data_key_create(subject="test.Subject")
    settings.HAVEN_MASTER_KEY = NEW_MASTER
    settings.HAVEN_MASTER_KEYS_PREVIOUS = [OLD_MASTER]
    assert services.master_key_rotate() == 1

    # when
    again = services.master_key_rotate()

    # then
    assert again == 0


@pytest.mark.django_db
def test_it_stops_rotation_when_an_old_master_key_is_missing(settings: Settings) -> None:
    # given: the old key was removed from settings before the rotation ran
    settings.HAVEN_MASTER_KEY = OLD_MASTER
    key = services.data_key_create(subject="test.Subject")
    settings.HAVEN_MASTER_KEY = NEW_MASTER
    settings.HAVEN_MASTER_KEYS_PREVIOUS = []

    # when
    with pytest.raises(VaultMisconfigured) as raised:
        services.master_key_rotate()

    # then: nothing was changed, so the rotation can be re-run with the old key in place
    assert raised.value.code == "master_key_unknown"
    assert fresh(key).master_key_id == keys.key_id(b"O" * 32)


# --- blind indexes ----------------------------------------------------------------------


def test_it_gives_the_same_index_for_case_space_and_unicode_variants() -> None:
    # given
    composed = unicodedata.normalize("NFC", "Äijälä Ström")
    decomposed = unicodedata.normalize("NFD", "Äijälä Ström")
    assert composed != decomposed

    # when
    indexes = {
        services.blind_index(value=value, purpose="person.name")
        for value in [composed, decomposed, "äijälä ström", "  ÄIJÄLÄ   STRÖM\t", "Äijälä\nStröm"]
    }

    # then
    assert len(indexes) == 1
    assert services.blind_index(
        value="\uff33\uff54\uff52\uff41\uff53\uff53\uff45",  # fullwidth "Strasse"
        purpose="p",
    ) == services.blind_index(value="STRASSE", purpose="p")
    assert services.blind_index(value="Straße", purpose="p") == services.blind_index(
        value="strasse", purpose="p"
    )


def test_it_gives_different_indexes_for_different_values() -> None:
    assert services.blind_index(value="Aino", purpose="p") != services.blind_index(
        value="Aina", purpose="p"
    )


def test_it_gives_different_indexes_per_purpose() -> None:
    # when
    name = services.blind_index(value="2001-02-03", purpose="person.name")
    dob = services.blind_index(value="2001-02-03", purpose="person.dob")

    # then
    assert name != dob
    assert len(name) == len(dob) == 64


def test_it_gives_different_indexes_under_another_index_key(settings: Settings) -> None:
    # given
    before = services.blind_index(value="Aino", purpose="person.name")

    # when
    settings.HAVEN_INDEX_KEY = base64.b64encode(b"j" * 32).decode()
    after = services.blind_index(value="Aino", purpose="person.name")

    # then
    assert before != after


def test_it_does_not_reveal_the_value_or_a_plain_hash_of_it() -> None:
    # given
    import hashlib

    # when
    index = services.blind_index(value="aino", purpose="person.name")

    # then
    assert index != hashlib.sha256(b"aino").hexdigest()
    assert "aino" not in index


@pytest.mark.django_db
def test_it_names_a_data_key_by_its_id_only() -> None:
    # given
    key = services.data_key_create(subject="test.Subject")

    # then
    assert str(key) == f"data key {key.pk}"


@pytest.mark.django_db
def test_it_keeps_the_time_a_key_was_first_destroyed() -> None:
    # given
    key = services.data_key_create(subject="test.Subject")
    services.data_key_destroy(key=key)
    first = fresh(key).destroyed_at

    # when
    again = services.data_key_destroy(key=fresh(key))

    # then
    assert again.destroyed_at == first
    assert fresh(key).destroyed_at == first
