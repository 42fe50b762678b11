"""The person's own view: a selector for GDPR access requests (Art. 15; R-39, R-40).

``person_report_read`` gathers, for the case lead to print and hand over, what
Haven holds about the person, with whom it was shared (the case team, the
person's consents, the agreements under which data flowed) and who read or
changed it (the audit trail). Every part is read through the selector that
owns it (``case_read``, the identification selectors, ``person_access_report``),
so each is decided by ``access.policy`` and audited; the report itself is one
more audited read, in the same transaction.

Staff user names are left out on purpose. Art. 15(1)(c) gives the person the
recipients: the organisations, which the report names with their type and role
on the case. Staff act under their organisation's authority and their names are
their own personal data; the CJEU (C-579/21, Pankki S, 2023) held that the right
of access does not in principle extend to them. Where a person needs a name to
exercise their rights, the organisation's data protection officer answers that
request case by case, from the full audit trail.
"""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access import policy as access_policy
from haven.access import selectors as access_selectors
from haven.access.models import AgreementFlow, Consent, FieldGroup, Purpose, TeamMembership
from haven.accounts.models import Organisation, User
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.cases import errors, parts, selectors
from haven.cases.models import Case
from haven.lib import cldr

# The language the interface is written in: always "translated".
SOURCE_LANGUAGE = "en"
ERASED_CODE = "person_erased"
# What an audit event was about, in words for the person (other objects: no words).
SUBJECTS = {
    "cases.Case": gettext_lazy("your case"),
    "cases.Person": gettext_lazy("your record"),
    "cases.Interview": gettext_lazy("an interview"),
    "access.Consent": gettext_lazy("a consent"),
    "access.ChildViews": gettext_lazy("your own views on sharing"),
    "identification.Screening": gettext_lazy("a screening"),
    "identification.IdentificationDecision": gettext_lazy("an identification decision"),
    "identification.Reconsideration": gettext_lazy("a request for reconsideration"),
    "assistance.ReflectionPeriod": gettext_lazy("the recovery and reflection period"),
}


# --- what the report holds ------------------------------------------------------------


@dataclass(frozen=True)
class ReportLanguage:
    """The language chosen for the report, and the one it is rendered in.

    The report is rendered in ``text_code``: the chosen language once Haven has a
    translation into it, English until then. Never a mix: activating a language
    without Haven's catalogue would still translate the few words that Django's
    own catalogues share (such as "No" or "Change") and format dates in it.
    """

    code: str  # the chosen language, one of settings.LANGUAGES
    name: str
    translated: bool  # False: no catalogue for ``code`` yet, so the words are English
    person_language: str  # the person's first language (ISO 639-1), "" when not known
    person_language_name: str
    chosen_by_caseworker: bool  # ``?lang=`` overrode the person's language

    @property
    def text_code(self) -> str:
        """The language the words are really in (for the ``lang`` attribute)."""
        return self.code if self.translated else SOURCE_LANGUAGE

    @property
    def person_language_offered(self) -> bool:
        return self.person_language in dict(settings.LANGUAGES)


@dataclass(frozen=True)
class ReportGroup:
    """One field group as the case lead holds it: its data, or why it is not shown."""

    group: FieldGroup
    shown: bool
    code: str
    reason: str
    data: dict[str, Any] | None  # without staff names; None when not shown


@dataclass(frozen=True)
class TeamEntry:
    organisation: str
    org_type: str
    is_lead: bool
    joined_at: datetime


@dataclass(frozen=True)
class ConsentEntry:
    recipient: str  # an organisation's name, or "" for every organisation of a type
    recipient_org_type: str
    purpose: str
    field_groups: list[str]
    given_on: date
    given_by: str
    language: str
    information_given: str
    child_views: str  # empty when none, and once the data is erased
    recorded_at: datetime
    withdrawn_at: datetime | None

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True)
class ChildViewsEntry:
    """A child's own views heard while no guardian was appointed: never a consent."""

    recipient: str  # an organisation's name, or "" for every organisation of a type
    recipient_org_type: str
    purpose: str
    field_groups: list[str]
    heard_on: date
    language: str
    information_given: str
    views: str  # empty once the data is erased, or when the reader may not see it
    recorded_at: datetime


@dataclass(frozen=True)
class FlowEntry:
    """One data-sharing clause of an agreement from the case lead to a team member."""

    recipient: str
    recipient_org_type: str
    agreement: str
    document_reference: str
    legal_basis: str
    consent_required: bool
    valid_from: date
    ends_on: date | None
    in_force: bool
    purposes: list[str]
    field_groups: list[str]


