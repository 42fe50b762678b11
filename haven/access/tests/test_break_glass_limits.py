"""Break-glass limits (issue 12): only for cases of the user's own country, only
for roles that work cases (never the rapporteur, organisation or system
administrators, and the way in is not shown to them), only with a reason from the
list; every refused attempt leaves an audit event without personal data.

Allowed and denied sides share one setup (``test_break_glass.world``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.access import services as access_services
from haven.access.models import BreakGlass, BreakGlassReason
from haven.access.selectors import break_glass as selectors
from haven.access.tests.test_break_glass import JUSTIFICATION, code_of, use, world
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.test_api import api_client_for
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

USE = "/api/v1/break-glass/"
NEW = reverse("access:break_glass_new")


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.BREAK_GLASS_REFUSED).order_by("id"))


def swedish_police() -> User:
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="SE")
    user: User = UserFactory.create(organisation=police, role=Role.CASEWORKER)
    return user


# --- the user's own country ---------------------------------------------------------------


def test_it_refuses_a_case_of_another_country_as_a_missing_one_and_audits_why() -> None:
    # given: a Finnish case; police of Sweden, and police of Finland, both off the team
    w = world()
    swede = swedish_police()

    # when
    refused = code_of(lambda: use(w, swede))
    missing = code_of(lambda: use(w, swede, case_reference="FI-2026-ZZZZZZ"))
    allowed = use(w)  # the Finnish police officer

    # then: the same answer as a missing case; only the audit trail says why
    assert refused == missing == "case_not_found"
    assert allowed.case_id == w.case.id
    assert not BreakGlass.objects.filter(user=swede).exists()
    [other_country, not_found] = refusals()
    assert (other_country.actor_id, other_country.object_id) == (swede.pk, str(w.case.id))
    assert other_country.detail["refused"] == "break_glass_other_country"
    assert (not_found.object_id, not_found.detail["refused"]) == ("", "case_not_found")


def test_the_api_refuses_a_case_of_another_country() -> None:
    # given
    w = world()
    body = {"case_reference": w.case.reference, "reason": "immediate_danger"}
    body["justification"] = JUSTIFICATION
    # when
    swede = api_client_for(swedish_police()).post(USE, body, format="json")
    finn = api_client_for(w.outsider).post(USE, body, format="json")
    # then
    assert (swede.status_code, swede.json()["code"]) == (404, "case_not_found")
    assert finn.status_code == 201
    assert finn.json()["reason"] == "immediate_danger"


# --- roles that need it -----------------------------------------------------------------


def test_the_rapporteurs_staff_may_not_use_it_and_are_not_shown_the_way_in() -> None:
    # given: a caseworker of the national rapporteur (statistics only), and of the police
    w = world()
    rapporteur_org = OrganisationFactory.create(org_type=OrgType.RAPPORTEUR, country="FI")
    statistician = UserFactory.create(organisation=rapporteur_org, role=Role.CASEWORKER)

    # when
    refused = code_of(lambda: use(w, statistician))
    listing = sign_in(Client(), statistician).get(reverse("cases:list")).content.decode()
    page = sign_in(Client(), statistician).get(NEW)
    police_listing = sign_in(Client(), w.outsider).get(reverse("cases:list")).content.decode()

    # then
    assert refused == "sharing_not_allowed"
    assert not selectors.may_use_break_glass(statistician)
    assert f'href="{NEW}"' not in listing
    assert page.status_code == 403
    assert selectors.may_use_break_glass(w.outsider)
    assert f'href="{NEW}"' in police_listing
    assert refusals()[0].detail["refused"] == "sharing_not_allowed"


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.SYSTEM_ADMIN, Role.RAPPORTEUR])
def test_administrators_and_the_rapporteur_role_are_not_shown_the_way_in(role: str) -> None:
    # given
    w = world()
    assert w.outsider.organisation is not None
    clerk = UserFactory.create(organisation=w.outsider.organisation, role=role)
    # when
    allowed = selectors.may_use_break_glass(clerk)
    listing = sign_in(Client(), clerk).get(reverse("cases:list"))
    # then
    assert not allowed
    assert f'href="{NEW}"' not in listing.content.decode()


# --- a structured reason ----------------------------------------------------------------


def test_it_asks_for_a_reason_from_the_list() -> None:
    # given
    w = world()
    body = {"case_reference": w.case.reference, "justification": JUSTIFICATION}

    # when
    unknown = code_of(lambda: use(w, reason="curiosity"))
    by_api = api_client_for(w.outsider).post(USE, body, format="json")
    page = sign_in(Client(), w.outsider).post(NEW, body)
    chosen = use(w, reason=BreakGlassReason.LEAD_UNREACHABLE)

    # then
    assert unknown == "justification_required"
    assert (by_api.status_code, by_api.json()["field"]) == (400, "reason")
    assert page.status_code == 400
    assert 'id="id_reason_error"' in page.content.decode()
    assert chosen.reason == BreakGlassReason.LEAD_UNREACHABLE
    opened = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert opened.detail["reason"] == "lead_unreachable"


# --- failed attempts are audited, without personal data --------------------------------------


def test_a_refused_attempt_is_audited_without_the_typed_words() -> None:
    # given: a justification too short, with words that must not reach the trail
    w = world()
    words = "Aino Testinen ill"

    # when
    code = code_of(lambda: use(w, justification=words))

    # then
    assert code == "justification_required"
    [event] = refusals()
    assert (event.actor_id, event.action, event.person_id) == (
        w.outsider.pk,
        Action.BREAK_GLASS_REFUSED,
        "",
    )
    assert event.detail == {
        "refused": "justification_required",
        "reason": "person_missing",
        "role": "caseworker",
    }
    assert "Aino" not in str(event.detail)


def test_the_grant_itself_refuses_a_reason_not_on_the_list() -> None:
    # given
    w = world()
    # when
    refused = code_of(
        lambda: access_services.break_glass_open(
            actor=w.outsider,
            case_id=w.case.id,
            person_id=w.case.person_id,
            justification=JUSTIFICATION,
            reason="curiosity",
        )
    )
    # then
    assert refused == "justification_required"
    assert not BreakGlass.objects.exists()
