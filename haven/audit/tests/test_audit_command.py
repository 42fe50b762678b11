"""`haven audit verify`: prints an intact trail, names the first broken link otherwise."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from haven.audit import services
from haven.audit.models import Action, AuditEvent
from haven.audit.services import Actor

ACTOR = Actor(id=1, username="auditor", organisation_id="", organisation_name="")


def trail(length: int) -> list[AuditEvent]:
    return [
        services.audit_record(
            actor=ACTOR, action=Action.READ, object_type="cases.Case", object_id=uuid.uuid4()
        )
        for _ in range(length)
    ]


@pytest.mark.django_db
def test_it_prints_that_an_intact_trail_is_intact() -> None:
    # given
    trail(3)
    out = io.StringIO()

    # when
    call_command("audit", "verify", stdout=out)

    # then
    assert "intact" in out.getvalue()
    assert "3 events" in out.getvalue()


@pytest.mark.django_db
def test_it_fails_naming_the_event_that_was_edited() -> None:
    # given
    events = trail(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_username="someone else")

    # when
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=io.StringIO())

    # then
    assert f"event {events[1].pk}:" in str(raised.value)


@pytest.mark.django_db
def test_it_fails_naming_the_end_when_the_last_event_was_deleted() -> None:
    # given
    events = trail(2)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()

    # when
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=io.StringIO())

    # then
    assert "end of the trail" in str(raised.value)


@pytest.mark.django_db
def test_it_prints_the_result_as_json() -> None:
    # given
    events = trail(2)
    out = io.StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    intact = json.loads(out.getvalue())
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    out = io.StringIO()

    # when
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json", stdout=out)

    # then
    assert intact == {"ok": True, "checked": 2, "broken_at": None, "problem": ""}
    broken = json.loads(out.getvalue())
    assert broken["ok"] is False
    assert broken["broken_at"] == events[1].pk


def test_it_accepts_only_known_actions() -> None:
    with pytest.raises(CommandError):
        call_command("audit", "repair")
