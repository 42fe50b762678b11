"""Issue 11: a concern about several people (the public report described three
men). The desk opens one case per person from one report, all or none, linked as
one incident; each case page and the case API show the group, naming only the
linked cases the reader's organisation is on."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case, Incident, NarrativeEntry
from haven.cases.tests.factories import add_to_team
from haven.cases.tests.test_api import api_client_for
from haven.lib.errors import InvalidInput
from haven.referrals.errors import ErrorCode as ReferralErrorCode
from haven.referrals.errors import PersonRowInvalid
from haven.referrals.models import ConcernReport, ConcernReportState, Consultation
from haven.referrals.services import desk as services
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

THREE_MEN = "Three men sleep in the test car wash; a fourth man takes their passports."


def coordinator() -> User:
    return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.CASEWORKER)


def a_report() -> str:
    return str(services.report_submit(description=THREE_MEN, client_address="192.0.2.7").pk)


def rows(*people: dict[str, str]) -> dict[str, Any]:
    """The page's formset: one row per person (prefix "people")."""
    data: dict[str, Any] = {
        "people-TOTAL_FORMS": str(len(people)),
        "people-INITIAL_FORMS": str(len(people)),
        "people-MIN_NUM_FORMS": "1",
        "people-MAX_NUM_FORMS": str(services.PEOPLE_MAX),
    }
    for index, person in enumerate(people):
        for name, value in person.items():
            data[f"people-{index}-{name}"] = value
    return data


def three_cases(actor: User, report_id: str) -> list[Case]:
    return services.report_cases_open(
        actor=actor,
        report_id=report_id,
        people=[
            services.PersonFound(person=case_services.PersonInput(given_name=name))
            for name in ("Testi", "Testo", "")
        ],
    )


# --- opening the cases ---------------------------------------------------------------------


def test_issue11_concern_about_three_people_opens_three_linked_cases() -> None:
    # given: a report about three men, on the desk page
    actor = coordinator()
    report_id = a_report()
    client = sign_in(Client(), actor)
    page = client.get(reverse("referrals:desk_report_detail", args=[report_id]), {"people": 3})
    assert page.status_code == 200
    assert page.content.decode().count("<legend>Person ") == 3

    # when: three rows, one of them a man whose name nobody knows
    response = client.post(
        reverse("referrals:desk_report_case_open", args=[report_id]),
        rows(
            {"given_name": "Testi", "age_status": AgeStatus.VERIFIED_ADULT},
            {"given_name": "Testo", "age_status": AgeStatus.VERIFIED_ADULT},
            {"age_status": AgeStatus.UNCERTAIN, "forms_of_exploitation": "forced_labour"},
        ),
    )

    # then: three cases, one incident, the report handled and linked to them
    assert response.status_code == 302
    cases = list(Case.objects.all())
    assert len(cases) == 3
    assert len({c.incident_id for c in cases}) == 1
    assert Incident.objects.count() == 1
    assert NarrativeEntry.objects.filter(case__in=cases).count() == 3
    report = ConcernReport.objects.select_related("consultation").get(pk=report_id)
    assert report.state == ConcernReportState.CASE_OPENED
    assert report.consultation is not None and report.consultation.case_id in {c.id for c in cases}
    detail = client.get(reverse("referrals:desk_report_detail", args=[report_id]))
    assert detail.content.decode().count("Case of person ") == 3
    case_page = client.get(response["Location"]).content.decode()
    assert "Found together with 2 other people" in case_page
    others = [c for c in cases if str(c.pk) not in response["Location"]]
    assert all(c.reference in case_page for c in others)


def test_issue11_concern_about_three_people_opens_three_linked_cases_over_the_api() -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    api = api_client_for(actor)
    people = [
        {"given_name": "Testi", "age_status": AgeStatus.VERIFIED_ADULT},
        {"given_name": "Testo"},
        {"forms_of_exploitation": ["forced_labour"]},
    ]

    # when
    response = api.post(
        f"/api/v1/desk/reports/{report_id}/triage/",
        {"action": "open_case", "people": people},
        format="json",
    )

    # then: the report names the three cases; each case names its incident
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == ConcernReportState.CASE_OPENED
    assert len(body["case_ids"]) == 3
    case = api.get(f"/api/v1/cases/{body['case_ids'][0]}/").json()
    incident = Incident.objects.get()
    assert case["incident"]["id"] == str(incident.id)
    assert case["incident"]["reference"] == incident.reference
    assert {c["id"] for c in case["incident"]["shared"]} == set(body["case_ids"][1:])
    assert case["incident"]["not_shared"] == 0


def test_it_opens_one_case_without_an_incident_for_one_person() -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    client = sign_in(Client(), actor)

    # when
    response = client.post(
        reverse("referrals:desk_report_case_open", args=[report_id]),
        rows({"given_name": "Testi", "age_status": AgeStatus.VERIFIED_ADULT}),
    )

    # then
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.incident_id is None
    page = client.get(response["Location"]).content.decode()
    assert "Found together" not in page
    colleague = make_user(organisation=actor.organisation, role=Role.CASEWORKER)
    api_case = api_client_for(colleague).get(f"/api/v1/cases/{case.pk}/").json()
    assert api_case["incident"] is None


# --- all or nothing --------------------------------------------------------------------------


