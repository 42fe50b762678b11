"""Every read of persons and cases: filtered by access, decrypted by the vault,
recorded in the audit trail. Views and the API read personal data only here."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access import selectors as access_selectors
from haven.access.models import FieldGroup, Purpose, TeamMembership
from haven.accounts import policy as account_policy
from haven.accounts.models import OrgType, Role, User
from haven.audit import selectors as audit_selectors
from haven.audit import services as audit
from haven.audit.models import Action, AuditEvent
from haven.cases import errors
from haven.cases.models import (
    AgeStatus,
    Case,
    ErasureReason,
    ErasureRequest,
    ErasureState,
    ExploitationForm,
    GenderIdentity,
    Interview,
    LegalHold,
    Person,
    Premises,
    Sex,
    reference_key,
)
from haven.cases.status import IdentificationStatus
from haven.lib import ids, paging
from haven.lib.errors import HavenError, NotFound
from haven.vault import services as vault
from haven.vault.models import DataKey

# --- rules: what a user may do, asked by the page that refuses and by the link -------------


def may_open_case(user: User) -> bool:
    """Caseworkers and supervisors of an organisation open cases (R-14): the intake
    page, its links and ``services.case_open`` all ask this one rule."""
    return user.role in account_policy.CASE_ROLES and user.organisation_id is not None


def may_read_access_report(user: User, lead_id: object) -> bool:
    """Only the case lead's staff see who read the person's data (the access report
    refuses everyone else; the case page offers it to them only)."""
    return lead_id is not None and lead_id == user.organisation_id


def may_read_access_report_of(user: User, view: CaseView) -> bool:
    """``may_read_access_report`` for a case page already read (no query)."""
    return may_read_access_report(user, view.lead_id)


# The case list counts the cases a user sees up to this many, on their team
# memberships (an index, no case read); beyond, it says "more than 10,000".
CASE_COUNT_LIMIT = 10_000
# A search or a status filter counts its matches up to this many.
CASE_MATCH_COUNT_LIMIT = 1_000
# Up to this many visible cases the list fetches them and sorts them; above, it
# walks the cases newest first and stops once the page is full (as ``cases_led``).
# A walk reads about (page size / the share of all cases the user sees) rows: it
# wins over a sort as soon as the user sees more than a few hundred cases.
CASE_LIST_SORT_LIMIT = 1000

_KEY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # the characters of a reference key


def _key_successor(prefix: str) -> str:
    """The smallest key after every key that starts with ``prefix`` ("" if none:
    ``ZZ`` has no successor). Keys hold only ``_KEY_ALPHABET``, which every
    collation sorts digits first, then letters."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last != "Z":
            return "".join(chars) + _KEY_ALPHABET[_KEY_ALPHABET.index(last) + 1]
    return ""


