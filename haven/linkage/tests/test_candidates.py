"""The check at scale (issue 14): which persons a check decrypts. Candidates are
ranked by the weight of the keys they share (a full date of birth counts twice), a
key shared by more persons than the bound is skipped, and, with the setting on, the
scores take the register's size as their prior."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.linkage import matching, selectors, services
from haven.linkage.models import BlockingKey, Check
from haven.linkage.tests.factories import anna, anna_typed, someone_else

pytestmark = pytest.mark.django_db


def _persons(count: int) -> list[uuid.UUID]:
    """``count`` persons whose blocking keys are replaced by the test's own."""
    ngo = make_user()
    ids = [someone_else(ngo, number).person_id for number in range(count)]
    BlockingKey.objects.filter(person_id__in=ids).delete()
    return ids


def _give(person_id: uuid.UUID, *keys: str) -> None:
    BlockingKey.objects.bulk_create(BlockingKey(person_id=person_id, key=k) for k in keys)


def _found(typed: list[tuple[str, int]], **kwargs: Any) -> list[uuid.UUID]:
    return selectors.candidate_ids(typed, limit=20, **kwargs).person_ids


def test_candidates_are_ranked_by_the_weight_of_the_keys_they_share() -> None:
    # given: the person sharing the most comes last by id
    low, middle, high = sorted(_persons(3))
    _give(low, "a")
    _give(middle, "a", "b")
    _give(high, "a", "b", "c")

    # when
    found = _found([("a", 1), ("b", 1), ("c", 1)])

    # then: most shared first, whatever the ids; the limit keeps the first
    assert found == [high, middle, low]
    assert selectors.candidate_ids([("a", 1), ("b", 1), ("c", 1)], limit=1).person_ids == [high]


def test_a_single_strong_key_outranks_a_single_weak_one() -> None:
    # given: one person shares a name prefix pair only, the other the full date only;
    # the one sharing the weak key comes first by id
    weak, strong = sorted(_persons(2))
    _give(weak, "name-prefixes")
    _give(strong, "full-date")
    typed = [("name-prefixes", 1), ("full-date", selectors.STRONG_WEIGHT)]

    # then: the full date first; with room for one, only it is decrypted
    assert _found(typed) == [strong, weak]
    assert selectors.candidate_ids(typed, limit=1).person_ids == [strong]


def test_the_full_date_of_birth_is_the_strong_key() -> None:
    # given: the blocking keys and the full name's
    normalised = matching.normalise(selectors.record_of(anna_typed()))
    plain = matching.blocking_keys(normalised) | matching.full_name_keys(normalised)

    # when
    weights = [weight for _key, weight in selectors.keyed_weighted(normalised)]

    # then: the keys of the full date weigh two, the others one
    assert len(weights) == len(plain)
    assert weights.count(selectors.STRONG_WEIGHT) == sum(k.startswith("dob:") for k in plain) > 0
    assert weights.count(1) == len(plain) - weights.count(selectors.STRONG_WEIGHT)


@override_settings(HAVEN_LINKAGE_CHECK_MAX_BLOCK=2)
def test_a_key_shared_by_more_persons_than_the_bound_is_skipped() -> None:
    # given: a common key held by three persons, a rarer one by two
    first, second, third = _persons(3)
    _give(first, "common", "rare")
    _give(second, "common", "rare")
    _give(third, "common")
    typed = [("common", 2), ("rare", 2)]

    # then: the common key names no one; the rare one still finds its two
    assert sorted(_found(typed)) == sorted([first, second])
    with override_settings(HAVEN_LINKAGE_CHECK_MAX_BLOCK=3):
        assert sorted(_found(typed)) == sorted([first, second, third])


