"""The demo's service directory (issue 6): what the demo organisations offer, the
same kinds of service in each country, recorded through the directory services
by the organisation's administrator (or, for organisations the demo gives no
administrator, the system administrator).

A few entries were last confirmed long ago, so the directory shows what a stale
entry looks like. No service back-dates a confirmation, so the demo moves those
dates itself after recording them: this is the demo's history, not an action.
Names, hours and numbers are synthetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.assistance.catalogue import ServiceType
from haven.referrals.models import DirectoryEntry, TargetGroup
from haven.referrals.services import directory as directory_services

T = OrgType
S = ServiceType
G = TargetGroup
ALL_ADULTS = (G.MEN, G.WOMEN, G.TRANSGENDER)
# The country's own languages, then those the demo's services also work in.
LANGUAGES = {"FI": ("fi", "sv", "en"), "EE": ("et", "ru", "en")}


@dataclass(frozen=True)
class EntrySpec:
    org_type: str
    service_type: str
    title: str
    target_groups: tuple[str, ...]
    more_languages: tuple[str, ...] = ()
    national: bool = False  # the whole country, not only the organisation's region
    hours: str = "Mon-Fri 9-17"
    emergency: bool = False
    capacity_notes: str = ""
    stale_in: tuple[str, ...] = ()  # the countries where this entry was last confirmed long ago


ENTRIES = (
    EntrySpec(
        T.NGO,
        S.COUNSELLING,
        "Helpline and counselling for victims of trafficking",
        (*ALL_ADULTS, G.FAMILIES),
        ("ru", "uk", "ro", "vi"),
        national=True,
        hours="Around the clock",
        emergency=True,
    ),
    EntrySpec(
        T.NGO,
        S.LEGAL_ASSISTANCE,
        "Legal counselling on residence and compensation",
        ALL_ADULTS,
        ("ru", "uk"),
        capacity_notes="New clients within two weeks.",
        stale_in=("EE",),
    ),
    EntrySpec(
        T.SHELTER,
        S.ACCOMMODATION,
        "Safe accommodation for women and their children",
        (G.WOMEN, G.CHILDREN, G.FAMILIES),
        ("ru",),
        hours="Around the clock",
        emergency=True,
        capacity_notes="Six family rooms; call before arriving.",
        stale_in=("FI",),
    ),
    EntrySpec(
        T.SHELTER,
        S.ACCOMMODATION,
        "Emergency accommodation for large groups",
        (G.MEN, G.LARGE_GROUPS),
        ("bg", "ro"),
        hours="Around the clock",
        emergency=True,
        capacity_notes="Up to 30 people for three nights.",
        stale_in=("EE",),
    ),
    EntrySpec(
        T.HEALTH,
        S.MEDICAL_CARE,
        "Medical care without an appointment",
        (*ALL_ADULTS, G.CHILDREN),
        ("ar",),
    ),
    EntrySpec(
        T.HEALTH,
        S.PSYCHOLOGICAL_CARE,
        "Trauma-informed psychological care",
        ALL_ADULTS,
        capacity_notes="Waiting list of about a month.",
        stale_in=("FI",),
    ),
    EntrySpec(
        T.SOCIAL_SERVICES,
        S.FINANCIAL_SUPPORT,
        "Subsistence and emergency financial support",
        (*ALL_ADULTS, G.FAMILIES),
        emergency=True,
    ),
    EntrySpec(T.SOCIAL_SERVICES, S.CHILD_CARE, "Child protection and care", (G.CHILDREN,)),
    EntrySpec(
        T.INTERNATIONAL_ORGANISATION,
        S.INTERPRETATION,
        "Interpreters by phone and in person",
        (*ALL_ADULTS, G.CHILDREN, G.LARGE_GROUPS),
        ("ru", "uk", "ro", "bg", "vi", "ar", "ti"),
        national=True,
    ),
)


def _writer(
    users: Mapping[tuple[str, str, str], User], *, country: str, org_type: str, system_admin: User
) -> User:
    return users.get((country, org_type, Role.ORG_ADMIN)) or system_admin


def seed_directory(
    *,
    orgs: Mapping[tuple[str, str], Organisation],
    users: Mapping[tuple[str, str, str], User],
    system_admin: User,
) -> int:
    """Every country's directory entries; returns how many were recorded."""
    stale_at = timezone.now() - timedelta(days=settings.HAVEN_DIRECTORY_STALE_DAYS + 60)
    stale_ids = []
    recorded = 0
    for country in LANGUAGES:
        for spec in ENTRIES:
            organisation = orgs[(country, spec.org_type)]
            entry = directory_services.directory_entry_create(
                actor=_writer(
                    users, country=country, org_type=spec.org_type, system_admin=system_admin
                ),
                organisation=organisation,
                data=directory_services.EntryInput(
                    service_type=spec.service_type,
                    title=spec.title,
                    region="" if spec.national else organisation.region,
                    languages=[*LANGUAGES[country], *spec.more_languages],
                    target_groups=spec.target_groups,
                    hours=spec.hours,
                    emergency_contact=_phone(country, recorded) if spec.emergency else "",
                    capacity_notes=spec.capacity_notes,
                ),
            )
            recorded += 1
            if country in spec.stale_in:
                stale_ids.append(entry.id)
    DirectoryEntry.objects.filter(pk__in=stale_ids).update(confirmed_at=stale_at)
    return recorded


def _phone(country: str, index: int) -> str:
    """A synthetic service line in the country's format."""
    prefix = {"FI": "+358 9 4000", "EE": "+372 600"}[country]
    return f"{prefix} {index:04d}"
