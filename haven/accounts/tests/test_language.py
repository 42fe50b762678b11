"""Every practitioner in their language (issue 18): the language is kept in the user's
profile (page and API) and wins after sign-in; the public pages follow the browser,
with a switch that works without JavaScript; ``<html lang>`` is always the language
of the text, with ``dir="rtl"`` for a right-to-left one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from haven.accounts import errors, services
from haven.accounts.models import User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now
from haven.audit.models import AuditEvent
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")
CASES = reverse("cases:list")
REPORT = reverse("report:new")
API_PROFILE = "/api/v1/auth/profile/"


def html_lang(client: Client, url: str, **headers: str) -> str:
    page = client.get(url, headers=headers).content.decode()
    start = page.index("<html ")
    return page[start : page.index(">", start) + 1]


def api_client_for(user: User) -> APIClient:
    device = confirmed_totp(user)
    raw, _token = services.api_token_issue(
        username=user.username, password=PASSWORD, otp=totp_now(device)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


# --- public pages: the browser's language, and a switch -------------------------------


@pytest.mark.parametrize("url", [LOGIN, REPORT])
def test_a_public_page_speaks_the_browsers_language_when_haven_ships_it(url: str) -> None:
    assert html_lang(Client(), url, accept_language="ru,en;q=0.5") == ('<html lang="ru" dir="ltr">')
    assert html_lang(Client(), url, accept_language="so,fi;q=0.8") == ('<html lang="fi" dir="ltr">')


@pytest.mark.parametrize("url", [LOGIN, REPORT])
def test_a_public_page_falls_back_to_english_for_a_language_haven_does_not_ship(
    url: str,
) -> None:
    assert html_lang(Client(), url, accept_language="so") == '<html lang="en" dir="ltr">'


def test_the_public_page_offers_the_switch_as_a_form_with_every_language_in_itself() -> None:
    # when
    page = Client().get(LOGIN).content.decode()

    # then: a plain POST form (no script needed), each language named so its reader finds it
    assert f'<form method="post" action="{reverse("set_language")}"' in page
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page
        assert f">{name}</option>" in page
    assert ">русский</option>" in page


def test_the_switch_changes_the_language_of_a_public_page() -> None:
    # given
    client = Client()

    # when
    response = client.post(reverse("set_language"), {"language": "ru", "next": LOGIN})

    # then
    assert response.status_code == 302
    assert html_lang(client, LOGIN, accept_language="fi") == '<html lang="ru" dir="ltr">'


@override_settings(LANGUAGES=[*settings.LANGUAGES, ("ar", "العربية")])
def test_a_right_to_left_language_sets_dir_rtl_and_a_left_to_right_one_does_not() -> None:
    assert html_lang(Client(), LOGIN, accept_language="ar") == '<html lang="ar" dir="rtl">'
    assert html_lang(Client(), LOGIN, accept_language="fi") == '<html lang="fi" dir="ltr">'


# --- the profile's language wins after sign-in ---------------------------------------


def test_after_sign_in_the_profiles_language_wins_over_the_browser_and_the_cookie() -> None:
    # given: a user who chose Finnish, with a Russian browser and a Swedish cookie
    user = make_user(language="fi")
    client = sign_in(Client(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    # then
    assert html_lang(client, CASES, accept_language="ru") == '<html lang="fi" dir="ltr">'


def test_without_a_profile_language_the_cookie_or_the_browser_decides() -> None:
    # given: the same, without a language in the profile
    client = sign_in(Client(), make_user())

    # then
    assert html_lang(client, CASES, accept_language="ru") == '<html lang="ru" dir="ltr">'
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert html_lang(client, CASES, accept_language="ru") == '<html lang="sv" dir="ltr">'


def test_a_profile_language_haven_no_longer_ships_is_ignored() -> None:
    client = sign_in(Client(), make_user(language="so"))

    assert html_lang(client, CASES, accept_language="et") == '<html lang="et" dir="ltr">'


def test_the_switch_keeps_a_signed_in_users_choice_in_the_profile() -> None:
    # given
    user = make_user(language="fi")
    client = sign_in(Client(), user)

    # when
    client.post(reverse("set_language"), {"language": "et", "next": CASES})

    # then
    user.refresh_from_db()
    assert user.language == "et"
    assert html_lang(client, CASES, accept_language="fi") == '<html lang="et" dir="ltr">'


def test_the_switch_leaves_the_profile_alone_for_a_language_haven_does_not_ship() -> None:
    user = make_user(language="fi")
    client = sign_in(Client(), user)

    client.post(reverse("set_language"), {"language": "so", "next": CASES})

    user.refresh_from_db()
    assert user.language == "fi"


def test_the_profile_page_sets_the_language_and_the_trail_records_it() -> None:
    # given
    user = make_user()
    client = sign_in(Client(), user)

    # when
    response = client.post(PROFILE, {"language": "ru"})

    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "ru"
    assert html_lang(client, PROFILE) == '<html lang="ru" dir="ltr">'
    event = AuditEvent.objects.get(object_type="user", object_id=str(user.pk))
    assert event.detail == {"event": "profile_changed", "language": "ru"}


def test_the_profile_page_offers_the_languages_each_in_itself_and_refuses_another() -> None:
    # given
    user = make_user(language="sv")
    client = sign_in(Client(), user)

    # when
    page = client.get(PROFILE).content.decode()
    refused = client.post(PROFILE, {"language": "so"})

    # then
    assert '<option value="ru" lang="ru">русский</option>' in page
    assert '<option value="sv" lang="sv" selected>svenska</option>' in page
    assert refused.status_code == 400
    assert 'class="errorlist"' in refused.content.decode()
    user.refresh_from_db()
    assert user.language == "sv"


def test_the_profile_page_needs_a_signed_in_user() -> None:
    response = Client().get(PROFILE)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(LOGIN)


def test_an_empty_language_goes_back_to_the_switch_and_the_browser() -> None:
    user = make_user(language="fi")

    services.user_language_set(user=user, language="")

    user.refresh_from_db()
    assert user.language == ""


def test_the_service_refuses_a_language_haven_does_not_ship_and_records_no_change() -> None:
    # given
    user = make_user(language="fi")

    # when
    with pytest.raises(errors.LanguageNotOffered) as refused:
        services.user_language_set(user=user, language="so")
    services.user_language_set(user=user, language="fi")  # the same: nothing to record

    # then
    assert refused.value.code == errors.ErrorCode.LANGUAGE_NOT_OFFERED
    assert not AuditEvent.objects.filter(object_type="user").exists()


# --- the API ---------------------------------------------------------------------------


def test_the_api_shows_and_changes_the_profiles_language() -> None:
    # given
    user = make_user()
    client = api_client_for(user)

    # when
    shown = client.get(API_PROFILE)
    changed = client.patch(API_PROFILE, {"language": "et"}, format="json")

    # then
    assert shown.status_code == 200
    assert shown.json()["language"] == ""
    assert {"code": "ru", "name": "русский"} in shown.json()["languages"]
    assert changed.status_code == 200
    assert changed.json()["language"] == "et"
    user.refresh_from_db()
    assert user.language == "et"


def test_the_api_refuses_a_language_haven_does_not_ship() -> None:
    user = make_user(language="fi")
    client = api_client_for(user)

    refused = client.patch(API_PROFILE, {"language": "so"}, format="json")

    assert refused.status_code == 400
    assert refused.json()["code"] == errors.ErrorCode.LANGUAGE_NOT_OFFERED
    user.refresh_from_db()
    assert user.language == "fi"


def test_the_api_answers_in_the_profiles_language() -> None:
    # given: a user who chose Finnish, and one who chose nothing, both with a Russian client
    finn = api_client_for(make_user(language="fi"))
    other = api_client_for(make_user())

    # then
    assert finn.get(API_PROFILE, headers={"accept-language": "ru"})["Content-Language"] == "fi"
    assert other.get(API_PROFILE, headers={"accept-language": "ru"})["Content-Language"] == "ru"
