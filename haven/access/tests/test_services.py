"""Writes to the sharing tables: the case team (one lead organisation, members
added once each), the person's consents, cooperation agreements and
break-glass grants. Each is allowed for some actors only, validated with
stable codes, and audited in its own transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone
from pytest_django import Settings

from haven.access import errors, hooks, policy, selectors, services
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    BreakGlass,
    Consent,
    FieldGroup,
    GivenBy,
    Purpose,
    TeamMembership,
)
from haven.access.tests import factories
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.lib.errors import Conflict, InvalidInput
from haven.vault import services as vault


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


@pytest.mark.django_db
def test_it_makes_the_opening_organisation_the_case_lead() -> None:
    # given
    actor = make_user()

    # when
    case = open_case(actor=actor)

    # then
    team = list(TeamMembership.objects.filter(case=case))
    assert [(m.organisation_id, m.is_lead, m.added_by_id) for m in team] == [
        (actor.organisation_id, True, actor.pk)
    ]


@pytest.mark.django_db
def test_it_adds_a_member_organisation_once() -> None:
    # given
    actor = make_user()
    case = open_case(actor=actor)
    member = OrganisationFactory.create()

    # when
    added = services.team_member_add(case_id=case.id, organisation=member, by=actor)
    with pytest.raises(Conflict) as again:
        services.team_member_add(case_id=case.id, organisation=member, by=actor)

    # then
    assert not added.is_lead
    assert again.value.code == "already_member"
    assert TeamMembership.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_it_refuses_to_add_the_lead_again_as_a_member() -> None:
    # given
    actor = make_user()
    case = open_case(actor=actor)
    assert actor.organisation is not None

    # then
    with pytest.raises(Conflict) as raised:
        services.team_member_add(case_id=case.id, organisation=actor.organisation, by=None)
    assert raised.value.code == "already_member"


@pytest.mark.django_db
def test_it_keeps_one_lead_per_case() -> None:
    # given
    case = open_case(actor=make_user())

    # then
    with pytest.raises(IntegrityError), transaction.atomic():
        services.team_create(case_id=case.id, lead=OrganisationFactory.create(), by=None)


@pytest.mark.django_db
def test_it_names_a_membership_by_ids_only() -> None:
    # given
    actor = make_user()
    case = open_case(actor=actor)

    # when
    name = str(TeamMembership.objects.get(case=case))

    # then
    assert name == f"{actor.organisation_id} on {case.id}"


# --- consent -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sharing:
    lead: User  # an NGO caseworker: their organisation leads the case
    police: User  # a police caseworker: on the team, nothing shared by default
    case: Case


def sharing() -> Sharing:
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead, narrative="Told once.")
    add_to_team(case=case, organisation=org_of(police), by=lead, share=False)
    return Sharing(lead, police, case)


def record(s: Sharing, *, actor: User | None = None, **overrides: Any) -> Consent:
    """The person's consent to share the narrative with the police, for investigation."""
    arguments: dict[str, Any] = {
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE, FieldGroup.IDENTITY],
        "given_on": timezone.localdate(),
        "language": " FI ",
        "information_given": " What is shared, with whom; refusing changes no help. ",
        "recipient_organisation": org_of(s.police),
        **overrides,
    }
    return services.consent_record(
        actor=actor or s.lead,
        case_id=s.case.id,
        person_id=s.case.person_id,
        data_key=s.case.person.data_key,
        **arguments,
    )


