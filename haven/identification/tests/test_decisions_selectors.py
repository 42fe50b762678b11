"""Decision reads: legal group only, decrypted, audited; the options of the pathway."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import errors as case_errors
from haven.cases import services as case_services
from haven.cases.tests.factories import add_to_team
from haven.children.tests.factories import appoint_guardian
from haven.deadlines.models import Task
from haven.identification import errors
from haven.identification.selectors import decisions as selectors
from haven.identification.selectors import letters as letter_selectors
from haven.identification.services import decisions as services
from haven.identification.tests.test_decisions_services import CG, RG, TODAY, org_of, record, team

pytestmark = pytest.mark.django_db


def test_it_lists_the_decisions_with_reasons_and_reconsiderations() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds="New facts.")
    positive = record(t.police, t.case, reasons="Credible.")
    # when
    found = selectors.decision_list(user=t.ngo, case_id=t.case.id)
    # then
    first, second = found.decisions
    assert found.case == t.case
    assert (first.id, first.outcome, first.reasons, first.to_status) == (
        negative.id,
        "negative",
        "Not enough.",
        "not_identified",
    )
    assert first.type_label == "Reasonable grounds decision"
    assert first.outcome_label == "Negative"
    assert first.served_to_label == "The person"
    assert [(r.grounds, r.status, r.new_decision_id) for r in first.reconsiderations] == [
        ("New facts.", "decided", positive.id)
    ]
    assert not first.may_request_reconsideration  # superseded
    assert (second.to_status, second.to_status_label) == ("presumed", "Presumed victim")
    assert not second.may_request_reconsideration  # positive


def test_only_the_latest_negative_decision_without_an_open_request_may_be_reconsidered() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    # when
    before = selectors.decision_get(user=t.ngo, decision_id=negative.id)
    services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds="Again.")
    after = selectors.decision_get(user=t.ngo, decision_id=negative.id)
    # then
    assert before.may_request_reconsideration
    assert not after.may_request_reconsideration


def test_a_decision_that_changed_no_status_says_so() -> None:
    # given
    t = team()
    negative = record(t.police, t.case, outcome="negative", reasons="Not enough.")
    services.reconsideration_request(actor=t.ngo, decision_id=negative.id, grounds="Again.")
    upheld = record(t.police, t.case, outcome="negative", reasons="Still not.")
    # when
    view = selectors.decision_get(user=t.police, decision_id=upheld.id)
    # then
    assert (view.to_status, view.to_status_label) == (None, "")


def test_the_reads_are_audited_in_the_legal_group() -> None:
    # given
    t = team()
    decision = record(t.police, t.case)
    before = AuditEvent.objects.count()
    # when
    selectors.decision_list(user=t.ngo, case_id=t.case.id)
    selectors.decision_get(user=t.ngo, decision_id=decision.id)
    selectors.decision_options(user=t.police, case_id=t.case.id)
    # then
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.field_groups, e.purpose) for e in events] == [
        (Action.READ, "legal", "identification")
    ] * 3
    assert events[1].object_id == str(decision.id)


def test_hidden_and_missing_decisions_look_the_same() -> None:
    # given
    t = team()
    decision = record(t.police, t.case)
    outsider = make_user(org_type=OrgType.POLICE)
    # then
    for user, decision_id in (
        (outsider, decision.id),
        (t.ngo, "00000000-0000-0000-0000-000000000000"),
        (t.ngo, "not-a-uuid"),
    ):
        with pytest.raises(errors.DecisionNotFound) as caught:
            selectors.decision_get(user=user, decision_id=decision_id)
        assert caught.value.code == "decision_not_found"
    assert selectors.decision_get(user=t.ngo, decision_id=decision.id).id == decision.id
    with pytest.raises(case_errors.CaseNotFound):
        selectors.decision_list(user=outsider, case_id=t.case.id)


def test_a_team_member_without_the_legal_group_reads_no_decision() -> None:
    # given
    t = team()
    decision = record(t.police, t.case)
    shelter = make_user(org_type=OrgType.SHELTER)
    add_to_team(case=t.case, organisation=org_of(shelter), by=t.ngo)
    # then
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.decision_list(user=shelter, case_id=t.case.id)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.decision_get(user=shelter, decision_id=decision.id)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.decision_options(user=shelter, case_id=t.case.id)


def test_an_erased_persons_reasons_are_not_read() -> None:
    # given
    t = team()
    record(t.police, t.case, outcome="negative", reasons="Not enough.")
    supervisor = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=org_of(t.ngo))
    case_services.person_erase(actor=supervisor, case_id=t.case.id)
    # when
    (view,) = selectors.decision_list(user=t.ngo, case_id=t.case.id).decisions
    # then
    assert view.reasons == ""
    assert not view.may_request_reconsideration


def test_r17_a_letter_to_a_childs_representative_names_the_one_appointed_now() -> None:
    # given
    t = team(child=True)
    to_representative = record(t.police, t.case, served_to="representative")
    appoint_guardian(actor=t.ngo, case=t.case, name="Ilona Holhooja")
    other = team(child=True)
    unnamed = record(other.police, other.case, served_to="representative")
    third = team(child=True)
    to_authority = record(third.police, third.case, served_to="local_authority")
    # when
    named = letter_selectors.decision_letter(user=t.police, decision_id=to_representative.id)
    none_yet = letter_selectors.decision_letter(user=other.police, decision_id=unnamed.id)
    authority = letter_selectors.decision_letter(user=third.police, decision_id=to_authority.id)
    # then
    assert (named.representative, named.representative_kind) == ("Ilona Holhooja", "Legal guardian")
    assert (none_yet.representative, none_yet.representative_kind) == ("", "")
    assert (authority.representative, authority.representative_kind) == ("", "")
    assert named.open_request is None


def test_an_erased_childs_letter_names_no_representative() -> None:
    # given
    t = team(child=True)
    decision = record(t.police, t.case, outcome="negative", served_to="representative")
    appoint_guardian(actor=t.ngo, case=t.case)
    services.reconsideration_request(
        actor=t.ngo, decision_id=decision.id, requested_on=decision.decided_on, grounds="New."
    )
    supervisor = make_user(org_type=OrgType.NGO, role=Role.SUPERVISOR, organisation=org_of(t.ngo))
    case_services.person_erase(actor=supervisor, case_id=t.case.id)
    # when
    letter = letter_selectors.decision_letter(user=t.ngo, decision_id=decision.id)
    # then
    assert (letter.representative, letter.representative_kind) == ("", "")
    assert letter.open_request is not None
    assert letter.open_request.requested_on == decision.decided_on


# --- the options of the pathway -----------------------------------------------------------


def test_the_options_show_who_decides_what_and_when_at_the_start() -> None:
    # given
    with time_machine.travel(TODAY, tick=False):
        t = team(child=True, opened_on=None)
        # when
        for_police = selectors.decision_options(user=t.police, case_id=t.case.id)
        for_ngo = selectors.decision_options(user=t.ngo, case_id=t.case.id)
    # then
    assert for_police.treat_as_child
    assert not for_police.pathway.confirmed
    reasonable = for_police.option(RG)
    conclusive = for_police.option(CG)
    assert reasonable is not None and conclusive is not None
    assert (reasonable.may_take, reasonable.available) == (True, True)
    assert reasonable.target_on == TODAY + timedelta(days=7)  # five working days from a Friday
    assert "police" in reasonable.deciding_org_types
    assert (conclusive.available, conclusive.blocked_code) == (False, "previous_decision_required")
    assert conclusive.earliest_on is None
    assert conclusive.target_on is None
    ngo_reasonable = for_ngo.option(RG)
    assert ngo_reasonable is not None and not ngo_reasonable.may_take
    assert for_police.option("unknown") is None


def test_the_options_give_the_earliest_and_due_dates_of_the_next_decision() -> None:
    # given
    t = team()
    with time_machine.travel(TODAY, tick=False):
        record(t.police, t.case)
        # when
        options = selectors.decision_options(user=t.police, case_id=t.case.id)
    # then
    reasonable, conclusive = options.option(RG), options.option(CG)
    assert reasonable is not None and conclusive is not None
    assert (reasonable.available, reasonable.blocked_code) == (False, "decision_already_recorded")
    assert conclusive.available
    assert conclusive.earliest_on == TODAY + timedelta(days=30)
    assert conclusive.target_on == TODAY + timedelta(days=45)  # the open deadline


def test_the_options_compute_a_due_date_when_no_deadline_is_open() -> None:
    # given: the deadlines were closed by hand
    with time_machine.travel(TODAY, tick=False):
        t = team()
        record(t.police, t.case)
        fresh = team(opened_on=None)
    Task.objects.filter(case__in=[t.case, fresh.case]).update(status=Task.Status.DONE)
    # when
    with time_machine.travel(TODAY, tick=False):
        conclusive = selectors.decision_options(user=t.police, case_id=t.case.id).option(CG)
        first = selectors.decision_options(user=fresh.police, case_id=fresh.case.id).option(RG)
    # then
    assert conclusive is not None and conclusive.target_on == TODAY + timedelta(days=45)
    assert first is not None and first.target_on == TODAY + timedelta(days=7)
