"""Identification's data in the reader's language (issue 18): indicator labels, element
names and set titles, decision pathway labels, standards of proof and reason
templates, translated by haven/identification/data/i18n/<lang>.yaml. What is saved and
exported keeps the file's words; an uploaded set is shown as written, marked with the
language it declares."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.identification import data_texts, errors, loader, pathways
from haven.identification.models import IdentificationDecision, IndicatorSet
from haven.identification.services import indicator_sets as set_services
from haven.identification.tests.factories import load_shipped_sets, national_file, text_of
from haven.identification.tests.test_decisions_services import RG, TODAY, record, team
from haven.lib import datatext, languages
from haven.web.tests.factories import sign_in

I18N = Path(__file__).resolve().parents[1] / "data" / "i18n"
DR_01 = "Deceived about the nature of the job, location or employer"
DR_NAME = "Deceptive recruitment (deception during recruitment, transfer and transportation)"
RG_LABEL = "Reasonable grounds decision"
RG_PROOF = "Reasonable grounds to believe the person is a victim of trafficking"
RG_POSITIVE = "There are reasonable grounds to believe that the person is a victim of trafficking: "
TRANSLATED = [code for code in languages.catalogue_languages() if code != "en"]


def finnish(text: str) -> str:
    found = datatext.translate("identification", text, "fi")
    assert found != text  # the shipped Finnish file translates it
    return found


def client_in(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    return sign_in(Client(), user)


@pytest.fixture
def no_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if no language had a translation file (a language added without one)."""
    monkeypatch.setattr(datatext, "HAVEN_DIR", tmp_path)
    datatext.clear_cache()
    yield
    datatext.clear_cache()


# --- the shipped translation files --------------------------------------------------------


def test_the_texts_are_extracted_by_the_loaders_from_both_data_files() -> None:
    # when
    texts = data_texts.shipped_texts()

    # then: element names, set titles, labels, then the pathways, each once
    assert texts[0] == DR_NAME
    assert texts[6] == "Trafficking of adults for labour exploitation"
    assert texts[7] == DR_01
    assert texts[-4:] == [
        "Conclusive grounds decision",
        "Balance of probabilities",
        "On the balance of probabilities the person is a victim of trafficking: ",
        "On the balance of probabilities the person is not found to be a victim of "
        "trafficking, because: ",
    ]
    assert RG_PROOF in texts
    assert len(texts) == len(set(texts))


@pytest.mark.catalogues
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_shipped_language_translates_every_text_and_no_stale_one(language: str) -> None:
    # given
    translations = yaml.safe_load((I18N / f"{language}.yaml").read_text(encoding="utf-8"))

    # then: no text missing or empty, no key the data no longer has, and the reason
    # templates keep the ": " the reasons are typed on from
    assert datatext.problems(data_texts.shipped_texts(), translations) == []


def test_the_shipped_languages_are_those_with_a_translation_file() -> None:
    # then
    assert sorted(path.stem for path in I18N.glob("*.yaml")) == TRANSLATED


# --- screening and indicator set pages ----------------------------------------------------


@pytest.mark.django_db
def test_the_screening_form_in_finnish_shows_finnish_indicators_and_elements() -> None:
    # given
    load_shipped_sets()
    worker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=worker)

    # when
    html = (
        client_in(worker, "fi")
        .get(reverse("identification:screening_new", args=[case.id]))
        .content.decode()
    )

    # then
    assert escape(finnish(DR_01)) in html
    assert escape(finnish(DR_NAME)) in html
    assert escape(finnish("Trafficking of adults for labour exploitation")) in html
    assert DR_01 not in html
    assert '<span lang="en">' not in html


@pytest.mark.django_db
def test_without_a_translation_the_english_words_are_marked_english(
    no_translations: None,
) -> None:
    # given
    load_shipped_sets()
    worker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=worker)

    # when
    html = (
        client_in(worker, "fi")
        .get(reverse("identification:screening_new", args=[case.id]))
        .content.decode()
    )

    # then
    assert f'<span lang="en">{escape(DR_01)}</span>' in html
    assert f'DR: <span lang="en">{escape(DR_NAME)}</span>' in html


