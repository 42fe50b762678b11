"""The evidence a register gives beyond one pair: how rare an agreeing full name is there
(term frequencies), the date of birth one typing error apart, and the threshold the
model chooses from its own probabilities."""

from __future__ import annotations

from collections import Counter

import pytest

from haven.linkage import dedupe, matching, model


def _n(given: str, family: str, dob: str = "", sex: str = "") -> matching.Normalised:
    return matching.normalise(matching.Record(given, family, sex, dob, ""))


def _register(common: int) -> list[matching.Normalised]:
    """``common`` records of Anna Ivanova (all born on other days), two of Zinaida
    Kovalchuk, and a few other names."""
    records = [_n("Anna", "Ivanova", f"{1950 + 2 * k}-03-{10 + k % 18}") for k in range(common)]
    records += [_n("Zinaida", "Kovalchuk", "1961-07-12"), _n("Зинаида", "Ковальчук", "1978-02-03")]
    records += [_n("Olga", family, "1970-01-02") for family in ("Petrova", "Orlova", "Titova")]
    return records


# --- the rarity of an agreeing full name --------------------------------------------------
@pytest.mark.parametrize(
    ("expected", "level"),
    [(0.0002, "e<0.001"), (0.001, "e<0.003"), (0.005, "e<0.01"), (0.02, "e<0.03"),
     (0.05, "e<0.1"), (0.2, "e<0.3"), (0.5, "e<1"), (1.0, "e>=1"), (40.0, "e>=1")],
)  # fmt: skip
def test_rarity_levels_are_the_records_expected_to_carry_the_name_by_chance(
    expected: float, level: str
) -> None:
    assert matching.RARITY_LEVELS[matching.rarity_level(expected)] == level


def test_names_are_counted_across_gendered_forms_and_scripts() -> None:
    # given: three records of Yuliya Ivanova (Cyrillic, masculine form, Latvian spelling)
    # and one of Olga X: Yuliya is carried by 3 of 4 records, Ivanova by 3
    frequencies = matching.NameFrequencies(
        [_n("Юлия", "Иванова"), _n("Yuliya", "Ivanov"), _n("Julija", "Ivanova"), _n("Olga", "X")]
    )
    assert frequencies.expected(_n("Yulia", "Iwanowa")) == pytest.approx(3 * 3 / 4)
    assert frequencies.expected(_n("Olga", "Ivanova")) == pytest.approx(1 * 3 / 4)
    assert frequencies.expected(_n("Anna", "Y")) == 0.0


def test_an_agreeing_name_of_rare_parts_is_rarer_than_one_of_common_parts() -> None:
    records = _register(common=30)
    frequencies = matching.NameFrequencies(records)
    rare = matching.comparison(records[30], records[31], frequencies)
    common = matching.comparison(records[0], records[1], frequencies)
    # 35 records: Zinaida 2, Kovalchuk 2, E = 4/35; Anna 30, Ivanova 30, E = 900/35
    assert matching.RARITY_LEVELS[rare.rarity] == "e<0.3"
    assert matching.RARITY_LEVELS[common.rarity] == "e>=1"


def test_a_rare_full_name_agreeing_with_another_date_weighs_more_than_a_common_one() -> None:
    # given: the same two-name agreement and a different date of birth, once for a name
    # expected 0.11 times by chance in the register and once for one expected 26 times
    records = _register(common=30)
    frequencies = matching.NameFrequencies(records)
    rare = matching.comparison(records[30], records[31], frequencies)
    common = matching.comparison(records[0], records[1], frequencies)
    assert rare._replace(rarity=0) == common._replace(rarity=0)  # only the rarity differs
    # then: the rare name is stronger evidence than the common one
    weights = matching._weights()
    assert weights.score(rare) > weights.score(common)
    assert weights.score(common) < weights.score(common._replace(rarity=0))
    assert matching.match_probability_of(rare) > matching.match_probability_of(common)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Anna", "Ivanova"), ("Olga", "Ivanova")),  # the given names differ
        (("Aleksandr", "Ivanov"), ("Sasha", "Ivanov")),  # a diminutive: a variant, not equal
        (("Anna", "Ivanova"), ("Ivanova", "Anna")),  # swapped
    ],
)
def test_rarity_is_none_unless_both_names_agree_in_their_places(
    one: tuple[str, str], other: tuple[str, str]
) -> None:
    a, b = _n(*one), _n(*other)
    frequencies = matching.NameFrequencies([a, b])
    assert matching.comparison(a, b, frequencies).rarity == 0


def test_without_a_register_the_rarity_is_none_and_weighs_nothing() -> None:
    a, b = _n("Zinaida", "Kovalchuk", "1961-07-12"), _n("Zinaida", "Kovalchuk", "1978-02-03")
    c = matching.comparison(a, b)
    assert c.rarity == 0
    assert matching._weights().rarity[0] == 0.0
    assert matching.comparison(a, b, matching.NameFrequencies([a, b])).rarity != 0


def test_rarity_u_is_the_share_of_chance_namesakes_at_each_level() -> None:
    # given: 4 records, given names Anna Anna Boris Clara and family names Xu Xu Yan Zhu;
    # two different persons share the full name g f by chance with probability
    # (f(g) f(f))^2, proportional to E^2 where E = 4 f(g) f(f): Anna Xu E = 1 (weight 1),
    # Anna Yan, Anna Zhu, Boris Xu, Clara Xu E = 1/2 (4 * 1/4), the four others E = 1/4
    records = [_n("Anna", "Xu"), _n("Anna", "Xu"), _n("Boris", "Yan"), _n("Clara", "Zhu")]
    u = matching.rarity_u(matching.NameFrequencies(records))
    weights = {"e>=1": 1.0, "e<1": 4 * 0.5**2, "e<0.3": 4 * 0.25**2}
    total = sum(weights.values())
    assert u[0] == 1.0
    for level, weight in weights.items():
        assert u[matching.RARITY_LEVELS.index(level)] == pytest.approx(weight / total)
    assert u[matching.RARITY_LEVELS.index("e<0.001")] == pytest.approx(1e-9)


