"""Forms of the sharing pages under a case: the purpose a case is read for, and
the person's consent. They parse and check the shape of input; the access
services apply the rules (R-11, R-18, R-20, R-25)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.access import selectors as access_selectors
from haven.access.models import FieldGroup, GivenBy, Purpose
from haven.accounts.models import Organisation, OrgType
from haven.lib import cldr

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_MAX = 10000
ORGANISATION, ORG_TYPE = "org:", "type:"

# What sharing means, in plain words: the worker adapts it to what was said.
INFORMATION_GIVEN = _(
    "We explained, in a language the person understands, that: the organisation named "
    "will be able to read the kinds of information chosen, and only for the purpose "
    "chosen; saying no changes nothing in the help and support they receive from us or "
    "anyone else; they can withdraw this consent at any time by telling us, and sharing "
    "then stops at once; every reading of their information is recorded, and they can "
    "ask to see who read it."
)


class PurposeForm(forms.Form):
    """``?purpose=`` on the case page: what the reader needs the data for."""

    purpose = forms.ChoiceField(
        label=_("Read for the purpose of"),
        choices=Purpose.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a purpose from the list.")},
        help_text=_("Sharing is decided per purpose; your reading is recorded with it."),
    )

    @property
    def chosen(self) -> Purpose:
        """The valid purpose asked for, else the default (assistance)."""
        if self.is_valid() and self.cleaned_data["purpose"]:
            return Purpose(self.cleaned_data["purpose"])
        return Purpose.ASSISTANCE


def purpose_form(data: Any) -> PurposeForm:
    """Bound to the query string; the select shows the default when none is asked for."""
    purpose = data.get("purpose", "")
    return PurposeForm({"purpose": purpose or Purpose.ASSISTANCE.value})


def _recipient_choices(recipients: access_selectors.Recipients) -> list[Any]:
    def named(orgs: list[Organisation]) -> list[tuple[str, str]]:
        return [(f"{ORGANISATION}{o.pk}", f"{o.name} ({o.get_org_type_display()})") for o in orgs]

    return [
        ("", _("Choose the recipient")),
        (_("Organisations on the case team"), named(recipients.team)),
        (_("Other organisations"), named(recipients.others)),
        (
            _("Every organisation of a type"),
            [(f"{ORG_TYPE}{value}", label) for value, label in OrgType.choices],
        ),
    ]


# For a child without a guardian yet: nobody can consent, the child's
# own views are recorded instead. Not a ``GivenBy`` value: it never makes a consent.
CHILD_VIEWS_ONLY = "child_views_only"
NO_GUARDIAN_YET = _(
    "No guardian or representative is appointed for this child yet, so nobody can give "
    "consent for them. Record the child's own views instead, or appoint a guardian first."
)


class ConsentForm(forms.Form):
    """One consent: to whom, for what, which groups, when, by whom, after what."""

    recipient = forms.ChoiceField(
        label=_("Shared with"),
        error_messages={"invalid_choice": _("Choose the recipient from the list.")},
        help_text=_("One organisation, or every organisation of a type."),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a purpose from the list.")},
    )
    field_groups = forms.MultipleChoiceField(
        label=_("Kinds of information"),
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of information.")},
    )
    given_on = forms.DateField(
        label=_("Date the consent was given"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    given_by = forms.ChoiceField(
        label=_("Given by"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who gave the consent.")},
    )
    child_views = forms.CharField(
        label=_("The child's own views"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the child said about sharing, in their words, recorded beside the "
            "guardian's decision. Leave empty if the child did not express a view."
        ),
    )
    language = cldr.LanguageField(label=_("Language the information was given in"))
    information_given = forms.CharField(
        label=_("Information given to the person"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        initial=INFORMATION_GIVEN,
        help_text=_("What the person was told before agreeing. Change it to what was said."),
    )
    # Shown once the kinds chosen include one no agreement lets flow.
    confirm_cannot_flow = forms.BooleanField(
        label=_(
            "Record it anyway: I understand that the kinds of information above will not "
            "be shared until a cooperation agreement lets them flow."
        ),
        required=False,
    )
    # What the warning named (recipient, purpose, kinds): the tick confirms only that.
    warned_about = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(
        self,
        *args: Any,
        child: bool,
        recipients: access_selectors.Recipients,
        guardian: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in (*recipients.team, *recipients.others)}
        cast(forms.ChoiceField, self.fields["recipient"]).choices = _recipient_choices(recipients)
        given_by = cast(forms.ChoiceField, self.fields["given_by"])
        if child and not guardian:
            # nobody can consent yet; the child's views are heard meanwhile.
            given_by.choices = [
                (
                    CHILD_VIEWS_ONLY,
                    _(
                        "Nobody yet: record only the child's own views. This is not a "
                        "consent, and nothing is shared on it."
                    ),
                )
            ]
            given_by.initial = CHILD_VIEWS_ONLY
            given_by.error_messages["invalid_choice"] = NO_GUARDIAN_YET
            given_by.help_text = NO_GUARDIAN_YET
            views = self.fields["child_views"]
            views.required = True
            views.help_text = _(
                "What the child said about sharing, in their words. It is kept with the "
                "consents and shown to the guardian once one is appointed."
            )
        elif child:
            # the guardian decides for a child; the child's views go beside it.
            given_by.choices = [(GivenBy.GUARDIAN.value, GivenBy.GUARDIAN.label)]
            given_by.initial = GivenBy.GUARDIAN
            given_by.help_text = _(
                "The person is treated as a child: their guardian or representative decides."
            )
        else:
            del self.fields["child_views"]
            given_by.choices = GivenBy.choices
            given_by.initial = GivenBy.PERSON

    @property
    def views_only(self) -> bool:
        """Whether the child's views are recorded without a consent (no guardian yet)."""
        return bool(self.cleaned_data.get("given_by") == CHILD_VIEWS_ONLY)

    def recipient_arguments(self) -> dict[str, Any]:
        """The service's recipient arguments, from the chosen option."""
        value: str = self.cleaned_data["recipient"]
        if value.startswith(ORGANISATION):
            return {"recipient_organisation": self.organisations[value.removeprefix(ORGANISATION)]}
        return {"recipient_org_type": value.removeprefix(ORG_TYPE)}

    def warning_signature(self, cannot_flow: Sequence[access_selectors.CannotFlow]) -> str:
        """What a warning about ``cannot_flow`` names: the recipient, the purpose
        and the kinds. A tick confirms a warning only while this stays the same."""
        kinds = ",".join(sorted(str(item.field_group) for item in cannot_flow))
        return f"{self.cleaned_data['recipient']}|{self.cleaned_data['purpose']}|{kinds}"

    def warn(self, signature: str) -> None:
        """Show the warning's confirmation again, unticked, bound to ``signature``."""
        data = cast(QueryDict, self.data).copy()  # bound to the request's POST
        data["warned_about"] = signature
        data.pop("confirm_cannot_flow", None)
        self.data = data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.recipient_arguments(),
            "purpose": data["purpose"],
            "field_groups": data["field_groups"],
            "given_on": data["given_on"],
            "given_by": data["given_by"],
            "language": data["language"],
            "information_given": data["information_given"],
            "child_views": data.get("child_views", ""),
        }

    def child_views_arguments(self) -> dict[str, Any]:
        """The arguments of ``child_views_record``, for a child without a guardian."""
        data = self.cleaned_data
        return {
            **self.recipient_arguments(),
            "purpose": data["purpose"],
            "field_groups": data["field_groups"],
            "heard_on": data["given_on"],
            "language": data["language"],
            "information_given": data["information_given"],
            "views": data["child_views"],
        }


def consent_initial(query: Any) -> dict[str, Any]:
    """What a link may choose in advance on the consent form (the referral form's
    "record the consent" link): the recipient, the purpose and the kinds of
    information, as ids and keys from the query string, never personal data.
    Anything unknown is left out; the worker still checks and saves."""
    initial: dict[str, Any] = {}
    recipient = str(query.get("recipient", ""))
    if recipient.startswith((ORGANISATION, ORG_TYPE)):
        initial["recipient"] = recipient
    if query.get("purpose") in Purpose.values:
        initial["purpose"] = query["purpose"]
    groups = [g for g in query.getlist("field_groups") if g in FieldGroup.values]
    if groups:
        initial["field_groups"] = groups
    return initial