@pytest.mark.django_db
def test_the_indicator_set_page_in_finnish_shows_the_finnish_title_and_labels() -> None:
    # given
    sets = load_shipped_sets()
    reader = make_user(org_type=OrgType.NGO)
    adults = sets["adults_labour"]
    url = reverse("identification:indicator_set_detail", args=[adults.key, adults.version])

    # when
    html = client_in(reader, "fi").get(url).content.decode()
    listed = client_in(reader, "fi").get(reverse("identification:indicator_set_list"))

    # then
    title = escape(finnish(adults.title))
    assert f"<title>{title} (adults_labour v1)" in html
    assert f"<h1>{title}</h1>" in html
    assert escape(finnish(DR_01)) in html
    assert title in listed.content.decode()
    assert IndicatorSet.objects.get(pk=adults.pk).title == adults.title  # stored in English


@pytest.mark.django_db
def test_the_screening_detail_in_finnish_shows_what_was_observed_in_finnish() -> None:
    # given
    load_shipped_sets()
    worker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=worker)
    client = client_in(worker, "fi")
    posted = client.post(
        reverse("identification:screening_new", args=[case.id]) + "?set=adults_labour",
        {"set": "adults_labour", "observed_DR-01": "on", "source_DR-01": "own_account"},
    )

    # when
    html = client.get(posted["Location"]).content.decode()

    # then
    assert posted.status_code == 302
    assert escape(finnish(DR_01)) in html
    assert escape(finnish(DR_NAME)) in html


# --- uploaded sets --------------------------------------------------------------------------


def test_an_english_set_keeps_its_version_and_another_language_makes_its_own() -> None:
    # given
    data = national_file()
    english = loader.parse_text(text_of(data))[0]
    data["language"] = "en"
    said_english = loader.parse_text(text_of(data))[0]
    data["language"] = "FI"
    in_finnish = loader.parse_text(text_of(data))[0]

    # then
    assert english.content_hash() == said_english.content_hash()
    assert (english.language, in_finnish.language) == ("en", "fi")
    assert in_finnish.content_hash() != english.content_hash()


@pytest.mark.parametrize("value", ["suomi", 7, "f"])
def test_a_language_that_is_not_a_code_is_refused_at_its_place(value: object) -> None:
    # given
    data = national_file()
    data["language"] = value

    # when
    with pytest.raises(errors.IndicatorFileError) as refused:
        loader.parse_text(text_of(data))

    # then
    assert any(p.startswith("language: must be a language code") for p in refused.value.problems)


@pytest.mark.django_db
def test_an_uploaded_finnish_set_is_shown_as_written_and_marked_finnish() -> None:
    # given
    data = national_file()
    data["language"] = "fi"
    row = set_services.indicator_sets_load(
        actor=None, text=text_of(data), file_name="kansallinen.yaml"
    )[0].row
    label = row.indicators.order_by("position")[0].label
    reader = make_user(org_type=OrgType.NGO)
    url = reverse("identification:indicator_set_detail", args=[row.key, row.version])

    # when
    in_english = client_in(reader, "en").get(url).content.decode()
    in_finnish = client_in(reader, "fi").get(url).content.decode()

    # then
    assert row.language == "fi"
    assert f'<span lang="fi">{escape(label)}</span>' in in_english
    assert escape(label) in in_finnish
    assert '<span lang="fi">' not in in_finnish


# --- decisions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_decision_page_in_finnish_shows_the_pathway_in_finnish() -> None:
    # given
    t = team()

    # when
    with time_machine.travel(TODAY, tick=False):
        html = (
            client_in(t.police, "fi")
            .get(reverse("identification:decision_new", args=[t.case.id]))
            .content.decode()
        )

    # then
    assert f"<h3>{escape(finnish(RG_LABEL))}</h3>" in html
    assert escape(finnish(RG_PROOF)) in html
    assert RG_LABEL not in html


