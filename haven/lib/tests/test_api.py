"""The API's exception handler: domain errors become their status, code and field."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import NotAuthenticated

from haven.lib import api, errors


def test_it_turns_a_domain_error_into_its_status_code_and_field() -> None:
    # when
    response = api.api_exception_handler(
        errors.InvalidInput("Choose a status.", field="to_status"), {}
    )

    # then
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"code": "invalid", "detail": "Choose a status.", "field": "to_status"}


def test_it_leaves_out_the_field_when_there_is_none() -> None:
    # when
    response = api.api_exception_handler(errors.NotFound("Not available."), {})

    # then
    assert response is not None
    assert response.status_code == 404
    assert response.data == {"code": "not_found", "detail": "Not available."}


def test_it_answers_a_django_404_with_the_same_shape() -> None:
    # when
    response = api.api_exception_handler(Http404("no such page"), {})

    # then
    assert response is not None
    assert (response.status_code, response.data["code"]) == (404, "not_found")


def test_it_hands_other_errors_to_rest_framework() -> None:
    # when
    handled = api.api_exception_handler(NotAuthenticated(), {})
    unhandled = api.api_exception_handler(RuntimeError("bug"), {})

    # then
    assert handled is not None
    assert handled.status_code == 401
    assert unhandled is None
