"""Account reads: whose tokens a user may see and revoke."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts import errors
from haven.accounts.models import ApiToken, Role, User


def may_manage(*, actor: User, member: User) -> bool:
    """One's own account, or, for an organisation's administrator, its members."""
    if not actor.is_active:
        return False
    if actor.pk == member.pk:
        return True
    return (
        actor.role == Role.ORG_ADMIN
        and actor.organisation_id is not None
        and member.organisation_id == actor.organisation_id
    )


def member_for(*, actor: User, user_id: int) -> User:
    """An account the actor may manage; any other is ``member_not_found``."""
    member = User.objects.select_related("organisation").filter(pk=user_id).first()
    if member is None or not may_manage(actor=actor, member=member):
        raise errors.MemberNotFound(_("No such account."))
    return member


def api_tokens_live(*, actor: User, user_id: int) -> QuerySet[ApiToken]:
    """A manageable account's tokens that still work (not revoked, not expired),
    newest first. Only dates and ids: a token's secret is never stored."""
    member = member_for(actor=actor, user_id=user_id)
    return ApiToken.objects.filter(
        user=member, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-pk")


def members_of(*, actor: User) -> QuerySet[User]:
    """The members of the actor's organisation, for its administrator (else none)."""
    if not actor.is_active or actor.role != Role.ORG_ADMIN or actor.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=actor.organisation_id).order_by("username")
