"""Forms of the place pages: a place's details, a room, beds, a bed out of service,
and the weeks of the capacity history. The service checks the values; these forms
only shape what the browser sends."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.lib import cldr, locking
from haven.shelters import regions, rules
from haven.shelters.models import OutageReason, Place, PlaceKind, SecurityLevel
from haven.shelters.selectors import capacity
from haven.shelters.services import places as services

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPTS_LABELS = {
    rules.Accepts.WOMEN: gettext_lazy("Women"),
    rules.Accepts.MEN: gettext_lazy("Men"),
    rules.Accepts.TRANSGENDER: gettext_lazy("Transgender and non-binary people"),
    rules.Accepts.CHILDREN: gettext_lazy("Unaccompanied children"),
    rules.Accepts.FAMILIES: gettext_lazy("Families"),
}


class PlaceForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the place"),
        max_length=200,
        help_text=gettext_lazy("A name staff use, never the street address."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of place"), choices=PlaceKind.choices)
    region = forms.ChoiceField(label=gettext_lazy("Region"), choices=())
    accepts = forms.MultipleChoiceField(
        label=gettext_lazy("Takes in"),
        choices=list(ACCEPTS_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    wheelchair_access = forms.BooleanField(label=gettext_lazy("Wheelchair access"), required=False)
    disability_access = forms.BooleanField(
        label=gettext_lazy("Supports people with disabilities"), required=False
    )
    security_level = forms.TypedChoiceField(
        label=gettext_lazy("Security level"), choices=SecurityLevel.choices, coerce=int
    )
    languages = cldr.LanguagesField(label=gettext_lazy("Languages the staff speak"), required=False)
    staffed_hours = forms.CharField(
        label=gettext_lazy("Staffed hours"), max_length=200, required=False
    )
    emergency_contact = forms.CharField(
        label=gettext_lazy("Emergency contact"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The place's own line, never a person's private number."),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Location data: shown only to your organisation's staff."),
    )
    latitude = forms.FloatField(
        label=gettext_lazy("Latitude"),
        required=False,
        help_text=gettext_lazy("Decimal degrees, such as 60.17. Location data."),
    )
    longitude = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        help_text=gettext_lazy("Decimal degrees, such as 24.94. Location data."),
    )

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(name, name) for name in regions.regions(country)]

    @classmethod
    def for_place(cls, place: Place) -> PlaceForm:
        return cls(
            country=place.organisation.country,
            initial={
                **{name: getattr(place, name) for name in services.PLACE_FIELDS},
                "version": place.version,
            },
        )

    def place_input(self) -> services.PlaceInput:
        data: dict[str, Any] = dict(self.cleaned_data)
        data.pop("version", None)
        return services.PlaceInput(**data)


class PlaceEditForm(PlaceForm):
    """The same fields, and the version read when the form was opened."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )


class RoomForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the room"), max_length=100)


class BedsForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("Number of beds to add"),
        min_value=1,
        max_value=services.MAX_BEDS_AT_ONCE,
        initial=1,
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class OutageForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=OutageReason.choices)
    starts_on = forms.DateField(
        label=gettext_lazy("Out of service from"),
        required=False,
        widget=_DATE_WIDGET,
        help_text=gettext_lazy("Empty or today: from now. At most 30 days back."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Back in service on"),
        required=False,
        widget=_DATE_WIDGET,
        help_text=gettext_lazy("Empty: until you put it back."),
    )

    def starts_at(self) -> datetime | None:
        day = self.cleaned_data.get("starts_on")
        if day is None or day == timezone.localdate():
            return None
        return _start_of(day)

    def ends_at(self) -> datetime | None:
        day = self.cleaned_data.get("ends_on")
        return None if day is None else _start_of(day)


class WeeksForm(forms.Form):
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks of history"),
        min_value=1,
        max_value=capacity.MAX_WEEKS,
        required=False,
    )

    def weeks_or_default(self) -> int:
        value = self.cleaned_data.get("weeks") if self.is_valid() else None
        return value or capacity.DEFAULT_WEEKS
