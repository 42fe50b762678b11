"""The audit trail: events written with a keyed MAC and no shared lock, chained in
seal order by the sealer, and verification naming the first broken link."""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import Role
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit import chain, services
from haven.audit.models import Action, AuditEvent, AuditHead
from haven.audit.services import GENESIS, Actor

ACTOR = Actor(id=7, username="caseworker7", organisation_id="org-1", organisation_name="NGO One")
OTHER_KEY = b"k" * 32


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


def sealed(events: list[AuditEvent]) -> list[AuditEvent]:
    """The events as stored after a seal."""
    services.audit_seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


# --- recording --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_one_row_and_locks_nothing_shared(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given: the head exists (a seal ran)
    record()
    services.audit_seal()

    # when: the only statement is the event's INSERT (no head row read, locked or updated)
    with django_assert_num_queries(1) as captured:
        event = record()

    # then
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert (event.seq, event.prev_hash, event.hash) == (None, "", "")
    assert event.mac == services.event_mac(event)
    assert event.version == chain.KEYED


@pytest.mark.django_db
def test_it_returns_the_event_as_it_was_stored() -> None:
    # when
    event = record(detail={"b": [1, "é"], "a": None}, field_groups=["status", "identity"])

    # then: every field, as the database gives it back
    stored = AuditEvent.objects.get(pk=event.pk)
    fields = [field.attname for field in AuditEvent._meta.concrete_fields]
    assert [getattr(event, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert not event._state.adding


@pytest.mark.django_db
def test_it_refuses_an_action_the_trail_does_not_know(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # when / then: nothing written
    with django_assert_num_queries(0), pytest.raises(ValueError, match="not an audit action"):
        record(action="browse")


@pytest.mark.django_db
def test_it_writes_one_statement_per_event_inside_a_transaction(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given: a request's transaction that writes several events
    # when / then: one INSERT each, nothing else
    with transaction.atomic(), django_assert_num_queries(5) as captured:
        for _ in range(5):
            record()
    assert all(query["sql"].startswith("INSERT") for query in captured.captured_queries)


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
    assert stored.mac == services.event_mac(stored)


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


# --- sealing ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_seals_each_event_to_the_previous_one_in_order() -> None:
    # given
    written = [record(), record(action=Action.UPDATE), record(detail={"to": "presumed"})]

    # when
    result = services.audit_seal()

    # then
    first, second, third = (AuditEvent.objects.get(pk=e.pk) for e in written)
    assert result == services.SealResult(sealed=3, gap_ids=0, seq=3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.hash == chain.seal_digest(chain.audit_key(), 3, third.pk, second.hash, third.mac)
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash, head.watermark) == (3, third.hash, third.pk)


@pytest.mark.django_db
def test_it_seals_in_batches_and_then_has_nothing_left() -> None:
    # given
    written = [record() for _ in range(5)]

    # when
    first = services.audit_seal(batch_size=2)
    again = services.audit_seal(batch_size=2)

    # then
    assert (first.sealed, first.seq) == (5, 5)
    assert (again.sealed, again.seq) == (0, 5)
    seqs = AuditEvent.objects.order_by("id").values_list("seq", flat=True)
    assert list(seqs) == [1, 2, 3, 4, 5]
    assert services.audit_verify().checked == len(written)


def _uncommitted(event: AuditEvent) -> dict[str, Any]:
    """Take an event out of the table as if its transaction had not committed yet."""
    values = dict(AuditEvent.objects.filter(pk=event.pk).values().get())
    AuditEvent.objects.filter(pk=event.pk).delete()
    return values


@pytest.mark.django_db
def test_it_seals_an_event_that_commits_after_a_later_one() -> None:
    # given: ids 1, 2, 3 written; 2's transaction commits only after a seal
    first, second, third = record(), record(), record()
    late = _uncommitted(second)
    services.audit_seal()

    # when
    AuditEvent.objects.create(**late)
    result = services.audit_seal()

    # then: sealed after 3 (seal order is its own sequence), nothing lost, no gap
    assert result == services.SealResult(sealed=1, gap_ids=0, seq=3)
    order = AuditEvent.objects.order_by("seq").values_list("id", flat=True)
    assert list(order) == [first.pk, third.pk, second.pk]
    assert AuditHead.objects.get().watermark == third.pk
    assert services.audit_verify() == services.VerifyResult(True, 3)


@pytest.mark.django_db
def test_it_waits_the_grace_period_then_seals_a_missing_id_as_a_gap() -> None:
    # given: id 2 never commits (rolled back, or removed before its seal)
    first, second, third = record(), record(), record()
    _uncommitted(second)

    # when
    waiting = services.audit_seal()
    watermark = AuditHead.objects.get().watermark
    later = services.audit_seal(now=timezone.now() + timedelta(seconds=301))

    # then: within the grace period nothing is decided; after it, one gap event
    assert (waiting.gap_ids, watermark) == (0, first.pk)
    assert (later.sealed, later.gap_ids) == (1, 1)
    gap = AuditEvent.objects.get(action=Action.GAP)
    assert gap.detail == {"ids": [[second.pk, second.pk]], "count": 1}
    assert (gap.seq, gap.actor_username) == (3, "")
    assert AuditHead.objects.get().watermark == third.pk
    result = services.audit_verify()
    assert (result.ok, result.gap_ids, result.checked) == (True, 1, 3)


@pytest.mark.django_db
def test_it_seals_an_event_that_commits_after_its_id_was_sealed_as_a_gap() -> None:
    # given
    _, second, _ = record(), record(), record()
    late = _uncommitted(second)
    services.audit_seal(grace_seconds=0, now=timezone.now() + timedelta(seconds=1))

    # when: its transaction ran longer than the grace period, and commits now
    AuditEvent.objects.create(**late)
    services.audit_seal()

    # then: the event is sealed all the same; nothing is lost
    assert AuditEvent.objects.get(pk=second.pk).seq == 4
    assert services.audit_verify().ok


# --- verification -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_seals_any_number_of_events_in_the_same_number_of_statements(
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given: a first seal made the head
    sealed([record()])
    counts = []

    # when: 3, then 300 events sealed (within one statement's rows)
    for events in (3, 300):
        for _ in range(events):
            record()
        with django_assert_max_num_queries(100) as captured:
            result = services.audit_seal()
        assert result.sealed == events
        counts.append(len(captured.captured_queries))

    # then
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_it_writes_seals_a_statement_per_thousand_events(
    monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    # given: statements of 4 seals, and 10 events
    monkeypatch.setattr(services, "SEAL_ROWS_PER_STATEMENT", 4)
    events = [record() for _ in range(10)]

    # when
    with django_assert_max_num_queries(100) as captured:
        services.audit_seal()

    # then: three UPDATEs, the chain intact
    table = AuditEvent._meta.db_table
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len([sql for sql in updates if table in sql.split(" SET ")[0]]) == 3
    assert [e.seq for e in sealed(events)] == list(range(1, 11))
    assert services.audit_verify() == services.VerifyResult(True, 10)


@pytest.mark.django_db
def test_it_verifies_any_number_of_events_in_the_same_number_of_queries(
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    # given
    counts = []

    # when: 3 sealed and 2 unsealed, then 300 sealed and 20 unsealed, in one span
    for events, unsealed in ((3, 2), (300, 20)):
        AuditEvent.objects.all().delete()
        AuditHead.objects.all().delete()
        sealed([record() for _ in range(events)])
        for _ in range(unsealed):
            record()
        with django_assert_max_num_queries(100) as captured:
            result = services.audit_verify()
        assert result == services.VerifyResult(True, events + unsealed, unsealed=unsealed)
        counts.append(len(captured.captured_queries))

    # then
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_it_checks_the_events_haven_wrote_without_reading_them_another_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: events as audit_record writes them, a gap among them
    def no_fallback(*args: object) -> str:
        raise AssertionError("every row Haven wrote holds as it was stored")

    sealed([record(detail={"b": 1, "a": ["é", None]}) for _ in range(3)])
    monkeypatch.setattr(services, "_row_problem", no_fallback)

    # when
    result = services.audit_verify()

    # then
    assert result == services.VerifyResult(True, 3)


# Texts the database must quote as Python's JSON encoder does (every two-letter
# escape, other control characters, a slash, DEL, accents, a line separator, an emoji).
AWKWARD = 'a"b\\c/d\b\f\n\r\t\x01\x1f\x7f é€\u2028😀'


@pytest.mark.django_db
def test_it_checks_the_events_haven_wrote_from_the_message_the_database_builds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: events as audit_record writes them, with awkward texts, no actor, a time
    # on a whole second, and a gap record, none read back value by value
    def by_values(*args: object) -> services._Span:
        raise AssertionError("every row Haven wrote holds as the database gives it")

    awkward = Actor(id=None, username=AWKWARD, organisation_id="", organisation_name=AWKWARD)
    record(actor=awkward, purpose="p", detail={"text": AWKWARD, "n": [1, None, True]})
    first = record()
    AuditEvent.objects.filter(pk=record().pk).delete()  # removed unsealed: a gap once sealed
    record()
    whole_second = first.occurred_at.replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: whole_second)
    record()
    services.audit_seal(grace_seconds=0, now=whole_second + timedelta(days=1))
    monkeypatch.setattr(services, "_span_by_values", by_values)

    # when
    result = services.audit_verify(chunk_size=2)

    # then
    assert (result.ok, result.checked, result.gap_ids) == (True, 5, 1)


@pytest.mark.django_db
def test_it_finds_the_same_span_either_way_and_leaves_a_wrong_anchor_to_the_values() -> None:
    # given: an intact trail with a gap record, its first seal anchored
    record()
    AuditEvent.objects.filter(pk=record().pk).delete()
    record()
    services.audit_seal(grace_seconds=0, now=timezone.now() + timedelta(days=1))
    key, (head_seq, _head_hash) = chain.audit_key(), services._head()
    first = AuditEvent.objects.get(seq=1).hash

    # when
    as_written = services._span_as_written(key, 1, head_seq, {1: first})
    by_values = services._span_by_values(key, 1, head_seq, {1: first})

    # then: the same span from the messages and from the values
    assert as_written == by_values
    assert (by_values.checked, by_values.gap_ids, by_values.anchors) == (3, 1, 1)
    # and an anchor that differs is left to the values, which name it
    assert services._span_as_written(key, 1, head_seq, {1: "0" * 64}) is None


@pytest.mark.django_db
def test_it_makes_the_detail_from_its_text_and_refuses_to_write_it_apart() -> None:
    # given
    event = record(detail={"b": [1, "é"], "a": None})
    table = AuditEvent._meta.db_table

    # when: the text is edited (its detail follows: the database makes it)
    AuditEvent.objects.filter(pk=event.pk).update(detail_json='{"a":null,"b":[2,"é"]}')

    # then: the detail read is the text's, and the MAC no longer holds
    assert AuditEvent.objects.get(pk=event.pk).detail == {"a": None, "b": [2, "é"]}
    assert (services.audit_verify().ok, services.audit_verify().problem) == (
        False,
        services.CHANGED,
    )
    # and the detail cannot be written apart from its text
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET detail = %s", ['{"a": 1}'])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail_json="{not json")


@pytest.mark.django_db
def test_it_fails_a_trail_whose_detail_is_no_longer_made_from_its_text() -> None:
    # given: an intact trail, then the table altered so that the detail is a column of
    # its own, and one event's detail changed without its text
    events = sealed([record(detail={"a": 1}) for _ in range(3)])
    table = AuditEvent._meta.db_table
    assert services.audit_verify().ok
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN detail DROP EXPRESSION")
        else:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN detail")
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN detail text NOT NULL DEFAULT '{{}}'")
        forged = f"UPDATE {table} SET detail = %s WHERE id = %s"  # noqa: S608
        cursor.execute(forged, ['{"a": 2}', events[1].pk])

    # when
    result = services.audit_verify()

    # then
    assert result == services.VerifyResult(False, 0, None, services.DETAIL_ALTERED)


@pytest.mark.django_db
def test_it_verifies_events_stored_the_way_the_model_stores_them() -> None:
    # given: events saved through the model (the detail's JSON not canonical), as
    # rows written before audit_record wrote its own INSERT were
    key = chain.audit_key()
    for detail in ({"b": 1, "a": "é"}, {}, {"note": "a: b, c"}):
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=7,
            actor_username="caseworker7",
            action=Action.READ,
            object_type="cases.Case",
            object_id=str(uuid.uuid4()),
            detail_json=json.dumps(detail),
        )
        event.mac = services.event_mac(event, key=key)
        event.save()
    record()
    services.audit_seal()
    AuditEvent.objects.create(
        occurred_at=timezone.now(), action=Action.READ, object_type="x", object_id="1"
    )

    # when
    result = services.audit_verify()

    # then: the last one never had a MAC
    assert (result.ok, result.checked, result.unsealed, result.problem) == (
        False,
        4,
        1,
        services.CHANGED,
    )


def test_it_names_a_row_of_the_old_rule_whose_time_is_no_time() -> None:
    # given: a legacy row as SQLite could hold it after an edit
    content = ("yesterday", None, "", "", "", "read", "cases.Case", "1", "", "", "", "{}")
    row = (1, 1, chain.LEGACY, "", GENESIS, "a" * 64, *content)

    # then
    assert services._row_problem(chain.audit_key(), row) == services.CHANGED


@pytest.mark.django_db
def test_it_verifies_an_empty_trail() -> None:
    assert services.audit_verify() == services.VerifyResult(True, 0)


@pytest.mark.django_db
def test_it_verifies_an_intact_trail_across_spans() -> None:
    # given
    sealed([record() for _ in range(5)])

    # when
    result = services.audit_verify(chunk_size=2)

    # then
    assert result == services.VerifyResult(True, 5)


@pytest.mark.django_db
def test_it_reports_how_many_events_are_not_sealed_yet() -> None:
    # given: two sealed, three written since
    sealed([record(), record()])
    for _ in range(3):
        record()

    # when
    result = services.audit_verify()

    # then: their MACs are checked too
    assert result == services.VerifyResult(True, 5, unsealed=3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tampering",
    [
        {"actor_username": "someone else"},
        {"mac": "d" * 64},
        {"version": chain.LEGACY},
    ],
    ids=["content", "mac", "rule"],
)
def test_it_names_an_unsealed_event_that_was_changed(tampering: dict[str, Any]) -> None:
    # given
    sealed([record()])
    changed, _ = record(), record()
    AuditEvent.objects.filter(pk=changed.pk).update(**tampering)

    # when
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at, result.problem) == (False, changed.pk, services.CHANGED)
    assert (result.checked, result.unsealed) == (1, 2)


@pytest.mark.django_db
def test_it_reports_an_event_sealed_outside_the_sealer() -> None:
    # given: a row given the next seq straight in the table, head untouched
    events = sealed([record(), record()])
    forged = forge(after=events[-1])

    # when
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at) == (False, forged.pk)
    assert result.problem == "event added outside the audit trail"


@pytest.mark.django_db
def test_it_walks_on_when_the_sealer_sealed_more_while_it_verified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the sealer seals one more event after verification read the head
    sealed([record()])
    real_head = services._head
    reads: list[int] = []

    def head_then_a_seal() -> tuple[int, str]:
        if not reads:
            reads.append(1)
            head = real_head()
            record()
            services.audit_seal()
            return head
        return real_head()

    monkeypatch.setattr(services, "_head", head_then_a_seal)

    # when
    result = services.audit_verify()

    # then: the newer seal is left for the next verification
    assert result == services.VerifyResult(True, 1)


@pytest.mark.django_db
def test_it_reports_a_head_that_does_not_match_the_last_event() -> None:
    # given
    sealed([record(), record()])
    AuditHead.objects.update(last_hash="c" * 64)

    # when
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at, result.checked) == (False, None, 2)
    assert result.problem == "the end of the trail does not match its head"


@pytest.mark.django_db
def test_it_reports_events_missing_at_the_end() -> None:
    # given
    events = sealed([record(), record(), record()])
    AuditEvent.objects.filter(pk=events[-1].pk).delete()

    # when
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at, result.checked) == (False, None, 2)
    assert result.problem == "events missing at the end of the trail"


@pytest.mark.django_db
def test_it_reports_sealed_events_when_the_head_was_deleted() -> None:
    # given
    [event] = sealed([record()])
    AuditHead.objects.all().delete()

    # when
    result = services.audit_verify()

    # then: the only event is not in a head that counts no events
    assert (result.ok, result.broken_at) == (False, event.pk)


@pytest.mark.django_db
def test_it_names_an_event_of_an_unknown_rule() -> None:
    # given
    events = sealed([record(), record()])
    AuditEvent.objects.filter(pk=events[1].pk).update(version=9)

    # when
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at) == (False, events[1].pk)
    assert result.problem == "event of an unknown digest rule"


