"""The identity the search before create reads, as the intake form posts it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.cases.hooks import IntakeIdentity
from haven.lib import cldr
from haven.linkage import selectors


class CheckForm(forms.Form):
    """The intake form's identity fields (same names), posted by the region as the
    caseworker types. A date that is not yet a whole date is left out, not refused:
    the check runs while the caseworker is still typing."""

    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    sex = forms.CharField(label=_("Sex"), max_length=20, required=False)
    date_of_birth = forms.CharField(label=_("Date of birth"), max_length=20, required=False)
    citizenships = cldr.CountriesField(label=_("Citizenships"), required=False)

    def identity(self) -> IntakeIdentity:
        data = self.cleaned_data
        return selectors.identity_typed(
            given_name=data["given_name"],
            family_name=data["family_name"],
            sex=data["sex"],
            date_of_birth=data["date_of_birth"],
            citizenships=",".join(data["citizenships"]),
        )


REASON_HELP = _("Say why, without naming the person: the reason is kept with the decision.")


class PairDecisionForm(forms.Form):
    """The national coordinator's decision on a pair of the review queue."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("same", _("The same person: propose a merge")),
            ("not_same", _("Not the same person")),
        ],
        widget=forms.RadioSelect,
    )
    keep = forms.ChoiceField(
        label=_("Case that survives a merge"),
        choices=[
            ("", _("The case opened first")),
            ("a", _("Case A")),
            ("b", _("Case B")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )


class MergeDecisionForm(forms.Form):
    """A supervisor of the national coordinator approves or refuses a proposed merge."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: merge the cases")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )


class UnmergeForm(forms.Form):
    """A supervisor of the national coordinator reverses a merge."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )
