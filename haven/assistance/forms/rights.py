"""Forms of the rights leaflet, the record of information given (R-24) and
interpretation (R-19(c))."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.assistance import rights
from haven.assistance.models import (
    InterpreterBooking,
    InterpreterSex,
    RightsForm,
    RightsItem,
    RightsVersion,
)
from haven.assistance.services import rights as services

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _leaflet_languages() -> list[tuple[str, str]]:
    return [(code, rights.language_name(code)) for code in rights.LANGUAGES]


class LeafletChoiceForm(forms.Form):
    """The leaflet's language and version (a GET form: no personal data in the URL)."""

    lang = forms.ChoiceField(
        label=gettext_lazy("Language of the leaflet"), choices=_leaflet_languages, required=False
    )
    version = forms.ChoiceField(
        label=gettext_lazy("Version"), choices=RightsVersion.choices, required=False
    )


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]


class RightsInformationForm(forms.Form):
    prefix = "given"
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Information given"),
        choices=RightsItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service refuses none, with its own message and code
    )
    given_on = forms.DateField(
        label=gettext_lazy("Given on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    language = forms.CharField(
        label=gettext_lazy("Language"),
        max_length=3,
        help_text=gettext_lazy("A two- or three-letter language code, for example vi."),
    )
    form = forms.ChoiceField(label=gettext_lazy("How"), choices=RightsForm.choices)
    version = forms.ChoiceField(label=gettext_lazy("Version"), choices=RightsVersion.choices)
    interpreter_organisation = forms.CharField(
        label=gettext_lazy("Interpreting organisation"), max_length=200, required=False
    )
    interpreter_name = forms.CharField(
        label=gettext_lazy("Interpreter's name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Stored encrypted."),
    )

    def rights_input(self) -> services.RightsInput:
        data: dict[str, Any] = self.cleaned_data
        return services.RightsInput(
            items=list(data["items"]),
            given_on=data["given_on"],
            language=data["language"],
            form=data["form"],
            version=data["version"],
            interpreter_organisation=data["interpreter_organisation"],
            interpreter_name=data["interpreter_name"],
        )


class InterpretationNeedForm(forms.Form):
    prefix = "need"
    needed = forms.TypedChoiceField(
        label=gettext_lazy("Does the person need an interpreter?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Language codes separated by commas, the preferred first."),
    )
    interpreter_sex = forms.ChoiceField(
        label=gettext_lazy("The person asked for an interpreter who is"),
        choices=InterpreterSex.choices,
        required=False,
    )

    def need_input(self) -> services.NeedInput:
        data: dict[str, Any] = self.cleaned_data
        return services.NeedInput(
            needed=bool(data["needed"]),
            languages=_codes(data["languages"]),
            interpreter_sex=data["interpreter_sex"],
        )


class InterpreterBookingForm(forms.Form):
    prefix = "booking"
    occasion = forms.ChoiceField(
        label=gettext_lazy("Occasion"), choices=InterpreterBooking.Occasion.choices
    )
    planned_on = forms.DateField(label=gettext_lazy("Planned on"), widget=_DATE_WIDGET)
    language = forms.CharField(
        label=gettext_lazy("Language"),
        max_length=3,
        help_text=gettext_lazy("A two- or three-letter language code, for example vi."),
    )
    interpreter_organisation = forms.CharField(
        label=gettext_lazy("Interpreting organisation"), max_length=200, required=False
    )
    interpreter_name = forms.CharField(
        label=gettext_lazy("Interpreter's name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Stored encrypted. Leave both empty while none is booked."),
    )
    interpreter_sex = forms.ChoiceField(
        label=gettext_lazy("Interpreter's sex"), choices=InterpreterSex.choices, required=False
    )

    def booking_input(self) -> services.BookingInput:
        data: dict[str, Any] = self.cleaned_data
        return services.BookingInput(
            occasion=data["occasion"],
            planned_on=data["planned_on"],
            language=data["language"],
            interpreter_organisation=data["interpreter_organisation"],
            interpreter_name=data["interpreter_name"],
            interpreter_sex=data["interpreter_sex"],
        )