def forge(*, after: AuditEvent | None, link: bool = True, seq: int | None = None) -> AuditEvent:
    """An event written straight into the table, as an intruder would: sealed after
    ``after`` with a key that is not the trail's."""
    event = AuditEvent(
        occurred_at=after.occurred_at + timedelta(seconds=1) if after else timezone.now(),
        actor_id=99,
        actor_username="intruder",
        action=Action.READ,
        object_type="cases.Case",
        object_id=str(uuid.uuid4()),
        version=chain.KEYED,
        seq=seq if seq is not None else (after.seq or 0) + 1 if after else 1,
        prev_hash=(after.hash if after else GENESIS) if link else "a" * 64,
    )
    event.mac = services.event_mac(event, key=OTHER_KEY)
    event.save()
    event.hash = chain.seal_digest(OTHER_KEY, event.seq or 0, event.pk, event.prev_hash, event.mac)
    event.save(update_fields=["hash"])
    return event


def recompute(events: list[AuditEvent], *, key: bytes, legacy: bool = False) -> None:
    """Re-chain ``events`` (in seal order) and the head, as an intruder holding ``key``
    (or using the old unkeyed rule) would after editing one of them."""
    prev = events[0].prev_hash
    for event in events:
        event.refresh_from_db()
        event.prev_hash = prev
        if legacy:
            event.version = chain.LEGACY
            event.hash = services.event_digest(event)
        else:
            event.mac = services.event_mac(event, key=key)
            event.hash = chain.seal_digest(key, event.seq or 0, event.pk, prev, event.mac)
        event.save()
        prev = event.hash
    AuditHead.objects.update(last_hash=prev)