def _key_starts_with(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, as a range an index answers on every database
    (``LIKE 'x%'`` needs a special collation or operator class to use one)."""
    condition = Q(**{f"{field}__gte": prefix})
    upper = _key_successor(prefix)
    return condition & Q(**{f"{field}__lt": upper}) if upper else condition


def reference_search(text: str) -> Q:
    """The cases whose reference starts or ends with ``text``, compared as keys
    (case, spaces and dashes ignored): "FI-2024" finds a year's references,
    "7kq2" the reference ending in 7KQ2. Nothing for text without a letter or digit."""
    key = reference_key(text)
    if not key:
        return Q(pk__in=[])
    return _key_starts_with("reference_key", key) | _key_starts_with(
        "reference_key_reversed", key[::-1]
    )


def case_list(
    *, user: User, reference: str = "", status: str = "", visible: int | None = None
) -> QuerySet[Case]:
    """Only cases whose team includes the user's organisation; nothing else exists.
    Newest first.

    ``visible`` (how many cases the user sees, if known) picks one of two plans for
    the same rows: a few visible cases are fetched and sorted; many are walked in
    the (-opened_at, id) index (or the status's) and each is looked up in the
    user's memberships until the page is full. A reference search reads its few
    matches through the reference keys' indexes and looks each up the same way."""
    lead = TeamMembership.objects.filter(case_id=OuterRef("pk"), is_lead=True)
    # A shelter's name tells where the person lives: a list names it to the shelter
    # alone (the case page names it to whoever sees the location group).
    lead_name = lead.annotate(
        shown=SqlCase(
            When(
                Q(organisation__org_type__in=access_policy.LOCATION_REVEALING_TYPES)
                & ~Q(organisation_id=user.organisation_id),
                then=Value(str(access_policy.HIDDEN_PROVIDER)),
            ),
            default=F("organisation__name"),
        )
    ).values("shown")[:1]
    memberships = access_selectors.visible_case_ids(user=user)
    cases = Case.objects.all()
    searching = bool(reference.strip())
    if not searching and visible is not None and visible <= CASE_LIST_SORT_LIMIT:
        cases = cases.filter(id__in=memberships)
    else:
        cases = cases.filter(Exists(memberships.filter(case_id=OuterRef("pk"))))
    if searching:
        cases = cases.filter(reference_search(reference))
    if status:
        cases = cases.filter(identification_status=status)
    return cases.annotate(lead_name=Subquery(lead_name)).order_by("-opened_at", "id")


def case_list_page(
    *, user: User, number: int, per_page: int, reference: str = "", status: str = ""
) -> paging.Page[Case]:
    """One page of ``case_list`` and its count, in three queries at most whatever
    the number of cases the user sees: the user's team memberships counted up to
    ``CASE_COUNT_LIMIT`` (an index, no case read), the matches of a search or a
    status filter counted up to ``CASE_MATCH_COUNT_LIMIT``, and the page. Beyond a
    limit the count says "more than"."""
    visible = paging.capped_count(
        access_selectors.visible_case_ids(user=user), limit=CASE_COUNT_LIMIT
    )
    cases = case_list(user=user, reference=reference, status=status, visible=visible.value)
    count = visible
    if reference.strip() or status:
        count = paging.capped_count(cases.order_by().values("id"), limit=CASE_MATCH_COUNT_LIMIT)
    return paging.page_of(cases, number=number, per_page=per_page, count=count)


# Up to this many led cases, "my cases" sorts them; above, it walks the status-change
# index and stops at the first rows (bench/: 0.6 ms instead of 64 ms at 20,000; and
# 1 ms instead of 11 ms for 4,000 led of 20,000).
LED_CASES_SORT_LIMIT = 1000
# The order of "my cases", which ``case_status_changed_idx`` holds whole: a database
# then reads the first rows of the index instead of sorting every case.
LED_CASES_ORDER = ("-status_changed_at", "-opened_at", "id")


@dataclass(frozen=True)
class LedCases:
    count: paging.Count  # counted up to ``CASE_COUNT_LIMIT``
    recent: list[Case]  # the most recent status change first


def cases_led(
    *,
    user: User,
    limit: int,
    sort_limit: int = LED_CASES_SORT_LIMIT,
    count_limit: int | None = None,
) -> LedCases:
    """The cases the user's organisation leads: how many (up to ``count_limit``),
    and the ``limit`` whose status changed last (references and statuses only; no
    field group is read).

    Two plans for one answer: a small set is fetched and sorted; a large one is
    read in status-change order until ``limit`` rows are found, which a database
    cannot choose by itself when it does not know how many cases an organisation
    leads."""
    led = access_selectors.led_memberships(user=user)
    count = paging.capped_count(
        led.order_by().values("case_id"), limit=count_limit or CASE_COUNT_LIMIT
    )
    if count.value == 0:
        return LedCases(count=count, recent=[])
    cases = Case.objects.only("id", "reference", "identification_status", "status_changed_at")
    if count.exact and count.value <= sort_limit:
        cases = cases.filter(id__in=led.values("case_id"))
    else:
        cases = cases.filter(Exists(led.filter(case_id=OuterRef("pk"))))
    return LedCases(count=count, recent=list(cases.order_by(*LED_CASES_ORDER)[:limit]))


# --- the case gate, loaded once per page ---------------------------------------------------
#
# A page gathered from several apps (the case page, the timeline, the report for
# the person, the case API) passes the gate once per part. Inside ``gate_once()``
# the case row and its sharing facts (``access.policy.CaseContext``, which also
# keeps every decision made on them) are loaded once and reused by each pass;
# each pass still asks ``may_see_case`` and ``decide`` for its own user, group and
# purpose, so nothing decided for one user or case answers for another, and each
# read is still audited by the part that makes it. The memo lives in a context
# variable that the ``with`` block resets: it never outlives the page. It is
# dropped on the write path itself, not by watching rows being saved (a bulk
# ``update()`` sends no signal): a write through the gate (``for_update``) never
# uses it and empties it, and every service that changes sharing facts (the team,
# a consent, an agreement, a break-glass grant) empties it through
# ``haven.access.hooks.sharing_changed``. What follows a write is decided afresh.

_GATED: ContextVar[dict[uuid.UUID, tuple[Case, access_policy.CaseContext]] | None] = ContextVar(
    "haven_gated_cases", default=None
)


@contextmanager
def gate_once() -> Iterator[None]:
    """Within the block, the gate loads each case and its sharing facts once."""
    token = _GATED.set({})
    try:
        yield
    finally:
        _GATED.reset(token)


def forget_gated_cases() -> None:
    """Sharing facts changed (a consent withdrawn, a team changed, a grant given...),
    or a case is being written: what was loaded so far may be stale, load it again."""
    gated = _GATED.get()
    if gated:
        gated.clear()


def _case_with_context(
    parsed: uuid.UUID | None, *, for_update: bool
) -> tuple[Case | None, access_policy.CaseContext | None]:
    if for_update:
        forget_gated_cases()  # a write re-checks; what follows it loads afresh
    gated = _GATED.get()
    if gated is not None and parsed in gated:
        return gated[parsed]
    cases = Case.objects.select_related("person", "person__data_key")
    if for_update:
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=parsed).first() if parsed else None
    if case is None:
        return None, None
    context = access_policy.case_context(case_id=case.pk)
    if gated is not None and not for_update:
        gated[case.pk] = (case, context)
    return case, context


def case_get_with_context(
    *, user: User, case_id: object, for_update: bool = False, writing: bool = False
) -> tuple[Case, access_policy.CaseContext]:
    """The case and its sharing facts, loaded once for every decision that follows
    (once per page inside ``gate_once``).

    ``for_update`` is for writes: they lock the row. A write (``for_update``, or
    ``writing`` for a page asking before it offers a form) is refused to a user who
    sees the case only through break-glass (emergency access never writes)."""
    case, context = _case_with_context(ids.parse_uuid(case_id), for_update=for_update)
    if (
        case is None
        or context is None
        or not access_policy.may_see_case(user=user, case_id=case.pk, context=context)
    ):
        raise errors.CaseNotFound(_("No case with this reference is available to you."))
    if (for_update or writing) and context.membership_of(user.organisation_id) is None:
        # Writes lock the case row; break-glass access is for reading only.
        raise errors.BreakGlassReadOnly(
            _("Emergency access is for reading only. Ask the case lead to record this.")
        )
    if (for_update or writing) and not case.takes_records:
        raise errors.CaseMerged(merged_message(case))
    return case, context


def case_write_check(case_id: uuid.UUID | str) -> None:
    """Refuse a new record on a case merged into another (``case_merged``), for the
    writes that do not pass through the gate (the sharing services ask it through
    ``access.hooks``). One indexed read; an unknown case is the caller's to refuse."""
    case = Case.objects.filter(pk=case_id, merged_into__isnull=False).first()
    if case is not None:
        raise errors.CaseMerged(merged_message(case))


def merged_message(case: Case) -> str:
    """What a write to a merged case answers: the surviving case's pseudonymous
    reference (safe to say aloud), never a name."""
    survivor = Case.objects.only("reference").get(merged_from=case)
    return _("This case was merged into case %(reference)s: record anything new there.") % {
        "reference": survivor.reference
    }


def case_get(*, user: User, case_id: object, for_update: bool = False) -> Case:
    """The case if the user may know it exists; otherwise the same 404 as a missing one."""
    return case_get_with_context(user=user, case_id=case_id, for_update=for_update)[0]


@dataclass(frozen=True)
class GatedCase:
    """A case one user passed the gate for: one field group, for one purpose."""

    user: User
    case: Case
    context: access_policy.CaseContext
    decision: access_policy.Decision
    group: FieldGroup
    purpose: Purpose
    erased: bool  # the person's data was erased: reads show nothing, writes were refused

    @property
    def writable(self) -> bool:
        """Whether a write of this group would pass the gate too (the same decision,
        a live person, a member of the team rather than break-glass): what a page
        asks before it offers a form, with no query of its own."""
        return (
            not self.erased
            and self.case.takes_records
            and self.context.membership_of(self.user.organisation_id) is not None
        )

    def audit_record(
        self,
        *,
        action: str = Action.READ,
        object_type: str = "cases.Case",
        object_id: object = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record this read or write of the group in the caller's transaction."""
        audit.audit_record(
            actor=audit.actor_of(self.user),
            action=action,
            object_type=object_type,
            object_id=self.case.id if object_id is None else object_id,
            person_id=self.case.person_id,
            field_groups=[self.group],
            purpose=self.purpose,
            detail=detail,
        )


def case_for(
    *,
    user: User,
    case_id: object,
    group: FieldGroup,
    purpose: Purpose,
    write: bool = False,
    lock: bool = True,
) -> GatedCase:
    """The case gate: the same 404 for a missing case and one outside the user's
    team, then ``group`` decided by ``access.decide()``. A write locks the row and
    is refused under break-glass and once the person's data is erased.

    ``lock=False`` asks the write's questions without locking the row: a page
    deciding whether to offer a form uses the rule that would refuse it."""
    case, context = case_get_with_context(
        user=user, case_id=case_id, for_update=write and lock, writing=write
    )
    decision = access_policy.decide(
        user=user, case_id=case.id, field_group=group, purpose=purpose, context=context
    )
    if not decision.allowed:
        raise errors.GroupNotAllowed(str(decision.reason))
    gated = GatedCase(
        user, case, context, decision, group, purpose, erased=case.person.erased_at is not None
    )
    if not write:
        return gated
    if gated.erased:
        raise errors.PersonErased(_("This person's data was erased."))
    return gated


@dataclass(frozen=True)
class GatedCases:
    """Many cases one user passed the gate for together (``cases_for``), and the
    refusal of each case the gate refused, as ``case_for`` words it."""

    allowed: dict[uuid.UUID, GatedCase]
    refused: dict[uuid.UUID, errors.CaseNotFound | errors.GroupNotAllowed]

    def get(self, case_id: uuid.UUID) -> GatedCase:
        """The case, or the refusal ``case_for`` would have raised for it."""
        if case_id in self.refused:
            raise self.refused[case_id]
        return self.allowed[case_id]


def cases_for(
    *, user: User, case_ids: Iterable[uuid.UUID], group: FieldGroup, purpose: Purpose
) -> GatedCases:
    """The case gate for many cases read together (a plan solving for everyone in
    it): a constant number of queries, whatever their number. The cases with their
    people (one query) and their sharing facts (``access.policy.case_contexts``),
    then each case decided by the rule ``case_for`` applies, once per case and
    field group: the same 404 for a missing case and one outside the user's team,
    then ``group`` decided by ``access.decide()``. Reads only: a write passes the
    gate one case at a time (``case_for(write=True)``). Each read is the caller's
    to audit (``GatedCase.audit_record``, inside ``audit.audit_batch`` to append
    them together)."""
    ids = list(dict.fromkeys(case_ids))
    cases = {
        case.pk: case
        for case in Case.objects.select_related("person", "person__data_key").filter(pk__in=ids)
    }
    contexts = access_policy.case_contexts(case_ids=list(cases), user=user)
    allowed: dict[uuid.UUID, GatedCase] = {}
    refused: dict[uuid.UUID, errors.CaseNotFound | errors.GroupNotAllowed] = {}
    for pk in ids:
        case, context = cases.get(pk), contexts.get(pk)
        if (
            case is None
            or context is None
            or not access_policy.may_see_case(user=user, case_id=pk, context=context)
        ):
            # the same words for a missing case and one outside the user's team
            refused[pk] = errors.CaseNotFound(_("No case with this reference is available to you."))
            continue
        decision = access_policy.decide(
            user=user, case_id=pk, field_group=group, purpose=purpose, context=context
        )
        if not decision.allowed:
            refused[pk] = errors.GroupNotAllowed(str(decision.reason))
            continue
        allowed[pk] = GatedCase(
            user, case, context, decision, group, purpose, erased=case.person.erased_at is not None
        )
    return GatedCases(allowed, refused)


@dataclass(frozen=True)
class GroupView:
    group: FieldGroup
    allowed: bool
    code: str
    reason: str
    data: dict[str, Any] | None  # None when hidden


@dataclass(frozen=True)
class LinkedCase:
    id: uuid.UUID
    reference: str


@dataclass(frozen=True)
class IncidentView:
    """The other people found together with this case's person: the linked cases
    the reader's organisation is on (references only), and a count of the rest."""

    id: uuid.UUID
    reference: str
    shared: list[LinkedCase]
    not_shared: int

    @property
    def others(self) -> int:
        return len(self.shared) + self.not_shared


@dataclass(frozen=True)
class CaseView:
    case: Case
    lead_name: str
    team: list[dict[str, Any]]
    treat_as_child: bool
    erased: bool
    groups: list[GroupView]
    lead_id: uuid.UUID | None = None  # the lead organisation
    team_ids: frozenset[uuid.UUID] = frozenset()  # the organisations on the team
    incident: IncidentView | None = None  # None: the person was not found with others

    def group(self, name: str) -> GroupView:
        return next(g for g in self.groups if g.group == name)


def _labels(choices: type[Any], values: list[str]) -> list[str]:
    return [str(choices(v).label) if v in choices.values else v for v in values]


def _person_field(person: Person, name: str) -> str:
    ciphertext: bytes | memoryview | None = getattr(person, f"{name}_enc")
    return vault.decrypt_optional(
        key=person.data_key, ciphertext=ciphertext, context=f"person.{name}"
    )


def _identity(case: Case) -> dict[str, Any]:
    person = case.person
    dob = _person_field(person, "date_of_birth")
    return {
        "given_name": _person_field(person, "given_name"),
        "family_name": _person_field(person, "family_name"),
        "aliases": _person_field(person, "aliases"),
        "date_of_birth": date.fromisoformat(dob) if dob else None,
        "estimated_age_min": person.estimated_age_min,
        "estimated_age_max": person.estimated_age_max,
        "age_status": person.age_status,
        "age_status_label": str(AgeStatus(person.age_status).label),
        "sex": person.sex,
        "sex_label": str(Sex(person.sex).label),
        "gender_identity": person.gender_identity,
        "gender_identity_label": str(GenderIdentity(person.gender_identity).label),
        "citizenships": list(person.citizenships),
        "languages": list(person.languages),
    }


def _legal(case: Case) -> dict[str, Any]:
    key = case.person.data_key
    transitions = case.transitions.select_related("decided_by", "decided_by_organisation")
    return {
        "removal_protected": case.removal_protected,
        "transitions": [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "to_status_label": str(IdentificationStatus(t.to_status).label),
                "decided_on": t.decided_on,
                "recorded_at": t.recorded_at,
                "decided_by": t.decided_by.get_username(),
                "organisation": t.decided_by_organisation.name,
                "legal_basis": t.legal_basis,
                "reasons": vault.decrypt_optional(
                    key=key, ciphertext=t.reasons_enc, context="transition.reasons"
                ),
            }
            for t in transitions
        ],
    }


def _narrative(case: Case) -> dict[str, Any]:
    key = case.person.data_key
    entries = case.narrative.select_related("author", "organisation")
    return {
        "entries": [
            {
                "created_at": e.created_at,
                "author": e.author.get_username(),
                "organisation": e.organisation.name,
                "text": vault.decrypt(key=key, ciphertext=e.text_enc, context="narrative.text"),
            }
            for e in entries
        ]
    }


def _group_data(case: Case, group: FieldGroup) -> dict[str, Any]:
    person = case.person
    if group == FieldGroup.IDENTITY:
        return _identity(case)
    if group == FieldGroup.CONTACT:
        return {"contact": _person_field(person, "contact")}
    if group == FieldGroup.LOCATION:
        return {"current_location": _person_field(person, "current_location")}
    if group == FieldGroup.HEALTH:
        return {"health_notes": _person_field(person, "health_notes")}
    if group == FieldGroup.NARRATIVE:
        return _narrative(case)
    if group == FieldGroup.LEGAL:
        return _legal(case)
    if group == FieldGroup.ASSESSMENT:
        return {
            "forms_of_exploitation": list(case.forms_of_exploitation),
            "forms_of_exploitation_labels": _labels(ExploitationForm, case.forms_of_exploitation),
            "treat_as_child": person.treat_as_child,
        }
    if group == FieldGroup.SERVICES:
        return {"services": []}
    return {
        "age_band": person.age_band(timezone.localdate()),
        "sex": person.sex,
        "citizenships": list(person.citizenships),
        "forms_of_exploitation": list(case.forms_of_exploitation),
        "identification_status": case.identification_status,
    }


@audit.audited_read()
def case_read(*, user: User, case_id: object, purpose: Purpose = Purpose.ASSISTANCE) -> CaseView:
    """The case as this user may see it: each field group shown or hidden with
    its reason. The groups shown are recorded in the audit trail in the same
    transaction as the read."""
    case, context = case_get_with_context(user=user, case_id=case_id)
    memberships = context.memberships
    erased = case.person.erased_at is not None
    groups: list[GroupView] = []
    shown: list[FieldGroup] = []
    for group in FieldGroup:
        decision = access_policy.decide(
            user=user, case_id=case.id, field_group=group, purpose=purpose, context=context
        )
        data = None
        if decision.allowed and not erased:
            data = _group_data(case, group)
            shown.append(group)
        groups.append(GroupView(group, decision.allowed, decision.code, str(decision.reason), data))
    if shown:
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="cases.Case",
            object_id=case.id,
            person_id=case.person_id,
            field_groups=shown,
            purpose=purpose,
        )
    lead = next((m for m in memberships if m.is_lead), None)
    sees_location = any(g.group == FieldGroup.LOCATION and g.allowed for g in groups)

    def name(m: TeamMembership) -> str:  # a shelter's name tells where the person lives
        return access_policy.organisation_label(
            reader=user,
            organisation_id=m.organisation_id,
            name=m.organisation.name,
            org_type=m.organisation.org_type,
            sees_location=sees_location,
        )

    return CaseView(
        case=case,
        lead_name=name(lead) if lead else "",
        team=[
            {"organisation": name(m), "org_type": m.organisation.org_type, "is_lead": m.is_lead}
            for m in memberships
        ],
        treat_as_child=case.person.treat_as_child,
        erased=erased,
        groups=groups,
        lead_id=lead.organisation_id if lead else None,
        team_ids=frozenset(m.organisation_id for m in memberships),
        incident=incident_of(user=user, case=case),
    )