def test_the_rarity_is_conditional_on_agreement_in_the_register_model() -> None:
    # "none" is m = u = 1 (the names' own levels carry the agreement); the other levels'
    # m are shares among the agreeing pairs only
    shares = model._normalised([1000.0, 3.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], model.RARITY)
    assert shares[0] == 1.0
    assert shares[1] == pytest.approx(0.75)
    assert shares[2] == pytest.approx(0.25)
    u = model.u_of(Counter(), matching.NameFrequencies(_register(common=30)))
    assert u[model.RARITY][0] == 1.0 and u[model.RARITY][-1] > 0.9
    no_names = model.u_of(Counter())
    assert no_names[model.RARITY][0] == 1.0
    assert sum(no_names[model.RARITY][1:]) == pytest.approx(1.0)


def test_the_register_model_scores_a_rare_agreeing_name_above_a_common_one() -> None:
    records = _register(common=30)
    frequencies = matching.NameFrequencies(records)
    rare = matching.comparison(records[30], records[31], frequencies)
    common = matching.comparison(records[0], records[1], frequencies)
    patterns = Counter({rare: 1, common: 435})
    sample = dedupe.random_pairs(records, frequencies)
    fitted = model.estimate(patterns, sample, all_pairs=35 * 34 // 2, frequencies=frequencies)
    assert fitted.probability(rare) > fitted.probability(common)


# --- the date of birth one typing error apart ------------------------------------------------
@pytest.mark.parametrize(
    ("one", "other", "level"),
    [
        ("1990-05-04", "1990-05-14", "one_digit"),  # a digit changed
        ("1990-05-04", "1909-05-04", "one_digit"),  # two neighbouring digits transposed
        ("1990-05-04", "1980-05-04", "one_digit"),  # a digit of the year
        ("1990-05-04", "1990-05-27", "one_part_differs"),  # the day, by more than a digit
        ("1990-05-04", "1991-05-04", "one_digit"),  # one digit before one part differs
        ("1990-05-04", "1991-05-27", "year_pm1"),
        ("1990-05-04", "1962-11-30", "different"),  # replaced outright
    ],
)
def test_a_date_one_typing_error_apart_has_its_own_level(one: str, other: str, level: str) -> None:
    c = matching.comparison(_n("A", "B", one), _n("A", "B", other))
    assert matching.DATE_LEVELS[c.date] == level


def test_a_date_one_digit_apart_weighs_more_than_one_part_differing() -> None:
    weights = matching._weights()
    digit, part = (matching.DATE_LEVELS.index(k) for k in ("one_digit", "one_part_differs"))
    assert weights.date[digit] > weights.date[part] > 0


# --- the threshold the model chooses ---------------------------------------------------------
def _pattern(date: int) -> matching.Comparison:
    return matching.Comparison(0, 0, date, 2, 2, 2, 0)


def test_the_calibrated_threshold_is_where_the_expected_f1_is_highest() -> None:
    # given: ten pairs at 0.9, ten at 0.4, a hundred at 0.1; 23 true pairs expected
    likely, maybe, unlikely = _pattern(0), _pattern(1), _pattern(2)
    patterns = Counter({likely: 10, maybe: 10, unlikely: 100})
    scores = {likely: 0.9, maybe: 0.4, unlikely: 0.1}
    # then: F1 0.545 at 0.9, 0.605 at 0.4, 0.322 at 0.1: the pairs at 0.4 are kept
    assert dedupe.calibrated_threshold(patterns, scores) == 0.4


def test_the_calibrated_threshold_is_never_above_one_half_nor_below_the_floor() -> None:
    sure, doubtful = _pattern(0), _pattern(1)
    assert dedupe.calibrated_threshold(Counter({sure: 5}), {sure: 0.99}) == 0.5
    assert dedupe.calibrated_threshold(Counter({doubtful: 5}), {doubtful: 0.01}) == 0.5
    below = Counter({sure: 1, doubtful: 1000})
    assert dedupe.calibrated_threshold(below, {sure: 0.9, doubtful: 0.04}) == 0.5


def test_score_pairs_without_a_threshold_keeps_what_the_model_chooses() -> None:
    # given: the register above and one person written twice, once in Cyrillic
    records = [*_register(common=30), _n("Boris", "Sokolov", "1966-06-16", "M")]
    records.append(_n("Борис", "Соколов", "1966-06-16", "M"))
    messages: list[str] = []
    found, compared = dedupe.score_pairs(records, threshold=None, progress=messages.append)
    everything, _ = dedupe.score_pairs(records, threshold=0.0)
    chosen = float(next(m for m in messages if m.startswith("threshold")).split()[1])
    # then: the pairs kept are those at or above the threshold the model chose
    assert compared == len(everything) and 0.05 <= chosen <= 0.5
    assert (len(records) - 2, len(records) - 1) in {(i, j) for i, j, _p in found}
    assert set(found) <= set(everything)
    assert all(p >= chosen - 5e-4 for _i, _j, p in found)
    assert all(p < chosen + 5e-4 for _i, _j, p in set(everything) - set(found))