@pytest.mark.django_db
@pytest.mark.parametrize("legacy", [False, True], ids=["another_key", "unkeyed_rule"])
def test_it_fails_an_edit_recomputed_without_the_key(legacy: bool) -> None:
    # given: an event edited and every seal from it on recomputed, head included
    events = sealed([record() for _ in range(4)])
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_username="someone else")
    recompute(events[1:], key=OTHER_KEY, legacy=legacy)

    # when
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at) == (False, events[1].pk)


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
        "action": st.sampled_from([a for a in Action.values if a != Action.GAP]),
        "object_type": SLUG,
        "object_id": st.uuids(),
        "person_id": st.one_of(st.just(""), st.uuids()),
        "field_groups": st.lists(SLUG, max_size=4),
        "purpose": st.one_of(st.just(""), SLUG),
        "detail": st.dictionaries(SLUG, JSON_VALUE, max_size=3),
    }
)


def _other_action(event: AuditEvent) -> str:
    return next(a for a in Action.values if a not in (event.action, Action.GAP))


def _altered(text: str) -> str:
    """A different string of the same length (PostgreSQL enforces the column
    lengths, e.g. 36 for a UUID), or "x" for an empty one."""
    if not text:
        return "x"
    return text[:-1] + ("0" if text[-1] != "0" else "1")


