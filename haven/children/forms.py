"""Children forms: age assessment (R-10), guardian appointment (R-11), best interests (R-25, R-27),
family tracing (R-11) and dependants (R-27). The services decide the rules;
the forms only shape the input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.children import services
from haven.children.models import (
    AgeAssessmentMethod,
    AgeAssessmentResult,
    AppealOutcome,
    BestInterestsMatter,
    BestInterestsStage,
    DependantRelationship,
    EducationAccess,
    GuardianKind,
    HowHeard,
    TracingStatus,
)
from haven.lib import locking


class GuardianForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Appointed as"),
        choices=GuardianKind.choices,
        initial=GuardianKind.GUARDIAN,
        widget=forms.RadioSelect,
    )
    guardian_name = forms.CharField(label=_("Name of the guardian"), max_length=services.NAME_MAX)
    guardian_organisation = forms.ModelChoiceField(
        label=_("Organisation of the guardian"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("For example a guardian service or a child protection authority."),
    )
    appointed_on = forms.DateField(
        label=_("Appointed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    contact = forms.CharField(
        label=_("Contact of the guardian"), max_length=services.CONTACT_MAX, required=False
    )


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = forms.Textarea(attrs={"rows": 4})


class BestInterestsForm(forms.Form):
    """A best-interests assessment or determination (R-25), with the child's views (R-27)."""

    stage = forms.ChoiceField(
        label=_("What is recorded"),
        choices=BestInterestsStage.choices,
        initial=BestInterestsStage.ASSESSMENT,
        widget=forms.RadioSelect,
        help_text=_(
            "First an assessment. The determination is the formal decision; it needs an "
            "assessment of the same matter made before it."
        ),
    )
    matter = forms.ChoiceField(label=_("Decision about"), choices=BestInterestsMatter.choices)
    how_heard = forms.ChoiceField(
        label=_("How the child was heard"),
        choices=HowHeard.choices,
        initial=HowHeard.CONVERSATION,
        widget=forms.RadioSelect,
        help_text=_(
            "Every child has the right to be heard, in a way that suits their age and "
            "maturity. If the child was not heard, choose 'Not heard' and write why below."
        ),
    )
    child_views = forms.CharField(
        label=_("The child's views (or why the child was not heard)"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,  # the service says what is missing, in the child's terms
        help_text=_(
            "Write what the child said, wished or feared, in the child's own words where "
            "possible. Tell the child what will happen with what they say."
        ),
    )
    considerations = forms.CharField(
        label=_("What was weighed"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
        help_text=_("Safety, family, health, education, and the child's own wishes."),
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=services.TEXT_MAX, widget=_TEXT, required=False
    )
    favours_return = forms.TypedChoiceField(
        label=_("Is return in the child's best interests?"),
        choices=[("", _("Not a determination on return")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Only for a determination on return or a durable solution: a child's return "
            "plan cannot be approved without a determination that says yes (R-30)."
        ),
    )
    guardian_present = forms.BooleanField(
        label=_("The guardian or representative was present"), required=False
    )
    decided_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timezone.localdate)


class TracingStartForm(forms.Form):
    """Start tracing the family, only where it serves the child (R-11)."""

    best_interests_reason = forms.CharField(
        label=_("Why tracing the family is in the child's best interests"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
        help_text=_(
            "Trace a family only where it serves the child. Do not trace when contact "
            "could put the child or the family at risk."
        ),
    )
    traced_by = forms.ModelChoiceField(
        label=_("Organisation tracing the family"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    started_on = forms.DateField(label=_("Started on"), widget=_DATE, initial=timezone.localdate)


class TracingUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where the tracing stands"), choices=TracingStatus.choices, widget=forms.RadioSelect
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
        help_text=_(
            "Needed when the family was found or not found, and when tracing stopped "
            "because it is not in the child's best interests: say why."
        ),
    )
    updated_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timezone.localdate)
    # The version read when the form was opened (optimistic locking, haven.lib.locking).
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )


class DependantForm(forms.Form):
    """A child or other dependant of the person (R-27)."""

    relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=DependantRelationship.choices,
        initial=DependantRelationship.CHILD,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=services.NAME_MAX)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=_DATE, required=False)
    with_the_person = forms.BooleanField(
        label=_("Lives with the person now"), required=False, initial=True
    )
    education = forms.ChoiceField(
        label=_("School or education"),
        choices=EducationAccess.choices,
        initial=EducationAccess.NOT_ARRANGED,
        help_text=_(
            "A child of school age should have access to education within a reasonable time."
        ),
    )
    needs = forms.CharField(
        label=_("Their own needs"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
        help_text=_("For example care, health, counselling or language support."),
    )


class EducationForm(forms.Form):
    education = forms.ChoiceField(label=_("School or education"), choices=EducationAccess.choices)
    needs = forms.CharField(
        label=_("Their own needs"), max_length=services.TEXT_MAX, widget=_TEXT, required=False
    )
    # The version read when the form was opened (optimistic locking, haven.lib.locking).
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )


class AgeAssessmentForm(forms.Form):
    """An age assessment (R-10): a decision with its method, assessor, result, the
    person's own views and how they can appeal. Required texts are checked by the
    service, which says what is missing beside the field."""

    method = forms.ChoiceField(
        label=_("How the age was assessed"),
        choices=AgeAssessmentMethod.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Use the least intrusive method first. A medical examination is a last resort, "
            "with the person's informed consent."
        ),
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=AgeAssessmentResult.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Where doubt remains, the person is presumed to be a child. 'Adult (verified)' "
            "ends the child protections."
        ),
    )
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=_DATE)
    estimated_age_min = forms.IntegerField(
        label=_("Estimated age, from"), min_value=0, max_value=130, required=False
    )
    estimated_age_max = forms.IntegerField(
        label=_("Estimated age, to"), min_value=0, max_value=130, required=False
    )
    assessor_organisation = forms.ModelChoiceField(
        label=_("Organisation that assessed"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    assessor = forms.CharField(
        label=_("Assessor's name and role"),
        max_length=200,
        required=False,
        help_text=_("For an assessor outside Haven, for example a social worker or a doctor."),
    )
    person_views = forms.CharField(
        label=_("The person's own views on their age"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
    )
    reasons = forms.CharField(
        label=_("Reasons for the result"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
        help_text=_("The person is given these reasons."),
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=500, required=False)
    appeal_how = forms.CharField(
        label=_("How the person can appeal"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
        help_text=_("To whom, how, and with whose help."),
    )
    appeal_by = forms.DateField(label=_("Appeal by"), widget=_DATE, required=False)


class AgeNewInformationForm(forms.Form):
    """New information suggests the person is a child: presumed a child at once (R-10)."""

    reasons = forms.CharField(
        label=_("What suggests the person is a child"),
        max_length=services.TEXT_MAX,
        widget=_TEXT,
        required=False,
    )
    noted_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timezone.localdate)


class AgeAppealForm(forms.Form):
    appealed_on = forms.DateField(label=_("Appealed on"), widget=_DATE)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=AppealOutcome.choices,
        initial=AppealOutcome.PENDING,
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label=_("Outcome decided on"),
        widget=_DATE,
        required=False,
        help_text=_("Needed once the appeal is decided."),
    )
    # The version read when the form was opened (optimistic locking, haven.lib.locking).
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=locking.VERSION_MAX
    )
