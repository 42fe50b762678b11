"""Forms of the group placement plan's pages. They check shape only; the plan
services hold the rules (``haven.shelters.services.plans``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from haven.shelters import regions
from haven.shelters.services import plans as services

RISK_CHOICES = [
    (1, gettext_lazy("1 — low")),
    (2, gettext_lazy("2 — raised")),
    (3, gettext_lazy("3 — high")),
]


class PlanForm(forms.Form):
    """A new plan: the incident's reference and the region of the place of danger."""

    incident = forms.CharField(
        label=gettext_lazy("Incident reference"),
        max_length=32,
        help_text=gettext_lazy(
            "The reference of the people found together, e.g. INC-FI-2026-AB12."
        ),
    )
    danger_region = forms.ChoiceField(
        label=gettext_lazy("Region of the place of danger"),
        required=False,
        help_text=gettext_lazy(
            "Places further from it are preferred. Only the region's centre is used."
        ),
    )

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", gettext_lazy("Not known"))]
        field = self.fields["danger_region"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
        field.choices = blank + [(name, name) for name in regions.regions(country)]


class PlanPersonForm(forms.Form):
    """A person's family label, risk level and needs, as the coordinator sets them."""

    family = forms.CharField(
        label=gettext_lazy("Family"),
        max_length=services.FAMILY_MAX,
        required=False,
        help_text=gettext_lazy(
            "People with the same label are one family: placed together or not at all."
        ),
    )
    risk_level = forms.TypedChoiceField(
        label=gettext_lazy("Risk level"),
        choices=RISK_CHOICES,
        coerce=int,
        help_text=gettext_lazy("A place serves a person whose risk is at most its security level."),
    )
    needs_wheelchair_access = forms.BooleanField(
        label=gettext_lazy("Needs wheelchair access"), required=False
    )
    needs_disability_access = forms.BooleanField(
        label=gettext_lazy("Needs access for people with disabilities"), required=False
    )
    person_agreed_on = forms.DateField(
        label=gettext_lazy("Agreed to be placed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The day the person agreed to the placement. Needed before the plan is sent."
        ),
    )


class SendForm(forms.Form):
    """Send the plan: the version the coordinator saw (a stale page is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MoveForm(forms.Form):
    """Put a person, with their whole family, in another place."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    place = forms.ChoiceField(label=gettext_lazy("Move to"))

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
        field.choices = places
