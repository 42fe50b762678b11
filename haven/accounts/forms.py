"""Sign-in forms: they only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("One-time code"),
        max_length=10,
        help_text=_("The 6-digit code shown in your authenticator app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class MemberForm(forms.Form):
    """Whose token list to go back to after revoking one (an administrator's view)."""

    member = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


def _language_choices() -> list[tuple[str, str | Promise]]:
    # Each language named in itself, so the one you read is found in the list.
    return [("", _("As the language switch or my browser says")), *settings.LANGUAGES]


class LanguageSelect(forms.Select):
    """Each option in its own language's voice (``lang``), for screen readers."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = option["value"]
        return option


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=_language_choices,
        required=False,
        widget=LanguageSelect,
        help_text=_("Haven speaks to you in this language on every page once you have signed in."),
    )
