"""Returns reads.

- Country profiles (configuration, no personal data): every caseworker and
  supervisor reads them; each is flagged stale when not reviewed for longer than
  the national rule allows.
- Return plans, their warnings and acknowledgements, reintegration goals and
  follow-ups after return: the ``assessment`` group for the purpose ``assistance``,
  through the case gate (missing and hidden cases give the same 404); each read is
  audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.returns import clocks, errors, gate, policy, rules, schedule, states
from haven.returns.models import (
    ContactOutcome,
    CountryProfile,
    FollowUp,
    ReintegrationGoal,
    ReturnPlan,
    ReturnPlanState,
    RiskIndicator,
    WarningAcknowledgement,
)
from haven.returns.services import follow_ups as follow_up_services
from haven.returns.services import plans as plan_services
from haven.returns.services import reintegration as goal_services
from haven.vault import services as vault

# --- country profiles ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileView:
    country: str
    name: str
    partner_organisations: list[str]
    focal_points: list[str]
    known_risks: str
    willingness: str
    willingness_label: str
    capacity: str
    capacity_label: str
    last_reviewed_on: date
    stale: bool  # not reviewed for longer than HAVEN_RETURN_PROFILE_REVIEW_MONTHS
    version: int


def profile_view(row: CountryProfile, today: date) -> ProfileView:
    return ProfileView(
        country=row.country,
        name=row.name,
        partner_organisations=list(row.partner_organisations),
        focal_points=list(row.focal_points),
        known_risks=row.known_risks,
        willingness=row.willingness,
        willingness_label=row.get_willingness_display(),
        capacity=row.capacity,
        capacity_label=row.get_capacity_display(),
        last_reviewed_on=row.last_reviewed_on,
        stale=schedule.profile_stale(row.last_reviewed_on, today),
        version=row.version,
    )


def _require_reader(user: User) -> None:
    if not policy.may_read_profiles(user):
        raise errors.ProfilesNotAllowed(
            _("Only caseworkers and supervisors of an organisation read country profiles.")
        )


def country_profile_list(*, user: User) -> list[ProfileView]:
    """Every country profile, by name, each flagged when stale (R-31)."""
    _require_reader(user)
    today = timezone.localdate()
    return [profile_view(row, today) for row in CountryProfile.objects.order_by("name")]


def country_profile_get(*, user: User, country: str) -> ProfileView:
    """One country's profile (R-31); ``profile_not_found`` for a country without one."""
    _require_reader(user)
    row = CountryProfile.objects.filter(country=str(country).upper()[:2]).first()
    if row is None:
        raise errors.ProfileNotFound(_("No profile for this country."))
    return profile_view(row, timezone.localdate())


def country_choices() -> list[tuple[str, str]]:
    """The countries of return with a profile, for the plan's form."""
    return list(CountryProfile.objects.order_by("name").values_list("country", "name"))


# --- return plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AcknowledgementView:
    warning: str
    reason: str  # empty once erased
    acknowledged_by: str
    organisation: str
    acknowledged_at: datetime


@dataclass(frozen=True)
class WarningView:
    key: str
    message: str
    blocking: bool
    acknowledgement: AcknowledgementView | None


@dataclass(frozen=True)
class GoalView:
    id: uuid.UUID
    area: str
    area_label: str
    goal: str
    outcome: str
    outcome_label: str
    outcome_note: str
    updated_on: date
    version: int


@dataclass(frozen=True)
class FollowUpView:
    id: uuid.UUID
    months: int
    due_on: date
    organisation: str
    organisation_id: uuid.UUID
    overdue: bool
    contacted_on: date | None
    outcome: str
    outcome_label: str
    indicators: list[str]  # their labels
    note: str


@dataclass(frozen=True)
class PlanView:
    id: uuid.UUID
    status: str
    status_label: str
    country: str
    profile: ProfileView | None
    wishes: str  # empty once erased
    voluntariness_label: str
    risks: list[tuple[str, str]]  # (what, rating label or "")
    risk_notes: str
    risk_assessed_on: date | None
    risk_assessment_complete: bool
    willingness_label: str
    capacity_label: str
    focal_point: str
    partner_name: str
    partner_organisation: str
    partner_organisation_id: uuid.UUID | None
    contacts: list[tuple[str, bool]]  # the hand-over checklist (CETS Art. 16(6))
    proceedings_status_label: str
    planned_on: date | None
    approved_at: datetime | None
    approved_by: str
    returned_on: date | None
    cancel_reason: str
    version: int
    warnings: list[WarningView]  # computed while the plan is prepared
    actions: list[tuple[str, str]]  # (action, label) the state machine allows now
    goals: list[GoalView]
    follow_ups: list[FollowUpView]
    follow_up_holder: str  # who holds (or will hold) the follow-ups (``clocks``)
    raw: ReturnPlan  # for the edit form's initial values

    @property
    def open(self) -> bool:
        return self.status in (ReturnPlanState.DRAFT, ReturnPlanState.APPROVED)

    @property
    def draft(self) -> bool:
        return self.status == ReturnPlanState.DRAFT

    @property
    def unacknowledged(self) -> list[WarningView]:
        return [w for w in self.warnings if not w.blocking and w.acknowledgement is None]

    @property
    def blocks(self) -> list[WarningView]:
        return [w for w in self.warnings if w.blocking]


