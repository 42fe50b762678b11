"""Assistance for the demo cases (issue 5): assessments, plans and services,
closures, cooperation, children's protections, dependants, permits and detention.

Everything is recorded through the real services by the lead's caseworker, so
it is encrypted, audited and given deadlines exactly like real data. The texts
are fixed synthetic phrases; names are marked as demo names. One seeded
``random.Random``, separate from the case planner's, decides what each case
gets, so the cases themselves do not change. The first case that can show a
feature always gets it (a reopened closure, an expiring permit, a family
tracing...), so that a small demo shows every kind of record.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from haven.accounts.models import Organisation, OrgType, User
from haven.assistance import catalogue
from haven.assistance.catalogue import ServiceType
from haven.assistance.models import (
    AmountPeriod,
    Assessment,
    AssessmentKind,
    AssistanceService,
    ClosureGround,
    ServiceOutcome,
)
from haven.assistance.models import ServiceStatus as St
from haven.assistance.services import assessments as assessment_services
from haven.assistance.services import permits as permit_services
from haven.assistance.services import plans as plan_services
from haven.cases.models import Case, GenderIdentity
from haven.children.models import (
    AgeAssessmentMethod,
    AgeAssessmentResult,
    BestInterestsMatter,
    BestInterestsStage,
    DependantRelationship,
    EducationAccess,
    GuardianKind,
    HowHeard,
    TracingStatus,
)
from haven.children.services import age, best_interests, dependants, family_tracing, guardians
from haven.demo.synthetic import EU_CITIZENSHIPS, CasePlan
from haven.justice import services as justice_services
from haven.justice import services_remedies as remedies
from haven.justice.models import (
    ClaimSource,
    LegalAidStatus,
    MeasureDecision,
    MeasureFor,
    MeasureKind,
    OffenceKind,
    PersonRole,
    ProceedingKind,
    ProceedingStage,
)

T = OrgType
ASSESSED_SHARE = 0.75
SECOND_VERSION_SHARE = 0.3
PLAN_SHARE = 0.85  # of assessed cases whose lead sees the services group
CLOSURE_SHARE = 0.06
COOPERATION_SHARE = 0.35
GUARDIAN_SHARE = 0.85  # of children: the others show the overdue guardian task
BEST_INTERESTS_SHARE = 0.5
DETERMINATION_SHARE = 0.5
TRACING_SHARE = 0.1
DEPENDANT_SHARE = 0.08
PERMIT_SHARE = 0.2  # of adults from outside the EU
# What becomes of each planned service (weights); refusals are rare.
FATES = {St.PLANNED: 30, St.ACTIVE: 35, St.COMPLETED: 30, St.REFUSED: 4}
NEED_LEVELS = {"none": 30, "met": 20, "needed": 35, "urgent": 15}
RISK_LEVELS = {"low": 45, "medium": 35, "high": 20}
OUTCOMES = {ServiceOutcome.ACHIEVED: 60, ServiceOutcome.PARTLY: 30, ServiceOutcome.NOT_ACHIEVED: 10}
PROVIDERS = {
    ServiceType.ACCOMMODATION: T.SHELTER,
    ServiceType.MEDICAL_CARE: T.HEALTH,
    ServiceType.PSYCHOLOGICAL_CARE: T.HEALTH,
    ServiceType.EDUCATION: T.SOCIAL_SERVICES,
    ServiceType.CHILD_CARE: T.SOCIAL_SERVICES,
    ServiceType.FAMILY_SUPPORT: T.SOCIAL_SERVICES,
    ServiceType.FINANCIAL_SUPPORT: T.SOCIAL_SERVICES,
}  # any other service: an NGO
AMOUNTS = (  # financial support in EUR
    (Decimal("120.00"), AmountPeriod.WEEKLY),
    (Decimal("450.00"), AmountPeriod.MONTHLY),
    (Decimal("600.00"), AmountPeriod.MONTHLY),
    (Decimal("250.00"), AmountPeriod.ONCE),
)

NOTES = {
    "none": ("No need raised.", "Not a concern at present."),
    "met": ("Already arranged before the referral.", "Covered by family support."),
    "needed": ("Needs help with this within weeks.", "Asked for support with this."),
    "urgent": ("Needs help at once.", "Urgent: nothing in place today."),
    "low": ("No threats reported.", "Feels safe where they stay."),
    "medium": ("Recruiter still has their phone number.", "Debt to the recruiter unpaid."),
    "high": ("Threatening messages received this week.", "Exploiter knows where they stay."),
}
PERSON_VIEWS = (
    "Wants safe housing first, then work.",
    "Said they want to learn the language and stay in touch with family.",
    "Did not wish to say more at this meeting.",
    "Worried about debts at home; wants to send money back.",
)
PLAN_VIEWS = (
    "Agreed with the plan; prefers appointments in the morning.",
    "Agreed; wants an interpreter of the same gender.",
    "Agreed to most of it; will think about the rest.",
)
REFUSALS = ("Does not want this now; no pressure was put on them.", "Prefers to arrange it alone.")
OUTCOME_NOTES = ("Went as planned.", "Finished early; the person found their own solution.")
CLOSE_REASONS = ("The person has settled and asked to end support.", "Moved to another country.")
EXIT_PLANS = (
    "Contact details of the NGO helpline given; follow-up call in a month.",
    "Handed over to municipal social services with the person's agreement.",
)
GUARDIANS = (
    "Demo Guardian Aino Esimerkki",
    "Demo Guardian Mari Näidis",
    "Demo Guardian Juha Malli",
)
CHILD_VIEWS = (
    "Wants to stay with the foster family and go to school.",
    "Said they miss their grandmother and want to call her.",
)
NOT_HEARD = "Too distressed to be heard that day; to be heard at the next meeting."
CONSIDERATIONS = "Safety, schooling and contact with the family weighed with the guardian."
CONCLUSIONS = ("Placement in a specialised foster family.", "Interview only with a psychologist.")
TRACING_REASONS = "The child asked for it, and tracing poses no risk to the child or the family."
DEPENDANTS = ("Demo Child Lumi", "Demo Child Kaspar", "Demo Child Anna", "Demo Child Oleh")
AUTHORITIES = {"FI": "Finnish Immigration Service (demo)", "EE": "Police and Border Guard Board"}


Recorded = tuple[Assessment, dict[str, str]]  # an assessment and its level by section


@dataclass
class AssistanceCounts:
    assessments: int = 0
    second_versions: int = 0
    plans: int = 0
    services: Counter[str] = field(default_factory=Counter)  # by status at the end
    financial_support: int = 0
    closures: int = 0
    reopened: int = 0
    cooperation: int = 0
    proceedings: int = 0
    compensation_claims: int = 0
    compelled_offences: int = 0
    guardians: int = 0
    children_without_guardian: int = 0
    best_interests: int = 0
    determinations: int = 0
    tracings: int = 0
    age_assessments: int = 0
    dependants: int = 0
    permits: int = 0
    detentions: int = 0


@dataclass
class CaseContext:
    plan: CasePlan
    case: Case
    lead: User  # the lead organisation's caseworker, who records everything
    organisations: dict[str, Organisation]  # of the case's country, by type
    start: date  # when the case's history began


class AssistanceSeeder:
    """Records the assistance of each demo case from one seeded random stream."""

    def __init__(self, *, seed: int, today: date) -> None:
        # Synthetic demo data from a fixed seed, reproducible: not a security use.
        self.rng = random.Random(f"haven-demo-assistance-{seed}")  # nosec B311
        self.today = today
        self.counts = AssistanceCounts()
        self.shown: set[str] = set()  # features some case already shows

    def _day(self, start: date, days: int) -> date:
        return min(start + timedelta(days=days), self.today)

    def _first(self, feature: str) -> bool:
        first = feature not in self.shown
        self.shown.add(feature)
        return first

    def seed_case(
        self, plan: CasePlan, *, case: Case, lead: User, organisations: dict[str, Organisation]
    ) -> None:
        rng = self.rng
        start = plan.events[0].on if plan.events else self.today - timedelta(rng.randint(3, 45))
        ctx = CaseContext(plan, case, lead, organisations, min(start, self.today))
        if case.person.treat_as_child:
            self._child(ctx)
        else:
            self._adult(ctx)
        if rng.random() < ASSESSED_SHARE:
            needs, levels = self._assess(ctx)
            if plan.lead_type != T.POLICE and rng.random() < PLAN_SHARE:
                self._plan(ctx, needs, levels)

    # Assessments, plans and services

    def _assess(self, ctx: CaseContext) -> Recorded:
        """Needs and risk assessments, the needs one sometimes in two versions;
        returns the latest needs assessment and its levels."""
        rng = self.rng
        child = ctx.case.person.treat_as_child
        needs = self._assessment(ctx, AssessmentKind.NEEDS, child, self._day(ctx.start, 2))
        self._assessment(ctx, AssessmentKind.RISK, child, needs[0].assessed_on)
        if rng.random() < SECOND_VERSION_SHARE or self._first("second_version"):
            later = self._day(needs[0].assessed_on, rng.randint(7, 30))
            needs = self._assessment(
                ctx, AssessmentKind.NEEDS, child, later, based_on=needs[0].version
            )
            self.counts.second_versions += 1
        return needs

    def _assessment(
        self, ctx: CaseContext, kind: str, child: bool, on: date, based_on: int = 0
    ) -> Recorded:
        rng = self.rng
        levels = NEED_LEVELS if kind == AssessmentKind.NEEDS else RISK_LEVELS
        sections: dict[str, tuple[str, str]] = {}
        for section in catalogue.sections_for(kind, child=child):
            level = rng.choices(list(levels), weights=list(levels.values()))[0]
            sections[section.key] = (level, rng.choice(NOTES[level]))
        self.counts.assessments += 1
        assessment = assessment_services.assessment_record(
            actor=ctx.lead,
            case_id=ctx.case.id,
            kind=kind,
            assessed_on=on,
            sections=sections,
            person_view=rng.choice(PERSON_VIEWS),
            based_on_version=based_on,
        )
        return assessment, {key: level for key, (level, _note) in sections.items()}

    def _plan(self, ctx: CaseContext, needs: Assessment, levels: dict[str, str]) -> None:
        """A plan made from the needs assessment, with one to four services."""
        rng = self.rng
        wanted = _services_called_for(levels, rng) or [ServiceType.COUNSELLING]
        if self._first("financial_support"):
            wanted = [ServiceType.FINANCIAL_SUPPORT, *wanted]
        wanted = list(dict.fromkeys(wanted))[: rng.randint(1, 4)]
        agreed_on = self._day(needs.assessed_on, rng.randint(0, 3))
        inputs = [self._service_input(ctx, kind, agreed_on) for kind in wanted]
        plan = plan_services.plan_create(
            actor=ctx.lead,
            case_id=ctx.case.id,
            agreed_on=agreed_on,
            person_view=rng.choice(PLAN_VIEWS),
            services=inputs,
            assessment_id=needs.id,
        )
        self.counts.plans += 1
        # Ids only (no personal data): one service of each type in the plan.
        ids = dict(AssistanceService.objects.filter(plan=plan).values_list("service_type", "pk"))
        fates = Counter(self._fate(ctx, ids[kind], agreed_on) for kind in wanted)
        self.counts.financial_support += ServiceType.FINANCIAL_SUPPORT in wanted
        if rng.random() < CLOSURE_SHARE or self._first("closure"):
            self._close(ctx, reopen=self._first("reopened"))
            # The closing decision stopped the services still planned or under way.
            fates[St.STOPPED] = fates.pop(St.PLANNED, 0) + fates.pop(St.ACTIVE, 0)
        self.counts.services.update(fates)

    def _service_input(
        self, ctx: CaseContext, kind: str, agreed_on: date
    ) -> plan_services.ServiceInput:
        provider = ctx.organisations[PROVIDERS.get(ServiceType(kind), T.NGO)]
        starts_on = agreed_on + timedelta(days=self.rng.randint(0, 7))
        if kind != ServiceType.FINANCIAL_SUPPORT:
            return plan_services.ServiceInput(kind, provider.pk, starts_on=starts_on)
        amount, period = self.rng.choice(AMOUNTS)
        return plan_services.ServiceInput(
            kind,
            provider.pk,
            starts_on=starts_on,
            amount=amount,
            currency="EUR",
            amount_period=period,
        )

    def _fate(self, ctx: CaseContext, service_id: object, agreed_on: date) -> str:
        """Start, complete or refuse a planned service; returns its status."""
        rng = self.rng
        fate = rng.choices(list(FATES), weights=list(FATES.values()))[0]
        if fate == St.REFUSED or self._first("refused"):
            plan_services.service_refuse(
                actor=ctx.lead,
                service_id=service_id,
                refused_on=self._day(agreed_on, rng.randint(0, 5)),
                note=rng.choice(REFUSALS),
            )
            return St.REFUSED
        if fate == St.PLANNED:
            return St.PLANNED
        starts_on = self._day(agreed_on, rng.randint(0, 5))
        plan_services.service_start(
            actor=ctx.lead, service_id=service_id, starts_on=starts_on, consent_on=agreed_on
        )
        if fate == St.ACTIVE:
            return St.ACTIVE
        plan_services.service_complete(
            actor=ctx.lead,
            service_id=service_id,
            ends_on=self._day(starts_on, rng.randint(5, 40)),
            outcome=rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0],
            outcome_note=rng.choice(OUTCOME_NOTES),
        )
        return St.COMPLETED

    def _close(self, ctx: CaseContext, *, reopen: bool) -> None:
        rng = self.rng
        plan_services.assistance_close(
            actor=ctx.lead,
            case_id=ctx.case.id,
            decided_on=self.today,
            ground=ClosureGround.PERSONS_WISH,  # in the person's words below
            reasons=rng.choice(CLOSE_REASONS),
            exit_plan=rng.choice(EXIT_PLANS),
            person_view="Agreed that support can end; knows they can come back.",
            follow_up_on=self.today + timedelta(days=rng.choice((14, 30, 60))),
        )
        self.counts.closures += 1
        if reopen:
            plan_services.assistance_reopen(
                actor=ctx.lead,
                case_id=ctx.case.id,
                reasons="The person came back and asked for help again.",
            )
            self.counts.reopened += 1

    # Adults: cooperation, dependants, permits, detention

    def _adult(self, ctx: CaseContext) -> None:
        rng = self.rng
        if rng.random() < COOPERATION_SHARE or self._first("cooperation"):
            self._cooperation(ctx)
        woman = ctx.plan.person.gender_identity == GenderIdentity.WOMAN
        if woman and self._first("remedies"):
            self._remedies(ctx)
        elif self._first("compelled_offence"):
            self._compelled_offence(ctx)
        if rng.random() < DEPENDANT_SHARE or self._first("dependant"):
            self._dependant(ctx)
        outside_eu = not EU_CITIZENSHIPS.intersection(ctx.plan.person.citizenships)
        if outside_eu and (rng.random() < PERMIT_SHARE or self._first("permit")):
            self._permit(ctx, expiring=self._first("permit_expiring"))
        if outside_eu and self._first("detention"):
            permit_services.detention_record(
                actor=ctx.lead,
                case_id=ctx.case.id,
                started_on=self._day(ctx.start, 1),
                place_type="Detention unit for foreigners (demo)",
            )
            self.counts.detentions += 1

    def _cooperation(self, ctx: CaseContext) -> None:
        rng = self.rng
        on = self._day(ctx.start, rng.randint(0, 20))
        for _record in range(rng.choice((1, 1, 2))):  # some changed their mind
            # The first person does not cooperate: assistance does not depend on it.
            cooperates = rng.random() < 0.6 and not self._first("not_cooperating")
            justice_services.cooperation_record(
                actor=ctx.lead,
                case_id=ctx.case.id,
                cooperates_with_authorities=cooperates,
                is_witness=cooperates and rng.random() < 0.5,
                recorded_on=on,
            )
            self.counts.cooperation += 1
            on = self._day(on, rng.randint(10, 40))

    def _remedies(self, ctx: CaseContext) -> None:
        """A criminal proceeding at trial with testimony by video granted (R-37), and
        an open claim on the state compensation scheme with free legal aid (R-35, R-36)."""
        case_id, lead = ctx.case.id, ctx.lead
        proceeding = remedies.proceeding_record(
            actor=lead,
            case_id=case_id,
            kind=ProceedingKind.CRIMINAL,
            stage=ProceedingStage.INVESTIGATION,
            authority="District court (demo)",
            person_role=PersonRole.INJURED_PARTY,
            started_on=self._day(ctx.start, 5),
        )
        remedies.proceeding_stage_change(
            actor=lead,
            case_id=case_id,
            proceeding_id=proceeding.pk,
            to_stage=ProceedingStage.TRIAL,
            changed_on=self._day(ctx.start, 30),
        )
        measure = remedies.protective_measure_request(
            actor=lead,
            case_id=case_id,
            proceeding_id=proceeding.pk,
            kind=MeasureKind.VIDEO_TESTIMONY,
            for_whom=MeasureFor.PERSON,
            asked_on=self._day(ctx.start, 31),
        )
        remedies.protective_measure_decide(
            actor=lead,
            case_id=case_id,
            measure_id=measure.pk,
            decision=MeasureDecision.GRANTED,
            decided_on=self._day(ctx.start, 40),
        )
        claim = remedies.claim_record(
            actor=lead,
            case_id=case_id,
            source=ClaimSource.STATE,
            amount_claimed=Decimal("6000.00"),
            filed_on=self._day(ctx.start, 35),
            proceeding_id=proceeding.pk,
        )
        remedies.legal_aid_record(
            actor=lead,
            case_id=case_id,
            free_aid=LegalAidStatus.GRANTED,
            counsel_organisation="Victims' legal clinic (demo)",
            applied_on=self._day(ctx.start, 20),
            decided_on=self._day(ctx.start, 28),
            claim_id=claim.pk,
        )
        self.counts.proceedings += 1
        self.counts.compensation_claims += 1

    def _compelled_offence(self, ctx: CaseContext) -> None:
        """A possible compelled offence (R-33), which tasks the prosecutor."""
        remedies.compelled_offence_flag(
            actor=ctx.lead,
            case_id=ctx.case.id,
            kind=OffenceKind.DOCUMENTS,
            offence="Used a forged identity document given by the recruiter (demo).",
            link="The recruiter kept the real passport and made the person carry the forged one.",
            recorded_on=self._day(ctx.start, 3),
        )
        self.counts.compelled_offences += 1

    def _dependant(self, ctx: CaseContext) -> None:
        rng = self.rng
        age = rng.randint(1, 15)
        dependants.dependant_add(
            actor=ctx.lead,
            case_id=ctx.case.id,
            relationship=DependantRelationship.CHILD,
            name=rng.choice(DEPENDANTS),
            with_the_person=rng.random() < 0.6,
            needs=rng.choice(("Needs a school place.", "Needs a paediatrician.", "")),
            education=EducationAccess.NOT_OF_SCHOOL_AGE
            if age < 7
            else rng.choice((EducationAccess.ARRANGING, EducationAccess.ENROLLED)),
            date_of_birth=self.today - timedelta(days=365 * age + rng.randint(0, 300)),
        )
        self.counts.dependants += 1

    def _permit(self, ctx: CaseContext, *, expiring: bool) -> None:
        rng = self.rng
        expires_on = self.today + timedelta(
            days=rng.randint(10, 25) if expiring else rng.randint(60, 330)
        )
        self.counts.permits += 1
        permit_services.permit_record(
            actor=ctx.lead,
            case_id=ctx.case.id,
            data=permit_services.PermitInput(
                ground_personal_situation=rng.random() < 0.7,
                ground_proceedings=True,
                permit_type="Temporary residence permit for a victim of trafficking",
                issued_on=expires_on - timedelta(days=365),
                expires_on=expires_on,
                issuing_authority=AUTHORITIES[ctx.plan.country],
                reference=f"DEMO-RP-{self.today.year}-{self.counts.permits:03d}",
            ),
        )

    # Children: guardian, best interests, family tracing

    def _child(self, ctx: CaseContext) -> None:
        rng = self.rng
        # The first child has none yet: its overdue guardian task shows.
        if self._first("child_without_guardian") or rng.random() >= GUARDIAN_SHARE:
            self.counts.children_without_guardian += 1
            return
        guardians.guardian_appoint(
            actor=ctx.lead,
            case_id=ctx.case.id,
            guardian_name=rng.choice(GUARDIANS),
            appointed_on=self._day(ctx.start, rng.randint(0, 2)),
            kind=GuardianKind.GUARDIAN,
            guardian_organisation_id=ctx.organisations[T.GUARDIAN_SERVICE].pk,
        )
        self.counts.guardians += 1
        if self._first("age_assessment"):
            self._age_assessment(ctx)
        if rng.random() < BEST_INTERESTS_SHARE or self._first("best_interests"):
            self._best_interests(ctx)
        if rng.random() < TRACING_SHARE or self._first("tracing"):
            self._tracing(ctx)

    def _age_assessment(self, ctx: CaseContext) -> None:
        """One child's age assessed (R-10): doubt remains, so the presumption holds."""
        opened = timezone.localdate(ctx.case.opened_at)
        on = max(self._day(ctx.start, 3), opened)
        age.age_assessment_record(
            actor=ctx.lead,
            case_id=ctx.case.id,
            assessment=age.AgeAssessmentInput(
                method=AgeAssessmentMethod.MULTIDISCIPLINARY,
                result=AgeAssessmentResult.UNCERTAIN_PRESUMED_CHILD,
                assessed_on=on,
                estimated_age_min=16,
                estimated_age_max=19,
                assessor="Social worker and psychologist, municipal child protection",
                person_views="Says she is 17 and was told by the recruiter to say she is 20.",
                reasons="No documents; the interviews give an age of 16 to 19. Where doubt "
                "remains, she is presumed to be a child.",
                appeal_how="To the administrative court within 30 days, with the guardian's help.",
                appeal_by=on + timedelta(days=30),
                legal_basis="Directive 2011/36/EU Art. 13(2)",
            ),
        )
        self.counts.age_assessments += 1

    def _best_interests(self, ctx: CaseContext) -> None:
        rng = self.rng
        matter = rng.choice((BestInterestsMatter.PLACEMENT, BestInterestsMatter.INTERVIEW))
        on = self._day(ctx.start, rng.randint(2, 10))
        stages = [BestInterestsStage.ASSESSMENT]
        if rng.random() < DETERMINATION_SHARE or self._first("determination"):
            stages.append(BestInterestsStage.DETERMINATION)
        for stage in stages:
            heard = rng.random() < 0.85
            best_interests.best_interests_record(
                actor=ctx.lead,
                case_id=ctx.case.id,
                stage=stage,
                matter=matter,
                how_heard=HowHeard.CONVERSATION if heard else HowHeard.NOT_HEARD,
                child_views=rng.choice(CHILD_VIEWS) if heard else NOT_HEARD,
                considerations=CONSIDERATIONS,
                conclusion=CONCLUSIONS[matter == BestInterestsMatter.INTERVIEW],
                guardian_present=stage == BestInterestsStage.DETERMINATION or rng.random() < 0.7,
                decided_on=on,
            )
            self.counts.best_interests += 1
            self.counts.determinations += stage == BestInterestsStage.DETERMINATION
            on = self._day(on, rng.randint(3, 14))

    def _tracing(self, ctx: CaseContext) -> None:
        rng = self.rng
        started_on = self._day(ctx.start, rng.randint(3, 15))
        tracing = family_tracing.family_tracing_start(
            actor=ctx.lead,
            case_id=ctx.case.id,
            best_interests_reason=TRACING_REASONS,
            started_on=started_on,
            traced_by_id=ctx.organisations[T.INTERNATIONAL_ORGANISATION].pk,
        )
        self.counts.tracings += 1
        if rng.random() < 0.5:
            family_tracing.family_tracing_update(
                actor=ctx.lead,
                tracing_id=tracing.pk,
                status=TracingStatus.FOUND,
                outcome="An aunt was found; contact by video call arranged with the guardian.",
                updated_on=self._day(started_on, rng.randint(10, 40)),
                version=tracing.version,
            )


def _services_called_for(levels: dict[str, str], rng: random.Random) -> list[ServiceType]:
    """One service for each needs section answered ``needed`` or ``urgent``."""
    return [
        rng.choice(section.services)
        for section in catalogue.NEEDS_SECTIONS
        if assessment_services.calls_for_service(AssessmentKind.NEEDS, levels.get(section.key, ""))
    ]
