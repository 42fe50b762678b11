"""R-31: country return profiles are data (architecture: configuration is data),
loaded from a versioned file and kept by the national coordinator; a profile not
reviewed for more than 12 months is flagged stale."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.lib.errors import EditConflict, HavenError
from haven.returns import errors, profiles, schedule, selectors, services
from haven.returns.models import CountryProfile

pytestmark = pytest.mark.django_db

FILE = """
version: {version}
profiles:
  - country: ua
    name: Ukraine
    partner_organisations: ["Nadiya Reintegration Network"]
    focal_points: ["Ministry focal point"]
    known_risks: Re-recruitment online.
    willingness: adequate
    capacity: limited
    last_reviewed_on: 2026-05-12
"""


def edit(**overrides: Any) -> services.ProfileInput:
    fields: dict[str, Any] = {
        "name": "Ukraine",
        "partner_organisations": ["Nadiya Reintegration Network", "Lviv Women's Support Centre"],
        "focal_points": ["Ministry of Social Policy, focal point"],
        "known_risks": "Re-recruitment online; war-related poverty.",
        "willingness": "adequate",
        "capacity": "limited",
        "last_reviewed_on": timezone.localdate(),
    }
    fields.update(overrides)
    return services.ProfileInput(**fields)


def test_r31_the_shipped_profiles_load_once_and_a_newer_file_replaces_them() -> None:
    # given
    first = services.country_profiles_load_shipped()
    # when
    again = services.country_profiles_load_shipped()
    older = services.country_profiles_load(text=FILE.format(version=1))
    newer = services.country_profiles_load(text=FILE.format(version=2))
    # then
    assert {row.country for row, _ in first} >= {"UA", "VN", "NG", "RO", "MD", "UZ", "TH"}
    assert {outcome for _, outcome in first} == {"created"}
    assert {outcome for _, outcome in again} == {"unchanged"}
    assert [outcome for _, outcome in older] == ["unchanged"]
    assert [outcome for _, outcome in newer] == ["updated"]
    ukraine = CountryProfile.objects.get(country="UA")
    assert (ukraine.source_version, ukraine.focal_points) == (2, ["Ministry focal point"])
    assert ukraine.version == 2
    loaded = AuditEvent.objects.filter(object_type="returns.CountryProfile")
    assert loaded.filter(action=Action.CREATE).count() == len(first)
    assert loaded.filter(action=Action.UPDATE, detail__file_version="2").count() == 1


def test_r31_the_command_loads_the_shipped_file_and_lists_it(capsys: Any) -> None:
    # when
    call_command("returns", "load", "--shipped")
    call_command("returns", "list")
    # then
    out = capsys.readouterr().out
    assert "UA created" in out
    assert "Ukraine" in out


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[not: closed", "file"),
        ("- a list", "file"),
        ("version: 0\nprofiles: []", "version"),
        ("version: 1\nprofiles: []", "profiles"),
        ("version: 1\nprofiles: [3]", "profiles.0"),
        ("version: 1\nprofiles: [{country: U1}]", "profiles.0.country"),
        ("version: 1\nprofiles: [{country: UA, name: ''}]", "profiles.0.name"),
        ("version: 1\nprofiles: [{country: UA, name: U, known_risks: ''}]", "known_risks"),
        (
            "version: 1\nprofiles: [{country: UA, name: U, known_risks: r, "
            "last_reviewed_on: soon}]",
            "last_reviewed_on",
        ),
        (
            "version: 1\nprofiles: [{country: UA, name: U, known_risks: r, "
            "last_reviewed_on: 2026-01-01, partner_organisations: x}]",
            "partner_organisations",
        ),
        (
            "version: 1\nprofiles: [{country: UA, name: U, known_risks: r, "
            "last_reviewed_on: 2026-01-01, focal_points: ['']}]",
            "focal_points",
        ),
        (
            "version: 1\nprofiles: [{country: UA, name: U, known_risks: r, "
            "last_reviewed_on: 2026-01-01, willingness: eager}]",
            "willingness",
        ),
    ],
)
def test_r31_a_malformed_profiles_file_loads_nothing(text: str, where: str) -> None:
    # when
    with pytest.raises(errors.ProfileFileInvalid) as refused:
        services.country_profiles_load(text=text)
    # then
    assert refused.value.code == "profile_file_invalid"
    assert where in refused.value.message
    assert not CountryProfile.objects.exists()


def test_r31_a_country_twice_in_one_file_loads_nothing() -> None:
    # given
    body = FILE.format(version=1)
    twice = body + body.split("profiles:\n", 1)[1]
    # when / then
    with pytest.raises(errors.ProfileFileInvalid):
        profiles.parse_text(twice)


def test_r31_only_the_national_coordinator_edits_a_profile() -> None:
    # given: the same edit by the coordinator's caseworker and by an NGO caseworker
    services.country_profiles_load_shipped()
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR)
    ngo = make_user(org_type=OrgType.NGO)
    # when
    with pytest.raises(errors.ProfilesNotAllowed) as refused:
        services.country_profile_update(actor=ngo, country="UA", profile=edit(), version=1)
    with pytest.raises(errors.ProfilesNotAllowed):
        services.country_profiles_load(text=FILE.format(version=5), actor=ngo)
    row = services.country_profile_update(
        actor=coordinator, country="ua", profile=edit(), version=1
    )
    # then
    assert refused.value.code == "profiles_not_allowed"
    assert row.last_reviewed_on == timezone.localdate()
    assert row.updated_by == coordinator
    assert row.partner_organisations[1] == "Lviv Women's Support Centre"
    event = AuditEvent.objects.get(object_type="returns.CountryProfile", action=Action.UPDATE)
    assert event.detail == {"country": "UA", "reviewed_on": timezone.localdate().isoformat()}
    # a coordinator may also load a file through the service
    assert services.country_profiles_load(text=FILE.format(version=5), actor=coordinator)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"known_risks": ""}, "known_risks"),
        ({"partner_organisations": [""]}, "partner_organisations"),
        ({"focal_points": ["x" * 201]}, "focal_points"),
        ({"willingness": "eager"}, "willingness"),
        ({"capacity": ""}, "capacity"),
        ({"last_reviewed_on": date(2020, 1, 1)}, "last_reviewed_on"),
        ({"last_reviewed_on": date(2999, 1, 1)}, "last_reviewed_on"),
    ],
)
def test_r31_a_profile_edit_is_checked_field_by_field(
    overrides: dict[str, Any], field: str
) -> None:
    # given
    services.country_profiles_load_shipped()
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR)
    # when
    with pytest.raises(HavenError) as refused:
        services.country_profile_update(
            actor=coordinator, country="UA", profile=edit(**overrides), version=1
        )
    # then
    assert (refused.value.code, refused.value.field) == ("profile_input_invalid", field)


def test_r31_a_stale_edit_or_an_unknown_country_saves_nothing() -> None:
    # given
    services.country_profiles_load_shipped()
    coordinator = make_user(org_type=OrgType.NATIONAL_COORDINATOR)
    services.country_profile_update(actor=coordinator, country="UA", profile=edit(), version=1)
    # when / then
    with pytest.raises(EditConflict):
        services.country_profile_update(
            actor=coordinator, country="UA", profile=edit(name="Ukraina"), version=1
        )
    with pytest.raises(errors.ProfileNotFound):
        services.country_profile_update(actor=coordinator, country="ZZ", profile=edit(), version=1)
    assert CountryProfile.objects.get(country="UA").name == "Ukraine"


def test_r31_a_profile_not_reviewed_for_12_months_is_flagged_stale(settings: Settings) -> None:
    # given
    services.country_profiles_load(text=FILE.format(version=1))  # reviewed 2026-05-12
    reader = make_user(org_type=OrgType.SHELTER)
    # when
    with time_machine.travel(date(2027, 5, 12), tick=False):
        current = selectors.country_profile_get(user=reader, country="ua")
    with time_machine.travel(date(2027, 5, 13), tick=False):
        stale = selectors.country_profile_list(user=reader)[0]
        settings.HAVEN_RETURN_PROFILE_REVIEW_MONTHS = 24
        again_current = selectors.country_profile_get(user=reader, country="UA")
    # then
    assert current.stale is False
    assert stale.stale is True
    assert again_current.stale is False


def test_r31_profiles_are_read_by_case_staff_only() -> None:
    # given: the same read by a caseworker and by an organisation administrator
    services.country_profiles_load_shipped()
    caseworker = make_user(org_type=OrgType.NGO)
    admin = make_user(org_type=OrgType.NGO, role=Role.ORG_ADMIN)
    # when / then
    assert selectors.country_profile_list(user=caseworker)
    with pytest.raises(errors.ProfilesNotAllowed):
        selectors.country_profile_list(user=admin)
    with pytest.raises(errors.ProfileNotFound):
        selectors.country_profile_get(user=caseworker, country="ZZ")


def test_r31_a_month_later_is_the_end_of_a_shorter_month() -> None:
    assert schedule.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert schedule.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert schedule.add_months(date(2026, 12, 7), 12) == date(2027, 12, 7)
