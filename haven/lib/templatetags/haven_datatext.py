"""Texts from data files, in the reader's language (``haven.lib.datatext``).

``{{ indicator.label|datatext:"identification" }}`` shows the label translated by
``haven/identification/data/i18n/<lang>.yaml``; where the file has no translation the
English text is shown inside ``<span lang="en">`` so a screen reader pronounces it in
English. ``{% datatext_in indicator.label "identification" indicator_set.language %}``
does the same for a text written in the given language (an uploaded set's own
language: shown as written, marked with its language), and a fourth argument gives the
record's own translations (``indicator_set.translations``: language -> text ->
translation), used first; with ``plain=True`` it gives
the text alone, as ``|datatext_plain:"app"`` does, for ``<title>`` and attributes. A
``DataText`` made by a selector is shown with ``{{ value|datatext }}``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from haven.lib import datatext

register = template.Library()


@register.filter(name="datatext")
def datatext_filter(value: object, app: str = "") -> SafeString:
    if isinstance(value, datatext.DataText):
        return datatext.marked(value)
    if not app:  # not a data text: shown as it is
        return conditional_escape("" if value is None else str(value))
    return datatext.marked(datatext.lookup(app, "" if value is None else str(value)))


@register.filter(name="datatext_plain")
def datatext_plain(value: object, app: str) -> str:
    """The translated text alone, for where no markup may go (``<title>``, attributes)."""
    return datatext.translate(app, "" if value is None else str(value))


@register.simple_tag
def datatext_in(
    value: object,
    app: str,
    source: str = "",
    translations: object = None,
    *,
    plain: bool = False,
) -> str:
    text = "" if value is None else str(value)
    own = translations if isinstance(translations, Mapping) else None  # not a set's: none
    found = datatext.lookup(app, text, source=source or "en", own=own)
    return found.text if plain else datatext.marked(found)