def incident_of(*, user: User, case: Case) -> IncidentView | None:
    """The case's incident as ``user`` may see it: the references of the other
    linked cases whose team includes the user's organisation, and only a count of
    the others (their references are never shown). No query for a case alone."""
    if case.incident_id is None:
        return None
    others = Case.objects.filter(incident_id=case.incident_id).exclude(pk=case.pk)
    shared = others.filter(id__in=access_selectors.visible_case_ids(user=user)).order_by(
        "reference"
    )
    linked = [LinkedCase(id=c.id, reference=c.reference) for c in shared.only("id", "reference")]
    incident = case.incident
    assert incident is not None  # noqa: S101 - incident_id is set
    return IncidentView(
        id=incident.id,
        reference=incident.reference,
        shared=linked,
        not_shared=others.count() - len(linked),
    )


@audit.audited_read()
def person_access_report(*, user: User, case_id: object) -> list[AuditEvent]:
    """Who read or changed this person's data, and when (for the person and the lead).

    Only the case lead's caseworkers see it; viewing it is itself recorded.
    """
    case, context = case_get_with_context(user=user, case_id=case_id)
    lead = context.lead
    if not may_read_access_report(user, lead.organisation_id if lead else None):
        raise errors.GroupNotAllowed(_("Only the case lead can see the access report."))
    events = list(audit_selectors.audit_events_for_person(person_id=case.person_id))
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.REPORT,
        object_type="cases.Person",
        object_id=case.person_id,
        person_id=case.person_id,
        purpose=Purpose.ASSISTANCE,
    )
    return events