def test_issue11_a_bad_row_opens_no_case_and_names_the_row_and_field_on_the_page() -> None:
    # given: a report about three people
    actor = coordinator()
    report_id = a_report()
    client = sign_in(Client(), actor)

    # when: the third row's name is too long
    response = client.post(
        reverse("referrals:desk_report_case_open", args=[report_id]),
        rows(
            {"given_name": "Testi", "age_status": AgeStatus.VERIFIED_ADULT},
            {"given_name": "Testo", "age_status": AgeStatus.VERIFIED_ADULT},
            {"given_name": "x" * 201, "age_status": AgeStatus.VERIFIED_ADULT},
        ),
    )

    # then: nothing is created and the error stands beside the third row's field
    assert response.status_code == 400
    assert not Case.objects.exists()
    assert not Incident.objects.exists()
    assert ConcernReport.objects.get(pk=report_id).state == ConcernReportState.NEW
    html = response.content.decode()
    assert 'id="id_people-2-given_name_error"' in html
    assert "Person 3, Given name" in html


def test_issue11_a_row_refused_by_intake_undoes_the_rows_before_it() -> None:
    # given: the third person is refused by intake itself, after two cases were made
    actor = coordinator()
    report_id = a_report()
    people = [
        services.PersonFound(person=case_services.PersonInput(given_name="Testi")),
        services.PersonFound(person=case_services.PersonInput(given_name="Testo")),
        services.PersonFound(
            person=case_services.PersonInput(estimated_age_min=40, estimated_age_max=20)
        ),
    ]

    # when
    with pytest.raises(PersonRowInvalid) as refused:
        services.report_cases_open(actor=actor, report_id=report_id, people=people)

    # then: the error names the row and the field; nothing stays
    assert refused.value.row == 2
    assert refused.value.field is not None and refused.value.field.startswith("people.2.")
    assert "Person 3" in refused.value.message
    assert not Case.objects.exists()
    assert not Incident.objects.exists()
    assert not Consultation.objects.exists()
    assert ConcernReport.objects.get(pk=report_id).state == ConcernReportState.NEW


def test_issue11_a_bad_row_over_the_api_opens_no_case_and_names_the_row_and_field() -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    people = [
        {"given_name": "Testi"},
        {"given_name": "Testo"},
        {"estimated_age_min": 40, "estimated_age_max": 20},
    ]

    # when
    response = api_client_for(actor).post(
        f"/api/v1/desk/reports/{report_id}/triage/",
        {"action": "open_case", "people": people},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert response.json()["field"].startswith("people.2.")
    assert not Case.objects.exists()
    assert ConcernReport.objects.get(pk=report_id).state == ConcernReportState.NEW


def test_it_keeps_the_one_person_error_on_the_field_itself() -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    person = case_services.PersonInput(estimated_age_min=40, estimated_age_max=20)

    # when
    with pytest.raises(InvalidInput) as refused:
        services.report_case_open(actor=actor, report_id=report_id, person=person)

    # then
    assert not isinstance(refused.value, PersonRowInvalid)
    assert refused.value.field is not None and not refused.value.field.startswith("people")


@pytest.mark.parametrize("count", [0, services.PEOPLE_MAX + 1])
def test_it_refuses_no_people_or_too_many(count: int) -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    people = [services.PersonFound(person=case_services.PersonInput()) for _ in range(count)]

    # when
    with pytest.raises(InvalidInput) as refused:
        services.report_cases_open(actor=actor, report_id=report_id, people=people)

    # then
    assert (refused.value.code, refused.value.field) == (ReferralErrorCode.INVALID, "people")
    assert not Case.objects.exists()


def test_it_shows_a_refusal_of_the_whole_report_above_the_rows() -> None:
    # given: a report already dealt with
    actor = coordinator()
    report_id = a_report()
    services.report_close(actor=actor, report_id=report_id, reason="duplicate")
    client = sign_in(Client(), actor)

    # when
    response = client.post(
        reverse("referrals:desk_report_case_open", args=[report_id]),
        rows(
            {"given_name": "Testi", "age_status": AgeStatus.VERIFIED_ADULT},
            {"given_name": "Testo", "age_status": AgeStatus.UNCERTAIN},
        ),
    )

    # then
    assert response.status_code == 400
    assert "already dealt with" in response.content.decode()
    assert not Case.objects.exists()


# --- the case page: only the linked cases the reader may see ---------------------------------


@pytest.mark.parametrize("shared", [True, False])
def test_issue11_case_page_lists_linked_cases_the_reader_may_see_and_counts_the_others(
    shared: bool,
) -> None:
    # given: an NGO on the first case, and (allowed side) on the second as well
    actor = coordinator()
    first, second, third = three_cases(actor, a_report())
    ngo_user = make_user(org_type=OrgType.NGO)
    assert ngo_user.organisation is not None
    add_to_team(case=first, organisation=ngo_user.organisation, by=actor)
    if shared:
        add_to_team(case=second, organisation=ngo_user.organisation, by=actor)

    # when
    page = sign_in(Client(), ngo_user).get(reverse("web:case_detail", args=[first.pk]))
    colleague = make_user(organisation=ngo_user.organisation)
    api = api_client_for(colleague).get(f"/api/v1/cases/{first.pk}/").json()

    # then: the group is visible; references only of the cases the NGO is on
    html = page.content.decode()
    assert page.status_code == 200
    assert "Found together with 2 other people" in html
    assert third.reference not in html
    assert third.reference not in str(api)
    assert str(third.pk) not in html
    if shared:
        assert second.reference in html
        assert "and 1 other not shared with you" in html
        assert [c["reference"] for c in api["incident"]["shared"]] == [second.reference]
        assert api["incident"]["not_shared"] == 1
    else:
        assert second.reference not in html
        assert "2 cases are not shared with you" in html
        assert api["incident"]["shared"] == []
        assert api["incident"]["not_shared"] == 2
