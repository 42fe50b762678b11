"""The consent pages under a case (R-20, R-40) and "why can I see this" on the
case page, end to end through the test client.

Each test uses the set-up of ``haven.access.tests.test_selectors_sharing``: an
NGO leads the case; a police organisation is on the team with nothing shared by
default; an agreement lets the narrative flow to the police for investigation.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django import DjangoAssertNumQueries

from haven.access.models import Consent, FieldGroup, GivenBy, Purpose
from haven.access.tests.test_selectors_sharing import (
    AGREEMENT,
    CHILD,
    NARRATIVE,
    consent_for_police,
    org_of,
    world,
)
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.cases.forms import sharing as sharing_forms
from haven.cases.models import Case
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import open_case
from haven.web.tests.factories import sign_in

if TYPE_CHECKING:  # the test client's response type exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

# Pinned, measured on SQLite: the 6 of every signed-in page and the menu's
# notification count (see test_views.py); the case with person and key, its
# team; then in a savepoint pair the consents (with recipient and users in one
# query), the narrative decision for a child's views (break-glass grants, the
# reader's organisation) and the audit append (head, event, head) in its own
# savepoint pair. The same for 1 consent as for 3.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
# Issue 10 adds 1: the child's own views heard while no guardian was appointed.
# Issue 13 takes 4 away: the audit append is one insert now (sealed later by the worker).
CONSENT_LIST_QUERIES = 17


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _consents(case: Case) -> str:
    return reverse("cases:consent_list", args=[case.id])


def _new(case: Case) -> str:
    return reverse("cases:consent_new", args=[case.id])


def _withdraw(consent: Consent) -> str:
    return reverse("cases:consent_withdraw", args=[consent.case_id, consent.id])


def _detail(case: Case, purpose: str = "") -> str:
    url = reverse("web:case_detail", args=[case.id])
    return f"{url}?purpose={purpose}" if purpose else url


def _section(response: TestResponse, group: str) -> str:
    match = re.search(
        rf'<section [^>]*id="group-{group}".*?</section>', response.content.decode(), re.S
    )
    assert match is not None
    return match.group(0)


def _narrative(response: TestResponse) -> Any:
    return response.context["view"].group(FieldGroup.NARRATIVE)


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": timezone.localdate().isoformat(),
        "given_by": GivenBy.PERSON,
        "language": "ti",
        "information_given": "Told in Tigrinya, with an interpreter, what the police will read.",
        **overrides,
    }


# --- the consent list --------------------------------------------------------------------


def test_it_links_the_lead_to_the_consents_and_lists_them() -> None:
    # given
    w = world()
    consent_for_police(w)
    lead, police = _client(w.lead), _client(w.police)

    # when
    lead_case_page = lead.get(_detail(w.case)).content.decode()
    police_case_page = police.get(_detail(w.case)).content.decode()
    response = lead.get(_consents(w.case))

    # then
    assert f'href="{_consents(w.case)}"' in lead_case_page
    assert f'href="{_consents(w.case)}"' not in police_case_page
    assert response.status_code == 200
    page = response.content.decode()
    assert f"To {org_of(w.police).name}, for investigation" in page
    assert "Narrative" in page
    assert w.lead.username in page
    assert "Live" in page
    assert f'action="{_withdraw(Consent.objects.get())}"' in page


@pytest.mark.parametrize("page", ["list", "new", "withdraw"])
def test_it_answers_404_outside_the_team_and_403_with_the_reason_to_other_members(
    page: str,
) -> None:
    # given
    w = world()
    consent = consent_for_police(w)
    outsider = make_user(org_type=OrgType.NGO)
    url = {"list": _consents(w.case), "new": _new(w.case), "withdraw": _withdraw(consent)}[page]

    def ask(user: User) -> TestResponse:
        client = _client(user)
        return client.post(url) if page == "withdraw" else client.get(url)

    # when
    answers = {name: ask(user) for name, user in [("outsider", outsider), ("police", w.police)]}
    live_after_refusals = Consent.objects.get().withdrawn_at is None
    lead = ask(w.lead)

    # then
    assert answers["outsider"].status_code == 404
    assert w.case.reference not in answers["outsider"].content.decode()
    assert answers["police"].status_code == 403
    assert org_of(w.lead).name in answers["police"].content.decode()
    assert lead.status_code == (302 if page == "withdraw" else 200)
    assert live_after_refusals


@pytest.mark.parametrize("consents", [1, 3])
def test_it_lists_consents_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, consents: int
) -> None:
    # given
    w = world()
    for day in range(consents):
        consent_for_police(w, given_on=timezone.localdate() - timedelta(days=day))
    client = _client(w.lead)

    # when / then
    with django_assert_num_queries(CONSENT_LIST_QUERIES):
        response = client.get(_consents(w.case))
    assert response.status_code == 200


# --- recording -------------------------------------------------------------------------


def test_it_prefills_the_information_and_says_refusing_changes_no_assistance() -> None:
    # given
    w = world()

    # when
    response = _client(w.lead).get(_new(w.case))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "changes nothing in the help and support" in page
    form = response.context["form"]
    assert form["information_given"].value() == sharing_forms.INFORMATION_GIVEN
    assert "child_views" not in form.fields
    assert [v for v, _ in form.fields["given_by"].choices] == [GivenBy.PERSON, GivenBy.GUARDIAN]
    assert f"org:{org_of(w.police).pk}" in page
    assert f"org:{org_of(w.lead).pk}" not in page


def test_it_records_a_consent_from_the_form() -> None:
    # given
    w = world()
    client = _client(w.lead)

    # when
    response = client.post(_new(w.case), _form(recipient=f"org:{org_of(w.police).pk}"))

    # then
    assert response.status_code == 302
    assert response["Location"] == _consents(w.case)
    consent = Consent.objects.get()
    assert consent.recipient_organisation == org_of(w.police)
    assert (consent.purpose, consent.field_groups, consent.language) == (
        Purpose.INVESTIGATION,
        [FieldGroup.NARRATIVE],
        "ti",
    )
    assert consent.recorded_by == w.lead
    assert AuditEvent.objects.filter(
        object_type="access.Consent", object_id=str(consent.id), action=Action.CREATE
    ).exists()


def test_it_records_a_consent_for_every_organisation_of_a_type() -> None:
    # when
    w = world()
    response = _client(w.lead).post(_new(w.case), _form(recipient=f"type:{OrgType.POLICE}"))

    # then
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.recipient_organisation, consent.recipient_org_type) == (None, OrgType.POLICE)


def test_it_shows_consent_errors_beside_the_fields_and_records_nothing() -> None:
    # given
    w = world()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    bad = _form(recipient="org:nobody", field_groups=[], language="t1")

    # when
    shape = _client(w.lead).post(_new(w.case), bad)
    rule = _client(w.lead).post(
        _new(w.case), _form(recipient=f"org:{org_of(w.police).pk}", given_on=tomorrow)
    )

    # then
    assert (shape.status_code, rule.status_code) == (400, 400)
    assert set(shape.context["form"].errors) == {"recipient", "field_groups", "language"}
    assert set(rule.context["form"].errors) == {"given_on"}
    assert 'id="id_given_on_error"' in rule.content.decode()
    assert not Consent.objects.exists()


def test_it_records_a_childs_consent_by_the_guardian_with_the_childs_views() -> None:
    # given: a presumed child
    w = world(**CHILD)
    client = _client(w.lead)
    views = "I will talk to the police if my aunt is with me."

    # when
    form = client.get(_new(w.case)).context["form"]
    posted = client.post(
        _new(w.case),
        _form(recipient=f"org:{org_of(w.police).pk}", given_by=GivenBy.GUARDIAN, child_views=views),
    )
    refused = client.post(
        _new(w.case), _form(recipient=f"org:{org_of(w.police).pk}", given_by=GivenBy.PERSON)
    )
    listed = client.get(_consents(w.case)).content.decode()

    # then: the guardian decides; the child's views are recorded beside it
    assert [v for v, _ in form.fields["given_by"].choices] == [GivenBy.GUARDIAN]
    assert "child_views" in form.fields
    assert posted.status_code == 302
    assert refused.status_code == 400
    assert "given_by" in refused.context["form"].errors
    consent = Consent.objects.get()
    assert consent.given_by == GivenBy.GUARDIAN
    assert views not in bytes(consent.child_views_enc or b"").decode("latin-1")
    assert views in listed


def test_it_refuses_to_record_consent_for_an_erased_person_beside_the_form() -> None:
    # given
    w = world()
    supervisor = UserFactory.create(organisation=org_of(w.lead), role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=w.case.id)

    # when
    response = _client(w.lead).post(_new(w.case), _form(recipient=f"org:{org_of(w.police).pk}"))

    # then
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Consent.objects.exists()


# --- withdrawal ------------------------------------------------------------------------


def test_it_stops_sharing_on_the_next_request_after_withdrawal_in_the_pages() -> None:
    # given: the police read the narrative under consent and an agreement in force
    w = world()
    consent = consent_for_police(w)
    police, lead = _client(w.police), _client(w.lead)
    before = police.get(_detail(w.case, Purpose.INVESTIGATION))
    assert NARRATIVE in _section(before, "narrative")
    assert _narrative(before).code == "consent_and_agreement"

    # when
    withdrawn = lead.post(_withdraw(consent), follow=True)
    after = police.get(_detail(w.case, Purpose.INVESTIGATION))

    # then
    assert withdrawn.status_code == 200
    assert "withdrawn" in withdrawn.content.decode().lower()
    assert Consent.objects.get().withdrawn_by == w.lead
    assert after.status_code == 200
    assert NARRATIVE not in after.content.decode()
    hidden = _narrative(after)
    assert (hidden.allowed, hidden.code) == (False, "no_consent")
    assert org_of(w.lead).name in hidden.reason
    assert hidden.reason in _section(after, "narrative")


def test_it_says_so_when_a_consent_was_already_withdrawn() -> None:
    # given
    w = world()
    consent = consent_for_police(w)
    client = _client(w.lead)
    client.post(_withdraw(consent))
    first = Consent.objects.get().withdrawn_at

    # when
    response = client.post(_withdraw(consent), follow=True)

    # then
    assert response.status_code == 200
    assert "already withdrawn" in response.content.decode()
    assert Consent.objects.get().withdrawn_at == first


def test_it_answers_404_for_a_consent_of_another_case() -> None:
    # given: the same lead leads two cases
    w = world()
    consent = consent_for_police(w)
    other = open_case(actor=w.lead)
    url = reverse("cases:consent_withdraw", args=[other.id, consent.id])

    # when
    wrong = _client(w.lead).post(url)
    unknown = _client(w.lead).post(
        reverse("cases:consent_withdraw", args=[w.case.id, uuid.uuid4()])
    )

    # then
    assert (wrong.status_code, unknown.status_code) == (404, 404)
    assert Consent.objects.get().withdrawn_at is None


def test_it_changes_nothing_in_assistance_when_the_person_refuses_police_sharing() -> None:
    # given: one person consents to police sharing, the other refuses
    consenting, refusing = world(), world()
    consent_for_police(consenting)

    # when: both are presumed victims
    for w in (consenting, refusing):
        case_services.case_transition(
            pathway_decision=True,
            actor=w.lead,
            case_id=w.case.id,
            to_status=IdentificationStatus.PRESUMED,
            reasons="Reasonable grounds.",
            legal_basis="Test Act s. 1",
        )

    # then
    cases = [Case.objects.get(pk=w.case.pk) for w in (consenting, refusing)]
    assert [c.assistance_eligible for c in cases] == [True, True]
    assert [c.removal_protected for c in cases] == [True, True]
    assert _narrative(
        _client(refusing.police).get(_detail(refusing.case, "investigation"))
    ).code == ("no_consent")


# --- why can I see this ----------------------------------------------------------------


def test_it_explains_each_group_by_agreement_consent_and_purpose_on_the_case_page() -> None:
    # given
    w = world()
    client = _client(w.police)

    # when: no agreement for assistance; for investigation, no consent yet; then consent
    assistance = client.get(_detail(w.case))
    investigation = client.get(_detail(w.case, Purpose.INVESTIGATION))
    consent = consent_for_police(w)
    shared = client.get(_detail(w.case, Purpose.INVESTIGATION))

    # then
    lead = org_of(w.lead).name
    assert _narrative(assistance).code == "no_agreement"
    assert f"Ask the case lead ({lead})" in _section(assistance, "narrative")
    assert _narrative(investigation).code == "no_consent"
    assert f"Ask the case lead ({lead})" in _section(investigation, "narrative")
    day = date_format(consent.given_on)
    expected = (
        f"Shared by consent of {day} for investigation under the agreement &#x27;{AGREEMENT}&#x27;."
    )
    assert expected in _section(shared, "narrative")
    assert "Why can I see this:" in _section(shared, "narrative")


def test_it_names_the_legal_basis_when_the_agreement_needs_no_consent() -> None:
    # given
    w = world(consent_required=False)

    # when
    response = _client(w.police).get(_detail(w.case, Purpose.INVESTIGATION))

    # then
    narrative = _narrative(response)
    assert narrative.code == "legal_basis"
    assert "Criminal Investigation Act, s. 4" in _section(response, "narrative")
    assert NARRATIVE in _section(response, "narrative")


def test_it_reads_the_case_for_the_purpose_chosen_and_refuses_an_unknown_one() -> None:
    # given
    w = world(consent_required=False)
    client = _client(w.police)

    # when
    chosen = client.get(_detail(w.case, Purpose.INVESTIGATION))
    unknown = client.get(_detail(w.case, "curiosity"))

    # then
    assert chosen.status_code == 200
    assert 'value="investigation" selected' in chosen.content.decode()
    assert unknown.status_code == 400
    assert "purpose" in unknown.context["purpose_form"].errors
    assert _narrative(unknown).code == "no_agreement"  # read for assistance, the default
    event = AuditEvent.objects.filter(action=Action.READ, object_type="cases.Case").first()
    assert event is not None
    assert event.purpose == Purpose.INVESTIGATION
