"""Drafts of long forms (issue 11): sealed, their owner's alone, audited, expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from haven.access import errors as access_errors
from haven.access import services as access_services
from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import drafts, errors
from haven.cases.models import Case, Draft, DraftKind
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import org_of
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
        (DraftKind.CASE_OPEN, "/" + "x" * drafts.MAX_PATH),
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


# --- the referral and consent forms (issue 11): their drafts pass the form's own gate ---------

REFER = "/referrals/cases/{case}/new/"
CONSENT = "/cases/{case}/consents/new/"
JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


def _save(user: User, kind: str, case: Case, path: str) -> Draft:
    return drafts.draft_save(
        actor=user, kind=kind, path=path.format(case=case.id), fields=TYPED, case_id=case.id
    )


@pytest.mark.parametrize(
    ("kind", "path", "group"),
    [
        (DraftKind.REFERRAL, REFER, FieldGroup.SERVICES),
        (DraftKind.CONSENT, CONSENT, FieldGroup.NARRATIVE),
    ],
)
def test_a_referral_or_consent_draft_is_audited_with_the_group_its_form_holds(
    kind: str, path: str, group: str
) -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)

    # when
    draft = _save(lead, kind, case, path)
    listed = drafts.draft_list(user=lead, kind=kind)

    # then
    event = _events(Action.CREATE)[0]
    assert (event.person_id, event.field_groups) == (str(case.person_id), group)
    assert event.detail == {"kind": kind}
    assert [(row.id, row.kind_label) for row in listed] == [
        (str(draft.id), str(DraftKind(kind).label))
    ]


def test_a_referral_draft_is_kept_for_those_who_see_services_and_not_the_police() -> None:
    # given: the same case, led by an NGO, with the police and a shelter on its team
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    shelter = make_user(org_type=OrgType.SHELTER)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(police))
    add_to_team(case=case, organisation=org_of(shelter))

    # when
    offered = {
        user: drafts.draft_may_save(user=user, kind=DraftKind.REFERRAL, case_id=case.id)
        for user in (lead, shelter, police)
    }
    kept = _save(shelter, DraftKind.REFERRAL, case, REFER)
    with pytest.raises(errors.GroupNotAllowed) as refused:
        _save(police, DraftKind.REFERRAL, case, REFER)

    # then: the rule that refuses the draft decides whether it is offered
    assert offered == {lead: True, shelter: True, police: False}
    assert kept.case_id == case.id
    assert refused.value.code == errors.ErrorCode.FIELD_GROUP_NOT_ALLOWED
    assert Draft.objects.count() == 1


def test_a_consent_draft_is_the_case_leads_alone_as_the_consent_form_is() -> None:
    # given: a social service on the team sees everything the lead does, but does not
    # record the person's consents
    lead = make_user(org_type=OrgType.NGO)
    member = make_user(org_type=OrgType.SOCIAL_SERVICES)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=org_of(member))

    # when
    offered = {
        user: drafts.draft_may_save(user=user, kind=DraftKind.CONSENT, case_id=case.id)
        for user in (lead, member)
    }
    kept = _save(lead, DraftKind.CONSENT, case, CONSENT)
    with pytest.raises(access_errors.SharingNotAllowed):
        _save(member, DraftKind.CONSENT, case, CONSENT)

    # then
    assert offered == {lead: True, member: False}
    assert [d.id for d in Draft.objects.all()] == [kept.id]


def test_a_merged_case_takes_no_draft_new_or_saved_again_while_a_live_one_does() -> None:
    # given: a draft started before the case was merged into another
    lead = make_user(org_type=OrgType.NGO)
    surviving, absorbed, live = (open_case(actor=lead) for _ in range(3))
    started = _save(lead, DraftKind.REFERRAL, absorbed, REFER)
    Case.objects.filter(pk=absorbed.pk).update(merged_into=surviving)

    # when
    with pytest.raises(errors.CaseMerged) as new:
        _save(lead, DraftKind.CONSENT, absorbed, CONSENT)
    with pytest.raises(errors.CaseMerged) as again:
        drafts.draft_save(
            actor=lead, kind=DraftKind.REFERRAL, path="/", fields={}, draft_id=started.id
        )
    kept = _save(lead, DraftKind.CONSENT, live, CONSENT)

    # then
    assert new.value.code == again.value.code == errors.ErrorCode.CASE_MERGED
    assert surviving.reference in new.value.message
    assert not drafts.draft_may_save(user=lead, kind=DraftKind.REFERRAL, case_id=absorbed.id)
    assert drafts.draft_may_save(user=lead, kind=DraftKind.REFERRAL, case_id=live.id)
    assert drafts.draft_open(user=lead, draft_id=started.id, kind=DraftKind.REFERRAL) == TYPED
    assert kept.case_id == live.id


def test_emergency_access_reads_a_case_but_keeps_no_draft_of_its_forms() -> None:
    # given: an outsider with a live break-glass grant, and a colleague of the lead
    lead = make_user(org_type=OrgType.NGO)
    colleague = make_user(organisation=lead.organisation)
    outsider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    case = open_case(actor=lead)
    access_services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )

    # when
    with pytest.raises(errors.BreakGlassReadOnly):
        _save(outsider, DraftKind.REFERRAL, case, REFER)
    kept = _save(colleague, DraftKind.REFERRAL, case, REFER)

    # then
    assert not drafts.draft_may_save(user=outsider, kind=DraftKind.REFERRAL, case_id=case.id)
    assert drafts.draft_may_save(user=colleague, kind=DraftKind.REFERRAL, case_id=case.id)
    assert [d.id for d in Draft.objects.all()] == [kept.id]


def test_a_form_without_a_case_always_offers_a_draft_and_outside_the_team_none() -> None:
    lead = make_user(org_type=OrgType.NGO)
    outsider = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    assert drafts.draft_may_save(user=outsider, kind=DraftKind.CASE_OPEN)
    assert drafts.draft_may_save(user=lead, kind=DraftKind.REFERRAL, case_id=case.id)
    assert not drafts.draft_may_save(user=outsider, kind=DraftKind.REFERRAL, case_id=case.id)
