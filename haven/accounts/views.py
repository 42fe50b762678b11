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
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import errors, forms, policy, selectors, services
from haven.accounts.current import request_user
from haven.accounts.models import Role, User
from haven.lib.net import client_address
from haven.lib.views import domain_errors, forbidden, local_next

SIGN_IN_SCOPE = "sign_in"


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a local ``next`` or the home page (which sends
    roles without cases of their own on to the case list)."""
    return local_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _mfa_url(next_url: str) -> str:
    return f"{resolve_url('accounts:mfa')}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@never_cache
def user_login(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and not services.rate_allow(
        scope=SIGN_IN_SCOPE, address=client_address(request)
    ):
        # Counted before the password is looked at; the same for every account.
        form.is_valid()
        form.add_error(
            None, _("Too many sign-in attempts from your connection. Try again in a minute.")
        )
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            user = services.user_authenticate(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except errors.LoginFailed as exc:
            # One message for a wrong user name or password and a locked account,
            # known or not (the service's words).
            form.add_error(None, exc.message)
        else:
            auth.login(request, user)
            return redirect(_after_password(user, _next_url(request)))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/user_login.html", context, status=status)


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's sign-in is Haven's own (lockout, rate limit, MFA): its form,
    which would check only the password, is never served. A signed-in account
    sent here is one the admin site refuses (not staff)."""
    if request.user.is_authenticated:
        return forbidden(request, reason=_("Your account may not use the administration site."))
    target = request.GET.get("next") or resolve_url("admin:index")
    return redirect(f"{resolve_url('accounts:login')}?{urlencode({'next': target})}")


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
    return mark_safe(svg)  # noqa: S308 - SVG generated by qrcode from our own otpauth URL  # nosec B308 B703


@require_POST
def user_logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.user_sign_out(user=request_user(request))
    auth.logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": any request renews an idle session (SESSION_SAVE_EVERY_REQUEST);
    this one does nothing else. 401, not the login page, once the session has ended."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


# --- API tokens: one's own, and (for an organisation administrator) a member's -----


@never_cache
@login_required
@domain_errors
def token_list(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    """Live tokens by date (their secrets are shown only once, when issued), each
    with a button that revokes it, and one that revokes them all."""
    user = request_user(request)
    member = selectors.member_for(actor=user, user_id=user.pk if user_id is None else user_id)
    tokens = selectors.api_tokens_live(actor=user, user_id=member.pk)
    own = member.pk == user.pk
    context = {
        "member": member,
        "own": own,
        "tokens": tokens,
        "nav": "tokens" if own else "members",
    }
    return render(request, "accounts/token_list.html", context)


def _back_to_tokens(user: User, member_id: int) -> HttpResponse:
    if member_id == user.pk:
        return redirect("accounts:token_list")
    return redirect("accounts:member_token_list", user_id=member_id)


@require_POST
@login_required
@domain_errors
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = request_user(request)
    back = forms.MemberForm(request.POST)
    member = (back.cleaned_data["member"] if back.is_valid() else None) or user.pk
    services.api_token_revoke(actor=user, token_id=token_id)
    messages.success(request, _("The token is revoked: it no longer opens the API."))
    return _back_to_tokens(user, member)


@require_POST
@login_required
@domain_errors
def tokens_revoke_all(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request_user(request)
    revoked = services.api_tokens_revoke_all(actor=user, user_id=user_id)
    messages.success(
        request,
        ngettext("%(count)d token is revoked.", "%(count)d tokens are revoked.", revoked)
        % {"count": revoked},
    )
    return _back_to_tokens(user, user_id)


@never_cache
@login_required
@domain_errors
def member_list(request: HttpRequest) -> HttpResponse:
    """An organisation administrator's members, each with a link to their tokens."""
    user = request_user(request)
    if user.role != Role.ORG_ADMIN:
        raise errors.MemberNotFound(_("No such account."))
    members = selectors.members_of(actor=user)
    return render(request, "accounts/member_list.html", {"members": members, "nav": "members"})


# --- one's own profile: the language Haven speaks ----------------------------------------


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = 200
    if request.method == "POST":
        form = forms.ProfileForm(request.POST)
        if form.is_valid():
            services.user_language_set(user=user, language=form.cleaned_data["language"])
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
        status = 400
    else:
        form = forms.ProfileForm(initial={"language": user.language})
    return render(request, "accounts/profile.html", {"form": form, "nav": "profile"}, status=status)


def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switch on every page (Django's ``set_language``: a cookie, then back
    to the page). A signed-in user's choice is also kept in their profile, which wins
    over the cookie on every later page."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if request.method == "POST" and isinstance(user, User) and language in dict(settings.LANGUAGES):
        services.user_language_set(user=user, language=language)
    return response
