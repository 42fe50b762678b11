"""Batch deduplication, the review queue and the merge workflow (issue 14): the
national coordinator's run over their country's register, the pairs it queues, the
decisions, a supervisor's approval under four eyes, the merge under the stricter rule
(docs/linkage.md, "Merging two cases") and its exact reversal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.access.models import Consent, FieldGroup, Purpose, TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case, Person
from haven.deadlines.models import Notification, Task
from haven.linkage import clocks, errors, services
from haven.linkage.models import BlockingKey, DedupeRun, Merge, PairReview, PairStatus
from haven.linkage.selectors import review as review_selectors
from haven.linkage.services import review
from haven.linkage.tests.factories import anna, anna_typed, coordinator, someone_else

pytestmark = pytest.mark.django_db


class World:
    """Two NGOs in Finland that recorded one woman twice (in Cyrillic and in Latin
    letters), a stranger, and the national coordinator's staff."""

    def __init__(self) -> None:
        self.office = coordinator("FI")
        self.coordinator = make_user(organisation=self.office)
        self.supervisor = make_user(organisation=self.office, role=Role.SUPERVISOR)
        self.second = make_user(organisation=self.office, role=Role.SUPERVISOR)
        self.first_ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="FI")
        self.second_ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="FI")
        self.first_worker = make_user(organisation=self.first_ngo)
        self.second_worker = make_user(organisation=self.second_ngo)
        self.cyrillic = anna(self.first_worker)
        self.latin = anna(self.second_worker, given_name="Anna", family_name="Ivanova")
        self.stranger = someone_else(self.first_worker, 1)

    def run(self) -> DedupeRun:
        run = review.run_start(actor=self.coordinator)
        return review.run_execute(run.id)

    def pair(self) -> PairReview:
        self.run()
        return PairReview.objects.get()

    def proposed(self, **kwargs: Any) -> Merge:
        merge = review.pair_decide(
            actor=self.coordinator, pair_id=self.pair().id, same=True, reason="same", **kwargs
        )
        assert merge is not None
        return merge

    def merged(self) -> Merge:
        merge = self.proposed()
        return review.merge_decide(
            actor=self.supervisor, merge_id=merge.id, approve=True, reason="checked"
        )


@pytest.fixture
def world() -> World:
    return World()


# --- runs -------------------------------------------------------------------------------------


def test_issue14_run_queues_the_pair_sharing_blocking_keys_and_audits_each_batch(
    world: World,
) -> None:
    # when
    run = world.run()

    # then: only the two records of Anna were decrypted (the stranger shares no key)
    assert run.status == DedupeRun.Status.DONE
    assert (run.total, run.processed, run.pairs_found, run.pairs_queued) == (2, 2, 1, 1)
    assert run.percent == 100 and run.finished
    pair = PairReview.objects.get()
    ids = sorted([world.cyrillic.person_id, world.latin.person_id])
    assert (pair.person_a_id, pair.person_b_id) == tuple(ids)
    assert pair.status == PairStatus.OPEN and pair.probability >= 0.3
    reads = AuditEvent.objects.filter(action=Action.LINKAGE_READ, object_type="linkage.DedupeRun")
    assert [event.detail["persons"] for event in reads] == [[str(i) for i in ids]]
    assert all(event.purpose == Purpose.IDENTIFICATION for event in reads)
    assert str(world.stranger.person_id) not in str([e.detail for e in reads])


@override_settings(HAVEN_LINKAGE_RUN_BATCH=1)
def test_issue14_run_decrypts_in_batches_and_scores_every_pair_of_three_records(
    world: World,
) -> None:
    # given: a third record of Anna, so that each record is in two pairs
    third = anna(world.second_worker, given_name="Anya", family_name="Ivanova")

    # when
    run = world.run()

    # then: three batches of one person, three pairs
    assert (run.total, run.processed, run.pairs_compared) == (3, 3, 3)
    assert AuditEvent.objects.filter(object_type="linkage.DedupeRun").count() == 3 + 1
    assert PairReview.objects.filter(person_b_id=max(third.person_id, world.latin.person_id))


