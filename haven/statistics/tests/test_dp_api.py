"""/api/v1/statistics/releases/: the same rules as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from haven.accounts import services as account_services
from haven.accounts.models import User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, totp_now
from haven.audit.models import Action, AuditEvent
from haven.statistics import errors
from haven.statistics.models import Release
from haven.statistics.tests.dp_helpers import caseworker, coordinator, rapporteur

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistics/releases/"


def api_client_for(user: User) -> APIClient:
    device = confirmed_totp(user)
    raw, _token = account_services.api_token_issue(
        username=user.username, password=PASSWORD, otp=totp_now(device)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def body(**changes: Any) -> dict[str, Any]:
    return {
        "dataset": "registered_victims",
        "table": "year_exploitation",
        "year_from": 2024,
        "year_to": 2025,
        "epsilon": "0.5",
        **changes,
    }


@pytest.mark.parametrize(
    ("who", "get_status", "post_status", "post_code"),
    [
        ("rapporteur", 200, 201, None),
        ("coordinator", 200, 403, errors.ErrorCode.RELEASE_NOT_ALLOWED),
        ("caseworker", 403, 403, errors.ErrorCode.RELEASE_NOT_ALLOWED),
    ],
)
def test_r41_the_api_lets_the_rapporteur_release_and_the_coordinator_read(
    who: str, get_status: int, post_status: int, post_code: str | None
) -> None:
    user = {"rapporteur": rapporteur, "coordinator": coordinator, "caseworker": caseworker}[who]()
    client = api_client_for(user)

    listed = client.get(URL)
    posted = client.post(URL, body(), format="json")

    assert listed.status_code == get_status
    assert posted.status_code == post_status
    if post_code:
        assert posted.json()["code"] == post_code


def test_r46_a_release_made_through_the_api_publishes_epsilon_and_budget_left() -> None:
    # given
    client = api_client_for(rapporteur())

    # when
    made = client.post(URL, body(epsilon="0.25"), format="json")
    listed = client.get(URL).json()
    detail = client.get(f"{URL}{made.json()['id']}/")

    # then
    assert made.status_code == 201
    release = made.json()
    assert release["epsilon"] == "0.250"
    assert release["remaining"] == {"2024": "1.750", "2025": "1.750"}
    assert (
        sum(int(cell[2]) for cell in release["cells"] if cell[0] == "2024")
        == (release["totals"]["2024"])
    )
    assert listed["budget_total_epsilon"] == "2.000"
    assert [b["remaining_epsilon"] for b in listed["budgets"]] == ["1.750", "1.750"]
    assert [r["id"] for r in listed["releases"]] == [release["id"]]
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(action=Action.DP_RELEASE_EXPORT).count() == 1


@override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("0.5"))
def test_r46_the_api_refuses_a_release_over_budget_with_409() -> None:
    client = api_client_for(rapporteur())
    client.post(URL, body(epsilon="0.5"), format="json")

    refused = client.post(URL, body(epsilon="0.1"), format="json")

    assert refused.status_code == 409
    assert refused.json()["code"] == errors.ErrorCode.BUDGET_EXCEEDED
    assert refused.json()["field"] == "epsilon"
    assert Release.objects.count() == 1


def test_the_api_refuses_bad_input_and_an_unknown_release() -> None:
    client = api_client_for(rapporteur())

    bad = client.post(URL, body(epsilon="0.001"), format="json")
    unknown = client.post(URL, body(table="nope"), format="json")
    missing = client.get(f"{URL}00000000-0000-0000-0000-000000000000/")

    assert bad.status_code == 400
    assert unknown.json()["code"] == errors.ErrorCode.TABLE_UNKNOWN
    assert missing.status_code == 404


def test_the_schema_documents_the_release_endpoints() -> None:
    schema = APIClient().get("/api/schema/")

    text = schema.content.decode()
    assert "/api/v1/statistics/releases/{id}/:" in text
    assert "operationId: statistics_release_create" in text


def test_the_release_list_reads_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    # given: five releases
    client = api_client_for(rapporteur())
    for _ in range(5):
        client.post(URL, body(epsilon="0.1"), format="json")

    # then
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
