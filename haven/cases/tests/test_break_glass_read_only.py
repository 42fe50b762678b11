"""Break-glass opens a case for reading only: every write refuses it."""

from __future__ import annotations

import pytest

from haven.access import services as access_services
from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases import errors, selectors, services
from haven.cases.tests.factories import open_case

pytestmark = pytest.mark.django_db

JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


def test_it_lets_a_break_glass_user_read_but_never_write() -> None:
    # given an outsider with a live break-glass grant
    lead = make_user(org_type=OrgType.NGO)
    outsider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    case = open_case(actor=lead)
    access_services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )
    # when they read, then the case opens under break-glass
    view = selectors.case_read(user=outsider, case_id=case.id)
    assert view.group("identity").code == "break_glass"
    # when they try to write, then each write is refused with its code
    with pytest.raises(errors.BreakGlassReadOnly) as narrative:
        services.narrative_append(actor=outsider, case_id=case.id, text="Seen at the ER.")
    with pytest.raises(errors.BreakGlassReadOnly) as transition:
        services.case_transition(
            actor=outsider,
            case_id=case.id,
            to_status="withdrawn",
            reasons="Left.",
            legal_basis="Test Act s. 1",
        )
    assert narrative.value.code == transition.value.code == "break_glass_read_only"
    # and the lead still writes
    services.narrative_append(actor=lead, case_id=case.id, text="Followed up.")