@dataclass(frozen=True)
class ReturnsView:
    case: Case
    erased: bool
    writable: bool
    plans: list[PlanView]  # latest first

    @property
    def current(self) -> PlanView | None:
        return self.plans[0] if self.plans else None

    @property
    def may_start(self) -> bool:
        return self.writable and not any(plan.open for plan in self.plans)


def _text(case: Case, erased: bool, ciphertext: bytes | memoryview | None, context: str) -> str:
    if erased:
        return ""
    return vault.decrypt_optional(key=case.person.data_key, ciphertext=ciphertext, context=context)


def _acks(plan: ReturnPlan, case: Case, erased: bool) -> dict[str, AcknowledgementView]:
    rows: list[WarningAcknowledgement] = list(
        plan.acknowledgements.select_related("acknowledged_by", "organisation")
    )
    return {
        row.warning: AcknowledgementView(
            warning=row.warning,
            reason=_text(case, erased, row.reason_enc, plan_services.ACK_CONTEXT),
            acknowledged_by=row.acknowledged_by.get_full_name()
            or row.acknowledged_by.get_username(),
            organisation=row.organisation.name,
            acknowledged_at=row.acknowledged_at,
        )
        for row in rows
    }


def _warnings(plan: ReturnPlan, case: Case, erased: bool, today: date) -> list[WarningView]:
    acks = _acks(plan, case, erased)
    raised = (
        rules.plan_warnings(case=case, plan=plan, today=today)
        if plan.status == ReturnPlanState.DRAFT
        else []
    )
    shown = [WarningView(w.key, w.message, w.blocking, acks.pop(w.key, None)) for w in raised]
    # Acknowledged warnings stay on the record after approval, with who and why.
    return shown + [WarningView(key, "", False, ack) for key, ack in acks.items()]


def _goals(plan: ReturnPlan, case: Case, erased: bool) -> list[GoalView]:
    rows: list[ReintegrationGoal] = list(plan.goals.all())
    return [
        GoalView(
            id=row.id,
            area=row.area,
            area_label=row.get_area_display(),
            goal=_text(case, erased, row.goal_enc, goal_services.GOAL_CONTEXT),
            outcome=row.outcome,
            outcome_label=row.get_outcome_display(),
            outcome_note=_text(case, erased, row.outcome_note_enc, goal_services.OUTCOME_CONTEXT),
            updated_on=row.updated_on,
            version=row.version,
        )
        for row in rows
    ]


def _indicator_labels(keys: list[str]) -> list[str]:
    return [str(RiskIndicator(key).label) for key in keys if key in RiskIndicator.values]


def _follow_ups(plan: ReturnPlan, case: Case, erased: bool, today: date) -> list[FollowUpView]:
    rows: list[FollowUp] = list(plan.follow_ups.select_related("organisation"))
    return [
        FollowUpView(
            id=row.id,
            months=row.months,
            due_on=row.due_on,
            organisation=row.organisation.name,
            organisation_id=row.organisation_id,
            overdue=row.overdue(today),
            contacted_on=row.contacted_on,
            outcome=row.outcome,
            outcome_label=str(ContactOutcome(row.outcome).label) if row.outcome else "",
            indicators=_indicator_labels(list(row.indicators)),
            note=_text(case, erased, row.note_enc, follow_up_services.NOTE_CONTEXT),
        )
        for row in rows
    ]


