"""Country and language names from CLDR, in the reader's language, sorted by name."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from haven.lib import cldr


class ChoiceForm(forms.Form):
    country = cldr.CountryField(label="Country", required=False)
    language = cldr.LanguageField(label="Language", required=False)
    countries = cldr.CountriesField(label="Countries", required=False)
    languages = cldr.LanguagesField(label="Languages", required=False)


@pytest.mark.parametrize(
    ("language", "russian", "russia"),
    [("en", "Russian", "Russia"), ("et", "vene", "Venemaa"), ("fi", "venäjä", "Venäjä")],
)
def test_it_names_languages_and_countries_in_the_readers_language(
    language: str, russian: str, russia: str
) -> None:
    with translation.override(language):
        assert cldr.language_name("ru") == russian
        assert cldr.country_name("RU") == russia
        assert (*cldr.language_choices(),)[0][1]  # every choice has a name
        assert ("ru", russian) in cldr.language_choices()
        assert ("RU", russia) in cldr.country_choices()


def test_it_shows_a_code_without_a_cldr_name_as_the_code() -> None:
    with translation.override("en"):
        assert cldr.language_name("bh") == "bh"
        assert cldr.language_names(["ru", "et"]) == "Russian, Estonian"
        assert cldr.country_names(["fi", "EE"]) == "Finland, Estonia"


def test_an_unknown_django_language_falls_back_to_english_names() -> None:
    with translation.override("xx-unknown"):
        assert cldr.language_name("ru") == "Russian"


@pytest.mark.parametrize("language", ["en", "et", "sv"])
def test_choices_are_sorted_by_the_localised_name(language: str) -> None:
    with translation.override(language):
        for choices in (cldr.country_choices(), cldr.language_choices()):
            keys = [cldr.sort_key(name) for _code, name in choices]
            assert keys == sorted(keys)
            assert len(choices) > 150


def test_sorting_ignores_case_and_accents() -> None:
    assert cldr.sort_key("Åland") == cldr.sort_key("aland")
    names = ["Zambia", "Åland", "Bahamas"]
    assert sorted(names, key=cldr.sort_key) == ["Åland", "Bahamas", "Zambia"]


def test_the_fields_keep_codes_and_refuse_unknown_ones_with_a_clear_error() -> None:
    # when
    good = ChoiceForm(
        {"country": "EE", "language": "ru", "countries": ["FI", "EE"], "languages": ["et"]}
    )
    bad = ChoiceForm(
        {"country": "EST", "language": "Russian", "countries": ["XX"], "languages": ["rus"]}
    )

    # then
    assert good.is_valid(), good.errors
    assert good.cleaned_data == {
        "country": "EE",
        "language": "ru",
        "countries": ["FI", "EE"],
        "languages": ["et"],
    }
    assert not bad.is_valid()
    assert bad.errors == {
        "country": ["Choose a country from the list."],
        "language": ["Choose a language from the list."],
        "countries": ["Choose countries from the list."],
        "languages": ["Choose languages from the list."],
    }


def test_the_fields_render_a_plain_select_marked_for_the_filter_box() -> None:
    with translation.override("et"):
        html = str(ChoiceForm()["language"])
        multiple = str(ChoiceForm()["languages"])
    assert html.startswith("<select")
    assert "data-choose" in html
    assert '<option value="ru">vene</option>' in html
    assert '<option value="" selected>—</option>' in html
    assert "multiple" in multiple
    assert 'size="8"' in multiple


def test_a_list_box_says_how_to_choose_several_without_the_filter_box() -> None:
    field = cldr.LanguagesField(help_text="Every language spoken.")
    assert str(field.help_text) == (
        "Every language spoken. To choose more than one, hold Ctrl (Cmd on a Mac) while you click."
    )
    assert str(cldr.CountriesField().help_text).startswith("To choose more than one")
