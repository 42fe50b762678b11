"""The hard rules' reading of gender (rules.gender_accepts): a person's own gender
identity first; without one, their sex; and an adult of whom neither is known is
placed only where both women and men are taken in, never guessed."""

from __future__ import annotations

import pytest

from haven.shelters import rules
from haven.shelters.rules import Accepts


def _alone(**person: object) -> rules.Group:
    (group,) = rules.groups_of([rules.Person(id="a", age=30, **person)])  # type: ignore[arg-type]
    return group


def _place(*accepts: str) -> rules.Place:
    return rules.Place(id="p", capacity=4, accepts=frozenset(accepts), security_level=3)


@pytest.mark.parametrize(
    ("person", "needs"),
    [
        ({"gender_identity": "woman", "sex": "male"}, {Accepts.WOMEN}),
        ({"gender_identity": "man"}, {Accepts.MEN}),
        ({"gender_identity": "non_binary"}, {Accepts.TRANSGENDER}),
        ({"gender_identity": "transgender_man", "sex": "female"}, {Accepts.TRANSGENDER}),
        ({"gender_identity": "other"}, {Accepts.TRANSGENDER}),
        ({"sex": "female"}, {Accepts.WOMEN}),
        ({"sex": "male"}, {Accepts.MEN}),
        ({"sex": "intersex"}, {Accepts.TRANSGENDER}),
        ({"sex": "unknown"}, {Accepts.WOMEN, Accepts.MEN}),
    ],
)
def test_an_adult_alone_needs_a_place_taking_in_their_gender(
    person: dict[str, str], needs: set[str]
) -> None:
    group = _alone(**person)
    assert rules.gender_accepts(group.people[0]) == needs
    assert rules.exclusions(group, _place(*needs)) == []
    for missing in needs:
        other = set(Accepts) - {missing}
        assert rules.exclusions(group, _place(*other)) == [rules.Exclusion.NOT_THIS_GENDER]
