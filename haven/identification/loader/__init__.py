"""Read and validate an indicator file (schema_version 1) into engine set definitions.

Indicator sets are data, not code (R-05): the shipped ILO/EC 2009 file and
national files have the same shape. Validation is complete, not first-error:
``IndicatorFileError.problems`` lists every problem with its path in the file,
such as ``sets.adults_labour.indicators.DR[2].strength: must be S, M or W (got "X")``,
so that whoever maintains a file can fix it in one pass.

The loader is pure (no database): ``services.indicator_sets`` stores what it
returns, and ``haven screen`` evaluates the shipped file with it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from haven.identification import engine
from haven.identification.errors import IndicatorFileError
from haven.identification.loader.sets import FileValidator, LoadedSet
from haven.identification.loader.validation import SCHEMA_VERSION, show

SHIPPED_FILE = Path(__file__).resolve().parents[1] / "data" / "ilo-indicators-2009.yaml"


def parse_text(text: str) -> list[LoadedSet]:
    """Every set of an indicator file, or ``IndicatorFileError`` listing every problem."""
    problems: list[str] = []
    data = _yaml(text, problems)
    if problems:
        raise IndicatorFileError(problems)
    sets = FileValidator(problems).read(data)
    if problems:
        raise IndicatorFileError(problems)
    return sets


def parse_file(path: str | Path) -> list[LoadedSet]:
    """``parse_text`` for a file on disk; an unreadable file is one more problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise IndicatorFileError([_("file: is not UTF-8 text")]) from None
    except OSError as exc:
        raise IndicatorFileError(
            [_("file: cannot be read (%(reason)s)") % {"reason": exc.strerror or exc}]
        ) from None
    return parse_text(text)


def load(source: str | Path) -> list[engine.SetDef]:
    """The engine definitions of a file given as a path or as its text."""
    loaded = parse_file(source) if isinstance(source, Path) else parse_text(source)
    return [s.definition for s in loaded]


def load_shipped() -> list[LoadedSet]:
    """The ILO/EC 2009 file shipped with Haven (provisional, see its header)."""
    return parse_file(SHIPPED_FILE)


def data_texts(sets: list[LoadedSet]) -> list[str]:
    """The texts of a file that are shown, for translation (haven.lib.datatext):
    element names, then each set's title and indicator labels, in the file's order."""
    names = [name for s in sets[:1] for name in s.element_names.values()]
    shown = [
        text
        for s in sets
        for text in (s.definition.title, *(i.label for i in s.definition.indicators))
    ]
    return [*names, *shown]


# --- YAML --------------------------------------------------------------------------------


class _DuplicateKeys:
    """Reports duplicate keys instead of silently keeping the last one."""

    duplicates: list[str]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            if isinstance(key, Hashable) and key in seen:
                self.duplicates.append(
                    _("file: line %(line)d: the key %(key)s appears twice")
                    % {"line": key_node.start_mark.line + 1, "key": show(key)}
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc,no-any-return]


class _Loader(_DuplicateKeys, yaml.SafeLoader):
    """Safe YAML, read in Python: the reader of record, whose words a problem is told in."""


# libyaml's scanner and parser (PyYAML's C extension), with the same Python
# constructor and resolver: the same data, ten times faster (the shipped file is
# read each time the sets are loaded, in tests several hundred times a run).
_FAST_LOADER: Callable[[str], Any] | None = None
if getattr(yaml, "__with_libyaml__", False):  # pragma: no branch - PyYAML's wheels have it

    class _CLoader(_DuplicateKeys, yaml.CSafeLoader):
        """Safe YAML read by libyaml."""

    _FAST_LOADER = _CLoader


def _yaml(text: str, problems: list[str]) -> Any:
    fast = _yaml_fast(text)
    if fast is not None:
        return fast[0]
    # A file with a problem is read again in Python, which tells what is wrong (the
    # line, the column, the words) as it always has.
    try:
        loader = _Loader(text)  # the reader refuses unprintable characters at once
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(exc))
        return None
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(exc))
        return None
    finally:
        loader.dispose()
    problems.extend(loader.duplicates)
    return data


def _yaml_fast(text: str) -> tuple[Any] | None:
    """The data of a file without a problem, read by libyaml; None when there is a
    problem (or no libyaml) for the Python reader to tell."""
    if _FAST_LOADER is None:  # pragma: no cover - PyYAML without libyaml
        return None
    try:
        yaml.reader.Reader(text)  # the same check of printable characters as the Python reader
        loader = _FAST_LOADER(text)
    except yaml.YAMLError:
        return None
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if loader.duplicates:
        return None
    return (data,)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return _("file: not valid YAML: %(problem)s") % {"problem": problem}
    return _("file: not valid YAML at line %(line)d, column %(column)d: %(problem)s") % {
        "line": mark.line + 1,
        "column": mark.column + 1,
        "problem": problem,
    }


__all__ = [
    "SCHEMA_VERSION",
    "SHIPPED_FILE",
    "LoadedSet",
    "data_texts",
    "load",
    "load_shipped",
    "parse_file",
    "parse_text",
]
