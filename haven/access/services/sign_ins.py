"""Sign-ins in the audit trail (issue 12): every way in leaves its record.

``accounts`` cannot import the trail (the trail imports accounts), so it tells of
each attempt through ``haven.accounts.hooks``; this handler, registered by
``AccessConfig.ready`` (the lowest app above both), writes the event in the
attempt's own transaction. Nothing typed is recorded: no password, and for a
name that matches no account only that a failure happened.

Sign-ins have actions of their own (``SIGN_IN``, ``SIGN_IN_FAILED``, ``SIGN_OUT``),
so the trail can be searched for them apart from changes to records. Events
written before they existed keep ``update``: their MACs seal what was written.
"""

from __future__ import annotations

from haven.accounts import hooks as account_hooks
from haven.audit import services as audit
from haven.audit.models import Action

ACCOUNT_SUBJECT = "account"

# Events of someone at the door who has not proved to be the account's holder:
# the trail names the account they tried, and Haven as the actor.
_NOT_THE_HOLDER = frozenset(
    {account_hooks.SignInEvent.FAILED, account_hooks.SignInEvent.LOCKED_OUT}
)

# The trail's action for each event: a token issued is a sign-in through the API;
# a wrong one-time code and a lockout are failures.
ACTIONS: dict[account_hooks.SignInEvent, str] = {
    account_hooks.SignInEvent.SIGNED_IN: Action.SIGN_IN,
    account_hooks.SignInEvent.TOKEN_ISSUED: Action.SIGN_IN,
    account_hooks.SignInEvent.FAILED: Action.SIGN_IN_FAILED,
    account_hooks.SignInEvent.LOCKED_OUT: Action.SIGN_IN_FAILED,
    account_hooks.SignInEvent.MFA_FAILED: Action.SIGN_IN_FAILED,
    account_hooks.SignInEvent.SIGNED_OUT: Action.SIGN_OUT,
}


def sign_in_record(event: account_hooks.SignIn) -> None:
    """One audit event per sign-in event: which, through which way in, and for a
    failure why ("password" or "locked")."""
    detail: dict[str, object] = {"event": str(event.event), "channel": str(event.channel)}
    if event.reason:
        detail["reason"] = event.reason
    user = event.user
    if user is None:
        # An unknown name: the failure is counted, the name is not kept.
        audit.audit_record(
            actor=audit.SYSTEM,
            action=ACTIONS[event.event],
            object_type=ACCOUNT_SUBJECT,
            object_id="",
            detail=detail,
        )
        return
    actor = audit.SYSTEM if event.event in _NOT_THE_HOLDER else audit.actor_of(user)
    if event.token_id is not None:
        object_type, object_id = audit.TOKEN_SUBJECT, str(event.token_id)
        detail["user_id"] = user.pk
    else:
        object_type, object_id = ACCOUNT_SUBJECT, str(user.pk)
    audit.audit_record(
        actor=actor,
        action=ACTIONS[event.event],
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
