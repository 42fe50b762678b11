"""Is this person already known? The search before create (issue 14): the keyed
blocking-key index kept with each identity, the check with its audited reads, what
the asker may see, the coordinator's task, erasure and the required search."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import hooks as case_hooks
from haven.cases import services as case_services
from haven.cases.models import Case, Sex
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Notification, Task
from haven.linkage import clocks, errors, matching, selectors, services
from haven.linkage.models import BlockingKey, Check
from haven.linkage.tests.factories import (
    BORN,
    anna,
    anna_typed,
    caseworker_of,
    coordinator,
    someone_else,
)
from haven.vault import hooks as vault_hooks
from haven.vault import services as vault

pytestmark = pytest.mark.django_db


def _linkage_reads(person_id: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.LINKAGE_READ, person_id=str(person_id)))


# --- the index -------------------------------------------------------------------------------


def test_intake_writes_keyed_blocking_keys_and_never_the_plain_ones() -> None:
    # given
    case = anna(make_user())

    # then: one row per key (the blocking keys and the full name's), each the keyed HMAC
    # of a plain key of the identity
    keys = set(BlockingKey.objects.filter(person_id=case.person_id).values_list("key", flat=True))
    normalised = matching.normalise(selectors.record_of(anna_typed()))
    plain = matching.blocking_keys(normalised) | matching.full_name_keys(normalised)
    assert keys == {vault.blind_index(value=k, purpose=selectors.KEY_PURPOSE) for k in plain}
    assert not keys & plain
    assert str(BlockingKey.objects.first()).startswith("blocking key of person")


def test_erasure_deletes_the_persons_blocking_keys() -> None:
    # given
    supervisor = make_user(role=Role.SUPERVISOR)
    case = anna(supervisor)
    kept = anna(supervisor, given_name="Мария", date_of_birth=date(1975, 2, 3))
    assert BlockingKey.objects.filter(person_id=case.person_id).exists()

    # when
    case_services.person_erase(actor=supervisor, case_id=case.id)

    # then: the erased person is found no more; another person's keys stay
    assert not BlockingKey.objects.filter(person_id=case.person_id).exists()
    assert BlockingKey.objects.filter(person_id=kept.person_id).exists()
    other = caseworker_of(supervisor.organisation)  # type: ignore[arg-type]
    answer = services.intake_check(actor=other, identity=anna_typed())
    assert [m.case_id for m in answer.matches] == []


def test_erasure_replayed_after_a_restore_deletes_the_keys_again() -> None:
    # given: keys written back by a restore of an older backup
    case = anna(make_user())
    key_id = case.person.data_key_id

    # when
    vault_hooks.keys_shredded(vault_hooks.KeysShredded(destroyed={key_id: case.opened_at}))

    # then
    assert not BlockingKey.objects.filter(person_id=case.person_id).exists()


def test_the_index_command_indexes_existing_persons_audited_as_the_systems_read() -> None:
    # given: a person recorded before the index existed
    case = anna(make_user())
    BlockingKey.objects.all().delete()
    erased = anna(make_user(), given_name="Olga")
    BlockingKey.objects.filter(person_id=erased.person_id).delete()
    vault.data_key_destroy(key=erased.person.data_key)
    type(erased.person).objects.filter(pk=erased.person_id).update(erased_at=erased.opened_at)

    # when
    out = StringIO()
    call_command("linkage_index", stdout=out)

    # then: the live person is found again, the erased one is not read
    assert out.getvalue() == "1 persons indexed.\n"
    assert BlockingKey.objects.filter(person_id=case.person_id).count() >= 3
    assert not BlockingKey.objects.filter(person_id=erased.person_id).exists()
    event = _linkage_reads(case.person_id)[-1]
    assert (event.actor_id, event.detail) == (None, {"indexed": True})
    assert _linkage_reads(erased.person_id) == []


def test_the_index_rebuild_works_in_batches() -> None:
    # given
    actor = make_user()
    cases = [someone_else(actor, n) for n in range(3)]
    BlockingKey.objects.all().delete()

    # when
    done = services.index_rebuild(batch_size=2)

    # then
    assert done == 3
    assert {c.person_id for c in cases} == set(
        BlockingKey.objects.values_list("person_id", flat=True)
    )


# --- the check: found in another script, visible or not ------------------------------------


def test_a_person_known_in_cyrillic_is_found_from_latin_letters_with_the_case_reference() -> None:
    # given: the NGO recorded Anna in Cyrillic; a colleague types her in Latin letters
    ngo = make_user()
    case = anna(ngo)
    colleague = caseworker_of(ngo.organisation)  # type: ignore[arg-type]

    # when
    answer = services.intake_check(actor=colleague, identity=anna_typed())

    # then: her case, a calibrated probability in words, nothing hidden
    assert answer.checked
    assert [(m.case_id, m.reference) for m in answer.matches] == [(case.id, case.reference)]
    match = answer.matches[0]
    assert match.probability >= 0.95
    assert match.percent == round(match.probability * 100)
    assert match.band.key == "very_likely"
    assert answer.known_elsewhere is None
    assert answer.search_token


def test_obviously_different_people_are_not_matched() -> None:
    # given
    ngo = make_user()
    anna(ngo)

    # when: a man of another name and age
    answer = services.intake_check(
        actor=ngo,
        identity=anna_typed(
            given_name="Pekka", family_name="Virtanen", sex=Sex.MALE, date_of_birth=date(1961, 2, 3)
        ),
    )

    # then
    assert answer.checked
    assert (answer.matches, answer.known_elsewhere) == ([], None)


def test_a_match_under_a_case_the_asker_may_not_see_is_only_known_to_the_system() -> None:
    # given: Anna's case is led by an NGO; a police caseworker of the same country checks
    anna(make_user())
    police = make_user(org_type=OrgType.POLICE)

    # when
    answer = services.intake_check(actor=police, identity=anna_typed())

    # then: no case, no reference, no probability; only a band
    assert answer.matches == []
    assert answer.known_elsewhere is not None
    assert answer.known_elsewhere.key == "very_likely"


def test_every_decryption_of_a_candidate_is_audited_as_a_linkage_read_of_that_person() -> None:
    # given: two records of Anna (Cyrillic, Latin) led by two NGOs
    ngo = make_user()
    first = anna(ngo)
    second = anna(make_user(), given_name="Anna", family_name="Ivanova")
    police = make_user(org_type=OrgType.POLICE)

    # when
    services.intake_check(actor=police, identity=anna_typed())

    # then: one event per person read, by the asker, for identification, naming the check
    check = Check.objects.get(user=police)
    assert check.candidates == 2
    for case in (first, second):
        (event,) = [
            e for e in _linkage_reads(case.person_id) if e.actor_username == police.username
        ]
        assert event.object_type == "cases.Person"
        assert event.field_groups == FieldGroup.IDENTITY
        assert event.purpose == Purpose.IDENTIFICATION
        assert event.detail == {"check": str(check.id)}
    summary = AuditEvent.objects.get(object_type="linkage.Check")
    assert (summary.object_id, summary.person_id) == (str(check.id), "")
    assert summary.detail == {"hidden": 2, "matches": 0}


def test_too_little_input_reads_nothing_and_records_no_check() -> None:
    # given
    ngo = make_user()
    anna(ngo)
    reads = AuditEvent.objects.filter(action=Action.LINKAGE_READ).count()

    # when: a family name alone
    answer = services.intake_check(
        actor=ngo, identity=anna_typed(given_name="", date_of_birth=None)
    )

    # then
    assert (answer.checked, answer.matches, answer.search_token) == (False, [], "")
    assert not Check.objects.exists()
    assert AuditEvent.objects.filter(action=Action.LINKAGE_READ).count() == reads


def test_a_family_name_and_a_year_of_birth_are_enough_to_check() -> None:
    # given
    ngo = make_user()

    # when
    answer = services.intake_check(actor=ngo, identity=anna_typed(given_name=""))

    # then
    assert answer.checked


@override_settings(HAVEN_LINKAGE_CHECK_LIMIT=2)
def test_checks_past_the_limit_are_refused_against_probing() -> None:
    # given
    ngo = make_user()
    services.intake_check(actor=ngo, identity=anna_typed())
    services.intake_check(actor=ngo, identity=anna_typed(given_name="Olga"))

    # when / then: the third in the window is refused, a colleague may still check
    with pytest.raises(errors.CheckRateLimited) as refused:
        services.intake_check(actor=ngo, identity=anna_typed(given_name="Irina"))
    assert refused.value.code == errors.ErrorCode.CHECK_RATE_LIMITED
    assert services.intake_check(
        actor=caseworker_of(ngo.organisation),  # type: ignore[arg-type]
        identity=anna_typed(),
    ).checked


@pytest.mark.parametrize("role", [Role.RAPPORTEUR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN])
def test_r14_only_those_who_open_cases_may_check(role: str) -> None:
    # given: the same person and input for both sides
    anna(make_user())
    allowed = make_user(role=Role.CASEWORKER)
    refused = make_user(role=role)

    # then
    assert services.intake_check(actor=allowed, identity=anna_typed()).checked
    with pytest.raises(case_errors.RoleNotAllowed):
        services.intake_check(actor=refused, identity=anna_typed())
    assert not Check.objects.filter(user=refused).exists()


def test_the_check_reads_as_many_queries_with_1_or_50_persons_who_do_not_match() -> None:
    # given: the register holds one person, then fifty, none sharing a key with Anna
    ngo = make_user()
    anna(ngo)
    someone_else(ngo, 0)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            services.intake_check(actor=ngo, identity=anna_typed())
        return len(captured.captured_queries)

    one = queries()
    for number in range(1, 50):
        someone_else(ngo, number)

    # then
    assert queries() == one


def test_the_check_reads_as_many_queries_with_1_or_5_candidates_decrypted() -> None:
    # given: relatives of Anna (her surname, born the same year, other given names):
    # candidates sharing a blocking key, decrypted and scored, none a match
    ngo = make_user()
    given_names = ["Ольга", "Мария", "Ирина", "Наталья", "Светлана"]

    def relative(number: int) -> None:
        anna(ngo, given_name=given_names[number], date_of_birth=date(1990, 11, 2 + number))

    def check() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as captured:
            answer = services.intake_check(actor=ngo, identity=anna_typed())
        assert answer.checked and not answer.matches and answer.known_elsewhere is None
        candidates = Check.objects.filter(user=ngo).latest("checked_at").candidates
        reads = AuditEvent.objects.filter(action=Action.LINKAGE_READ).count()
        return len(captured.captured_queries), candidates, reads

    relative(0)
    one, candidates_one, reads_one = check()
    for number in range(1, 5):
        relative(number)

    # when
    five, candidates_five, reads_five = check()

    # then: five decrypted, each read audited, in as many queries as one
    assert (candidates_one, candidates_five) == (1, 5)
    assert reads_five - reads_one == 5 + 1  # a read per candidate, and the check's
    assert five == one


# --- the coordinator's task at intake --------------------------------------------------------


def test_opening_a_case_for_a_person_known_under_a_hidden_case_tasks_the_coordinator() -> None:
    # given: Anna's case led by an NGO; the national coordinator of Finland
    hidden = anna(make_user())
    desk = coordinator("FI")
    coordinator("EE")
    police = make_user(org_type=OrgType.POLICE)

    desk_staff = caseworker_of(desk)

    # when: the police open a case for her
    new = open_case(actor=police, **_anna_person())

    # then: one task for the coordinator of the asker's country, ids only
    task = Task.objects.get(kind=clocks.HIDDEN_MATCH)
    assert task.case_id == new.id
    assert task.assigned_organisation_id == desk.id
    assert task.detail == {"hidden_case": str(hidden.id), "asked_by": police.pk}
    (told,) = Notification.objects.filter(event=clocks.HIDDEN_MATCH_EVENT.key)
    assert (told.recipient_id, told.case_id, told.kind) == (desk_staff.pk, new.id, "desk")
    (read,) = [e for e in _linkage_reads(hidden.person_id) if e.actor_username == police.username]
    assert read.detail == {"check": f"intake:{new.id}"}


def test_opening_a_case_for_a_person_the_caseworker_sees_tasks_no_one_and_reads_nothing() -> None:
    # given
    ngo = make_user()
    seen = anna(ngo)
    coordinator("FI")

    # when
    anna(caseworker_of(ngo.organisation))  # type: ignore[arg-type]

    # then
    assert not Task.objects.filter(kind=clocks.HIDDEN_MATCH).exists()
    assert _linkage_reads(seen.person_id) == []


def test_whether_the_caseworker_sees_each_candidate_is_read_in_as_many_queries_for_3_or_9(
    django_assert_num_queries: Any,
) -> None:
    # given: Anna's cases led by the police, led by an NGO with the police on the
    # team, and led by an NGO alone (hidden from the police)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    police_org = police.organisation
    ngo = make_user()

    def three() -> list[Case]:
        shared = anna(ngo)
        add_to_team(case=shared, organisation=police_org, by=ngo)
        return [anna(police), shared, anna(ngo)]

    first = three()
    with CaptureQueriesContext(connection) as captured:
        answer_of_three = selectors.may_see_each(police, first)
    cases = first + three() + three()

    # when
    with django_assert_num_queries(len(captured.captured_queries)):
        visible = selectors.may_see_each(police, cases)

    # then: each answer is the case gate's for the identity group of that case alone,
    # in as many queries for nine cases as for three
    alone = {
        case.pk: access_policy.may_see_case(user=police, case_id=case.pk)
        and access_policy.decide(
            user=police, case_id=case.pk, field_group=FieldGroup.IDENTITY
        ).allowed
        for case in cases
    }
    assert visible == alone
    assert [visible[case.pk] for case in cases[:3]] == [True, True, False]
    assert answer_of_three == {case.pk: visible[case.pk] for case in first}
    assert selectors.may_see_each(police, []) == {}


def test_opening_a_case_without_a_name_checks_nothing() -> None:
    # given
    anna(make_user())
    coordinator("FI")

    # when
    open_case(actor=make_user(org_type=OrgType.POLICE), given_name="", family_name="")

    # then
    assert not Task.objects.filter(kind=clocks.HIDDEN_MATCH).exists()


def test_without_a_national_coordinator_no_task_is_opened() -> None:
    # given: a hidden match, but no coordinator in the country
    anna(make_user())

    # when
    open_case(actor=make_user(org_type=OrgType.POLICE), **_anna_person())

    # then
    assert not Task.objects.filter(kind=clocks.HIDDEN_MATCH).exists()
    assert not Notification.objects.filter(event=clocks.HIDDEN_MATCH_EVENT.key).exists()


def test_an_identity_written_after_intake_replaces_the_keys_and_tasks_no_one() -> None:
    # given
    police = make_user(org_type=OrgType.POLICE)
    anna(make_user())
    coordinator("FI")
    case = open_case(actor=police, given_name="Olga", family_name="Petrova")

    # when: an edit (no hook caller yet besides intake: called as an edit would)
    services.identity_indexed(
        case_hooks.PersonIdentityWritten(
            person=case.person, case=case, actor=police, identity=anna_typed(), opened=False
        )
    )

    # then
    keyed = set(BlockingKey.objects.filter(person_id=case.person_id).values_list("key", flat=True))
    assert keyed == set(selectors.keyed(matching.normalise(selectors.record_of(anna_typed()))))
    assert not Task.objects.filter(kind=clocks.HIDDEN_MATCH).exists()


def _anna_person() -> dict[str, Any]:
    return {
        "given_name": "Anna",
        "family_name": "Ivanova",
        "sex": Sex.FEMALE,
        "date_of_birth": BORN,
        "citizenships": ["UA"],
    }


# --- the required search ---------------------------------------------------------------------


@override_settings(HAVEN_LINKAGE_REQUIRE_SEARCH=True)
def test_required_search_refuses_intake_without_a_check_and_accepts_after_it() -> None:
    # given
    ngo = make_user()
    person = case_services.PersonInput(age_status="verified_adult", **_anna_person())

    # when / then: refused without a check, naming the token field
    with pytest.raises(errors.SearchRequired) as refused:
        case_services.case_open(actor=ngo, person=person, forms_of_exploitation=[])
    assert (refused.value.code, refused.value.field) == ("search_required", "search_token")

    # and a check of another identity does not count
    other = services.intake_check(actor=ngo, identity=anna_typed(given_name="Olga"))
    with pytest.raises(errors.SearchRequired):
        case_services.case_open(
            actor=ngo, person=person, forms_of_exploitation=[], search_token=other.search_token
        )

    # and another user's check of the same identity does not either
    colleague = caseworker_of(ngo.organisation)  # type: ignore[arg-type]
    theirs = services.intake_check(actor=colleague, identity=anna_typed())
    with pytest.raises(errors.SearchRequired):
        case_services.case_open(
            actor=ngo, person=person, forms_of_exploitation=[], search_token=theirs.search_token
        )

    # when: the same identity was checked, typed in another script
    checked = services.intake_check(actor=ngo, identity=anna_typed())
    case = case_services.case_open(
        actor=ngo, person=person, forms_of_exploitation=[], search_token=checked.search_token
    )

    # then
    assert case.pk is not None


@override_settings(HAVEN_LINKAGE_REQUIRE_SEARCH=True)
def test_required_search_cannot_be_asked_for_a_person_without_a_name() -> None:
    # when: nothing to search with
    case = open_case(actor=make_user(), given_name="", family_name="")

    # then
    assert case.pk is not None


def test_without_the_setting_intake_needs_no_check() -> None:
    # then: the default
    assert open_case(actor=make_user(), **_anna_person()).pk is not None


def test_a_forged_or_garbled_search_token_is_not_a_check() -> None:
    # given
    ngo = make_user()
    normalised = matching.normalise(selectors.record_of(anna_typed()))

    # then
    assert selectors.search_token_matches(selectors.search_token(ngo, normalised), ngo, normalised)
    assert not selectors.search_token_matches("not-a-token", ngo, normalised)
    assert not selectors.search_token_matches("", ngo, normalised)


# --- words and parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("probability", "key"),
    [
        (0.99, "very_likely"),
        (0.95, "very_likely"),
        (0.9, "likely"),
        (0.8, "likely"),
        (0.5, "possibly"),
    ],
)
def test_a_probability_is_told_in_words_by_its_band(probability: float, key: str) -> None:
    assert selectors.band_of(probability).key == key


def test_what_is_typed_becomes_an_identity_and_a_half_typed_date_is_left_out() -> None:
    # when
    typed = selectors.identity_typed(
        given_name=" Anna ",
        family_name="Ivanova",
        sex="female",
        date_of_birth="1990-05",
        citizenships="ua, ,UA,fi",
    )
    whole = selectors.identity_typed(
        given_name="", family_name="", sex="", date_of_birth="1990-05-17", citizenships=""
    )

    # then
    assert (typed.given_name, typed.date_of_birth, typed.citizenships) == (
        "Anna",
        None,
        ("FI", "UA"),
    )
    assert whole.date_of_birth == date(1990, 5, 17)
    assert selectors.record_of(typed).sex == "F"
    assert selectors.record_of(whole).nationality == ""


# --- asking the coordinator before intake ----------------------------------------------------


def test_asking_the_coordinator_before_intake_opens_one_task_on_the_hidden_case() -> None:
    # given
    hidden = anna(make_user())
    desk = coordinator("FI")
    police = make_user(org_type=OrgType.POLICE)

    # when: asked twice
    first = services.coordinator_tell(actor=police, identity=anna_typed())
    again = services.coordinator_tell(actor=police, identity=anna_typed())

    # then: one task, ids only, and the answer still hides the case
    task = Task.objects.get(kind=clocks.HIDDEN_MATCH)
    assert (task.case_id, task.assigned_organisation_id) == (hidden.id, desk.id)
    assert task.detail == {"hidden_case": str(hidden.id), "asked_by": police.pk}
    assert (first.told, again.told) == (True, True)
    assert first.matches == []
    assert first.known_elsewhere is not None


def test_asking_the_coordinator_tells_no_one_without_a_hidden_match_or_a_coordinator() -> None:
    # given: a match the asker sees, and one hidden in a country without a coordinator
    ngo = make_user()
    anna(ngo)

    # when
    seen = services.coordinator_tell(actor=caseworker_of(ngo.organisation), identity=anna_typed())  # type: ignore[arg-type]
    nobody = services.coordinator_tell(
        actor=make_user(org_type=OrgType.POLICE), identity=anna_typed()
    )

    # then
    assert (seen.told, nobody.told) == (False, False)
    assert not Task.objects.filter(kind=clocks.HIDDEN_MATCH).exists()