@dataclass(frozen=True)
class AccessEntry:
    """One audit event about the person, by organisation (no staff names)."""

    occurred_at: datetime
    organisation: str  # "" for the system itself
    org_type: str
    team_role: str  # case_lead, team_member, outside_team, or "" for the system
    action: str
    action_label: str
    subject: str  # what it was about, in words; "" when Haven has no words for it
    kind: str  # person_report, break_glass or ""
    field_groups: list[str]
    purpose: str


@dataclass(frozen=True)
class InterviewEntry:
    """One interview, as the person may know it: when, where, by whom, who may read
    the record, and what was recorded where the case lead may read it (R-14)."""

    held_on: date
    organisation: str
    premises: str
    barnahus_route: bool
    readers: list[str]
    summary: str | None  # None: the lead may not read the content
    persons_present: list[str]
    hidden_reason: str


@dataclass(frozen=True)
class BreakGlassEntry:
    """Emergency access to the case (break-glass), by organisation."""

    organisation: str
    started_at: datetime
    expires_at: datetime
    review: str
    review_label: str


@dataclass(frozen=True)
class PersonReport:
    case: Case
    produced_at: datetime
    lead_name: str
    language: ReportLanguage
    erased: bool
    erased_at: datetime | None
    groups: list[ReportGroup]
    interviews: list[InterviewEntry]
    team: list[TeamEntry]
    consents: list[ConsentEntry]
    child_views: list[ChildViewsEntry]
    break_glass: list[BreakGlassEntry]
    flows: list[FlowEntry]
    access_events: list[AccessEntry]
    # The apps' sections (``parts.ReportPart``), in the composer's order.
    sections: list[parts.ReportSection]

    def section(self, key: str) -> parts.ReportSection:
        return next(s for s in self.sections if s.key == key)

    @property
    def screenings(self) -> parts.ReportSection:
        return self.section("screenings")

    @property
    def decisions(self) -> parts.ReportSection:
        return self.section("decisions")

    @property
    def other_sections(self) -> list[parts.ReportSection]:
        """Every section but the identification ones, which the report shows first."""
        return [s for s in self.sections if s.key not in ("screenings", "decisions")]


# --- the selector ---------------------------------------------------------------------


def offered_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@audit.audit_batch()
def person_report_read(
    *,
    user: User,
    case_id: object,
    language: str = "",
    report_parts: Sequence[parts.ReportPart] = (),
) -> PersonReport:
    """Selector: the report for the person (GDPR Art. 15), for the case lead's
    caseworkers and supervisors only; other team members get a 403 with the reason,
    everyone else the case's 404. It shows every field group the lead may read (as
    ``access.policy`` decides), in the person's first language where Haven offers
    it (``language`` overrides it), with the sections of ``report_parts`` (the
    composer's, ``haven.web.composer``). Producing it is an audited read.

    One transaction, whose audit events (the report's own and every part's) are
    appended together at its end (``audit.audit_batch``): each part's selector
    still decides and records its own reads, without a savepoint of its own."""
    case, context = selectors.case_get_with_context(user=user, case_id=case_id)
    lead = context.lead
    if lead is None or lead.organisation_id != user.organisation_id:
        raise errors.GroupNotAllowed(
            _(
                "Only the case lead (%(lead)s) can produce the report for the person. "
                "Ask them to produce it."
            )
            % {"lead": lead.organisation.name if lead else _("the case lead")}
        )
    chosen = _language(user=user, case=case, context=context, requested=language)
    with translation.override(chosen.text_code):
        report = _gather(
            user=user, case=case, context=context, language=chosen, report_parts=report_parts
        )
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type="cases.Person",
        object_id=case.person_id,
        person_id=case.person_id,
        field_groups=[g.group for g in report.groups if g.shown],
        purpose=Purpose.ASSISTANCE,
        detail={"report": "person"},
    )
    return report


def person_report_offered(*, case_view: selectors.CaseView) -> bool:
    """Whether to offer the report on the case page: the policy decided that the
    user's organisation leads the case (no further query)."""
    return any(g.code == "case_lead" for g in case_view.groups)


# --- language -------------------------------------------------------------------------


def translation_available(code: str) -> bool:
    """Whether Haven's words exist in this language (a compiled catalogue)."""
    if code == SOURCE_LANGUAGE:
        return True
    paths = [str(path) for path in settings.LOCALE_PATHS]
    return any(gettext.find("django", path, [code]) for path in paths)


def _language_name(code: str) -> str:
    """In the reader's language (settings.LANGUAGES names each language in itself)."""
    return cldr.language_name(code)