def test_issue14_run_is_for_the_coordinator_of_the_country_only(world: World) -> None:
    for user in (world.first_worker, make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)):
        with pytest.raises(errors.NotCoordinator):
            review.run_start(actor=user)
    assert review.run_start(actor=world.coordinator).country == "FI"


def test_issue14_one_run_at_a_time_and_a_finished_run_is_not_run_again(world: World) -> None:
    run = review.run_start(actor=world.coordinator)
    with pytest.raises(errors.RunInProgress) as refused:
        review.run_start(actor=world.supervisor)
    assert refused.value.code == errors.ErrorCode.RUN_IN_PROGRESS
    review.run_execute(run.id)
    again = review.run_execute(run.id)
    assert again.processed == 2 and PairReview.objects.count() == 1


def test_issue14_a_failed_run_is_marked_failed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(by_key: object) -> object:
        raise RuntimeError("index unreadable")

    monkeypatch.setattr(review, "_candidate_pairs", broken)
    run = review.run_start(actor=world.coordinator)
    with pytest.raises(RuntimeError):
        review.run_execute(run.id)
    run.refresh_from_db()
    assert run.status == DedupeRun.Status.FAILED and run.finished_at is not None


def test_issue14_the_worker_task_runs_the_run(world: World) -> None:
    run = review.run_start(actor=world.coordinator)
    assert review.dedupe_run.call(str(run.id)) == {"processed": 2, "pairs_found": 1}


def test_issue14_candidate_pairs_skip_keys_too_common_to_tell_people_apart() -> None:
    import uuid

    crowd = sorted(uuid.uuid4() for _ in range(1002))
    pairs = review._candidate_pairs({"common": crowd, "alone": crowd[:1], "two": crowd[:2]})
    assert pairs == {(crowd[0], crowd[1])}


def test_issue14_a_pair_decided_not_the_same_is_not_queued_again(world: World) -> None:
    # given
    pair = world.pair()
    review.pair_decide(actor=world.coordinator, pair_id=pair.id, same=False, reason="twins")

    # when
    run = world.run()

    # then
    pair.refresh_from_db()
    assert pair.status == PairStatus.NOT_SAME and run.pairs_found == 1 and run.pairs_queued == 0


def test_issue14_an_open_pair_found_again_is_refreshed_not_doubled(world: World) -> None:
    first = world.pair()
    second = world.run()
    pair = PairReview.objects.get()
    assert pair.pk == first.pk and pair.found_by_id == second.pk and second.pairs_queued == 0


# --- the pair page ----------------------------------------------------------------------------


def test_issue14_pair_compare_shows_both_records_and_audits_each_read(world: World) -> None:
    pair = world.pair()

    _shown, sides = review.pair_compare(actor=world.coordinator, pair_id=pair.id)

    by_case = {side.case_id: side for side in sides}
    latin = by_case[world.latin.id]
    assert (latin.given_name, latin.family_name, latin.date_of_birth) == (
        "Anna",
        "Ivanova",
        "1990-05-17",
    )
    assert by_case[world.cyrillic.id].family_name == "Иванова"
    assert by_case[world.cyrillic.id].family_normalised == "ivanova"
    assert latin.lead == world.second_ngo.name and latin.reference == world.latin.reference
    assert latin.citizenships == ["UA"] and latin.merged_into == ""
    for case in (world.cyrillic, world.latin):
        event = AuditEvent.objects.get(
            action=Action.LINKAGE_READ, person_id=str(case.person_id), detail__pair=str(pair.id)
        )
        assert event.purpose == Purpose.IDENTIFICATION


