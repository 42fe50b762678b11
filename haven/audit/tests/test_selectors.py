"""The per-person access report reads: one person's events, newest first."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection

from haven.audit import selectors, services
from haven.audit.models import Action, AuditEvent
from haven.audit.services import Actor


@pytest.mark.django_db
def test_it_lists_only_one_persons_events_newest_first() -> None:
    # given
    actor = Actor(id=1, username="reader", organisation_id="o", organisation_name="NGO")
    person, other = uuid.uuid4(), uuid.uuid4()
    first = services.audit_record(
        actor=actor, action=Action.READ, object_type="cases.Case", object_id=1, person_id=person
    )
    services.audit_record(
        actor=actor, action=Action.READ, object_type="cases.Case", object_id=2, person_id=other
    )
    last = services.audit_record(
        actor=actor, action=Action.UPDATE, object_type="cases.Case", object_id=1, person_id=person
    )

    # when
    events = list(selectors.audit_events_for_person(person_id=person))

    # then
    assert [e.pk for e in events] == [last.pk, first.pk]


@pytest.mark.django_db
def test_one_index_serves_the_persons_events_and_no_other_leads_with_the_person() -> None:
    # given: the trail's table as migrated
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)

    # when: the indexes whose first column is the person
    leading = sorted(
        name
        for name, info in constraints.items()
        if info["index"] and info["columns"][:1] == ["person_id"]
    )

    # then: only (person_id, id), which the report's lookup and order use; every
    # append and every seal writes each index of the table
    assert leading == ["audit_person_idx"]
    assert constraints["audit_person_idx"]["columns"] == ["person_id", "id"]


# How each database states the person index's condition.
_INDEX_SQL = {
    "sqlite": "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s",
    "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
}


@pytest.mark.django_db
def test_the_person_index_holds_sealed_events_only() -> None:
    # given: the trail's table as migrated

    # when
    with connection.cursor() as cursor:
        cursor.execute(_INDEX_SQL[connection.vendor], ["audit_person_idx"])
        (definition,) = cursor.fetchone()

    # then: an append does not write it (the seal, which writes every index anyway, does)
    assert "WHERE" in definition.upper()
    assert "seq" in definition and "IS NOT NULL" in definition.upper()


def _record(person: uuid.UUID, object_id: int) -> AuditEvent:
    actor = Actor(id=1, username="reader", organisation_id="o", organisation_name="NGO")
    return services.audit_record(
        actor=actor,
        action=Action.READ,
        object_type="cases.Case",
        object_id=object_id,
        person_id=person,
    )


@pytest.mark.django_db
def test_it_lists_the_persons_sealed_and_unsealed_events_together_newest_first() -> None:
    # given: two of the person's events sealed, then one more (and another person's)
    # written after the seal
    person, other = uuid.uuid4(), uuid.uuid4()
    first, _, second = _record(person, 1), _record(other, 2), _record(person, 3)
    services.audit_seal()
    _record(other, 4)
    unsealed = _record(person, 5)

    # when
    events = list(selectors.audit_events_for_person(person_id=person))

    # then: the unsealed event as well as the sealed ones, and no other person's
    assert [(e.pk, e.seq is None) for e in events] == [
        (unsealed.pk, True),
        (second.pk, False),
        (first.pk, False),
    ]


def _plan(sql: str, params: tuple[Any, ...]) -> str:
    """The database's plan of a query, as one text. PostgreSQL is told to read neither
    the whole table nor a whole index: the test's table is small, and without
    statistics the planner may walk the primary key backwards for the order and filter
    every row, which proves nothing about the conditions. Left only with searches, it
    can find the rows through an index only if the conditions match its predicate."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[3]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")


@pytest.mark.django_db
def test_the_persons_events_are_found_through_indexes_sealed_or_not() -> None:
    # given: a trail with sealed and unsealed events
    person = uuid.uuid4()
    for n in range(20):
        _record(uuid.uuid4() if n % 4 else person, n)
    services.audit_seal()
    _record(person, 99)
    sql, params = selectors.audit_events_for_person(person_id=person).query.sql_with_params()

    # when
    plan = _plan(sql, params)

    # then: the sealed through the person index, the unsealed through an index of
    # what has no seq yet, never the whole table
    assert "audit_person_idx" in plan
    assert "seq" in plan.lower()
    lines = (line.strip().removeprefix("->").strip() for line in plan.splitlines())
    reads = [line for line in lines if "audit_auditevent " in f"{line} "]
    assert reads
    assert all(line.startswith(("SEARCH", "Bitmap Heap Scan", "Index Scan")) for line in reads)
