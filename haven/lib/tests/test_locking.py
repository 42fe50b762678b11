"""Optimistic locking's compare (issue 12): an edit that did not start from the
current version is refused with edit_conflict (409), naming the field that carried it;
the page helper keeps what was typed, now based on the saved version."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from haven.lib import locking
from haven.lib.errors import Conflict, EditConflict, ErrorCode
from haven.lib.views import edit_conflict


def test_it_lets_an_edit_from_the_current_version_through() -> None:
    locking.version_expect(current=3, expected=3)


@pytest.mark.parametrize("expected", [2, 4, 0])
def test_it_refuses_an_edit_from_any_other_version(expected: int) -> None:
    # when
    with pytest.raises(EditConflict) as refused:
        locking.version_expect(current=3, expected=expected, field="based_on_version")
    # then
    error = refused.value
    assert isinstance(error, Conflict)
    assert (error.code, error.field, error.http_status) == (
        ErrorCode.EDIT_CONFLICT,
        "based_on_version",
        409,
    )


def test_the_page_helper_keeps_the_typed_values_and_moves_the_version_on() -> None:
    # given
    typed = QueryDict(mutable=True)
    typed.update({"outcome": "What I typed.", "version": "1"})
    # when
    data, shown = edit_conflict(
        locking.conflict(), data=typed, version=2, saved=[("Outcome", "Saved first.")]
    )
    # then
    assert (data["outcome"], data["version"], typed["version"]) == ("What I typed.", "2", "1")
    assert shown.saved == [("Outcome", "Saved first.")]
    assert shown.message == locking.conflict().message


def test_the_version_field_starts_at_one_and_is_not_edited_by_model_forms() -> None:
    field = locking.version_field()
    assert (field.default, field.editable) == (1, False)
