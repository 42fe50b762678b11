"""The sharing policy's own tables: the case team, the person's consents,
cooperation agreements (MoUs) and break-glass grants. All are read by
``haven.access.policy.decide``; all are written through ``haven.access.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.access.states import AgreementState
from haven.vault import services as vault

# Binds a break-glass justification's ciphertext to its field (vault.encrypt's context).
JUSTIFICATION_CONTEXT = "break_glass.justification"


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

    # No single-column indexes on the two keys: ``team_member_once`` (case, organisation)
    # and ``team_org_case_idx`` (organisation, case) lead with each of them. A third index
    # on the organisation alone made SQLite count an organisation's led cases through it,
    # reading every membership row (13 ms at 20,000) instead of the partial index (3 ms).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="team", db_index=False
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="case_memberships",
        db_index=False,
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
        indexes = [
            models.Index(fields=["organisation", "case"], name="team_org_case_idx"),
            # The cases an organisation leads (the home page's "my cases"), counted
            # and walked without reading the memberships themselves.
            models.Index(
                fields=["organisation", "case"],
                condition=models.Q(is_lead=True),
                name="team_lead_org_case_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} on {self.case_id}"


class GivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("The child's guardian or representative")  # with the child's views


class Consent(models.Model):
    """The person's consent to share field groups with a recipient (one
    organisation, or every organisation of a type) for one purpose. Withdrawal
    takes effect on the next request: ``decide`` reads only live consents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_org_type = models.CharField(max_length=40, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    field_groups = models.JSONField()  # FieldGroup values
    given_on = models.DateField()
    given_by = models.CharField(max_length=20, choices=GivenBy.choices, default=GivenBy.PERSON)
    language = models.CharField(max_length=10)  # the language the information was given in
    information_given = models.TextField()  # what the person was told before agreeing
    # A child's own views, recorded beside the guardian's decision (under the person's key).
    child_views_enc = models.BinaryField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient_organisation__isnull=False, recipient_org_type="")
                    | models.Q(recipient_organisation__isnull=True)
                    & ~models.Q(recipient_org_type="")
                ),
                name="consent_one_recipient",
            ),
        ]
        indexes = [models.Index(fields=["case", "withdrawn_at"], name="consent_case_idx")]

    def __str__(self) -> str:
        return f"consent {self.id}"


class LegalBasis(models.Model):
    """A law that lets data flow without the person's consent, kept as data by
    the national coordinator of a country, with its citation (GDPR Art. 6 and 9,
    national law). Agreements choose from this list, never free text (R-47)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2, upper case
    title = models.CharField(max_length=200)  # short name, as reasons show it
    citation = models.CharField(max_length=300)  # the provisions, e.g. "Act X, s. 6"
    # Whether it lets location or health reach police, border guards or migration
    # authorities: the most dangerous flows need a law that says so.
    allows_location_health_to_enforcement = models.BooleanField(default=False)
    active = models.BooleanField(default=True)  # inactive: no new agreement may name it
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["country", "title"]
        constraints = [
            models.UniqueConstraint(fields=["country", "title"], name="legal_basis_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.citation})"


class ChildViews(models.Model):
    """A child's own views on sharing, heard while no guardian or representative
    is appointed (R-11, R-25). Never a consent: ``decide`` does not read it and
    nothing flows on it. It names what the child was asked about (a recipient, a
    purpose, kinds of information), so the guardian can weigh it once appointed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="child_views")
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_org_type = models.CharField(max_length=40, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    field_groups = models.JSONField()  # FieldGroup values
    heard_on = models.DateField()
    language = models.CharField(max_length=10)  # the language the child was heard in
    information_given = models.TextField()  # what the child was told
    # The child's words, under the person's key (as a consent's child views).
    views_enc = models.BinaryField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-heard_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient_organisation__isnull=False, recipient_org_type="")
                    | models.Q(recipient_organisation__isnull=True)
                    & ~models.Q(recipient_org_type="")
                ),
                name="child_views_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"child views {self.id}"


class Agreement(models.Model):
    """A cooperation agreement (MoU) between organisations, or organisation
    types in a country, recorded as enforceable data (R-47). It takes effect
    only when every party approved it; its terms never change after it is
    proposed (a change is a new proposal that supersedes it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    document_reference = models.CharField(max_length=200)  # where the signed document is
    # The basis in words, as reasons show it: the listed basis's citation for
    # new agreements; free text kept as it was for agreements recorded before the list.
    legal_basis = models.CharField(max_length=300, blank=True)
    listed_legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements"
    )
    state = models.CharField(
        max_length=20, choices=AgreementState.choices, default=AgreementState.PROPOSED
    )
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(blank=True)  # the refusing party's words, no personal data
    # False only where the law lets data flow without the person's consent; the
    # decision's reason then names this legal basis.
    consent_required = models.BooleanField(default=True)
    valid_from = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # the first day it no longer applies
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("valid_from")),
                # ends_on == valid_from: cancelled before it ever applied.
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_required=True) | ~models.Q(legal_basis=""),
                name="agreement_without_consent_names_legal_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgreementParty(models.Model):
    """A signatory: one organisation, or every organisation of a type in a country."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    org_type = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, blank=True)
    # The party's approval: by an administrator of the organisation, or for a
    # type of organisation by the national coordinator of the country.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, org_type="")
                    | models.Q(organisation__isnull=True) & ~models.Q(org_type="")
                ),
                name="party_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"party of {self.agreement_id}"


class AgreementFlow(models.Model):
    """A data-sharing clause: these field groups may flow, for these purposes,
    from the case lead (a party) to this recipient."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="flows")
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_org_type = models.CharField(max_length=40, blank=True)
    recipient_country = models.CharField(max_length=2, blank=True)
    purposes = models.JSONField()  # Purpose values
    field_groups = models.JSONField()  # FieldGroup values

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient_organisation__isnull=False, recipient_org_type="")
                    | models.Q(recipient_organisation__isnull=True)
                    & ~models.Q(recipient_org_type="")
                ),
                name="flow_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"flow of {self.agreement_id}"


class BreakGlassReason(models.TextChoices):
    """Why emergency access is needed: chosen from a list, explained in free text."""

    IMMEDIATE_DANGER = "immediate_danger", _("The person is in immediate danger")
    MEDICAL_EMERGENCY = "medical_emergency", _("Medical emergency")
    PERSON_MISSING = "person_missing", _("The person is missing")
    LEAD_UNREACHABLE = (
        "lead_unreachable",
        _("An urgent decision is needed and the case lead cannot be reached"),
    )
    OTHER = "other", _("Another emergency (explained below)")


class BreakGlass(models.Model):
    """Emergency access by one user outside the permitted flow: a reason from the
    list and a typed justification, time-boxed, reported to the case lead and the
    national coordinator at once, reviewed by a supervisor."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=BreakGlassReason.choices)
    # Staff's words about the emergency, shown to reviewers: they may describe the
    # person, so they are sealed under the person's data key and die with it.
    justification_enc = models.BinaryField(null=True)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["case", "user", "expires_at"], name="break_glass_idx")]

    def __str__(self) -> str:
        return f"break-glass {self.id}"

    @property
    def justification(self) -> str:
        """The typed justification; empty once the person's data was erased."""
        key = self.case.person.data_key
        if key.destroyed_at is not None:
            return ""
        return vault.decrypt_optional(
            key=key, ciphertext=self.justification_enc, context=JUSTIFICATION_CONTEXT
        )