STORED_FIELDS = [f for f in AuditEvent._meta.fields if not f.generated]

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
    "detail_json": lambda e: chain.canonical({**json.loads(e.detail_json), "__tampered": True}),
    "version": lambda e: chain.LEGACY,
    "mac": lambda e: "e" * 64,
    "seq": lambda e: -(e.seq or 0),  # moved out of its place in seal order
    "prev_hash": lambda e: "f" * 64 if e.prev_hash != "f" * 64 else "e" * 64,
    "hash": lambda e: "d" * 64,
}

TAMPERINGS = ["edit", "delete", "insert", "reorder", "forge_linked", "forge_unlinked"]


def _shift_from(position: int, chain_events: list[AuditEvent]) -> None:
    """Make room at seal ``position + 1`` (seq is unique: move the end first)."""
    for event in reversed(chain_events[position:]):
        AuditEvent.objects.filter(pk=event.pk).update(seq=(event.seq or 0) + 1)
    AuditHead.objects.update(count=len(chain_events) + 1)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(EVENT, min_size=2, max_size=15),
    tampering=st.sampled_from(TAMPERINGS),
    data=st.data(),
)
def test_it_names_the_first_broken_link_after_any_tampering(
    events: list[dict[str, Any]], tampering: str, data: st.DataObject
) -> None:
    # given: a fresh trail of random events, sealed and verified intact
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    trail = sealed([services.audit_record(**event) for event in events])
    assert services.audit_verify() == services.VerifyResult(True, len(trail))
    k = data.draw(st.integers(0, len(trail) - 2), label="k")
    last = data.draw(st.booleans(), label="at the end")
    if last and tampering in ("edit", "delete"):
        k = len(trail) - 1

    # when: one tampering, straight in the table (save(), audit_record and the sealer bypassed)
    checked: int | None = None
    if tampering == "edit":
        name = data.draw(st.sampled_from(sorted(EDITS)), label="field")
        AuditEvent.objects.filter(pk=trail[k].pk).update(**{name: EDITS[name](trail[k])})
        expected: int | None = trail[k].pk
        if name == "seq":  # the event is missing from its place: the next one does not link
            expected = trail[k + 1].pk if k + 1 < len(trail) else None
        checked = k
    elif tampering == "delete":
        AuditEvent.objects.filter(pk=trail[k].pk).delete()
        expected = trail[k + 1].pk if k + 1 < len(trail) else None
        checked = k
    elif tampering == "insert":
        _shift_from(k + 1, trail)
        expected = forge(after=trail[k]).pk
        checked = k + 1
    elif tampering == "reorder":
        a, b = trail[k], trail[k + 1]
        AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
        AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
        expected = b.pk
        checked = k
    else:
        expected = forge(after=trail[-1], link=tampering == "forge_linked").pk
        checked = len(trail)
    result = services.audit_verify(chunk_size=data.draw(st.integers(1, 20), label="chunk"))

    # then
    assert not result.ok
    assert result.broken_at == expected
    assert result.problem
    assert result.checked == checked


