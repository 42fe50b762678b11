"""Whether a case page is read under break-glass (the banner on the case page):
break-glass itself is access's (``haven/access/tests/test_break_glass.py``)."""

from __future__ import annotations

import pytest

from haven.access.tests.test_break_glass import use, world
from haven.assistance.selectors import case_page as selectors
from haven.cases import selectors as case_selectors

pytestmark = pytest.mark.django_db


def test_it_tells_a_case_page_read_under_break_glass_from_one_read_by_the_team() -> None:
    # given
    w = world()
    use(w)

    # when
    outsider = case_selectors.case_read(user=w.outsider, case_id=w.case.id)
    lead = case_selectors.case_read(user=w.lead, case_id=w.case.id)

    # then
    assert selectors.case_view_under_break_glass(case_view=outsider)
    assert not selectors.case_view_under_break_glass(case_view=lead)
