"""Response-time targets per referral type are data, checked when loaded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from haven.referrals import targets

GOOD = """
schema_version: 1
types:
  shelter_bed: {label: "Shelter bed", target_hours: 24, urgent_target_hours: 2}
  legal: {label: "Legal", target_hours: 72}
"""


def test_it_reads_targets_and_the_urgent_one_when_given() -> None:
    # when
    types = targets.parse_targets(GOOD)

    # then
    assert types["shelter_bed"].target(urgent=False) == timedelta(hours=24)
    assert types["shelter_bed"].target(urgent=True) == timedelta(hours=2)
    assert types["legal"].target(urgent=True) == timedelta(hours=72)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("schema_version: 2\ntypes: {a: {label: A, target_hours: 1}}", "file"),
        ("schema_version: 1\ntypes: {}", "types"),
        ("schema_version: 1\ntypes: {a: {label: A, target_hours: 0}}", "types.a.target_hours"),
        ("schema_version: 1\ntypes: {a: {label: A, target_hours: 1, x: 1}}", "unknown key"),
        (
            "schema_version: 1\ntypes: {a: {label: A, target_hours: 1, urgent_target_hours: 2}}",
            "types.a.urgent_target_hours",
        ),
        ("schema_version: 1\ntypes: {a: {target_hours: 1}}", "types.a.label"),
        ("{{{", "not valid YAML"),
    ],
)
def test_it_refuses_a_bad_file_naming_the_place(text: str, where: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        targets.parse_targets(text)
    assert where in str(refused.value)


def test_the_shipped_file_loads_and_another_file_can_be_configured(tmp_path: Path) -> None:
    # given
    other = tmp_path / "targets.yaml"
    other.write_text(GOOD, encoding="utf-8")

    # when
    shipped = targets.referral_types()
    with override_settings(HAVEN_REFERRAL_TARGETS_FILE=str(other)):
        configured = targets.referral_types()

    # then
    assert "accommodation" in shipped
    assert set(configured) == {"shelter_bed", "legal"}
