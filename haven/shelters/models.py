"""Safe accommodation: places, their rooms and beds, beds out of service,
placements of people, and group placement plans for an incident.

A place's address and coordinates are ``location`` data: they are read only
through ``haven.shelters.selectors`` (the place's own staff, or a reader of a
case's ``location`` group for the place the person lives in), never shown on a
list, never exported and never counted by statistics.

A placement request to a shelter travels as a referral (``referrals.Referral``,
type ``accommodation``): the person's consent and the cooperation agreements
decide which field groups the shelter reads once it accepts, exactly as for any
other referral, and the shelter joins the case team through it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.lib.locking import version_field


class PlaceKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    SUPPORTED_HOUSING = "supported_housing", _("Supported housing")
    CHILDREN = "children", _("Children's unit")
    EMERGENCY = "emergency", _("Emergency accommodation")
    OTHER = "other", _("Other accommodation")


class SecurityLevel(models.IntegerChoices):
    BASIC = 1, _("1 — basic (staffed, locked entrance)")
    RAISED = 2, _("2 — raised (secret address, alarm, staff around the clock)")
    HIGH = 3, _("3 — high (protected address, security staff, police link)")


class Place(models.Model):
    """A place where people can stay, run by an organisation (a shelter or another
    accommodation provider)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="places"
    )
    name = models.CharField(max_length=200)  # never the street address
    kind = models.CharField(max_length=30, choices=PlaceKind.choices, default=PlaceKind.SHELTER)
    region = models.CharField(max_length=100)  # the region's name, as in the directory
    accepts = models.JSONField(default=list)  # haven.shelters.rules.Accepts values
    wheelchair_access = models.BooleanField(default=False)
    disability_access = models.BooleanField(default=False)
    security_level = models.PositiveSmallIntegerField(
        choices=SecurityLevel.choices, default=SecurityLevel.BASIC
    )
    languages = models.JSONField(default=list)  # ISO 639-1 codes spoken by the staff
    staffed_hours = models.CharField(max_length=200, blank=True)
    emergency_contact = models.CharField(max_length=200, blank=True)  # the place's own line
    # location group: never on a list, never exported, never counted
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = version_field()

    class Meta:
        ordering = ["region", "name", "id"]
        indexes = [models.Index(fields=["organisation", "name"], name="place_org_name_idx")]

    def __str__(self) -> str:
        return f"place {self.pk}"


class Room(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="room_name_once")]

    def __str__(self) -> str:
        return f"room {self.pk}"


class Bed(models.Model):
    """A bed: it counts from ``created_at`` until ``retired_at``."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="beds")
    label = models.CharField(max_length=50)
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["label", "id"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="bed_label_once")]

    def __str__(self) -> str:
        return f"bed {self.pk}"


class OutageReason(models.TextChoices):
    REPAIR = "repair", _("Repair or cleaning")
    STAFFING = "staffing", _("Not enough staff")
    SAFETY = "safety", _("Safety")
    OTHER = "other", _("Other")


class BedOutage(models.Model):
    """A bed out of service from ``starts_at`` until ``ends_at`` (open: still out)."""

    bed = models.ForeignKey(Bed, on_delete=models.CASCADE, related_name="outages")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=OutageReason.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "id"]
        indexes = [models.Index(fields=["bed", "ends_at"], name="outage_bed_open_idx")]

    def __str__(self) -> str:
        return f"bed outage {self.pk}"


class Occupant(models.TextChoices):
    """Who a placement puts in a place, as the hard rules need it (set when the
    placement is proposed, from the case read through the gate): so that the rules
    can be checked later without reading anyone's personal data again."""

    ADULT = "adult", _("Adult")
    CHILD_WITH_FAMILY = "child_with_family", _("Child with their family")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")


class PlacementState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # asked of the shelter; a bed is held
    ACCEPTED = "accepted", _("Accepted")  # the shelter said yes; a bed is held
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STARTED = "started", _("Living there")
    ENDED = "ended", _("Ended")


# The states in which a placement holds a bed.
HOLDING = (PlacementState.PROPOSED, PlacementState.ACCEPTED, PlacementState.STARTED)


class EndReason(models.TextChoices):
    MOVED_ON = "moved_on", _("Moved on to own or other housing")
    TRANSFERRED = "transferred", _("Transferred to another place")
    RETURNED = "returned", _("Returned to the country of origin")
    LEFT = "left", _("Left of their own choice")
    SAFETY = "safety", _("Moved for safety")
    OTHER = "other", _("Other")


class GroupPlan(models.Model):
    """The coordinator's placement plan for the people of one incident: solved,
    adjusted by hand, then sent (each assignment becomes a placement request)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to the shelters")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        "cases.Incident", on_delete=models.CASCADE, related_name="placement_plans"
    )
    country = models.CharField(max_length=2)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # the region of the place of danger (its centre is used, never an address)
    danger_region = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    solved_at = models.DateTimeField(null=True, blank=True)
    optimal = models.BooleanField(default=False)
    soft_cost = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    version = version_field()

    def __str__(self) -> str:
        return f"placement plan {self.pk}"


class GroupPlanPerson(models.Model):
    """One person of a plan: their family label and needs as the coordinator
    entered them, and where the plan puts them (None: not placed, with why)."""

    plan = models.ForeignKey(GroupPlan, on_delete=models.CASCADE, related_name="people")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=20, blank=True)  # same label: one family
    risk_level = models.PositiveSmallIntegerField(default=1)
    needs_wheelchair_access = models.BooleanField(default=False)
    needs_disability_access = models.BooleanField(default=False)
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unplaced_reason = models.CharField(max_length=300, blank=True)
    # the person's soft cost at that place when solved or moved there (0: not placed);
    # the plan's soft cost is their sum, kept without reading every person again
    soft_cost = models.PositiveIntegerField(default=0)
    # the person agreed to the placement (asked before the plan is sent)
    person_agreed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["family", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "case"], name="plan_person_once"),
        ]

    def __str__(self) -> str:
        return f"plan person {self.pk}"


class Placement(models.Model):
    """One person's stay at a place: proposed → accepted by the shelter → started →
    ended (or declined / withdrawn). The request to the shelter is a referral."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="placements")
    bed = models.ForeignKey(
        Bed, on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement",
    )
    plan = models.ForeignKey(
        GroupPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements"
    )
    state = models.CharField(
        max_length=20, choices=PlacementState.choices, default=PlacementState.PROPOSED
    )
    occupant = models.CharField(max_length=20, choices=Occupant.choices)
    # the person agreed to be placed there (the date they said so)
    person_agreed_on = models.DateField()
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    version = version_field()

    class Meta:
        ordering = ["-proposed_at", "id"]
        indexes = [
            models.Index(fields=["place", "state"], name="placement_place_state_idx"),
            models.Index(fields=["case", "state"], name="placement_case_state_idx"),
        ]

    def __str__(self) -> str:
        return f"placement {self.pk}"
