"""The sharing selectors: the person's consents for the case lead only (R-20),
with a child's own views beside the guardian's decision (R-11, R-25); the
agreements for administrators of a party (R-47).

``World`` and ``consent_for_police`` are the shared set-up of the sharing page,
API and browser tests: an NGO leads a case, a police organisation is on its
team without any default sharing, and a signed agreement lets the narrative
(and identity) flow from the NGO to the police for investigation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.access import errors, policy, selectors
from haven.access import services as access_services
from haven.access.models import Agreement, Consent, FieldGroup, GivenBy, Purpose
from haven.access.states import AgreementState
from haven.access.tests import factories
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.children.tests.factories import appoint_guardian

AGREEMENT = "Helsinki police and NGO 2025"
NARRATIVE = "Recruited with a promise of work in a kitchen."
CHILD: dict[str, Any] = {
    "age_status": "uncertain",
    "estimated_age_min": 15,
    "estimated_age_max": 17,
}


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


@dataclass(frozen=True)
class World:
    lead: User  # an NGO caseworker: their organisation leads the case
    police: User  # a police caseworker: on the team, nothing shared by default
    admin: User  # a system administrator
    case: Case
    agreement: Agreement


def world(*, consent_required: bool = True, **person: Any) -> World:
    """The agreement is in force since a month ago and is open-ended."""
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    case = open_case(actor=lead, narrative=NARRATIVE, **person)
    add_to_team(case=case, organisation=org_of(police), by=lead, share=False)
    basis = (
        None
        if consent_required
        else factories.legal_basis(
            title="Criminal Investigation Act", citation="Criminal Investigation Act, s. 4"
        )
    )
    if case.person.treat_as_child:
        appoint_guardian(actor=lead, case=case)  # the guardian consents for the child
    agreement = access_services.agreement_propose(
        actor=admin,
        name=AGREEMENT,
        document_reference="MoU 2025/7, archive of the national coordinator",
        valid_from=timezone.localdate() - timedelta(days=30),
        consent_required=consent_required,
        legal_basis_id=basis.id if basis else None,
        parties=[
            access_services.Party(organisation=org_of(lead)),
            access_services.Party(organisation=org_of(police)),
        ],
        flows=[
            access_services.Flow(
                organisation=org_of(police),
                purposes=[Purpose.INVESTIGATION],
                field_groups=[FieldGroup.NARRATIVE, FieldGroup.IDENTITY],
            )
        ],
    )
    return World(lead, police, admin, case, factories.approve_by_every_party(agreement))


def consent_for_police(w: World, **overrides: Any) -> Consent:
    """The person's consent to share the narrative with the police for investigation."""
    arguments: dict[str, Any] = {
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": timezone.localdate(),
        "language": "fi",
        "information_given": "What is shared, with whom, and that refusing changes no help.",
        "recipient_organisation": org_of(w.police),
        **overrides,
    }
    return access_services.consent_record(
        actor=w.lead,
        case_id=w.case.id,
        person_id=w.case.person_id,
        data_key=w.case.person.data_key,
        child=w.case.person.treat_as_child,
        **arguments,
    )


def _context(case: Case) -> policy.CaseContext:
    return policy.case_context(case_id=case.id)


def _list(w: World, user: User) -> list[selectors.ConsentView]:
    case = Case.objects.select_related("person__data_key").get(pk=w.case.pk)
    return selectors.consent_list(
        user=user, context=_context(case), person_id=case.person_id, data_key=case.person.data_key
    )


# --- consents ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_a_childs_consent_with_the_childs_own_views_for_the_lead() -> None:
    # given: a presumed child; the guardian consents, the child says what they think
    w = world(**CHILD)
    consent = consent_for_police(
        w, given_by=GivenBy.GUARDIAN, child_views="I want the police to catch them."
    )
    withdrawn = consent_for_police(w, purpose=Purpose.ASSISTANCE, given_by=GivenBy.GUARDIAN)
    access_services.consent_withdraw(
        actor=w.lead, consent_id=withdrawn.id, person_id=w.case.person_id
    )

    # when
    views = _list(w, w.lead)

    # then
    by_id = {v.consent.id: v for v in views}
    assert by_id[consent.id].child_views == "I want the police to catch them."
    assert by_id[consent.id].live
    assert by_id[withdrawn.id].child_views is None
    assert not by_id[withdrawn.id].child_views_recorded
    assert not by_id[withdrawn.id].live
    assert b"police" not in bytes(Consent.objects.get(pk=consent.pk).child_views_enc or b"")
    event = AuditEvent.objects.filter(object_type="access.Consent", action=Action.READ).get()
    assert event.field_groups == FieldGroup.NARRATIVE
    assert event.person_id == str(w.case.person_id)


