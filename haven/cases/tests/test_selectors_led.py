"""``cases_led``: the cases an organisation leads, for the home page. Its two
query plans must give the same answer; which one runs depends on the count."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from haven.access import selectors as access_selectors
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases import selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort_limit", [100, 1], ids=["sorted", "walked in index order"])
def test_it_gives_the_led_cases_newest_change_first_with_either_plan(sort_limit: int) -> None:
    # given: three cases the NGO leads, opened a day apart; one police case it is only on
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    start = timezone.now() - timedelta(days=10)
    led = []
    for day in range(3):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            led.append(open_case(actor=lead))
    police = make_user(org_type=OrgType.POLICE, role=Role.CASEWORKER)
    only_member = open_case(actor=police)
    assert lead.organisation is not None
    add_to_team(case=only_member, organisation=lead.organisation)

    # when
    result = selectors.cases_led(user=lead, limit=2, sort_limit=sort_limit)

    # then
    assert (result.count.value, result.count.exact) == (3, True)
    assert [case.reference for case in result.recent] == [led[2].reference, led[1].reference]


def test_it_gives_nothing_to_an_organisation_that_leads_no_case() -> None:
    # given: the NGO is only a member of the police's case
    police = make_user(org_type=OrgType.POLICE, role=Role.CASEWORKER)
    case = open_case(actor=police)
    member = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    assert member.organisation is not None
    add_to_team(case=case, organisation=member.organisation)

    # when
    result = selectors.cases_led(user=member, limit=10)

    # then
    assert (result.count.value, result.recent) == (0, [])


def test_it_counts_up_to_a_limit_and_then_says_more_than() -> None:
    # given: three cases the NGO leads, counted up to two
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    opened = [open_case(actor=lead) for _ in range(3)]

    # when
    result = selectors.cases_led(user=lead, limit=5, count_limit=2)

    # then: "more than 2", and still every led case, read in index order
    assert (result.count.value, result.count.exact) == (2, False)
    assert {case.reference for case in result.recent} == {case.reference for case in opened}


def test_it_walks_an_index_in_the_whole_order_of_the_page_without_sorting() -> None:
    # given: an organisation that leads more cases than are sorted
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    for _ in range(3):
        open_case(actor=lead)
    led = access_selectors.led_memberships(user=lead)
    walked = Case.objects.filter(Exists(led.filter(case_id=OuterRef("pk")))).order_by(
        *selectors.LED_CASES_ORDER
    )

    # then: an index holds the page's whole order, and SQLite reads the cases through it
    # (with its first column alone it chose another index and sorted every case)
    indexes = {index.name: list(index.fields) for index in Case._meta.indexes}
    assert indexes["case_status_changed_idx"] == list(selectors.LED_CASES_ORDER)
    if connection.vendor == "sqlite":
        plan = walked[:5].explain()
        assert "case_status_changed_idx" in plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan
