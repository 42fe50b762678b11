"""Drafts of long forms (issue 11): sealed, their owner's alone, audited, expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from haven.access.models import FieldGroup
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import drafts, errors
from haven.cases.models import Draft, DraftKind
from haven.cases.tests.factories import open_case
from haven.vault.models import DataKey

pytestmark = pytest.mark.django_db

NEW = "/cases/new/"
TYPED = {"given_name": ["Maria"], "other_languages": ["ru", "et"]}


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="cases.Draft", action=action))


def test_a_draft_is_sealed_and_resumed_by_its_owner_with_an_audited_read() -> None:
    # given
    owner = make_user()

    # when
    draft = drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields=TYPED)
    fields = drafts.draft_open(user=owner, draft_id=draft.id, kind=DraftKind.CASE_OPEN)

    # then
    assert fields == TYPED
    assert b"Maria" not in bytes(Draft.objects.get().fields_enc)
    assert [e.actor_id for e in _events(Action.CREATE)] == [owner.id]
    assert [e.actor_id for e in _events(Action.READ)] == [owner.id]


def test_another_user_of_the_same_organisation_neither_sees_nor_opens_a_draft() -> None:
    # given
    owner = make_user()
    colleague = make_user(organisation=owner.organisation)
    draft = drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields=TYPED)

    # then: the owner's side
    assert [row.id for row in drafts.draft_list(user=owner)] == [str(draft.id)]
    # and the colleague's, with the same draft
    assert drafts.draft_list(user=colleague) == []
    with pytest.raises(errors.DraftNotFound):
        drafts.draft_open(user=colleague, draft_id=draft.id, kind=DraftKind.CASE_OPEN)
    assert drafts.draft_delete(actor=colleague, draft_id=draft.id) is False
    assert Draft.objects.filter(id=draft.id).exists()


def test_saving_again_updates_the_owners_draft_and_another_users_id_starts_a_new_one() -> None:
    # given
    owner = make_user()
    colleague = make_user(organisation=owner.organisation)
    draft = drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields=TYPED)

    # when
    again = drafts.draft_save(
        actor=owner,
        kind=DraftKind.CASE_OPEN,
        path=NEW,
        fields={"given_name": ["Mariia"]},
        draft_id=draft.id,
    )
    theirs = drafts.draft_save(
        actor=colleague, kind=DraftKind.CASE_OPEN, path=NEW, fields={}, draft_id=draft.id
    )

    # then
    assert again.id == draft.id
    assert theirs.id != draft.id
    opened = drafts.draft_open(user=owner, draft_id=draft.id, kind=DraftKind.CASE_OPEN)
    assert opened == {"given_name": ["Mariia"]}
    assert len(_events(Action.UPDATE)) == 1


def test_a_draft_of_a_case_passes_the_case_gate_and_names_the_person_in_the_audit() -> None:
    # given
    lead = make_user()
    outsider = make_user()
    case = open_case(actor=lead)
    path = f"/cases/{case.id}/assessments/new/?kind=needs"

    # when
    draft = drafts.draft_save(
        actor=lead, kind=DraftKind.ASSESSMENT, path=path, fields=TYPED, case_id=case.id
    )

    # then
    event = _events(Action.CREATE)[0]
    assert event.person_id == str(case.person_id)
    assert event.field_groups == FieldGroup.ASSESSMENT
    row = drafts.draft_list(user=lead, kind=DraftKind.ASSESSMENT)[0]
    assert row.case_reference == case.reference
    assert row.resume_url == f"{path}&draft={draft.id}"
    assert drafts.draft_list(user=lead, kind=DraftKind.CASE_OPEN) == []
    with pytest.raises(errors.CaseNotFound):
        drafts.draft_save(
            actor=outsider, kind=DraftKind.ASSESSMENT, path=path, fields={}, case_id=case.id
        )


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("letter", NEW),
        (DraftKind.CASE_OPEN, "https://elsewhere.example/"),
        (DraftKind.CASE_OPEN, "//elsewhere.example/"),
        (DraftKind.CASE_OPEN, "cases/new/"),
        (DraftKind.CASE_OPEN, "/" + "x" * 300),
    ],
)
def test_it_keeps_drafts_only_of_known_forms_resumed_on_haven_pages(kind: str, path: str) -> None:
    with pytest.raises(errors.DraftNotSaved) as raised:
        drafts.draft_save(actor=make_user(), kind=kind, path=path, fields=TYPED)
    assert raised.value.code == errors.ErrorCode.DRAFT_KIND_UNKNOWN
    assert Draft.objects.count() == 0


def test_a_draft_opened_as_another_form_or_with_a_bad_id_is_missing() -> None:
    owner = make_user()
    draft = drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields=TYPED)
    with pytest.raises(errors.DraftNotFound):
        drafts.draft_open(user=owner, draft_id=draft.id, kind=DraftKind.ASSESSMENT)
    with pytest.raises(errors.DraftNotFound):
        drafts.draft_open(user=owner, draft_id="not-an-id", kind=DraftKind.CASE_OPEN)


def test_deleting_a_draft_removes_its_key_and_is_audited() -> None:
    # given
    owner = make_user()
    draft = drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields=TYPED)

    # when
    deleted = drafts.draft_delete(actor=owner, draft_id=draft.id)

    # then
    assert deleted is True
    assert not Draft.objects.exists()
    assert not DataKey.objects.filter(id=draft.data_key_id).exists()
    assert [e.actor_id for e in _events(Action.ERASE)] == [owner.id]


@override_settings(HAVEN_DRAFT_DAYS=3)
def test_a_draft_expires_after_the_configured_days_and_is_purged_with_its_key() -> None:
    # given
    owner = make_user()
    draft = drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields=TYPED)
    assert draft.expires_at == draft.updated_at + timedelta(days=3)

    # when
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        listed = drafts.draft_list(user=owner)
        with pytest.raises(errors.DraftNotFound):
            drafts.draft_open(user=owner, draft_id=draft.id, kind=DraftKind.CASE_OPEN)
        drafts.draft_save(actor=owner, kind=DraftKind.CASE_OPEN, path=NEW, fields={})

    # then
    assert listed == []
    assert not Draft.objects.filter(id=draft.id).exists()
    assert not DataKey.objects.filter(id=draft.data_key_id).exists()
