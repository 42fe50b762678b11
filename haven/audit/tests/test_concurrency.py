"""Appends from real concurrent connections, and verification on both cores.

On PostgreSQL ids are handed out when a row is inserted but become visible when
its transaction commits, so event 101 can be committed (and sealed) before 100.
The sealer seals in its own order and never skips: every event ends up sealed,
each writer's events in the order it wrote them, none lost."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction

from haven.audit import services
from haven.audit.models import Action, AuditEvent, AuditHead
from haven.audit.services import Actor
from haven.audit.tests.test_services import _shift_from, forge, sealed

ON_SQLITE = connection.vendor == "sqlite"
NEEDS_POSTGRES = pytest.mark.skipif(
    ON_SQLITE,
    reason="SQLite lets one transaction write at a time, so commits come in id order; "
    "out-of-order commits from concurrent connections happen on PostgreSQL",
)


def _write(actor: Actor) -> AuditEvent:
    return services.audit_record(
        actor=actor, action=Action.READ, object_type="cases.Case", object_id=uuid.uuid4()
    )


def _threads(*targets: Callable[[], None]) -> list[BaseException]:
    """Run each target in its own thread (and so its own connection)."""
    errors: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return errors


@NEEDS_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_is_sealed_not_lost() -> None:
    # given: writer A inserts first and commits last; B commits in between, and is sealed
    inserted, b_sealed = threading.Event(), threading.Event()
    written: dict[str, int] = {}

    def writer_a() -> None:
        with transaction.atomic():
            written["a"] = _write(Actor(1, "a", "", "")).pk
            inserted.set()
            assert b_sealed.wait(timeout=60)

    def writer_b_then_seal() -> None:
        assert inserted.wait(timeout=60)
        written["b"] = _write(Actor(2, "b", "", "")).pk
        services.audit_seal()
        b_sealed.set()

    # when
    errors = _threads(writer_a, writer_b_then_seal)
    result = services.audit_seal()

    # then
    assert errors == []
    assert written["a"] < written["b"]
    seqs = dict(AuditEvent.objects.values_list("id", "seq"))
    assert (seqs[written["b"]], seqs[written["a"]]) == (1, 2)
    assert (result.sealed, result.gap_ids) == (1, 0)
    assert services.audit_verify() == services.VerifyResult(True, 2)


@NEEDS_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_all_end_up_sealed_in_order_none_lost() -> None:
    # given: a trail already sealed once (the sealer's watermark set), then two
    # writers on their own connections, each writing transactions of three events;
    # both insert before either commits (their ids interleave, and either may commit
    # first); each rolls one transaction back; the sealer runs meanwhile
    first = sealed([_write(Actor(None, "first", "", ""))])[0]
    rounds, per_transaction = 12, 3
    both_inserted = threading.Barrier(2, timeout=60)
    done = threading.Event()
    ids: dict[str, list[int]] = {"a": [], "b": []}
    rolled_back: list[int] = []

    class Abandon(Exception):
        pass

    def writer(name: str, abandon_at: int) -> Callable[[], None]:
        def write() -> None:
            for n in range(rounds):
                written = []
                try:
                    with transaction.atomic():
                        written = [_write(Actor(None, name, "", "")).pk for _ in range(3)]
                        both_inserted.wait()
                        if n == abandon_at:
                            raise Abandon
                except Abandon:
                    rolled_back.extend(written)
                    continue
                ids[name].extend(written)

        return write

    def sealer() -> None:
        while not done.is_set():
            services.audit_seal()

    def writers() -> None:
        try:
            assert _threads(writer("a", 4), writer("b", 7)) == []
        finally:
            done.set()

    # when
    errors = _threads(writers, sealer)
    result = services.audit_seal(grace_seconds=0)

    # then: every committed event sealed once, seals 1..n without a hole, each
    # writer's in the order it wrote them, the rolled-back ids sealed as a gap
    assert errors == []
    committed = ids["a"] + ids["b"]
    assert len(committed) == 2 * (rounds - 1) * per_transaction
    committed.append(first.pk)
    assert len(rolled_back) == 2 * per_transaction
    assert sorted(ids["a"] + ids["b"]) != ids["a"] + ids["b"]  # the writers did interleave
    seqs = dict(AuditEvent.objects.values_list("id", "seq"))
    gap = AuditEvent.objects.get(action=Action.GAP)
    assert set(seqs) == {*committed, gap.pk}
    assert sorted(seq or 0 for seq in seqs.values()) == list(range(1, len(committed) + 2))
    for name in ("a", "b"):
        assert [seqs[i] or 0 for i in ids[name]] == sorted(seqs[i] or 0 for i in ids[name])
    gap_ids = {i for first, last in gap.detail["ids"] for i in range(first, last + 1)}
    assert gap_ids == set(rolled_back)
    assert result.gap_ids == len(rolled_back)
    verified = services.audit_verify(chunk_size=10, workers=2)
    assert verified == services.VerifyResult(True, len(committed) + 1, gap_ids=len(rolled_back))


class _InProcess:
    """Stands in for a process pool where forked workers cannot reach the test
    database (SQLite's is in this process's memory)."""

    def Pool(self, workers: int) -> _InProcess:
        self.workers = workers
        return self

    def __enter__(self) -> _InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def imap(self, function: Callable[[Any], Any], jobs: list[Any]) -> Any:
        return map(function, jobs)


@pytest.mark.django_db(transaction=True)
def test_it_verifies_spans_in_worker_processes_and_joins_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: spans of 7 seals, and an event edited in the fourth span
    if ON_SQLITE:
        monkeypatch.setattr(services, "_fork_context", _InProcess)
    events = [_write(Actor(3, "c", "", "")) for _ in range(40)]
    services.audit_seal()

    # when
    intact = services.audit_verify(chunk_size=7, workers=2)
    AuditEvent.objects.filter(pk=events[23].pk).update(actor_username="someone else")
    broken = services.audit_verify(chunk_size=7, workers=2)

    # then
    assert intact == services.VerifyResult(True, 40)
    assert (broken.ok, broken.broken_at, broken.checked) == (False, events[23].pk, 23)


@pytest.mark.django_db
def test_it_verifies_in_this_process_inside_a_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: uncommitted rows that another process could not see
    def no_fork() -> None:
        raise AssertionError("no worker process may be started")

    monkeypatch.setattr(services, "_fork_context", no_fork)
    for _ in range(5):
        _write(Actor(3, "c", "", ""))
    services.audit_seal()

    # when
    result = services.audit_verify(chunk_size=2, workers=2)

    # then
    assert result == services.VerifyResult(True, 5)


def _tampered(kind: str, events: list[AuditEvent]) -> int | None:
    """Tamper with a sealed trail of 40 events straight in the table; the id
    verification must name (None: the end of the trail)."""
    if kind == "edited":
        AuditEvent.objects.filter(pk=events[23].pk).update(purpose="immigration")
        return events[23].pk
    if kind == "deleted":
        AuditEvent.objects.filter(pk=events[23].pk).delete()
        return events[24].pk
    if kind == "inserted":
        _shift_from(24, events)
        return forge(after=events[23]).pk
    if kind == "reordered":
        a, b = events[23], events[24]
        AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
        AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
        return b.pk
    # truncated: the newest events cut, and the head set back to match
    AuditEvent.objects.filter(pk__in=[e.pk for e in events[30:]]).delete()
    if kind == "truncated_head_kept":
        return None
    AuditHead.objects.update(count=30, last_hash=events[29].hash)
    return None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "kind", ["edited", "deleted", "inserted", "reordered", "truncated_head_kept", "truncated"]
)
def test_the_chain_verified_on_both_cores_detects_each_tampering(
    kind: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given: 40 events sealed, verified in spans of 7 by two worker processes (the
    # tampering in the fourth span), an anchor written before a truncation
    if ON_SQLITE:
        monkeypatch.setattr(services, "_fork_context", _InProcess)
    events = sealed([_write(Actor(3, "c", "", "")) for _ in range(40)])
    anchor = tmp_path / "anchors.jsonl"
    services.audit_anchor(path=anchor)
    broken_at = _tampered(kind, events)

    # when
    result = services.audit_verify(chunk_size=7, workers=2)
    anchored = services.audit_verify(chunk_size=7, workers=2, anchor_file=anchor)

    # then
    if kind == "truncated":  # the head was set back too: only the anchor knows
        assert result == services.VerifyResult(True, 30)
        assert (anchored.ok, anchored.checked) == (False, 30)
        assert "events were removed at the end" in anchored.problem
    else:
        assert (result.ok, result.broken_at) == (False, broken_at)
        assert result.problem
        assert (anchored.ok, anchored.broken_at) == (False, broken_at)
