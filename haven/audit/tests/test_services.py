"""The audit trail: events chained by hash, and verification naming the first broken link."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.accounts.models import Role
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit import services
from haven.audit.models import Action, AuditEvent, AuditHead
from haven.audit.services import GENESIS, Actor

ACTOR = Actor(id=7, username="caseworker7", organisation_id="org-1", organisation_name="NGO One")


def record(**overrides: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "actor": ACTOR,
        "action": Action.READ,
        "object_type": "cases.Case",
        "object_id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "field_groups": ["identity"],
        "purpose": "assistance",
    }
    values.update(overrides)
    return services.audit_record(**values)


# --- recording --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_chains_each_event_to_the_previous_one() -> None:
    # when
    first = record()
    second = record(action=Action.UPDATE)
    third = record(action=Action.TRANSITION, detail={"from": "potential", "to": "presumed"})

    # then
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    head = AuditHead.objects.get()
    assert head.last_hash == third.hash
    assert head.count == 3


@pytest.mark.django_db
def test_it_stores_what_was_done_as_plain_values() -> None:
    # given
    person_id = uuid.uuid4()

    # when
    event = record(
        person_id=person_id,
        field_groups=["location", "identity", "location"],
        detail={"count": 2},
    )

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == 7
    assert stored.actor_username == "caseworker7"
    assert stored.organisation_name == "NGO One"
    assert stored.person_id == str(person_id)
    assert stored.field_groups == "identity,location"
    assert stored.detail == {"count": 2}
    assert stored.hash == services.event_digest(stored)


@pytest.mark.django_db
def test_it_records_an_event_without_a_person_or_detail() -> None:
    # when
    event = services.audit_record(
        actor=ACTOR, action=Action.CREATE, object_type="accounts.User", object_id=12
    )

    # then
    assert event.person_id == ""
    assert event.field_groups == ""
    assert event.detail == {}
    assert event.object_id == "12"


@pytest.mark.django_db
def test_it_copies_the_actor_and_their_organisation() -> None:
    # given
    user = make_user(role=Role.CASEWORKER)
    assert user.organisation is not None

    # when
    actor = services.actor_of(user)

    # then
    assert actor == Actor(
        id=user.pk,
        username=user.username,
        organisation_id=str(user.organisation.pk),
        organisation_name=user.organisation.name,
    )


@pytest.mark.django_db
def test_it_copies_an_actor_without_an_organisation() -> None:
    # given
    user = UserFactory.create(organisation=None, role=Role.SYSTEM_ADMIN)

    # when
    actor = services.actor_of(user)

    # then
    assert actor.organisation_id == ""
    assert actor.organisation_name == ""


# --- verification -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_verifies_an_empty_trail() -> None:
    assert services.audit_verify() == services.VerifyResult(True, 0)


@pytest.mark.django_db
def test_it_verifies_an_intact_trail_across_chunks() -> None:
    # given
    for _ in range(5):
        record()

    # when
    result = services.audit_verify(chunk_size=2)

    # then
    assert result.ok
    assert result.checked == 5
    assert result.broken_at is None


@pytest.mark.django_db
def test_it_walks_on_over_events_appended_while_it_verifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: another process appends an event after the walk, before the head is read
    record()
    real_head = services._head
    appended: list[AuditEvent] = []

    def head_after_an_append() -> tuple[str, int]:
        if not appended:
            appended.append(record())
        return real_head()

    monkeypatch.setattr(services, "_head", head_after_an_append)

    # when
    result = services.audit_verify()

    # then
    assert result == services.VerifyResult(True, 2)


@pytest.mark.django_db
def test_it_reports_a_head_that_does_not_match_the_last_event() -> None:
    # given: the last event deleted and a well-linked forgery put in its place
    first = record()
    last = record()
    AuditEvent.objects.filter(pk=last.pk).delete()
    forged = forge(prev=first)

    # when
    result = services.audit_verify()

    # then
    assert not result.ok
    assert result.broken_at is None
    assert result.checked == 2
    assert forged.pk > last.pk


@pytest.mark.django_db
def test_it_reports_events_when_the_head_was_deleted() -> None:
    # given
    record()
    AuditHead.objects.all().delete()

    # when
    result = services.audit_verify()

    # then: the only event is not in a head that counts no events
    assert not result.ok
    assert result.broken_at == AuditEvent.objects.get().pk


def forge(*, prev: AuditEvent | None, link: bool = True) -> AuditEvent:
    """An event written straight into the table, as an intruder would."""
    event = AuditEvent(
        occurred_at=prev.occurred_at + timedelta(seconds=1) if prev else timezone.now(),
        actor_id=99,
        actor_username="intruder",
        action=Action.READ,
        object_type="cases.Case",
        object_id=str(uuid.uuid4()),
        prev_hash=(prev.hash if prev else GENESIS) if link else "a" * 64,
    )
    event.hash = services.event_digest(event)
    event.save()
    return event


# --- property: any single tampering is detected at the first broken link ----------------

SAFE_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=0, max_size=12
)
SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
JSON_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), SAFE_TEXT)

EVENT = st.fixed_dictionaries(
    {
        "actor": st.builds(
            Actor,
            id=st.one_of(st.none(), st.integers(1, 10_000)),
            username=SAFE_TEXT,
            organisation_id=st.one_of(st.just(""), st.uuids().map(str)),
            organisation_name=SAFE_TEXT,
        ),
        "action": st.sampled_from(Action.values),
        "object_type": SLUG,
        "object_id": st.uuids(),
        "person_id": st.one_of(st.just(""), st.uuids()),
        "field_groups": st.lists(SLUG, max_size=4),
        "purpose": st.one_of(st.just(""), SLUG),
        "detail": st.dictionaries(SLUG, JSON_VALUE, max_size=3),
    }
)


def _other_action(event: AuditEvent) -> str:
    return next(a for a in Action.values if a != event.action)


def _altered(text: str) -> str:
    """A different string of the same length (PostgreSQL enforces the column
    lengths, e.g. 36 for a UUID), or "x" for an empty one."""
    if not text:
        return "x"
    return text[:-1] + ("0" if text[-1] != "0" else "1")


# One way to change each stored field; each gives a value that differs from the original.
EDITS: dict[str, Callable[[AuditEvent], object]] = {
    "occurred_at": lambda e: e.occurred_at + timedelta(microseconds=1),
    "actor_id": lambda e: (e.actor_id or 0) + 1,
    "actor_username": lambda e: _altered(e.actor_username),
    "organisation_id": lambda e: _altered(e.organisation_id),
    "organisation_name": lambda e: _altered(e.organisation_name),
    "action": _other_action,
    "object_type": lambda e: _altered(e.object_type),
    "object_id": lambda e: str(uuid.uuid4()),
    "person_id": lambda e: _altered(e.person_id),
    "field_groups": lambda e: _altered(e.field_groups),
    "purpose": lambda e: _altered(e.purpose),
    "detail": lambda e: {**e.detail, "__tampered": True},
    "prev_hash": lambda e: "f" * 64 if e.prev_hash != "f" * 64 else "e" * 64,
    "hash": lambda e: "d" * 64,
}

TAMPERINGS = ["edit", "delete", "delete_last", "forge_linked", "forge_unlinked"]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(EVENT, min_size=1, max_size=15),
    tampering=st.sampled_from(TAMPERINGS),
    data=st.data(),
)
def test_it_names_the_first_broken_link_after_any_tampering(
    events: list[dict[str, Any]], tampering: str, data: st.DataObject
) -> None:
    # given: a fresh trail of random events, verified intact
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    chain = [services.audit_record(**event) for event in events]
    assert services.audit_verify() == services.VerifyResult(True, len(chain))
    k = data.draw(st.integers(0, len(chain) - 1), label="k")

    # when: one tampering, straight in the table (save() and audit_record bypassed)
    if tampering == "edit":
        name = data.draw(st.sampled_from(sorted(EDITS)), label="field")
        AuditEvent.objects.filter(pk=chain[k].pk).update(**{name: EDITS[name](chain[k])})
        expected: int | None = chain[k].pk
    elif tampering == "delete":
        AuditEvent.objects.filter(pk=chain[k].pk).delete()
        expected = chain[k + 1].pk if k + 1 < len(chain) else None
    elif tampering == "delete_last":
        AuditEvent.objects.filter(pk=chain[-1].pk).delete()
        expected = None
    else:
        expected = forge(prev=chain[-1], link=tampering == "forge_linked").pk
    result = services.audit_verify(chunk_size=data.draw(st.integers(1, 20), label="chunk"))

    # then
    assert not result.ok
    assert result.broken_at == expected
    assert result.problem
    if expected is not None:  # every event before the broken link was verified
        assert result.checked == AuditEvent.objects.filter(id__lt=expected).count()


def test_it_changes_the_digest_for_every_field_edit() -> None:
    # given: an unsaved event (no database needed)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=None,
        actor_username="",
        organisation_id="",
        organisation_name="",
        action=Action.READ,
        object_type="cases.Case",
        object_id="1",
        person_id="",
        field_groups="",
        purpose="",
        detail={},
        prev_hash=GENESIS,
    )
    original = services.event_digest(event)

    # then: every field is covered by the hash except the hash itself
    for name, edit in EDITS.items():
        if name == "hash":
            continue
        changed = AuditEvent(**{f.name: getattr(event, f.name) for f in AuditEvent._meta.fields})
        setattr(changed, name, edit(event))
        assert services.event_digest(changed) != original, name


def test_it_covers_every_model_field_with_an_edit() -> None:
    # A new column on AuditEvent must be added to the hash and to EDITS.
    stored = {f.name for f in AuditEvent._meta.fields} - {"id"}
    assert stored == set(EDITS)


@pytest.mark.django_db
def test_it_reports_a_head_that_was_set_back() -> None:
    # given: the head rewound to count fewer events, with a tip that is none of them
    for _ in range(3):
        record()
    AuditHead.objects.update(count=1, last_hash="c" * 64)

    # when
    result = services.audit_verify()

    # then
    assert not result.ok
    assert result.broken_at is None
    assert result.problem


@pytest.mark.django_db
def test_it_names_events_and_the_head_without_personal_data() -> None:
    # given
    event = record()

    # then
    assert str(event) == f"audit event {event.pk}"
    assert str(AuditHead.objects.get()) == "audit head"
