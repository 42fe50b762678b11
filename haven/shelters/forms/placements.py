"""Placement forms: the search for a place, the proposal, and the moves of a
placement (decline, start, end, withdraw). The services decide; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup
from haven.referrals.models import DeclineReason
from haven.shelters import regions, rules
from haven.shelters.models import EndReason
from haven.shelters.selectors.placements import BedChoice
from haven.shelters.selectors.search import SearchInput
from haven.shelters.services import placements as services

MAX_TEXT = 5000
RISK_CHOICES = [(str(level), str(level)) for level in rules.LEVELS]


class SearchForm(forms.Form):
    """What the caseworker adds to the case to search (regions, never an address)."""

    danger_region = forms.ChoiceField(
        label=gettext_lazy("Region of the place of danger"),
        required=False,
        help_text=gettext_lazy("Places far from it are ranked safer. Only its region is used."),
    )
    services_region = forms.ChoiceField(
        label=gettext_lazy("Region of the services the plan needs"), required=False
    )
    risk_level = forms.TypedChoiceField(
        label=gettext_lazy("Risk level (1 low, 3 high)"),
        choices=RISK_CHOICES,
        coerce=int,
        initial="1",
        help_text=gettext_lazy(
            "The latest risk assessment's level is used when you may read it; you can "
            "raise it here, never lower it."
        ),
    )
    needs_wheelchair_access = forms.BooleanField(
        label=gettext_lazy("Needs wheelchair access"), required=False
    )
    needs_disability_access = forms.BooleanField(
        label=gettext_lazy("Needs support for a disability"), required=False
    )

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("Not known")), *((r, r) for r in regions.regions(country))]
        for name in ("danger_region", "services_region"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = choices

    def search_input(self) -> SearchInput:
        data = self.cleaned_data
        return SearchInput(
            danger_region=data["danger_region"],
            services_region=data["services_region"],
            risk_level=data["risk_level"],
            needs_wheelchair_access=data["needs_wheelchair_access"],
            needs_disability_access=data["needs_disability_access"],
        )


class ProposeForm(SearchForm):
    """Ask the place: the person's agreement, what the shelter will see, a message."""

    place = forms.UUIDField(widget=forms.HiddenInput)
    person_agreed_on = forms.DateField(
        label=gettext_lazy("The person agreed to this place on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,  # the service refuses a missing date with its own code
    )
    field_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Information the shelter will see once it accepts"),
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[str(g) for g in services.DEFAULT_FIELD_GROUPS],
        required=False,
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent (tonight)"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Message to the shelter"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        required=False,
        help_text=gettext_lazy("What the shelter needs to know to decide. It is encrypted."),
    )


class EmptyForm(forms.Form):
    pass


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        required=False,
        help_text=gettext_lazy("Needed when the reason is “other”."),
    )


class StartForm(forms.Form):
    bed = forms.ChoiceField(label=gettext_lazy("Bed"))
    started_on = forms.DateField(
        label=gettext_lazy("Moved in on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )

    def __init__(self, *args: Any, beds: list[BedChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bed"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(str(b.id), b.name) for b in beds]
        self.fields["started_on"].initial = timezone.localdate()


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why it ended"), choices=EndReason.choices)
    ended_on = forms.DateField(
        label=gettext_lazy("Ended on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the shelter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        required=False,
    )