@pytest.mark.django_db
def test_it_refuses_the_consents_to_other_team_members_and_names_the_lead() -> None:
    # given
    w = world()
    consent_for_police(w)
    assistant = UserFactory.create(organisation=org_of(w.lead), role=Role.SUPERVISOR)
    admin = UserFactory.create(organisation=org_of(w.lead), role=Role.ORG_ADMIN)

    # when
    allowed = [len(_list(w, user)) for user in (w.lead, assistant)]
    with pytest.raises(errors.SharingNotAllowed) as refused:
        _list(w, w.police)
    with pytest.raises(errors.SharingNotAllowed):
        _list(w, admin)

    # then
    assert allowed == [1, 1]
    assert refused.value.code == "sharing_not_allowed"
    assert org_of(w.lead).name in refused.value.message


@pytest.mark.django_db
def test_it_names_no_lead_when_the_team_has_none() -> None:
    # when
    refusal = selectors.consent_refusal(user=make_user(), memberships=[])

    # then
    assert refusal is not None
    assert "the case lead" in refusal


@pytest.mark.django_db
def test_it_lists_nothing_and_records_no_read_when_there_is_no_consent() -> None:
    # given
    w = world()

    # when
    views = _list(w, w.lead)

    # then
    assert views == []
    assert not AuditEvent.objects.filter(object_type="access.Consent", action=Action.READ).exists()


@pytest.mark.django_db
def test_it_keeps_the_childs_views_unread_once_the_person_is_erased() -> None:
    # given
    w = world(**CHILD)
    consent_for_police(w, given_by=GivenBy.GUARDIAN, child_views="Only the police, please.")
    supervisor = UserFactory.create(organisation=org_of(w.lead), role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=w.case.id)

    # when
    (view,) = _list(w, w.lead)

    # then
    assert view.child_views is None
    assert view.child_views_recorded
    assert view.child_views_hidden_reason


@pytest.mark.django_db
def test_it_hides_the_childs_views_from_a_lead_that_does_not_see_the_narrative() -> None:
    # given: the lead is a migration authority, whose caseworkers see no narrative
    lead = make_user(org_type=OrgType.MIGRATION_AUTHORITY)
    case = open_case(actor=lead, **CHILD)
    appoint_guardian(actor=lead, case=case)
    access_services.consent_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        child=True,
        purpose=Purpose.RETURN,
        field_groups=[FieldGroup.IDENTITY],
        given_on=timezone.localdate(),
        language="en",
        information_given="What is shared and why.",
        recipient_org_type=OrgType.INTERNATIONAL_ORGANISATION,
        given_by=GivenBy.GUARDIAN,
        child_views="I want to go home.",
    )
    context = _context(case)

    # when
    (view,) = selectors.consent_list(
        user=lead, context=context, person_id=case.person_id, data_key=case.person.data_key
    )

    # then
    assert view.child_views is None
    assert "narrative" in view.child_views_hidden_reason
    event = AuditEvent.objects.filter(object_type="access.Consent", action=Action.READ).get()
    assert event.field_groups == ""


@pytest.mark.django_db
def test_it_finds_a_consent_for_the_team_and_not_for_outsiders() -> None:
    # given
    w = world()
    consent = consent_for_police(w)
    outsider = make_user(org_type=OrgType.POLICE)

    # when
    found = selectors.consent_get(user=w.police, consent_id=str(consent.id))

    # then
    assert found.case_id == w.case.id
    for user, consent_id in [
        (outsider, consent.id),
        (w.lead, uuid.uuid4()),
        (w.lead, "not-a-consent"),
    ]:
        with pytest.raises(errors.ConsentNotFound):
            selectors.consent_get(user=user, consent_id=consent_id)


@pytest.mark.django_db
def test_it_offers_team_members_and_other_organisations_of_the_country_as_recipients() -> None:
    # given: a shelter in the lead's country and one abroad
    w = world()
    country = org_of(w.lead).country
    stranger = OrganisationFactory.create(
        name="Aaa shelter", org_type=OrgType.SHELTER, country=country
    )
    abroad = OrganisationFactory.create(
        name="Aab shelter", org_type=OrgType.SHELTER, country="EE" if country != "EE" else "FI"
    )

    # when
    recipients = selectors.consent_recipients(context=_context(w.case), country=country)

    # then: abroad is for the cross-border package only
    assert recipients.team == [org_of(w.police)]
    assert stranger in recipients.others
    assert abroad not in recipients.others
    assert org_of(w.lead) not in recipients.others
    assert org_of(w.police) not in recipients.others


