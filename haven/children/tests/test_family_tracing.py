"""R-11: a child's family is traced only where it is in the child's best interests,
one tracing at a time, and it can be stopped for that reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.cases import errors as case_errors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for, org_of
from haven.children import selectors, services
from haven.children.models import FamilyTracing, TracingStatus
from haven.children.tests.factories import open_child_case
from haven.lib.errors import HavenError
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

REASON = "He asks to find his mother; no sign she took part in the exploitation."


def start(actor: User, case: Case, reason: str = REASON) -> FamilyTracing:
    return services.family_tracing_start(
        actor=actor, case_id=case.id, best_interests_reason=reason, started_on=timezone.localdate()
    )


def code_of(call: Any) -> tuple[str, str | None]:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code, refused.value.field


def test_r11_tracing_starts_only_with_the_reason_it_serves_the_child() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    # when
    refused = code_of(lambda: start(caseworker, case, reason="  "))
    tracing = start(caseworker, case)
    second = code_of(lambda: start(caseworker, case))
    # then
    view = selectors.family_tracing_list(user=caseworker, case_id=case.id)
    assert refused == ("tracing_input_invalid", "best_interests_reason")
    assert second == ("tracing_under_way", None)
    assert view.tracings[0].best_interests_reason == REASON
    assert b"mother" not in bytes(
        FamilyTracing.objects.get(pk=tracing.pk).best_interests_reason_enc
    )
    assert AuditEvent.objects.filter(object_type="children.FamilyTracing").count() == 2


def test_r11_tracing_is_for_a_child_only_and_for_members_who_see_the_assessment_group() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    child = open_child_case(actor=caseworker)
    adult = open_case(actor=caseworker, age_status="verified_adult")
    health = make_user(org_type=OrgType.HEALTH)
    add_to_team(case=child, organisation=org_of(health))
    # when
    adult_refused = code_of(lambda: start(caseworker, adult))
    with pytest.raises(case_errors.GroupNotAllowed):
        start(health, child)
    allowed = start(caseworker, child)
    # then
    assert adult_refused == ("not_a_child", None)
    assert list(FamilyTracing.objects.all()) == [allowed]


@pytest.mark.parametrize("status", ["stopped", "found", "not_found"])
def test_r11_ending_a_tracing_needs_the_outcome_in_words(status: str) -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    tracing = start(caseworker, case)
    today = timezone.localdate()

    def update(outcome: str) -> FamilyTracing:
        return services.family_tracing_update(
            actor=caseworker,
            tracing_id=tracing.id,
            status=status,
            outcome=outcome,
            updated_on=today,
            version=FamilyTracing.objects.get(pk=tracing.pk).version,
        )

    # when
    refused = code_of(lambda: update(""))
    ended = update("Contact would put him at risk.")
    closed = code_of(lambda: update("Again."))
    # then
    assert refused == ("tracing_input_invalid", "outcome")
    assert ended.status == status
    assert closed == ("tracing_closed", None)
    assert start(caseworker, case).status == TracingStatus.UNDER_WAY  # a new one may start


def test_r11_an_outsider_cannot_update_a_tracing_and_gets_the_same_404() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    tracing = start(caseworker, case)
    outsider = make_user(org_type=OrgType.NGO)
    today = timezone.localdate()
    # when
    hidden = code_of(
        lambda: services.family_tracing_update(
            actor=outsider,
            tracing_id=tracing.id,
            status="stopped",
            outcome="x",
            updated_on=today,
            version=1,
        )
    )
    early = code_of(
        lambda: services.family_tracing_update(
            actor=caseworker,
            tracing_id=tracing.id,
            status="under_way",
            outcome="",
            updated_on=today - timedelta(days=1),
            version=1,
        )
    )
    # then
    assert hidden == ("not_found", None)
    assert early == ("tracing_input_invalid", "updated_on")


def test_r11_the_pages_start_and_stop_a_tracing() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    client = sign_in(Client(), caseworker)
    today = timezone.localdate().isoformat()
    # when
    started = client.post(
        reverse("children:family_tracing_start", args=[case.id]),
        {"best_interests_reason": REASON, "started_on": today},
    )
    tracing = FamilyTracing.objects.get(case=case)
    url = reverse("children:family_tracing_update", args=[case.id, tracing.id])
    stop = {"status": "stopped", "updated_on": today, "version": "1"}
    refused = client.post(url, {**stop, "outcome": ""})
    stopped = client.post(url, {**stop, "outcome": "Risk."})
    page = client.get(reverse("web:case_detail", args=[case.id])).content.decode()
    # then
    assert (started.status_code, refused.status_code, stopped.status_code) == (302, 400, 302)
    assert 'id="id_outcome_error"' in refused.content.decode()
    assert "Stopped: not in the child&#x27;s best interests" in page


def test_r11_the_api_starts_and_updates_a_tracing() -> None:
    # given
    caseworker = make_user(org_type=OrgType.NGO)
    case = open_child_case(actor=caseworker)
    client = api_client_for(caseworker)
    today = timezone.localdate().isoformat()
    # when
    created = client.post(
        f"/api/v1/cases/{case.id}/family-tracing/",
        {"best_interests_reason": REASON, "started_on": today},
        format="json",
    )
    tracing_id = created.json()["tracings"][0]["id"]
    updated = client.post(
        f"/api/v1/family-tracing/{tracing_id}/",
        {
            "status": "found",
            "outcome": "Mother found in a safe place.",
            "updated_on": today,
            "version": created.json()["tracings"][0]["version"],
        },
        format="json",
    )
    # then
    assert created.status_code == 201
    assert updated.status_code == 200
    assert updated.json()["tracings"][0]["status"] == "found"
