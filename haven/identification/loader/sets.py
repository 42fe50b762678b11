"""Checking an indicator file, part 2: the file, its elements and its sets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from haven.identification import engine
from haven.identification.loader.translations import read_translations
from haven.identification.loader.validation import (
    AUDIENCES,
    ELEMENT_CODE,
    ELEMENT_KEYS,
    EXPLOITATIONS,
    INDICATOR_ID,
    INDICATOR_KEYS,
    LANGUAGE_CODE,
    MAX_CITATION,
    MAX_CONFIDENCE,
    MAX_LABEL,
    MAX_SET_KEY,
    MAX_TITLE,
    RECRUITMENT_GROUP,
    SCHEMA_VERSION,
    SET_KEY,
    SET_KEYS,
    SOURCE_LANGUAGE,
    STRENGTHS,
    TOP_KEYS,
    VICTIM_RULE_OF,
    RuleChecker,
    is_int,
    json_safe,
    show,
)


@dataclass(frozen=True)
class LoadedSet:
    """One set of a file: the engine's definition plus what only the database keeps."""

    definition: engine.SetDef
    exploitation: str
    confidence: str
    note: str
    indicator_notes: Mapping[str, tuple[bool, str]]  # id -> (uncertain, note)
    # id -> (provisional, sources): the strength is not confirmed against the primary
    # text, and what the indicator was drawn from (keys of source.citations).
    indicator_provenance: Mapping[str, tuple[bool, tuple[str, ...]]] = field(default_factory=dict)
    # The language the file's texts are written in (its top-level ``language``, default en).
    language: str = SOURCE_LANGUAGE
    # Element code -> name as the file writes it: shown, not part of the version.
    element_names: Mapping[str, str] = field(default_factory=dict)
    # The file's own translations of this set's texts (language -> text -> translation,
    # loader.translations): shown, not part of the version.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def provenance(self, indicator_id: str) -> tuple[bool, tuple[str, ...]]:
        return self.indicator_provenance.get(indicator_id, (False, ()))

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def is_empty(self) -> bool:
        """The set has no indicators yet (the two ILO sexual-exploitation sets)."""
        return self.definition.is_empty

    def normalised(self) -> dict[str, Any]:
        """Everything stored for a version, in a stable order (the content hash's input)."""
        d = self.definition
        return {
            "key": d.key,
            "title": d.title,
            "audience": d.audience,
            "exploitation": self.exploitation,
            "provisional": d.provisional,
            "confidence": self.confidence,
            "note": self.note,
            "source": dict(d.source),
            "elements": list(d.elements),
            "recruitment_elements": list(d.recruitment_elements),
            "element_rule": [dict(combo) for combo in d.element_rule],
            "victim_rule": dict(d.victim_rule),
            **self._language_json(),
            "indicators": [
                {
                    "id": i.id,
                    "element": i.element,
                    "label": i.label,
                    "strength": i.strength,
                    "uncertain": self.indicator_notes[i.id][0],
                    "note": self.indicator_notes[i.id][1],
                    **self._provenance_json(i.id),
                }
                for i in d.indicators
            ],
        }

    def _language_json(self) -> dict[str, Any]:
        """Only for a set not written in English, so that English sets keep their hash."""
        return {} if self.language == SOURCE_LANGUAGE else {"language": self.language}

    def _provenance_json(self, indicator_id: str) -> dict[str, Any]:
        """Only when given, so that sets without them keep their content hash."""
        provisional, sources = self.provenance(indicator_id)
        if not provisional and not sources:
            return {}
        return {"provisional": provisional, "sources": list(sources)}

    def content_hash(self) -> str:
        canonical = json.dumps(
            self.normalised(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


class FileValidator(RuleChecker):
    """One validation pass over a parsed file; every problem goes to ``problems``."""

    # --- the file -----------------------------------------------------------------------

    def read(self, data: Any) -> list[LoadedSet]:
        top = self.mapping(data, "file")
        if top is None:
            return []
        self.unknown_keys(top, TOP_KEYS, "")
        if top.get("schema_version") != SCHEMA_VERSION:
            self.problem(
                "schema_version",
                _("must be %(version)d (got %(value)s)"),
                version=SCHEMA_VERSION,
                value=show(top.get("schema_version")),
            )
        self.language = self.language_code(top.get("language"))
        source = self.mapping(top.get("source"), "source", required=False) or {}
        self.citations = self.citation_keys(source.get("citations"))
        self.elements(top.get("elements"))
        rules = self.rules(top.get("rules"))
        sets = self.mapping(top.get("sets"), "sets")
        if sets is not None and not sets:
            self.problem("sets", _("the file defines no set"))
        loaded_sets = [
            loaded
            for key, raw in (sets or {}).items()
            if (loaded := self.set(key, raw, rules, json_safe(source))) is not None
        ]
        return read_translations(self, top.get("translations"), loaded_sets)

    def language_code(self, raw: Any) -> str:
        """The file's ``language``: the language its titles, names and labels are in."""
        if raw is None:
            return SOURCE_LANGUAGE
        if not isinstance(raw, str) or not LANGUAGE_CODE.match(raw.strip().lower()):
            self.problem(
                "language",
                _("must be a language code such as en or fi (got %(value)s)"),
                value=show(raw),
            )
            return SOURCE_LANGUAGE
        return raw.strip().lower()

    def elements(self, raw: Any) -> None:
        if not isinstance(raw, list) or not raw:
            self.problem(
                "elements", _("must be a non-empty list of elements with code, name and group")
            )
            return
        for index, item in enumerate(raw):
            path = f"elements[{index}]"
            element = self.mapping(item, path)
            if element is None:
                continue
            self.unknown_keys(element, ELEMENT_KEYS, path)
            code = element.get("code")
            if not isinstance(code, str) or not ELEMENT_CODE.match(code):
                self.problem(
                    f"{path}.code",
                    _(
                        "must be 1 to 10 capital letters or digits, starting with a letter "
                        "(got %(value)s)"
                    ),
                    value=show(code),
                )
                continue
            if code in self.codes:
                self.problem(f"{path}.code", _("duplicate element %(code)s"), code=show(code))
                continue
            self.names[code] = self.text(element, "name", path, limit=MAX_TITLE, required=True)
            group = self.text(element, "group", path, limit=40, required=True)
            self.codes.append(code)
            self.groups[code] = group
            if group == RECRUITMENT_GROUP:
                self.recruitment.append(code)

    # --- sets ---------------------------------------------------------------------------

    def set(
        self, key: Any, raw: Any, rules: dict[str, Any], source: dict[str, Any]
    ) -> LoadedSet | None:
        path = f"sets.{key}"
        if not isinstance(key, str) or not SET_KEY.match(key) or len(key) > MAX_SET_KEY:
            self.problem(
                path,
                _(
                    "the set key must be a slug of lower-case letters, digits, _ or - "
                    "(at most %(limit)d characters)"
                ),
                limit=MAX_SET_KEY,
            )
            return None
        data = self.mapping(raw, path)
        if data is None:
            return None
        self.unknown_keys(data, SET_KEYS, path)
        title = self.text(data, "title", path, limit=MAX_TITLE, required=True)
        confirmed = self.flag(data, "confirmed", path)
        confidence = self.text(data, "confidence", path, limit=MAX_CONFIDENCE, required=False)
        note = self.text(data, "note", path, limit=10_000, required=False)
        audience = self.audience(key, data, path)
        exploitation = self.exploitation(key, data, path)
        indicators, notes = self.indicators(data.get("indicators"), f"{path}.indicators")
        provenance = self.provenances(data.get("indicators"), confirmed, f"{path}.indicators")
        self.expected_counts(data.get("expected_counts"), indicators, f"{path}.expected_counts")
        victim_rule = rules.get(VICTIM_RULE_OF.get(audience, ""))
        if audience and VICTIM_RULE_OF[audience] not in self.rules_given:
            self.problem(
                path,
                _("a %(audience)s set needs rules.%(rule)s in the file"),
                audience=audience,
                rule=VICTIM_RULE_OF[audience],
            )
        if self.problems:
            return None
        definition = engine.SetDef(
            key=key,
            title=title,
            audience=audience,
            elements=tuple(self.codes),
            recruitment_elements=tuple(self.recruitment),
            indicators=tuple(indicators),
            element_rule=tuple(rules["element_positive"]),
            victim_rule=victim_rule or {},
            provisional=not confirmed,
            source=source,
        )
        return LoadedSet(
            definition,
            exploitation,
            confidence,
            note,
            notes,
            provenance,
            language=self.language,
            element_names=dict(self.names),
        )

    # --- provenance (per indicator: provisional, sources) --------------------------------

    def citation_keys(self, raw: Any) -> tuple[str, ...] | None:
        """``source.citations``: short name -> full reference. None: not given (any name)."""
        citations = self.mapping(raw, "source.citations", required=False)
        if citations is None:
            return None
        for key in citations:
            if not isinstance(key, str) or not key.strip() or len(key) > MAX_CITATION:
                self.problem(
                    f"source.citations.{key}",
                    _("a citation name must be a text of at most %(limit)d characters"),
                    limit=MAX_CITATION,
                )
            self.text(citations, key, "source.citations", limit=MAX_TITLE * 2, required=True)
        return tuple(str(key) for key in citations)

    def provenances(
        self, raw: Any, confirmed: bool, path: str
    ) -> dict[str, tuple[bool, tuple[str, ...]]]:
        """Each indicator's ``provisional`` flag and ``sources`` (the set is checked by
        ``indicators``; this reads only the two provenance keys)."""
        found: dict[str, tuple[bool, tuple[str, ...]]] = {}
        if not isinstance(raw, dict):
            return found
        for element, items in raw.items():
            for index, item in enumerate(items if isinstance(items, list) else []):
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    continue
                here = f"{path}.{element}[{index}]"
                provisional = self.flag(item, "provisional", here)
                sources = self.sources(item.get("sources"), f"{here}.sources")
                if provisional and confirmed:
                    self.problem(
                        f"{here}.provisional",
                        _("a confirmed set cannot hold a provisional indicator"),
                    )
                if provisional and not sources and "sources" not in item:
                    self.problem(
                        f"{here}.sources",
                        _("a provisional indicator must cite the sources it was drawn from"),
                    )
                if provisional or sources:
                    found[item["id"]] = (provisional, sources)
        return found

    def sources(self, raw: Any, path: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            self.problem(path, _("must be a non-empty list of source names"))
            return ()
        names: list[str] = []
        for index, name in enumerate(raw):
            if not isinstance(name, str) or not name.strip() or len(name) > MAX_CITATION:
                self.problem(
                    f"{path}[{index}]",
                    _("must be a source name of at most %(limit)d characters (got %(value)s)"),
                    limit=MAX_CITATION,
                    value=show(name),
                )
            elif self.citations is not None and name not in self.citations:
                self.problem(
                    f"{path}[{index}]",
                    _("unknown source %(value)s (source.citations names %(known)s)"),
                    value=show(name),
                    known=", ".join(self.citations) or "none",
                )
            elif name in names:
                self.problem(f"{path}[{index}]", _("duplicate source %(value)s"), value=show(name))
            else:
                names.append(name)
        return tuple(names)

    def audience(self, key: str, data: Mapping[Any, Any], path: str) -> str:
        if "audience" in data:
            value = data["audience"]
            if value not in AUDIENCES:
                self.problem(
                    f"{path}.audience",
                    _("must be adults or children (got %(value)s)"),
                    value=show(value),
                )
                return ""
            return str(value)
        derived = next((a for a in AUDIENCES if key.startswith(f"{a}_")), "")
        if not derived:
            self.problem(
                path,
                _(
                    "say whom the set is for: give audience (adults or children), "
                    "or start the key with adults_ or children_"
                ),
            )
        return derived

    def exploitation(self, key: str, data: Mapping[Any, Any], path: str) -> str:
        if "exploitation" in data:
            value = data["exploitation"]
            if value not in EXPLOITATIONS:
                self.problem(
                    f"{path}.exploitation",
                    _("must be labour, sexual or other (got %(value)s)"),
                    value=show(value),
                )
                return ""
            return str(value)
        # other forms (criminal activities, begging, ...) are screened as "other".
        return next((e for e in ("labour", "sexual") if key.endswith(f"_{e}")), "other")

    def indicators(
        self, raw: Any, path: str
    ) -> tuple[list[engine.IndicatorDef], dict[str, tuple[bool, str]]]:
        by_element = self.mapping(raw, path)
        found: dict[str, list[engine.IndicatorDef]] = {code: [] for code in self.codes}
        notes: dict[str, tuple[bool, str]] = {}
        first_seen: dict[str, str] = {}
        for element, items in (by_element or {}).items():
            where = f"{path}.{element}"
            if element not in found:
                self.problem(
                    where,
                    _("unknown element (the file's elements are %(known)s)"),
                    known=", ".join(self.codes),
                )
                continue
            if items is None:
                continue
            if not isinstance(items, list):
                self.problem(
                    where,
                    _("must be a list of indicators (got %(value)s)"),
                    value=show(items),
                )
                continue
            for index, item in enumerate(items):
                here = f"{where}[{index}]"
                indicator = self.indicator(item, element, here)
                if indicator is None:
                    continue
                if indicator.id in first_seen:
                    self.problem(
                        f"{here}.id",
                        _("duplicate id %(id)s (already at %(where)s)"),
                        id=show(indicator.id),
                        where=first_seen[indicator.id],
                    )
                    continue
                first_seen[indicator.id] = here
                found[element].append(indicator)
                notes[indicator.id] = (
                    self.flag(item, "uncertain", here),
                    self.text(item, "note", here, limit=2000, required=False),
                )
        return [i for code in self.codes for i in found[code]], notes

    def indicator(self, raw: Any, element: str, path: str) -> engine.IndicatorDef | None:
        item = self.mapping(raw, path)
        if item is None:
            return None
        self.unknown_keys(item, INDICATOR_KEYS, path)
        ident = item.get("id")
        valid = True
        if not isinstance(ident, str) or not INDICATOR_ID.match(ident):
            self.problem(
                f"{path}.id",
                _("must be 1 to 20 letters, digits, _, . or -, such as DR-01 (got %(value)s)"),
                value=show(ident),
            )
            valid = False
        label = self.text(item, "label", path, limit=MAX_LABEL, required=True)
        strength = item.get("strength")
        if strength not in STRENGTHS:
            self.problem(
                f"{path}.strength",
                _("must be S, M or W (got %(value)s)"),
                value=show(strength),
            )
            valid = False
        if not valid or not label:
            return None
        return engine.IndicatorDef(
            id=str(ident), element=element, label=label, strength=str(strength)
        )

    def expected_counts(self, raw: Any, indicators: list[engine.IndicatorDef], path: str) -> None:
        expected = self.mapping(raw, path, required=False)
        for name, count in (expected or {}).items():
            if name == "total":
                actual = len(indicators)
            elif name in self.codes:
                actual = sum(1 for i in indicators if i.element == name)
            else:
                self.problem(
                    f"{path}.{name}",
                    _("unknown element (the file's elements are %(known)s)"),
                    known=", ".join(self.codes),
                )
                continue
            if not is_int(count):
                self.problem(
                    f"{path}.{name}",
                    _("must be a whole number (got %(value)s)"),
                    value=show(count),
                )
            elif count != actual:
                self.problem(
                    f"{path}.{name}",
                    _("expected %(expected)d indicators, the file lists %(actual)d"),
                    expected=count,
                    actual=actual,
                )
