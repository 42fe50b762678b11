"""Cooperation between organisations (R-12, R-13, R-47, R-48, R-50; CBSS 2014
Panel 1): the service directory, referrals and the transfer of lead
responsibility, the national coordination desk (consultations and the public
"report a concern" door), and cross-border referral packages between the
focal points of Haven instances of different states.

Team membership itself stays the access app's table: an accepted referral
joins the team through ``haven.access.services``, and a lead transfer moves
the one lead through it too.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The states and actions of the two machines live with their tables;
# re-exported here, where the models that store them are.
from haven.lib import locking
from haven.referrals.states import AccessRequestState as AccessRequestState
from haven.referrals.states import LeadTransferState as LeadTransferState
from haven.referrals.states import ReferralAction
from haven.referrals.states import ReferralState as ReferralState

# --- service directory -------------------------------------------------------------------


class TargetGroup(models.TextChoices):
    MEN = "men", _("Men")
    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children")
    FAMILIES = "families", _("Families")
    TRANSGENDER = "transgender", _("Transgender people")
    LARGE_GROUPS = "large_groups", _("Large groups")


class DirectoryEntry(models.Model):
    """One service an organisation offers (type from the assistance catalogue).
    Organisation data, not personal data: kept current by the organisation's
    admin; an entry not confirmed for HAVEN_DIRECTORY_STALE_DAYS is stale."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_entries"
    )
    service_type = models.CharField(max_length=30)  # haven.assistance.catalogue.ServiceType
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    region = models.CharField(max_length=100, blank=True)  # blank: the whole country
    languages = models.JSONField(default=list)  # language codes (e.g. "en", "ru")
    target_groups = models.JSONField(default=list)  # TargetGroup values
    hours = models.CharField(max_length=200, blank=True)
    # The service's own emergency line, never a person's.
    emergency_contact = models.CharField(max_length=200, blank=True)
    capacity_notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    confirmed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    version = locking.version_field()  # every edit moves it on (optimistic locking)

    class Meta:
        ordering = ["organisation__name", "title"]
        indexes = [
            models.Index(fields=["service_type", "active"], name="directory_type_idx"),
        ]

    def __str__(self) -> str:
        return self.title


# --- referrals -----------------------------------------------------------------------------


OPEN_REFERRAL_STATES = (ReferralState.SENT, ReferralState.INFO_REQUESTED)


class Referral(models.Model):
    """A case member refers the person to another organisation for a purpose and
    chosen field groups, within consent and agreements (R-47). Accepting joins the
    receiver to the case team. ``message_enc`` is what the sender tells the
    receiver to decide, under the person's data key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    directory_entry = models.ForeignKey(
        DirectoryEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referral_type = models.CharField(max_length=40)  # a key of the response-target file
    purpose = models.CharField(max_length=20)  # haven.access.models.Purpose
    field_groups = models.JSONField()  # FieldGroup values the receiver will read once accepted
    urgent = models.BooleanField(default=False)
    message_enc = models.BinaryField()
    state = models.CharField(
        max_length=20, choices=ReferralState.choices, default=ReferralState.SENT
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()  # the response target
    answered_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["to_organisation", "state", "sent_at"], name="referral_in_idx"),
            models.Index(fields=["from_organisation", "state", "sent_at"], name="referral_out_idx"),
            models.Index(fields=["state", "due_at"], name="referral_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ReferralState.values), name="referral_state_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class ReferralEvent(models.Model):
    """What happened to a referral, in order: sent, info asked and given,
    accepted, declined (with a reason), withdrawn. Append-only."""

    Action = ReferralAction  # the state machine's actions (haven.referrals.states)

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(max_length=30, blank=True)  # DeclineReason
    note_enc = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"referral event {self.pk}"


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity now")
    NOT_OUR_SERVICE = "not_our_service", _("We do not offer this service")
    OUTSIDE_AREA = "outside_area", _("Outside our area")
    TARGET_GROUP = "target_group", _("Outside the groups we serve")
    OTHER = "other", _("Other (explained in the note)")


class LeadTransfer(models.Model):
    """Handing main responsibility for a case to another team member: proposed by
    the lead, accepted by the receiver. A case always has exactly one lead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="lead_transfers")
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=LeadTransferState.choices, default=LeadTransferState.PROPOSED
    )
    reason_enc = models.BinaryField()
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_note_enc = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="proposed"),
                name="lead_transfer_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"lead transfer {self.pk}"


# --- the national coordination desk ----------------------------------------------------------


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    PUBLIC_FORM = "public_form", _("Public report form")


