"""The benchmark's seeding, page timing and load-test helpers, on a small scale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from bench import run
from bench import seed as bench_seed
from bench.otp import totp_code
from haven.access.models import FieldGroup, TeamMembership
from haven.audit import services as audit_services
from haven.audit.models import AuditEvent
from haven.cases import selectors
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus, transition_allowed
from haven.deadlines import kinds
from haven.deadlines.models import Task


@pytest.fixture
def world(db: None) -> bench_seed.BenchWorld:
    return bench_seed.seed(cases=50, batch_size=20)


def test_it_seeds_cases_whose_encrypted_fields_the_team_can_read(
    world: bench_seed.BenchWorld,
) -> None:
    # given
    reader = world.caseworkers[0]
    visible = selectors.case_list(user=reader)
    assert Case.objects.count() == 50
    assert visible.exists()

    # when
    views = [selectors.case_read(user=reader, case_id=case.id) for case in visible[:10]]

    # then
    for view in views:
        identity = view.group(FieldGroup.IDENTITY).data
        narrative = view.group(FieldGroup.NARRATIVE).data
        legal = view.group(FieldGroup.LEGAL).data
        assert identity is not None and identity["given_name"] and identity["family_name"]
        assert narrative is not None and narrative["entries"][0]["text"].startswith("Bench")
        assert legal is not None
        assert legal["transitions"][-1]["to_status"] == view.case.identification_status


def test_it_records_histories_that_follow_the_allowed_transitions(
    world: bench_seed.BenchWorld,
) -> None:
    for case in Case.objects.prefetch_related("transitions"):
        steps = [(t.from_status, t.to_status) for t in case.transitions.all()]
        assert steps[0] == ("", IdentificationStatus.POTENTIAL)
        assert all(transition_allowed(a, b) for a, b in steps[1:])
        assert steps[-1][1] == case.identification_status


def test_it_times_the_list_and_detail_pages(world: bench_seed.BenchWorld) -> None:
    # when
    figures = run.measure(world, requests=3)

    # then
    assert [f["bench"] for f in figures] == [
        "case_list",
        "case_list_status",
        "case_search",
        "case_detail",
        "home",
        "linkage_check",
    ]
    for figure in figures:
        assert figure["status"] == [200], figure
        assert figure["queries_per_page"] > 0
        assert figure["p50_ms"] <= figure["p95_ms"]
    # the search before create finds the known persons it was given, in Latin letters
    check = figures[-1]
    assert check["known_found"] == check["known_asked"] == 2
    assert check["new_asked"] == 1


def test_it_computes_the_same_totp_codes_as_django_otp() -> None:
    # given the RFC 6238 SHA-1 test key
    key = "3132333435363738393031323334353637383930"

    # then
    assert totp_code(key, at=59.0) == "287082"  # RFC 6238 vectors, last six digits
    assert totp_code(key, at=1111111109.0) == "081804"
    for moment in (1234567890.0, 2000000000.0):
        reference = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
        reference.time = moment
        assert totp_code(key, at=moment) == f"{reference.token():06d}"


def test_it_reports_percentiles_between_the_samples() -> None:
    # given
    samples = [float(n) for n in range(1, 101)]

    # then
    assert run.percentile(samples, 50) == pytest.approx(50.5)
    assert run.percentile(samples, 95) == pytest.approx(95.05)
    assert run.percentile([7.0], 95) == 7.0


def test_it_seeds_deadlines_and_audit_events_like_a_year_of_use(
    world: bench_seed.BenchWorld,
) -> None:
    # given
    now = timezone.now()
    tasks = Task.objects.all()

    # then: open deadlines due in the past and the future, closed ones, several kinds
    open_tasks = tasks.filter(status=Task.Status.OPEN)
    assert 0 < open_tasks.count() < tasks.count()
    assert open_tasks.filter(due_at__lt=now).exists()
    assert open_tasks.filter(due_at__gt=now).exists()
    assert tasks.exclude(status=Task.Status.OPEN).filter(closed_at__isnull=False).exists()
    assert tasks.values("kind").distinct().count() > 1
    assert set(tasks.values_list("kind", flat=True)) <= set(kinds.keys())
    for task in tasks.select_related("case")[:20]:
        assert TeamMembership.objects.filter(
            case=task.case, organisation_id=task.assigned_organisation_id, is_lead=True
        ).exists()
    # then: audit events over the year, on the seeded cases, whose MACs verify
    events = AuditEvent.objects.all()
    assert events.count() > Case.objects.count()
    assert events.filter(occurred_at__lt=now - timedelta(days=180)).exists()
    case_ids = [str(pk) for pk in Case.objects.values_list("pk", flat=True)]
    assert not events.exclude(object_id__in=case_ids).exists()
    audit_services.audit_seal()
    assert audit_services.audit_verify().ok


def test_it_keeps_the_reference_keys_of_the_bulk_cases(world: bench_seed.BenchWorld) -> None:
    for case in Case.objects.all()[:10]:
        assert case.reference_key == case.reference.replace("-", "")
        assert case.reference_key_reversed == case.reference_key[::-1]
