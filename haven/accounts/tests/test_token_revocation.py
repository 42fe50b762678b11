"""API tokens can be revoked by their holder and by the holder's organisation
administrator, never by anyone else, and are revoked when the account is locked
or disabled (issue 12). A token's secret is never shown again after it is issued."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from haven.accounts import errors, selectors, services
from haven.accounts.admin import UserAdmin
from haven.accounts.models import ApiToken, Organisation, OrgType, Role, User
from haven.accounts.tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    confirmed_totp,
    make_user,
    totp_now,
)
from haven.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
CASES = "/api/v1/cases/"


def _revoke(token_id: int) -> str:
    return f"{TOKENS}{token_id}/revoke/"


def _member_tokens(user_id: int) -> str:
    return f"/api/v1/auth/users/{user_id}/tokens/"


def _issued(user: User) -> tuple[str, ApiToken]:
    """A live token, as ``api_token_issue`` stores it (one TOTP code signs in once only,
    so a test that needs several tokens makes them here)."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=services.token_digest(raw),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return raw, token


def test_a_token_issued_at_the_endpoint_is_listed_by_id_and_dates_only() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    device = confirmed_totp(user)
    issued = APIClient().post(
        TOKEN,
        {"username": user.username, "password": PASSWORD, "otp": totp_now(device)},
        format="json",
    )
    raw = issued.json()["token"]
    # when
    listed = _api(raw).get(TOKENS)
    # then
    assert [sorted(row) for row in listed.json()] == [["created_at", "current", "expires_at", "id"]]
    assert raw not in listed.content.decode()


