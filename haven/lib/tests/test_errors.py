"""Domain errors: a stable code, an optional field, and one HTTP status per kind."""

from __future__ import annotations

import pytest

from haven.lib import errors


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [
        (errors.HavenError, "invalid", 400),
        (errors.InvalidInput, "invalid", 400),
        (errors.NotAllowed, "not_allowed", 403),
        (errors.NotFound, "not_found", 404),
        (errors.Conflict, "conflict", 409),
        (errors.EditConflict, "edit_conflict", 409),
    ],
)
def test_it_gives_each_kind_of_error_a_default_code_and_status(
    kind: type[errors.HavenError], code: str, status: int
) -> None:
    # when
    error = kind("Something went wrong.")

    # then
    assert (error.code, error.http_status, error.field) == (code, status, None)
    assert error.message == str(error) == "Something went wrong."


def test_it_takes_a_specific_code_and_the_field_it_is_about() -> None:
    # when
    error = errors.InvalidInput("Choose a date.", code="date_in_future", field="decided_on")

    # then
    assert (error.code, error.field, error.http_status) == ("date_in_future", "decided_on", 400)
