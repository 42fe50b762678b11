"""Approving, refusing and the coordinator's list of legal bases (R-47), on the
pages under /sharing/ and through the API: the buttons are shown by the rule
the services apply, with the allowed and the denied side in the same setup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access import services
from haven.access.models import Agreement, LegalBasis, Purpose
from haven.access.states import AgreementState
from haven.access.tests import factories
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases.tests.test_api import api_client_for
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

LIST = reverse("access:agreement_list")
NEW = reverse("access:agreement_new")
BASES = reverse("access:legal_basis_list")
API = "/api/v1/agreements/"


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _detail(agreement: Agreement) -> str:
    return reverse("access:agreement_detail", args=[agreement.id])


def _approve(agreement: Agreement) -> str:
    return reverse("access:agreement_approve", args=[agreement.id])


def _refuse(agreement: Agreement) -> str:
    return reverse("access:agreement_refuse", args=[agreement.id])


def _proposal() -> tuple[Agreement, User, User, Organisation]:
    """The police propose an agreement with an NGO: police approved, NGO pending."""
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="FI")
    police_admin = UserFactory.create(organisation=police, role=Role.ORG_ADMIN)
    ngo_admin = UserFactory.create(organisation=ngo, role=Role.ORG_ADMIN)
    agreement = services.agreement_propose(
        actor=police_admin,
        name="Police and NGO 2026",
        document_reference="Registry 2026/1",
        valid_from=timezone.localdate() - timedelta(days=1),
        parties=[services.Party(organisation=police), services.Party(organisation=ngo)],
        flows=[
            services.Flow(
                organisation=police, purposes=[Purpose.INVESTIGATION], field_groups=["narrative"]
            )
        ],
    )
    return agreement, police_admin, ngo_admin, ngo


# --- pages ---------------------------------------------------------------------------------


def test_r47_the_ngo_admin_sees_and_uses_the_approve_button_the_police_admin_does_not() -> None:
    # given: one proposal, seen by both parties' administrators
    agreement, police_admin, ngo_admin, _ngo = _proposal()
    police, ngo = _client(police_admin), _client(ngo_admin)

    # when
    police_page = police.get(_detail(agreement))
    ngo_page = ngo.get(_detail(agreement))
    police_post = police.post(_approve(agreement))
    ngo_post = ngo.post(_approve(agreement))

    # then: the page offers what the service allows, and nothing more
    approve = f'action="{_approve(agreement)}"'
    assert police_page.status_code == ngo_page.status_code == 200
    assert approve not in police_page.content.decode()
    assert approve in ngo_page.content.decode()
    assert "Not approved yet" in police_page.content.decode()
    assert police_post.status_code == 409
    assert (ngo_post.status_code, ngo_post["Location"]) == (302, _detail(agreement))
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.IN_EFFECT
    after = ngo.get(_detail(agreement)).content.decode()
    assert "In effect" in after
    assert approve not in after


def test_r47_an_outsider_gets_the_403_page_and_approves_nothing() -> None:
    # given
    agreement, _police_admin, _ngo_admin, _ngo = _proposal()
    outsider = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)

    # when
    response = _client(outsider).post(_approve(agreement))

    # then
    assert response.status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.PROPOSED


def test_r47_a_party_refuses_with_a_reason_beside_the_field() -> None:
    # given
    agreement, police_admin, ngo_admin, _ngo = _proposal()
    ngo = _client(ngo_admin)

    # when
    missing = ngo.post(_refuse(agreement), {})
    blank = ngo.post(_refuse(agreement), {"reason": "  "})
    refused = ngo.post(_refuse(agreement), {"reason": "We share narrative only with consent."})
    page = _client(police_admin).get(_detail(agreement)).content.decode()

    # then
    assert (missing.status_code, blank.status_code) == (400, 400)
    assert "reason" in missing.context["refuse_form"].errors
    assert "reason" in blank.context["refuse_form"].errors
    assert 'id="id_reason_error"' in blank.content.decode()
    assert refused.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.REFUSED
    assert "We share narrative only with consent." in page
    assert f'action="{_refuse(agreement)}"' not in page


def test_r47_the_list_shows_the_proposals_waiting_for_the_admin() -> None:
    # given
    agreement, police_admin, ngo_admin, _ngo = _proposal()

    # when
    ngo_list = _client(ngo_admin).get(LIST)
    police_list = _client(police_admin).get(LIST)

    # then
    assert ngo_list.context["awaiting"] == [agreement]
    assert police_list.context["awaiting"] == []
    assert f'href="{_detail(agreement)}"' in ngo_list.content.decode()
    assert "Proposed" in police_list.content.decode()


def test_r47_the_form_offers_the_coordinators_list_and_refuses_free_text() -> None:
    # given
    _agreement, police_admin, _ngo_admin, ngo = _proposal()
    basis = factories.legal_basis(title="Referral Act")
    client = _client(police_admin)
    police = police_admin.organisation
    assert police is not None
    data = {
        "name": "Without consent",
        "document_reference": "Registry 2026/9",
        "consent_required": "no",
        "legal_basis": "Police Act, s. 1",
        "valid_from": timezone.localdate().isoformat(),
        "ends_on": "",
        "party-TOTAL_FORMS": "4",
        "party-INITIAL_FORMS": "0",
        "party-0-organisation": str(police.pk),
        "party-1-organisation": str(ngo.pk),
        "flow-TOTAL_FORMS": "3",
        "flow-INITIAL_FORMS": "0",
        "flow-0-organisation": str(police.pk),
        "flow-0-purposes": ["investigation"],
        "flow-0-field_groups": ["identity"],
    }

    # when
    offered = client.get(NEW)
    free_text = client.post(NEW, data)
    listed = client.post(NEW, {**data, "legal_basis": str(basis.id)})

    # then
    assert f'value="{basis.id}"' in offered.content.decode()
    assert free_text.status_code == 400
    assert "legal_basis" in free_text.context["form"].errors
    assert listed.status_code == 302
    assert Agreement.objects.get(name="Without consent").listed_legal_basis == basis


def test_r47_the_coordinator_keeps_the_list_on_its_page_and_others_get_403() -> None:
    # given
    coordinator = factories.coordinator_admin("FI")
    ngo_admin = make_user(role=Role.ORG_ADMIN)
    client = _client(coordinator)

    # when
    linked = client.get(LIST)
    not_linked = _client(ngo_admin).get(LIST)
    refused = _client(ngo_admin).get(BASES)
    invalid = client.post(BASES, {"title": "", "citation": "Act, s. 1"})
    added = client.post(
        BASES,
        {
            "title": "Protection Act",
            "citation": "Protection Act, s. 3",
            "allows_location_health_to_enforcement": "on",
        },
    )
    twice = client.post(BASES, {"title": "Protection Act", "citation": "Again"})
    basis = LegalBasis.objects.get(title="Protection Act")
    retired = client.post(
        reverse("access:legal_basis_set_active", args=[basis.id]), {"active": "0"}
    )
    page = client.get(BASES).content.decode()
    back = client.post(reverse("access:legal_basis_set_active", args=[basis.id]), {"active": "1"})
    stranger = _client(ngo_admin).post(
        reverse("access:legal_basis_set_active", args=[basis.id]), {"active": "0"}
    )

    # then: the rule that refuses the page decides the link to it
    assert f'href="{BASES}"' in linked.content.decode()
    assert f'href="{BASES}"' not in not_linked.content.decode()
    assert refused.status_code == 403
    assert invalid.status_code == 400
    assert 'id="id_title_error"' in invalid.content.decode()
    assert (twice.status_code, set(twice.context["form"].errors)) == (400, {"title"})
    assert (added.status_code, retired.status_code, back.status_code) == (302, 302, 302)
    assert basis.allows_location_health_to_enforcement
    assert "Offer Protection Act again" in page
    assert stranger.status_code == 403
    assert LegalBasis.objects.get(pk=basis.pk).active


# --- API -------------------------------------------------------------------------------------


def test_r47_the_api_approves_for_the_ngo_and_refuses_the_police_on_its_behalf() -> None:
    # given
    agreement, police_admin, ngo_admin, _ngo = _proposal()

    client = api_client_for(ngo_admin)

    # when
    read = client.get(f"{API}{agreement.id}/")
    awaiting = client.get(f"{API}awaiting/")
    police = api_client_for(police_admin).post(f"{API}{agreement.id}/approve/")
    ngo = client.post(f"{API}{agreement.id}/approve/")

    # then
    assert (read.json()["status"], read.json()["you_approve_for"]) == ("proposed", [1])
    assert read.json()["you_may_refuse"] is True
    assert [a["id"] for a in awaiting.json()] == [str(agreement.id)]
    assert (police.status_code, police.json()["code"]) == (409, "agreement_already_approved")
    assert (ngo.status_code, ngo.json()["status"]) == (200, "in_force")
    assert ngo.json()["you_approve_for"] == []
    assert all(p["approved_by"] for p in ngo.json()["parties"])


def test_r47_the_api_refuses_with_a_reason_and_answers_errors_with_a_code() -> None:
    # given
    agreement, _police_admin, ngo_admin, _ngo = _proposal()
    outsider = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    client = api_client_for(ngo_admin)

    # when
    stranger = api_client_for(outsider).post(
        f"{API}{agreement.id}/refuse/", {"reason": "No."}, format="json"
    )
    blank = client.post(f"{API}{agreement.id}/refuse/", {"reason": ""}, format="json")
    refused = client.post(f"{API}{agreement.id}/refuse/", {"reason": "Not now."}, format="json")
    again = client.post(f"{API}{agreement.id}/approve/")

    # then
    assert (stranger.status_code, stranger.json()["code"]) == (403, "sharing_not_allowed")
    assert (blank.status_code, blank.json()["code"], blank.json()["field"]) == (
        400,
        "sharing_invalid",
        "reason",
    )
    assert (refused.status_code, refused.json()["status"]) == (200, "refused")
    assert refused.json()["refusal_reason"] == "Not now."
    assert (again.status_code, again.json()["code"]) == (409, "agreement_not_proposed")


def test_r47_the_api_takes_a_legal_basis_from_the_list_only() -> None:
    # given
    _agreement, police_admin, _ngo_admin, ngo = _proposal()
    police = police_admin.organisation
    assert police is not None
    basis = factories.legal_basis()
    body = {
        "name": "Without consent",
        "document_reference": "Registry 2026/9",
        "valid_from": timezone.localdate().isoformat(),
        "consent_required": False,
        "parties": [{"organisation": str(police.pk)}, {"organisation": str(ngo.pk)}],
        "flows": [
            {
                "organisation": str(police.pk),
                "purposes": ["investigation"],
                "field_groups": ["location"],
            }
        ],
    }
    client = api_client_for(police_admin)

    # when
    free_text = client.post(API, {**body, "legal_basis": "Police Act"}, format="json")
    missing = client.post(API, body, format="json")
    not_allowing = client.post(API, {**body, "legal_basis": str(basis.id)}, format="json")

    # then
    assert free_text.status_code == 400
    assert free_text.json()["field"] == "legal_basis"
    assert (missing.status_code, missing.json()["code"]) == (400, "legal_basis_required")
    assert (not_allowing.json()["code"], not_allowing.json()["field"]) == (
        "legal_basis_required",
        "flows",
    )


def test_r47_the_api_keeps_the_coordinators_list() -> None:
    # given
    coordinator = factories.coordinator_admin("FI")
    client = api_client_for(coordinator)

    # when
    created = client.post(
        "/api/v1/legal-bases/",
        {"title": "Protection Act", "citation": "Protection Act, s. 3"},
        format="json",
    )
    basis_id = created.json()["id"]
    retired = client.post(f"/api/v1/legal-bases/{basis_id}/active/", {"active": False}, "json")
    listed = client.get("/api/v1/legal-bases/")
    refused = api_client_for(make_user(role=Role.ORG_ADMIN)).get("/api/v1/legal-bases/")
    missing = client.post("/api/v1/legal-bases/nothing/active/", {"active": True}, "json")
    malformed = client.post(f"/api/v1/legal-bases/{basis_id}/active/", {}, format="json")

    # then
    assert (created.status_code, created.json()["country"]) == (201, "FI")
    assert (retired.status_code, retired.json()["active"]) == (200, False)
    assert [b["id"] for b in listed.json()] == [basis_id]
    assert (refused.status_code, refused.json()["code"]) == (403, "sharing_not_allowed")
    assert (missing.status_code, missing.json()["code"]) == (404, "legal_basis_not_found")
    assert malformed.status_code == 400


def test_r47_an_approval_that_leaves_parties_waiting_says_so() -> None:
    # given: the coordinator approves for every shelter; the NGO has still to approve
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="FI")
    coordinator = factories.coordinator_admin("FI")
    agreement = services.agreement_propose(
        actor=make_user(role=Role.SYSTEM_ADMIN),
        name="Shelters, police and an NGO",
        document_reference="Registry 2026/4",
        valid_from=timezone.localdate(),
        parties=[
            services.Party(organisation=police),
            services.Party(organisation=ngo),
            services.Party(org_type=OrgType.SHELTER, country="FI"),
        ],
        flows=[services.Flow(organisation=police, purposes=["assistance"], field_groups=["legal"])],
    )
    client = _client(coordinator)

    # when
    response = client.post(_approve(agreement), follow=True)

    # then
    assert response.status_code == 200
    assert "Other parties have still to approve." in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.PROPOSED


def test_r48_the_api_refuses_an_agreement_with_an_organisation_of_another_country() -> None:
    # given: the Finnish police and a Finnish NGO may agree; an Estonian NGO is abroad
    _agreement, police_admin, _ngo_admin, ngo = _proposal()
    police = police_admin.organisation
    assert police is not None
    abroad = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")

    def body(partner: Organisation) -> dict[str, object]:
        return {
            "name": "Police and NGO",
            "document_reference": "Registry 2026/7",
            "valid_from": timezone.localdate().isoformat(),
            "parties": [{"organisation": str(police.pk)}, {"organisation": str(partner.pk)}],
            "flows": [
                {
                    "organisation": str(police.pk),
                    "purposes": ["investigation"],
                    "field_groups": ["narrative"],
                }
            ],
        }

    client = api_client_for(police_admin)

    # when
    at_home = client.post(API, body(ngo), format="json")
    across = client.post(API, body(abroad), format="json")

    # then
    assert at_home.status_code == 201
    assert (across.status_code, across.json()["code"], across.json()["field"]) == (
        400,
        "other_country",
        "parties",
    )
    assert not Agreement.objects.filter(parties__organisation=abroad).exists()


# --- a change of terms names the agreement it replaces ----------------------------------------


def _replacement_form(police: Organisation, ngo: Organisation, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Police and NGO 2026, second edition",
        "document_reference": "Registry 2026/2",
        "consent_required": "yes",
        "legal_basis": "",
        "valid_from": timezone.localdate().isoformat(),
        "ends_on": "",
        "supersedes": "",
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-0-organisation": str(police.pk),
        "party-1-organisation": str(ngo.pk),
        "flow-TOTAL_FORMS": "1",
        "flow-INITIAL_FORMS": "0",
        "flow-0-organisation": str(police.pk),
        "flow-0-purposes": ["investigation"],
        "flow-0-field_groups": ["identity"],
    }
    data.update(changes)
    return data


def test_r47_the_form_offers_to_replace_only_agreements_in_effect_of_ones_own_organisation() -> (
    None
):
    # given: the police are party to one agreement in effect and one proposal; another
    # organisation's agreement is in effect too
    proposal, police_admin, ngo_admin, ngo = _proposal()
    in_effect, other_admin, _other_ngo_admin, _other_ngo = _proposal()
    services.agreement_approve(actor=_other_ngo_admin, agreement_id=in_effect.id)
    own, *_ = _proposal()
    police = police_admin.organisation
    assert police is not None
    own_parties = [services.Party(organisation=police), services.Party(organisation=ngo)]
    ours = services.agreement_propose(
        actor=police_admin,
        name="Ours in effect",
        document_reference="Registry 2026/3",
        valid_from=timezone.localdate() - timedelta(days=1),
        parties=own_parties,
        flows=[
            services.Flow(
                organisation=police, purposes=[Purpose.INVESTIGATION], field_groups=["identity"]
            )
        ],
    )
    services.agreement_approve(actor=ngo_admin, agreement_id=ours.id)
    client = _client(police_admin)

    # when
    page = client.get(NEW).content.decode()
    foreign = client.post(NEW, _replacement_form(police, ngo, supersedes=str(in_effect.id)))
    pending = client.post(NEW, _replacement_form(police, ngo, supersedes=str(proposal.id)))
    replaced = client.post(NEW, _replacement_form(police, ngo, supersedes=str(ours.id)))

    # then: only its own agreement in effect is offered and accepted
    assert f'value="{ours.id}"' in page
    assert f'value="{in_effect.id}"' not in page and f'value="{proposal.id}"' not in page
    assert f'value="{own.id}"' not in page  # another police organisation's proposal
    assert (foreign.status_code, pending.status_code) == (400, 400)
    assert "supersedes" in foreign.context["form"].errors
    assert "supersedes" in pending.context["form"].errors
    assert replaced.status_code == 302
    change = Agreement.objects.get(name="Police and NGO 2026, second edition")
    assert change.supersedes == ours
    assert other_admin.organisation != police


def test_r47_approving_the_replacement_made_on_the_page_ends_the_old_agreement() -> None:
    # given: an agreement in effect, replaced through the form
    _pending, police_admin, ngo_admin, ngo = _proposal()
    police = police_admin.organisation
    assert police is not None
    old = services.agreement_propose(
        actor=police_admin,
        name="Old terms",
        document_reference="Registry 2025/7",
        valid_from=timezone.localdate() - timedelta(days=30),
        parties=[services.Party(organisation=police), services.Party(organisation=ngo)],
        flows=[
            services.Flow(
                organisation=police, purposes=[Purpose.INVESTIGATION], field_groups=["identity"]
            )
        ],
    )
    services.agreement_approve(actor=ngo_admin, agreement_id=old.id)
    _client(police_admin).post(NEW, _replacement_form(police, ngo, supersedes=str(old.id)))
    change = Agreement.objects.get(supersedes=old)
    # when
    services.agreement_approve(actor=ngo_admin, agreement_id=change.id)
    # then
    stored = Agreement.objects.get(pk=old.pk)
    assert stored.ends_on == timezone.localdate()
    assert Agreement.objects.get(pk=change.pk).state == AgreementState.IN_EFFECT