@override_settings(HAVEN_LINKAGE_CHECK_REGISTER_PRIOR=True)
def test_the_excluded_person_is_not_a_candidate_and_the_register_size_is_counted() -> None:
    # given
    first, second, _third = _persons(3)
    _give(first, "k")
    _give(second, "k")

    # when
    found = selectors.candidate_ids([("k", 2)], limit=20, exclude=first)

    # then: three persons in the register; none found reports no size
    assert (found.person_ids, found.register_size) == ([second], 3)
    assert selectors.candidate_ids([("nothing", 2)], limit=20) == selectors.Candidates([], 0)
    assert selectors.candidate_ids([], limit=20) == selectors.Candidates([], 0)


@override_settings(HAVEN_LINKAGE_CHECK_MAX_BLOCK=2)
def test_the_query_counts_each_typed_keys_block_up_to_one_past_the_bound() -> None:
    # given: a key held by two persons, one by three (past the bound), one by no one
    first, second, third = _persons(3)
    _give(first, "pair", "crowd")
    _give(second, "pair", "crowd")
    _give(third, "crowd")

    # when
    found = selectors.candidate_ids([("pair", 1), ("crowd", 1), ("nobody", 1)], limit=20)

    # then: the sizes the name's commonness is read from, in the same query
    assert found.blocks == {"pair": 2, "crowd": 3, "nobody": 0}
    assert found.register_size == 3


def test_on_postgresql_a_large_register_is_sized_by_the_planners_estimate() -> None:
    sql = selectors.candidates_sql("postgresql", keys=2, exclude=False)
    assert "reltuples" in sql and "COUNT(*) FROM cases_person" in sql
    assert "reltuples" not in selectors.candidates_sql("sqlite", keys=2, exclude=True)


@override_settings(HAVEN_LINKAGE_CHECK_REGISTER_PRIOR=True)
@pytest.mark.parametrize(
    ("size", "prior"), [(0, None), (13_208, None), (13_209, 13_209), (1_000_000, 1_000_000)]
)
def test_the_prior_is_the_registers_size_once_larger_than_the_fitted_one(
    size: int, prior: int | None
) -> None:
    assert matching.fitted_register_size() == 13_208
    assert selectors.prior_size(size) == prior


def test_by_default_the_prior_is_the_geometric_middle_of_the_fitted_and_the_registers() -> None:
    assert selectors.prior_size(1_000_000) == round((13_208 * 1_000_000) ** 0.5) == 114_926
    assert selectors.prior_size(13_208) is None
    with override_settings(HAVEN_LINKAGE_CHECK_PRIOR_PERCENT=0):
        assert selectors.prior_size(1_000_000) is None


