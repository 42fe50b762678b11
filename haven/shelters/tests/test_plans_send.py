"""Sending a group placement plan (issue 16): the coordinator sends a solved draft
plan; the whole plan is checked again against the places as they are now, and each
placed person's placement is proposed through the one-person lifecycle (a referral
to the place's organisation), all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.access.models import TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case, Incident
from haven.cases.tests.factories import share_by_law
from haven.cases.tests.test_api import api_client_for
from haven.lib.errors import Conflict, EditConflict, InvalidInput, NotAllowed, NotFound
from haven.referrals.models import Referral, ReferralState
from haven.shelters import rules
from haven.shelters.errors import ErrorCode
from haven.shelters.models import (
    Bed,
    BedOutage,
    GroupPlan,
    GroupPlanPerson,
    Occupant,
    OutageReason,
    Place,
    Placement,
    PlacementState,
)
from haven.shelters.services import plans
from haven.shelters.tests.test_plans import _rows, coordinator, open_case, shelter
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

A = rules.Accepts
TODAY = timezone.localdate


@pytest.fixture
def desk() -> User:
    return coordinator()


@pytest.fixture
def incident(desk: User) -> Incident:
    from haven.cases import services as case_services

    return case_services.incident_open(actor=desk)


def _set(desk: User, plan: GroupPlan, case: Case, **values: object) -> GroupPlanPerson:
    row = _rows(plan)[case.reference]
    given: dict[str, object] = {
        "family": row.family,
        "risk_level": row.risk_level,
        "needs_wheelchair_access": False,
        "needs_disability_access": False,
        "person_agreed_on": row.person_agreed_on,
        **values,
    }
    return plans.plan_person_update(actor=desk, plan_id=plan.pk, person_id=row.pk, **given)  # type: ignore[arg-type]


class Group:
    """A mother and her son (family F1), a 16-year-old alone, a man; a family house,
    a children's unit and a men's place, each shelter sharing by law."""

    def __init__(self, desk: User, incident: Incident) -> None:
        self.mother = open_case(desk, incident, languages=["ru"])
        self.son = open_case(
            desk, incident, age_status="verified_child", sex="male", gender_identity="man"
        )
        self.boy = open_case(
            desk,
            incident,
            age_status="uncertain",
            estimated_age_min=16,
            estimated_age_max=16,
            sex="male",
        )
        self.man = open_case(desk, incident, sex="male", gender_identity="man")
        self.families = shelter("Family house", 2, {A.FAMILIES, A.WOMEN}, languages=["ru"])
        self.children = shelter("Children's unit", 2, {A.CHILDREN})
        self.men = shelter("Men's place", 1, {A.MEN}, security=1)
        for place in (self.families, self.children, self.men):
            share_by_law(case=self.mother, organisation=place.organisation)
        self.plan = plans.plan_create(actor=desk, incident_id=incident.pk)
        for case in (self.mother, self.son):
            _set(desk, self.plan, case, family="F1")
        plans.plan_solve(actor=desk, plan_id=self.plan.pk)

    def agree(self, desk: User, *cases: Case) -> None:
        for case in cases or (self.mother, self.son, self.boy, self.man):
            _set(desk, self.plan, case, person_agreed_on=TODAY())

    def reload(self) -> GroupPlan:
        return GroupPlan.objects.get(pk=self.plan.pk)


@pytest.fixture
def group(desk: User, incident: Incident) -> Group:
    return Group(desk, incident)


def _placements() -> dict[str, Placement]:
    return {p.case.reference: p for p in Placement.objects.select_related("case", "place")}


def test_r10_sending_proposes_each_placed_person_with_their_occupant(
    desk: User, group: Group
) -> None:
    # given: everyone placed and agreed
    group.agree(desk)

    # when
    sent = plans.plan_send(actor=desk, plan_id=group.plan.pk, version=group.reload().version)

    # then: one proposal per person, in the solved place, by the plan
    placements = _placements()
    assert {ref: (p.place, p.occupant, p.state) for ref, p in placements.items()} == {
        group.mother.reference: (group.families, Occupant.ADULT, PlacementState.PROPOSED),
        group.son.reference: (group.families, Occupant.CHILD_WITH_FAMILY, PlacementState.PROPOSED),
        group.boy.reference: (
            group.children,
            Occupant.UNACCOMPANIED_CHILD,
            PlacementState.PROPOSED,
        ),
        group.man.reference: (group.men, Occupant.ADULT, PlacementState.PROPOSED),
    }
    assert all(p.plan_id == sent.pk and p.person_agreed_on == TODAY() for p in placements.values())
    referrals = Referral.objects.filter(referral_type="accommodation")
    assert referrals.count() == 4
    assert all(p.referral is not None for p in placements.values())
    assert (sent.state, sent.sent_at is not None) == (GroupPlan.State.SENT, True)
    event = AuditEvent.objects.get(object_type=plans.PLAN, detail__sent=True)
    assert event.detail == {"sent": True, "placements": 4}
    created = AuditEvent.objects.filter(
        object_type="shelters.Placement", action=Action.CREATE, detail__plan=str(sent.pk)
    )
    assert created.count() == 4


def test_a_sent_plan_is_not_changed_or_sent_again(desk: User, group: Group) -> None:
    group.agree(desk)
    plans.plan_send(actor=desk, plan_id=group.plan.pk)

    for attempt in (
        lambda: plans.plan_send(actor=desk, plan_id=group.plan.pk),
        lambda: plans.plan_solve(actor=desk, plan_id=group.plan.pk),
        lambda: _set(desk, group.plan, group.man, risk_level=2),
    ):
        with pytest.raises(Conflict) as error:
            attempt()
        assert error.value.code == ErrorCode.PLAN_NOT_DRAFT
    assert Placement.objects.count() == 4


def test_only_the_coordinator_sends(desk: User, group: Group) -> None:
    # given: the same plan, sent by an NGO caseworker and by the coordinator
    group.agree(desk)
    ngo = UserFactory.create(role=Role.CASEWORKER)

    with pytest.raises(NotAllowed):
        plans.plan_send(actor=ngo, plan_id=group.plan.pk)
    assert not Placement.objects.exists()
    assert plans.plan_send(actor=desk, plan_id=group.plan.pk).state == GroupPlan.State.SENT


def test_a_plan_is_sent_only_once_solved(desk: User, incident: Incident) -> None:
    case = open_case(desk, incident)
    share_by_law(case=case, organisation=shelter("Women's house", 1, {A.WOMEN}).organisation)
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    _set(desk, plan, case, person_agreed_on=TODAY())

    with pytest.raises(Conflict) as error:
        plans.plan_send(actor=desk, plan_id=plan.pk)
    assert error.value.code == ErrorCode.PLAN_NOT_SOLVED
    plans.plan_solve(actor=desk, plan_id=plan.pk)
    assert plans.plan_send(actor=desk, plan_id=plan.pk).state == GroupPlan.State.SENT


def test_sending_names_the_case_whose_data_may_not_flow_to_the_shelter(
    desk: User, incident: Incident
) -> None:
    # given: no agreement between the coordinator and the shelter
    case = open_case(desk, incident)
    shelter("Women's house", 1, {A.WOMEN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    _set(desk, plan, case, person_agreed_on=TODAY())
    plans.plan_solve(actor=desk, plan_id=plan.pk)

    with pytest.raises(InvalidInput) as error:
        plans.plan_send(actor=desk, plan_id=plan.pk)

    assert error.value.code == "no_agreement"
    assert case.reference in str(error.value)
    assert not Placement.objects.exists() and not Referral.objects.exists()


def test_a_plan_with_nobody_placed_has_nothing_to_send(desk: User, incident: Incident) -> None:
    open_case(desk, incident)
    shelter("Men's place", 1, {A.MEN})
    plan = plans.plan_create(actor=desk, incident_id=incident.pk)
    plans.plan_solve(actor=desk, plan_id=plan.pk)

    with pytest.raises(InvalidInput) as error:
        plans.plan_send(actor=desk, plan_id=plan.pk)
    assert error.value.code == ErrorCode.NOTHING_TO_SEND


def test_sending_names_the_people_whose_agreement_is_missing(desk: User, group: Group) -> None:
    # given: all but the man agreed
    group.agree(desk, group.mother, group.son, group.boy)

    with pytest.raises(InvalidInput) as error:
        plans.plan_send(actor=desk, plan_id=group.plan.pk)

    assert error.value.code == ErrorCode.AGREEMENT_MISSING
    assert group.man.reference in str(error.value)
    assert group.mother.reference not in str(error.value)
    assert not Placement.objects.exists()


def test_recording_agreement_keeps_the_solution_and_refuses_a_day_in_the_future(
    desk: User, group: Group
) -> None:
    solved = _rows(group.reload())[group.man.reference].place
    row = _set(desk, group.plan, group.man, person_agreed_on=TODAY())
    assert row.place == solved and group.reload().solved_at is not None
    assert row.person_agreed_on == TODAY()

    with pytest.raises(InvalidInput) as error:
        _set(desk, group.plan, group.man, person_agreed_on=TODAY() + timedelta(days=1))
    assert error.value.code == ErrorCode.DATE_OUT_OF_RANGE


def test_a_stale_plan_is_not_sent(desk: User, group: Group) -> None:
    group.agree(desk)
    version = group.reload().version

    with pytest.raises(EditConflict):
        plans.plan_send(actor=desk, plan_id=group.plan.pk, version=version - 1)
    assert not Placement.objects.exists()
    plans.plan_send(actor=desk, plan_id=group.plan.pk, version=version)


def test_sending_names_the_cases_another_organisation_leads(desk: User, group: Group) -> None:
    # given: the man's case is now led by an NGO (the coordinator stays on the team)
    group.agree(desk)
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, name="Harbour NGO")
    TeamMembership.objects.filter(case=group.man, is_lead=True).update(is_lead=False)
    TeamMembership.objects.create(
        case=group.man, organisation=ngo, is_lead=True, joined_at=timezone.now()
    )

    with pytest.raises(NotAllowed) as error:
        plans.plan_send(actor=desk, plan_id=group.plan.pk)

    assert error.value.code == ErrorCode.CASES_LED_ELSEWHERE
    assert f"{group.man.reference} (Harbour NGO)" in str(error.value)
    assert group.mother.reference not in str(error.value)
    assert not Placement.objects.exists()


def _refused(desk: User, group: Group) -> str:
    with pytest.raises(InvalidInput) as error:
        plans.plan_send(actor=desk, plan_id=group.plan.pk)
    assert error.value.code == ErrorCode.PLAN_NO_LONGER_FITS
    assert not Placement.objects.exists() and not Referral.objects.exists()
    assert group.reload().state == GroupPlan.State.DRAFT
    return str(error.value)


def test_r10_a_family_is_never_split_when_beds_went_out_of_service(
    desk: User, group: Group
) -> None:
    # given: since solving, one of the family house's two beds went out of service
    group.agree(desk)
    bed = Bed.objects.filter(room__place=group.families).order_by("pk")[0]
    BedOutage.objects.create(
        bed=bed,
        starts_at=timezone.now() - timedelta(hours=1),
        reason=OutageReason.REPAIR,
        recorded_by=desk,
    )

    # when / then: nothing is sent, the family named with the reason
    message = _refused(desk, group)
    assert f"{group.mother.reference}, {group.son.reference}" in message or (
        f"{group.son.reference}, {group.mother.reference}" in message
    )
    assert "Family house" in message


def test_r10_a_lone_child_is_never_sent_where_adults_now_are(desk: User, group: Group) -> None:
    # given: since solving, an adult was proposed for the children's unit
    group.agree(desk)
    adult = open_case(desk, group.plan.incident)
    Placement.objects.create(
        case=adult,
        place=group.children,
        state=PlacementState.PROPOSED,
        occupant=Occupant.ADULT,
        person_agreed_on=TODAY(),
        proposed_at=timezone.now(),
        proposed_by=desk,
    )
    Placement.objects.filter(case=adult).update(state=PlacementState.PROPOSED)
    before = set(Placement.objects.values_list("pk", flat=True))

    with pytest.raises(InvalidInput) as error:
        plans.plan_send(actor=desk, plan_id=group.plan.pk)

    assert error.value.code == ErrorCode.PLAN_NO_LONGER_FITS
    assert group.boy.reference in str(error.value)
    assert str(rules.EXCLUSION_TEXT[rules.Exclusion.ADULTS_THERE]) in str(error.value)
    assert set(Placement.objects.values_list("pk", flat=True)) == before


def test_a_place_closed_or_a_family_split_by_hand_is_refused(desk: User, group: Group) -> None:
    group.agree(desk)
    Place.objects.filter(pk=group.men.pk).update(active=False)
    assert "no longer active" in _refused(desk, group)

    Place.objects.filter(pk=group.men.pk).update(active=True)
    GroupPlanPerson.objects.filter(plan=group.plan, case=group.son).update(place=group.children)
    assert "split" in _refused(desk, group)


def test_the_shelter_accepting_from_its_requests_page_moves_the_placement(
    desk: User, group: Group
) -> None:
    # given: the plan sent; a caseworker of the men's place
    group.agree(desk)
    plans.plan_send(actor=desk, plan_id=group.plan.pk)
    staff = UserFactory.create(organisation=group.men.organisation, role=Role.CASEWORKER)
    placement = _placements()[group.man.reference]
    client = Client()
    sign_in(client, staff)

    # when
    listed = client.get(reverse("shelters_placements:placement_requests"))
    answered = client.post(
        reverse("shelters_placements:placement_act", args=[placement.pk, "accept"])
    )

    # then
    assert group.man.reference in listed.content.decode()
    assert answered.status_code == 302
    placement.refresh_from_db()
    assert placement.state == PlacementState.ACCEPTED
    assert placement.referral is not None
    assert placement.referral.state == ReferralState.ACCEPTED


# --- the plan's page and the API ------------------------------------------------------------


def test_the_send_button_shows_exactly_when_the_plan_may_be_sent(desk: User, group: Group) -> None:
    # given: the man's agreement missing, then recorded on the person's page
    client = sign_in(Client(), desk)
    page = reverse("shelters_plans:plan_detail", args=[group.plan.pk])
    send = reverse("shelters_plans:plan_send", args=[group.plan.pk])
    group.agree(desk, group.mother, group.son, group.boy)

    # when / then: refused, saying who lacks agreement, and no button
    html = client.get(page).content.decode()
    assert send not in html and group.man.reference in html
    refused = client.post(send, {"version": group.reload().version})
    assert refused.status_code == 400
    assert "The plan was not sent" in refused.content.decode()
    assert not Placement.objects.exists()

    row = _rows(group.plan)[group.man.reference]
    person = reverse("shelters_plans:plan_person", args=[group.plan.pk, row.pk])
    saved = client.post(
        person, {"family": "", "risk_level": 1, "person_agreed_on": TODAY().isoformat()}
    )
    assert saved.status_code == 302
    assert send in client.get(page).content.decode()

    # when: sent from the page
    sent = client.post(send, {"version": group.reload().version})

    # then: each person's placement is listed with its state and a link
    assert sent.status_code == 302
    html = client.get(page).content.decode()
    assert send not in html
    for placement in Placement.objects.all():
        assert reverse("shelters_placements:placement_detail", args=[placement.pk]) in html


def test_the_send_page_refuses_a_stale_version_and_anyone_but_the_coordinator(
    desk: User, group: Group
) -> None:
    group.agree(desk)
    send = reverse("shelters_plans:plan_send", args=[group.plan.pk])
    version = group.reload().version
    ngo = sign_in(Client(), UserFactory.create(role=Role.CASEWORKER))

    assert ngo.post(send, {"version": version}).status_code == 403
    assert sign_in(Client(), desk).post(send, {"version": version - 1}).status_code == 400
    assert not Placement.objects.exists()


def test_the_api_records_agreement_and_sends_a_plan_once(desk: User, group: Group) -> None:
    # given: the man's agreement recorded through the API, the others' on the pages
    group.agree(desk, group.mother, group.son, group.boy)
    url = reverse("api:shelters_plan_send", args=[group.plan.pk])
    client, ngo = api_client_for(desk), api_client_for(UserFactory.create(role=Role.CASEWORKER))
    man = _rows(group.plan)[group.man.reference]
    person = reverse("api:shelters_plan_person", args=[group.plan.pk, man.pk])
    agreed = client.put(
        person, {"risk_level": 1, "person_agreed_on": TODAY().isoformat()}, format="json"
    )
    assert agreed.status_code == 200
    shown = next(p for p in agreed.json()["people"] if p["id"] == man.pk)
    assert shown["person_agreed_on"] == TODAY().isoformat() and shown["place_id"] is not None

    assert ngo.post(url, {}, format="json").status_code == 403
    sent = client.post(url, {"version": group.reload().version}, format="json")
    again = client.post(url, {}, format="json")

    assert sent.status_code == 200
    body = sent.json()
    assert body["state"] == "sent" and body["sent_at"]
    assert {p["placement_state"] for p in body["people"]} == {"Proposed"}
    assert again.status_code == 409 and again.json()["code"] == ErrorCode.PLAN_NOT_DRAFT


@pytest.mark.parametrize(
    ("org_type", "role", "offered"),
    [
        (OrgType.SHELTER, Role.CASEWORKER, True),
        (OrgType.SHELTER, Role.SUPERVISOR, True),
        (OrgType.SHELTER, Role.ORG_ADMIN, False),
        (OrgType.NGO, Role.CASEWORKER, False),
        (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, False),
    ],
)
def test_the_menu_offers_placement_requests_to_the_staff_of_places(
    org_type: str, role: str, offered: bool
) -> None:
    # given
    user = UserFactory.create(organisation=OrganisationFactory.create(org_type=org_type), role=role)
    client = sign_in(Client(), user)
    url = reverse("shelters_placements:placement_requests")

    # when
    menu = client.get(reverse("cases:list")).content.decode()

    # then: offered exactly to the staff of places, and never refused to them; on
    # the page itself the link says it is the current page
    assert (f'href="{url}"' in menu) is offered
    if offered:
        page = client.get(url)
        assert page.status_code == 200
        assert f'href="{url}" aria-current="page"' in page.content.decode()


def test_taking_a_case_led_elsewhere_off_the_plan_lets_the_rest_be_sent(
    desk: User, group: Group
) -> None:
    # given: the man's case led by an NGO; an NGO caseworker tries too
    group.agree(desk)
    ngo = OrganisationFactory.create(org_type=OrgType.NGO)
    TeamMembership.objects.filter(case=group.man, is_lead=True).update(is_lead=False)
    TeamMembership.objects.create(
        case=group.man, organisation=ngo, is_lead=True, joined_at=timezone.now()
    )
    row = _rows(group.plan)[group.man.reference]
    remove = reverse("shelters_plans:plan_person_remove", args=[group.plan.pk, row.pk])
    outsider = sign_in(Client(), UserFactory.create(organisation=ngo, role=Role.CASEWORKER))

    # when
    refused = outsider.post(remove)
    removed = sign_in(Client(), desk).post(remove)

    # then
    assert (refused.status_code, removed.status_code) == (403, 302)
    assert group.man.reference not in _rows(group.plan)
    event = AuditEvent.objects.get(object_type=plans.PLAN, detail__removed=str(group.man.pk))
    assert event.action == Action.UPDATE
    with pytest.raises(NotFound):
        plans.plan_person_remove(actor=desk, plan_id=group.plan.pk, person_id="x")
    sent = plans.plan_send(actor=desk, plan_id=group.plan.pk)
    assert sent.placements.count() == 3
