"""Drafts of the consent form (issue 11, R-20): a consent, or a child's own views,
typed at length is never lost. The draft is its author's alone, gated as the form
is (the case lead's staff) and as the child's views are read (the narrative group);
"Save draft" is offered only where the draft would be kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access.models import ChildViews, Consent, FieldGroup, Purpose
from haven.access.tests.test_selectors_sharing import CHILD, NARRATIVE, org_of
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.forms import sharing as sharing_forms
from haven.cases.models import Case, Draft
from haven.cases.tests.factories import add_to_team, open_case
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

SAVE = reverse("cases:draft_save")
VIEWS = "I will talk to the police, but they must not tell my uncle where I am."
TOLD = "Told with an interpreter what the police would read, and that no changes no help."


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _new(case: Case) -> str:
    return reverse("cases:consent_new", args=[case.id])


def _typed(case: Case, recipient: User, **overrides: Any) -> dict[str, Any]:
    return {
        "recipient": f"org:{org_of(recipient).pk}",
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": timezone.localdate().isoformat(),
        "given_by": "person",
        "language": "ti",
        "information_given": TOLD,
        "draft_kind": "consent",
        "draft_path": _new(case),
        "draft_case": str(case.id),
        **overrides,
    }


def _led_by(org_type: str, **person: Any) -> tuple[User, User, Case]:
    """A case led by an organisation of ``org_type``, the police on its team by law."""
    lead = make_user(org_type=org_type)
    case = open_case(actor=lead, narrative=NARRATIVE, **person)
    police = make_user(org_type=OrgType.POLICE)
    add_to_team(case=case, organisation=org_of(police), by=lead)
    return lead, police, case


def test_issue11_a_consent_draft_is_resumed_by_its_author_alone_and_gone_once_recorded() -> None:
    # given: two caseworkers of the lead
    author, police, case = _led_by(OrgType.NGO)
    colleague = make_user(organisation=org_of(author))
    client = _client(author)

    # when
    form = client.get(_new(case)).content.decode()
    saved = client.post(SAVE, _typed(case, police))
    draft = Draft.objects.get()
    resumed = client.get(saved["Location"]).content.decode()
    theirs = _client(colleague).get(saved["Location"])
    recorded = client.post(_new(case), {**_typed(case, police), "draft_id": str(draft.id)})

    # then: the author's side
    assert "Save draft" in form and "data-idle-warning" in form
    assert saved["Location"] == f"{_new(case)}?draft={draft.id}"
    assert TOLD in resumed
    assert f'<option value="org:{org_of(police).pk}" selected>' in resumed
    assert recorded.status_code == 302
    assert Consent.objects.get().information_given == TOLD
    assert not Draft.objects.exists()
    # and the colleague's, with the same draft
    assert theirs.status_code == 404
    # audited as the narrative group, for the person
    events = AuditEvent.objects.filter(object_type="cases.Draft").order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        (Action.CREATE, author.id),
        (Action.READ, author.id),
        (Action.ERASE, author.id),
    ]
    assert {(e.person_id, e.field_groups) for e in events} == {
        (str(case.person_id), FieldGroup.NARRATIVE)
    }


def test_issue11_a_childs_views_kept_as_a_draft_are_recorded_later_and_the_draft_ends() -> None:
    # given: a child without a guardian yet: only the child's views can be recorded
    lead, police, case = _led_by(OrgType.NGO, **CHILD)
    client = _client(lead)
    views_only = _typed(case, police, given_by=sharing_forms.CHILD_VIEWS_ONLY, child_views=VIEWS)

    # when
    saved = client.post(SAVE, views_only)
    resumed = client.get(saved["Location"]).content.decode()
    recorded = client.post(_new(case), {**views_only, "draft_id": str(Draft.objects.get().id)})

    # then
    assert "my uncle" in resumed
    assert recorded.status_code == 302
    assert ChildViews.objects.filter(case=case).exists()
    assert not Draft.objects.exists()


def test_issue11_the_consent_form_offers_a_draft_only_where_it_is_kept() -> None:
    # given: the same set-up led by an NGO and by a shelter (shelters never see the
    # narrative group: a draft may hold a child's own words)
    ngo, police, ngo_case = _led_by(OrgType.NGO)
    shelter, _police, shelter_case = _led_by(OrgType.SHELTER)

    # when
    pages = {
        user: _client(user).get(_new(case))
        for user, case in ((ngo, ngo_case), (shelter, shelter_case))
    }
    drafts = {
        user: _client(user).post(SAVE, _typed(case, police))
        for user, case in ((ngo, ngo_case), (shelter, shelter_case))
    }

    # then: both record consents; only the NGO's draft is kept, and only it is offered one
    assert pages[ngo].status_code == pages[shelter].status_code == 200
    assert "Save draft" in pages[ngo].content.decode()
    assert "Save draft" not in pages[shelter].content.decode()
    assert "data-idle-warning" not in pages[shelter].content.decode()
    assert drafts[ngo].status_code == 302
    assert drafts[shelter].status_code == 403
    assert Draft.objects.get().owner_id == ngo.id


def test_issue11_a_team_member_that_is_not_the_lead_keeps_no_consent_draft() -> None:
    # given: the police on the team see the narrative by law but do not record consents
    lead, police, case = _led_by(OrgType.NGO)

    # when
    page = _client(police).get(_new(case))
    refused = _client(police).post(SAVE, _typed(case, police))
    kept = _client(lead).post(SAVE, _typed(case, police))

    # then
    assert page.status_code == refused.status_code == 403
    assert kept.status_code == 302
    assert Draft.objects.get().owner_id == lead.id