@override_settings(HAVEN_LINKAGE_CHECK_REGISTER_PRIOR=True, HAVEN_LINKAGE_THRESHOLD_PERCENT=1)
def test_the_check_scores_with_the_registers_size_as_its_prior(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a model fitted on a register of one person; Anna and three others recorded
    ngo = make_user()
    case: Case = anna(ngo)
    for number in range(3):
        someone_else(ngo, number)
    fitted = matching._weights()
    monkeypatch.setattr(matching, "_weights", lambda: fitted._replace(records=1))
    typed = matching.normalise(selectors.record_of(anna_typed()))
    stored = matching.normalise(selectors.record_of(anna_typed()))

    # when
    answer = services.intake_check(actor=ngo, identity=anna_typed())

    # then: the probability of a pair drawn from four persons (Anna's name one of the four),
    # lower than the fitted prior's
    (match,) = answer.matches
    assert match.case_id == case.id
    assert match.probability == pytest.approx(
        fitted._replace(records=1).probability(matching.comparison(typed, stored), 4, 0.5 / 4)
    )
    assert match.probability < fitted.probability(matching.comparison(typed, stored))


def test_the_asker_who_may_not_see_the_case_is_still_told_only_known_to_the_system() -> None:
    # given: Anna under an NGO's case; its colleague may see it, the police may not
    ngo = make_user()
    case = anna(ngo)
    colleague = make_user(organisation=ngo.organisation)
    police = make_user(org_type=OrgType.POLICE)

    # when
    seen = services.intake_check(actor=colleague, identity=anna_typed())
    hidden = services.intake_check(actor=police, identity=anna_typed())

    # then: the same candidate decrypted for both; only the colleague learns the case
    assert [m.case_id for m in seen.matches] == [case.id] and seen.known_elsewhere is None
    assert hidden.matches == [] and hidden.known_elsewhere is not None
    assert [Check.objects.get(user=u).candidates for u in (colleague, police)] == [1, 1]


# --- how common the typed name is (term frequency) --------------------------------------


def _fitted_on_one(monkeypatch: pytest.MonkeyPatch) -> matching.Weights:
    """The fitted model, as if fitted on a register of one person: every test register is
    then larger than the fitted one, and the name's share in it is evidence."""
    fitted = matching._weights()._replace(records=1)
    monkeypatch.setattr(matching, "_weights", lambda: fitted)
    return fitted


def _probability(actor: Any) -> float:
    (match,) = services.intake_check(actor=actor, identity=anna_typed()).matches
    return match.probability


@override_settings(HAVEN_LINKAGE_THRESHOLD_PERCENT=1, HAVEN_LINKAGE_CHECK_PRIOR_PERCENT=0)
def test_a_rare_shared_name_scores_higher_than_a_common_one_with_the_same_agreement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: Anna and thirty others; at first no one else carries her name's prefixes
    fitted = _fitted_on_one(monkeypatch)
    ngo = make_user()
    anna(ngo)
    others = _persons(30)
    typed = matching.normalise(selectors.record_of(anna_typed()))
    name_keys = selectors.name_pair_keyed(typed)
    pattern = matching.comparison(typed, typed)

    # when: checked while the name is Anna's alone, then once the thirty carry it too
    rare = _probability(ngo)
    for person_id in others:
        _give(person_id, *name_keys.values())
    common = _probability(ngo)

    # then: the same agreement, weighed by the share of the register's 31 persons other
    # than Anna carrying the name (plus one half: none is not a certainty)
    assert rare == pytest.approx(fitted.probability(pattern, name_share=0.5 / 31))
    assert common == pytest.approx(fitted.probability(pattern, name_share=30.5 / 31))
    assert rare > common


@override_settings(HAVEN_LINKAGE_THRESHOLD_PERCENT=1)
def test_a_register_no_larger_than_the_fitted_one_keeps_the_fitted_calibration() -> None:
    # given: Anna alone carries her name in a register of a few persons
    ngo = make_user()
    anna(ngo)
    _persons(3)
    typed = matching.normalise(selectors.record_of(anna_typed()))

    # then: the name's share of four persons says nothing; the fitted probability
    assert _probability(ngo) == pytest.approx(
        matching.match_probability_of(matching.comparison(typed, typed))
    )


def test_the_names_share_is_the_smallest_block_of_the_name_keys_both_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the typed name's prefix keys; blocks of 5 and 40 in a register of 1,000 (and
    # no one holding the full-name key: persons indexed before it)
    _fitted_on_one(monkeypatch)
    typed = matching.normalise(selectors.record_of(anna_typed()))
    keys = selectors.name_pair_keyed(typed)
    first, *rest = sorted(keys[k] for k in matching.name_pair_keys(typed))
    blocks = {first: 5, **dict.fromkeys(rest, 40)}
    found = selectors.Candidates([uuid.uuid4()], 1000, blocks)
    other = matching.normalise(matching.Record(given_name="Tuuli", family_name="Kesk"))

    # then: the rarest reading both share (the others than the candidate, plus one half);
    # None for a name sharing no prefix key
    assert selectors.name_share(keys, typed, found) == (min(blocks.values()) - 0.5) / 1000
    assert selectors.name_share(keys, other, found) is None


def test_the_name_weighs_only_when_both_names_agree() -> None:
    # given: Anna, and Anna with another given name
    weights = matching._weights()
    typed = matching.normalise(selectors.record_of(anna_typed()))
    olga = matching.normalise(selectors.record_of(anna_typed(given_name="Olga")))
    agree, differ = matching.comparison(typed, typed), matching.comparison(typed, olga)

    # then: log2(names_u / share) bits when both agree; nothing otherwise or unknown
    assert weights.names_u == pytest.approx(2.6266e-5, rel=1e-3)
    assert weights.name_bits(agree, 1e-6) == pytest.approx(math.log2(weights.names_u / 1e-6))
    assert weights.name_bits(agree, 1e-6) > 0 > weights.name_bits(agree, 0.01)
    assert weights.name_bits(differ, 1e-6) == weights.name_bits(agree, None) == 0
    assert weights._replace(names_u=0.0).name_bits(agree, 1e-6) == 0


@override_settings(HAVEN_LINKAGE_THRESHOLD_PERCENT=1, HAVEN_LINKAGE_CHECK_PRIOR_PERCENT=0)
def test_with_the_names_share_the_denied_asker_is_still_told_only_known_to_the_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: Anna under an NGO's case, which the police may not see; a register larger
    # than the fitted one once the model is taken as fitted on one person
    ngo = make_user()
    case = anna(ngo)
    _persons(1)  # a register of two persons; Anna alone carries her name
    police = make_user(org_type=OrgType.POLICE)
    fitted = matching._weights()

    # when: checked with the fitted calibration, then with the name's share weighing
    with CaptureQueriesContext(connection) as before:
        plain = services.intake_check(actor=police, identity=anna_typed())
    _fitted_on_one(monkeypatch)
    with CaptureQueriesContext(connection) as after:
        weighed = services.intake_check(actor=police, identity=anna_typed())

    # then: the same answer's shape, no case, no reference; the band from the new score
    typed = matching.normalise(selectors.record_of(anna_typed()))
    probability = fitted._replace(records=1).probability(
        matching.comparison(typed, typed), name_share=0.5 / 2
    )
    assert plain.matches == weighed.matches == []
    assert weighed.known_elsewhere == selectors.band_of(probability)
    assert weighed.known_elsewhere != plain.known_elsewhere
    # each decryption one linkage read of the person, by the asker; no more queries
    reads = AuditEvent.objects.filter(
        action=Action.LINKAGE_READ, person_id=str(case.person_id), actor_username=police.username
    )
    assert reads.count() == 2
    assert len(after.captured_queries) == len(before.captured_queries)


# --- the full name's own count ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family"),
    [("Анна", "Иванова"), ("Ivanova", "Anna"), ("Änna", "Ivanov")],
)
def test_names_agreeing_in_another_script_order_or_gender_share_the_full_name_key(
    given: str, family: str
) -> None:
    # given: Anna Ivanova as typed, and written another way
    typed = matching.normalise(selectors.record_of(anna_typed()))
    other = matching.normalise(matching.Record(given_name=given, family_name=family))

    # then: both names agree, and one full-name key is shared
    assert max(matching.comparison(typed, other)[:2]) <= matching.NAME_LEVELS.index("stem")
    assert matching.full_name_keys(typed) & matching.full_name_keys(other)