def test_issue14_pairs_of_another_country_are_as_good_as_missing(world: World) -> None:
    pair = world.pair()
    elsewhere = make_user(organisation=coordinator("EE"))
    for user, pair_id in ((elsewhere, pair.id), (world.coordinator, "not-an-id")):
        with pytest.raises(errors.PairNotFound):
            review.pair_compare(actor=user, pair_id=pair_id)
    with pytest.raises(errors.NotCoordinator):
        review.pair_compare(actor=world.first_worker, pair_id=pair.id)
    assert review.pair_compare(actor=world.coordinator, pair_id=pair.id)[0] == pair


# --- decisions --------------------------------------------------------------------------------


def test_issue14_a_decision_needs_a_reason_and_is_made_once(world: World) -> None:
    pair = world.pair()
    with pytest.raises(errors.ReasonRequired) as refused:
        review.pair_decide(actor=world.coordinator, pair_id=pair.id, same=False, reason="  ")
    assert refused.value.field == "reason"
    review.pair_decide(actor=world.coordinator, pair_id=pair.id, same=False, reason="twins")
    with pytest.raises(errors.PairDecided):
        review.pair_decide(actor=world.coordinator, pair_id=pair.id, same=True, reason="again")
    pair.refresh_from_db()
    assert (pair.status, pair.reason, pair.decided_by) == (
        PairStatus.NOT_SAME,
        "twins",
        world.coordinator,
    )


def test_issue14_same_person_proposes_a_merge_and_gives_the_supervisors_a_task(
    world: World,
) -> None:
    merge = world.proposed()

    # the case opened first survives by default
    assert (merge.surviving, merge.absorbed) == (world.cyrillic, world.latin)
    assert merge.status == Merge.Status.PROPOSED
    assert PairReview.objects.get().status == PairStatus.SAME
    task = Task.objects.get(kind=clocks.MERGE_APPROVAL)
    assert task.assigned_organisation == world.office and task.case_id == world.cyrillic.id
    assert task.detail == {"merge": str(merge.id)}
    # the office's supervisors are told in the app (the proposer is a caseworker here)
    told = Notification.objects.filter(event=clocks.MERGE_APPROVAL_EVENT.key)
    assert {n.recipient for n in told} == {world.supervisor, world.second}
    assert review_selectors.merges_pending(world.supervisor) == [merge]
    assert world.latin.merged_into_id is None  # nothing merged before the approval


def test_issue14_the_coordinator_chooses_the_surviving_case(world: World) -> None:
    merge = world.proposed(keep="b")
    pair = PairReview.objects.get()
    b = Case.objects.get(person_id=pair.person_b_id)
    assert merge.surviving == b


# --- approval under four eyes ---------------------------------------------------------------


def test_issue14_the_proposer_never_approves_their_own_merge_another_supervisor_does(
    world: World,
) -> None:
    # given: a supervisor proposes
    pair = world.pair()
    merge = review.pair_decide(actor=world.supervisor, pair_id=pair.id, same=True, reason="same")
    assert merge is not None

    # then: refused to the proposer, and to a caseworker of the office
    with pytest.raises(errors.OwnProposal):
        review.merge_decide(actor=world.supervisor, merge_id=merge.id, approve=True, reason="ok")
    assert not review_selectors.may_decide_merge(world.supervisor, merge)
    with pytest.raises(errors.NotCoordinatorSupervisor):
        review.merge_decide(actor=world.coordinator, merge_id=merge.id, approve=True, reason="ok")
    assert not review_selectors.may_decide_merge(world.coordinator, merge)

    # and allowed to the other supervisor of the same office
    assert review_selectors.may_decide_merge(world.second, merge)
    told = Notification.objects.filter(event=clocks.MERGE_APPROVAL_EVENT.key)
    assert [n.recipient for n in told] == [world.second]  # never the proposer
    done = review.merge_decide(actor=world.second, merge_id=merge.id, approve=True, reason="ok")
    assert done.status == Merge.Status.APPROVED and done.decided_by == world.second
    assert not review_selectors.may_decide_merge(world.supervisor, done)


