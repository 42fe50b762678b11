"""The shared page frame: home redirect, error pages, skip link, navigation,
language selector and messages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_it_reflects_nothing_from_the_address_on_the_404_page() -> None:
    # given
    client = sign_in(Client(), make_user())

    # when
    response = client.get("/cases/marker-in-the-address/")

    # then
    assert response.status_code == 404
    assert "marker-in-the-address" not in response.content.decode()


def test_it_frames_every_page_with_skip_link_main_and_navigation() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    client = sign_in(Client(), user)

    # when
    html = client.get(reverse("cases:list")).content.decode()

    # then
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'aria-current="page"' in html
    assert user.organisation is not None
    assert user.organisation.name in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert 'action="/i18n/setlang/"' in html


def test_it_hides_case_navigation_while_the_second_factor_is_owed() -> None:
    # given
    user = make_user()
    client = Client()
    client.force_login(user)

    # when
    html = client.get(reverse("accounts:mfa")).content.decode()

    # then
    assert f'href="{reverse("cases:new")}"' not in html
    assert f'action="{reverse("accounts:logout")}"' in html


def test_it_switches_the_language_with_the_selector() -> None:
    # given
    client = sign_in(Client(), make_user())

    # when
    response = client.post("/i18n/setlang/", {"language": "fi"})

    # then
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fi"
    assert '<html lang="fi" dir="ltr">' in client.get(reverse("cases:list")).content.decode()


def test_it_announces_messages_in_a_status_region() -> None:
    # given
    user = make_user()
    case = open_case(actor=user)
    client = sign_in(Client(), user)
    client.post(reverse("web:narrative_add", args=[case.id]), {"text": "More."})

    # when
    html = client.get(reverse("web:case_detail", args=[case.id])).content.decode()

    # then
    assert '<div class="messages" role="status">' in html
