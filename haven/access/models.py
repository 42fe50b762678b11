"""The sharing policy's own tables. This issue: the case team.

Consents and agreements (MoUs) will live here too, as further tables read by
``haven.access.policy.decide``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldGroup(models.TextChoices):
    IDENTITY = "identity", _("Identity")  # names, aliases, date of birth, sex, gender, citizenship
    CONTACT = "contact", _("Contact")  # phone, e-mail, messaging
    LOCATION = "location", _("Location")  # current address, shelter: the most dangerous to leak
    NARRATIVE = "narrative", _("Narrative")  # the person's story, told once
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal")  # identification decisions and their reasons, permits
    ASSESSMENT = "assessment", _("Assessment")  # forms of exploitation, age assessment
    SERVICES = "services", _("Services")  # assistance delivered
    STATISTICAL = "statistical", _("Statistical")  # age band, sex, citizenship: non-identifying


class Purpose(models.TextChoices):
    ASSISTANCE = "assistance", _("assistance")
    IDENTIFICATION = "identification", _("identification")
    INVESTIGATION = "investigation", _("investigation")
    STATISTICS = "statistics", _("statistics")
    RETURN = "return", _("return")


class TeamMembership(models.Model):
    """An organisation on a case team. Exactly one member is the case lead."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="team")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="case_memberships"
    )
    is_lead = models.BooleanField(default=False)
    joined_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(is_lead=True), name="team_one_lead"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "case"], name="team_org_case_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} on {self.case_id}"
