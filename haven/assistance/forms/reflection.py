"""Reflection period forms: extend, and end early (R-15)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.assistance.models import ReflectionPeriod
from haven.assistance.services import reflection as services
from haven.lib import locking

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


TEXT_MAX = 10000


class ExtendForm(forms.Form):
    prefix = "extend"  # two forms on one page: distinct field names and ids
    days = forms.IntegerField(
        label=gettext_lazy("Extend by (days)"), min_value=1, max_value=services.MAX_EXTENSION_DAYS
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Date of the decision"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For example: serious physical or mental health needs, or a high risk of intimidation."
        ),
    )
    # The period's version read when the form was opened (optimistic locking, haven.lib.locking).
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )


class EndEarlyForm(forms.Form):
    prefix = "end"
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground"),
        choices=ReflectionPeriod.EarlyEndGround.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "CETS Art. 13(3) permits only these two grounds. No other reason can end the period."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Only the two grounds listed can end the period early.")
        },
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Date of the decision"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), max_length=200)
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