def test_issue14_a_refused_merge_changes_no_case_and_closes_the_task(world: World) -> None:
    merge = world.proposed()
    with pytest.raises(errors.ReasonRequired):
        review.merge_decide(actor=world.supervisor, merge_id=merge.id, approve=False, reason="")

    refused = review.merge_decide(
        actor=world.supervisor, merge_id=merge.id, approve=False, reason="different mothers"
    )

    assert refused.status == Merge.Status.REFUSED
    assert PairReview.objects.get().status == PairStatus.MERGE_REFUSED
    assert Case.objects.filter(merged_into__isnull=False).count() == 0
    assert Task.objects.get(kind=clocks.MERGE_APPROVAL).status == Task.Status.DONE
    with pytest.raises(errors.MergeDecided):
        review.merge_decide(actor=world.second, merge_id=merge.id, approve=True, reason="ok")


def test_issue14_merges_of_another_country_are_as_good_as_missing(world: World) -> None:
    merge = world.proposed()
    other = make_user(organisation=coordinator("EE"), role=Role.SUPERVISOR)
    with pytest.raises(errors.MergeNotFound):
        review.merge_decide(actor=other, merge_id=merge.id, approve=True, reason="ok")
    with pytest.raises(errors.MergeNotFound):
        review_selectors.merge_for(world.supervisor, "nonsense")


# --- the merge --------------------------------------------------------------------------------


def test_issue14_the_absorbed_case_is_kept_readable_by_its_team_and_refuses_writes(
    world: World,
) -> None:
    world.merged()
    latin = Case.objects.get(pk=world.latin.id)
    assert latin.merged_into_id == world.cyrillic.id

    # its own team still reads it through the case gate
    gated = case_selectors.case_for(
        user=world.second_worker,
        case_id=latin.id,
        group=FieldGroup.IDENTITY,
        purpose=Purpose.ASSISTANCE,
    )
    assert gated.case == latin
    # a write answers where the person is now recorded
    with pytest.raises(case_errors.CaseMerged) as refused:
        case_selectors.case_for(
            user=world.second_worker,
            case_id=latin.id,
            group=FieldGroup.IDENTITY,
            purpose=Purpose.ASSISTANCE,
            write=True,
        )
    assert world.cyrillic.reference in refused.value.message
    # both cases are audited
    assert AuditEvent.objects.filter(action=Action.MERGE).count() == 2
    note = review_selectors.merged_note(world.cyrillic.id)
    assert note is not None and note.merged_from == [world.latin.reference]
    absorbed_note = review_selectors.merged_note(world.latin.id)
    assert absorbed_note is not None and absorbed_note.merged_into == world.cyrillic.reference
    assert review_selectors.merged_note(world.stranger.id) is None


def test_issue14_no_organisation_gains_access_through_a_merge_and_the_other_is_told(
    world: World,
) -> None:
    teams_before = set(TeamMembership.objects.values_list("case_id", "organisation_id"))

    world.merged()

    assert set(TeamMembership.objects.values_list("case_id", "organisation_id")) == teams_before
    with pytest.raises(case_errors.CaseNotFound):
        case_selectors.case_for(
            user=world.second_worker,
            case_id=world.cyrillic.id,
            group=FieldGroup.IDENTITY,
            purpose=Purpose.ASSISTANCE,
        )
    told = Task.objects.get(kind=clocks.MERGED_ELSEWHERE)
    assert told.assigned_organisation == world.second_ngo and told.case_id == world.latin.id
    assert told.detail["surviving"] == world.cyrillic.reference
    assert "Ivanova" not in str(told.detail) and "Anna" not in str(told.detail)


def test_issue14_after_a_merge_the_intake_check_finds_one_person(world: World) -> None:
    checker = make_user(organisation=world.first_ngo)
    before = services.intake_check(actor=checker, identity=anna_typed())
    assert len(before.matches) + (1 if before.known_elsewhere else 0) == 2

    world.merged()

    assert not BlockingKey.objects.filter(person_id=world.latin.person_id).exists()
    after = services.intake_check(actor=checker, identity=anna_typed())
    assert [m.case_id for m in after.matches] == [world.cyrillic.id]
    assert after.known_elsewhere is None