def events_since(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id")[before:])


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR])
def test_it_records_consent_by_the_case_leads_caseworkers_and_audits_it(role: str) -> None:
    # given
    s = sharing()
    actor = UserFactory.create(organisation=s.lead.organisation, role=role)
    before = AuditEvent.objects.count()

    # when
    consent = record(s, actor=actor)

    # then
    stored = Consent.objects.get(pk=consent.pk)
    assert (stored.purpose, stored.field_groups, stored.language) == (
        "investigation",
        ["identity", "narrative"],
        "fi",
    )
    assert stored.information_given == "What is shared, with whom; refusing changes no help."
    assert (stored.recorded_by_id, stored.withdrawn_at, stored.child_views_enc) == (
        actor.pk,
        None,
        None,
    )
    [event] = events_since(before)
    assert (event.action, event.object_type, event.object_id) == (
        Action.CREATE,
        "access.Consent",
        str(consent.id),
    )
    assert (event.person_id, event.field_groups, event.purpose) == (
        str(s.case.person_id),
        "identity,narrative",
        "investigation",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["member", "lead_org_admin", "inactive_lead_caseworker", "outsider"]
)
def test_only_the_case_leads_caseworkers_record_consent(who: str) -> None:
    # given: the same case, where the lead's caseworker may record
    s = sharing()
    actor = {
        "member": s.police,
        "lead_org_admin": UserFactory.create(organisation=s.lead.organisation, role=Role.ORG_ADMIN),
        "inactive_lead_caseworker": UserFactory.create(
            organisation=s.lead.organisation, is_active=False
        ),
        "outsider": make_user(org_type=OrgType.NGO),
    }[who]
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(errors.SharingNotAllowed) as refused:
        record(s, actor=actor)
    allowed = record(s)

    # then
    assert refused.value.code == "sharing_not_allowed"
    assert list(Consent.objects.filter(case=s.case)) == [allowed]
    assert [e.action for e in events_since(before)] == [Action.CREATE]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient_organisation": None}, "recipient"),
        ({"recipient_org_type": OrgType.POLICE}, "recipient"),
        ({"recipient_organisation": None, "recipient_org_type": "spies"}, "recipient"),
        ({"purpose": "curiosity"}, "purpose"),
        ({"given_on": date(2099, 1, 1)}, "given_on"),
        ({"given_by": "neighbour"}, "given_by"),
        ({"child_views": "I want to stay with my aunt."}, "child_views"),
        ({"language": "  "}, "language"),
        ({"information_given": "  "}, "information_given"),
        ({"field_groups": []}, "field_groups"),
        ({"field_groups": ["narrative", "diary"]}, "field_groups"),
    ],
)
def test_it_refuses_an_invalid_consent_with_the_field_and_writes_nothing(
    overrides: dict[str, Any], field: str
) -> None:
    # given
    s = sharing()
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(InvalidInput) as invalid:
        record(s, **overrides)

    # then
    assert (invalid.value.code, invalid.value.field) == ("sharing_invalid", field)
    assert not Consent.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_it_records_a_childs_own_views_beside_the_guardians_decision_encrypted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a child, whose guardian (appointed) decides
    monkeypatch.setattr(hooks, "_guardian_check", [lambda case_id: True])
    s = sharing()
    views = "I want the police to know, but not my family."

    # when
    with pytest.raises(InvalidInput) as by_the_child:
        record(s, child=True, given_by=GivenBy.PERSON, child_views=views)
    consent = record(s, child=True, given_by=GivenBy.GUARDIAN, child_views=views)

    # then
    assert (by_the_child.value.code, by_the_child.value.field) == ("sharing_invalid", "given_by")
    stored = Consent.objects.get(pk=consent.pk)
    ciphertext = bytes(stored.child_views_enc or b"")
    assert views.encode() not in ciphertext
    assert (
        vault.decrypt(
            key=s.case.person.data_key,
            ciphertext=ciphertext,
            context=selectors.CHILD_VIEWS_CONTEXT,
        )
        == views
    )


@pytest.mark.django_db
def test_it_records_consent_for_every_organisation_of_a_type() -> None:
    # given
    s = sharing()

    # when
    consent = record(s, recipient_organisation=None, recipient_org_type=OrgType.POLICE)

    # then
    stored = Consent.objects.get(pk=consent.pk)
    assert (stored.recipient_organisation_id, stored.recipient_org_type) == (None, "police")


