"""Writes of the batch deduplication (issue 14): a national coordinator's run over
their country's register, the review queue's decisions, and the merge workflow
(proposal, a supervisor's approval or refusal, the merge itself and its reversal).

A run reads no name it does not need: the candidate pairs come from the keyed
blocking-key index (persons sharing a key), and only the persons in a pair are
decrypted, a batch at a time, each batch audited as one linkage read naming its
persons. Pairs at or above ``HAVEN_LINKAGE_REVIEW_PERCENT`` enter the queue; nothing
is ever merged without a coordinator's proposal and a supervisor's approval.

The merge follows the stricter rule (docs/linkage.md, "Merging two cases"): the
absorbed case is marked merged into the surviving case and keeps its history and
its team; no organisation joins a team; the surviving case's consents are narrowed
where the absorbed case's consent to the same recipient for the same purpose is
narrower or withdrawn; the absorbed person's blocking keys leave the index; the
organisations only on the absorbed team are told where the person is now known.
``Merge.changes`` keeps what was changed, and the unmerge restores exactly that."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from haven.access.models import Consent, FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, Role, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases.models import Case, Person, Sex
from haven.deadlines import notify
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Notification, Task
from haven.linkage import clocks, dedupe, errors, matching
from haven.linkage.models import BlockingKey, DedupeRun, Merge, PairReview, PairStatus
from haven.linkage.selectors import review as review_selectors
from haven.linkage.services import _identity_read

TASK_DAYS = 5  # a supervisor decides on a merge within a working week


def _review_threshold() -> float:
    return settings.HAVEN_LINKAGE_REVIEW_PERCENT / 100


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise errors.ReasonRequired(_("Give the reason for this decision."), field="reason")
    return reason


# -- Runs ------------------------------------------------------------------------


@transaction.atomic
def run_start(*, actor: User) -> DedupeRun:
    """Queue a run over the register of the coordinator's country (one at a time);
    the worker runs it (``dedupe_run``) once this transaction commits."""
    country = review_selectors.review_country(actor)
    if review_selectors.run_in_progress(country):
        raise errors.RunInProgress(_("A deduplication of this register is already under way."))
    assert actor.organisation is not None  # noqa: S101 - review_country checked it
    run = DedupeRun.objects.create(
        country=country,
        organisation=actor.organisation,
        started_by=actor,
        started_at=timezone.now(),
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="linkage.DedupeRun",
        object_id=run.id,
        detail={"country": country},
    )
    run_id = str(run.id)
    transaction.on_commit(lambda: dedupe_run.enqueue(run_id))
    return run


def _register(country: str) -> tuple[int, dict[str, list[uuid.UUID]]]:
    """The number of live persons of the country's register and, for each keyed
    blocking key, the persons sharing it (keys only: nothing decrypted)."""
    live = {
        "person__case__country": country,
        "person__erased_at__isnull": True,
        "person__case__merged_into__isnull": True,
    }
    size = Person.objects.filter(
        case__country=country, erased_at__isnull=True, case__merged_into__isnull=True
    ).count()
    by_key: dict[str, list[uuid.UUID]] = defaultdict(list)
    rows = BlockingKey.objects.filter(**live).values_list("key", "person_id")
    for key, person_id in rows.iterator(chunk_size=5000):
        by_key[key].append(person_id)
    return size, by_key


def _candidate_pairs(by_key: dict[str, list[uuid.UUID]]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """The pairs (lower id first) sharing a key of 2..``dedupe.MAX_BLOCK`` persons."""
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for members in by_key.values():
        if 1 < len(members) <= dedupe.MAX_BLOCK:
            ordered = sorted(members)
            pairs.update((a, b) for index, a in enumerate(ordered) for b in ordered[index + 1 :])
    return pairs


def _pair_queue(run: DedupeRun, a: uuid.UUID, b: uuid.UUID, probability: float) -> int:
    """Queue the pair (1), or refresh its probability while it is open (0); a pair
    already decided is left as decided (a later run never re-queues it)."""
    existing = PairReview.objects.filter(person_a_id=a, person_b_id=b).first()
    if existing is None:
        PairReview.objects.create(
            country=run.country,
            person_a_id=a,
            person_b_id=b,
            probability=probability,
            found_by=run,
            found_at=timezone.now(),
        )
        return 1
    if existing.status == PairStatus.OPEN:
        existing.probability = probability
        existing.found_by = run
        existing.save(update_fields=["probability", "found_by"])
    return 0


def _batch(
    run: DedupeRun,
    chunk: list[uuid.UUID],
    *,
    earlier: dict[uuid.UUID, list[uuid.UUID]],
    normalised: dict[uuid.UUID, matching.Normalised],
    remaining: dict[uuid.UUID, int],
    size: int,
) -> None:
    """Decrypt one batch (one audited linkage read naming its persons), score each
    pair whose later person is in it, and forget the persons with no pair left."""
    with transaction.atomic():
        persons = Person.objects.select_related("data_key").filter(
            pk__in=chunk, erased_at__isnull=True
        )
        for person in persons:
            normalised[person.pk] = matching.normalise(_identity_read(person))
        audit.audit_record(
            actor=audit.SYSTEM,
            action=Action.LINKAGE_READ,
            object_type="linkage.DedupeRun",
            object_id=run.id,
            field_groups=[FieldGroup.IDENTITY],
            purpose=Purpose.IDENTIFICATION,
            detail={"persons": sorted(str(p) for p in normalised.keys() & set(chunk))},
        )
        pairs = [(a, b) for b in chunk for a in earlier.get(b, [])]
        # A person erased since the run began is skipped (never decrypted).
        scorable = [(a, b) for a, b in pairs if a in normalised and b in normalised]
        scored = [
            (a, b, matching.match_probability(normalised[a], normalised[b], register_size=size))
            for a, b in scorable
        ]
        found = [(a, b, p) for a, b, p in scored if p >= _review_threshold()]
        queued = sum(_pair_queue(run, a, b, p) for a, b, p in found)
        DedupeRun.objects.filter(pk=run.pk).update(
            processed=F("processed") + len(chunk),
            pairs_compared=F("pairs_compared") + len(scored),
            pairs_found=F("pairs_found") + len(found),
            pairs_queued=F("pairs_queued") + queued,
        )
    for a, b in pairs:
        for person_id in (a, b):
            remaining[person_id] -= 1
            if remaining[person_id] == 0:
                normalised.pop(person_id, None)


def run_execute(run_id: uuid.UUID) -> DedupeRun:
    """The run itself (the worker's task; tests call it directly). A run that is not
    queued any more is left alone; a failure marks it failed and is raised again."""
    with transaction.atomic():
        run = DedupeRun.objects.select_for_update().get(pk=run_id)
        if run.status != DedupeRun.Status.QUEUED:
            return run
        run.status = DedupeRun.Status.RUNNING
        run.save(update_fields=["status"])
    try:
        size, by_key = _register(run.country)
        pairs = _candidate_pairs(by_key)
        del by_key
        earlier: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        remaining: dict[uuid.UUID, int] = defaultdict(int)
        for a, b in pairs:
            earlier[b].append(a)
            remaining[a] += 1
            remaining[b] += 1
        involved = sorted(remaining)
        DedupeRun.objects.filter(pk=run.pk).update(total=len(involved))
        normalised: dict[uuid.UUID, matching.Normalised] = {}
        step = settings.HAVEN_LINKAGE_RUN_BATCH
        for start in range(0, len(involved), step):
            _batch(
                run,
                involved[start : start + step],
                earlier=earlier,
                normalised=normalised,
                remaining=remaining,
                size=size,
            )
    except Exception:
        DedupeRun.objects.filter(pk=run.pk).update(
            status=DedupeRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    DedupeRun.objects.filter(pk=run.pk).update(
        status=DedupeRun.Status.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


@task()
def dedupe_run(run_id: str) -> dict[str, int]:
    """The background task of a run (django-tasks, database backend; run by
    ``haven db_worker``): ``run_execute`` with what the task result keeps."""
    run = run_execute(uuid.UUID(run_id))
    return {"processed": run.processed, "pairs_found": run.pairs_found}


# -- The pair page -----------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One record of a pair, as the comparison needs it (nothing more)."""

    case_id: uuid.UUID
    reference: str
    lead: str
    opened_on: date
    given_name: str  # as written
    family_name: str
    given_normalised: str
    family_normalised: str
    date_of_birth: str
    sex: str
    citizenships: list[str]
    merged_into: str  # the surviving case's reference, once merged


@transaction.atomic
def pair_compare(*, actor: User, pair_id: object) -> tuple[PairReview, list[Side]]:
    """The two records of a pair side by side, each decryption audited as a linkage
    read (identity group, identification purpose) in the person's access report."""
    pair = review_selectors.pair_for(actor, pair_id)
    persons = [pair.person_a, pair.person_b]
    cases = [person.case for person in persons]
    leads = review_selectors.lead_names([case.pk for case in cases])
    into = dict(
        Case.objects.filter(
            pk__in=[c.merged_into_id for c in cases if c.merged_into_id]
        ).values_list("pk", "reference")
    )
    sides = []
    for person, case in zip(persons, cases, strict=True):
        person_full = Person.objects.select_related("data_key").get(pk=person.pk)
        record = _identity_read(person_full)
        norm = matching.normalise(record)
        audit.audit_record(
            actor=audit.actor_of(actor),
            action=Action.LINKAGE_READ,
            object_type="cases.Person",
            object_id=person.pk,
            person_id=person.pk,
            field_groups=[FieldGroup.IDENTITY],
            purpose=Purpose.IDENTIFICATION,
            detail={"pair": str(pair.pk)},
        )
        sides.append(
            Side(
                case_id=case.pk,
                reference=case.reference,
                lead=leads.get(case.pk, ""),
                opened_on=timezone.localdate(case.opened_at),
                given_name=record.given_name,
                family_name=record.family_name,
                given_normalised=" ".join(norm.given),
                family_normalised=" ".join(norm.family),
                date_of_birth=record.date_of_birth,
                sex=str(Sex(person.sex).label),
                citizenships=list(person.citizenships),
                merged_into=into.get(case.merged_into_id, "") if case.merged_into_id else "",
            )
        )
    return pair, sides


# -- Decisions ---------------------------------------------------------------------


def _audit_update(actor: User, object_type: str, object_id: object, **detail: Any) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


@transaction.atomic
def pair_decide(
    *, actor: User, pair_id: object, same: bool, reason: str, keep: str = ""
) -> Merge | None:
    """The coordinator's decision on an open pair, with a reason. "Not the same"
    closes it for good; "same person" proposes a merge (``keep`` "a" or "b" names the
    case that survives; by default the one opened first) and gives the national
    coordinator's supervisors a task to approve or refuse it."""
    pair = review_selectors.pair_for(actor, pair_id)
    reason = _reason(reason)
    locked = PairReview.objects.select_for_update().get(pk=pair.pk)
    if locked.status != PairStatus.OPEN:
        raise errors.PairDecided(_("This pair was decided already."))
    now = timezone.now()
    pair.decided_by, pair.decided_at, pair.reason = actor, now, reason
    if not same:
        pair.status = PairStatus.NOT_SAME
        pair.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _audit_update(actor, "linkage.PairReview", pair.pk, decision=PairStatus.NOT_SAME.value)
        return None
    case_a, case_b = pair.person_a.case, pair.person_b.case
    _mergeable(case_a, case_b)
    keep_a = keep == "a" or (keep != "b" and case_a.opened_at <= case_b.opened_at)
    surviving, absorbed = (case_a, case_b) if keep_a else (case_b, case_a)
    merge = Merge.objects.create(
        pair=pair, case=surviving, absorbed=absorbed, proposed_by=actor, proposed_at=now
    )
    pair.status = PairStatus.SAME
    pair.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    assert actor.organisation is not None  # noqa: S101 - pair_for checked the desk rule
    deadline_services.task_open(
        case_id=surviving.pk,
        kind=clocks.MERGE_APPROVAL,
        due_on=timezone.localdate() + timedelta(days=TASK_DAYS),
        organisation=actor.organisation,
        reminder_days_before=1,
        detail={"merge": str(merge.pk)},
    )
    supervisors = User.objects.filter(
        organisation=actor.organisation, role=Role.SUPERVISOR, is_active=True
    ).exclude(pk=actor.pk)
    notify.notify(
        recipients=supervisors,
        kind=Notification.Kind.DESK,
        event=clocks.MERGE_APPROVAL_EVENT.key,
        case=surviving,
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="linkage.Merge",
        object_id=merge.pk,
        detail={"pair": str(pair.pk), "surviving": str(surviving.pk), "absorbed": str(absorbed.pk)},
    )
    return merge


def _mergeable(*cases: Case) -> None:
    if any(case.merged_into_id is not None or case.person.erased_at is not None for case in cases):
        raise errors.CaseNotMergeable(
            _("One of these cases was merged or its person's data erased since the pair was found.")
        )


def _decider(actor: User, merge_id: object) -> Merge:
    merge = review_selectors.merge_for(actor, merge_id)
    review_selectors.supervisor_require(actor)
    return merge


@transaction.atomic
def merge_decide(*, actor: User, merge_id: object, approve: bool, reason: str) -> Merge:
    """A supervisor of the national coordinator approves (the merge is made, in this
    transaction) or refuses a proposed merge, with a reason; never their own proposal."""
    merge = _decider(actor, merge_id)
    if actor.pk == merge.proposed_by_id:
        raise errors.OwnProposal(_("Someone other than the proposer decides on a merge."))
    reason = _reason(reason)
    merge = Merge.objects.select_for_update().select_related("pair").get(pk=merge.pk)
    if merge.status != Merge.Status.PROPOSED:
        raise errors.MergeDecided(_("This merge was decided already."))
    now = timezone.now()
    if approve:
        merge.changes = _apply(actor, merge, now)
    merge.status = Merge.Status.APPROVED if approve else Merge.Status.REFUSED
    merge.decided_by, merge.decided_at, merge.decision_reason = actor, now, reason
    merge.save()
    merge.pair.status = PairStatus.MERGED if approve else PairStatus.MERGE_REFUSED
    merge.pair.save(update_fields=["status"])
    deadline_services.tasks_close(
        case_id=merge.case_id, kind=clocks.MERGE_APPROVAL, by=actor, merge=str(merge.pk)
    )
    _audit_update(actor, "linkage.Merge", merge.pk, decision=merge.status)
    return merge


def _cases_locked(merge: Merge) -> tuple[Case, Case]:
    cases = {
        case.pk: case
        for case in Case.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk__in=[merge.case_id, merge.absorbed_id])
    }
    return cases[merge.case_id], cases[merge.absorbed_id]


