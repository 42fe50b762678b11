"""Issue 13: a decision is made once per (user, field group, purpose) on the facts
of one case (``CaseContext``) and reused; nothing decided for one user answers
for another, or for the same user changed since."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.access import policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_issue13_a_decision_is_made_once_per_user_group_and_purpose() -> None:
    # given
    lead = make_user()
    case = open_case(actor=lead)
    context = policy.case_context(case_id=case.id)

    def decide(group: FieldGroup = FieldGroup.HEALTH) -> policy.Decision:
        return policy.decide(
            user=lead,
            case_id=case.id,
            field_group=group,
            purpose=Purpose.ASSISTANCE,
            context=context,
        )

    first = decide()

    # when
    with CaptureQueriesContext(connection) as captured:
        again = decide()

    # then
    assert again is first and first.allowed
    assert len(captured) == 0
    assert decide(FieldGroup.LEGAL) is not first


def test_issue13_a_decision_is_not_reused_for_another_user_or_a_changed_one() -> None:
    # given: the lead was allowed on these facts
    lead = make_user()
    outsider = make_user()
    case = open_case(actor=lead)
    context = policy.case_context(case_id=case.id)

    def decide(user: User) -> policy.Decision:
        return policy.decide(
            user=user,
            case_id=case.id,
            field_group=FieldGroup.HEALTH,
            purpose=Purpose.ASSISTANCE,
            context=context,
        )

    allowed = decide(lead)

    # when
    other = decide(outsider)
    lead.is_active = False
    deactivated = decide(lead)

    # then
    assert allowed.allowed
    assert (other.allowed, other.code) == (False, "not_on_case_team")
    assert (deactivated.allowed, deactivated.code) == (False, "inactive_user")
