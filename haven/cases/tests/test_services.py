"""Writes to persons and cases: intake, the status machine (R-01, R-03), presumption of
minority (R-10), the append-only narrative, erasure, and the audit event of each."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.access.models import FieldGroup, TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit import services as audit_services
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, selectors, services
from haven.cases.models import (
    AgeStatus,
    Case,
    ExploitationForm,
    NarrativeEntry,
    Person,
    StatusTransition,
)
from haven.cases.services import PersonInput
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, open_case
from haven.lib.errors import HavenError
from haven.vault import services as vault
from haven.vault.errors import KeyDestroyed
from haven.vault.models import DataKey

# R-01, written out by hand (the code's table must agree with it).
ALLOWED: dict[str, set[str]] = {
    S.POTENTIAL: {S.PRESUMED, S.NOT_IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN},
    S.PRESUMED: {S.IDENTIFIED, S.NOT_IDENTIFIED, S.DECLINED_FORMAL_IDENTIFICATION, S.WITHDRAWN},
    S.IDENTIFIED: {S.WITHDRAWN},
    S.NOT_IDENTIFIED: {S.POTENTIAL, S.PRESUMED, S.IDENTIFIED},
    S.DECLINED_FORMAL_IDENTIFICATION: {S.POTENTIAL, S.PRESUMED, S.WITHDRAWN},
    S.WITHDRAWN: {S.POTENTIAL},
}
GRID = [(current, target) for current in S for target in S]

COUNTED: list[type[Model]] = [
    Person,
    DataKey,
    Case,
    TeamMembership,
    StatusTransition,
    NarrativeEntry,
    AuditEvent,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def force_status(case: Case, status: str) -> None:
    """Test set-up only: put a case in a status without a decision."""
    Case.objects.filter(pk=case.pk).update(identification_status=status)


def reasons_of(transition: StatusTransition) -> str:
    key = Person.objects.select_related("data_key").get(case=transition.case_id).data_key
    return vault.decrypt_optional(
        key=key, ciphertext=transition.reasons_enc, context="transition.reasons"
    )


@pytest.fixture
def ngo() -> User:
    return make_user(org_type=OrgType.NGO, role=Role.CASEWORKER, username="ngo-caseworker")


def make_audit_fail(monkeypatch: pytest.MonkeyPatch) -> list[AuditEvent]:
    """From now on each audit event is written, then the transaction fails."""
    real = audit_services.audit_record
    written: list[AuditEvent] = []

    def record_then_fail(**kwargs: Any) -> AuditEvent:
        written.append(real(**kwargs))
        raise RuntimeError("the audit store failed")

    monkeypatch.setattr(audit_services, "audit_record", record_then_fail)
    return written


# --- intake --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_opens_a_case_with_encrypted_identity_and_the_actor_as_lead(ngo: User) -> None:
    # when
    case = open_case(
        actor=ngo,
        narrative="Recruited with a false job offer.",
        forms=[ExploitationForm.LABOUR, ExploitationForm.SURROGACY, ExploitationForm.LABOUR],
        citizenships=["fi", "EE"],
        languages=["FI", "ru"],
    )

    # then
    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert case.identification_status == S.POTENTIAL
    assert case.assistance_eligible
    assert not case.removal_protected
    assert case.forms_of_exploitation == [ExploitationForm.LABOUR, ExploitationForm.SURROGACY]
    assert case.reference.startswith(f"FI-{timezone.localdate().year}-")
    assert case.opened_by == ngo
    assert person.citizenships == ["EE", "FI"]
    assert person.languages == ["fi", "ru"]
    assert b"Aino" not in bytes(person.given_name_enc or b"")
    assert person.name_index == vault.blind_index(value="aino testinen", purpose="person.name")
    assert person.date_of_birth_index == ""
    lead = TeamMembership.objects.get(case=case)
    assert (lead.organisation_id, lead.is_lead) == (ngo.organisation_id, True)
    assert NarrativeEntry.objects.filter(case=case).count() == 1
    intake = StatusTransition.objects.get(case=case)
    assert (intake.from_status, intake.to_status) == ("", S.POTENTIAL)


@pytest.mark.django_db
def test_it_records_the_intake_in_the_audit_trail(ngo: User) -> None:
    # when
    case = open_case(actor=ngo, narrative="Told once.", health_notes="", current_location="")

    # then
    event = AuditEvent.objects.get()
    assert event.action == Action.CREATE
    assert event.actor_id == ngo.pk
    assert event.organisation_id == str(ngo.organisation_id)
    assert event.object_id == str(case.id)
    assert event.person_id == str(case.person_id)
    assert event.field_groups.split(",") == sorted(
        ["identity", "assessment", "legal", "statistical", "contact", "narrative"]
    )
    assert event.purpose == "assistance"


@pytest.mark.django_db
def test_it_opens_nothing_when_the_audit_fails(ngo: User, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    before = counts()
    failing_audit = make_audit_fail(monkeypatch)

    # when
    with pytest.raises(RuntimeError):
        open_case(actor=ngo, narrative="Told once.")

    # then
    assert failing_audit
    assert counts() == before


@pytest.mark.django_db
def test_it_stores_a_date_of_birth_encrypted_with_an_index(ngo: User) -> None:
    # given
    born = date(1990, 5, 17)

    # when
    case = open_case(actor=ngo, date_of_birth=born, age_status=AgeStatus.VERIFIED_ADULT)

    # then
    person = Person.objects.get(pk=case.person_id)
    assert person.birth_year == 1990
    assert person.date_of_birth_index == vault.blind_index(value="1990-05-17", purpose="person.dob")
    assert b"1990" not in bytes(person.date_of_birth_enc or b"")


@pytest.mark.django_db
def test_it_opens_a_case_for_a_person_whose_name_is_not_known(ngo: User) -> None:
    # when
    case = open_case(actor=ngo, given_name="", family_name="", contact="", forms=[])

    # then
    person = Person.objects.get(pk=case.person_id)
    assert person.name_index == ""
    assert person.given_name_enc is None
    assert person.contact_enc is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_it_lets_only_case_roles_open_a_case(role: str) -> None:
    # given
    actor = make_user(role=role)
    before = counts()

    # when
    with pytest.raises(errors.RoleNotAllowed) as raised:
        open_case(actor=actor)

    # then
    assert raised.value.code == "role_not_allowed"
    assert counts() == before


@pytest.mark.django_db
def test_it_refuses_intake_by_a_caseworker_without_an_organisation() -> None:
    # given
    actor = UserFactory.create(organisation=None, role=Role.CASEWORKER)

    # then
    with pytest.raises(errors.RoleNotAllowed):
        open_case(actor=actor)


TODAY = timezone.localdate


def years_ago(years: int, days: int = 0) -> date:
    today = TODAY()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year that has none
        then = today.replace(year=today.year - years, day=28)
    return then + timedelta(days=days)


INVALID_INTAKE: list[tuple[str, dict[str, Any], str]] = [
    ("future birth", {"date_of_birth": TODAY() + timedelta(days=1)}, "date_of_birth"),
    (
        "adult born 10 years ago",
        {"age_status": AgeStatus.VERIFIED_ADULT, "date_of_birth": years_ago(10)},
        "age_status",
    ),
    ("unknown age status", {"age_status": "about_twenty"}, "age_status"),
    ("unknown sex", {"sex": "x"}, "sex"),
    ("unknown gender identity", {"gender_identity": "unsure"}, "gender_identity"),
    ("reversed range", {"estimated_age_min": 30, "estimated_age_max": 20}, "estimated_age_min"),
    ("negative age", {"estimated_age_min": -1}, "estimated_age_min"),
    ("impossible age", {"estimated_age_max": 200}, "estimated_age_max"),
    ("citizenship name", {"citizenships": ["Finland"]}, "citizenships"),
    ("language name", {"languages": ["Finnish"]}, "languages"),
    ("unknown form", {"forms": ["smuggling"]}, "forms_of_exploitation"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [(change, field) for _, change, field in INVALID_INTAKE],
    ids=[name for name, _, _ in INVALID_INTAKE],
)
def test_it_refuses_invalid_intake_with_a_field_and_writes_nothing(
    ngo: User, change: dict[str, Any], field: str
) -> None:
    # given
    before = counts()

    # when
    with pytest.raises(errors.InvalidInput) as raised:
        open_case(actor=ngo, **{"age_status": AgeStatus.UNCERTAIN, **change})

    # then: no Person, no DataKey, no audit event, nothing at all
    assert raised.value.code == "invalid"
    assert raised.value.field == field
    assert counts() == before


@pytest.mark.django_db
def test_it_retries_a_reference_that_is_taken_and_gives_up_after_ten(
    ngo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the random code generator always says "A"
    monkeypatch.setattr(secrets, "choice", lambda alphabet: "A")
    first = open_case(actor=ngo)
    before = counts()

    # when
    with pytest.raises(HavenError) as raised:
        open_case(actor=ngo)

    # then
    assert first.reference.endswith("-AAAAAA")
    assert raised.value.code == "reference_exhausted"
    assert counts() == before


# --- R-10 presumption of minority ----------------------------------------------------------

PRESUMPTION: list[tuple[str, dict[str, Any], str]] = [
    ("nothing known", {}, AgeStatus.UNCERTAIN),
    ("estimated 16-19", {"estimated_age_min": 16, "estimated_age_max": 19}, "presumed"),
    ("estimated 17 or more", {"estimated_age_min": 17}, "presumed"),
    ("estimated 18-25", {"estimated_age_min": 18, "estimated_age_max": 25}, AgeStatus.UNCERTAIN),
    ("estimated at most 16", {"estimated_age_max": 16}, "presumed"),
    ("estimated at most 30", {"estimated_age_max": 30}, AgeStatus.UNCERTAIN),
    ("born 10 years ago", {"date_of_birth": years_ago(10)}, "presumed"),
    ("18 tomorrow", {"date_of_birth": years_ago(18, days=1)}, "presumed"),
    ("18 today", {"date_of_birth": years_ago(18)}, AgeStatus.UNCERTAIN),
    ("born 30 years ago", {"date_of_birth": years_ago(30)}, AgeStatus.UNCERTAIN),
    (
        "estimate under 18 despite a stated adult birth date",
        {"date_of_birth": years_ago(30), "estimated_age_min": 15},
        "presumed",
    ),
    (
        "stated child birth date despite an adult estimate",
        {"date_of_birth": years_ago(15), "estimated_age_min": 25},
        "presumed",
    ),
]


@pytest.mark.parametrize(
    ("facts", "result"),
    [(facts, result) for _, facts, result in PRESUMPTION],
    ids=[name for name, _, _ in PRESUMPTION],
)
def test_it_presumes_a_child_when_an_uncertain_age_may_be_under_18(
    facts: dict[str, Any], result: str
) -> None:
    # given
    person = PersonInput(age_status=AgeStatus.UNCERTAIN, **facts)

    # when
    status = services.presumed_age_status(person, today=TODAY())

    # then
    assert status == (AgeStatus.UNCERTAIN_PRESUMED_CHILD if result == "presumed" else result)


@pytest.mark.parametrize(
    ("given_status", "facts"),
    [
        (AgeStatus.VERIFIED_ADULT, {"estimated_age_min": 15}),
        (AgeStatus.VERIFIED_CHILD, {"estimated_age_min": 30}),
        (AgeStatus.VERIFIED_CHILD, {"date_of_birth": years_ago(40)}),
        (AgeStatus.UNCERTAIN_PRESUMED_CHILD, {"estimated_age_min": 30}),
    ],
)
def test_it_keeps_a_verified_or_already_presumed_age_status(
    given_status: str, facts: dict[str, Any]
) -> None:
    # given
    person = PersonInput(age_status=given_status, **facts)

    # then
    assert services.presumed_age_status(person, today=TODAY()) == given_status


@pytest.mark.django_db
def test_it_treats_a_person_of_uncertain_age_under_18_as_a_child_from_intake(ngo: User) -> None:
    # when
    case = open_case(actor=ngo, age_status=AgeStatus.UNCERTAIN, estimated_age_min=15)
    adult = open_case(actor=ngo, age_status=AgeStatus.UNCERTAIN, estimated_age_min=30)

    # then
    person = Person.objects.get(pk=case.person_id)
    assert person.age_status == AgeStatus.UNCERTAIN_PRESUMED_CHILD
    assert person.treat_as_child
    assert not Person.objects.get(pk=adult.person_id).treat_as_child


# --- R-01 identification status ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), GRID)
def test_it_allows_only_the_transitions_of_the_table(ngo: User, current: str, target: str) -> None:
    # given
    case = open_case(actor=ngo)
    force_status(case, current)
    decided_on = TODAY() - timedelta(days=2)
    before = counts()

    # when
    try:
        transition: StatusTransition | None = services.case_transition(
            pathway_decision=True,
            actor=ngo,
            case_id=case.id,
            to_status=target,
            reasons="Credible account and two strong indicators.",
            decided_on=decided_on,
            legal_basis="CETS Art. 10(2)",
        )
        refused: HavenError | None = None
    except errors.TransitionNotAllowed as exc:
        transition, refused = None, exc

    # then
    case.refresh_from_db()
    if target in ALLOWED[current]:
        assert transition is not None
        assert (transition.from_status, transition.to_status) == (current, target)
        assert transition.decided_on == decided_on
        assert transition.decided_by == ngo
        assert transition.decided_by_organisation_id == ngo.organisation_id
        assert transition.legal_basis == "CETS Art. 10(2)"
        assert b"indicators" not in bytes(transition.reasons_enc or b"")
        assert reasons_of(transition) == "Credible account and two strong indicators."
        assert case.identification_status == target
        event = AuditEvent.objects.latest("id")
        assert event.action == Action.TRANSITION
        assert event.detail == {
            "from": current,
            "to": target,
            "negative": target == S.NOT_IDENTIFIED,
        }
        assert event.field_groups == "legal"
        assert event.purpose == "identification"
    else:
        assert refused is not None
        assert refused.code == "transition_not_allowed"
        assert refused.field == "to_status"
        assert case.identification_status == current
        assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("reasons", ["", "   ", "\n\t"])
def test_it_requires_reasons_for_every_decision(ngo: User, reasons: str) -> None:
    # given
    case = open_case(actor=ngo)
    before = counts()

    # when
    with pytest.raises(errors.ReasonsRequired) as raised:
        services.case_transition(
            pathway_decision=True,
            actor=ngo,
            case_id=case.id,
            to_status=S.NOT_IDENTIFIED,
            reasons=reasons,
            legal_basis="Test Act s. 1",
        )

    # then
    assert (raised.value.code, raised.value.field) == ("reasons_required", "reasons")
    assert counts() == before


@pytest.mark.django_db
def test_it_refuses_a_decision_dated_in_the_future(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    before = counts()

    # when
    with pytest.raises(errors.InvalidInput) as raised:
        services.case_transition(
            pathway_decision=True,
            actor=ngo,
            case_id=case.id,
            to_status=S.PRESUMED,
            reasons="Reasonable grounds.",
            decided_on=TODAY() + timedelta(days=1),
            legal_basis="Test Act s. 1",
        )

    # then
    assert (raised.value.code, raised.value.field) == ("invalid", "decided_on")
    assert counts() == before


@pytest.mark.django_db
def test_it_dates_a_decision_today_when_no_date_is_given(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)

    # when
    transition = services.case_transition(
        pathway_decision=True,
        actor=ngo,
        case_id=case.id,
        to_status=S.PRESUMED,
        reasons="  Reasonable grounds.  ",
        legal_basis="Test Act s. 1",
    )

    # then
    assert transition.decided_on == TODAY()
    assert reasons_of(transition) == "Reasonable grounds."


@pytest.mark.django_db
def test_it_refuses_an_unknown_status(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)

    # when
    with pytest.raises(errors.InvalidInput) as raised:
        services.case_transition(
            pathway_decision=True,
            actor=ngo,
            case_id=case.id,
            to_status="deported",
            reasons="x",
            legal_basis="Test Act s. 1",
        )

    # then
    assert raised.value.field == "to_status"


@pytest.mark.django_db
def test_it_lets_only_organisations_that_see_the_legal_group_decide(ngo: User) -> None:
    # given: a shelter on the team (no legal group) and the police (legal group)
    case = open_case(actor=ngo)
    shelter = make_user(org_type=OrgType.SHELTER)
    police = make_user(org_type=OrgType.POLICE)
    assert shelter.organisation is not None and police.organisation is not None
    add_to_team(case=case, organisation=shelter.organisation)
    add_to_team(case=case, organisation=police.organisation)

    # when
    with pytest.raises(errors.GroupNotAllowed) as raised:
        services.case_transition(
            pathway_decision=True,
            actor=shelter,
            case_id=case.id,
            to_status=S.PRESUMED,
            reasons="x",
            legal_basis="Test Act s. 1",
        )
    transition = services.case_transition(
        pathway_decision=True,
        actor=police,
        case_id=case.id,
        to_status=S.PRESUMED,
        reasons="Reasonable grounds.",
        legal_basis="Test Act s. 1",
    )

    # then
    assert raised.value.code == "field_group_not_allowed"
    assert transition.decided_by_organisation_id == police.organisation.pk


@pytest.mark.django_db
def test_it_answers_an_outsider_as_if_the_case_did_not_exist(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    outsider = make_user()

    # when
    with pytest.raises(errors.CaseNotFound) as raised:
        services.case_transition(
            pathway_decision=True,
            actor=outsider,
            case_id=case.id,
            to_status=S.PRESUMED,
            reasons="x",
            legal_basis="Test Act s. 1",
        )

    # then
    assert raised.value.code == "case_not_found"


@pytest.mark.django_db
def test_it_sets_removal_protection_and_assistance_on_reasonable_grounds(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    assert not case.removal_protected

    # when
    services.case_transition(
        pathway_decision=True,
        actor=ngo,
        case_id=case.id,
        to_status=S.PRESUMED,
        reasons="Reasonable grounds.",
        legal_basis="Test Act s. 1",
    )

    # then: in the same transaction as the decision
    stored = Case.objects.get(pk=case.pk)
    assert stored.removal_protected
    assert stored.assistance_eligible


TARGETS = st.lists(
    st.tuples(st.sampled_from(list(S)), st.sampled_from(["Reasons given.", "", "  "])),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=TARGETS)
def test_no_sequence_of_attempts_leaves_a_case_in_an_invalid_state(
    ngo: User, attempts: list[tuple[str, str]]
) -> None:
    # given
    case = open_case(actor=ngo)
    accepted: list[tuple[str, str]] = []

    # when
    for target, reasons in attempts:
        current = Case.objects.get(pk=case.pk).identification_status
        try:
            services.case_transition(
                pathway_decision=True,
                actor=ngo,
                case_id=case.id,
                to_status=target,
                reasons=reasons,
                legal_basis="Test Act s. 1",
            )
        except (errors.TransitionNotAllowed, errors.ReasonsRequired):
            continue
        accepted.append((current, target))

    # then: every accepted step was in the table, and had reasons
    case.refresh_from_db()
    assert case.identification_status in S.values
    assert all(target in ALLOWED[current] for current, target in accepted)
    # the history replays to the current status
    history = list(case.transitions.order_by("recorded_at", "id"))
    replayed = ""
    for step in history:
        assert step.from_status == replayed
        assert reasons_of(step).strip()
        replayed = step.to_status
    assert replayed == case.identification_status
    assert [(s.from_status, s.to_status) for s in history[1:]] == accepted
    # a presumed victim is protected; R-18: potential, presumed and identified
    # victims are assisted, whatever happened before
    if case.identification_status == S.PRESUMED:
        assert case.removal_protected
    if case.identification_status in (S.POTENTIAL, S.PRESUMED, S.IDENTIFIED):
        assert case.assistance_eligible


# --- narrative -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_appends_to_the_narrative_without_touching_earlier_entries(ngo: User) -> None:
    # given
    case = open_case(actor=ngo, narrative="First account.")
    first = NarrativeEntry.objects.get(case=case)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)

    # when
    entry = services.narrative_append(actor=police, case_id=case.id, text="Second interview.")

    # then
    entries = list(NarrativeEntry.objects.filter(case=case))
    assert [e.pk for e in entries] == [first.pk, entry.pk]
    assert bytes(entries[0].text_enc) == bytes(first.text_enc)
    assert entry.organisation_id == police.organisation.pk
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.field_groups, event.actor_id) == (
        Action.UPDATE,
        "narrative",
        police.pk,
    )


@pytest.mark.django_db
def test_it_refuses_an_empty_narrative_entry(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)
    before = counts()

    # when
    with pytest.raises(errors.InvalidInput) as raised:
        services.narrative_append(actor=ngo, case_id=case.id, text="  \n ")

    # then
    assert raised.value.field == "text"
    assert counts() == before


@pytest.mark.django_db
def test_it_lets_only_organisations_that_see_the_narrative_add_to_it(ngo: User) -> None:
    # given: a health service on the team (no narrative group)
    case = open_case(actor=ngo)
    health = make_user(org_type=OrgType.HEALTH)
    assert health.organisation is not None
    add_to_team(case=case, organisation=health.organisation)
    before = counts()

    # when
    with pytest.raises(errors.GroupNotAllowed) as raised:
        services.narrative_append(actor=health, case_id=case.id, text="A note.")

    # then
    assert raised.value.code == "field_group_not_allowed"
    assert counts() == before


def test_it_offers_no_service_that_edits_or_removes_narrative_entries() -> None:
    # The narrative is append-only: the only narrative service appends.
    narrative_services = [name for name in dir(services) if name.startswith("narrative_")]
    assert narrative_services == ["narrative_append"]


# --- failures after the audit event roll everything back -----------------------------------

FailingCall = Callable[[User, Case], object]
ROLLED_BACK: list[tuple[str, FailingCall]] = [
    (
        "case_transition",
        lambda actor, case: services.case_transition(
            pathway_decision=True,
            actor=actor,
            case_id=case.id,
            to_status=S.PRESUMED,
            reasons="Grounds.",
            legal_basis="Test Act s. 1",
        ),
    ),
    (
        "narrative_append",
        lambda actor, case: services.narrative_append(
            actor=actor, case_id=case.id, text="More of the story."
        ),
    ),
    ("person_erase", lambda actor, case: services.person_erase(actor=actor, case_id=case.id)),
    ("case_read", lambda actor, case: selectors.case_read(user=actor, case_id=case.id)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("call", [c for _, c in ROLLED_BACK], ids=[n for n, _ in ROLLED_BACK])
def test_it_leaves_nothing_half_written_when_it_fails_after_the_audit_event(
    monkeypatch: pytest.MonkeyPatch, call: FailingCall
) -> None:
    # given: a supervisor of the lead (allowed to do all of these)
    actor = make_user(role=Role.SUPERVISOR)
    case = open_case(actor=actor, narrative="Told once.")
    before = counts()
    written = make_audit_fail(monkeypatch)

    # when
    with pytest.raises(RuntimeError):
        call(actor, case)

    # then: the event was written, then rolled back together with the change
    assert written
    assert counts() == before
    stored = Case.objects.select_related("person__data_key").get(pk=case.pk)
    assert stored.identification_status == S.POTENTIAL
    assert stored.person.erased_at is None
    assert stored.person.data_key.destroyed_at is None


# --- erasure -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_a_supervisor_of_the_lead_erase_a_person() -> None:
    # given
    supervisor = make_user(role=Role.SUPERVISOR)
    case = open_case(actor=supervisor, narrative="Told once.")

    # when
    person = services.person_erase(actor=supervisor, case_id=case.id)

    # then: the key is gone, the ciphertexts cannot be read, the indexes are blank
    stored = Person.objects.select_related("data_key").get(pk=person.pk)
    assert stored.erased_at is not None
    assert stored.name_index == ""
    assert stored.data_key.destroyed_at is not None
    with pytest.raises(KeyDestroyed):
        vault.decrypt(
            key=stored.data_key,
            ciphertext=stored.given_name_enc or b"",
            context="person.given_name",
        )
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.person_id) == (Action.ERASE, str(person.pk))
    assert set(event.field_groups.split(",")) == set(FieldGroup)


@pytest.mark.django_db
def test_it_shows_an_erased_case_without_any_personal_data() -> None:
    # given
    supervisor = make_user(role=Role.SUPERVISOR)
    case = open_case(actor=supervisor, narrative="Told once.")
    services.person_erase(actor=supervisor, case_id=case.id)
    events = AuditEvent.objects.count()

    # when
    view = selectors.case_read(user=supervisor, case_id=case.id)

    # then
    assert view.erased
    assert all(group.data is None for group in view.groups)
    assert AuditEvent.objects.count() == events  # nothing was read


@pytest.mark.django_db
def test_it_refuses_erasure_to_anyone_but_a_supervisor_of_the_lead() -> None:
    # given
    lead_caseworker = make_user(role=Role.CASEWORKER)
    case = open_case(actor=lead_caseworker)
    member_supervisor = make_user(role=Role.SUPERVISOR)
    assert member_supervisor.organisation is not None
    add_to_team(case=case, organisation=member_supervisor.organisation)
    lead_supervisor = UserFactory.create(
        organisation=lead_caseworker.organisation, role=Role.SUPERVISOR
    )
    outsider_supervisor = make_user(role=Role.SUPERVISOR)
    before = counts()

    # when / then
    for refused in (lead_caseworker, member_supervisor):
        with pytest.raises(errors.RoleNotAllowed) as raised:
            services.person_erase(actor=refused, case_id=case.id)
        assert raised.value.code == "role_not_allowed"
    with pytest.raises(errors.CaseNotFound):
        services.person_erase(actor=outsider_supervisor, case_id=case.id)
    assert counts() == before
    assert Person.objects.get(pk=case.person_id).erased_at is None
    services.person_erase(actor=lead_supervisor, case_id=case.id)
    assert Person.objects.get(pk=case.person_id).erased_at is not None


@pytest.mark.django_db
def test_it_refuses_to_erase_a_person_twice_and_keeps_the_first_record() -> None:
    # given
    supervisor = make_user(role=Role.SUPERVISOR)
    case = open_case(actor=supervisor)
    first = services.person_erase(actor=supervisor, case_id=case.id)
    before = counts()

    # when
    with pytest.raises(errors.AlreadyErased) as raised:
        services.person_erase(actor=supervisor, case_id=case.id)

    # then
    assert raised.value.code == "already_erased"
    assert raised.value.http_status == 409
    assert Person.objects.get(pk=first.pk).erased_at == first.erased_at
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("estimate", "refused"), [(15, True), (17, True), (18, False), (25, False)]
)
def test_r10_intake_refuses_a_verified_adult_whose_estimated_age_reaches_below_18(
    ngo: User, estimate: int, refused: bool
) -> None:
    # given: a verified adult with an estimated age (lowest or highest) of ``estimate``
    facts: dict[str, Any] = {"age_status": AgeStatus.VERIFIED_ADULT, "estimated_age_max": estimate}

    # when / then: nothing is written when refused
    if refused:
        with pytest.raises(errors.InvalidInput) as invalid:
            open_case(actor=ngo, **facts)
        assert invalid.value.field == "age_status"
        assert not Case.objects.exists()
    else:
        case = open_case(actor=ngo, **facts)
        assert Person.objects.get(pk=case.person_id).age_status == AgeStatus.VERIFIED_ADULT


@pytest.mark.django_db
@pytest.mark.parametrize("legal_basis", ["", "   "])
def test_r01_a_status_change_without_a_legal_basis_is_refused(ngo: User, legal_basis: str) -> None:
    # given
    case = open_case(actor=ngo)

    # when
    with pytest.raises(errors.LegalBasisRequired) as raised:
        services.case_transition(
            actor=ngo,
            case_id=case.id,
            to_status=S.WITHDRAWN,
            reasons="The person left the mechanism.",
            legal_basis=legal_basis,
        )

    # then
    assert (raised.value.code, raised.value.field) == (
        errors.ErrorCode.LEGAL_BASIS_REQUIRED,
        "legal_basis",
    )
    assert Case.objects.get(pk=case.pk).identification_status == S.POTENTIAL
