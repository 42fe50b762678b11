"""Identification forms for indicator sets, screenings, decisions and reconsiderations:
they parse and check the shape of input; the services apply the rules (R-05 to R-10,
R-17)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.identification import letters
from haven.identification.models import (
    Audience,
    Indicator,
    IndicatorSet,
    ObservationSource,
    Outcome,
    ServedTo,
)
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.services.decisions import CHILD_RECIPIENTS, LEGAL_BASIS_MAX
from haven.lib.datatext import DataText

MAX_FILE_BYTES = 1_000_000  # the shipped file is 20 kB; a national file is of that order
MAX_NOTE = 2000
ACT_YES, ACT_NO, ACT_UNKNOWN = "yes", "no", "unknown"

STRENGTH_WORDS = {
    "S": _("strong indicator"),
    "M": _("medium indicator"),
    "W": _("weak indicator"),
}


class IndicatorSetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Indicator file"),
        help_text=_(
            "A YAML file with schema_version 1, shaped like the shipped ILO file. It is "
            "loaded all or nothing: any problem and no set changes. A changed set becomes "
            "a new version; screenings already made keep the version they used."
        ),
    )

    def clean_file(self) -> tuple[str, str]:
        """The file's name and its text."""
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 1 MB; an indicator file is much smaller."),
                code="too_large",
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text."), code="not_utf8") from None
        return upload.name or "upload.yaml", text


