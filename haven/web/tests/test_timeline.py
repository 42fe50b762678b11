"""The case timeline: status changes, decisions, the reflection period, screenings
and deadlines by date, each shown only to readers allowed its field group, on the
case page (reusing case_read) and in the API (audited once). Rows of other apps
are created directly here: this tests the timeline, not the services that write them."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from haven.access.models import FieldGroup
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.assistance.models import ReflectionExtension, ReflectionPeriod, Task, TaskKind
from haven.assistance.services import deadlines as deadline_services
from haven.assistance.tests.test_deadlines import at, deadline, staff
from haven.audit.models import Action, AuditEvent
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.cases.tests.test_views import CASE_DETAIL_QUERIES
from haven.identification import engine
from haven.identification.models import (
    IdentificationDecision,
    IndicatorSet,
    Outcome,
    Screening,
    ServedTo,
)
from haven.web import timeline
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

OPENED = date(2026, 3, 2)  # Monday; intake opens the reasonable-grounds deadline (9 March)
TIMELINE = "/api/v1/cases/{id}/timeline/"
NOW = at(date(2026, 3, 12))


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def _screening(case: Case, by: User, on: date) -> Screening:
    indicator_set = IndicatorSet.objects.create(
        key=f"adults_labour_{uuid.uuid4().hex[:6]}",
        version=2,
        title="Adults, labour exploitation",
        audience="adults",
        content_hash="0" * 64,
        loaded_at=at(OPENED),
    )
    assert by.organisation is not None
    return Screening.objects.create(
        case=case,
        indicator_set=indicator_set,
        screened_at=at(on, 10),
        screened_by=by,
        organisation=by.organisation,
        treated_as_child=False,
        outcome=engine.CONSISTENT,
        result={},
    )


def _decision(case: Case, by: User, on: date) -> IdentificationDecision:
    assert by.organisation is not None
    return IdentificationDecision.objects.create(
        case=case,
        decision_type="reasonable_grounds",
        country="FI",
        outcome=Outcome.POSITIVE,
        decided_on=on,
        recorded_at=at(on),
        decided_by=by,
        organisation=by.organisation,
        standard_of_proof="Reasonable grounds",
        reasons_enc=b"ciphertext",
        served_to=ServedTo.PERSON,
    )


def _reflection(case: Case, by: User, starts_on: date) -> ReflectionPeriod:
    period = ReflectionPeriod.objects.create(
        case=case, starts_on=starts_on, granted_days=30, ends_on=starts_on + timedelta(days=40)
    )
    ReflectionExtension.objects.create(
        period=period,
        days=10,
        decided_on=starts_on + timedelta(days=20),
        recorded_at=at(starts_on),
        decided_by=by,
        reasons_enc=b"ciphertext",
    )
    return period


def _full_case(lead: User) -> Case:
    """A case with one of everything: intake on 2 March, a screening on 3 March, a
    positive decision, the status change and the reflection period on 4 March."""
    with time_machine.travel(at(OPENED, 9), tick=False):
        case = open_case(actor=lead)
    _screening(case, lead, date(2026, 3, 3))
    _decision(case, lead, date(2026, 3, 4))
    with time_machine.travel(at(date(2026, 3, 4)), tick=False):
        case_services.case_transition(
            pathway_decision=True,
            actor=lead,
            case_id=case.id,
            to_status="presumed",
            reasons="Reasonable grounds.",
            decided_on=date(2026, 3, 4),
        )
    _reflection(case, lead, date(2026, 3, 4))
    return case


def _titles(result: timeline.Timeline) -> list[tuple[str, str]]:
    return [(entry.on.isoformat(), entry.title) for entry in result.entries]


def _page_timeline(user: User, case: Case) -> timeline.Timeline:
    view = case_selectors.case_read(user=user, case_id=case.id)
    return timeline.timeline_for(user=user, case_view=view)


# --- what the timeline holds ----------------------------------------------------------


def test_it_puts_everything_in_date_order_for_the_case_lead(ngo: Organisation) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)

    # when
    with time_machine.travel(NOW, tick=False):
        result = _page_timeline(lead, case)

    # then
    assert _titles(result) == [
        ("2026-03-02", "Status: Potential victim"),
        ("2026-03-03", "Indicator screening"),
        ("2026-03-04", "Reasonable grounds decision"),
        ("2026-03-04", "Status: Presumed victim"),
        ("2026-03-04", "Reflection period starts"),
        ("2026-03-09", "Due: Identification decision due: Reasonable grounds decision"),
        ("2026-03-24", "Reflection period extended"),
        ("2026-04-13", "Reflection period ends"),
    ]
    details = [entry.detail for entry in result.entries]
    assert details[:5] == [
        "case opened",
        f"{Screening.objects.get(case=case).indicator_set.key} version 2: "
        "indicators consistent with trafficking",
        "Positive",
        "from Potential victim",
        "30 days granted",
    ]
    assert details[6] == "by 10 days"
    assert result.hidden_groups == []


def test_it_marks_each_deadline_open_overdue_done_or_no_longer_needed(
    ngo: Organisation,
) -> None:
    # given: the intake deadline (9 March) stays open; three more
    lead = staff(ngo, Role.CASEWORKER)
    with time_machine.travel(at(OPENED, 9), tick=False):
        case = open_case(actor=lead)
    deadline(case=case, organisation=ngo, due_on=date(2026, 3, 20), blocking=True)
    for status in (Task.Status.DONE, Task.Status.CANCELLED):
        with time_machine.travel(at(OPENED, 10), tick=False):
            deadline_services.task_open(
                case_id=case.id,
                kind=TaskKind.REFLECTION_PERIOD_END,
                due_on=date(2026, 3, 5) if status == Task.Status.DONE else date(2026, 3, 6),
                organisation=ngo,
                reminder_days_before=1,
            )
        deadline_services.tasks_close(
            case_id=case.id, kind=TaskKind.REFLECTION_PERIOD_END, by=lead, status=status
        )

    # when
    with time_machine.travel(NOW, tick=False):
        result = _page_timeline(lead, case)

    # then
    deadlines = [
        (e.on.isoformat(), e.state, e.state_label, e.blocking)
        for e in result.entries
        if e.kind == "deadline"
    ]
    assert deadlines == [
        ("2026-03-05", "done", "done", False),
        ("2026-03-06", "cancelled", "no longer needed", False),
        ("2026-03-09", "overdue", "overdue", False),
        ("2026-03-20", "open", "open", True),
    ]


def test_it_shows_a_reflection_period_that_ended_early_with_its_ground(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    period = ReflectionPeriod.objects.get(case=case)
    period.status = ReflectionPeriod.Status.ENDED_EARLY
    period.ended_on = date(2026, 3, 30)
    period.early_end_ground = ReflectionPeriod.EarlyEndGround.PUBLIC_ORDER
    period.save(update_fields=["status", "ended_on", "early_end_ground"])

    # when
    result = _page_timeline(lead, case)

    # then
    last = result.entries[-1]
    assert (last.on, last.title, last.detail) == (
        date(2026, 3, 30),
        "Reflection period ended early",
        "Public order",
    )
    assert "Reflection period ends" not in {e.title for e in result.entries}


# --- who sees what --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org_type", "kinds", "hidden"),
    [
        (
            OrgType.POLICE,
            {"status_change", "screening", "decision", "reflection_period", "deadline"},
            [],
        ),
        (OrgType.SHELTER, {"screening", "deadline"}, [FieldGroup.LEGAL]),
        (OrgType.HEALTH, {"deadline"}, [FieldGroup.ASSESSMENT, FieldGroup.LEGAL]),
    ],
)
def test_it_shows_each_team_member_only_the_groups_it_may_see_on_the_page_and_in_the_api(
    ngo: Organisation, org_type: str, kinds: set[str], hidden: list[FieldGroup]
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    member_org = OrganisationFactory.create(org_type=org_type)
    add_to_team(case=case, organisation=member_org)
    member = staff(member_org, Role.CASEWORKER)

    # when
    with time_machine.travel(NOW, tick=False):
        on_page = _page_timeline(member, case)
        _, in_api = timeline.timeline_read(user=member, case_id=case.id)

    # then
    assert {entry.kind for entry in on_page.entries} == kinds
    assert on_page.hidden_groups == hidden
    assert in_api == on_page


def test_it_answers_hidden_missing_and_malformed_cases_alike(
    ngo: Organisation, openapi: dict[str, Any]
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    outsider = staff(OrganisationFactory.create(), Role.SUPERVISOR)
    case = _full_case(lead)
    client = api_client_for(outsider)

    # when
    responses = [
        client.get(TIMELINE.format(id=case.id)),
        client.get(TIMELINE.format(id=uuid.uuid4())),
        client.get(TIMELINE.format(id="not-a-case")),
    ]
    allowed = api_client_for(lead).get(TIMELINE.format(id=case.id))

    # then
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert_matches_schema(openapi, "/api/v1/cases/{id}/timeline/", "get", 404, responses[0].json())
    assert allowed.status_code == 200
    assert_matches_schema(openapi, "/api/v1/cases/{id}/timeline/", "get", 200, allowed.json())
    assert allowed.json()["case_reference"] == case.reference
    assert len(allowed.json()["entries"]) == 8


def test_it_shows_only_deadlines_once_the_person_is_erased(ngo: Organisation) -> None:
    # given
    lead = staff(ngo, Role.SUPERVISOR)
    case = _full_case(lead)
    case_services.person_erase(actor=lead, case_id=case.id)

    # when
    on_page = _page_timeline(lead, case)
    _, in_api = timeline.timeline_read(user=lead, case_id=case.id)

    # then
    assert {entry.kind for entry in on_page.entries} == {"deadline"}
    assert in_api == on_page


# --- audit ----------------------------------------------------------------------------


def _reads(case: Case) -> list[str]:
    events = AuditEvent.objects.filter(action=Action.READ, object_id=str(case.id))
    return list(events.order_by("id").values_list("field_groups", flat=True))


@pytest.mark.parametrize(
    ("org_type", "audited"),
    [(OrgType.POLICE, ["assessment,legal"]), (OrgType.HEALTH, [])],
)
def test_it_audits_the_api_timeline_once_with_the_groups_it_showed(
    ngo: Organisation, org_type: str, audited: list[str]
) -> None:
    # given
    case = _full_case(staff(ngo, Role.CASEWORKER))
    member_org = OrganisationFactory.create(org_type=org_type)
    add_to_team(case=case, organisation=member_org)
    client = api_client_for(staff(member_org, Role.CASEWORKER))

    # when
    response = client.get(TIMELINE.format(id=case.id))

    # then
    assert response.status_code == 200
    assert _reads(case) == audited


def test_it_adds_no_audit_event_of_its_own_to_the_case_page(ngo: Organisation) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)

    # when
    response = sign_in(Client(), lead).get(reverse("cases:detail", args=[case.id]))

    # then: the one event is case_read's, which covers the groups the timeline shows
    assert response.status_code == 200
    [groups] = _reads(case)
    assert {"legal", "assessment"} <= set(groups.split(","))


# --- the case page --------------------------------------------------------------------


def test_it_renders_the_timeline_on_the_case_page_as_an_ordered_list_of_dates(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    health_org = OrganisationFactory.create(org_type=OrgType.HEALTH)
    add_to_team(case=case, organisation=health_org)
    nurse = staff(health_org, Role.CASEWORKER)

    # when
    with time_machine.travel(NOW, tick=False):
        lead_page = sign_in(Client(), lead).get(reverse("cases:detail", args=[case.id]))
        nurse_page = sign_in(Client(), nurse).get(reverse("cases:detail", args=[case.id]))

    # then
    html = lead_page.content.decode()
    assert '<ol class="timeline__entries">' in html
    assert '<time datetime="2026-03-04">' in html
    assert "Reflection period starts" in html
    assert '<span class="badge badge--overdue">overdue</span>' in html
    nurse_html = nurse_page.content.decode()
    assert "Reflection period starts" not in nurse_html
    assert "Due: Identification decision due" in nurse_html
    assert "not shown to you: Assessment, Legal." in nurse_html


# The detail page's pinned count (haven/cases/tests/test_views.py) with the timeline
# on it; the case there has intake's deadline, no screening and no period. Here each
# provider has rows: the reflection period adds its extensions (one query more).
FULL_CASE_DETAIL_QUERIES = CASE_DETAIL_QUERIES + 1


@pytest.mark.parametrize("tasks", [1, 5])
def test_it_shows_the_case_page_with_its_timeline_in_a_fixed_number_of_queries(
    ngo: Organisation, django_assert_num_queries: DjangoAssertNumQueries, tasks: int
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    for _ in range(1, tasks):
        deadline(case=case, organisation=ngo)
    client = sign_in(Client(), lead)

    # when / then
    with django_assert_num_queries(FULL_CASE_DETAIL_QUERIES):
        response = client.get(reverse("cases:detail", args=[case.id]))
    assert response.content.decode().count("timeline__entry--deadline") == tasks


def test_it_uses_the_current_time_for_overdue(ngo: Organisation) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    with time_machine.travel(at(OPENED, 9), tick=False):
        case = open_case(actor=lead)

    # when
    with time_machine.travel(at(date(2026, 3, 9), 23, 59, 59), tick=False):
        on_the_day = _page_timeline(lead, case).entries[-1].state
    with time_machine.travel(at(date(2026, 3, 10), 0, 0, 0), tick=False):
        after = _page_timeline(lead, case).entries[-1].state

    # then
    assert (on_the_day, after) == ("open", "overdue")
