"""Forms of the service directory: the search (GET) and an entry's details. The
service checks the values; these forms only shape what the browser sends."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from haven.assistance.catalogue import ServiceType
from haven.lib import cldr, locking
from haven.referrals.models import DirectoryEntry, TargetGroup
from haven.referrals.services import directory as services

ANY = [("", gettext_lazy("Any"))]


class DirectorySearchForm(forms.Form):
    need = forms.ChoiceField(
        label=gettext_lazy("Service needed"), choices=ANY + ServiceType.choices, required=False
    )
    region = forms.CharField(
        label=gettext_lazy("Region"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Services for the whole country are always included."),
    )
    language = cldr.LanguageField(label=gettext_lazy("Language"), required=False)
    target_group = forms.ChoiceField(
        label=gettext_lazy("For"), choices=ANY + TargetGroup.choices, required=False
    )

    def filters(self) -> dict[str, str | None]:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return {
            "need": data.get("need") or None,
            "region": data.get("region") or None,
            "language": data.get("language") or None,
            "target_group": data.get("target_group") or None,
        }


class DirectoryEntryForm(forms.Form):
    service_type = forms.ChoiceField(
        label=gettext_lazy("Type of service"), choices=ServiceType.choices
    )
    title = forms.CharField(label=gettext_lazy("Name of the service"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    region = forms.CharField(
        label=gettext_lazy("Region"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Leave empty if the service covers the whole country."),
    )
    languages = cldr.LanguagesField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("Every language the service works in."),
    )
    target_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hours = forms.CharField(label=gettext_lazy("Opening hours"), max_length=200, required=False)
    emergency_contact = forms.CharField(
        label=gettext_lazy("Emergency contact"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The service's own line, never a person's private number."),
    )
    capacity_notes = forms.CharField(
        label=gettext_lazy("Capacity notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    @classmethod
    def for_entry(cls, entry: DirectoryEntry) -> DirectoryEntryForm:
        return cls(
            initial={
                "service_type": entry.service_type,
                "title": entry.title,
                "description": entry.description,
                "region": entry.region,
                "languages": entry.languages,
                "target_groups": entry.target_groups,
                "hours": entry.hours,
                "emergency_contact": entry.emergency_contact,
                "capacity_notes": entry.capacity_notes,
            }
        )

    def entry_input(self) -> services.EntryInput:
        data: dict[str, Any] = dict(self.cleaned_data)
        data.pop("version", None)
        return services.EntryInput(**data)


class DirectoryEntryEditForm(DirectoryEntryForm):
    """The same fields, and the version read when the form was opened (optimistic
    locking, ``haven.lib.locking``)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )

    @classmethod
    def for_entry(cls, entry: DirectoryEntry) -> DirectoryEntryForm:
        form = super().for_entry(entry)
        form.initial["version"] = entry.version
        return form