# --- interviews: told once, read by the agencies named on the record (R-14, R-28) ---------

# the Barnahus route brings these agencies together for one forensic interview;
# by default the record is shared with those of them on the case team.
BARNAHUS_READER_TYPES = frozenset(
    {OrgType.POLICE, OrgType.PROSECUTOR, OrgType.SOCIAL_SERVICES, OrgType.HEALTH}
)


@dataclass(frozen=True)
class OrganisationRef:
    id: uuid.UUID
    name: str
    org_type: str


@dataclass(frozen=True)
class InterviewContent:
    """What was told and the circumstances (narrative group, decrypted)."""

    summary: str
    persons_present: list[str]
    justification: str
    representative_absence_reason: str


@dataclass(frozen=True)
class InterviewView:
    """One interview: the facts any team member sees (so nobody interviews again
    unawares, R-14), and the content only for a reader allowed the narrative group."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    number: int
    held_on: date
    reported_on: date | None
    delay_days: int | None
    unduly_delayed: bool
    recorded_at: datetime
    recorded_by: str
    organisation: str
    interviewer_name: str
    interviewer_role: str
    training_evidence: str
    premises: str
    premises_label: str
    treated_as_child: bool
    barnahus_route: bool
    representative_present: bool | None
    recording_reference: str
    admissible_as_evidence: bool | None
    readers: list[OrganisationRef]
    may_read: bool
    read_code: str
    read_reason: str
    content: InterviewContent | None


@dataclass(frozen=True)
class CaseInterviews:
    case: Case
    treat_as_child: bool
    interviews: list[InterviewView]
    team: list[OrganisationRef]  # who may be named as a reader
    barnahus_readers: list[uuid.UUID]  # the readers the Barnahus route names by default
    may_record: bool
    record_refusal: str  # why not, when ``may_record`` is false
    max_delay_days: int
    purpose: Purpose  # what the content was read for

    @property
    def count(self) -> int:
        return len(self.interviews)

    @property
    def last(self) -> InterviewView | None:
        return self.interviews[-1] if self.interviews else None


def interview_unduly_delayed(*, treated_as_child: bool, delay_days: int | None) -> bool:
    """R-28 (Dir Art. 15(3)(a), PROMISE 1.3): a child's interview more than
    HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS after the report is flagged."""
    limit: int = settings.HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS
    return treated_as_child and delay_days is not None and delay_days > limit


def barnahus_reader_ids(memberships: Iterable[TeamMembership]) -> list[uuid.UUID]:
    """The team's police, prosecutor, child protection and health organisations (R-28)."""
    return [
        m.organisation_id for m in memberships if m.organisation.org_type in BARNAHUS_READER_TYPES
    ]


