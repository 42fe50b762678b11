"""`haven audit verify|seal|anchor|schedule`: prints an intact trail (and how much of
it awaits its seal), names the first broken link otherwise; seals; anchors."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django import Settings

from haven.audit import services
from haven.audit.models import Action, AuditEvent
from haven.audit.services import Actor

ACTOR = Actor(id=1, username="auditor", organisation_id="", organisation_name="")


def trail(length: int, *, seal: bool = True) -> list[AuditEvent]:
    events = [
        services.audit_record(
            actor=ACTOR, action=Action.READ, object_type="cases.Case", object_id=uuid.uuid4()
        )
        for _ in range(length)
    ]
    if seal:
        services.audit_seal()
    return events


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_that_an_intact_trail_is_intact_and_what_awaits_its_seal() -> None:
    # given
    trail(3)
    trail(1, seal=False)

    # when
    out = run("verify")

    # then
    assert out.strip() == (
        "audit trail intact: 4 events verified, 1 not sealed yet, 0 ids never committed, "
        "0 anchors matched"
    )


@pytest.mark.django_db
def test_it_fails_naming_the_event_that_was_edited() -> None:
    # given
    events = trail(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_username="someone else")

    # when
    with pytest.raises(CommandError) as raised:
        run("verify")

    # then
    assert f"event {events[1].pk}:" in str(raised.value)


@pytest.mark.django_db
def test_it_fails_naming_the_end_when_the_last_event_was_deleted() -> None:
    # given
    events = trail(2)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()

    # when
    with pytest.raises(CommandError) as raised:
        run("verify")

    # then
    assert "end of the trail" in str(raised.value)


@pytest.mark.django_db
def test_it_prints_the_result_as_json() -> None:
    # given
    events = trail(2)
    intact = json.loads(run("verify", "--json"))
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    out = io.StringIO()

    # when
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json", stdout=out)

    # then
    assert intact == {
        "ok": True,
        "checked": 2,
        "broken_at": None,
        "problem": "",
        "unsealed": 0,
        "gap_ids": 0,
        "anchors": 0,
    }
    broken = json.loads(out.getvalue())
    assert broken["ok"] is False
    assert broken["broken_at"] == events[1].pk


@pytest.mark.django_db
def test_it_seals_and_says_how_many(settings: Settings) -> None:
    # given
    trail(2, seal=False)

    # when
    plain = run("seal")
    trail(1, seal=False)
    as_json = json.loads(run("seal", "--json"))

    # then
    assert plain.strip() == "sealed 2 events, 0 ids recorded as never committed; last seal 2"
    assert as_json == {"sealed": 1, "gap_ids": 0, "seq": 3}


@pytest.mark.django_db
def test_it_anchors_to_a_file_and_verifies_against_it(tmp_path: Path, settings: Settings) -> None:
    # given
    trail(2)
    out = tmp_path / "anchors.jsonl"
    settings.HAVEN_AUDIT_ANCHOR_FILE = str(tmp_path / "configured.jsonl")

    # when
    first = run("anchor", "--out", str(out))
    again = run("anchor", "--out", str(out))
    configured = run("anchor")
    verified = run("verify", "--anchor", str(out))

    # then
    assert first.startswith("anchored: seal 2 (")
    assert again.startswith("already anchored: seal 2 (")
    assert configured.startswith("anchored: seal 2 (")
    assert (tmp_path / "configured.jsonl").is_file()
    assert "1 anchors matched" in verified


@pytest.mark.django_db
def test_it_asks_where_to_anchor(settings: Settings) -> None:
    # given
    settings.HAVEN_AUDIT_ANCHOR_FILE = ""

    # when
    with pytest.raises(CommandError) as raised:
        run("anchor")

    # then
    assert "--out" in str(raised.value)


@pytest.mark.django_db
def test_it_fails_cleanly_without_the_audit_key(settings: Settings, tmp_path: Path) -> None:
    # given
    settings.HAVEN_AUDIT_KEY = ""

    # when
    with pytest.raises(CommandError) as raised:
        run("verify")

    # then
    assert str(raised.value) == "HAVEN_AUDIT_KEY (or HAVEN_AUDIT_KEY_FILE) is not set"


def test_it_accepts_only_known_actions() -> None:
    with pytest.raises(CommandError):
        call_command("audit", "repair")
