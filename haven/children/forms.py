"""The guardian appointment form (R-11)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.children import services
from haven.children.models import GuardianKind


class GuardianForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Appointed as"),
        choices=GuardianKind.choices,
        initial=GuardianKind.GUARDIAN,
        widget=forms.RadioSelect,
    )
    guardian_name = forms.CharField(label=_("Name of the guardian"), max_length=services.NAME_MAX)
    guardian_organisation = forms.ModelChoiceField(
        label=_("Organisation of the guardian"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("For example a guardian service or a child protection authority."),
    )
    appointed_on = forms.DateField(
        label=_("Appointed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    contact = forms.CharField(
        label=_("Contact of the guardian"), max_length=services.CONTACT_MAX, required=False
    )
