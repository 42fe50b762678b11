"""Drafts of the referral form, and of the consent form reached from its check
(issue 11): "Save draft" without JavaScript, resumed prefilled by its author alone,
deleted once sent, offered only where the form and the draft would be taken."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case, Draft
from haven.cases.tests.factories import add_to_team, open_case
from haven.referrals.models import Referral
from haven.referrals.tests.test_referral_sharing_dead_ends import (
    Referring,
    _referral,
    _row,
    client_for,
    referring,
)

pytestmark = pytest.mark.django_db

SAVE = reverse("cases:draft_save")
MESSAGE = "Needs a safe bed tonight; speaks Tigrinya, an interpreter is booked."
JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


def _new(case: Case) -> str:
    return reverse("referrals:referral_new", args=[case.id])


def _half_done(r: Referring, **changes: Any) -> dict[str, Any]:
    """The referral form half filled (no type yet), as "Save draft" posts it."""
    data: dict[str, Any] = {
        "to_organisation": str(r.shelter.pk),
        "purpose": Purpose.ASSISTANCE,
        "field_groups": [FieldGroup.IDENTITY, FieldGroup.LOCATION],
        "urgent": "on",
        "message": MESSAGE,
        "draft_kind": "referral",
        "draft_path": _new(r.case),
        "draft_case": str(r.case.id),
    }
    data.update(changes)
    return data


def _consent_to_identity(r: Referring) -> None:
    access_services.consent_record(
        actor=r.lead,
        case_id=r.case.id,
        person_id=r.case.person_id,
        data_key=r.case.person.data_key,
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.IDENTITY],
        given_on=timezone.localdate(),
        language="ti",
        information_given="Who reads her name, and that saying no changes no help.",
        recipient_organisation=r.shelter,
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="cases.Draft", action=action))


def test_issue11_a_referral_saved_as_a_draft_is_resumed_prefilled_and_gone_once_sent() -> None:
    # given
    r = referring()
    lead = client_for(r.lead)

    # when
    form = lead.get(_new(r.case)).content.decode()
    saved = lead.post(SAVE, _half_done(r))
    draft = Draft.objects.get()
    resumed = lead.get(saved["Location"]).content.decode()
    listed = lead.get(_new(r.case)).content.decode()
    _consent_to_identity(r)
    sent = lead.post(
        _new(r.case),
        {**_referral(r, [FieldGroup.IDENTITY]), "message": MESSAGE, "draft_id": str(draft.id)},
    )

    # then: the form offers it, with the idle warning
    assert "Save draft" in form and "data-idle-warning" in form
    assert saved.status_code == 302
    assert saved["Location"] == f"{_new(r.case)}?draft={draft.id}"
    # what was typed is back, unjudged, with what can be shared with the shelter chosen
    assert MESSAGE in resumed
    assert f'<option value="{r.shelter.pk}" selected>' in resumed
    assert re.search(r'value="location"[^>]*checked', resumed)
    assert re.search(r'name="urgent"[^>]*checked', resumed)
    assert f'name="draft_id" value="{draft.id}"' in resumed
    assert "Not yet: consent needed" in _row(resumed, FieldGroup.IDENTITY)
    assert "error-summary" not in resumed
    # listed under "Your drafts" with its kind, on the form of the same case
    assert "Your drafts" in listed and "Referral, saved" in listed
    # sending it sends the referral and ends the draft
    assert sent.status_code == 302
    assert Referral.objects.filter(case=r.case, to_organisation=r.shelter).exists()
    assert not Draft.objects.exists()
    # each step audited, naming the person and the services group, never the text
    for action in (Action.CREATE, Action.READ, Action.ERASE):
        [event] = _events(action)
        assert (event.actor_id, event.person_id) == (r.lead.id, str(r.case.person_id))
        assert event.field_groups == FieldGroup.SERVICES
        assert MESSAGE not in str(event.detail)


def test_issue11_a_referral_draft_is_its_authors_and_not_a_colleagues() -> None:
    # given: two caseworkers of the lead, one draft
    r = referring()
    author = client_for(r.lead)
    colleague = client_for(UserFactory.create(organisation=r.lead_org, role=Role.CASEWORKER))
    resume = author.post(SAVE, _half_done(r))["Location"]

    # then: the author's side
    assert "Referral, saved" in author.get(_new(r.case)).content.decode()
    assert MESSAGE in author.get(resume).content.decode()
    # and the colleague's, with the same draft: the form, but neither the draft nor its list
    page = colleague.get(_new(r.case))
    assert page.status_code == 200 and "Save draft" in page.content.decode()
    assert "Your drafts" not in page.content.decode()
    assert colleague.get(resume).status_code == 404
    assert len(_events(Action.READ)) == 1


def test_issue11_save_draft_is_offered_only_to_those_whose_draft_is_taken() -> None:
    # given: the same case; a social service on the team sees services, the police
    # on the team do not (police organisations never see the services group)
    r = referring()
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=r.case, organisation=police.organisation, by=r.lead)

    # when
    pages = {
        name: client_for(user).get(_new(r.case)).content.decode()
        for name, user in (("member", r.member), ("police", police))
    }
    taken = client_for(r.member).post(SAVE, _half_done(r))
    refused = client_for(police).post(SAVE, _half_done(r))

    # then: both may refer; only the one whose draft is kept is offered it
    assert "Send the referral" in pages["member"] and "Send the referral" in pages["police"]
    assert "Save draft" in pages["member"] and "data-idle-warning" in pages["member"]
    assert "Save draft" not in pages["police"] and "data-idle-warning" not in pages["police"]
    assert taken.status_code == 302
    assert refused.status_code == 403
    assert Draft.objects.get().owner_id == r.member.id


def test_issue11_a_merged_case_neither_shows_the_referral_form_nor_keeps_its_draft() -> None:
    # given: the same lead, one case merged into another and one live
    r = referring()
    absorbed = open_case(actor=r.lead)
    Case.objects.filter(pk=absorbed.pk).update(merged_into=r.case)
    lead = client_for(r.lead)

    # when
    merged_page = lead.get(_new(absorbed))
    merged_draft = lead.post(
        SAVE, _half_done(r, draft_path=_new(absorbed), draft_case=str(absorbed.id))
    )
    live_draft = lead.post(SAVE, _half_done(r))

    # then
    assert merged_page.status_code == merged_draft.status_code == 409
    assert r.case.reference in merged_draft.content.decode()
    assert live_draft.status_code == 302
    assert Draft.objects.get().case_id == r.case.id


def test_issue11_emergency_access_and_outsiders_get_neither_the_form_nor_a_draft() -> None:
    # given: an outsider reading under break-glass, another with nothing
    r = referring()
    emergency = make_user(org_type=OrgType.SOCIAL_SERVICES)
    outsider = make_user(org_type=OrgType.NGO)
    access_services.break_glass_open(
        actor=emergency, case_id=r.case.id, person_id=r.case.person_id, justification=JUSTIFICATION
    )

    # when
    answers = {
        name: (client_for(user).get(_new(r.case)), client_for(user).post(SAVE, _half_done(r)))
        for name, user in (("emergency", emergency), ("outsider", outsider))
    }

    # then: the page and the draft refused alike, the page offering nothing
    assert [a.status_code for a in answers["emergency"]] == [403, 403]
    assert [a.status_code for a in answers["outsider"]] == [404, 404]
    assert "Save draft" not in answers["emergency"][0].content.decode()
    assert not Draft.objects.exists()


def test_issue11_a_consent_draft_from_the_referral_check_returns_there_once_recorded() -> None:
    # given: the lead follows the check's link to record the missing consent
    r = referring()
    new = _new(r.case)
    lead = client_for(r.lead)
    check = lead.get(new, {"to": str(r.shelter.pk), "purpose": "assistance"}).content.decode()
    link = re.search(r'href="([^"]*consents/new/\?[^"]*)"', _row(check, FieldGroup.IDENTITY))
    assert link is not None
    consent_url = link.group(1).replace("&amp;", "&")
    typed = {
        "recipient": f"org:{r.shelter.pk}",
        "purpose": "assistance",
        "field_groups": [FieldGroup.IDENTITY, FieldGroup.LOCATION],
        "given_on": timezone.localdate().isoformat(),
        "given_by": "person",
        "language": "ti",
        "information_given": "Told in Tigrinya, with an interpreter, who reads what.",
    }

    # when: half done, saved as a draft; resumed later and recorded
    form = lead.get(consent_url).content.decode()
    saved = lead.post(
        SAVE,
        {
            **typed,
            "draft_kind": "consent",
            "draft_path": consent_url,
            "draft_case": str(r.case.id),
        },
    )
    draft = Draft.objects.get()
    resumed = lead.get(saved["Location"])
    recorded = lead.post(saved["Location"], {**typed, "draft_id": str(draft.id)})

    # then
    assert "Save draft" in form and "data-idle-warning" in form
    assert saved.status_code == 302
    assert saved["Location"] == f"{consent_url}&draft={draft.id}"
    html = resumed.content.decode()
    assert "Told in Tigrinya, with an interpreter, who reads what." in html
    assert re.search(r'value="location"[^>]*checked', html)
    back = f"{new}?to={r.shelter.pk}&amp;purpose=assistance"
    assert f'href="{back}"' in html  # Cancel goes back to the check too
    assert recorded.status_code == 302
    assert recorded["Location"] == f"{new}?to={r.shelter.pk}&purpose=assistance"
    assert not Draft.objects.exists()


def test_issue11_kinds_unticked_before_saving_stay_unticked_when_the_link_ticked_them() -> None:
    # given: the check's link ticks the kinds that wait for consent
    r = referring()
    lead = client_for(r.lead)
    check = lead.get(_new(r.case), {"to": str(r.shelter.pk), "purpose": "assistance"})
    link = re.search(
        r'href="([^"]*consents/new/\?[^"]*)"', _row(check.content.decode(), "identity")
    )
    assert link is not None
    consent_url = link.group(1).replace("&amp;", "&")

    # when: every kind unticked, then saved and resumed
    ticked = lead.get(consent_url).content.decode()
    saved = lead.post(
        SAVE,
        {
            "recipient": f"org:{r.shelter.pk}",
            "information_given": "Not told yet.",
            "draft_kind": "consent",
            "draft_path": consent_url,
            "draft_case": str(r.case.id),
        },
    )
    resumed = lead.get(saved["Location"]).content.decode()

    # then: as the caseworker left it, not as the link had it
    assert re.search(r'value="identity"[^>]*checked', ticked)
    assert not re.search(r'value="identity"[^>]*checked', resumed)
    assert "Not told yet." in resumed
