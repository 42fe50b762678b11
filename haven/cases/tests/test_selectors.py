"""Reads of cases: only the team's cases exist; each field group shown or hidden with
its reason; every read recorded; the per-person access report."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from pytest_django import DjangoAssertNumQueries

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, selectors, services
from haven.cases.models import AgeStatus, Case, ExploitationForm
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case


@pytest.fixture
def ngo() -> User:
    return make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)


def join(case: Case, *, org_type: str, role: str = Role.CASEWORKER) -> User:
    """A user of a new organisation of this type, added to the case team."""
    user = make_user(org_type=org_type, role=role)
    assert user.organisation is not None
    add_to_team(case=case, organisation=user.organisation)
    return user


# --- case_list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_only_the_cases_of_the_users_teams(ngo: User) -> None:
    # given
    led = open_case(actor=ngo)
    stranger = make_user()
    joined = open_case(actor=stranger)
    assert ngo.organisation is not None
    add_to_team(case=joined, organisation=ngo.organisation)
    hidden = open_case(actor=stranger)

    # when
    listed = list(selectors.case_list(user=ngo))

    # then: newest first, each with its lead's name
    assert [c.pk for c in listed] == [joined.pk, led.pk]
    assert hidden.pk in {c.pk for c in selectors.case_list(user=stranger)}
    assert [c.lead_name for c in listed] == [  # type: ignore[attr-defined]  # annotated
        str(stranger.organisation),
        str(ngo.organisation),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_it_lists_no_cases_for_roles_without_case_data(ngo: User, role: str) -> None:
    # given
    open_case(actor=ngo)
    colleague = UserFactory.create(organisation=ngo.organisation, role=role)

    # then
    assert list(selectors.case_list(user=colleague)) == []
    assert len(selectors.case_list(user=ngo)) == 1


@pytest.mark.django_db
def test_it_searches_by_part_of_the_reference_and_by_status(ngo: User) -> None:
    # given
    first = open_case(actor=ngo)
    second = open_case(actor=ngo)
    services.case_transition(
        pathway_decision=True,
        actor=ngo,
        case_id=second.id,
        to_status=S.PRESUMED,
        reasons="Reasonable grounds.",
        legal_basis="Test Act s. 1",
    )
    code = first.reference.rsplit("-", 1)[1]

    # then
    assert [c.pk for c in selectors.case_list(user=ngo, reference=f"  {code.lower()} ")] == [
        first.pk
    ]
    assert [c.pk for c in selectors.case_list(user=ngo, status=S.PRESUMED)] == [second.pk]
    assert [c.pk for c in selectors.case_list(user=ngo, reference="   ")] == [second.pk, first.pk]
    assert list(selectors.case_list(user=ngo, reference=code, status=S.PRESUMED)) == []


@pytest.mark.django_db
def test_it_does_not_find_other_teams_cases_by_reference(ngo: User) -> None:
    # given
    hidden = open_case(actor=make_user())

    # then
    assert list(selectors.case_list(user=ngo, reference=hidden.reference)) == []


@pytest.mark.django_db
def test_it_lists_cases_in_one_query(
    ngo: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    for _ in range(3):
        open_case(actor=ngo)

    # then
    with django_assert_num_queries(1):
        assert len([c.lead_name for c in selectors.case_list(user=ngo)]) == 3  # type: ignore[attr-defined]  # annotated


# --- case_get ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_gives_the_same_answer_for_a_missing_and_a_hidden_case(ngo: User) -> None:
    # given
    hidden = open_case(actor=make_user())
    mine = open_case(actor=ngo)

    # when
    answers = []
    for case_id in (hidden.id, str(hidden.id), uuid.uuid4(), "not-a-case-id", None):
        with pytest.raises(errors.CaseNotFound) as raised:
            selectors.case_get(user=ngo, case_id=case_id)
        answers.append((raised.value.code, raised.value.message, raised.value.http_status))

    # then
    assert len(set(answers)) == 1
    assert answers[0][0] == "case_not_found"
    assert selectors.case_get(user=ngo, case_id=str(mine.id)).pk == mine.pk
    assert selectors.case_get(user=ngo, case_id=mine.id, for_update=True).pk == mine.pk


# --- case_read -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_lead_every_group_decrypted_and_records_the_read(ngo: User) -> None:
    # given
    case = open_case(
        actor=ngo,
        narrative="Recruited with a false job offer.",
        date_of_birth=date(1990, 5, 17),
        aliases="Ai",
        citizenships=["FI"],
        forms=[ExploitationForm.LABOUR, ExploitationForm.FORCED_MARRIAGE],
    )
    services.case_transition(
        pathway_decision=True,
        actor=ngo,
        case_id=case.id,
        to_status=S.PRESUMED,
        reasons="Reasonable grounds.",
        legal_basis="Test Act s. 1",
    )
    join(case, org_type=OrgType.POLICE)
    before = AuditEvent.objects.count()

    # when
    view = selectors.case_read(user=ngo, case_id=case.id)

    # then
    assert not view.erased
    assert view.lead_name == str(ngo.organisation)
    assert [(m["org_type"], m["is_lead"]) for m in view.team] == [("ngo", True), ("police", False)]
    assert all(g.allowed and g.data is not None for g in view.groups)
    identity = view.group(FieldGroup.IDENTITY).data
    assert identity is not None
    assert (identity["given_name"], identity["family_name"], identity["aliases"]) == (
        "Aino",
        "Testinen",
        "Ai",
    )
    assert identity["date_of_birth"] == date(1990, 5, 17)
    assert view.group(FieldGroup.CONTACT).data == {"contact": "+358 40 000 0000"}
    assert view.group(FieldGroup.LOCATION).data == {"current_location": "Safe house 7, Testikatu 1"}
    health = view.group(FieldGroup.HEALTH).data
    assert health == {"health_notes": "Needs follow-up for an injured wrist."}
    narrative = view.group(FieldGroup.NARRATIVE).data
    assert narrative is not None
    assert [e["text"] for e in narrative["entries"]] == ["Recruited with a false job offer."]
    legal = view.group(FieldGroup.LEGAL).data
    assert legal is not None
    assert legal["removal_protected"]
    assert [t["to_status"] for t in legal["transitions"]] == [S.POTENTIAL, S.PRESUMED]
    assert legal["transitions"][1]["reasons"] == "Reasonable grounds."
    assessment = view.group(FieldGroup.ASSESSMENT).data
    assert assessment is not None
    assert assessment["forms_of_exploitation"] == ["forced_labour", "forced_marriage"]
    # The services delivered are the assistance app's part of the case read
    # (haven.web.tests.test_api); the case gate holds none of its own.
    assert view.group(FieldGroup.SERVICES).data == {"services": []}
    statistical = view.group(FieldGroup.STATISTICAL).data
    assert statistical is not None
    assert statistical["identification_status"] == S.PRESUMED
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    assert (events[0].action, events[0].actor_id, events[0].purpose) == (
        Action.READ,
        ngo.pk,
        "assistance",
    )
    assert set(events[0].field_groups.split(",")) == set(FieldGroup)


@pytest.mark.django_db
def test_it_hides_location_and_health_from_the_police_and_says_why(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    police = join(case, org_type=OrgType.POLICE)

    # when
    view = selectors.case_read(user=police, case_id=case.id, purpose=Purpose.INVESTIGATION)

    # then: the member's agreement (join's legal-basis default) lets only the police
    # type's default groups flow, never location or health
    for hidden in (FieldGroup.LOCATION, FieldGroup.HEALTH):
        group = view.group(hidden)
        assert (group.allowed, group.code, group.data) == (False, "no_agreement", None)
        assert group.reason
    identity = view.group(FieldGroup.IDENTITY)
    assert (identity.allowed, identity.code) == (True, "legal_basis")
    assert identity.data is not None
    assert identity.data["date_of_birth"] is None
    event = AuditEvent.objects.latest("id")
    assert event.actor_id == police.pk
    assert event.purpose == "investigation"
    assert "location" not in event.field_groups.split(",")
    assert "health" not in event.field_groups.split(",")
    assert "identity" in event.field_groups.split(",")


@pytest.mark.django_db
def test_it_records_even_a_read_of_the_statistical_group_alone(ngo: User) -> None:
    # given: an organisation of the rapporteur's type on the team sees only statistics
    case = open_case(actor=ngo)
    rapporteur_org_user = join(case, org_type=OrgType.RAPPORTEUR)
    before = AuditEvent.objects.count()

    # when
    view = selectors.case_read(user=rapporteur_org_user, case_id=case.id)

    # then: the statistical group counts as a read
    assert [g.group for g in view.groups if g.allowed] == [FieldGroup.STATISTICAL]
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db
def test_it_answers_an_outsider_with_not_found_and_records_nothing(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    outsider = make_user()
    admin = UserFactory.create(organisation=ngo.organisation, role=Role.ORG_ADMIN)
    before = AuditEvent.objects.count()

    # then
    for user in (outsider, admin):
        with pytest.raises(errors.CaseNotFound):
            selectors.case_read(user=user, case_id=case.id)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_it_treats_a_presumed_child_as_a_child(ngo: User) -> None:
    # given
    case = open_case(actor=ngo, age_status=AgeStatus.UNCERTAIN, estimated_age_min=15)

    # when
    view = selectors.case_read(user=ngo, case_id=case.id)

    # then
    assert view.treat_as_child
    assessment = view.group(FieldGroup.ASSESSMENT).data
    assert assessment is not None
    assert assessment["treat_as_child"]


@pytest.mark.django_db
def test_it_shows_a_form_of_exploitation_it_no_longer_knows_as_it_was_stored(ngo: User) -> None:
    # given: a value from an older version of the list
    case = open_case(actor=ngo, forms=[ExploitationForm.BEGGING])
    Case.objects.filter(pk=case.pk).update(forms_of_exploitation=["forced_begging", "retired"])

    # when
    view = selectors.case_read(user=ngo, case_id=case.id)

    # then
    assessment = view.group(FieldGroup.ASSESSMENT).data
    assert assessment is not None
    assert assessment["forms_of_exploitation_labels"] == [
        str(ExploitationForm.BEGGING.label),
        "retired",
    ]


# --- the per-person access report ----------------------------------------------------------


@pytest.mark.django_db
def test_it_tells_the_lead_who_read_what_and_records_that_it_did(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    police = join(case, org_type=OrgType.POLICE)
    selectors.case_read(user=police, case_id=case.id, purpose=Purpose.INVESTIGATION)
    other_case = open_case(actor=ngo)
    selectors.case_read(user=ngo, case_id=other_case.id)

    # when
    events = selectors.person_access_report(user=ngo, case_id=case.id)

    # then: newest first, only this person's events
    assert [(e.action, e.actor_username) for e in events] == [
        (Action.READ, police.username),
        (Action.CREATE, ngo.username),
    ]
    assert "location" not in events[0].field_groups
    assert events[0].organisation_name == str(police.organisation)
    report = AuditEvent.objects.latest("id")
    assert (report.action, report.actor_id, report.person_id) == (
        Action.REPORT,
        ngo.pk,
        str(case.person_id),
    )


@pytest.mark.django_db
def test_the_access_report_shows_events_sealed_and_not_yet_sealed(ngo: User) -> None:
    # given: the intake sealed, then a read by the police not sealed yet
    case = open_case(actor=ngo)
    police = join(case, org_type=OrgType.POLICE)
    audit.audit_seal()
    selectors.case_read(user=police, case_id=case.id, purpose=Purpose.INVESTIGATION)

    # when
    events = selectors.person_access_report(user=ngo, case_id=case.id)

    # then: the read that awaits its seal is there, above the sealed intake
    assert [(e.action, e.actor_username, e.seq is None) for e in events] == [
        (Action.READ, police.username, True),
        (Action.CREATE, ngo.username, False),
    ]


@pytest.mark.django_db
def test_it_shows_the_access_report_only_to_the_case_lead(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    member = join(case, org_type=OrgType.SOCIAL_SERVICES, role=Role.SUPERVISOR)
    outsider = make_user()
    before = AuditEvent.objects.count()

    # when
    with pytest.raises(errors.GroupNotAllowed) as raised:
        selectors.person_access_report(user=member, case_id=case.id)
    with pytest.raises(errors.CaseNotFound):
        selectors.person_access_report(user=outsider, case_id=case.id)

    # then
    assert raised.value.code == "field_group_not_allowed"
    assert AuditEvent.objects.count() == before
    assert selectors.person_access_report(user=ngo, case_id=case.id)
