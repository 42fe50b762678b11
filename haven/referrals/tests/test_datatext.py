"""Referral types in the reader's language (issue 18): the labels of
referral_targets.yaml, translated by haven/referrals/data/i18n/<lang>.yaml; a referral
keeps the type's key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from haven.accounts.models import User
from haven.cases.tests.test_api import api_client_for
from haven.lib import datatext, languages
from haven.referrals import targets
from haven.referrals.models import Referral
from haven.referrals.tests.test_referrals_services import referral_setup, send
from haven.web.tests.factories import sign_in

I18N = Path(__file__).resolve().parents[1] / "data" / "i18n"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "referral_targets.yaml"
TRANSLATED = [code for code in languages.catalogue_languages() if code != "en"]
LABEL = "Safe accommodation"


def finnish(text: str) -> str:
    found = datatext.translate(targets.DATA_APP, text, "fi")
    assert found != text  # the shipped Finnish file translates it
    return found


def client_in(user: User, language: str) -> Client:
    client = sign_in(Client(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def no_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(datatext, "HAVEN_DIR", tmp_path)
    datatext.clear_cache()
    yield
    datatext.clear_cache()


def shipped_texts() -> list[str]:
    return targets.data_texts(targets.parse_targets(SHIPPED.read_text(encoding="utf-8")))


@pytest.mark.catalogues
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_shipped_language_translates_every_referral_type(language: str) -> None:
    # given
    translations = yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))

    # then
    assert datatext.problems(shipped_texts(), translations) == []


def test_the_texts_are_the_labels_of_the_file_in_its_order() -> None:
    # then
    assert shipped_texts()[:2] == [LABEL, "Health care"]
    assert len(shipped_texts()) == len(targets.referral_types())
    assert sorted(path.stem for path in I18N.glob("*.yaml")) == TRANSLATED


@pytest.mark.django_db
def test_the_referral_form_in_finnish_offers_finnish_types() -> None:
    # given
    s = referral_setup()
    url = reverse("referrals:referral_new", args=[s.case.id])

    # when
    html = client_in(s.sender, "fi").get(url, {"to": str(s.shelter.pk)}).content.decode()

    # then
    assert f'<option value="accommodation">{escape(finnish(LABEL))}</option>' in html
    assert LABEL not in html


@pytest.mark.django_db
def test_the_lists_and_the_referral_show_the_type_in_the_readers_language() -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when
    listed = client_in(s.receiver, "fi").get(reverse("referrals:referral_incoming"))
    read = client_in(s.receiver, "fi").get(reverse("referrals:referral_detail", args=[referral.pk]))

    # then
    assert escape(finnish(LABEL)) in listed.content.decode()
    assert escape(finnish(LABEL)) in read.content.decode()
    assert Referral.objects.get().referral_type == "accommodation"  # the key is stored


@pytest.mark.django_db
def test_without_a_translation_the_type_is_marked_english(no_translations: None) -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when
    read = client_in(s.receiver, "fi").get(reverse("referrals:referral_detail", args=[referral.pk]))

    # then
    assert f'<dd><span lang="en">{LABEL}</span>' in read.content.decode()


@pytest.mark.django_db
def test_the_api_gives_the_label_in_the_requests_language_and_the_key_unchanged() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    client = api_client_for(s.receiver)
    url = f"/api/v1/referrals/{referral.pk}/"

    # when
    in_finnish = client.get(url, HTTP_ACCEPT_LANGUAGE="fi").json()["referral"]
    in_english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["referral"]

    # then
    assert (in_finnish["type_label"], in_english["type_label"]) == (finnish(LABEL), LABEL)
    assert in_finnish["referral_type"] == in_english["referral_type"] == "accommodation"
