"""Country (issue 11, R-48): referrals, the desk's concern reports and routing, and
the organisation pickers of consents and agreements stay within the user's country;
an organisation abroad is reached through a cross-border package only. Each test
sets up both countries and checks both sides."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.cases.forms.sharing import ORGANISATION
from haven.cases.tests.factories import open_case, share_by_law
from haven.deadlines.models import Notification
from haven.lib.errors import InvalidInput, NotFound
from haven.referrals.errors import ErrorCode
from haven.referrals.forms import desk as desk_forms
from haven.referrals.forms import referrals as referral_forms
from haven.referrals.models import ConcernReport, Referral
from haven.referrals.selectors import desk as desk_selectors
from haven.referrals.selectors import referrals as referral_selectors
from haven.referrals.services import desk as desk_services
from haven.referrals.services import referrals as referral_services
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _staff(org_type: str, country: str, role: str = Role.CASEWORKER) -> User:
    organisation = OrganisationFactory.create(
        org_type=org_type, country=country, name=f"{org_type} of {country}"
    )
    return UserFactory.create(organisation=organisation, role=role)


def _org(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


# --- referrals -------------------------------------------------------------------------------


def test_r48_a_referral_goes_to_an_organisation_of_the_senders_country_only() -> None:
    # given: a Finnish NGO's case, a shelter in Finland and one in Estonia, both covered
    sender = _staff(OrgType.NGO, "FI")
    case = open_case(actor=sender)
    home, abroad = _staff(OrgType.SHELTER, "FI"), _staff(OrgType.SHELTER, "EE")
    for receiver in (home, abroad):
        share_by_law(case=case, organisation=_org(receiver))

    def send_to(receiver: User) -> Referral:
        return referral_services.referral_send(
            actor=sender,
            case_id=case.id,
            to_organisation_id=_org(receiver).pk,
            referral_type="accommodation",
            purpose=Purpose.ASSISTANCE,
            field_groups=[FieldGroup.IDENTITY],
            message="A synthetic message.",
        )

    # when
    offered = set(referral_forms.organisations_to_refer_to(sender))
    with pytest.raises(InvalidInput) as refused:
        send_to(abroad)
    sent = send_to(home)

    # then
    assert _org(home) in offered and _org(abroad) not in offered
    assert refused.value.code == ErrorCode.OTHER_COUNTRY
    assert refused.value.field == "to_organisation"
    assert sent.to_organisation == _org(home)


def test_r48_the_referral_check_answers_for_an_organisation_of_the_users_country_only() -> None:
    # given
    sender = _staff(OrgType.NGO, "FI")
    case = open_case(actor=sender)
    home, abroad = _staff(OrgType.SHELTER, "FI"), _staff(OrgType.SHELTER, "EE")

    # when
    rows = {
        who: referral_selectors.referral_flows(
            user=sender, case_id=case.id, to_organisation_id=_org(user).pk, purpose="assistance"
        )
        for who, user in (("home", home), ("abroad", abroad))
    }

    # then
    assert len(rows["home"]) == len(FieldGroup)
    assert rows["abroad"] == []


def _routed_to(form: forms.Form) -> list[Organisation]:
    field = form.fields["routed_to"]
    assert isinstance(field, forms.ModelMultipleChoiceField)
    assert field.queryset is not None
    return list(field.queryset)


# --- the desk --------------------------------------------------------------------------------


def test_concern_reports_reach_the_coordinators_of_their_country_and_unnamed_ones_all() -> None:
    # given: a coordinator in each country; reports for Estonia, Finland and no country
    finnish = _staff(OrgType.NATIONAL_COORDINATOR, "FI")
    estonian = _staff(OrgType.NATIONAL_COORDINATOR, "EE")
    to_estonia = desk_services.report_submit(description="Seen in Tallinn.", country="EE")
    to_finland = desk_services.report_submit(description="Seen in Espoo.", country="FI")
    unnamed = desk_services.report_submit(description="Seen on a ferry.")

    # when
    lists = {
        who: {row.reference for row in desk_selectors.report_list(user=user)}
        for who, user in (("fi", finnish), ("ee", estonian))
    }

    # then
    assert lists["fi"] == {to_finland.reference, unnamed.reference}
    assert lists["ee"] == {to_estonia.reference, unnamed.reference}
    told = Notification.objects.filter(subject_id=str(to_estonia.pk)).values_list(
        "recipient", flat=True
    )
    assert list(told) == [estonian.pk]


def test_a_coordinator_can_neither_read_nor_triage_another_countrys_report() -> None:
    # given
    finnish = _staff(OrgType.NATIONAL_COORDINATOR, "FI")
    estonian = _staff(OrgType.NATIONAL_COORDINATOR, "EE")
    report = desk_services.report_submit(description="Seen in Tallinn.", country="EE")

    # when / then: as good as missing for the Finnish desk, open to the Estonian one
    with pytest.raises(NotFound):
        desk_selectors.report_get(user=finnish, report_id=report.pk)
    with pytest.raises(NotFound):
        desk_services.report_advise(actor=finnish, report_id=report.pk, advice="Call.")
    assert desk_selectors.report_get(user=estonian, report_id=report.pk).row.id == str(report.pk)
    desk_services.report_advise(actor=estonian, report_id=report.pk, advice="Call.")


def test_the_desk_routes_to_organisations_of_its_own_country_only() -> None:
    # given
    finnish = _staff(OrgType.NATIONAL_COORDINATOR, "FI")
    home, abroad = _staff(OrgType.NGO, "FI"), _staff(OrgType.NGO, "EE")
    report = desk_services.report_submit(description="Seen in Espoo.", country="FI")

    # when
    choices = set(_routed_to(desk_forms.AdviseForm(coordinator=_org(finnish))))
    logged = set(_routed_to(desk_forms.ConsultationForm(coordinator=_org(finnish))))
    with pytest.raises(InvalidInput) as refused:
        desk_services.report_advise(
            actor=finnish, report_id=report.pk, advice="Call.", routed_to_ids=[_org(abroad).pk]
        )
    consultation = desk_services.report_advise(
        actor=finnish, report_id=report.pk, advice="Call.", routed_to_ids=[_org(home).pk]
    )

    # then
    assert _org(home) in choices and _org(abroad) not in choices
    assert _org(home) in logged and _org(abroad) not in logged
    assert _org(finnish) not in choices
    assert refused.value.field == "routed_to"
    assert list(consultation.routed_to.all()) == [_org(home)]


def test_the_public_page_asks_the_country_only_where_haven_serves_more_than_one() -> None:
    # given: a single country first
    _staff(OrgType.NATIONAL_COORDINATOR, "FI")
    single = desk_forms.ReportForm()

    # when: a second country's coordinator arrives
    _staff(OrgType.NATIONAL_COORDINATOR, "EE")
    html = Client().get(reverse("report:new")).content.decode()
    posted = Client().post(
        reverse("report:new"), {"country": "EE", "description": "Seen in Tallinn."}
    )

    # then
    assert single.fields["country"].widget.is_hidden
    assert single.fields["country"].initial == "FI"
    assert 'name="country"' in html and '<option value="EE">' in html
    assert posted.status_code == 201
    assert ConcernReport.objects.get().country == "EE"


def test_a_report_for_a_country_without_a_coordinator_is_refused() -> None:
    # given
    _staff(OrgType.NATIONAL_COORDINATOR, "FI")

    # when
    with pytest.raises(InvalidInput) as refused:
        desk_services.report_submit(description="Seen somewhere.", country="SE")

    # then
    assert refused.value.field == "country"
    assert not ConcernReport.objects.exists()


# --- consent and agreement pickers -------------------------------------------------------------


def test_the_consent_form_offers_organisations_of_the_users_country_only() -> None:
    # given
    lead = _staff(OrgType.NGO, "FI")
    case = open_case(actor=lead)
    home, abroad = _staff(OrgType.POLICE, "FI"), _staff(OrgType.POLICE, "EE")

    # when
    html = sign_in(Client(), lead).get(reverse("cases:consent_new", args=[case.id]))

    # then
    assert html.status_code == 200
    page = html.content.decode()
    assert f'value="{ORGANISATION}{_org(home).pk}"' in page
    assert f'value="{ORGANISATION}{_org(abroad).pk}"' not in page


def test_the_agreement_form_offers_organisations_of_the_admins_country_only() -> None:
    # given
    admin = _staff(OrgType.NGO, "FI", role=Role.ORG_ADMIN)
    home, abroad = _staff(OrgType.POLICE, "FI"), _staff(OrgType.POLICE, "EE")

    # when
    response = sign_in(Client(), admin).get(reverse("access:agreement_new"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{_org(home).pk}"' in page
    assert f'value="{_org(abroad).pk}"' not in page
