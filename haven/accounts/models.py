"""Organisations and their users, each with one role."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    NGO = "ngo", _("NGO")  # civil-society support organisation
    SOCIAL_SERVICES = "social_services", _("Social services")  # municipal social work
    POLICE = "police", _("Police")
    BORDER_GUARD = "border_guard", _("Border guard")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
    SHELTER = "shelter", _("Shelter")  # safe accommodation provider
    HEALTH = "health", _("Health service")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    MIGRATION_AUTHORITY = "migration_authority", _("Migration authority")
    GUARDIAN_SERVICE = "guardian_service", _("Guardian service")  # guardians of children
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    RAPPORTEUR = "rapporteur", _("National Rapporteur")  # statistics only
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")  # works cases of their organisation
    SUPERVISOR = "supervisor", _("Supervisor")  # caseworker who also reviews and escalates
    ORG_ADMIN = "org_admin", _("Organisation administrator")  # manages staff, no case data
    RAPPORTEUR = "rapporteur", _("Rapporteur")  # aggregate statistics only
    SYSTEM_ADMIN = "system_admin", _("System administrator")  # runs the platform, no case data


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    org_type = models.CharField(_("type"), max_length=40, choices=OrgType.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=models.Q(org_type__in=OrgType.values), name="organisation_valid_type"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person working in one organisation, with one role there."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Demo accounts may skip MFA, and only while HAVEN_DEMO_MODE is on.
    is_demo = models.BooleanField(default=False)
    # The language Haven speaks to them once signed in (one of settings.LANGUAGES);
    # empty: the language switch's choice, else the browser's.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_valid_role"
            ),
        ]

    def __str__(self) -> str:
        return self.username


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 digest is stored.

    A revoked token stays (who held one, and when it ended, is worth keeping) but
    authenticates nothing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.user_id}"


class RateCount(models.Model):
    """Attempts from one client in one fixed window, for one limit (``scope``).

    The client is kept only as a keyed hash. Counting in the database (an atomic
    increment) makes every server process share one count.
    """

    scope = models.CharField(max_length=30)
    client = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "client", "window_start"], name="rate_count_one_per_window"
            ),
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_count_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%H:%M:%S}: {self.hits}"
