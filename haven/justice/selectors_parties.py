"""Reads of the parties of a case: offenders, employers, recruiters, users of the
victim's services and others, linked across cases (R-38). Legal group.

Who sees what (the rule that refuses decides what is shown):

- the parties of a case, to whoever passes the case gate for the legal group on
  that case (the coordinator, the police, the prosecutor, the case lead...; a
  shelter never: ``access.policy`` gives shelters no legal group);
- for each party, the OTHER cases that share it, each only if the reader passes
  the gate for the legal group on that other case too (so no link is shown that
  would then answer 403 or 404); every such read is audited on that case. The
  other cases the reader may not read are only counted ("linked to N other
  cases"): the reader already knows the party from this case, and the count says
  no more about those cases than that they exist;
- a party's page, to whoever may read at least one of its cases with the legal
  group; a party none of whose cases the reader may read is the same 404 as a
  missing one.

Statistics (R-44) read aggregate counts only, by ``perpetrator_counts``.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.justice.errors import PartyNotFound
from haven.justice.models import (
    PERPETRATOR_ROLES,
    IsicSection,
    Party,
    PartyAgeGroup,
    PartyKind,
    PartyLink,
    PartyRole,
    PartySex,
)
from haven.lib import ids
from haven.vault import services as vault

LINK_TYPE = "justice.PartyLink"
PARTY_TYPE = "justice.Party"
DATA_KEY_SUBJECT = "justice.Party"
NAME_INDEX = "justice.party.name"
REGISTRATION_INDEX = "justice.party.registration_number"
PURPOSE = Purpose.INVESTIGATION

# --- blind indexes --------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_NOT_ALNUM = re.compile(r"[\W_]", re.UNICODE)


def name_index(name: str) -> str:
    """The keyed index of a normalised name: case, spacing, Unicode form and
    punctuation do not matter ("ACME  Oy." finds "Acme Oy")."""
    return vault.blind_index(value=_PUNCTUATION.sub(" ", name), purpose=NAME_INDEX)


def registration_index(number: str) -> str:
    """The keyed index of a registration number, letters and digits only
    ("1234567-8" finds "12345678"); "" when there is none."""
    cleaned = _NOT_ALNUM.sub("", vault.normalise(number))
    return vault.blind_index(value=cleaned, purpose=REGISTRATION_INDEX) if cleaned else ""


# --- what is shown --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyData:
    id: uuid.UUID
    kind: str
    kind_label: str
    name: str
    registration_number: str
    address: str
    sector: str  # ISIC section letter, or ""
    sector_label: str
    country: str


@dataclass(frozen=True)
class OtherCase:
    id: uuid.UUID
    reference: str
    roles: list[str]
    role_labels: list[str]


@dataclass(frozen=True)
class PartyOnCase:
    link_id: uuid.UUID
    party: PartyData
    roles: list[str]
    role_labels: list[str]
    sex: str
    sex_label: str
    age_group: str
    age_group_label: str
    citizenship: str
    shared: list[OtherCase]  # other cases sharing the party that the reader may read
    not_shared: int  # the other cases sharing it that the reader may not read

    @property
    def others(self) -> int:
        return len(self.shared) + self.not_shared


@dataclass(frozen=True)
class CaseParties:
    case: Case
    erased: bool
    writable: bool  # the reader may add, change and unlink parties here
    links: list[PartyOnCase]


def _labels(choices: type[PartyRole], values: Iterable[str]) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(v, v)) for v in values]


def party_data(party: Party) -> PartyData:
    """The party's data, decrypted under its own data key."""
    key = party.data_key
    return PartyData(
        id=party.id,
        kind=party.kind,
        kind_label=str(PartyKind(party.kind).label),
        name=vault.decrypt(key=key, ciphertext=party.name_enc, context="party.name"),
        registration_number=vault.decrypt_optional(
            key=key, ciphertext=party.registration_number_enc, context="party.registration_number"
        ),
        address=vault.decrypt_optional(
            key=key, ciphertext=party.address_enc, context="party.address"
        ),
        sector=party.sector,
        sector_label=str(IsicSection(party.sector).label) if party.sector else "",
        country=party.country,
    )


def _gated(user: User, case_id: object, purpose: Purpose) -> case_selectors.GatedCase | None:
    """The gate for the legal group on another case, or None where it refuses."""
    try:
        return case_selectors.case_for(
            user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
        )
    except (case_errors.CaseNotFound, case_errors.GroupNotAllowed):
        return None