@pytest.mark.django_db
def test_it_records_no_consent_for_an_erased_person() -> None:
    # given
    s = sharing()
    supervisor = UserFactory.create(organisation=s.lead.organisation, role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=s.case.id)
    s.case.person.data_key.refresh_from_db()

    # when
    with pytest.raises(Conflict) as erased:
        record(s)

    # then
    assert erased.value.code == "person_erased"
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_it_withdraws_consent_once_and_audits_it() -> None:
    # given
    s = sharing()
    consent = record(s)
    before = AuditEvent.objects.count()

    # when
    withdrawn = services.consent_withdraw(
        actor=s.lead, consent_id=consent.id, person_id=s.case.person_id
    )
    with pytest.raises(errors.ConsentAlreadyWithdrawn) as again:
        services.consent_withdraw(actor=s.lead, consent_id=consent.id, person_id=s.case.person_id)

    # then
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.withdrawn_at == withdrawn.withdrawn_at is not None
    assert stored.withdrawn_by_id == s.lead.pk
    assert again.value.code == "consent_already_withdrawn"
    [event] = events_since(before)
    assert (event.action, event.object_type, event.object_id, event.detail) == (
        Action.UPDATE,
        "access.Consent",
        str(consent.id),
        {"withdrawn": True},
    )
    assert (event.person_id, event.purpose) == (str(s.case.person_id), "investigation")


@pytest.mark.django_db
def test_only_the_case_leads_caseworkers_withdraw_consent() -> None:
    # given
    s = sharing()
    consent = record(s)

    # when
    with pytest.raises(errors.SharingNotAllowed) as refused:
        services.consent_withdraw(actor=s.police, consent_id=consent.id, person_id=s.case.person_id)
    services.consent_withdraw(actor=s.lead, consent_id=consent.id, person_id=s.case.person_id)

    # then
    assert refused.value.code == "sharing_not_allowed"
    assert Consent.objects.get(pk=consent.pk).withdrawn_by_id == s.lead.pk


@pytest.mark.django_db
def test_it_withdraws_no_consent_that_does_not_exist() -> None:
    # given
    s = sharing()

    # when
    with pytest.raises(errors.ConsentNotFound) as missing:
        services.consent_withdraw(actor=s.lead, consent_id=uuid.uuid4(), person_id=s.case.person_id)

    # then
    assert missing.value.code == "consent_not_found"


# --- cooperation agreements (MoUs) ------------------------------------------------------------


def agreement(
    actor: User,
    parties: list[services.Party],
    *,
    flows: list[services.Flow] | None = None,
    **overrides: Any,
) -> Agreement:
    recipient = parties[-1]
    arguments: dict[str, Any] = {
        "name": " Helsinki police and NGO 2026 ",
        "document_reference": " MoU 2026/1 ",
        "valid_from": date(2026, 1, 1),
        **overrides,
    }
    return services.agreement_propose(
        actor=actor,
        parties=parties,
        flows=flows
        if flows is not None
        else [
            services.Flow(
                organisation=recipient.organisation,
                org_type=recipient.org_type,
                country=recipient.country,
                purposes=[Purpose.INVESTIGATION, Purpose.INVESTIGATION],
                field_groups=[FieldGroup.NARRATIVE, FieldGroup.IDENTITY],
            )
        ],
        **arguments,
    )


def two_parties() -> list[services.Party]:
    return [
        services.Party(organisation=OrganisationFactory.create(org_type=OrgType.NGO)),
        services.Party(organisation=OrganisationFactory.create(org_type=OrgType.POLICE)),
    ]