def interview_record_refusal(
    *, user: User, case: Case, context: access_policy.CaseContext
) -> HavenError | None:
    """Why this user may not record an interview on this case, or None: a team
    member allowed the narrative group (R-14), while the person's data exists."""
    narrative = access_policy.decide(
        user=user, case_id=case.id, field_group=FieldGroup.NARRATIVE, context=context
    )
    if not narrative.allowed:
        return errors.GroupNotAllowed(str(narrative.reason))
    if context.membership_of(user.organisation_id) is None:
        # Only break-glass reaches a case from outside the team: it reads, never writes.
        return errors.BreakGlassReadOnly(
            _("Emergency access is for reading only. Ask the case lead to record this.")
        )
    if case.person.erased_at is not None:
        return errors.PersonErased(_("This person's data has been erased."))
    if not case.takes_records:
        return errors.CaseMerged(merged_message(case))
    return None


def _read_decision(
    *,
    user: User,
    reader_ids: set[uuid.UUID],
    narrative: access_policy.Decision,
    erased: bool,
    recorder: str,
) -> access_policy.Decision:
    """Both the record's readers list and the sharing rules for the narrative group."""
    if user.organisation_id not in reader_ids:
        return access_policy.Decision(
            False,
            "not_an_interview_reader",
            _(
                "This interview record is shared only with the agencies named on it. "
                "Ask %(org)s, who recorded it."
            )
            % {"org": recorder},
        )
    if not narrative.allowed:
        return narrative
    if erased:
        return access_policy.Decision(
            False, "person_erased", _("This person's data has been erased.")
        )
    return narrative


