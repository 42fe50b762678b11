"""Erasure requests, their answers and legal holds (issue 12): shape only; the
services apply the rules (who may, four eyes, legal holds)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.cases.models import ErasureReason, LegalHoldReason

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_PERSONAL_DATA = _("Do not write the person's name or any other details about them.")


# One page holds all three forms: prefixes keep their fields' names and ids apart.
class ErasureRequestForm(forms.Form):
    prefix = "erasure"
    reason = forms.ChoiceField(
        label=_("Why should the person's data be erased?"),
        choices=ErasureReason.choices,
        error_messages={"invalid_choice": _("Choose the reason from the list.")},
    )
    note = forms.CharField(
        label=_("Note (required for another reason)"),
        help_text=NO_PERSONAL_DATA,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ErasureRefuseForm(forms.Form):
    prefix = "refuse"
    reason = forms.CharField(
        label=_("Why is the erasure refused?"),
        help_text=NO_PERSONAL_DATA,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LegalHoldForm(forms.Form):
    prefix = "hold"
    reason = forms.ChoiceField(
        label=_("Legal reason to keep the data"),
        choices=LegalHoldReason.choices,
        error_messages={"invalid_choice": _("Choose the reason from the list.")},
    )
    until = forms.DateField(
        label=_("Until (leave empty to keep until lifted)"),
        required=False,
        widget=_DATE_WIDGET,
    )
