"""Random sequences of referral and lead-transfer actions by random team
organisations (R-47): a case always has exactly one lead, and the team grows
only by accepted referrals, never shrinks."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    FieldGroup,
    Purpose,
    TeamMembership,
)
from haven.access.states import AgreementState
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.lib.errors import HavenError
from haven.referrals.models import LeadTransfer, LeadTransferState, Referral, ReferralState
from haven.referrals.services import lead_transfers as lead_services
from haven.referrals.services import referrals as services

pytestmark = pytest.mark.django_db

ORGS = 4
ACTIONS = [  # the keys of ACTS
    "send",
    "accept",
    "decline",
    "request_info",
    "provide_info",
    "withdraw",
    "propose",
    "lt_accept",
    "lt_decline",
    "lt_withdraw",
]
# Sends, proposals and acceptances more often, so that sequences reach a grown team and
# a moved lead (see --hypothesis-show-statistics).
WEIGHTED = [*ACTIONS, *["send", "accept"] * 3, *["propose", "lt_accept"] * 2]
step = st.tuples(st.sampled_from(WEIGHTED), st.integers(0, ORGS - 1), st.integers(0, ORGS - 1))


class Rollback(Exception):
    pass


def _world() -> tuple[Case, list[User]]:
    """A case led by org 0; four organisations; every one may receive identity
    from every other under a legal-basis agreement."""
    first = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    users = [first] + [
        UserFactory.create(
            organisation=OrganisationFactory.create(org_type=OrgType.SOCIAL_SERVICES),
            role=Role.CASEWORKER,
        )
        for _ in range(ORGS - 1)
    ]
    case = open_case(actor=first)
    agreement = Agreement.objects.create(
        name="All parties",
        document_reference="test",
        legal_basis="Test Act s. 1",
        consent_required=False,
        valid_from=date(2000, 1, 1),
        state=AgreementState.IN_EFFECT,  # approved by every party
        created_at=timezone.now(),
    )
    for user in users:
        assert user.organisation is not None
        AgreementParty.objects.create(agreement=agreement, organisation=user.organisation)
        AgreementFlow.objects.create(
            agreement=agreement,
            recipient_organisation=user.organisation,
            purposes=[Purpose.ASSISTANCE],
            field_groups=[FieldGroup.IDENTITY],
        )
    return case, users


def _latest_referral(case: Case, to_org: uuid.UUID | None) -> object:
    referral = Referral.objects.filter(case=case, to_organisation_id=to_org).first()
    return referral.pk if referral else "missing"


def _open_transfer(case: Case) -> object:
    transfer = LeadTransfer.objects.filter(case=case).first()
    return transfer.pk if transfer else "missing"


def _send(case: Case, actor: User, other: User) -> Referral:
    return services.referral_send(
        actor=actor,
        case_id=case.id,
        to_organisation_id=other.organisation_id,
        referral_type="other",
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.IDENTITY],
        message="A message.",
    )


def _propose(case: Case, actor: User, other: User) -> object:
    return lead_services.lead_transfer_propose(
        actor=actor, case_id=case.id, to_organisation_id=other.organisation_id, reason="Why."
    )


def _receiver_side(action: str) -> Callable[[Case, User, User], object]:
    """Answer the latest referral to the actor's organisation."""

    def act(case: Case, actor: User, other: User) -> object:
        referral_id = _latest_referral(case, actor.organisation_id)
        if action == "accept":
            return services.referral_accept(actor=actor, referral_id=referral_id)
        if action == "decline":
            return services.referral_decline(
                actor=actor, referral_id=referral_id, reason="no_capacity"
            )
        return services.referral_request_info(actor=actor, referral_id=referral_id, question="?")

    return act


def _sender_side(action: str) -> Callable[[Case, User, User], object]:
    """Answer or withdraw the latest referral from the actor to ``other``."""

    def act(case: Case, actor: User, other: User) -> object:
        referral_id = _latest_referral(case, other.organisation_id)
        if action == "provide_info":
            return services.referral_provide_info(actor=actor, referral_id=referral_id, answer="A")
        return services.referral_withdraw(actor=actor, referral_id=referral_id)

    return act


