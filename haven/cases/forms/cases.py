"""Case search, intake, narrative and status forms."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import AgeStatus, ExploitationForm, GenderIdentity, Sex
from haven.cases.services import PersonInput
from haven.cases.status import DECISION_STATUSES, TRANSITIONS, IdentificationStatus
from haven.lib import cldr

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_AGE = 120


class CaseSearchForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=32,
        required=False,
        help_text=_(
            "The start of a reference (FI-2026) or its end (the last characters, "
            "e.g. 7KQ2), or all of it. Capitals, spaces and dashes do not matter."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *IdentificationStatus.choices],
        error_messages={"invalid_choice": _("Choose a status from the list.")},
    )


class CaseIntakeForm(forms.Form):
    """Intake of a new person and case. Field names match ``PersonInput``."""

    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Other names or aliases"),
        max_length=500,
        required=False,
        help_text=_("Other names the person uses or has used, separated by commas."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=_DATE_WIDGET,
        help_text=_("Leave empty if not known, and give an estimated age instead."),
    )
    estimated_age_min = forms.IntegerField(
        label=_("Estimated age, lowest"), min_value=0, max_value=MAX_AGE, required=False
    )
    estimated_age_max = forms.IntegerField(
        label=_("Estimated age, highest"), min_value=0, max_value=MAX_AGE, required=False
    )
    age_status = forms.ChoiceField(
        label=_("Age status"),
        choices=AgeStatus.choices,
        initial=AgeStatus.UNCERTAIN,
        help_text=_(
            "Presumption of minority: when the age is uncertain and the person may be under 18, "
            "they are treated as a child until an age assessment shows otherwise. Haven applies "
            "this when the date of birth or the lowest estimated age is under 18."
        ),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    gender_identity = forms.ChoiceField(
        label=_("Gender identity"),
        choices=GenderIdentity.choices,
        initial=GenderIdentity.NOT_STATED,
        help_text=_("As the person describes themselves."),
    )
    citizenships = cldr.CountriesField(
        label=_("Citizenships"),
        required=False,
        help_text=_("Choose every country the person is a citizen of."),
    )
    # Two fields, because a list box sends its choices in list order: the first
    # language is the one the person is informed in (the person's report).
    first_language = cldr.LanguageField(label=_("First language"), required=False)
    other_languages = cldr.LanguagesField(
        label=_("Other languages"),
        required=False,
        help_text=_("Every other language the person speaks or understands."),
    )
    contact = forms.CharField(
        label=_("Contact details"),
        max_length=500,
        required=False,
        help_text=_("Phone, e-mail or messaging, as the person wants to be reached."),
    )
    current_location = forms.CharField(
        label=_("Current location"),
        max_length=500,
        required=False,
        help_text=_(
            "Where the person is staying now. Shown only to organisations that may see it."
        ),
    )
    health_notes = forms.CharField(
        label=_("Health notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=ExploitationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every form that applies. You can leave this empty if not yet known."),
    )
    narrative = forms.CharField(
        label=_("First narrative entry"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The person's account in their own words. It is told once and only added to."),
    )

    # What a search before create returned (the "already known?" region sets it).
    # Its errors are shown in that region, which carries the id the summary links to.
    search_token = forms.CharField(
        label=_("Is this person already known?"),
        required=False,
        max_length=500,
        widget=forms.HiddenInput,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first = data.get("first_language") or ""
        others = data.get("other_languages") or []
        data["languages"] = list(dict.fromkeys([first, *others] if first else others))
        return data

    def person_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(**{f.name: data[f.name] for f in dataclasses.fields(PersonInput)})


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Add to the narrative"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Entries are added below the earlier ones and cannot be changed later."),
    )


class TransitionForm(forms.Form):
    """A status change; the choices are the ones the transition table allows now."""

    to_status = forms.ChoiceField(
        label=_("New status"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("This status change is not allowed from the current status.")
        },
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=200,
        help_text=_(
            "The law or rule the decision rests on, e.g. the section of the act. "
            "The national pathway's is offered; change it when another applies."
        ),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this decision was made. The person can be given these reasons."),
    )

    def __init__(
        self, *args: Any, current_status: str, legal_basis: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].initial = legal_basis  # the pathway's default
        # Decision statuses come from an identification decision, never from here.
        allowed = TRANSITIONS.targets(IdentificationStatus(current_status)) - DECISION_STATUSES
        field = cast(forms.ChoiceField, self.fields["to_status"])
        field.choices = [(s.value, s.label) for s in IdentificationStatus if s in allowed]