def _pair_of(one: Case, other: Case) -> PairReview:
    low, high = sorted([one.person_id, other.person_id])
    return PairReview.objects.get(person_a_id=low, person_b_id=high)


def _propose(world: World, survivor: Case, other: Case) -> Merge:
    pair = _pair_of(survivor, other)
    keep = "a" if pair.person_a_id == survivor.person_id else "b"
    merge = review.pair_decide(
        actor=world.coordinator, pair_id=pair.id, same=True, reason="same", keep=keep
    )
    assert merge is not None and merge.surviving == survivor
    return merge


def test_issue14_a_case_merged_since_the_proposal_is_not_merged_again(world: World) -> None:
    # given: two proposals absorbing the Latin record, the first approved
    third = anna(world.second_worker, given_name="Anya", family_name="Ivanova")
    world.run()
    first = _propose(world, world.cyrillic, world.latin)
    second = _propose(world, third, world.latin)
    review.merge_decide(actor=world.supervisor, merge_id=first.id, approve=True, reason="ok")

    # then
    with pytest.raises(errors.CaseNotMergeable):
        review.merge_decide(actor=world.supervisor, merge_id=second.id, approve=True, reason="ok")
    assert Case.objects.get(pk=world.latin.id).merged_into_id == world.cyrillic.id


def test_issue14_a_pair_with_a_merged_case_is_not_proposed(world: World) -> None:
    third = anna(world.second_worker, given_name="Anya", family_name="Ivanova")
    world.run()
    first = _propose(world, world.cyrillic, world.latin)
    review.merge_decide(actor=world.supervisor, merge_id=first.id, approve=True, reason="ok")

    with pytest.raises(errors.CaseNotMergeable):
        _propose(world, third, world.latin)
    assert _propose(world, world.cyrillic, third).absorbed == third


# --- consents under the stricter rule -------------------------------------------------------


def _consent(case: Case, by: User, groups: Sequence[str], **recipient: Any) -> Consent:
    return Consent.objects.create(
        case=case,
        purpose=recipient.pop("purpose", Purpose.ASSISTANCE),
        field_groups=list(groups),
        given_on=date(2026, 1, 5),
        language="en",
        information_given="Told about sharing.",
        recorded_at=timezone.now(),
        recorded_by=by,
        **recipient,
    )


def _consents() -> set[tuple[Any, ...]]:
    return {
        (c.pk, tuple(c.field_groups), c.withdrawn_at, c.withdrawn_by_id)
        for c in Consent.objects.all()
    }


class Recipients:
    def __init__(self, world: World) -> None:
        new = OrganisationFactory.create
        self.shelter = new(org_type=OrgType.SHELTER, country="FI")
        self.health = new(org_type=OrgType.HEALTH, country="FI")
        self.lawyer = new(org_type=OrgType.NGO, country="FI")
        self.only_here = new(org_type=OrgType.NGO, country="FI")
        s, a = world.cyrillic, world.latin
        by_s, by_a = world.first_worker, world.second_worker
        both = [FieldGroup.IDENTITY, FieldGroup.CONTACT]
        # narrower on the absorbed case: narrowed to what both give
        self.narrowed = _consent(s, by_s, both, recipient_organisation=self.shelter)
        _consent(a, by_a, [FieldGroup.IDENTITY], recipient_organisation=self.shelter)
        # withdrawn on the absorbed case: withdrawn
        self.withdrawn = _consent(s, by_s, both, recipient_organisation=self.health)
        gone = _consent(a, by_a, both, recipient_organisation=self.health)
        Consent.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now(), withdrawn_by=by_a)
        # the same on both, or wider on the absorbed case: unchanged
        self.same = _consent(s, by_s, [FieldGroup.IDENTITY], recipient_org_type=OrgType.POLICE)
        _consent(a, by_a, both, recipient_org_type=OrgType.POLICE)
        # another purpose or no consent to that recipient on the absorbed case: unchanged
        self.other_purpose = _consent(s, by_s, both, recipient_organisation=self.lawyer)
        _consent(a, by_a, [], recipient_organisation=self.lawyer, purpose=Purpose.INVESTIGATION)
        self.alone = _consent(s, by_s, both, recipient_organisation=self.only_here)
        # the absorbed case's consent to someone else never reaches the surviving case
        self.theirs = _consent(a, by_a, both, recipient_org_type=OrgType.BORDER_GUARD)


