"""The report for the person as JSON: GET /api/v1/cases/{id}/person-report/."""

from __future__ import annotations

import json
import uuid

import pytest

from haven.access import services as access_services
from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.cases import services
from haven.cases.tests.test_api import api_client_for
from haven.cases.tests.test_person_report import (
    NARRATIVE,
    NOTE,
    REASONS,
    consent_for,
    org_of,
    shared_case,
)
from haven.identification.tests.factories import load_shipped_sets, screen
from haven.identification.tests.test_decisions_services import record

pytestmark = pytest.mark.django_db


def url(case_id: object) -> str:
    return f"/api/v1/cases/{case_id}/person-report/"


def test_it_answers_the_lead_refuses_a_member_and_hides_the_case_from_others() -> None:
    # given
    shared = shared_case()
    outsider = api_client_for(make_user(org_type=OrgType.NGO))

    # when
    for_lead = api_client_for(shared.lead).get(url(shared.case.id))
    for_member = api_client_for(shared.police).get(url(shared.case.id))
    hidden = outsider.get(url(shared.case.id))
    missing = outsider.get(url(uuid.uuid4()))

    # then
    assert for_lead.status_code == 200
    assert for_member.status_code == 403
    assert for_member.json()["code"] == "field_group_not_allowed"
    assert org_of(shared.lead).name in for_member.json()["detail"]
    assert hidden.status_code == missing.status_code == 404
    assert (
        hidden.json()
        == missing.json()
        == {
            "code": "case_not_found",
            "detail": missing.json()["detail"],
        }
    )


def test_it_holds_the_same_content_as_the_page_without_staff_names() -> None:
    # given
    load_shipped_sets()
    shared = shared_case()
    screen(actor=shared.lead, case=shared.case, note=NOTE)
    record(shared.police, shared.case, reasons=REASONS)
    withdrawn = consent_for(shared)
    access_services.consent_withdraw(
        actor=shared.lead, consent_id=withdrawn.id, person_id=shared.case.person_id
    )
    api_client_for(shared.police).get(f"/api/v1/cases/{shared.case.id}/")

    # when
    response = api_client_for(shared.lead).get(url(shared.case.id))

    # then
    body = response.json()
    assert set(body["field_groups"]) == set(FieldGroup.values)
    assert body["hidden_field_groups"] == {}
    assert [e["text"] for e in body["field_groups"]["narrative"]["entries"]] == [NARRATIVE]
    assert body["screenings"]["items"][0]["observations"][0]["note"] == NOTE
    assert [d["reasons"] for d in body["decisions"]["items"]] == [REASONS]
    assert [(c["live"], c["withdrawn_at"] is not None) for c in body["consents"]] == [(False, True)]
    police_reads = [
        e
        for e in body["access_events"]
        if e["organisation"] == org_of(shared.police).name and e["action"] == "read"
    ]
    assert [e["team_role"] for e in police_reads] == ["team_member"] * len(police_reads)
    assert police_reads
    text = json.dumps(body)
    assert shared.lead.username not in text
    assert shared.police.username not in text


def test_it_answers_in_the_language_asked_for_and_refuses_one_not_offered() -> None:
    # given
    shared = shared_case(languages=["fi"])
    client = api_client_for(shared.lead)

    # when
    automatic = client.get(url(shared.case.id))
    swedish = client.get(url(shared.case.id), {"lang": "sv"})
    refused = client.get(url(shared.case.id), {"lang": "xx"})

    # then
    assert automatic.json()["language"] == {
        "code": "fi",
        "name": "Finnish",
        "translated": True,
        "person_language": "fi",
        "person_language_offered": True,
        "chosen_by_caseworker": False,
    }
    assert automatic.headers["Content-Language"] == "fi"
    assert swedish.json()["language"]["code"] == "sv"
    assert refused.status_code == 400
    assert "lang" in refused.json()["field_errors"]


def test_it_shows_no_decrypted_data_once_the_person_is_erased() -> None:
    # given
    load_shipped_sets()
    shared = shared_case()
    screen(actor=shared.lead, case=shared.case, note=NOTE)
    record(shared.police, shared.case, reasons=REASONS)
    supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(shared.lead))
    services.person_erase(actor=supervisor, case_id=shared.case.id)

    # when
    body = api_client_for(shared.lead).get(url(shared.case.id)).json()

    # then
    assert body["erased"] is True
    assert body["field_groups"] == {}
    assert {g["code"] for g in body["hidden_field_groups"].values()} == {"person_erased"}
    text = json.dumps(body)
    for stored in ("Aino", "Testinen", NARRATIVE, REASONS, NOTE, "Safe house 7"):
        assert stored not in text
