"""The needs and risk assessment form (R-21, R-19)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.assistance import catalogue
from haven.assistance.models import AssessmentTrigger
from haven.assistance.selectors import assessments as selectors
from haven.assistance.services import assessments as services
from haven.lib import locking
from haven.lib.errors import HavenError

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssessmentForm(forms.Form):
    """One fieldset per section (a level and a note), the person's own view, the
    date and, optionally, why it is assessed again."""

    assessed_on = forms.DateField(
        label=gettext_lazy("Assessed on"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    person_view = forms.CharField(
        label=gettext_lazy("The person's own view"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Write what the person said about their situation and what they want, "
            "or that they did not wish to say."
        ),
        error_messages={
            "required": gettext_lazy(
                "Write what the person said about their situation, or that they "
                "did not wish to say."
            )
        },
    )
    trigger = forms.ChoiceField(
        label=gettext_lazy("Why it is assessed"),
        choices=[("", gettext_lazy("Decided for you")), *AssessmentTrigger.choices],
        required=False,
        help_text=gettext_lazy(
            "Left empty: the first assessment, a re-assessment after a stage change "
            "while one is due, otherwise a review."
        ),
    )

    # The latest version the user started from (0 for none): optimistic locking.
    based_on_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=locking.VERSION_MAX
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        sections: tuple[catalogue.Section, ...],
        previous: selectors.AssessmentView | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.sections = sections
        levels = services.level_choices(kind)
        answered = {s.key: s for s in previous.sections} if previous else {}
        for section in sections:
            before = answered.get(section.key)
            self.fields[f"{section.key}_level"] = forms.ChoiceField(
                label=gettext_lazy("Level"),
                choices=levels.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a level for this section.")},
                initial=before.level if before else None,
            )
            self.fields[f"{section.key}_note"] = forms.CharField(
                label=gettext_lazy("Note"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=before.note if before else "",
            )
        self.fields["based_on_version"].initial = previous.version if previous else 0
        if previous:
            self.fields["person_view"].initial = previous.person_view

    def fieldsets(self) -> list[dict[str, Any]]:
        return [
            {
                "key": s.key,
                "label": s.label,
                "level": self[f"{s.key}_level"],
                "note": self[f"{s.key}_note"],
            }
            for s in self.sections
        ]

    def answers(self) -> dict[str, tuple[str, str]]:
        data: dict[str, Any] = self.cleaned_data
        return {
            s.key: (data.get(f"{s.key}_level") or "", data.get(f"{s.key}_note") or "")
            for s in self.sections
        }

    def add_domain_error(self, exc: HavenError) -> None:
        name = exc.field if exc.field in self.fields else f"{exc.field}_level"
        self.add_error(name if name in self.fields else None, exc.message)
