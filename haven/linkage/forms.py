"""The identity the search before create reads, as the intake form posts it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.cases.hooks import IntakeIdentity
from haven.lib import cldr
from haven.linkage import selectors


class CheckForm(forms.Form):
    """The intake form's identity fields (same names), posted by the region as the
    caseworker types. A date that is not yet a whole date is left out, not refused:
    the check runs while the caseworker is still typing."""

    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    sex = forms.CharField(label=_("Sex"), max_length=20, required=False)
    date_of_birth = forms.CharField(label=_("Date of birth"), max_length=20, required=False)
    citizenships = cldr.CountriesField(label=_("Citizenships"), required=False)

    def identity(self) -> IntakeIdentity:
        data = self.cleaned_data
        return selectors.identity_typed(
            given_name=data["given_name"],
            family_name=data["family_name"],
            sex=data["sex"],
            date_of_birth=data["date_of_birth"],
            citizenships=",".join(data["citizenships"]),
        )
