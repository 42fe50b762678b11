"""Rounds of the identification pathway through the pages and the API (R-01, R-15,
R-17), and a walk over the status table: from every status R-01 allows, the pages
and the API offer at least one allowed next step, and it works."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from haven.assistance.models import ReflectionPeriod
from haven.cases import selectors as case_selectors
from haven.cases.status import DECISION_STATUSES, TRANSITIONS
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.test_api import api_client_for
from haven.identification.models import IdentificationDecision
from haven.identification.tests.test_decisions_services import CG, RG, TODAY, Team, record, team
from haven.identification.tests.test_pathway_rounds import (
    BACK,
    FIRST,
    LEFT,
    change,
    presumed_then,
)
from haven.web import timeline
from haven.web.tests.factories import sign_in
from haven.web.tests.test_schema import assert_matches_schema

pytestmark = pytest.mark.django_db

CASE_DECISIONS = "/api/v1/cases/{id}/decisions/"
NEXT_STEPS = "/api/v1/cases/{id}/next-steps/"
TRANSITIONS_API = "/api/v1/cases/{id}/transitions/"
RECONSIDERATIONS = "/api/v1/decisions/{id}/reconsiderations/"


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    document: dict[str, Any] = json.loads(response.content)
    return document


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def stored_status(t: Team) -> str:
    return str(type(t.case).objects.get(pk=t.case.pk).identification_status)


# --- the earlier decision kept in the history, on the pages and in the API ------------------


def test_r01_person_who_withdrew_comes_back_through_the_pages() -> None:
    # given: a presumed victim who withdrew
    t = presumed_then(S.WITHDRAWN)
    police = sign_in(Client(), t.police)
    lead = sign_in(Client(), t.ngo)
    decisions_url = reverse("identification:decision_list", args=[t.case.id])
    transition_url = reverse("cases:transition", args=[t.case.id])
    with time_machine.travel(TODAY, tick=False):
        # the decisions page offers to reopen the pathway
        listing = page(lead, decisions_url)
        assert "Reopen the identification pathway" in listing
        assert f"{transition_url}?to_status=potential" in listing
        form = page(lead, f"{transition_url}?to_status=potential")
        assert "reopens the identification pathway" in form
        assert 'value="potential" required id="id_to_status_0" checked' in form
        # when: the lead reopens it, and the police record a new reasonable-grounds decision
        reopened = lead.post(
            transition_url,
            {
                "to_status": S.POTENTIAL,
                "decided_on": BACK.isoformat(),
                "legal_basis": "Test Act s. 2",
                "reasons": "The person came back and asks for help.",
            },
        )
        assert reopened.status_code == 302, reopened.content.decode()
        decided = police.post(
            reverse("identification:decision_new", args=[t.case.id]) + f"?type={RG}",
            {
                "outcome": "positive",
                "decided_on": TODAY.isoformat(),
                "legal_basis": "Test Act s. 1",
                "reasons": "A full account, now.",
                "served_to": "person",
            },
        )
        assert decided.status_code == 302, decided.content.decode()
        listing = page(lead, decisions_url)
        detail = page(lead, decided["Location"])
        first = IdentificationDecision.objects.filter(case=t.case).order_by("recorded_at")[0]
        earlier = page(lead, reverse("identification:decision_detail", args=[first.id]))
    # then
    assert (reopened.status_code, decided.status_code) == (302, 302)
    assert stored_status(t) == S.PRESUMED
    assert "Earlier round (1)" in listing
    assert "Current round (2)" in listing
    assert "this is round 2" in listing
    assert "Reopen the identification pathway" not in listing
    assert "Current round (2)" in detail
    assert "it is kept as history" in earlier


def test_r01_the_timeline_and_the_report_mark_the_earlier_round() -> None:
    # given
    t = presumed_then(S.DECLINED_FORMAL_IDENTIFICATION)
    change(t, S.POTENTIAL, BACK)
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
        # when
        view = case_selectors.case_read(user=t.ngo, case_id=t.case.id)
        entries = timeline.timeline_for(user=t.ngo, case_view=view).entries
    # then
    decisions = [(e.on, e.detail) for e in entries if e.kind == "decision"]
    assert decisions == [
        (FIRST, "Positive; earlier round of the pathway"),
        (TODAY, "Positive"),
    ]
    periods = [(e.on, e.title) for e in entries if e.kind == "reflection_period"]
    assert (FIRST, "Reflection period starts") in periods
    assert (FIRST + timedelta(days=30), "Reflection period ended") in periods
    assert (TODAY, "Reflection period starts") in periods
    assert ReflectionPeriod.objects.filter(case=t.case).count() == 2


def test_r01_person_who_withdrew_comes_back_through_the_api(openapi: dict[str, Any]) -> None:
    # given
    t = presumed_then(S.WITHDRAWN)
    lead, police = api_client_for(t.ngo), api_client_for(t.police)
    with time_machine.travel(TODAY, tick=False):
        steps = police.get(NEXT_STEPS.format(id=t.case.id)).json()
        # when
        reopened = lead.post(
            TRANSITIONS_API.format(id=t.case.id),
            {
                "to_status": S.POTENTIAL,
                "decided_on": BACK.isoformat(),
                "legal_basis": "Test Act s. 2",
                "reasons": "The person came back.",
            },
            format="json",
        )
        created = police.post(
            CASE_DECISIONS.format(id=t.case.id),
            {
                "decision_type": RG,
                "outcome": "positive",
                "legal_basis": "Test Act s. 1",
                "reasons": "A full account, now.",
            },
            format="json",
        )
        listed = police.get(CASE_DECISIONS.format(id=t.case.id))
    # then
    assert (steps["status_changes"], steps["reopens"]) == (["potential"], True)
    assert_matches_schema(openapi, NEXT_STEPS, "get", 200, steps)
    assert (reopened.status_code, created.status_code) == (201, 201)
    assert (created.json()["round"], created.json()["earlier_round"]) == (2, False)
    body = listed.json()
    assert [(d["decided_on"], d["round"], d["earlier_round"]) for d in body] == [
        (FIRST.isoformat(), 1, True),
        (TODAY.isoformat(), 2, False),
    ]
    assert_matches_schema(openapi, CASE_DECISIONS, "get", 200, body)


def test_r17_the_api_refuses_to_reconsider_a_decision_of_an_earlier_round() -> None:
    # given
    t = team()
    with time_machine.travel(FIRST, tick=False):
        negative = record(t.police, t.case, outcome="negative", reasons="No indicators.")
    change(t, S.POTENTIAL, LEFT)
    change(t, S.WITHDRAWN, LEFT)
    change(t, S.POTENTIAL, BACK)
    # when
    with time_machine.travel(TODAY, tick=False):
        response = api_client_for(t.ngo).post(
            RECONSIDERATIONS.format(id=negative.id), {"grounds": "New evidence."}, format="json"
        )
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "decision_in_earlier_round"


# --- every status has a way forward ---------------------------------------------------------


def in_status(status: S) -> Team:
    """A case brought to ``status`` the real way (decisions for decision statuses)."""
    t = team()
    if status in (S.PRESUMED, S.IDENTIFIED):
        with time_machine.travel(FIRST, tick=False):
            record(t.police, t.case)
    if status == S.IDENTIFIED:
        with time_machine.travel(FIRST + timedelta(days=30), tick=False):
            record(t.police, t.case, CG)
    if status == S.NOT_IDENTIFIED:
        with time_machine.travel(FIRST, tick=False):
            record(t.police, t.case, outcome="negative", reasons="No indicators yet.")
    if status in (S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN):
        change(t, status, FIRST)
    assert stored_status(t) == status
    return t


def offered_on_pages(t: Team) -> tuple[list[str], list[str]]:
    """The status changes and the decisions the pages offer to the police now."""
    client = sign_in(Client(), t.police)
    changes = page(client, reverse("cases:transition", args=[t.case.id]))
    decisions = page(client, reverse("identification:decision_new", args=[t.case.id]))
    return (
        re.findall(r'name="to_status" value="([a-z_]+)"', changes),
        re.findall(r"\?type=([a-z_]+)&amp;outcome=positive", decisions),
    )


def step_by_page(t: Team, *, to_status: str = "", decision_type: str = "") -> int:
    client = sign_in(Client(), t.police)
    if to_status:
        url = reverse("cases:transition", args=[t.case.id])
        data = {"to_status": to_status, "decided_on": TODAY.isoformat()}
    else:
        url = reverse("identification:decision_new", args=[t.case.id]) + f"?type={decision_type}"
        data = {"outcome": "positive", "decided_on": TODAY.isoformat(), "served_to": "person"}
    data |= {"legal_basis": "Test Act s. 3", "reasons": "The next step of the pathway."}
    return int(client.post(url, data).status_code)


@pytest.mark.parametrize("status", list(S))
def test_r01_every_status_has_a_way_forward_on_the_pages_and_in_the_api(status: S) -> None:
    # given
    t = in_status(status)
    api = api_client_for(t.police)
    with time_machine.travel(TODAY, tick=False):
        # when
        changes, decisions = offered_on_pages(t)
        steps = api.get(NEXT_STEPS.format(id=t.case.id)).json()
    # then: at least one step, the same on the pages and in the API, never a
    # decision status as a plain change
    assert changes or decisions
    assert steps["status_changes"] == changes
    assert [d["decision_type"] for d in steps["decisions"] if d["available"]] == decisions
    assert not set(changes) & DECISION_STATUSES
    # and each offered step works, on a fresh case in the same status
    for to_status in changes:
        fresh = in_status(status)
        with time_machine.travel(TODAY, tick=False):
            assert step_by_page(fresh, to_status=to_status) == 302
        assert stored_status(fresh) == to_status
    for decision_type in decisions:
        fresh = in_status(status)
        with time_machine.travel(TODAY, tick=False):
            assert step_by_page(fresh, decision_type=decision_type) == 302
        assert stored_status(fresh) in TRANSITIONS.targets(status)
        assert stored_status(fresh) in DECISION_STATUSES


@pytest.mark.parametrize("status", list(S))
def test_r01_a_decision_status_is_refused_as_a_plain_change_in_the_api(status: S) -> None:
    # given
    t = in_status(status)
    client = api_client_for(t.ngo)
    # when
    with time_machine.travel(TODAY, tick=False):
        answers = {
            target: client.post(
                TRANSITIONS_API.format(id=t.case.id),
                {"to_status": target, "legal_basis": "Act", "reasons": "Because."},
                format="json",
            ).json()["code"]
            for target in TRANSITIONS.targets(status) & DECISION_STATUSES
        }
    # then
    assert set(answers.values()) <= {"decision_required"}
    assert stored_status(t) == status