@pytest.mark.django_db
def test_a_system_administrator_proposes_any_agreement_and_it_is_audited() -> None:
    # given
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    parties = two_parties()
    basis = factories.legal_basis(citation="Criminal Investigation Act s. 4")
    before = AuditEvent.objects.count()

    # when
    created = agreement(
        admin,
        parties,
        consent_required=False,
        legal_basis_id=basis.id,
        ends_on=date(2027, 1, 1),
    )

    # then: proposed, approved by nobody (a system administrator speaks for no party)
    stored = Agreement.objects.get(pk=created.pk)
    assert (stored.name, stored.document_reference, stored.legal_basis) == (
        "Helsinki police and NGO 2026",
        "MoU 2026/1",
        "Criminal Investigation Act s. 4",
    )
    assert (stored.state, stored.listed_legal_basis_id) == ("proposed", basis.id)
    assert (stored.valid_from, stored.ends_on, stored.created_by_id) == (
        date(2026, 1, 1),
        date(2027, 1, 1),
        admin.pk,
    )
    assert {
        (p.organisation_id, p.approved_at) for p in AgreementParty.objects.filter(agreement=stored)
    } == {(p.organisation.pk, None) for p in parties if p.organisation}
    [flow] = AgreementFlow.objects.filter(agreement=stored)
    assert (flow.purposes, flow.field_groups) == (["investigation"], ["identity", "narrative"])
    [event] = events_since(before)
    assert (event.action, event.object_type, event.object_id, event.detail) == (
        Action.CREATE,
        "access.Agreement",
        str(created.id),
        {
            "state": "proposed",
            "consent_required": False,
            "legal_basis": str(basis.id),
            "supersedes": "",
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("party_kind", ["organisation", "org_type_in_country"])
def test_an_organisation_administrator_proposes_agreements_their_organisation_is_party_to(
    party_kind: str,
) -> None:
    # given: an administrator of a police organisation in Finland, and one elsewhere
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    admin = UserFactory.create(organisation=police, role=Role.ORG_ADMIN)
    swedish_police = OrganisationFactory.create(org_type=OrgType.POLICE, country="SE")
    swedish_admin = UserFactory.create(organisation=swedish_police, role=Role.ORG_ADMIN)
    police_party = {
        "organisation": services.Party(organisation=police),
        "org_type_in_country": services.Party(org_type=OrgType.POLICE, country="FI"),
    }[party_kind]
    ngo_party = services.Party(organisation=OrganisationFactory.create())

    # when
    created = agreement(admin, [ngo_party, police_party])
    with pytest.raises(errors.SharingNotAllowed) as refused:
        agreement(swedish_admin, [ngo_party, police_party])

    # then
    assert refused.value.code == "sharing_not_allowed"
    assert list(Agreement.objects.all()) == [created]


@pytest.mark.django_db
def test_r47_a_party_that_is_a_type_of_organisation_names_its_country() -> None:
    # given: every police organisation, in no country: no coordinator could approve for it
    admin = make_user(role=Role.SYSTEM_ADMIN)
    parties = [two_parties()[0], services.Party(org_type=OrgType.POLICE)]

    # when
    with pytest.raises(InvalidInput) as invalid:
        agreement(admin, parties)

    # then
    assert (invalid.value.code, invalid.value.field) == ("sharing_invalid", "parties")
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_r47_each_party_is_named_once() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)
    parties = two_parties()

    # when
    with pytest.raises(InvalidInput) as invalid:
        agreement(admin, [*parties, parties[1]])

    # then
    assert (invalid.value.code, invalid.value.field) == ("sharing_invalid", "parties")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["admin_of_another_org", "caseworker_of_a_party", "admin_without_organisation"]
)
def test_others_do_not_create_agreements(who: str) -> None:
    # given: the same parties, which a system administrator may bind
    parties = two_parties()
    party_org = parties[0].organisation
    actor = {
        "admin_of_another_org": make_user(role=Role.ORG_ADMIN),
        "caseworker_of_a_party": UserFactory.create(organisation=party_org),
        "admin_without_organisation": UserFactory.create(organisation=None, role=Role.ORG_ADMIN),
    }[who]
    admin = make_user(role=Role.SYSTEM_ADMIN)

    # when
    with pytest.raises(errors.SharingNotAllowed) as refused:
        agreement(actor, parties)
    allowed = agreement(admin, parties)

    # then
    assert refused.value.code == "sharing_not_allowed"
    assert list(Agreement.objects.all()) == [allowed]


