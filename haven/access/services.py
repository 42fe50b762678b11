"""Writes to the sharing policy's tables: the case team."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import TeamMembership
from haven.accounts.models import Organisation, User
from haven.lib.errors import Conflict


@transaction.atomic
def team_create(*, case_id: uuid.UUID | str, lead: Organisation, by: User | None) -> TeamMembership:
    """A new case's team: its lead organisation holds main responsibility."""
    membership = TeamMembership(
        case_id=case_id, organisation=lead, is_lead=True, joined_at=timezone.now(), added_by=by
    )
    membership.save()
    return membership


@transaction.atomic
def team_member_add(
    *, case_id: uuid.UUID | str, organisation: Organisation, by: User | None
) -> TeamMembership:
    """Bring another organisation onto the team (later: on an accepted referral)."""
    if TeamMembership.objects.filter(case_id=case_id, organisation=organisation).exists():
        raise Conflict(_("This organisation is already on the case team."), code="already_member")
    membership = TeamMembership(
        case_id=case_id,
        organisation=organisation,
        is_lead=False,
        joined_at=timezone.now(),
        added_by=by,
    )
    membership.save()
    return membership
