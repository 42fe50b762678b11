"""The country profiles file (``data/country_profiles.yaml``): parsed and checked
all or nothing, before anything is stored (configuration is data). Pure: no
database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from haven.returns import errors
from haven.returns.models import ReceivingView

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "country_profiles.yaml"
NAME_MAX = 100
ENTRY_MAX = 200  # one partner organisation or focal point
ENTRIES_MAX = 20
RISKS_MAX = 5000


@dataclass(frozen=True)
class ProfileData:
    country: str
    name: str
    partner_organisations: list[str]
    focal_points: list[str]
    known_risks: str
    willingness: str
    capacity: str
    last_reviewed_on: date


@dataclass(frozen=True)
class ProfilesFile:
    version: int
    profiles: list[ProfileData]


def _fail(where: str, problem: str) -> errors.ProfileFileInvalid:
    return errors.ProfileFileInvalid(f"{where}: {problem}")


def _entries(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or len(value) > ENTRIES_MAX:
        raise _fail(where, _("a list of at most %(max)d names") % {"max": ENTRIES_MAX})
    entries = [str(item).strip() for item in value]
    if any(not entry or len(entry) > ENTRY_MAX for entry in entries):
        raise _fail(where, _("each name from 1 to %(max)d characters") % {"max": ENTRY_MAX})
    return entries


def _view(value: Any, where: str) -> str:
    if value not in ReceivingView.values:
        raise _fail(where, _("one of %(values)s") % {"values": ", ".join(ReceivingView.values)})
    return str(value)


def _profile(item: Any, where: str) -> ProfileData:
    if not isinstance(item, dict):
        raise _fail(where, _("a mapping"))
    country = str(item.get("country", "")).upper()
    if len(country) != 2 or not country.isalpha():
        raise _fail(f"{where}.country", _("a two-letter country code"))
    name = str(item.get("name", "")).strip()
    risks = str(item.get("known_risks", "")).strip()
    if not name or len(name) > NAME_MAX:
        raise _fail(f"{where}.name", _("from 1 to %(max)d characters") % {"max": NAME_MAX})
    if not risks or len(risks) > RISKS_MAX:
        raise _fail(f"{where}.known_risks", _("from 1 to %(max)d characters") % {"max": RISKS_MAX})
    reviewed = item.get("last_reviewed_on")
    if not isinstance(reviewed, date):
        raise _fail(f"{where}.last_reviewed_on", _("a date (YYYY-MM-DD)"))
    return ProfileData(
        country=country,
        name=name,
        partner_organisations=_entries(
            item.get("partner_organisations", []), f"{where}.partner_organisations"
        ),
        focal_points=_entries(item.get("focal_points", []), f"{where}.focal_points"),
        known_risks=risks,
        willingness=_view(item.get("willingness"), f"{where}.willingness"),
        capacity=_view(item.get("capacity"), f"{where}.capacity"),
        last_reviewed_on=reviewed,
    )


def parse_text(text: str) -> ProfilesFile:
    """The file's version and profiles; ``ProfileFileInvalid`` naming the first problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise _fail("file", _("not valid YAML")) from None
    if not isinstance(data, dict):
        raise _fail("file", _("a mapping with version and profiles"))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail("version", _("a whole number from 1"))
    items = data.get("profiles")
    if not isinstance(items, list) or not items:
        raise _fail("profiles", _("a list of profiles"))
    profiles = [_profile(item, f"profiles.{index}") for index, item in enumerate(items)]
    countries = [profile.country for profile in profiles]
    if len(set(countries)) != len(countries):
        raise _fail("profiles", _("each country once"))
    return ProfilesFile(version=version, profiles=profiles)
