"""Consent pages under a case (R-20, R-40): the person's consents, recording one,
withdrawing one. Only the case lead's caseworkers and supervisors use them:
anyone outside the case team gets the case's 404, other team members a 403
with the reason. Also the helpers the case page uses to read a case for a
purpose (``?purpose=``) and to link here.

Refusing consent, to the police or anyone, changes nothing in the assistance
the person receives: no service reads consent for eligibility (R-18).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haven.access import errors as access_errors
from haven.access import selectors as access_selectors
from haven.access import services as access_services
from haven.accounts.current import request_user
from haven.accounts.models import User
from haven.cases import drafts, selectors
from haven.cases.forms import sharing as sharing_forms
from haven.cases.models import DraftKind
from haven.cases.views import drafts as draft_views
from haven.lib.errors import Conflict, InvalidInput
from haven.lib.views import domain_errors, form_error, local_next


def may_manage_consent(view: selectors.CaseView) -> bool:
    """Whether the case page links to the consents: the reader's organisation
    leads the case (every case-role reader of the lead gets this code for the
    statistical group, which every organisation type sees)."""
    return any(g.code == "case_lead" for g in view.groups)


@never_cache
@login_required
@domain_errors
def consent_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The person's consents, live and withdrawn, with a withdraw button on each live
    one; for a child, the views heard while no guardian was appointed."""
    user = request_user(request)
    case, context = selectors.case_get_with_context(user=user, case_id=case_id)
    consents = access_selectors.consent_list(
        user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    child_views = access_selectors.child_views_list(
        user=user, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    return render(
        request,
        "cases/consent_list.html",
        {
            "case": case,
            "consents": consents,
            "child_views": child_views,
            "treat_as_child": case.person.treat_as_child,
            "nav": "cases",
        },
    )


@never_cache
@login_required
@domain_errors
def consent_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record the person's consent (for a child, the guardian's, with the child's
    views). For a child without a guardian yet, nobody can consent: the page says
    so, records the child's own views instead and lists what can flow meanwhile
    (R-11, R-25). A kind of information no agreement lets flow to the recipient is
    named before saving, and saved only once the user confirms (R-47)."""
    user = request_user(request)
    # A form that records (a merged case, or emergency access, refuses before it shows).
    case, context = selectors.case_get_with_context(user=user, case_id=case_id, writing=True)
    access_selectors.consent_access_check(user=user, context=context)
    child = case.person.treat_as_child
    guardian = child and access_selectors.guardian_appointed(case_id=case.id)
    form = sharing_forms.ConsentForm(
        request.POST or None,
        child=child,
        guardian=guardian,
        recipients=access_selectors.consent_recipients(
            context=context, country=user.organisation.country if user.organisation else ""
        ),
        initial=sharing_forms.consent_initial(request.GET),
    )
    draft_id = draft_views.resume(request, form, kind=DraftKind.CONSENT)
    status = 200
    consent_list_url = reverse("cases:consent_list", args=[case.id])
    cannot_flow: list[access_selectors.CannotFlow] = []
    if request.method == "POST":
        status = 400  # a successful post redirects
        if form.is_valid() and form.views_only:
            try:
                access_services.child_views_record(
                    actor=user,
                    case_id=case.id,
                    person_id=case.person_id,
                    data_key=case.person.data_key,
                    child=child,
                    **form.child_views_arguments(),
                )
            except (InvalidInput, Conflict) as exc:
                form_error(form, exc)
            else:
                _draft_done(user, draft_id)
                messages.success(
                    request,
                    _(
                        "The child's views were recorded. They are not a consent: nothing is "
                        "shared on them."
                    ),
                )
                return redirect("cases:consent_list", case_id=case.id)
        elif form.is_valid():
            arguments = form.service_arguments()
            cannot_flow = access_selectors.consent_cannot_flow(
                context=context,
                purpose=arguments["purpose"],
                field_groups=arguments["field_groups"],
                **form.recipient_arguments(),
            )
            warned = form.warning_signature(cannot_flow)
            confirmed = (
                form.cleaned_data["confirm_cannot_flow"]
                and form.cleaned_data["warned_about"] == warned
            )
            if cannot_flow and not confirmed:
                status = 200  # not an error: a warning to confirm what it names
                form.warn(warned)
            else:
                try:
                    access_services.consent_record(
                        actor=user,
                        case_id=case.id,
                        person_id=case.person_id,
                        data_key=case.person.data_key,
                        child=child,
                        **arguments,
                    )
                except (InvalidInput, Conflict) as exc:
                    form_error(form, exc)
                else:
                    _draft_done(user, draft_id)
                    messages.success(request, _("The consent was recorded. It applies at once."))
                    # Back where the missing consent was found (the referral form), if
                    # the link said so; otherwise the case's consents.
                    return redirect(local_next(request) or consent_list_url)
    context_data = {
        "case": case,
        "form": form,
        "treat_as_child": child,
        "no_guardian": child and not guardian,
        "legal_basis_flows": (
            access_selectors.legal_basis_flows(context=context) if child and not guardian else []
        ),
        "cannot_flow": cannot_flow,
        "back_url": local_next(request) or consent_list_url,
        "nav": "cases",
        # The draft's address keeps the query (``next`` too): a resumed draft sent
        # returns where the missing consent was found, as the form would have.
        **draft_views.form_context(
            request, kind=DraftKind.CONSENT, draft_id=draft_id, case_id=case.id
        ),
    }
    return render(request, "cases/consent_new.html", context_data, status=status)


def _draft_done(user: User, draft_id: str) -> None:
    """Recorded: the draft the form was resumed from has done its work."""
    if draft_id:
        drafts.draft_delete(actor=user, draft_id=draft_id)


@login_required
@require_POST
@domain_errors
def consent_withdraw(
    request: HttpRequest, case_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    """Withdrawal takes effect at once: the next request of the recipient is refused."""
    user = request_user(request)
    case = selectors.case_get(user=user, case_id=case_id)
    consent = access_selectors.consent_get(user=user, consent_id=consent_id)
    if consent.case_id != case.id:
        raise access_errors.ConsentNotFound(
            _("No consent with this reference is available to you.")
        )
    try:
        access_services.consent_withdraw(
            actor=user, consent_id=consent.id, person_id=case.person_id
        )
    except access_errors.ConsentAlreadyWithdrawn as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consent was withdrawn. Sharing under it stopped at once."))
    return redirect("cases:consent_list", case_id=case.id)


urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/consents/", consent_list, name="consent_list"),
    path("<uuid:case_id>/consents/new/", consent_new, name="consent_new"),
    path(
        "<uuid:case_id>/consents/<uuid:consent_id>/withdraw/",
        consent_withdraw,
        name="consent_withdraw",
    ),
]
