"""Shared helpers for the browser tests (real Chromium through Playwright)."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from haven.accounts.models import User
from haven.accounts.tests.factories import PASSWORD, confirmed_totp, totp_now


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    """Password, then a TOTP code from a fresh confirmed device; lands on the home
    page (the case list for roles without one), then opens the case list, where
    the browser tests start."""
    device = confirmed_totp(user)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("One-time code").fill(totp_now(device))
    page.get_by_role("button", name="Continue").click()
    landed = page.get_by_role("heading", name="Home", exact=True).or_(
        page.get_by_role("heading", name="Cases", exact=True)
    )
    expect(landed).to_be_visible()
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