def _flow(**fields: Any) -> services.Flow:
    values: dict[str, Any] = {
        "org_type": OrgType.POLICE,
        "purposes": [Purpose.INVESTIGATION],
        "field_groups": [FieldGroup.NARRATIVE],
        **fields,
    }
    return services.Flow(**values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"document_reference": ""}, "document_reference"),
        ({"parties": "one"}, "parties"),
        ({"parties": "mixed"}, "recipient"),
        ({"flows": []}, "flows"),
        ({"flows": [_flow(org_type="")]}, "recipient"),
        ({"flows": [_flow(field_groups=[])]}, "field_groups"),
        ({"flows": [_flow(purposes=[])]}, "flows"),
        ({"flows": [_flow(purposes=["curiosity"])]}, "flows"),
        ({"legal_basis_id": "free text"}, "legal_basis"),
        ({"legal_basis_id": uuid.UUID(int=7)}, "legal_basis"),
        ({"ends_on": date(2026, 1, 1)}, "ends_on"),
        ({"ends_on": date(2025, 12, 31)}, "ends_on"),
    ],
)
def test_it_refuses_an_invalid_agreement_with_the_field_and_writes_nothing(
    overrides: dict[str, Any], field: str
) -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)
    parties = two_parties()
    if overrides.get("parties") == "one":
        overrides["parties"] = parties[:1]
    elif overrides.get("parties") == "mixed":
        overrides["parties"] = [
            parties[0],
            services.Party(organisation=parties[1].organisation, org_type=OrgType.POLICE),
        ]
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(InvalidInput) as invalid:
        agreement(admin, overrides.pop("parties", parties), **overrides)

    # then
    assert (invalid.value.code, invalid.value.field) == ("sharing_invalid", field)
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_it_ends_an_agreement_today_by_default_and_audits_it() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)
    created = factories.approve_by_every_party(
        agreement(admin, two_parties(), valid_from=date(2026, 1, 1))
    )
    before = AuditEvent.objects.count()

    # when
    with time_machine.travel(datetime(2026, 3, 16, 12, 0, tzinfo=UTC), tick=False):
        ended = services.agreement_end(actor=admin, agreement_id=created.id)

    # then
    stored = Agreement.objects.get(pk=created.pk)
    assert (stored.ends_on, stored.ended_by_id) == (date(2026, 3, 16), admin.pk)
    assert ended.ends_on == stored.ends_on
    [event] = events_since(before)
    assert (event.action, event.object_type, event.object_id, event.detail) == (
        Action.UPDATE,
        "access.Agreement",
        str(created.id),
        {"ends_on": "2026-03-16"},
    )


@pytest.mark.django_db
def test_it_ends_an_agreement_on_a_given_day_but_not_twice() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)
    created = factories.approve_by_every_party(
        agreement(admin, two_parties(), valid_from=date(2026, 1, 1))
    )

    # when
    services.agreement_end(actor=admin, agreement_id=created.id, ends_on=date(2026, 6, 1))
    with pytest.raises(errors.AgreementEnded) as again:
        services.agreement_end(actor=admin, agreement_id=created.id, ends_on=date(2026, 7, 1))

    # then
    assert Agreement.objects.get(pk=created.pk).ends_on == date(2026, 6, 1)
    assert again.value.code == "agreement_ended"


@pytest.mark.django_db
def test_it_brings_the_end_of_an_agreement_forward() -> None:
    # given: an agreement signed to end at the end of 2026
    admin = make_user(role=Role.SYSTEM_ADMIN)
    created = factories.approve_by_every_party(
        agreement(admin, two_parties(), ends_on=date(2027, 1, 1))
    )

    # when
    services.agreement_end(actor=admin, agreement_id=created.id, ends_on=date(2026, 6, 1))

    # then
    assert Agreement.objects.get(pk=created.pk).ends_on == date(2026, 6, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ends_on", "stored"),
    [
        (date(2026, 4, 2), date(2026, 4, 2)),  # after its first day: in force on 1 April only
        (date(2026, 4, 1), date(2026, 4, 1)),  # on its first day: never in force
        (date(2026, 3, 1), date(2026, 4, 1)),  # before it starts: never in force either
    ],
)
def test_it_never_lets_an_agreement_apply_on_a_day_after_the_end_it_was_given(
    ends_on: date, stored: date
) -> None:
    # given: an agreement that starts on 1 April
    admin = make_user(role=Role.SYSTEM_ADMIN)
    created = factories.approve_by_every_party(
        agreement(admin, two_parties(), valid_from=date(2026, 4, 1))
    )

    # when
    services.agreement_end(actor=admin, agreement_id=created.id, ends_on=ends_on)

    # then
    assert Agreement.objects.get(pk=created.pk).ends_on == stored