def _language(
    *, user: User, case: Case, context: access_policy.CaseContext, requested: str
) -> ReportLanguage:
    """The caseworker's choice, else the first of the person's languages that Haven
    offers, else the caseworker's own. The person's languages are identity data."""
    if requested and requested not in offered_languages():
        raise errors.InvalidInput(
            _("Choose a language from the list."),
            code=errors.ErrorCode.LANGUAGE_NOT_OFFERED,
            field="lang",
        )
    identity = access_policy.decide(
        user=user, case_id=case.id, field_group=FieldGroup.IDENTITY, context=context
    )
    known = identity.allowed and case.person.erased_at is None
    spoken = [str(code) for code in case.person.languages] if known else []
    first = spoken[0] if spoken else ""
    offered = offered_languages()
    # The first language Haven offers: a second language beats the caseworker's own.
    code = requested or next((c for c in spoken if c in offered), "")
    code = code or translation.get_language() or settings.LANGUAGE_CODE
    if code not in offered:
        code = settings.LANGUAGE_CODE
    return ReportLanguage(
        code=code,
        name=_language_name(code),
        translated=translation_available(code),
        person_language=first,
        person_language_name=_language_name(first) if first else "",
        chosen_by_caseworker=bool(requested),
    )


# --- the parts ------------------------------------------------------------------------


def _gather(
    *,
    user: User,
    case: Case,
    context: access_policy.CaseContext,
    language: ReportLanguage,
    report_parts: Sequence[parts.ReportPart],
) -> PersonReport:
    # The access report first: it lists what happened before this report's own reads.
    events = selectors.person_access_report(user=user, case_id=case.id)
    view = selectors.case_read(user=user, case_id=case.id)
    team = list(context.memberships)
    person = case.person
    return PersonReport(
        case=case,
        produced_at=timezone.now(),
        lead_name=view.lead_name,
        language=language,
        erased=view.erased,
        erased_at=person.erased_at,
        groups=[_group(g, erased=view.erased) for g in view.groups],
        interviews=_interviews(user=user, case=case),
        team=[
            TeamEntry(m.organisation.name, m.organisation.org_type, m.is_lead, m.joined_at)
            for m in sorted(team, key=lambda m: (not m.is_lead, m.joined_at))
        ],
        consents=_consents(user=user, case=case, context=context),
        child_views=_child_views(user=user, case=case, context=context),
        break_glass=_break_glass(case=case),
        flows=_flows(team=team),
        access_events=_access_events(events, team=team),
        sections=_sections(report_parts, parts.ReportRequest(user, case, context)),
    )


def _sections(
    report_parts: Sequence[parts.ReportPart], request: parts.ReportRequest
) -> list[parts.ReportSection]:
    """Each part reads through its own app's selectors (decided and audited)."""
    return [
        section for part in report_parts if part.read is not None for section in part.read(request)
    ]


def _break_glass(*, case: Case) -> list[BreakGlassEntry]:
    """Every emergency access to the case; the report's reader is its lead, to whom
    each use is reported anyway (no staff names, see above)."""
    return [
        BreakGlassEntry(
            organisation=grant.organisation.name,
            started_at=grant.started_at,
            expires_at=grant.expires_at,
            review=grant.review,
            review_label=grant.get_review_display(),
        )
        for grant in access_selectors.break_glass_of_case(case_id=case.id)
    ]


def _group(group: selectors.GroupView, *, erased: bool) -> ReportGroup:
    if group.allowed and erased:
        reason = _("This person's data has been erased.")
        return ReportGroup(group.group, False, ERASED_CODE, reason, None)
    data = _without_staff(group.group, group.data) if group.data is not None else None
    return ReportGroup(group.group, data is not None, group.code, group.reason, data)


def _without_staff(group: FieldGroup, data: dict[str, Any]) -> dict[str, Any]:
    """The group's data minus staff user names (see the module docstring)."""
    if group == FieldGroup.NARRATIVE:
        entries = [{k: v for k, v in e.items() if k != "author"} for e in data["entries"]]
        return {**data, "entries": entries}
    if group == FieldGroup.LEGAL:
        steps = [{k: v for k, v in t.items() if k != "decided_by"} for t in data["transitions"]]
        return {**data, "transitions": steps}
    return data


def _interviews(*, user: User, case: Case) -> list[InterviewEntry]:
    listing = selectors.interview_list(user=user, case_id=case.id)
    return [
        InterviewEntry(
            held_on=row.held_on,
            organisation=row.organisation,
            premises=row.premises_label,
            barnahus_route=row.barnahus_route,
            readers=[reader.name for reader in row.readers],
            summary=row.content.summary if row.content else None,
            persons_present=row.content.persons_present if row.content else [],
            hidden_reason="" if row.content else row.read_reason,
        )
        for row in listing.interviews
    ]


