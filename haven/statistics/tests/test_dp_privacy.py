"""The protected counts (R-46): OpenDP's noise is really added, and the published
figures are non-negative integers whose parts sum to their totals, whatever the noise.
No test assumes a repeatable draw: OpenDP's noise cannot be seeded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.statistics import privacy

YEARS = ("2023", "2024", "2025")
FORMS = ("sexual_exploitation", "forced_labour", "organ_removal", "unknown")


def table(counts: list[int], *, sensitivity: int = 1) -> privacy.TrueTable:
    keys = [(year, form) for year in YEARS for form in FORMS]
    return privacy.TrueTable(
        dimensions=("year", "exploitation"),
        counts=dict(zip(keys, counts, strict=True)),
        sensitivity=sensitivity,
    )


def test_r46_opendp_adds_noise_to_the_counts() -> None:
    # given: fifty cells of 100; at ε = 0.1 a draw of 0 has probability about 0.05
    true = [100] * 50

    # when
    noisy, scale = privacy.measure(true, sensitivity=1, epsilon=0.1)

    # then: the identity would give the counts back (probability 0.05**50 otherwise)
    assert noisy != true
    assert scale == pytest.approx(10, rel=0.01)


def test_r46_the_noise_scale_grows_with_the_sensitivity_and_falls_with_epsilon() -> None:
    one = privacy.noise_scale(sensitivity=1, epsilon=1.0)
    three = privacy.noise_scale(sensitivity=3, epsilon=1.0)
    half = privacy.noise_scale(sensitivity=1, epsilon=0.5)

    assert one == pytest.approx(1, rel=0.01)
    assert three == pytest.approx(3, rel=0.01)
    assert half == pytest.approx(2, rel=0.01)


def test_r46_a_protected_table_is_not_the_true_table() -> None:
    # given: twelve cells released at ε = 0.05 many times
    truth = table([200, 150, 3, 10] * 3)

    # when
    published = [privacy.protect(truth, epsilon=0.05).cells for _ in range(3)]

    # then: some figure differs from the truth (identity would give it back each time)
    assert any(cells != dict(truth.counts) for cells in published)


def test_r46_a_protected_table_publishes_its_totals_as_the_sums_of_its_cells() -> None:
    truth = table([40, 30, 0, 2] * 3)

    published = privacy.protect(truth, epsilon=0.5)

    assert set(published.cells) == set(truth.counts)
    assert published.totals == {
        year: sum(published.cells[(year, form)] for form in FORMS) for year in YEARS
    }
    assert published.grand_total == sum(published.totals.values())
    assert published.method == privacy.METHOD
    assert published.epsilon == 0.5


def test_the_naive_release_is_opendps_output_as_it_comes() -> None:
    truth = table([40, 30, 0, 2] * 3)

    published = privacy.protect_naive(truth, epsilon=0.5)

    assert published.method == privacy.NAIVE_METHOD
    assert set(published.cells) == set(truth.counts)


noisy_tables = st.lists(
    st.integers(min_value=-60, max_value=400), min_size=len(YEARS) * len(FORMS)
).map(lambda values: values[: len(YEARS) * len(FORMS)])


# No deadline: how long a draw takes depends on the machine's load, not on the rule.
@settings(deadline=None)
@given(values=noisy_tables, scale=st.floats(min_value=0.5, max_value=12))
def test_r46_post_processing_gives_non_negative_integers_whose_parts_sum_to_totals(
    values: list[int], scale: float
) -> None:
    # given: any noisy table, negative figures included
    keys: list[privacy.Key] = [(year, form) for year in YEARS for form in FORMS]
    noisy = dict(zip(keys, values, strict=True))

    # when
    cells = privacy.postprocess(noisy, scale=scale)
    published = privacy.consistent(
        ("year", "exploitation"), cells, epsilon=1.0, scale=scale, method=privacy.METHOD
    )

    # then
    assert set(cells) == set(noisy)
    assert all(type(value) is int for value in cells.values())
    assert min(cells.values()) >= 0
    for year in YEARS:
        assert published.totals[year] == sum(cells[(year, form)] for form in FORMS)
    assert published.grand_total == sum(published.totals.values())


@given(noisy=st.integers(min_value=-200, max_value=-1), scale=st.floats(0.5, 10))
def test_a_negative_noisy_figure_is_never_published_below_zero(noisy: int, scale: float) -> None:
    assert privacy.posterior_median(noisy, prior_mean=0.0, scale=scale) == 0


def test_a_large_count_under_little_noise_stays_where_it_was_measured() -> None:
    assert privacy.posterior_median(500, prior_mean=480.0, scale=0.5) == 500


def test_a_one_dimension_table_is_post_processed_too() -> None:
    cells = privacy.postprocess({("2024",): 12, ("2025",): -3}, scale=1.0)

    assert cells[("2025",)] == 0
    assert cells[("2024",)] >= 0


def test_an_all_zero_noisy_table_spreads_its_prior_evenly() -> None:
    cells = privacy.postprocess({("2024", "a"): 0, ("2024", "b"): 0}, scale=2.0)

    assert cells == {("2024", "a"): 0, ("2024", "b"): 0}


def test_a_poisson_prior_holds_a_cell_nearer_its_mean_than_the_default_one() -> None:
    # the bench's bound uses a very dispersed (Poisson) prior; releases keep the default
    default = privacy.posterior_median(80, prior_mean=50.0, scale=10.0)
    poisson = privacy.posterior_median(80, prior_mean=50.0, scale=10.0, dispersion=1e6)

    assert 50 <= poisson < default < 80


# --- structural zeros -----------------------------------------------------------------

NEW_FORM = "organ_removal"
ZEROS: frozenset[privacy.Key] = frozenset({("2023", NEW_FORM), ("2024", NEW_FORM)})


def zero_table(counts: list[int]) -> privacy.TrueTable:
    keys = [(year, form) for year in YEARS for form in FORMS]
    return privacy.TrueTable(
        dimensions=("year", "exploitation"),
        counts=dict(zip(keys, counts, strict=True)),
        sensitivity=1,
        structural_zeros=ZEROS,
    )


def test_r46_a_structural_zero_is_published_as_zero_and_never_measured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: organ removal counted only from 2025 (a public rule of the table)
    truth = zero_table([40, 30, 0, 2, 50, 35, 0, 3, 60, 33, 4, 1])
    measured: list[int] = []
    real_measure = privacy.measure

    def spy(counts: list[int], *, sensitivity: int, epsilon: float) -> tuple[list[int], float]:
        measured.append(len(counts))
        return real_measure(counts, sensitivity=sensitivity, epsilon=epsilon)

    monkeypatch.setattr(privacy, "measure", spy)

    # when
    published = privacy.protect(truth, epsilon=0.5)

    # then: one measurement at the release's ε, of the ten cells that are not known
    assert measured == [len(YEARS) * len(FORMS) - len(ZEROS)]
    assert all(published.cells[key] == 0 for key in ZEROS)
    assert set(published.cells) == set(truth.counts)
    assert published.method == privacy.METHOD_STRUCTURAL_ZEROS
    assert published.epsilon == 0.5
    assert published.totals == {
        year: sum(published.cells[(year, form)] for form in FORMS) for year in YEARS
    }


def test_r46_a_table_without_structural_zeros_keeps_the_plain_method() -> None:
    assert privacy.protect(table([40, 30, 0, 2] * 3), epsilon=1.0).method == privacy.METHOD


def test_a_structural_zero_that_counts_someone_is_refused_without_its_figure() -> None:
    with pytest.raises(ValueError, match="structural zero") as refused:
        zero_table([40, 30, 7, 2, 50, 35, 0, 3, 60, 33, 4, 1])

    assert "7" not in str(refused.value)


def test_a_category_measured_in_some_years_only_has_its_share_pooled_over_those() -> None:
    # given: "b" is measured in 2025 only, half of that year, under heavy noise
    noisy: dict[privacy.Key, int] = {("2024", "a"): 100, ("2025", "a"): 50, ("2025", "b"): 50}

    # when
    cells = privacy.postprocess(noisy, scale=20.0)

    # then: its prior is half of 2025 (about 50), not a quarter of both years (25),
    # which would pull the figure down to about 27
    assert abs(cells[("2025", "b")] - 50) <= 2


@settings(deadline=None)
@given(values=noisy_tables, scale=st.floats(min_value=0.5, max_value=12))
def test_r46_with_structural_zeros_the_figures_are_non_negative_integers_that_add_up(
    values: list[int], scale: float
) -> None:
    # given: any noisy table of the measured cells
    keys: list[privacy.Key] = [(year, form) for year in YEARS for form in FORMS]
    noisy = {key: value for key, value in zip(keys, values, strict=True) if key not in ZEROS}

    # when
    cells = {**privacy.postprocess(noisy, scale=scale), **dict.fromkeys(ZEROS, 0)}
    published = privacy.consistent(
        ("year", "exploitation"), cells, epsilon=1.0, scale=scale, method=privacy.METHOD
    )

    # then
    assert set(cells) == set(keys)
    assert all(type(value) is int and value >= 0 for value in cells.values())
    for year in YEARS:
        assert published.totals[year] == sum(cells[(year, form)] for form in FORMS)
    assert published.grand_total == sum(published.totals.values())


# --- the privacy loss -----------------------------------------------------------------


@pytest.mark.parametrize("sensitivity", [1, 3])
@pytest.mark.parametrize("epsilon", [0.25, 0.5, 1.0, 2.0])
def test_r46_a_measurement_never_loses_more_privacy_than_its_epsilon(
    epsilon: float, sensitivity: int
) -> None:
    # when: the scale Haven asks OpenDP for
    scale = privacy.noise_scale(sensitivity=sensitivity, epsilon=epsilon)

    # then: OpenDP's own accounting of that measurement is within ε, and not far under
    measurement = privacy._measurement(scale)
    loss = float(measurement.map(sensitivity))  # type: ignore[no-untyped-call]  # OpenDP's map
    assert loss <= epsilon
    assert loss == pytest.approx(epsilon, rel=0.01)
