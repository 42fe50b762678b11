"""Health and readiness probes for load balancers, container engines and systemd.

- ``/health/live``: the process answers. Touches nothing, not even the database.
- ``/health/ready``: this process can serve: the database answers a cheap query,
  every migration is applied, the vault keys are configured, and the worker
  (``haven db_worker``) is not leaving due tasks waiting.

Both answer JSON, 200 or 503, naming failed checks only: never a key, a host, an
error message or anything about a person. They need no sign-in, are not rate
limited and record no audit event. ``HealthProbeMiddleware`` answers them first in
the middleware stack, so that a probe on plain HTTP from loopback (a container's
HEALTHCHECK, a load balancer) is neither redirected to HTTPS nor refused for its
Host header; the answers carry no address and set no cookie, so neither check
protects anything here.

The worker keeps no heartbeat of its own. Its sign of life is the deadline sweep:
each sweep queues the next one ``HAVEN_DEADLINE_SWEEP_SECONDS`` later, so a due
task still waiting after ``HAVEN_HEALTH_WORKER_STALE_SECONDS`` means no worker is
taking work (0 turns this check off: ``skipped`` then names it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from haven.audit import chain as audit_chain
from haven.audit.errors import AuditMisconfigured
from haven.vault import errors as vault_errors
from haven.vault import keys

DATABASE = "database"
MIGRATIONS = "migrations"
KEYS = "keys"
WORKER = "worker"

# Set once every migration was seen applied: the code on disk does not change under a
# running process, so later probes skip loading the migration graph.
_migrations_applied = False


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def migrations_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def keys_configured() -> bool:
    """The master key (and any previous ones), the index key and the audit key are set
    and well formed (without the audit key no page that reads personal data answers)."""
    try:
        keys.master_keys()
        keys.index_key()
        audit_chain.audit_key()
    except (vault_errors.VaultMisconfigured, AuditMisconfigured):
        return False
    return True


def worker_keeping_up() -> bool:
    """No task has been due for longer than the stale limit without a worker taking it."""
    cutoff = timezone.now() - timedelta(seconds=settings.HAVEN_HEALTH_WORKER_STALE_SECONDS)
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after__lte=cutoff) | Q(run_after=get_date_max(), enqueued_at__lte=cutoff)
    )
    return not waiting.exists()


def readiness() -> tuple[list[str], list[str]]:
    """The names of the failed checks and of the skipped ones. Checks that read the
    database are not run when it cannot be reached: only ``database`` is named."""
    failed = [] if keys_configured() else [KEYS]
    skipped: list[str] = []
    if not database_reachable():
        return [DATABASE, *failed], skipped
    try:
        if not migrations_applied():
            # The worker's table may not exist yet: nothing more to ask.
            failed.append(MIGRATIONS)
        elif settings.HAVEN_HEALTH_WORKER_STALE_SECONDS <= 0:
            skipped.append(WORKER)
        elif not worker_keeping_up():
            failed.append(WORKER)
    except DatabaseError:
        # The database went away between the checks (or the tables are missing).
        failed.append(DATABASE)
    return sorted(failed), skipped


@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "live"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> HttpResponse:
    failed, skipped = readiness()
    if failed:
        return JsonResponse({"status": "unready", "failed": failed}, status=503)
    return JsonResponse({"status": "ready", "skipped": skipped})


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/live": live,
    "/health/ready": ready,
}


class HealthProbeMiddleware:
    """Answers the probes before any other middleware (HTTPS redirect, host check,
    session, sign-in, MFA): first in ``MIDDLEWARE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
