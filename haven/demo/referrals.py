"""Cooperation between the demo organisations (issue 6): referrals in every state,
lead transfers, the national coordination desk and, when this Haven has focal
point keys, one cross-border package.

Everything goes through the real services, after the cases exist: a case member
refers the person (the lead's caseworker first records the person's consent
where the agreement needs it), the receiver's caseworker accepts (joining the
team), declines with a reason or asks for information, the sender answers or
withdraws. Every organisation type that receives anything gets referrals from
others, and the first it receives is accepted, so it then sends one of its own
from that case: each demo caseworker has referrals in both directions. The
"other" type (a company) is on no agreement, so it neither sends nor receives.

No service back-dates a referral, so the demo moves the dates of a few waiting
ones after sending them (the demo's history, not an action), and the referral
sweep escalates them. Texts are fixed synthetic phrases. One seeded
``random.Random``, separate from the others, decides the choices.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from haven.access import policy as access_policy
from haven.access import selectors as access_selectors
from haven.access import services as access_services
from haven.access.models import Consent, FieldGroup, GivenBy, Purpose, TeamMembership
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.assistance.catalogue import ServiceType
from haven.cases.models import Case
from haven.demo import agreements as agreement_specs
from haven.lib.errors import NotAllowed
from haven.referrals import packages, targets
from haven.referrals.models import (
    Channel,
    ConcernCloseReason,
    ConcernReport,
    Consultation,
    ConsultationTopic,
    DeclineReason,
    DirectoryEntry,
    LeadTransfer,
    Referral,
    ReferralEvent,
    ReferralState,
    ReporterSector,
)
from haven.referrals.selectors import access_requests as access_request_selectors
from haven.referrals.services import access_requests as access_request_services
from haven.referrals.services import crossborder, desk
from haven.referrals.services import lead_transfers as transfer_services
from haven.referrals.services import referrals as referral_services

T = OrgType
G = FieldGroup
P = Purpose
S = ServiceType
OrgKey = tuple[str, str]  # (country, org_type)
UserKey = tuple[str, str, str]  # (country, org_type, role)

# What happens to a referral after it is sent (ACCEPTED first for each receiver type).
OVERDUE = "overdue"  # still waiting, past its target: escalated by the sweep
ANSWERED = "answered"  # information asked for and given: waiting again
OUTCOMES = (
    ReferralState.SENT,
    ReferralState.DECLINED,
    ReferralState.INFO_REQUESTED,
    OVERDUE,
    ReferralState.WITHDRAWN,
    ANSWERED,
    ReferralState.DECLINED,
)
INCOMING_PER_TYPE = 3


@dataclass(frozen=True)
class Route:
    """How a case member refers the person to an organisation of one type."""

    referral_type: str  # a key of the response-target file
    purpose: str
    groups: tuple[str, ...]
    consent: bool  # the person's consent is recorded first (the agreement needs it)
    child: bool | None = None  # only children (True), only adults (False) or anyone (None)
    service: str = ""  # the receiver's directory entry of this type, if it lists one


ROUTES: dict[str, Route] = {
    T.SHELTER: Route(
        "accommodation",
        P.ASSISTANCE,
        (G.IDENTITY, G.CONTACT, G.LOCATION),
        True,
        service=S.ACCOMMODATION,
    ),
    T.HEALTH: Route(
        "health", P.ASSISTANCE, (G.IDENTITY, G.CONTACT, G.HEALTH), True, service=S.MEDICAL_CARE
    ),
    T.NGO: Route(
        "legal", P.ASSISTANCE, (G.IDENTITY, G.CONTACT, G.SERVICES), True, service=S.LEGAL_ASSISTANCE
    ),
    T.SOCIAL_SERVICES: Route(
        "social_assistance",
        P.ASSISTANCE,
        (G.IDENTITY, G.CONTACT, G.SERVICES),
        True,
        service=S.FINANCIAL_SUPPORT,
    ),
    T.INTERNATIONAL_ORGANISATION: Route(
        "return", P.RETURN, (G.IDENTITY, G.ASSESSMENT, G.SERVICES), True
    ),
    T.GUARDIAN_SERVICE: Route(
        "child_protection", P.ASSISTANCE, (G.IDENTITY, G.CONTACT, G.LOCATION), False, child=True
    ),
    T.POLICE: Route("identification", P.IDENTIFICATION, (G.IDENTITY, G.LEGAL), False),
    T.BORDER_GUARD: Route("identification", P.IDENTIFICATION, (G.IDENTITY, G.LEGAL), False),
    T.MIGRATION_AUTHORITY: Route("identification", P.IDENTIFICATION, (G.IDENTITY, G.LEGAL), False),
    T.NATIONAL_COORDINATOR: Route(
        "identification", P.IDENTIFICATION, (G.IDENTITY, G.ASSESSMENT), False
    ),
    T.LABOUR_INSPECTORATE: Route("identification", P.IDENTIFICATION, (G.ASSESSMENT,), False),
    T.PROSECUTOR: Route("other", P.INVESTIGATION, (G.LEGAL,), False),
}

# NGOs and social services receive support referrals only under this MoU: the
# other demo agreements share nothing with them. Consent is always needed.
SUPPORT_MOU = agreement_specs.AgreementSpec(
    name="Support services referral MoU",
    reference="Signed copy: NGO register, agreement {start}/30",
    parties=tuple(dict.fromkeys((*agreement_specs.HOLDERS, T.NGO, T.SOCIAL_SERVICES))),
    flows=(
        agreement_specs.FlowSpec(
            (T.NGO, T.SOCIAL_SERVICES), (P.ASSISTANCE,), (G.IDENTITY, G.CONTACT, G.SERVICES)
        ),
    ),
    years_back=1,
    admin=T.NGO,
)

MESSAGES = {
    "accommodation": "Needs a safe place to stay from tonight; no known risk at the shelter.",
    "health": "Asks to see a doctor about an old injury; prefers a woman doctor.",
    "legal": "Wants advice on residence and on claiming unpaid wages.",
    "social_assistance": "Has no income; asks for subsistence support while the case goes on.",
    "return": "Asks about a safe return home and help there afterwards.",
    "child_protection": "A child without a guardian here; please appoint a representative.",
    "identification": "Indicators recorded; please consider a reasonable-grounds decision.",
    "other": "For the decisions on record, so the person is not prosecuted for what they did.",
}
QUESTIONS = (
    "Does the person need step-free access?",
    "Which language should the interpreter speak?",
    "Is there a safety concern we should plan for?",
)
ANSWERS = (
    "No, but they prefer the ground floor.",
    "Russian; Ukrainian also works.",
    "The recruiter may still try to call; no known address.",
)
DECLINE_NOTES: dict[str, str] = {
    DeclineReason.OTHER.value: "Our team is closed for a training week; ask again on Monday."
}
WITHDRAW_NOTES = ("The person found a place through relatives.", "Sent to the wrong office.")
CONSENT_INFORMATION = (
    "Told who would receive what and why, that saying no changes nothing in the help "
    "they get, and that they can withdraw the consent at any time."
)
CHILD_VIEWS = "Wants to know who will help and to keep seeing the same worker."
TRANSFER_REASONS = (
    "The person now lives in the social services' area; they will coordinate the support.",
    "The investigation is the main track now; the police will coordinate.",
)

# The national coordination desk.
CONSULTATIONS = (
    (
        Channel.PHONE,
        ConsultationTopic.IDENTIFICATION,
        T.HEALTH,
        "A patient's employer keeps their passport and answers for them. Trafficking?",
        "Several indicators: see the person alone, offer the helpline, refer if they agree.",
    ),
    (
        Channel.EMAIL,
        ConsultationTopic.ACCOMMODATION,
        T.OTHER,
        "A hotel asks where a guest who fears her employer can stay tonight.",
        "Call the shelter's 24-hour line; we told the NGO to expect a call.",
    ),
    (
        Channel.IN_PERSON,
        ConsultationTopic.CHILD,
        T.SOCIAL_SERVICES,
        "A teenager without documents says an uncle brought him here to work.",
        "Treat as a child; guardian service and child protection first.",
    ),
    (
        Channel.PHONE,
        ConsultationTopic.CROSS_BORDER,
        T.POLICE,
        "The person wants to go home; who handles the other side?",
        "The international organisation's return programme, through the focal points.",
    ),
)
CASE_QUESTION = "The lead asks whether a second screening is needed before deciding."
CASE_ADVICE = "Not needed: the first screening is recent; decide on what is recorded."
REPORTS = (
    (
        ReporterSector.HOSPITALITY,
        "Kitchen staff at a restaurant sleep on site and never seem to leave.",
        "",
    ),
    (
        ReporterSector.TRAVEL_TRANSPORT,
        "A driver collected six young women at the bus station; one looked frightened.",
        "Call the depot's duty phone (demo)",
    ),
    (ReporterSector.RELIGIOUS_COMMUNITY, "A family in our parish works without pay.", ""),
    (
        ReporterSector.PRIVATE_SECTOR,
        # Three people found together: the desk opens one linked case per person.
        "Three men on a building site hand their wages to a foreman and sleep in a container.",
        "",
    ),
    (ReporterSector.OTHER, "Test message, please ignore.", ""),
)
PARTNER = ("Demo partner focal point (synthetic)", "LV", "lv-demo-partner")


@dataclass
class ReferralCounts:
    referrals: Counter[str] = field(default_factory=Counter)  # by state at the end
    overdue: int = 0
    escalated: int = 0  # by the referral sweep
    information_answered: int = 0
    consents: int = 0  # recorded before a referral
    agreements: int = 0  # the support MoU, in each country
    lead_transfers: Counter[str] = field(default_factory=Counter)  # by state
    consultations: int = 0
    consultations_linked: int = 0  # to a case
    consultations_routed: int = 0
    reports: Counter[str] = field(default_factory=Counter)  # by state
    crossborder_configured: bool = False
    crossborder_exported: int = 0
    access_requests: int = 0  # a team member asked the case lead (issue 11)


@dataclass
class CaseTeam:
    case: Case
    country: str
    lead: str  # org type
    types: set[str]  # org types on the team, the lead included
    child: bool


class ReferralSeeder:
    """Records the demo's cooperation from one seeded random stream."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        orgs: Mapping[OrgKey, Organisation],
        users: Mapping[UserKey, User],
    ) -> None:
        # Synthetic demo data from a fixed seed, reproducible: not a security use.
        self.rng = random.Random(f"haven-demo-referrals-{seed}")  # nosec B311
        self.today = today
        self.orgs = orgs
        self.users = users
        self.counts = ReferralCounts()
        self.used: set[tuple[object, str]] = set()  # (case id, receiver type) referred
        self.senders: set[OrgKey] = set()
        self.overdue: list[Referral] = []
        self.outcomes: Iterator[str] = itertools.cycle(OUTCOMES)
        self.reasons: Iterator[str] = itertools.cycle(DeclineReason.values)

    def seed(self) -> ReferralCounts:
        teams = self._teams()
        system_admin = next(u for u in self.users.values() if u.role == Role.SYSTEM_ADMIN)
        for country in ("FI", "EE"):
            self._support_mou(country)
            mine = [t for t in teams if t.country == country]
            self._referrals(country, mine)
            self._lead_transfers(country, mine)
            self._consultations(country, mine)
            self._access_request(country, mine)
        self._age_overdue()
        self.counts.escalated = referral_services.referrals_sweep(now=timezone.now())
        self._reports()
        self._crossborder(system_admin)
        counts = self.counts
        counts.referrals.update(Referral.objects.values_list("state", flat=True))
        counts.lead_transfers.update(LeadTransfer.objects.values_list("state", flat=True))
        counts.reports.update(ConcernReport.objects.values_list("state", flat=True))
        consultations = Consultation.objects.all()
        counts.consultations = consultations.count()
        counts.consultations_linked = consultations.filter(case__isnull=False).count()
        counts.consultations_routed = (
            consultations.filter(routed_to__isnull=False).distinct().count()
        )
        return counts

    def _caseworker(self, country: str, org_type: str) -> User:
        return self.users[(country, org_type, Role.CASEWORKER)]

    def _teams(self) -> list[CaseTeam]:
        """The demo's cases in the order they were opened, with their teams."""
        cases = list(Case.objects.select_related("person__data_key").order_by("opened_at", "pk"))
        teams: dict[object, CaseTeam] = {
            c.pk: CaseTeam(c, c.country, "", set(), c.person.treat_as_child)
            for c in cases
            if c.person.erased_at is None
        }
        memberships = TeamMembership.objects.values_list(
            "case_id", "organisation__org_type", "is_lead"
        )
        for case_id, org_type, is_lead in memberships:
            team = teams.get(case_id)
            if team is not None:
                team.types.add(org_type)
                team.lead = org_type if is_lead else team.lead
        return list(teams.values())

    def _support_mou(self, country: str) -> None:
        spec = SUPPORT_MOU
        parties, flows = agreement_specs.service_inputs(
            spec,
            country=country,
            organisations={t: o for (c, t), o in self.orgs.items() if c == country},
        )
        valid_from = spec.valid_from(self.today)
        agreement = access_services.agreement_propose(
            actor=self.users[(country, T.NGO, Role.ORG_ADMIN)],
            name=spec.title(country=country, today=self.today),
            document_reference=spec.reference.format(start=valid_from.year),
            valid_from=valid_from,
            parties=parties,
            flows=flows,
        )
        admins = {
            t: u for (c, t, r), u in self.users.items() if c == country and r == Role.ORG_ADMIN
        }
        agreement_specs.approve_by_every_party(agreement, country=country, admins=admins)
        self.counts.agreements += 1

    # Referrals

    def _referrals(self, country: str, teams: list[CaseTeam]) -> None:
        for receiver in ROUTES:
            for index in range(INCOMING_PER_TYPE):
                outcome = ReferralState.ACCEPTED if index == 0 else next(self.outcomes)
                self._refer(country, teams, receiver=receiver, outcome=outcome)
        for sender in ROUTES:  # those that sent nothing yet: from a case they are on
            for _attempt in range(3):
                if (country, sender) in self.senders or self._refer_from(country, teams, sender):
                    break
                # On no case that can still refer: one more referral to it, accepted.
                self._refer(country, teams, receiver=sender, outcome=ReferralState.ACCEPTED)

    def _refer_from(self, country: str, teams: list[CaseTeam], sender: str) -> bool:
        for receiver in self.rng.sample(list(ROUTES), len(ROUTES)):
            if self._refer(
                country, teams, receiver=receiver, outcome=next(self.outcomes), sender=sender
            ):
                return True
        return False

    def _refer(
        self,
        country: str,
        teams: list[CaseTeam],
        *,
        receiver: str,
        outcome: str,
        sender: str = "",
    ) -> bool:
        """One referral to the receiver type from a case that can make it; whether one was."""
        route = ROUTES[receiver]
        organisation = self.orgs[(country, receiver)]
        start = self.rng.randrange(len(teams)) if teams else 0
        for team in teams[start:] + teams[:start]:
            if (
                receiver in team.types
                or (team.case.pk, receiver) in self.used
                or (route.child is not None and route.child != team.child)
                or (sender and sender not in team.types)
                or (route.consent and team.child and not self._guardian(team))
            ):
                continue
            groups = self._flowing(team, organisation, route)
            if not groups:
                continue
            self._send(team, organisation, route, groups, outcome, sender=sender)
            return True
        return False

    @staticmethod
    def _guardian(team: CaseTeam) -> bool:
        """Whether the child has a guardian who can consent (R-11): until one is
        appointed, no referral that needs consent is made for the child."""
        return access_selectors.guardian_appointed(case_id=team.case.pk)

    def _flowing(self, team: CaseTeam, receiver: Organisation, route: Route) -> list[str]:
        """The route's groups an agreement lets flow to the receiver (consent aside
        when the route asks for it first)."""
        context = access_policy.case_context(case_id=team.case.pk)
        groups = []
        for group in route.groups:
            decision = access_policy.flow_check(
                case_id=team.case.pk,
                recipient=receiver,
                field_group=FieldGroup(group),
                purpose=Purpose(route.purpose),
                context=context,
            )
            if decision.allowed or (route.consent and decision.code == "no_consent"):
                groups.append(group)
        return groups

    def _send(
        self,
        team: CaseTeam,
        receiver: Organisation,
        route: Route,
        groups: list[str],
        outcome: str,
        *,
        sender: str,
    ) -> None:
        rng = self.rng
        country, case = team.country, team.case
        sender = sender or rng.choice(sorted(team.types - {T.RAPPORTEUR}))
        if route.consent:
            self._consent(team, receiver, route, groups)
        entry = (
            DirectoryEntry.objects.filter(
                organisation=receiver, service_type=route.service, active=True
            )
            .order_by("title")
            .first()
            if route.service
            else None
        )
        by = self._caseworker(country, sender)
        referral = referral_services.referral_send(
            actor=by,
            case_id=case.pk,
            to_organisation_id=receiver.pk,
            referral_type=route.referral_type,
            purpose=route.purpose,
            field_groups=groups,
            message=MESSAGES[route.referral_type],
            urgent=route.referral_type == "child_protection" or rng.random() < 0.15,
            directory_entry_id=entry.pk if entry else None,
        )
        self.used.add((case.pk, str(receiver.org_type)))
        self.senders.add((country, sender))
        self._answer(
            referral, by=by, to=self._caseworker(country, str(receiver.org_type)), outcome=outcome
        )
        if outcome == ReferralState.ACCEPTED:
            team.types.add(str(receiver.org_type))

    def _consent(
        self, team: CaseTeam, receiver: Organisation, route: Route, groups: list[str]
    ) -> None:
        """The person's consent to share the groups with the receiver, recorded by
        the lead's caseworker (for a child, the representative's, with the child's views)."""
        case = team.case
        access_services.consent_record(
            actor=self._caseworker(team.country, team.lead),
            case_id=case.pk,
            person_id=case.person_id,
            data_key=case.person.data_key,
            purpose=route.purpose,
            field_groups=groups,
            given_on=self.today - timedelta(days=self.rng.randint(0, 3)),
            language=case.person.languages[0] if case.person.languages else "en",
            information_given=CONSENT_INFORMATION,
            recipient_organisation=receiver,
            given_by=GivenBy.GUARDIAN if team.child else GivenBy.PERSON,
            child=team.child,
            child_views=CHILD_VIEWS if team.child else "",
        )
        self.counts.consents += 1

    def _answer(self, referral: Referral, *, by: User, to: User, outcome: str) -> None:
        rng = self.rng
        if outcome == OVERDUE:
            self.overdue.append(referral)
        elif outcome == ReferralState.ACCEPTED:
            referral_services.referral_accept(actor=to, referral_id=referral.pk)
        elif outcome == ReferralState.DECLINED:
            reason = next(self.reasons)
            referral_services.referral_decline(
                actor=to, referral_id=referral.pk, reason=reason, note=DECLINE_NOTES.get(reason, "")
            )
        elif outcome in (ReferralState.INFO_REQUESTED, ANSWERED):
            asked = rng.randrange(len(QUESTIONS))
            referral_services.referral_request_info(
                actor=to, referral_id=referral.pk, question=QUESTIONS[asked]
            )
            if outcome == ANSWERED:
                referral_services.referral_provide_info(
                    actor=by, referral_id=referral.pk, answer=ANSWERS[asked]
                )
                self.counts.information_answered += 1
        elif outcome == ReferralState.WITHDRAWN:
            referral_services.referral_withdraw(
                actor=by, referral_id=referral.pk, note=rng.choice(WITHDRAW_NOTES)
            )

    def _access_request(self, country: str, teams: list[CaseTeam]) -> None:
        """One team member asks the case lead for a group hidden from it for want of
        the person's consent (issue 11): the lead finds the task waiting."""
        for team in teams:
            for member in sorted(team.types - {team.lead}):
                user = self.users.get((country, member, Role.CASEWORKER))
                if user is None:
                    continue
                for purpose in (Purpose.INVESTIGATION, Purpose.ASSISTANCE):
                    try:
                        options = access_request_selectors.access_request_options(
                            user=user, case_id=team.case.pk, purpose=purpose
                        )
                    except NotAllowed:
                        continue
                    access_request_services.access_request_ask(
                        actor=user,
                        case_id=team.case.pk,
                        field_groups=[options.askable[0].group],
                        reason="To prepare the next interview without asking the same "
                        "questions again.",
                        purpose=purpose,
                    )
                    self.counts.access_requests += 1
                    return

    def _age_overdue(self) -> None:
        """Move the overdue ones' sending back past their target (demo history)."""
        now = timezone.now()
        for referral in self.overdue:
            kind = targets.referral_type(referral.referral_type)
            assert kind is not None  # noqa: S101 - sent with a type of the file
            sent_at = (
                now - kind.target(urgent=referral.urgent) - timedelta(hours=self.rng.randint(2, 48))
            )
            due_at = sent_at + kind.target(urgent=referral.urgent)
            Referral.objects.filter(pk=referral.pk).update(sent_at=sent_at, due_at=due_at)
            ReferralEvent.objects.filter(
                referral=referral, action=ReferralEvent.Action.SEND
            ).update(at=sent_at)
        self.counts.overdue += len(self.overdue)
        self.overdue = []

    # Lead transfers

    def _lead_transfers(self, country: str, teams: list[CaseTeam]) -> None:
        """One accepted in Finland, one still waiting in Estonia, between main types."""
        accept = country == "FI"
        for team in reversed(teams):  # the latest cases: the first ones keep their lead
            members = sorted((team.types & set(agreement_specs.HOLDERS)) - {team.lead})
            members = [m for m in members if m in (T.NGO, T.SOCIAL_SERVICES, T.POLICE)]
            if team.lead not in (T.NGO, T.SOCIAL_SERVICES, T.POLICE) or not members:
                continue
            receiver = members[0]
            transfer = transfer_services.lead_transfer_propose(
                actor=self._caseworker(country, team.lead),
                case_id=team.case.pk,
                to_organisation_id=self.orgs[(country, receiver)].pk,
                reason=TRANSFER_REASONS[receiver == T.POLICE],
            )
            if accept:
                transfer_services.lead_transfer_accept(
                    actor=self._caseworker(country, receiver), transfer_id=transfer.pk
                )
                former, team.lead = team.lead, receiver
                self._keep_former_lead(team, former)
            return

    def _keep_former_lead(self, team: CaseTeam, former: str) -> None:
        """The new lead asks the person's consent to keep sharing with the former
        lead, where an agreement needs it: the former lead stays on the team."""
        route = ROUTES[former]
        organisation = self.orgs[(team.country, former)]
        groups = self._flowing(team, organisation, route)
        if route.consent and groups:
            self._consent(team, organisation, route, groups)

    # The national coordination desk

    def _consultations(self, country: str, teams: list[CaseTeam]) -> None:
        coordinator = self._caseworker(country, T.NATIONAL_COORDINATOR)
        for index, (channel, topic, caller, question, advice) in enumerate(CONSULTATIONS):
            routed = [self.orgs[(country, T.NGO)].pk] if index % 2 else []
            if topic == ConsultationTopic.CHILD:
                routed = [self.orgs[(country, T.GUARDIAN_SERVICE)].pk]
            desk.consultation_log(
                actor=coordinator,
                channel=channel,
                topic=topic,
                question=question,
                advice=advice,
                caller_org_type=caller,
                routed_to_ids=routed,
            )
        joined = next((t for t in teams if T.NATIONAL_COORDINATOR in t.types), None)
        if joined is not None:
            desk.consultation_log(
                actor=coordinator,
                channel=Channel.PHONE,
                topic=ConsultationTopic.IDENTIFICATION,
                question=CASE_QUESTION,
                advice=CASE_ADVICE,
                caller_org_type=joined.lead,
                case_id=joined.case.pk,
            )

    def _reports(self) -> None:
        """Concerns from the public page (the service it uses), some triaged:
        advice routed to an NGO, one closed, the rest still new."""
        coordinator = self._caseworker("FI", T.NATIONAL_COORDINATOR)
        # Each goes to its country's coordinators; one names no country (every desk).
        places = [("FI", "Uusimaa"), ("FI", "Pirkanmaa"), ("EE", "Harjumaa"), ("", "")]
        places.append(("FI", "Uusimaa"))
        for index, (sector, description, contact) in enumerate(REPORTS):
            country, region = places[index]
            report = desk.report_submit(
                description=description,
                region=region,
                sector=sector,
                contact=contact,
                country=country,
            )
            if index in (0, 1):
                desk.report_advise(
                    actor=coordinator,
                    report_id=report.pk,
                    advice="Routed to the NGO for outreach; police told if the person agrees.",
                    routed_to_ids=[self.orgs[("FI", T.NGO)].pk],
                )
            elif sector == ReporterSector.OTHER:
                desk.report_close(
                    actor=coordinator, report_id=report.pk, reason=ConcernCloseReason.ABUSE
                )

    # Cross-border

    def _crossborder(self, system_admin: User) -> None:
        """With focal point keys (``make demo`` writes them), a synthetic partner's
        public keys and one package for it, covered by a consent to a focal point type."""
        if not crossborder.is_configured():
            return
        self.counts.crossborder_configured = True
        keys = packages.keygen()  # the partner's: its private keys are thrown away
        name, partner_country, focal_point_id = PARTNER
        partner = crossborder.partner_key_add(
            actor=system_admin,
            organisation_name=name,
            country=partner_country,
            focal_point_id=focal_point_id,
            encryption_public_key=keys["encryption_public_key"],
            signing_public_key=keys["signing_public_key"],
        )
        consent = (
            Consent.objects.filter(
                withdrawn_at__isnull=True,
                purpose__in=crossborder.COVERING_PURPOSES,
                recipient_organisation__org_type__in=crossborder.FOCAL_POINT_TYPES,
                case__person__erased_at__isnull=True,
            )
            .select_related("case")
            .order_by("case__opened_at", "pk")
            .first()
        )
        if consent is None:
            return
        lead = TeamMembership.objects.select_related("organisation").get(
            case=consent.case, is_lead=True
        )
        crossborder.crossborder_export(
            actor=self._caseworker(consent.case.country, str(lead.organisation.org_type)),
            case_id=consent.case_id,
            partner_id=partner.pk,
            stage=crossborder.Stage.RETURN
            if consent.purpose == Purpose.RETURN
            else crossborder.Stage.FIRST_ASSISTANCE,
            consent_id=consent.pk,
        )
        self.counts.crossborder_exported += 1
