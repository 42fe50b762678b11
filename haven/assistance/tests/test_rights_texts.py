"""The rights leaflet's words (R-24): every language file complete, its placeholders
those of the English one, and the leaflet filled in with dates written for its language.
Pure functions: no database."""

from __future__ import annotations

from datetime import date

import pytest

from haven.assistance import rights

STRUCTURE = ("headings", "footer", *rights.VERSIONS)


def _keys(language: str) -> dict[str, set[str]]:
    """Each text's key path and its placeholders."""
    words = rights.texts(language)
    found: dict[str, set[str]] = {"name": set()}
    for part in STRUCTURE:
        for key, text in words[part].items():
            found[f"{part}.{key}"] = rights.placeholders(str(text))
    return found


@pytest.mark.parametrize("language", rights.LANGUAGES)
def test_r24_every_language_has_every_key_and_the_same_placeholders(language: str) -> None:
    # given
    english = _keys(rights.SOURCE)
    # when
    found = _keys(language)
    # then
    assert set(found) == set(english)
    assert {k: v for k, v in found.items() if v != english[k]} == {}


@pytest.mark.parametrize("language", rights.LANGUAGES)
def test_r24_every_text_is_written_and_not_the_english_one(language: str) -> None:
    words = rights.texts(language)
    english = rights.texts(rights.SOURCE)
    for part in STRUCTURE:
        for key, text in words[part].items():
            assert str(text).strip(), f"{language}: {part}.{key} is empty"
            if language != rights.SOURCE and key != "title":
                assert text != english[part][key], f"{language}: {part}.{key} is English"


def test_r24_the_english_file_gives_every_paragraph_of_every_version() -> None:
    words = rights.texts(rights.SOURCE)
    for version in rights.VERSIONS:
        assert set(words[version]) == {"title", "intro", "reflection_none", *rights.SECTIONS}
    assert set(words["headings"]) == set(rights.SECTIONS)
    assert set(rights.ITEMS) <= set(rights.SECTIONS)


@pytest.mark.parametrize("language", rights.LANGUAGES)
def test_r24_the_easy_read_version_has_one_short_idea_per_line(language: str) -> None:
    words = rights.texts(language)["easy"]
    for key in ("intro", "reflection", *rights.SECTIONS):
        lines = str(words[key]).splitlines()
        assert len(lines) >= 2, f"{language}: easy.{key} is not split into lines"
        # One idea per line: short lines (Thai and Chinese count characters, not words).
        assert max(len(line) for line in lines) <= 70, f"{language}: easy.{key}"


def test_r24_an_unknown_language_has_no_leaflet() -> None:
    with pytest.raises(KeyError):
        rights.texts("xx")


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "January 15, 2027"),
        ("ru", "15 января 2027"),
        ("vi", "15 tháng 1, 2027"),
        ("th", "15 มกราคม"),
        ("zh", "2027年1月15日"),
        ("fi", "15. tammikuuta 2027"),
    ],
)
def test_r24_the_leaflet_writes_the_end_date_for_its_language(language: str, written: str) -> None:
    # when
    leaflet = rights.leaflet(
        language=language,
        version="standard",
        ends_on=date(2027, 1, 15),
        contact_name="Anna",
        organisation="Hope NGO",
        reference="HV-0001",
        today=date(2026, 12, 7),
    )
    # then
    reflection = leaflet.sections[0]
    assert reflection.key == "reflection"
    assert written in reflection.lines[0]
    contact = next(s for s in leaflet.sections if s.key == "contact")
    assert "Anna" in contact.lines[0] and "Hope NGO" in contact.lines[0]
    assert "HV-0001" in leaflet.reference


def test_r24_without_a_running_period_the_leaflet_gives_the_general_words() -> None:
    leaflet = rights.leaflet(
        language="en",
        version="easy",
        ends_on=None,
        contact_name="Anna",
        organisation="Hope NGO",
        reference="HV-0001",
        today=date(2026, 12, 7),
    )
    assert leaflet.sections[0].lines[1] == "This time is at least 30 days."
    assert len(leaflet.intro) == 4  # easy-read: one line each


def test_r18_every_version_says_assistance_does_not_depend_on_the_police() -> None:
    words = rights.texts("en")
    assert "does not depend on whether you talk to the police" in words["standard"]["assistance"]
    assert "even if you do not talk to the police" in words["easy"]["assistance"]
    assert "whatever you decide about the police" in words["child"]["assistance"]


def test_r24_each_language_names_itself() -> None:
    assert rights.language_name("vi") == "Tiếng Việt"
    assert rights.language_name("ru") == "Русский"