def _transfer_side(action: str) -> Callable[[Case, User, User], object]:
    def act(case: Case, actor: User, other: User) -> object:
        transfer_id = _open_transfer(case)
        if action == "lt_accept":
            return lead_services.lead_transfer_accept(actor=actor, transfer_id=transfer_id)
        if action == "lt_decline":
            return lead_services.lead_transfer_decline(
                actor=actor, transfer_id=transfer_id, note="No"
            )
        return lead_services.lead_transfer_withdraw(actor=actor, transfer_id=transfer_id)

    return act


ACTS: dict[str, Callable[[Case, User, User], object]] = {
    "send": _send,
    "propose": _propose,
    **{a: _receiver_side(a) for a in ("accept", "decline", "request_info")},
    **{a: _sender_side(a) for a in ("provide_info", "withdraw")},
    **{a: _transfer_side(a) for a in ("lt_accept", "lt_decline", "lt_withdraw")},
}


def _lead_moved(case: Case) -> bool:
    return LeadTransfer.objects.filter(case=case, state=LeadTransferState.ACCEPTED).exists()


def _actor(case: Case, users: list[User], action: str, who: int) -> User:
    """On odd draws, any organisation (mostly refused); on even draws the one the
    action is meant for: a team member sends, the lead proposes, the receiver of
    the latest referral or transfer answers it."""
    if who % 2:
        return users[who]
    by_org = {u.organisation_id: u for u in users}
    referral = Referral.objects.filter(case=case).first()
    transfer = LeadTransfer.objects.filter(case=case).first()
    if action == "propose":
        return by_org[TeamMembership.objects.get(case=case, is_lead=True).organisation_id]
    if action in {"accept", "decline", "request_info"} and referral:
        return by_org[referral.to_organisation_id]
    if action in {"lt_accept", "lt_decline"} and transfer:
        return by_org[transfer.to_organisation_id]
    members = [u for u in users if u.organisation_id in _team(case)]
    return members[who % len(members)]


def _target(case: Case, users: list[User], action: str, whom: int) -> User:
    """On odd draws any organisation; on even draws one the action can go to: an
    organisation off the team for a referral, a member other than the lead for a
    proposal."""
    team = _team(case)
    lead = TeamMembership.objects.get(case=case, is_lead=True).organisation_id
    fitting = {
        "send": [u for u in users if u.organisation_id not in team],
        "propose": [u for u in users if u.organisation_id in team - {lead}],
    }.get(action, [])
    if whom % 2 or not fitting:
        return users[whom]
    return fitting[whom % len(fitting)]


def _team(case: Case) -> set[uuid.UUID]:
    return set(TeamMembership.objects.filter(case=case).values_list("organisation_id", flat=True))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=5, max_size=30))
def test_r47_a_case_always_has_one_lead_and_the_team_grows_only_by_accepted_referrals(
    steps: list[tuple[str, int, int]],
) -> None:
    try:
        with transaction.atomic():
            # given
            case, users = _world()
            # org 1 joins by an accepted referral, so that the lead can move from the start
            joined = _send(case, users[0], users[1])
            services.referral_accept(actor=users[1], referral_id=joined.pk)
            team = _team(case)
            for action, who, whom in steps:
                # when
                actor = _actor(case, users, action, who)
                with contextlib.suppress(HavenError):  # a refusal changes nothing
                    ACTS[action](case, actor, _target(case, users, action, whom))
                # then
                now_team = _team(case)
                accepted = set(
                    Referral.objects.filter(case=case, state=ReferralState.ACCEPTED).values_list(
                        "to_organisation_id", flat=True
                    )
                )
                assert TeamMembership.objects.filter(case=case, is_lead=True).count() == 1
                assert team <= now_team
                assert now_team == {users[0].organisation_id} | accepted
                team = now_team
            event(f"team of {len(team)}, lead moved: {_lead_moved(case)}")
            raise Rollback
    except Rollback:
        pass
