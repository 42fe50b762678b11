"""The rights leaflet's words (R-24): data, one YAML file per language under
``data/rights/<lang>.yaml``, in three versions (standard, easy-read, child-friendly),
with ``{placeholders}`` for the case's values. The person's language need not be one
Haven's pages speak: the leaflet's words are not gettext catalogues but texts written
for the person, checked by a test to carry every key and placeholder of the English one.

Dates are written for the leaflet's language with Babel (CLDR), never with the
caseworker's locale. The PDF is drawn by ``haven.lib.pdf`` (WeasyPrint, with Noto
families per script: Latin, Cyrillic, Vietnamese, Thai, Chinese) and
``data/rights/leaflet.css``, the document's ``lang`` set to the leaflet's language so
that the right glyphs are picked."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date

from haven.lib import pdf as pdf_documents

DATA = Path(__file__).resolve().parent / "data" / "rights"
STYLE = DATA / "leaflet.css"

SOURCE = "en"
# The languages the leaflet is written in, in the order a caseworker picks them.
LANGUAGES = ("en", "ru", "uk", "et", "fi", "sv", "ro", "vi", "th", "zh")
VERSIONS = ("standard", "easy", "child")
# The paragraphs of each version, in the order the leaflet shows them (``reflection``
# is replaced by ``reflection_none`` when the case holds no period).
SECTIONS = (
    "reflection",
    "contact",
    "assistance",
    "legal_aid",
    "compensation",
    "residence",
    "protection",
    "proceedings",
    "return",
    "complaints",
)
# The leaflet's paragraphs that give each item of the R-24 checklist (RightsItem values).
ITEMS = (
    "reflection",
    "assistance",
    "legal_aid",
    "compensation",
    "residence",
    "return",
    "complaints",
    "protection",
    "proceedings",
)


@cache
def texts(language: str) -> dict[str, Any]:
    """The leaflet's words in ``language`` (a code from LANGUAGES), as written in its file."""
    if language not in LANGUAGES:
        raise KeyError(language)
    loaded: dict[str, Any] = yaml.safe_load((DATA / f"{language}.yaml").read_text("utf-8"))
    return loaded


def language_name(language: str) -> str:
    """The language's own name for itself, as its file gives it."""
    return str(texts(language)["name"])


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text fills in."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    lines: list[str]  # one line each in the easy-read version; one paragraph otherwise


@dataclass(frozen=True)
class Leaflet:
    language: str
    version: str
    title: str
    intro: list[str]
    sections: list[Section]
    made_on: str
    reference: str


def _lines(text: str, version: str) -> list[str]:
    if version == "easy":
        return [line for line in text.splitlines() if line.strip()]
    return [text]


def date_text(day: date, language: str) -> str:
    """``day`` as a person reading ``language`` writes it (CLDR's long format)."""
    return format_date(day, format="long", locale=language)


def leaflet(
    *,
    language: str,
    version: str,
    ends_on: date | None,
    contact_name: str,
    organisation: str,
    reference: str,
    today: date,
) -> Leaflet:
    """The leaflet's words for one case: the period's end date (or the general words
    when no period is recorded), the contact person, and the case number."""
    words = texts(language)
    chosen: dict[str, str] = words[version]
    values = {
        "end_date": date_text(ends_on, language) if ends_on else "",
        "name": contact_name,
        "organisation": organisation,
        "reference": reference,
        "date": date_text(today, language),
    }
    sections = []
    for key in SECTIONS:
        source = key if key != "reflection" or ends_on else "reflection_none"
        text = chosen[source].format(**values)
        sections.append(Section(key, str(words["headings"][key]), _lines(text, version)))
    return Leaflet(
        language=language,
        version=version,
        title=chosen["title"],
        intro=_lines(chosen["intro"], version),
        sections=sections,
        made_on=words["footer"]["made_on"].format(**values),
        reference=words["footer"]["reference"].format(**values),
    )


def pdf(html: str) -> bytes:
    """Draw the leaflet's page as PDF."""
    return pdf_documents.pdf(html, stylesheet=STYLE)