def _interview_content(interview: Interview, key: DataKey) -> InterviewContent:
    def read(ciphertext: bytes | memoryview | None, name: str) -> str:
        return vault.decrypt_optional(key=key, ciphertext=ciphertext, context=f"interview.{name}")

    present = read(interview.persons_present_enc, "persons_present")
    return InterviewContent(
        summary=read(interview.summary_enc, "summary"),
        persons_present=json.loads(present) if present else [],
        justification=read(interview.justification_enc, "justification"),
        representative_absence_reason=read(
            interview.representative_absence_reason_enc, "representative_absence_reason"
        ),
    )


def _interview_view(
    interview: Interview, case: Case, *, user: User, narrative: access_policy.Decision
) -> InterviewView:
    readers = [
        OrganisationRef(o.id, o.name, o.org_type)
        for o in sorted(interview.readers.all(), key=lambda o: o.name)
    ]
    decision = _read_decision(
        user=user,
        reader_ids={r.id for r in readers},
        narrative=narrative,
        erased=case.person.erased_at is not None,
        recorder=interview.organisation.name,
    )
    return InterviewView(
        id=interview.id,
        case_id=case.id,
        case_reference=case.reference,
        number=interview.number,
        held_on=interview.held_on,
        reported_on=interview.reported_on,
        delay_days=interview.delay_days,
        unduly_delayed=interview_unduly_delayed(
            treated_as_child=interview.treated_as_child, delay_days=interview.delay_days
        ),
        recorded_at=interview.recorded_at,
        recorded_by=interview.recorded_by.get_username(),
        organisation=interview.organisation.name,
        interviewer_name=interview.interviewer_name,
        interviewer_role=interview.interviewer_role,
        training_evidence=interview.training_evidence,
        premises=interview.premises,
        premises_label=str(Premises(interview.premises).label),
        treated_as_child=interview.treated_as_child,
        barnahus_route=interview.barnahus_route,
        representative_present=interview.representative_present,
        recording_reference=interview.recording_reference,
        admissible_as_evidence=interview.admissible_as_evidence,
        readers=readers,
        may_read=decision.allowed,
        read_code=decision.code,
        read_reason=str(decision.reason),
        content=_interview_content(interview, case.person.data_key) if decision.allowed else None,
    )


def _interviews(case: Case) -> QuerySet[Interview]:
    return (
        Interview.objects.filter(case=case)
        .select_related("recorded_by", "organisation")
        .prefetch_related("readers")
        .order_by("number")
    )


