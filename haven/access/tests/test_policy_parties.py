"""The rules for reads by a party, outside a case's field groups: a referral's
sender and receiver, a lead transfer's two sides, the coordination desk, the
focal point opening a cross-border package, the reviewer of a break-glass use.

One world for every table: the allowed and the denied rows differ only in who
asks, so a denial cannot pass for the wrong reason. The rules take ids and
values, not rows, so no database is needed. Expected codes and reasons are
written out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from haven.access import policy
from haven.accounts.models import Organisation, OrgType, Role, User

SENDER = Organisation(name="Sender NGO", org_type=OrgType.NGO, country="FI")
RECEIVER = Organisation(name="Receiving shelter", org_type=OrgType.SHELTER, country="FI")
OUTSIDER = Organisation(name="Outside NGO", org_type=OrgType.NGO, country="FI")
COORDINATOR = Organisation(
    name="Coordinator FI", org_type=OrgType.NATIONAL_COORDINATOR, country="FI"
)
OTHER_COORDINATOR = Organisation(
    name="Second desk FI", org_type=OrgType.NATIONAL_COORDINATOR, country="FI"
)
FOREIGN_COORDINATOR = Organisation(
    name="Coordinator EE", org_type=OrgType.NATIONAL_COORDINATOR, country="EE"
)


def staff(
    organisation: Organisation | None, role: str = Role.CASEWORKER, *, active: bool = True
) -> User:
    return User(username="someone", organisation=organisation, role=role, is_active=active)


@dataclass(frozen=True)
class Row:
    who: str
    user: User
    allowed: bool
    code: str
    reason: str

    def __str__(self) -> str:
        return self.who


def check(decision: policy.Decision, row: Row) -> None:
    assert (decision.allowed, decision.code, str(decision.reason)) == (
        row.allowed,
        row.code,
        row.reason,
    )


INACTIVE = "Your account is not active in an organisation."
NO_CASE_ROLE = "Your role does not give access to case data."

# --- a referral from SENDER to RECEIVER ------------------------------------------------------

REFERRAL_ROWS = [
    Row(
        "sender caseworker",
        staff(SENDER),
        True,
        "referral_party",
        "Your organisation (Sender NGO) sent this referral.",
    ),
    Row(
        "receiver supervisor",
        staff(RECEIVER, Role.SUPERVISOR),
        True,
        "referral_party",
        "This referral was sent to your organisation (Receiving shelter).",
    ),
    Row(
        "outsider caseworker",
        staff(OUTSIDER),
        False,
        "not_referral_party",
        "Your organisation neither sent nor received this referral.",
    ),
    Row(
        "sender organisation admin",
        staff(SENDER, Role.ORG_ADMIN),
        False,
        "role_without_case_access",
        NO_CASE_ROLE,
    ),
    Row("sender inactive", staff(SENDER, active=False), False, "inactive_user", INACTIVE),
    Row("no organisation", staff(None), False, "inactive_user", INACTIVE),
]


@pytest.mark.parametrize("row", REFERRAL_ROWS, ids=str)
def test_a_referral_is_read_by_its_sender_and_receiver_only(row: Row) -> None:
    decision = policy.rule_referral_party(
        user=row.user, sender_id=SENDER.pk, receiver_id=RECEIVER.pk
    )
    check(decision, row)


# --- a lead transfer proposed by SENDER (the case lead) to RECEIVER ---------------------------

LEAD_TRANSFER_ROWS = [
    Row(
        "proposing lead",
        staff(SENDER),
        True,
        "lead_transfer_party",
        "Your organisation (Sender NGO) proposed this lead transfer.",
    ),
    Row(
        "organisation asked",
        staff(RECEIVER, Role.SUPERVISOR),
        True,
        "lead_transfer_party",
        "Your organisation (Receiving shelter) is asked to take the lead.",
    ),
    Row(
        "outsider caseworker",
        staff(OUTSIDER),
        False,
        "not_lead_transfer_party",
        "Your organisation is neither side of this lead transfer.",
    ),
    Row(
        "receiver rapporteur",
        staff(RECEIVER, Role.RAPPORTEUR),
        False,
        "role_without_case_access",
        NO_CASE_ROLE,
    ),
    Row("receiver inactive", staff(RECEIVER, active=False), False, "inactive_user", INACTIVE),
]


@pytest.mark.parametrize("row", LEAD_TRANSFER_ROWS, ids=str)
def test_a_lead_transfer_is_read_by_its_two_sides_only(row: Row) -> None:
    decision = policy.rule_lead_transfer_party(user=row.user, from_id=SENDER.pk, to_id=RECEIVER.pk)
    check(decision, row)


# --- the coordination desk: a consultation logged by COORDINATOR --------------------------------

NOT_COORDINATOR = "Only staff of the national coordinator work the coordination desk."
DESK_ROWS = [
    Row(
        "coordinator caseworker",
        staff(COORDINATOR),
        True,
        "desk_coordinator",
        "Your organisation (Coordinator FI) logged this consultation at the coordination desk.",
    ),
    Row(
        "another coordinator",
        staff(OTHER_COORDINATOR, Role.SUPERVISOR),
        False,
        "not_desk_owner",
        "Another coordinator organisation logged this consultation.",
    ),
    Row("NGO caseworker", staff(OUTSIDER), False, "not_coordinator", NOT_COORDINATOR),
    Row(
        "coordinator organisation admin",
        staff(COORDINATOR, Role.ORG_ADMIN),
        False,
        "not_coordinator",
        NOT_COORDINATOR,
    ),
    Row(
        "coordinator inactive",
        staff(COORDINATOR, active=False),
        False,
        "not_coordinator",
        NOT_COORDINATOR,
    ),
]


@pytest.mark.parametrize("row", DESK_ROWS, ids=str)
def test_a_consultation_is_read_by_the_coordinator_that_logged_it_only(row: Row) -> None:
    decision = policy.rule_desk_coordinator(user=row.user, logged_by_id=COORDINATOR.pk)
    check(decision, row)


DESK_WORK_ROWS = [
    Row(
        "coordinator caseworker",
        staff(COORDINATOR),
        True,
        "desk_coordinator",
        "You work the coordination desk of the national coordinator (Coordinator FI).",
    ),
    Row(
        "another coordinator",
        staff(OTHER_COORDINATOR, Role.SUPERVISOR),
        True,
        "desk_coordinator",
        "You work the coordination desk of the national coordinator (Second desk FI).",
    ),
    Row(
        "NGO supervisor",
        staff(OUTSIDER, Role.SUPERVISOR),
        False,
        "not_coordinator",
        NOT_COORDINATOR,
    ),
]


@pytest.mark.parametrize("row", DESK_WORK_ROWS, ids=str)
def test_the_desk_and_its_concern_reports_are_worked_by_every_coordinator(row: Row) -> None:
    check(policy.rule_desk_coordinator(user=row.user), row)


# --- a cross-border package, at the Haven whose focal point is "ee-b" -----------------------

ONLY_CASE_STAFF = "Only caseworkers and supervisors import a case."
PACKAGE_ROWS = [
    (
        "ee-b",
        Row(
            "caseworker, addressed here",
            staff(RECEIVER),
            True,
            "focal_point_package",
            "The package is addressed to this Haven's focal point (ee-b), whose packages the "
            "caseworkers and supervisors of Receiving shelter receive.",
        ),
    ),
    (
        "lv-c",
        Row(
            "caseworker, addressed elsewhere",
            staff(RECEIVER),
            False,
            "package_misaddressed",
            "This package is addressed to another focal point.",
        ),
    ),
    (
        None,
        Row(
            "caseworker, before opening",
            staff(RECEIVER),
            True,
            "focal_point_package",
            "Caseworkers and supervisors of Receiving shelter receive packages for this Haven.",
        ),
    ),
    (
        "ee-b",
        Row(
            "system admin, addressed here",
            staff(RECEIVER, Role.SYSTEM_ADMIN),
            False,
            "role_not_allowed",
            ONLY_CASE_STAFF,
        ),
    ),
    ("ee-b", Row("no organisation", staff(None), False, "role_not_allowed", ONLY_CASE_STAFF)),
]


@pytest.mark.parametrize(("recipient", "row"), PACKAGE_ROWS, ids=str)
def test_a_package_is_opened_by_case_staff_when_addressed_to_this_focal_point(
    recipient: str | None, row: Row
) -> None:
    decision = policy.rule_focal_point_package(
        user=row.user, recipient=recipient, focal_point_id="ee-b"
    )
    check(decision, row)


# --- a break-glass use by SENDER's staff, on a case of FI --------------------------------------

ONLY_SUPERVISORS = "Only supervisors review break-glass uses."
REVIEWER_ROWS = [
    Row(
        "supervisor of the user's organisation",
        staff(SENDER, Role.SUPERVISOR),
        True,
        "break_glass_reviewer",
        "A supervisor of Sender NGO reviews the break-glass uses of its staff.",
    ),
    Row(
        "supervisor of the national coordinator",
        staff(COORDINATOR, Role.SUPERVISOR),
        True,
        "break_glass_reviewer",
        "A supervisor of the national coordinator (Coordinator FI) reviews break-glass uses "
        "on cases of FI.",
    ),
    Row(
        "supervisor of another country's coordinator",
        staff(FOREIGN_COORDINATOR, Role.SUPERVISOR),
        False,
        "not_break_glass_reviewer",
        "A supervisor of the same organisation or of the national coordinator reviews it.",
    ),
    Row(
        "supervisor of another NGO",
        staff(OUTSIDER, Role.SUPERVISOR),
        False,
        "not_break_glass_reviewer",
        "A supervisor of the same organisation or of the national coordinator reviews it.",
    ),
    Row(
        "caseworker of the user's organisation",
        staff(SENDER),
        False,
        "not_supervisor",
        ONLY_SUPERVISORS,
    ),
    Row(
        "inactive supervisor",
        staff(SENDER, Role.SUPERVISOR, active=False),
        False,
        "not_supervisor",
        ONLY_SUPERVISORS,
    ),
    Row("no organisation", staff(None, Role.SUPERVISOR), False, "not_supervisor", ONLY_SUPERVISORS),
]


@pytest.mark.parametrize("row", REVIEWER_ROWS, ids=str)
def test_a_break_glass_use_is_reviewed_by_a_supervisor_within_reach_only(row: Row) -> None:
    decision = policy.rule_break_glass_reviewer(
        user=row.user, organisation_id=SENDER.pk, case_country="FI"
    )
    check(decision, row)


@pytest.mark.parametrize(
    "row",
    [
        Row(
            "supervisor",
            staff(OUTSIDER, Role.SUPERVISOR),
            True,
            "break_glass_reviewer",
            "Supervisors of Outside NGO review break-glass uses.",
        ),
        Row("caseworker", staff(OUTSIDER), False, "not_supervisor", ONLY_SUPERVISORS),
    ],
    ids=str,
)
def test_only_supervisors_open_the_break_glass_review(row: Row) -> None:
    check(policy.rule_break_glass_reviewer(user=row.user), row)
