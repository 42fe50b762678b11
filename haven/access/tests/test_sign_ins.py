"""Every way in leaves its record in the audit trail (issue 12): sign-ins that
succeed and fail, lockouts, wrong one-time codes, sign-outs, tokens issued and
revoked. Never a password, and for a name that matches no account not the name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from haven.access.services import sign_ins
from haven.accounts import hooks as account_hooks
from haven.accounts import services as account_services
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, make_user, totp_now
from haven.audit import services as audit_services
from haven.audit.models import Action, AuditEvent
from haven.lib.errors import HavenError

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
TOKEN = "/api/v1/auth/token/"
WRONG = "not-the-password-9f2c"
UNKNOWN = "nobody-by-this-name"


def trail() -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in AuditEvent.objects.filter(object_type__in=["account", "api_token"])
        .order_by("id")
        .values("actor_id", "object_type", "object_id", "detail")
    ]


def everything_written() -> str:
    return json.dumps(list(AuditEvent.objects.values()), default=str)


def test_the_sign_in_handler_is_registered_with_the_accounts_hooks() -> None:
    assert "haven.access.services.sign_ins.sign_in_record" in account_hooks.sign_in_handlers()


def test_a_sign_in_and_a_sign_out_on_the_page_are_recorded_for_the_account() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    client = Client()
    # when
    signed_in = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    signed_out = client.post(LOGOUT)
    # then
    assert (signed_in.status_code, signed_out.status_code) == (302, 302)
    assert trail() == [
        {
            "actor_id": user.pk,
            "object_type": "account",
            "object_id": str(user.pk),
            "detail": {"event": "signed_in", "channel": "web"},
        },
        {
            "actor_id": user.pk,
            "object_type": "account",
            "object_id": str(user.pk),
            "detail": {"event": "signed_out", "channel": "web"},
        },
    ]


def test_a_wrong_password_is_recorded_against_the_account_without_the_password() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    # when
    refused = Client().post(LOGIN, {"username": user.username, "password": WRONG})
    # then: Haven acts (whoever typed is not known to be the holder)
    assert refused.status_code == 200
    assert trail() == [
        {
            "actor_id": None,
            "object_type": "account",
            "object_id": str(user.pk),
            "detail": {"event": "sign_in_failed", "channel": "web", "reason": "password"},
        }
    ]
    assert WRONG not in everything_written()


def test_an_unknown_name_is_recorded_as_a_failure_without_the_name_or_password() -> None:
    # when
    Client().post(LOGIN, {"username": UNKNOWN, "password": WRONG})
    refused = APIClient().post(
        TOKEN, {"username": UNKNOWN, "password": WRONG, "otp": "123456"}, format="json"
    )
    # then
    assert refused.status_code == 403
    assert [(e["actor_id"], e["object_id"], e["detail"]) for e in trail()] == [
        (None, "", {"event": "sign_in_failed", "channel": "web", "reason": "password"}),
        (None, "", {"event": "sign_in_failed", "channel": "api", "reason": "password"}),
    ]
    written = everything_written()
    assert UNKNOWN not in written and WRONG not in written


@override_settings(HAVEN_LOGIN_MAX_FAILURES=2)
def test_a_lockout_and_attempts_on_the_locked_account_are_recorded() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    client = Client()
    # when: two wrong passwords lock it; the right one is then refused as locked
    for _ in range(2):
        client.post(LOGIN, {"username": user.username, "password": WRONG})
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    # then
    assert [e["detail"] for e in trail()] == [
        {"event": "sign_in_failed", "channel": "web", "reason": "password"},
        {"event": "locked_out", "channel": "web"},
        {"event": "sign_in_failed", "channel": "web", "reason": "password"},
        {"event": "sign_in_failed", "channel": "web", "reason": "locked"},
    ]
    assert {e["actor_id"] for e in trail()} == {None}
    assert PASSWORD not in everything_written() and WRONG not in everything_written()


def test_a_token_issued_a_wrong_code_and_a_revocation_are_recorded() -> None:
    # given: a role that needs a second factor
    user: User = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    client = APIClient()
    # when (a wrong code after the right one: django-otp then throttles the device)
    issued = client.post(
        TOKEN,
        {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    wrong_code = client.post(
        TOKEN, {"username": user.username, "password": PASSWORD, "otp": "000000"}, format="json"
    )
    token_id = AuditEvent.objects.filter(object_type="api_token").get().object_id
    account_services.api_token_revoke(actor=user, token_id=int(token_id))
    # then
    assert (wrong_code.status_code, issued.status_code) == (403, 201)
    assert [(e["object_type"], e["detail"]["event"]) for e in trail()] == [
        ("account", "signed_in"),
        ("api_token", "token_issued"),
        ("account", "signed_in"),
        ("account", "mfa_failed"),
        ("api_token", "revoked"),
    ]
    token_issued = trail()[1]
    assert (token_issued["actor_id"], token_issued["object_id"]) == (user.pk, token_id)
    assert token_issued["detail"] == {"event": "token_issued", "channel": "api", "user_id": user.pk}
    assert issued.json()["token"] not in everything_written()


def test_a_wrong_code_on_the_page_is_recorded() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    confirmed_totp(user)
    # when
    with pytest.raises(HavenError):
        account_services.otp_verify(user=user, token="000000")
    # then
    assert trail()[-1]["detail"] == {"event": "mfa_failed", "channel": "web"}


def test_the_handler_writes_nothing_but_the_event_for_an_unknown_name() -> None:
    # when
    sign_ins.sign_in_record(
        account_hooks.SignIn(
            event=account_hooks.SignInEvent.FAILED,
            user=None,
            channel=account_hooks.Channel.API,
            reason="password",
        )
    )
    # then
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.actor_username, event.object_id) == (None, "", "")


def actions() -> list[tuple[str, str]]:
    return [(e.action, e.detail["event"]) for e in AuditEvent.objects.order_by("id")]


def test_issue13_signing_in_and_out_on_the_page_have_actions_of_their_own() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    confirmed_totp(user)
    client = Client()
    # when: a wrong password, the right one, a wrong code, then signing out
    client.post(LOGIN, {"username": user.username, "password": WRONG})
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    with pytest.raises(HavenError):
        account_services.otp_verify(user=user, token="000000")
    client.post(LOGOUT)
    # then: none of them is a change to a record
    assert actions() == [
        (Action.SIGN_IN_FAILED, "sign_in_failed"),
        (Action.SIGN_IN, "signed_in"),
        (Action.SIGN_IN_FAILED, "mfa_failed"),
        (Action.SIGN_OUT, "signed_out"),
    ]


@override_settings(HAVEN_LOGIN_MAX_FAILURES=1)
def test_issue13_a_lockout_and_a_token_issued_have_the_sign_in_actions() -> None:
    # given
    user: User = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    locked = make_user(org_type=OrgType.NGO)
    # when
    APIClient().post(
        TOKEN,
        {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    Client().post(LOGIN, {"username": locked.username, "password": WRONG})
    # then
    assert actions() == [
        (Action.SIGN_IN, "signed_in"),
        (Action.SIGN_IN, "token_issued"),
        (Action.SIGN_IN_FAILED, "locked_out"),
        (Action.SIGN_IN_FAILED, "sign_in_failed"),
    ]


def test_issue13_sign_ins_recorded_as_changes_before_still_verify() -> None:
    # given: a sign-in as it was recorded before sign-ins had actions of their own
    user = make_user(org_type=OrgType.NGO)
    audit_services.audit_record(
        actor=audit_services.actor_of(user),
        action=Action.UPDATE,
        object_type=sign_ins.ACCOUNT_SUBJECT,
        object_id=str(user.pk),
        detail={"event": "signed_in", "channel": "web"},
    )
    audit_services.audit_seal()
    # when: a sign-in now, sealed after it
    Client().post(LOGIN, {"username": user.username, "password": PASSWORD})
    audit_services.audit_seal()
    # then: the trail verifies, the old event as it was written
    result = audit_services.audit_verify(workers=1)
    assert (result.ok, result.checked, result.unsealed) == (True, 2, 0)
    assert [action for action, _ in actions()] == [Action.UPDATE, Action.SIGN_IN]
