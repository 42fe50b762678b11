"""Drafts and the idle warning through the test client (issue 11): "Save draft"
without validation or JavaScript, resumed by the owner only, deleted on sending."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case, Draft
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

NEW = reverse("cases:new")
SAVE = reverse("cases:draft_save")
KEEP_ALIVE = reverse("accounts:keep_alive")


def _typed(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "draft_kind": "case_open",
        "draft_path": NEW,
        "given_name": "Maria",
        "date_of_birth": "not a date yet",  # a draft keeps what is typed, valid or not
        "age_status": "uncertain",
        "sex": "female",
        "gender_identity": "woman",
        "first_language": "ru",
        "other_languages": ["et", "uk"],
    }
    data.update(overrides)
    return data


def _draft() -> Draft:
    return Draft.objects.get()


def test_save_draft_keeps_an_invalid_intake_and_the_owner_resumes_it_prefilled() -> None:
    # given
    owner = sign_in(Client(), make_user())

    # when
    saved = owner.post(SAVE, _typed())
    resumed = owner.get(saved.headers["Location"])

    # then
    draft = _draft()
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"{NEW}?draft={draft.id}"
    html = resumed.content.decode()
    assert resumed.status_code == 200
    assert 'value="Maria"' in html
    assert 'value="not a date yet"' in html
    assert '<option value="ru" selected>Russian</option>' in html
    assert '<option value="uk" selected>Ukrainian</option>' in html
    assert f'name="draft_id" value="{draft.id}"' in html
    assert "Your draft was saved." in html
    assert "error-summary" not in html  # resumed, not judged
    assert Case.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="cases.Draft", action=Action.READ).count() == 1


def test_a_draft_is_listed_and_opened_only_by_its_owner_not_a_colleague() -> None:
    # given
    owner_user = make_user()
    owner = sign_in(Client(), owner_user)
    colleague = sign_in(Client(), make_user(organisation=owner_user.organisation))
    owner.post(SAVE, _typed())
    resume = f"{NEW}?draft={_draft().id}"

    # then: the owner's side
    assert "Your drafts" in owner.get(NEW).content.decode()
    assert owner.get(resume).status_code == 200
    # and the colleague's, with the same draft
    assert "Your drafts" not in colleague.get(NEW).content.decode()
    assert colleague.get(resume).status_code == 404


def test_sending_the_resumed_form_opens_the_case_and_deletes_the_draft() -> None:
    # given
    owner = sign_in(Client(), make_user())
    owner.post(SAVE, _typed())
    draft = _draft()

    # when
    sent = owner.post(NEW, {**_typed(date_of_birth=""), "draft_id": str(draft.id)})

    # then
    case = Case.objects.get()
    assert sent.status_code == 302
    assert case.person.languages == ["ru", "et", "uk"]
    assert not Draft.objects.exists()


def test_the_autosave_gets_the_drafts_id_without_leaving_the_page() -> None:
    # given
    owner = sign_in(Client(), make_user())

    # when
    first = owner.post(SAVE, _typed(), headers={"X-Haven-Autosave": "1"})
    again = owner.post(
        SAVE,
        _typed(given_name="Mariia", draft_id=first.headers["X-Haven-Draft"]),
        headers={"X-Haven-Autosave": "1"},
    )

    # then
    assert first.status_code == again.status_code == 204
    assert first.headers["X-Haven-Draft"] == again.headers["X-Haven-Draft"] == str(_draft().id)


def test_a_tampered_draft_form_is_refused_and_keeps_nothing() -> None:
    owner = sign_in(Client(), make_user())
    response = owner.post(SAVE, _typed(draft_path="https://elsewhere.example/"))
    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_discarding_deletes_the_owners_draft_and_not_a_colleagues() -> None:
    # given
    owner_user = make_user()
    owner = sign_in(Client(), owner_user)
    colleague = sign_in(Client(), make_user(organisation=owner_user.organisation))
    owner.post(SAVE, _typed())
    discard = reverse("cases:draft_discard", args=[_draft().id])

    # when
    theirs = colleague.post(discard, {"next": NEW})
    outside = owner.post(discard, {"next": "https://elsewhere.example/"})

    # then
    assert theirs.status_code == 302
    assert theirs.headers["Location"] == NEW
    assert outside.headers["Location"] == "/"
    assert not Draft.objects.exists()


@override_settings(SESSION_COOKIE_AGE=600, HAVEN_IDLE_WARNING_SECONDS=180)
def test_the_form_page_warns_before_the_configured_idle_timeout_and_keeps_a_draft_button() -> None:
    # when
    html = sign_in(Client(), make_user()).get(NEW).content.decode()

    # then: the warning is there (hidden until the script shows it), with the configured times
    assert 'data-idle-seconds="600"' in html
    assert 'data-warning-seconds="180"' in html
    assert "You will be signed out in 3 minutes" in html
    assert 'role="alert"' in html
    assert f'data-keepalive-url="{KEEP_ALIVE}"' in html
    # and without JavaScript, "Save draft" posts the form to the draft endpoint
    assert f'formaction="{SAVE}"' in html
    assert "Save draft" in html


def test_keep_alive_renews_a_signed_in_session_and_answers_401_after_it_ended() -> None:
    # given
    client = sign_in(Client(), make_user())

    # when
    alive = client.post(KEEP_ALIVE)
    anonymous = Client().post(KEEP_ALIVE)
    by_get = client.get(KEEP_ALIVE)

    # then
    assert alive.status_code == 204
    assert "sessionid" in alive.cookies  # saved again: the idle clock starts over
    assert anonymous.status_code == 401
    assert by_get.status_code == 405
