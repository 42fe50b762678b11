"""The interview form (R-14): what was told, who was present, and for a child the Barnahus route."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.accounts.models import OrgType
from haven.cases import selectors, services
from haven.cases.models import Premises

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


TEXT_MAX = 100000


_REPEAT_MESSAGE = gettext_lazy(
    "The person has been interviewed before: say why another interview is needed."
)


class InterviewForm(forms.Form):
    """One interview; the services apply the rules (R-14, R-28). A child's form
    has the Barnahus and representative fields; a repeat one asks for the reason."""

    held_on = forms.DateField(
        label=gettext_lazy("Date of the interview"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    reported_on = forms.DateField(
        label=gettext_lazy("Date of the report"),
        widget=_DATE_WIDGET,
        required=False,
        help_text=gettext_lazy(
            "When the offence or the need for protection was reported. Required for a child: "
            "the delay to the interview is counted from it."
        ),
    )
    justification = forms.CharField(
        label=gettext_lazy("Why another interview is needed"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The person has told their story before (listed above). Say what the earlier "
            "records do not answer, so that nobody asks again what is already written."
        ),
    )
    barnahus_route = forms.BooleanField(
        label=gettext_lazy(
            "Barnahus route: one forensic interview for all agencies together, in "
            "child-friendly premises"
        ),
        required=False,
    )
    interviewer_name = forms.CharField(label=gettext_lazy("Interviewer"), max_length=200)
    interviewer_role = forms.CharField(
        label=gettext_lazy("Interviewer's role"), max_length=200, required=False
    )
    training_evidence = forms.CharField(
        label=gettext_lazy("Interviewer's training"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "The training that qualifies the interviewer, e.g. a forensic interview course. "
            "Required for a child."
        ),
    )
    premises = forms.ChoiceField(label=gettext_lazy("Premises"), choices=Premises.choices)
    persons_present = forms.CharField(
        label=gettext_lazy("Persons present"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line, with their role."),
    )
    representative_present = forms.BooleanField(
        label=gettext_lazy("The child's representative was present"), required=False
    )
    representative_absence_reason = forms.CharField(
        label=gettext_lazy("Reasoned decision to interview without the representative"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    readers = forms.MultipleChoiceField(
        label=gettext_lazy("Agencies that may read the record"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Your organisation always may. Each agency also needs the narrative group under "
            "the sharing rules (consent or an agreement). With none ticked, the Barnahus "
            "route names the team's police, prosecutor, child protection and health "
            "organisations."
        ),
    )
    recording_reference = forms.CharField(
        label=gettext_lazy("Recording reference"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Where the video or audio recording is kept, if there is one."),
    )
    admissible_as_evidence = forms.NullBooleanField(
        label=gettext_lazy("Admissible as evidence"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    summary = forms.CharField(
        label=gettext_lazy("What was told"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
    )

    def __init__(self, *args: Any, listing: selectors.CaseInterviews, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readers = self.fields["readers"]
        assert isinstance(readers, forms.MultipleChoiceField)  # noqa: S101 - declared above
        readers.choices = [
            (str(o.id), f"{o.name} ({OrgType(o.org_type).label})") for o in listing.team
        ]
        if listing.interviews:
            # the service refuses it too; the form says so before anything is sent.
            self.fields["justification"].required = True
            self.fields["justification"].error_messages["required"] = _REPEAT_MESSAGE
        else:
            del self.fields["justification"]
        if listing.treat_as_child:
            # dated from the report, by trained professionals.
            self.fields["reported_on"].required = True
            self.fields["training_evidence"].required = True
        else:
            for name in (
                "barnahus_route",
                "representative_present",
                "representative_absence_reason",
            ):
                del self.fields[name]

    def interview_input(self) -> services.InterviewInput:
        data = self.cleaned_data
        return services.InterviewInput(
            held_on=data["held_on"],
            reported_on=data["reported_on"],
            interviewer_name=data["interviewer_name"],
            interviewer_role=data["interviewer_role"],
            training_evidence=data["training_evidence"],
            premises=data["premises"],
            persons_present=[p for p in data["persons_present"].splitlines() if p.strip()],
            readers=[uuid.UUID(r) for r in data["readers"]] or None,
            justification=data.get("justification", ""),
            barnahus_route=data.get("barnahus_route", False),
            representative_present=data.get("representative_present"),
            representative_absence_reason=data.get("representative_absence_reason", ""),
            recording_reference=data["recording_reference"],
            admissible_as_evidence=data["admissible_as_evidence"],
            summary=data["summary"],
        )
