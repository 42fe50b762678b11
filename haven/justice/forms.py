"""The form of the cooperation page (R-18)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.justice.models import IsicSection, PartyAgeGroup, PartyKind, PartyRole, PartySex
from haven.lib import cldr

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


class CooperationForm(forms.Form):
    cooperates_with_authorities = forms.ChoiceField(
        label=gettext_lazy("Does the person cooperate with the authorities?"),
        help_text=gettext_lazy("With an investigation, a prosecution or a trial."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    is_witness = forms.ChoiceField(
        label=gettext_lazy("Is the person a witness in criminal proceedings?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    recorded_on = forms.DateField(
        label=gettext_lazy("As of"), widget=_DATE_WIDGET, initial=timezone.localdate
    )


# --- offenders and other parties (R-38) ---


class PartySearchForm(forms.Form):
    """Search before create: the parties already known under a name or a
    registration number (exact, once normalised)."""

    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    registration_number = forms.CharField(
        label=gettext_lazy("Company registration number"), required=False, max_length=60
    )


class PartyLinkForm(forms.Form):
    """The party's roles on this case, and for a natural person what perpetrators
    are counted by (R-44)."""

    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles in the process"),
        help_text=gettext_lazy(
            "A user is someone who knowingly used services the person was made to provide."
        ),
        choices=PartyRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex (a natural person)"),
        choices=PartySex.choices,
        initial=PartySex.UNKNOWN,
    )
    age_group = forms.ChoiceField(
        label=gettext_lazy("Age group (a natural person)"),
        choices=PartyAgeGroup.choices,
        initial=PartyAgeGroup.UNKNOWN,
    )
    citizenship = cldr.CountryField(
        label=gettext_lazy("Citizenship (a natural person)"), required=False
    )


class PartyNewForm(PartyLinkForm):
    """A party not known yet, with its roles on this case."""

    kind = forms.ChoiceField(
        label=gettext_lazy("The party is"), choices=PartyKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    registration_number = forms.CharField(
        label=gettext_lazy("Company registration number"), required=False, max_length=60
    )
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=500)
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector (ISIC section)"),
        choices=[("", gettext_lazy("Not known")), *IsicSection.choices],
        required=False,
    )
    country = cldr.CountryField(label=gettext_lazy("Country"), required=False)

    field_order = [
        "kind",
        "name",
        "registration_number",
        "address",
        "sector",
        "country",
        "roles",
        "sex",
        "age_group",
        "citizenship",
    ]
