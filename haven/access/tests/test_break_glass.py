"""Break-glass (issue 4): emergency access by case reference, only with a typed
justification; the grant, its audit event and the notifications to the case lead
and the national coordinator in one transaction; and who reviews each use.

Allowed and denied sides share one setup (``world``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest

from haven.access import policy as access_policy
from haven.access import services as access_services
from haven.access.models import BreakGlass
from haven.access.selectors import break_glass as selectors
from haven.access.services import break_glass as services
from haven.access.services import sign_ins
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.audit import services as audit_services
from haven.audit.models import Action, AuditEvent
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Notification
from haven.lib.errors import HavenError

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Reported missing from the shelter tonight; we need the last contact to find them."


@dataclass(frozen=True)
class World:
    """An NGO leads a case in Finland; the Finnish national coordinator; a police
    officer outside the case team; and people who must not hear of it."""

    case: Case
    lead: User  # caseworker of the lead NGO, who opened the case
    lead_supervisor: User
    coordinator: User  # caseworker of the Finnish national coordinator
    coordinator_supervisor: User
    outsider: User  # police caseworker, not on the case team
    outsider_supervisor: User  # the police officer's supervisor
    others: dict[str, User]  # people who are never told

    def organisation(self, user: User) -> Organisation:
        assert user.organisation is not None
        return user.organisation


def world() -> World:
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="FI")
    coordinator_org = OrganisationFactory.create(
        org_type=OrgType.NATIONAL_COORDINATOR, country="FI"
    )
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="FI")
    swedish_coordinator = OrganisationFactory.create(
        org_type=OrgType.NATIONAL_COORDINATOR, country="SE"
    )
    lead = UserFactory.create(organisation=ngo, role=Role.CASEWORKER)
    others = {
        "inactive lead caseworker": UserFactory.create(
            organisation=ngo, role=Role.CASEWORKER, is_active=False
        ),
        "lead org administrator": UserFactory.create(organisation=ngo, role=Role.ORG_ADMIN),
        "coordinator of another country": UserFactory.create(
            organisation=swedish_coordinator, role=Role.SUPERVISOR
        ),
        "outsider's colleague": UserFactory.create(organisation=police, role=Role.CASEWORKER),
    }
    return World(
        case=open_case(actor=lead, narrative="A synthetic account."),
        lead=lead,
        lead_supervisor=UserFactory.create(organisation=ngo, role=Role.SUPERVISOR),
        coordinator=UserFactory.create(organisation=coordinator_org, role=Role.CASEWORKER),
        coordinator_supervisor=UserFactory.create(
            organisation=coordinator_org, role=Role.SUPERVISOR
        ),
        outsider=UserFactory.create(organisation=police, role=Role.CASEWORKER),
        outsider_supervisor=UserFactory.create(organisation=police, role=Role.SUPERVISOR),
        others=others,
    )


# What the trail says of signing in and tokens (haven.access.services.sign_ins).
SIGN_IN_SUBJECTS = (sign_ins.ACCOUNT_SUBJECT, audit_services.TOKEN_SUBJECT)


def written() -> tuple[int, int, int]:
    """(grants, audit events, notifications) in the database; a refused attempt's
    own event is not counted (``refusals`` reads those), nor signing in."""
    return (
        BreakGlass.objects.count(),
        AuditEvent.objects.exclude(action=Action.BREAK_GLASS_REFUSED)
        .exclude(object_type__in=SIGN_IN_SUBJECTS)
        .count(),
        Notification.objects.filter(kind=Notification.Kind.BREAK_GLASS).count(),
    )


def use(w: World, user: User | None = None, **kwargs: Any) -> BreakGlass:
    arguments: dict[str, Any] = {
        "case_reference": w.case.reference,
        "reason": "person_missing",
        "justification": JUSTIFICATION,
    }
    arguments.update(kwargs)
    return services.break_glass_use(actor=user or w.outsider, **arguments)


def code_of(call: Any) -> str:
    with pytest.raises(HavenError) as refused:
        call()
    return refused.value.code


# --- refusals: nothing is written -------------------------------------------------------


@pytest.mark.parametrize("justification", ["", "   ", "It is urgent, sorry"])
@pytest.mark.parametrize("reference", ["real", "missing"])
def test_it_refuses_break_glass_without_a_justification_and_writes_nothing(
    justification: str, reference: str
) -> None:
    # given: the same answer whether the case exists or not (no reference can be tried)
    w = world()
    before = written()
    case_reference = w.case.reference if reference == "real" else "FI-2026-ZZZZZZ"

    # when
    code = code_of(lambda: use(w, case_reference=case_reference, justification=justification))

    # then
    assert code == "justification_required"
    assert written() == before


def test_it_answers_a_missing_reference_as_any_case_the_user_may_not_see() -> None:
    # given
    w = world()
    before = written()

    # when
    missing = code_of(lambda: use(w, case_reference="FI-2026-ZZZZZZ"))
    hidden = code_of(lambda: case_selectors.case_get(user=w.outsider, case_id=w.case.id))

    # then
    assert missing == hidden == "case_not_found"
    assert written() == before


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.SYSTEM_ADMIN, Role.RAPPORTEUR])
def test_it_refuses_users_without_a_case_role_before_looking_the_case_up(role: str) -> None:
    # given
    w = world()
    clerk = UserFactory.create(organisation=w.organisation(w.outsider), role=role)
    before = written()

    # when
    real = code_of(lambda: use(w, clerk))
    missing = code_of(lambda: use(w, clerk, case_reference="FI-2026-ZZZZZZ"))

    # then
    assert real == missing == "sharing_not_allowed"
    assert written() == before
    assert use(w).user_id == w.outsider.pk  # a caseworker of the same organisation may


def test_it_refuses_an_inactive_user() -> None:
    # given
    w = world()
    w.outsider.is_active = False
    before = written()

    # when / then
    assert code_of(lambda: use(w)) == "sharing_not_allowed"
    assert written() == before


@pytest.mark.parametrize("who", ["lead", "lead_supervisor"])
def test_it_sends_the_case_lead_to_the_case_instead(who: str) -> None:
    # given: the lead already sees every group its organisation type sees
    w = world()
    before = written()

    # when
    code = code_of(lambda: use(w, getattr(w, who)))

    # then
    assert code == "break_glass_not_needed"
    assert written() == before


def test_it_is_not_needed_again_while_a_grant_is_live() -> None:
    # given
    w = world()
    use(w)
    before = written()

    # when / then
    assert code_of(lambda: use(w)) == "break_glass_not_needed"
    assert written() == before


def test_it_lets_a_team_member_without_shared_groups_break_the_glass() -> None:
    # given: the police are on the team, but nothing is shared with them yet
    w = world()
    add_to_team(case=w.case, organisation=w.organisation(w.outsider), share=False)

    # when
    grant = use(w)

    # then
    assert grant.case_id == w.case.id
    decision = access_policy.decide(
        user=w.outsider, case_id=w.case.id, field_group=access_policy.G.NARRATIVE
    )
    assert (decision.allowed, decision.code) == (True, "break_glass")


# --- the grant, the audit event and the notifications -----------------------------------


def test_it_opens_the_case_to_the_outsider_for_a_limited_time() -> None:
    # given
    w = world()

    # when
    grant = use(w, case_reference=f"  {w.case.reference.lower()} ")

    # then
    assert (grant.case_id, grant.user_id) == (w.case.id, w.outsider.pk)
    assert grant.organisation_id == w.outsider.organisation_id
    assert grant.justification == JUSTIFICATION
    assert (grant.expires_at - grant.started_at).total_seconds() == 60 * 60
    view = case_selectors.case_read(user=w.outsider, case_id=w.case.id)
    shown = {group.group for group in view.groups if group.data is not None}
    assert shown == access_policy.ORG_TYPE_GROUPS[OrgType.POLICE]
    assert {group.code for group in view.groups if group.allowed} == {"break_glass"}


def test_it_marks_the_use_in_the_audit_trail() -> None:
    # given
    w = world()

    # when
    grant = use(w)

    # then
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert event.actor_username == w.outsider.username
    assert (event.object_type, event.object_id) == ("cases.Case", str(w.case.id))
    assert event.person_id == str(w.case.person_id)
    assert event.detail["break_glass"] == str(grant.id)


def test_it_tells_the_case_lead_and_the_national_coordinator_at_once() -> None:
    # given
    w = world()

    # when
    grant = use(w)

    # then
    told = Notification.objects.filter(kind=Notification.Kind.BREAK_GLASS)
    assert {n.recipient_id for n in told} == {
        w.lead.pk,
        w.lead_supervisor.pk,
        w.coordinator.pk,
        w.coordinator_supervisor.pk,
    }
    assert {(n.case_id, n.break_glass_id, n.task_id, n.read_at) for n in told} == {
        (w.case.id, grant.id, None, None)
    }
    assert not told.filter(recipient__in=[*w.others.values(), w.outsider])


def test_it_does_not_tell_the_user_who_broke_the_glass() -> None:
    # given: a caseworker of the national coordinator, outside the team
    w = world()

    # when
    use(w, w.coordinator)

    # then
    told = Notification.objects.filter(kind=Notification.Kind.BREAK_GLASS)
    assert {n.recipient_id for n in told} == {
        w.lead.pk,
        w.lead_supervisor.pk,
        w.coordinator_supervisor.pk,
    }


def test_it_writes_the_grant_the_audit_event_and_the_notifications_in_one_transaction() -> None:
    # given: telling the lead fails
    w = world()
    before = written()

    # when
    with (
        mock.patch.object(
            Notification.objects, "bulk_create", side_effect=RuntimeError("database down")
        ),
        pytest.raises(RuntimeError),
    ):
        use(w)

    # then: no grant that nobody was told about
    assert written() == before
    assert not access_policy.may_see_case(user=w.outsider, case_id=w.case.id)


def test_it_finds_the_case_by_its_id_too() -> None:
    # given
    w = world()

    # when
    grant = services.break_glass_use(
        actor=w.outsider,
        case_id=str(w.case.id),
        reason="immediate_danger",
        justification=JUSTIFICATION,
    )
    colleague = w.others["outsider's colleague"]
    again = services.break_glass_use(
        actor=colleague,
        case_id=w.case.id,
        reason="medical_emergency",
        justification=JUSTIFICATION,
    )
    malformed = code_of(
        lambda: services.break_glass_use(
            actor=w.outsider,
            case_id="not-an-id",
            reason="medical_emergency",
            justification=JUSTIFICATION,
        )
    )

    # then
    assert grant.case_id == again.case_id == w.case.id
    assert malformed == "case_not_found"


def test_it_answers_a_blank_reference_as_not_found() -> None:
    # given
    w = world()
    # when / then
    assert code_of(lambda: use(w, case_reference="  ")) == "case_not_found"


# --- who reviews ------------------------------------------------------------------------


def test_it_lists_a_use_for_the_users_supervisor_and_the_national_coordinator() -> None:
    # given
    w = world()
    grant = use(w)
    swedish = w.others["coordinator of another country"]

    # when
    lists = {
        "outsider's supervisor": selectors.break_glass_review_list(user=w.outsider_supervisor),
        "coordinator's supervisor": selectors.break_glass_review_list(
            user=w.coordinator_supervisor
        ),
        "lead's supervisor": selectors.break_glass_review_list(user=w.lead_supervisor),
        "coordinator of another country": selectors.break_glass_review_list(user=swedish),
    }

    # then
    assert {who: [g.id for g in uses] for who, uses in lists.items()} == {
        "outsider's supervisor": [grant.id],
        "coordinator's supervisor": [grant.id],
        "lead's supervisor": [],
        "coordinator of another country": [],
    }


def test_it_lists_no_use_for_review_by_the_user_who_made_it() -> None:
    # given: a supervisor breaks the glass
    w = world()
    grant = use(w, w.outsider_supervisor)
    colleague = UserFactory.create(
        organisation=w.organisation(w.outsider_supervisor), role=Role.SUPERVISOR
    )

    # when
    own = selectors.break_glass_review_list(user=w.outsider_supervisor)
    theirs = selectors.break_glass_review_list(user=colleague)

    # then
    assert [g.id for g in own] == []
    assert [g.id for g in theirs] == [grant.id]


def test_it_lists_only_uses_waiting_for_review() -> None:
    # given
    w = world()
    grant = use(w)
    access_services.break_glass_review(
        actor=w.outsider_supervisor, grant_id=grant.id, justified=True
    )

    # when / then
    assert list(selectors.break_glass_review_list(user=w.outsider_supervisor)) == []
    assert selectors.break_glass_get(user=w.outsider_supervisor, grant_id=grant.id) == grant


@pytest.mark.parametrize("who", ["outsider", "coordinator", "lead"])
def test_it_refuses_the_review_list_to_caseworkers(who: str) -> None:
    # given
    w = world()
    use(w)
    # when / then
    assert (
        code_of(lambda: selectors.break_glass_review_list(user=getattr(w, who)))
        == "sharing_not_allowed"
    )


def test_it_answers_a_use_out_of_reach_as_a_missing_one() -> None:
    # given
    w = world()
    grant = use(w)

    # when
    in_reach = selectors.break_glass_get(user=w.coordinator_supervisor, grant_id=str(grant.id))
    out_of_reach = code_of(
        lambda: selectors.break_glass_get(user=w.lead_supervisor, grant_id=grant.id)
    )
    missing = code_of(
        lambda: selectors.break_glass_get(user=w.lead_supervisor, grant_id="not-an-id")
    )

    # then
    assert in_reach == grant
    assert out_of_reach == missing == "break_glass_not_found"