def test_names_beginning_alike_share_the_prefix_key_but_not_the_full_name_key() -> None:
    # given: Anna Ivanova and Annika Ivanenko
    typed = matching.normalise(selectors.record_of(anna_typed()))
    other = matching.normalise(matching.Record(given_name="Annika", family_name="Ivanenko"))

    # then: the coarse count would hold both; the full name's holds only Anna's
    assert matching.name_pair_keys(typed) & matching.name_pair_keys(other)
    assert not matching.full_name_keys(typed) & matching.full_name_keys(other)
    assert not any(k.startswith("fn:") for k in matching.blocking_keys(typed))  # not the batch's


def test_intake_writes_the_full_name_keys_and_the_index_rebuild_writes_them_again() -> None:
    # given: Anna recorded in Cyrillic
    case = anna(make_user())
    typed = matching.normalise(selectors.record_of(anna_typed()))
    full = {selectors.name_pair_keyed(typed)[k] for k in matching.full_name_keys(typed)}

    def held() -> set[str]:
        return set(
            BlockingKey.objects.filter(person_id=case.person_id).values_list("key", flat=True)
        )

    # then: the keyed full name is among her keys; indexed again after they were lost
    assert full and full <= held()
    BlockingKey.objects.all().delete()
    services.index_rebuild()
    assert full <= held()