def test_it_changes_the_mac_for_every_content_edit() -> None:
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
        detail_json="{}",
        prev_hash=GENESIS,
    )
    original = services.event_mac(event)
    legacy = services.event_digest(event)

    # then: every field of the content is covered by the MAC (and by the old rule's hash)
    for name in services.STORED:
        changed = AuditEvent(**{f.name: getattr(event, f.name) for f in STORED_FIELDS})
        setattr(changed, name, EDITS[name](event))
        assert services.event_mac(changed) != original, name
        assert services.event_digest(changed) != legacy, name
    assert services.event_mac(event, key=OTHER_KEY) != original


def test_it_covers_every_model_field_with_an_edit() -> None:
    # A new column on AuditEvent must be added to the MAC or the seal, and to EDITS
    # (but for the detail the database makes from the text: no statement can set it).
    stored = {f.name for f in STORED_FIELDS} - {"id"}
    assert stored == set(EDITS)


@pytest.mark.django_db
def test_it_names_events_and_the_head_without_personal_data() -> None:
    # given
    event = record()
    services.audit_seal()

    # then
    assert str(event) == f"audit event {event.pk}"
    assert str(AuditHead.objects.get()) == "audit head"


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [2, 10], ids=["at_a_span_boundary", "within_a_span"])
def test_it_refuses_an_event_of_the_old_rule_after_keyed_ones(chunk_size: int) -> None:
    # given: the third event made to look like one written before the trail was keyed
    events = sealed([record() for _ in range(4)])
    recompute(events[2:3], key=OTHER_KEY, legacy=True)

    # when
    result = services.audit_verify(chunk_size=chunk_size)

    # then
    assert (result.ok, result.broken_at, result.checked) == (False, events[2].pk, 2)
    assert result.problem == "event of the old, unkeyed rule after keyed ones"


