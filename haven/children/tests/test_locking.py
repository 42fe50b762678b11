"""Two people updating the same family tracing (R-11), dependant's schooling (R-27)
or age-assessment appeal (R-10) at once (issue 12, optimistic locking): the second
is told, and loses nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.children import selectors, services
from haven.children.models import Dependant, FamilyTracing
from haven.children.tests import test_age as age_tests
from haven.children.tests.factories import open_child_case
from haven.children.tests.test_dependants import add
from haven.children.tests.test_family_tracing import start
from haven.lib.errors import EditConflict, ErrorCode
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def colleague_of(user: User) -> User:
    return make_user(organisation=user.organisation)


def test_r11_a_second_tracing_update_from_the_same_version_is_refused_and_the_first_kept() -> None:
    # given: two caseworkers read version 1
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    tracing = start(caseworker, case)
    today = timezone.localdate()
    first = services.family_tracing_update(
        actor=caseworker,
        tracing_id=tracing.id,
        status="under_way",
        outcome="An aunt may know where the mother lives.",
        updated_on=today,
        version=1,
    )
    # when
    with pytest.raises(EditConflict) as refused:
        services.family_tracing_update(
            actor=colleague_of(caseworker),
            tracing_id=tracing.id,
            status="under_way",
            outcome="Nothing new.",
            updated_on=today,
            version=1,
        )
    # then
    assert (refused.value.code, refused.value.field) == (ErrorCode.EDIT_CONFLICT, "version")
    view = selectors.family_tracing_list(user=caseworker, case_id=case.id)
    assert view.tracings[0].outcome == "An aunt may know where the mother lives."
    assert (first.version, FamilyTracing.objects.get(pk=tracing.pk).version) == (2, 2)


def test_r11_the_update_page_keeps_the_typed_outcome_and_shows_what_is_saved() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    tracing = start(caseworker, case)
    today = timezone.localdate().isoformat()
    url = reverse("children:family_tracing_update", args=[case.id, tracing.id])
    base = {"status": "under_way", "updated_on": today, "version": "1"}
    first = sign_in(Client(), caseworker).post(url, {**base, "outcome": "Saved first."})
    client = sign_in(Client(), colleague_of(caseworker))
    # when
    conflict = client.post(url, {**base, "outcome": "Typed second."})
    again = client.post(url, {**base, "outcome": "Typed second.", "version": "2"})
    # then
    page = conflict.content.decode()
    assert (first.status_code, conflict.status_code, again.status_code) == (302, 409, 302)
    assert "Someone else changed this record" in page
    assert "Saved first." in page and "Typed second." in page
    assert 'name="version" value="2"' in page
    view = selectors.family_tracing_list(user=caseworker, case_id=case.id)
    assert view.tracings[0].outcome == "Typed second."


def test_r11_the_api_answers_a_stale_tracing_update_with_409() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    tracing = start(caseworker, case)
    url = f"/api/v1/family-tracing/{tracing.id}/"
    body = {"status": "under_way", "updated_on": timezone.localdate().isoformat(), "version": 1}
    # when
    first = api_client_for(caseworker).post(url, {**body, "outcome": "First."}, format="json")
    stale = api_client_for(colleague_of(caseworker)).post(url, body, format="json")
    # then
    assert first.status_code == 200 and first.json()["tracings"][0]["version"] == 2
    assert (stale.status_code, stale.json()["code"], stale.json()["field"]) == (
        409,
        "edit_conflict",
        "version",
    )


def test_r27_a_second_schooling_update_from_the_same_version_is_refused_and_the_first_kept() -> (
    None
):
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    dependant = add(caseworker, case)
    services.dependant_update_education(
        actor=caseworker, dependant_id=dependant.id, education="enrolled", needs="", version=1
    )
    # when
    with pytest.raises(EditConflict):
        services.dependant_update_education(
            actor=colleague_of(caseworker),
            dependant_id=dependant.id,
            education="not_arranged",
            needs="Speech therapy.",
            version=1,
        )
    # then
    row = Dependant.objects.get(pk=dependant.pk)
    assert (row.education, row.version) == ("enrolled", 2)


def test_r27_the_schooling_page_keeps_what_was_typed_and_shows_what_is_saved() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    dependant = add(caseworker, case)
    url = reverse("children:dependant_education", args=[case.id, dependant.id])
    first = sign_in(Client(), caseworker).post(
        url, {"education": "enrolled", "needs": "Saved first.", "version": "1"}
    )
    # when
    conflict = sign_in(Client(), colleague_of(caseworker)).post(
        url, {"education": "arranging", "needs": "Typed second.", "version": "1"}
    )
    # then
    page = conflict.content.decode()
    assert (first.status_code, conflict.status_code) == (302, 409)
    assert "Saved first." in page and "Typed second." in page
    assert 'name="version" value="2"' in page
    assert Dependant.objects.get(pk=dependant.pk).education == "enrolled"


def test_r10_a_second_appeal_update_from_the_same_version_is_refused_and_the_first_kept() -> None:
    # given: an 'adult' result; two caseworkers record the appeal from version 1
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    row = services.age_assessment_record(
        actor=caseworker, case_id=case.id, assessment=age_tests.assessment()
    )
    day = timezone.localdate()
    services.age_appeal_record(actor=caseworker, assessment_id=row.id, appealed_on=day, version=1)
    # when
    with pytest.raises(EditConflict):
        services.age_appeal_record(
            actor=colleague_of(caseworker),
            assessment_id=row.id,
            appealed_on=day,
            outcome="upheld",
            decided_on=day,
            version=1,
        )
    # then
    row.refresh_from_db()
    assert (row.appeal_outcome, row.appeal_decided_on, row.version) == ("pending", None, 2)


def test_r10_the_appeal_page_and_api_tell_the_second_user_and_keep_what_they_typed() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    row = services.age_assessment_record(
        actor=caseworker, case_id=case.id, assessment=age_tests.assessment()
    )
    day = timezone.localdate()
    url = reverse("children:age_appeal", args=[case.id, row.id])
    first = sign_in(Client(), caseworker).post(
        url, {"appealed_on": day.isoformat(), "outcome": "pending", "version": "1"}
    )
    other = colleague_of(caseworker)
    decided = {"appealed_on": day.isoformat(), "outcome": "upheld", "decided_on": day.isoformat()}
    # when
    page = sign_in(Client(), other).post(url, {**decided, "version": "1"})
    api = api_client_for(colleague_of(caseworker)).post(
        f"/api/v1/age-assessments/{row.id}/appeal/", {**decided, "version": 1}, format="json"
    )
    # then
    body = page.content.decode()
    assert (first.status_code, page.status_code, api.status_code) == (302, 409, 409)
    assert "Someone else changed this record" in body
    assert re.search(r'value="upheld"[^>]*checked', body)
    assert 'name="version" value="2"' in body
    assert api.json()["code"] == "edit_conflict"
    row.refresh_from_db()
    assert (row.appeal_outcome, row.version) == ("pending", 2)
