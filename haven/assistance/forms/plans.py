"""Assistance plan, service and closing forms (R-19, R-20, R-22)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.assistance.catalogue import ServiceType
from haven.assistance.models import AmountPeriod, ClosureGround, ServiceOutcome
from haven.assistance.services import plans as services

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(
    label: Any,  # a lazy translation
    *,
    required: bool = True,
    today: bool = False,
) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=_DATE_WIDGET,
        required=required,
        initial=timezone.localdate if today else None,
    )


def _text(
    label: Any,
    *,
    required: bool = True,
    help_text: Any = "",  # lazy translations
) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=required,
        help_text=help_text,
    )


class ServiceForm(forms.Form):
    """One service: used alone (add a service) or as a row of the new plan."""

    service_type = forms.ChoiceField(
        label=gettext_lazy("Service"),
        choices=[("", gettext_lazy("(not used)")), *ServiceType.choices],
        required=False,  # a row of the plan is used when a service type is chosen
    )
    provider = forms.ChoiceField(label=gettext_lazy("Provided by"), required=False)
    starts_on = _date(gettext_lazy("Planned start"), required=False)
    ends_on = _date(gettext_lazy("Planned end"), required=False)
    note = _text(gettext_lazy("What it is, for this person"), required=False)
    consent_given = forms.BooleanField(
        label=gettext_lazy("The person agreed to this service"), required=False
    )
    consent_on = _date(gettext_lazy("Agreed on"), required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (financial support only)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        required=False,
        max_length=3,
        help_text=gettext_lazy("Three capital letters, for example EUR."),
    )
    amount_period = forms.ChoiceField(
        label=gettext_lazy("Paid"),
        choices=[("", "—"), *AmountPeriod.choices],
        required=False,
    )

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ChoiceField)  # noqa: S101 - declared above
        provider.choices = [("", "—"), *providers]

    @property
    def used(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("service_type"))

    def service_input(self) -> services.ServiceInput:
        data: dict[str, Any] = self.cleaned_data
        return services.ServiceInput(
            service_type=data["service_type"],
            provider_id=data["provider"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data["note"],
            consent_given=data["consent_given"],
            consent_on=data["consent_on"],
            amount=data["amount"],
            currency=data["currency"].strip().upper(),
            amount_period=data["amount_period"],
        )


class PlanForm(forms.Form):
    prefix = "plan"
    agreed_on = _date(gettext_lazy("Agreed with the person on"), today=True)
    person_view = _text(
        gettext_lazy("The person's view of the plan"),
        help_text=gettext_lazy("In their own words where possible (R-20)."),
    )


class AddServiceForm(ServiceForm):
    plan = forms.ChoiceField(label=gettext_lazy("Part of the plan"), required=False)

    def __init__(self, *args: Any, plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ChoiceField)  # noqa: S101 - declared above
        plan.choices = [("", gettext_lazy("(no plan)")), *plans]


class StartForm(forms.Form):
    prefix = "start"
    starts_on = _date(gettext_lazy("Starts on"), today=True)
    consent_on = _date(
        gettext_lazy("The person consented on"),
        required=False,  # the service refuses none, with its own words and code
    )


class CompleteForm(forms.Form):
    prefix = "complete"
    ends_on = _date(gettext_lazy("Completed on"), today=True)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=ServiceOutcome.choices)
    outcome_note = _text(gettext_lazy("Note on the outcome"), required=False)


class RefuseForm(forms.Form):
    prefix = "refuse"
    refused_on = _date(gettext_lazy("Refused on"), today=True)
    note = _text(
        gettext_lazy("What the person said"),
        required=False,
        help_text=gettext_lazy("A refusal has no consequence for any other assistance."),
    )


class StopForm(forms.Form):
    prefix = "stop"
    ends_on = _date(gettext_lazy("Stopped on"), today=True)
    note = _text(gettext_lazy("Why it stops"))


class CloseForm(forms.Form):
    prefix = "close"
    decided_on = _date(gettext_lazy("Decided on"), today=True)
    # the grounds come from a list; cooperation is never one.
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground for closing"),
        choices=ClosureGround.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "While the reflection period runs or the person is a presumed victim, only the "
            "person's own wish, their death or their leaving the country can close assistance. "
            "Assistance never depends on cooperating with the authorities."
        ),
    )
    reasons = _text(gettext_lazy("Reasons for closing"))
    exit_plan = _text(gettext_lazy("Exit plan"))
    person_view = _text(
        gettext_lazy("The person's view, in their words (required when it is their wish)"),
        required=False,
    )
    follow_up_on = _date(gettext_lazy("Follow up on"), required=False)


class ReopenForm(forms.Form):
    prefix = "reopen"
    reasons = _text(gettext_lazy("Reasons for reopening"))
