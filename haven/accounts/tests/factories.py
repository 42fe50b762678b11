"""Organisations and users for tests. Passwords are fixed test values."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Organisation, OrgType, Role, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    org_type = OrgType.NGO
    country = "FI"
    region = "Uusimaa"


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation  # type: ignore[misc]
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


def make_user(*, org_type: str = OrgType.NGO, role: str = Role.CASEWORKER, **kwargs: Any) -> User:
    """A user in a fresh organisation of the given type."""
    org = kwargs.pop("organisation", None) or OrganisationFactory(org_type=org_type)
    user: User = UserFactory(organisation=org, role=role, **kwargs)
    return user


def confirmed_totp(user: User) -> TOTPDevice:
    """A confirmed TOTP device; ``totp_now(device)`` gives a valid code."""
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def totp_now(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
