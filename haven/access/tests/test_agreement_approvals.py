"""An agreement is an agreement of all its parties (R-47, issue 12).

It takes effect only when an administrator of each organisation it names has
approved it, and for every organisation of a type in a country, that country's
national coordinator; until then nothing flows under it. Proposing, approving,
refusing and ending are audited and told to the other parties' administrators.
A clause without consent rests on a legal basis from the coordinator's list, and
location or health reach police, border guards and migration authorities only
on a listed basis that allows it. Terms never change: a change is a new proposal
that supersedes the old one once every party approved it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.access import errors, hooks, policy, selectors, services
from haven.access.models import Agreement, AgreementParty, FieldGroup, LegalBasis, Purpose
from haven.access.states import AGREEMENT_TRANSITIONS, AgreementState
from haven.access.tests import factories
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Notification
from haven.lib.errors import InvalidInput

pytestmark = pytest.mark.django_db

G = FieldGroup
SENSITIVE = (G.LOCATION, G.HEALTH)


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


@dataclass
class Finland:
    """Police and two NGOs of Finland, each with an administrator, the national
    coordinator's administrator, and cases led by the NGOs with the police on
    the team (not the lead)."""

    police: Organisation
    police_admin: User
    police_caseworker: User
    ngos: list[Organisation]
    ngo_admin: User
    coordinator: User
    cases: list[Case]


def finland(*, cases: int = 2) -> Finland:
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    ngos = [OrganisationFactory.create(org_type=OrgType.NGO, country="FI") for _ in range(2)]
    opened = []
    for number in range(cases):
        lead = UserFactory.create(organisation=ngos[number % 2])
        case = open_case(actor=lead)
        add_to_team(case=case, organisation=police, share=False)
        opened.append(case)
    return Finland(
        police=police,
        police_admin=UserFactory.create(organisation=police, role=Role.ORG_ADMIN),
        police_caseworker=UserFactory.create(organisation=police),
        ngos=ngos,
        ngo_admin=UserFactory.create(organisation=ngos[0], role=Role.ORG_ADMIN),
        coordinator=factories.coordinator_admin("FI"),
        cases=opened,
    )


def propose(actor: User, parties: list[services.Party], **overrides: Any) -> Agreement:
    """A proposal whose clause lets identity reach the first party."""
    first = parties[0]
    arguments: dict[str, Any] = {
        "name": "Police and NGOs 2026",
        "document_reference": "Registry 2026/12",
        "valid_from": timezone.localdate() - timedelta(days=1),
        "flows": [
            services.Flow(
                organisation=first.organisation,
                org_type=first.org_type,
                country=first.country,
                purposes=[Purpose.ASSISTANCE],
                field_groups=[G.IDENTITY],
            )
        ],
        **overrides,
    }
    return services.agreement_propose(actor=actor, parties=parties, **arguments)


def to_police(police: Organisation, *groups: str) -> list[services.Flow]:
    return [services.Flow(organisation=police, purposes=[Purpose.ASSISTANCE], field_groups=groups)]


def seen(user: User, cases: list[Case], group: FieldGroup) -> int:
    """Of these cases, how many show ``group`` to ``user``."""
    return sum(
        policy.decide(user=user, case_id=case.id, field_group=group).allowed for case in cases
    )


def events_since(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id")[before:])


def told(agreement: Agreement, event: str) -> set[int]:
    return set(
        Notification.objects.filter(
            kind=Notification.Kind.AGREEMENT,
            event=f"agreement_{event}",
            subject_id=str(agreement.id),
        ).values_list("recipient_id", flat=True)
    )


# --- the finding ------------------------------------------------------------------------------


def test_r47_one_side_cannot_open_location_and_health_to_itself() -> None:
    # given: police on the team of NGO-led cases, seeing no location or health
    w = finland(cases=3)
    parties = [services.Party(organisation=w.police), services.Party(org_type="ngo", country="FI")]
    assert [seen(w.police_caseworker, w.cases, g) for g in SENSITIVE] == [0, 0]

    # when: the police administrator alone, consent off, free text as the basis
    with pytest.raises(InvalidInput) as free_text:
        propose(
            w.police_admin,
            parties,
            consent_required=False,
            legal_basis_id="Police Act, s. 1",
            flows=to_police(w.police, *SENSITIVE),
        )
    with pytest.raises(InvalidInput) as no_basis:
        propose(
            w.police_admin, parties, consent_required=False, flows=to_police(w.police, *SENSITIVE)
        )
    with pytest.raises(InvalidInput) as with_consent:
        propose(w.police_admin, parties, flows=to_police(w.police, *SENSITIVE))
    ordinary = factories.legal_basis(title="Referral Act")
    with pytest.raises(InvalidInput) as basis_not_for_it:
        propose(
            w.police_admin,
            parties,
            consent_required=False,
            legal_basis_id=ordinary.id,
            flows=to_police(w.police, *SENSITIVE),
        )

    # then: refused, with the field and a code, and nothing is recorded
    assert (free_text.value.code, free_text.value.field) == ("sharing_invalid", "legal_basis")
    assert (no_basis.value.code, no_basis.value.field) == ("legal_basis_required", "legal_basis")
    assert (with_consent.value.code, with_consent.value.field) == ("legal_basis_required", "flows")
    assert basis_not_for_it.value.code == "legal_basis_required"
    assert not Agreement.objects.exists()

    # when: on a listed basis that allows it, proposed by the police alone
    allowing = factories.legal_basis(
        title="Protection Act", allows_location_health_to_enforcement=True
    )
    proposed = propose(
        w.police_admin,
        parties,
        consent_required=False,
        legal_basis_id=allowing.id,
        flows=to_police(w.police, *SENSITIVE),
    )

    # then: nothing flows until every party approved
    assert proposed.state == AgreementState.PROPOSED
    assert [seen(w.police_caseworker, w.cases, g) for g in SENSITIVE] == [0, 0]
    # (approving again does not speak for the NGOs)
    with pytest.raises(errors.AgreementAlreadyApproved):
        services.agreement_approve(actor=w.police_admin, agreement_id=proposed.id)
    assert [seen(w.police_caseworker, w.cases, g) for g in SENSITIVE] == [0, 0]

    # when: the national coordinator approves for every NGO in Finland
    services.agreement_approve(actor=w.coordinator, agreement_id=proposed.id)

    # then: exactly what it says flows, and nothing more
    assert [seen(w.police_caseworker, w.cases, g) for g in SENSITIVE] == [3, 3]
    assert seen(w.police_caseworker, w.cases, G.NARRATIVE) == 0
    decision = policy.decide(
        user=w.police_caseworker, case_id=w.cases[0].id, field_group=G.LOCATION
    )
    assert (decision.code, allowing.citation in str(decision.reason)) == ("legal_basis", True)


# --- who approves -----------------------------------------------------------------------------


def test_r47_the_proposers_approval_counts_for_their_own_organisation_only() -> None:
    # given
    w = finland(cases=0)
    other_police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")

    # when: the police administrator names their organisation, another police
    # organisation and every NGO of Finland
    proposed = propose(
        w.police_admin,
        [
            services.Party(organisation=w.police),
            services.Party(organisation=other_police),
            services.Party(org_type=OrgType.NGO, country="FI"),
        ],
    )

    # then
    approvals = {
        (p.organisation_id, p.org_type): p.approved_by_id
        for p in AgreementParty.objects.filter(agreement=proposed)
    }
    assert approvals == {
        (w.police.pk, ""): w.police_admin.pk,
        (other_police.pk, ""): None,
        (None, OrgType.NGO): None,
    }


def _approval_world() -> tuple[Finland, Agreement]:
    w = finland(cases=0)
    proposed = propose(
        w.police_admin,
        [
            services.Party(organisation=w.police),
            services.Party(organisation=w.ngos[0]),
            services.Party(org_type=OrgType.SHELTER, country="FI"),
        ],
    )
    return w, proposed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("ngo_admin", True),
        ("coordinator", True),
        ("police_admin", False),  # approved already, and never for the NGO
        ("other_ngo_admin", False),
        ("ngo_caseworker", False),
        ("inactive_ngo_admin", False),
        ("swedish_coordinator", False),
        ("coordinator_caseworker", False),
        ("system_admin", False),
    ],
)
def test_r47_only_an_administrator_of_a_party_or_the_coordinator_for_a_type_approves(
    who: str, allowed: bool
) -> None:
    # given: one proposal of the police naming an NGO and every shelter of Finland
    w, proposed = _approval_world()
    user = {
        "ngo_admin": lambda: w.ngo_admin,
        "coordinator": lambda: w.coordinator,
        "police_admin": lambda: w.police_admin,
        "other_ngo_admin": lambda: UserFactory.create(organisation=w.ngos[1], role=Role.ORG_ADMIN),
        "ngo_caseworker": lambda: UserFactory.create(organisation=w.ngos[0]),
        "inactive_ngo_admin": lambda: UserFactory.create(
            organisation=w.ngos[0], role=Role.ORG_ADMIN, is_active=False
        ),
        "swedish_coordinator": lambda: factories.coordinator_admin("SE"),
        "coordinator_caseworker": lambda: UserFactory.create(
            organisation=w.coordinator.organisation
        ),
        "system_admin": lambda: make_user(role=Role.SYSTEM_ADMIN),
    }[who]()
    loaded = selectors.agreement_list(user=make_user(role=Role.SYSTEM_ADMIN)).get(pk=proposed.pk)

    # when: what the page offers, and what the service does
    offered = selectors.parties_to_approve(user=user, agreement=loaded)
    if allowed:
        services.agreement_approve(actor=user, agreement_id=proposed.id)
    else:
        with pytest.raises((errors.SharingNotAllowed, errors.AgreementAlreadyApproved)):
            services.agreement_approve(actor=user, agreement_id=proposed.id)

    # then: the rule that refuses decides what is offered
    assert bool(offered) is allowed
    approved_by_user = AgreementParty.objects.filter(agreement=proposed, approved_by=user)
    assert approved_by_user.exists() is (allowed or who == "police_admin")
    assert Agreement.objects.get(pk=proposed.pk).state == AgreementState.PROPOSED


def test_r47_an_agreement_takes_effect_when_the_last_party_approves_and_each_step_is_told() -> None:
    # given
    w, proposed = _approval_world()
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER, country="FI")
    shelter_admin = UserFactory.create(organisation=shelter, role=Role.ORG_ADMIN)
    assert told(proposed, "proposed") == {w.ngo_admin.pk, w.coordinator.pk}
    before = AuditEvent.objects.count()

    # when
    services.agreement_approve(actor=w.ngo_admin, agreement_id=proposed.id)
    with pytest.raises(errors.AgreementAlreadyApproved) as twice:
        services.agreement_approve(actor=w.ngo_admin, agreement_id=proposed.id)
    halfway = Agreement.objects.get(pk=proposed.pk).state
    services.agreement_approve(actor=w.coordinator, agreement_id=proposed.id)

    # then
    assert twice.value.code == "agreement_already_approved"
    assert halfway == AgreementState.PROPOSED
    stored = Agreement.objects.get(pk=proposed.pk)
    assert stored.state == AgreementState.IN_EFFECT
    assert not stored.parties.filter(approved_at__isnull=True).exists()
    assert [(e.action, e.object_id, e.detail.get("state")) for e in events_since(before)] == [
        (Action.UPDATE, str(proposed.id), None),
        (Action.UPDATE, str(proposed.id), None),
        (Action.TRANSITION, str(proposed.id), "in_effect"),
    ]
    assert told(proposed, "approved") == {w.police_admin.pk, shelter_admin.pk, w.coordinator.pk}
    assert told(proposed, "in_effect") == {w.police_admin.pk, w.ngo_admin.pk, shelter_admin.pk}
    with pytest.raises(errors.AgreementNotProposed) as late:
        services.agreement_approve(actor=w.ngo_admin, agreement_id=proposed.id)
    assert late.value.code == "agreement_not_proposed"


def test_r47_a_party_refuses_with_a_reason_and_the_agreement_never_applies() -> None:
    # given
    w, proposed = _approval_world()
    outsider = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)

    # when
    with pytest.raises(errors.SharingNotAllowed):
        services.agreement_refuse(actor=outsider, agreement_id=proposed.id, reason="No.")
    with pytest.raises(InvalidInput) as no_reason:
        services.agreement_refuse(actor=w.ngo_admin, agreement_id=proposed.id, reason="  ")
    before = AuditEvent.objects.count()
    refused = services.agreement_refuse(
        actor=w.ngo_admin, agreement_id=proposed.id, reason=" Location is not needed. "
    )

    # then
    assert (no_reason.value.code, no_reason.value.field) == ("sharing_invalid", "reason")
    assert (refused.state, refused.refused_by, refused.refusal_reason) == (
        AgreementState.REFUSED,
        w.ngo_admin,
        "Location is not needed.",
    )
    [event] = events_since(before)
    assert (event.action, event.detail) == (Action.TRANSITION, {"state": "refused"})
    assert told(proposed, "refused") == {w.police_admin.pk, w.coordinator.pk}
    assert selectors.agreement_status(refused) == selectors.AgreementStatus.REFUSED
    with pytest.raises(errors.AgreementNotProposed):
        services.agreement_approve(actor=w.coordinator, agreement_id=proposed.id)
    with pytest.raises(errors.AgreementNotProposed):
        services.agreement_refuse(actor=w.coordinator, agreement_id=proposed.id, reason="Late.")
    with pytest.raises(errors.AgreementNotInEffect) as not_in_effect:
        services.agreement_end(actor=w.police_admin, agreement_id=proposed.id)
    assert not_in_effect.value.code == "agreement_not_in_effect"


def test_r47_ending_is_audited_and_told_to_the_other_parties() -> None:
    # given
    w, proposed = _approval_world()
    in_effect = factories.approve_by_every_party(proposed)

    # when
    services.agreement_end(actor=w.coordinator, agreement_id=in_effect.id)

    # then: the coordinator, who approved for the shelters, may end it too
    assert Agreement.objects.get(pk=in_effect.pk).ended_by == w.coordinator
    assert w.police_admin.pk in told(in_effect, "ended")
    assert w.coordinator.pk not in told(in_effect, "ended")


def test_it_finds_no_agreement_to_approve_or_refuse_that_does_not_exist() -> None:
    # given
    w = finland(cases=0)

    # when / then
    for missing in (uuid.uuid4(), "not-an-agreement"):
        with pytest.raises(errors.AgreementNotFound):
            services.agreement_approve(actor=w.ngo_admin, agreement_id=missing)
        with pytest.raises(errors.AgreementNotFound):
            services.agreement_refuse(actor=w.ngo_admin, agreement_id=missing, reason="x")


def test_the_state_machine_ends_in_effect_or_refused() -> None:
    assert AGREEMENT_TRANSITIONS.terminal == {AgreementState.IN_EFFECT, AgreementState.REFUSED}
    assert AGREEMENT_TRANSITIONS.reachable(AgreementState.PROPOSED) == {
        AgreementState.IN_EFFECT,
        AgreementState.REFUSED,
    }


# --- pending approvals -------------------------------------------------------------------------


def test_r47_an_administrator_sees_the_proposals_waiting_for_them() -> None:
    # given
    w, proposed = _approval_world()

    # when / then: waiting for the NGO and the coordinator, not for the proposer
    assert selectors.agreements_awaiting(user=w.ngo_admin) == [proposed]
    assert selectors.agreements_awaiting(user=w.coordinator) == [proposed]
    assert selectors.agreements_awaiting(user=w.police_admin) == []
    assert selectors.agreements_awaiting(user=UserFactory.create(organisation=w.ngos[0])) == []
    services.agreement_approve(actor=w.ngo_admin, agreement_id=proposed.id)
    assert selectors.agreements_awaiting(user=w.ngo_admin) == []


def test_r47_the_coordinator_reads_the_agreements_it_approves_for() -> None:
    # given
    w, proposed = _approval_world()
    swedish = factories.coordinator_admin("SE")

    # when / then
    assert list(selectors.agreement_list(user=w.coordinator)) == [proposed]
    assert selectors.agreement_get(user=w.coordinator, agreement_id=proposed.id) == proposed
    assert list(selectors.agreement_list(user=swedish)) == []
    with pytest.raises(errors.SharingNotAllowed):
        selectors.agreement_get(user=swedish, agreement_id=proposed.id)


def test_a_handler_registered_for_agreements_hears_every_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    monkeypatch.setattr(hooks, "_agreement", dict(hooks._agreement))
    heard: list[tuple[str, int]] = []

    def record(event: hooks.AgreementChanged) -> None:
        heard.append((event.event, event.actor_id))

    hooks.on_agreement_changed(record)

    # when
    w, proposed = _approval_world()
    services.agreement_approve(actor=w.ngo_admin, agreement_id=proposed.id)

    # then
    assert hooks.agreement_handlers() == [
        "haven.deadlines.agreements.agreement_notify",
        f"{__name__}.{record.__qualname__}",
    ]
    assert heard == [("proposed", w.police_admin.pk), ("approved", w.ngo_admin.pk)]


# --- a change is a new proposal --------------------------------------------------------------


def test_r47_a_change_of_terms_needs_every_party_again_and_then_replaces_the_old() -> None:
    # given: an agreement in effect letting identity reach the police
    w = finland(cases=1)
    parties = [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])]
    old = factories.approve_by_every_party(propose(w.police_admin, parties))
    assert seen(w.police_caseworker, w.cases, G.IDENTITY) == 0  # consent is needed
    start = timezone.localdate() + timedelta(days=10)

    # when: the police propose a change (the legal groups too)
    change = propose(
        w.police_admin,
        parties,
        valid_from=start,
        flows=to_police(w.police, G.IDENTITY, G.LEGAL),
        supersedes_id=old.id,
    )

    # then: the old one is untouched until the NGO approves the change
    assert Agreement.objects.get(pk=old.pk).ends_on is None
    services.agreement_approve(actor=w.ngo_admin, agreement_id=change.id)
    stored_old = Agreement.objects.get(pk=old.pk)
    assert (stored_old.ends_on, stored_old.ended_by) == (start, w.ngo_admin)
    assert Agreement.objects.get(pk=change.pk).state == AgreementState.IN_EFFECT
    assert w.police_admin.pk in told(old, "ended")


def test_r47_only_an_agreement_in_effect_is_replaced() -> None:
    # given
    w = finland(cases=0)
    parties = [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])]
    proposal = propose(w.police_admin, parties)
    stranger = make_user(org_type=OrgType.POLICE, role=Role.ORG_ADMIN)
    in_effect = factories.approve_by_every_party(propose(w.police_admin, parties))

    # when / then
    with pytest.raises(errors.AgreementNotInEffect):
        propose(w.police_admin, parties, supersedes_id=proposal.id)
    with pytest.raises(errors.AgreementNotFound):
        propose(w.police_admin, parties, supersedes_id="not-an-agreement")
    with pytest.raises(errors.SharingNotAllowed):
        propose(
            stranger,
            [services.Party(organisation=org_of(stranger)), parties[1]],
            supersedes_id=in_effect.id,
        )


def test_a_replaced_agreement_that_already_ends_sooner_keeps_its_end() -> None:
    # given: an agreement ending in five days, replaced from ten days on
    w = finland(cases=0)
    parties = [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])]
    soon = timezone.localdate() + timedelta(days=5)
    old = factories.approve_by_every_party(propose(w.police_admin, parties, ends_on=soon))
    change = propose(
        w.police_admin,
        parties,
        valid_from=timezone.localdate() + timedelta(days=10),
        supersedes_id=old.id,
    )

    # when
    services.agreement_approve(actor=w.ngo_admin, agreement_id=change.id)

    # then
    assert Agreement.objects.get(pk=old.pk).ends_on == soon


# --- the legal basis comes from the list -----------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "code"),
    [
        ({"active": False}, "sharing_invalid"),
        ({"country": "SE"}, "sharing_invalid"),
    ],
)
def test_r47_an_agreement_names_an_active_basis_of_its_parties_country(
    basis: dict[str, Any], code: str
) -> None:
    # given
    w = finland(cases=0)
    parties = [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])]
    listed = factories.legal_basis(**basis)

    # when
    with pytest.raises(InvalidInput) as refused:
        propose(w.police_admin, parties, consent_required=False, legal_basis_id=listed.id)

    # then
    assert (refused.value.code, refused.value.field) == (code, "legal_basis")


@pytest.mark.parametrize("org_type", [OrgType.BORDER_GUARD, OrgType.MIGRATION_AUTHORITY])
def test_r47_health_to_a_named_border_or_migration_authority_needs_an_allowing_basis(
    org_type: str,
) -> None:
    # given: the authority named as an organisation, the NGO as the other party
    w = finland(cases=0)
    authority = OrganisationFactory.create(org_type=org_type, country="FI")
    admin = UserFactory.create(organisation=authority, role=Role.ORG_ADMIN)
    parties = [services.Party(organisation=authority), services.Party(organisation=w.ngos[0])]
    flows = [
        services.Flow(organisation=authority, purposes=["assistance"], field_groups=[G.HEALTH])
    ]
    allowing = factories.legal_basis(allows_location_health_to_enforcement=True)

    # when
    with pytest.raises(InvalidInput) as refused:
        propose(admin, parties, flows=flows)
    allowed = propose(
        admin, parties, flows=flows, consent_required=False, legal_basis_id=allowing.id
    )

    # then
    assert (refused.value.code, refused.value.field) == ("legal_basis_required", "flows")
    assert allowed.listed_legal_basis == allowing


# --- the coordinator's list --------------------------------------------------------------------


def test_r47_the_coordinator_keeps_the_list_and_it_is_audited() -> None:
    # given
    coordinator = factories.coordinator_admin("FI")
    before = AuditEvent.objects.count()

    # when
    basis = services.legal_basis_create(
        actor=coordinator,
        title=" Protection Act ",
        citation=" Protection Act, s. 3; GDPR Art. 9(2)(g) ",
        allows_location_health_to_enforcement=True,
    )
    inactive = services.legal_basis_set_active(
        actor=coordinator, legal_basis_id=basis.id, active=False
    )

    # then
    stored = LegalBasis.objects.get(pk=basis.pk)
    assert (stored.country, stored.title, stored.citation, stored.active) == (
        "FI",
        "Protection Act",
        "Protection Act, s. 3; GDPR Art. 9(2)(g)",
        False,
    )
    assert inactive.active is False
    assert [(e.action, e.object_type, e.detail) for e in events_since(before)] == [
        (Action.CREATE, "access.LegalBasis", {"allows_location_health_to_enforcement": True}),
        (Action.UPDATE, "access.LegalBasis", {"active": False}),
    ]
    assert list(selectors.legal_basis_list(user=coordinator)) == [stored]
    assert list(selectors.legal_basis_options(user=coordinator)) == []


@pytest.mark.parametrize(
    "who", ["ngo_admin", "system_admin", "coordinator_caseworker", "inactive_coordinator"]
)
def test_r47_no_one_else_keeps_the_list(who: str) -> None:
    # given: the same list a coordinator administrator keeps
    coordinator = factories.coordinator_admin("FI")
    basis = factories.legal_basis()
    user = {
        "ngo_admin": lambda: make_user(role=Role.ORG_ADMIN),
        "system_admin": lambda: make_user(role=Role.SYSTEM_ADMIN),
        "coordinator_caseworker": lambda: UserFactory.create(organisation=coordinator.organisation),
        "inactive_coordinator": lambda: UserFactory.create(
            organisation=coordinator.organisation, role=Role.ORG_ADMIN, is_active=False
        ),
    }[who]()

    # when / then
    with pytest.raises(errors.SharingNotAllowed):
        services.legal_basis_create(actor=user, title="Mine", citation="My act")
    with pytest.raises(errors.SharingNotAllowed):
        services.legal_basis_set_active(actor=user, legal_basis_id=basis.id, active=False)
    with pytest.raises(errors.SharingNotAllowed):
        selectors.legal_basis_list(user=user)
    services.legal_basis_set_active(actor=coordinator, legal_basis_id=basis.id, active=False)


def test_each_coordinator_keeps_its_own_countrys_list() -> None:
    # given
    swedish = factories.coordinator_admin("SE")
    finnish_basis = factories.legal_basis(country="FI")

    # when / then
    with pytest.raises(errors.SharingNotAllowed):
        services.legal_basis_set_active(
            actor=swedish, legal_basis_id=finnish_basis.id, active=False
        )
    with pytest.raises(errors.LegalBasisNotFound):
        services.legal_basis_set_active(actor=swedish, legal_basis_id="nothing", active=False)
    assert list(selectors.legal_basis_list(user=swedish)) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " ", "citation": "Act"}, "title"),
        ({"title": "Act", "citation": ""}, "citation"),
        ({"title": "Test act", "citation": "Again"}, "title"),
    ],
)
def test_it_refuses_a_legal_basis_without_name_or_citation_or_twice(
    fields: dict[str, str], field: str
) -> None:
    # given: "Test act" is on the list already
    coordinator = factories.coordinator_admin("FI")
    factories.legal_basis()

    # when
    with pytest.raises(InvalidInput) as refused:
        services.legal_basis_create(
            actor=coordinator, title=fields["title"], citation=fields["citation"]
        )

    # then
    assert (refused.value.code, refused.value.field) == ("sharing_invalid", field)
    assert LegalBasis.objects.count() == 1


def test_it_offers_the_active_bases_of_the_administrators_country() -> None:
    # given
    finnish = factories.legal_basis(country="FI", title="A")
    swedish = factories.legal_basis(country="SE", title="B")
    factories.legal_basis(country="FI", title="C", active=False)

    # when / then
    assert list(selectors.legal_basis_options(user=make_user(role=Role.ORG_ADMIN))) == [finnish]
    assert list(selectors.legal_basis_options(user=make_user(role=Role.SYSTEM_ADMIN))) == [
        finnish,
        swedish,
    ]
    nobody = UserFactory.create(organisation=None, role=Role.ORG_ADMIN)
    assert list(selectors.legal_basis_options(user=nobody)) == []


def test_an_inactive_system_administrator_proposes_nothing() -> None:
    # given
    w = finland(cases=0)
    inactive = make_user(role=Role.SYSTEM_ADMIN, is_active=False)

    # when / then
    with pytest.raises(errors.SharingNotAllowed):
        propose(
            inactive,
            [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])],
        )


def test_the_coordinator_may_propose_for_types_it_approves_for() -> None:
    # given
    w = finland(cases=0)

    # when
    proposed = propose(
        w.coordinator,
        [
            services.Party(org_type=OrgType.POLICE, country="FI"),
            services.Party(org_type=OrgType.NGO, country="FI"),
        ],
    )

    # then: proposing is not approving, even for the types it speaks for
    assert not proposed.parties.filter(approved_at__isnull=False).exists()
    assert selectors.agreements_awaiting(user=w.coordinator) == [
        Agreement.objects.get(pk=proposed.pk)
    ]


def test_the_dates_of_a_proposal_still_apply() -> None:
    # given
    w = finland(cases=0)
    parties = [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])]

    # when
    with pytest.raises(InvalidInput) as refused:
        propose(w.police_admin, parties, valid_from=date(2026, 1, 2), ends_on=date(2026, 1, 1))

    # then
    assert refused.value.field == "ends_on"


def test_r47_a_legacy_party_of_every_country_tells_every_admin_of_the_type() -> None:
    # given: an agreement migrated as it was, naming every NGO of any country
    w = finland(cases=0)
    estonian_ngo_admin = make_user(
        organisation=OrganisationFactory.create(org_type=OrgType.NGO, country="EE"),
        role=Role.ORG_ADMIN,
    )
    legacy = Agreement.objects.create(
        name="Old MoU",
        document_reference="Registry 2019/1",
        valid_from=date(2019, 1, 1),
        state=AgreementState.IN_EFFECT,
        created_at=timezone.now(),
    )
    AgreementParty.objects.create(agreement=legacy, organisation=w.police)
    AgreementParty.objects.create(agreement=legacy, org_type=OrgType.NGO)

    # when
    admins = set(selectors.party_administrators(agreement=legacy))

    # then: ending it is told to NGO administrators of every country
    assert {w.ngo_admin, estonian_ngo_admin, w.police_admin} <= admins


def test_r47_an_account_without_an_organisation_is_offered_nothing_to_replace() -> None:
    # given: an agreement in effect, and a system administrator of no organisation
    w = finland(cases=0)
    parties = [services.Party(organisation=w.police), services.Party(organisation=w.ngos[0])]
    in_effect = factories.approve_by_every_party(propose(w.police_admin, parties))
    admin = UserFactory.create(organisation=None, role=Role.SYSTEM_ADMIN)
    # when
    offered = selectors.agreements_replaceable(user=admin)
    own = selectors.agreements_replaceable(user=w.police_admin)
    # then
    assert (offered, own) == ([], [in_effect])
