"""Many audited reads in one transaction (issue 13: the report for the person): inside
``audit_batch`` the events are the same, in the same order, appended in one statement
at the end of the batch's transaction, and a read step takes no savepoint yet loses
nothing a savepoint would have kept nor keeps anything it would have undone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from haven.audit import services
from haven.audit.models import Action, AuditEvent, AuditHead
from haven.audit.services import Actor

pytestmark = pytest.mark.django_db

ACTOR = Actor(id=7, username="caseworker7", organisation_id="org-1", organisation_name="NGO One")


class Refused(Exception):
    """What a selector raises when its reader may not see a group (caught by its caller)."""


def record(object_type: str = "cases.Case", **detail: Any) -> AuditEvent:
    return services.audit_record(
        actor=ACTOR,
        action=Action.READ,
        object_type=object_type,
        object_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        field_groups=["identity"],
        purpose="assistance",
        detail=detail,
    )


@services.audited_read()
def read_step(object_type: str, *, refuse: bool = False) -> None:
    """A selector: records its read, then (maybe) refuses."""
    record(object_type)
    if refuse:
        raise Refused(object_type)


def stored_types() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("object_type", flat=True))


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"].split()[0].upper() for query in captured.captured_queries]


def test_a_batch_appends_its_events_in_one_statement_in_the_order_recorded() -> None:
    # when
    with CaptureQueriesContext(connection) as captured, services.audit_batch():
        for number in range(5):
            read_step(f"app.Model{number}")
        record("cases.Person", report="person")

    # then: one INSERT (inside the batch's own transaction, no savepoint for the steps)
    assert statements(captured).count("INSERT") == 1
    assert "SAVEPOINT" not in " ".join(statements(captured)[1:-1])
    assert stored_types() == [*(f"app.Model{n}" for n in range(5)), "cases.Person"]
    stored = AuditEvent.objects.order_by("id")
    assert all(event.mac == services.event_mac(event) for event in stored)
    assert stored.last().detail == {"report": "person"}  # type: ignore[union-attr]


def test_events_of_a_batch_seal_and_verify_like_any_other() -> None:
    # given
    with services.audit_batch():
        read_step("app.A")
        read_step("app.B")
    record("app.C")

    # when
    services.audit_seal()

    # then
    assert services.audit_verify() == services.VerifyResult(True, 3)


def test_a_batch_writes_as_many_statements_as_its_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    monkeypatch.setattr(services, "BATCH_ROWS_PER_STATEMENT", 2)

    # when
    with CaptureQueriesContext(connection) as captured, services.audit_batch():
        for number in range(5):
            read_step(f"app.Model{number}")

    # then
    assert statements(captured).count("INSERT") == 3
    assert stored_types() == [f"app.Model{n}" for n in range(5)]


def test_an_event_recorded_in_a_batch_is_returned_before_it_has_an_id() -> None:
    # when
    with services.audit_batch():
        event = record("app.A")
        pending: object = event.pk

    # then
    assert pending is None
    assert event.mac == services.event_mac(AuditEvent.objects.get())


def test_a_failed_batch_writes_no_event() -> None:
    # when: the batch fails after its reads (the report's own event cannot be written)
    with pytest.raises(RuntimeError), services.audit_batch():
        read_step("app.A")
        raise RuntimeError("audit trail unavailable")

    # then: the reads' events went with it, as in one transaction
    assert stored_types() == []


def test_a_refused_step_drops_its_own_events_and_keeps_the_others() -> None:
    # given / when: the second step records, then refuses (its caller shows why)
    with services.audit_batch():
        read_step("app.A")
        with pytest.raises(Refused):
            read_step("app.B", refuse=True)
        read_step("app.C")

    # then: what a savepoint's rollback would have left
    assert stored_types() == ["app.A", "app.C"]


def test_a_refused_step_outside_a_batch_is_rolled_back_as_its_own_transaction() -> None:
    # when
    with pytest.raises(Refused):
        read_step("app.B", refuse=True)
    read_step("app.C")

    # then
    assert stored_types() == ["app.C"]


def test_a_step_outside_a_batch_writes_its_event_at_once(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # when / then: its own transaction (a savepoint in the test's) and its INSERT
    with django_assert_num_queries(3) as captured:
        read_step("app.A")
    assert statements(captured) == ["SAVEPOINT", "INSERT", "RELEASE"]


def test_a_batch_inside_a_batch_joins_it() -> None:
    # when
    with CaptureQueriesContext(connection) as captured, services.audit_batch():
        read_step("app.A")
        with services.audit_batch():
            read_step("app.B")
        read_step("app.C")

    # then
    assert statements(captured).count("INSERT") == 1
    assert stored_types() == ["app.A", "app.B", "app.C"]


def test_a_step_refuses_a_write_no_savepoint_could_undo() -> None:
    # given: a selector that writes something besides its audit event
    @services.audited_read()
    def writing_step() -> None:
        record("app.A")
        AuditHead.objects.create(id=1, last_hash="x", count=0, watermark=0)

    # when / then: refused inside a batch (it would survive the step's failure)...
    with (
        pytest.raises(transaction.TransactionManagementError, match="audited read step"),
        services.audit_batch(),
    ):
        writing_step()
    assert stored_types() == []
    assert not AuditHead.objects.exists()

    # ... and allowed alone, where the step is a transaction of its own
    writing_step()
    assert AuditHead.objects.count() == 1
    assert stored_types() == ["app.A"]


def test_a_batch_lets_its_own_body_and_a_nested_transaction_write() -> None:
    # given: a step that opens a transaction of its own for a write (a savepoint)
    @services.audited_read()
    def step_with_a_write() -> None:
        with transaction.atomic():
            AuditHead.objects.create(id=1, last_hash="x", count=0, watermark=0)
            record("app.Written")  # at once: the savepoint protects it
            read_step("app.Nested")  # a transaction of its own, in the savepoint's

    # when
    with CaptureQueriesContext(connection) as captured, services.audit_batch():
        step_with_a_write()
        AuditHead.objects.filter(id=1).update(count=1)  # the batch's own body
        read_step("app.A")

    # then: the nested events at once, the batch's at its end
    events = [q["sql"] for q in captured.captured_queries if "audit_auditevent" in q["sql"]]
    assert len(events) == 3
    assert stored_types() == ["app.Written", "app.Nested", "app.A"]
    assert AuditHead.objects.get().count == 1


def test_a_nested_transaction_that_fails_in_a_batch_takes_its_events_with_it() -> None:
    # given
    def failing_write() -> None:
        with transaction.atomic():
            record("app.Undone")
            raise Refused("app.Undone")

    # when
    with services.audit_batch():
        read_step("app.A")
        with pytest.raises(Refused):
            failing_write()

    # then
    assert stored_types() == ["app.A"]