@pytest.mark.django_db
def test_it_cancels_an_agreement_that_has_not_started_so_it_never_applies() -> None:
    # given: an agreement that starts next month
    admin = make_user(role=Role.SYSTEM_ADMIN)
    created = factories.approve_by_every_party(
        agreement(admin, two_parties(), valid_from=date(2026, 4, 1))
    )

    # when it is ended "today"
    with time_machine.travel(datetime(2026, 3, 16, 12, 0, tzinfo=UTC), tick=False):
        services.agreement_end(actor=admin, agreement_id=created.id)

    # then it ends on its first day: not a single day in force
    assert Agreement.objects.get(pk=created.pk).ends_on == date(2026, 4, 1)


@pytest.mark.django_db
def test_an_organisation_administrator_ends_only_agreements_of_their_organisation() -> None:
    # given
    parties = two_parties()
    party_admin = UserFactory.create(organisation=parties[1].organisation, role=Role.ORG_ADMIN)
    other_admin = make_user(org_type=OrgType.POLICE, role=Role.ORG_ADMIN)
    created = factories.approve_by_every_party(agreement(party_admin, parties))

    # when
    with pytest.raises(errors.SharingNotAllowed) as refused:
        services.agreement_end(actor=other_admin, agreement_id=created.id)
    services.agreement_end(actor=party_admin, agreement_id=created.id)

    # then
    assert refused.value.code == "sharing_not_allowed"
    assert Agreement.objects.get(pk=created.pk).ended_by_id == party_admin.pk


@pytest.mark.django_db
def test_it_ends_no_agreement_that_does_not_exist() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)

    # when
    with pytest.raises(errors.AgreementNotFound) as missing:
        services.agreement_end(actor=admin, agreement_id=uuid.uuid4())

    # then
    assert missing.value.code == "agreement_not_found"


# --- break-glass ------------------------------------------------------------------------------

JUSTIFICATION = "The person called from a locked flat; we must find the shelter contact."


@pytest.mark.django_db
def test_it_opens_break_glass_only_with_a_justification_and_marks_it_in_the_audit_trail(
    settings: Settings,
) -> None:
    # given: an outsider, a case
    settings.HAVEN_BREAK_GLASS_MINUTES = 45
    case = open_case(actor=make_user(org_type=OrgType.NGO))
    outsider = make_user(org_type=OrgType.POLICE, role=Role.SUPERVISOR)
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(InvalidInput) as refused:
        services.break_glass_open(
            actor=outsider,
            case_id=case.id,
            person_id=case.person_id,
            justification=" " * 10 + "x" * 19 + " " * 10,
        )
    with time_machine.travel(datetime(2026, 3, 16, 12, 0, tzinfo=UTC), tick=False):
        grant = services.break_glass_open(
            actor=outsider,
            case_id=case.id,
            person_id=case.person_id,
            justification=f"  {JUSTIFICATION}  ",
        )

    # then
    assert (refused.value.code, refused.value.field) == ("justification_required", "justification")
    stored = BreakGlass.objects.get()
    assert stored == grant
    assert (stored.user_id, stored.organisation_id, stored.justification) == (
        outsider.pk,
        outsider.organisation_id,
        JUSTIFICATION,
    )
    assert stored.started_at == datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    assert stored.expires_at == datetime(2026, 3, 16, 12, 45, tzinfo=UTC)
    assert stored.review == BreakGlass.Review.PENDING
    [event] = events_since(before)
    assert (event.action, event.object_type, event.object_id, event.person_id) == (
        Action.BREAK_GLASS,
        "cases.Case",
        str(case.id),
        str(case.person_id),
    )
    assert event.detail == {"break_glass": str(grant.id), "minutes": 45, "reason": "other"}


