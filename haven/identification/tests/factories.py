"""Identification test helpers: indicator sets loaded and screenings recorded the real
way (through the services), and a small national indicator file to vary."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import yaml

from haven.accounts.models import User
from haven.cases.models import Case
from haven.identification.models import IndicatorSet, ObservationSource, Screening
from haven.identification.services import indicator_sets as indicator_set_services
from haven.identification.services import screening as screening_services

# adults_labour: DR, EX and CD positive (R-07 met).
ADULT_CONSISTENT = ("DR-01", "DR-02", "EX-01", "EX-02", "CD-01", "CD-02")
# children_labour: a recruitment indicator (the act, R-08) and EX positive.
CHILD_CONSISTENT = ("DR-01", "EX-01", "EX-02")
# Any set: one strong indicator alone (R-06), so nothing is positive.
INSUFFICIENT = ("DR-01",)


def load_shipped_sets() -> dict[str, IndicatorSet]:
    """The four shipped ILO/EC 2009 sets, keyed by set key (adults_labour, children_labour, ...)."""
    loaded = indicator_set_services.indicator_sets_load_shipped(actor=None)
    return {result.row.key: result.row for result in loaded}


def screen(
    *,
    actor: User,
    case: Case,
    set_key: str = "adults_labour",
    codes: Iterable[str] = ADULT_CONSISTENT,
    source: str = ObservationSource.OWN_ACCOUNT,
    note: str = "",
    act_established: bool | None = None,
) -> Screening:
    """A screening recorded through the service (the sets must be loaded first)."""
    return screening_services.screening_record(
        actor=actor,
        case_id=case.id,
        set_key=set_key,
        observations=[(code, source, note) for code in codes],
        act_established=act_established,
    )


NATIONAL_FILE: dict[str, Any] = {
    "schema_version": 1,
    "source": {"title": "National indicators", "publisher": "Coordinator", "year": 2025},
    "elements": [
        {"code": "DR", "name": "Deceptive recruitment", "group": "recruitment"},
        {"code": "EX", "name": "Exploitative conditions", "group": "exploitation"},
        {"code": "CD", "name": "Coercion at destination", "group": "destination"},
    ],
    "rules": {
        "element_positive": {"any_of": [{"strong": 2}, {"strong": 1, "medium_or_weak": 1}]},
        "victim_adults": {
            "all_of": [{"any_positive": ["DR"]}, {"positive": "EX"}, {"positive": "CD"}]
        },
        "victim_children": {
            "policies": {
                "legal_baseline": {"all_of": [{"act_established": True}, {"positive": "EX"}]}
            }
        },
    },
    "sets": {
        "adults_criminality": {
            "title": "Adults, forced criminality",
            "confirmed": True,
            "indicators": {
                "DR": [
                    {"id": "DR-01", "label": "Deceived about the job", "strength": "S"},
                    {"id": "DR-02", "label": "Deceived about wages", "strength": "M"},
                    {"id": "DR-03", "label": "Deceived about travel", "strength": "W"},
                ],
                "EX": [{"id": "EX-01", "label": "Forced to steal", "strength": "S"}],
            },
        },
    },
}


EMPTY_SET = "adults_unfilled"


def load_empty_set() -> IndicatorSet:
    """A set with no indicators yet (a national file's set still to be filled in)."""
    data = national_file()
    data["sets"] = {
        EMPTY_SET: {"title": "Adults, still to be filled in", "confirmed": False, "indicators": {}}
    }
    loaded = indicator_set_services.indicator_sets_load(
        actor=None, text=text_of(data), file_name="unfilled.yaml"
    )
    return loaded[0].row


def national_file() -> dict[str, Any]:
    """A fresh copy of a small valid national file, to change in a test."""
    return copy.deepcopy(NATIONAL_FILE)


def text_of(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