class Consultation(models.Model):
    """A practitioner asks the national coordinator for advice (CBSS 2014 P1:
    national coordinating function). Anonymous (no case, no personal data: the
    question and advice are about a situation) or linked to a case, whose
    details then stay in the case. Advice and question are encrypted all the
    same: they may describe a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coordinator_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    caller_org_type = models.CharField(max_length=40, blank=True)  # OrgType, or blank
    caller_organisation_name = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=40)  # ConsultationTopic
    question_enc = models.BinaryField()
    advice_enc = models.BinaryField()
    routed_to = models.ManyToManyField("accounts.Organisation", blank=True, related_name="+")
    # An anonymous consultation's own key (crypto-shredding without a person); null when
    # it was logged against a case, whose person's key then seals the texts.
    data_key = models.OneToOneField(
        "vault.DataKey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"consultation {self.pk}"


class ConsultationTopic(models.TextChoices):
    IDENTIFICATION = "identification", _("Is this trafficking? (identification)")
    REFERRAL = "referral", _("Where to refer")
    ACCOMMODATION = "accommodation", _("Safe accommodation")
    CHILD = "child", _("A child")
    LEGAL = "legal", _("Legal questions")
    CROSS_BORDER = "cross_border", _("Cross-border case")
    OTHER = "other", _("Other")


class ConcernReportState(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged: advice or routing recorded")
    CASE_OPENED = "case_opened", _("A case was opened")
    CLOSED = "closed", _("Closed without action")


class ReporterSector(models.TextChoices):
    """Who reports through the public page, if they say (CBSS 2014 P1: less
    traditional actors)."""

    PRIVATE_SECTOR = "private_sector", _("Private business")
    TRAVEL_TRANSPORT = "travel_transport", _("Travel or transport")
    HOSPITALITY = "hospitality", _("Hotels, restaurants or hospitality")
    RELIGIOUS_COMMUNITY = "religious_community", _("Religious community")
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class ConcernCloseReason(models.TextChoices):
    NOT_TRAFFICKING = "not_trafficking", _("Not a trafficking situation")
    DUPLICATE = "duplicate", _("Already reported or known")
    NOT_ENOUGH_INFORMATION = "not_enough_information", _("Not enough to act on")
    ABUSE = "abuse", _("Not a real report (test, spam or abuse)")
    OTHER = "other", _("Other")


class ConcernReport(models.Model):
    """A concern reported through the public page (no sign-in): the door for
    private-sector, travel, religious and other less traditional actors. The
    reporter's own details are never required. The description is encrypted
    under a desk key: it may describe a person before any case exists."""

    # The report's own key is destroyed when a person of a case opened from it is
    # erased, or when retention ends it (``haven.referrals.services.retention``).

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True)  # told to the reporter
    reporter_sector = models.CharField(max_length=40, blank=True)
    # The country whose national coordinators read it; blank (not said, or before
    # countries were asked) is read by every national coordinator.
    country = models.CharField(max_length=2, blank=True, default="")
    # Where, in the reporter's words: it may point at the person, so it is sealed
    # under the report's key like the description (destroyed when the person is
    # erased or the report's retention period ends).
    region_enc = models.BinaryField(null=True, blank=True)
    description_enc = models.BinaryField()
    contact_enc = models.BinaryField(null=True, blank=True)  # optional, the reporter's choice
    data_key = models.OneToOneField("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    state = models.CharField(
        max_length=20, choices=ConcernReportState.choices, default=ConcernReportState.NEW
    )
    consultation = models.OneToOneField(
        Consultation, on_delete=models.SET_NULL, null=True, blank=True, related_name="report"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=30, blank=True)  # ConcernCloseReason
    # Rate limiting across processes: a keyed HMAC (vault blind index) of the client
    # address, never the address itself.
    source_index = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["state", "received_at"], name="concern_state_idx"),
            models.Index(fields=["source_index", "received_at"], name="concern_source_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


# --- cross-border referral packages (R-13, R-48, R-50) ------------------------------------------


class FocalPointKey(models.Model):
    """A focal point's public keys: this instance's own (with the private keys in
    the environment, never here) and those of partner focal points in other
    states, exchanged out of band and checked by fingerprint."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    focal_point_id = models.CharField(max_length=100, unique=True)  # stable id in packages
    encryption_public_key = models.CharField(max_length=100)  # X25519, base64
    signing_public_key = models.CharField(max_length=100)  # Ed25519, base64
    is_own = models.BooleanField(default=False)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["country", "organisation_name"]

    def __str__(self) -> str:
        return self.focal_point_id


class CrossBorderTransfer(models.Model):
    """A referral package sent to or received from another state's focal point,
    and its acknowledgement. Only ids, dates and the stage: the package's
    personal content lives in the case it came from or created."""

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Sent")
        INCOMING = "incoming", _("Received")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    package_id = models.UUIDField(unique=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(FocalPointKey, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=40)  # TRM stage
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)  # missing acknowledgement

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.package_id)


# --- requests for access (issue 11) --------------------------------------------------------


class AccessRequest(models.Model):
    """A team member asks the case lead for kinds of information hidden from it
    (R-47): the lead grants by recording the person's consent (which closes the
    request and its task), or refuses with a reason. The reasons are encrypted
    under the person's data key; the rest is not personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )  # the organisation that asks
    lead_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )  # the case lead asked, when the request was made
    purpose = models.CharField(max_length=20)  # haven.access.models.Purpose
    field_groups = models.JSONField()  # FieldGroup values asked for
    reason_enc = models.BinaryField()
    state = models.CharField(
        max_length=20, choices=AccessRequestState.choices, default=AccessRequestState.OPEN
    )
    asked_at = models.DateTimeField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_id = models.UUIDField(null=True, blank=True)  # the consent that granted it
    refusal_enc = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["case", "state"], name="access_request_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=AccessRequestState.values),
                name="access_request_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"access request {self.pk}"