@pytest.mark.django_db
def test_a_justification_of_exactly_twenty_characters_is_enough() -> None:
    # given
    case = open_case(actor=make_user(org_type=OrgType.NGO))
    outsider = make_user(org_type=OrgType.NGO)

    # when
    grant = services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification="x" * 20
    )

    # then
    assert grant.justification == "x" * 20


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_only_caseworkers_and_supervisors_use_break_glass(role: str) -> None:
    # given: the same organisation, where a caseworker may
    case = open_case(actor=make_user(org_type=OrgType.NGO))
    caseworker = make_user(org_type=OrgType.POLICE)
    other = UserFactory.create(organisation=caseworker.organisation, role=role)
    homeless = UserFactory.create(organisation=None)

    # when
    refusals = []
    for actor in (other, homeless):
        with pytest.raises(errors.SharingNotAllowed) as refused:
            services.break_glass_open(
                actor=actor, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
            )
        refusals.append(refused.value.code)
    services.break_glass_open(
        actor=caseworker, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )

    # then
    assert refusals == ["sharing_not_allowed", "sharing_not_allowed"]
    assert [g.user_id for g in BreakGlass.objects.all()] == [caseworker.pk]


def used_break_glass() -> tuple[BreakGlass, User]:
    """A police caseworker's break-glass on an NGO case, and a supervisor of theirs."""
    case = open_case(actor=make_user(org_type=OrgType.NGO))
    user = make_user(org_type=OrgType.POLICE)
    supervisor = UserFactory.create(organisation=user.organisation, role=Role.SUPERVISOR)
    grant = services.break_glass_open(
        actor=user, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )
    return grant, supervisor


@pytest.mark.django_db
@pytest.mark.parametrize("justified", [True, False])
def test_a_supervisor_of_the_same_organisation_reviews_a_use_once_and_it_is_audited(
    justified: bool,
) -> None:
    # given
    grant, supervisor = used_break_glass()
    before = AuditEvent.objects.count()

    # when
    with time_machine.travel(datetime(2026, 3, 17, 9, 0, tzinfo=UTC), tick=False):
        reviewed = services.break_glass_review(
            actor=supervisor, grant_id=grant.id, justified=justified, note="  Talked to them.  "
        )
    with pytest.raises(errors.BreakGlassReviewed) as again:
        services.break_glass_review(actor=supervisor, grant_id=grant.id, justified=not justified)

    # then
    stored = BreakGlass.objects.get(pk=grant.pk)
    review = BreakGlass.Review.JUSTIFIED if justified else BreakGlass.Review.NOT_JUSTIFIED
    assert (stored.review, stored.reviewed_by_id, stored.review_note) == (
        review,
        supervisor.pk,
        "Talked to them.",
    )
    assert stored.reviewed_at == reviewed.reviewed_at == datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
    assert again.value.code == "break_glass_already_reviewed"
    [event] = events_since(before)
    assert (event.action, event.object_type, event.object_id, event.detail) == (
        Action.UPDATE,
        "access.BreakGlass",
        str(grant.id),
        {"review": review},
    )


