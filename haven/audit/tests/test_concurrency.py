"""Appends from real concurrent connections, and verification on both cores.

On PostgreSQL ids are handed out when a row is inserted but become visible when
its transaction commits, so event 101 can be committed (and sealed) before 100.
The sealer seals in its own order and never skips: every event ends up sealed,
each writer's events in the order it wrote them, none lost."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from haven.audit import services
from haven.audit.models import Action, AuditEvent
from haven.audit.services import Actor

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
    # given: two writers on their own connections, and the sealer running meanwhile
    per_writer, done = 60, threading.Event()
    ids: dict[str, list[int]] = {"a": [], "b": []}

    def writer(name: str) -> Callable[[], None]:
        def write() -> None:
            for _ in range(per_writer):
                with transaction.atomic():
                    ids[name].append(_write(Actor(None, name, "", "")).pk)

        return write

    def sealer() -> None:
        while not done.is_set():
            services.audit_seal()

    def writers() -> None:
        try:
            assert _threads(writer("a"), writer("b")) == []
        finally:
            done.set()

    # when
    errors = _threads(writers, sealer)
    services.audit_seal()

    # then: every event sealed once, seals 1..n without a hole, each writer's in order
    assert errors == []
    seqs = dict(AuditEvent.objects.values_list("id", "seq"))
    assert len(seqs) == 2 * per_writer
    assert sorted(seq or 0 for seq in seqs.values()) == list(range(1, 2 * per_writer + 1))
    for name in ("a", "b"):
        assert [seqs[i] or 0 for i in ids[name]] == sorted(seqs[i] or 0 for i in ids[name])
    assert services.audit_verify() == services.VerifyResult(True, 2 * per_writer)


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
