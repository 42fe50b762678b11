"""Texts from data files in the reader's language (issue 18): translation files beside
the data, the English text where one is missing (marked ``lang="en"`` in HTML), and
the checks that the shipped files are complete (each app's tests run them on its own
data, marked ``catalogues``)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation

from haven.lib import datatext

APP = "sample"
LABEL = "Safe accommodation"
TEMPLATE = "There are reasonable grounds to believe: "


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A haven tree of one app, ``sample``, with a Finnish translation file."""
    monkeypatch.setattr(datatext, "HAVEN_DIR", tmp_path)
    i18n = tmp_path / APP / "data" / "i18n"
    i18n.mkdir(parents=True)
    (i18n / "fi.yaml").write_text(
        f"# header\n{LABEL}: Turvallinen majoitus\n'{TEMPLATE}': 'On perusteltua syytä: '\n"
        "Not yet: ''\n",
        encoding="utf-8",
    )
    datatext.clear_cache()
    yield i18n
    datatext.clear_cache()


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load haven_datatext %}" + source).render(Context(context))


# --- translate and lookup ---------------------------------------------------------------


def test_it_translates_into_the_active_language(data_dir: Path) -> None:
    # when
    with translation.override("fi"):
        found = datatext.lookup(APP, LABEL)

    # then
    assert (found, found.lang) == ("Turvallinen majoitus", "fi")
    assert datatext.translate(APP, TEMPLATE, "fi") == "On perusteltua syytä: "


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (LABEL, "en"),  # English is the source
        (LABEL, "so"),  # no file for the language
        ("Not yet", "fi"),  # an empty translation
        ("A coordinator's own words", "fi"),  # not in the file
    ],
)
def test_it_falls_back_to_the_english_text(data_dir: Path, text: str, language: str) -> None:
    # when
    found = datatext.lookup(APP, text, language)

    # then
    assert (found, found.lang) == (text, "en")


def test_a_text_written_in_another_language_is_shown_as_written(data_dir: Path) -> None:
    # when: an uploaded set written in Swedish, read in Finnish
    found = datatext.lookup(APP, LABEL, "fi", source="sv")

    # then
    assert (found, found.lang) == (LABEL, "sv")


def test_a_region_code_and_its_spelling_are_one_language(data_dir: Path) -> None:
    # when
    (data_dir / "pt-br.yaml").write_text(f"{LABEL}: Acolhimento seguro\n", encoding="utf-8")

    # then
    assert datatext.translate(APP, LABEL, "pt_BR") == "Acolhimento seguro"


def test_a_file_is_read_once(data_dir: Path) -> None:
    # given
    assert datatext.translate(APP, LABEL, "fi") == "Turvallinen majoitus"
    (data_dir / "fi.yaml").write_text(f"{LABEL}: Muutettu\n", encoding="utf-8")

    # when
    cached = datatext.translate(APP, LABEL, "fi")
    datatext.clear_cache()

    # then
    assert cached == "Turvallinen majoitus"
    assert datatext.translate(APP, LABEL, "fi") == "Muutettu"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- a list\n", "must be a mapping"),
        ("a: [1, 2]\n", "must map a text to a text"),
        ("a: 'open\n", "not valid YAML"),
    ],
)
def test_a_broken_file_is_refused_with_its_name(data_dir: Path, content: str, message: str) -> None:
    # given
    (data_dir / "fi.yaml").write_text(content, encoding="utf-8")

    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        datatext.translate(APP, LABEL, "fi")

    # then
    assert str(refused.value).startswith("data translations: fi.yaml: ")
    assert message in str(refused.value)


def test_an_empty_file_translates_nothing(data_dir: Path) -> None:
    # given
    (data_dir / "fi.yaml").write_text("# only a header\n", encoding="utf-8")

    # then
    assert datatext.catalogue(APP, "fi") == {}
    assert datatext.translate(APP, LABEL, "fi") == LABEL


def test_a_data_text_is_its_text_everywhere_but_knows_its_language() -> None:
    # given
    text = datatext.DataText("Terveydenhuolto", "fi")

    # when
    again = pickle.loads(pickle.dumps(text))  # noqa: S301 - our own object

    # then
    assert text == "Terveydenhuolto"
    assert (again, again.lang, type(again)) == ("Terveydenhuolto", "fi", datatext.DataText)
    assert f"{text}" == "Terveydenhuolto"
    assert type(text.text) is str


# --- marking in HTML --------------------------------------------------------------------


def test_an_english_fallback_in_a_finnish_page_is_marked_english(data_dir: Path) -> None:
    # when
    html = render('{{ text|datatext:"sample" }}', "fi", text="A coordinator's own words")

    # then
    assert html == '<span lang="en">A coordinator&#x27;s own words</span>'


def test_a_translated_text_is_not_marked(data_dir: Path) -> None:
    # when
    html = render('{{ text|datatext:"sample" }}', "fi", text=LABEL)

    # then
    assert html == "Turvallinen majoitus"


