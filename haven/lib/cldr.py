"""Country and language names from CLDR (through Babel), in the reader's language.

Haven stores codes (ISO 3166-1 alpha-2 for countries, ISO 639-1 for languages)
and shows names: "Russian" in English, "vene" in Estonian, "venäjä" in Finnish.
The names are CLDR's, never a hand list, so every language Haven is translated
into names every country and language. The form fields here offer the names,
sorted as a reader of that language looks for them, and keep storing the codes.

A field renders as a plain ``<select>`` (works without JavaScript);
``haven/choose.js`` adds a filter box above it, so typing "Rus" leaves Russia.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# ISO 3166-1 alpha-2 (from Debian's iso-codes), plus XK for Kosovo, the
# user-assigned code the EU and Eurostat use.
COUNTRY_CODES = sorted(
    {
        *"""AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
        BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
        DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ
        GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI
        KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
        MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK
        PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS
        ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
        VG VI VN VU WF WS YE YT ZA ZM ZW""".split(),  # noqa: SIM905 - a code table reads best as a block
        "XK",
    }
)
# ISO 639-1 (from Debian's iso-codes).
LANGUAGE_CODES = """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co
    cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he
    hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku
    kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr
    nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu""".split()  # noqa: SIM905 - a code table reads best as a block

Choices = list[tuple[str, str]]


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    """Babel's locale for a Django language code ("en", "pt-br"), English if unknown."""
    try:
        return Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        return Locale.parse(settings.LANGUAGE_CODE)


def _active() -> Locale:
    return _locale(translation.get_language() or settings.LANGUAGE_CODE)


def sort_key(name: str) -> str:
    """Order as a reader looks names up: letters without case or accents ("Åland"
    beside "Aland"). Full CLDR collation would need ICU; this is close enough to
    find a name in a list."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def country_name(code: str) -> str:
    """The country's name in the active language; the code itself if CLDR has none."""
    return str(_active().territories.get(code.upper(), code))


def language_name(code: str) -> str:
    """The language's name in the active language; the code itself if CLDR has none."""
    return str(_active().languages.get(code.lower(), code))


def country_names(codes: Iterable[str]) -> str:
    return ", ".join(country_name(code) for code in codes)


def language_names(codes: Iterable[str]) -> str:
    return ", ".join(language_name(code) for code in codes)


@lru_cache(maxsize=32)
def _choices(locale: Locale, kind: str) -> tuple[tuple[str, str], ...]:
    names = locale.territories if kind == "country" else locale.languages
    codes = COUNTRY_CODES if kind == "country" else LANGUAGE_CODES
    named = [(code, str(names[code])) for code in codes if code in names]
    return tuple(sorted(named, key=lambda pair: (sort_key(pair[1]), pair[0])))


def country_choices() -> Choices:
    """Every ISO 3166-1 country CLDR names, by its name in the active language."""
    return list(_choices(_active(), "country"))


def language_choices() -> Choices:
    """Every ISO 639-1 language CLDR names, by its name in the active language."""
    return list(_choices(_active(), "language"))


# --- form fields ----------------------------------------------------------------------


def _attrs(size: int | None = None) -> dict[str, Any]:
    # Read by haven/choose.js; without JavaScript the select works alone.
    attrs: dict[str, Any] = {
        "data-choose": "",
        "data-choose-label": _("Type to find in the list"),
    }
    if size:
        attrs["size"] = size
    return attrs


class CountryField(forms.ChoiceField):
    """One country by name; stores its ISO 3166-1 alpha-2 code (``""`` when optional)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select(attrs=_attrs()))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Choose a country from the list.")},
        )
        super().__init__(choices=_with_blank(country_choices), **kwargs)


class LanguageField(forms.ChoiceField):
    """One language by name; stores its ISO 639-1 code (``""`` when optional)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select(attrs=_attrs()))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Choose a language from the list.")},
        )
        super().__init__(choices=_with_blank(language_choices), **kwargs)


# Without the filter box, a list box takes several choices this way.
SEVERAL = _("To choose more than one, hold Ctrl (Cmd on a Mac) while you click.")


def _help(kwargs: dict[str, Any]) -> None:
    given = kwargs.get("help_text")
    kwargs["help_text"] = format_lazy("{} {}", given, SEVERAL) if given else SEVERAL


class CountriesField(forms.MultipleChoiceField):
    """Several countries by name; stores their ISO 3166-1 alpha-2 codes."""

    def __init__(self, **kwargs: Any) -> None:
        _help(kwargs)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs=_attrs(size=8)))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Choose countries from the list.")},
        )
        super().__init__(choices=country_choices, **kwargs)


class LanguagesField(forms.MultipleChoiceField):
    """Several languages by name; stores their ISO 639-1 codes."""

    def __init__(self, **kwargs: Any) -> None:
        _help(kwargs)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs=_attrs(size=8)))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Choose languages from the list.")},
        )
        super().__init__(choices=language_choices, **kwargs)


def _with_blank(choices: Callable[[], Choices]) -> Callable[[], Choices]:
    """Nothing chosen first, so a country is never picked by default."""

    def blank_first() -> Choices:
        return [("", "—"), *choices()]

    return blank_first
