"""No input gives the API a server error, and every error it answers is JSON with a
``code`` (issue 12): bodies nested too deep or too large, unknown ids in the paths,
methods an operation does not have, missing or unknown tokens, paths no route
matches. Signed in or not."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from haven.accounts.tests.factories import make_user
from haven.cases.tests.test_api import api_client_for
from haven.lib import parsers

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
CASES = "/api/v1/cases/"


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _coded(response: object, status: int) -> str:
    assert getattr(response, "status_code", None) == status
    assert response["Content-Type"].startswith("application/json")  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert isinstance(body["detail"], str) and body["detail"]
    code: str = body["code"]
    return code


def test_json_nested_a_thousand_deep_is_refused_without_signing_in(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given: the token endpoint reads a body before anyone is signed in
    client = APIClient()
    # when
    with caplog.at_level(logging.DEBUG):
        response = client.post(TOKEN, _nested(1000), content_type="application/json")
    # then: a 400 with a code, and no traceback (or any of the body) in the logs
    assert _coded(response, 400) == "parse_error"
    assert not [r for r in caplog.records if r.exc_info or "[[[" in r.getMessage()]


def test_json_nested_a_thousand_deep_is_refused_when_signed_in(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given
    client = api_client_for(make_user())
    # when
    with caplog.at_level(logging.DEBUG):
        deep_list = client.post(CASES, _nested(1000), content_type="application/json")
        deep_object = client.post(
            CASES, b'{"a":' * 1000 + b"1" + b"}" * 1000, content_type="application/json"
        )
    # then
    assert _coded(deep_list, 400) == "parse_error"
    assert _coded(deep_object, 400) == "parse_error"
    assert not [r for r in caplog.records if r.exc_info]


def test_json_within_the_bounds_is_read_and_brackets_in_strings_do_not_count() -> None:
    # given: as deep as allowed, and a string full of brackets
    client = APIClient()
    allowed = _nested(parsers.JSON_MAX_DEPTH)
    brackets = b'{"username": "' + b"[" * 5000 + b'", "password": "x", "otp": "1"}'
    # when
    deep = client.post(TOKEN, allowed, content_type="application/json")
    texts = client.post(TOKEN, brackets, content_type="application/json")
    # then: both reach the view, which refuses their content (not their shape)
    assert deep.status_code == 400 and deep.json()["code"] == "invalid"
    assert texts.status_code in (400, 401) and texts.json()["code"] != "parse_error"


def test_a_json_body_larger_than_the_bound_is_refused() -> None:
    # given
    client = APIClient()
    body = b'{"username": "' + b"a" * (parsers.JSON_MAX_BYTES + 1) + b'"}'
    # when
    response = client.post(TOKEN, body, content_type="application/json")
    # then
    assert _coded(response, 400) == "parse_error"


def test_broken_json_and_constants_json_does_not_know_are_parse_errors() -> None:
    # given
    client = APIClient()
    # when
    broken = client.post(TOKEN, b'{"username": ', content_type="application/json")
    constant = client.post(TOKEN, b'{"username": NaN}', content_type="application/json")
    # then
    assert _coded(broken, 400) == "parse_error"
    assert _coded(constant, 400) == "parse_error"


def test_every_api_error_is_json_with_a_code() -> None:
    # given: a signed-in caseworker, and nobody
    client, nobody = api_client_for(make_user()), APIClient()
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    # when
    answers = {
        "unmatched path": (client.get("/api/v1/no-such-thing/"), 404),
        "unmatched path, signed out": (nobody.get("/api/nothing-here"), 404),
        "id not a uuid in the path": (client.post("/api/v1/deadlines/not-a-uuid/done/"), 404),
        "unknown case": (client.get(CASES + "00000000-0000-0000-0000-000000000000/"), 404),
        "method not allowed": (client.delete(CASES), 405),
        "no token": (nobody.get(CASES), 401),
        "unknown token": (bad_token.get(CASES), 401),
        "media type": (client.post(CASES, b"x=1", content_type="text/plain"), 415),
        "field errors": (client.post(CASES, {"sex": "unheard-of"}, format="json"), 400),
    }
    # then
    codes = {name: _coded(response, status) for name, (response, status) in answers.items()}
    assert codes == {
        "unmatched path": "not_found",
        "unmatched path, signed out": "not_found",
        "id not a uuid in the path": "not_found",
        "unknown case": "case_not_found",
        "method not allowed": "method_not_allowed",
        "no token": "not_authenticated",
        "unknown token": "authentication_failed",
        "media type": "unsupported_media_type",
        "field errors": "invalid",
    }
    field_errors = answers["field errors"][0].json()
    assert field_errors["field"] in field_errors["field_errors"]


def test_a_refused_permission_is_json_with_a_code() -> None:
    # given: a caseworker, who reviews no break-glass use (supervisors do)
    client = api_client_for(make_user())
    # when
    response = client.get("/api/v1/break-glass/reviews/")
    # then
    assert _coded(response, 403) == "sharing_not_allowed"


def test_pages_outside_the_api_keep_their_html_404() -> None:
    # when
    response = APIClient().get("/no-such-page/")
    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
