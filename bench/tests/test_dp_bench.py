"""The protected-statistics bench: its register and its figures, on a small run."""

from __future__ import annotations

import pytest

from bench import dp


def test_the_register_counts_each_victim_once_over_the_public_domain() -> None:
    table = dp.register(victims=500, seed=3)

    assert sum(table.counts.values()) == 500
    assert len(table.counts) == len(dp.YEARS) * len(dp.FORMS)
    assert table.sensitivity == 1


def test_the_least_squares_parts_are_non_negative_integers_summing_to_the_total() -> None:
    parts = dp._integer_parts([5.6, -2.0, 0.7, 10.2], 15)

    assert sum(parts) == 15
    assert min(parts) >= 0


def test_it_prints_one_figure_per_epsilon_and_design_and_haven_beats_naive_at_small_epsilon() -> (
    None
):
    # when
    rows = dp.figures(victims=600, repeats=1, seed=2)

    # then: naive, the hierarchical split, Haven and the bound no release can beat
    assert len(rows) == len(dp.EPSILONS) * 4
    by = {(row["design"], row["epsilon"]): row for row in rows}
    naive, haven = by[("naive", 0.1)], by[("haven", 0.1)]
    assert isinstance(naive["mae_per_cell"], float)
    assert isinstance(haven["mae_per_cell"], float)
    # at ε = 0.1 the naive error is about 10 a cell, Haven's about half of it
    assert haven["mae_per_cell"] < naive["mae_per_cell"]
    assert by[("hierarchical_split", 1.0)]["cells"] == len(dp.YEARS) * len(dp.FORMS)
    assert {row["design"] for row in rows} == {
        "naive",
        "hierarchical_split",
        "haven",
        "bound_known_means",
    }


def test_a_register_whose_2024_forms_begin_in_2024_also_shows_haven_with_those_zeros() -> None:
    # when
    rows = dp.figures(victims=600, repeats=1, seed=2, shape="directive2024")

    # then
    assert len(rows) == len(dp.EPSILONS) * 5
    assert "haven_structural_zeros" in {row["design"] for row in rows}


@pytest.mark.parametrize("argv", [["--victims", "200", "--repeats", "1"]])
def test_it_runs_from_the_command_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    dp.main(argv)

    assert capsys.readouterr().out.count("\n") == len(dp.EPSILONS) * 4
