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
from haven.assistance import clocks as assistance_clocks
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import (
    Assessment,
    AssessmentKind,
    AssessmentTrigger,
    AssistanceClosure,
    AssistancePlan,
    AssistanceService,
    ReflectionExtension,
    ReflectionPeriod,
    ServiceStatus,
)
from haven.audit.models import Action, AuditEvent
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.cases.tests.test_views import CASE_DETAIL_QUERIES
from haven.children.models import (
    BestInterestsMatter,
    BestInterestsRecord,
    BestInterestsStage,
    FamilyTracing,
    HowHeard,
    TracingStatus,
)
from haven.children.tests.factories import open_child_case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.deadlines.tests.test_deadlines import at, deadline, staff
from haven.identification import engine
from haven.identification.models import (
    IdentificationDecision,
    IndicatorSet,
    Outcome,
    Screening,
    ServedTo,
)
from haven.justice.models import CooperationRecord
from haven.vault import services as vault
from haven.web import timeline
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

OPENED = date(2026, 3, 2)  # Monday; intake opens the reasonable-grounds deadline (9 March)
TIMELINE = "/api/v1/cases/{id}/timeline/"
NOW = at(date(2026, 3, 12))
ASSISTANCE_KINDS = ("assessment", "assistance_plan", "service", "assistance_closure")


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
            legal_basis="Test Act s. 1",
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
        # the status change opens the needs and the risk re-assessment
        ("2026-03-18", "Due: Re-assessment due"),
        ("2026-03-18", "Due: Re-assessment due"),
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
    assert details[8] == "by 10 days"
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
                kind=assistance_clocks.REFLECTION_PERIOD_END,
                due_on=date(2026, 3, 5) if status == Task.Status.DONE else date(2026, 3, 6),
                organisation=ngo,
                reminder_days_before=1,
            )
        deadline_services.tasks_close(
            case_id=case.id, kind=assistance_clocks.REFLECTION_PERIOD_END, by=lead, status=status
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
            [FieldGroup.SERVICES],  # assistance is not the police's business
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
    assert len(allowed.json()["entries"]) == 10  # with the two re-assessments due


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
    [(OrgType.POLICE, ["assessment,legal"]), (OrgType.HEALTH, ["services"])],
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
    response = sign_in(Client(), lead).get(reverse("web:case_detail", args=[case.id]))

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
        lead_page = sign_in(Client(), lead).get(reverse("web:case_detail", args=[case.id]))
        nurse_page = sign_in(Client(), nurse).get(reverse("web:case_detail", args=[case.id]))

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
# Issue 5 (second slice) added four providers that query on an adult's case
# (assessments, plan, services, closures: 27 became 31 for the timeline alone) and two
# more on a child's (best interests, family tracing); they are in CASE_DETAIL_QUERIES.
# Issue 13: a part without rows on the case costs no query, so here the screening and
# the decision on the timeline (2), and the reflection period with its extensions on
# it and on the page (3) count.
FULL_CASE_DETAIL_QUERIES = CASE_DETAIL_QUERIES + 5


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
        response = client.get(reverse("web:case_detail", args=[case.id]))
    # the given deadlines, and the two re-assessments the decision made due
    assert response.content.decode().count("timeline__entry--deadline") == tasks + 2


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


# --- individual assistance and children (R-11, R-25) --------------------------
# Rows are written with the ORM (the services have their own tests); free text encrypted as
# the services encrypt it, so that a leak of it onto the timeline would show.

SECRET = "Afraid of the employer's cousin"  # free text: never on the timeline


def _sealed(case: Case, context: str) -> bytes:
    return vault.encrypt(key=case.person.data_key, plaintext=SECRET, context=context)


def _assessment(case: Case, by: User, *, version: int, trigger: str) -> Assessment:
    assert by.organisation is not None
    return Assessment.objects.create(
        case=case,
        kind=AssessmentKind.NEEDS,
        version=version,
        trigger=trigger,
        assessed_on=date(2026, 3, 5) + timedelta(days=version),
        content_enc=_sealed(case, "assessment.content"),
        recorded_at=NOW,
        recorded_by=by,
        recorded_by_organisation=by.organisation,
    )


def _assistance(case: Case, by: User, *, services: int = 2) -> None:
    """A plan agreed on 8 March, services from 9 March (the second refused), and
    assistance closed on 30 March, then reopened on 2 April."""
    plan = AssistancePlan.objects.create(
        case=case,
        agreed_on=date(2026, 3, 8),
        person_view_enc=_sealed(case, "assistanceplan.person_view"),
        recorded_at=NOW,
        recorded_by=by,
    )
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, name="Shelter X")
    for number in range(services):
        refused = number % 2 == 1
        AssistanceService.objects.create(
            case=case,
            plan=plan,
            service_type=ServiceType.ACCOMMODATION if not refused else ServiceType.MEDICAL_CARE,
            provider=shelter,
            status=ServiceStatus.REFUSED if refused else ServiceStatus.ACTIVE,
            starts_on=None if refused else date(2026, 3, 9),
            refused_on=date(2026, 3, 10) if refused else None,
            note_enc=_sealed(case, "assistanceservice.note"),
            recorded_at=NOW,
            recorded_by=by,
            updated_at=NOW,
        )
    AssistanceClosure.objects.create(
        case=case,
        decided_on=date(2026, 3, 30),
        reasons_enc=_sealed(case, "assistanceclosure.reasons"),
        exit_plan_enc=_sealed(case, "assistanceclosure.exit_plan"),
        person_view_enc=_sealed(case, "assistanceclosure.person_view"),
        decided_by=by,
        recorded_at=NOW,
        reopened_on=date(2026, 4, 2),
        reopened_by=by,
    )


