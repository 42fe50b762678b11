"""Agreement (MoU) forms: they parse and check the shape of input;
``haven.access.services`` applies the rules (R-47).

Parties and flows are a fixed number of rows (formsets without JavaScript):
rows left empty are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.access import services
from haven.access.models import (
    Agreement,
    BreakGlass,
    BreakGlassReason,
    FieldGroup,
    LegalBasis,
    Purpose,
)
from haven.accounts.models import Organisation, OrgType
from haven.lib import cldr

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PARTY_ROWS = 4
FLOW_ROWS = 3

YES_NO = [
    ("yes", _("Yes: the person's consent is needed as well")),
    ("no", _("No: the law allows sharing without consent")),
]


class AgreementForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("As the reasons will show it, e.g. Helsinki police and NGO 2025."),
    )
    document_reference = forms.CharField(
        label=_("Signed document"),
        max_length=200,
        help_text=_("Where the signed agreement is kept: a registry number or archive reference."),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        required=False,
        help_text=_(
            "From the national coordinator's list. Needed when no consent is required, and "
            "for location or health to police, border guards and migration authorities."
        ),
        error_messages={"invalid_choice": _("Choose a legal basis from the list.")},
    )
    consent_required = forms.TypedChoiceField(
        label=_("Is the person's consent needed?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"invalid_choice": _("Choose yes or no.")},
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=_DATE_WIDGET,
        required=False,
        help_text=_("The first day it no longer applies. Leave empty if open-ended."),
    )
    supersedes = forms.ChoiceField(
        label=_("Replaces"),
        required=False,
        help_text=_(
            "A change of terms is a new agreement: choose the agreement in effect it "
            "replaces. The old one ends when every party has approved the new one."
        ),
        error_messages={"invalid_choice": _("Choose an agreement in effect from the list.")},
    )

    def __init__(
        self,
        *args: Any,
        legal_bases: Sequence[LegalBasis] = (),
        replaceable: Sequence[Agreement] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["legal_basis"])
        field.choices = [("", _("None: the person's consent is needed"))] + [
            (str(b.id), f"{b.title} ({b.citation})") for b in legal_bases
        ]
        # Only agreements in effect that the proposer's organisation is party to.
        cast(forms.ChoiceField, self.fields["supersedes"]).choices = [
            ("", _("None: a new agreement")),
            *((str(a.pk), f"{a.name} ({a.document_reference})") for a in replaceable),
        ]

    def arguments(self) -> dict[str, Any]:
        """The service's arguments: the legal basis and the replaced agreement by
        their ids, or none."""
        data = dict(self.cleaned_data)
        data["legal_basis_id"] = data.pop("legal_basis") or None
        data["supersedes_id"] = data.pop("supersedes") or None
        return data


def _organisation_choices(organisations: Mapping[str, Organisation]) -> list[tuple[str, Any]]:
    return [("", _("None: name a type instead"))] + [
        (key, f"{o.name} ({o.country})") for key, o in organisations.items()
    ]


class _OneOrganisationOrType(forms.Form):
    """One organisation, or every organisation of a type (in a country, if given)."""

    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )
    org_type = forms.ChoiceField(
        label=_("Or every organisation of the type"),
        choices=[("", _("None: name an organisation instead")), *OrgType.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a type from the list.")},
    )
    country = cldr.CountryField(
        label=_("In the country"),
        required=False,
        help_text=_("Empty: any country."),
    )

    def __init__(
        self, *args: Any, organisations: Mapping[str, Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        field = cast(forms.ChoiceField, self.fields["organisation"])
        field.choices = _organisation_choices(organisations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, org_type = data.get("organisation"), data.get("org_type")
        if organisation and org_type:
            self.add_error("org_type", _("Name an organisation or a type, not both."))
        elif not organisation and not org_type and "organisation" not in self.errors:
            self.add_error("organisation", _("Name an organisation or a type."))
        if organisation and data.get("country"):
            self.add_error("country", _("A country goes with a type, not an organisation."))
        return data

    def who(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["organisation"]:
            return {"organisation": self.organisations[data["organisation"]]}
        return {"org_type": data["org_type"], "country": data["country"]}


class PartyForm(_OneOrganisationOrType):
    def party(self) -> services.Party:
        return services.Party(**self.who())


class FlowForm(_OneOrganisationOrType):
    """A data-sharing clause: to this recipient, for these purposes, these groups."""

    purposes = forms.MultipleChoiceField(
        label=_("For the purposes"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one purpose.")},
    )
    field_groups = forms.MultipleChoiceField(
        label=_("Kinds of information"),
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of information.")},
    )

    def flow(self) -> services.Flow:
        data = self.cleaned_data
        return services.Flow(
            purposes=data["purposes"], field_groups=data["field_groups"], **self.who()
        )


Row = TypeVar("Row", bound=forms.Form)


class RowsFormSet(forms.BaseFormSet[Row]):
    """Fixed rows; rows left empty are ignored, and errors about the rows as a
    whole (from the service) are shown above them."""

    def filled(self) -> list[Row]:
        return [form for form in self.forms if form.has_changed()]

    def add_error(self, message: str) -> None:
        self.non_form_errors().append(message)


# formset_factory's stub returns the base class; these are the subclass it builds.
PartyFormSet = cast(
    type[RowsFormSet[PartyForm]],
    formset_factory(PartyForm, formset=RowsFormSet, extra=PARTY_ROWS, max_num=PARTY_ROWS),
)
FlowFormSet = cast(
    type[RowsFormSet[FlowForm]],
    formset_factory(FlowForm, formset=RowsFormSet, extra=FLOW_ROWS, max_num=FLOW_ROWS),
)


class AgreementEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=_DATE_WIDGET,
        initial=timezone.localdate,
        help_text=_("The first day it no longer applies: access under it stops that day."),
    )


class AgreementRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you refuse it?"),
        max_length=2000,
        strip=False,  # a blank reason reaches the service, which refuses it beside the field
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other parties read it. No details about any person."),
    )


class LegalBasisForm(forms.Form):
    title = forms.CharField(
        label=_("Short name"),
        max_length=200,
        help_text=_("As agreements and reasons will show it, e.g. Referral Act, identification."),
    )
    citation = forms.CharField(
        label=_("Citation"),
        max_length=300,
        help_text=_("The provisions: the law, its sections or articles (GDPR Art. 6 and 9)."),
    )
    allows_location_health_to_enforcement = forms.BooleanField(
        label=_(
            "It lets location and health reach police, border guards and migration "
            "authorities without consent"
        ),
        required=False,
    )


# --- break-glass (emergency access) ---------------------------------------------------------

BREAK_GLASS_TEXT_MAX = 10000


class BreakGlassForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Case reference"),
        max_length=32,
        help_text=_("As the case lead gave it, for example FI-2026-ABC234."),
    )
    reason = forms.ChoiceField(
        label=_("What is the emergency?"),
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for emergency access.")},
    )
    justification = forms.CharField(
        label=_("Why is this an emergency?"),
        max_length=BREAK_GLASS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Describe the emergency and why it cannot wait for the case lead. "
            "Do not write the person's name or any other details about them here."
        ),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was this use justified?"),
        choices=[
            (BreakGlass.Review.JUSTIFIED, _("Justified: it was a real emergency")),
            (BreakGlass.Review.NOT_JUSTIFIED, _("Not justified")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=BREAK_GLASS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you checked, and any follow-up. No details about the person."),
    )