class SetChoiceForm(forms.Form):
    """Which set to screen with: only sets the person may be screened with (R-10)."""

    set = forms.ChoiceField(label=_("Indicator set"))

    def __init__(self, *args: Any, sets: Sequence[IndicatorSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["set"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [
            (s.key, f"{set_selectors.set_text(s, s.title)} ({s.key}, v{s.version})") for s in sets
        ]


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    strength_words: str
    checkbox: forms.BoundField
    source: forms.BoundField
    note: forms.BoundField

    @property
    def open(self) -> bool:
        """Unfold the optional note when it has text or an error (the source is always shown)."""
        return bool(self.note.value()) or bool(self.note.errors)


@dataclass(frozen=True)
class ElementRows:
    code: str
    name: DataText
    rows: list[IndicatorRow]


class ScreeningForm(forms.Form):
    """One checkbox per indicator of the set, each with a source and an optional note.

    Field names carry the indicator code: ``observed_DR-01``, ``source_DR-01``,
    ``note_DR-01``. Without JavaScript every row has all three fields.
    """

    # Its own id: the set chooser on the same page already has id_set.
    set = forms.CharField(widget=forms.HiddenInput(attrs={"id": "id_screening_set"}))

    def __init__(self, *args: Any, indicator_set: IndicatorSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator_set = indicator_set
        self.groups = set_selectors.indicators_by_element(indicator_set)
        self.fields["set"].initial = indicator_set.key
        for group in self.groups:
            for indicator in group.indicators:
                self._add_indicator(indicator)
        if indicator_set.audience == Audience.CHILDREN:
            self.fields["act_established"] = forms.ChoiceField(
                label=_("Is an act of trafficking established?"),
                help_text=_(
                    "For a child, no means (deception, coercion, abuse of vulnerability) are "
                    "needed: the act (recruitment, transport, transfer, harbouring or receipt "
                    "of the child) together with exploitation is enough (R-08). Answer "
                    "'not known yet' to count a deceptive or coercive recruitment indicator "
                    "(DR, CR) ticked below as the act; a vulnerability indicator alone is never "
                    "the act."
                ),
                choices=[
                    (ACT_UNKNOWN, _("Not known yet")),
                    (ACT_YES, _("Yes, the act is established")),
                    (ACT_NO, _("No")),
                ],
                initial=ACT_UNKNOWN,
                widget=forms.RadioSelect,
            )

    def _add_indicator(self, indicator: Indicator) -> None:
        code = indicator.code
        self.fields[f"observed_{code}"] = forms.BooleanField(
            label=f"{code} {set_selectors.set_text(self.indicator_set, indicator.label)}",
            required=False,
        )
        self.fields[f"source_{code}"] = forms.ChoiceField(
            label=_("Where does the information on %(code)s come from?") % {"code": code},
            choices=[("", _("Choose a source")), *ObservationSource.choices],
            required=False,  # required for a ticked indicator only: see clean()
            help_text=_("Required when %(code)s is ticked.") % {"code": code},
        )
        self.fields[f"note_{code}"] = forms.CharField(
            label=_("Note on %(code)s") % {"code": code},
            required=False,
            max_length=MAX_NOTE,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for group in self.groups:
            for indicator in group.indicators:
                code = indicator.code
                if data.get(f"observed_{code}") and not data.get(f"source_{code}"):
                    self.add_error(
                        f"source_{code}",
                        forms.ValidationError(
                            _("Say where the information on this indicator comes from."),
                            code="source_required",
                        ),
                    )
        return data

    def element_rows(self) -> list[ElementRows]:
        """The fields per element, for one fieldset each."""
        return [
            ElementRows(
                code=group.code,
                name=group.name,
                rows=[
                    IndicatorRow(
                        indicator=i,
                        strength_words=str(STRENGTH_WORDS.get(i.strength, i.strength)),
                        checkbox=self[f"observed_{i.code}"],
                        source=self[f"source_{i.code}"],
                        note=self[f"note_{i.code}"],
                    )
                    for i in group.indicators
                ],
            )
            for group in self.groups
        ]

    def observations(self) -> list[tuple[str, str, str]]:
        """(indicator code, source, note) for each ticked indicator."""
        data = self.cleaned_data
        return [
            (i.code, data[f"source_{i.code}"], data[f"note_{i.code}"])
            for group in self.groups
            for i in group.indicators
            if data.get(f"observed_{i.code}")
        ]

    def act_established_answer(self) -> bool | None:
        """True, False, or None for 'not known yet' (and for adults' sets)."""
        answer = self.cleaned_data.get("act_established", ACT_UNKNOWN)
        return {ACT_YES: True, ACT_NO: False}.get(answer)


# --- decisions and reconsiderations (R-10, R-17) -------------------------------------
# ``haven.identification.services.decisions`` applies the rules.

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_MAX = 10000


class DecisionForm(forms.Form):
    """One decision of the pathway; the decision type comes from the page's address."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose positive or negative.")},
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=LEGAL_BASIS_MAX,
        help_text=_(
            "The law or rule the decision rests on, e.g. the section of the act. "
            "The national pathway's is offered; change it when another applies."
        ),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Why this decision was made, in words that can be given to the person. "
            "Complete the template: it is not accepted unchanged."
        ),
    )
    served_to = forms.ChoiceField(
        label=_("Served on"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who receives the decision from the list.")},
    )

    def __init__(self, *args: Any, child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["served_to"])
        if child:
            # papers about a child never go to the child directly.
            field.choices = [(v.value, v.label) for v in CHILD_RECIPIENTS]
            field.initial = ServedTo.REPRESENTATIVE
            field.help_text = _(
                "The person is treated as a child: the decision goes to their guardian or "
                "representative, or to the local authority, never to the child directly."
            )
        else:
            field.choices = ServedTo.choices
            field.initial = ServedTo.PERSON


class ReconsiderationForm(forms.Form):
    requested_on = forms.DateField(
        label=_("Date of the request"), widget=_DATE_WIDGET, initial=timezone.localdate
    )
    grounds = forms.CharField(
        label=_("Grounds of the request"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the person, or someone for them, gives as the reason to look again."),
    )


class LetterLanguageForm(forms.Form):
    """The decision letter's language (a GET form: a language code, no personal data)."""

    lang = forms.ChoiceField(
        label=_("Language of the letter"),
        choices=lambda: [
            ("", _("The person's language, where Haven has it")),
            *letters.language_choices(),
        ],
        required=False,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
