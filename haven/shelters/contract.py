"""The console contract of ``haven placement solve`` (issue 16, ``docs/placement.md``):
the input JSON read into places and people as the hard rules see them, and the
solution written back as JSON.

Every error names the JSON path of the field it is about (``people[3].risk_level:
must be 1, 2 or 3``) and never repeats the value it found: the input describes
people. Keys the contract does not know are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from haven.lib.errors import InvalidInput
from haven.shelters import rules
from haven.shelters.errors import ErrorCode
from haven.shelters.solver import Solution

T = TypeVar("T")
_MISSING = object()


class ContractError(InvalidInput):
    """The input does not follow the contract; ``field`` is the JSON path."""

    default_code = ErrorCode.CONTRACT_INVALID

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}", field=path)


def _int(path: str, value: object, *, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ContractError(path, "must be a whole number")
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ContractError(path, f"must be {bounds}")
    return value


def _level(path: str, value: object) -> int:
    if isinstance(value, bool) or value not in rules.LEVELS:
        raise ContractError(path, "must be 1, 2 or 3")
    assert isinstance(value, int)  # noqa: S101 (narrowed by the membership test above)
    return value


def _bool(path: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ContractError(path, "must be true or false")
    return value


def _id(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContractError(path, "must be a non-empty string")
    return value


def _coordinate(path: str, value: object, *, limit: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ContractError(path, "must be a number or null")
    if not -limit <= value <= limit:
        raise ContractError(path, f"must be between -{limit:g} and {limit:g}")
    return float(value)


def _latitude(path: str, value: object) -> float | None:
    return _coordinate(path, value, limit=90)


def _longitude(path: str, value: object) -> float | None:
    return _coordinate(path, value, limit=180)


def _strings(path: str, value: object, *, allowed: tuple[str, ...] = ()) -> frozenset[str]:
    if not isinstance(value, list):
        raise ContractError(path, "must be a list of strings")
    for n, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ContractError(f"{path}[{n}]", "must be a non-empty string")
        if allowed and item not in allowed:
            raise ContractError(f"{path}[{n}]", f"must be one of {', '.join(allowed)}")
    return frozenset(value)


def _choice(allowed: tuple[str, ...]) -> Callable[[str, object], str]:
    def check(path: str, value: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise ContractError(path, f"must be one of {', '.join(allowed)}")
        return value

    return check


def _family(path: str, value: object) -> str | None:
    return None if value is None else _id(path, value)


def _age(path: str, value: object) -> int | None:
    return None if value is None else _int(path, value, low=0, high=130)


def _languages(path: str, value: object) -> frozenset[str]:
    return _strings(path, value)


def _accepts(path: str, value: object) -> frozenset[str]:
    return _strings(path, value, allowed=tuple(rules.Accepts))


def _field(
    item: dict[str, Any], path: str, key: str, check: Callable[[str, object], T], default: object
) -> T:
    value = item.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise ContractError(f"{path}.{key}", "is required")
        return default  # type: ignore[return-value]  # each default is of the field's type
    return check(f"{path}.{key}", value)


def _place(item: dict[str, Any], path: str) -> rules.Place:
    return rules.Place(
        id=_field(item, path, "id", _id, _MISSING),
        capacity=_field(item, path, "capacity", lambda p, v: _int(p, v, low=0), _MISSING),
        accepts=_field(item, path, "accepts", _accepts, _MISSING),
        security_level=_field(item, path, "security_level", _level, _MISSING),
        languages=_field(item, path, "languages", _languages, frozenset()),
        lat=_field(item, path, "lat", _latitude, None),
        lon=_field(item, path, "lon", _longitude, None),
        wheelchair_access=_field(item, path, "wheelchair_access", _bool, False),
        disability_access=_field(item, path, "disability_access", _bool, False),
        hosts_adults=_field(item, path, "hosts_adults", _bool, False),
        hosts_unaccompanied_children=_field(
            item, path, "hosts_unaccompanied_children", _bool, False
        ),
    )


def _person(item: dict[str, Any], path: str) -> rules.Person:
    return rules.Person(
        id=_field(item, path, "id", _id, _MISSING),
        family=_field(item, path, "family", _family, None),
        sex=_field(item, path, "sex", _choice(rules.SEXES), "unknown"),
        gender_identity=_field(
            item, path, "gender_identity", _choice(rules.GENDER_IDENTITIES), "not_stated"
        ),
        age=_field(item, path, "age", _age, None),
        presumed_child=_field(item, path, "presumed_child", _bool, False),
        risk_level=_field(item, path, "risk_level", _level, _MISSING),
        languages=_field(item, path, "languages", _languages, frozenset()),
        danger_lat=_field(item, path, "danger_lat", _latitude, None),
        danger_lon=_field(item, path, "danger_lon", _longitude, None),
        services_lat=_field(item, path, "services_lat", _latitude, None),
        services_lon=_field(item, path, "services_lon", _longitude, None),
        needs_wheelchair_access=_field(item, path, "needs_wheelchair_access", _bool, False),
        needs_disability_access=_field(item, path, "needs_disability_access", _bool, False),
    )


def _items(data: dict[str, Any], key: str, read: Callable[[dict[str, Any], str], T]) -> list[T]:
    items = data.get(key, _MISSING)
    if items is _MISSING:
        raise ContractError(key, "is required")
    if not isinstance(items, list):
        raise ContractError(key, "must be a list")
    out: list[T] = []
    first: dict[str, int] = {}
    for n, item in enumerate(items):
        path = f"{key}[{n}]"
        if not isinstance(item, dict):
            raise ContractError(path, "must be an object")
        read_item = read(item, path)
        out.append(read_item)
        item_id: str = item["id"]
        if item_id in first:
            raise ContractError(f"{path}.id", f"repeats the id of {key}[{first[item_id]}]")
        first[item_id] = n
    return out


def parse(data: object) -> tuple[list[rules.Place], list[rules.Person]]:
    """The places and people of the input, checked field by field (the first error
    found is raised, naming its path)."""
    if not isinstance(data, dict):
        raise ContractError("$", "must be an object with places and people")
    return _items(data, "places", _place), _items(data, "people", _person)


def render(solution: Solution, people: list[rules.Person]) -> dict[str, Any]:
    """The output JSON: assignments and unplaced people in the input's order."""
    return {
        "assignments": [
            {"person": p.id, "place": solution.assignments[p.id]}
            for p in people
            if p.id in solution.assignments
        ],
        "unplaced": [
            {"person": p.id, "reason": solution.unplaced[p.id]}
            for p in people
            if p.id in solution.unplaced
        ],
        "placed": solution.placed,
        "soft_cost": solution.soft_cost,
        "optimal": solution.optimal,
        "seconds": round(solution.seconds, 3),
    }
