"""Decision and reconsideration forms: they parse and check the shape of input;
``haven.identification.services.decisions`` applies the rules (R-10, R-17)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.identification.models import Outcome, ServedTo
from haven.identification.services.decisions import CHILD_RECIPIENTS, LEGAL_BASIS_MAX

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_MAX = 10000


class DecisionForm(forms.Form):
    """One decision of the pathway; the decision type comes from the page's address."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose positive or negative.")},
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=LEGAL_BASIS_MAX,
        required=False,
        help_text=_("The law or rule the decision rests on, e.g. the section of the act."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Why this decision was made, in words that can be given to the person. "
            "Complete the template: it is not accepted unchanged."
        ),
    )
    served_to = forms.ChoiceField(
        label=_("Served on"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who receives the decision from the list.")},
    )

    def __init__(self, *args: Any, child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["served_to"])
        if child:
            # papers about a child never go to the child directly.
            field.choices = [(v.value, v.label) for v in CHILD_RECIPIENTS]
            field.initial = ServedTo.REPRESENTATIVE
            field.help_text = _(
                "The person is treated as a child: the decision goes to their guardian or "
                "representative, or to the local authority, never to the child directly."
            )
        else:
            field.choices = ServedTo.choices
            field.initial = ServedTo.PERSON


class ReconsiderationForm(forms.Form):
    requested_on = forms.DateField(
        label=_("Date of the request"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    grounds = forms.CharField(
        label=_("Grounds of the request"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the person, or someone for them, gives as the reason to look again."),
    )
