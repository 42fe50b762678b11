"""Reads of the search before create: what was typed as a matching record, its
keyed blocking keys, the candidates sharing them, and whether the asker may see a
match's case. Nothing here decrypts a person: ``services.intake_check`` does,
audited, for the candidates these reads name."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.cases import hooks as case_hooks
from haven.cases import selectors as case_selectors
from haven.cases.models import Case, Person, Sex
from haven.linkage import errors, matching
from haven.linkage.models import BlockingKey, Check
from haven.vault import services as vault

KEY_PURPOSE = "linkage.block"  # the blind-index purpose of blocking keys
SEARCH_DIGEST_PURPOSE = "linkage.search"  # the digest a search token carries
SEARCH_SALT = "haven.linkage.search-token"
SEARCH_MAX_AGE = 60 * 60 * 8  # a working day: the intake form may stay open that long
SEX_CODES: dict[str, str] = {Sex.FEMALE.value: "F", Sex.MALE.value: "M", Sex.INTERSEX.value: "X"}
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Band:
    """Words for a calibrated probability, from its lower bound."""

    key: str
    floor: float
    label: Promise


BANDS = (
    Band("very_likely", 0.95, gettext_lazy("very likely the same person")),
    Band("likely", 0.8, gettext_lazy("likely the same person")),
    Band("possibly", 0.0, gettext_lazy("possibly the same person")),
)


def band_of(probability: float) -> Band:
    """The words for a probability at or above the threshold."""
    return next(band for band in BANDS if probability >= band.floor)


def may_check(user: User) -> bool:
    """Who may ask "is this person already known?": whoever may open a case (the
    intake rule, R-14); the region is not shown to anyone else."""
    return case_selectors.may_open_case(user)


def threshold() -> float:
    return settings.HAVEN_LINKAGE_THRESHOLD_PERCENT / 100


def record_of(identity: case_hooks.IntakeIdentity) -> matching.Record:
    """The identity intake wrote, as the matching engine reads it."""
    return matching.Record(
        given_name=identity.given_name,
        family_name=identity.family_name,
        sex=SEX_CODES.get(identity.sex, ""),
        date_of_birth=identity.date_of_birth.isoformat() if identity.date_of_birth else "",
        nationality=identity.citizenships[0] if identity.citizenships else "",
    )


def _typed_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def identity_typed(
    *, given_name: str, family_name: str, sex: str, date_of_birth: str, citizenships: str
) -> case_hooks.IntakeIdentity:
    """What a caseworker typed (form or API strings) as an intake identity: a date of
    birth that is not a date is left out, as the form would refuse it."""
    codes = [c.strip().upper() for c in citizenships.split(",") if c.strip()]
    return case_hooks.IntakeIdentity(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        sex=sex,
        date_of_birth=_typed_date(date_of_birth),
        citizenships=tuple(sorted(set(codes))),
    )


def enough_to_check(normalised: matching.Normalised) -> bool:
    """A family name and a given name or a year of birth: less would let anyone
    probe the register with a bare surname (and finds little anyway)."""
    return bool(normalised.family) and (bool(normalised.given) or normalised.birth_year is not None)


def keyed(normalised: matching.Normalised) -> list[str]:
    """The keyed HMACs of a record's blocking keys (the plain keys are never stored)."""
    return sorted(key for key, _weight in keyed_weighted(normalised))


# A key of the full date of birth (and a name's initial) is strong evidence on its own;
# the others (a name with a year, two name prefixes) count once each.
STRONG_KINDS = ("dob:",)
STRONG_WEIGHT = 2


def keyed_weighted(normalised: matching.Normalised) -> list[tuple[str, int]]:
    """Each keyed key of the check with its weight in the candidates' ranking: the
    blocking keys and the full name's (``matching.full_name_keys``, whose blocks count
    the persons carrying the name); a strong key (``STRONG_KINDS``) weighs
    ``STRONG_WEIGHT``, the others 1."""
    plain = matching.blocking_keys(normalised) | matching.full_name_keys(normalised)
    return sorted(
        (
            vault.blind_index(value=key, purpose=KEY_PURPOSE),
            STRONG_WEIGHT if key.startswith(STRONG_KINDS) else 1,
        )
        for key in plain
    )


