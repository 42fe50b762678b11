"""The statistics exchange pages, through the test client (issue 15)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.statistics import exchange, htcds
from haven.statistics.models import ExternalDataset, ImportedRelease
from haven.statistics.tests.exchange_factories import coordinator, rapporteur, registered_case
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("statistics_exchange:home")
HTCDS_EXPORT = reverse("statistics_exchange:htcds_export")
HTCDS_IMPORT = reverse("statistics_exchange:htcds_import")
CTDC = reverse("statistics_exchange:ctdc_export")
REGIONAL_EXPORT = reverse("statistics_exchange:regional_export")
RELEASE_IMPORT = reverse("statistics_exchange:release_import")


@pytest.fixture
def victims() -> None:
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    decider = make_user(organisation=ngo)
    for _ in range(6):
        registered_case(lead=ngo, decider=decider, citizenships=["UA"], birth_year=1999)


@pytest.mark.parametrize(
    ("who", "status"),
    [("rapporteur", 200), ("coordinator", 200), ("ngo", 403), ("police", 403)],
)
def test_r41_the_exchange_page_is_the_rapporteurs_and_the_coordinators(
    client: Client, who: str, status: int
) -> None:
    # given: the same page for each kind of user
    users: dict[str, Callable[[], User]] = {
        "rapporteur": rapporteur,
        "coordinator": coordinator,
        "ngo": lambda: make_user(org_type=OrgType.NGO),
        "police": lambda: make_user(org_type=OrgType.POLICE),
    }
    sign_in(client, users[who]())

    # when
    page = client.get(HOME)
    export = client.post(HTCDS_EXPORT, {"file_format": "csv"})

    # then
    assert page.status_code == status
    assert export.status_code == status
    if status == 200:
        assert b"Statistics exchange" in page.content
    assert AuditEvent.objects.filter(action=Action.EXCHANGE_EXPORT).count() == (status == 200)


@pytest.mark.usefixtures("victims")
def test_r45_the_page_shows_the_own_trend_with_suppressed_figures_as_at_least(
    client: Client,
) -> None:
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    registered_case(lead=ngo, decider=make_user(organisation=ngo), sex="male")
    sign_in(client, rapporteur())

    page = client.get(HOME)

    assert b'<th scope="row" data-label="Year">2024</th>' in page.content
    assert b"at least 6" in page.content
    assert b"Import the HTCDS file" in page.content


def test_the_coordinator_sees_no_import_forms_and_may_not_post_them(client: Client) -> None:
    sign_in(client, coordinator())

    page = client.get(HOME)
    posted = client.post(HTCDS_IMPORT, {"source": "x"})

    assert b"Import the HTCDS file" not in page.content
    assert posted.status_code == 403
    assert ExternalDataset.objects.count() == 0


@pytest.mark.usefixtures("victims")
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_r45_htcds_export_downloads_the_file(client: Client, file_format: str) -> None:
    sign_in(client, rapporteur())

    with override_settings(HAVEN_STATISTICS_K=6):
        response = client.post(HTCDS_EXPORT, {"file_format": file_format})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="htcds-2.0.{file_format}"'
    assert len(htcds.import_file(response.content).records) == 6


@pytest.mark.usefixtures("victims")
def test_r46_htcds_export_report_page_and_companion_file(client: Client) -> None:
    # given: six victims alike and one rare one, at k = 6
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    registered_case(
        lead=ngo,
        decider=make_user(organisation=ngo),
        sex="male",
        citizenships=["VN"],
        birth_year=1958,  # an adult: no child is in a victim-level file at all
        forms=["criminal_activities"],
    )
    sign_in(client, rapporteur())

    with override_settings(HAVEN_STATISTICS_K=6):
        page = client.post(HTCDS_EXPORT, {"file_format": "csv", "part": "report"})
        companion = client.post(HTCDS_EXPORT, {"file_format": "xlsx", "part": "companion"})
        download = client.post(HTCDS_EXPORT, {"file_format": "csv", "part": "file"})

    assert page.status_code == 200
    assert b"at least 6 records" in page.content
    assert companion["Content-Disposition"] == 'attachment; filename="htcds-2.0-report.json"'
    report = json.loads(companion.content)
    assert report["records"] == report["released"] + report["suppressed"] == 7
    records = htcds.import_file(download.content).records
    assert len(records) == report["released"]
    for record in records:  # the rare man is not in the file as himself
        assert "VN" not in record.get("prs_Citizenship", "")
        assert "criminal_activities" not in record.get("x_haven_FormsOfExploitation", "")
    assert AuditEvent.objects.filter(action=Action.EXCHANGE_EXPORT).count() == 3


def test_an_unknown_export_format_shows_the_page_with_the_error(client: Client) -> None:
    sign_in(client, rapporteur())

    response = client.post(HTCDS_EXPORT, {"file_format": "pdf"})

    assert response.status_code == 400
    assert AuditEvent.objects.filter(action=Action.EXCHANGE_EXPORT).count() == 0


@pytest.mark.usefixtures("victims")
def test_r46_ctdc_release_report_page_and_file(client: Client) -> None:
    sign_in(client, rapporteur())

    with override_settings(HAVEN_STATISTICS_K=3):
        report = client.post(CTDC, {"part": "report"})
        download = client.post(CTDC, {"part": "file"})

    assert report.status_code == 200
    assert b"at least 3 records" in report.content
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert len(rows) == 7
    assert AuditEvent.objects.filter(action=Action.EXCHANGE_EXPORT).count() == 2


@pytest.mark.usefixtures("victims")
def test_r45_regional_export_downloads_a_signed_file(client: Client) -> None:
    private, public = exchange.keygen()
    sign_in(client, rapporteur())

    with override_settings(HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY=private):
        response = client.post(REGIONAL_EXPORT)

    release = exchange.loads(response.content, exchange.public_key(public))
    assert release.cells == {("2024", "female", "adult", "labour"): 6}


def test_r45_htcds_import_shows_what_was_not_carried(client: Client) -> None:
    sign_in(client, rapporteur())
    upload = SimpleUploadedFile("lv.csv", b"prs_FirstName,prs_Gender\nAnna,Feminine\n")

    response = client.post(HTCDS_IMPORT, {"source": "NGO in LV", "file": upload})

    assert response.status_code == 200
    assert b"prs_FirstName" in response.content
    assert ExternalDataset.objects.get().record_count == 1


def test_house_rule_4_a_bad_htcds_file_is_refused_next_to_the_field(client: Client) -> None:
    sign_in(client, rapporteur())
    upload = SimpleUploadedFile("bad.csv", b"prs_Gender\nwoman\n")

    response = client.post(HTCDS_IMPORT, {"source": "x", "file": upload})

    assert response.status_code == 400
    assert b"Row 2, field prs_Gender" in response.content
    assert ExternalDataset.objects.count() == 0


def test_r45_another_states_release_is_imported_or_refused(client: Client, tmp_path: Path) -> None:
    # given
    private, public = exchange.keygen()
    peers = tmp_path / "peers.yaml"
    peers.write_text(f"LV: {public}\n")
    release = exchange.RegionalRelease(
        sender="LV",
        created_at="2026-01-01T00:00:00Z",
        threshold=5,
        cells={("2023", "male", "adult", "labour"): 8},
    )
    content = exchange.dumps(release, exchange.private_key(private))
    sign_in(client, rapporteur())

    # when
    with override_settings(HAVEN_STATISTICS_EXCHANGE_PEERS_FILE=str(peers)):
        tampered = client.post(
            RELEASE_IMPORT, {"file": SimpleUploadedFile("lv", content.replace(b"8]", b"9]"))}
        )
        good = client.post(RELEASE_IMPORT, {"file": SimpleUploadedFile("lv", content)})

    # then
    assert tampered.status_code == 400
    assert b"signature does not match" in tampered.content
    assert good.status_code == 200
    assert ImportedRelease.objects.get().sender == "LV"
    assert b"LV" in good.content


def test_an_empty_upload_is_refused(client: Client) -> None:
    sign_in(client, rapporteur())

    response = client.post(RELEASE_IMPORT, {})

    assert response.status_code == 400


def _import_htcds(user: User, n: int) -> None:
    from haven.statistics import services_exchange

    for _ in range(n):
        services_exchange.external_dataset_import(
            actor=user, content=b"prs_Gender\nFeminine\n", source="x"
        )


def test_the_exchange_page_reads_in_a_fixed_number_of_queries(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given: a page with one dataset, then with four, and more victims
    user = rapporteur()
    sign_in(client, user)
    _import_htcds(user, 1)
    client.get(HOME)  # warms the session and the user
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    _import_htcds(user, 3)
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    for _ in range(3):
        registered_case(lead=ngo, decider=user)

    # when
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)

    # then
    assert len(many) == len(few)
    assert len(many) == 10  # the same ten whatever the number of victims and datasets
