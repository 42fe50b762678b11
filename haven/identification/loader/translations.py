"""Checking an indicator file, part 3: its own translations (issue 18).

An uploaded file may translate its shown texts (element names, set titles, indicator
labels) into the languages Haven offers, in a top-level ``translations`` mapping keyed
like the shipped i18n files by the text exactly as the file writes it::

    translations:
      sv:
        Deceived about the job: Vilseledd om arbetet
      ru:
        Deceived about the job: Обман относительно работы

A file need not translate every text (an untranslated one is shown as written, marked
with the file's language), but what it gives must fit: a language Haven offers and
not the file's own, a text the file has, a non-empty translation. Each set keeps the
translations of its own texts; they are not part of its version (``LoadedSet``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from haven.identification.loader.validation import MAX_LABEL, Checker, show

if TYPE_CHECKING:
    from haven.identification.loader.sets import LoadedSet

Translations = dict[str, dict[str, str]]  # language -> source text -> translation


def offered_languages() -> list[str]:
    """The languages a file may translate into: those Haven ships (settings.LANGUAGES)."""
    return [code.lower() for code, _name in settings.LANGUAGES]


def set_texts(loaded: LoadedSet) -> list[str]:
    """The texts of one loaded set that are shown: element names, title, labels."""
    definition = loaded.definition
    return [
        *loaded.element_names.values(),
        definition.title,
        *(i.label for i in definition.indicators),
    ]


def read_translations(checker: Checker, raw: Any, sets: list[LoadedSet]) -> list[LoadedSet]:
    """``sets`` each with its own translations, or unchanged with problems recorded.

    Whether a text is the file's is checked only when the rest of the file is valid:
    before that, the sets' texts are not all known.
    """
    block = checker.mapping(raw, "translations", required=False)
    if not block:
        return sets
    known = {text for s in sets for text in set_texts(s)} if not checker.problems else None
    offered = offered_languages()
    found: Translations = {}
    for key, texts in block.items():
        path = f"translations.{key}"
        code = key.strip().lower() if isinstance(key, str) else ""
        if code not in offered:
            checker.problem(
                path,
                _("Haven does not offer this language (it offers %(codes)s)"),
                codes=", ".join(offered),
            )
            continue
        if code == checker.language:
            checker.problem(
                path, _("the file is written in this language: its texts need no translation")
            )
            continue
        if code in found:
            checker.problem(path, _("the language appears twice"))
            continue
        mapping = checker.mapping(texts, path)
        found[code] = _texts(checker, mapping or {}, path, known)
    if checker.problems:
        return sets
    return [
        dataclasses.replace(
            s,
            translations={
                code: {t: texts[t] for t in dict.fromkeys(set_texts(s)) if t in texts}
                for code, texts in found.items()
            },
        )
        for s in sets
    ]


def _texts(
    checker: Checker, texts: dict[Any, Any], path: str, known: set[str] | None
) -> dict[str, str]:
    checked: dict[str, str] = {}
    for source, target in texts.items():
        where = f"{path}[{show(source)}]"
        if known is not None and source not in known:
            checker.problem(
                where,
                _(
                    "not a text of this file (translate an element name, a set title or an "
                    "indicator label exactly as the file writes it)"
                ),
            )
            continue
        if not isinstance(target, str) or not target.strip():
            checker.problem(
                where, _("must be a non-empty text (got %(value)s)"), value=show(target)
            )
            continue
        if len(target) > MAX_LABEL:
            checker.problem(where, _("must be at most %(limit)d characters long"), limit=MAX_LABEL)
            continue
        checked[str(source)] = target.strip()
    return checked
