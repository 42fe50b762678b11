"""Organisations and users for tests. Passwords are fixed test values."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory import declarations

from haven.accounts.models import Organisation, OrgType, Role, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = declarations.Sequence(lambda n: f"Organisation {n}")
    org_type = OrgType.NGO
    country = "FI"
    region = "Uusimaa"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = declarations.Sequence(lambda n: f"user{n}")
    organisation = declarations.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER
    password = factory.django.Password(PASSWORD)


def make_user(*, org_type: str = OrgType.NGO, role: str = Role.CASEWORKER, **kwargs: Any) -> User:
    """A user in a fresh organisation of the given type."""
    org = kwargs.pop("organisation", None) or OrganisationFactory.create(org_type=org_type)
    return UserFactory.create(organisation=org, role=role, **kwargs)


def confirmed_totp(user: User) -> TOTPDevice:
    """A confirmed TOTP device; ``totp_now(device)`` gives a valid code."""
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def totp_now(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"
