"""The statistics pages' one form: which reporting year to show (a GET form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.statistics.selectors import FIRST_YEAR


def default_year() -> int:
    """The last complete reporting year."""
    return timezone.localdate().year - 1


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Reporting year"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = timezone.localdate().year
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [(y, str(y)) for y in range(last, FIRST_YEAR - 1, -1)]
        field.initial = default_year()

    def chosen(self) -> int:
        """The year asked for, or the last complete one when none (or a bad one) was."""
        if self.is_bound and self.is_valid():
            return int(self.cleaned_data["year"])
        return default_year()