def _other_cases(
    user: User, links: Iterable[PartyLink], purpose: Purpose
) -> tuple[list[OtherCase], int]:
    """The other cases of a party the reader may read with the legal group (each
    read audited on its case), and how many others there are."""
    shown: list[OtherCase] = []
    hidden = 0
    for link in links:
        gated = _gated(user, link.case_id, purpose)
        if gated is None or gated.erased:
            hidden += 1
            continue
        gated.audit_record(object_type=LINK_TYPE, object_id=link.id)
        shown.append(
            OtherCase(
                id=gated.case.id,
                reference=gated.case.reference,
                roles=list(link.roles),
                role_labels=_labels(PartyRole, link.roles),
            )
        )
    shown.sort(key=lambda c: c.reference)
    return shown, hidden


def _on_case(user: User, link: PartyLink, others: list[PartyLink], purpose: Purpose) -> PartyOnCase:
    shared, not_shared = _other_cases(user, others, purpose)
    return PartyOnCase(
        link_id=link.id,
        party=party_data(link.party),
        roles=list(link.roles),
        role_labels=_labels(PartyRole, link.roles),
        sex=link.sex,
        sex_label=str(PartySex(link.sex).label),
        age_group=link.age_group,
        age_group_label=str(PartyAgeGroup(link.age_group).label),
        citizenship=link.citizenship,
        shared=shared,
        not_shared=not_shared,
    )


@audit.audited_read()
def case_parties(
    *, user: User, case_id: object, purpose: Purpose = PURPOSE, others: bool = True
) -> CaseParties:
    """The parties of the case and, for each, the other cases sharing it as the
    reader may see them (legal group; R-38). Every read is audited through the gate.
    ``others`` False: this case's links alone (the report for the person), no
    other case is read."""
    # Inside the page's own ``gate_once``, if any: each case is loaded once per page.
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
    )
    case = gated.case
    if gated.erased:
        return CaseParties(case=case, erased=True, writable=False, links=[])
    links = list(
        PartyLink.objects.filter(case_id=case.id)
        .select_related("party", "party__data_key")
        .order_by("linked_at", "id")
    )
    gated.audit_record(object_type=LINK_TYPE)
    sharing: dict[uuid.UUID, list[PartyLink]] = {link.party_id: [] for link in links}
    if others:
        for other in (
            PartyLink.objects.filter(party_id__in=list(sharing))
            .exclude(case_id=case.id)
            .order_by("linked_at", "id")
        ):
            sharing[other.party_id].append(other)
    return CaseParties(
        case=case,
        erased=False,
        writable=gated.writable,
        links=[_on_case(user, link, sharing[link.party_id], purpose) for link in links],
    )


def case_page_parties(
    *, user: User, case_view: case_selectors.CaseView, held: bool = True
) -> CaseParties | None:
    """For the case page: None unless ``case_read`` showed the legal group there
    and the gate lets the reader read it for the parties' own purpose (the parties
    pages ask the same, so the panel never links to a refusal); then the parties
    as ``case_parties`` reads them, or none without a query of its own when the
    page knows the case has none (``held`` False)."""
    if case_view.group(FieldGroup.LEGAL).data is None:
        return None
    gated = _gated(user, case_view.case.id, PURPOSE)
    if gated is None:
        return None
    if not held:
        return CaseParties(
            case=case_view.case, erased=gated.erased, writable=gated.writable, links=[]
        )
    return case_parties(user=user, case_id=case_view.case.id)


def parties_readable(*, user: User, case_id: object) -> bool:
    """Whether the reader may read the case's parties (the gate for the legal
    group, for the parties' own purpose), for the timeline, which shows what the
    parties pages would."""
    return _gated(user, case_id, PURPOSE) is not None


@transaction.atomic
def case_party_link(
    *, user: User, case_id: object, link_id: object, purpose: Purpose = PURPOSE
) -> PartyOnCase:
    """One party of the case, for its edit page (legal group); the same 404 for a
    link of another case as for a missing one."""
    parties = case_parties(user=user, case_id=case_id, purpose=purpose)
    wanted = ids.parse_uuid(link_id)
    found = next((link for link in parties.links if link.link_id == wanted), None)
    if found is None:
        raise PartyNotFound(_("No such party on this case."))
    return found


