"""The forms of the cooperation page (R-18) and of the remedies pages (R-33 to R-37)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from haven.justice.models import (
    AssetStatus,
    ClaimSource,
    ClaimStatus,
    IsicSection,
    LegalAidStatus,
    MeasureDecision,
    MeasureFor,
    MeasureKind,
    OffenceKind,
    PartyAgeGroup,
    PartyKind,
    PartyRole,
    PartySex,
    PersonRole,
    ProceedingKind,
    ProceedingOutcome,
    ProceedingStage,
)
from haven.lib import cldr

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


# --- remedies: proceedings, protection, legal aid, compensation, non-punishment -------------

_TEXT_AREA = forms.Textarea(attrs={"rows": 4})


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=12, decimal_places=2, min_value=0
    )


Choices = list[tuple[str, str | Promise]]


def _running_stages() -> Choices:
    return [(v, label) for v, label in ProceedingStage.choices if v != ProceedingStage.ENDED]


class ProceedingForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of proceeding"), choices=ProceedingKind.choices
    )
    stage = forms.ChoiceField(label=gettext_lazy("Stage now"), choices=_running_stages)
    authority = forms.CharField(
        label=gettext_lazy("Court or authority"),
        help_text=gettext_lazy(
            "The court, prosecutor's office or authority: never a person's name."
        ),
        max_length=200,
    )
    person_role = forms.ChoiceField(
        label=gettext_lazy("The person's role"), choices=PersonRole.choices
    )
    started_on = forms.DateField(label=gettext_lazy("Started on"), widget=_DATE_WIDGET)


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label=gettext_lazy("New stage"), choices=ProceedingStage.choices)
    changed_on = forms.DateField(
        label=gettext_lazy("On"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        help_text=gettext_lazy("Only when the proceeding ends."),
        choices=[("", "—"), *ProceedingOutcome.choices],
        required=False,
    )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Measure"), choices=MeasureKind.choices)
    for_whom = forms.ChoiceField(label=gettext_lazy("For whom"), choices=MeasureFor.choices)
    asked_on = forms.DateField(
        label=gettext_lazy("Asked for on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )


class MeasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (v, label) for v, label in MeasureDecision.choices if v != MeasureDecision.PENDING
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )


class LegalAidStatusForm(forms.Form):
    free_aid = forms.ChoiceField(
        label=gettext_lazy("Free legal aid"), choices=LegalAidStatus.choices
    )
    applied_on = forms.DateField(
        label=gettext_lazy("Applied for on"), widget=_DATE_WIDGET, required=False
    )
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"), widget=_DATE_WIDGET, required=False
    )


class LegalAidForm(LegalAidStatusForm):
    counsel_organisation = forms.CharField(
        label=gettext_lazy("Counsel's organisation"),
        help_text=gettext_lazy("A law firm, a legal clinic or an NGO."),
        max_length=200,
        required=False,
    )
    counsel_name = forms.CharField(
        label=gettext_lazy("Lawyer's name"),
        help_text=gettext_lazy("Stored encrypted."),
        max_length=200,
        required=False,
    )
    proceeding = forms.ChoiceField(label=gettext_lazy("For the proceeding"), required=False)
    claim = forms.ChoiceField(label=gettext_lazy("For the compensation claim"), required=False)

    field_order = ["counsel_organisation", "counsel_name", "free_aid", "applied_on", "decided_on"]

    def __init__(self, *args: Any, proceedings: Choices, claims: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = ("", gettext_lazy("None in particular"))
        self.fields["proceeding"].choices = [none, *proceedings]  # type: ignore[attr-defined]
        self.fields["claim"].choices = [none, *claims]  # type: ignore[attr-defined]


class ClaimForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Claim"), choices=ClaimSource.choices)
    amount_claimed = _amount(gettext_lazy("Amount claimed"))
    currency = forms.CharField(label=gettext_lazy("Currency"), initial="EUR", max_length=3)
    filed_on = forms.DateField(
        label=gettext_lazy("Filed on"),
        help_text=gettext_lazy("Leave empty while the claim is being prepared."),
        widget=_DATE_WIDGET,
        required=False,
    )
    proceeding = forms.ChoiceField(label=gettext_lazy("In the proceeding"), required=False)

    def __init__(self, *args: Any, proceedings: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = ("", gettext_lazy("None"))
        self.fields["proceeding"].choices = [none, *proceedings]  # type: ignore[attr-defined]


class ClaimUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ClaimStatus.choices)
    amount_claimed = _amount(gettext_lazy("Amount claimed"))
    amount_awarded = _amount(gettext_lazy("Amount awarded"))
    amount_paid = _amount(gettext_lazy("Amount actually paid"))
    filed_on = forms.DateField(label=gettext_lazy("Filed on"), widget=_DATE_WIDGET, required=False)
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"), widget=_DATE_WIDGET, required=False
    )
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=_DATE_WIDGET, required=False)


class AssetForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Asset"),
        help_text=gettext_lazy("What it is (a bank account, a car, cash): never a person's name."),
        max_length=200,
    )
    estimated_value = _amount(gettext_lazy("Estimated value"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=AssetStatus.choices)


class AssetStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=AssetStatus.choices)


class CompelledOffenceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of offence"), choices=OffenceKind.choices)
    offence = forms.CharField(
        label=gettext_lazy("The offence"),
        help_text=gettext_lazy("What the person is suspected or accused of. Stored encrypted."),
        widget=_TEXT_AREA,
        max_length=2000,
    )
    link = forms.CharField(
        label=gettext_lazy("Its link to the exploitation"),
        help_text=gettext_lazy(
            "How the person was compelled: why the offence follows from being trafficked. "
            "Stored encrypted."
        ),
        widget=_TEXT_AREA,
        max_length=2000,
    )
    recorded_on = forms.DateField(
        label=gettext_lazy("Recorded on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )


# --- offenders and other parties (R-38) ---


class PartySearchForm(forms.Form):
    """Search before create: the parties already known under a name or a
    registration number (exact, once normalised)."""

    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    registration_number = forms.CharField(
        label=gettext_lazy("Company registration number"), required=False, max_length=60
    )


class PartyLinkForm(forms.Form):
    """The party's roles on this case, and for a natural person what perpetrators
    are counted by (R-44)."""

    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles in the process"),
        help_text=gettext_lazy(
            "A user is someone who knowingly used services the person was made to provide."
        ),
        choices=PartyRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex (a natural person)"),
        choices=PartySex.choices,
        initial=PartySex.UNKNOWN,
    )
    age_group = forms.ChoiceField(
        label=gettext_lazy("Age group (a natural person)"),
        choices=PartyAgeGroup.choices,
        initial=PartyAgeGroup.UNKNOWN,
    )
    citizenship = cldr.CountryField(
        label=gettext_lazy("Citizenship (a natural person)"), required=False
    )


class PartyNewForm(PartyLinkForm):
    """A party not known yet, with its roles on this case."""

    kind = forms.ChoiceField(
        label=gettext_lazy("The party is"), choices=PartyKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    registration_number = forms.CharField(
        label=gettext_lazy("Company registration number"), required=False, max_length=60
    )
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=500)
    sector = forms.ChoiceField(
        label=gettext_lazy("Sector (ISIC section)"),
        choices=[("", gettext_lazy("Not known")), *IsicSection.choices],
        required=False,
    )
    country = cldr.CountryField(label=gettext_lazy("Country"), required=False)

    field_order = [
        "kind",
        "name",
        "registration_number",
        "address",
        "sector",
        "country",
        "roles",
        "sex",
        "age_group",
        "citizenship",
    ]
