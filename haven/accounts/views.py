"""Sign-in pages: password, then the second factor (or enrolling one), and sign-out.

The services decide (lockout, code checks); these views only parse and render.
``MfaRequiredMiddleware`` keeps half-signed-in users on the MFA page.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import errors, forms, policy, services
from haven.accounts.current import request_user
from haven.accounts.models import User


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a local ``next`` or the home page (which sends
    roles without cases of their own on to the case list)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _mfa_url(next_url: str) -> str:
    return f"{resolve_url('accounts:mfa')}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@never_cache
def user_login(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_authenticate(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except (errors.AccountLocked, errors.LoginFailed) as exc:
            # One message for a wrong user name or password (the service's words).
            form.add_error(None, exc.message)
        else:
            auth.login(request, user)
            return redirect(_after_password(user, _next_url(request)))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/user_login.html", context)


def _after_password(user: User, next_url: str) -> str:
    return _mfa_url(next_url) if policy.user_needs_mfa(user) else next_url


@sensitive_post_parameters("token")
@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """A code from the confirmed device; without one, enrol a new device first."""
    user = request_user(request)
    if not policy.user_needs_mfa(user) or user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
        return redirect(_next_url(request))
    if services.user_confirmed_device(user=user) is None:
        return _mfa_enrol(request, user)
    form = forms.OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=user, token=form.cleaned_data["token"])
        except errors.OtpInvalid:
            form.add_error(
                "token",
                _(
                    "The code is not correct. Codes change every 30 seconds: "
                    "type the one your app shows now."
                ),
            )
        else:
            return _mfa_done(request, device)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/mfa_verify.html", context)


def _mfa_enrol(request: HttpRequest, user: User) -> HttpResponse:
    device = services.otp_enrol_start(user=user)
    form = forms.OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_enrol_confirm(user=user, token=form.cleaned_data["token"])
        except errors.OtpInvalid:
            form.add_error(
                "token",
                _(
                    "The code is not correct. Check that your app shows Haven "
                    "and type the code it shows now."
                ),
            )
        else:
            messages.success(request, _("Two-factor sign-in is set up."))
            return _mfa_done(request, device)
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": _secret_for_display(device),
        "qr_svg": _qr_svg(device.config_url),
    }
    return render(request, "accounts/mfa_enrol.html", context)


def _mfa_done(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    # A new session key once fully signed in, as after any change of privilege.
    request.session.cycle_key()
    otp_login(request, device)
    return redirect(_next_url(request))


def _secret_for_display(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(url: str) -> SafeString:
    """The otpauth URL as inline SVG: no script, no data URI."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308 - SVG generated by qrcode from our own otpauth URL


@require_POST
def user_logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")