def _child_records(case: Case, by: User) -> None:
    BestInterestsRecord.objects.create(
        case=case,
        stage=BestInterestsStage.DETERMINATION,
        matter=BestInterestsMatter.PLACEMENT,
        how_heard=HowHeard.CONVERSATION,
        child_views_enc=_sealed(case, "bestinterestsrecord.child_views"),
        considerations_enc=_sealed(case, "bestinterestsrecord.considerations"),
        conclusion_enc=_sealed(case, "bestinterestsrecord.conclusion"),
        decided_on=date(2026, 3, 6),
        recorded_at=NOW,
        recorded_by=by,
    )
    FamilyTracing.objects.create(
        case=case,
        status=TracingStatus.FOUND,
        best_interests_reason_enc=_sealed(case, "familytracing.best_interests_reason"),
        started_on=date(2026, 3, 7),
        updated_on=date(2026, 3, 20),
        recorded_at=NOW,
        recorded_by=by,
    )


def _entries(result: timeline.Timeline, *kinds: str) -> list[tuple[str, str, str]]:
    return [(e.on.isoformat(), e.title, e.detail) for e in result.entries if e.kind in kinds]


def test_r21_r20_r22_it_shows_assessments_the_plan_its_services_and_the_closing_of_assistance(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    _assessment(case, lead, version=1, trigger=AssessmentTrigger.INITIAL)
    _assessment(case, lead, version=2, trigger=AssessmentTrigger.STAGE_CHANGE)
    _assistance(case, lead)

    # when
    result = _page_timeline(lead, case)

    # then
    assert _entries(result, *ASSISTANCE_KINDS) == [
        ("2026-03-06", "Individual needs assessment version 1 recorded", "First assessment"),
        (
            "2026-03-07",
            "Individual needs assessment version 2 recorded",
            "Re-assessment after a stage change",
        ),
        ("2026-03-08", "Assistance plan agreed", ""),
        ("2026-03-09", "Safe accommodation — Shelter X — under way", ""),
        ("2026-03-10", "Medical care — Shelter X — refused by the person", ""),
        ("2026-03-30", "Assistance closed", "exit plan recorded"),
        ("2026-04-02", "Assistance reopened", ""),
    ]
    assert SECRET not in repr(result)


def test_r25_r11_it_shows_best_interests_and_family_tracing_only_on_a_childs_case(
    ngo: Organisation,
) -> None:
    # given: the same records on a presumed child's case and on an adult's
    lead = staff(ngo, Role.CASEWORKER)
    child = open_child_case(actor=lead)
    adult = open_case(actor=lead)
    for case in (child, adult):
        _child_records(case, lead)

    # when
    on_child, on_adult = _page_timeline(lead, child), _page_timeline(lead, adult)

    # then
    assert _entries(on_child, "best_interests", "family_tracing") == [
        ("2026-03-06", "Best-interests determination", "Placement and care"),
        ("2026-03-07", "Family tracing started", ""),
        ("2026-03-20", "Family tracing", "Family found"),
    ]
    assert _entries(on_adult, "best_interests", "family_tracing") == []
    assert SECRET not in repr(on_child)


@pytest.mark.parametrize(
    ("org_type", "shown"),
    [
        (OrgType.SHELTER, {"assessment", "assistance_plan", "service", "assistance_closure"}),
        (OrgType.HEALTH, {"assistance_plan", "service", "assistance_closure"}),
        (OrgType.POLICE, {"assessment"}),
    ],
)
def test_it_shows_assistance_entries_only_to_members_who_see_their_group(
    ngo: Organisation, org_type: str, shown: set[str]
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    _assessment(case, lead, version=1, trigger=AssessmentTrigger.INITIAL)
    _assistance(case, lead)
    member_org = OrganisationFactory.create(org_type=org_type)
    add_to_team(case=case, organisation=member_org)
    member = staff(member_org, Role.CASEWORKER)

    # when
    on_page = _page_timeline(member, case)
    _, in_api = timeline.timeline_read(user=member, case_id=case.id)

    # then
    assert {e.kind for e in on_page.entries} & set(ASSISTANCE_KINDS) == shown
    assert in_api == on_page


def test_r18_it_keeps_cooperation_with_the_authorities_off_the_timeline(
    ngo: Organisation,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead)
    before = _page_timeline(lead, case)
    CooperationRecord.objects.create(
        case=case,
        cooperates_with_authorities=False,
        is_witness=False,
        recorded_on=date(2026, 3, 5),
        recorded_at=NOW,
        recorded_by=lead,
    )

    # when
    after = _page_timeline(lead, case)

    # then
    assert after == before
    assert "cooperation" not in " ".join(timeline.ENTRY_KINDS)


# One query per provider whatever the number of rows. An adult's case: screenings,
# decisions, the reflection period and its extensions (2), assessments, the plan, the
# services (with their providers), closures, deadlines; status changes come decrypted
# from case_read: 9. A child's adds best interests and family tracing: 11. Issue 10
# adds the age assessments, on every case: 10 and 12. Issue 13 asks in one
# query which providers have rows on the case and runs only those: one query more,
# and one less for each provider without rows here: 10 and 11.
TIMELINE_QUERIES = {"adult": 10, "child": 11}


@pytest.mark.parametrize("rows", [1, 4])
@pytest.mark.parametrize("person", ["adult", "child"])
def test_it_builds_the_timeline_in_one_query_per_provider_whatever_the_number_of_rows(
    ngo: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
    person: str,
    rows: int,
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = _full_case(lead) if person == "adult" else open_child_case(actor=lead)
    _screening(case, lead, date(2026, 3, 3))
    if person == "child":  # the adult's has one already
        _reflection(case, lead, date(2026, 3, 4))
    for version in range(1, rows + 1):
        _assessment(case, lead, version=version, trigger=AssessmentTrigger.REVIEW)
        deadline(case=case, organisation=ngo)
        _child_records(case, lead)
    _assistance(case, lead, services=rows)
    view = case_selectors.case_read(user=lead, case_id=case.id)

    # when / then
    with django_assert_num_queries(TIMELINE_QUERIES[person]):
        result = timeline.timeline_for(user=lead, case_view=view)
    assert len([e for e in result.entries if e.kind == "service"]) == rows