@pytest.mark.django_db
def test_the_reason_template_is_offered_in_the_readers_language_and_saved_as_typed() -> None:
    # given
    t = team()
    client = client_in(t.police, "fi")
    url = reverse("identification:decision_new", args=[t.case.id]) + f"?type={RG}"
    template = finnish(RG_POSITIVE)
    form = {
        "outcome": "positive",
        "decided_on": TODAY.isoformat(),
        "legal_basis": "Test Act s. 1",
        "served_to": "person",
    }

    # when
    with time_machine.travel(TODAY, tick=False):
        offered = client.get(url + "&outcome=positive").content.decode()
        untouched = client.post(url, {**form, "reasons": template})
        typed = client.post(url, {**form, "reasons": template + "uskottava kertomus."})

    # then
    assert f"{escape(template)}</textarea>" in offered
    assert untouched.status_code == 400
    assert IdentificationDecision.objects.count() == 1
    decision = IdentificationDecision.objects.get()
    assert typed.status_code == 302
    assert decision.standard_of_proof == RG_PROOF  # saved in the file's words
    assert decision.decision_type == RG


def test_pathway_texts_follow_the_active_language() -> None:
    # given
    kind = pathways.pathway_for("FI").decision_types[RG]

    # then
    with translation.override("fi"):
        assert kind.shown_label() == finnish(RG_LABEL)
        assert kind.reason_template("positive") == finnish(RG_POSITIVE)
        assert kind.reason_template("unknown") == ""
    assert kind.shown_standard_of_proof() == RG_PROOF
    assert kind.label == RG_LABEL


@pytest.mark.django_db
def test_the_api_gives_labels_in_the_requests_language_and_codes_unchanged() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        decision = record(t.police, t.case)
    client = api_client_for(t.ngo)
    url = f"/api/v1/decisions/{decision.id}/"

    # when
    in_finnish = client.get(url, HTTP_ACCEPT_LANGUAGE="fi").json()
    in_english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()

    # then
    assert (in_finnish["type_label"], in_finnish["standard_of_proof"]) == (
        finnish(RG_LABEL),
        finnish(RG_PROOF),
    )
    assert (in_english["type_label"], in_english["standard_of_proof"]) == (RG_LABEL, RG_PROOF)
    assert in_finnish["decision_type"] == in_english["decision_type"] == RG
    assert in_finnish["reasons"] == "Credible account of deceptive recruitment."


def test_the_settings_ship_each_translated_language() -> None:
    # then: a translation file for a language Haven does not offer would never be read
    assert set(TRANSLATED) <= {code for code, _ in settings.LANGUAGES}


@pytest.mark.django_db
def test_the_indicator_set_api_gives_titles_and_labels_in_the_requests_language() -> None:
    # given
    load_shipped_sets()
    client = api_client_for(make_user(org_type=OrgType.NGO))

    # when
    in_finnish = client.get("/api/v1/indicator-sets/adults_labour/", HTTP_ACCEPT_LANGUAGE="fi")
    in_english = client.get("/api/v1/indicator-sets/adults_labour/", HTTP_ACCEPT_LANGUAGE="en")

    # then
    fi, en = in_finnish.json(), in_english.json()
    assert (fi["title"], en["title"]) == (
        finnish("Trafficking of adults for labour exploitation"),
        "Trafficking of adults for labour exploitation",
    )
    assert fi["language"] == en["language"] == "en"
    first = fi["elements"][0]
    assert (first["code"], first["name"]) == ("DR", finnish(DR_NAME))
    assert (first["indicators"][0]["id"], first["indicators"][0]["label"]) == (
        "DR-01",
        finnish(DR_01),
    )
    assert en["elements"][0]["indicators"][0]["label"] == DR_01


@pytest.mark.django_db
def test_the_upload_page_says_how_a_file_declares_its_language() -> None:
    # given
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)

    # when
    html = client_in(coordinator, "en").get(reverse("identification:indicator_set_upload"))

    # then
    assert "(for example language: fi)" in html.content.decode()