def _audit_interview_read(
    *, user: User, case: Case, object_type: str, object_id: object, shown: int, purpose: Purpose
) -> None:
    # Every look is recorded; the narrative group only when some content was shown.
    audit.audit_record(
        actor=audit.actor_of(user),
        action=Action.READ,
        object_type=object_type,
        object_id=object_id,
        person_id=case.person_id,
        field_groups=[FieldGroup.NARRATIVE] if shown else [],
        purpose=purpose,
        detail={"interviews_shown": shown},
    )


@audit.audited_read()
def interview_list(
    *, user: User, case_id: object, purpose: Purpose = Purpose.ASSISTANCE
) -> CaseInterviews:
    """The person's interviews, oldest first, so that a new one is planned knowing
    the earlier ones (R-14): each row says who may read it, and carries the content
    only for a reader allowed the narrative group. The read is audited."""
    case, context = case_get_with_context(user=user, case_id=case_id)
    narrative = access_policy.decide(
        user=user,
        case_id=case.id,
        field_group=FieldGroup.NARRATIVE,
        purpose=purpose,
        context=context,
    )
    views = [_interview_view(i, case, user=user, narrative=narrative) for i in _interviews(case)]
    _audit_interview_read(
        user=user,
        case=case,
        object_type="cases.Case",
        object_id=case.id,
        shown=sum(1 for v in views if v.content is not None),
        purpose=purpose,
    )
    refusal = interview_record_refusal(user=user, case=case, context=context)
    sees_location = access_policy.decide(
        user=user,
        case_id=case.id,
        field_group=FieldGroup.LOCATION,
        purpose=purpose,
        context=context,
    ).allowed
    return CaseInterviews(
        case=case,
        treat_as_child=case.person.treat_as_child,
        interviews=views,
        team=[
            OrganisationRef(
                m.organisation_id,
                access_policy.organisation_label(  # a shelter's name tells where the person is
                    reader=user,
                    organisation_id=m.organisation_id,
                    name=m.organisation.name,
                    org_type=m.organisation.org_type,
                    sees_location=sees_location,
                ),
                m.organisation.org_type,
            )
            for m in sorted(context.memberships, key=lambda m: m.organisation.name)
        ],
        barnahus_readers=barnahus_reader_ids(context.memberships),
        may_record=refusal is None,
        record_refusal=refusal.message if refusal else "",
        max_delay_days=settings.HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS,
        purpose=purpose,
    )


@transaction.atomic
def interview_get(
    *, user: User, interview_id: object, purpose: Purpose = Purpose.ASSISTANCE
) -> InterviewView:
    """One interview record: its content only for an agency on its readers list that
    the sharing rules allow the narrative group (R-14, R-47). The same 404 for a
    missing record and one on a case hidden from the user. The read is audited."""
    not_found = NotFound(
        _("No interview with this reference is available to you."),
        code=errors.ErrorCode.INTERVIEW_NOT_FOUND,
    )
    parsed = ids.parse_uuid(interview_id)
    if parsed is None:
        raise not_found
    case_id = Interview.objects.filter(pk=parsed).values_list("case_id", flat=True).first()
    if case_id is None:
        raise not_found
    try:
        case, context = case_get_with_context(user=user, case_id=case_id)
    except errors.CaseNotFound:
        raise not_found from None
    narrative = access_policy.decide(
        user=user,
        case_id=case.id,
        field_group=FieldGroup.NARRATIVE,
        purpose=purpose,
        context=context,
    )
    view = _interview_view(_interviews(case).get(pk=parsed), case, user=user, narrative=narrative)
    _audit_interview_read(
        user=user,
        case=case,
        object_type="cases.Interview",
        object_id=view.id,
        shown=int(view.content is not None),
        purpose=purpose,
    )
    return view


def interview_count(*, case: Case) -> int:
    """How many times the person has been interviewed (R-14), for a case the caller
    already read through ``case_read``."""
    return Interview.objects.filter(case=case).count()


# --- erasure with a second approver, legal holds, retention (R-39, R-40; issue 12) ---------

ERASURE_NOTE_CONTEXT = "erasure.note"
ERASURE_REFUSAL_CONTEXT = "erasure.refusal"


def may_request_erasure(user: User, lead_id: object) -> bool:
    """Caseworkers and supervisors of the case lead ask for a person's erasure (the
    person asks the organisation that leads their case)."""
    return (
        user.role in account_policy.CASE_ROLES
        and lead_id is not None
        and lead_id == user.organisation_id
    )


def may_answer_erasure(user: User, lead_id: object) -> bool:
    """Supervisors of the case lead approve or refuse an erasure request, never
    their own (``services.erasure_approve`` refuses the requester)."""
    return user.role == Role.SUPERVISOR and lead_id is not None and lead_id == user.organisation_id


def may_hold(user: User, team_ids: Iterable[object]) -> bool:
    """Supervisors of an organisation on the case team (the lead, police, prosecutor,
    ...) place and lift legal holds: keeping data for proceedings is their call."""
    return user.role == Role.SUPERVISOR and user.organisation_id in set(team_ids)


def may_open_erasure_page_of(user: User, view: CaseView) -> bool:
    """The case page offers "Erasure and legal holds" exactly to those the page lets in."""
    return may_request_erasure(user, view.lead_id) or may_hold(user, view.team_ids)


@dataclass(frozen=True)
class ErasureRequestView:
    request: ErasureRequest
    reason_label: str
    state_label: str
    note: str  # "" once the person is erased (the note was under their key)
    refusal: str
    may_answer: bool  # for the reader: a supervisor of the lead who did not ask