# --- search before create -------------------------------------------------------------------


@dataclass(frozen=True)
class PartyMatch:
    party: PartyData
    linked_here: bool  # already on this case
    cases: int  # how many cases it is linked to


@transaction.atomic
def party_search(
    *,
    user: User,
    case_id: object,
    name: str = "",
    registration_number: str = "",
    purpose: Purpose = PURPOSE,
) -> list[PartyMatch]:
    """The parties already known under this exact name or registration number
    (normalised; by the blind indexes, nothing is decrypted to search), for a
    reader who may read the case's legal group. The read is audited."""
    gated = case_selectors.case_for(
        user=user, case_id=case_id, group=FieldGroup.LEGAL, purpose=purpose
    )
    wanted = []
    if name.strip():
        wanted.append(("name_index", name_index(name)))
    registration = registration_index(registration_number)
    if registration:
        wanted.append(("registration_number_index", registration))
    if not wanted:
        return []
    found: dict[uuid.UUID, Party] = {}
    for column, value in wanted:
        for party in Party.objects.filter(**{column: value}).select_related("data_key"):
            found.setdefault(party.id, party)
    linked = Counter(
        PartyLink.objects.filter(party_id__in=list(found)).values_list("party_id", flat=True)
    )
    here = set(
        PartyLink.objects.filter(party_id__in=list(found), case_id=gated.case.id).values_list(
            "party_id", flat=True
        )
    )
    gated.audit_record(object_type=PARTY_TYPE, detail={"search_matches": len(found)})
    matches = [
        PartyMatch(party=party_data(p), linked_here=p.id in here, cases=linked[p.id])
        for p in found.values()
    ]
    return sorted(matches, key=lambda m: (m.party.name.casefold(), str(m.party.id)))


# --- the party's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class PartyPage:
    party: PartyData
    cases: list[OtherCase]  # the cases the reader may read with the legal group
    not_shown: int  # the party's other cases


@transaction.atomic
def party_page(*, user: User, party_id: object, purpose: Purpose = PURPOSE) -> PartyPage:
    """The party and the cases it links that the reader may read with the legal
    group, each read audited on its case. A party none of whose cases the reader
    may read is the same 404 as a missing one."""
    parsed = ids.parse_uuid(party_id)
    party = Party.objects.select_related("data_key").filter(pk=parsed).first() if parsed else None
    if party is None:
        raise PartyNotFound(_("No such party is available to you."))
    links = list(PartyLink.objects.filter(party_id=party.id).order_by("linked_at", "id"))
    with case_selectors.gate_once():
        shown, hidden = _other_cases(user, links, purpose)
    if not shown:
        raise PartyNotFound(_("No such party is available to you."))
    return PartyPage(party=party_data(party), cases=shown, not_shown=hidden)


# --- statistics (R-44) ----------------------------------------------------------------------


@dataclass(frozen=True)
class PerpetratorCounts:
    """Perpetrators linked to cases in a year, each counted once per role: by
    (role, sex, age group, citizenship); and employers by ISIC section."""

    year: int
    by_role: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    employer_sectors: dict[str, int] = field(default_factory=dict)

    def total(self, role: str) -> int:
        return sum(n for key, n in self.by_role.items() if key[0] == role)


def perpetrator_counts(*, year: int, country: str = "") -> PerpetratorCounts:
    """Aggregate counts for the statistics (R-44): no party is identified. A party
    linked to several cases in the year counts once per role, with the sex, age
    group and citizenship of its first link that year; sectors count employers
    (companies or persons) once each ("" where the sector is not known). With
    ``country``, only links to that country's cases."""
    links = PartyLink.objects.filter(linked_at__year=year)
    if country:
        links = links.filter(case__country=country)
    links = links.select_related("party").order_by("linked_at", "id")
    by_role: Counter[tuple[str, str, str, str]] = Counter()
    sectors: Counter[str] = Counter()
    counted: set[tuple[uuid.UUID, str]] = set()
    for link in links:
        for role in link.roles:
            if (link.party_id, role) in counted:
                continue
            counted.add((link.party_id, role))
            if role in PERPETRATOR_ROLES:
                by_role[(role, link.sex, link.age_group, link.citizenship)] += 1
            if role == PartyRole.EMPLOYER:
                sectors[link.party.sector] += 1
    return PerpetratorCounts(year=year, by_role=dict(by_role), employer_sectors=dict(sectors))
