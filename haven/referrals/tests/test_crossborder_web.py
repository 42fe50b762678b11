"""Cross-border referral pages and API through the test client (R-50): export
by the case lead only, import upload → preview → confirm, the transfers list."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases.models import Case
from haven.cases.tests.test_api import api_client_for
from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer, FocalPointKey
from haven.referrals.tests.test_crossborder import (
    KEYS_A,
    NOW,
    as_instance_a,
    as_instance_b,
    from_a,
    receiver,
    sender,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def test_r50_the_lead_downloads_a_package_from_the_export_page_and_a_member_is_refused() -> None:
    # given
    s = sender()
    url = reverse("referrals:crossborder_export", args=[s.case.id])
    form = {"partner": str(s.partner.id), "stage": "return", "consent": str(s.consent.id)}
    with as_instance_a():
        # when
        page = client_for(s.lead).get(url)
        done = client_for(s.lead).post(url, form)
        refused = client_for(s.member).get(url)
    # then
    assert page.status_code == 200
    assert s.partner.organisation_name in page.content.decode()
    assert done.status_code == 200
    assert done["Content-Disposition"].startswith("attachment;")
    assert packages.envelope_parse(done.content.decode()).header.recipient == "ee-b"
    assert refused.status_code == 403
    assert CrossBorderTransfer.objects.count() == 1


def test_it_shows_plainly_that_the_export_is_not_configured() -> None:
    # given
    s = sender()
    url = reverse("referrals:crossborder_export", args=[s.case.id])
    # when
    page = client_for(s.lead).get(url)
    # then
    assert page.status_code == 403
    assert "not configured" in page.content.decode()


def test_r50_the_import_page_previews_without_writing_then_creates_on_confirm() -> None:
    # given
    importer = receiver()
    text = from_a()
    url = reverse("referrals:crossborder_import")
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        client = client_for(importer)
        # when
        form = client.get(url)
        preview = client.post(url, {"package": text})
        cases_after_preview = Case.objects.count()
        confirmed = client.post(url, {"package": text, "confirm": "1"})
    # then
    assert form.status_code == 200
    assert preview.status_code == 200
    assert "FI-2026-0001" in preview.content.decode()
    assert cases_after_preview == 0
    case = Case.objects.get()
    assert (confirmed.status_code, confirmed["Location"]) == (
        302,
        reverse("web:case_detail", args=[case.id]),
    )


def test_r50_the_import_page_names_a_tampered_package_and_creates_nothing() -> None:
    # given
    importer = receiver()
    text = from_a()
    tampered = text.replace('"kind":"referral"', '"kind":"referrak"')
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        # when
        answer = client_for(importer).post(
            reverse("referrals:crossborder_import"), {"package": tampered, "confirm": "1"}
        )
    # then
    assert answer.status_code == 400
    assert "changed after it was signed" in answer.content.decode()
    assert not Case.objects.exists()


def test_r50_the_transfers_page_shows_the_acknowledgement_state() -> None:
    # given
    importer = receiver()
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        client_for(importer).post(
            reverse("referrals:crossborder_import"), {"package": from_a(), "confirm": "1"}
        )
    transfer = CrossBorderTransfer.objects.get()
    # when
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        listing = client_for(importer).get(reverse("referrals:crossborder_list"))
        ack = client_for(importer).post(
            reverse("referrals:crossborder_acknowledge", args=[transfer.id])
        )
        stranger = client_for(make_user(org_type=OrgType.NGO)).post(
            reverse("referrals:crossborder_acknowledge", args=[transfer.id])
        )
    # then
    assert listing.status_code == 200
    assert "Focal point fi-a" in listing.content.decode()
    assert ack.status_code == 200
    assert packages.envelope_parse(ack.content.decode()).header.kind == "acknowledgement"
    assert stranger.status_code == 404


def test_it_lets_a_system_admin_register_a_partner_and_shows_its_fingerprint() -> None:
    # given
    admin = make_user(org_type=OrgType.OTHER, role=Role.SYSTEM_ADMIN)
    caseworker = make_user(org_type=OrgType.NGO)
    url = reverse("referrals:crossborder_partners")
    form = {
        "organisation_name": "Focal point A",
        "country": "FI",
        "focal_point_id": "fi-a",
        "encryption_public_key": KEYS_A["encryption_public_key"],
        "signing_public_key": KEYS_A["signing_public_key"],
    }
    # when
    refused = client_for(caseworker).post(url, form)
    added = client_for(admin).post(url, form)
    page = client_for(caseworker).get(url).content.decode()
    # then
    assert refused.status_code == 403
    assert (added.status_code, added["Location"]) == (302, url)
    assert FocalPointKey.objects.get().focal_point_id == "fi-a"
    assert KEYS_A["fingerprint"] in page


def test_r50_the_api_exports_previews_imports_and_lists() -> None:
    # given
    s = sender()
    export_url = f"/api/v1/cases/{s.case.id}/crossborder/export/"
    body = {"partner_id": str(s.partner.id), "stage": "return", "consent_id": str(s.consent.id)}
    with as_instance_a():
        # when
        exported = api_client_for(s.lead).post(export_url, body, format="json")
        refused = api_client_for(s.member).post(export_url, body, format="json")
    importer = receiver()
    client = api_client_for(importer)
    with as_instance_b(), time_machine.travel(NOW, tick=False):
        package = from_a()
        preview = client.post(
            "/api/v1/crossborder/import/", {"package": package, "confirm": False}, format="json"
        )
        created = client.post(
            "/api/v1/crossborder/import/", {"package": package, "confirm": True}, format="json"
        )
        listed = client.get("/api/v1/crossborder/transfers/")
    # then
    assert exported.status_code == 201
    assert exported.json()["header"]["recipient"] == "ee-b"
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_case_lead"
    assert preview.status_code == 200
    assert preview.json()["case_reference"] == "FI-2026-0001"
    assert created.status_code == 201
    assert [t["direction"] for t in listed.json()] == ["incoming"]
