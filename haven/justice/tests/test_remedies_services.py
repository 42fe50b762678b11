"""The remedies' services and the file that reads them back: proceedings and their
stages (R-34), protective measures (R-37), legal aid (R-35), compensation and the
money followed (R-36), and the compelled-offence flag with its task (R-33)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.cases import errors as case_errors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Task
from haven.justice import clocks, selectors
from haven.justice import services_remedies as services
from haven.justice.errors import ErrorCode
from haven.justice.models import (
    AssetStatus,
    ClaimSource,
    ClaimStatus,
    CompelledOffence,
    CompensationClaim,
    LegalAid,
    LegalAidStatus,
    MeasureDecision,
    MeasureFor,
    MeasureKind,
    OffenceKind,
    PersonRole,
    Proceeding,
    ProceedingKind,
    ProceedingOutcome,
    ProceedingStage,
)
from haven.justice.services_remedies import ClaimChange
from haven.justice.tests.test_cooperation import (
    NOON,
    TODAY,
    CooperationTeam,
    cooperation_team,
    record,
)
from haven.lib.errors import HavenError

pytestmark = pytest.mark.django_db
STARTED = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def code_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(HavenError) as raised:
        call()
    return raised.value.code


def criminal(actor: User, case: Case, **changes: object) -> Proceeding:
    data: dict[str, object] = {
        "kind": ProceedingKind.CRIMINAL,
        "stage": ProceedingStage.INVESTIGATION,
        "authority": "District court",
        "person_role": PersonRole.INJURED_PARTY,
        "started_on": STARTED,
        **changes,
    }
    return services.proceeding_record(actor=actor, case_id=case.id, **data)  # type: ignore[arg-type]


def state_claim(actor: User, case: Case, **changes: object) -> CompensationClaim:
    data: dict[str, object] = {
        "source": ClaimSource.STATE,
        "amount_claimed": Decimal("4000"),
        **changes,
    }
    return services.claim_record(actor=actor, case_id=case.id, **data)  # type: ignore[arg-type]


# --- proceedings (R-34) ----------------------------------------------------------------------


def test_r34_a_proceeding_goes_through_its_stages_to_an_outcome_with_a_dated_history() -> None:
    # given
    t = cooperation_team()
    p = criminal(t.lead, t.case)
    # when
    services.proceeding_stage_change(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=p.pk,
        to_stage=ProceedingStage.TRIAL,
        changed_on=date(2026, 2, 1),
    )
    ended = services.proceeding_stage_change(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=str(p.pk),
        to_stage=ProceedingStage.ENDED,
        changed_on=TODAY,
        outcome=ProceedingOutcome.CONVICTION,
    )
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    # then
    assert (ended.stage, ended.ended_on, ended.outcome) == ("ended", TODAY, "conviction")
    history = found.proceedings[0].stage_changes
    assert [(c.from_stage, c.to_stage, c.changed_on) for c in history] == [
        ("investigation", "trial", date(2026, 2, 1)),
        ("trial", "ended", TODAY),
    ]
    assert found.open_proceedings == []
    assert not selectors.open_remedies(case=t.case).any
    actions = list(
        AuditEvent.objects.filter(object_type="justice.Proceeding").values_list("action", flat=True)
    )
    assert actions == ["create", "update", "update"]
    # an ended proceeding stays ended
    again = code_of(
        lambda: services.proceeding_stage_change(
            actor=t.lead,
            case_id=t.case.id,
            proceeding_id=p.pk,
            to_stage=ProceedingStage.APPEAL,
            changed_on=TODAY,
        )
    )
    assert again == ErrorCode.PROCEEDING_ENDED


def test_r34_withdrawing_cooperation_never_ends_or_moves_a_proceeding() -> None:
    # given: a running criminal proceeding where the person cooperated
    t = cooperation_team()
    record(t.lead, t.case, cooperates=True, witness=True, on=date(2026, 2, 1))
    p = criminal(t.lead, t.case, stage=ProceedingStage.TRIAL)
    # when: the person withdraws their cooperation and their witness statement
    record(t.lead, t.case, cooperates=False, witness=False, on=TODAY)
    # then: the proceeding goes on (Dir Art. 9(1)), and can still move on
    p.refresh_from_db()
    assert (p.stage, p.ended_on) == ("trial", None)
    assert selectors.open_remedies(case=t.case).proceedings == 1
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    assert found.cooperation is not None
    assert not found.cooperation.cooperates_with_authorities
    assert found.open_proceedings == [p]
    moved = services.proceeding_stage_change(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=p.pk,
        to_stage=ProceedingStage.APPEAL,
        changed_on=TODAY,
    )
    assert moved.stage == "appeal"


def test_proceedings_refuse_bad_input_with_a_field() -> None:
    # given
    t = cooperation_team()
    p = criminal(t.lead, t.case)

    def change(**data: object) -> object:
        values: dict[str, object] = {
            "to_stage": ProceedingStage.TRIAL,
            "changed_on": TODAY,
            "proceeding_id": p.pk,
            **data,
        }
        return lambda: services.proceeding_stage_change(
            actor=t.lead,
            case_id=t.case.id,
            **values,  # type: ignore[arg-type]
        )

    # then
    invalid = ErrorCode.REMEDY_INPUT_INVALID
    assert code_of(lambda: criminal(t.lead, t.case, kind="war")) == invalid
    assert code_of(lambda: criminal(t.lead, t.case, stage=ProceedingStage.ENDED)) == invalid
    assert code_of(lambda: criminal(t.lead, t.case, authority="  ")) == invalid
    assert code_of(lambda: criminal(t.lead, t.case, authority="x" * 201)) == invalid
    future = TODAY + timedelta(days=1)
    assert code_of(lambda: criminal(t.lead, t.case, started_on=future)) == invalid
    assert code_of(change(to_stage=ProceedingStage.INVESTIGATION)) == (
        ErrorCode.TRANSITION_NOT_ALLOWED
    )
    assert code_of(change(to_stage=ProceedingStage.ENDED)) == invalid  # no outcome
    assert code_of(change(outcome=ProceedingOutcome.CONVICTION)) == invalid  # not ending
    assert code_of(change(changed_on=date(2026, 1, 1))) == invalid  # before the start
    assert code_of(change(proceeding_id="nope")) == ErrorCode.REMEDY_NOT_FOUND
    other = criminal(t.lead, open_case(actor=t.lead))
    assert code_of(change(proceeding_id=other.pk)) == ErrorCode.REMEDY_NOT_FOUND


def test_the_legal_group_writes_remedies_and_no_one_else_does() -> None:
    # given: the same team for every call
    t = cooperation_team()
    # when
    allowed = criminal(t.lead, t.case)
    # then
    with pytest.raises(case_errors.GroupNotAllowed):
        criminal(t.shelter, t.case)
    with pytest.raises(case_errors.CaseNotFound):
        criminal(t.outsider, t.case)
    with pytest.raises(case_errors.BreakGlassReadOnly):
        criminal(t.emergency, t.case)
    with pytest.raises(case_errors.GroupNotAllowed):
        selectors.remedies_file(user=t.shelter, case_id=t.case.id)
    assert selectors.remedies_file(user=t.lead, case_id=t.case.id).proceedings[0].proceeding == (
        allowed
    )
    assert Proceeding.objects.count() == 1


# --- protective measures (R-37) --------------------------------------------------------------


def test_r37_a_protective_measure_is_asked_for_and_granted_or_refused_once() -> None:
    # given
    t = cooperation_team()
    p = criminal(t.lead, t.case, stage=ProceedingStage.TRIAL)
    video = services.protective_measure_request(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=p.pk,
        kind=MeasureKind.VIDEO_TESTIMONY,
        for_whom=MeasureFor.PERSON,
        asked_on=date(2026, 2, 1),
    )
    relocation = services.protective_measure_request(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=p.pk,
        kind=MeasureKind.RELOCATION,
        for_whom=MeasureFor.FAMILY_MEMBER,
        asked_on=date(2026, 2, 1),
    )

    def decide(measure_id: object, decision: str, on: date = TODAY) -> object:
        return lambda: services.protective_measure_decide(
            actor=t.lead, case_id=t.case.id, measure_id=measure_id, decision=decision, decided_on=on
        )

    # when
    granted = services.protective_measure_decide(
        actor=t.lead,
        case_id=t.case.id,
        measure_id=video.pk,
        decision=MeasureDecision.GRANTED,
        decided_on=TODAY,
    )
    # then
    assert (granted.decision, granted.decided_on) == ("granted", TODAY)
    assert code_of(decide(video.pk, MeasureDecision.REFUSED)) == ErrorCode.MEASURE_DECIDED
    invalid = ErrorCode.REMEDY_INPUT_INVALID
    assert code_of(decide(relocation.pk, MeasureDecision.PENDING)) == invalid
    assert code_of(decide(relocation.pk, "maybe")) == invalid
    assert code_of(decide(relocation.pk, MeasureDecision.REFUSED, date(2026, 1, 31))) == invalid
    assert (
        code_of(
            lambda: services.protective_measure_request(
                actor=t.lead,
                case_id=t.case.id,
                proceeding_id=p.pk,
                kind=MeasureKind.ANONYMITY,
                for_whom="neighbour",
                asked_on=TODAY,
            )
        )
        == invalid
    )
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    assert [(m.kind, m.for_whom, m.decision) for m in found.proceedings[0].measures] == [
        ("video_testimony", "person", "granted"),
        ("relocation", "family_member", "pending"),
    ]


# --- legal aid (R-35) ------------------------------------------------------------------------


def test_r35_legal_aid_is_recorded_for_a_claim_with_the_lawyer_named_only_encrypted() -> None:
    # given
    t = cooperation_team()
    p = criminal(t.lead, t.case)
    claim = state_claim(t.lead, t.case)
    # when
    aid = services.legal_aid_record(
        actor=t.lead,
        case_id=t.case.id,
        free_aid=LegalAidStatus.APPLIED,
        counsel_organisation="Legal clinic",
        counsel_name="Anna Lawyer",
        applied_on=date(2026, 2, 1),
        proceeding_id=p.pk,
        claim_id=claim.pk,
    )
    updated = services.legal_aid_update(
        actor=t.lead,
        case_id=t.case.id,
        aid_id=aid.pk,
        free_aid=LegalAidStatus.GRANTED,
        applied_on=date(2026, 2, 1),
        decided_on=TODAY,
    )
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    # then
    assert b"Anna" not in bytes(LegalAid.objects.get().counsel_name_enc or b"")
    assert (updated.free_aid, updated.claim, updated.proceeding) == ("granted", claim, p)
    assert [(a.aid.counsel_organisation, a.counsel_name) for a in found.legal_aid] == [
        ("Legal clinic", "Anna Lawyer")
    ]
    assert AuditEvent.objects.filter(object_type="justice.LegalAid").count() == 2


def test_r35_legal_aid_dates_follow_its_status() -> None:
    # given
    t = cooperation_team()

    def aid(free_aid: str, applied: date | None = None, decided: date | None = None) -> object:
        return lambda: services.legal_aid_record(
            actor=t.lead,
            case_id=t.case.id,
            free_aid=free_aid,
            applied_on=applied,
            decided_on=decided,
        )

    # then
    invalid = ErrorCode.REMEDY_INPUT_INVALID
    assert code_of(aid("free")) == invalid
    assert code_of(aid(LegalAidStatus.APPLIED)) == invalid
    assert code_of(aid(LegalAidStatus.GRANTED, TODAY)) == invalid
    assert code_of(aid(LegalAidStatus.APPLIED, TODAY, TODAY)) == invalid
    assert code_of(aid(LegalAidStatus.REFUSED, TODAY, date(2026, 3, 1))) == invalid
    assert code_of(aid(LegalAidStatus.APPLIED, TODAY + timedelta(days=1))) == invalid
    none_yet = services.legal_aid_record(
        actor=t.lead, case_id=t.case.id, free_aid=LegalAidStatus.NOT_APPLIED
    )
    assert (none_yet.counsel_name_enc, none_yet.proceeding, none_yet.claim) == (None, None, None)
    assert selectors.remedies_file(user=t.lead, case_id=t.case.id).legal_aid[0].counsel_name == ""


# --- compensation (R-36) ---------------------------------------------------------------------


def test_r36_a_state_claim_is_filed_awarded_and_paid_with_the_money_followed() -> None:
    # given
    t = cooperation_team()
    p = criminal(t.lead, t.case)
    claim = state_claim(t.lead, t.case, proceeding_id=p.pk, currency=" eur ")
    assert (claim.status, claim.currency, claim.proceeding) == ("preparing", "EUR", p)

    def update(**change: object) -> CompensationClaim:
        return services.claim_update(
            actor=t.lead,
            case_id=t.case.id,
            claim_id=claim.pk,
            change=ClaimChange(**change),  # type: ignore[arg-type]
        )

    # when
    update(status=ClaimStatus.FILED, amount_claimed=Decimal("4000"), filed_on=date(2026, 2, 1))
    awarded = {
        "amount_claimed": Decimal("4000"),
        "amount_awarded": Decimal("3000"),
        "filed_on": date(2026, 2, 1),
        "decided_on": date(2026, 2, 20),
    }
    update(status=ClaimStatus.AWARDED, **awarded)
    partly = update(status=ClaimStatus.AWARDED, amount_paid=Decimal("1000"), **awarded)
    asset = services.asset_record(
        actor=t.lead,
        case_id=t.case.id,
        claim_id=claim.pk,
        description="Bank account of the company",
        status=AssetStatus.FROZEN,
        estimated_value=Decimal("12000"),
    )
    services.asset_status_change(
        actor=t.lead, case_id=t.case.id, asset_id=asset.pk, status=AssetStatus.PAID_TO_VICTIM
    )
    paid = update(status=ClaimStatus.PAID, amount_paid=Decimal("3000"), paid_on=TODAY, **awarded)
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    # then
    assert partly.status == "awarded" and partly.is_open
    assert (paid.status, paid.amount_paid, paid.paid_on, paid.is_open) == (
        "paid",
        Decimal("3000"),
        TODAY,
        False,
    )
    assert [(a.description, a.status) for a in found.claims[0].assets] == [
        ("Bank account of the company", "paid_to_victim")
    ]
    assert not selectors.open_remedies(case=t.case).compensation_claims
    assert AuditEvent.objects.filter(object_type="justice.ConfiscatedAsset").count() == 2


def test_r36_a_claim_follows_its_status_machine_and_its_amounts_add_up() -> None:
    # given
    t = cooperation_team()
    claim = state_claim(t.lead, t.case, filed_on=date(2026, 2, 1), source=ClaimSource.OFFENDER)
    assert claim.status == "filed"

    def update(**change: object) -> object:
        return lambda: services.claim_update(
            actor=t.lead,
            case_id=t.case.id,
            claim_id=claim.pk,
            change=ClaimChange(**change),  # type: ignore[arg-type]
        )

    invalid = ErrorCode.REMEDY_INPUT_INVALID
    filed = {"filed_on": date(2026, 2, 1)}
    # then
    assert code_of(update(status="lost")) == invalid
    assert code_of(update(status=ClaimStatus.PAID)) == ErrorCode.TRANSITION_NOT_ALLOWED
    assert code_of(update(status=ClaimStatus.FILED)) == invalid  # no filing day
    assert code_of(update(status=ClaimStatus.AWARDED, **filed)) == invalid
    assert code_of(update(status=ClaimStatus.FILED, amount_claimed=Decimal(-1), **filed)) == (
        invalid
    )
    assert code_of(update(status=ClaimStatus.FILED, filed_on=TODAY + timedelta(days=1))) == (
        invalid
    )
    assert (
        code_of(update(status=ClaimStatus.REFUSED, decided_on=date(2026, 1, 1), **filed)) == invalid
    )
    too_much = {"amount_awarded": Decimal(10), "amount_paid": Decimal(11)}
    assert code_of(update(status=ClaimStatus.AWARDED, decided_on=TODAY, **too_much, **filed)) == (
        invalid
    )
    assert code_of(lambda: state_claim(t.lead, t.case, source="lottery")) == invalid
    assert code_of(lambda: state_claim(t.lead, t.case, currency="EURO")) == invalid
    assert code_of(lambda: state_claim(t.lead, t.case, currency="E1R")) == invalid
    bad_asset = code_of(
        lambda: services.asset_record(
            actor=t.lead, case_id=t.case.id, claim_id=claim.pk, description="Car", status="sold"
        )
    )
    assert bad_asset == invalid
    assert (
        code_of(
            lambda: services.asset_status_change(
                actor=t.lead, case_id=t.case.id, asset_id=0, status=AssetStatus.RELEASED
            )
        )
        == ErrorCode.REMEDY_NOT_FOUND
    )
    refused = services.claim_update(
        actor=t.lead,
        case_id=t.case.id,
        claim_id=claim.pk,
        change=ClaimChange(status=ClaimStatus.REFUSED, decided_on=TODAY, filed_on=date(2026, 2, 1)),
    )
    assert refused.status == "refused"
    assert not selectors.open_remedies(case=t.case).any


# --- non-punishment (R-33) -------------------------------------------------------------------


def flag(actor: User, case: Case, **changes: object) -> CompelledOffence:
    data: dict[str, object] = {
        "kind": OffenceKind.DRUGS,
        "offence": "Kept cannabis plants in the house.",
        "link": "Locked in the house to tend the plants; debt bondage.",
        "recorded_on": TODAY,
        **changes,
    }
    return services.compelled_offence_flag(actor=actor, case_id=case.id, **data)  # type: ignore[arg-type]


def test_r33_a_compelled_offence_flag_gives_the_prosecutor_on_the_team_a_task() -> None:
    # given: a prosecutor's office on the team
    t = cooperation_team()
    prosecutor = make_user(org_type=OrgType.PROSECUTOR)
    assert prosecutor.organisation is not None
    add_to_team(case=t.case, organisation=prosecutor.organisation)
    # when
    saved = flag(t.lead, t.case)
    # then
    task = Task.objects.get(kind=clocks.COMPELLED_OFFENCE_INFORM)
    assert task.assigned_organisation == prosecutor.organisation
    assert task.detail == {"offence": saved.pk, "inform": "prosecutor"}
    assert task.due_at.date() == TODAY + timedelta(days=services.INFORM_DAYS)
    assert b"cannabis" not in bytes(saved.offence_enc)
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    assert [(o.flag.kind, o.offence, o.link) for o in found.offences] == [
        (
            "drugs",
            "Kept cannabis plants in the house.",
            "Locked in the house to tend the plants; debt bondage.",
        )
    ]
    assert "Weigh not prosecuting" in clocks._inform_words(task.detail, "")
    assert AuditEvent.objects.filter(object_type="justice.CompelledOffence").count() == 1


def test_r33_without_a_prosecutor_on_the_team_the_case_lead_is_asked_to_inform_one() -> None:
    # given: the same team without a prosecutor
    t = cooperation_team()
    # when
    flag(t.lead, t.case, kind=OffenceKind.DOCUMENTS)
    # then
    task = Task.objects.get(kind=clocks.COMPELLED_OFFENCE_INFORM)
    assert t.lead.organisation is not None
    assert task.assigned_organisation == t.lead.organisation
    assert task.detail["inform"] == "lead"
    assert "prosecutor or the defence" in clocks._inform_words(task.detail, "")
    invalid = ErrorCode.REMEDY_INPUT_INVALID
    assert code_of(lambda: flag(t.lead, t.case, kind="murder")) == invalid
    assert code_of(lambda: flag(t.lead, t.case, link="")) == invalid
    assert code_of(lambda: flag(t.lead, t.case, recorded_on=TODAY + timedelta(days=1))) == invalid
    with pytest.raises(case_errors.GroupNotAllowed):
        flag(t.shelter, t.case)
    assert Task.objects.filter(kind=clocks.COMPELLED_OFFENCE_INFORM).count() == 1


def test_an_erased_persons_remedies_show_no_text() -> None:
    # given
    t = cooperation_team()
    flag(t.lead, t.case)
    services.legal_aid_record(
        actor=t.lead,
        case_id=t.case.id,
        free_aid=LegalAidStatus.NOT_APPLIED,
        counsel_name="Anna Lawyer",
    )
    t.case.person.erased_at = NOON
    t.case.person.save(update_fields=["erased_at"])
    # when
    found = selectors.remedies_file(user=t.lead, case_id=t.case.id)
    # then
    assert found.erased
    assert (found.offences[0].offence, found.offences[0].link) == ("", "")
    assert found.legal_aid[0].counsel_name == ""
    with pytest.raises(case_errors.PersonErased):
        flag(t.lead, t.case)


def _fill(t: CooperationTeam, rows: int) -> None:
    for _n in range(rows):
        p = criminal(t.lead, t.case)
        services.protective_measure_request(
            actor=t.lead,
            case_id=t.case.id,
            proceeding_id=p.pk,
            kind=MeasureKind.CLOSED_HEARING,
            for_whom=MeasureFor.PERSON,
            asked_on=TODAY,
        )
        c = state_claim(t.lead, t.case)
        services.asset_record(
            actor=t.lead, case_id=t.case.id, claim_id=c.pk, description="Car", status="frozen"
        )
        services.legal_aid_record(
            actor=t.lead, case_id=t.case.id, free_aid="not_applied", counsel_name="A lawyer"
        )
        flag(t.lead, t.case)


def _queries(t: CooperationTeam) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.remedies_file(user=t.lead, case_id=t.case.id)
    return len(queries)


def test_the_remedies_file_is_read_in_the_same_number_of_queries_for_one_row_or_many() -> None:
    # given
    one, many = cooperation_team(), cooperation_team()
    _fill(one, 1)
    _fill(many, 3)
    # when
    counts = (_queries(one), _queries(many))
    # then
    assert counts[0] == counts[1]
