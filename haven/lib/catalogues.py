"""Checks of a shipped message catalogue (issue 18): complete, valid, faithful to its
language's glossary of NRM terms, and up to date with Haven's strings.

Each check returns the problems it found, one readable line each (an empty list when
the catalogue is fine), so a test can show every problem at once. The tests in
``haven/lib/tests/test_catalogues.py`` run them on every catalogue in ``haven/locale``;
they read the catalogue with Babel (no other .po library).

A glossary is ``haven/locale/<lang>/glossary.yaml``::

    language: fi
    terms:
      - en: reasonable grounds
        term: perustellut syyt
        stems: [perustel]
        note: the first decision (R-10)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # msgfmt and makemessages, with fixed arguments  # nosec B404
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

HAVEN_DIR = Path(__file__).resolve().parent.parent


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    string = message.string
    if isinstance(string, tuple | list):
        return tuple(s or "" for s in string)
    return (string or "",)


def _entries(catalogue: Catalog) -> list[Message]:
    """Every message but the header."""
    return [message for message in catalogue if message.id]


def incomplete_entries(path: Path) -> list[str]:
    """Untranslated entries (every plural form counts) and fuzzy ones, header included
    (msgfmt leaves a fuzzy header out of the .mo, and with it the plural rule)."""
    catalogue = read_catalogue(path)
    problems = ["the header is marked fuzzy"] if catalogue.fuzzy else []
    for message in _entries(catalogue):
        msgid = _ids(message)[0]
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(_strings(message)):
            problems.append(f"untranslated: {msgid!r}")
    return problems


def msgfmt_problems(path: Path) -> list[str]:
    """What ``msgfmt --check`` (format strings, plural forms, header) finds."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return ["msgfmt is missing (Debian package gettext)"]
    done = subprocess.run(  # noqa: S603 - msgfmt found on PATH, fixed arguments  # nosec B603
        [msgfmt, "--check", "--output-file", os.devnull, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stderr.strip().splitlines() if done.returncode else []


@dataclass(frozen=True)
class Term:
    en: str
    term: str
    stems: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        """The English term as whole words, any case, any spacing between its words."""
        words = r"\s+".join(re.escape(word) for word in self.en.split())
        return re.compile(rf"\b{words}\b", re.IGNORECASE)


def read_glossary(path: Path) -> list[Term]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Term(
            en=str(entry["en"]),
            term=str(entry.get("term", "")),
            stems=tuple(str(stem) for stem in entry.get("stems") or [entry.get("term", "")]),
        )
        for entry in data.get("terms") or []
    ]


def glossary_violations(po_path: Path, glossary_path: Path) -> list[str]:
    """Translated entries whose English names a glossary term while the translation
    uses none of the term's stems (any case). Untranslated entries are left to
    :func:`incomplete_entries`."""
    terms = read_glossary(glossary_path)
    problems = []
    for message in _entries(read_catalogue(po_path)):
        strings = [s.casefold() for s in _strings(message) if s]
        if not strings:
            continue
        english = " ".join(_ids(message))
        for term in terms:
            if not term.pattern().search(english):
                continue
            stems = [stem.casefold() for stem in term.stems if stem]
            if not all(any(stem in string for stem in stems) for string in strings):
                problems.append(
                    f"{_ids(message)[0]!r}: {term.en!r} should be {term.term!r} "
                    f"(one of {', '.join(term.stems)})"
                )
    return problems


def extracted_msgids(source_dir: Path = HAVEN_DIR) -> set[str]:
    """The msgids ``makemessages`` finds in Haven's code and templates today, extracted
    into a temporary copy (never into haven/locale)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / source_dir.name
        shutil.copytree(
            source_dir,
            copy,
            ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc", "*.mo"),
        )
        (copy / "locale").mkdir()
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        subprocess.run(  # this interpreter's Django, fixed arguments  # nosec B603
            [sys.executable, "-m", "django", "makemessages", "--locale", "en", "--no-location"],
            cwd=copy,
            env=env,
            capture_output=True,
            check=True,
        )
        catalogue = read_catalogue(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    return {_ids(message)[0] for message in _entries(catalogue)}


def missing_msgids(po_path: Path, extracted: set[str]) -> list[str]:
    """Strings of the code that the catalogue does not have: new, or changed since it
    was last updated."""
    have = {_ids(message)[0] for message in _entries(read_catalogue(po_path))}
    return sorted(extracted - have)
