"""Decision pages end to end through the test client (R-10, R-17), allowed and
refused sides sharing one setup."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
import time_machine
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team
from haven.children.tests.factories import appoint_guardian
from haven.identification import pathways
from haven.identification.models import IdentificationDecision, Reconsideration
from haven.identification.services import decisions as services
from haven.identification.tests.test_decisions_services import (
    CG,
    OPENED,
    RG,
    TODAY,
    org_of,
    record,
    team,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

# Pinned, measured on SQLite. Every signed-in page costs 7: session, user, OTP
# device, the header's unread-notification count, and the session save in a
# savepoint pair. The list adds, in a savepoint pair: the case with person and
# key, the team twice (visibility, legal group), the user's organisation, the
# decisions with their users, organisations and transitions in one query, their
# reconsiderations in one more, and the audit append (head, event, head) in its
# own savepoint pair. The same for 1 decision as for 3. Issue 4 adds one: the
# reader's live break-glass grants (rule_break_glass runs before the team rules,
# so even the case lead's decision loads them, once per request).
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
# Issue 9 takes 1 away: the case gate decides with the team it loaded to see the case.
# Issue 10 adds 1: the case's reopenings of the pathway, to mark each decision's round.
# Issue 13 takes 4 away: the audit append is one insert now (sealed later by the worker).
DECISION_LIST_QUERIES = 18


def _without_csrf_tokens(response: HttpResponseBase) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]  # a rendered page
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def new_url(case: Case, **query: str) -> str:
    url = reverse("identification:decision_new", args=[case.id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_new_decision_page_shows_the_pathway_to_the_user() -> None:
    # given
    t = team()
    # when
    with time_machine.travel(TODAY, tick=False):
        html = client_for(t.police).get(new_url(t.case)).content.decode()
    # then
    assert "Reasonable grounds decision" in html
    assert "Conclusive grounds decision" in html
    assert "Balance of probabilities" in html  # the standard of proof
    assert "not confirmed against national law" in html
    assert "No earlier than 30 days after the previous decision" in html
    assert "Police" in html  # who takes it
    assert f"?type={RG}&amp;outcome=positive" in html
    assert f"?type={CG}&amp;outcome=positive" not in html  # not before reasonable grounds
    assert 'name="reasons"' not in html  # no type chosen yet: no form


def test_it_pre_fills_the_reason_template_of_the_outcome() -> None:
    # given
    t = team()
    # when
    html = client_for(t.police).get(new_url(t.case, type=RG, outcome="negative")).content.decode()
    # then
    assert "does not give reasonable grounds to believe" in html
    assert 'value="negative" required id="id_outcome_1" checked' in html


def test_r10_the_form_for_a_child_offers_only_the_representative_or_the_authority() -> None:
    # given
    child, adult = team(child=True), team()
    # when
    child_html = client_for(child.police).get(new_url(child.case, type=RG)).content.decode()
    adult_html = client_for(adult.police).get(new_url(adult.case, type=RG)).content.decode()
    # then
    assert 'value="representative"' in child_html
    assert 'value="local_authority"' in child_html
    assert 'name="served_to" value="person"' not in child_html
    assert "never to the child directly" in child_html
    assert 'name="served_to" value="person"' in adult_html


def test_it_records_a_decision_and_shows_it() -> None:
    # given
    t = team(child=True)
    client = client_for(t.police)
    # when
    response = client.post(
        new_url(t.case, type=RG),
        {
            "outcome": "positive",
            "decided_on": TODAY.isoformat(),
            "legal_basis": "Act s. 1",
            "reasons": "A credible account.",
            "served_to": "representative",
        },
    )
    # then
    decision = IdentificationDecision.objects.get(case=t.case)
    assert response.status_code == 302
    assert response["Location"] == reverse("identification:decision_detail", args=[decision.id])
    assert Case.objects.get(pk=t.case.pk).identification_status == S.PRESUMED
    page = client.get(response["Location"]).content.decode()
    assert "A credible account." in page
    assert "Presumed victim" in page


def test_r17_a_conclusive_decision_too_early_is_refused_beside_the_date() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
    # when
    with time_machine.travel(TODAY + timedelta(days=10), tick=False):
        response = client_for(t.police).post(
            new_url(t.case, type=CG),
            {
                "outcome": "positive",
                "legal_basis": "Act s. 1",
                "decided_on": (TODAY + timedelta(days=10)).isoformat(),
                "reasons": "Consistent.",
                "served_to": "person",
            },
        )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_decided_on_error"' in html
    assert "at the earliest" in html
    assert not IdentificationDecision.objects.filter(decision_type=CG).exists()


def test_r17_an_empty_form_and_an_unchanged_template_are_refused() -> None:
    # given
    t = team()
    client = client_for(t.police)
    template = (
        "There are reasonable grounds to believe that the person is a victim of trafficking: "
    )
    # when
    empty = client.post(new_url(t.case, type=RG), {})
    unchanged = client.post(
        new_url(t.case, type=RG),
        {
            "outcome": "positive",
            "legal_basis": "Act s. 1",
            "decided_on": TODAY.isoformat(),
            "reasons": template,
            "served_to": "person",
        },
    )
    untyped = client.post(new_url(t.case), {"outcome": "positive", "reasons": "x"})
    # then
    assert (empty.status_code, unchanged.status_code, untyped.status_code) == (400, 400, 400)
    assert 'id="id_reasons_error"' in unchanged.content.decode()
    assert not IdentificationDecision.objects.exists()


def test_r17_an_organisation_type_that_does_not_decide_gets_the_reason() -> None:
    # given: the NGO leads the case; the police decide
    t = team()
    data = {
        "outcome": "positive",
        "legal_basis": "Act s. 1",
        "decided_on": TODAY.isoformat(),
        "reasons": "x",
        "served_to": "person",
    }
    # when
    refused = client_for(t.ngo).post(new_url(t.case, type=RG), data)
    allowed = client_for(t.police).post(new_url(t.case, type=RG), data)
    # then
    assert refused.status_code == 403
    assert "This decision is taken by" in refused.content.decode()
    assert allowed.status_code == 302


@pytest.mark.parametrize("name", ["decision_list", "decision_new"])
def test_an_outsider_gets_the_same_404_as_for_a_missing_case(name: str) -> None:
    # given
    t = team()
    outsider = make_user(org_type=OrgType.POLICE)
    client = client_for(outsider)
    # when
    hidden = client.get(reverse(f"identification:{name}", args=[t.case.id]))
    cases_hidden = client.get(reverse("web:case_detail", args=[t.case.id]))
    member = client_for(t.police).get(reverse(f"identification:{name}", args=[t.case.id]))
    # then
    assert (hidden.status_code, cases_hidden.status_code, member.status_code) == (404, 404, 200)
    assert _without_csrf_tokens(hidden) == _without_csrf_tokens(cases_hidden)
    assert t.case.reference not in hidden.content.decode()


def test_a_hidden_decision_is_a_404() -> None:
    # given
    t = team()
    decision = record(t.police, t.case)
    url = reverse("identification:decision_detail", args=[decision.id])
    # when
    hidden = client_for(make_user(org_type=OrgType.POLICE)).get(url)
    shown = client_for(t.ngo).get(url)
    # then
    assert (hidden.status_code, shown.status_code) == (404, 200)


def test_the_decision_list_costs_the_same_for_one_decision_as_for_three(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    one, three = team(), team()
    record(one.police, one.case)
    first = record(three.police, three.case, outcome="negative", reasons="No.")
    services.reconsideration_request(actor=three.ngo, decision_id=first.id, grounds="Again.")
    second = record(three.police, three.case, outcome="negative", reasons="Still no.")
    services.reconsideration_request(actor=three.ngo, decision_id=second.id, grounds="Again.")
    record(three.police, three.case, reasons="Yes.")
    for t, count in ((one, 1), (three, 3)):
        client = client_for(t.ngo)
        url = reverse("identification:decision_list", args=[t.case.id])
        # when
        with django_assert_num_queries(DECISION_LIST_QUERIES):
            response = client.get(url)
        # then
        assert response.status_code == 200
        assert response.content.decode().count('<th scope="row" ') == count


def test_the_decision_list_says_when_there_is_none() -> None:
    # given
    t = team()
    # when
    html = (
        client_for(t.ngo)
        .get(reverse("identification:decision_list", args=[t.case.id]))
        .content.decode()
    )
    # then
    assert "No identification decision has been recorded" in html
    assert "not confirmed against national law" in html


def test_r17_a_reconsideration_request_is_recorded_through_the_form() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    url = reverse("identification:reconsideration_new", args=[negative.id])
    client = client_for(t.ngo)
    # when
    form = client.get(url)
    empty = client.post(url, {"requested_on": TODAY.isoformat(), "grounds": ""})
    future = client.post(
        url,
        {"requested_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "grounds": "New."},
    )
    done = client.post(url, {"requested_on": negative.decided_on.isoformat(), "grounds": "New."})
    # then
    assert form.status_code == 200
    assert (empty.status_code, future.status_code, done.status_code) == (400, 400, 302)
    assert 'id="id_requested_on_error"' in future.content.decode()
    assert Reconsideration.objects.get().decision == negative
    detail = client.get(done["Location"]).content.decode()
    assert "New." in detail
    assert "Record a request for reconsideration" not in detail  # one is open


@pytest.mark.parametrize("confirmed", [True, False])
def test_the_pathway_notice_shows_only_for_an_unconfirmed_pathway(confirmed: bool) -> None:
    # given
    pathway = dataclasses.replace(pathways.pathway_for("FI"), confirmed=confirmed)
    # when
    html = render_to_string("identification/_decision_pathway_notice.html", {"pathway": pathway})
    # then
    assert ("not confirmed against national law" in html) is not confirmed


def test_the_case_page_links_render() -> None:
    # given
    t = team()
    # when
    html = render_to_string("identification/_decision_links.html", {"case": t.case})
    # then
    assert reverse("identification:decision_list", args=[t.case.id]) in html
    assert reverse("identification:decision_new", args=[t.case.id]) in html


def test_r01_the_form_offers_the_pathways_legal_basis_and_refuses_a_blank_one() -> None:
    # given
    t = team()
    client = client_for(t.police)
    # when
    page = client.get(new_url(t.case, type=RG, outcome="positive")).content.decode()
    blank = client.post(
        new_url(t.case, type=RG),
        {
            "outcome": "positive",
            "legal_basis": " ",
            "decided_on": TODAY.isoformat(),
            "reasons": "A credible account.",
            "served_to": "person",
        },
    )
    # then
    assert 'value="CETS Art. 10(2), Art. 13; Directive 2011/36/EU Art. 11(2)"' in page
    assert blank.status_code == 400
    assert 'id="id_legal_basis_error"' in blank.content.decode()
    assert not IdentificationDecision.objects.exists()


def test_r17_a_decision_dated_before_the_case_was_opened_is_refused_beside_the_date() -> None:
    # given
    t = team()
    # when
    response = client_for(t.police).post(
        new_url(t.case, type=RG),
        {
            "outcome": "positive",
            "legal_basis": "Act s. 1",
            "decided_on": (OPENED - timedelta(days=1)).isoformat(),
            "reasons": "A credible account.",
            "served_to": "person",
        },
    )
    # then
    assert response.status_code == 400
    assert 'id="id_decided_on_error"' in response.content.decode()
    assert not IdentificationDecision.objects.exists()


# --- the decision as a letter for the person (R-17) --------------------------------------

LETTER_LINK = "Print a letter for the person"


def _letter(client: Client, decision: IdentificationDecision) -> str:
    response = client.get(reverse("identification:decision_letter", args=[decision.id]))
    assert response.status_code == 200
    return response.content.decode()


def test_r17_decision_letter_says_what_why_and_how_to_ask_for_reconsideration() -> None:
    # given
    adult, other = team(), team()
    negative = record(
        adult.police,
        adult.case,
        outcome="negative",
        reasons="No indicator of exploitation was found.",
        legal_basis="Test Act s. 7",
    )
    positive = record(other.police, other.case, reasons="A credible account.")
    # when
    refused = _letter(client_for(adult.ngo), negative)
    granted = _letter(client_for(other.ngo), positive)
    # then: what was decided, by whom, when, why and on what basis
    for html, decision, reasons, basis in [
        (refused, negative, "No indicator of exploitation was found.", "Test Act s. 7"),
        (granted, positive, "A credible account.", "Test Act s. 1"),
    ]:
        assert decision.case.reference in html
        assert decision.organisation.name in html
        assert "Reasonable grounds" in html
        assert reasons in html
        assert basis in html
        assert "haven/print.css" in html
        assert "To:</strong>\n    The person concerned" in html
    assert "took a negative decision" in refused
    assert "took a positive decision" in granted
    # how to ask for reconsideration, and by when: the pathway sets no window
    assert "you can ask for it to be reconsidered" in refused
    assert "You can ask at any time. There is no deadline." in refused
    assert "reconsidered" not in granted
    assert "Nothing needs to be done to keep it." in granted


def test_r17_the_letter_says_a_reconsideration_is_pending_once_requested() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    services.reconsideration_request(
        actor=t.ngo, decision_id=negative.id, requested_on=negative.decided_on, grounds="New."
    )
    # when
    html = _letter(client_for(t.ngo), negative)
    # then
    assert "A request for reconsideration was made on" in html
    assert "There is no deadline." not in html


def test_the_letter_says_when_a_later_decision_replaced_this_one() -> None:
    # given
    t = team()
    first = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    record(t.police, t.case, outcome="positive", reasons="New evidence.")
    # when
    html = _letter(client_for(t.ngo), first)
    # then
    assert "A later decision replaced this one." in html
    assert "There is no deadline." not in html


def test_the_letter_link_and_page_open_only_for_who_may_read_the_decision() -> None:
    # given: one case, a team member who may read the legal group and one who may not
    t = team()
    health = make_user(org_type=OrgType.HEALTH)
    add_to_team(case=t.case, organisation=org_of(health), by=t.ngo)
    decision = record(t.police, t.case)
    detail_url = reverse("identification:decision_detail", args=[decision.id])
    letter_url = reverse("identification:decision_letter", args=[decision.id])
    outsider = client_for(make_user(org_type=OrgType.POLICE))
    # when
    allowed_detail = client_for(t.ngo).get(detail_url)
    allowed_letter = client_for(t.ngo).get(letter_url)
    refused_detail = client_for(health).get(detail_url)
    refused_letter = client_for(health).get(letter_url)
    hidden_letter = outsider.get(letter_url)
    # then
    assert (allowed_detail.status_code, allowed_letter.status_code) == (200, 200)
    assert LETTER_LINK in allowed_detail.content.decode()
    assert letter_url in allowed_detail.content.decode()
    assert (refused_detail.status_code, refused_letter.status_code) == (403, 403)
    assert LETTER_LINK not in refused_detail.content.decode()
    assert decision.legal_basis not in refused_letter.content.decode()
    assert hidden_letter.status_code == 404
    assert t.case.reference not in hidden_letter.content.decode()


def test_the_letter_read_is_audited_as_the_decision_page() -> None:
    # given
    t = team()
    decision = record(t.police, t.case)
    before = AuditEvent.objects.count()
    # when
    _letter(client_for(t.ngo), decision)
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    reads = [e for e in events if e.action == Action.READ]
    assert [(e.field_groups, e.purpose, e.object_id) for e in reads] == [
        ("legal", "identification", str(decision.id))
    ]


@pytest.mark.parametrize(
    ("served_to", "addressee"),
    [
        ("representative", "The child's guardian or representative"),
        ("local_authority", "The local authority responsible for the child"),
    ],
)
def test_r17_a_childs_letter_goes_to_the_representative_or_the_authority(
    served_to: str, addressee: str
) -> None:
    # given
    t = team(child=True)
    decision = record(t.police, t.case, served_to=served_to)
    # when
    html = _letter(client_for(t.ngo), decision)
    # then
    assert f"To:</strong>\n    {escape(addressee)}" in html
    assert "Decision papers are never given to a child directly" in html
    assert "The person concerned" not in html


def test_r17_a_childs_letter_names_the_representative_appointed() -> None:
    # given
    t = team(child=True)
    decision = record(t.police, t.case, served_to="representative")
    appoint_guardian(actor=t.ngo, case=t.case, name="Ilona Holhooja")
    # when
    html = _letter(client_for(t.ngo), decision)
    # then
    assert "To:</strong>\n    Ilona Holhooja (Legal guardian)" in html
    assert "Decision papers are never given to a child directly" in html
