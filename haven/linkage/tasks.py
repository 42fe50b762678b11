"""Background tasks of linkage (django-tasks, database backend; run by ``haven db_worker``)."""

from __future__ import annotations

import uuid

from django_tasks import task


@task()
def dedupe_run(run_id: str) -> dict[str, int]:
    """A national coordinator's deduplication run (``services.review.run_execute``)."""
    from haven.linkage.services import review  # the services queue this task

    run = review.run_execute(uuid.UUID(run_id))
    return {"processed": run.processed, "pairs_found": run.pairs_found}