def test_issue14_consents_are_narrowed_under_the_stricter_rule(world: World) -> None:
    given = Recipients(world)
    on_surviving_before = Consent.objects.filter(case=world.cyrillic).count()

    merge = world.merged()

    def reread(consent: Consent) -> Consent:
        return Consent.objects.get(pk=consent.pk)

    assert reread(given.narrowed).field_groups == [FieldGroup.IDENTITY]
    assert reread(given.narrowed).withdrawn_at is None
    assert reread(given.withdrawn).withdrawn_at is not None
    assert reread(given.withdrawn).withdrawn_by == world.supervisor
    for untouched in (given.same, given.other_purpose, given.alone):
        assert reread(untouched).field_groups == untouched.field_groups
        assert reread(untouched).withdrawn_at is None
    assert Consent.objects.filter(case=world.cyrillic).count() == on_surviving_before
    assert reread(given.theirs).case_id == world.latin.id
    assert [c["id"] for c in merge.changes["consents"]] == sorted(
        [str(given.narrowed.pk), str(given.withdrawn.pk)]
    )


# --- unmerge ----------------------------------------------------------------------------------


def test_issue14_unmerge_restores_teams_consents_statuses_and_keys_exactly(world: World) -> None:
    # given
    Recipients(world)
    teams = set(TeamMembership.objects.values_list("case_id", "organisation_id", "is_lead"))
    consents = _consents()
    statuses = set(Case.objects.values_list("id", "identification_status", "merged_into_id"))
    keys = set(BlockingKey.objects.values_list("person_id", "key"))
    merge = world.merged()
    assert (
        _consents() != consents and set(BlockingKey.objects.values_list("person_id", "key")) != keys
    )

    # when
    with pytest.raises(errors.ReasonRequired):
        review.unmerge(actor=world.second, merge_id=merge.id, reason="")
    reversed_merge = review.unmerge(actor=world.second, merge_id=merge.id, reason="not her")

    # then
    assert set(TeamMembership.objects.values_list("case_id", "organisation_id", "is_lead")) == teams
    assert _consents() == consents
    assert (
        set(Case.objects.values_list("id", "identification_status", "merged_into_id")) == statuses
    )
    assert set(BlockingKey.objects.values_list("person_id", "key")) == keys
    assert reversed_merge.status == Merge.Status.REVERSED
    assert PairReview.objects.get().status == PairStatus.MERGE_REVERSED
    assert Task.objects.get(kind=clocks.MERGED_ELSEWHERE).status == Task.Status.CANCELLED
    assert AuditEvent.objects.filter(action=Action.UNMERGE).count() == 2
    case_selectors.case_for(
        user=world.second_worker,
        case_id=world.latin.id,
        group=FieldGroup.IDENTITY,
        purpose=Purpose.ASSISTANCE,
        write=True,
    )
    with pytest.raises(errors.MergeDecided):
        review.unmerge(actor=world.second, merge_id=merge.id, reason="again")


