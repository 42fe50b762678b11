"""The k-anonymous victim-level release (issue 15, R-45, R-46): pure, no database."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.statistics import kanon
from haven.statistics.htcds import Victim
from haven.statistics.tests.test_exchange_htcds import victims


def _victim(**overrides: object) -> Victim:
    values: dict[str, object] = {
        "sex": "female",
        "citizenships": ("UA",),
        "identification_status": "identified",
        "forms_of_exploitation": ("sexual_exploitation",),
        "organisation_type": "ngo",
        "country": "EE",
        "year": 2024,
        "age_group": "18-24",
    }
    return Victim(**{**values, **overrides})  # type: ignore[arg-type]


def generated_register(size: int, seed: int = 1) -> list[Victim]:
    """A register shaped like a small state's: a few big citizenships, a long tail."""
    rng = random.Random(seed)
    citizenships = ["UA", "EE", "LV", "RU", "VN", "NG", "PL", "BY", "MD", "RO", "IN", "PH", "BR"]
    weights = [30, 20, 10, 8, 6, 5, 5, 4, 3, 3, 2, 2, 2]
    forms = ["sexual_exploitation", "forced_labour", "forced_begging", "criminal_activities"]
    forms += ["forced_marriage", "servitude", "other"]
    return [
        _victim(
            sex=rng.choices(["female", "male", "intersex", "unknown"], [55, 40, 1, 4])[0],
            citizenships=tuple(rng.choices(citizenships, weights)[:1]),
            forms_of_exploitation=tuple(set(rng.choices(forms, [40, 35, 8, 6, 4, 4, 3], k=2)))
            if rng.random() < 0.2
            else tuple(rng.choices(forms, [40, 35, 8, 6, 4, 4, 3])),
            year=rng.randint(2016, 2025),
            age_group=rng.choice(["0-11", "12-17", "18-24", "25-34", "35-49", "50+", "unknown"]),
        )
        for _ in range(size)
    ]


@settings(max_examples=40, deadline=None)
@given(register=st.lists(victims, max_size=60), k=st.integers(min_value=2, max_value=11))
def test_r46_every_released_equivalence_class_has_at_least_k_records(
    register: list[Victim], k: int
) -> None:
    result = kanon.release(register, k=k)

    classes = Counter(result.rows)
    assert all(size >= k for size in classes.values())
    assert len(result.rows) + result.suppressed == len(register)


def test_r46_generalising_suppresses_far_fewer_than_plain_suppression() -> None:
    register = generated_register(2_000)

    plain = kanon.release(register, k=11, node=(0, 0, 0, 0, 0))
    best = kanon.release(register, k=11)

    assert plain.suppression_rate > 0.5
    assert best.suppression_rate <= kanon.DEFAULT_MAX_SUPPRESSION
    assert best.node != (0, 0, 0, 0, 0)


def test_the_search_prefers_the_least_generalisation_when_nothing_is_suppressed() -> None:
    register = [_victim() for _ in range(11)]

    result = kanon.release(register, k=11)

    assert result.node == (0, 0, 0, 0, 0)
    assert result.suppressed == 0
    assert result.rows[0] == ("Female", "18-24", "UA", "sexual_exploitation", "2024")
    assert result.generalised == dict.fromkeys(kanon.COLUMNS, 0)


def test_the_search_takes_the_fewest_suppressed_when_no_node_is_within_the_limit() -> None:
    register = [_victim() for _ in range(5)]

    result = kanon.release(register, k=11)

    assert result.suppressed == 5
    assert result.rows == []
    assert result.suppression_rate == 1.0
    assert kanon.release([], k=11).suppression_rate == 0.0


def test_each_hierarchy_climbs_to_any() -> None:
    # given: two victims who differ in every column
    first = _victim(
        sex="intersex",
        citizenships=(),
        forms_of_exploitation=(),
        age_group="unknown",
        year=2023,
    )
    second = _victim(
        sex="male",
        citizenships=("EE",),
        forms_of_exploitation=("forced_labour", "organ_removal"),
        age_group="12-17",
        year=2020,
    )

    # when
    top = kanon.release([first, second], k=2, node=(1, 3, 3, 2, 3))
    middle = kanon.release([first, second], k=1, node=(0, 2, 2, 1, 2))

    # then
    assert top.rows == [("*", "*", "*", "*", "*")] * 2
    assert top.generalised == dict.fromkeys(kanon.COLUMNS, 2)
    assert middle.rows == [
        ("Male", "Minor", "Europe", "labour;other", "2020-2023"),
        ("Other", "unknown", "unknown", "unknown", "2020-2023"),
    ]
    assert top.levels["citizenship"] == "any"


def test_the_release_file_and_report_say_what_was_generalised_and_suppressed() -> None:
    register = [_victim() for _ in range(11)] + [_victim(citizenships=("LV",))]

    result = kanon.release(register, k=11, node=(0, 0, 0, 0, 0))
    report = kanon.release_report(result)
    rows = list(csv.reader(io.StringIO(kanon.release_csv(result).decode())))

    assert rows[0] == list(kanon.COLUMNS)
    assert len(rows) == 12
    assert report["suppressed"] == 1
    assert report["released"] == 11
    assert report["suppression_rate"] == round(1 / 12, 4)
    assert report["not_held"] == list(kanon.NOT_HELD)
    assert "CountryOfExploitation" in kanon.NOT_HELD
    assert kanon.broad_forms([]) == "unknown"


@settings(max_examples=20, deadline=None)
@given(register=st.lists(victims, max_size=40), k=st.integers(min_value=1, max_value=5))
def test_the_incremental_search_agrees_with_evaluating_each_node_afresh(
    register: list[Victim], k: int
) -> None:
    groups = kanon._chains(register)

    fast = kanon.outcomes(groups, k)

    assert fast == [kanon.evaluate(groups, node, k) for node in kanon.lattice()]


def test_the_year_periods_nest() -> None:
    for year in range(2000, 2040):
        chain = kanon._year(_victim(year=year))
        start = int(chain[1][:4])
        assert kanon._year(_victim(year=start + 1))[2] == chain[2]