def _consents(*, user: User, case: Case, context: access_policy.CaseContext) -> list[ConsentEntry]:
    """Every consent the person gave, live and withdrawn, oldest first (R-20, R-40),
    through the access app's selector (which decides and audits the child's views)."""
    views = access_selectors.consent_list(
        user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    entries = [_consent_entry(view.consent, child_views=view.child_views) for view in views]
    return sorted(entries, key=lambda e: (e.given_on, e.recorded_at))


def _child_views(
    *, user: User, case: Case, context: access_policy.CaseContext
) -> list[ChildViewsEntry]:
    """The child's own views heard while no guardian was appointed (R-11, R-25), oldest
    first, through the access app's selector (which decides and audits the read)."""
    views = access_selectors.child_views_list(
        user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    entries = [
        ChildViewsEntry(
            recipient=v.record.recipient_organisation.name
            if v.record.recipient_organisation
            else "",
            recipient_org_type=v.record.recipient_organisation.org_type
            if v.record.recipient_organisation
            else v.record.recipient_org_type,
            purpose=v.record.purpose,
            field_groups=list(v.record.field_groups),
            heard_on=v.record.heard_on,
            language=v.record.language,
            information_given=v.record.information_given,
            views=v.views or "",
            recorded_at=v.record.recorded_at,
        )
        for v in views
    ]
    return sorted(entries, key=lambda e: (e.heard_on, e.recorded_at))


def _consent_entry(consent: Consent, *, child_views: str | None) -> ConsentEntry:
    recipient = consent.recipient_organisation
    return ConsentEntry(
        recipient=recipient.name if recipient else "",
        recipient_org_type=recipient.org_type if recipient else consent.recipient_org_type,
        purpose=consent.purpose,
        field_groups=list(consent.field_groups),
        given_on=consent.given_on,
        given_by=consent.get_given_by_display(),
        language=consent.language,
        information_given=consent.information_given,
        child_views=child_views or "",
        recorded_at=consent.recorded_at,
        withdrawn_at=consent.withdrawn_at,
    )


def _flows(*, team: list[TeamMembership]) -> list[FlowEntry]:
    """Clauses of agreements, signed by the case lead, under which data could flow
    to each other team member while it was on the team (R-47)."""
    lead = next((m for m in team if m.is_lead), None)
    members = [m for m in team if not m.is_lead]
    if lead is None or not members:
        return []
    holder = lead.organisation
    today = timezone.localdate()
    flows = (
        AgreementFlow.objects.filter(agreement__valid_from__lte=today)
        .select_related("agreement")
        .prefetch_related("agreement__parties")
        .order_by("agreement__name", "pk")
    )
    entries = []
    for flow in flows:
        agreement = flow.agreement
        for member in members:
            joined = timezone.localdate(member.joined_at)
            if not access_policy.flow_reaches(flow, holder=holder, recipient=member.organisation):
                continue
            if agreement.ends_on is not None and agreement.ends_on <= joined:
                continue  # ended before the member joined: nothing flowed under it
            entries.append(
                FlowEntry(
                    recipient=member.organisation.name,
                    recipient_org_type=member.organisation.org_type,
                    agreement=agreement.name,
                    document_reference=agreement.document_reference,
                    legal_basis=agreement.legal_basis,
                    consent_required=agreement.consent_required,
                    valid_from=agreement.valid_from,
                    ends_on=agreement.ends_on,
                    in_force=access_selectors.agreement_status(agreement, today=today)
                    == access_selectors.AgreementStatus.IN_FORCE,
                    purposes=list(flow.purposes),
                    field_groups=list(flow.field_groups),
                )
            )
    return entries


def _team_role(organisation_id: str, team: list[TeamMembership]) -> str:
    if not organisation_id:
        return ""
    membership = next((m for m in team if str(m.organisation_id) == organisation_id), None)
    if membership is None:
        return "outside_team"
    return "case_lead" if membership.is_lead else "team_member"


def _kind(event: AuditEvent) -> str:
    if event.detail.get("report") == "person":
        return "person_report"
    return "break_glass" if event.action == Action.BREAK_GLASS else ""


def _access_events(events: list[AuditEvent], *, team: list[TeamMembership]) -> list[AccessEntry]:
    """Who read or changed the person's data, newest first, by organisation."""
    ids = {e.organisation_id for e in events if e.organisation_id}
    rows = Organisation.objects.filter(pk__in=ids).values_list("pk", "org_type")
    types = {str(pk): org_type for pk, org_type in rows}
    return [
        AccessEntry(
            occurred_at=e.occurred_at,
            organisation=e.organisation_name,
            org_type=types.get(e.organisation_id, ""),
            team_role=_team_role(e.organisation_id, team),
            action=e.action,
            action_label=e.get_action_display(),
            subject=str(SUBJECTS.get(e.object_type, "")),
            kind=_kind(e),
            field_groups=[g for g in e.field_groups.split(",") if g],
            purpose=e.purpose,
        )
        for e in events
    ]
