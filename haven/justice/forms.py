"""The form of the cooperation page (R-18)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

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
