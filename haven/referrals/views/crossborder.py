"""Cross-border referral pages (R-13, R-48, R-50): the transfers list with its
acknowledgement state, the export form (the package downloads as a file), the
import in two steps (upload → preview → confirm; the package travels in the
POST, never on disk), the acknowledgement download, and the partner focal
points (system administrators register them; everyone sees the fingerprints).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.accounts.current import request_user
from haven.accounts.models import Role
from haven.lib.errors import Conflict, HavenError, InvalidInput, NotAllowed, NotFound
from haven.lib.views import domain_errors, forbidden
from haven.referrals import packages
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
    country = forms.CharField(label=gettext_lazy("Country (ISO code)"), max_length=2)
    focal_point_id = forms.CharField(label=gettext_lazy("Focal point id"), max_length=100)
    encryption_public_key = forms.CharField(
        label=gettext_lazy("Encryption public key"), max_length=100
    )
    signing_public_key = forms.CharField(label=gettext_lazy("Signing public key"), max_length=100)


def _add_error(form: forms.Form, exc: HavenError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _download(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
@domain_errors
def crossborder_list(request: HttpRequest) -> HttpResponse:
    """Transfers of the user's cases, with their acknowledgement state."""
    user = request_user(request)
    context = {
        "transfers": selectors.transfer_list(user=user),
        "configured": services.is_configured(),
        "nav": "referrals",
    }
    return render(request, "referrals/crossborder_list.html", context)


@never_cache
@login_required
@domain_errors
def crossborder_export(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the export form (case lead); POST: the package, as a file download."""
    user = request_user(request)
    if not services.is_configured():
        return forbidden(request, reason=_not_configured())
    options = selectors.export_options(user=user, case_id=case_id)
    form = ExportForm(request.POST or None, options=options)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                exported = services.crossborder_export(
                    actor=user,
                    case_id=case_id,
                    partner_id=form.cleaned_data["partner"],
                    stage=form.cleaned_data["stage"],
                    consent_id=form.cleaned_data["consent"],
                )
            except (InvalidInput, Conflict, NotAllowed, NotFound) as exc:
                _add_error(form, exc)
            else:
                name = f"haven-referral-{exported.transfer.package_id}.json"
                return _download(exported.package, name)
    context = {"case": options.case, "form": form, "nav": "cases"}
    return render(request, "referrals/crossborder_export.html", context, status=status)


def _not_configured() -> str:
    return _("Cross-border referral is not configured on this Haven.")


@never_cache
@login_required
@domain_errors
def crossborder_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (everything or nothing)."""
    user = request_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        context = {"form": form, "configured": services.is_configured(), "nav": "referrals"}
        return render(request, "referrals/crossborder_import.html", context, status=status)
    package = form.cleaned_data["package"]
    try:
        if request.POST.get("confirm") == "1":
            imported = services.crossborder_import(actor=user, package=package)
        else:
            received = services.crossborder_preview(actor=user, package=package)
            context = {"received": received, "package": package, "nav": "referrals"}
            return render(request, "referrals/crossborder_preview.html", context)
    except (InvalidInput, Conflict, NotAllowed, NotFound) as exc:
        _add_error(form, exc)
        context = {"form": form, "configured": services.is_configured(), "nav": "referrals"}
        return render(request, "referrals/crossborder_import.html", context, status=400)
    if imported.case is not None:
        messages.success(request, _("The case was created from the referral package."))
        return redirect("web:case_detail", case_id=imported.case.id)
    messages.success(request, _("The transfer is acknowledged."))
    return redirect("referrals:crossborder_list")


@never_cache
@login_required
@require_POST
@domain_errors
def crossborder_acknowledge(request: HttpRequest, transfer_id: uuid.UUID) -> HttpResponse:
    """The acknowledgement package of an imported referral, as a file download."""
    exported = services.crossborder_acknowledge(
        actor=request_user(request), transfer_id=transfer_id
    )
    header = packages.envelope_parse(exported.package).header
    return _download(exported.package, f"haven-acknowledgement-{header.package_id}.json")


@never_cache
@login_required
@domain_errors
def crossborder_partners(request: HttpRequest) -> HttpResponse:
    """Partner focal points with fingerprints; system administrators add them."""
    user = request_user(request)
    may_add = user.role == Role.SYSTEM_ADMIN
    form = PartnerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.partner_key_add(actor=user, **form.cleaned_data)
            except (InvalidInput, Conflict) as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("The partner focal point was registered."))
                return redirect("referrals:crossborder_partners")
    own = None
    if services.is_configured():
        own = services.own_keys()
    context = {
        "partners": selectors.partner_list(),
        "own": own,
        "form": form if may_add else None,
        "nav": "referrals",
    }
    return render(request, "referrals/crossborder_partners.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("crossborder/", crossborder_list, name="crossborder_list"),
    path("crossborder/import/", crossborder_import, name="crossborder_import"),
    path("crossborder/partners/", crossborder_partners, name="crossborder_partners"),
    path(
        "crossborder/<uuid:transfer_id>/acknowledge/",
        crossborder_acknowledge,
        name="crossborder_acknowledge",
    ),
    path(
        "cases/<uuid:case_id>/crossborder/export/",
        crossborder_export,
        name="crossborder_export",
    ),
]
