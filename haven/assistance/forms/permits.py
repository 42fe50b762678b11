"""Residence permit and detention forms (R-16)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.assistance.services import permits as services
from haven.lib import locking

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


GROUND_CHOICES = [
    ("personal_situation", gettext_lazy("The person's own situation makes the stay necessary")),
    ("proceedings", gettext_lazy("Their cooperation with an investigation or proceedings")),
]


class PermitForm(forms.Form):
    prefix = "permit"
    grounds = forms.MultipleChoiceField(
        label=gettext_lazy("Grounds (CETS Art. 14(1))"),
        choices=GROUND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("One or both."),
        required=False,  # the service refuses none, with its own message and code
    )
    permit_type = forms.CharField(label=gettext_lazy("Type of permit"), max_length=100)
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=_DATE_WIDGET)
    expires_on = forms.DateField(label=gettext_lazy("Expires on"), widget=_DATE_WIDGET)
    issuing_authority = forms.CharField(label=gettext_lazy("Issuing authority"), max_length=200)
    reference = forms.CharField(label=gettext_lazy("Permit number"), max_length=200)

    def permit_input(self) -> services.PermitInput:
        data: dict[str, Any] = self.cleaned_data
        return services.PermitInput(
            ground_personal_situation="personal_situation" in data["grounds"],
            ground_proceedings="proceedings" in data["grounds"],
            permit_type=data["permit_type"],
            issued_on=data["issued_on"],
            expires_on=data["expires_on"],
            issuing_authority=data["issuing_authority"],
            reference=data["reference"],
        )


class RenewForm(forms.Form):
    renewed_on = forms.DateField(
        label=gettext_lazy("Renewed on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    new_expires_on = forms.DateField(label=gettext_lazy("New expiry date"), widget=_DATE_WIDGET)
    # The version read when the form was opened (optimistic locking, haven.lib.locking).
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )


class DetentionForm(forms.Form):
    prefix = "detention"
    started_on = forms.DateField(label=gettext_lazy("Held since"), widget=_DATE_WIDGET)
    place_type = forms.CharField(
        label=gettext_lazy("Kind of place"),
        max_length=200,
        help_text=gettext_lazy("For example: immigration detention centre, police cell."),
    )


class DetentionEndForm(forms.Form):
    prefix = "release"
    ended_on = forms.DateField(
        label=gettext_lazy("Released on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