@dataclass(frozen=True)
class ErasurePage:
    case: Case
    erased: bool
    requests: list[ErasureRequestView]
    holds: list[LegalHold]  # active first, then lifted or expired
    active_holds: list[LegalHold]
    may_request: bool  # the rule, and no open request, and not yet erased
    may_hold: bool


def _sealed_text(case: Case, ciphertext: bytes | memoryview | None, context: str) -> str:
    if case.person.erased_at is not None:
        return ""
    return vault.decrypt_optional(key=case.person.data_key, ciphertext=ciphertext, context=context)


def erasure_request_view(
    user: User, request: ErasureRequest, lead_id: object
) -> ErasureRequestView:
    """One request as its reader may see it (the case already read by the caller)."""
    case = request.case
    return ErasureRequestView(
        request=request,
        reason_label=str(ErasureReason(request.reason).label),
        state_label=str(ErasureState(request.state).label),
        note=_sealed_text(case, request.note_enc, ERASURE_NOTE_CONTEXT),
        refusal=_sealed_text(case, request.refusal_enc, ERASURE_REFUSAL_CONTEXT),
        may_answer=request.state == ErasureState.REQUESTED
        and request.requested_by_id != user.pk
        and may_answer_erasure(user, lead_id),
    )


def active_holds(*, case_id: uuid.UUID, today: date | None = None) -> QuerySet[LegalHold]:
    """Legal holds in force on a case: not lifted, and not past their end date."""
    today = today or timezone.localdate()
    return LegalHold.objects.filter(case_id=case_id, lifted_at__isnull=True).exclude(
        until__lt=today
    )


@audit.audited_read()
def erasure_page(*, user: User, case_id: object) -> ErasurePage:
    """The erasure requests and legal holds of a case, for the lead's staff and the
    supervisors on the team; everyone else gets the same 404 as for a hidden case
    (or a 403 when they see the case but may do nothing here). Reading the notes is
    audited."""
    case, context = case_get_with_context(user=user, case_id=case_id)
    lead = context.lead
    lead_id = lead.organisation_id if lead else None
    team_ids = [m.organisation_id for m in context.memberships]
    if not (may_request_erasure(user, lead_id) or may_hold(user, team_ids)):
        raise errors.RoleNotAllowed(
            _("Only the case lead's staff and supervisors on the case team deal with erasure.")
        )
    rows = list(
        ErasureRequest.objects.filter(case=case).select_related("requested_by", "answered_by")
    )
    for row in rows:
        row.case = case
    requests = [erasure_request_view(user, row, lead_id) for row in rows]
    holds = list(LegalHold.objects.filter(case=case).select_related("placed_by", "lifted_by"))
    active_ids = set(active_holds(case_id=case.pk).values_list("pk", flat=True))
    erased = case.person.erased_at is not None
    if any(r.note or r.refusal for r in requests):
        audit.audit_record(
            actor=audit.actor_of(user),
            action=Action.READ,
            object_type="cases.ErasureRequest",
            object_id=case.id,
            person_id=case.person_id,
            field_groups=[FieldGroup.LEGAL],
        )
    return ErasurePage(
        case=case,
        erased=erased,
        requests=requests,
        holds=holds,
        active_holds=[h for h in holds if h.pk in active_ids],
        may_request=may_request_erasure(user, lead_id)
        and not erased
        and case.takes_records
        and not any(r.request.state == ErasureState.REQUESTED for r in requests),
        may_hold=may_hold(user, team_ids) and not erased and case.takes_records,
    )


def erasure_requests(*, user: User, state: str = "") -> QuerySet[ErasureRequest]:
    """Erasure requests on the cases the user's organisation leads (for the lead's
    caseworkers and supervisors; none for other roles), newest first; ``state`` filters."""
    led = access_selectors.led_memberships(user=user).values("case_id")
    rows = ErasureRequest.objects.filter(case_id__in=led).select_related(
        "case", "requested_by", "answered_by"
    )
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-requested_at", "id")


# The statuses with which a person left the mechanism (withdrawn, not identified,
# declined formal identification): the retention clock of a case starts at the change.
ENDED_STATUSES = frozenset(
    {
        IdentificationStatus.WITHDRAWN,
        IdentificationStatus.NOT_IDENTIFIED,
        IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
    }
)


def retention_cutoff(*, years: int, now: datetime) -> datetime:
    """The moment before which a record of a class kept ``years`` is due."""
    return now - timedelta(days=round(365.25 * years))


def erasure_request_case_id(request_id: uuid.UUID) -> uuid.UUID:
    """The case an erasure request is on (for a page to return to); the request's
    404 when there is none. Who may see it is the service's question."""
    case_id = ErasureRequest.objects.filter(pk=request_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise errors.ErasureNotFound(
            _("No erasure request with this reference is available to you.")
        )
    return case_id


def retention_due_cases(*, cutoff: datetime) -> list[uuid.UUID]:
    """Cases whose person left the mechanism before ``cutoff`` and is not yet erased."""
    return list(
        Case.objects.filter(
            identification_status__in=ENDED_STATUSES,
            status_changed_at__lt=cutoff,
            person__erased_at__isnull=True,
        )
        .order_by("status_changed_at", "id")
        .values_list("id", flat=True)
    )
