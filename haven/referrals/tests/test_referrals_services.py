"""Referral services (R-47): sending within agreements and consent, the
receiver's and the sender's answers, the state table, notifications and the
overdue escalation. ``Setup``/``referral_setup`` are shared with the other
referral and lead-transfer tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    FieldGroup,
    Purpose,
    TeamMembership,
)
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.tests.factories import open_case, share_by_law
from haven.deadlines.models import Notification
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.referrals.models import DeclineReason, Referral, ReferralEvent, ReferralState
from haven.referrals.services import referrals as services

pytestmark = pytest.mark.django_db

MESSAGE = "She needs a safe bed tonight; speaks Romanian."


@dataclass
class Setup:
    case: Case
    sender: User  # caseworker of the case lead (an NGO)
    shelter: Organisation
    receiver: User  # caseworker of the shelter
    receiver_supervisor: User
    third: User  # caseworker of an organisation with nothing to do with the referral


def referral_setup(*, share: bool = True) -> Setup:
    """An NGO-led case; a shelter (with a caseworker and a supervisor) covered by a
    legal-basis agreement when ``share``; and an unrelated third organisation."""
    sender = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    case = open_case(actor=sender)
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)
    receiver = UserFactory.create(organisation=shelter, role=Role.CASEWORKER)
    supervisor = UserFactory.create(organisation=shelter, role=Role.SUPERVISOR)
    if share:
        share_by_law(case=case, organisation=shelter)
    third = make_user(org_type=OrgType.SHELTER, role=Role.CASEWORKER)
    return Setup(case, sender, shelter, receiver, supervisor, third)


def send(s: Setup, **overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "actor": s.sender,
        "case_id": s.case.id,
        "to_organisation_id": s.shelter.pk,
        "referral_type": "accommodation",
        "purpose": Purpose.ASSISTANCE,
        "field_groups": [FieldGroup.IDENTITY, FieldGroup.HEALTH],
        "message": MESSAGE,
    }
    values.update(overrides)
    return services.referral_send(**values)


def test_r47_it_sends_a_referral_with_an_encrypted_message_and_a_due_time() -> None:
    # given
    s = referral_setup()

    # when
    with time_machine.travel("2026-03-02 10:00Z", tick=False):
        referral = send(s)

    # then
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert MESSAGE.encode() not in bytes(referral.message_enc)
    assert referral.due_at - referral.sent_at == timedelta(hours=48)
    assert list(referral.events.values_list("action", flat=True)) == [ReferralEvent.Action.SEND]
    assert AuditEvent.objects.filter(object_type="referrals.Referral", action="create").exists()
    assert not TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_r47_an_urgent_referral_gets_the_shorter_urgent_target() -> None:
    # given
    s = referral_setup()

    # when
    referral = send(s, urgent=True)

    # then
    assert referral.due_at - referral.sent_at == timedelta(hours=4)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"referral_type": "nonsense"}, "referral_type", "invalid"),
        ({"purpose": "gossip"}, "purpose", "invalid"),
        ({"field_groups": []}, "field_groups", "required"),
        ({"message": "  "}, "message", "required"),
        ({"to_organisation_id": "not-an-id"}, "to_organisation", "invalid"),
    ],
)
def test_it_refuses_an_incomplete_referral_naming_the_field(
    overrides: dict[str, Any], field: str, code: str
) -> None:
    # given
    s = referral_setup()

    # when
    with pytest.raises(InvalidInput) as refused:
        send(s, **overrides)

    # then
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Referral.objects.exists()


def test_r47_it_refuses_a_referral_to_a_team_member_or_one_already_waiting() -> None:
    # given
    s = referral_setup()
    assert s.sender.organisation is not None
    send(s)

    # when
    with pytest.raises(InvalidInput) as waiting:
        send(s)
    with pytest.raises(InvalidInput) as member:
        send(s, to_organisation_id=s.sender.organisation.pk)

    # then
    assert waiting.value.code == "already_referred"
    assert member.value.code == "already_member"


def _agreement(*, case: Case, organisation: Organisation, consent_required: bool) -> None:
    lead = TeamMembership.objects.get(case=case, is_lead=True).organisation
    agreement = Agreement.objects.create(
        name=f"MoU {lead.name} / {organisation.name}",
        document_reference="test",
        legal_basis="",
        consent_required=consent_required,
        valid_from=date(2000, 1, 1),
        state=AgreementState.IN_EFFECT,  # approved by every party
        created_at=timezone.now(),
    )
    AgreementParty.objects.create(agreement=agreement, organisation=lead)
    AgreementParty.objects.create(agreement=agreement, organisation=organisation)
    AgreementFlow.objects.create(
        agreement=agreement,
        recipient_organisation=organisation,
        purposes=[Purpose.ASSISTANCE],
        field_groups=[FieldGroup.IDENTITY, FieldGroup.HEALTH],
    )


def _consent(s: Setup) -> None:
    access_services.consent_record(
        actor=s.sender,
        case_id=s.case.id,
        person_id=s.case.person_id,
        data_key=s.case.person.data_key,
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.IDENTITY, FieldGroup.HEALTH],
        given_on=date(2026, 1, 5),
        language="en",
        information_given="Told what the shelter will see and why.",
        recipient_organisation=s.shelter,
    )


def test_r47_a_referral_is_refused_without_an_agreement_then_without_consent_then_allowed() -> None:
    # given: no agreement at all
    s = referral_setup(share=False)

    # when / then: no agreement
    with pytest.raises(InvalidInput) as no_agreement:
        send(s)
    assert (no_agreement.value.field, no_agreement.value.code) == ("field_groups", "no_agreement")

    # given: an agreement that needs the person's consent, none recorded
    _agreement(case=s.case, organisation=s.shelter, consent_required=True)
    with pytest.raises(InvalidInput) as no_consent:
        send(s)
    assert (no_consent.value.field, no_consent.value.code) == ("field_groups", "no_consent")

    # given: the consent too
    _consent(s)
    referral = send(s)
    assert referral.state == ReferralState.SENT


def test_r47_a_group_outside_the_agreement_is_refused_by_name() -> None:
    # given: legal-basis sharing of identity only
    s = referral_setup(share=False)
    share_by_law(case=s.case, organisation=s.shelter, groups=[FieldGroup.IDENTITY])

    # when
    with pytest.raises(InvalidInput) as refused:
        send(s, field_groups=[FieldGroup.IDENTITY, FieldGroup.HEALTH])

    # then
    assert refused.value.code == "no_agreement"
    assert str(FieldGroup.HEALTH.label) in refused.value.message
    assert send(s, field_groups=[FieldGroup.IDENTITY]).state == ReferralState.SENT


def test_r47_accepting_joins_the_receiver_to_the_team_and_tells_the_sender() -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when
    services.referral_accept(actor=s.receiver, referral_id=referral.pk)

    # then
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert referral.answered_at is not None
    assert TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()
    told = Notification.objects.filter(recipient=s.sender, kind="referral", event="accepted")
    assert told.count() == 1


def test_r47_notifications_name_the_event_and_the_referral_and_carry_no_personal_data() -> None:
    # given
    s = referral_setup()

    # when
    referral = send(s)

    # then
    received = Notification.objects.filter(kind=Notification.Kind.REFERRAL, event="received")
    assert {n.recipient_id for n in received} == {s.receiver.pk, s.receiver_supervisor.pk}
    for row in received:
        assert row.subject_id == str(referral.pk)
        assert row.case_id == s.case.id
        assert "Romanian" not in str(row.__dict__)


def test_r47_declining_needs_a_known_reason_and_a_note_for_other() -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when
    with pytest.raises(InvalidInput) as no_note:
        services.referral_decline(
            actor=s.receiver, referral_id=referral.pk, reason=DeclineReason.OTHER, note=""
        )
    with pytest.raises(InvalidInput) as unknown:
        services.referral_decline(actor=s.receiver, referral_id=referral.pk, reason="bored")
    services.referral_decline(
        actor=s.receiver, referral_id=referral.pk, reason=DeclineReason.NO_CAPACITY
    )

    # then
    assert (no_note.value.field, no_note.value.code) == ("note", "required")
    assert (unknown.value.field, unknown.value.code) == ("reason", "invalid")
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED
    assert Notification.objects.filter(recipient=s.sender, event="declined").exists()
    assert not TeamMembership.objects.filter(case=s.case, organisation=s.shelter).exists()


def test_r47_the_receiver_may_accept_but_the_sender_and_a_third_organisation_may_not() -> None:
    # given: one referral, three organisations
    s = referral_setup()
    referral = send(s)

    # when / then
    with pytest.raises(NotAllowed):
        services.referral_accept(actor=s.sender, referral_id=referral.pk)
    with pytest.raises(NotFound):
        services.referral_accept(actor=s.third, referral_id=referral.pk)
    services.referral_accept(actor=s.receiver, referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED


def test_r47_the_sender_may_withdraw_but_the_receiver_and_a_third_organisation_may_not() -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when / then
    with pytest.raises(NotAllowed):
        services.referral_withdraw(actor=s.receiver, referral_id=referral.pk)
    with pytest.raises(NotFound):
        services.referral_withdraw(actor=s.third, referral_id=referral.pk)
    services.referral_withdraw(actor=s.sender, referral_id=referral.pk, note="Found a bed.")
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN


def test_r47_an_org_admin_of_the_receiver_cannot_answer() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    admin = UserFactory.create(organisation=s.shelter, role=Role.ORG_ADMIN)

    # when / then
    with pytest.raises(NotAllowed) as refused:
        services.referral_accept(actor=admin, referral_id=referral.pk)
    assert refused.value.code == "role_not_allowed"
    services.referral_accept(actor=s.receiver_supervisor, referral_id=referral.pk)


def test_r47_asking_and_answering_goes_back_to_waiting() -> None:
    # given
    s = referral_setup()
    referral = send(s)

    # when
    services.referral_request_info(
        actor=s.receiver, referral_id=referral.pk, question="Is she mobile?"
    )
    asked = Referral.objects.get(pk=referral.pk).state
    services.referral_provide_info(actor=s.sender, referral_id=referral.pk, answer="Yes.")

    # then
    assert asked == ReferralState.INFO_REQUESTED
    assert Referral.objects.get(pk=referral.pk).state == ReferralState.SENT
    assert Notification.objects.filter(recipient=s.sender, event="info_requested").exists()
    assert Notification.objects.filter(recipient=s.receiver, event="info_provided").exists()
    notes = ReferralEvent.objects.filter(referral=referral).exclude(note_enc=None)
    assert all(b"mobile" not in bytes(e.note_enc or b"") for e in notes)


def test_it_refuses_a_wrong_transition_with_a_conflict_code() -> None:
    # given: an accepted referral
    s = referral_setup()
    referral = send(s)
    services.referral_accept(actor=s.receiver, referral_id=referral.pk)

    # when / then
    with pytest.raises(Conflict) as refused:
        services.referral_withdraw(actor=s.sender, referral_id=referral.pk)
    assert refused.value.code == "transition_not_allowed"


def test_r47_an_overdue_referral_escalates_once_to_the_receivers_supervisors_and_sender() -> None:
    # given
    s = referral_setup()
    with time_machine.travel("2026-03-02 10:00Z", tick=False):
        referral = send(s)

    # when: before the target, after it, and again
    before = services.referrals_sweep(now=referral.due_at - timedelta(minutes=1))
    with time_machine.travel(referral.due_at + timedelta(hours=1), tick=False):
        after = services.referrals_sweep(now=timezone.now())
        again = services.referrals_sweep(now=timezone.now())

    # then
    assert (before, after, again) == (0, 1, 0)
    overdue = Notification.objects.filter(event="overdue", kind="referral")
    assert {n.recipient_id for n in overdue} == {s.receiver_supervisor.pk, s.sender.pk}
    referral.refresh_from_db()
    assert referral.escalated_at is not None


def test_r47_an_answered_referral_is_never_escalated() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    services.referral_accept(actor=s.receiver, referral_id=referral.pk)

    # when
    count = services.referrals_sweep(now=referral.due_at + timedelta(days=3))

    # then
    assert count == 0


def test_r47_the_deadline_sweep_command_escalates_overdue_referrals() -> None:
    # given
    s = referral_setup()
    referral = send(s)
    out = StringIO()

    # when
    with time_machine.travel(referral.due_at + timedelta(minutes=5), tick=False):
        call_command("deadlines", "sweep", stdout=out)

    # then
    assert "overdue referrals escalated: 1" in out.getvalue()
    assert Notification.objects.filter(event="overdue", subject_id=str(referral.pk)).exists()
