"""Cross-border transfer forms: export a package, import one, add a partner."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.lib import cldr
from haven.referrals.selectors import crossborder as selectors
from haven.referrals.services import crossborder as services

MAX_PACKAGE_BYTES = 2 * 1024 * 1024


STAGE_CHOICES = [
    (services.Stage.IDENTIFICATION, gettext_lazy("1. Identification")),
    (services.Stage.FIRST_ASSISTANCE, gettext_lazy("2. First assistance and protection")),
    (
        services.Stage.LONG_TERM_ASSISTANCE,
        gettext_lazy("3. Long-term assistance and social inclusion"),
    ),
    (services.Stage.RETURN, gettext_lazy("4. Return and social inclusion")),
    (services.Stage.PROCEEDINGS, gettext_lazy("5. Criminal and civil proceedings")),
]


class ExportForm(forms.Form):
    partner = forms.ChoiceField(label=gettext_lazy("Partner focal point"))
    stage = forms.ChoiceField(label=gettext_lazy("Stage (TRM)"), choices=STAGE_CHOICES)
    consent = forms.ChoiceField(
        label=gettext_lazy("Consent that covers the hand-over"),
        help_text=gettext_lazy(
            "A live consent for return or assistance, given for a national coordinator or "
            "an international organisation. Only the field groups it lists are sent."
        ),
    )

    def __init__(self, *args: object, options: selectors.ExportOptions, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        partner = self.fields["partner"]
        consent = self.fields["consent"]
        assert isinstance(partner, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(consent, forms.ChoiceField)  # noqa: S101 - declared above
        partner.choices = [
            (str(p.id), f"{p.organisation_name} ({p.country}) · {p.fingerprint}")
            for p in options.partners
        ]
        consent.choices = options.consents


class ImportForm(forms.Form):
    package_file = forms.FileField(label=gettext_lazy("Package file"), required=False)
    package = forms.CharField(
        label=gettext_lazy("Or paste the package"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("package_file")
        if upload is not None:
            if upload.size > MAX_PACKAGE_BYTES:
                raise forms.ValidationError(_("This file is too large for a package."))
            try:
                data["package"] = upload.read().decode("ascii")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("This file is not a Haven package.")) from None
        if not data.get("package"):
            raise forms.ValidationError(_("Choose a package file or paste the package."))
        return data


class PartnerForm(forms.Form):
    organisation_name = forms.CharField(label=gettext_lazy("Organisation"), max_length=200)
    country = cldr.CountryField(label=gettext_lazy("Country"))
    focal_point_id = forms.CharField(label=gettext_lazy("Focal point id"), max_length=100)
    encryption_public_key = forms.CharField(
        label=gettext_lazy("Encryption public key"), max_length=100
    )
    signing_public_key = forms.CharField(label=gettext_lazy("Signing public key"), max_length=100)
