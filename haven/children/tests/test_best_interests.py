"""R-25: a best-interests assessment before every major decision on a child, and a
determination that follows one. R-27: the child's views are heard and kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases.models import Case, Draft
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.children import errors, selectors, services
from haven.children.models import BestInterestsRecord
from haven.children.tests.factories import open_child_case
from haven.lib.errors import HavenError
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

VIEWS = "She wants to stay with her foster family and go to the same school."


def record(actor: User, case: Case, **overrides: Any) -> BestInterestsRecord:
    fields: dict[str, Any] = {
        "stage": "assessment",
        "matter": "placement",
        "how_heard": "conversation",
        "child_views": VIEWS,
        "considerations": "Safety, schooling, her wish to stay.",
        "conclusion": "Stay in foster care.",
        "guardian_present": True,
        "decided_on": timezone.localdate(),
    }
    fields.update(overrides)
    return services.best_interests_record(actor=actor, case_id=case.id, **fields)


def code_of(call: Any) -> tuple[str, str | None]:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code, refused.value.field


@pytest.mark.parametrize("matter", ["placement", "interview", "return"])
def test_r25_it_records_an_assessment_then_a_determination_for_a_major_decision(
    matter: str,
) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    assessment = record(caseworker, case, matter=matter)
    answer = {"favours_return": True} if matter == "return" else {}
    determination = record(caseworker, case, matter=matter, stage="determination", **answer)
    # then
    view = selectors.best_interests_list(user=caseworker, case_id=case.id)
    row = BestInterestsRecord.objects.get(pk=assessment.pk)
    events = AuditEvent.objects.filter(object_type="children.BestInterestsRecord")
    created = events.filter(action=Action.CREATE, object_id=str(assessment.pk)).first()
    assert [r.stage for r in view.records] == ["determination", "assessment"]
    assert view.records[1].child_views == VIEWS
    assert determination.guardian_present is True
    assert b"foster" not in bytes(row.child_views_enc)
    assert created is not None
    assert created.field_groups == FieldGroup.ASSESSMENT
    assert created.detail == {"stage": "assessment", "matter": matter, "how_heard": "conversation"}


def test_r25_a_determination_needs_an_earlier_assessment_of_the_same_matter() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    today = timezone.localdate()
    record(caseworker, case, matter="interview", decided_on=today)
    # when
    other_matter = code_of(lambda: record(caseworker, case, stage="determination"))
    earlier = code_of(
        lambda: record(
            caseworker,
            case,
            matter="interview",
            stage="determination",
            decided_on=today - timedelta(days=1),
        )
    )
    allowed = record(caseworker, case, matter="interview", stage="determination")
    # then
    assert other_matter == earlier == ("assessment_required", "stage")
    assert allowed.stage == "determination"


@pytest.mark.parametrize(
    ("how_heard", "views", "field"),
    [
        ("conversation", "  ", "child_views"),
        ("not_heard", "", "child_views"),
    ],
)
def test_r27_the_childs_views_or_the_reason_they_were_not_heard_are_required(
    how_heard: str, views: str, field: str
) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    refused = code_of(lambda: record(caseworker, case, how_heard=how_heard, child_views=views))
    allowed = record(
        caseworker, case, how_heard=how_heard, child_views="She was asleep in hospital."
    )
    # then
    assert refused == ("best_interests_input_invalid", field)
    assert list(BestInterestsRecord.objects.all()) == [allowed]


def test_r25_it_refuses_an_adult_and_members_without_the_assessment_group() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    child = open_child_case(actor=caseworker)
    adult = open_case(actor=caseworker, age_status="verified_adult")
    health = make_user(org_type=OrgType.HEALTH)  # sees identity and health, not assessment
    add_to_team(case=child, organisation=org_of(health))
    outsider = make_user(org_type=OrgType.NGO)
    # when
    with pytest.raises(errors.NotAChild) as not_a_child:
        record(caseworker, adult)
    with pytest.raises(case_errors.GroupNotAllowed):
        record(health, child)
    with pytest.raises(case_errors.CaseNotFound):
        record(outsider, child)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.best_interests_list(user=health, case_id=child.id)
    allowed = record(caseworker, child)
    # then
    assert not_a_child.value.code == "not_a_child"
    assert list(BestInterestsRecord.objects.all()) == [allowed]


def test_r25_a_break_glass_user_reads_but_cannot_record() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    outsider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    case = open_child_case(actor=lead)
    access_services.break_glass_open(
        actor=outsider,
        case_id=case.id,
        person_id=case.person_id,
        justification="Missing from the shelter tonight; the lead cannot be reached.",
    )
    # when
    view = selectors.best_interests_list(user=outsider, case_id=case.id)
    refused = code_of(lambda: record(outsider, case))
    allowed = record(lead, case)
    # then
    assert view.records == []
    assert refused == ("break_glass_read_only", None)
    assert list(BestInterestsRecord.objects.all()) == [allowed]


def test_r27_the_form_shows_the_missing_views_next_to_the_field_and_saves_otherwise() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    client = sign_in(Client(), caseworker)
    url = reverse("children:best_interests_new", args=[case.id])
    body = {
        "stage": "assessment",
        "matter": "placement",
        "how_heard": "not_heard",
        "child_views": "",
        "considerations": "Safety.",
        "conclusion": "Stay.",
        "decided_on": timezone.localdate().isoformat(),
    }
    # when
    refused = client.post(url, body)
    saved = client.post(url, {**body, "child_views": "Too unwell to talk this week."})
    listing = client.get(reverse("children:best_interests_list", args=[case.id])).content.decode()
    page = client.get(reverse("web:case_detail", args=[case.id])).content.decode()
    # then
    assert refused.status_code == 400
    assert 'id="id_child_views_error"' in refused.content.decode()
    assert saved.status_code == 302
    assert "Too unwell to talk this week." in listing
    assert 'id="child-care"' in page
    assert "Placement and care: Best-interests assessment" in page


def test_r25_the_api_records_and_lists_with_codes() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    client = api_client_for(caseworker)
    url = f"/api/v1/cases/{case.id}/best-interests/"
    body = {
        "stage": "determination",
        "matter": "return",
        "how_heard": "play_or_drawing",
        "child_views": "Drew her grandmother's house.",
        "considerations": "Risk at home.",
        "conclusion": "No return now.",
        "decided_on": timezone.localdate().isoformat(),
    }
    # when
    refused = client.post(url, body, format="json")
    client.post(url, {**body, "stage": "assessment"}, format="json")
    unanswered = client.post(url, body, format="json")
    created = client.post(url, {**body, "favours_return": False}, format="json")
    # then
    assert (refused.status_code, refused.json()["code"]) == (409, "assessment_required")
    assert unanswered.json() | {"detail": ""} == {
        "code": "best_interests_input_invalid",
        "detail": "",
        "field": "favours_return",
    }
    assert created.status_code == 201
    assert [r["stage"] for r in created.json()["records"]] == ["determination", "assessment"]
    assert [r["favours_return"] for r in created.json()["records"]] == [False, None]


def test_r27_a_best_interests_draft_is_resumed_by_its_author_and_gone_once_saved() -> None:
    # given: a half-typed hearing of the child, saved as a draft
    caseworker = make_user(org_type=OrgType.NGO)
    colleague = make_user(organisation=org_of(caseworker))
    case = open_child_case(actor=caseworker)
    client = sign_in(Client(), caseworker)
    url = reverse("children:best_interests_new", args=[case.id])
    half_done = {
        "stage": "assessment",
        "child_views": "Wants to stay with her aunt.",
        "draft_kind": "best_interests",
        "draft_path": url,
        "draft_case": str(case.id),
    }
    # when
    form = client.get(url).content.decode()
    saved = client.post(reverse("cases:draft_save"), half_done)
    resumed = client.get(saved["Location"]).content.decode()
    theirs = sign_in(Client(), colleague).get(saved["Location"])
    draft = Draft.objects.get()
    done = client.post(
        url,
        {
            "stage": "assessment",
            "matter": "placement",
            "how_heard": "conversation",
            "child_views": "Wants to stay with her aunt.",
            "considerations": "Safety.",
            "conclusion": "Stay.",
            "decided_on": timezone.localdate().isoformat(),
            "draft_id": str(draft.id),
        },
    )
    # then
    assert "Save draft" in form and "data-idle-warning" in form
    assert saved["Location"] == f"{url}?draft={draft.id}"
    assert "Wants to stay with her aunt." in resumed
    assert theirs.status_code == 404
    assert done.status_code == 302
    assert not Draft.objects.exists()


def test_r30_a_determination_on_return_concludes_yes_or_no_and_only_it_does() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    record(caseworker, case, matter="return")
    record(caseworker, case, matter="placement")
    # when
    unanswered = code_of(lambda: record(caseworker, case, matter="return", stage="determination"))
    misplaced = code_of(lambda: record(caseworker, case, matter="placement", favours_return=False))
    before = selectors.return_determination(case_id=case.id)
    record(caseworker, case, matter="return", stage="determination", favours_return=True)
    # then
    assert unanswered == ("best_interests_input_invalid", "favours_return")
    assert misplaced == ("best_interests_input_invalid", "favours_return")
    assert before is None
    assert selectors.return_determination(case_id=case.id) is True


def test_r30_the_form_records_the_conclusion_on_return() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    record(caseworker, case, matter="return")
    client = sign_in(Client(), caseworker)
    url = reverse("children:best_interests_new", args=[case.id])
    body = {
        "stage": "determination",
        "matter": "return",
        "how_heard": "conversation",
        "child_views": "Wants to go home to her mother.",
        "considerations": "Safety at home was checked.",
        "conclusion": "Return with support.",
        "decided_on": timezone.localdate().isoformat(),
    }
    # when
    refused = client.post(url, body)
    done = client.post(url, {**body, "favours_return": "yes"})
    listed = client.get(reverse("children:best_interests_list", args=[case.id]))
    # then
    assert refused.status_code == 400
    assert done.status_code == 302
    assert "Return in the child's best interests" in listed.content.decode()
    assert selectors.return_determination(case_id=case.id) is True