def _api(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _works(raw: str) -> bool:
    return _api(raw).get(TOKENS).status_code == 200


def _page(user: User) -> Client:
    """Signed in with both factors."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp(user).persistent_id
    session.save()
    return client


def _staff(org: Organisation) -> tuple[User, User]:
    """A caseworker of the organisation and its administrator."""
    member = UserFactory.create(organisation=org, role=Role.CASEWORKER)
    org_admin = UserFactory.create(organisation=org, role=Role.ORG_ADMIN)
    return member, org_admin


# --- the holder -----------------------------------------------------------------------


def test_a_user_lists_their_live_tokens_without_any_secret() -> None:
    # given: two tokens, one of them revoked
    user = make_user(org_type=OrgType.NGO)
    raw, token = _issued(user)
    _old_raw, old = _issued(user)
    services.api_token_revoke(actor=user, token_id=old.pk)
    # when
    response = _api(raw).get(TOKENS)
    # then: only the live one, by id and dates, marked as the one in use
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": token.pk,
            "created_at": response.json()[0]["created_at"],
            "expires_at": response.json()[0]["expires_at"],
            "current": True,
        }
    ]
    assert raw not in response.content.decode()
    assert token.digest not in response.content.decode()


def test_a_user_revokes_their_own_token_and_it_stops_working_at_once() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    raw, token = _issued(user)
    other_raw, _other = _issued(user)
    # when
    response = _api(other_raw).post(_revoke(token.pk))
    again = _api(other_raw).post(_revoke(token.pk))
    # then
    assert response.status_code == 200
    assert (response.json(), again.json()) == ({"revoked": 1}, {"revoked": 0})
    assert _api(raw).get(CASES).status_code == 401
    assert _works(other_raw)
    event = AuditEvent.objects.get(object_type="api_token", object_id=str(token.pk))
    assert event.actor_id == user.pk
    assert event.detail["reason"] == "by_user"


def test_a_user_cannot_revoke_someone_else_s_token_in_the_same_organisation() -> None:
    # given: two caseworkers of one organisation
    org = OrganisationFactory.create()
    colleague, _admin = _staff(org)
    user = UserFactory.create(organisation=org, role=Role.CASEWORKER)
    raw, _token = _issued(user)
    colleague_raw, colleague_token = _issued(colleague)
    # when
    response = _api(raw).post(_revoke(colleague_token.pk))
    listed = _api(raw).get(_member_tokens(colleague.pk))
    # then: as if there were no such token
    assert response.status_code == 404
    assert response.json()["code"] == "token_not_found"
    assert listed.status_code == 404
    assert listed.json()["code"] == "member_not_found"
    assert _works(colleague_raw)


# --- the organisation's administrator ---------------------------------------------------


@pytest.mark.parametrize("same_organisation", [True, False])
def test_an_organisation_administrator_revokes_a_member_s_token_only_in_their_own_organisation(
    same_organisation: bool,
) -> None:
    # given: a caseworker with a token; an administrator of that organisation, or of another
    org = OrganisationFactory.create()
    member, own_admin = _staff(org)
    _other_member, other_admin = _staff(OrganisationFactory.create())
    org_admin = own_admin if same_organisation else other_admin
    member_raw, member_token = _issued(member)
    admin_raw, _admin_token = _issued(org_admin)
    # when
    listed = _api(admin_raw).get(_member_tokens(member.pk))
    revoked = _api(admin_raw).post(_revoke(member_token.pk))
    # then
    if same_organisation:
        assert listed.status_code == 200
        assert [row["id"] for row in listed.json()] == [member_token.pk]
        assert revoked.status_code == 200
        assert not _works(member_raw)
        event = AuditEvent.objects.get(object_type="api_token", object_id=str(member_token.pk))
        assert (event.actor_id, event.detail["reason"]) == (org_admin.pk, "by_administrator")
    else:
        assert listed.status_code == 404
        assert listed.json()["code"] == "member_not_found"
        assert revoked.status_code == 404
        assert revoked.json()["code"] == "token_not_found"
        assert _works(member_raw)


@pytest.mark.parametrize("same_organisation", [True, False])
def test_an_organisation_administrator_revokes_all_of_a_member_s_tokens(
    same_organisation: bool,
) -> None:
    # given
    org = OrganisationFactory.create()
    member, own_admin = _staff(org)
    _other_member, other_admin = _staff(OrganisationFactory.create())
    org_admin = own_admin if same_organisation else other_admin
    first, _t1 = _issued(member)
    second, _t2 = _issued(member)
    admin_raw, _admin_token = _issued(org_admin)
    # when
    response = _api(admin_raw).post(f"{_member_tokens(member.pk)}revoke/")
    # then
    if same_organisation:
        assert response.status_code == 200
        assert response.json() == {"revoked": 2}
        assert not _works(first) and not _works(second)
    else:
        assert response.status_code == 404
        assert _works(first) and _works(second)


def test_an_expired_or_inactive_administrator_manages_no_member() -> None:
    # given
    org = OrganisationFactory.create()
    member, org_admin = _staff(org)
    User.objects.filter(pk=org_admin.pk).update(is_active=False)
    org_admin.refresh_from_db()
    # then
    assert not selectors.may_manage(actor=org_admin, member=member)
    assert list(selectors.members_of(actor=org_admin)) == []
    with pytest.raises(errors.MemberNotFound):
        services.api_tokens_revoke_all(actor=org_admin, user_id=member.pk)


# --- lock and disable -------------------------------------------------------------------


def test_a_lock_by_failed_attempts_revokes_every_token_of_the_account() -> None:
    # given: a token in use
    user = make_user(org_type=OrgType.NGO)
    raw, token = _issued(user)
    assert _works(raw)
    # when: someone guesses the password at the token endpoint until the account locks
    for _attempt in range(settings.HAVEN_LOGIN_MAX_FAILURES):
        APIClient().post(TOKEN, {"username": user.username, "password": "wrong"}, format="json")
    # then: revoked, not merely refused while the lock lasts
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not _works(raw)
    event = AuditEvent.objects.get(object_type="api_token", object_id=str(token.pk))
    assert (event.actor_id, event.detail["reason"]) == (None, "account_locked")


def test_a_locked_account_s_token_opens_nothing_even_before_it_is_revoked() -> None:
    # given: locked by a write that revoked nothing (straight into the database)
    user = make_user(org_type=OrgType.NGO)
    raw, _token = _issued(user)
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    # then
    assert _api(raw).get(CASES).status_code == 401


@pytest.mark.parametrize("change", ["disabled", "locked", "unchanged"])
def test_disabling_or_locking_an_account_in_the_admin_site_revokes_its_tokens(
    change: str,
) -> None:
    # given: a system administrator edits a caseworker with a token
    user = make_user(org_type=OrgType.NGO)
    raw, token = _issued(user)
    operator = make_user(org_type=OrgType.OTHER, role=Role.SYSTEM_ADMIN, is_staff=True)
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = operator
    if change == "disabled":
        user.is_active = False
    elif change == "locked":
        user.locked_until = timezone.now() + timedelta(hours=1)
    # when
    UserAdmin(User, admin.site).save_model(request, user, form=None, change=True)
    # then
    token.refresh_from_db()
    if change == "unchanged":
        assert token.revoked_at is None
        assert _works(raw)
    else:
        assert token.revoked_at is not None
        event = AuditEvent.objects.get(object_type="api_token", object_id=str(token.pk))
        assert event.actor_id == operator.pk
        assert event.detail["reason"] == f"account_{change}"


def test_haven_itself_may_revoke_a_disabled_account_s_tokens_without_an_operator() -> None:
    user = make_user(org_type=OrgType.NGO)
    _raw, token = _issued(user)
    user.is_active = False
    assert services.api_tokens_revoke_if_barred(actor=None, user=user) == 1
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- the pages --------------------------------------------------------------------------


def test_the_token_page_lists_a_user_s_tokens_and_revokes_one() -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    raw, token = _issued(user)
    client = _page(user)
    # when
    page = client.get("/accounts/tokens/")
    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    # then
    assert page.status_code == 200
    assert f"/accounts/tokens/{token.pk}/revoke/" in page.content.decode()
    assert raw not in page.content.decode()
    assert revoked.status_code == 302
    assert revoked["Location"] == "/accounts/tokens/"
    assert not _works(raw)


@pytest.mark.parametrize("same_organisation", [True, False])
def test_an_administrator_s_pages_show_and_revoke_only_their_own_members_tokens(
    same_organisation: bool,
) -> None:
    # given
    org = OrganisationFactory.create()
    member, own_admin = _staff(org)
    _other_member, other_admin = _staff(OrganisationFactory.create())
    org_admin = own_admin if same_organisation else other_admin
    raw, token = _issued(member)
    _second_raw, _second = _issued(member)
    client = _page(org_admin)
    # when
    members = client.get("/accounts/members/")
    page = client.get(f"/accounts/members/{member.pk}/tokens/")
    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/", {"member": member.pk})
    revoked_all = client.post(f"/accounts/members/{member.pk}/tokens/revoke/")
    # then
    assert members.status_code == 200
    listed = f"/accounts/members/{member.pk}/tokens/" in members.content.decode()
    if same_organisation:
        assert listed
        assert page.status_code == 200
        assert revoked.status_code == 302
        assert revoked["Location"] == f"/accounts/members/{member.pk}/tokens/"
        assert revoked_all.status_code == 302
        assert ApiToken.objects.filter(user=member, revoked_at__isnull=True).count() == 0
    else:
        assert not listed
        assert page.status_code == revoked.status_code == revoked_all.status_code == 404
        assert _works(raw)
        assert ApiToken.objects.filter(user=member, revoked_at__isnull=True).count() == 2


def test_the_members_page_is_for_organisation_administrators_only() -> None:
    user = make_user(org_type=OrgType.NGO)
    assert _page(user).get("/accounts/members/").status_code == 404
