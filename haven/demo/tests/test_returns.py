"""The demo's returns (issue 17): a return being prepared for a woman with an open
compensation claim, its warning waiting for an acknowledgement; a woman returned
to Estonia whose follow-ups are on the sending NGO's list (the partner abroad is
not on the team), the first missed and escalated by the sweep."""

from __future__ import annotations

import pytest
from django.utils import timezone

from haven.accounts.models import OrgType, Role
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines import services as deadline_services
from haven.demo import seed
from haven.demo.returns import seed_returns
from haven.returns import clocks, selectors
from haven.returns.models import CountryProfile, ReturnPlan

pytestmark = pytest.mark.django_db


def test_r32_the_demo_prepares_a_return_with_a_warning_and_follows_up_a_returned_one() -> None:
    # given
    orgs = seed._create_organisations()
    users = seed._create_users(orgs)
    caseworker = users[("FI", OrgType.NGO, Role.CASEWORKER)]
    # when
    counts = seed_returns(users=users, today=timezone.localdate())
    swept = deadline_services.deadlines_sweep()
    # then
    assert counts.profiles == CountryProfile.objects.count() == 8
    prepared, returned = ReturnPlan.objects.order_by("recorded_at")
    assert (prepared.status, returned.status) == ("draft", "returned")
    view = selectors.return_plan_list(user=caseworker, case_id=prepared.case_id)
    assert [w.key for w in view.plans[0].unacknowledged] == ["open_remedies"]
    listed = [
        task
        for task in deadline_selectors.my_deadlines(user=caseworker)
        if task.kind == clocks.FOLLOW_UP
    ]
    assert len(listed) == counts.follow_ups == 4
    assert swept.escalated >= 1
    assert listed[0].due_at < timezone.now()
