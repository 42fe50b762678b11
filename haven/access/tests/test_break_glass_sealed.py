"""Break-glass justifications are sealed under the person's key (issue 12): typed
words about an emergency may describe the person, so they die with the key when
the person is erased, and rows written before are sealed by the migration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.access import services
from haven.access.models import JUSTIFICATION_CONTEXT, BreakGlass
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases import services as case_services
from haven.cases.tests.factories import open_case
from haven.lib.tests.migrations import latest, migrate
from haven.vault import services as vault
from haven.vault.errors import KeyDestroyed

WORDS = "The person called from an unknown place, in danger tonight."


@pytest.mark.django_db
def test_r39_a_break_glass_justification_is_sealed_and_unreadable_after_erasure() -> None:
    # given
    lead = make_user(role=Role.SUPERVISOR)
    outsider = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead)
    grant = services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=WORDS
    )
    stored = BreakGlass.objects.get(pk=grant.pk)
    readable = stored.justification

    # when
    case_services.person_erase(actor=lead, case_id=case.id)

    # then: never stored in the clear; after erasure nobody reads it
    assert readable == WORDS
    assert WORDS.encode() not in bytes(stored.justification_enc or b"")
    after = BreakGlass.objects.select_related("case__person__data_key").get(pk=grant.pk)
    assert after.justification == ""
    with pytest.raises(KeyDestroyed):
        vault.decrypt(
            key=after.case.person.data_key,
            ciphertext=after.justification_enc or b"",
            context=JUSTIFICATION_CONTEXT,
        )


@pytest.mark.django_db
def test_r39_break_glass_on_an_erased_persons_case_keeps_no_words() -> None:
    # given
    lead = make_user(role=Role.SUPERVISOR)
    outsider = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead)
    case_services.person_erase(actor=lead, case_id=case.id)

    # when
    grant = services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=WORDS
    )

    # then
    assert BreakGlass.objects.get(pk=grant.pk).justification_enc is None


# --- the migration ---------------------------------------------------------------------------

LAST_BEFORE = ("access", "0007_agreements_recorded_before_approvals_are_in_effect")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_r39_the_migration_seals_existing_justifications_under_the_persons_key() -> None:
    # given: two uses written in the clear before the migration, one on an erased person
    lead = make_user(role=Role.SUPERVISOR)
    outsider = make_user(org_type=OrgType.POLICE)
    assert outsider.organisation is not None
    live, erased = open_case(actor=lead), open_case(actor=lead)
    case_services.person_erase(actor=lead, case_id=erased.id)
    executor = migrate([LAST_BEFORE])
    old = executor.loader.project_state([LAST_BEFORE]).apps.get_model("access", "BreakGlass")
    now = timezone.now()
    ids = [
        old.objects.create(
            case_id=case.id,
            user_id=outsider.pk,
            organisation_id=outsider.organisation.pk,
            reason="other",
            justification=WORDS,
            started_at=now,
            expires_at=now + timedelta(hours=1),
        ).pk
        for case in (live, erased)
    ]

    # when
    migrate(latest())

    # then: sealed under the live person's key; nothing kept for the erased one
    sealed, gone = (BreakGlass.objects.get(pk=pk) for pk in ids)
    assert sealed.justification == WORDS
    assert WORDS.encode() not in bytes(sealed.justification_enc or b"")
    assert gone.justification_enc is None and gone.justification == ""

    # and back: the words return in the clear where the key lives
    executor = migrate([LAST_BEFORE])
    old = executor.loader.project_state([LAST_BEFORE]).apps.get_model("access", "BreakGlass")
    assert [old.objects.get(pk=pk).justification for pk in ids] == [WORDS, ""]
