"""`make bench` (audit): the seal and verify figures, on a small trail."""

from __future__ import annotations

import pytest

from bench import audit


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