@pytest.mark.django_db
def test_it_names_the_event_after_a_whole_span_that_was_deleted() -> None:
    # given
    events = sealed([record() for _ in range(6)])
    AuditEvent.objects.filter(pk__in=[events[2].pk, events[3].pk]).delete()

    # when
    result = services.audit_verify(chunk_size=2)

    # then
    assert (result.ok, result.broken_at, result.checked) == (False, events[4].pk, 2)
    assert result.problem == services.UNLINKED


def test_it_verifies_in_forked_worker_processes() -> None:
    # Forked: workers start at once, with the settings already loaded.
    assert services._fork_context().get_start_method() == "fork"


def test_it_reads_the_time_and_detail_as_either_database_gives_them() -> None:
    # given: one event's content as verification reads it (the time as SQLite's or
    # PostgreSQL's text, or as a datetime; the detail as JSON text or parsed), as
    # Haven writes it and as other writers may have stored the same values
    moment = timezone.now().replace(microsecond=120000)
    middle = (None, "", "", "", "read", "cases.Case", "1", "", "", "")
    key = chain.audit_key()
    mac = chain.content_mac(key, [moment, *middle, {"a": [2], "b": 1}])
    as_written = [
        (str(moment.replace(tzinfo=None)), *middle, '{"a":[2],"b":1}'),  # SQLite
        (moment.replace(tzinfo=None).isoformat(), *middle, '{"a":[2],"b":1}'),  # PostgreSQL
        (moment, *middle, {"a": [2], "b": 1}),
    ]
    in_other_words = [
        (moment.replace(tzinfo=None).isoformat(), *middle, '{"b": 1, "a": [2]}'),
        (moment.replace(tzinfo=None), *middle, '{"b":1,"a":[2]}'),
    ]
    changed = [
        (str(moment.replace(tzinfo=None)), *middle, '{"a":[2],"b":2}'),
        (moment, *middle, '{"a": [2], "b": 2}'),
        ("not a time", *middle, '{"a":[2],"b":1}'),
        (str(moment.replace(tzinfo=None)), *middle, "{not json"),
    ]

    # then: the detail as canonical JSON, whichever way it was stored
    assert [services._detail_json(d) for d in ('{"a":[2]}', '{"a": [2]}', {"a": [2]})] == [
        '{"a":[2]}'
    ] * 3
    assert services._detail_json('{"a": not json') == ""
    # and the same MAC for the same values, whichever way they were stored
    assert [services._mac_holds(key, mac, row) for row in as_written] == [True] * 3
    assert [services._mac_holds(key, mac, row) for row in in_other_words] == [True, True]
    assert [services._mac_holds(key, mac, row) for row in changed] == [False] * 4
    assert chain.hmac_sha256(key, b"m") == hmac.new(key, b"m", "sha256").hexdigest()
