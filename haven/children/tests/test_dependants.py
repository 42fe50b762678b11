"""R-27: the children of victims are indirect victims with needs of their own,
including access to education within a reasonable time. For any case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.children import selectors, services
from haven.children.models import Dependant
from haven.lib.errors import HavenError
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def add(actor: User, case: Case, **overrides: Any) -> Dependant:
    fields: dict[str, Any] = {
        "relationship": "child",
        "name": "Mila Synthetic",
        "date_of_birth": date(2018, 5, 1),
        "with_the_person": True,
        "needs": "Counselling.",
        "education": "not_arranged",
    }
    fields.update(overrides)
    return services.dependant_add(actor=actor, case_id=case.id, **fields)


def test_r27_an_adults_child_is_recorded_as_a_dependant_with_education_access() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="verified_adult")
    # when
    dependant = add(caseworker, case)
    services.dependant_update_education(
        actor=caseworker,
        dependant_id=dependant.id,
        education="enrolled",
        needs="Language support.",
        version=1,
    )
    add(caseworker, case, name="Ari Synthetic", date_of_birth=None)
    # then
    view = selectors.dependant_list(user=caseworker, case_id=case.id)
    row = Dependant.objects.get(pk=dependant.pk)
    update = AuditEvent.objects.get(object_type="children.Dependant", action=Action.UPDATE)
    assert [(d.name, d.education) for d in view.dependants] == [
        ("Mila Synthetic", "enrolled"),
        ("Ari Synthetic", "not_arranged"),
    ]
    assert view.dependants[0].date_of_birth == "2018-05-01"
    assert view.dependants[0].needs == "Language support."
    assert view.without_school == 1
    assert b"Mila" not in bytes(row.name_enc)
    assert update.field_groups == FieldGroup.IDENTITY
    assert update.detail == {"education": "enrolled"}


def test_r27_dependants_need_the_identity_group_and_a_name() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    rapporteur = make_user(org_type=OrgType.RAPPORTEUR)  # statistical group only
    add_to_team(case=case, organisation=org_of(rapporteur))
    # when
    with pytest.raises(case_errors.GroupNotAllowed):
        add(rapporteur, case)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.dependant_list(user=rapporteur, case_id=case.id)
    with pytest.raises(HavenError) as blank:
        add(caseworker, case, name=" ")
    allowed = add(caseworker, case)
    # then
    assert (blank.value.code, blank.value.field) == ("dependant_input_invalid", "name")
    assert list(Dependant.objects.all()) == [allowed]


def test_r27_the_case_page_counts_dependants_still_without_school() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker, age_status="verified_adult")
    client = sign_in(Client(), caseworker)
    # when
    added = client.post(
        reverse("children:dependant_add", args=[case.id]),
        {"relationship": "child", "name": "Mila Synthetic", "education": "not_arranged"},
    )
    dependant = Dependant.objects.get(case=case)
    before = client.get(reverse("web:case_detail", args=[case.id])).content.decode()
    updated = client.post(
        reverse("children:dependant_education", args=[case.id, dependant.id]),
        {"education": "enrolled", "needs": "", "version": "1"},
    )
    after = client.get(reverse("web:case_detail", args=[case.id])).content.decode()
    # then
    assert (added.status_code, updated.status_code) == (302, 302)
    assert "1 dependant recorded." in before
    assert "1 still without a school arrangement." in before
    assert "still without a school arrangement" not in after
    assert "Best interests" not in after  # an adult: no best-interests lines


def test_r27_the_api_adds_a_dependant_and_updates_education() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_case(actor=caseworker)
    client = api_client_for(caseworker)
    # when
    created = client.post(
        f"/api/v1/cases/{case.id}/dependants/",
        {"relationship": "child", "name": "Mila Synthetic"},
        format="json",
    )
    dependant_id = created.json()["dependants"][0]["id"]
    updated = client.post(
        f"/api/v1/dependants/{dependant_id}/education/",
        {"education": "arranging", "version": 1},
        format="json",
    )
    # then
    assert created.status_code == 201
    assert created.json()["without_school"] == 1
    assert updated.status_code == 200
    assert updated.json()["dependants"][0]["education"] == "arranging"