@dataclass(frozen=True)
class Candidates:
    """The persons to decrypt, likeliest first; how many persons the register holds
    (the prior of the scores, and the denominator of a name's share; 0 when no person
    was found); and how many persons share each typed keyed key (``blocks``: at most
    one past the bound, ``HAVEN_LINKAGE_CHECK_MAX_BLOCK``), the counts that say how
    common the typed name is (``name_share``)."""

    person_ids: list[uuid.UUID]
    register_size: int
    blocks: dict[str, int] = field(default_factory=dict)


# How many persons the register holds, within the candidate query: on PostgreSQL the
# planner's estimate once the table is large (counting a million rows would cost more
# than the check), else a count.
_REGISTER_SIZE = {
    "postgresql": (
        "(SELECT CASE WHEN c.reltuples >= {exact_below} THEN c.reltuples::bigint "
        "ELSE (SELECT COUNT(*) FROM {person}) END FROM pg_class c "
        "WHERE c.oid = '{person}'::regclass)"
    ),
    "sqlite": "(SELECT COUNT(*) FROM {person})",
}
REGISTER_EXACT_BELOW = 10_000  # persons: below, PostgreSQL counts them
_PERSON, _BLOCK, _SIZE = 0, 1, 2  # the kinds of the candidate query's rows


def candidates_sql(vendor: str, *, keys: int, exclude: bool) -> str:
    """The candidate query: the persons sharing the typed keys, ranked by the weight of
    the keys they share (a full date of birth counts twice); keys whose block holds
    more than the bound (a common name without a year) skipped. Each typed key's block
    is counted by reading at most one entry past the bound in the key index (the
    count that skips a key also tells how common a name is), and the register's size
    is read with it. Parameters: (key, weight) a typed key, then the bound plus one,
    the bound, the excluded person if any, the limit. Rows: (kind, person or key,
    shared weight or block size or register size). (A candidate sharing a single weak
    key is kept: leaving those out lost a tenth of the persons typed another way,
    docs/linkage.md.)"""
    table = connection.ops.quote_name(BlockingKey._meta.db_table)
    person = Person._meta.db_table
    typed = ", ".join(["(%s, %s)"] * keys)
    size = _REGISTER_SIZE.get(vendor, _REGISTER_SIZE["sqlite"]).format(
        person=person, exact_below=REGISTER_EXACT_BELOW
    )
    where = "sized.persons <= %s" + (" AND b.person_id <> %s" if exclude else "")
    sql = (
        "WITH typed (key, weight) AS (VALUES {typed}), sized AS (SELECT typed.key, typed.weight, "
        "(SELECT COUNT(*) FROM (SELECT 1 FROM {t} o WHERE o.key = typed.key LIMIT %s) s) "
        "AS persons FROM typed), found AS (SELECT b.person_id, SUM(sized.weight) AS shared "
        "FROM sized JOIN {t} b ON b.key = sized.key WHERE {where} "
        "GROUP BY b.person_id ORDER BY shared DESC, b.person_id LIMIT %s) "
        "SELECT {person}, CAST(found.person_id AS text), found.shared FROM found "
        "UNION ALL SELECT {block}, sized.key, sized.persons FROM sized "
        "UNION ALL SELECT {sized}, '', {size}"
    )  # our tables and kinds; the values are parameters
    return sql.format(
        t=table, typed=typed, where=where, size=size, person=_PERSON, block=_BLOCK, sized=_SIZE
    )


