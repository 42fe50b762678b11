"""`make bench` (audit): the seal and verify figures, on a small trail."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import audit
from haven.audit.models import AuditEvent


@pytest.mark.django_db
def test_it_fills_seals_and_verifies_the_trail_and_reports_each_rate() -> None:
    # when
    audit.fill(12, batch=5)
    sealed = audit.seal_rate()
    verified = audit.verify_rate(workers=1)

    # then
    assert (sealed["bench"], sealed["events"]) == ("audit_seal", 12)
    assert (verified["bench"], verified["events"], verified["ok"]) == ("audit_verify", 12, True)
    assert verified["unsealed"] == 0
    assert {"events_per_s", "load_avg_1m", "database"} <= set(verified)


@pytest.mark.django_db
def test_it_appends_as_many_events_as_asked_whatever_the_transaction_size() -> None:
    # when: 7 events, 3 to a transaction (the last one holds 1)
    audit.append(7, per_transaction=3)
    audit.fill(9, batch=5)  # brings the trail to 9, not 9 more

    # then
    assert AuditEvent.objects.count() == 9


@pytest.mark.django_db
def test_it_appends_outside_any_transaction_when_asked_for_none() -> None:
    # when: 0 to a transaction, i.e. each event its own statement in autocommit
    audit.append(3, per_transaction=0)

    # then
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_it_reports_cpu_per_event_and_the_servers_on_postgresql_only() -> None:
    # when
    server = audit._server_cpu()
    figures = audit._rates(4, 2.0, 0.5, None)

    # then: SQLite's work is the client's own; a PostgreSQL server's is read apart
    if connection.vendor == "postgresql":
        assert server is not None and server > 0
    else:
        assert server is None
    assert (figures["events_per_s"], figures["client_cpu_us_per_event"]) == (2, 125_000.0)
    assert "server_cpu_us_per_event" not in figures
    assert audit._rates(2, 1.0, 0.5, 0.25)["server_cpu_us_per_event"] == 125_000.0
