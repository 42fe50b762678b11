"""The two versioned assessments of a case (R-21, R-19): the list with every
version, the form to record a new version, and one version's page. The
assessment field group, as the services and selectors decide it.

Hidden and missing cases give the same 404 (``domain_errors``); a refusal gives
the 403 page with its reason. The form posts and redirects, without JavaScript.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from haven.access.models import Purpose
from haven.accounts.current import request_user
from haven.assistance import catalogue
from haven.assistance.models import AssessmentKind, AssessmentTrigger
from haven.assistance.selectors import assessments as selectors
from haven.assistance.services import assessments as services
from haven.lib.errors import Conflict, HavenError, InvalidInput
from haven.lib.views import domain_errors

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


@never_cache
@login_required
@domain_errors
def assessment_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Both assessments of the case with every version, and any re-assessment due."""
    view = selectors.assessments_for_case(
        user=request_user(request), case_id=case_id, purpose=Purpose.ASSISTANCE
    )
    context = {"view": view, "case": view.case, "nav": "cases"}
    return render(request, "assistance/assessment_list.html", context)


@never_cache
@login_required
@domain_errors
def assessment_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """GET: the form, prefilled from the latest version; POST: record a new version."""
    user = request_user(request)
    kind = request.GET.get("kind", AssessmentKind.NEEDS)
    if kind not in AssessmentKind.values:
        kind = AssessmentKind.NEEDS
    view = selectors.assessments_for_case(user=user, case_id=case_id, purpose=Purpose.ASSISTANCE)
    history = next(k for k in view.kinds if k.kind == kind)
    sections = catalogue.sections_for(kind, child=view.case.person.treat_as_child)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        sections=sections,
        previous=history.latest,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assessment = services.assessment_record(
                    actor=user,
                    case_id=case_id,
                    kind=kind,
                    assessed_on=form.cleaned_data["assessed_on"],
                    sections=form.answers(),
                    person_view=form.cleaned_data["person_view"],
                    trigger=form.cleaned_data["trigger"],
                )
            except (InvalidInput, Conflict) as exc:
                form.add_domain_error(exc)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the %(kind)s was recorded.")
                    % {"version": assessment.version, "kind": history.kind_label.lower()},
                )
                return redirect("assistance:assessment_detail", assessment_id=assessment.id)
    context = {
        "view": view,
        "case": view.case,
        "history": history,
        "form": form,
        "nav": "cases",
    }
    return render(request, "assistance/assessment_new.html", context, status=status)


@never_cache
@login_required
@domain_errors
def assessment_detail(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """One version: each section with its level and note, and the person's view."""
    assessment = selectors.assessment_get(user=request_user(request), assessment_id=assessment_id)
    context = {
        "assessment": assessment,
        "is_needs": assessment.kind == AssessmentKind.NEEDS,
        "nav": "cases",
    }
    return render(request, "assistance/assessment_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/assessments/", assessment_list, name="assessments"),
    path("cases/<uuid:case_id>/assessments/new/", assessment_new, name="assessment_new"),
    path("assessments/<uuid:assessment_id>/", assessment_detail, name="assessment_detail"),
]
