"""The case gate (``selectors.case_for``): each refusal beside its allowed twin,
with the same setup, so that a refusal cannot pass for the wrong reason."""

from __future__ import annotations

import uuid

import pytest

from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, selectors, services
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case

pytestmark = pytest.mark.django_db

JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


def _lead_and_case() -> tuple[User, Case]:
    lead = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR)
    return lead, open_case(actor=lead)


def test_it_opens_a_case_of_the_users_team() -> None:
    # given
    lead, case = _lead_and_case()

    # when
    gated = selectors.case_for(
        user=lead, case_id=str(case.id), group=FieldGroup.LEGAL, purpose=Purpose.IDENTIFICATION
    )

    # then
    assert gated.case == case
    assert (gated.group, gated.purpose) == (FieldGroup.LEGAL, Purpose.IDENTIFICATION)
    assert gated.decision.allowed
    assert not gated.erased


def test_it_answers_not_found_for_a_missing_case() -> None:
    # given
    lead, _case = _lead_and_case()

    # when
    with pytest.raises(errors.CaseNotFound) as missing:
        selectors.case_for(
            user=lead, case_id=uuid.uuid4(), group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
        )

    # then
    assert missing.value.code == "case_not_found"


def test_it_answers_not_found_for_a_malformed_id() -> None:
    # given
    lead, _case = _lead_and_case()

    # when
    with pytest.raises(errors.CaseNotFound) as malformed:
        selectors.case_for(
            user=lead, case_id="not-a-case", group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
        )

    # then
    assert malformed.value.code == "case_not_found"


def test_it_answers_another_organisation_as_if_the_case_were_missing() -> None:
    # given
    lead, case = _lead_and_case()
    outsider = make_user(org_type=OrgType.NGO)

    # when
    with pytest.raises(errors.CaseNotFound) as hidden:
        selectors.case_for(
            user=outsider, case_id=case.id, group=FieldGroup.IDENTITY, purpose=Purpose.ASSISTANCE
        )
    with pytest.raises(errors.CaseNotFound) as missing:
        selectors.case_for(
            user=outsider,
            case_id=uuid.uuid4(),
            group=FieldGroup.IDENTITY,
            purpose=Purpose.ASSISTANCE,
        )

    # then: the same code and the same words, so the case's existence does not leak
    assert (hidden.value.code, hidden.value.message) == (missing.value.code, missing.value.message)
    assert (
        selectors.case_for(
            user=lead, case_id=case.id, group=FieldGroup.IDENTITY, purpose=Purpose.ASSISTANCE
        ).case
        == case
    )


def test_it_refuses_a_group_the_decision_refuses_with_its_reason() -> None:
    # given a health organisation on the team, which does not see the legal group
    _lead, case = _lead_and_case()
    health = make_user(org_type=OrgType.HEALTH)
    assert health.organisation is not None
    add_to_team(case=case, organisation=health.organisation)

    # when
    with pytest.raises(errors.GroupNotAllowed) as refused:
        selectors.case_for(
            user=health, case_id=case.id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
        )
    allowed = selectors.case_for(
        user=health, case_id=case.id, group=FieldGroup.HEALTH, purpose=Purpose.ASSISTANCE
    )

    # then
    assert refused.value.code == "field_group_not_allowed"
    assert refused.value.message
    assert allowed.decision.allowed


def test_it_refuses_a_write_under_break_glass_and_allows_the_read() -> None:
    # given an outsider with a live break-glass grant
    _lead, case = _lead_and_case()
    outsider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    access_services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )

    # when
    read = selectors.case_for(
        user=outsider, case_id=case.id, group=FieldGroup.IDENTITY, purpose=Purpose.ASSISTANCE
    )
    with pytest.raises(errors.BreakGlassReadOnly) as write:
        selectors.case_for(
            user=outsider,
            case_id=case.id,
            group=FieldGroup.IDENTITY,
            purpose=Purpose.ASSISTANCE,
            write=True,
        )

    # then
    assert read.decision.code == "break_glass"
    assert write.value.code == "break_glass_read_only"


def test_it_refuses_a_write_once_the_person_is_erased() -> None:
    # given
    lead, case = _lead_and_case()
    before = selectors.case_for(
        user=lead, case_id=case.id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE, write=True
    )
    services.person_erase(actor=lead, case_id=case.id)

    # when
    with pytest.raises(errors.PersonErased) as erased:
        selectors.case_for(
            user=lead,
            case_id=case.id,
            group=FieldGroup.LEGAL,
            purpose=Purpose.ASSISTANCE,
            write=True,
        )

    # then
    assert not before.erased
    assert erased.value.code == "person_erased"
    assert erased.value.http_status == 409


def test_it_reads_an_erased_person_with_the_flag_set() -> None:
    # given
    lead, case = _lead_and_case()
    services.person_erase(actor=lead, case_id=case.id)

    # when
    gated = selectors.case_for(
        user=lead, case_id=case.id, group=FieldGroup.LEGAL, purpose=Purpose.ASSISTANCE
    )

    # then
    assert gated.erased


