"""Translations of texts that come from data files (indicator sets, pathways,
referral types), kept beside the data like a message catalogue.

An app's data texts are translated by ``haven/<app>/data/i18n/<lang>.yaml``: a flat
YAML mapping from the English source text, exactly as the data file writes it, to
its translation (keyed like a gettext catalogue by its msgid). A text missing from
the file, or translated by an empty text, is shown in English.

The data and what is stored from it stay in English: ``translate`` is for showing.
Statistics, exports and saved records keep the source text. In HTML, a text shown in
another language than the page's is marked ``<span lang="…">`` (``marked``, and the
``datatext`` filter of ``{% load haven_datatext %}``) so that a screen reader
pronounces it right; plain-text outputs (CSV, the API) take ``translate`` alone.

A record may also carry its own translations (an uploaded indicator set's
``translations``): ``lookup(..., own=...)`` uses them first, for any source language.

No model here: ``haven.lib`` is the lowest floor.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from haven.lib.languages import SOURCE_LANGUAGE

HAVEN_DIR = Path(__file__).resolve().parents[1]


def i18n_dir(app: str) -> Path:
    """Where the translations of ``app``'s data texts live."""
    return HAVEN_DIR / str.__str__(app) / "data" / "i18n"  # a plain str, even from a template


def _base(language: str) -> str:
    """The comparison key of a language code: "fi-FI" and "fi_FI" give "fi-fi"."""
    return language.replace("_", "-").lower()


def active_language() -> str:
    return _base(translation.get_language() or settings.LANGUAGE_CODE)


def read_catalogue(path: Path) -> dict[str, str]:
    """One translation file: source text -> translation (empty ones left out).

    A file that is not such a mapping is a mistake of whoever shipped it, refused
    at once with the place of the mistake rather than shown half-translated.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ImproperlyConfigured(f"data translations: {path.name}: not valid YAML") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"data translations: {path.name}: must be a mapping")
    found: dict[str, str] = {}
    for source, target in data.items():
        if not isinstance(source, str) or not (target is None or isinstance(target, str)):
            raise ImproperlyConfigured(
                f"data translations: {path.name}: {source!r} must map a text to a text"
            )
        if target:
            found[source] = target
    return found


@functools.cache
def _catalogue(directory: str, language: str) -> Mapping[str, str]:
    path = Path(directory) / f"{language}.yaml"
    return read_catalogue(path) if path.is_file() else {}


def catalogue(app: str, language: str) -> Mapping[str, str]:
    """``app``'s translations into ``language`` (read once per process)."""
    return _catalogue(str(i18n_dir(app)), _base(language))


def clear_cache() -> None:
    """Forget the files read (tests that write their own)."""
    _catalogue.cache_clear()


class DataText(str):
    """A text to show, knowing the language it is in ("" for a code, in no language).

    It is a ``str``: saved, compared, serialised (CSV, the API) as the text itself.
    Only an HTML page asks for its language (``marked``, the ``datatext`` filter).
    """

    lang: str

    def __new__(cls, text: str, lang: str) -> DataText:
        made = super().__new__(cls, text)
        made.lang = lang
        return made

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[type[DataText], tuple[str, str]]:
        return (DataText, (self.text, self.lang))


# A data record's own translations: language -> source text -> translation (an uploaded
# indicator set's ``translations``, stored with it).
Own = Mapping[str, Mapping[str, str]]


def _own(own: Own | None, wanted: str, text: str) -> str:
    """The record's own translation of ``text`` into ``wanted`` ("" when it has none)."""
    for language, texts in (own or {}).items():
        if _base(language) == wanted:
            return texts.get(text) or ""
    return ""


def lookup(
    app: str,
    text: str,
    language: str | None = None,
    *,
    source: str = SOURCE_LANGUAGE,
    own: Own | None = None,
) -> DataText:
    """``text`` in ``language`` (the active one by default), or as written.

    ``own`` translations (a record's, such as an uploaded set's) come first, whatever
    the source's language. Only English source texts are catalogued: a text written in
    another language (an uploaded set that says ``language: fi``) without its own
    translation is shown as written, in its language.
    """
    source = _base(source or SOURCE_LANGUAGE)
    wanted = _base(language) if language else active_language()
    if wanted == source:
        return DataText(text, source)
    translated = _own(own, wanted, text)
    if translated:
        return DataText(translated, wanted)
    if source != SOURCE_LANGUAGE:
        return DataText(text, source)
    found = catalogue(app, wanted).get(text)
    return DataText(found, wanted) if found else DataText(text, source)


def translate(app: str, text: str, language: str | None = None) -> str:
    """``text`` in ``language`` (the active one by default), falling back to the text."""
    return lookup(app, text, language).text


def unique(texts: Iterable[str]) -> list[str]:
    """The texts once each, in the order first met (as a translator reads them)."""
    return list(dict.fromkeys(t for t in texts if t))


def problems(texts: Iterable[str], translations: Mapping[str, object]) -> list[str]:
    """What is wrong with one translation file, read as a raw mapping: a text of the data
    without a translation, a key the data no longer has (stale), a translation that
    drops the source's trailing whitespace or its closing separator (reason templates
    end with ": " and are typed on from there)."""
    wanted = unique(texts)
    found: list[str] = []
    for text in wanted:
        target = translations.get(text)
        if not isinstance(target, str) or not target.strip():
            found.append(f"missing: {text!r}")
            continue
        tail = text[len(text.rstrip()) :]
        if target[len(target.rstrip()) :] != tail:
            found.append(f"trailing whitespace differs: {text!r}")
        elif tail and not text.rstrip()[-1].isalnum() and target.rstrip()[-1].isalnum():
            found.append(f"trailing separator dropped: {text!r}")
    found += [f"stale: {key!r}" for key in translations if key not in set(wanted)]
    return found


def marked(value: DataText, language: str | None = None) -> SafeString:
    """The text for an HTML page in ``language`` (the active one): escaped, and in a
    ``<span lang>`` when it is in another language than the page's."""
    if not value.text:
        return SafeString("")
    page = _base(language) if language else active_language()
    if value.lang and _base(value.lang) != page:
        return format_html('<span lang="{}">{}</span>', value.lang, value.text)
    return format_html("{}", value.text)
