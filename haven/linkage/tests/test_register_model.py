"""The model re-estimated on a register (``haven.linkage.model``): u from random pairs
without the duplicates among them, and a prior that gives way to what the register
shows."""

from __future__ import annotations

from collections import Counter

import pytest

from haven.linkage import matching, model

_MISSING = matching.AGREE_LEVELS.index("missing")
_NAME_EXACT = matching.NAME_LEVELS.index("exact")
_NAME_DIFFERENT = matching.NAME_LEVELS.index("different")
_DATE_EXACT = matching.DATE_LEVELS.index("exact")
_DATE_DIFFERENT = matching.DATE_LEVELS.index("different")
_DATE = model.FIELDS.index("date")
_RECORDS = 10_000
_ALL_PAIRS = _RECORDS * (_RECORDS - 1) // 2


def _pair(given: int, family: int, date: int) -> matching.Comparison:
    """A pattern of names and date only (sex, nationality, patronymic missing)."""
    return matching.Comparison(given, family, date, _MISSING, _MISSING, _MISSING, 0)


SAME = _pair(_NAME_EXACT, _NAME_EXACT, _DATE_EXACT)
STRANGERS = _pair(_NAME_DIFFERENT, _NAME_DIFFERENT, _DATE_DIFFERENT)
SAME_BIRTHDAY = _pair(_NAME_DIFFERENT, _NAME_DIFFERENT, _DATE_EXACT)
DATE_REPLACED = _pair(_NAME_EXACT, _NAME_EXACT, _DATE_DIFFERENT)


def test_u_does_not_count_the_duplicates_among_random_pairs_as_chance_agreement() -> None:
    # given: a register where every person has a duplicate, so that 200,000 random pairs
    # hold 20 duplicates (all agreeing) besides 20 strangers sharing a birthday
    sample = Counter({STRANGERS: 199_960, SAME: 20, SAME_BIRTHDAY: 20})
    patterns = Counter({SAME: 5_000, SAME_BIRTHDAY: 200, STRANGERS: 20_000})
    plain = model.u_of(sample)[_DATE][_DATE_EXACT]
    # when
    fitted = model.estimate(patterns, sample, all_pairs=_ALL_PAIRS)
    # then: u of an agreeing date is the strangers' share, about half the plain share
    assert plain == pytest.approx(40.5 / 200_004, rel=0.01)
    assert fitted.u[_DATE][_DATE_EXACT] == pytest.approx(20.5 / 199_984, rel=0.05)
    # and a stranger sharing a birthday alone is still not taken for the same person
    assert fitted.probability(SAME_BIRTHDAY) < 0.05


def test_u_is_the_plain_share_where_random_pairs_hold_no_duplicates() -> None:
    sample = Counter({STRANGERS: 199_980, SAME_BIRTHDAY: 20})
    patterns = Counter({SAME: 5_000, SAME_BIRTHDAY: 200, STRANGERS: 20_000})
    fitted = model.estimate(patterns, sample, all_pairs=_ALL_PAIRS)
    assert fitted.u[_DATE][_DATE_EXACT] == pytest.approx(model.u_of(sample)[_DATE][_DATE_EXACT])


def test_the_register_s_own_share_of_replaced_dates_outweighs_the_fitted_prior() -> None:
    # given: 1,000 duplicate pairs agreeing on both names, 4 % of them with the date of
    # birth replaced (the fitted prior, from a register that never replaces one, says 0.9 %)
    prior = model.prior_m()[_DATE][_DATE_DIFFERENT]
    sample = Counter({STRANGERS: 199_990, SAME_BIRTHDAY: 10})
    patterns = Counter({SAME: 960, DATE_REPLACED: 40, STRANGERS: 20_000})
    # when
    fitted = model.estimate(patterns, sample, all_pairs=_ALL_PAIRS)
    # then: the estimate is close to the register's 4 %, not pulled towards the prior
    assert prior < 0.01
    assert fitted.m[_DATE][_DATE_DIFFERENT] > 0.035
    assert fitted.probability(DATE_REPLACED) > 0.9
