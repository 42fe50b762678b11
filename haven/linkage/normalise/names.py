"""Names: transliteration, a phonetic skeleton, gendered surname stems, patronymics and
the diminutives table.

Each name is kept in three forms, from strict to loose:

- the *plain* form: ``anyascii`` of the typed text, lower case, without diacritics,
  split into tokens (``Иванова`` → ``ivanova``; ``Bērziņš`` → ``berzins``);
- the *skeleton*: a phonetic key on which the Latin romanisations of one Cyrillic name
  (passport/ICAO 9303, BGN/PCGN, ISO 9, German, French, Polish, Finnish, Estonian,
  Latvian, Lithuanian) agree: the sibilants ш щ ж ч (sh shch zh ch sch sz cz tsch š ž č)
  and х г (kh h g; ch is either) fall together; дж (dzh dj dž) is read as j; ц (ts tz,
  c before e/i), й and the soft vowels (j y i ij yj ii; ju yu iu; ja ya ia), w/v, z/s
  and doubled letters fall together too;
- the *stem*: the skeleton without a gendered or declined ending (Ivanova/Ivanov,
  Kowalska/Kowalski, Nováková/Novák, Bērziņa/Bērziņš, Kazlauskienė/Kazlauskaitė/
  Kazlauskas all give one stem).

Given names also map to *name groups* through ``data/given_names.txt`` (Sasha →
Aleksandr and Aleksandra, Jaan → Ivan/Johannes, ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

_DATA = Path(__file__).resolve().parent.parent / "data"

# Latin letters whose diacritic carries a sound the skeleton must keep (š is sh, not s).
_LATIN_SOUNDS = str.maketrans(
    {
        "š": "sh", "ž": "zh", "č": "ch", "ć": "ch", "ś": "sh", "ź": "zh", "ż": "zh",
        "ŝ": "shch", "ř": "rzh", "ș": "sh", "ş": "sh", "ț": "ts", "ţ": "ts", "ß": "ss",
        "ł": "l", "đ": "dj", "ğ": "g", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe",
    }
)  # fmt: skip
# Cyrillic letters romanised in more than one way: the form the skeleton rules expect.
_CYRILLIC = str.maketrans(
    {
        "ё": "e", "ъ": "", "ь": "", "й": "j", "ї": "ji", "є": "je", "ґ": "g", "ў": "u",
        "щ": "shch", "ы": "y", "э": "e", "ю": "ju", "я": "ja", "х": "kh", "ц": "ts",
    }
)  # fmt: skip
# Latin th and ph written letter by letter in Cyrillic (тх, пх: Vietnamese Тхань = Thanh,
# Тхи = Thi, Korean Пхан, English Тхомас) read back as th and ph, not t-kh and p-kh.
_CYRILLIC_DIGRAPHS = re.compile(r"(?<=[тп])х")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NOT_LETTERS = re.compile(r"[^a-z]+")
_SKELETON_GROUPS = re.compile(
    r"schtsch|shtsch|shtsh|szcz|shch|chtch|tsch|tsh|tch|dzh|sch|dj|sh|zh|ch|cz|sz|kh|ph|th|gh|ck|"
    r"ts|tz|c(?=[eiy])|cv|cw|ou|x|q|w|c|g|h|y|j|z"
)
_GROUP_SOUND = {
    "schtsch": "X", "shtsch": "X", "shtsh": "X", "tsh": "X", "szcz": "X", "shch": "X",
    "chtch": "X", "tsch": "X",
    "tch": "X", "dzh": "i", "sch": "X", "dj": "i", "sh": "X", "zh": "X", "ch": "X",
    "cz": "X", "sz": "X", "kh": "X", "ph": "f", "th": "t", "gh": "X", "ck": "k",
    "ts": "C", "tz": "C", "c": "k", "cv": "Cv", "cw": "Cv", "ou": "u", "x": "ks",
    "q": "k", "w": "v", "g": "X", "h": "X", "y": "i", "j": "i", "z": "s",
}  # fmt: skip
_SOFT_I = re.compile(r"i(?=[aeiou])")
# ё after a consonant: Fyodor, Fjodor, Fiodor, Fedor; Pyotr, Piotr, Petr; Semyon, Semen.
_SOFT_O = re.compile(r"(?<=[^aeiou])io(?=[^aeiou])")
_DOUBLED = re.compile(r"(.)\1+")
_PATRONYMIC = re.compile(r"(?:[oe]vi?X|[oei]vna|iXna)$")
# Gendered and declined surname endings, in skeleton letters, longest first: Lithuanian
# -ienė -aitė -ūtė -ytė / -as -is -us, Russian, Ukrainian, Bulgarian, Czech -ova -eva
# -ov -ev, adjectival -aya -oy -iy -ý -á (Tolstaya/Tolstoy, Kowalska/Kowalski), Latvian
# -s -š -a -e, Greek -os -ou.
_SURNAME_ENDINGS = (
    "aite", "ene", "ova", "eva", "ute", "ite", "oi", "as", "is", "us", "os", "ov", "ev",
    "a", "e", "i", "o", "u", "s", "X",
)  # fmt: skip
_MIN_STEM = 3


def plain_tokens(text: str) -> tuple[str, ...]:
    """The typed name in Latin letters, lower case, without diacritics, as tokens."""
    return tuple(t for t in _NOT_LETTERS.split(_ascii(text, sounds=False)) if t)


def sound_tokens(text: str) -> tuple[str, ...]:
    """Like ``plain_tokens`` but keeping the sound of š ž č and of ambiguous Cyrillic
    letters (``Šiškin`` → ``shishkin``, not ``siskin``): the input of ``skeleton``."""
    return tuple(t for t in _NOT_LETTERS.split(_ascii(text, sounds=True)) if t)


def _ascii(text: str, *, sounds: bool) -> str:
    text = unicodedata.normalize("NFKC", text)
    if _CJK.search(text):
        # One syllable a token: 王小明 is "wang xiao ming", not "wangxiaoming".
        text = " ".join(anyascii(ch) if _CJK.match(ch) else ch for ch in text)
    text = text.lower()
    if sounds:
        text = _CYRILLIC_DIGRAPHS.sub("h", text).translate(_LATIN_SOUNDS).translate(_CYRILLIC)
    return anyascii(text).lower().replace("'", "")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The phonetic skeleton of one lower-case ASCII token (see the module docstring)."""
    key = _SKELETON_GROUPS.sub(lambda m: _GROUP_SOUND[m.group(0)], token)
    key = _SOFT_O.sub("e", key.replace("ii", "i"))
    key = _SOFT_I.sub("", key)
    return _DOUBLED.sub(r"\1", key)


@lru_cache(maxsize=200_000)
def stem(skeleton_token: str) -> str:
    """The skeleton without gendered or declined endings (at most two are removed)."""
    key = skeleton_token
    for _ in range(2):
        for ending in _SURNAME_ENDINGS:
            if key.endswith(ending) and len(key) - len(ending) >= _MIN_STEM:
                key = key[: -len(ending)]
                break
        else:
            break
    return key


def is_patronymic(skeleton_token: str) -> bool:
    """-ovich -evich -ovna -evna -ivna -ichna (any romanisation) as a skeleton."""
    return len(skeleton_token) >= 6 and _PATRONYMIC.search(skeleton_token) is not None


@lru_cache(maxsize=1)
def _name_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for line in (_DATA / "given_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, _, variants = line.partition(":")
        group = skeleton("".join(sound_tokens(canonical)))
        for name in (canonical, *variants.split(",")):
            for token in sound_tokens(name):
                groups.setdefault(skeleton(token), set()).add(group)
    return {key: frozenset(value) for key, value in groups.items()}


def name_groups(skeleton_token: str) -> frozenset[str]:
    """The groups of the diminutives table this given name belongs to (maybe none)."""
    return _name_groups().get(skeleton_token, frozenset())
