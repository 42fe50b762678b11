"""`make bench` (statistics): the suppression rate of the k-anonymous release, on a
small register."""

from __future__ import annotations

from bench import kanon


def test_it_reports_plain_suppression_and_generalisation_side_by_side() -> None:
    victims = kanon.register(1_500, seed=2)

    plain = kanon.figure("kanon_plain", victims, k=11, plain=True)
    best = kanon.figure("kanon_generalised", victims, k=11, plain=False)

    assert (plain["bench"], plain["victims"], plain["k"]) == ("kanon_plain", 1_500, 11)
    assert best["suppression_rate"] < plain["suppression_rate"]
    assert best["suppression_rate"] <= 0.05
    assert {"levels", "generalised", "seconds", "suppressed"} <= set(best)


def test_it_reports_the_htcds_export_over_its_quasi_identifiers() -> None:
    victims = kanon.register(500, seed=2)

    htcds = kanon.htcds_figure(victims, k=11)

    assert (htcds["bench"], htcds["victims"], htcds["k"]) == ("kanon_htcds", 500, 11)
    assert htcds["suppression_rate"] <= 0.05
    assert {"levels", "emptied", "seconds", "suppressed"} <= set(htcds)
