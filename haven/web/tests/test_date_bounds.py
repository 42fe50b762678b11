"""Dates are bounded per field (issue 12): a birth from 1900 and not in the future;
what happened (interviews, decisions, a service's end) from 1990 and not in the
future; what is planned or valid for a time (permits, planned services) from 1990
to 20 years ahead. Refused by the services with code ``date_out_of_range`` on the
field, the same through the API, and nothing is written. A permit ending in the
year 783 or a birth on 0001-01-01 were accepted before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from haven.assistance.models import AssistanceService, ResidencePermit, ServiceStatus
from haven.assistance.services import permits as permit_services
from haven.assistance.services import plans as plan_services
from haven.assistance.tests.test_permits import NOON, TODAY, permit_input, permit_team
from haven.assistance.tests.test_plans import a_service, plan_team, start
from haven.cases import services as case_services
from haven.cases.models import Case, Interview
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for, intake
from haven.cases.tests.test_interviews_services import adult_case, interview
from haven.lib import dates
from haven.lib.errors import HavenError

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "date_out_of_range"


def refused(write: Callable[[], object]) -> tuple[str, str | None]:
    with pytest.raises(HavenError) as caught:
        write()
    return caught.value.code, caught.value.field


# --- the bounds themselves --------------------------------------------------------------


def test_the_bounds_of_each_family() -> None:
    # given
    today = date(2028, 2, 29)
    # then
    assert dates.problem(date(1900, 1, 1), dates.BIRTH, today=today) == ""
    assert dates.problem(date(1899, 12, 31), dates.BIRTH, today=today)
    assert dates.problem(today + timedelta(days=1), dates.BIRTH, today=today)
    assert dates.problem(date(1989, 12, 31), dates.PAST, today=today)
    assert dates.problem(today, dates.PAST, today=today) == ""
    assert dates.problem(date(2048, 2, 29), dates.PLANNED, today=today) == ""
    assert dates.problem(date(2048, 3, 1), dates.PLANNED, today=today)
    # 20 years after 29 February 2080 is 28 February 2100 (no 29th that year)
    assert dates.PLANNED.latest(date(2080, 2, 29)) == date(2100, 2, 28)
    assert dates.PLANNED.latest(date(2026, 3, 2)) == date(2046, 3, 2)


def test_the_form_validator_refuses_the_same_dates() -> None:
    # given
    validate = dates.validator(dates.BIRTH)
    # when
    validate(None)
    validate(date(1990, 1, 1))
    # then
    with pytest.raises(ValidationError):
        validate(date(1, 1, 1))


# --- births ------------------------------------------------------------------------------


def test_a_birth_before_1900_is_refused_by_the_service_and_the_api() -> None:
    # given
    from haven.accounts.tests.factories import make_user

    lead = make_user()
    client = api_client_for(lead)
    before = Case.objects.count()
    # when
    by_service = refused(lambda: open_case(actor=lead, date_of_birth=date(1, 1, 1)))
    by_api = client.post("/api/v1/cases/", intake(date_of_birth="0001-01-01"), format="json")
    # then
    assert by_service == (OUT_OF_RANGE, "date_of_birth")
    assert by_api.status_code == 400
    assert (by_api.json()["code"], by_api.json()["field"]) == (OUT_OF_RANGE, "date_of_birth")
    assert Case.objects.count() == before
    # and 1900 itself is a date of birth
    assert open_case(actor=lead, date_of_birth=date(1900, 1, 1)).pk is not None


# --- what happened: interviews and a service's end --------------------------------------


def test_an_interview_before_1990_is_refused_by_the_service_and_the_api() -> None:
    # given
    lead, case = adult_case()
    client = api_client_for(lead)
    url = f"/api/v1/cases/{case.id}/interviews/"
    body = {
        "held_on": "1989-12-31",
        "interviewer_name": "Interviewer One",
        "premises": "office",
        "summary": "What was told.",
    }
    # when
    by_service = refused(
        lambda: case_services.interview_record(
            actor=lead, case_id=case.id, interview=interview(held_on=date(1989, 12, 31))
        )
    )
    by_api = client.post(url, body, format="json")
    # then
    assert by_service == (OUT_OF_RANGE, "held_on")
    assert (by_api.status_code, by_api.json()["code"]) == (400, OUT_OF_RANGE)
    assert not Interview.objects.filter(case=case).exists()


def test_a_service_completed_before_1990_or_in_the_future_is_refused() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        service = start(t, a_service(t))
        client = api_client_for(t.lead)
        url = f"/api/v1/services/{service.id}/complete/"
        # when
        by_service = refused(
            lambda: plan_services.service_complete(
                actor=t.lead, service_id=service.id, ends_on=date(783, 1, 1), outcome="achieved"
            )
        )
        future = client.post(
            url,
            {"ends_on": (TODAY + timedelta(days=3)).isoformat(), "outcome": "achieved"},
            format="json",
        )
    # then
    assert by_service == (OUT_OF_RANGE, "ends_on")
    assert (future.status_code, future.json()["code"], future.json()["field"]) == (
        400,
        OUT_OF_RANGE,
        "ends_on",
    )
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


# --- what is planned or valid for a time: permits and planned services ------------------


def test_a_permit_ending_in_the_year_783_or_in_50_years_is_refused() -> None:
    # given
    t = permit_team()
    url = f"/api/v1/cases/{t.case.id}/permits/"
    with time_machine.travel(NOON, tick=False):
        client = api_client_for(t.lead)
        # when
        by_service = refused(
            lambda: permit_services.permit_record(
                actor=t.lead, case_id=t.case.id, data=permit_input(expires_on=date(783, 1, 1))
            )
        )
        by_api = client.post(
            url,
            {
                "grounds": ["personal_situation"],
                "permit_type": "Temporary permit",
                "issued_on": TODAY.isoformat(),
                "expires_on": (TODAY + timedelta(days=365 * 50)).isoformat(),
                "issuing_authority": "Test Migration Service",
                "reference": "RP-1",
            },
            format="json",
        )
        within = permit_services.permit_record(
            actor=t.lead,
            case_id=t.case.id,
            data=permit_input(expires_on=TODAY.replace(year=TODAY.year + 20)),
        )
    # then
    assert by_service == (OUT_OF_RANGE, "expires_on")
    assert (by_api.status_code, by_api.json()["code"], by_api.json()["field"]) == (
        400,
        OUT_OF_RANGE,
        "expires_on",
    )
    assert list(ResidencePermit.objects.filter(case=t.case)) == [within]


def test_a_planned_service_starting_before_1990_is_refused() -> None:
    # given
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        # when
        outcome = refused(lambda: a_service(t, starts_on=date(1, 1, 1)))
    # then
    assert outcome == (OUT_OF_RANGE, "starts_on")
    assert not AssistanceService.objects.filter(case=t.case).exists()
