"""Who may do what with shelter places: one rule each, asked by the pages, the API,
the services and the menu alike (a link appears only to someone the page lets in).

- Managing a place (its details, rooms, beds, beds out of service): the staff
  (caseworkers, supervisors, the organisation's administrator) of the
  organisation that runs it, active, in the place's country.
- Reading a place's address and coordinates (``location`` data): the same staff
  of the place's own organisation, nobody else (a case's ``location`` reader sees
  the place the person lives in through the case, not through this rule).
- Reading capacity: the national coordinator's staff (``rule_desk_coordinator``)
  for the whole country; an organisation that runs places for its own places.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.access.policy import Decision, rule_desk_coordinator
from haven.accounts import policy as account_policy
from haven.accounts.models import OrgType, Role, User

# The organisations that run accommodation.
PROVIDER_TYPES = frozenset({OrgType.SHELTER, OrgType.SOCIAL_SERVICES})
STAFF_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN})

NOT_STAFF = Decision(
    False,
    "not_place_staff",
    _("Only the staff of the organisation that runs this place can do this."),
)
NOT_PROVIDER = Decision(
    False,
    "not_provider",
    _("Only the staff of an organisation that runs accommodation keep places."),
)
NOT_LOCATION_READER = Decision(
    False,
    "not_location_reader",
    _("Only the staff of the place's own organisation see where it is."),
)
NOT_CAPACITY_READER = Decision(
    False,
    "not_capacity_reader",
    _("Only the national coordinator and the organisations that run places see capacity."),
)


def _provider_staff(user: User) -> bool:
    organisation = user.organisation if user.is_active else None
    return (
        organisation is not None
        and organisation.org_type in PROVIDER_TYPES
        and user.role in STAFF_ROLES
    )


def rule_keep_places(user: User) -> Decision:
    """The staff of an organisation that runs accommodation: they list, add and keep
    their organisation's places."""
    if not _provider_staff(user):
        return NOT_PROVIDER
    assert user.organisation is not None  # noqa: S101 - checked by _provider_staff
    return Decision(
        True,
        "place_staff",
        _("You keep the places of %(org)s.") % {"org": user.organisation.name},
    )


def rule_manage_place(user: User, *, organisation_id: object, country: str) -> Decision:
    """The staff of the place's own organisation, in the place's country."""
    if not _provider_staff(user):
        return NOT_STAFF
    assert user.organisation is not None  # noqa: S101 - checked by _provider_staff
    if user.organisation_id != organisation_id or user.organisation.country != country:
        return NOT_STAFF
    return Decision(
        True,
        "place_staff",
        _("Your organisation (%(org)s) runs this place.") % {"org": user.organisation.name},
    )


def rule_place_location(user: User, *, organisation_id: object, country: str) -> Decision:
    """The address and coordinates: the place's own staff only."""
    if not rule_manage_place(user, organisation_id=organisation_id, country=country).allowed:
        return NOT_LOCATION_READER
    return Decision(
        True,
        "place_location",
        _("Your organisation runs this place, so you see where it is."),
    )


def rule_capacity(user: User) -> Decision:
    """The national coordinator's staff (the whole country) or a provider's staff
    (their own places)."""
    if rule_desk_coordinator(user=user).allowed:
        assert user.organisation is not None  # noqa: S101 - the desk rule checked it
        return Decision(
            True,
            "capacity_country",
            _("You see the free places of %(country)s as the national coordinator.")
            % {"country": user.organisation.country},
        )
    if _provider_staff(user):
        return Decision(
            True, "capacity_own", _("You see the free places of your own organisation.")
        )
    return NOT_CAPACITY_READER


def may_keep_places(user: User) -> bool:
    """``shelters.keep_places``: the menu's "Places" link and the place pages."""
    return rule_keep_places(user).allowed


def may_answer_placements(user: User) -> bool:
    """``shelters.answer_placements``: the menu's "Placement requests" link, for the
    caseworkers and supervisors of an organisation that runs accommodation (the
    page lists the requests to its places; it refuses nobody)."""
    return _provider_staff(user) and user.role in account_policy.CASE_ROLES


def may_read_capacity(user: User) -> bool:
    """``shelters.capacity``: the menu's "Capacity" link and the capacity page."""
    return rule_capacity(user).allowed


def may_manage_place(user: User, place: object) -> bool:
    """``shelters.manage_place`` on a place: its forms are shown exactly to these."""
    organisation = getattr(place, "organisation", None)
    return rule_manage_place(
        user,
        organisation_id=getattr(place, "organisation_id", None),
        country=getattr(organisation, "country", ""),
    ).allowed


def may_list_places(user: User) -> bool:
    """``shelters.list_places``: the menu's "Places" link and the list page (a
    provider's own places, or the coordinator's country without any address)."""
    return rule_keep_places(user).allowed or rule_desk_coordinator(user=user).allowed