def test_the_names_share_counts_the_full_name_before_its_prefixes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: in a register of 1,000, Anna's full name held by 2, its prefixes by 40
    _fitted_on_one(monkeypatch)
    typed = matching.normalise(selectors.record_of(anna_typed()))
    keys = selectors.name_pair_keyed(typed)
    full = [keys[k] for k in matching.full_name_keys(typed)]
    prefixes = [keys[k] for k in matching.name_pair_keys(typed)]
    blocks = {**dict.fromkeys(prefixes, 40), **dict.fromkeys(full, 2)}

    def share(counts: dict[str, int]) -> float | None:
        return selectors.name_share(keys, typed, selectors.Candidates([uuid.uuid4()], 1000, counts))

    # then: the full name's count; the prefixes' while no one holds the full-name key
    # (persons indexed before it), nothing when neither is counted
    assert share(blocks) == 1.5 / 1000
    assert share({**blocks, **dict.fromkeys(full, 0)}) == 39.5 / 1000
    assert share({}) is None


@override_settings(HAVEN_LINKAGE_THRESHOLD_PERCENT=1, HAVEN_LINKAGE_CHECK_PRIOR_PERCENT=0)
def test_a_rare_full_name_among_many_with_the_same_prefixes_keeps_its_weight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: Anna and thirty others whose names begin as hers (the prefix keys) but are
    # other names (not her full-name key)
    fitted = _fitted_on_one(monkeypatch)
    ngo = make_user()
    anna(ngo)
    others = _persons(30)
    typed = matching.normalise(selectors.record_of(anna_typed()))
    keys = selectors.name_pair_keyed(typed)
    for person_id in others:
        _give(person_id, *(keys[k] for k in matching.name_pair_keys(typed)))
    pattern = matching.comparison(typed, typed)

    # when
    probability = _probability(ngo)

    # then: weighed as a name no one else among the 31 carries, not as one all carry
    assert probability == pytest.approx(fitted.probability(pattern, name_share=0.5 / 31))
    assert probability > fitted.probability(pattern, name_share=30.5 / 31)


def _name_only(size: int, carriers: int) -> float:
    """The check's probability for Anna typed without a date against her record, in a
    register of ``size`` persons where ``carriers`` carry her full name (her included)."""
    typed = matching.normalise(selectors.record_of(anna_typed(date_of_birth=None)))
    stored = matching.normalise(selectors.record_of(anna_typed()))
    keys = selectors.name_pair_keyed(typed)
    blocks = {keys[k]: carriers for k in matching.full_name_keys(typed)}
    found = selectors.Candidates([uuid.uuid4()], size, blocks)
    return matching.match_probability(
        typed,
        stored,
        register_size=selectors.prior_size(size),
        name_share=selectors.name_share(keys, stored, found),
    )


def test_a_names_score_falls_with_how_many_carry_it_and_rises_less_with_the_prior() -> None:
    # then: fewer carriers, higher; a larger register raises the same agreement's score
    # less at the default prior than at the fitted one (0 %)
    assert _name_only(30_000, 1) > _name_only(30_000, 2) > _name_only(30_000, 5)
    rise = _name_only(1_000_000, 1) - _name_only(30_000, 1)
    with override_settings(HAVEN_LINKAGE_CHECK_PRIOR_PERCENT=0):
        assert _name_only(1_000_000, 1) - _name_only(30_000, 1) > rise > 0


def test_by_default_a_full_name_no_one_else_carries_is_found_from_the_names_alone() -> None:
    # then: the names and the sex agreeing, no date typed, no one else carrying the name:
    # at the threshold (the candidate counted as its own namesake, it fell below it)
    assert _name_only(30_000, 1) >= selectors.threshold()
    assert _name_only(30_000, 3) < selectors.threshold()
