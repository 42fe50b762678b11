"""Parties linked across cases: the services, the reads and who sees the links
(legal group; R-38, R-44)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.access.models import AgreementFlow, FieldGroup, Purpose
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Person
from haven.cases.tests.factories import add_to_team, share_by_law
from haven.justice import selectors_parties as selectors
from haven.justice import services_parties as services
from haven.justice.errors import ErrorCode, PartyNotFound
from haven.justice.models import (
    IsicSection,
    Party,
    PartyAgeGroup,
    PartyKind,
    PartyLink,
    PartyRole,
    PartySex,
)
from haven.justice.tests.parties_setup import EMPLOYER, shared_employer
from haven.lib.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _refs(links: list[selectors.OtherCase]) -> list[str]:
    return [c.reference for c in links]


# --- stored sealed, found by the blind index ----------------------------------------------


def test_r38_a_party_is_sealed_under_its_own_key_not_the_victims() -> None:
    # given
    t = shared_employer()
    party = Party.objects.get(pk=t.link.party_id)
    # then: nothing readable is stored, and the key is the party's own
    for column in (party.name_enc, party.registration_number_enc, party.address_enc):
        assert column is not None
        assert b"Berry" not in bytes(column)
        assert b"1234567" not in bytes(column)
    persons = Person.objects.filter(pk__in=[t.first.person_id, t.second.person_id])
    assert party.data_key_id not in {p.data_key_id for p in persons}
    assert party.data_key.subject == selectors.DATA_KEY_SUBJECT
    data = selectors.party_data(party)
    assert (data.name, data.registration_number, data.address) == (
        "Berry Farm Oy",
        "1234567-8",
        "Marjatie 1, Suonenjoki",
    )
    assert (data.sector, data.country, data.kind) == (IsicSection.A, "FI", PartyKind.COMPANY)


def test_r38_the_same_employer_is_found_on_another_case_by_name_or_registration() -> None:
    # given
    t = shared_employer()
    # when
    by_name = selectors.party_search(user=t.police, case_id=t.second.id, name="  BERRY farm oy. ")
    by_number = selectors.party_search(
        user=t.lead, case_id=t.first.id, registration_number="12345678"
    )
    nothing = selectors.party_search(user=t.police, case_id=t.first.id, name="Another Oy")
    empty = selectors.party_search(user=t.police, case_id=t.first.id, name=" ")
    # then
    assert [(m.party.id, m.linked_here, m.cases) for m in by_name] == [(t.link.party_id, True, 2)]
    assert [m.party.name for m in by_number] == ["Berry Farm Oy"]
    assert (nothing, empty) == ([], [])
    assert AuditEvent.objects.filter(
        object_type=selectors.PARTY_TYPE, action=Action.READ, person_id=t.second.person_id
    ).exists()


def test_r38_search_is_refused_to_a_shelter_and_allowed_to_the_police_on_the_same_case() -> None:
    # given
    t = shared_employer()
    # when
    found = selectors.party_search(user=t.police, case_id=t.first.id, name="Berry Farm Oy")
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.party_search(user=t.shelter, case_id=t.first.id, name="Berry Farm Oy")
    # then
    assert len(found) == 1


def test_r38_a_new_party_with_a_known_registration_number_is_refused_link_it_instead() -> None:
    # given
    t = shared_employer()
    again = services.PartyInput(
        kind=PartyKind.COMPANY, name="Berry Farm", registration_number="1234567 8"
    )
    # when
    with pytest.raises(Conflict) as refused:
        services.party_link_create(
            actor=t.police,
            case_id=t.second.id,
            link=services.LinkInput(roles=[PartyRole.EMPLOYER]),
            new_party=again,
        )
    # then
    assert refused.value.code == ErrorCode.PARTY_REGISTRATION_KNOWN
    assert Party.objects.count() == 1


def test_r38_a_party_already_on_the_case_is_not_linked_twice() -> None:
    # given
    t = shared_employer()
    # when
    with pytest.raises(Conflict) as refused:
        services.party_link_create(
            actor=t.police,
            case_id=t.first.id,
            link=services.LinkInput(roles=[PartyRole.USER]),
            party_id=t.link.party_id,
        )
    # then
    assert refused.value.code == ErrorCode.PARTY_ALREADY_LINKED


@pytest.mark.parametrize("party_id", [None, "not-an-id", uuid.uuid4()])
def test_r38_linking_an_unknown_party_is_not_found(party_id: object) -> None:
    # given
    t = shared_employer()
    # when / then
    with pytest.raises(PartyNotFound):
        services.party_link_create(
            actor=t.police,
            case_id=t.first.id,
            link=services.LinkInput(roles=[PartyRole.USER]),
            party_id=party_id,
        )


@pytest.mark.parametrize(
    ("party", "link", "field"),
    [
        (EMPLOYER, services.LinkInput(roles=[]), "roles"),
        (EMPLOYER, services.LinkInput(roles=["boss"]), "roles"),
        (EMPLOYER, services.LinkInput(roles=[PartyRole.USER], sex="x"), "sex"),
        (EMPLOYER, services.LinkInput(roles=[PartyRole.USER], age_group="x"), "age_group"),
        (EMPLOYER, services.LinkInput(roles=[PartyRole.USER], citizenship="ZZ"), "citizenship"),
        (services.PartyInput(kind=PartyKind.PERSON, name=" "), None, "name"),
        (services.PartyInput(kind="gang", name="Someone"), None, "kind"),
        (services.PartyInput(kind=PartyKind.COMPANY, name="X", sector="Z"), None, "sector"),
        (services.PartyInput(kind=PartyKind.COMPANY, name="X", country="Finland"), None, "country"),
    ],
)
def test_r38_a_party_needs_a_name_a_kind_and_known_roles_and_codes(
    party: services.PartyInput, link: services.LinkInput | None, field: str
) -> None:
    # given
    t = shared_employer()
    # when
    with pytest.raises(InvalidInput) as refused:
        services.party_link_create(
            actor=t.police,
            case_id=t.first.id,
            link=link or services.LinkInput(roles=[PartyRole.USER]),
            new_party=party,
        )
    # then
    assert refused.value.field == field


# --- who writes -----------------------------------------------------------------------------


def test_r38_the_police_add_change_and_unlink_a_party_and_a_shelter_cannot() -> None:
    # given
    t = shared_employer()
    user = services.PartyInput(kind=PartyKind.PERSON, name="Client X", country="fi")
    # when: the shelter, on the same case, is refused each write
    with pytest.raises(case_errors.GroupNotAllowed):
        services.party_link_create(
            actor=t.shelter,
            case_id=t.first.id,
            link=services.LinkInput(roles=[PartyRole.USER]),
            new_party=user,
        )
    with pytest.raises(case_errors.GroupNotAllowed):
        services.party_link_update(
            actor=t.shelter,
            case_id=t.first.id,
            link_id=t.link.id,
            link=services.LinkInput(roles=[PartyRole.CONVICTED]),
        )
    with pytest.raises(case_errors.GroupNotAllowed):
        services.party_link_remove(actor=t.shelter, case_id=t.first.id, link_id=t.link.id)
    # when: the police do each
    added = services.party_link_create(
        actor=t.police,
        case_id=t.first.id,
        link=services.LinkInput(
            roles=[PartyRole.USER, PartyRole.SUSPECT],
            sex=PartySex.MALE,
            age_group=PartyAgeGroup.MIDDLE,
            citizenship="ee",
        ),
        new_party=user,
    )
    changed = services.party_link_update(
        actor=t.police,
        case_id=t.first.id,
        link_id=t.link.id,
        link=services.LinkInput(roles=[PartyRole.EMPLOYER, PartyRole.PROSECUTED]),
    )
    services.party_link_remove(actor=t.police, case_id=t.first.id, link_id=added.id)
    # then: roles kept in the order of the list; the party stays once unlinked
    assert (added.roles, added.citizenship) == ([PartyRole.SUSPECT, PartyRole.USER], "EE")
    assert changed.roles == [PartyRole.PROSECUTED, PartyRole.EMPLOYER]
    assert not PartyLink.objects.filter(pk=added.id).exists()
    assert Party.objects.filter(pk=added.party_id).exists()
    assert Party.objects.get(pk=added.party_id).country == "FI"
    audited = AuditEvent.objects.filter(object_type=selectors.LINK_TYPE, actor_id=t.police.pk)
    assert {Action.CREATE, Action.UPDATE} <= set(audited.values_list("action", flat=True))


@pytest.mark.parametrize("link_id", ["nonsense", uuid.uuid4()])
def test_r38_a_link_of_another_case_or_none_is_not_found_for_a_change(link_id: object) -> None:
    # given
    t = shared_employer()
    # when / then: the second case's link is not the first case's
    for wanted in (link_id, t.other_link.id):
        with pytest.raises(PartyNotFound):
            services.party_link_remove(actor=t.police, case_id=t.first.id, link_id=wanted)
    assert PartyLink.objects.count() == 2


# --- who sees the links ---------------------------------------------------------------------


def test_r38_the_police_see_the_other_case_sharing_the_employer_and_a_shelter_sees_nothing() -> (
    None
):
    # given
    t = shared_employer()
    # when
    police = selectors.case_parties(user=t.police, case_id=t.first.id)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.case_parties(user=t.shelter, case_id=t.first.id)
    # then
    (employer,) = police.links
    assert employer.party.name == "Berry Farm Oy"
    assert employer.roles == [PartyRole.SUSPECT, PartyRole.EMPLOYER]
    assert _refs(employer.shared) == [t.second.reference]
    assert (employer.not_shared, employer.others, police.writable) == (0, 1, True)


def test_r38_another_case_the_reader_may_not_read_is_only_counted() -> None:
    # given: the second police unit is on the first case only
    t = shared_employer()
    # when
    (employer,) = selectors.case_parties(user=t.other_police, case_id=t.first.id).links
    (same,) = selectors.case_parties(user=t.police, case_id=t.first.id).links
    # then
    assert (employer.shared, employer.not_shared) == ([], 1)
    assert (_refs(same.shared), same.not_shared) == ([t.second.reference], 0)


def test_r38_every_read_of_another_case_is_audited_on_that_case() -> None:
    # given
    t = shared_employer()
    AuditEvent.objects.all().delete()
    # when
    selectors.case_parties(user=t.police, case_id=t.first.id)
    selectors.case_parties(user=t.other_police, case_id=t.first.id)
    # then: the police's read of the second case's link is on the second person's trail
    on_second = AuditEvent.objects.filter(
        object_type=selectors.LINK_TYPE, person_id=t.second.person_id
    )
    assert list(on_second.values_list("actor_id", "object_id", "action")) == [
        (t.police.pk, str(t.other_link.id), Action.READ)
    ]
    assert AuditEvent.objects.filter(
        object_type=selectors.LINK_TYPE, person_id=t.first.person_id, actor_id=t.other_police.pk
    ).exists()


def test_r38_an_erased_persons_case_shows_no_parties_and_is_not_listed_elsewhere() -> None:
    # given
    t = shared_employer()
    Person.objects.filter(pk=t.second.person_id).update(erased_at=timezone.now())
    # when
    second = selectors.case_parties(user=t.police, case_id=t.second.id)
    (employer,) = selectors.case_parties(user=t.police, case_id=t.first.id).links
    # then
    assert (second.erased, second.links, second.writable) == (True, [], False)
    assert (employer.shared, employer.not_shared) == ([], 1)


def test_r38_a_partys_page_lists_only_the_cases_the_reader_may_read() -> None:
    # given
    t = shared_employer()
    # when
    police = selectors.party_page(user=t.police, party_id=t.link.party_id)
    other = selectors.party_page(user=t.other_police, party_id=t.link.party_id)
    refused = []
    for user, party_id in (
        (t.shelter, t.link.party_id),
        (t.outsider, t.link.party_id),
        (t.police, uuid.uuid4()),
        (t.police, "nonsense"),
    ):
        with pytest.raises(PartyNotFound) as missing:
            selectors.party_page(user=user, party_id=party_id)
        refused.append(missing.value.code)
    # then
    assert _refs(police.cases) == sorted([t.first.reference, t.second.reference])
    assert (_refs(other.cases), other.not_shown) == ([t.first.reference], 1)
    assert police.party.name == "Berry Farm Oy"
    assert set(refused) == {ErrorCode.PARTY_NOT_FOUND}


def test_r38_one_party_of_the_case_for_its_edit_page() -> None:
    # given
    t = shared_employer()
    # when
    found = selectors.case_party_link(user=t.police, case_id=t.first.id, link_id=t.link.id)
    with pytest.raises(PartyNotFound):
        selectors.case_party_link(user=t.police, case_id=t.first.id, link_id=t.other_link.id)
    # then
    assert found.link_id == t.link.id


def test_r38_the_case_page_shows_parties_only_to_who_may_read_them_for_an_investigation() -> None:
    # given: the police, a shelter, and social services sharing for assistance only
    t = shared_employer()
    assisting = make_user(org_type=OrgType.SOCIAL_SERVICES)
    assert assisting.organisation is not None
    add_to_team(case=t.first, organisation=assisting.organisation, share=False)
    agreement = share_by_law(case=t.first, organisation=assisting.organisation)
    AgreementFlow.objects.filter(agreement=agreement).update(purposes=[Purpose.ASSISTANCE])

    def panel(user: User, held: bool = True) -> selectors.CaseParties | None:
        view = case_selectors.case_read(user=user, case_id=t.first.id)
        return selectors.case_page_parties(user=user, case_view=view, held=held)

    # when
    shown = panel(t.police)
    none_held = panel(t.police, held=False)
    shelter = panel(t.shelter)
    assisting_view = case_selectors.case_read(user=assisting, case_id=t.first.id)
    assisting_panel = panel(assisting)
    # then
    assert shown is not None
    assert [p.party.name for p in shown.links] == ["Berry Farm Oy"]
    assert none_held is not None
    assert (none_held.links, none_held.writable) == ([], True)
    assert shelter is None
    assert assisting_view.group(FieldGroup.LEGAL).data is not None  # shown for assistance
    assert assisting_panel is None  # but no panel that links to a refusal
    assert selectors.parties_readable(user=t.police, case_id=t.first.id)
    assert not selectors.parties_readable(user=assisting, case_id=t.first.id)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.case_parties(user=assisting, case_id=t.first.id)


# --- statistics (R-44) ----------------------------------------------------------------------


def test_r44_perpetrators_are_counted_once_per_role_by_sex_age_and_citizenship() -> None:
    # given: in 2026, the employer (suspect on the first case) shared by two cases,
    # and a user of the victim's services; in 2025, a convicted recruiter
    with time_machine.travel(datetime(2025, 6, 1, tzinfo=UTC), tick=False):
        t = shared_employer()  # the employer's links are of 2025 here
        services.party_link_create(
            actor=t.police,
            case_id=t.first.id,
            link=services.LinkInput(roles=[PartyRole.RECRUITER, PartyRole.CONVICTED]),
            new_party=services.PartyInput(kind=PartyKind.PERSON, name="Recruiter R"),
        )
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC), tick=False):
        services.party_link_create(
            actor=t.police,
            case_id=t.second.id,
            link=services.LinkInput(
                roles=[PartyRole.USER],
                sex=PartySex.MALE,
                age_group=PartyAgeGroup.MIDDLE,
                citizenship="FI",
            ),
            new_party=services.PartyInput(kind=PartyKind.PERSON, name="Client Y"),
        )
    # when
    last_year = selectors.perpetrator_counts(year=2025)
    this_year = selectors.perpetrator_counts(year=2026)
    # then: the employer counted once as employer though on two cases
    assert last_year.by_role == {
        (PartyRole.SUSPECT, PartySex.UNKNOWN, PartyAgeGroup.UNKNOWN, ""): 1,
        (PartyRole.CONVICTED, PartySex.UNKNOWN, PartyAgeGroup.UNKNOWN, ""): 1,
    }
    assert last_year.employer_sectors == {IsicSection.A: 1}
    assert this_year.by_role == {(PartyRole.USER, PartySex.MALE, PartyAgeGroup.MIDDLE, "FI"): 1}
    assert (this_year.total(PartyRole.USER), this_year.total(PartyRole.SUSPECT)) == (1, 0)
    assert this_year.employer_sectors == {}


def test_r38_the_parties_of_a_case_cost_the_same_queries_for_one_or_four_parties() -> None:
    # given: the first case with its employer only, then with three more parties
    # that are on no other case
    t = shared_employer()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.case_parties(user=t.police, case_id=t.first.id)
        return len(captured.captured_queries)

    one = queries()
    for name in ("Person A", "Person B", "Person C"):
        services.party_link_create(
            actor=t.police,
            case_id=t.first.id,
            link=services.LinkInput(roles=[PartyRole.USER]),
            new_party=services.PartyInput(kind=PartyKind.PERSON, name=name),
        )
    # when
    four = queries()
    # then
    assert four == one
