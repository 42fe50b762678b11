"""/api/v1/statistics/exchange/...: the exchange through the API (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.tests.test_api import api_client_for
from haven.statistics import exchange, htcds
from haven.statistics.errors import ErrorCode
from haven.statistics.tests.exchange_factories import coordinator, rapporteur, registered_case

pytestmark = pytest.mark.django_db

BASE = "/api/v1/statistics/exchange/"


@pytest.fixture
def victims() -> None:
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    decider = make_user(organisation=ngo)
    for _ in range(5):
        registered_case(lead=ngo, decider=decider, citizenships=["UA"], birth_year=1999)


@pytest.mark.parametrize(("who", "status"), [("coordinator", 200), ("ngo", 403)])
def test_r41_exports_are_the_rapporteurs_and_the_coordinators(who: str, status: int) -> None:
    user = coordinator() if who == "coordinator" else make_user(org_type=OrgType.NGO)
    api = api_client_for(user)

    htcds_export = api.post(f"{BASE}htcds/export/")
    ctdc = api.post(f"{BASE}ctdc/")
    trends = api.get(f"{BASE}regional/trends/")

    assert [htcds_export.status_code, ctdc.status_code, trends.status_code] == [status] * 3
    if status == 403:
        assert trends.json()["code"] == ErrorCode.STATISTICS_NOT_ALLOWED


@pytest.mark.usefixtures("victims")
def test_r45_the_api_exports_htcds_ctdc_and_the_signed_release() -> None:
    private, public = exchange.keygen()
    api = api_client_for(rapporteur())

    with override_settings(HAVEN_STATISTICS_K=5):
        records = api.post(f"{BASE}htcds/export/").json()
    ctdc = api.post(f"{BASE}ctdc/").json()
    with override_settings(HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY=private):
        signed = api.post(f"{BASE}regional/export/").json()
    trends = api.get(f"{BASE}regional/trends/").json()

    assert len(htcds.import_file(records["content"].encode()).records) == 5
    assert records["report"]["k"] == 5
    assert records["report"]["suppressed"] == 0
    assert records["report"]["released"] == 5
    assert "prs_Birthdate" in records["not_carried"]
    assert ctdc["report"]["k"] == 11
    assert ctdc["report"]["suppressed"] == 5  # five victims: fewer than k
    release = exchange.loads(signed["content"].encode(), exchange.public_key(public))
    assert release.cells == {("2024", "female", "adult", "labour"): 5}
    assert trends == {
        "states": ["EE"],
        "rows": [{"year": "2024", "values": [{"published": 5, "at_least": False}]}],
    }


def test_r45_the_api_imports_htcds_and_another_states_release(tmp_path: Path) -> None:
    # given
    private, public = exchange.keygen()
    peers = tmp_path / "peers.yaml"
    peers.write_text(f"LV: {public}\n")
    release = exchange.RegionalRelease(
        sender="LV", created_at="2026-01-01T00:00:00Z", threshold=5, cells={}
    )
    content = exchange.dumps(release, exchange.private_key(private))
    api = api_client_for(rapporteur())

    # when
    dataset = api.post(
        f"{BASE}htcds/import/",
        {"sent_by": "LV", "file": SimpleUploadedFile("a.csv", b"prs_FirstName\nAnna\n")},
        format="multipart",
    )
    bad = api.post(
        f"{BASE}htcds/import/",
        {"sent_by": "LV", "file": SimpleUploadedFile("a.csv", b"prs_Gender\nwoman\n")},
        format="multipart",
    )
    with override_settings(HAVEN_STATISTICS_EXCHANGE_PEERS_FILE=str(peers)):
        imported = api.post(
            f"{BASE}regional/import/",
            {"file": SimpleUploadedFile("lv", content)},
            format="multipart",
        )
    trends = api.get(f"{BASE}regional/trends/").json()

    # then
    assert dataset.status_code == 201
    assert dataset.json()["not_carried"] == {"prs_FirstName": 1}
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (
        400,
        ErrorCode.EXCHANGE_FILE_INVALID,
        "prs_Gender",
    )
    assert imported.status_code == 201
    assert imported.json()["sender"] == "LV"
    assert trends["states"] == ["EE", "LV"]


def test_r41_the_coordinator_may_not_import_through_the_api() -> None:
    api = api_client_for(coordinator())

    response = api.post(
        f"{BASE}regional/import/", {"file": SimpleUploadedFile("x", b"x")}, format="multipart"
    )

    assert response.status_code == 403


def test_an_upload_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from haven.statistics.forms import exchange as forms_exchange

    monkeypatch.setattr(forms_exchange, "MAX_FILE_BYTES", 3)
    api = api_client_for(rapporteur())

    response = api.post(
        f"{BASE}regional/import/", {"file": SimpleUploadedFile("x", b"xxxx")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "file"