@pytest.mark.django_db
def test_it_lists_the_organisations_of_the_users_country_or_of_all_for_a_user_of_none() -> None:
    # given
    home = OrganisationFactory.create(country="FI")
    abroad = OrganisationFactory.create(country="EE")

    # when
    of_finland = list(selectors.organisation_list(country="FI"))
    of_all = list(selectors.organisation_list())

    # then
    assert home in of_finland and abroad not in of_finland
    assert {home, abroad} <= set(of_all)


# --- agreements ----------------------------------------------------------------------


def test_it_tells_whether_an_agreement_applies_on_a_day() -> None:
    # given: ends_on is the first day it no longer applies
    in_effect = AgreementState.IN_EFFECT
    agreement = Agreement(valid_from=date(2026, 3, 1), ends_on=date(2026, 6, 1), state=in_effect)
    open_ended = Agreement(valid_from=date(2026, 3, 1), state=in_effect)
    proposed = Agreement(valid_from=date(2026, 3, 1), state=AgreementState.PROPOSED)
    refused = Agreement(valid_from=date(2026, 3, 1), state=AgreementState.REFUSED)
    status = selectors.AgreementStatus

    # then
    assert selectors.agreement_status(agreement, today=date(2026, 2, 28)) == status.NOT_YET_VALID
    assert selectors.agreement_status(agreement, today=date(2026, 3, 1)) == status.IN_FORCE
    assert selectors.agreement_status(agreement, today=date(2026, 5, 31)) == status.IN_FORCE
    assert selectors.agreement_status(agreement, today=date(2026, 6, 1)) == status.ENDED
    assert selectors.agreement_status(open_ended, today=date(2099, 1, 1)) == status.IN_FORCE
    # whatever the dates, an agreement not every party approved never applies
    assert selectors.agreement_status(proposed, today=date(2026, 4, 1)) == status.PROPOSED
    assert selectors.agreement_status(refused, today=date(2026, 4, 1)) == status.REFUSED


def _agreement_between(admin: User, *parties: access_services.Party) -> Agreement:
    return access_services.agreement_propose(
        actor=admin,
        name=f"Agreement {uuid.uuid4().hex[:6]}",
        document_reference="Registry 1",
        valid_from=timezone.localdate(),
        parties=list(parties),
        flows=[
            access_services.Flow(
                org_type=OrgType.POLICE, purposes=[Purpose.INVESTIGATION], field_groups=["identity"]
            )
        ],
    )


@pytest.mark.django_db
def test_it_lists_agreements_to_administrators_of_a_party_only() -> None:
    # given: one agreement naming an NGO, one naming every police organisation in Finland
    w = world()
    ngo_admin = UserFactory.create(organisation=org_of(w.lead), role=Role.ORG_ADMIN)
    police_admin = UserFactory.create(organisation=org_of(w.police), role=Role.ORG_ADMIN)
    swedish_police = OrganisationFactory.create(org_type=OrgType.POLICE, country="SE")
    swedish_admin = UserFactory.create(organisation=swedish_police, role=Role.ORG_ADMIN)
    other = OrganisationFactory.create(org_type=OrgType.SHELTER)
    finnish_police = _agreement_between(
        w.admin,
        access_services.Party(org_type=OrgType.POLICE, country="FI"),
        access_services.Party(organisation=other),
    )

    # when
    listed = {
        name: set(selectors.agreement_list(user=user))
        for name, user in [
            ("system", w.admin),
            ("ngo", ngo_admin),
            ("police", police_admin),
            ("sweden", swedish_admin),
        ]
    }

    # then
    assert listed["system"] == {w.agreement, finnish_police}
    assert listed["ngo"] == {w.agreement}
    assert listed["police"] == {w.agreement, finnish_police}
    assert listed["sweden"] == set()
    with pytest.raises(errors.SharingNotAllowed):
        selectors.agreement_list(user=w.lead)


@pytest.mark.django_db
def test_it_shows_an_agreement_to_a_party_and_refuses_another_administrator() -> None:
    # given
    w = world()
    ngo_admin = UserFactory.create(organisation=org_of(w.lead), role=Role.ORG_ADMIN)
    stranger_admin = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    inactive = UserFactory.create(organisation=org_of(w.lead), role=Role.ORG_ADMIN, is_active=False)

    # when
    shown = selectors.agreement_get(user=ngo_admin, agreement_id=str(w.agreement.id))

    # then
    assert shown == w.agreement
    with pytest.raises(errors.SharingNotAllowed):
        selectors.agreement_get(user=stranger_admin, agreement_id=w.agreement.id)
    with pytest.raises(errors.SharingNotAllowed):
        selectors.agreement_get(user=inactive, agreement_id=w.agreement.id)
    for missing in (uuid.uuid4(), "not-an-agreement"):
        with pytest.raises(errors.AgreementNotFound):
            selectors.agreement_get(user=w.admin, agreement_id=missing)