def _apply(actor: User, merge: Merge, now: datetime) -> dict[str, Any]:
    surviving, absorbed = _cases_locked(merge)
    _mergeable(surviving, absorbed)
    absorbed.merged_into = surviving
    absorbed.save(update_fields=["merged_into"])
    consents = _consents_narrow(actor, surviving, absorbed, now)
    keys = sorted(
        BlockingKey.objects.filter(person_id=absorbed.person_id).values_list("key", flat=True)
    )
    BlockingKey.objects.filter(person_id=absorbed.person_id).delete()
    told = _absorbed_team_tell(merge, surviving, absorbed)
    for case, other in ((surviving, absorbed), (absorbed, surviving)):
        _audit_case(actor, Action.MERGE, case, other, merge)
    return {"consents": consents, "keys": keys, "tasks": told}


def _audit_case(actor: User, action: str, case: Case, other: Case, merge: Merge) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="cases.Case",
        object_id=case.pk,
        person_id=case.person_id,
        detail={"merge": str(merge.pk), "other_case": str(other.pk)},
    )


def _same_recipient(a: Consent, b: Consent) -> bool:
    return (
        a.recipient_organisation_id == b.recipient_organisation_id
        and a.recipient_org_type == b.recipient_org_type
        and a.purpose == b.purpose
    )


