"""Country profile writes (R-31, configuration as data): loading the data file,
and the national coordinator's edits. Profiles hold no personal data; every write
is still in the audit trail, since a profile weighs on every return to its country."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import locking
from haven.returns import errors, policy, profiles
from haven.returns.models import CountryProfile, ReceivingView

# Who acts when the operator loads the file on the server (``haven returns load``).
OPERATOR = audit.Actor(id=None, username="operator", organisation_id="", organisation_name="")
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _audit(
    actor: audit.Actor, action: str, profile: CountryProfile, detail: dict[str, str]
) -> None:
    audit.audit_record(
        actor=actor,
        action=action,
        object_type="returns.CountryProfile",
        object_id=profile.pk,
        detail={"country": profile.country, **detail},
    )


def _fill(profile: CountryProfile, data: profiles.ProfileData) -> None:
    for field, value in asdict(data).items():
        setattr(profile, field, value)


def _store(
    data: profiles.ProfileData, *, version: int, actor: audit.Actor
) -> tuple[CountryProfile, str]:
    profile = CountryProfile.objects.select_for_update().filter(country=data.country).first()
    if profile is not None and profile.source_version >= version:
        return profile, UNCHANGED
    outcome = UPDATED if profile is not None else CREATED
    profile = profile or CountryProfile()
    _fill(profile, data)
    profile.source_version = version
    profile.updated_at = timezone.now()
    profile.updated_by = None
    profile.full_clean()
    if outcome == UPDATED:
        profile.version += 1
    profile.save()
    _audit(
        actor,
        Action.CREATE if outcome == CREATED else Action.UPDATE,
        profile,
        {"file_version": str(version)},
    )
    return profile, outcome


@transaction.atomic
def country_profiles_load(
    *, text: str, actor: User | None = None
) -> list[tuple[CountryProfile, str]]:
    """Load a country profiles file, all or nothing: a country not known yet is
    created; one loaded from an older file version is replaced by the newer one
    (the coordinator's later edits survive until then); the rest is unchanged."""
    if actor is not None and not policy.may_keep_profiles(actor):
        raise errors.ProfilesNotAllowed(_("Only the national coordinator keeps country profiles."))
    loaded = profiles.parse_text(text)
    who = audit.actor_of(actor) if actor is not None else OPERATOR
    return [_store(data, version=loaded.version, actor=who) for data in loaded.profiles]


def country_profiles_load_shipped() -> list[tuple[CountryProfile, str]]:
    """The profiles file shipped with Haven (synthetic; replace with the national one)."""
    return country_profiles_load(text=profiles.SHIPPED_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ProfileInput:
    name: str
    partner_organisations: list[str]
    focal_points: list[str]
    known_risks: str
    willingness: str
    capacity: str
    last_reviewed_on: date


def _checked(data: ProfileInput, *, country: str, previous: date) -> profiles.ProfileData:
    error = errors.ProfileInputInvalid
    name, risks = data.name.strip(), data.known_risks.strip()
    if not name or len(name) > profiles.NAME_MAX:
        raise error(_("Write the country's name."), field="name")
    if not risks or len(risks) > profiles.RISKS_MAX:
        raise error(_("Write the known risks (at most 5000 characters)."), field="known_risks")
    for field in ("partner_organisations", "focal_points"):
        entries = [entry.strip() for entry in getattr(data, field)]
        if len(entries) > profiles.ENTRIES_MAX or any(
            not entry or len(entry) > profiles.ENTRY_MAX for entry in entries
        ):
            raise error(_("At most 20 names of at most 200 characters each."), field=field)
    for field in ("willingness", "capacity"):
        if getattr(data, field) not in ReceivingView.values:
            raise error(_("Choose one of the options."), field=field)
    if data.last_reviewed_on > timezone.localdate() or data.last_reviewed_on < previous:
        raise error(
            _("The review date is between the previous review and today."),
            field="last_reviewed_on",
        )
    return profiles.ProfileData(
        country=country,
        name=name,
        partner_organisations=[entry.strip() for entry in data.partner_organisations],
        focal_points=[entry.strip() for entry in data.focal_points],
        known_risks=risks,
        willingness=data.willingness,
        capacity=data.capacity,
        last_reviewed_on=data.last_reviewed_on,
    )


@transaction.atomic
def country_profile_update(
    *, actor: User, country: str, profile: ProfileInput, version: int
) -> CountryProfile:
    """The national coordinator reviews and edits a country's profile (R-31);
    nobody else may. Optimistic locking: a stale edit saves nothing."""
    if not policy.may_keep_profiles(actor):
        raise errors.ProfilesNotAllowed(_("Only the national coordinator keeps country profiles."))
    row = CountryProfile.objects.select_for_update().filter(country=country.upper()).first()
    if row is None:
        raise errors.ProfileNotFound(_("No profile for this country."))
    data = _checked(profile, country=row.country, previous=row.last_reviewed_on)
    locking.version_claim(row, expected=version)
    _fill(row, data)
    row.updated_at = timezone.now()
    row.updated_by = actor
    row.full_clean()
    fields = [*asdict(data), "updated_at", "updated_by"]
    fields.remove("country")
    row.save(update_fields=fields)
    _audit(
        audit.actor_of(actor),
        Action.UPDATE,
        row,
        {"reviewed_on": data.last_reviewed_on.isoformat()},
    )
    return row
