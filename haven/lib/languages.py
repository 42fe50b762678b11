"""The languages Haven ships: English, in which its strings are written, and every
language whose message catalogue is in ``haven/locale``.

A language is offered only with its catalogue: adding
``haven/locale/<code>/LC_MESSAGES/django.po`` (complete, see
``haven/web/tests/test_catalogues.py``) adds it to settings.LANGUAGES, to the language
switch and to the profile's choice. Each language is named in itself (CLDR, through
Babel: "suomi", "eesti", "svenska", "русский"), so the switch reads for someone who
reads only that language.

No Django import here: settings imports this module.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale

SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Codes of the languages with a catalogue in ``locale_dir``, sorted."""
    return sorted(path.parent.parent.name for path in locale_dir.glob("*/LC_MESSAGES/django.po"))


def own_name(code: str) -> str:
    """The language's name in that language, as CLDR writes it."""
    return str(Locale.parse(code, sep="-").get_display_name(code.replace("-", "_")))


def shipped_languages(locale_dir: Path = LOCALE_DIR) -> list[tuple[str, str]]:
    """settings.LANGUAGES: English first, then every catalogue's language, each in itself."""
    codes = [SOURCE_LANGUAGE, *(c for c in catalogue_languages(locale_dir) if c != "en")]
    return [(code, own_name(code)) for code in codes]
