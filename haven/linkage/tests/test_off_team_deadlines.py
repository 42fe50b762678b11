"""The national coordinator's deadlines on cases whose team it is not on (issue 14):
a merge waiting for a supervisor's approval and a possible duplicate found at
intake are in the coordinator's "my deadlines", on its home page and in the API,
linking to where they are acted on (never to a case page that would refuse);
no other organisation sees them, and a deadline of any other kind on a case
off the team stays unseen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import Role
from haven.accounts.tests.factories import make_user
from haven.cases.tests.test_api import api_client_for
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.lib.errors import NotFound
from haven.linkage import clocks
from haven.linkage.services import review
from haven.linkage.tests.test_review import World
from haven.web import home
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _listed(user: object) -> list[Task]:
    page = deadline_selectors.my_deadlines_page(user=user, number=1, per_page=25)  # type: ignore[arg-type]
    return list(page.object_list)


def test_issue14_the_merge_approval_is_in_the_supervisors_deadlines_and_links_to_the_merge() -> (
    None
):
    # given: a proposed merge; the office is on neither case's team
    world = World()
    merge = world.proposed()
    ngo_supervisor = make_user(organisation=world.first_ngo, role=Role.SUPERVISOR)

    # when
    theirs = _listed(world.second)
    ngo = _listed(ngo_supervisor)
    page = sign_in(Client(), world.second).get(reverse("deadlines:deadline_list"))
    on_home = home.home_for(user=world.second, now=timezone.now() + timedelta(days=1))
    api = api_client_for(world.supervisor).get("/api/v1/deadlines/").json()

    # then: the office sees it, linking to the merge; the NGO on the case does not
    approval = next(t for t in theirs if t.kind == clocks.MERGE_APPROVAL)
    assert deadline_selectors.where_to_act(approval) == reverse(
        "linkage:merge_detail", args=[merge.id]
    )
    assert clocks.MERGE_APPROVAL not in {t.kind for t in ngo}
    html = page.content.decode()
    assert reverse("linkage:merge_detail", args=[merge.id]) in html
    assert reverse("web:case_detail", args=[merge.case_id]) not in html
    assert reverse("linkage:merge_detail", args=[merge.id]) in [
        r.link for r in on_home.overdue.rows + on_home.deadlines.rows
    ]
    assert clocks.MERGE_APPROVAL in [d["kind"] for d in api["results"]]

    # and: decided, it is gone
    review.merge_decide(actor=world.second, merge_id=merge.id, approve=False, reason="no")
    assert clocks.MERGE_APPROVAL not in {t.kind for t in _listed(world.second)}


def test_issue14_only_the_assigned_office_ticks_off_a_duplicate_found_at_intake() -> None:
    # given: a hidden-match task for the office on a case it is not on the team of,
    # and a reminder of another kind for the office on the same case
    world = World()
    hidden = deadline_services.task_open(
        case_id=world.latin.id,
        kind=clocks.HIDDEN_MATCH,
        due_on=timezone.localdate() + timedelta(days=3),
        organisation=world.office,
        reminder_days_before=1,
        detail={"hidden_case": str(world.cyrillic.id), "asked_by": world.first_worker.pk},
    )
    other = deadline_services.task_open(
        case_id=world.latin.id,
        kind=clocks.MERGED_ELSEWHERE,
        due_on=timezone.localdate() + timedelta(days=3),
        organisation=world.office,
        reminder_days_before=1,
    )

    # when
    listed = _listed(world.coordinator)

    # then: the hidden match is listed (to the review queue), the other kind is not
    assert hidden.pk in {t.pk for t in listed} and other.pk not in {t.pk for t in listed}
    found = next(t for t in listed if t.pk == hidden.pk)
    assert deadline_selectors.where_to_act(found) == reverse("linkage:review_queue")
    with pytest.raises(NotFound):
        deadline_services.task_complete(actor=world.first_worker, task_id=hidden.pk)
    with pytest.raises(NotFound):
        deadline_services.task_complete(actor=world.coordinator, task_id=other.pk)
    done = deadline_services.task_complete(actor=world.coordinator, task_id=hidden.pk)
    assert done.status == Task.Status.DONE
