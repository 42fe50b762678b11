"""Referral and lead-transfer forms (R-47)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, User
from haven.referrals import targets
from haven.referrals.models import DeclineReason, DirectoryEntry
from haven.referrals.services import shared


def organisations_to_refer_to(user: User) -> QuerySet[Organisation]:
    """Organisations that may receive a referral: every other one in the user's country
    (not personal data). Abroad goes through a cross-border package only (R-48)."""
    country = user.organisation.country if user.organisation else ""
    return (
        Organisation.objects.filter(country=country)
        .exclude(pk=shared.parse_id(user.organisation_id))
        .order_by("name")
    )


def _entry_label(entry: DirectoryEntry) -> str:
    region = f" ({entry.region})" if entry.region else ""
    return f"{entry.organisation.name} — {entry.title}{region}"


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Refer to"), queryset=Organisation.objects.none()
    )
    directory_entry = forms.ModelChoiceField(
        label=gettext_lazy("Service (from the service directory)"),
        queryset=DirectoryEntry.objects.none(),
        required=False,
        help_text=gettext_lazy("Optional. It must be a service of the organisation chosen above."),
    )
    referral_type = forms.ChoiceField(label=gettext_lazy("Type of referral"))
    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose"), choices=Purpose.choices, initial=Purpose.ASSISTANCE
    )
    field_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Information the receiver will see once it accepts"),
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service refuses none, with its own message and code
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Message to the receiver"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=shared.MAX_TEXT,
        help_text=gettext_lazy("What the receiver needs to know to decide. It is encrypted."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations_to_refer_to(user)  # type: ignore[attr-defined]  # ModelChoiceField
        entry_field = self.fields["directory_entry"]
        assert isinstance(entry_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        entry_field.queryset = (
            DirectoryEntry.objects.filter(active=True)
            .exclude(organisation_id=shared.parse_id(user.organisation_id))
            .select_related("organisation")
            .order_by("organisation__name", "title")
        )
        entry_field.label_from_instance = _entry_label  # type: ignore[method-assign,assignment]  # Django's documented hook
        self.fields["referral_type"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            (t.key, t.shown_label()) for t in targets.referral_types().values()
        ]


class CheckForm(forms.Form):
    """The GET form that shows, per group, whether it can flow to an organisation."""

    to = forms.UUIDField()
    purpose = forms.ChoiceField(choices=Purpose.choices)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=shared.MAX_TEXT,
        help_text=gettext_lazy("Needed when the reason is 'other'."),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Your question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=shared.MAX_TEXT,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=shared.MAX_TEXT,
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=shared.MAX_TEXT,
    )


class EmptyForm(forms.Form):
    pass


class LeadTransferForm(forms.Form):
    to_organisation = forms.ChoiceField(label=gettext_lazy("New case lead"))
    reason = forms.CharField(
        label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class LeadDeclineForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why not"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class AccessRequestForm(forms.Form):
    """Ask the case lead for kinds of information hidden from you (issue 11)."""

    field_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Information you ask for"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service refuses none, with its own message and code
        help_text=gettext_lazy("Only what the person's consent would open for you."),
    )
    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose"), choices=Purpose.choices, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=gettext_lazy("Why you need it"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=shared.MAX_TEXT,
        help_text=gettext_lazy("The case lead reads it to decide. It is encrypted."),
    )

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field_groups"].choices = groups  # type: ignore[attr-defined]  # MultipleChoiceField


class AccessRefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why not"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=shared.MAX_TEXT,
        help_text=gettext_lazy("The organisation that asked is told. No details about the person."),
    )
