"""The per-person access report reads: one person's events, newest first."""

from __future__ import annotations

import uuid

import pytest

from haven.audit import selectors, services
from haven.audit.models import Action
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
