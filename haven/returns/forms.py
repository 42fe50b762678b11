"""Returns forms: country profiles, the return plan with its risk assessment (R-31),
acknowledging a warning, the moves of a plan, reintegration goals and follow-up
contacts (R-32). The services decide the rules; the forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.lib import locking
from haven.returns import profiles, services
from haven.returns.models import (
    ContactOutcome,
    GoalOutcome,
    ProceedingsStatus,
    ReceivingView,
    ReintegrationArea,
    RiskIndicator,
    RiskLevel,
    Voluntariness,
    WarningKind,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = forms.Textarea(attrs={"rows": 4})
_LINES = forms.Textarea(attrs={"rows": 3})
_NOT_RATED = [("", _("Not rated yet"))]


def _version() -> forms.IntegerField:
    # The version read when the form was opened (optimistic locking, haven.lib.locking).
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX)


def lines(value: str) -> list[str]:
    """One name a line, blank lines left out."""
    return [line.strip() for line in value.splitlines() if line.strip()]


class CountryProfileForm(forms.Form):
    """The national coordinator reviews a country of return's profile (R-31)."""

    name = forms.CharField(label=_("Country"), max_length=profiles.NAME_MAX)
    partner_organisations = forms.CharField(
        label=_("Partner organisations"),
        widget=_LINES,
        required=False,
        help_text=_("One a line."),
    )
    focal_points = forms.CharField(
        label=_("Focal points"),
        widget=_LINES,
        required=False,
        help_text=_("One role title a line: never the name of a person."),
    )
    known_risks = forms.CharField(
        label=_("Known risks"), widget=_TEXT, max_length=profiles.RISKS_MAX
    )
    willingness = forms.ChoiceField(
        label=_("Willingness to receive and protect"), choices=ReceivingView.choices
    )
    capacity = forms.ChoiceField(
        label=_("Capacity to protect and reintegrate"), choices=ReceivingView.choices
    )
    last_reviewed_on = forms.DateField(
        label=_("Reviewed on"), widget=_DATE, initial=timezone.localdate
    )
    version = _version()

    def profile(self) -> services.ProfileInput:
        data = self.cleaned_data
        return services.ProfileInput(
            name=data["name"],
            partner_organisations=lines(data["partner_organisations"]),
            focal_points=lines(data["focal_points"]),
            known_risks=data["known_risks"],
            willingness=data["willingness"],
            capacity=data["capacity"],
            last_reviewed_on=data["last_reviewed_on"],
        )


class ReturnPlanForm(forms.Form):
    """A return plan prepared with the person (R-31)."""

    country = forms.ChoiceField(label=_("Country of return"))
    wishes = forms.CharField(
        label=_("The person's wishes, in their own words"),
        widget=_TEXT,
        max_length=services.TEXT_MAX,
        error_messages={
            "required": _("Write the person's wishes about the return, in their own words.")
        },
        help_text=_("Where and to whom they want to go, what they fear, what they hope for."),
    )
    voluntariness = forms.ChoiceField(
        label=_("Does the person want to return?"),
        choices=Voluntariness.choices,
        widget=forms.RadioSelect,
        help_text=_("Return is preferably voluntary (Council of Europe Convention, Art. 16(2))."),
    )
    risk_retrafficking = forms.ChoiceField(
        label=_("Risk of re-trafficking"), choices=_NOT_RATED + RiskLevel.choices, required=False
    )
    risk_reprisals = forms.ChoiceField(
        label=_("Risk of reprisals"), choices=_NOT_RATED + RiskLevel.choices, required=False
    )
    risk_family = forms.ChoiceField(
        label=_("Risk from family involvement"),
        choices=_NOT_RATED + RiskLevel.choices,
        required=False,
    )
    risk_notes = forms.CharField(
        label=_("What the risks rest on"),
        widget=_TEXT,
        max_length=services.TEXT_MAX,
        required=False,
    )
    risk_assessed_on = forms.DateField(
        label=_("Risk assessment made on"),
        widget=_DATE,
        required=False,
        help_text=_("With the person. Rate every risk and date it: approval needs both."),
    )
    willingness = forms.ChoiceField(
        label=_("Receiving country's willingness (your view)"), choices=ReceivingView.choices
    )
    capacity = forms.ChoiceField(
        label=_("Receiving country's capacity to protect and reintegrate (your view)"),
        choices=ReceivingView.choices,
    )
    focal_point = forms.CharField(
        label=_("Focal point"),
        max_length=services.plans.NAME_MAX,
        required=False,
        help_text=_("A role title from the country's profile."),
    )
    partner_name = forms.CharField(
        label=_("Partner organisation in the country of return"),
        max_length=services.plans.NAME_MAX,
        required=False,
    )
    partner_organisation = forms.ModelChoiceField(
        label=_("The partner in Haven"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_(
            "When the partner works in Haven and is on the case team, the follow-ups after "
            "return go on its list; otherwise your organisation holds them."
        ),
    )
    contacts_police = forms.BooleanField(label=_("Police"), required=False)
    contacts_ngos = forms.BooleanField(label=_("NGOs"), required=False)
    contacts_lawyers = forms.BooleanField(label=_("Lawyers"), required=False)
    contacts_social_welfare = forms.BooleanField(label=_("Social welfare"), required=False)
    proceedings_status = forms.ChoiceField(
        label=_("Legal proceedings"), choices=ProceedingsStatus.choices
    )
    planned_on = forms.DateField(label=_("Planned date of return"), widget=_DATE, required=False)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # noqa: S101 - declared above
        country.choices = countries

    def plan(self) -> services.PlanInput:
        data = dict(self.cleaned_data)
        partner = data.pop("partner_organisation")
        data.pop("version", None)
        return services.PlanInput(**data, partner_organisation_id=partner.pk if partner else None)


class ReturnPlanEditForm(ReturnPlanForm):
    version = _version()


class AcknowledgeForm(forms.Form):
    """A named person goes ahead despite a warning, and writes why."""

    warning = forms.ChoiceField(choices=WarningKind.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the return goes ahead despite this"),
        widget=_TEXT,
        max_length=services.TEXT_MAX,
        required=False,
    )


class ReturnedForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Date the person returned"), widget=_DATE, initial=timezone.localdate
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the return is cancelled"),
        widget=_TEXT,
        max_length=services.TEXT_MAX,
        error_messages={"required": _("Write why the return is cancelled.")},
    )


class GoalForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=ReintegrationArea.choices)
    goal = forms.CharField(
        label=_("Goal"),
        widget=_LINES,
        max_length=services.TEXT_MAX,
        error_messages={"required": _("Write the goal.")},
    )


class GoalOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=GoalOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What came of it"), widget=_LINES, max_length=services.TEXT_MAX, required=False
    )
    version = _version()


class FollowUpForm(forms.Form):
    """A follow-up contact after return (R-32)."""

    contacted_on = forms.DateField(
        label=_("Date of the contact"), widget=_DATE, initial=timezone.localdate
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ContactOutcome.choices, widget=forms.RadioSelect
    )
    indicators = forms.MultipleChoiceField(
        label=_("Re-trafficking risk indicators found"),
        choices=RiskIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Notes"), widget=_TEXT, max_length=services.TEXT_MAX, required=False
    )