def test_issue14_unmerge_leaves_a_consent_changed_again_since_the_merge(world: World) -> None:
    given = Recipients(world)
    merge = world.merged()
    Consent.objects.filter(pk=given.narrowed.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=world.first_worker
    )

    review.unmerge(actor=world.second, merge_id=merge.id, reason="not her")

    assert Consent.objects.get(pk=given.narrowed.pk).withdrawn_at is not None
    assert Consent.objects.get(pk=given.withdrawn.pk).withdrawn_at is None


def test_issue14_only_a_supervisor_of_the_coordinator_reverses_a_merge(world: World) -> None:
    merge = world.merged()
    for user in (world.coordinator, world.second_worker):
        with pytest.raises((errors.NotCoordinatorSupervisor, errors.NotCoordinator)):
            review.unmerge(actor=user, merge_id=merge.id, reason="no")
    assert review.unmerge(actor=world.supervisor, merge_id=merge.id, reason="no").status == (
        Merge.Status.REVERSED
    )


# --- reads ------------------------------------------------------------------------------------


def test_issue14_queue_runs_and_merges_are_read_by_country(world: World) -> None:
    run = world.run()
    assert review_selectors.runs(world.coordinator) == [run]
    assert review_selectors.run_for(world.coordinator, run.id) == run
    elsewhere = make_user(organisation=coordinator("EE"))
    for user, run_id in ((elsewhere, run.id), (world.coordinator, "x")):
        with pytest.raises(errors.RunNotFound):
            review_selectors.run_for(user, run_id)
    assert list(review_selectors.queue(world.coordinator)) == list(PairReview.objects.all())
    assert list(review_selectors.queue(elsewhere)) == []
    pair = PairReview.objects.get()
    assert review_selectors.merges_of(pair) == []
    assert review_selectors.lead_names([world.latin.id]) == {world.latin.id: world.second_ngo.name}
    assert review_selectors.may_review(world.coordinator)
    assert not review_selectors.may_review(world.first_worker)


def test_issue14_the_queue_is_likeliest_first_and_paginated(world: World) -> None:
    run = world.run()
    pairs = [
        PairReview.objects.create(
            country="FI",
            person_a=someone_else(world.first_worker, n).person,
            person_b=someone_else(world.first_worker, n + 100).person,
            probability=p,
            found_by=run,
            found_at=timezone.now(),
        )
        for n, p in ((2, 0.4), (3, 0.99))
    ]
    page = review_selectors.queue(world.coordinator)
    assert [p.probability for p in page] == sorted((p.probability for p in page), reverse=True)
    assert page[len(page) - 1] == pairs[0]
    assert review_selectors.queue(world.coordinator, page=2).number == 1  # one page only


def test_issue14_a_candidate_below_the_threshold_is_read_but_not_answered(world: World) -> None:
    # given: a man of another age and citizenship sharing Anna Ivanova's names
    checker = make_user(organisation=world.first_ngo)
    identity = anna_typed(sex="male", date_of_birth=date(1950, 1, 2), citizenships=("CN",))

    # when
    answer = services.intake_check(actor=checker, identity=identity)

    # then: the candidates were read (audited), and none is answered
    assert AuditEvent.objects.filter(
        action=Action.LINKAGE_READ, person_id=str(world.cyrillic.person_id)
    ).exists()
    assert answer.matches == [] and answer.known_elsewhere is None


def test_issue14_a_started_run_is_queued_for_the_worker_once_committed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = review.run_start(actor=world.coordinator)

    queued = DBTaskResult.objects.get(task_path=review.dedupe_run.module_path)
    assert queued.args_kwargs["args"] == [str(run.id)]


def test_issue14_a_pair_whose_person_was_erased_is_neither_listed_nor_shown(world: World) -> None:
    pair = world.pair()
    assert list(review_selectors.queue(world.coordinator)) == [pair]

    Person.objects.filter(pk=world.latin.person_id).update(erased_at=timezone.now())

    assert list(review_selectors.queue(world.coordinator)) == []
    with pytest.raises(errors.PairNotFound):
        review.pair_compare(actor=world.coordinator, pair_id=pair.id)
