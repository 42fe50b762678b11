"""Recording and reading screenings: R-04, R-05, R-08, R-09, R-10, versions, access."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from haven.access.models import FieldGroup
from haven.accounts.models import Organisation, OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.errors import CaseNotFound, GroupNotAllowed
from haven.cases.models import Case, ExploitationForm
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Task
from haven.identification import clocks as identification_clocks
from haven.identification import engine, errors, loader
from haven.identification.models import IndicatorSet, ObservationSource, ScreeningObservation
from haven.identification.selectors import screening as selectors
from haven.identification.services import decisions as decision_services
from haven.identification.services import indicator_sets as set_services
from haven.identification.services import screening as services
from haven.identification.tests.factories import (
    ADULT_CONSISTENT,
    CHILD_CONSISTENT,
    INSUFFICIENT,
    load_empty_set,
    load_shipped_sets,
    national_file,
    screen,
    text_of,
)
from haven.vault import services as vault

pytestmark = pytest.mark.django_db

SCREENING_REVIEW_DAYS = 7  # the default pathway (data/pathways.yaml)


@pytest.fixture
def sets() -> dict[str, IndicatorSet]:
    return load_shipped_sets()


@pytest.fixture
def worker() -> User:
    return make_user(org_type=OrgType.NGO)


def child_case(actor: User) -> Case:
    return open_case(actor=actor, age_status="uncertain_presumed_child", date_of_birth=None)


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


# --- recording ----------------------------------------------------------------------------


def test_it_records_the_result_the_set_version_and_the_observations(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    screening = screen(actor=worker, case=case, note="Said the job was in a hotel.")

    # then
    assert screening.indicator_set == sets["adults_labour"]
    assert screening.outcome == engine.CONSISTENT
    assert screening.result["outcome"] == "indicators_consistent_with_trafficking"
    assert screening.result["elements"]["DR"] == {
        "strong": 1,
        "medium": 1,
        "weak": 0,
        "positive": True,
    }
    assert screening.treated_as_child is False
    assert screening.child_policy == ""
    assert screening.organisation == org_of(worker)
    observations = ScreeningObservation.objects.filter(screening=screening)
    assert sorted(o.indicator.code for o in observations) == sorted(ADULT_CONSISTENT)


def test_it_encrypts_each_note_with_the_persons_key(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    screening = screen(actor=worker, case=case, codes=["DR-01"], note="Passport taken at arrival.")

    # then
    row = ScreeningObservation.objects.get(screening=screening)
    assert row.note_enc is not None
    assert b"Passport" not in bytes(row.note_enc)
    plain = vault.decrypt(
        key=case.person.data_key, ciphertext=row.note_enc, context="screening.note"
    )
    assert plain == "Passport taken at arrival."


def test_an_empty_note_is_stored_as_nothing(sets: dict[str, IndicatorSet], worker: User) -> None:
    # when
    screening = screen(actor=worker, case=open_case(actor=worker), codes=["DR-01"], note="  ")

    # then
    assert ScreeningObservation.objects.get(screening=screening).note_enc is None


def test_it_records_an_audit_event_for_the_assessment_group(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    screening = screen(actor=worker, case=case)

    # then
    event = AuditEvent.objects.get(object_type="identification.Screening")
    assert event.object_id == str(screening.id)
    assert event.person_id == str(case.person_id)
    assert event.field_groups == FieldGroup.ASSESSMENT
    assert event.purpose == "identification"
    assert event.detail == {
        "set": "adults_labour",
        "version": 1,
        "outcome": "indicators_consistent_with_trafficking",
    }


# --- decision support only -------------------------------------------------


def test_r04_a_consistent_screening_never_moves_the_status(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    screen(actor=worker, case=case, codes=ADULT_CONSISTENT)

    # then
    case.refresh_from_db()
    assert case.identification_status == IdentificationStatus.POTENTIAL
    assert case.removal_protected is False
    assert not Task.objects.filter(case=case, kind=identification_clocks.SCREENING_REVIEW).exists()


def test_r04_a_case_can_be_presumed_after_an_insufficient_screening(
    sets: dict[str, IndicatorSet],
) -> None:
    # given: social services may take the reasonable-grounds decision (default pathway)
    decider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    case = open_case(actor=decider)
    screening = screen(actor=decider, case=case, codes=INSUFFICIENT)

    # when
    decision_services.decision_record(
        actor=decider,
        case_id=case.id,
        decision_type="reasonable_grounds",
        outcome="positive",
        reasons="Own credible account.",
        legal_basis="Test Act s. 1",
    )

    # then
    case.refresh_from_db()
    assert screening.outcome == engine.INSUFFICIENT
    assert case.identification_status == IdentificationStatus.PRESUMED


@time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=timezone.get_fixed_timezone(120)))
def test_r09_an_insufficient_result_keeps_a_presumed_case_presumed_and_opens_a_review(
    sets: dict[str, IndicatorSet],
) -> None:
    # given
    worker = make_user(org_type=OrgType.SOCIAL_SERVICES)
    case = open_case(actor=worker)
    decision_services.decision_record(
        actor=worker,
        case_id=case.id,
        decision_type="reasonable_grounds",
        outcome="positive",
        reasons="Reasonable grounds.",
        legal_basis="Test Act s. 1",
    )

    # when
    screening = screen(actor=worker, case=case, codes=INSUFFICIENT)

    # then
    case.refresh_from_db()
    assert screening.outcome == "insufficient_indicators_recorded"
    assert case.identification_status == IdentificationStatus.PRESUMED
    assert case.removal_protected is True
    assert case.assistance_eligible is True
    task = Task.objects.get(case=case, kind=identification_clocks.SCREENING_REVIEW)
    assert task.detail == {"screening_id": str(screening.id)}
    assert task.assigned_organisation == org_of(worker)
    assert timezone.localdate(task.due_at) == date(2025, 3, 3) + timedelta(
        days=SCREENING_REVIEW_DAYS
    )
    assert task.status == Task.Status.OPEN


def test_r09_a_consistent_result_opens_no_review(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    screen(actor=worker, case=open_case(actor=worker), codes=ADULT_CONSISTENT)

    # then
    assert not Task.objects.filter(kind=identification_clocks.SCREENING_REVIEW).exists()


def test_r09_a_screening_with_nothing_observed_is_insufficient_and_reviewed(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    screening = screen(actor=worker, case=open_case(actor=worker), codes=[])

    # then
    assert screening.outcome == engine.INSUFFICIENT
    assert Task.objects.filter(kind=identification_clocks.SCREENING_REVIEW).count() == 1


# --- children --------------------------------------------------------------


def test_r10_a_presumed_child_is_screened_with_the_child_set(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = child_case(worker)

    # when
    screening = screen(actor=worker, case=case, set_key="children_labour", codes=CHILD_CONSISTENT)

    # then
    assert screening.treated_as_child is True
    assert screening.indicator_set == sets["children_labour"]
    assert screening.child_policy == "legal_baseline"
    assert screening.outcome == engine.CONSISTENT
    assert screening.result["victim_rule"] == "legal_baseline"


def test_r10_an_adult_set_is_refused_for_a_presumed_child(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = child_case(worker)

    # when
    with pytest.raises(errors.SetAudienceMismatch) as refused:
        screen(actor=worker, case=case, set_key="adults_labour")

    # then
    assert refused.value.code == "child_set_required"
    assert refused.value.field == "set"


def test_r10_a_child_set_is_refused_for_an_adult(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    with pytest.raises(errors.SetAudienceMismatch) as refused:
        screen(actor=worker, case=open_case(actor=worker), set_key="children_labour")

    # then
    assert refused.value.code == "adult_set_required"


def test_r08_the_act_established_answer_decides_for_a_child(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: exploitation positive, no recruitment indicator recorded
    case = child_case(worker)

    # when
    told = screen(
        actor=worker,
        case=case,
        set_key="children_labour",
        codes=["EX-01", "EX-02"],
        act_established=True,
    )
    not_told = screen(actor=worker, case=case, set_key="children_labour", codes=["EX-01", "EX-02"])

    # then
    assert told.outcome == engine.CONSISTENT
    assert told.act_established is True
    assert not_told.outcome == engine.INSUFFICIENT
    assert not_told.act_established is None


@override_settings(HAVEN_CHILD_VICTIM_POLICY="ilo_strict_unverified")
def test_r08_the_configured_child_policy_is_used(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    screening = screen(
        actor=worker,
        case=child_case(worker),
        set_key="children_labour",
        codes=CHILD_CONSISTENT,
        act_established=True,
    )

    # then
    assert screening.child_policy == "ilo_strict_unverified"
    assert screening.outcome == engine.INSUFFICIENT  # DR is not positive: the means are missing


@override_settings(HAVEN_CHILD_VICTIM_POLICY="whatever_is_kind")
def test_r08_an_unknown_child_policy_is_a_configuration_error(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    with pytest.raises(errors.ChildPolicyInvalid) as refused:
        screen(actor=worker, case=child_case(worker), set_key="children_labour")

    # then
    assert refused.value.code == "child_policy_invalid"


# --- refusals -----------------------------------------------------------------------------


def test_a_set_without_indicators_is_refused_with_a_clear_message(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    empty = load_empty_set()

    # when
    with pytest.raises(errors.IndicatorSetEmpty) as refused:
        screen(actor=worker, case=open_case(actor=worker), set_key=empty.key, codes=[])

    # then
    assert refused.value.code == "indicator_set_empty"
    assert "no indicators yet" in refused.value.message


def test_an_unknown_set_is_refused(sets: dict[str, IndicatorSet], worker: User) -> None:
    # when
    with pytest.raises(errors.IndicatorSetUnknown) as refused:
        screen(actor=worker, case=open_case(actor=worker), set_key="elderly_labour")

    # then
    assert refused.value.code == "indicator_set_unknown"


def test_unknown_indicator_codes_are_refused_and_named(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: RV-07 is in the adult set only
    case = child_case(worker)

    # when
    with pytest.raises(errors.UnknownIndicators) as refused:
        screen(actor=worker, case=case, set_key="children_labour", codes=["RV-07", "DR-01", "X"])

    # then
    assert refused.value.code == "unknown_indicators"
    assert refused.value.ids == ["RV-07", "X"]
    assert "RV-07, X" in refused.value.message


def test_an_indicator_recorded_twice_is_refused(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    with pytest.raises(errors.ObservationInvalid) as refused:
        screen(actor=worker, case=open_case(actor=worker), codes=["DR-01", "DR-01"])

    # then
    assert refused.value.code == "observation_invalid"


def test_an_observation_needs_a_known_source(sets: dict[str, IndicatorSet], worker: User) -> None:
    # when
    with pytest.raises(errors.ObservationInvalid) as refused:
        screen(actor=worker, case=open_case(actor=worker), codes=["DR-01"], source="rumour")

    # then
    assert refused.value.field == "observations"


def test_an_erased_person_cannot_be_screened(sets: dict[str, IndicatorSet]) -> None:
    # given
    supervisor = make_user(org_type=OrgType.NGO, role="supervisor")
    case = open_case(actor=supervisor)
    case_services.person_erase(actor=supervisor, case_id=case.id)

    # when
    with pytest.raises(errors.PersonErased) as refused:
        screen(actor=supervisor, case=case)

    # then
    assert refused.value.code == "person_erased"


@pytest.mark.parametrize(
    ("org_type", "on_team", "expected"),
    [
        (OrgType.NGO, True, "recorded"),
        (OrgType.LABOUR_INSPECTORATE, True, "recorded"),
        (OrgType.HEALTH, True, "field_group_not_allowed"),
        (OrgType.NGO, False, "case_not_found"),
    ],
)
def test_only_team_members_who_see_assessments_may_screen(
    sets: dict[str, IndicatorSet], worker: User, org_type: str, on_team: bool, expected: str
) -> None:
    # given
    case = open_case(actor=worker)
    other = make_user(org_type=org_type)
    if on_team:
        add_to_team(case=case, organisation=org_of(other))

    # when
    try:
        screen(actor=other, case=case)
    except (GroupNotAllowed, CaseNotFound) as refused:
        outcome = refused.code
    else:
        outcome = "recorded"

    # then
    assert outcome == expected


# --- versions -----------------------------------------------------------------------------


def test_a_new_set_version_never_changes_an_old_screening(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: DR-02 medium in version 1, so DR is positive with DR-01
    case = open_case(actor=worker)
    old = screen(actor=worker, case=case)
    stored = dict(old.result)
    text = loader.SHIPPED_FILE.read_text(encoding="utf-8")
    changed = text.replace(
        '{id: DR-02, label: "Deceived about conditions of work", strength: M}',
        '{id: DR-02, label: "Deceived about conditions of work", strength: W}',
        1,
    )
    assert changed != text

    # when
    set_services.indicator_sets_load(actor=None, text=changed, file_name="v2.yaml")
    new = screen(actor=worker, case=case)

    # then
    old.refresh_from_db()
    assert old.indicator_set.version == 1
    assert old.result == stored
    assert new.indicator_set.version == 2
    assert new.result["version"] == 2
    assert new.result["elements"]["DR"]["weak"] == 1
    view = selectors.screening_get(user=worker, screening_id=old.id)
    assert [o.strength for o in view.elements[0].observations] == ["S", "M"]


# --- the suggested set (R-05, R-10) -------------------------------------------------------


@pytest.mark.parametrize(
    ("age_status", "forms", "expected"),
    [
        ("verified_adult", [ExploitationForm.LABOUR], "adults_labour"),
        ("verified_adult", [ExploitationForm.CRIMINAL], "adults_labour"),
        ("verified_adult", [ExploitationForm.SEXUAL], "adults_sexual"),
        ("verified_adult", [ExploitationForm.LABOUR, ExploitationForm.SEXUAL], "adults_sexual"),
        ("uncertain_presumed_child", [ExploitationForm.SEXUAL], "children_sexual"),
        ("verified_child", [ExploitationForm.SEXUAL], "children_sexual"),
        ("verified_child", [], "children_labour"),
    ],
)
def test_r10_it_suggests_the_set_by_age_and_form_of_exploitation(
    sets: dict[str, IndicatorSet], worker: User, age_status: str, forms: list[str], expected: str
) -> None:
    # given
    case = open_case(actor=worker, age_status=age_status, forms=forms, date_of_birth=None)

    # when
    suggested = selectors.screening_suggested_set(case=case)

    # then
    assert suggested is not None
    assert suggested.key == expected


def test_r05_it_suggests_the_sexual_set_once_it_has_indicators(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    data = national_file()
    data["sets"] = {"adults_sexual": {**data["sets"]["adults_criminality"]}}
    set_services.indicator_sets_load(actor=None, text=text_of(data), file_name="sexual.yaml")
    case = open_case(actor=worker, forms=[ExploitationForm.SEXUAL, ExploitationForm.LABOUR])

    # when
    suggested = selectors.screening_suggested_set(case=case)

    # then
    assert suggested is not None
    assert (suggested.key, suggested.version) == ("adults_sexual", 2)


def test_it_suggests_a_national_set_of_the_right_audience_when_it_is_the_only_one(
    worker: User,
) -> None:
    # given: only a national file, no ILO sets
    set_services.indicator_sets_load(actor=None, text=text_of(national_file()), file_name="n.yaml")

    # when
    adult = selectors.screening_suggested_set(case=open_case(actor=worker))
    child = selectors.screening_suggested_set(case=child_case(worker))

    # then
    assert adult is not None
    assert adult.key == "adults_criminality"
    assert child is None


def test_the_sets_offered_are_the_latest_of_the_persons_audience(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # when
    offered = selectors.screening_sets_for(case=child_case(worker))

    # then
    assert [(s.key, s.indicator_count) for s in offered] == [
        ("children_labour", 65),
        ("children_sexual", 65),
    ]


# --- reading ------------------------------------------------------------------------------


def test_it_lists_a_cases_screenings_newest_first_and_audits_the_read(
    sets: dict[str, IndicatorSet], worker: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    case = open_case(actor=worker)
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        first = screen(actor=worker, case=case, codes=INSUFFICIENT)
    second = screen(actor=worker, case=case)
    for _more in range(3):
        screen(actor=worker, case=case)
    before = AuditEvent.objects.count()

    # when: in a savepoint pair, the case, the team (once: the case gate decides with the
    # team it loaded to see the case), the reader's live break-glass grants (issue 4:
    # checked before the team rules, even for the case lead), the screenings with their
    # sets, users and counts, and the audit append (head, event, head) in its own
    # savepoint pair: the same for 5 as for 50.
    # Issue 13: the audit append is one insert now (was 5).
    with django_assert_num_queries(7):
        rows = selectors.screening_list(user=worker, case_id=case.id).screenings

    # then
    assert rows[-1] == first
    assert rows[-2] == second
    assert [r.observation_count for r in rows][-2:] == [6, 1]
    event = AuditEvent.objects.order_by("id")[before]
    assert (event.action, event.object_type, event.field_groups) == (
        "read",
        "cases.Case",
        "assessment",
    )


def test_r06_the_explanation_names_the_indicators_recorded_when_none_is_enough(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: one medium and two weak indicators of RV, short of every minimum combination
    case = open_case(actor=worker)
    screening = services.screening_record(
        actor=worker,
        case_id=case.id,
        set_key="adults_labour",
        observations=[
            ("RV-01", ObservationSource.OWN_ACCOUNT, ""),
            ("RV-15", ObservationSource.OWN_ACCOUNT, ""),
            ("RV-16", ObservationSource.OBSERVATION, ""),
        ],
    )

    # when
    view = selectors.screening_get(user=worker, screening_id=screening.id)

    # then
    rv = next(element for element in view.elements if element.code == "RV")
    assert (rv.strong, rv.medium, rv.weak, rv.positive) == (0, 1, 2, False)
    assert rv.why == "Not positive: no minimum combination is met (recorded: 1 medium + 2 weak)."


def test_it_gives_a_screening_grouped_per_element_with_notes_and_why(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given
    case = open_case(actor=worker)
    screening = services.screening_record(
        actor=worker,
        case_id=case.id,
        set_key="adults_labour",
        observations=[
            ("DR-02", ObservationSource.DOCUMENT, "Contract says cleaner."),
            ("DR-01", ObservationSource.OWN_ACCOUNT, ""),
            ("EX-01", ObservationSource.OBSERVATION, ""),
        ],
    )

    # when
    view = selectors.screening_get(user=worker, screening_id=screening.id)

    # then
    dr, cr, _rv, ex = view.elements[:4]
    assert (dr.code, dr.strong, dr.medium, dr.positive) == ("DR", 1, 1, True)
    assert [o.code for o in dr.observations] == ["DR-01", "DR-02"]
    assert dr.observations[1].note == "Contract says cleaner."
    assert dr.observations[1].source_label == "A document"
    assert dr.why == (
        "Positive: the recorded indicators meet the minimum combination "
        "1 strong + 1 medium or weak."
    )
    assert ex.why.startswith("Not positive: no minimum combination is met.")
    assert cr.why == "Not positive: no indicator of this element was recorded."
    assert view.consistent is False
    assert view.review_task_opened is True
    assert view.provisional is True
    assert view.source.year == "2009"
    assert AuditEvent.objects.filter(
        object_type="identification.Screening", action="read", object_id=str(screening.id)
    ).exists()


@pytest.mark.parametrize("relation", ["team_ngo", "team_health", "outsider", "missing", "junk"])
def test_a_screening_is_shown_only_to_who_sees_the_cases_assessments(
    sets: dict[str, IndicatorSet], worker: User, relation: str
) -> None:
    # given
    case = open_case(actor=worker)
    screening = screen(actor=worker, case=case)
    org_type = OrgType.HEALTH if relation == "team_health" else OrgType.NGO
    reader = make_user(org_type=org_type)
    if relation.startswith("team"):
        add_to_team(case=case, organisation=org_of(reader))
    screening_id: object = {
        "missing": "00000000-0000-0000-0000-000000000000",
        "junk": "not-an-id",
    }.get(relation, screening.id)

    # when
    try:
        selectors.screening_get(user=reader, screening_id=screening_id)
    except (errors.ScreeningNotFound, GroupNotAllowed) as refused:
        outcome = refused.code
    else:
        outcome = "shown"

    # then
    expected = {
        "team_ngo": "shown",
        "team_health": "field_group_not_allowed",
    }.get(relation, "screening_not_found")
    assert outcome == expected


def test_an_erased_persons_screening_shows_no_notes(sets: dict[str, IndicatorSet]) -> None:
    # given
    supervisor = make_user(org_type=OrgType.NGO, role="supervisor")
    case = open_case(actor=supervisor)
    screening = screen(actor=supervisor, case=case, codes=["DR-01"], note="Secret detail.")
    case_services.person_erase(actor=supervisor, case_id=case.id)

    # when
    view = selectors.screening_get(user=supervisor, screening_id=screening.id)

    # then
    assert view.erased is True
    assert view.elements[0].observations[0].note == ""


# --- every screening of a case at once (the report for the person, issue 13) ------------


def test_a_cases_screenings_are_shown_at_once_as_each_is_shown_alone(
    sets: dict[str, IndicatorSet], worker: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given: two screenings with notes
    case = open_case(actor=worker)
    first = screen(actor=worker, case=case, codes=["DR-01"], note="Told at intake.")
    second = screen(actor=worker, case=case, codes=["EX-01"], note="Seen at the site.")
    listing = selectors.screening_list(user=worker, case_id=case.id)
    before = AuditEvent.objects.filter(object_type="identification.Screening").count()

    # when: the observations of both in one query (the case and its gate already loaded)
    with case_selectors.gate_once():
        selectors.screening_list(user=worker, case_id=case.id)
        # its transaction (a savepoint here), the observations, the two reads recorded
        with django_assert_num_queries(5):
            views = selectors.screening_views(user=worker, listing=listing)

    # then: what screening_get shows of each, and each read recorded as there
    assert set(views) == {first.id, second.id}
    for screening in (first, second):
        alone = selectors.screening_get(user=worker, screening_id=screening.id)
        assert views[screening.id].elements == alone.elements
    recorded = AuditEvent.objects.filter(object_type="identification.Screening")
    assert recorded.count() - before == 4  # two at once, two alone


def test_a_cases_screenings_are_refused_at_once_as_each_is_refused_alone(
    sets: dict[str, IndicatorSet], worker: User
) -> None:
    # given: a health service on the team (never the assessment group) and the lead's list
    case = open_case(actor=worker)
    screen(actor=worker, case=case)
    listing = selectors.screening_list(user=worker, case_id=case.id)
    reader = make_user(org_type=OrgType.HEALTH)
    add_to_team(case=case, organisation=org_of(reader))

    # when / then
    with pytest.raises(GroupNotAllowed):
        selectors.screening_views(user=reader, listing=listing)
    assert selectors.screening_views(user=worker, listing=listing)  # allowed: the lead