@pytest.mark.django_db
def test_a_supervisor_of_the_national_coordinator_reviews_any_use() -> None:
    # given
    grant, _supervisor = used_break_glass()
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)

    # when
    services.break_glass_review(actor=coordinator, grant_id=grant.id, justified=True)

    # then
    assert BreakGlass.objects.get(pk=grant.pk).reviewed_by_id == coordinator.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        "the_user_who_used_it",
        "a_caseworker_of_the_same_organisation",
        "a_supervisor_of_another_organisation",
        "a_caseworker_of_the_national_coordinator",
        "a_supervisor_without_organisation",
    ],
)
def test_no_one_else_reviews_a_break_glass_use(who: str) -> None:
    # given: the use, reviewable by a supervisor of the same organisation
    grant, supervisor = used_break_glass()
    if who == "the_user_who_used_it":
        # a supervisor who used break-glass does not review their own use
        User.objects.filter(pk=grant.user_id).update(role=Role.SUPERVISOR)
    actor = {
        "the_user_who_used_it": User.objects.get(pk=grant.user_id),
        "a_caseworker_of_the_same_organisation": UserFactory.create(
            organisation=supervisor.organisation
        ),
        "a_supervisor_of_another_organisation": make_user(
            org_type=OrgType.POLICE, role=Role.SUPERVISOR
        ),
        "a_caseworker_of_the_national_coordinator": make_user(
            org_type=OrgType.NATIONAL_COORDINATOR
        ),
        "a_supervisor_without_organisation": UserFactory.create(
            organisation=None, role=Role.SUPERVISOR
        ),
    }[who]

    # when
    with pytest.raises(errors.SharingNotAllowed) as refused:
        services.break_glass_review(actor=actor, grant_id=grant.id, justified=True)
    services.break_glass_review(actor=supervisor, grant_id=grant.id, justified=True)

    # then
    assert refused.value.code == "sharing_not_allowed"
    assert BreakGlass.objects.get(pk=grant.pk).reviewed_by_id == supervisor.pk


@pytest.mark.django_db
def test_it_reviews_no_break_glass_use_that_does_not_exist() -> None:
    # given
    supervisor = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)

    # when
    with pytest.raises(errors.BreakGlassNotFound) as missing:
        services.break_glass_review(actor=supervisor, grant_id=uuid.uuid4(), justified=True)

    # then
    assert missing.value.code == "break_glass_not_found"


@pytest.mark.django_db
def test_it_refuses_a_flow_to_an_organisation_that_did_not_sign() -> None:
    # given two parties and a third organisation that is not one
    admin = make_user(role=Role.SYSTEM_ADMIN)
    parties = two_parties()
    outsider = OrganisationFactory.create(org_type=OrgType.SHELTER)
    to_outsider = services.Flow(
        organisation=outsider, purposes=[Purpose.ASSISTANCE], field_groups=["identity"]
    )
    # when
    with pytest.raises(InvalidInput) as invalid:
        agreement(admin, parties, flows=[to_outsider])
    # then
    assert (invalid.value.code, invalid.value.field) == ("sharing_invalid", "flows")
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_a_flow_to_a_type_reaches_only_organisations_of_that_type_that_are_parties() -> None:
    # given an agreement between an NGO and the police of Finland, flowing to police
    admin = make_user(role=Role.SYSTEM_ADMIN)
    lead = make_user(org_type=OrgType.NGO)
    finnish = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    swedish = OrganisationFactory.create(org_type=OrgType.POLICE, country="SE")
    assert lead.organisation is not None
    proposed = services.agreement_propose(
        actor=admin,
        name="NGO and Finnish police",
        document_reference="MoU 7",
        valid_from=date(2020, 1, 1),
        consent_required=False,
        legal_basis_id=factories.legal_basis().id,
        parties=[
            services.Party(organisation=lead.organisation),
            services.Party(org_type=OrgType.POLICE, country="FI"),
        ],
        flows=[
            services.Flow(
                org_type=OrgType.POLICE, purposes=[Purpose.ASSISTANCE], field_groups=["identity"]
            )
        ],
    )
    factories.approve_by_every_party(proposed)
    case = open_case(actor=lead)
    add_to_team(case=case, organisation=finnish, share=False)
    add_to_team(case=case, organisation=swedish, share=False)
    finnish_user = make_user(organisation=finnish)
    swedish_user = make_user(organisation=swedish)
    # when
    allowed = policy.decide(user=finnish_user, case_id=case.id, field_group=FieldGroup.IDENTITY)
    refused = policy.decide(user=swedish_user, case_id=case.id, field_group=FieldGroup.IDENTITY)
    # then the Swedish police, who did not sign, get nothing
    assert (allowed.allowed, allowed.code) == (True, "legal_basis")
    assert (refused.allowed, refused.code) == (False, "no_agreement")