def test_an_english_page_marks_nothing_english(data_dir: Path) -> None:
    # then
    assert render('{{ text|datatext:"sample" }}', "en", text=LABEL) == LABEL


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datatext.DataText("DR", ""), "DR"),  # a code is in no language
        (datatext.DataText("", "en"), ""),  # nothing to mark
        (datatext.DataText("<b>", "en"), '<span lang="en">&lt;b&gt;</span>'),
        ("<b>plain</b>", "&lt;b&gt;plain&lt;/b&gt;"),  # not a data text: as it is
        (None, ""),
    ],
)
def test_a_selectors_data_text_is_marked_by_its_own_language(value: object, expected: str) -> None:
    # then
    assert render("{{ value|datatext }}", "fi", value=value) == expected


def test_an_uploaded_sets_text_is_marked_with_the_sets_language(data_dir: Path) -> None:
    # given
    source = '{% datatext_in text "sample" lang %}'

    # then
    assert render(source, "en", text="Velkaorjuus", lang="fi") == (
        '<span lang="fi">Velkaorjuus</span>'
    )
    assert render(source, "fi", text="Velkaorjuus", lang="fi") == "Velkaorjuus"
    assert render(source, "fi", text=LABEL, lang="") == "Turvallinen majoitus"
    assert render(source, "fi", text=None, lang="en") == ""


def test_where_no_markup_may_go_the_text_comes_alone(data_dir: Path) -> None:
    # when
    titles = render(
        '<title>{% datatext_in text "sample" "en" plain=True %}|{{ text|datatext_plain:"sample" }}'
        '|{{ other|datatext_plain:"sample" }}|{{ none|datatext_plain:"sample" }}</title>',
        "fi",
        text=LABEL,
        other="Own words",
        none=None,
    )

    # then
    assert titles == "<title>Turvallinen majoitus|Turvallinen majoitus|Own words|</title>"


# --- the completeness checks ------------------------------------------------------------


def test_a_complete_file_has_no_problem() -> None:
    # then
    assert datatext.problems([LABEL, TEMPLATE, LABEL], {LABEL: "T", TEMPLATE: "Syy: "}) == []


def test_every_problem_of_a_file_is_named() -> None:
    # given
    texts = [LABEL, TEMPLATE, "Health care", "Legal counselling", "Other: ", "Child protection"]
    translations: dict[str, object] = {
        TEMPLATE: "On perusteltua syytä:",  # the space to type on from is lost
        "Health care": "  ",
        "Legal counselling": None,
        "Other: ": "Muu ",  # a space, but no separator
        "Child protection": "Lastensuojelu",
        "Gone from the data": "Poistunut",
    }

    # when
    found = datatext.problems(texts, translations)

    # then
    assert found == [
        f"missing: {LABEL!r}",
        f"trailing whitespace differs: {TEMPLATE!r}",
        "missing: 'Health care'",
        "missing: 'Legal counselling'",
        "trailing separator dropped: 'Other: '",
        "stale: 'Gone from the data'",
    ]


def test_unique_keeps_the_first_order_and_drops_empty_texts() -> None:
    # then
    assert datatext.unique(["b", "a", "", "b", "c"]) == ["b", "a", "c"]


# --- a record's own translations (an uploaded indicator set's) ------------------------------

OWN = {"sv": {LABEL: "Tryggt boende", "Velkaorjuus": "Skuldslaveri"}, "fi": {LABEL: "Oma"}}


@pytest.mark.parametrize(
    ("text", "language", "source", "expected"),
    [
        (LABEL, "sv", "en", ("Tryggt boende", "sv")),  # its own, where no file has one
        (LABEL, "fi", "en", ("Oma", "fi")),  # its own before the shipped file's
        ("Velkaorjuus", "sv", "fi", ("Skuldslaveri", "sv")),  # whatever its source language
        ("Velkaorjuus", "ru", "fi", ("Velkaorjuus", "fi")),  # none: as written
        (LABEL, "ru", "en", (LABEL, "en")),  # none, nor a shipped file: as written
        (LABEL, "en", "en", (LABEL, "en")),  # the source's own language
    ],
)
def test_a_records_own_translation_comes_first_then_the_shipped_file_then_the_text(
    data_dir: Path, text: str, language: str, source: str, expected: tuple[str, str]
) -> None:
    # when
    found = datatext.lookup(APP, text, language, source=source, own=OWN)

    # then
    assert (found.text, found.lang) == expected


def test_without_its_own_translation_the_shipped_file_still_translates(data_dir: Path) -> None:
    # when
    found = datatext.lookup(APP, TEMPLATE, "fi", own=OWN)

    # then
    assert (found.text, found.lang) == ("On perusteltua syytä: ", "fi")


def test_the_tag_takes_a_records_own_translations(data_dir: Path) -> None:
    # given
    source = (
        '{% datatext_in text "sample" lang own %}|'
        '{% datatext_in text "sample" lang own plain=True %}'
    )

    # then
    assert render(source, "sv", text="Velkaorjuus", lang="fi", own=OWN) == (
        "Skuldslaveri|Skuldslaveri"
    )
    assert render(source, "ru", text="Velkaorjuus", lang="fi", own=OWN) == (
        '<span lang="fi">Velkaorjuus</span>|Velkaorjuus'
    )
    nothing: tuple[object, ...] = ({}, "MISSING[set.translations]")  # or not a mapping
    for none in nothing:  # as written
        assert render(source, "sv", text="Velkaorjuus", lang="fi", own=none) == (
            '<span lang="fi">Velkaorjuus</span>|Velkaorjuus'
        )