def _consents_narrow(
    actor: User, surviving: Case, absorbed: Case, now: datetime
) -> list[dict[str, Any]]:
    """The stricter rule for consents: each live consent of the surviving case keeps
    only the field groups the absorbed case's live consents to the same recipient for
    the same purpose also give, and is withdrawn when they give none (all withdrawn).
    Where the absorbed case has no consent to that recipient, nothing changes; the
    absorbed case's consents are never carried over (no one gains a field group)."""
    theirs = list(Consent.objects.filter(case=absorbed))
    changed = []
    live = Consent.objects.select_for_update().filter(case=surviving, withdrawn_at__isnull=True)
    for consent in live.order_by("pk"):
        same = [c for c in theirs if _same_recipient(c, consent)]
        if not same:
            continue
        allowed = {g for c in same if c.withdrawn_at is None for g in c.field_groups}
        groups = [g for g in consent.field_groups if g in allowed]
        if groups == list(consent.field_groups):
            continue
        before = list(consent.field_groups)
        if groups:
            consent.field_groups = groups
        else:
            consent.withdrawn_at, consent.withdrawn_by = now, actor
        consent.save(update_fields=["field_groups", "withdrawn_at", "withdrawn_by"])
        changed.append(
            {"id": str(consent.pk), "before": before, "after": groups, "withdrawn": not groups}
        )
        _audit_update(actor, "access.Consent", consent.pk, merge_narrowed=groups)
    return changed