def test_it_records_the_audit_event_with_person_group_and_purpose() -> None:
    # given
    lead, case = _lead_and_case()
    gated = selectors.case_for(
        user=lead, case_id=case.id, group=FieldGroup.ASSESSMENT, purpose=Purpose.IDENTIFICATION
    )

    # when
    gated.audit_record()
    read = AuditEvent.objects.latest("id")
    gated.audit_record(
        action=Action.UPDATE, object_type="cases.Thing", object_id="thing-1", detail={"n": 1}
    )
    write = AuditEvent.objects.latest("id")

    # then
    assert (read.action, read.object_type, read.object_id) == (
        Action.READ,
        "cases.Case",
        str(case.id),
    )
    assert (read.person_id, read.field_groups, read.purpose) == (
        str(case.person_id),
        FieldGroup.ASSESSMENT,
        Purpose.IDENTIFICATION,
    )
    assert read.actor_id == lead.id
    assert (write.action, write.object_type, write.object_id, write.detail) == (
        Action.UPDATE,
        "cases.Thing",
        "thing-1",
        {"n": 1},
    )


# --- the case's own writes go through the gate too: after erasure nothing is written ------


@pytest.mark.parametrize("erased", [False, True])
def test_it_adds_to_the_narrative_only_while_the_persons_data_exists(erased: bool) -> None:
    # given
    lead, case = _lead_and_case()
    if erased:
        services.person_erase(actor=lead, case_id=case.id)
    before = case.narrative.count()

    # when
    if erased:
        with pytest.raises(errors.PersonErased) as refused:
            services.narrative_append(actor=lead, case_id=case.id, text="She called again.")
        # then
        assert refused.value.code == "person_erased"
        assert case.narrative.count() == before
    else:
        services.narrative_append(actor=lead, case_id=case.id, text="She called again.")
        # then
        assert case.narrative.count() == before + 1


@pytest.mark.parametrize("erased", [False, True])
def test_it_changes_the_status_only_while_the_persons_data_exists(erased: bool) -> None:
    # given
    lead, case = _lead_and_case()
    if erased:
        services.person_erase(actor=lead, case_id=case.id)

    # when
    if erased:
        with pytest.raises(errors.PersonErased) as refused:
            services.case_transition(
                actor=lead,
                case_id=case.id,
                to_status="withdrawn",
                reasons="She moved away.",
                legal_basis="Test Act s. 1",
            )
        # then
        assert refused.value.code == "person_erased"
        assert not case.transitions.filter(to_status="withdrawn").exists()
    else:
        services.case_transition(
            actor=lead,
            case_id=case.id,
            to_status="withdrawn",
            reasons="She moved away.",
            legal_basis="Test Act s. 1",
        )
        # then
        assert case.transitions.filter(to_status="withdrawn").exists()


def test_it_answers_whether_a_write_would_pass_without_asking_again() -> None:
    # given: a case of the lead's, an erased one, and a reader under break-glass
    lead, case = _lead_and_case()
    erased = open_case(actor=lead)
    services.person_erase(actor=lead, case_id=erased.id)
    outsider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    access_services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )

    def gate(user: User, case_id: object) -> selectors.GatedCase:
        return selectors.case_for(
            user=user, case_id=case_id, group=FieldGroup.IDENTITY, purpose=Purpose.ASSISTANCE
        )

    # then: the rule that refuses the write decides what a page offers
    assert gate(lead, case.id).writable
    assert not gate(lead, erased.id).writable
    assert not gate(outsider, case.id).writable


def test_issue14_a_case_merged_into_another_is_read_but_never_written() -> None:
    # given: two cases of one person, the second merged into the first (the linkage
    # app's merge sets ``merged_into``; here directly)
    lead, surviving = _lead_and_case()
    absorbed = open_case(actor=lead)
    live = open_case(actor=lead)
    Case.objects.filter(pk=absorbed.pk).update(merged_into=surviving)

    # then: its team still reads it
    read = selectors.case_for(
        user=lead, case_id=absorbed.id, group=FieldGroup.IDENTITY, purpose=Purpose.ASSISTANCE
    )
    assert read.case.pk == absorbed.pk
    assert not read.writable  # no form is offered
    # a write (and a page asking before it offers a form) is refused, naming the survivor
    for writing in ({"write": True}, {"write": True, "lock": False}):
        with pytest.raises(errors.CaseMerged) as refused:
            selectors.case_for(
                user=lead,
                case_id=absorbed.id,
                group=FieldGroup.IDENTITY,
                purpose=Purpose.ASSISTANCE,
                **writing,
            )
        assert refused.value.code == errors.ErrorCode.CASE_MERGED
        assert surviving.reference in refused.value.message
    # while the same write to a case not merged passes
    written = selectors.case_for(
        user=lead,
        case_id=live.id,
        group=FieldGroup.IDENTITY,
        purpose=Purpose.ASSISTANCE,
        write=True,
    )
    assert written.case.pk == live.pk and written.writable
