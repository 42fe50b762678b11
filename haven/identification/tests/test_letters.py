"""The decision letter's language (issue 11): chosen for the person from the languages
Haven ships, without the database."""

from __future__ import annotations

import pytest
from django.utils import translation
from pytest_django import Settings

from haven.identification import errors, letters
from haven.identification.letters import Reason


@pytest.mark.parametrize(
    ("requested", "spoken", "shown", "code", "reason"),
    [
        ("", ["ru", "en"], True, "ru", Reason.FIRST_LANGUAGE),
        ("", ["vi", "uk", "ru"], True, "uk", Reason.OTHER_LANGUAGE),
        ("", ["vi", "so"], True, "en", Reason.NOT_OFFERED),
        ("", [], True, "en", Reason.NOT_RECORDED),
        ("", ["ru"], False, "en", Reason.NOT_SHOWN),
        ("fi", ["ru"], True, "fi", Reason.CHOSEN),
    ],
)
def test_it_chooses_the_letters_language_for_the_person(
    requested: str, spoken: list[str], shown: bool, code: str, reason: Reason
) -> None:
    # when
    with translation.override("en"):
        chosen = letters.letter_language(requested=requested, spoken=spoken, shown=shown)
    # then
    assert (chosen.code, chosen.reason) == (code, reason)
    assert chosen.direction == "ltr"


def test_it_names_the_persons_first_language_only_when_it_was_read() -> None:
    # when
    with translation.override("en"):
        not_offered = letters.letter_language(requested="", spoken=["vi", "so"], shown=True)
        hidden = letters.letter_language(requested="", spoken=["vi"], shown=False)
        chosen = letters.letter_language(requested="ru", spoken=["vi"], shown=True)
    # then: names in the reader's language
    assert (not_offered.person_language, not_offered.person_language_name) == ("vi", "Vietnamese")
    assert (not_offered.name, hidden.person_language, chosen.person_language) == ("English", "", "")
    assert chosen.name == "Russian"


def test_it_falls_back_to_the_readers_language_and_to_english_when_it_is_not_shipped() -> None:
    # when
    with translation.override("fi"):
        finnish = letters.letter_language(requested="", spoken=["vi"], shown=True)
    with translation.override("so"):
        unshipped = letters.letter_language(requested="", spoken=["vi"], shown=True)
    # then
    assert (finnish.code, finnish.name) == ("fi", "suomi")
    assert unshipped.code == "en"


def test_it_refuses_a_language_haven_does_not_ship() -> None:
    # when
    with pytest.raises(errors.LetterLanguageNotOffered) as refused:
        letters.letter_language(requested="so", spoken=["ru"], shown=True)
    # then
    assert (refused.value.code, refused.value.field) == ("language_not_offered", "lang")


def test_a_letter_in_a_right_to_left_language_is_marked_so(settings: Settings) -> None:
    # given: a deployment shipping Arabic
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    # when
    chosen = letters.letter_language(requested="", spoken=["ar"], shown=True)
    # then
    assert (chosen.code, chosen.direction) == ("ar", "rtl")


def test_the_chooser_names_every_shipped_language_in_the_readers_language() -> None:
    # when
    with translation.override("en"):
        choices = dict(letters.language_choices())
    # then
    assert set(choices) == set(letters.offered())
    assert (choices["ru"], choices["nb"]) == ("Russian", "Norwegian Bokmål")
