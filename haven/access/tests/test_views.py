"""The agreement (MoU) pages under /sharing/ (R-47), end to end through the test
client: listed, read, recorded and ended by system administrators and by
administrators of a party; refused to others. Ending an agreement stops the
access it gave on the day it ends."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from haven.access import services as access_services
from haven.access.models import Agreement, AgreementFlow, AgreementParty, FieldGroup, Purpose
from haven.access.tests import factories
from haven.access.tests.test_selectors_sharing import (
    AGREEMENT,
    World,
    consent_for_police,
    org_of,
    world,
)
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.web.tests.factories import sign_in

if TYPE_CHECKING:  # the test client's response type exists only in django-stubs
    pass

pytestmark = pytest.mark.django_db

LIST = reverse("access:agreement_list")
NEW = reverse("access:agreement_new")
# Pinned, measured on SQLite: the 6 of every signed-in page and the menu's
# notification count (see haven/cases/tests/test_views.py), the count and one
# page of agreements with their creators, then their parties, the parties'
# organisations and who approved for them, and their flows and the flows'
# recipients: the same for 1 agreement as for 4.
AGREEMENT_LIST_QUERIES = 15


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _detail(agreement: Agreement) -> str:
    return reverse("access:agreement_detail", args=[agreement.id])


def _end(agreement: Agreement) -> str:
    return reverse("access:agreement_end", args=[agreement.id])


def _case_page(w: World) -> str:
    return reverse("web:case_detail", args=[w.case.id]) + "?purpose=investigation"


def _rows(prefix: str, rows: list[dict[str, Any]], total: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(total),
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return data


def _form(
    parties: list[dict[str, Any]], flows: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    return {
        "name": "Tampere labour inspection and NGO 2026",
        "document_reference": "Registry 2026/14",
        "legal_basis": "",
        "consent_required": "yes",
        "valid_from": timezone.localdate().isoformat(),
        "ends_on": "",
        **fields,
        **_rows("party", parties, 4),
        **_rows("flow", flows, 3),
    }


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- list and detail -------------------------------------------------------------------


def test_it_lists_agreements_with_parties_status_and_consent() -> None:
    # given
    w = world()
    basis = factories.legal_basis(title="Social Welfare Act", citation="Social Welfare Act, s. 9")
    ended = access_services.agreement_propose(
        actor=w.admin,
        name="Old shelter agreement",
        document_reference="Registry 2019/2",
        valid_from=date(2019, 1, 1),
        ends_on=date(2020, 1, 1),
        consent_required=False,
        legal_basis_id=basis.id,
        parties=[
            access_services.Party(organisation=org_of(w.lead)),
            access_services.Party(org_type=OrgType.SHELTER, country="FI"),
        ],
        flows=[
            access_services.Flow(
                org_type=OrgType.SHELTER, purposes=["assistance"], field_groups=["location"]
            )
        ],
    )
    factories.approve_by_every_party(ended)

    # when
    response = _client(w.admin).get(LIST)

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert [row[0] for row in response.context["rows"]] == [w.agreement, ended]
    assert [str(row[1].label) for row in response.context["rows"]] == ["In effect", "Ended"]
    assert f'href="{_detail(w.agreement)}"' in page
    assert org_of(w.police).name in page
    assert "every Shelter organisation in Finland" in page
    assert "Social Welfare Act" in page


def test_it_lists_agreements_to_a_party_admin_and_refuses_caseworkers() -> None:
    # given
    w = world()
    admin = UserFactory.create(organisation=org_of(w.police), role=Role.ORG_ADMIN)
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)

    # when
    party = _client(admin).get(LIST)
    other = _client(stranger).get(LIST)
    caseworker = _client(w.lead).get(LIST)

    # then
    assert party.status_code == 200
    assert AGREEMENT in party.content.decode()
    assert other.status_code == 200
    assert AGREEMENT not in other.content.decode()
    assert caseworker.status_code == 403
    assert "administrators" in caseworker.content.decode()


@pytest.mark.parametrize("extra", [0, 3])
def test_it_lists_agreements_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    # given
    w = world()
    for number in range(extra):
        access_services.agreement_propose(
            actor=w.admin,
            name=f"Agreement {number}",
            document_reference="Registry",
            valid_from=date(2026, 1, 1),
            parties=[
                access_services.Party(organisation=org_of(w.lead)),
                access_services.Party(organisation=org_of(w.police)),
            ],
            flows=[
                access_services.Flow(
                    organisation=org_of(w.police), purposes=["assistance"], field_groups=["legal"]
                )
            ],
        )
    client = _client(w.admin)

    # when / then
    with django_assert_num_queries(AGREEMENT_LIST_QUERIES):
        response = client.get(LIST)
    assert len(response.context["rows"]) == extra + 1


def test_it_shows_an_agreement_with_its_flows_to_a_party_and_refuses_others() -> None:
    # given
    w = world()
    party_admin = UserFactory.create(organisation=org_of(w.lead), role=Role.ORG_ADMIN)
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)

    # when
    shown = _client(party_admin).get(_detail(w.agreement))
    refused = _client(stranger).get(_detail(w.agreement))
    missing = _client(w.admin).get(reverse("access:agreement_detail", args=[w.case.id]))

    # then
    assert shown.status_code == 200
    page = shown.content.decode()
    assert AGREEMENT in page
    assert "Narrative, Identity" in page or "Identity, Narrative" in page
    assert "investigation" in page
    assert f'action="{_end(w.agreement)}"' in page
    assert refused.status_code == 403
    assert "not a party" in refused.content.decode()
    assert AGREEMENT not in refused.content.decode()
    assert missing.status_code == 404


# --- recording -------------------------------------------------------------------------


def test_it_proposes_an_agreement_with_parties_and_flows_from_the_form() -> None:
    # given
    w = world()
    basis = factories.legal_basis(
        title="Occupational Safety Act", citation="Occupational Safety Act, s. 20"
    )
    inspectorate = OrganisationFactory.create(org_type=OrgType.LABOUR_INSPECTORATE)
    data = _form(
        parties=[
            {"organisation": str(org_of(w.lead).pk)},
            {"org_type": OrgType.LABOUR_INSPECTORATE, "country": "FI"},
        ],
        flows=[
            {
                "organisation": str(inspectorate.pk),
                "purposes": [Purpose.INVESTIGATION, Purpose.IDENTIFICATION],
                "field_groups": [FieldGroup.NARRATIVE],
            }
        ],
        consent_required="no",
        legal_basis=str(basis.id),
    )

    # when
    response = _client(w.admin).post(NEW, data)

    # then
    agreement = Agreement.objects.get(name="Tampere labour inspection and NGO 2026")
    assert response.status_code == 302
    assert response["Location"] == _detail(agreement)
    assert (agreement.consent_required, agreement.legal_basis, agreement.state) == (
        False,
        "Occupational Safety Act, s. 20",
        "proposed",
    )
    parties = {(p.organisation_id, p.org_type, p.country) for p in agreement.parties.all()}
    assert parties == {(org_of(w.lead).pk, "", ""), (None, OrgType.LABOUR_INSPECTORATE, "FI")}
    flow = AgreementFlow.objects.get(agreement=agreement)
    assert flow.recipient_organisation == inspectorate
    assert flow.purposes == [Purpose.IDENTIFICATION, Purpose.INVESTIGATION]


def test_it_offers_fixed_rows_that_work_without_javascript() -> None:
    # when
    response = _client(make_user(org_type=OrgType.OTHER, role=Role.SYSTEM_ADMIN)).get(NEW)

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="party-TOTAL_FORMS" value="4"' in page
    assert 'name="flow-TOTAL_FORMS" value="3"' in page
    assert "<script" not in page.split("</head>")[1]


def test_it_shows_agreement_errors_beside_the_fields_and_records_nothing() -> None:
    # given
    w = world()
    client = _client(w.admin)
    lead, police = str(org_of(w.lead).pk), str(org_of(w.police).pk)
    before = Agreement.objects.count()

    # when: the shape (the form) and the rules (the service)
    shape = client.post(
        NEW,
        _form(
            parties=[
                {"organisation": lead, "org_type": "police"},
                {"country": "F1"},
                {"organisation": police, "country": "FI"},
            ],
            flows=[{"organisation": police, "field_groups": ["narrative"]}],
            name="",
            valid_from="someday",
        ),
    )
    one_party = client.post(
        NEW,
        _form(
            parties=[{"organisation": lead}],
            flows=[{"organisation": police, "purposes": ["assistance"], "field_groups": ["legal"]}],
        ),
    )
    no_flows = client.post(
        NEW, _form(parties=[{"organisation": lead}, {"organisation": police}], flows=[])
    )
    no_basis = client.post(
        NEW,
        _form(
            parties=[{"organisation": lead}, {"organisation": police}],
            flows=[{"organisation": police, "purposes": ["assistance"], "field_groups": ["legal"]}],
            consent_required="no",
        ),
    )

    # then
    assert [r.status_code for r in (shape, one_party, no_flows, no_basis)] == [400] * 4
    form = shape.context["form"]
    assert set(form.errors) == {"name", "valid_from"}
    parties = shape.context["parties"]
    assert set(parties.forms[0].errors) == {"org_type"}
    assert set(parties.forms[1].errors) == {"organisation", "country"}
    assert set(parties.forms[2].errors) == {"country"}
    assert set(shape.context["flows"].forms[0].errors) == {"purposes"}
    assert 'id="id_party-0-org_type_error"' in shape.content.decode()
    assert one_party.context["parties"].non_form_errors()
    assert 'id="parties-errors"' in one_party.content.decode()
    assert no_flows.context["flows"].non_form_errors()
    assert 'id="flows-errors"' in no_flows.content.decode()
    assert set(no_basis.context["form"].errors) == {"legal_basis"}
    assert 'id="id_legal_basis_error"' in no_basis.content.decode()
    assert Agreement.objects.count() == before


def test_it_refuses_an_agreement_by_an_admin_of_a_non_party_beside_the_parties() -> None:
    # given: the same form from an administrator of a party and of a stranger
    w = world()
    lead, police = str(org_of(w.lead).pk), str(org_of(w.police).pk)
    data = _form(
        parties=[{"organisation": lead}, {"organisation": police}],
        flows=[{"organisation": police, "purposes": ["assistance"], "field_groups": ["legal"]}],
    )
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    party_admin = UserFactory.create(organisation=org_of(w.police), role=Role.ORG_ADMIN)

    # when
    refused = _client(stranger).post(NEW, data)
    created = _client(party_admin).post(NEW, data)

    # then
    assert refused.status_code == 403
    assert refused.context["parties"].non_form_errors()
    assert created.status_code == 302
    assert Agreement.objects.filter(name=data["name"]).count() == 1
    assert _client(w.lead).get(NEW).status_code == 403


# --- ending ----------------------------------------------------------------------------


def test_it_ends_an_agreement_today_by_default_and_access_stops_at_once() -> None:
    # given: the police read the narrative under consent and the agreement
    w = world()
    consent_for_police(w)
    police = _client(w.police)
    before = police.get(_case_page(w)).context["view"].group(FieldGroup.NARRATIVE)
    assert before.code == "consent_and_agreement"
    admin = _client(w.admin)
    today = timezone.localdate()
    prefilled = admin.get(_detail(w.agreement)).context["end_form"]["ends_on"].value()

    # when
    response = admin.post(_end(w.agreement), {"ends_on": prefilled})

    # then
    assert prefilled == today
    assert response.status_code == 302
    assert Agreement.objects.get(pk=w.agreement.pk).ends_on == today
    after = police.get(_case_page(w)).context["view"].group(FieldGroup.NARRATIVE)
    assert (after.allowed, after.code) == (False, "no_agreement")
    ended_page = admin.get(_detail(w.agreement)).content.decode()
    assert "Ended" in ended_page
    assert f'action="{_end(w.agreement)}"' not in ended_page


def test_it_stops_access_on_the_day_the_agreement_ends() -> None:
    # given: ended from ten days on (the first day without it)
    w = world()
    consent_for_police(w)
    today = timezone.localdate()
    last_day, end = today + timedelta(days=9), today + timedelta(days=10)
    _client(w.admin).post(_end(w.agreement), {"ends_on": end.isoformat()})

    def narrative_code_on(day: date) -> str:
        with time_machine.travel(_at_noon(day), tick=False):
            response = _client(w.police).get(_case_page(w))
            code: str = response.context["view"].group(FieldGroup.NARRATIVE).code
            return code

    # then
    assert narrative_code_on(last_day) == "consent_and_agreement"
    assert narrative_code_on(end) == "no_agreement"


def test_it_refuses_to_end_for_a_non_party_and_shows_errors_beside_the_date() -> None:
    # given
    w = world()
    stranger = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    admin = _client(w.admin)

    # when
    refused = _client(stranger).post(_end(w.agreement), {"ends_on": "2026-12-01"})
    malformed = admin.post(_end(w.agreement), {"ends_on": "soon"})
    admin.post(_end(w.agreement), {"ends_on": timezone.localdate().isoformat()})
    again = admin.post(_end(w.agreement), {"ends_on": timezone.localdate().isoformat()})

    # then
    assert refused.status_code == 403
    assert (malformed.status_code, again.status_code) == (400, 400)
    assert "ends_on" in malformed.context["end_form"].errors
    assert "already ended" in str(again.context["end_form"].errors["ends_on"])
    assert AgreementParty.objects.filter(agreement=w.agreement).count() == 2


def test_it_sends_anonymous_visitors_to_sign_in() -> None:
    # when
    response = Client().get(LIST)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
