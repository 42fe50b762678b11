"""Consent for a child without a guardian yet (R-11, R-25), and the kinds of
information a consent names that no agreement lets flow (R-47).

Nobody can consent for a child until a guardian or representative is appointed:
the services refuse a guardian's consent meanwhile, record the child's own views
instead (never a consent: nothing flows on them), and the selectors list what can
flow on a legal basis. Guardians are recorded by the children app, which tells
access through ``haven.access.hooks``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.access import errors, hooks, policy, selectors
from haven.access import services as access_services
from haven.access.models import ChildViews, Consent, FieldGroup, GivenBy, Purpose
from haven.access.tests.factories import approve_by_every_party, legal_basis
from haven.access.tests.test_selectors_sharing import CHILD, NARRATIVE, org_of
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.children.tests.factories import appoint_guardian
from haven.lib.errors import Conflict, InvalidInput
from haven.vault import services as vault

pytestmark = pytest.mark.django_db

VIEWS = "I do not want my mother to know where I live."


def _child_case() -> tuple[User, User, Case]:
    """A presumed child led by an NGO, the police on the team (shared by law)."""
    lead = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=lead, narrative=NARRATIVE, **CHILD)
    add_to_team(case=case, organisation=org_of(police), by=lead, share=False)
    return lead, police, case


def _consent(lead: User, case: Case, recipient: Organisation, **overrides: Any) -> Consent:
    arguments: dict[str, Any] = {
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": timezone.localdate(),
        "language": "fi",
        "information_given": "What is shared, with whom, and that refusing changes no help.",
        "recipient_organisation": recipient,
        "given_by": GivenBy.GUARDIAN,
        "child_views": VIEWS,
        **overrides,
    }
    return access_services.consent_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        child=case.person.treat_as_child,
        **arguments,
    )


def _views(lead: User, case: Case, **overrides: Any) -> ChildViews:
    arguments: dict[str, Any] = {
        "purpose": Purpose.INVESTIGATION,
        "field_groups": [FieldGroup.NARRATIVE, FieldGroup.LOCATION],
        "heard_on": timezone.localdate(),
        "language": " FI ",
        "information_given": " What the police would read, and that saying no changes no help. ",
        "views": f" {VIEWS} ",
        "recipient_org_type": OrgType.POLICE,
        "child": case.person.treat_as_child,
        **overrides,
    }
    return access_services.child_views_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        **arguments,
    )


# --- the registry ---------------------------------------------------------------------


def test_r11_the_children_app_tells_access_whether_a_child_has_a_guardian() -> None:
    assert hooks.guardian_check() == "haven.children.selectors.guardian_appointed_now"


def test_r11_without_a_registered_check_no_guardian_is_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: no app answers
    monkeypatch.setattr(hooks, "_guardian_check", [])
    _lead, _police, case = _child_case()

    # then
    assert hooks.guardian_check() is None
    assert hooks.guardian_appointed(case.id) is False


def test_r11_a_guardian_counts_from_the_day_of_the_appointment() -> None:
    # given
    lead, _police, case = _child_case()
    assert selectors.guardian_appointed(case_id=case.id) is False

    # when
    appoint_guardian(actor=lead, case=case)

    # then
    assert selectors.guardian_appointed(case_id=case.id) is True


# --- consent: refused without a guardian, allowed with one -----------------------------


def test_r11_r25_a_guardians_consent_is_refused_while_no_guardian_is_appointed() -> None:
    # given: a child with no guardian yet
    lead, police, case = _child_case()
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(errors.GuardianNotAppointed) as refused:
        _consent(lead, case, org_of(police))
    with pytest.raises(errors.GuardianNotAppointed) as by_the_child:
        _consent(lead, case, org_of(police), given_by=GivenBy.PERSON, child_views="")

    # then: nobody can consent for the child; the error names the field
    for error in (refused.value, by_the_child.value):
        assert (error.code, error.field) == ("guardian_not_appointed", "given_by")
        assert error.http_status == 400
    assert not Consent.objects.exists()
    assert AuditEvent.objects.count() == before


def test_r11_r25_once_a_guardian_is_appointed_the_guardian_consents_with_the_childs_views() -> None:
    # given: the same child, a guardian appointed
    lead, police, case = _child_case()
    appoint_guardian(actor=lead, case=case)

    # when
    consent = _consent(lead, case, org_of(police))

    # then
    assert consent.given_by == GivenBy.GUARDIAN
    assert bytes(consent.child_views_enc or b"")
    with pytest.raises(InvalidInput) as by_the_child:
        _consent(lead, case, org_of(police), given_by=GivenBy.PERSON, child_views="")
    assert by_the_child.value.code == "sharing_invalid"


# --- the child's own views, meanwhile --------------------------------------------------


def test_r11_r25_the_childs_views_are_recorded_encrypted_and_open_no_sharing() -> None:
    # given: a child with no guardian; an agreement lets the narrative flow to the police
    # with the person's consent
    lead, police, case = _child_case()
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    approve_by_every_party(
        access_services.agreement_propose(
            actor=admin,
            name="Police and NGO",
            document_reference="MoU 1",
            valid_from=timezone.localdate() - timedelta(days=1),
            parties=[
                access_services.Party(organisation=org_of(lead)),
                access_services.Party(organisation=org_of(police)),
            ],
            flows=[
                access_services.Flow(
                    organisation=org_of(police),
                    purposes=[Purpose.INVESTIGATION],
                    field_groups=[FieldGroup.NARRATIVE],
                )
            ],
        )
    )

    # when
    record = _views(lead, case)

    # then: stored encrypted, audited, and the police still read nothing
    stored = ChildViews.objects.get(pk=record.pk)
    assert VIEWS.encode() not in bytes(stored.views_enc)
    assert (
        vault.decrypt(
            key=case.person.data_key,
            ciphertext=bytes(stored.views_enc),
            context=selectors.CHILD_VIEWS_CONTEXT,
        )
        == VIEWS
    )
    assert (stored.language, stored.field_groups) == ("fi", ["location", "narrative"])
    assert str(stored) == f"child views {stored.id}"
    event = AuditEvent.objects.get(object_type="access.ChildViews", action=Action.CREATE)
    assert event.object_id == str(record.id)
    decision = policy.decide(
        user=police,
        case_id=case.id,
        field_group=FieldGroup.NARRATIVE,
        purpose=Purpose.INVESTIGATION,
    )
    assert (decision.allowed, decision.code) == (False, "no_consent")
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"views": "  "}, "child_views"),
        ({"language": " "}, "language"),
        ({"information_given": " "}, "information_given"),
        ({"purpose": "fun"}, "purpose"),
        ({"heard_on": timezone.localdate() + timedelta(days=1)}, "given_on"),
        ({"recipient_org_type": ""}, "recipient"),
        ({"field_groups": []}, "field_groups"),
        ({"child": False}, "given_by"),
    ],
)
def test_r11_r25_the_childs_views_need_each_fact(overrides: dict[str, Any], field: str) -> None:
    # given
    lead, _police, case = _child_case()

    # when
    with pytest.raises(InvalidInput) as invalid:
        _views(lead, case, **overrides)

    # then
    assert (invalid.value.code, invalid.value.field) == ("sharing_invalid", field)
    assert not ChildViews.objects.exists()


def test_r11_r25_only_the_case_lead_records_the_childs_views_and_not_once_erased() -> None:
    # given
    lead, police, case = _child_case()

    # when / then: another team member is refused
    with pytest.raises(errors.SharingNotAllowed):
        _views(police, case)

    # when / then: erased
    supervisor = UserFactory.create(organisation=org_of(lead), role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=case.id)
    case.refresh_from_db()
    with pytest.raises(Conflict) as erased:
        _views(lead, Case.objects.select_related("person__data_key").get(pk=case.pk))
    assert erased.value.code == "person_erased"
    assert not ChildViews.objects.exists()


def _listed(user: User, case: Case) -> list[selectors.ChildViewsView]:
    case = Case.objects.select_related("person__data_key").get(pk=case.pk)
    return selectors.child_views_list(
        user=user,
        context=policy.case_context(case_id=case.id),
        person_id=case.person_id,
        data_key=case.person.data_key,
    )


def test_r11_r25_the_lead_reads_the_childs_views_and_the_read_is_audited() -> None:
    # given
    lead, police, case = _child_case()
    assert _listed(lead, case) == []
    assert not AuditEvent.objects.filter(object_type="access.ChildViews").exists()
    record = _views(lead, case)

    # when
    (view,) = _listed(lead, case)

    # then
    assert (view.record.pk, view.views, view.hidden_reason) == (record.pk, VIEWS, "")
    event = AuditEvent.objects.get(object_type="access.ChildViews", action=Action.READ)
    assert event.field_groups == "narrative"
    with pytest.raises(errors.SharingNotAllowed):
        _listed(police, case)


def test_r11_r25_the_childs_views_are_hidden_without_the_narrative_or_once_erased() -> None:
    # given: a migration authority leads (its caseworkers see no narrative)
    lead = make_user(org_type=OrgType.MIGRATION_AUTHORITY)
    case = open_case(actor=lead, **CHILD)
    _views(lead, case)
    ngo = make_user(org_type=OrgType.NGO)
    other = open_case(actor=ngo, **CHILD)
    _views(ngo, other)
    supervisor = UserFactory.create(organisation=org_of(ngo), role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=other.id)

    # when
    (hidden,) = _listed(lead, case)
    (erased,) = _listed(ngo, other)

    # then
    assert hidden.views is None
    assert "narrative" in hidden.hidden_reason
    assert erased.views is None
    assert erased.hidden_reason


# --- what can flow meanwhile, on a legal basis -----------------------------------------


def test_r11_r25_the_sharing_that_rests_on_a_legal_basis_is_listed() -> None:
    # given: the police on the team by law (no consent needed), a shelter by consent only
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, **CHILD)
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    add_to_team(case=case, organisation=police, by=lead)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=shelter, by=lead, share=False)

    # when
    flows = selectors.legal_basis_flows(context=policy.case_context(case_id=case.id))

    # then
    assert [f.team_members for f in flows] == [[police.name]]
    (flow,) = flows
    assert flow.recipient == police.name
    assert flow.legal_basis
    assert "Narrative" in flow.field_groups
    assert "investigation" in flow.purposes


def test_r11_r25_no_lead_means_nothing_flows() -> None:
    context = policy.CaseContext(case_id="00000000-0000-0000-0000-000000000000", memberships=[])
    assert selectors.legal_basis_flows(context=context) == []


def test_r47_a_proposal_not_yet_approved_by_every_party_is_not_listed() -> None:
    # given: a child's case and a no-consent agreement only its proposer approved
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, **CHILD)
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    proposal = access_services.agreement_propose(
        actor=admin,
        name="By law, proposed",
        document_reference="Act",
        valid_from=timezone.localdate(),
        consent_required=False,
        legal_basis_id=legal_basis(title="Child Welfare Act", citation="Act, s. 25").id,
        parties=[
            access_services.Party(organisation=org_of(lead)),
            access_services.Party(org_type=OrgType.POLICE, country="FI"),
        ],
        flows=[
            access_services.Flow(
                org_type=OrgType.POLICE,
                country="FI",
                purposes=[Purpose.INVESTIGATION],
                field_groups=[FieldGroup.IDENTITY],
            )
        ],
    )
    context = policy.case_context(case_id=case.id)

    # when / then: nothing rests on it until every party approved, then it is listed
    assert selectors.legal_basis_flows(context=context) == []
    approve_by_every_party(proposal)
    assert [f.agreement for f in selectors.legal_basis_flows(context=context)] == [proposal.name]


def test_r11_r25_a_type_wide_clause_is_named_by_its_type_and_country() -> None:
    # given: an agreement on a legal basis with every police organisation of FI
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead, **CHILD)
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    approve_by_every_party(
        access_services.agreement_propose(
            actor=admin,
            name="By law",
            document_reference="Act",
            valid_from=timezone.localdate(),
            consent_required=False,
            legal_basis_id=legal_basis(
                title="Child Welfare Act", citation="Child Welfare Act, s. 25"
            ).id,
            parties=[
                access_services.Party(organisation=org_of(lead)),
                access_services.Party(org_type=OrgType.POLICE, country="FI"),
            ],
            flows=[
                access_services.Flow(
                    org_type=OrgType.POLICE,
                    country="FI",
                    purposes=[Purpose.INVESTIGATION],
                    field_groups=[FieldGroup.IDENTITY],
                )
            ],
        )
    )

    # when
    (flow,) = selectors.legal_basis_flows(context=policy.case_context(case_id=case.id))

    # then
    assert flow.recipient == "every Police organisation (FI)"
    assert flow.team_members == []


# --- kinds that cannot flow (R-47) -----------------------------------------------------


def _police_agreement(lead: User, police: Organisation, groups: list[FieldGroup]) -> None:
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    approve_by_every_party(
        access_services.agreement_propose(
            actor=admin,
            name="Police and NGO",
            document_reference="MoU 1",
            valid_from=timezone.localdate(),
            parties=[
                access_services.Party(organisation=org_of(lead)),
                access_services.Party(organisation=police),
            ],
            flows=[
                access_services.Flow(
                    organisation=police, purposes=[Purpose.INVESTIGATION], field_groups=groups
                )
            ],
        )
    )


def test_r47_a_consent_names_each_kind_no_agreement_lets_flow_and_who_can_make_one() -> None:
    # given: an agreement lets the narrative flow to the police, not the location
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    _police_agreement(lead, police, [FieldGroup.NARRATIVE])
    context = policy.case_context(case_id=case.id)

    # when
    cannot = selectors.consent_cannot_flow(
        context=context,
        purpose=Purpose.INVESTIGATION,
        field_groups=[FieldGroup.NARRATIVE, FieldGroup.LOCATION],
        recipient_organisation=police,
    )

    # then
    assert [c.field_group for c in cannot] == [FieldGroup.LOCATION]
    lead_org = org_of(lead)
    assert lead_org.name in cannot[0].reason
    assert police.name in cannot[0].reason
    assert "administrator" in cannot[0].reason


def test_r47_a_consent_to_every_organisation_of_a_type_warns_when_none_can_receive() -> None:
    # given: one police organisation receives the narrative under an agreement
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    _police_agreement(lead, police, [FieldGroup.NARRATIVE])
    context = policy.case_context(case_id=case.id)

    # when
    cannot = selectors.consent_cannot_flow(
        context=context,
        purpose=Purpose.INVESTIGATION,
        field_groups=[FieldGroup.NARRATIVE, FieldGroup.HEALTH],
        recipient_org_type=OrgType.POLICE,
    )
    no_lead = selectors.consent_cannot_flow(
        context=policy.CaseContext(case_id=case.id, memberships=[]),
        purpose=Purpose.INVESTIGATION,
        field_groups=[FieldGroup.HEALTH],
        recipient_org_type=OrgType.LABOUR_INSPECTORATE,
    )

    # then
    assert [c.field_group for c in cannot] == [FieldGroup.HEALTH]
    assert "every Police organisation" in cannot[0].reason
    assert [c.field_group for c in no_lead] == [FieldGroup.HEALTH]
    assert "the case lead" in no_lead[0].reason


def test_without_a_registered_write_check_every_case_takes_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: no app registered the check (the cases app does, from its ready())
    monkeypatch.setattr(hooks, "_write_check", [])

    # then: nothing is named and nothing refuses
    assert hooks.write_check() is None
    hooks.case_write_check(uuid.uuid4())  # raises nothing
