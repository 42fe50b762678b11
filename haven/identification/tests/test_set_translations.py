"""An uploaded indicator set carries its own translations (issue 18): a file's
``translations`` give its element names, set titles and indicator labels in the
languages Haven offers, checked on load (all or nothing), kept with the set version
without changing it, and shown in the reader's language on the screening form and
result, the set pages and the API, falling back to the text as written."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.identification import errors, loader
from haven.identification.models import IndicatorSet
from haven.identification.selectors import indicator_sets as selectors
from haven.identification.services import indicator_sets as services
from haven.identification.tests.factories import national_file, screen, text_of
from haven.web.tests.factories import sign_in

KEY = "adults_criminality"
TITLE = "Adults, forced criminality"
JOB = "Deceived about the job"
WAGES = "Deceived about wages"
STEAL = "Forced to steal"
DR_NAME = "Deceptive recruitment"
OFFERED = ", ".join(code for code, _name in settings.LANGUAGES)
SV = {TITLE: "Vuxna, tvångsbrottslighet", JOB: "Vilseledd om arbetet", STEAL: "Tvingad att stjäla"}
RU = {
    TITLE: "Взрослые, принудительная преступность",
    JOB: "Обман о работе",  # noqa: RUF001 - Russian: "Deceived about the job"
    DR_NAME: "Обманная вербовка",
}


def translated_file(**translations: dict[str, str]) -> dict[str, Any]:
    data = national_file()
    data["translations"] = translations or {"sv": dict(SV), "ru": dict(RU)}
    return data


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(errors.IndicatorFileError) as refused:
        loader.parse_text(text_of(data))
    return refused.value.problems


def coordinator() -> User:
    return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)


def client_in(user: User, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    return sign_in(Client(), user)


def set_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="identification.IndicatorSet").order_by("id"))


def load(data: dict[str, Any], actor: User | None = None) -> IndicatorSet:
    [loaded] = services.indicator_sets_load(
        actor=actor, text=text_of(data), file_name="national.yaml"
    )
    return loaded.row


# --- the file ------------------------------------------------------------------------------


def test_a_file_gives_each_set_the_translations_of_its_own_texts() -> None:
    # given
    data = translated_file()
    data["sets"]["children_criminality"] = {
        "title": "Children, forced criminality",
        "audience": "children",
        "indicators": {"EX": [{"id": "EX-01", "label": STEAL, "strength": "S"}]},
    }

    # when
    adults, children = loader.parse_text(text_of(data))

    # then: in the file's order, each set only its own (element names are every set's)
    assert adults.translations == {
        "sv": {TITLE: SV[TITLE], JOB: SV[JOB], STEAL: SV[STEAL]},
        "ru": {DR_NAME: RU[DR_NAME], TITLE: RU[TITLE], JOB: RU[JOB]},
    }
    assert children.translations == {"sv": {STEAL: SV[STEAL]}, "ru": {DR_NAME: RU[DR_NAME]}}


def test_translations_are_not_part_of_the_sets_version() -> None:
    # when
    plain = loader.parse_text(text_of(national_file()))[0]
    translated = loader.parse_text(text_of(translated_file()))[0]

    # then
    assert translated.content_hash() == plain.content_hash()
    assert plain.translations == {}


@pytest.mark.parametrize(
    ("translations", "problem"),
    [
        (
            {"so": {JOB: "Lagu khiyaanay"}},
            f"translations.so: Haven does not offer this language (it offers {OFFERED})",
        ),
        (
            {"en": {JOB: "Deceived about work"}},
            "translations.en: the file is written in this language: its texts need no translation",
        ),
        (
            {"sv": {"Deceived about the weather": "Vilseledd om vädret"}},
            'translations.sv["Deceived about the weather"]: not a text of this file (translate an '
            "element name, a set title or an indicator label exactly as the file writes it)",
        ),
        ({"sv": {JOB: "  "}}, f'translations.sv["{JOB}"]: must be a non-empty text (got "  ")'),
        ({"ru": {JOB: None}}, f'translations.ru["{JOB}"]: must be a non-empty text (got null)'),
        (
            {"sv": {JOB: "x" * 301}},
            f'translations.sv["{JOB}"]: must be at most 300 characters long',
        ),
        (
            {"sv": [JOB]},
            'translations.sv: must be a mapping of keys to values (got ["Deceived about the job"])',
        ),
        (
            {"sv": {JOB: "Vilseledd"}, "SV": {STEAL: "Stjäla"}},
            "translations.SV: the language appears twice",
        ),
    ],
)
def test_a_bad_translation_is_refused_at_its_place_in_the_file(
    translations: dict[str, Any], problem: str
) -> None:
    # then
    assert problems_of(translated_file(**translations)) == [problem]


def test_translations_that_are_not_a_mapping_are_refused() -> None:
    # given
    data = national_file()
    data["translations"] = ["sv"]

    # then
    assert problems_of(data) == ['translations: must be a mapping of keys to values (got ["sv"])']


def test_a_file_with_other_problems_is_not_also_told_its_texts_are_unknown() -> None:
    # given: a set that cannot be read, so its labels are not known
    data = translated_file(sv={JOB: "Vilseledd om arbetet", "Elsewhere": "Annanstans"})
    data["sets"][KEY]["indicators"]["DR"][0]["strength"] = "X"

    # then
    assert problems_of(data) == [
        f'sets.{KEY}.indicators.DR[0].strength: must be S, M or W (got "X")'
    ]


def test_a_file_in_finnish_may_be_translated_into_english() -> None:
    # given
    data = translated_file(en={JOB: "Deceived about the job (EN)"})
    data["language"] = "fi"

    # when
    [loaded] = loader.parse_text(text_of(data))

    # then
    assert loaded.translations == {"en": {JOB: "Deceived about the job (EN)"}}


# --- loading and versions ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("org_type", "role", "allowed"),
    [
        (OrgType.NATIONAL_COORDINATOR, Role.SUPERVISOR, True),
        (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, False),
    ],
)
def test_who_may_load_sets_loads_their_translations(
    org_type: str, role: str, allowed: bool
) -> None:
    # given
    user = make_user(org_type=org_type, role=role)

    # when
    try:
        row = load(translated_file(), actor=user)
    except errors.IndicatorSetLoadNotAllowed as refused:
        outcome = refused.code
    else:
        outcome = "loaded"
        assert row.translations == loader.parse_text(text_of(translated_file()))[0].translations
        assert row.element_names == {
            "DR": DR_NAME,
            "EX": "Exploitative conditions",
            "CD": "Coercion at destination",
        }

    # then
    assert outcome == ("loaded" if allowed else "indicator_set_load_not_allowed")
    assert IndicatorSet.objects.exists() is allowed


@pytest.mark.django_db
def test_a_file_with_a_bad_translation_loads_nothing() -> None:
    # given
    data = translated_file(sv={"Elsewhere": "Annanstans"})

    # when
    with pytest.raises(errors.IndicatorFileError) as refused:
        load(data, actor=coordinator())

    # then
    assert refused.value.problems == [
        'translations.sv["Elsewhere"]: not a text of this file (translate an element name, a '
        "set title or an indicator label exactly as the file writes it)"
    ]
    assert not IndicatorSet.objects.exists()


@pytest.mark.django_db
def test_new_translations_of_the_same_content_update_the_latest_version_audited() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)
    first = load(national_file(), actor=admin)

    # when
    again = load(translated_file(), actor=admin)
    unchanged = load(translated_file(), actor=admin)

    # then: the same version, now translated; the change recorded once
    assert again.pk == unchanged.pk == first.pk
    assert IndicatorSet.objects.count() == 1
    first.refresh_from_db()
    assert first.translations["sv"][JOB] == SV[JOB]
    created, updated = AuditEvent.objects.order_by("id")
    assert (created.action, updated.action) == (Action.CREATE, Action.UPDATE)
    assert updated.detail == {
        "file": "national.yaml",
        "set": KEY,
        "version": 1,
        "changed": "translations",
    }


@pytest.mark.django_db
def test_each_load_says_whether_a_set_got_a_new_version_new_translations_or_nothing() -> None:
    # given
    changed = translated_file()
    changed["sets"][KEY]["indicators"]["DR"][0]["strength"] = "M"

    # when
    outcomes = [
        services.indicator_sets_load(actor=None, text=text_of(data), file_name="n.yaml")[0]
        for data in (national_file(), translated_file(), translated_file(), changed)
    ]

    # then
    assert [(r.row.version, r.outcome, r.created) for r in outcomes] == [
        (1, services.Outcome.NEW_VERSION, True),
        (1, services.Outcome.TRANSLATIONS_UPDATED, False),
        (1, services.Outcome.UNCHANGED, False),
        (2, services.Outcome.NEW_VERSION, True),
    ]


@pytest.mark.django_db
def test_the_upload_page_says_which_sets_had_their_translations_updated() -> None:
    # given
    load(national_file())
    client = client_in(coordinator(), "en")

    def post(data: dict[str, Any]) -> str:
        content = text_of(data).encode()
        upload = SimpleUploadedFile("national.yaml", content, content_type="application/yaml")
        url = reverse("identification:indicator_set_upload")
        return client.post(url, {"file": upload}, follow=True).content.decode()

    # when
    translated = post(translated_file())
    again = post(translated_file())

    # then
    assert f"Translations updated: {KEY} v1." in translated
    assert "Unchanged" not in translated
    assert f"Unchanged: {KEY} v1." in again
    assert "Translations updated" not in again
    assert [e.action for e in set_events()] == [Action.CREATE, Action.UPDATE]


@pytest.mark.django_db
def test_the_api_says_which_sets_had_their_translations_updated() -> None:
    # given
    load(national_file())
    client = api_client_for(coordinator())
    changed = translated_file()
    changed["sets"][KEY]["indicators"]["DR"][0]["strength"] = "M"

    # when
    answers = [
        client.post("/api/v1/indicator-sets/", {"text": text_of(data)}, format="json")
        for data in (translated_file(), translated_file(), changed)
    ]

    # then
    assert [a.status_code for a in answers] == [201] * 3
    assert [a.json() for a in answers] == [
        [{"key": KEY, "version": 1, "created": False, "outcome": "translations_updated"}],
        [{"key": KEY, "version": 1, "created": False, "outcome": "unchanged"}],
        [{"key": KEY, "version": 2, "created": True, "outcome": "new_version"}],
    ]
    assert [e.action for e in set_events()] == [
        Action.CREATE,
        Action.UPDATE,
        Action.CREATE,
    ]


@pytest.mark.django_db
def test_renamed_elements_update_the_latest_version_too() -> None:
    # given
    first = load(national_file())
    data = national_file()
    data["elements"][0]["name"] = "Recruitment by deceit"

    # when
    again = load(data)

    # then
    assert again.pk == first.pk
    assert again.element_names["DR"] == "Recruitment by deceit"
    assert AuditEvent.objects.order_by("-id")[0].detail["changed"] == "element_names"


@pytest.mark.django_db
def test_a_changed_set_is_a_new_version_with_its_translations_and_the_old_keeps_its_own() -> None:
    # given
    first = load(translated_file())
    data = translated_file()
    data["sets"][KEY]["indicators"]["DR"][0]["strength"] = "M"
    data["translations"]["sv"][JOB] = "Lurad om arbetet"

    # when
    second = load(data)

    # then
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.translations["sv"][JOB] == SV[JOB]
    assert second.translations["sv"][JOB] == "Lurad om arbetet"


# --- shown ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "fallback"),
    [
        ("sv", [SV[JOB], SV[STEAL], SV[TITLE]], [WAGES, DR_NAME]),
        ("ru", [RU[JOB], RU[TITLE], f"DR: {RU[DR_NAME]}"], [WAGES, STEAL]),
    ],
)
def test_the_screening_form_shows_the_sets_translation_in_the_readers_language(
    language: str, shown: list[str], fallback: list[str]
) -> None:
    # given
    load(translated_file())
    worker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=worker)
    url = reverse("identification:screening_new", args=[case.id]) + f"?set={KEY}"

    # when
    html = client_in(worker, language).get(url).content.decode()

    # then: translated texts are in the page's language; the others in English, marked
    assert f'<html lang="{language}"' in html
    for text in shown:
        assert escape(text) in html
    for text in fallback:
        assert f'<span lang="en">{escape(text)}</span>' in html
    assert f'<span lang="en">{escape(JOB)}' not in html


@pytest.mark.django_db
def test_the_screening_result_shows_the_labels_in_the_readers_language() -> None:
    # given
    load(translated_file())
    worker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=worker)
    screening = screen(actor=worker, case=case, set_key=KEY, codes=("DR-01", "EX-01"))
    url = reverse("identification:screening_detail", args=[screening.id])

    # when
    in_swedish = client_in(worker, "sv").get(url).content.decode()
    in_english = client_in(worker, "en").get(url).content.decode()

    # then
    assert escape(SV[JOB]) in in_swedish
    assert escape(SV[STEAL]) in in_swedish
    assert escape(SV[TITLE]) in in_swedish
    assert f'<span lang="en">{escape(DR_NAME)}</span>' in in_swedish
    assert escape(SV[JOB]) not in in_english
    assert escape(JOB) in in_english


@pytest.mark.django_db
def test_a_finnish_sets_untranslated_text_falls_back_to_finnish_marked_so() -> None:
    # given
    data = translated_file(sv={JOB: SV[JOB]}, en={STEAL: "Made to steal"})
    data["language"] = "fi"
    row = load(data)
    reader = make_user(org_type=OrgType.NGO)
    url = reverse("identification:indicator_set_detail", args=[row.key, row.version])

    # when
    in_swedish = client_in(reader, "sv").get(url).content.decode()
    in_english = client_in(reader, "en").get(url).content.decode()

    # then
    assert escape(SV[JOB]) in in_swedish
    assert f'<span lang="fi">{escape(WAGES)}</span>' in in_swedish
    assert f'<span lang="fi">{escape(TITLE)}</span>' in in_swedish
    assert "Made to steal" in in_english
    assert '<span lang="fi">Made to steal' not in in_english
    assert f'<span lang="fi">{escape(JOB)}</span>' in in_english


@pytest.mark.django_db
def test_the_set_list_and_page_show_the_title_and_element_names_translated() -> None:
    # given
    row = load(translated_file())
    reader = make_user(org_type=OrgType.NGO)
    client = client_in(reader, "ru")

    # when
    listing = client.get(reverse("identification:indicator_set_list")).content.decode()
    page = client.get(
        reverse("identification:indicator_set_detail", args=[row.key, row.version])
    ).content.decode()

    # then
    assert escape(RU[TITLE]) in listing
    assert f"<title>{escape(RU[TITLE])}" in page
    assert f"DR: {escape(RU[DR_NAME])}" in page
    assert 'EX: <span lang="en">Exploitative conditions</span>' in page


@pytest.mark.django_db
def test_the_api_gives_the_sets_translations_in_the_requests_language() -> None:
    # given
    load(translated_file())
    client = api_client_for(make_user(org_type=OrgType.NGO))
    url = f"/api/v1/indicator-sets/{KEY}/"

    # when
    sv = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").json()
    ru = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()
    listed = client.get("/api/v1/indicator-sets/", HTTP_ACCEPT_LANGUAGE="sv").json()

    # then
    assert (sv["title"], ru["title"], sv["language"]) == (SV[TITLE], RU[TITLE], "en")
    assert [e["name"] for e in sv["elements"]][:1] == [DR_NAME]
    assert [e["name"] for e in ru["elements"]][:1] == [RU[DR_NAME]]
    assert [i["label"] for i in sv["elements"][0]["indicators"]] == [
        SV[JOB],
        WAGES,
        "Deceived about travel",
    ]
    assert [i["label"] for i in ru["elements"][1]["indicators"]] == [STEAL]
    assert [s["title"] for s in listed] == [SV[TITLE]]


def test_a_set_without_its_own_element_names_shows_the_shipped_ones() -> None:
    # given: a version loaded before sets kept their element names
    row = IndicatorSet(key=KEY, elements=["DR", "ZX"], language="en")

    # when
    names = [selectors.element_name(code, row) for code in row.elements]

    # then
    assert names[0].startswith("Deceptive recruitment (")
    assert names[1] == "ZX"


@pytest.mark.django_db
def test_the_upload_page_says_a_file_may_carry_its_own_translations() -> None:
    # when
    html = client_in(coordinator(), "en").get(reverse("identification:indicator_set_upload"))

    # then
    assert "under translations: (for example sv:" in html.content.decode()


@pytest.mark.django_db
def test_an_upload_with_a_bad_translation_shows_the_problem_beside_the_file() -> None:
    # given
    content = text_of(translated_file(so={JOB: "Lagu khiyaanay"})).encode()
    upload = SimpleUploadedFile("national.yaml", content, content_type="application/yaml")

    # when
    response = client_in(coordinator(), "en").post(
        reverse("identification:indicator_set_upload"), {"file": upload}
    )

    # then
    assert response.status_code == 400
    assert "translations.so: Haven does not offer this language" in response.content.decode()
    assert not IndicatorSet.objects.exists()
