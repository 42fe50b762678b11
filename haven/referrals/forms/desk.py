"""Forms of the coordination desk and of the public "report a concern" page.

They check shape and size only; the desk services hold the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from haven.accounts.models import Organisation, OrgType
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, ExploitationForm
from haven.lib import cldr
from haven.referrals.models import Channel, ConcernCloseReason, ConsultationTopic, ReporterSector
from haven.referrals.services import desk as services

_BLANK = [("", gettext_lazy("Not said"))]


class ReportForm(forms.Form):
    """The public page: only what happened is required (and, where Haven serves more
    than one country, which country's national coordinator it goes to)."""

    country = forms.ChoiceField(
        label=gettext_lazy("Which country is it about?"),
        help_text=gettext_lazy("Your report goes to that country's national coordinator."),
    )

    description = forms.CharField(
        label=gettext_lazy("What happened, or what did you see?"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Describe the situation: where and when, what made you worried. "
            "At most %(limit)d characters."
        )
        % {"limit": services.DESCRIPTION_MAX},
    )
    region = forms.CharField(
        label=gettext_lazy("Where (town or region)"),
        max_length=services.REGION_MAX,
        required=False,
    )
    sector = forms.ChoiceField(
        label=gettext_lazy("Where do you work?"),
        choices=_BLANK + list(ReporterSector.choices),
        required=False,
    )
    contact = forms.CharField(
        label=gettext_lazy("A way to reach you"),
        max_length=services.CONTACT_MAX,
        required=False,
        help_text=gettext_lazy(
            "Only if you want the national coordinator to be able to ask you more. "
            "You can leave this empty."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = services.report_countries()
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        named = [(code, f"{cldr.country_name(code)}: {names}") for code, names in countries.items()]
        named.sort(key=lambda choice: cldr.sort_key(choice[1]))
        field.choices = named
        if len(countries) < 2:  # one country (or none yet): nothing to ask
            field.required = False
            field.widget = forms.HiddenInput()
            field.initial = next(iter(countries), "")


class ConsultationForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How did they get in touch?"),
        choices=[c for c in Channel.choices if c[0] != Channel.PUBLIC_FORM],
    )
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=ConsultationTopic.choices)
    caller_org_type = forms.ChoiceField(
        label=gettext_lazy("Kind of organisation calling"),
        choices=_BLANK + list(OrgType.choices),
        required=False,
    )
    caller_organisation_name = forms.CharField(
        label=gettext_lazy("Organisation calling"), max_length=200, required=False
    )
    case_id = forms.UUIDField(
        label=gettext_lazy("Case id"),
        required=False,
        help_text=gettext_lazy("Only for a case your organisation is on. Leave empty otherwise."),
    )
    question = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Without a case: do not write names or anything that identifies a person."
        ),
    )
    advice = forms.CharField(
        label=gettext_lazy("Advice given"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=gettext_lazy(
            "Without a case: do not write names or anything that identifies a person."
        ),
    )
    routed_to = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Routed to"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Their staff are told that a consultation was routed to them."),
    )

    def __init__(self, *args: Any, coordinator: Organisation | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["routed_to"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = routable(coordinator)


class CaseFromDeskForm(forms.Form):
    """Intake's first facts, to open a case from a consultation or a report."""

    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=200, required=False)
    age_status = forms.ChoiceField(
        label=gettext_lazy("Age"), choices=AgeStatus.choices, initial=AgeStatus.UNCERTAIN
    )
    forms_of_exploitation = forms.MultipleChoiceField(
        label=gettext_lazy("Forms of exploitation"),
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def person(self) -> case_services.PersonInput:
        data: dict[str, Any] = self.cleaned_data
        return case_services.PersonInput(
            given_name=data["given_name"],
            family_name=data["family_name"],
            age_status=data["age_status"],
        )


class PeopleCountForm(forms.Form):
    """How many people the report is about: the page shows one row each (no JS)."""

    people = forms.IntegerField(
        label=gettext_lazy("How many people is the report about?"),
        min_value=1,
        max_value=services.PEOPLE_MAX,
        initial=1,
    )

    def count(self) -> int:
        return int(self.cleaned_data["people"]) if self.is_valid() else 1


class _PeopleFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Every row is a person, even one with no name and an uncertain age."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"empty_permitted": False}

    def people(self) -> list[services.PersonFound]:
        return [
            services.PersonFound(
                person=form.person(),
                forms_of_exploitation=form.cleaned_data["forms_of_exploitation"],
            )
            for form in self.forms
        ]


PeopleFormSet = forms.formset_factory(
    CaseFromDeskForm,
    formset=_PeopleFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=services.PEOPLE_MAX,
    validate_max=True,
    absolute_max=services.PEOPLE_MAX,
)
PEOPLE_PREFIX = "people"


def people_formset(data: Any = None, *, count: int = 1) -> Any:
    """The rows of "open cases from this report": bound to ``data`` or ``count`` empty."""
    if data is not None:
        return PeopleFormSet(data, prefix=PEOPLE_PREFIX)
    return PeopleFormSet(prefix=PEOPLE_PREFIX, initial=[{} for _row in range(count)])


def routable(coordinator: Organisation | None) -> QuerySet[Organisation]:
    """Where the desk may route: the other organisations of the coordinator's country
    (abroad goes through a cross-border package only)."""
    if coordinator is None:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(country=coordinator.country)
        .exclude(pk=coordinator.pk)
        .order_by("name")
    )


class AdviseForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=ConsultationTopic.choices)
    advice = forms.CharField(
        label=gettext_lazy("Triage advice"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    routed_to = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Routed to"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, coordinator: Organisation | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["routed_to"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = routable(coordinator)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why no action?"), choices=ConcernCloseReason.choices
    )