def _plan_view(plan: ReturnPlan, case: Case, erased: bool, today: date) -> PlanView:
    profile = CountryProfile.objects.filter(country=plan.country).first()
    partner = plan.partner_organisation
    return PlanView(
        id=plan.id,
        status=plan.status,
        status_label=plan.get_status_display(),
        country=plan.country,
        profile=profile_view(profile, today) if profile is not None else None,
        wishes=_text(case, erased, plan.wishes_enc, plan_services.WISHES_CONTEXT),
        voluntariness_label=plan.get_voluntariness_display(),
        risks=[
            (_("Re-trafficking"), plan.get_risk_retrafficking_display()),
            (_("Reprisals"), plan.get_risk_reprisals_display()),
            (_("Family involvement"), plan.get_risk_family_display()),
        ],
        risk_notes=_text(case, erased, plan.risk_notes_enc, plan_services.RISK_NOTES_CONTEXT),
        risk_assessed_on=plan.risk_assessed_on,
        risk_assessment_complete=plan.risk_assessment_complete,
        willingness_label=plan.get_willingness_display(),
        capacity_label=plan.get_capacity_display(),
        focal_point=plan.focal_point,
        partner_name=plan.partner_name,
        partner_organisation=partner.name if partner is not None else "",
        partner_organisation_id=partner.pk if partner is not None else None,
        contacts=[
            (_("Police"), plan.contacts_police),
            (_("NGOs"), plan.contacts_ngos),
            (_("Lawyers"), plan.contacts_lawyers),
            (_("Social welfare"), plan.contacts_social_welfare),
        ],
        proceedings_status_label=plan.get_proceedings_status_display(),
        planned_on=plan.planned_on,
        approved_at=plan.approved_at,
        approved_by=plan.approved_by.get_username() if plan.approved_by else "",
        returned_on=plan.returned_on,
        cancel_reason=_text(case, erased, plan.cancel_reason_enc, plan_services.CANCEL_CONTEXT),
        version=plan.version,
        warnings=_warnings(plan, case, erased, today),
        actions=[
            (action, str(states.PlanAction(action).label))
            for action in states.PLAN_TRANSITIONS.actions(plan.status)
        ],
        goals=_goals(plan, case, erased),
        follow_ups=_follow_ups(plan, case, erased, today),
        follow_up_holder=clocks.follow_up_holder(
            case_id=case.id, partner=partner, sender=plan.organisation
        ).name,
        raw=plan,
    )


@transaction.atomic
def return_plan_list(*, user: User, case_id: object) -> ReturnsView:
    """The case's return plans, latest first, with the warnings of the one being
    prepared, its acknowledgements, reintegration goals and follow-ups (assessment
    group, R-30, R-31, R-32). The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=gate.GROUP, purpose=gate.PURPOSE
    )
    case, erased = gated.case, gated.erased
    today = timezone.localdate()
    rows = ReturnPlan.objects.filter(case_id=case.id).select_related(
        "partner_organisation", "approved_by", "organisation"
    )
    plans = [_plan_view(row, case, erased, today) for row in rows]
    gated.audit_record(object_type="returns.ReturnPlan")
    return ReturnsView(case=case, erased=erased, writable=gated.writable, plans=plans)


def return_plan_get(
    *, user: User, case_id: object, plan_id: object
) -> tuple[ReturnsView, PlanView]:
    """One plan of the case's list; the same 404 as a hidden case for another id."""
    view = return_plan_list(user=user, case_id=case_id)
    plan = next((p for p in view.plans if str(p.id) == str(plan_id)), None)
    if plan is None:
        raise gate.not_found()
    return view, plan


# --- the case page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnSummary:
    """For the case page: where the latest return plan stands."""

    status_label: str
    country: str
    stale_profile: bool
    blocked: bool
    unacknowledged: int
    follow_ups_due: int  # not recorded yet
    follow_ups_overdue: int


def return_summary(*, case: Case) -> ReturnSummary | None:
    """The latest plan's summary, for a reader the case page already gated in the
    assessment group; None when the case has no plan."""
    plan = ReturnPlan.objects.filter(case_id=case.id).order_by("-recorded_at").first()
    if plan is None:
        return None
    today = timezone.localdate()
    profile = CountryProfile.objects.filter(country=plan.country).first()
    raised = (
        rules.plan_warnings(case=case, plan=plan, today=today)
        if plan.status == ReturnPlanState.DRAFT
        else []
    )
    acknowledged = set(plan.acknowledgements.values_list("warning", flat=True))
    pending = list(plan.follow_ups.filter(outcome=""))
    return ReturnSummary(
        status_label=plan.get_status_display(),
        country=profile.name if profile is not None else plan.country,
        stale_profile=profile is not None
        and schedule.profile_stale(profile.last_reviewed_on, today),
        blocked=any(w.blocking for w in raised),
        unacknowledged=sum(1 for w in raised if not w.blocking and w.key not in acknowledged),
        follow_ups_due=len(pending),
        follow_ups_overdue=sum(1 for row in pending if row.overdue(today)),
    )
