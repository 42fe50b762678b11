"""The deduplication pages (issue 14): the review queue, a run's progress with and
without JavaScript, a pair side by side with its decision, a merge with its approval
and unmerge; each page's allowed side beside its refused side."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.linkage.models import DedupeRun, Merge, PairReview, PairStatus
from haven.linkage.services import review
from haven.linkage.tests.factories import coordinator, someone_else
from haven.linkage.tests.test_review import World
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("linkage:review_queue")


@pytest.fixture
def world() -> World:
    return World()


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _outsiders() -> list[tuple[User, int]]:
    """A caseworker (403), a rapporteur (403), another country's coordinator (404 for
    a pair, run or merge of Finland: as good as missing)."""
    return [
        (make_user(org_type=OrgType.NGO), 403),
        (make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR), 403),
        (make_user(organisation=coordinator("EE")), 404),
    ]


def test_issue14_the_queue_page_is_the_coordinators_and_lists_likeliest_first(
    world: World,
) -> None:
    pair = world.pair()
    page = _client(world.coordinator).get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("linkage:pair_detail", args=[pair.id]) in html
    assert world.cyrillic.reference in html and "Ivanova" not in html  # references only
    for outsider, status in _outsiders():
        answer = _client(outsider).get(QUEUE)
        assert answer.status_code == (200 if status == 404 else status)
        assert world.cyrillic.reference not in answer.content.decode()


def test_issue14_the_queue_page_reads_a_fixed_number_of_queries(world: World) -> None:
    run = world.run()
    client = _client(world.coordinator)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for n in range(2, 8):
        PairReview.objects.create(
            country="FI",
            person_a=someone_else(world.first_worker, n).person,
            person_b=someone_else(world.first_worker, n + 100).person,
            probability=0.5,
            found_by=run,
            found_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(QUEUE)
    assert page.content.decode().count("linkage/review/pairs/") == 7
    assert len(many) == len(few)


def test_issue14_the_desk_links_to_the_queue_for_the_coordinator(world: World) -> None:
    desk = _client(world.coordinator).get(reverse("referrals:desk_home")).content.decode()
    assert QUEUE in desk
    assert _client(world.first_worker).get(reverse("referrals:desk_home")).status_code == 403


def test_issue14_a_run_is_started_and_its_progress_polled_or_refreshed(world: World) -> None:
    client = _client(world.coordinator)
    started = client.post(reverse("linkage:run_start"))
    run = DedupeRun.objects.get()
    url = reverse("linkage:run_detail", args=[run.id])
    assert started.status_code == 302 and started["Location"] == url

    waiting = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in waiting and 'hx-trigger="every 3s"' in waiting
    assert url in waiting  # the plain reload link
    again = client.post(reverse("linkage:run_start"), follow=True)
    assert "already under way" in again.content.decode()

    review.run_execute(run.id)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment and "2 of 2" in fragment
    assert 'http-equiv="refresh"' not in client.get(url).content.decode()

    for outsider, status in _outsiders():
        assert _client(outsider).get(url).status_code == status
    assert (
        _client(make_user(org_type=OrgType.NGO)).post(reverse("linkage:run_start")).status_code
        == 403
    )


def test_issue14_the_pair_page_shows_both_records_and_takes_the_decision(world: World) -> None:
    pair = world.pair()
    url = reverse("linkage:pair_detail", args=[pair.id])
    client = _client(world.coordinator)

    page = client.get(url).content.decode()
    assert "Иванова" in page and "Ivanova" in page and world.second_ngo.name in page

    refused = client.post(url, {"decision": "same", "reason": ""})
    assert refused.status_code == 400
    assert 'id="id_reason_error"' in refused.content.decode()  # next to the field
    decided = client.post(url, {"decision": "same", "reason": "same woman", "keep": ""})
    merge = Merge.objects.get()
    assert decided["Location"] == reverse("linkage:merge_detail", args=[merge.id])
    assert client.post(url, {"decision": "not_same", "reason": "x"}).status_code == 400

    for outsider, status in _outsiders():
        assert _client(outsider).get(url).status_code == status
        assert _client(outsider).post(url, {"decision": "not_same", "reason": "x"}).status_code == (
            status
        )


def test_issue14_not_the_same_returns_to_the_queue(world: World) -> None:
    pair = world.pair()
    url = reverse("linkage:pair_detail", args=[pair.id])
    answer = _client(world.coordinator).post(url, {"decision": "not_same", "reason": "twins"})
    assert answer["Location"] == QUEUE
    assert PairReview.objects.get().status == PairStatus.NOT_SAME


def test_issue14_the_merge_page_offers_approval_to_another_supervisor_only(world: World) -> None:
    pair = world.pair()
    merge = review.pair_decide(actor=world.supervisor, pair_id=pair.id, same=True, reason="same")
    assert merge is not None
    url = reverse("linkage:merge_detail", args=[merge.id])
    decide = reverse("linkage:merge_decide", args=[merge.id])

    own = _client(world.supervisor)
    assert decide not in own.get(url).content.decode()
    assert own.post(decide, {"decision": "approve", "reason": "ok"}).status_code == 403
    other = _client(world.second)
    assert decide in other.get(url).content.decode()
    refused = other.post(decide, {"decision": "approve", "reason": ""})
    assert refused.status_code == 400 and 'id="id_reason_error"' in refused.content.decode()
    for outsider, status in _outsiders():
        assert _client(outsider).get(url).status_code == status
        assert _client(outsider).post(
            decide, {"decision": "approve", "reason": "x"}
        ).status_code == (status)

    approved = other.post(decide, {"decision": "approve", "reason": "checked"})
    assert approved["Location"] == url
    assert Merge.objects.get().status == Merge.Status.APPROVED
    again = other.post(decide, {"decision": "refuse", "reason": "late"})
    assert again.status_code == 400


def test_issue14_a_refused_merge_is_said_so(world: World) -> None:
    merge = world.proposed()
    decide = reverse("linkage:merge_decide", args=[merge.id])
    answer = _client(world.supervisor).post(
        decide, {"decision": "refuse", "reason": "no"}, follow=True
    )
    assert "The merge was refused." in answer.content.decode()


def test_issue14_a_supervisor_reverses_a_merge_on_its_page(world: World) -> None:
    merge = world.merged()
    url = reverse("linkage:merge_detail", args=[merge.id])
    unmerge = reverse("linkage:merge_unmerge", args=[merge.id])
    assert unmerge not in _client(world.coordinator).get(url).content.decode()
    assert _client(world.coordinator).post(unmerge, {"reason": "no"}).status_code == 403
    client = _client(world.second)
    assert unmerge in client.get(url).content.decode()
    missing = client.post(unmerge, {"reason": ""})
    assert missing.status_code == 400 and 'id="id_reason_error"' in missing.content.decode()
    done = client.post(unmerge, {"reason": "not her"})
    assert done["Location"] == url and Merge.objects.get().status == Merge.Status.REVERSED
    assert client.post(unmerge, {"reason": "again"}).status_code == 400


def test_issue14_each_case_page_says_what_was_merged_references_only(world: World) -> None:
    append = reverse("web:narrative_add", args=[world.latin.id])
    before = _client(world.second_worker).get(reverse("web:case_detail", args=[world.latin.id]))
    assert append in before.content.decode()  # the form, while the case takes writes
    world.merged()
    surviving = _client(world.first_worker).get(
        reverse("web:case_detail", args=[world.cyrillic.id])
    )
    absorbed = _client(world.second_worker).get(reverse("web:case_detail", args=[world.latin.id]))
    assert f"Merged from case {world.latin.reference}" in surviving.content.decode()
    assert f"merged into case {world.cyrillic.reference}" in absorbed.content.decode()
    assert append not in absorbed.content.decode()  # no form on a merged case
    stranger = _client(world.first_worker).get(reverse("web:case_detail", args=[world.stranger.id]))
    assert "Merged from" not in stranger.content.decode()
