"""Every practitioner in their language (issue 18): Haven ships a language only with a
complete catalogue that msgfmt accepts, that follows the language's glossary of NRM
terms, and that has every string of the code.

The checks are tested on small catalogues built here, one passing and one failing
each; the tests marked ``catalogues`` run them on every catalogue in haven/locale.
"""

from __future__ import annotations

import importlib
import textwrap
import tomllib
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from haven.lib import catalogues, languages

HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fi\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""
COMPLETE = (
    HEADER
    + """\
msgid "The reasonable grounds decision is due on %(date)s."
msgstr "Perustellut syyt -päätös on tehtävä viimeistään %(date)s."

msgid "%(count)s referral waiting"
msgid_plural "%(count)s referrals waiting"
msgstr[0] "%(count)s ohjaus odottaa"
msgstr[1] "%(count)s ohjausta odottaa"

msgid "Groundskeeper"
msgstr "Talonmies"
"""
)
GLOSSARY = """\
language: fi
terms:
  - en: reasonable grounds
    term: perustellut syyt
    stems: [perustel]
    note: the first decision (R-10)
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the checks, on catalogues built here --------------------------------------------


def test_a_complete_catalogue_has_no_incomplete_entry(tmp_path: Path) -> None:
    po = write(tmp_path / "django.po", COMPLETE)

    assert catalogues.incomplete_entries(po) == []
    assert catalogues.msgfmt_problems(po) == []


def test_it_finds_untranslated_fuzzy_and_half_translated_plural_entries(tmp_path: Path) -> None:
    # given: an empty msgstr, a fuzzy entry, a plural with one form missing, a fuzzy header
    po = write(
        tmp_path / "django.po",
        "#, fuzzy\n"
        + HEADER
        + """\
msgid "Home"
msgstr ""

#, fuzzy
msgid "Cases"
msgstr "Tapaukset"

msgid "%(count)s case"
msgid_plural "%(count)s cases"
msgstr[0] "%(count)s tapaus"
msgstr[1] ""
""",
    )

    # when
    problems = catalogues.incomplete_entries(po)

    # then
    assert problems == [
        "the header is marked fuzzy",
        "untranslated: 'Home'",
        "fuzzy: 'Cases'",
        "untranslated: '%(count)s case'",
    ]


def test_msgfmt_rejects_a_translation_that_breaks_a_placeholder(tmp_path: Path) -> None:
    po = write(
        tmp_path / "django.po",
        HEADER
        + """\
#, python-format
msgid "Due on %(date)s."
msgstr "Eräpäivä %(päivä)s."
""",
    )

    assert catalogues.msgfmt_problems(po)


def test_a_catalogue_that_follows_its_glossary_passes(tmp_path: Path) -> None:
    po = write(tmp_path / "django.po", COMPLETE)
    glossary = write(tmp_path / "glossary.yaml", GLOSSARY)

    assert catalogues.glossary_violations(po, glossary) == []


def test_it_finds_a_translation_without_the_glossary_term(tmp_path: Path) -> None:
    # given: "reasonable grounds" translated as "kohtuulliset perusteet", against the glossary;
    # "Groundskeeper" holds "grounds" but not as a word, and stays out of it
    po = write(
        tmp_path / "django.po",
        COMPLETE.replace("Perustellut syyt -päätös", "Kohtuulliset perusteet -päätös"),
    )
    glossary = write(tmp_path / "glossary.yaml", GLOSSARY.replace("reasonable", "Reasonable"))

    # when
    problems = catalogues.glossary_violations(po, glossary)

    # then
    assert problems == [
        "'The reasonable grounds decision is due on %(date)s.': 'Reasonable grounds' "
        "should be 'perustellut syyt' (one of perustel)"
    ]


def test_it_finds_strings_of_the_code_the_catalogue_lacks(tmp_path: Path) -> None:
    # given: code with two marked strings, a catalogue with one of them
    source = tmp_path / "app"
    (source / "templates").mkdir(parents=True)
    write(
        source / "views.py",
        """\
        from django.utils.translation import gettext as _

        TITLE = _("Groundskeeper")
        """,
    )
    write(
        source / "templates" / "page.html",
        '{% load i18n %}<p>{% translate "Brand new words" %}</p>\n',
    )
    po = write(tmp_path / "django.po", COMPLETE)

    # when
    extracted = catalogues.extracted_msgids(source)

    # then
    assert extracted == {"Groundskeeper", "Brand new words"}
    assert catalogues.missing_msgids(po, extracted) == ["Brand new words"]


def test_the_shipped_languages_are_english_and_every_catalogue(tmp_path: Path) -> None:
    # given: catalogues for two languages and a directory without one
    for code in ("ru", "fi"):
        (tmp_path / code / "LC_MESSAGES").mkdir(parents=True)
        write(tmp_path / code / "LC_MESSAGES" / "django.po", COMPLETE)
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)

    # then: each named in itself
    assert languages.shipped_languages(tmp_path) == [
        ("en", "English"),
        ("fi", "suomi"),
        ("ru", "русский"),
    ]


# --- the shipped catalogues ------------------------------------------------------------

SHIPPED = [code for code, _name in settings.LANGUAGES if code != languages.SOURCE_LANGUAGE]


def po_path(code: str) -> Path:
    return languages.LOCALE_DIR / code / "LC_MESSAGES" / "django.po"


@cache
def extracted() -> frozenset[str]:
    return frozenset(catalogues.extracted_msgids())


def test_the_package_ships_the_catalogues_and_git_keeps_only_their_sources() -> None:
    # given
    root = languages.LOCALE_DIR.parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))

    # then: .po and the .mo the build compiles go into the package; .mo is never committed
    assert "locale/**/*" in project["tool"]["setuptools"]["package-data"]["*"]
    assert "*.mo" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_settings_ship_english_and_every_catalogue_in_haven_locale() -> None:
    assert languages.shipped_languages() == settings.LANGUAGES
    assert "ru" in SHIPPED


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_shipped_language_has_its_own_date_formats(code: str) -> None:
    module = importlib.import_module(f"haven.lib.formats.{code}.formats")

    assert module.DATE_FORMAT == module.SHORT_DATE_FORMAT
    assert module.NUMBER_GROUPING == 3
    with translation.override(code):
        assert translation.get_language() == code


@pytest.mark.catalogues
@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalogue_is_complete(code: str) -> None:
    assert catalogues.incomplete_entries(po_path(code)) == []


@pytest.mark.catalogues
@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalogue_passes_msgfmt_check(code: str) -> None:
    assert catalogues.msgfmt_problems(po_path(code)) == []


@pytest.mark.catalogues
@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalogue_follows_its_glossary(code: str) -> None:
    glossary = languages.LOCALE_DIR / code / "glossary.yaml"

    assert glossary.is_file(), f"{code}: no glossary.yaml of the NRM terms"
    assert catalogues.glossary_violations(po_path(code), glossary) == []


@pytest.mark.catalogues
@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalogue_has_every_string_of_the_code(code: str) -> None:
    assert catalogues.missing_msgids(po_path(code), set(extracted())) == []
