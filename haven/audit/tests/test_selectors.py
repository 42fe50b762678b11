"""The per-person access report reads: one person's events, newest first."""

from __future__ import annotations

import uuid

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
