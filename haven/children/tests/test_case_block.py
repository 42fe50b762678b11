"""The case-page block (R-25, R-27, R-11): at most two queries, no decryption."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases import selectors as case_selectors
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
from haven.children import selectors
from haven.children.tests.factories import open_child_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("child", "queries"), [(True, 2), (False, 1)])
def test_it_summarises_the_case_in_at_most_two_queries(child: bool, queries: int) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker) if child else open_case(actor=caseworker)
    view = case_selectors.case_read(user=caseworker, case_id=case.id)
    # when
    with CaptureQueriesContext(connection) as captured:
        summary = selectors.child_summary_shown(case_view=view)
    # then
    assert summary is not None
    assert len(captured.captured_queries) == queries
    assert (summary.best_interests is not None) is child
    assert summary.dependants == 0


def test_it_shows_nothing_to_a_member_who_sees_neither_group() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR)
    add_to_team(case=case, organisation=org_of(rapporteur))
    # when
    hidden = selectors.child_summary_shown(
        case_view=case_selectors.case_read(user=rapporteur, case_id=case.id)
    )
    shown = selectors.child_summary_shown(
        case_view=case_selectors.case_read(user=caseworker, case_id=case.id)
    )
    # then
    assert hidden is None
    assert shown is not None
