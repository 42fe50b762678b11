"""Which roles handle personal data, and so need MFA; when demo accounts may skip it."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from haven.accounts import policy
from haven.accounts.models import Role
from haven.accounts.tests.factories import UserFactory

NEEDS_MFA: dict[str, bool] = {
    Role.CASEWORKER: True,
    Role.SUPERVISOR: True,
    Role.ORG_ADMIN: True,  # sees staff data
    Role.SYSTEM_ADMIN: True,
    Role.RAPPORTEUR: False,  # aggregates only
}


def test_it_has_an_mfa_answer_for_every_role() -> None:
    assert set(NEEDS_MFA) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_it_requires_mfa_for_every_role_that_sees_personal_data(role: str) -> None:
    assert policy.role_needs_mfa(role) is NEEDS_MFA[role]


def test_it_gives_case_data_only_to_caseworkers_and_supervisors() -> None:
    assert {Role.CASEWORKER, Role.SUPERVISOR} == policy.CASE_ROLES


@pytest.mark.parametrize(
    ("demo_mode", "is_demo", "needs"),
    [(False, False, True), (False, True, True), (True, False, True), (True, True, False)],
)
def test_it_lets_only_demo_accounts_in_demo_mode_skip_mfa(
    settings: Settings, demo_mode: bool, is_demo: bool, needs: bool
) -> None:
    # given
    settings.DEMO_MODE = demo_mode
    user = UserFactory.build(role=Role.CASEWORKER, is_demo=is_demo)

    # then
    assert policy.user_may_skip_mfa(user) is not needs
    assert policy.user_needs_mfa(user) is needs


def test_it_never_asks_the_rapporteur_for_mfa(settings: Settings) -> None:
    # given
    settings.DEMO_MODE = False
    user = UserFactory.build(role=Role.RAPPORTEUR)

    # then
    assert not policy.user_needs_mfa(user)
