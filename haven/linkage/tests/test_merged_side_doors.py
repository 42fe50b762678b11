"""A case merged into another takes no new record from any door (issue 14).

The case gate refuses writes on an absorbed case; these tests attack the writes that
do not pass through it: the sharing services (a consent, a child's views, a new team
member on a referral accepted after the merge, a new lead), their pages and API, and
the request for access. Each refusal is checked beside the same write on the
surviving case, which is taken. A withdrawal of consent is always taken: the person's
"no" never waits for a merge."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from haven.access import hooks as access_hooks
from haven.access import services as access_services
from haven.access.models import Consent, FieldGroup, Purpose, TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.tests.factories import share_by_law
from haven.cases.tests.test_api import api_client_for
from haven.lib.errors import HavenError
from haven.linkage.tests.test_review import World
from haven.referrals.models import Referral, ReferralState
from haven.referrals.selectors import access_requests
from haven.referrals.services import referrals as referral_services
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    world = World()
    world.merged()
    return world


def _consent_arguments(case: Case) -> dict[str, object]:
    return {
        "case_id": case.id,
        "person_id": case.person_id,
        "data_key": case.person.data_key,
        "purpose": Purpose.ASSISTANCE,
        "field_groups": [FieldGroup.CONTACT],
        "given_on": date(2026, 1, 5),
        "language": "ru",
        "information_given": "Told who would read her contact details, and why.",
        "recipient_org_type": OrgType.SHELTER,
    }


def test_issue14_the_sharing_services_ask_the_cases_write_check() -> None:
    assert access_hooks.write_check() == "haven.cases.selectors.case_write_check"


def test_issue14_no_new_consent_on_a_merged_case_the_surviving_case_takes_it(
    world: World,
) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    surviving = Case.objects.get(pk=world.cyrillic.id)
    before = Consent.objects.filter(case=absorbed).count()

    with pytest.raises(case_errors.CaseMerged) as refused:
        access_services.consent_record(actor=world.second_worker, **_consent_arguments(absorbed))  # type: ignore[arg-type]
    assert surviving.reference in refused.value.message
    assert Consent.objects.filter(case=absorbed).count() == before

    consent = access_services.consent_record(
        actor=world.first_worker,
        **_consent_arguments(surviving),  # type: ignore[arg-type]
    )
    assert consent.case_id == surviving.id


def test_issue14_no_child_views_on_a_merged_case(world: World) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    arguments = _consent_arguments(absorbed)
    arguments.pop("given_on")
    with pytest.raises(case_errors.CaseMerged):
        access_services.child_views_record(
            actor=world.second_worker,
            child=True,
            views="She wants her aunt to know where she is.",
            heard_on=date(2026, 1, 5),
            **arguments,  # type: ignore[arg-type]
        )


def test_issue14_a_withdrawal_is_taken_on_a_merged_case(world: World) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    consent = Consent.objects.create(
        case=absorbed,
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.CONTACT],
        given_on=date(2026, 1, 5),
        language="ru",
        information_given="Told.",
        recorded_at=absorbed.opened_at,
        recorded_by=world.second_worker,
        recipient_org_type=OrgType.SHELTER,
    )

    access_services.consent_withdraw(
        actor=world.second_worker, consent_id=consent.id, person_id=absorbed.person_id
    )

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_issue14_no_new_team_member_or_lead_on_a_merged_case(world: World) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    surviving = Case.objects.get(pk=world.cyrillic.id)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, country="FI")

    with pytest.raises(case_errors.CaseMerged):
        access_services.team_member_add(case_id=absorbed.id, organisation=shelter, by=None)
    with pytest.raises(case_errors.CaseMerged):
        access_services.team_lead_move(
            case_id=absorbed.id, to_organisation=world.second_ngo, by=None
        )
    assert not TeamMembership.objects.filter(case=absorbed, organisation=shelter).exists()

    access_services.team_member_add(case_id=surviving.id, organisation=shelter, by=None)
    assert TeamMembership.objects.filter(case=surviving, organisation=shelter).exists()


def test_issue14_a_referral_accepted_after_the_merge_adds_no_one_to_the_absorbed_case() -> None:
    world = World()
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, country="FI")
    receiver = UserFactory.create(organisation=shelter, role=Role.CASEWORKER)
    share_by_law(case=world.latin, organisation=shelter)
    referral = referral_services.referral_send(
        actor=world.second_worker,
        case_id=world.latin.id,
        to_organisation_id=shelter.pk,
        referral_type="accommodation",
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.IDENTITY],
        message="A safe bed for tonight.",
    )
    world.merged()

    with pytest.raises(case_errors.CaseMerged):
        referral_services.referral_accept(actor=receiver, referral_id=referral.id)

    assert Referral.objects.get(pk=referral.id).state == ReferralState.SENT
    assert not TeamMembership.objects.filter(case=world.latin, organisation=shelter).exists()


def test_issue14_the_consent_form_refuses_a_merged_case_before_anything_is_typed(
    world: World,
) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    surviving = Case.objects.get(pk=world.cyrillic.id)

    refused = sign_in(Client(), world.second_worker).get(
        reverse("cases:consent_new", args=[absorbed.id])
    )
    assert refused.status_code == 409
    assert surviving.reference in refused.content.decode()
    # the lead of the surviving case gets the form
    lead = sign_in(Client(), world.first_worker)
    assert lead.get(reverse("cases:consent_new", args=[surviving.id])).status_code == 200


CONSENT_BODY = {
    "purpose": Purpose.ASSISTANCE,
    "field_groups": [FieldGroup.CONTACT],
    "language": "ru",
    "information_given": "Told who would read her contact details, and why.",
    "recipient_org_type": OrgType.SHELTER,
}


def test_issue14_the_consent_api_refuses_a_merged_case_and_takes_the_surviving_one(
    world: World,
) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    surviving = Case.objects.get(pk=world.cyrillic.id)

    answer = api_client_for(world.second_worker).post(
        reverse("api:consent_list", args=[absorbed.id]), CONSENT_BODY, format="json"
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == case_errors.ErrorCode.CASE_MERGED

    taken = api_client_for(world.first_worker).post(
        reverse("api:consent_list", args=[surviving.id]), CONSENT_BODY, format="json"
    )
    assert taken.status_code == 201, taken.content


def test_issue14_asking_for_access_on_a_merged_case_is_refused_where_the_person_now_is(
    world: World,
) -> None:
    absorbed = Case.objects.get(pk=world.latin.id)
    member = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    officer = UserFactory.create(organisation=member, role=Role.CASEWORKER)
    TeamMembership.objects.create(
        case=absorbed, organisation=member, is_lead=False, joined_at=absorbed.opened_at
    )
    assert _ask_answer(officer, absorbed.id) == case_errors.ErrorCode.CASE_MERGED
    # on a live case the same member gets the page's own answer, never the merge refusal
    live = Case.objects.get(pk=world.stranger.id)
    TeamMembership.objects.create(
        case=live, organisation=member, is_lead=False, joined_at=live.opened_at
    )
    assert _ask_answer(officer, live.id) != case_errors.ErrorCode.CASE_MERGED
    assert case_selectors.case_get(user=officer, case_id=absorbed.id) == absorbed  # still read


def _ask_answer(user: User, case_id: object) -> str:
    """What the ask-for-access page's rule answers: its options, or a refusal's code."""
    try:
        access_requests.access_request_options(
            user=user, case_id=case_id, purpose=Purpose.ASSISTANCE
        )
    except HavenError as refused:
        return refused.code
    return "options"
