"""The demo organisations and accounts, defined in code.

Everything here is computed from fixed values (and Faker with a fixed seed),
so ``haven demo-accounts`` prints the same list before or after seeding, and
the list is exactly what ``haven seed_demo`` creates. The passwords are public
demo values: they protect synthetic data on a demo instance and nothing else.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _
from faker import Faker

from haven.accounts.models import OrgType, Role

COUNTRIES = ("FI", "EE")
LOCALE = {"FI": "fi_FI", "EE": "et_EE"}
# Fixed, so organisation names do not change with ``seed_demo --seed``.
NAME_SEED = 2024


@dataclass(frozen=True)
class Region:
    name: str
    city: str
    city_genitive: str  # "Helsingin poliisilaitos": Finnish and Estonian inflect the city


REGIONS = {
    "FI": (
        Region("Uusimaa", "Helsinki", "Helsingin"),
        Region("Pirkanmaa", "Tampere", "Tampereen"),
        Region("Varsinais-Suomi", "Turku", "Turun"),
    ),
    "EE": (
        Region("Harjumaa", "Tallinn", "Tallinna"),
        Region("Tartumaa", "Tartu", "Tartu"),
        Region("Ida-Virumaa", "Narva", "Narva"),
    ),
}

# Plausible local names; {surname} comes from Faker, the rest from the region.
NAME_TEMPLATES: dict[str, dict[str, str]] = {
    "FI": {
        OrgType.NGO: "{surname}-säätiö",
        OrgType.SOCIAL_SERVICES: "{city_genitive} sosiaali- ja kriisipäivystys",
        OrgType.POLICE: "{city_genitive} poliisilaitos",
        OrgType.BORDER_GUARD: "Rajavartiolaitos, {region}",
        OrgType.LABOUR_INSPECTORATE: "Työsuojelun vastuualue, {region}",
        OrgType.SHELTER: "Turvakoti {surname}",
        OrgType.HEALTH: "Lääkärikeskus {surname}",
        OrgType.PROSECUTOR: "Syyttäjäyksikkö, {region}",
        OrgType.MIGRATION_AUTHORITY: "Maahanmuuttopalvelut, {city}",
        OrgType.GUARDIAN_SERVICE: "Edustajapalvelu {city}",
        OrgType.NATIONAL_COORDINATOR: "Ihmiskaupan vastaisen työn koordinaatio",
        OrgType.RAPPORTEUR: "Ihmiskaupparaportoijan toimisto",
        OrgType.INTERNATIONAL_ORGANISATION: "Nordic Migrant Aid, {city} office",
        OrgType.OTHER: "{surname} Oy",
    },
    "EE": {
        OrgType.NGO: "MTÜ {surname} Tugikeskus",
        OrgType.SOCIAL_SERVICES: "{city_genitive} linna sotsiaalabi",
        OrgType.POLICE: "Politseijaoskond, {city}",
        OrgType.BORDER_GUARD: "Piirivalvekordon, {city}",
        OrgType.LABOUR_INSPECTORATE: "Tööinspektsioon, {region}",
        OrgType.SHELTER: "Turvakodu {surname}",
        OrgType.HEALTH: "{surname} Perearstikeskus",
        OrgType.PROSECUTOR: "Prokuratuur, {region}",
        OrgType.MIGRATION_AUTHORITY: "Migratsiooniosakond, {city}",
        OrgType.GUARDIAN_SERVICE: "Lastekaitse eestkoste, {city}",
        OrgType.NATIONAL_COORDINATOR: "Inimkaubanduse vastase töö koordinaator",
        OrgType.RAPPORTEUR: "Inimkaubanduse raportööri büroo",
        OrgType.INTERNATIONAL_ORGANISATION: "Baltic Migrant Aid, {city} office",
        OrgType.OTHER: "{surname} OÜ",
    },
}

# The organisation types that run most cases get every case role and an admin;
# every other type gets one caseworker, so each type's view of a case can be tried.
MAIN_TYPES = (OrgType.NGO, OrgType.SOCIAL_SERVICES, OrgType.POLICE)
MAIN_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN)
# Types whose administrator approves agreements besides the main ones: the
# national coordinator, for every organisation of a type in its country, and the
# health centre, which an agreement names by name.
APPROVER_TYPES = (OrgType.NATIONAL_COORDINATOR, OrgType.HEALTH)
SYSTEM_ADMIN_HOME = ("FI", OrgType.NATIONAL_COORDINATOR)


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    org_type: str
    country: str
    region: str


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    organisation: str  # the organisation's name
    org_type: str
    role: str
    country: str
    first_name: str
    last_name: str

    def public(self) -> dict[str, str]:
        """The fields ``haven demo-accounts --json`` prints."""
        return {
            "username": self.username,
            "password": self.password,
            "organisation": self.organisation,
            "org_type": self.org_type,
            "role": self.role,
            "country": self.country,
        }


def demo_password(username: str) -> str:
    """A public demo value, recognisable as such wherever it is seen."""
    return f"demo-{username}"


def _faker(country: str, salt: str) -> Faker:
    fake = Faker(LOCALE[country])
    fake.seed_instance(zlib.crc32(f"{NAME_SEED}:{country}:{salt}".encode()))
    return fake


@cache
def demo_organisations() -> tuple[DemoOrganisation, ...]:
    """Every organisation type, in Finland and in Estonia."""
    orgs = []
    for country in COUNTRIES:
        for index, org_type in enumerate(OrgType):
            region = REGIONS[country][index % len(REGIONS[country])]
            name = NAME_TEMPLATES[country][org_type].format(
                surname=_faker(country, org_type).last_name(),
                city=region.city,
                city_genitive=region.city_genitive,
                region=region.name,
            )
            orgs.append(DemoOrganisation(name, org_type, country, region.name))
    return tuple(orgs)


def roles_for(org_type: str) -> tuple[str, ...]:
    if org_type in MAIN_TYPES:
        return MAIN_ROLES
    if org_type == OrgType.RAPPORTEUR:
        return (Role.RAPPORTEUR,)
    if org_type == OrgType.NATIONAL_COORDINATOR:
        # A supervisor approves the merges its caseworkers propose (issue 14).
        return MAIN_ROLES
    if org_type in APPROVER_TYPES:
        return (Role.CASEWORKER, Role.ORG_ADMIN)
    return (Role.CASEWORKER,)


def _account(org: DemoOrganisation, role: str) -> DemoAccount:
    username = f"{org.org_type}.{role}.{org.country.lower()}"
    person = _faker(org.country, username)
    return DemoAccount(
        username=username,
        password=demo_password(username),
        organisation=org.name,
        org_type=org.org_type,
        role=role,
        country=org.country,
        first_name=person.first_name(),
        last_name=person.last_name(),
    )


@cache
def demo_accounts() -> tuple[DemoAccount, ...]:
    """Case roles and an admin in the main types, a caseworker in the others (and
    an admin in the national coordinator and the health centre, who approve
    agreements), the rapporteur in the rapporteur office and one system administrator."""
    accounts = [
        _account(org, role) for org in demo_organisations() for role in roles_for(org.org_type)
    ]
    home = next(o for o in demo_organisations() if (o.country, o.org_type) == SYSTEM_ADMIN_HOME)
    accounts.append(_account(home, Role.SYSTEM_ADMIN))
    return tuple(accounts)


def accounts_table(accounts: tuple[DemoAccount, ...]) -> str:
    """A plain-text table for the console, one account per line."""
    headings = (_("username"), _("password"), _("role"), _("country"), _("organisation"))
    rows = [(a.username, a.password, a.role, a.country, a.organisation) for a in accounts]
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headings, *rows, strict=True)
    ]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (headings, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
