"""Signed anchors outside the database: what the chain alone cannot show, a truncated
tail or a rewritten trail, ``haven audit verify --anchor FILE`` does."""

from __future__ import annotations

import base64
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pytest_django import Settings

from haven.audit import anchors, chain, services
from haven.audit.errors import AuditMisconfigured, ErrorCode
from haven.audit.models import AuditEvent, AuditHead
from haven.audit.tests.test_services import OTHER_KEY, recompute, record, sealed

MOMENT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_it_appends_a_signed_head_to_a_file_of_the_owner_alone(tmp_path: Path) -> None:
    # given
    events = sealed([record(), record()])
    out = tmp_path / "anchors.jsonl"

    # when
    anchor, written = services.audit_anchor(path=out, now=MOMENT)

    # then
    assert written
    assert anchor == anchors.Anchor(seq=2, digest=events[-1].hash, at=MOMENT.isoformat())
    line = json.loads(out.read_text())
    assert (line["seq"], line["digest"], line["at"]) == (2, events[-1].hash, MOMENT.isoformat())
    assert line["key"] == anchors.public_key(chain.audit_key())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # and whoever holds only the public key can check it
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(line["key"]))
    assert anchors.anchor_parse(out.read_text(), public=public, number=1) == anchor


@pytest.mark.django_db
def test_it_anchors_a_head_once_and_again_when_it_moved(tmp_path: Path) -> None:
    # given
    out = tmp_path / "anchors.jsonl"
    services.audit_anchor(path=out)  # an empty trail: seal 0

    # when
    _, same = services.audit_anchor(path=out)
    sealed([record()])
    moved, written = services.audit_anchor(path=out)

    # then
    assert (same, written, moved.seq) == (False, True, 1)
    assert [json.loads(line)["seq"] for line in out.read_text().splitlines()] == [0, 1]


@pytest.mark.django_db
def test_it_anchors_after_a_last_line_that_is_no_anchor(tmp_path: Path) -> None:
    # given
    out = tmp_path / "anchors.jsonl"
    out.write_text("not an anchor\n\n")

    # when
    _, written = services.audit_anchor(path=out)

    # then
    assert written
    assert anchors.last_line(out).startswith('{"seq":0')


@pytest.mark.django_db
def test_it_detects_a_truncated_tail_that_only_the_anchor_knows(tmp_path: Path) -> None:
    # given: five sealed and anchored, then the newest two cut and the head set back
    events = sealed([record() for _ in range(5)])
    out = tmp_path / "anchors.jsonl"
    services.audit_anchor(path=out, now=MOMENT)
    AuditEvent.objects.filter(pk__in=[e.pk for e in events[3:]]).delete()
    AuditHead.objects.update(count=3, last_hash=events[2].hash)

    # when
    alone = services.audit_verify()
    anchored = services.audit_verify(anchor_file=out)

    # then
    assert alone.ok
    assert (anchored.ok, anchored.broken_at, anchored.checked) == (False, None, 3)
    assert anchored.problem == (
        f"the trail ends at seal 3, but an anchor of {MOMENT.isoformat()} vouches for "
        "seal 5: events were removed at the end"
    )


@pytest.mark.django_db
def test_it_detects_a_trail_rewritten_under_the_old_rule(tmp_path: Path) -> None:
    # given: anchored, then every event rewritten and re-chained by the unkeyed rule
    events = sealed([record() for _ in range(3)])
    out = tmp_path / "anchors.jsonl"
    services.audit_anchor(path=out)
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_username="someone else")
    recompute(events, key=OTHER_KEY, legacy=True)

    # when
    alone = services.audit_verify()
    anchored = services.audit_verify(anchor_file=out)

    # then: the chain alone cannot tell; the anchor can, at the anchored seal
    assert alone.ok
    assert (anchored.ok, anchored.broken_at) == (False, events[2].pk)
    assert anchored.problem == "event differs from its signed anchor: the trail was rewritten"


@pytest.mark.django_db
def test_it_counts_the_anchors_it_matched(tmp_path: Path) -> None:
    # given
    out = tmp_path / "anchors.jsonl"
    sealed([record()])
    services.audit_anchor(path=out)
    sealed([record(), record()])
    services.audit_anchor(path=out)
    with out.open("a") as more:
        more.write("\n")  # a blank line is no anchor
    record()

    # when
    result = services.audit_verify(anchor_file=out, chunk_size=2)

    # then
    assert result == services.VerifyResult(True, 4, unsealed=1, anchors=2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "line",
    ["{not json", '{"seq": 1}', "forged"],
    ids=["malformed", "unsigned", "forged"],
)
def test_it_refuses_an_anchor_file_with_a_line_not_signed_by_the_trail(
    tmp_path: Path, line: str
) -> None:
    # given
    sealed([record()])
    out = tmp_path / "anchors.jsonl"
    services.audit_anchor(path=out)
    if line == "forged":
        forged = anchors.Anchor(seq=9, digest="0" * 64, at=MOMENT.isoformat())
        line = anchors.anchor_line(OTHER_KEY, forged)
    with out.open("a") as more:
        more.write(line + "\n")

    # when
    result = services.audit_verify(anchor_file=out)

    # then
    assert not result.ok
    assert result.problem == "anchor line 2 is not an anchor signed with this trail's key"


@pytest.mark.django_db
def test_it_refuses_a_missing_anchor_file(tmp_path: Path) -> None:
    with pytest.raises(AuditMisconfigured) as raised:
        services.audit_verify(anchor_file=tmp_path / "nowhere.jsonl")
    assert raised.value.code == ErrorCode.ANCHOR_FILE_MISSING


# --- the key ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", ErrorCode.KEY_MISSING),
        (None, ErrorCode.KEY_MISSING),
        ("not base64!", ErrorCode.KEY_NOT_BASE64),
        (base64.b64encode(b"short").decode(), ErrorCode.KEY_WRONG_LENGTH),
    ],
    ids=["empty", "unset", "not_base64", "wrong_length"],
)
def test_it_refuses_a_misconfigured_audit_key(
    settings: Settings, raw: str | None, code: ErrorCode
) -> None:
    # given
    settings.HAVEN_AUDIT_KEY = raw

    # when
    with pytest.raises(AuditMisconfigured) as raised:
        chain.audit_key()

    # then: the message names the setting
    assert raised.value.code == code
    assert "HAVEN_AUDIT_KEY" in raised.value.message


@pytest.mark.django_db
def test_it_fails_a_trail_verified_under_another_key(settings: Settings) -> None:
    # given
    [event] = sealed([record()])

    # when
    settings.HAVEN_AUDIT_KEY = base64.b64encode(OTHER_KEY).decode()
    result = services.audit_verify()

    # then
    assert (result.ok, result.broken_at, result.problem) == (False, event.pk, services.CHANGED)