def candidate_ids(
    keys: list[tuple[str, int]], *, limit: int, exclude: uuid.UUID | None = None
) -> Candidates:
    """The persons sharing most of these keys (weighted), most shared first, in one
    query by the key index: bounded by ``limit`` and by the block bound
    (``HAVEN_LINKAGE_CHECK_MAX_BLOCK``) whatever the register's size; with the size of
    each typed key's block and of the register."""
    if not keys:
        return Candidates([], 0)
    bound = settings.HAVEN_LINKAGE_CHECK_MAX_BLOCK
    params: list[str | int | uuid.UUID] = [value for pair in keys for value in pair]
    params += [bound + 1, bound]
    if exclude is not None:
        params.append(exclude.hex if connection.vendor == "sqlite" else exclude)
    params.append(limit)
    sql = candidates_sql(connection.vendor, keys=len(keys), exclude=exclude is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = sorted((-int(n), uuid.UUID(v)) for kind, v, n in rows if kind == _PERSON)
    if not found:
        return Candidates([], 0)
    return Candidates(
        [person_id for _shared, person_id in found],
        next(int(n) for kind, _v, n in rows if kind == _SIZE),
        {v: int(n) for kind, v, n in rows if kind == _BLOCK},
    )


def name_pair_keyed(normalised: matching.Normalised) -> dict[str, str]:
    """The plain keys of the typed full name (``matching.full_name_keys``) and of its
    names' prefixes together (``matching.name_pair_keys``) with their keyed HMACs, to
    read their blocks' sizes from the candidate query."""
    plain = matching.full_name_keys(normalised) | matching.name_pair_keys(normalised)
    return {key: vault.blind_index(value=key, purpose=KEY_PURPOSE) for key in plain}


# The candidate is one of the persons a block counts, and its carrying the name is no
# evidence that the name is common: the share counts the others, plus one half (the
# add-half estimate of a count that may be zero; a name no one else carries weighs as
# half a person's, not as none).
OTHERS_PRIOR = 0.5


def name_share(
    typed: dict[str, str], candidate: matching.Normalised, found: Candidates
) -> float | None:
    """The share of the register's persons carrying the full name the typed identity
    and ``candidate`` share: the block of the full-name key both hold (the stems of
    all their names, ``matching.full_name_keys``; the smallest when they share more
    than one reading), over the register's size. Where they share none (a name split
    into given and family another way) or no one holds it yet (persons indexed before
    the full-name keys, until ``haven linkage_index`` runs), the smallest block among
    the name-prefix keys (``fg:``, coarser: every name beginning alike). None when
    they share neither, or when the register is no larger than the one the model was
    fitted on (a handful of persons says nothing about how common a name is: a new
    deployment keeps the fitted calibration, as ``prior_size`` does). The term
    frequency of the check (``matching.Weights.name_bits``), from counts the
    candidate query read anyway: no name is counted, decrypted or kept for it. A
    block past the bound counts as the bound plus one, a lower bound that already
    weighs against. The candidate itself is not counted (``OTHERS_PRIOR``)."""
    if found.register_size <= matching.fitted_register_size():
        return None
    for keys in (matching.full_name_keys(candidate), matching.name_pair_keys(candidate)):
        counts = [found.blocks.get(typed[key], 0) for key in keys & typed.keys()]
        if any(counts):
            return (min(n for n in counts if n) - 1 + OTHERS_PRIOR) / found.register_size
    return None


def prior_size(register_size: int) -> int | None:
    """The register size the check scores with (``matching.match_probability``): once
    the register is larger than the one the model was calibrated on, between the two
    on a log scale, ``HAVEN_LINKAGE_CHECK_PRIOR_PERCENT`` of the way to the register's
    own (50: their geometric middle; 100 with ``HAVEN_LINKAGE_CHECK_REGISTER_PRIOR``),
    so that namesakes in a large register are not flagged by a small register's
    prior. The fitted prior alone is over-confident at a million persons, the
    register's own under-confident (the fitted weights are attenuated by the
    calibration's slope, the prior is not; docs/linkage.md). A smaller register keeps
    the calibration (None): a new deployment is not made more eager to match than the
    fitted model."""
    fitted = matching.fitted_register_size()
    if settings.HAVEN_LINKAGE_CHECK_REGISTER_PRIOR:
        share = 1.0
    else:
        share = settings.HAVEN_LINKAGE_CHECK_PRIOR_PERCENT / 100
    if register_size <= fitted or share <= 0:
        return None
    return round(math.exp((1 - share) * math.log(fitted) + share * math.log(register_size)))


def candidate_cases(person_ids: list[uuid.UUID]) -> list[Case]:
    """The live cases of these persons, with what decrypting their identity needs,
    in the order given (one query)."""
    cases = Case.objects.select_related("person", "person__data_key").filter(
        person_id__in=person_ids, person__erased_at__isnull=True, merged_into__isnull=True
    )
    order = {person_id: rank for rank, person_id in enumerate(person_ids)}
    return sorted(cases, key=lambda case: order[case.person_id])


def may_see_each(user: User, cases: list[Case]) -> dict[uuid.UUID, bool]:
    """For each case, the case gate's rule for the case page's identity group: the
    case exists for the user, and ``access.decide`` shows its identity. The sharing
    facts of all the cases are read together (``access.case_contexts``: a constant
    number of queries, however many candidates)."""
    contexts = access_policy.case_contexts(case_ids=[case.pk for case in cases], user=user)
    return {case.pk: _may_see(user, case.pk, contexts[case.pk]) for case in cases}


def _may_see(user: User, case_id: uuid.UUID, context: access_policy.CaseContext) -> bool:
    if not access_policy.may_see_case(user=user, case_id=case_id, context=context):
        return False
    decision = access_policy.decide(
        user=user,
        case_id=case_id,
        field_group=FieldGroup.IDENTITY,
        purpose=Purpose.ASSISTANCE,
        context=context,
    )
    return decision.allowed


def checks_recent(user: User) -> int:
    """The user's checks within the rate window."""
    since = timezone.now() - timedelta(minutes=settings.HAVEN_LINKAGE_CHECK_WINDOW_MINUTES)
    return Check.objects.filter(user=user, checked_at__gte=since).count()


def _digest(normalised: matching.Normalised) -> str:
    fields = (
        " ".join(normalised.given),
        " ".join(normalised.family),
        str(normalised.birth_year or ""),
        str(normalised.birth_month or ""),
        str(normalised.birth_day or ""),
        normalised.sex,
        normalised.nationality,
    )
    return vault.blind_index(value="|".join(fields), purpose=SEARCH_DIGEST_PURPOSE)


def search_token(user: User, normalised: matching.Normalised) -> str:
    """A signed token saying this user checked this identity: a keyed digest of the
    normalised values, no name. Intake posts it back when the search is required."""
    return signing.dumps({"u": user.pk, "d": _digest(normalised)}, salt=SEARCH_SALT)


def search_token_matches(token: str, user: User, normalised: matching.Normalised) -> bool:
    """Whether ``token`` is this user's check of this same identity, recent enough."""
    try:
        payload = signing.loads(token, salt=SEARCH_SALT, max_age=SEARCH_MAX_AGE)
    except signing.BadSignature:
        return False
    return (
        isinstance(payload, dict)
        and payload.get("u") == user.pk
        and payload.get("d") == _digest(normalised)
    )


def search_check(event: case_hooks.CaseOpening) -> None:
    """With HAVEN_LINKAGE_REQUIRE_SEARCH on, intake opens a case only after a check
    of the same identity by the same user (its token posted back). An identity too
    thin to check (no family name, say) cannot be searched, so it is not required.
    Registered with ``haven.cases.hooks`` by ``LinkageConfig``; writes nothing."""
    if not settings.HAVEN_LINKAGE_REQUIRE_SEARCH:
        return
    normalised = matching.normalise(record_of(event.identity))
    if not enough_to_check(normalised):
        return
    if not search_token_matches(event.search_token, event.actor, normalised):
        raise errors.SearchRequired(
            _(
                "Check whether this person is already known before opening the case: "
                "use the check under “Is this person already known?” with the name, "
                "sex, date of birth and citizenship as they are now."
            ),
            field="search_token",
        )
