"""Two people assessing one person at once (issue 12, optimistic locking): the
second is told, loses nothing and overwrites nothing, on the page, in the API and
in the service; on PostgreSQL with two real connections saving at the same time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from haven.accounts.models import User
from haven.accounts.tests.factories import make_user
from haven.assistance.models import Assessment
from haven.assistance.services import assessments as services
from haven.assistance.tests.test_assessments import NOON, answers, assessment_team, record
from haven.assistance.tests.test_assessments_api import ASSESSMENTS, _body
from haven.assistance.tests.test_assessments_views import _form, client_for
from haven.cases.tests.test_api import api_client_for
from haven.lib.errors import EditConflict, ErrorCode
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def colleague_of(user: User) -> User:
    return make_user(organisation=user.organisation)


def test_it_refuses_a_second_version_recorded_on_a_stale_one_and_keeps_the_first() -> None:
    # given: two caseworkers of the lead both open version 1
    t = assessment_team()
    record(t.lead, t.case, "needs")
    other = colleague_of(t.lead)
    with time_machine.travel(NOON, tick=False):
        mine = services.assessment_record(
            actor=t.lead,
            case_id=t.case.id,
            kind="needs",
            assessed_on=NOON.date(),
            sections=answers("needs", level="met"),
            person_view="First saved.",
            based_on_version=1,
        )
        # when
        with pytest.raises(EditConflict) as refused:
            services.assessment_record(
                actor=other,
                case_id=t.case.id,
                kind="needs",
                assessed_on=NOON.date(),
                sections=answers("needs", level="urgent"),
                person_view="Second, too late.",
                based_on_version=1,
            )
    # then
    assert refused.value.code == ErrorCode.EDIT_CONFLICT
    assert refused.value.field == "based_on_version"
    assert refused.value.http_status == 409
    versions = Assessment.objects.filter(case=t.case).order_by("version")
    assert [(a.version, a.recorded_by_id) for a in versions] == [(1, t.lead.id), (2, t.lead.id)]
    assert mine.version == 2


def test_it_refuses_a_first_version_when_someone_recorded_one_meanwhile() -> None:
    # given: the form was opened when there was no assessment of this kind
    t = assessment_team()
    record(t.lead, t.case, "risk")
    # when
    with time_machine.travel(NOON, tick=False), pytest.raises(EditConflict):
        services.assessment_record(
            actor=colleague_of(t.lead),
            case_id=t.case.id,
            kind="risk",
            assessed_on=NOON.date(),
            sections=answers("risk"),
            person_view="Did not wish to say.",
            based_on_version=0,
        )
    # then
    assert Assessment.objects.filter(case=t.case).count() == 1


def test_the_page_keeps_what_the_second_user_typed_shows_what_is_saved_and_saves_again() -> None:
    # given: both open the form on version 1; the first records version 2
    t = assessment_team()
    record(t.lead, t.case, "needs", person_view="Version one.")
    other = colleague_of(t.lead)
    url = reverse("assistance:assessment_new", args=[t.case.id]) + "?kind=needs"
    mine = _form(person_view="What I typed carefully.", based_on_version="1")
    with time_machine.travel(NOON, tick=False):
        saved_first = _form(person_view="Saved first.", based_on_version="1")
        first = client_for(t.lead).post(url, saved_first)
        client = client_for(other)
        # when
        conflict = client.post(url, mine)
        page = conflict.content.decode()
        again = client.post(url, {**mine, "based_on_version": "2"})
    # then: nothing saved by the stale post, the notice names what is saved, the
    # typed words are kept and the form now builds on version 2
    assert first.status_code == 302
    assert conflict.status_code == 409
    assert "Someone else changed this record" in page
    assert "Saved first." in page and "What I typed carefully." in page
    assert 'name="based_on_version" value="2"' in page
    assert again.status_code == 302
    latest = Assessment.objects.filter(case=t.case).order_by("-version").first()
    assert latest is not None and (latest.version, latest.recorded_by_id) == (3, other.id)


def test_the_api_answers_409_edit_conflict_as_published(openapi: dict[str, Any]) -> None:
    # given
    t = assessment_team()
    url = ASSESSMENTS.format(id=t.case.id)
    with time_machine.travel(NOON, tick=False):
        first = api_client_for(t.lead).post(url, _body(), format="json")
        second = api_client_for(colleague_of(t.lead))
        # when
        stale = second.post(url, _body(person_view="Mine."), format="json")
        rebased = second.post(url, _body(person_view="Mine.", based_on_version=1), format="json")
    # then
    assert first.status_code == 201
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")
    assert stale.json()["field"] == "based_on_version"
    assert_matches_schema(openapi, ASSESSMENTS, "post", 409, stale.json())
    assert (rebased.status_code, rebased.json()["version"]) == (201, 2)
    assert Assessment.objects.filter(case=t.case).count() == 2


def test_the_api_requires_the_version_the_client_started_from() -> None:
    # given
    t = assessment_team()
    body = _body()
    del body["based_on_version"]
    # when
    with time_machine.travel(NOON, tick=False):
        refused = api_client_for(t.lead).post(ASSESSMENTS.format(id=t.case.id), body, format="json")
    # then
    assert (refused.status_code, refused.json()["field"]) == (400, "based_on_version")
    assert not Assessment.objects.exists()


# --- two real connections (PostgreSQL) --------------------------------------------------------


def in_own_connection(work: Callable[[], object], results: list[object]) -> threading.Thread:
    """Run ``work`` in a thread, which Django gives its own database connection."""

    def run() -> None:
        try:
            results.append(work())
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def wait_until_blocked() -> bool:
    """Whether another connection waits on a lock, asked until it does (bounded: 30 s)."""
    for _ in range(3000):
        if waiting_on_a_lock():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_at_once_one_wins_the_other_is_told() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent writers; SQLite serialises every write (PostgreSQL)")
    # given: two caseworkers start from version 1
    t = assessment_team()
    services.assessment_record(
        actor=t.lead,
        case_id=t.case.id,
        kind="needs",
        assessed_on=timezone.localdate(),
        sections=answers("needs"),
        person_view="Version one.",
        based_on_version=0,
    )
    other = colleague_of(t.lead)
    first_saved, release = threading.Event(), threading.Event()

    def save(actor: User, words: str, hold: bool) -> Assessment:
        with transaction.atomic():
            saved = services.assessment_record(
                actor=actor,
                case_id=t.case.id,
                kind="needs",
                assessed_on=timezone.localdate(),
                sections=answers("needs", level="urgent"),
                person_view=words,
                based_on_version=1,
            )
            if hold:  # keep the transaction open until the other is waiting on it
                first_saved.set()
                release.wait(timeout=30)
        return saved

    one: list[object] = []
    two: list[object] = []
    a = in_own_connection(lambda: save(t.lead, "From the first connection.", True), one)
    b = in_own_connection(lambda: save(other, "From the second connection.", False), two)
    # when: the second saves while the first's transaction is still open
    a.start()
    assert first_saved.wait(timeout=30)
    b.start()
    waited = wait_until_blocked()
    release.set()
    a.join(timeout=30)
    b.join(timeout=30)
    # then: exactly one wins, the other gets the conflict, nothing is mixed
    assert waited
    assert isinstance(one[0], Assessment) and one[0].version == 2
    assert isinstance(two[0], EditConflict) and two[0].code == ErrorCode.EDIT_CONFLICT
    versions = Assessment.objects.filter(case=t.case).order_by("version")
    assert [(a.version, a.recorded_by_id) for a in versions] == [(1, t.lead.id), (2, t.lead.id)]
