"""The forms of the standard exchange pages: which export, and the two imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_FILE_BYTES = 20 * 1024 * 1024


def _read(upload: Any) -> bytes:
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(_("This file is too large (20 MB at most)."))
    content: bytes = upload.read()
    return content


class HtcdsExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=gettext_lazy("File format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX")],
        initial="csv",
    )


class HtcdsImportForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("Sent by"),
        max_length=200,
        help_text=gettext_lazy("The organisation or state the file came from."),
    )
    file = forms.FileField(label=gettext_lazy("HTCDS file (CSV or XLSX)"))

    def clean_file(self) -> bytes:
        return _read(self.cleaned_data["file"])


class ReleaseImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Signed release file"))

    def clean_file(self) -> bytes:
        return _read(self.cleaned_data["file"])
