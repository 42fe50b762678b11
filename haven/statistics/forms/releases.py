"""The Rapporteur's form to make a protected release."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.statistics import release_sources
from haven.statistics.services import releases as services


def table_choices() -> list[tuple[str, str]]:
    """Every registered table, as "dataset/table" with a readable label."""
    return [
        (f"{dataset.key}/{table.key}", f"{dataset.label}: {table.label}")
        for dataset in release_sources.DATASETS.values()
        for table in dataset.tables.values()
    ]


class ReleaseForm(forms.Form):
    table = forms.ChoiceField(label=gettext_lazy("Table"), choices=table_choices)
    year_from = forms.IntegerField(label=gettext_lazy("From year"), min_value=services.FIRST_YEAR)
    year_to = forms.IntegerField(label=gettext_lazy("To year"), min_value=services.FIRST_YEAR)
    epsilon = forms.DecimalField(
        label=gettext_lazy("Privacy loss ε"),
        min_value=services.EPSILON_MIN,
        max_digits=7,
        decimal_places=3,
        help_text=gettext_lazy(
            "Spent from the budget of every year released. Smaller is more private "
            "and more noisy; 0.5 keeps a year-by-form cell within about 1.5 of the truth."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("year_from", year - 4)
            self.initial.setdefault("year_to", year - 1)
            self.initial.setdefault("epsilon", Decimal("0.5"))

    def release_input(self) -> services.ReleaseInput:
        dataset, table = self.cleaned_data["table"].split("/", 1)
        return services.ReleaseInput(
            dataset=dataset,
            table=table,
            year_from=self.cleaned_data["year_from"],
            year_to=self.cleaned_data["year_to"],
            epsilon=self.cleaned_data["epsilon"],
        )
