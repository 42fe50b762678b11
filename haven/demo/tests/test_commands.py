"""``haven demo-accounts`` and ``haven seed_demo``."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

from haven.access.models import Agreement, Consent
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.cases.models import Case
from haven.demo.services import DUPLICATE_CASES
from haven.identification.models import IndicatorSet, Screening

KEYS = {"username", "password", "organisation", "org_type", "role", "country"}


def _run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _demo_accounts_json() -> list[dict[str, str]]:
    body: list[dict[str, str]] = json.loads(_run("demo-accounts", "--json"))
    return body


def test_it_prints_the_demo_accounts_as_json_with_slugs() -> None:
    # when
    accounts = _demo_accounts_json()

    # then
    assert accounts
    assert all(set(account) == KEYS for account in accounts)
    assert {a["org_type"] for a in accounts} <= set(OrgType.values)
    assert {a["role"] for a in accounts} == set(Role.values)
    assert {a["country"] for a in accounts} == {"FI", "EE"}
    assert {"ngo", "social_services", "police"} <= {a["org_type"] for a in accounts}


def test_it_prints_the_demo_accounts_as_a_table() -> None:
    # when
    table = _run("demo-accounts")

    # then
    assert all(a["username"] in table for a in _demo_accounts_json())
    assert "password" in table.splitlines()[0]


@pytest.fixture
def demo_mode(settings: Settings) -> Settings:
    settings.DEMO_MODE = True
    return settings


@pytest.mark.django_db
def test_it_seeds_exactly_the_printed_accounts_and_their_passwords_work(demo_mode: Any) -> None:
    # when
    output = _run("seed_demo", "--cases", "3")

    # then
    printed = _demo_accounts_json()
    assert {u.username for u in User.objects.all()} == {a["username"] for a in printed}
    for account in printed:
        user = User.objects.select_related("organisation").get(username=account["username"])
        assert user.check_password(account["password"])
        assert user.is_demo
        assert user.role == account["role"]
        assert user.organisation is not None
        assert user.organisation.name == account["organisation"]
        assert user.organisation.org_type == account["org_type"]
        assert user.organisation.country == account["country"]
        assert account["username"] in output
    assert Case.objects.count() == 3 + DUPLICATE_CASES


@pytest.mark.django_db
def test_it_changes_nothing_when_demo_data_is_already_present(demo_mode: Any) -> None:
    # given
    _run("seed_demo", "--cases", "2")
    agreements, consents = Agreement.objects.count(), Consent.objects.count()

    # when
    output = _run("seed_demo", "--cases", "2")

    # then
    assert "already present" in output
    assert Case.objects.count() == 2 + DUPLICATE_CASES
    assert Organisation.objects.count() == 2 * len(OrgType.values)
    assert agreements and Agreement.objects.count() == agreements
    assert Consent.objects.count() == consents


@pytest.mark.django_db
def test_it_seeds_with_the_indicator_sets_already_loaded_by_hand(demo_mode: Any) -> None:
    # given
    _run("indicators", "load", "--shipped")
    versions = set(IndicatorSet.objects.values_list("key", "version"))

    # when
    _run("seed_demo", "--cases", "14")

    # then the sets are unchanged, and the cases are screened with them
    assert set(IndicatorSet.objects.values_list("key", "version")) == versions
    assert Case.objects.count() == 14 + DUPLICATE_CASES
    assert Screening.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("demo", "debug", "allowed"), [(True, False, True), (False, True, True), (False, False, False)]
)
def test_it_seeds_public_passwords_only_in_demo_or_debug_mode(
    settings: Settings, demo: bool, debug: bool, allowed: bool
) -> None:
    # given
    settings.DEMO_MODE = demo
    settings.DEBUG = debug

    # when
    if allowed:
        _run("seed_demo", "--cases", "0")
    else:
        with pytest.raises(CommandError):
            _run("seed_demo", "--cases", "0")

    # then
    assert User.objects.filter(is_demo=True).exists() is allowed
