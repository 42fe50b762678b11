"""The linkage schema: what both focal points agree on before they encode.

A schema is a small JSON document, versioned, shipped as
``haven/linkage/data/pprl-schema-v1.json``::

    {"id": "haven-pprl", "version": 1, "normalisation": "1", "filter_bits": 1024,
     "q": 2, "k": 20,
     "fields": [{"name": "given", "weight": 1.0, "k": 20}, ...]}

- ``filter_bits``: the length of each record's Bloom filter (a multiple of 8);
- ``q``: the length of the q-grams of the name fields (padded at both ends);
- ``k``: the base number of bit positions per q-gram; each field's ``weight``
  scales it, and the field's ``k`` must be ``round(k * weight)`` (at least 1): the
  file states both, so a reader sees the weights and the encoder the counts;
- ``normalisation``: the version of ``haven.linkage.matching``'s normalisation the
  encodings were made with.

Two files are compared only when their schemas are the same document (the same
canonical JSON, hence the same ``digest``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from haven.linkage.pprl.errors import SchemaInvalid

DEFAULT_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "pprl-schema-v1.json"
FIELDS = ("given", "family", "names", "birth_year", "birth_month", "birth_day", "sex")
_KEYS = frozenset({"id", "version", "normalisation", "filter_bits", "q", "k", "fields"})


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    k: int


@dataclass(frozen=True)
class Schema:
    id: str
    version: int
    normalisation: str
    filter_bits: int
    q: int
    k: int
    fields: tuple[Field, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "normalisation": self.normalisation,
            "filter_bits": self.filter_bits,
            "q": self.q,
            "k": self.k,
            "fields": [{"name": f.name, "weight": f.weight, "k": f.k} for f in self.fields],
        }

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON: equal digests, equal schemas."""
        return hashlib.sha256(canonical(self.as_json()).encode("ascii")).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.id}/{self.version}"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _invalid(what: str) -> SchemaInvalid:
    return SchemaInvalid(_("The linkage schema is not valid: %(what)s.") % {"what": what})


def _int(data: dict[str, Any], key: str, low: int, high: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _invalid(key)
    return value


def _field(data: Any, base_k: int) -> Field:
    if not isinstance(data, dict) or set(data) != {"name", "weight", "k"}:
        raise _invalid("fields")
    name, weight = data["name"], data["weight"]
    if name not in FIELDS:
        raise _invalid("fields.name")
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 10:
        raise _invalid(f"fields.{name}.weight")
    k = _int(data, "k", 1, 200)
    if k != max(1, round(base_k * weight)):
        raise _invalid(f"fields.{name}.k")
    return Field(name=name, weight=float(weight), k=k)


def schema_from_json(data: Any) -> Schema:
    """A schema from parsed JSON; SchemaInvalid names the first wrong key."""
    if not isinstance(data, dict) or set(data) != _KEYS:
        raise _invalid("keys")
    if not isinstance(data["id"], str) or not data["id"] or len(data["id"]) > 100:
        raise _invalid("id")
    if not isinstance(data["normalisation"], str) or not data["normalisation"]:
        raise _invalid("normalisation")
    bits = _int(data, "filter_bits", 64, 65536)
    if bits % 8:
        raise _invalid("filter_bits")
    base_k = _int(data, "k", 1, 200)
    if not isinstance(data["fields"], list) or not data["fields"]:
        raise _invalid("fields")
    fields = tuple(_field(f, base_k) for f in data["fields"])
    if len({f.name for f in fields}) != len(fields):
        raise _invalid("fields.name")
    return Schema(
        id=data["id"],
        version=_int(data, "version", 1, 1_000_000),
        normalisation=data["normalisation"],
        filter_bits=bits,
        q=_int(data, "q", 1, 5),
        k=base_k,
        fields=fields,
    )


def schema_load(path: Path = DEFAULT_SCHEMA) -> Schema:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise _invalid("file") from None
    return schema_from_json(data)
