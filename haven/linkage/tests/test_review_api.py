"""The API of the deduplication (issue 14): /api/v1/linkage/runs, pairs, merges.
Each endpoint's allowed side beside its refused side, with the same setup."""

from __future__ import annotations

import pytest

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.test_api import api_client_for
from haven.linkage import errors
from haven.linkage.models import DedupeRun, Merge, PairReview, PairStatus
from haven.linkage.services import review
from haven.linkage.tests.factories import coordinator
from haven.linkage.tests.test_review import World

pytestmark = pytest.mark.django_db

API = "/api/v1/linkage"


@pytest.fixture
def world() -> World:
    return World()


def _outsiders(world: World) -> list[tuple[object, int]]:
    """A caseworker (403), another country's coordinator (404: as good as missing),
    a rapporteur (403), each with the status a pair, run or merge of Finland answers."""
    return [
        (world.first_worker, 403),
        (make_user(organisation=coordinator("EE"), role=Role.SUPERVISOR), 404),
        (make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR), 403),
    ]


def test_issue14_api_runs_start_and_show_progress_to_the_coordinator_only(world: World) -> None:
    client = api_client_for(world.coordinator)

    started = client.post(f"{API}/runs/", format="json")
    assert started.status_code == 202 and started.json()["status"] == "queued"
    run_id = started.json()["id"]
    assert client.post(f"{API}/runs/", format="json").json()["code"] == "run_in_progress"
    review.run_execute(DedupeRun.objects.get().id)
    shown = client.get(f"{API}/runs/{run_id}/").json()
    assert (shown["status"], shown["percent"], shown["pairs_queued"]) == ("done", 100, 1)
    assert [r["id"] for r in client.get(f"{API}/runs/").json()] == [run_id]

    for outsider, status in _outsiders(world):
        other = api_client_for(outsider)  # type: ignore[arg-type]
        assert other.get(f"{API}/runs/{run_id}/").status_code == status
        listed = other.get(f"{API}/runs/")
        assert listed.status_code == 403 or listed.json() == []
        # another country's coordinator starts a run of their own register only
        started = other.post(f"{API}/runs/", format="json")
        assert started.status_code == (202 if status == 404 else 403)


def test_issue14_api_queue_pair_and_decision(world: World) -> None:
    pair = world.pair()
    client = api_client_for(world.coordinator)

    queue = client.get(f"{API}/pairs/").json()
    assert queue["count"] == 1 and queue["results"][0]["id"] == str(pair.id)
    detail = client.get(f"{API}/pairs/{pair.id}/").json()
    assert {s["family_name"] for s in detail["sides"]} == {"Иванова", "Ivanova"}
    refused = client.post(
        f"{API}/pairs/{pair.id}/decision/", {"decision": "same", "reason": ""}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    decided = client.post(
        f"{API}/pairs/{pair.id}/decision/",
        {"decision": "same", "reason": "same woman"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["merge"]["surviving"] == world.cyrillic.reference
    assert decided.json()["pair"]["status"] == PairStatus.SAME
    not_same = client.post(
        f"{API}/pairs/{pair.id}/decision/",
        {"decision": "not_same", "reason": "again"},
        format="json",
    )
    assert not_same.status_code == 409

    for outsider, status in _outsiders(world):
        other = api_client_for(outsider)  # type: ignore[arg-type]
        assert other.get(f"{API}/pairs/{pair.id}/").status_code == status
        assert (
            other.post(
                f"{API}/pairs/{pair.id}/decision/",
                {"decision": "not_same", "reason": "x"},
                format="json",
            ).status_code
            == status
        )
        listed = other.get(f"{API}/pairs/")
        assert listed.status_code == 403 or listed.json()["count"] == 0


def test_issue14_api_not_same_answers_no_merge(world: World) -> None:
    pair = world.pair()
    client = api_client_for(world.coordinator)
    answer = client.post(
        f"{API}/pairs/{pair.id}/decision/",
        {"decision": "not_same", "reason": "twins"},
        format="json",
    ).json()
    assert answer["merge"] is None and answer["pair"]["status"] == PairStatus.NOT_SAME
    assert PairReview.objects.get().status == PairStatus.NOT_SAME


def test_issue14_api_merge_approval_is_four_eyes_and_reversible(world: World) -> None:
    pair = world.pair()
    proposer = api_client_for(world.supervisor)
    merge_id = proposer.post(
        f"{API}/pairs/{pair.id}/decision/", {"decision": "same", "reason": "same"}, format="json"
    ).json()["merge"]["id"]
    assert [m["id"] for m in proposer.get(f"{API}/merges/").json()] == [merge_id]
    assert proposer.get(f"{API}/merges/{merge_id}/").json()["status"] == "proposed"

    own = proposer.post(
        f"{API}/merges/{merge_id}/approve/", {"approve": True, "reason": "ok"}, format="json"
    )
    assert own.status_code == 403 and own.json()["code"] == errors.ErrorCode.OWN_PROPOSAL
    caseworker = api_client_for(world.coordinator)
    assert (
        caseworker.post(
            f"{API}/merges/{merge_id}/approve/", {"approve": True, "reason": "ok"}, format="json"
        ).json()["code"]
        == errors.ErrorCode.NOT_COORDINATOR_SUPERVISOR
    )
    for outsider, status in _outsiders(world):
        other = api_client_for(outsider)  # type: ignore[arg-type]
        answer = other.post(
            f"{API}/merges/{merge_id}/approve/", {"approve": True, "reason": "x"}, format="json"
        )
        assert answer.status_code == status
        assert other.get(f"{API}/merges/{merge_id}/").status_code == status

    second = api_client_for(world.second)
    approved = second.post(
        f"{API}/merges/{merge_id}/approve/", {"approve": True, "reason": "ok"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    reversed_ = second.post(
        f"{API}/merges/{merge_id}/unmerge/", {"reason": "not her"}, format="json"
    )
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed"
    assert Merge.objects.get().status == Merge.Status.REVERSED
    assert (
        second.post(f"{API}/merges/{merge_id}/unmerge/", {"reason": "x"}, format="json").status_code
        == 409
    )