def _absorbed_team_tell(merge: Merge, surviving: Case, absorbed: Case) -> list[str]:
    """A task, on the absorbed case, for each organisation on its team but not on the
    surviving case's: the person is now known under the surviving case (its
    pseudonymous reference, no name); it gains no access to that case."""
    on_surviving = TeamMembership.objects.filter(case=surviving).values("organisation_id")
    others = Organisation.objects.filter(case_memberships__case=absorbed).exclude(
        pk__in=on_surviving
    )
    due = timezone.localdate() + timedelta(days=TASK_DAYS)
    return [
        str(
            deadline_services.task_open(
                case_id=absorbed.pk,
                kind=clocks.MERGED_ELSEWHERE,
                due_on=due,
                organisation=organisation,
                reminder_days_before=1,
                detail={"merge": str(merge.pk), "surviving": surviving.reference},
            ).pk
        )
        for organisation in others.order_by("name")
    ]


@transaction.atomic
def unmerge(*, actor: User, merge_id: object, reason: str) -> Merge:
    """A supervisor of the national coordinator reverses a merge, with a reason:
    what the merge changed is restored exactly (the absorbed case takes writes
    again, its keys return to the index, the narrowed consents are as they were,
    the tasks the merge opened are cancelled). A consent changed again since the
    merge is left as it is now."""
    merge = _decider(actor, merge_id)
    reason = _reason(reason)
    merge = Merge.objects.select_for_update().select_related("pair").get(pk=merge.pk)
    if merge.status != Merge.Status.APPROVED:
        raise errors.MergeDecided(_("Only a merge that was made can be reversed."))
    surviving, absorbed = _cases_locked(merge)
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into"])
    changes = merge.changes
    for change in changes["consents"]:
        consent = Consent.objects.select_for_update().get(pk=change["id"])
        untouched = (
            list(consent.field_groups) == (change["after"] or change["before"])
            and (consent.withdrawn_at is not None) == change["withdrawn"]
        )
        if untouched:
            consent.field_groups = change["before"]
            consent.withdrawn_at, consent.withdrawn_by = None, None
            consent.save(update_fields=["field_groups", "withdrawn_at", "withdrawn_by"])
    BlockingKey.objects.bulk_create(
        [BlockingKey(person_id=absorbed.person_id, key=key) for key in changes["keys"]]
    )
    now = timezone.now()
    Task.objects.filter(pk__in=changes["tasks"], status=Task.Status.OPEN).update(
        status=Task.Status.CANCELLED, closed_at=now, closed_by=actor
    )
    merge.status = Merge.Status.REVERSED
    merge.reversed_by, merge.reversed_at, merge.reverse_reason = actor, now, reason
    merge.save()
    merge.pair.status = PairStatus.MERGE_REVERSED
    merge.pair.save(update_fields=["status"])
    for case, other in ((surviving, absorbed), (absorbed, surviving)):
        _audit_case(actor, Action.UNMERGE, case, other, merge)
    return merge
