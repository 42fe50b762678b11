"""Reads of the search before create: what was typed as a matching record, its
keyed blocking keys, the candidates sharing them, and whether the asker may see a
match's case. Nothing here decrypts a person: ``services.intake_check`` does,
audited, for the candidates these reads name."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.cases import hooks as case_hooks
from haven.cases import selectors as case_selectors
from haven.cases.models import Case, Sex
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
    return sorted(
        vault.blind_index(value=key, purpose=KEY_PURPOSE)
        for key in matching.blocking_keys(normalised)
    )


def candidate_ids(
    keys: list[str], *, limit: int, exclude: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """The persons sharing most of these keys, most shared first (one query, by the
    key index; bounded by ``limit`` whatever the register's size)."""
    rows = BlockingKey.objects.filter(key__in=keys)
    if exclude is not None:
        rows = rows.exclude(person_id=exclude)
    ranked = (
        rows.values("person_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "person_id")
        .values_list("person_id", flat=True)
    )
    return list(ranked[:limit])


def candidate_cases(person_ids: list[uuid.UUID]) -> list[Case]:
    """The live cases of these persons, with what decrypting their identity needs,
    in the order given (one query)."""
    cases = Case.objects.select_related("person", "person__data_key").filter(
        person_id__in=person_ids, person__erased_at__isnull=True, merged_into__isnull=True
    )
    order = {person_id: rank for rank, person_id in enumerate(person_ids)}
    return sorted(cases, key=lambda case: order[case.person_id])


def may_see(user: User, case: Case) -> bool:
    """The case gate's rule for the case page's identity group: the case exists for
    the user, and ``access.decide`` shows its identity."""
    context = access_policy.case_context(case_id=case.pk)
    if not access_policy.may_see_case(user=user, case_id=case.pk, context=context):
        return False
    decision = access_policy.decide(
        user=user,
        case_id=case.pk,
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
