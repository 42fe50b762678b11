"""R-10: the presumption of minority holds after intake. An age assessment is a
recorded decision and the only way out of child protections; a person later
found or suspected to be a child moves into them at once (child indicator sets,
guardian task); an appeal is recorded, and an "adult" result overturned on appeal
moves the person back into protections."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import hooks
from haven.cases import services as case_services
from haven.cases.models import Case, Draft, ExploitationForm, Person
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.children import clocks as children_clocks
from haven.children import errors, policy, selectors, services
from haven.children.models import AgeAssessment, AgeRecordKind
from haven.children.tests.factories import open_child_case
from haven.deadlines.models import Task
from haven.identification.selectors import screening as screening_selectors
from haven.identification.tests.factories import load_shipped_sets
from haven.web import timeline
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

AGE_ASSESSMENTS = "/api/v1/cases/{id}/age-assessments/"
NEW_INFORMATION = "/api/v1/cases/{id}/age-new-information/"
APPEAL = "/api/v1/age-assessments/{id}/appeal/"
VIEWS = "I am nineteen; my passport was taken by the man who brought me."
REASONS = "The birth certificate obtained from the embassy shows the person is 19."


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def today() -> date:
    return timezone.localdate()


def assessment(**changes: Any) -> services.AgeAssessmentInput:
    fields: dict[str, Any] = {
        "method": "documents",
        "result": "verified_adult",
        "assessed_on": today(),
        "reasons": REASONS,
        "person_views": VIEWS,
        "appeal_how": "To the administrative court within 30 days, with the legal counsel.",
        "legal_basis": "Child Welfare Act 417/2007, s. 6",
        "appeal_by": today() + timedelta(days=30),
        "assessor": "Social worker, city child protection",
    }
    fields.update(changes)
    return services.AgeAssessmentInput(**fields)


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in assessment().__dict__.items()
        if v is not None
    }
    data.update(changes)
    return data


def person(case: Case) -> Person:
    return Person.objects.get(pk=case.person_id)


def guardian_tasks(case: Case, status: str = Task.Status.OPEN) -> int:
    return Task.objects.filter(
        case=case, kind=children_clocks.GUARDIAN_APPOINTMENT, status=status
    ).count()


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


# --- the only way out ------------------------------------------------------------------------


def test_r10_age_assessment_only_way_out_of_child_protections() -> None:
    # given: three presumed children, on three cases
    caseworker = make_user(org_type=OrgType.NGO)
    api_client = api_client_for(caseworker)
    by_service, by_page, by_api = (open_child_case(actor=caseworker) for _ in range(3))
    other = open_child_case(actor=caseworker)
    news = services.age_new_information_record  # a record that is no assessment
    adult = open_case(actor=caseworker, age_status="uncertain")
    not_an_assessment = news(actor=caseworker, case_id=adult.id, reasons="x", noted_on=today())
    elsewhere = services.age_assessment_record(
        actor=caseworker, case_id=other.id, assessment=assessment()
    )

    # when: the cases service is asked without an assessment, or with one that is not
    # an assessment of this person's current status to this result
    refused = []
    for assessment_id in (None, uuid.uuid4(), "nonsense", not_an_assessment.id, elsewhere.id):
        with pytest.raises(case_errors.AgeAssessmentRequired) as refusal:
            case_services.person_age_status_set(
                actor=caseworker,
                case_id=by_service.id,
                to_status="verified_adult",
                age_assessment_id=assessment_id,
            )
        refused.append(refusal.value.code)
    # an old assessment cannot be replayed after the status moved on
    news(actor=caseworker, case_id=other.id, reasons="A school record.", noted_on=today())
    with pytest.raises(case_errors.AgeAssessmentRequired):
        case_services.person_age_status_set(
            actor=caseworker,
            case_id=other.id,
            to_status="verified_adult",
            age_assessment_id=elsewhere.id,
        )
    # and new information never takes anyone out
    with pytest.raises(errors.AlreadyTreatedAsChild):
        news(actor=caseworker, case_id=by_service.id, reasons="x", noted_on=today())

    # when: an age assessment is recorded, on the page and through the API
    page = client_for(caseworker).post(
        reverse("children:age_assessment_new", args=[by_page.id]), form_data()
    )
    api = api_client.post(AGE_ASSESSMENTS.format(id=by_api.id), form_data(), format="json")

    # then
    assert refused == ["age_assessment_required"] * 5
    assert person(by_service).treat_as_child
    assert page.status_code == 302
    assert api.status_code == 201
    assert api.json()["age_status"] == "verified_adult"
    for case in (by_page, by_api):
        assert person(case).age_status == "verified_adult"
        assert guardian_tasks(case) == 0
        assert guardian_tasks(case, Task.Status.CANCELLED) == 1
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="cases.Person", object_id=str(by_api.person_id)
    ).exists()


def test_r10_intake_still_refuses_a_verified_adult_with_an_estimate_under_18() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    # when / then
    with pytest.raises(case_errors.InvalidInput) as refusal:
        open_case(actor=caseworker, age_status="verified_adult", estimated_age_min=16)
    assert refusal.value.field == "age_status"


def test_r10_a_verification_as_adult_needs_an_assessment_even_from_uncertain() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="uncertain")
    # when
    with pytest.raises(case_errors.AgeAssessmentRequired):
        case_services.person_age_status_set(
            actor=caseworker, case_id=case.id, to_status="verified_adult"
        )
    with pytest.raises(case_errors.InvalidInput) as unknown:
        case_services.person_age_status_set(actor=caseworker, case_id=case.id, to_status="old")
    # then
    assert unknown.value.field == "age_status"
    assert person(case).age_status == "uncertain"


def test_r10_an_assessment_that_keeps_the_status_changes_nothing_but_is_recorded() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    row = services.age_assessment_record(
        actor=caseworker,
        case_id=case.id,
        assessment=assessment(result="uncertain_presumed_child", estimated_age_min=16),
    )
    # then
    assert row.from_status == "uncertain_presumed_child"
    assert person(case).age_status == "uncertain_presumed_child"
    assert guardian_tasks(case) == 1


def test_only_children_register_the_age_assessment_lookup() -> None:
    # then: cases asks children, and children answers None for what it did not record
    assert selectors.recorded_age_assessment(uuid.uuid4(), "nonsense") is None
    assert hooks.age_assessment(case_id=uuid.uuid4(), assessment_id=uuid.uuid4()) is None
    assert hooks.handlers()["age_status_changed"] == [
        "haven.children.clocks.guardian_clock_follow_age"
    ]


# --- into protections at once -----------------------------------------------------------------


def test_r10_person_later_found_child_gets_child_set_and_guardian_task() -> None:
    # given: an adult of uncertain age, screened with the adults' labour set
    load_shipped_sets()
    caseworker = make_user(org_type=OrgType.NGO)
    api_client = api_client_for(caseworker)
    by_page = open_case(actor=caseworker, age_status="uncertain", forms=[ExploitationForm.LABOUR])
    by_api = open_case(actor=caseworker, age_status="verified_adult", forms=[])
    before = screening_selectors.screening_suggested_set(case=by_page)

    # when: new information suggests a child
    page = client_for(caseworker).post(
        reverse("children:age_new_information", args=[by_page.id]),
        {"reasons": "Her school report says she is 16.", "noted_on": today().isoformat()},
    )
    api = api_client.post(
        NEW_INFORMATION.format(id=by_api.id),
        {"reasons": "A brother says he is 15.", "noted_on": today().isoformat()},
        format="json",
    )

    # then: the child set is suggested and a guardian is due today, at once
    assert before is not None
    assert before.key == "adults_labour"
    assert page.status_code == 302
    assert api.status_code == 201
    assert api.json()["treat_as_child"] is True
    for case in (by_page, by_api):
        case.refresh_from_db()
        case.person.refresh_from_db()
        assert case.person.age_status == "uncertain_presumed_child"
        suggested = screening_selectors.screening_suggested_set(case=case)
        assert suggested is not None
        assert suggested.key == "children_labour"
        [task] = Task.objects.filter(case=case, kind=children_clocks.GUARDIAN_APPOINTMENT)
        assert task.status == Task.Status.OPEN
        assert task.blocking
        assert timezone.localtime(task.due_at).date() == today()
    assert AgeAssessment.objects.get(case=by_page).kind == AgeRecordKind.NEW_INFORMATION


def test_r10_new_information_needs_reasons_and_a_date_in_the_case() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="uncertain")
    news = services.age_new_information_record
    # when
    fields = []
    for reasons, noted_on in (
        ("  ", today()),
        ("A school report.", today() + timedelta(days=1)),
        ("A school report.", today() - timedelta(days=1)),
    ):
        with pytest.raises(errors.AgeAssessmentInputInvalid) as refusal:
            news(actor=caseworker, case_id=case.id, reasons=reasons, noted_on=noted_on)
        fields.append(refusal.value.field)
    # then
    assert fields == ["reasons", "noted_on", "noted_on"]
    assert not person(case).treat_as_child


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assessed_on": date(2999, 1, 1)}, "assessed_on"),  # in the future
        ({"assessed_on": date(2000, 1, 1)}, "assessed_on"),  # before the case was opened
        ({"method": ""}, "method"),
        ({"result": "uncertain"}, "result"),  # only a decision, never "uncertain" again
        ({"appeal_by": date(2000, 1, 1)}, "appeal_by"),
        ({"estimated_age_min": 200}, "estimated_age_min"),
        ({"estimated_age_min": 20, "estimated_age_max": 19}, "estimated_age_min"),
        ({"estimated_age_min": 17, "estimated_age_max": 19}, "result"),  # benefit of the doubt
        ({"assessor": "x" * 201}, "assessor"),
        ({"assessor_organisation_id": uuid.uuid4()}, "assessor_organisation"),
        ({"legal_basis": "x" * 501}, "legal_basis"),
        ({"legal_basis": " "}, "legal_basis"),
        ({"reasons": ""}, "reasons"),
        ({"person_views": ""}, "person_views"),
        ({"appeal_how": ""}, "appeal_how"),
    ],
)
def test_r10_an_age_assessment_is_refused_when_incomplete_or_out_of_time(
    changes: dict[str, Any], field: str
) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    with pytest.raises(errors.AgeAssessmentInputInvalid) as refusal:
        services.age_assessment_record(
            actor=caseworker, case_id=case.id, assessment=assessment(**changes)
        )
    # then
    assert refusal.value.field == field
    assert person(case).treat_as_child
    assert not AgeAssessment.objects.filter(case=case).exists()


def test_r10_the_page_shows_the_refusal_beside_its_field() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    api_client = api_client_for(caseworker)
    case = open_child_case(actor=caseworker)
    url = reverse("children:age_assessment_new", args=[case.id])
    # when
    missing_method = client_for(caseworker).post(url, form_data(method=""))
    future = client_for(caseworker).post(url, form_data(assessed_on="2999-01-01"))
    api = api_client.post(
        AGE_ASSESSMENTS.format(id=case.id), form_data(assessed_on="2000-01-01"), format="json"
    )
    # then
    assert missing_method.status_code == 400
    assert 'id="id_method_error"' in missing_method.content.decode()
    assert future.status_code == 400
    assert 'id="id_assessed_on_error"' in future.content.decode()
    assert api.status_code == 400
    assert (api.json()["code"], api.json()["field"]) == (
        "age_assessment_input_invalid",
        "assessed_on",
    )
    assert person(case).treat_as_child


# --- who may record ------------------------------------------------------------------------------


def test_r10_only_team_members_who_write_the_legal_group_record_an_age_assessment() -> None:
    # given: the same case, its lead and a shelter on its team that does not see the legal group
    caseworker = make_user(org_type=OrgType.NGO)
    shelter = make_user(org_type=OrgType.SHELTER)
    outsider = make_user(org_type=OrgType.NGO)
    allowed_client, denied_client = api_client_for(caseworker), api_client_for(shelter)
    case = open_child_case(actor=caseworker)
    add_to_team(case=case, organisation=org_of(shelter))
    detail = reverse("web:case_detail", args=[case.id])
    new = reverse("children:age_assessment_new", args=[case.id])

    # when
    allowed_page = client_for(caseworker).get(detail).content.decode()
    denied_page = client_for(shelter).get(detail).content.decode()
    allowed_form = client_for(caseworker).get(new)
    denied_form = client_for(shelter).get(new)
    denied_post = client_for(shelter).post(new, form_data())
    hidden = client_for(outsider).post(new, form_data())
    allowed_api = allowed_client.post(
        AGE_ASSESSMENTS.format(id=case.id), form_data(), format="json"
    )
    denied_api = denied_client.post(AGE_ASSESSMENTS.format(id=case.id), form_data(), format="json")

    # then
    assert new in allowed_page
    assert new not in denied_page
    assert (allowed_form.status_code, denied_form.status_code) == (200, 403)
    assert (denied_post.status_code, hidden.status_code) == (403, 404)
    assert allowed_api.status_code == 201
    assert denied_api.status_code == 403
    assert denied_api.json()["code"] == "field_group_not_allowed"
    assert AgeAssessment.objects.filter(case=case).count() == 1


def test_r10_the_offered_actions_follow_the_rule_the_services_refuse_by() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    child = open_child_case(actor=caseworker)
    adult = open_case(actor=caseworker, age_status="uncertain")
    # when
    on_child = selectors.age_assessment_list(user=caseworker, case_id=child.id)
    on_adult = selectors.age_assessment_list(user=caseworker, case_id=adult.id)
    refused = client_for(caseworker).get(reverse("children:age_new_information", args=[child.id]))
    # then
    assert on_child.actions == policy.AgeActions(record_assessment=True, new_information=False)
    assert on_adult.actions == policy.AgeActions(record_assessment=True, new_information=True)
    assert policy.age_actions(writable=False, treat_as_child=False) == policy.AgeActions(
        record_assessment=False, new_information=False
    )
    assert refused.status_code == 403
    assert "already treated as a child" in refused.content.decode()


def test_r10_the_api_lists_assessments_as_published(openapi: dict[str, Any]) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    client = api_client_for(caseworker)
    url = AGE_ASSESSMENTS.format(id=case.id)
    # when
    before = client.get(url)
    created = client.post(url, form_data(), format="json")
    [row] = created.json()["assessments"]
    appealed = client.post(
        APPEAL.format(id=row["id"]),
        {"appealed_on": today().isoformat(), "version": row["version"]},
        format="json",
    )
    news = client.post(
        NEW_INFORMATION.format(id=case.id),
        {"reasons": "", "noted_on": today().isoformat()},
        format="json",
    )
    # then
    assert before.status_code == 200
    assert before.json()["assessments"] == []
    assert created.status_code == 201
    assert row["person_views"] == VIEWS
    assert appealed.status_code == 200
    assert appealed.json()["assessments"][0]["appeal_outcome"] == "pending"
    assert news.status_code == 400
    assert news.json()["code"] == "age_assessment_input_invalid"
    assert_matches_schema(openapi, AGE_ASSESSMENTS, "get", 200, before.json())
    assert_matches_schema(openapi, AGE_ASSESSMENTS, "post", 201, created.json())
    assert_matches_schema(openapi, APPEAL, "post", 200, appealed.json())


# --- appeal --------------------------------------------------------------------------------------


def test_r10_an_adult_result_overturned_on_appeal_brings_the_protections_back_at_once() -> None:
    # given: a presumed child assessed as an adult, who appeals
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    row = services.age_assessment_record(actor=caseworker, case_id=case.id, assessment=assessment())
    services.age_appeal_record(
        actor=caseworker, assessment_id=row.id, appealed_on=today(), version=1
    )
    pending = person(case).age_status
    # when
    response = client_for(caseworker).post(
        reverse("children:age_appeal", args=[case.id, row.id]),
        {
            "appealed_on": today().isoformat(),
            "outcome": "overturned",
            "decided_on": today().isoformat(),
            "version": "2",
        },
    )
    # then
    assert pending == "verified_adult"
    assert response.status_code == 302
    assert person(case).age_status == "uncertain_presumed_child"
    assert guardian_tasks(case) == 1
    row.refresh_from_db()
    assert row.appeal_outcome == "overturned"
    with pytest.raises(errors.AgeAppealInvalid):  # decided once
        services.age_appeal_record(
            actor=caseworker,
            assessment_id=row.id,
            appealed_on=today(),
            outcome="upheld",
            decided_on=today(),
            version=3,
        )
    gone = client_for(caseworker).get(reverse("children:age_appeal", args=[case.id, row.id]))
    assert gone.status_code == 404


def test_r10_an_upheld_appeal_or_one_against_a_child_result_changes_no_status() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    adult_case = open_child_case(actor=caseworker)
    child_case = open_child_case(actor=caseworker)
    adult = services.age_assessment_record(
        actor=caseworker, case_id=adult_case.id, assessment=assessment()
    )
    child = services.age_assessment_record(
        actor=caseworker,
        case_id=child_case.id,
        assessment=assessment(result="verified_child", estimated_age_max=16),
    )
    # when
    for row in (adult, child):
        services.age_appeal_record(
            actor=caseworker,
            assessment_id=row.id,
            appealed_on=today(),
            outcome="upheld" if row is adult else "overturned",
            decided_on=today(),
            version=1,
        )
    # then
    assert person(adult_case).age_status == "verified_adult"
    assert person(child_case).age_status == "verified_child"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"appealed_on": date(2999, 1, 1)}, "appealed_on"),
        ({"appealed_on": date(2000, 1, 1)}, "appealed_on"),
        ({"outcome": "upheld"}, "decided_on"),  # no date of the outcome
        ({"outcome": "upheld", "decided_on": date(2999, 1, 1)}, "decided_on"),
    ],
)
def test_r10_an_appeal_is_refused_when_incomplete_or_out_of_time(
    changes: dict[str, Any], field: str
) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    row = services.age_assessment_record(actor=caseworker, case_id=case.id, assessment=assessment())
    fields: dict[str, Any] = {"appealed_on": today(), "version": 1}
    fields.update(changes)
    # when
    with pytest.raises(errors.AgeAssessmentInputInvalid) as refusal:
        services.age_appeal_record(actor=caseworker, assessment_id=row.id, **fields)
    # then
    assert refusal.value.field == field


def test_r10_an_appeal_is_before_no_assessment_and_only_against_an_assessment() -> None:
    # given: an assessment dated before today, and new information
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    row = services.age_assessment_record(actor=caseworker, case_id=case.id, assessment=assessment())
    AgeAssessment.objects.filter(pk=row.pk).update(assessed_on=today() + timedelta(days=1))
    news = services.age_new_information_record(
        actor=caseworker, case_id=case.id, reasons="A school record.", noted_on=today()
    )
    # when / then
    with pytest.raises(errors.AgeAssessmentInputInvalid) as early:
        services.age_appeal_record(
            actor=caseworker, assessment_id=row.id, appealed_on=today(), version=1
        )
    with pytest.raises(errors.AgeAppealInvalid):
        services.age_appeal_record(
            actor=caseworker, assessment_id=news.id, appealed_on=today(), version=1
        )
    assert early.value.field == "appealed_on"


# --- timeline, case page and the report for the person ----------------------------------------


def test_r10_the_timeline_case_page_and_report_show_the_age_assessment() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    organisation = org_of(caseworker)
    row = services.age_assessment_record(
        actor=caseworker,
        case_id=case.id,
        assessment=assessment(assessor_organisation_id=organisation.pk, estimated_age_min=19),
    )
    services.age_appeal_record(
        actor=caseworker, assessment_id=row.id, appealed_on=today(), version=1
    )
    # when
    _case, read = timeline.timeline_read(user=caseworker, case_id=case.id)
    entries = [(e.kind, e.title, e.detail) for e in read.entries if e.kind == "age_assessment"]
    page = client_for(caseworker).get(reverse("web:case_detail", args=[case.id])).content.decode()
    listing = client_for(caseworker).get(reverse("children:age_assessment_list", args=[case.id]))
    report = client_for(caseworker).get(reverse("web:person_report", args=[case.id]))
    # then
    assert entries == [
        ("age_assessment", "Age assessment", "Adult (verified)"),
        ("age_assessment", "Appeal against the age assessment", "Pending"),
    ]
    assert "Age assessment: Adult (verified)" in page
    assert "Record an appeal" not in page
    assert "Record the outcome of the appeal" in listing.content.decode()
    assert VIEWS in listing.content.decode()
    assert "Your age" in report.content.decode()
    assert REASONS in report.content.decode()
    assert VIEWS in report.content.decode()


def test_r10_the_age_block_is_hidden_without_the_legal_group() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    shelter = make_user(org_type=OrgType.SHELTER)
    case = open_child_case(actor=caseworker)
    add_to_team(case=case, organisation=org_of(shelter))
    # when
    page = client_for(shelter).get(reverse("web:case_detail", args=[case.id])).content.decode()
    # then
    assert 'id="age-title"' not in page


def test_r10_an_age_assessment_saved_as_a_draft_is_resumed_only_by_its_author_on_the_team() -> None:
    # given: the lead and a shelter on the team that does not write the legal group
    caseworker = make_user(org_type=OrgType.NGO)
    shelter = make_user(org_type=OrgType.SHELTER)
    case = open_child_case(actor=caseworker)
    add_to_team(case=case, organisation=org_of(shelter))
    url = reverse("children:age_assessment_new", args=[case.id])
    half_done = {
        "method": "multidisciplinary",
        "reasons": "Says she is sixteen; no papers yet.",
        "draft_kind": "age_assessment",
        "draft_path": url,
        "draft_case": str(case.id),
    }
    # when
    form = client_for(caseworker).get(url).content.decode()
    saved = client_for(caseworker).post(reverse("cases:draft_save"), half_done)
    resumed = client_for(caseworker).get(saved["Location"]).content.decode()
    refused = client_for(shelter).post(reverse("cases:draft_save"), half_done)
    draft = Draft.objects.get()
    done = client_for(caseworker).post(url, form_data(draft_id=str(draft.id)))
    # then
    assert "Save draft" in form and "data-idle-warning" in form
    assert saved.status_code == 302
    assert "Says she is sixteen; no papers yet." in resumed
    assert refused.status_code in (403, 404)
    assert done.status_code == 302
    assert not Draft.objects.exists()
