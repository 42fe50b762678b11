"""Issue 13: the pages gathered from every app (the case page, the timeline, the
report for the person and the case API) read each case once, decide once per field
group, and cost the same number of queries whether the reader sees 1 case or 1,000
(with their deadlines), and whatever the number of apps that contribute parts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.selectors import permits as permit_selectors
from haven.assistance.selectors import plans as plan_selectors
from haven.assistance.selectors import reflection as reflection_selectors
from haven.audit.models import AuditEvent
from haven.cases import parts
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case, Person
from haven.cases.tests.factories import open_case, share_by_law
from haven.cases.tests.test_api import api_client_for
from haven.children import selectors as children_selectors
from haven.deadlines.models import Task
from haven.deadlines.tests.test_deadlines import deadline, staff
from haven.identification import clocks as identification_clocks
from haven.identification.models import Screening
from haven.identification.tests.factories import load_shipped_sets, screen
from haven.justice import selectors as justice_selectors
from haven.referrals.models import (
    AccessRequest,
    AccessRequestState,
    LeadTransfer,
    LeadTransferState,
)
from haven.referrals.selectors import access_requests
from haven.referrals.selectors import case_page as referrals_case_page
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services import referrals as referral_services
from haven.referrals.services import shared
from haven.vault import services as vault
from haven.web import composer, timeline
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

# Queries per request, the session and the account included. Each is the same with 1
# case or 1,000 and with any number of contributing parts.
CASE_PAGE_QUERIES = 20
CASE_API_QUERIES = 16
TIMELINE_API_QUERIES = 10
# The report for the person: the session and the account, the case gate once, the access
# report, then each section's own rows (a query per table, whatever its rows), every
# section's audit event appended in one statement at the end (``audit.audit_batch``,
# no savepoint per section), and the menu's counts. Issue 13: 126 before the batch.
PERSON_REPORT_QUERIES = 66
# The same without the page's session write and the menu's counts, with the token's
# account and its last use.
PERSON_REPORT_API_QUERIES = 58

# The case page 1, the case API 2 (the case, the services it adds), the timeline 1,
# the report 19 (itself, the access report, the case and each app's section, the
# justice app's proceedings and compensation and its parties included), its API 19.
PAGES_AUDIT_EVENTS = 42

DEADLINES_PER_OTHER_CASE = 3


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO)


def _other_cases(*, lead: User, organisation: Organisation, count: int) -> None:
    """``count`` more cases the reader's organisation leads, each with open
    deadlines: written in bulk (the intake service has its own tests)."""
    now = timezone.now()
    persons = [
        Person(
            data_key=vault.data_key_create(subject=case_services.PERSON_SUBJECT),
            age_status=AgeStatus.VERIFIED_ADULT,
        )
        for _ in range(count)
    ]
    Person.objects.bulk_create(persons)
    cases = Case.objects.bulk_create(
        Case(
            reference=f"BULK-{number:05d}",
            person=person,
            country="FI",
            status_changed_at=now,
            opened_at=now - timedelta(days=number % 300),
            opened_by=lead,
        )
        for number, person in enumerate(persons)
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(case=case, organisation=organisation, is_lead=True, joined_at=now)
        for case in cases
    )
    Task.objects.bulk_create(
        Task(
            case=case,
            kind=identification_clocks.SCREENING_REVIEW,
            due_at=now + timedelta(days=day),
            remind_at=now,
            assigned_organisation=organisation,
            created_at=now,
        )
        for case in cases
        for day in range(DEADLINES_PER_OTHER_CASE)
    )


def _count(request: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response.status_code
    return len(captured)


def _counts(case: Case, web: Client, api: APIClient) -> dict[str, int]:
    return {
        "case page": _count(lambda: web.get(reverse("web:case_detail", args=[case.id]))),
        "case api": _count(lambda: api.get(f"/api/v1/cases/{case.id}/")),
        "timeline api": _count(lambda: api.get(f"/api/v1/cases/{case.id}/timeline/")),
        "person report": _count(lambda: web.get(reverse("web:person_report", args=[case.id]))),
        "person report api": _count(lambda: api.get(f"/api/v1/cases/{case.id}/person-report/")),
    }


PINS = {
    "case page": CASE_PAGE_QUERIES,
    "case api": CASE_API_QUERIES,
    "timeline api": TIMELINE_API_QUERIES,
    "person report": PERSON_REPORT_QUERIES,
    "person report api": PERSON_REPORT_API_QUERIES,
}


@pytest.mark.parametrize("cases", [1, 1000])
def test_issue13_case_pages_cost_the_same_queries_for_1_or_1000_cases(
    ngo: Organisation, cases: int
) -> None:
    # given: the reader's organisation leads ``cases`` cases, the others with deadlines
    lead = staff(ngo, Role.CASEWORKER)
    case = open_case(actor=lead, narrative="Recruited for seasonal work.")
    deadline(case=case, organisation=ngo)
    _other_cases(lead=lead, organisation=ngo, count=cases - 1)
    web = sign_in(Client(), lead)
    api = api_client_for(staff(ngo, Role.CASEWORKER))
    web.get(reverse("web:case_detail", args=[case.id]))  # the session's first write

    # when
    counts = _counts(case, web, api)

    # then
    assert Case.objects.count() == cases
    assert counts == PINS


# --- sections with rows ------------------------------------------------------------------

# The report of a case with screenings (and their observations), referrals (and their
# histories), lead transfers and requests for access, which the report shows with the
# reads' words: a query more per table read (observations, referral histories, the lead's
# referrals again for their messages), whatever the number of rows. Lead transfers and
# requests for access are read with their reasons in the query that lists them.
PERSON_REPORT_WITH_ROWS_QUERIES = PERSON_REPORT_QUERIES + 3
PERSON_REPORT_API_WITH_ROWS_QUERIES = PERSON_REPORT_API_QUERIES + 3


def _answered_transfer_and_request(case: Case, lead: User, shelter: Organisation) -> None:
    """A lead transfer to the shelter it declined and a request for access from it
    that the lead refused, each with its reasons (test set-up, written directly: the
    services have their own tests and allow one open transfer at a time)."""
    now = timezone.now()
    assert lead.organisation is not None
    member = staff(shelter, Role.CASEWORKER)
    LeadTransfer.objects.create(
        case=case,
        from_organisation=lead.organisation,
        to_organisation=shelter,
        state=LeadTransferState.DECLINED,
        reason_enc=shared.sealed(case, "Closer to her home.", lead_services.REASON_CONTEXT),
        proposed_at=now,
        proposed_by=lead,
        answered_at=now,
        answered_by=member,
        answer_note_enc=shared.sealed(case, "No caseworker free.", lead_services.ANSWER_CONTEXT),
    )
    AccessRequest.objects.create(
        case=case,
        organisation=shelter,
        lead_organisation=lead.organisation,
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.NARRATIVE],
        reason_enc=shared.sealed(case, "To plan her stay.", access_requests.REASON_CONTEXT),
        state=AccessRequestState.REFUSED,
        asked_at=now,
        asked_by=member,
        answered_at=now,
        answered_by=lead,
        refusal_enc=shared.sealed(case, "She said no.", access_requests.REFUSAL_CONTEXT),
    )


def _rows(case: Case, lead: User, count: int) -> None:
    """``count`` screenings and ``count`` referrals, each to another shelter, which
    declined a lead transfer and asked for access."""
    load_shipped_sets()
    for _ in range(count):
        screen(actor=lead, case=case)
        shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)
        share_by_law(case=case, organisation=shelter)
        _answered_transfer_and_request(case, lead, shelter)
        referral_services.referral_send(
            actor=lead,
            case_id=case.id,
            to_organisation_id=shelter.pk,
            referral_type="accommodation",
            purpose=Purpose.ASSISTANCE,
            field_groups=[FieldGroup.IDENTITY],
            message="A safe bed is needed tonight.",
        )


@pytest.mark.parametrize("rows", [1, 3])
def test_issue13_the_report_for_the_person_costs_the_same_queries_whatever_its_rows(
    ngo: Organisation, rows: int
) -> None:
    # given: a case with ``rows`` screenings, referrals, lead transfers and requests for
    # access, read by its lead
    lead = staff(ngo, Role.CASEWORKER)
    case = open_case(actor=lead, narrative="Recruited for seasonal work.")
    _rows(case, lead, rows)
    web = sign_in(Client(), lead)
    api = api_client_for(staff(ngo, Role.CASEWORKER))
    web.get(reverse("web:case_detail", args=[case.id]))
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]

    # when
    page = _count(lambda: web.get(reverse("web:person_report", args=[case.id])))
    through_api = _count(lambda: api.get(f"/api/v1/cases/{case.id}/person-report/"))

    # then: the same queries, and still an audit event for each screening, referral, lead
    # transfer and request for access read (with their reasons, on the page)
    assert (page, through_api) == (
        PERSON_REPORT_WITH_ROWS_QUERIES,
        PERSON_REPORT_API_WITH_ROWS_QUERIES,
    )
    types = list(AuditEvent.objects.filter(id__gt=last).values_list("object_type", flat=True))
    assert types.count("identification.Screening") == 2 * rows
    assert types.count("referrals.Referral") == 2 * rows
    assert types.count("referrals.LeadTransfer") == 2 * rows
    assert types.count("referrals.AccessRequest") == 2 * rows
    html = web.get(reverse("web:person_report", args=[case.id])).content.decode()
    assert html.count("No caseworker free.") == rows
    assert html.count("She said no.") == rows


# --- contributing apps -------------------------------------------------------------------


def _through_the_gate(page_user: User, case: Case, group: FieldGroup) -> None:
    """What a part of another app does: it passes the case gate for its group."""
    case_selectors.case_for(
        user=page_user, case_id=case.id, group=group, purpose=Purpose.ASSISTANCE
    )


def _panel(page: parts.CasePage) -> list[parts.Panel]:
    _through_the_gate(page.user, page.case, FieldGroup.SERVICES)
    return []


def _api_group(page: parts.CasePage) -> dict[FieldGroup, dict[str, Any]]:
    _through_the_gate(page.user, page.case, FieldGroup.SERVICES)
    return {}


def _entries(source: parts.TimelineSource) -> list[parts.TimelineEntry]:
    """Rows of its own, read only for a case that has some (here: none)."""
    screenings = Screening.objects.filter(case_id=source.case.id)
    return [
        parts.TimelineEntry(on=s.screened_at.date(), kind="screening", title="") for s in screenings
    ]


def _report(request: parts.ReportRequest) -> list[parts.ReportSection]:
    _through_the_gate(request.user, request.case, FieldGroup.SERVICES)
    return []


def _contributing_apps(monkeypatch: pytest.MonkeyPatch, extra: int) -> None:
    """``extra`` more apps, each with a panel, an API group and a report part that
    pass the case gate as a real part does, and timeline rows the case does not have."""
    monkeypatch.setattr(composer, "PANEL_PROVIDERS", [*composer.PANEL_PROVIDERS, *[_panel] * extra])
    monkeypatch.setattr(
        composer, "API_GROUP_PROVIDERS", [*composer.API_GROUP_PROVIDERS, *[_api_group] * extra]
    )
    provider = parts.TimelineProvider(FieldGroup.SERVICES, ("screening",), 99, _entries, Screening)
    monkeypatch.setattr(timeline, "PROVIDERS", [*timeline.PROVIDERS, *[provider] * extra])
    report = parts.ReportPart(key="extra", covers=(), read=_report)
    monkeypatch.setattr(composer, "REPORT_PARTS", [*composer.REPORT_PARTS, *[report] * extra])


@pytest.mark.parametrize("extra", [0, 8])
def test_issue13_case_pages_do_not_grow_with_the_apps_that_contribute_to_them(
    ngo: Organisation, monkeypatch: pytest.MonkeyPatch, extra: int
) -> None:
    # given
    lead = staff(ngo, Role.CASEWORKER)
    case = open_case(actor=lead, narrative="Recruited for seasonal work.")
    deadline(case=case, organisation=ngo)
    web = sign_in(Client(), lead)
    api = api_client_for(staff(ngo, Role.CASEWORKER))
    web.get(reverse("web:case_detail", args=[case.id]))
    _contributing_apps(monkeypatch, extra)
    events = AuditEvent.objects.count()

    # when
    counts = _counts(case, web, api)

    # then: the same queries, and the same audit events: every read the apps'
    # own selectors record (the report's sections), none for the extra passes
    assert counts == PINS
    assert AuditEvent.objects.count() - events == PAGES_AUDIT_EVENTS


# --- a part without rows shows what reading them would have shown -----------------------


def test_issue13_parts_told_the_case_holds_no_rows_show_what_a_read_would() -> None:
    # given: a case with nothing of the apps' own yet, read by its lead
    lead = staff(OrganisationFactory.create(org_type=OrgType.NGO), Role.CASEWORKER)
    case = open_case(actor=lead)
    view = case_selectors.case_read(user=lead, case_id=case.id)

    # when
    read = [
        permit_selectors.case_page_permits(case_view=view),
        reflection_selectors.reflection_period_summary_shown(case_view=view),
        assessment_selectors.case_page_assessments(case_view=view),
        plan_selectors.case_page_plans(case_view=view),
        children_selectors.child_summary_shown(case_view=view),
        children_selectors.age_summary_shown(case_view=view, writable=True),
        justice_selectors.case_page_cooperation(case_view=view),
        referrals_case_page.case_page_referrals(user=lead, case_view=view),
    ]
    told = [
        permit_selectors.case_page_permits(case_view=view, held=False),
        reflection_selectors.reflection_period_summary_shown(case_view=view, held=False),
        assessment_selectors.case_page_assessments(case_view=view, held=False),
        plan_selectors.case_page_plans(case_view=view, services_held=False, closures_held=False),
        children_selectors.child_summary_shown(
            case_view=view, counts_held=False, best_interests_held=False
        ),
        children_selectors.age_summary_shown(case_view=view, writable=True, held=False),
        justice_selectors.case_page_cooperation(case_view=view, held=False),
        referrals_case_page.case_page_referrals(
            user=lead, case_view=view, referrals_held=False, transfers_held=False
        ),
    ]

    # then
    assert told == read
    assert all(block is not None for block in read)


@pytest.mark.parametrize("transfers_held", [True, False])
def test_issue13_r47_the_referrals_block_needs_a_team_with_a_lead(transfers_held: bool) -> None:
    # given: a case read with its lead (allowed side), then with no lead on its team
    lead = staff(OrganisationFactory.create(org_type=OrgType.NGO), Role.CASEWORKER)
    case = open_case(actor=lead)

    def block() -> object:
        view = case_selectors.case_read(user=lead, case_id=case.id)
        return referrals_case_page.case_page_referrals(
            user=lead, case_view=view, referrals_held=False, transfers_held=transfers_held
        )

    # when
    with_lead = block()
    TeamMembership.objects.filter(case=case).update(is_lead=False)
    without_lead = block()

    # then
    assert with_lead is not None
    assert without_lead is None
