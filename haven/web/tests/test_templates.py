"""Smoke test: every template of the pages renders with a realistic context
(after Zulip's test_templates). A new template without an entry here fails.

Each context is the one its view passes, built the way the view builds it: rows
made through the real services and read back through the real selectors. A
``Scene`` makes what a context needs on first use, once per test, at a fixed
moment, so that a template test builds only its own few objects.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from haven.access import errors as access_errors
from haven.access import forms as access_forms
from haven.access import selectors as access_selectors
from haven.access import services as access_services
from haven.access import views as access_views
from haven.access.models import Agreement, BreakGlass, FieldGroup, GivenBy, Purpose
from haven.access.selectors import break_glass as break_glass_selectors
from haven.access.services import break_glass as break_glass_services
from haven.access.tests import factories as access_factories
from haven.access.tests.test_break_glass import JUSTIFICATION
from haven.access.views import break_glass as break_glass_views
from haven.accounts import forms as account_forms
from haven.accounts.models import ApiToken, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance import catalogue
from haven.assistance import errors as assistance_errors
from haven.assistance.forms import assessments as assessment_forms
from haven.assistance.forms import permits as permit_forms
from haven.assistance.forms import plans as plan_forms
from haven.assistance.forms import reflection as reflection_forms
from haven.assistance.forms import rights as rights_forms
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.selectors import case_page as case_page_selectors
from haven.assistance.selectors import permits as permit_selectors
from haven.assistance.selectors import plans as plan_selectors
from haven.assistance.selectors import reflection as reflection_selectors
from haven.assistance.selectors import rights as rights_selectors
from haven.assistance.services import assessments as assessment_services
from haven.assistance.services import permits as permit_services
from haven.assistance.services import plans as plan_services
from haven.assistance.services import reflection as reflection_services
from haven.assistance.services import rights as rights_services
from haven.assistance.tests.test_reflection_services import period_version
from haven.assistance.views import plans as plan_views
from haven.audit.services import actor_of
from haven.cases import drafts as case_drafts
from haven.cases import errors as case_errors
from haven.cases import forms as case_forms
from haven.cases import parts, selectors
from haven.cases import person_report as person_report_selectors
from haven.cases import services as case_services
from haven.cases.forms import interviews as interview_forms
from haven.cases.forms import sharing as sharing_forms
from haven.cases.models import AgeStatus, Case, DraftKind
from haven.cases.tests.factories import add_to_team, open_case, share_by_law
from haven.cases.tests.test_interviews_services import barnahus, child_interview, days_ago
from haven.cases.views import drafts as draft_views
from haven.cases.views import interviews as interview_views
from haven.cases.views import sharing as sharing_views
from haven.children import forms as children_forms
from haven.children import selectors as children_selectors
from haven.children import services as children_services
from haven.children.tests.factories import appoint_guardian, open_child_case
from haven.deadlines import kinds as deadline_kinds
from haven.deadlines import notify as referral_notify
from haven.deadlines import selectors as deadline_selectors
from haven.deadlines import services as deadline_services
from haven.deadlines import views as deadline_views
from haven.deadlines.tests.test_deadlines import at
from haven.identification import errors as identification_errors
from haven.identification import forms as identification_forms
from haven.identification.models import IdentificationDecision, IndicatorSet, Screening
from haven.identification.selectors import decisions as decision_selectors
from haven.identification.selectors import indicator_sets as set_selectors
from haven.identification.selectors import letters as letter_selectors
from haven.identification.selectors import screening as screening_selectors
from haven.identification.services import decisions as decision_services
from haven.identification.services import indicator_sets as set_services
from haven.identification.tests.factories import (
    INSUFFICIENT,
    load_shipped_sets,
    national_file,
    screen,
    text_of,
)
from haven.identification.tests.test_decisions_services import RG, TODAY, org_of, record
from haven.justice import forms as justice_forms
from haven.justice import selectors as justice_selectors
from haven.justice import selectors_parties as justice_parties
from haven.justice import services as justice_services
from haven.justice import services_remedies as justice_remedies
from haven.justice.tests import parties_setup
from haven.lib import views as lib_views
from haven.linkage import forms as linkage_forms
from haven.linkage import models as linkage_models
from haven.linkage import selectors as linkage_selectors
from haven.linkage import services as linkage_services
from haven.linkage.selectors import review as linkage_review_selectors
from haven.linkage.services import review as linkage_review
from haven.linkage.tests import factories as linkage_factories
from haven.linkage.tests.test_review import World as linkage_World
from haven.referrals import packages as crossborder_packages
from haven.referrals.forms import crossborder as crossborder_forms
from haven.referrals.forms import desk as desk_forms
from haven.referrals.forms import directory as directory_forms
from haven.referrals.forms import referrals as referral_forms
from haven.referrals.models import FocalPointKey, ReferralState
from haven.referrals.selectors import access_requests as access_request_selectors
from haven.referrals.selectors import case_page as referral_case_selectors
from haven.referrals.selectors import crossborder as crossborder_selectors
from haven.referrals.selectors import desk as desk_selectors
from haven.referrals.selectors import directory as directory_selectors
from haven.referrals.selectors import referrals as referral_selectors
from haven.referrals.services import access_requests as access_request_services
from haven.referrals.services import crossborder as crossborder_services
from haven.referrals.services import desk as desk_services
from haven.referrals.services import directory as directory_services
from haven.referrals.services import lead_transfers as lead_transfer_services
from haven.referrals.services import referrals as referral_services
from haven.referrals.tests.test_access_requests import agreement_needing_consent
from haven.referrals.views import referrals as referral_views
from haven.statistics import releases as statistics_releases
from haven.statistics import report as statistics_report
from haven.statistics import views as statistics_views
from haven.statistics import views_dashboards as statistics_dashboard_views
from haven.statistics.forms import tables as statistics_forms
from haven.statistics.forms.releases import ReleaseForm
from haven.statistics.models import Release
from haven.statistics.services import releases as release_services
from haven.statistics.tests import dp_helpers as statistics_helpers
from haven.web import composer, timeline
from haven.web import home as web_home

HAVEN = Path(__file__).resolve().parents[2]
# Every app's templates: a new app's pages are smoke-tested without editing this list.
TEMPLATE_DIRS = sorted(HAVEN.glob("*/templates"))

# Printed for a variable the context lacks: a context that drifted from its view fails.
MISSING = "MISSING[%s]"
NOW = at(TODAY)
# Far enough on for the screening review to be overdue, not the reflection period's end.
LATER = NOW + timedelta(days=20)

Context = dict[str, Any]


def template_names() -> set[str]:
    return {
        str(path.relative_to(directory))
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
    }


# --- the scene: objects made through the services on first use -----------------------------


@dataclass(frozen=True)
class Presumed:
    """A case screened twice, then presumed by a positive reasonable-grounds decision."""

    case: Case
    consistent: Screening
    insufficient: Screening  # opened a review task (R-09)


class Scene:
    """What the contexts need, on first use: an NGO leads the cases, the police
    on their team decide, a police supervisor decides on the reflection period."""

    def __init__(self) -> None:
        self.viewer: User | None = None  # whom the page is for, when not the case lead

    @property
    def reader(self) -> User:
        return self.viewer or self.lead

    @cached_property
    def lead(self) -> User:
        return make_user(org_type=OrgType.NGO)

    @cached_property
    def police(self) -> User:
        return make_user(org_type=OrgType.POLICE)

    @cached_property
    def supervisor(self) -> User:
        return make_user(
            org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(self.police)
        )

    @cached_property
    def outsider(self) -> User:
        """A police officer whose organisation is on no case team (break-glass)."""
        return make_user(org_type=OrgType.POLICE)

    @cached_property
    def outsider_supervisor(self) -> User:
        return make_user(
            org_type=OrgType.POLICE, role=Role.SUPERVISOR, organisation=org_of(self.outsider)
        )

    @cached_property
    def coordinator(self) -> User:
        """May load indicator sets (R-05)."""
        return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)

    @cached_property
    def sets(self) -> dict[str, IndicatorSet]:
        return load_shipped_sets()

    def new_case(self, **person: Any) -> Case:
        """A potential case led by the NGO, with the police on its team."""
        case = open_case(actor=self.lead, narrative="A synthetic account.", **person)
        add_to_team(case=case, organisation=org_of(self.police), by=self.lead)
        return case

    @cached_property
    def presumed(self) -> Presumed:
        """Its reflection period runs (R-03, R-15), extended once by the supervisor."""
        case = self.new_case()
        adults = self.sets["adults_labour"].key
        consistent = screen(actor=self.lead, case=case, set_key=adults, note="Seen at the site.")
        insufficient = screen(actor=self.lead, case=case, set_key=adults, codes=INSUFFICIENT)
        record(self.police, case)
        reflection_services.reflection_period_extend(
            actor=self.supervisor,
            case_id=case.id,
            days=10,
            reasons="Serious health needs.",
            version=period_version(case.id),
        )
        return Presumed(case, consistent, insufficient)

    @cached_property
    def refused(self) -> IdentificationDecision:
        """A negative reasonable-grounds decision that the person asked to reconsider (R-17)."""
        case = self.new_case()
        decision = record(self.police, case, outcome="negative", reasons="No account given yet.")
        decision_services.reconsideration_request(
            actor=self.lead, decision_id=decision.id, grounds="A new, credible account."
        )
        return decision


@pytest.fixture
def scene() -> Iterator[Scene]:
    with time_machine.travel(NOW, tick=False):
        yield Scene()


Builder = Callable[[Scene], Context]


# --- cases --------------------------------------------------------------------------------


def _case_context(scene: Scene) -> Context:
    # As web.views._case_page: the timeline and the panels reuse what case_read decided.
    user = scene.reader
    view = selectors.case_read(user=user, case_id=scene.presumed.case.id)
    legal = view.group(FieldGroup.LEGAL).allowed and not view.erased
    slots, _panel_context = composer.case_page_panels(
        parts.CasePage(user=user, view=view, purpose=Purpose.ASSISTANCE)
    )
    case_timeline = timeline.timeline_for(user=user, case_view=view)
    return {
        "panels": slots,
        **composer.case_page_layout(
            slots=slots, view=view, next_deadline=case_timeline.next_deadline
        ),
        "view": view,
        "case": view.case,
        "timeline": case_timeline,
        "narrative_form": case_forms.NarrativeForm(),
        "may_transition": legal,
        "may_see_decisions": legal,
        "may_screen": view.group(FieldGroup.ASSESSMENT).allowed and not view.erased,
        "reflection": reflection_selectors.reflection_period_summary_shown(case_view=view),
        "guardian": children_selectors.guardian_summary_shown(case_view=view),
        "child_care": children_selectors.child_summary_shown(case_view=view),
        "permits": permit_selectors.case_page_permits(case_view=view),
        "assessments": assessment_selectors.case_page_assessments(case_view=view),
        "assistance_plan": plan_selectors.case_page_plans(case_view=view),
        "cooperation": justice_selectors.case_page_cooperation(case_view=view),
        "remedies": justice_selectors.case_page_remedies(case_view=view, held=lambda _m: True),
        "case_referrals": referral_case_selectors.case_page_referrals(user=user, case_view=view),
        "may_add_narrative": view.group(FieldGroup.NARRATIVE).allowed and not view.erased,
        "interview_count": selectors.interview_count(case=view.case),
        "break_glass": case_page_selectors.case_view_under_break_glass(case_view=view),
        "may_report_for_person": person_report_selectors.person_report_offered(case_view=view),
        "purpose_form": sharing_forms.purpose_form({}),
        "may_manage_consent": sharing_views.may_manage_consent(view),
        "group": view.groups[0],
    }


def _list_context(scene: Scene) -> Context:
    open_case(actor=scene.lead)
    page = selectors.case_list_page(user=scene.lead, number=1, per_page=25)
    return {"form": case_forms.CaseSearchForm(), "page": page, "searching": False, "nav": "cases"}


def _group_context(group: FieldGroup) -> Builder:
    def build(scene: Scene) -> Context:
        context = _case_context(scene)
        return {**context, "data": context["view"].group(group).data}

    return build


def _drafts(scene: Scene, kind: str = DraftKind.CASE_OPEN, case_id: object = "") -> Context:
    """The draft controls and "Your drafts" of a form page, with one draft saved."""
    path = f"/cases/{case_id}/{kind}/new/" if case_id else "/cases/new/"
    case_drafts.draft_save(
        actor=scene.lead, kind=kind, path=path, fields={"given_name": ["Maria"]}, case_id=case_id
    )
    request = RequestFactory().get(path)
    request.user = scene.lead
    return draft_views.form_context(request, kind=kind, draft_id="", case_id=case_id)


def _invalid_intake(scene: Scene) -> Context:
    form = case_forms.CaseIntakeForm({"citizenships": "FIN", "age_status": "uncertain"})
    form.is_valid()
    return {"form": form, "field": form["citizenships"]}


def _report_context(scene: Scene) -> Context:
    case = open_case(actor=scene.lead)
    return {
        "case": case,
        "events": selectors.person_access_report(user=scene.lead, case_id=case.id),
    }


def _erasure_context(scene: Scene) -> Context:
    # As cases.views.erasure: a request waiting for the lead's supervisor, a refused
    # one, a hold in force and a lifted one, each form with an error beside its field.
    supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(scene.lead))
    case = open_case(actor=scene.lead)
    refused = case_services.erasure_request(
        actor=scene.lead, case_id=case.id, reason="other", note="Asked by letter."
    )
    case_services.erasure_refuse(actor=supervisor, request_id=refused.pk, reason="Court case.")
    case_services.erasure_request(actor=scene.lead, case_id=case.id, reason="person_asked")
    lifted = case_services.legal_hold_place(
        actor=supervisor, case_id=case.id, reason="proceedings", until=timezone.localdate()
    )
    case_services.legal_hold_lift(actor=supervisor, hold_id=lifted.pk)
    case_services.legal_hold_place(actor=supervisor, case_id=case.id, reason="investigation")
    page = selectors.erasure_page(user=supervisor, case_id=case.id)
    forms = [
        case_forms.ErasureRequestForm({"erasure-reason": "x"}),
        case_forms.ErasureRefuseForm({"refuse-reason": ""}),
        case_forms.LegalHoldForm({"hold-reason": "x"}),
    ]
    for form in forms:
        form.is_valid()
    request_form, refuse_form, hold_form = forms
    return {
        "page": page,
        "case": case,
        "request_form": request_form,
        "refuse_form": refuse_form,
        "hold_form": hold_form,
    }


def _report_section_context(scene: Scene) -> Context:
    context = _person_report_context(scene)
    return {**context, "section": context["report"].section("assistance")}


def _person_report_context(scene: Scene) -> Context:
    # As cases.views.person_report: the presumed case, with a withdrawn consent.
    case = scene.presumed.case
    consent = access_services.consent_record(
        actor=scene.lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        purpose="investigation",
        field_groups=[FieldGroup.NARRATIVE],
        given_on=TODAY,
        language="fi",
        information_given="What the police would read.",
        recipient_organisation=org_of(scene.police),
    )
    access_services.consent_withdraw(
        actor=scene.lead, consent_id=consent.id, person_id=case.person_id
    )
    report = composer.person_report_read(user=scene.lead, case_id=case.id)
    return {
        "report": report,
        "case_id": case.id,
        "error": "",
        "languages": [("en", "English"), ("fi", "Finnish")],
        "group": report.groups[0],
    }


def _interviews(scene: Scene) -> selectors.CaseInterviews:
    """A presumed child's Barnahus interview held late (R-28), then a second one,
    justified, without the representative (R-14); the police, who hold them, read."""
    t = barnahus()
    scene.viewer = t.police
    case_services.interview_record(
        actor=t.police, case_id=t.case.id, interview=child_interview(reported_on=days_ago(30))
    )
    case_services.interview_record(
        actor=t.police,
        case_id=t.case.id,
        interview=child_interview(
            justification="The first recording failed.",
            representative_present=False,
            representative_absence_reason="A reasoned decision of the court.",
        ),
    )
    return selectors.interview_list(user=t.police, case_id=t.case.id)


def _interview_list(scene: Scene) -> Context:
    listing = _interviews(scene)
    return {
        "case": listing.case,
        "listing": listing,
        "purpose_form": sharing_forms.purpose_form({}),
        "nav": "cases",
    }


def _interview_new(scene: Scene) -> Context:
    # A third interview, justified (R-14), without the representative and without the
    # reasons (R-28): the service refuses it beside the field.
    listing = _interviews(scene)
    data = {
        "held_on": days_ago(0).isoformat(),
        "reported_on": days_ago(2).isoformat(),
        "interviewer_name": "Interviewer One",
        "training_evidence": "Forensic child interview course",
        "premises": "child_friendly_premises",
        "summary": "A synthetic account.",
    }
    form = interview_forms.InterviewForm(
        {**data, "justification": "To ask about the recruiter."},
        listing=listing,
        initial=interview_views.initial_for(listing),
    )
    assert form.is_valid()
    with pytest.raises(case_errors.InvalidInput) as refused:
        case_services.interview_record(
            actor=scene.reader, case_id=listing.case.id, interview=form.interview_input()
        )
    form.add_error("representative_absence_reason", refused.value.message)
    return {"case": listing.case, "listing": listing, "form": form, "nav": "cases"}


def _interview_detail(scene: Scene) -> Context:
    listing = _interviews(scene)
    view = selectors.interview_get(user=scene.reader, interview_id=listing.interviews[1].id)
    return {"interview": view, "purpose_form": sharing_forms.purpose_form({}), "nav": "cases"}


def _interview_rows(scene: Scene) -> Context:
    listing = _interviews(scene)
    return {"interviews": listing.interviews, "purpose": listing.purpose}


def _interview_count(scene: Scene) -> Context:
    return {"case": scene.presumed.case, "interview_count": 2}


def _incident(scene: Scene) -> Context:
    case = scene.presumed.case
    shared = [selectors.LinkedCase(id=case.id, reference=case.reference)]
    return {"incident": selectors.IncidentView(uuid.uuid4(), "INC-FI-2026-TEST", shared, 2)}


def _transition_context(scene: Scene) -> Context:
    case = open_case(actor=scene.lead)
    return {"case": case, "form": case_forms.TransitionForm(current_status="potential")}


# --- identification: indicator sets ---------------------------------------------------------


def _indicator_set_list(scene: Scene) -> Context:
    # A national set in two versions beside the shipped ones: "in use" and "earlier".
    scene.viewer = scene.coordinator
    assert scene.sets
    changed = national_file()
    changed["sets"]["adults_criminality"]["title"] = "Adults, forced criminality (revised)"
    for data in (national_file(), changed):
        set_services.indicator_sets_load(
            actor=scene.coordinator, text=text_of(data), file_name="national.yaml"
        )
    return {
        "sets": list(set_selectors.indicator_set_list()),
        "may_upload": set_selectors.may_load_indicator_sets(scene.reader),
    }


def _indicator_set_detail(scene: Scene) -> Context:
    indicator_set = set_selectors.indicator_set_get(key=scene.sets["adults_labour"].key, version=1)
    return {
        "indicator_set": indicator_set,
        "groups": set_selectors.indicators_by_element(indicator_set),
        "source": set_selectors.source_view(indicator_set.source),
    }


def _indicator_set_upload(scene: Scene) -> Context:
    # A malformed file, refused as a whole with every problem (R-05).
    scene.viewer = scene.coordinator
    set_selectors.indicator_sets_load_check(user=scene.reader)
    bad = national_file()
    bad["sets"]["adults_criminality"]["indicators"]["DR"][0]["strength"] = "X"
    upload = SimpleUploadedFile("national.yaml", text_of(bad).encode())
    form = identification_forms.IndicatorSetUploadForm({}, MultiValueDict({"file": [upload]}))
    assert form.is_valid()
    file_name, text = form.cleaned_data["file"]
    with pytest.raises(identification_errors.IndicatorFileError) as refused:
        set_services.indicator_sets_load(actor=scene.reader, text=text, file_name=file_name)
    form.add_error("file", refused.value.message)
    return {"form": form, "problems": refused.value.problems}


# --- identification: screenings --------------------------------------------------------------


def _screening_detail(screening: Callable[[Presumed], Screening]) -> Builder:
    def build(scene: Scene) -> Context:
        view = screening_selectors.screening_get(
            user=scene.reader, screening_id=screening(scene.presumed).id
        )
        rule = view.screening.result.get("victim_rule", "")
        return {
            "view": view,
            "case": view.case,
            "indicator_set": view.indicator_set,
            "source": view.source,
            "outcome_words": screening_selectors.outcome_words(view.outcome),
            "rule_words": screening_selectors.victim_rule_words(rule),
        }

    return build


def _screening_list(scene: Scene) -> Context:
    listing = screening_selectors.screening_list(user=scene.reader, case_id=scene.presumed.case.id)
    used = {s.indicator_set.pk: s.indicator_set for s in listing.screenings}
    return {
        "case": listing.case,
        "rows": [(s, screening_selectors.outcome_words(s.outcome)) for s in listing.screenings],
        "provisional_sets": [
            {"indicator_set": row, "source": set_selectors.source_view(row.source)}
            for row in used.values()
            if row.provisional
        ],
        "may_screen": listing.may_screen,
    }


def _screening_new(scene: Scene) -> Context:
    # A presumed child (R-10), posted with a ticked indicator but no source.
    assert scene.sets
    case = scene.new_case(age_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD)
    sets = screening_selectors.screening_sets_for(case=case)
    suggested = screening_selectors.screening_suggested_set(case=case, sets=sets)
    assert suggested is not None
    indicator_set = set_selectors.indicator_set_get(key=suggested.key)
    form = identification_forms.ScreeningForm(
        {"set": indicator_set.key, "observed_DR-01": "on", "act_established": "unknown"},
        indicator_set=indicator_set,
    )
    assert not form.is_valid()
    usable = [s for s in sets if s.indicator_count]
    return {
        "case": case,
        "treat_as_child": case.person.treat_as_child,
        "indicator_set": indicator_set,
        "empty_sets": [s for s in sets if not s.indicator_count],
        "choice_form": identification_forms.SetChoiceForm(
            initial={"set": indicator_set.key}, sets=usable
        ),
        "source": set_selectors.source_view(indicator_set.source),
        "form": form,
        **_drafts(scene, DraftKind.SCREENING, case.id),
    }


# --- identification: decisions ----------------------------------------------------------------


def _decision_list(scene: Scene) -> Context:
    found = decision_selectors.decision_list(user=scene.reader, case_id=scene.refused.case_id)
    return {
        "case": found.case,
        "decisions": found.decisions,
        "pathway": found.pathway,
        "nav": "cases",
    }


def _decision_round(scene: Scene) -> Context:
    # A pathway reopened once, on a withdrawn case, offering to reopen it again (R-01).
    return {
        "case": scene.refused.case,
        "round": 2,
        "reopened_on": scene.refused.decided_on,
        "reopenable": True,
    }


def _screening_by_form(scene: Scene) -> Context:
    # R-05: a case with labour and sexual exploitation, screened with one set only.
    listing = screening_selectors.screening_list(user=scene.reader, case_id=scene.presumed.case.id)
    case = listing.case
    case.forms_of_exploitation = ["forced_labour", "sexual_exploitation"]
    by_form = screening_selectors.screenings_by_form(case=case, screenings=listing.screenings)
    return {"case": case, "by_form": by_form, "may_screen": True}


def _decision_detail(scene: Scene) -> Context:
    decision = decision_selectors.decision_get(user=scene.reader, decision_id=scene.refused.id)
    return {"decision": decision, "nav": "cases"}


def _decision_letter(scene: Scene) -> Context:
    # An unknown language asked for: refused beside the chooser (issue 11).
    letter = letter_selectors.decision_letter(user=scene.reader, decision_id=scene.refused.id)
    choice = identification_forms.LetterLanguageForm({"lang": "so"})
    choice.is_valid()
    return {"letter": letter, "decision": letter.decision, "choice_form": choice, "nav": "cases"}


def _decision_letter_print(scene: Scene) -> Context:
    letter = letter_selectors.decision_letter(
        user=scene.reader, decision_id=scene.refused.id, language="ru"
    )
    return {"letter": letter}


def _decision_new(scene: Scene) -> Context:
    # The police on a child's case post the positive template unchanged: refused (R-17).
    scene.viewer = scene.police
    case = scene.new_case(age_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD)
    options = decision_selectors.decision_options(user=scene.reader, case_id=case.id)
    option = options.option(RG)
    assert option is not None
    template = option.decision_type.reason_templates["positive"]
    form = identification_forms.DecisionForm(
        {
            "outcome": "positive",
            "decided_on": TODAY.isoformat(),
            "legal_basis": option.decision_type.legal_basis,
            "reasons": template,
            "served_to": "representative",
        },
        child=options.treat_as_child,
    )
    assert form.is_valid()
    with pytest.raises(identification_errors.ReasonsRequired) as refused:
        decision_services.decision_record(
            actor=scene.reader, case_id=case.id, decision_type=RG, **form.cleaned_data
        )
    form.add_error("reasons", refused.value.message)
    return {
        "case": options.case,
        "options": options,
        "option": option,
        "selected": RG,
        "outcome": "positive",
        "form": form,
        "pathway": options.pathway,
        "nav": "cases",
    }


def _reconsideration_new(scene: Scene) -> Context:
    # A second request while the first is open: refused beside the form (R-17).
    decision = decision_selectors.decision_get(user=scene.reader, decision_id=scene.refused.id)
    form = identification_forms.ReconsiderationForm(
        {"requested_on": TODAY.isoformat(), "grounds": "The same account again."}
    )
    assert form.is_valid()
    with pytest.raises(identification_errors.ReconsiderationNotAllowed) as refused:
        decision_services.reconsideration_request(
            actor=scene.reader, decision_id=decision.id, **form.cleaned_data
        )
    form.add_error(None, refused.value.message)
    return {"decision": decision, "form": form, "nav": "cases"}


def _pathway_notice(scene: Scene) -> Context:
    return {"pathway": _decision_list(scene)["pathway"]}


def _case_links(scene: Scene) -> Context:
    return {"case": scene.presumed.case, "may_screen": True}


# --- assistance ------------------------------------------------------------------------------


def _reflection_detail(scene: Scene) -> Context:
    # Ended early on a permitted ground, then a refused extension (R-15).
    scene.viewer = scene.supervisor
    case = scene.presumed.case
    reflection_services.reflection_period_end_early(
        actor=scene.supervisor,
        case_id=case.id,
        ground="public_order",
        reasons="A synthetic threat to public order.",
        legal_basis="Aliens Act, section 1",
    )
    extend_form = reflection_forms.ExtendForm(
        {
            "extend-days": "5",
            "extend-decided_on": TODAY.isoformat(),
            "extend-reasons": "Still recovering.",
            "extend-version": str(period_version(case.id)),
        }
    )
    assert extend_form.is_valid()
    with pytest.raises(assistance_errors.ReflectionNotRunning) as refused:
        reflection_services.reflection_period_extend(
            actor=scene.reader, case_id=case.id, **extend_form.cleaned_data
        )
    extend_form.add_error(None, refused.value.message)
    view = reflection_selectors.reflection_period_get(user=scene.reader, case_id=case.id)
    return {
        "view": view,
        "case": view.case,
        "extend_form": extend_form,
        "end_form": reflection_forms.EndEarlyForm(),
        "nav": "cases",
    }


def _reflection_summary(scene: Scene) -> Context:
    return {"case": scene.presumed.case, "reflection": _case_context(scene)["reflection"]}


def _deadline_list(scene: Scene) -> Context:
    # As the view builds its rows (annotations of my_deadlines, read with getattr there too).
    case = scene.presumed.case
    page = deadline_selectors.my_deadlines_page(
        user=scene.reader, now=LATER, number=1, per_page=deadline_views.PAGE_SIZE
    )
    rows = [
        deadline_views.DeadlineRow(
            task=task,
            case_reference=getattr(task, "case_reference", ""),
            what=deadline_selectors.what_is_due(task),
            overdue=bool(getattr(task, "overdue", False)),
            closed_by_record=str(deadline_kinds.closed_by_record(task.kind) or ""),
        )
        for task in page.object_list
    ]
    assert {row.case_reference for row in rows} == {case.reference}
    assert {row.overdue for row in rows} == {True, False}
    return {"page": page, "rows": rows, "overdue_only": False, "nav": "deadlines"}


def _notification_list(scene: Scene) -> Context:
    # The sweep reminds and escalates; one notification already read.
    case = scene.presumed.case
    deadline_services.deadlines_sweep(now=LATER)
    break_glass_services.break_glass_use(
        actor=scene.outsider,
        case_reference=case.reference,
        reason="medical_emergency",
        justification=JUSTIFICATION,
    )
    referral_notify.notify(
        recipients=[scene.reader], kind="referral", event="received", case=case, subject_id="1"
    )
    first = deadline_selectors.notifications_for(user=scene.reader).first()
    assert first is not None
    deadline_services.notifications_mark_read(user=scene.reader, notification_ids=[first.id])
    page = deadline_selectors.notifications_page(
        user=scene.reader, number=1, per_page=deadline_views.PAGE_SIZE
    )
    rows = [
        deadline_views.NotificationRow(
            notification=notification,
            case_reference=getattr(notification, "case_reference", ""),
            what=deadline_selectors.notification_what(notification),
            link=deadline_views.row_link(notification),
        )
        for notification in page.object_list
    ]
    assert {row.case_reference for row in rows} == {case.reference}
    assert {row.notification.kind for row in rows} >= {"break_glass", "reminder", "referral"}
    return {"page": page, "rows": rows, "nav": "deadlines"}


# --- assistance: break-glass ------------------------------------------------------------------


def _break_glass_use(scene: Scene) -> BreakGlass:
    """The outsider, a police officer off the team, breaks the glass on a case."""
    return break_glass_services.break_glass_use(
        actor=scene.outsider,
        case_reference=scene.presumed.case.reference,
        reason="medical_emergency",
        justification=JUSTIFICATION,
    )


def _break_glass_new(scene: Scene) -> Context:
    # Posted without a justification: refused beside the field.
    scene.viewer = scene.outsider
    form = access_forms.BreakGlassForm(
        {
            "case_reference": scene.presumed.case.reference,
            "reason": "person_missing",
            "justification": "Urgent.",
        }
    )
    assert form.is_valid()
    with pytest.raises(access_errors.JustificationRequired) as refused:
        break_glass_services.break_glass_use(actor=scene.reader, **form.cleaned_data)
    form.add_error("justification", refused.value.message)
    return {
        "form": form,
        "minutes": 60,
        "may_review": break_glass_selectors.may_review_break_glass(scene.reader),
        "nav": "break_glass",
    }


def _break_glass_review_list(scene: Scene) -> Context:
    _break_glass_use(scene)
    scene.viewer = scene.outsider_supervisor
    uses = break_glass_selectors.break_glass_review_list(user=scene.reader)
    page = Paginator(uses, break_glass_views.PAGE_SIZE).get_page(1)
    assert len(page) == 1
    return {"page": page, "now": NOW, "nav": "break_glass", "grant": page[0]}


def _break_glass_review(scene: Scene) -> Context:
    # Reviewed once; a second review is refused beside the form.
    grant = _break_glass_use(scene)
    scene.viewer = scene.outsider_supervisor
    access_services.break_glass_review(
        actor=scene.reader, grant_id=grant.id, justified=False, note="No emergency."
    )
    form = access_forms.ReviewForm({"outcome": "justified", "note": ""})
    assert form.is_valid()
    with pytest.raises(access_errors.BreakGlassReviewed) as refused:
        access_services.break_glass_review(actor=scene.reader, grant_id=grant.id, justified=True)
    form.add_error(None, refused.value.message)
    return {
        "grant": break_glass_selectors.break_glass_get(user=scene.reader, grant_id=grant.id),
        "form": form,
        "now": NOW,
        "own_use": False,
        "nav": "break_glass",
    }


def _break_glass_banner(scene: Scene) -> Context:
    _break_glass_use(scene)
    scene.viewer = scene.outsider
    context = _case_context(scene)
    assert context["break_glass"]
    return context


def _timeline(scene: Scene) -> Context:
    return {"timeline": _case_context(scene)["timeline"]}


# --- sharing: consents and agreements --------------------------------------------------------


def _consents(scene: Scene) -> Context:
    # A presumed child's live consent with the child's views, and a withdrawn one (R-25).
    # Before the guardian, the child's own views were heard (R-11).
    case = scene.new_case(age_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD)
    access_services.child_views_record(
        actor=scene.lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        child=True,
        views="Not my uncle.",
        purpose="investigation",
        field_groups=[FieldGroup.NARRATIVE],
        heard_on=TODAY,
        language="ti",
        information_given="What the police would read.",
        recipient_org_type=OrgType.POLICE,
    )
    appoint_guardian(actor=scene.lead, case=case)
    arguments: dict[str, Any] = {
        "actor": scene.lead,
        "case_id": case.id,
        "person_id": case.person_id,
        "data_key": case.person.data_key,
        "child": True,
        "given_by": GivenBy.GUARDIAN,
        "field_groups": [FieldGroup.NARRATIVE],
        "given_on": TODAY,
        "language": "ti",
        "information_given": "What the police would read, and that refusing changes no help.",
        "recipient_organisation": org_of(scene.police),
    }
    access_services.consent_record(
        **arguments, purpose="investigation", child_views="Only with my aunt present."
    )
    withdrawn = access_services.consent_record(**arguments, purpose="return")
    access_services.consent_withdraw(
        actor=scene.lead, consent_id=withdrawn.id, person_id=case.person_id
    )
    found, context = selectors.case_get_with_context(user=scene.lead, case_id=case.id)
    consents = access_selectors.consent_list(
        user=scene.lead, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    child_views = access_selectors.child_views_list(
        user=scene.lead, context=context, person_id=case.person_id, data_key=case.person.data_key
    )
    return {
        "case": found,
        "consents": consents,
        "child_views": child_views,
        "treat_as_child": True,
        "nav": "cases",
    }


def _consent(scene: Scene) -> Context:
    return {"item": _consents(scene)["consents"][0]}


def _child_views(scene: Scene) -> Context:
    return {"item": _consents(scene)["child_views"][0]}


def _consent_new(scene: Scene) -> Context:
    # A child's consent posted as given by the person: refused beside the field (R-11).
    case = scene.new_case(age_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD)
    _found, context = selectors.case_get_with_context(user=scene.lead, case_id=case.id)
    # No guardian yet (R-11): what can flow meanwhile, and a kind that cannot flow (R-47).
    form = sharing_forms.ConsentForm(
        {"recipient": f"type:{OrgType.POLICE}", "purpose": "investigation", "language": "x"},
        child=True,
        guardian=False,
        recipients=access_selectors.consent_recipients(context=context, country="FI"),
    )
    assert not form.is_valid()
    flow = access_selectors.LegalBasisFlow(
        agreement="Child welfare by law",
        legal_basis="Child Welfare Act, s. 25",
        recipient=org_of(scene.police).name,
        team_members=[org_of(scene.police).name],
        field_groups=["Identity"],
        purposes=["assistance"],
        ends_on=TODAY + timedelta(days=30),
    )
    cannot = access_selectors.CannotFlow(FieldGroup.LOCATION, "No agreement lets it flow.")
    return {
        "case": case,
        "form": form,
        "treat_as_child": True,
        "no_guardian": True,
        "legal_basis_flows": [flow],
        "cannot_flow": [cannot],
        "back_url": "/referral-check/",
        "nav": "cases",
        **_drafts(scene, DraftKind.CONSENT, case.id),
    }


def _agreement(scene: Scene) -> Agreement:
    """An open-ended agreement between the NGO and every police organisation in Finland."""
    proposed = access_services.agreement_propose(
        actor=make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN),
        name="Helsinki police and NGO 2025",
        document_reference="Registry 2025/7",
        valid_from=TODAY,
        parties=[
            access_services.Party(organisation=org_of(scene.lead)),
            access_services.Party(org_type=OrgType.POLICE, country="FI"),
        ],
        flows=[
            access_services.Flow(
                organisation=org_of(scene.police),
                purposes=["investigation"],
                field_groups=["narrative"],
            ),
            access_services.Flow(
                org_type=OrgType.POLICE, purposes=["identification"], field_groups=["legal"]
            ),
            access_services.Flow(
                org_type=OrgType.POLICE,
                country="FI",
                purposes=["identification"],
                field_groups=["identity"],
            ),
        ],
    )
    return access_factories.approve_by_every_party(proposed)


def _agreement_list(scene: Scene) -> Context:
    _agreement(scene)
    admin = make_user(org_type=OrgType.OTHER, role=Role.SYSTEM_ADMIN)
    page = Paginator(access_selectors.agreement_list(user=admin), access_views.PAGE_SIZE).get_page(
        1
    )
    rows = [(a, access_selectors.agreement_status(a)) for a in page]
    coordinator = access_factories.coordinator_admin("FI")
    access_services.agreement_propose(
        actor=coordinator,
        name="Police and shelters 2026 (proposed)",
        document_reference="Draft 2026/1",
        valid_from=TODAY,
        parties=[
            access_services.Party(org_type=OrgType.POLICE, country="FI"),
            access_services.Party(org_type=OrgType.SHELTER, country="FI"),
        ],
        flows=[
            access_services.Flow(
                org_type=OrgType.POLICE,
                country="FI",
                purposes=["assistance"],
                field_groups=["legal"],
            )
        ],
    )
    awaiting = access_selectors.agreements_awaiting(user=coordinator)
    assert awaiting
    return {
        "page": page,
        "rows": rows,
        "awaiting": awaiting,
        "keeps_legal_bases": True,
        "nav": "agreements",
    }


def _agreement_proposed(scene: Scene) -> Context:
    # A proposal waiting for the coordinator, refused once without a reason: the
    # approve and refuse forms, the refusal error beside its field.
    coordinator = access_factories.coordinator_admin("FI")
    agreement = access_services.agreement_propose(
        actor=coordinator,
        name="Police and shelters 2026 (proposed)",
        document_reference="Draft 2026/1",
        valid_from=TODAY,
        consent_required=False,
        legal_basis_id=access_factories.legal_basis().id,
        parties=[
            access_services.Party(org_type=OrgType.POLICE, country="FI"),
            access_services.Party(org_type=OrgType.SHELTER, country="FI"),
        ],
        flows=[
            access_services.Flow(
                org_type=OrgType.POLICE,
                country="FI",
                purposes=["assistance"],
                field_groups=["legal"],
            )
        ],
    )
    found = access_selectors.agreement_get(user=coordinator, agreement_id=agreement.id)
    refuse_form = access_forms.AgreementRefuseForm({"reason": ""})
    assert not refuse_form.is_valid()
    return {
        "agreement": found,
        "status": access_selectors.agreement_status(found),
        "to_approve": access_selectors.parties_to_approve(user=coordinator, agreement=found),
        "may_refuse": True,
        "may_end": False,
        "end_form": access_forms.AgreementEndForm(),
        "refuse_form": refuse_form,
        "nav": "agreements",
    }


def _agreement_refused(scene: Scene) -> Context:
    context = _agreement_proposed(scene)
    agreement = context["agreement"]
    coordinator = access_factories.coordinator_admin("FI")
    access_services.agreement_refuse(
        actor=coordinator, agreement_id=agreement.id, reason="The shelters were not consulted."
    )
    found = access_selectors.agreement_get(user=coordinator, agreement_id=agreement.id)
    return {
        **context,
        "agreement": found,
        "status": access_selectors.agreement_status(found),
        "to_approve": [],
        "may_refuse": False,
    }


def _legal_basis_list(scene: Scene) -> Context:
    # One active basis, one no longer offered, and a form with an error beside a field.
    access_factories.legal_basis(title="Referral Act", allows_location_health_to_enforcement=True)
    access_factories.legal_basis(title="Old Act", citation="Old Act, s. 1", active=False)
    coordinator = access_factories.coordinator_admin("FI")
    form = access_forms.LegalBasisForm({"title": "", "citation": "Act"})
    assert not form.is_valid()
    bases = list(access_selectors.legal_basis_list(user=coordinator))
    return {"bases": bases, "form": form, "nav": "agreements"}


def _agreement_detail(scene: Scene) -> Context:
    # Ended once, then a refused second end beside the date.
    admin = make_user(org_type=OrgType.OTHER, role=Role.SYSTEM_ADMIN)
    agreement = _agreement(scene)
    access_services.agreement_end(actor=admin, agreement_id=agreement.id, ends_on=LATER.date())
    end_form = access_forms.AgreementEndForm({"ends_on": LATER.date().isoformat()})
    assert end_form.is_valid()
    with pytest.raises(access_errors.AgreementEnded) as refused:
        access_services.agreement_end(
            actor=admin, agreement_id=agreement.id, **end_form.cleaned_data
        )
    end_form.add_error("ends_on", refused.value.message)
    found = access_selectors.agreement_get(user=admin, agreement_id=agreement.id)
    return {
        "agreement": found,
        "status": access_selectors.agreement_status(found),
        "to_approve": [],
        "may_refuse": False,
        "may_end": True,
        "end_form": end_form,
        "refuse_form": access_forms.AgreementRefuseForm(),
        "nav": "agreements",
    }


def _agreement_new(scene: Scene) -> Context:
    # One party only, a row naming both an organisation and a type: errors beside them.
    organisations = {str(o.pk): o for o in access_selectors.organisation_list()}
    data = {
        "name": "",
        "consent_required": "no",
        "party-TOTAL_FORMS": "4",
        "party-INITIAL_FORMS": "0",
        "party-0-organisation": str(org_of(scene.lead).pk),
        "party-0-org_type": "police",
        "flow-TOTAL_FORMS": "3",
        "flow-INITIAL_FORMS": "0",
        "flow-0-org_type": "police",
    }
    kwargs = {"organisations": organisations}
    parties = access_forms.PartyFormSet(data, prefix="party", form_kwargs=kwargs)
    flows = access_forms.FlowFormSet(data, prefix="flow", form_kwargs=kwargs)
    form = access_forms.AgreementForm(data, legal_bases=[access_factories.legal_basis()])
    assert not (form.is_valid() or parties.is_valid() or flows.is_valid())
    parties.add_error("An agreement has at least two parties.")
    return {"form": form, "parties": parties, "flows": flows, "nav": "agreements"}


def _party(scene: Scene) -> Context:
    return {"party": _agreement(scene).parties.all()[1]}


def _validity(scene: Scene) -> Context:
    return {"agreement": _agreement(scene)}


CONTEXTS: dict[str, Builder] = {
    "base.html": lambda scene: {},
    "404.html": lambda scene: {},
    "403.html": lambda scene: {"reason": "Only the case lead can see the access report."},
    "409.html": lambda scene: {"reason": "This person's data was erased."},
    "403_csrf.html": lambda scene: {},
    "500.html": lambda scene: {},
    "web/_field.html": _invalid_intake,
    "web/_form_errors.html": _invalid_intake,
    "web/_edit_conflict.html": lambda scene: {
        "conflict": lib_views.EditConflictShown(
            message="Someone else changed this record.",
            saved=[("Outcome", "An aunt was found."), ("Note", "")],
        )
    },
    "web/_timeline.html": _timeline,
    "accounts/user_login.html": lambda scene: {"form": account_forms.LoginForm(), "next": "/"},
    "accounts/mfa_verify.html": lambda scene: {"form": account_forms.OtpForm(), "next": "/"},
    "accounts/token_list.html": lambda scene: _token_list(scene),
    "accounts/profile.html": lambda scene: {"form": account_forms.ProfileForm(), "nav": "profile"},
    "accounts/member_list.html": lambda scene: {
        "members": [scene.lead, scene.police],
        "nav": "members",
    },
    "accounts/mfa_enrol.html": lambda scene: {
        "form": account_forms.OtpForm(),
        "next": "/",
        "secret": "ABCD EFGH",
        "qr_svg": "<svg></svg>",
    },
    "cases/case_list.html": _list_context,
    "cases/_case_rows.html": _list_context,
    "cases/case_open.html": lambda scene: {
        "form": case_forms.CaseIntakeForm(),
        "nav": "new",
        **_drafts(scene),
    },
    "cases/_drafts.html": _drafts,
    "cases/_draft_controls.html": _drafts,
    "cases/_idle_warning.html": _drafts,
    "web/case_detail.html": _case_context,
    "web/_report_section.html": _report_section_context,
    "cases/_group.html": _case_context,
    "cases/case_transition.html": _transition_context,
    "cases/access_report_detail.html": _report_context,
    "cases/erasure.html": _erasure_context,
    "cases/person_report_detail.html": _person_report_context,
    "cases/person_report_group.html": _person_report_context,
    "cases/interview_list.html": _interview_list,
    "cases/interview_new.html": _interview_new,
    "cases/interview_detail.html": _interview_detail,
    "cases/_interview_rows.html": _interview_rows,
    "cases/_interview_count.html": _interview_count,
    "cases/_incident.html": _incident,
    **{f"cases/_group_{group.value}.html": _group_context(group) for group in FieldGroup},
    "identification/indicator_set_list.html": _indicator_set_list,
    "identification/indicator_set_detail.html": _indicator_set_detail,
    "identification/indicator_set_upload.html": _indicator_set_upload,
    "identification/screening_new.html": _screening_new,
    "identification/screening_detail.html": _screening_detail(lambda p: p.consistent),
    "identification/screening_list.html": _screening_list,
    "identification/_screening_case_links.html": _case_links,
    "identification/_screening_outcome.html": _screening_detail(lambda p: p.insufficient),
    "identification/_screening_provisional.html": _screening_detail(lambda p: p.consistent),
    "identification/_screening_set_source.html": _indicator_set_detail,
    "identification/decision_list.html": _decision_list,
    "identification/decision_new.html": _decision_new,
    "identification/decision_detail.html": _decision_detail,
    "identification/decision_letter.html": _decision_letter,
    "identification/decision_letter_print.html": _decision_letter_print,
    "identification/_decision_letter.html": _decision_letter_print,
    "identification/_decision_letter_language.html": lambda scene: {
        "language": _decision_letter(scene)["letter"].language
    },
    "identification/reconsideration_new.html": _reconsideration_new,
    "identification/_decision_links.html": _case_links,
    "identification/_decision_pathway_notice.html": _pathway_notice,
    "identification/_decision_round.html": _decision_round,
    "identification/_screening_by_form.html": _screening_by_form,
    "assistance/reflection_detail.html": _reflection_detail,
    "assistance/_reflection_summary.html": _reflection_summary,
    "deadlines/deadline_list.html": _deadline_list,
    "deadlines/notification_list.html": _notification_list,
    "access/break_glass_new.html": _break_glass_new,
    "access/break_glass_review_list.html": _break_glass_review_list,
    "access/_break_glass_row.html": _break_glass_review_list,
    "access/break_glass_review.html": _break_glass_review,
    "assistance/_break_glass_banner.html": _break_glass_banner,
    "cases/consent_list.html": _consents,
    "cases/_consent.html": _consent,
    "cases/_child_views.html": _child_views,
    "cases/consent_new.html": _consent_new,
    "access/agreement_list.html": _agreement_list,
    "access/agreement_detail.html": _agreement_detail,
    "access/agreement_new.html": _agreement_new,
    "access/legal_basis_list.html": _legal_basis_list,
    "access/_party.html": _party,
    "access/_validity.html": _validity,
}

# --- children (R-11) ------------------------------------------------------------------------


def _guardians(scene: Scene) -> children_selectors.GuardiansView:
    """A presumed child's case with a guardian appointed by the case lead."""
    case = open_child_case(actor=scene.lead)
    children_services.guardian_appoint(
        actor=scene.lead,
        case_id=case.id,
        guardian_name="Ilona Holhooja",
        appointed_on=TODAY,
        contact="+358 40 111 1111",
    )
    return children_selectors.guardian_list(user=scene.lead, case_id=case.id)


def _guardian_list(scene: Scene) -> Context:
    view = _guardians(scene)
    return {"view": view, "case": view.case, "nav": "cases"}


def _guardian_new(scene: Scene) -> Context:
    view = _guardians(scene)
    form = children_forms.GuardianForm({"guardian_name": ""})
    form.is_valid()
    return {"view": view, "case": view.case, "form": form, "nav": "cases"}


def _guardian_status(scene: Scene) -> Context:
    view = _guardians(scene)
    return {"case": view.case, "guardian": view.summary}


CONTEXTS.update(
    {
        "children/guardian_list.html": _guardian_list,
        "children/guardian_new.html": _guardian_new,
        "children/_guardian_status.html": _guardian_status,
    }
)


# --- children: age assessment (R-10) ------------------------------------------------------------


def _ages(scene: Scene) -> children_selectors.AgeAssessmentsView:
    """A presumed child assessed as an adult, who appealed: every line of the history."""
    case = open_child_case(actor=scene.lead)
    assessment = children_services.age_assessment_record(
        actor=scene.lead,
        case_id=case.id,
        assessment=children_services.AgeAssessmentInput(
            method="multidisciplinary",
            result="verified_adult",
            assessed_on=TODAY,
            reasons="Two social workers and a psychologist agreed.",
            person_views="I am 19.",
            appeal_how="To the administrative court within 30 days.",
            legal_basis="Child Welfare Act, s. 6",
            appeal_by=TODAY + timedelta(days=30),
            assessor="Social worker",
            assessor_organisation_id=scene.lead.organisation_id,
            estimated_age_min=19,
            estimated_age_max=21,
        ),
    )
    children_services.age_appeal_record(
        actor=scene.lead, assessment_id=assessment.id, appealed_on=TODAY, version=1
    )
    return children_selectors.age_assessment_list(user=scene.lead, case_id=case.id)


def _age_form(form_class: type[Any], **extra: Any) -> Builder:
    def build(scene: Scene) -> Context:
        view = _ages(scene)
        form = form_class({})
        form.is_valid()
        more = {"assessment": view.assessments[0]} if extra.get("assessment") else {}
        if form_class is children_forms.AgeAssessmentForm:
            more.update(_drafts(scene, DraftKind.AGE_ASSESSMENT, view.case.id))
        return {"view": view, "case": view.case, "form": form, "nav": "cases", **more}

    return build


def _age_list(scene: Scene) -> Context:
    view = _ages(scene)
    return {"view": view, "case": view.case, "nav": "cases"}


def _age_status(scene: Scene) -> Context:
    view = _ages(scene)
    case_view = selectors.case_read(user=scene.lead, case_id=view.case.id)
    age = children_selectors.age_summary_shown(case_view=case_view, writable=True)
    return {"case": view.case, "age": age}


CONTEXTS.update(
    {
        "children/age_assessment_list.html": _age_list,
        "children/age_assessment_new.html": _age_form(children_forms.AgeAssessmentForm),
        "children/age_new_information.html": _age_form(children_forms.AgeNewInformationForm),
        "children/age_appeal.html": _age_form(children_forms.AgeAppealForm, assessment=True),
        "children/_age_status.html": _age_status,
    }
)


# --- children: best interests, family tracing, dependants (R-25, R-27, R-11) ----------------


def _child_care_case(scene: Scene) -> Case:
    """A presumed child with an assessment and a determination, a stopped tracing and
    a new one under way, and a dependant without a school place."""
    case = open_child_case(actor=scene.lead)
    for stage in ("assessment", "determination"):
        children_services.best_interests_record(
            actor=scene.lead,
            case_id=case.id,
            stage=stage,
            matter="placement",
            how_heard="not_heard" if stage == "determination" else "conversation",
            child_views="Wants to stay with her foster family.",
            considerations="Safety and schooling.",
            conclusion="Stay in foster care.",
            guardian_present=True,
            decided_on=TODAY,
        )
    stopped = children_services.family_tracing_start(
        actor=scene.lead, case_id=case.id, best_interests_reason="She asks.", started_on=TODAY
    )
    children_services.family_tracing_update(
        actor=scene.lead,
        tracing_id=stopped.id,
        status="stopped",
        outcome="Risk.",
        updated_on=TODAY,
        version=stopped.version,
    )
    children_services.family_tracing_start(
        actor=scene.lead, case_id=case.id, best_interests_reason="Asks again.", started_on=TODAY
    )
    children_services.dependant_add(
        actor=scene.lead,
        case_id=case.id,
        relationship="child",
        name="Mila Synthetic",
        date_of_birth=TODAY - timedelta(days=2000),
        with_the_person=True,
        needs="Counselling.",
        education="not_arranged",
    )
    return case


def _best_interests_list(scene: Scene) -> Context:
    view = children_selectors.best_interests_list(
        user=scene.lead, case_id=_child_care_case(scene).id
    )
    return {"view": view, "case": view.case, "nav": "cases"}


def _best_interests_new(scene: Scene) -> Context:
    view = children_selectors.best_interests_list(
        user=scene.lead, case_id=_child_care_case(scene).id
    )
    form = children_forms.BestInterestsForm({"how_heard": "not_heard"})
    form.is_valid()
    return {
        "view": view,
        "case": view.case,
        "form": form,
        "nav": "cases",
        **_drafts(scene, DraftKind.BEST_INTERESTS, view.case.id),
    }


def _family_tracing_list(scene: Scene) -> Context:
    view = children_selectors.family_tracing_list(
        user=scene.lead, case_id=_child_care_case(scene).id
    )
    return {"view": view, "case": view.case, "nav": "cases"}


def _family_tracing_form(form_class: type[Any], **extra: Any) -> Builder:
    def build(scene: Scene) -> Context:
        view = children_selectors.family_tracing_list(
            user=scene.lead, case_id=_child_care_case(scene).id
        )
        form = form_class({"status": "stopped"})
        form.is_valid()
        context = {"view": view, "case": view.case, "form": form, "nav": "cases"}
        return {**context, **({"tracing": view.tracings[0]} if extra else {})}

    return build


def _dependants(scene: Scene) -> children_selectors.DependantsView:
    return children_selectors.dependant_list(user=scene.lead, case_id=_child_care_case(scene).id)


def _dependant_list(scene: Scene) -> Context:
    view = _dependants(scene)
    return {"view": view, "case": view.case, "nav": "cases"}


def _dependant_form(form_class: type[Any], **extra: Any) -> Builder:
    def build(scene: Scene) -> Context:
        view = _dependants(scene)
        form = form_class({"name": "", "education": "x"})
        form.is_valid()
        context = {"view": view, "case": view.case, "form": form, "nav": "cases"}
        return {**context, **({"dependant": view.dependants[0]} if extra else {})}

    return build


def _child_case_block(scene: Scene) -> Context:
    case = _child_care_case(scene)
    view = selectors.case_read(user=scene.lead, case_id=case.id)
    return {"case": case, "child_care": children_selectors.child_summary_shown(case_view=view)}


CONTEXTS.update(
    {
        "children/best_interests_list.html": _best_interests_list,
        "children/best_interests_new.html": _best_interests_new,
        "children/family_tracing_list.html": _family_tracing_list,
        "children/family_tracing_start.html": _family_tracing_form(children_forms.TracingStartForm),
        "children/family_tracing_update.html": _family_tracing_form(
            children_forms.TracingUpdateForm, tracing=True
        ),
        "children/dependant_list.html": _dependant_list,
        "children/dependant_new.html": _dependant_form(children_forms.DependantForm),
        "children/dependant_education.html": _dependant_form(
            children_forms.EducationForm, dependant=True
        ),
        "children/_child_case_block.html": _child_case_block,
    }
)


# --- residence permits and detention (R-16) ---------------------------------------------------


def _permits(scene: Scene) -> permit_selectors.PermitsView:
    """The presumed case with a renewed permit and an open detention record."""
    case = scene.presumed.case
    permit = permit_services.permit_record(
        actor=scene.lead,
        case_id=case.id,
        data=permit_services.PermitInput(
            ground_personal_situation=True,
            ground_proceedings=True,
            permit_type="Temporary residence permit",
            issued_on=TODAY,
            expires_on=TODAY + timedelta(days=365),
            issuing_authority="Test Migration Service",
            reference="RP-SMOKE-1",
        ),
    )
    permit_services.permit_renew(
        actor=scene.lead,
        permit_id=permit.pk,
        renewed_on=TODAY,
        new_expires_on=TODAY + timedelta(days=730),
        version=permit.version,
    )
    permit_services.detention_record(
        actor=scene.lead, case_id=case.id, started_on=TODAY, place_type="Detention centre"
    )
    return permit_selectors.permits_get(user=scene.lead, case_id=case.id)


def _permit_list(scene: Scene) -> Context:
    view = _permits(scene)
    permit_form = permit_forms.PermitForm({"permit-grounds": []})
    permit_form.is_valid()
    return {
        "view": view,
        "case": view.case,
        "permit_form": permit_form,
        "detention_form": permit_forms.DetentionForm(),
        "release_form": permit_forms.DetentionEndForm(),
        "nav": "cases",
    }


def _permit_renew(scene: Scene) -> Context:
    view = _permits(scene)
    permit = view.permits[0]
    form = permit_forms.RenewForm(
        {"renewed_on": TODAY.isoformat(), "new_expires_on": "", "version": str(permit.version)}
    )
    form.is_valid()
    return {"view": view, "case": view.case, "permit": permit, "form": form}


def _permit_case_block(scene: Scene) -> Context:
    _permits(scene)
    return {"case": scene.presumed.case, "permits": _case_context(scene)["permits"]}


CONTEXTS.update(
    {
        "assistance/permit_list.html": _permit_list,
        "assistance/permit_renew.html": _permit_renew,
        "assistance/_permit_row.html": lambda scene: {**_permit_renew(scene), "heading": "h2"},
        "assistance/_permit_case_block.html": _permit_case_block,
    }
)


# --- cooperation with the authorities (R-18) ----------------------------------------------


def _cooperation(scene: Scene) -> justice_selectors.CooperationHistory:
    """The presumed case with two cooperation records."""
    case = scene.presumed.case
    for cooperates, witness in ((False, False), (True, True)):
        justice_services.cooperation_record(
            actor=scene.lead,
            case_id=case.id,
            cooperates_with_authorities=cooperates,
            is_witness=witness,
            recorded_on=TODAY,
        )
    return justice_selectors.cooperation_history(user=scene.lead, case_id=case.id)


def _cooperation_detail(scene: Scene) -> Context:
    history = _cooperation(scene)
    form = justice_forms.CooperationForm({"recorded_on": TODAY.isoformat()})
    form.is_valid()
    return {
        "history": history,
        "case": history.case,
        "form": form,
        "statement": justice_selectors.STATEMENT,
    }


def _cooperation_case_block(scene: Scene) -> Context:
    _cooperation(scene)
    return {"case": scene.presumed.case, "cooperation": _case_context(scene)["cooperation"]}


CONTEXTS.update(
    {
        "justice/cooperation_detail.html": _cooperation_detail,
        "justice/_cooperation_case_block.html": _cooperation_case_block,
    }
)


def _remedies(scene: Scene) -> justice_selectors.RemediesFile:
    """The presumed case with a proceeding at trial (stage history, a measure granted and
    one asked for), legal aid, an awarded claim with an asset, and a flagged offence."""
    case, lead = scene.presumed.case, scene.lead
    _cooperation(scene)
    p = justice_remedies.proceeding_record(
        actor=lead,
        case_id=case.id,
        kind="criminal",
        stage="investigation",
        authority="District court",
        person_role="witness",
        started_on=TODAY,
    )
    justice_remedies.proceeding_stage_change(
        actor=lead, case_id=case.id, proceeding_id=p.pk, to_stage="trial", changed_on=TODAY
    )
    for kind in ("video_testimony", "anonymity"):
        m = justice_remedies.protective_measure_request(
            actor=lead,
            case_id=case.id,
            proceeding_id=p.pk,
            kind=kind,
            for_whom="person",
            asked_on=TODAY,
        )
    justice_remedies.protective_measure_decide(
        actor=lead, case_id=case.id, measure_id=m.pk, decision="granted", decided_on=TODAY
    )
    claim = justice_remedies.claim_record(
        actor=lead, case_id=case.id, source="state", amount_claimed=Decimal(4000), filed_on=TODAY
    )
    justice_remedies.asset_record(
        actor=lead,
        case_id=case.id,
        claim_id=claim.pk,
        description="Bank account",
        status="frozen",
        estimated_value=Decimal(9000),
    )
    justice_remedies.legal_aid_record(
        actor=lead,
        case_id=case.id,
        free_aid="granted",
        counsel_organisation="Legal clinic",
        counsel_name="A lawyer",
        applied_on=TODAY,
        decided_on=TODAY,
        claim_id=claim.pk,
    )
    justice_remedies.compelled_offence_flag(
        actor=lead,
        case_id=case.id,
        kind="drugs",
        offence="An offence.",
        link="A link.",
        recorded_on=TODAY,
    )
    return justice_selectors.remedies_file(user=lead, case_id=case.id)


def _remedies_detail(scene: Scene) -> Context:
    found = _remedies(scene)
    return {
        "file": found,
        "case": found.case,
        "statement": justice_selectors.STATEMENT,
        "writable": found.writable,
    }


def _remedies_form(scene: Scene) -> Context:
    found = _remedies(scene)
    form = justice_forms.ClaimUpdateForm({"status": "paid"})
    form.is_valid()
    return {
        "file": found,
        "case": found.case,
        "form": form,
        "title": "Update a compensation claim",
        "about": "From the state scheme (filed)",
    }


def _remedies_case_block(scene: Scene) -> Context:
    _remedies(scene)
    return {"case": scene.presumed.case, "remedies": _case_context(scene)["remedies"]}


# --- offenders and other parties (R-38) -----------------------------------------------------


def _parties(scene: Scene) -> Context:
    """Two cases sharing an employer; the police read the first."""
    t = parties_setup.shared_employer()
    parties = justice_parties.case_parties(user=t.police, case_id=t.first.id)
    return {"case": t.first, "parties": parties, "shared": t, "nav": "cases"}


def _party_table(scene: Scene) -> Context:
    return {**_parties(scene), "edit": True}


def _party_add(scene: Scene) -> Context:
    context = _parties(scene)
    search = justice_forms.PartySearchForm({"name": "Berry Farm Oy", "registration_number": ""})
    search.is_valid()
    matches = justice_parties.party_search(
        user=context["shared"].police, case_id=context["shared"].second.id, name="Berry Farm Oy"
    )
    link_form = justice_forms.PartyLinkForm({"p0-roles": []}, prefix="p0")
    link_form.is_valid()
    new_form = justice_forms.PartyNewForm({"name": ""})
    new_form.is_valid()
    found = [{"match": m, "form": link_form, "prefix": "p0"} for m in matches]
    return {**context, "search": search, "searched": True, "found": found, "new_form": new_form}


def _party_link_edit(scene: Scene) -> Context:
    context = _parties(scene)
    return {
        **context,
        "found": context["parties"].links[0],
        "form": justice_forms.PartyLinkForm(initial={"roles": ["employer"]}),
    }


def _party_detail(scene: Scene) -> Context:
    t = parties_setup.shared_employer()
    return {"page": justice_parties.party_page(user=t.other_police, party_id=t.link.party_id)}


CONTEXTS.update(
    {
        "justice/remedies/detail.html": _remedies_detail,
        "justice/remedies/form.html": _remedies_form,
        "justice/remedies/_case_block.html": _remedies_case_block,
        "justice/parties/_party_table.html": _party_table,
        "justice/parties/_parties_case_block.html": _parties,
        "justice/parties/case_parties.html": _parties,
        "justice/parties/party_add.html": _party_add,
        "justice/parties/party_link_edit.html": _party_link_edit,
        "justice/parties/party_detail.html": _party_detail,
    }
)


# --- needs and risk assessments (R-21, R-19) ------------------------------------------------


def _assessments(scene: Scene) -> assessment_selectors.CaseAssessments:
    """The presumed case with two versions of its needs assessment (re-assessment
    of risk still due)."""
    case = scene.presumed.case
    for based_on, view in enumerate(("Wants a quiet place.", "Did not wish to say.")):
        assessment_services.assessment_record(
            actor=scene.lead,
            case_id=case.id,
            kind="needs",
            assessed_on=TODAY,
            sections={
                s.key: ("needed", "A note.") for s in catalogue.sections_for("needs", child=False)
            },
            person_view=view,
            based_on_version=based_on,
        )
    return assessment_selectors.assessments_for_case(user=scene.lead, case_id=case.id)


def _assessment_list(scene: Scene) -> Context:
    view = _assessments(scene)
    return {"view": view, "case": view.case, "nav": "cases"}


def _assessment_new(scene: Scene) -> Context:
    view = _assessments(scene)
    history = view.kinds[0]
    form = assessment_forms.AssessmentForm(
        {"assessed_on": TODAY.isoformat(), "person_view": ""},
        kind="needs",
        sections=catalogue.sections_for("needs", child=False),
        previous=history.latest,
    )
    form.is_valid()
    return {
        "view": view,
        "case": view.case,
        "history": history,
        "form": form,
        "nav": "cases",
        **_drafts(scene, DraftKind.ASSESSMENT, view.case.id),
    }


def _assessment_detail(scene: Scene) -> Context:
    latest = _assessments(scene).kinds[0].versions[0]
    view = assessment_selectors.assessment_get(user=scene.lead, assessment_id=latest.id)
    return {"assessment": view, "is_needs": True, "nav": "cases"}


def _assessments_case_block(scene: Scene) -> Context:
    _assessments(scene)
    return {"case": scene.presumed.case, "assessments": _case_context(scene)["assessments"]}


CONTEXTS.update(
    {
        "assistance/assessment_list.html": _assessment_list,
        "assistance/assessment_new.html": _assessment_new,
        "assistance/assessment_detail.html": _assessment_detail,
        "assistance/_assessments_case_block.html": _assessments_case_block,
    }
)


# --- assistance plans, services and closing (R-19, R-20, R-22) ------------------------------


def _plans(scene: Scene, *, closed: bool = False) -> plan_selectors.PlansView:
    """The presumed case with a plan: financial support under way, a refused service;
    closed (with a follow-up) when asked."""
    case = scene.presumed.case
    provider = org_of(scene.lead)
    plan = plan_services.plan_create(
        actor=scene.lead,
        case_id=case.id,
        agreed_on=TODAY,
        person_view="She wants a quiet place first.",
        services=[
            plan_services.ServiceInput(
                service_type="financial_support",
                provider_id=provider.id,
                amount=Decimal("150.00"),
                currency="EUR",
                amount_period="monthly",
                note="Monthly allowance.",
            ),
            plan_services.ServiceInput(service_type="counselling", provider_id=provider.id),
        ],
    )
    money = plan.services.get(service_type="financial_support")
    counselling = plan.services.get(service_type="counselling")
    plan_services.service_start(
        actor=scene.lead, service_id=money.id, starts_on=TODAY, consent_on=TODAY
    )
    plan_services.service_refuse(
        actor=scene.lead, service_id=counselling.id, refused_on=TODAY, note="Not now."
    )
    if closed:
        plan_services.assistance_close(
            actor=scene.lead,
            case_id=case.id,
            decided_on=TODAY,
            ground="persons_wish",
            reasons="She is settled.",
            exit_plan="Call in three months.",
            person_view="I want to stop now.",
            follow_up_on=TODAY + timedelta(days=90),
        )
    return plan_selectors.plans_for_case(user=scene.lead, case_id=case.id)


def _plan_context(view: plan_selectors.PlansView, **more: Any) -> Context:
    return {"view": view, "case": view.case, "nav": "cases", **more}


def _plan_list(scene: Scene) -> Context:
    return _plan_context(_plans(scene, closed=True))


def _plan_new(scene: Scene) -> Context:
    view = _plans(scene)
    providers = [(str(org_of(scene.lead).id), "NGO")]
    rows = plan_views.plan_rows(
        {"service-0-service_type": "accommodation", "service-0-amount": "-1"},
        suggested=["accommodation"],
        providers=providers,
    )
    form = plan_forms.PlanForm({"plan-agreed_on": ""})
    form.is_valid()
    return _plan_context(view, form=form, rows=rows, assessment_id=str(view.case.id))


def _service_fields(scene: Scene) -> Context:
    return {"row": _plan_new(scene)["rows"][0]}


def _plan_services(scene: Scene) -> Context:
    view = _plans(scene)
    return {"case": view.case, "services": view.services}


def _service_new(scene: Scene) -> Context:
    view = _plans(scene)
    form = plan_forms.AddServiceForm(
        {"service_type": ""}, providers=[], plans=[(str(view.plans[0].id), "plan")]
    )
    form.is_valid()
    return _plan_context(view, form=form)


def _service_detail(scene: Scene) -> Context:
    view = _plans(scene)
    start = plan_forms.StartForm({"start-starts_on": ""})
    start.is_valid()
    return _plan_context(
        view,
        service=view.services[0],
        start_form=start,
        complete_form=plan_forms.CompleteForm(),
        refuse_form=plan_forms.RefuseForm(),
        stop_form=plan_forms.StopForm(),
    )


def _closure_new(scene: Scene) -> Context:
    form = plan_forms.CloseForm({"close-reasons": ""})
    form.is_valid()
    return _plan_context(_plans(scene), form=form)


def _closure_reopen(scene: Scene) -> Context:
    form = plan_forms.ReopenForm({})
    form.is_valid()
    return _plan_context(_plans(scene, closed=True), form=form)


def _plans_case_block(scene: Scene) -> Context:
    _plans(scene, closed=True)
    return {"case": scene.presumed.case, "assistance_plan": _case_context(scene)["assistance_plan"]}


CONTEXTS.update(
    {
        "assistance/plan_list.html": _plan_list,
        "assistance/plan_new.html": _plan_new,
        "assistance/_plan_services.html": _plan_services,
        "assistance/_service_fields.html": _service_fields,
        "assistance/service_new.html": _service_new,
        "assistance/service_detail.html": _service_detail,
        "assistance/closure_new.html": _closure_new,
        "assistance/closure_reopen.html": _closure_reopen,
        "assistance/_plans_case_block.html": _plans_case_block,
    }
)


# --- the home page ------------------------------------------------------------------------------


def _home(scene: Scene) -> Context:
    """The NGO's home on LATER: its presumed case (an overdue review, deadlines coming)
    and a case the police lead, referred to the NGO (R-47)."""
    scene.presumed  # noqa: B018 - made on first use
    police_case = open_case(actor=scene.police)
    share_by_law(case=police_case, organisation=org_of(scene.lead), groups=["identity"])
    referral_services.referral_send(
        actor=scene.police,
        case_id=police_case.id,
        to_organisation_id=org_of(scene.lead).pk,
        referral_type="accommodation",
        purpose="assistance",
        field_groups=["identity"],
        message="A synthetic message.",
    )
    home = web_home.home_for(user=scene.lead, now=LATER)
    assert home.my_cases.rows and home.new_referrals.rows and home.overdue.rows
    return {"home": home, "nav": "home"}


def _home_deadlines(scene: Scene) -> Context:
    return {"rows": _home(scene)["home"].overdue.rows, "caption": "Overdue deadlines"}


CONTEXTS.update({"web/home.html": _home, "web/_home_deadlines.html": _home_deadlines})


# --- is this person already known? (issue 14) -------------------------------------------------


def _linkage_answer(scene: Scene) -> Context:
    """A check with a case the reader sees and one "known to the system" only."""
    linkage_factories.anna(scene.lead)
    answer = linkage_services.intake_check(
        actor=scene.lead, identity=linkage_factories.anna_typed()
    )
    both = dataclasses.replace(answer, known_elsewhere=linkage_selectors.BANDS[1])
    return {"region": {"asked": True, "answer": both, "token": ""}}


def _linkage_region(scene: Scene) -> Context:
    return {"form": case_forms.CaseIntakeForm(), **_linkage_answer(scene)}


def _linkage_world() -> tuple[linkage_World, linkage_models.Merge]:
    world = linkage_World()
    return world, world.merged()


def _linkage_queue(scene: Scene) -> Context:
    world, _merge = _linkage_world()
    user = world.coordinator
    return {
        "page": linkage_review_selectors.queue(user),
        "runs": linkage_review_selectors.runs(user),
        "merges": linkage_review_selectors.merges_pending(user),
        "nav": "desk",
    }


def _linkage_run(scene: Scene) -> Context:
    world = linkage_World()
    run = linkage_review.run_start(actor=world.coordinator)
    return {"run": run, "poll": 3, "nav": "desk"}


def _linkage_pair(scene: Scene) -> Context:
    world, merge = _linkage_world()
    pair, sides = linkage_review.pair_compare(actor=world.coordinator, pair_id=merge.pair_id)
    return {
        "pair": pair,
        "sides": sides,
        "form": linkage_forms.PairDecisionForm(),
        "merges": linkage_review_selectors.merges_of(pair),
        "nav": "desk",
    }


def _linkage_merge(scene: Scene) -> Context:
    _world, merge = _linkage_world()
    return {
        "merge": merge,
        "own": False,
        "decide": linkage_forms.MergeDecisionForm(),
        "unmerge": linkage_forms.UnmergeForm(),
        "nav": "desk",
    }


def _linkage_merged(scene: Scene) -> Context:
    world, _merge = _linkage_world()
    return {"merged": linkage_review_selectors.merged_note(world.cyrillic.id)}


CONTEXTS.update(
    {
        "linkage/_check_region.html": _linkage_region,
        "linkage/_check_answer.html": _linkage_answer,
        "linkage/review_queue.html": _linkage_queue,
        "linkage/run_detail.html": _linkage_run,
        "linkage/_run_progress.html": _linkage_run,
        "linkage/pair_detail.html": _linkage_pair,
        "linkage/merge_detail.html": _linkage_merge,
        "linkage/_merged_banner.html": _linkage_merged,
    }
)


# --- the statistics (issue 15) ------------------------------------------------------------------


def _statistics_reader() -> User:
    return make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)


def _statistics_home(scene: Scene) -> Context:
    del scene
    return statistics_views.home_context(_statistics_reader(), statistics_forms.YearForm())


def _statistics_table(scene: Scene) -> Context:
    context = _statistics_home(scene)
    return {"rows": context["trend_rows"], "columns": context["columns"], "caption": "Trend",
            "first_column": "Year"}  # fmt: skip


CONTEXTS.update(
    {
        "statistics/home.html": _statistics_home,
        "statistics/backlog.html": lambda scene: statistics_views.backlog_context(
            _statistics_reader()
        ),
        "statistics/_table.html": _statistics_table,
        "statistics/_value.html": lambda scene: {"value": None},
        "statistics/nav.html": lambda scene: {"page": "home"},
    }
)


def _statistics_dashboard(page: str) -> Callable[[Scene], Context]:
    def build(scene: Scene) -> Context:
        del scene
        form = statistics_forms.YearForm()
        return statistics_dashboard_views.page_context(_statistics_reader(), form, page)

    return build


def _statistics_report(scene: Scene) -> Context:
    del scene
    reader = _statistics_reader()
    return statistics_report.report_context(actor=actor_of(reader), country="FI", year=2024)


def _statistics_chart(scene: Scene) -> Context:
    chart = _statistics_dashboard("regions")(scene)["region_chart"]
    return {"chart": chart, "chart_id": "regions", "chart_title": "By region", "chart_desc": "Bars"}


CONTEXTS.update(
    {
        "statistics/deadlines.html": _statistics_dashboard("deadlines"),
        "statistics/referrals.html": _statistics_dashboard("referrals"),
        "statistics/regions.html": _statistics_dashboard("regions"),
        "statistics/accommodation.html": _statistics_dashboard("accommodation"),
        "statistics/perpetrators.html": _statistics_dashboard("perpetrators"),
        "statistics/programmes.html": _statistics_dashboard("programmes"),
        "statistics/_costs.html": _statistics_dashboard("programmes"),
        "statistics/report.html": _statistics_report,
        "statistics/_chart.html": _statistics_chart,
        "statistics/_year_form.html": lambda scene: {
            "form": statistics_forms.YearForm(),
            "action": "/statistics/regions/",
        },
    }
)


# --- the service directory (issue 6) ----------------------------------------------------------


def _directory_rows(scene: Scene) -> list[directory_selectors.DirectoryRow]:
    """A shelter's entries: a current one, a stale one and one no longer offered."""
    admin = make_user(org_type=OrgType.SHELTER, role=Role.ORG_ADMIN)
    entry = directory_services.EntryInput
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        directory_services.directory_entry_create(
            actor=admin,
            data=entry("accommodation", "Old safe house", languages=["fi", "ti"]),
        )
    directory_services.directory_entry_create(
        actor=admin,
        data=entry(
            "counselling",
            "Hotline",
            description="Advice by phone",
            region="Uusimaa",
            target_groups=["men", "women"],
            hours="Around the clock",
            emergency_contact="+358 9 000 0000",
            capacity_notes="Always open",
        ),
    )
    closed = directory_services.directory_entry_create(
        actor=admin, data=entry("medical_care", "Closed clinic")
    )
    directory_services.directory_entry_deactivate(actor=admin, entry_id=closed.id)
    return directory_selectors.directory_entries_of(organisation=org_of(admin))


def _directory_list(scene: Scene) -> Context:
    _directory_rows(scene)
    form = directory_forms.DirectorySearchForm({"need": "", "language": "fi"})
    form.is_valid()
    return {
        "form": form,
        "rows": directory_selectors.directory_search(
            need=None, region=None, language=None, target_group=None
        ),
        "stale_days": 180,
        "nav": "directory",
    }


def _directory_form() -> directory_forms.DirectoryEntryForm:
    form = directory_forms.DirectoryEntryForm({"service_type": "other", "title": ""})
    form.is_valid()
    return form


def _directory_mine(scene: Scene) -> Context:
    rows = _directory_rows(scene)
    return {
        "organisation": rows[0].entry.organisation,
        "rows": rows,
        "form": _directory_form(),
        "stale_days": 180,
        "nav": "directory",
    }


def _directory_edit(scene: Scene) -> Context:
    entry = _directory_rows(scene)[0].entry
    form = directory_forms.DirectoryEntryEditForm(
        {"service_type": "other", "title": "", "version": str(entry.version)}
    )
    form.is_valid()
    conflict = lib_views.EditConflictShown(
        message="Someone else changed this record.", saved=[("Name of the service", entry.title)]
    )
    return {"entry": entry, "form": form, "conflict": conflict, "nav": "directory"}


CONTEXTS.update(
    {
        "referrals/directory_list.html": _directory_list,
        "referrals/directory_mine.html": _directory_mine,
        "referrals/directory_edit.html": _directory_edit,
        "referrals/_directory_confirmed.html": lambda scene: {"row": _directory_rows(scene)[1]},
        "referrals/_directory_fields.html": lambda scene: {"form": _directory_form()},
    }
)


# --- the national coordination desk and the public report page (issue 6) -----------------------


def _desk_coordinator() -> User:
    return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)


def _desk_consultation(scene: Scene) -> desk_selectors.ConsultationView:
    actor = _desk_coordinator()
    shelter = make_user(org_type=OrgType.SHELTER)
    consultation = desk_services.consultation_log(
        actor=actor,
        channel="phone",
        topic="accommodation",
        question="Where can a family of four stay tonight?",
        advice="The regional shelter has room.",
        caller_org_type=OrgType.HEALTH,
        caller_organisation_name="Test Health Centre",
        routed_to_ids=[org_of(shelter).pk],
    )
    return desk_selectors.consultation_get(user=actor, consultation_id=consultation.pk)


def _desk_home(scene: Scene) -> Context:
    view = _desk_consultation(scene)
    return {"consultations": [view.row], "new_reports": 2, "nav": "desk"}


def _desk_consultation_new(scene: Scene) -> Context:
    form = desk_forms.ConsultationForm({"channel": "phone", "question": ""})
    form.is_valid()
    return {"form": form, "nav": "desk"}


def _desk_consultation_detail(scene: Scene) -> Context:
    form = desk_forms.CaseFromDeskForm({"age_status": "nonsense"})
    form.is_valid()
    return {"view": _desk_consultation(scene), "form": form, "nav": "desk"}


def _desk_reports(scene: Scene) -> tuple[User, list[desk_selectors.ReportRow]]:
    actor = _desk_coordinator()
    closed = desk_services.report_submit(description="A test report.", sector="hospitality")
    desk_services.report_close(actor=actor, report_id=closed.pk, reason="duplicate")
    desk_services.report_submit(description="Another.", region="Testland", contact="a@example.org")
    return actor, desk_selectors.report_list(user=actor)


def _desk_report_list(scene: Scene) -> Context:
    return {"reports": _desk_reports(scene)[1], "nav": "desk"}


def _desk_report_detail(scene: Scene) -> Context:
    actor, rows = _desk_reports(scene)
    advise_form = desk_forms.AdviseForm({"topic": "other", "advice": ""})
    advise_form.is_valid()
    return {
        "view": desk_selectors.report_get(user=actor, report_id=rows[0].id),
        "advise_form": advise_form,
        "count_form": desk_forms.PeopleCountForm({"people": "2"}),
        "people": _people_with_an_error(),
        "people_errors": ["This report was already dealt with."],
        "close_form": desk_forms.CloseForm(),
        "nav": "desk",
    }


def _people_with_an_error() -> Any:
    people = desk_forms.people_formset(
        {
            "people-TOTAL_FORMS": "2",
            "people-INITIAL_FORMS": "2",
            "people-0-age_status": "uncertain",
            "people-1-age_status": "nonsense",
        }
    )
    people.is_valid()
    return people


def _report_new(scene: Scene) -> Context:
    form = desk_forms.ReportForm({"description": "", "sector": "travel_transport"})
    form.is_valid()
    return {"form": form}


CONTEXTS.update(
    {
        "referrals/desk_home.html": _desk_home,
        "referrals/desk_consultation_new.html": _desk_consultation_new,
        "referrals/desk_consultation_detail.html": _desk_consultation_detail,
        "referrals/desk_report_list.html": _desk_report_list,
        "referrals/desk_report_detail.html": _desk_report_detail,
        "referrals/report_new.html": _report_new,
        "referrals/report_done.html": lambda scene: {"reference": "ABCD-EFGH"},
        "referrals/report_limited.html": lambda scene: {},
    }
)


# --- referrals and lead transfers (issue 6, R-47) -------------------------------------------


def _referral(scene: Scene) -> tuple[Case, User, uuid.UUID]:
    """A case referred by the NGO lead to a shelter, which asked for more information."""
    case = scene.new_case()
    shelter = make_user(org_type=OrgType.SHELTER)
    share_by_law(case=case, organisation=org_of(shelter))
    referral = referral_services.referral_send(
        actor=scene.lead,
        case_id=case.id,
        to_organisation_id=org_of(shelter).pk,
        referral_type="accommodation",
        purpose="assistance",
        field_groups=["identity", "health"],
        message="A synthetic message.",
        urgent=True,
    )
    referral_services.referral_request_info(
        actor=shelter, referral_id=referral.pk, question="A synthetic question."
    )
    return case, shelter, referral.pk


def _referral_list(scene: Scene) -> Context:
    _case, shelter, _id = _referral(scene)
    return {
        "direction": "incoming",
        "rows": referral_selectors.referrals_incoming(user=shelter),
        "state": "",
        "states": ReferralState.choices,
        "nav": "referrals",
    }


def _referral_detail(scene: Scene) -> Context:
    _case, _shelter, referral_id = _referral(scene)
    detail = referral_selectors.referral_get(user=scene.lead, referral_id=referral_id)
    forms_ = [
        (referral_views.A.PROVIDE_INFO, "provide-info", referral_forms.AnswerForm()),
        (referral_views.A.WITHDRAW, "withdraw", referral_forms.WithdrawForm()),
    ]
    return {"detail": detail, "forms": forms_, "nav": "referrals"}


def _referral_new(scene: Scene) -> Context:
    case, shelter, _id = _referral(scene)
    return {
        "case": case,
        "form": referral_forms.ReferralForm(user=scene.lead),
        "flows": [
            referral_views.FlowLine(row, "/consent-link/")
            for row in referral_selectors.referral_flows(
                user=scene.lead,
                case_id=case.id,
                to_organisation_id=org_of(shelter).pk,
                purpose="assistance",
            )
        ],
        "consent_all_url": "/consent-link/",
        "checked_organisation": org_of(shelter).pk,
        "organisations": referral_forms.organisations_to_refer_to(scene.lead),
        "purposes": Purpose.choices,
        "nav": "cases",
        **_drafts(scene, DraftKind.REFERRAL, case.id),
    }


def _lead_transfer(scene: Scene) -> tuple[Case, uuid.UUID]:
    case = scene.new_case()
    transfer = lead_transfer_services.lead_transfer_propose(
        actor=scene.lead,
        case_id=case.id,
        to_organisation_id=org_of(scene.police).pk,
        reason="A synthetic reason.",
    )
    return case, transfer.pk


def _lead_transfer_new(scene: Scene) -> Context:
    case, _id = _lead_transfer(scene)
    form = referral_forms.LeadTransferForm()
    return {
        "case": case,
        "form": form,
        "transfers": referral_selectors.lead_transfers_of_case(user=scene.lead, case_id=case.id),
        "nav": "cases",
    }


def _lead_transfer_detail(scene: Scene) -> Context:
    _case, transfer_id = _lead_transfer(scene)
    transfer = referral_selectors.lead_transfer_get(user=scene.police, transfer_id=transfer_id)
    forms_ = [
        (referral_views.L.ACCEPT, "accept", referral_forms.EmptyForm()),
        (referral_views.L.DECLINE, "decline", referral_forms.LeadDeclineForm()),
    ]
    return {"transfer": transfer, "forms": forms_, "nav": "referrals"}


def _referrals_case_block(scene: Scene) -> Context:
    # A referral waiting for the sender's answer and an open lead transfer, seen by the lead.
    case, _shelter, _id = _referral(scene)
    lead_transfer_services.lead_transfer_propose(
        actor=scene.lead,
        case_id=case.id,
        to_organisation_id=org_of(scene.police).pk,
        reason="A synthetic reason.",
    )
    view = selectors.case_read(user=scene.lead, case_id=case.id)
    block = referral_case_selectors.case_page_referrals(user=scene.lead, case_view=view)
    return {"case": case, "case_referrals": block}


def _access_request(scene: Scene) -> tuple[Case, uuid.UUID]:
    """The police on the team ask the NGO lead for health, which an agreement lets
    flow with the person's consent (issue 11)."""
    case = scene.new_case()
    agreement_needing_consent(
        lead=org_of(scene.lead), recipient=org_of(scene.police), groups=[FieldGroup.HEALTH]
    )
    asked = access_request_services.access_request_ask(
        actor=scene.police,
        case_id=case.id,
        field_groups=[FieldGroup.HEALTH],
        reason="A synthetic reason.",
        purpose="assistance",
    )
    return case, asked.pk


def _access_request_new(scene: Scene) -> Context:
    case, _id = _access_request(scene)
    options = access_request_selectors.access_request_options(
        user=scene.police, case_id=case.id, purpose="assistance"
    )
    form = referral_forms.AccessRequestForm(
        groups=[(row.group, row.label) for row in options.askable]
    )
    return {"options": options, "case": case, "form": form, "nav": "cases"}


def _access_request_detail(scene: Scene) -> Context:
    _case, request_id = _access_request(scene)
    detail = access_request_selectors.access_request_get(user=scene.lead, request_id=request_id)
    return {
        "detail": detail,
        "consent_url": "/consent-link/",
        "refuse_form": referral_forms.AccessRefuseForm(),
        "nav": "cases",
    }


def _access_requests_case_block(scene: Scene) -> Context:
    case, _id = _access_request(scene)
    view = selectors.case_read(user=scene.police, case_id=case.id)
    lead = access_request_selectors.lead_contact_of(lead_id=view.lead_id)
    requests = access_request_selectors.access_requests_of_case(
        user=scene.police, case_id=case.id, lead_id=view.lead_id
    )
    block = {"lead": lead, "requests": requests, "purpose": "assistance"}
    return {"case": case, "view": view, "access": block, "user": scene.police}


def _lead_contact(scene: Scene) -> Context:
    return {"contact": access_request_selectors.LeadContact("An NGO", ["Helpline — +358 9 1"])}


CONTEXTS.update(
    {
        "referrals/_access_requests_case_block.html": _access_requests_case_block,
        "referrals/_lead_contact.html": _lead_contact,
        "referrals/access_request_new.html": _access_request_new,
        "referrals/access_request_detail.html": _access_request_detail,
        "referrals/_referrals_case_block.html": _referrals_case_block,
        "referrals/referral_list.html": _referral_list,
        "referrals/referral_detail.html": _referral_detail,
        "referrals/referral_new.html": _referral_new,
        "referrals/lead_transfer_new.html": _lead_transfer_new,
        "referrals/lead_transfer_detail.html": _lead_transfer_detail,
    }
)


# --- cross-border referral packages (issue 6, R-50) -----------------------------------------

_PARTNER = crossborder_selectors.PartnerView(
    id=uuid.UUID(int=7),
    organisation_name="Test focal point",
    country="EE",
    focal_point_id="ee-test",
    encryption_public_key="A" * 43 + "=",
    signing_public_key="B" * 43 + "=",
    fingerprint="0000 1111 2222 3333 4444 5555 6666 7777",
    added_at=NOW,
)


def _crossborder_list(scene: Scene) -> Context:
    transfers = [
        crossborder_selectors.TransferView(
            id=uuid.UUID(int=1),
            package_id=uuid.UUID(int=2),
            direction=direction,
            direction_label=direction,
            case_id=uuid.UUID(int=3),
            case_reference="FI-2026-0001",
            partner="Test focal point (EE)",
            partner_focal_point_id="ee-test",
            stage="return",
            created_at=NOW,
            expires_at=NOW + timedelta(days=14),
            acknowledged_at=acknowledged,
            ack_overdue=overdue,
        )
        for direction, acknowledged, overdue in [
            ("outgoing", None, True),
            ("outgoing", NOW, False),
            ("incoming", None, False),
        ]
    ]
    return {"transfers": transfers, "configured": False, "nav": "referrals"}


def _crossborder_export(scene: Scene) -> Context:
    case = open_case(actor=scene.lead)
    options = crossborder_selectors.ExportOptions(
        case=case, consents=[(str(uuid.UUID(int=4)), "return")], partners=[_PARTNER]
    )
    form = crossborder_forms.ExportForm({"stage": "nowhere"}, options=options)
    form.is_valid()
    return {"case": case, "form": form, "nav": "cases"}


def _crossborder_preview(scene: Scene) -> Context:
    header = crossborder_packages.Header(
        package_id=uuid.UUID(int=5),
        kind="referral",
        sender="ee-test",
        recipient="fi-test",
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    assessments = [{"kind": "needs", "assessed_on": "2026-11-20", "sections": {}}]
    payload = {
        "case_reference": "EE-2026-0001",
        "stage": "return",
        "identification_status": "presumed",
        "type_of_exploitation": ["forced_labour"],
        "treat_as_child": False,
        "consent": {"purpose": "return", "field_groups": ["assessment"], "given_on": "2026-11-20"},
        "assessments": assessments,
    }
    partner = FocalPointKey(organisation_name="Test focal point", country="EE")
    received = crossborder_services.Received(
        header=header, partner=partner, payload=payload, assessments=assessments
    )
    return {"received": received, "package": "{}", "nav": "referrals"}


def _crossborder_partners(scene: Scene) -> Context:
    form = crossborder_forms.PartnerForm({"country": "EST"})
    form.is_valid()
    return {"partners": [_PARTNER], "own": None, "form": form, "nav": "referrals"}


CONTEXTS.update(
    {
        "referrals/crossborder_list.html": _crossborder_list,
        "referrals/crossborder_export.html": _crossborder_export,
        "referrals/crossborder_import.html": lambda scene: {
            "form": crossborder_forms.ImportForm(),
            "configured": True,
            "nav": "referrals",
        },
        "referrals/crossborder_preview.html": _crossborder_preview,
        "referrals/crossborder_partners.html": _crossborder_partners,
    }
)


def _token_list(scene: Scene) -> dict[str, Any]:
    """A member's live tokens, as their organisation's administrator sees them."""
    member = scene.lead
    ApiToken.objects.create(
        user=member, digest="0" * 64, expires_at=timezone.now() + timedelta(hours=1)
    )
    tokens = ApiToken.objects.filter(user=member)
    return {"member": member, "own": False, "tokens": tokens, "nav": "members"}


def _statistics_exchange(scene: Scene) -> Context:
    """The exchange page just after an HTCDS import and a release import."""
    from types import SimpleNamespace

    from haven.statistics import htcds, maps, selectors_exchange
    from haven.statistics.exchange import RegionalRelease
    from haven.statistics.forms import exchange as forms_exchange
    from haven.statistics.forms.tables import YearForm

    own = RegionalRelease(
        sender="EE",
        created_at="2026-01-01T00:00:00Z",
        threshold=5,
        cells={("2024", "female", "adult", "sexual"): 7, ("2024", "male", "adult", "labour"): None},
    )
    other = RegionalRelease(sender="LV", created_at="2026-01-01T00:00:00Z", threshold=5, cells={})
    trends = selectors_exchange.regional_trends(own=own, imported=[other])
    figures = selectors_exchange.year_figures(trends, year=2024)
    dataset = SimpleNamespace(
        source="NGO in LV",
        record_count=3,
        imported_at=NOW,
        not_carried={"prs_FirstName": 3},
    )
    return {
        "country": "EE",
        "may_import": True,
        "trends": trends,
        "year": 2024,
        "year_form": YearForm(),
        "map": maps.baltic_map(figures, year=2024),
        "map_rows": maps.figure_rows(figures, year=2024),
        "datasets": [dataset],
        "not_held": htcds.export_not_carried(),
        "export_form": forms_exchange.HtcdsExportForm(),
        "htcds_form": forms_exchange.HtcdsImportForm(),
        "release_form": forms_exchange.ReleaseImportForm(),
        "imported_dataset": dataset,
        "imported_release": SimpleNamespace(sender="LV", created_at="2026-01-01T00:00:00Z"),
        "nav": "statistics",
    }


def _statistics_htcds_report(scene: Scene) -> Context:
    from haven.statistics import kanon
    from haven.statistics.tests.test_exchange_kanon import _victim

    register = [_victim(), _victim(), _victim(citizenships=("VN",))]
    report = kanon.htcds_release(register, k=2, node=(0, 0, 1, 0, 0, 0, 0, 0)).report
    return {"report": report, "file_format": "csv", "nav": "statistics"}


def _statistics_ctdc_report(scene: Scene) -> Context:
    from haven.statistics import kanon

    return {"report": kanon.release_report(kanon.release([], k=11)), "nav": "statistics"}


CONTEXTS.update(
    {
        "statistics/exchange/home.html": _statistics_exchange,
        "statistics/exchange/ctdc_report.html": _statistics_ctdc_report,
        "statistics/exchange/htcds_report.html": _statistics_htcds_report,
        "statistics/exchange/_not_carried.html": lambda scene: {"not_carried": {}},
        "statistics/exchange/_map_table.html": lambda scene: {
            "rows": _statistics_exchange(scene)["map_rows"],
            "year": 2024,
        },
        "statistics/exchange/_map.html": lambda scene: {
            **_statistics_exchange(scene),
            "map_id": "map",
            "map_title": "Map",
            "map_desc": "States",
        },
    }
)


def _shelters_plan(scene: Scene) -> Context:
    from haven.cases import services as case_services
    from haven.shelters.selectors import plans as plan_selectors
    from haven.shelters.services import plans as plan_services
    from haven.shelters.tests.test_plans import open_case, shelter

    actor = _desk_coordinator()
    incident = case_services.incident_open(actor=actor)
    open_case(actor, incident)
    open_case(actor, incident, age_status="verified_child")
    shelter("Women's house", 2, {"women"})
    plan = plan_services.plan_create(actor=actor, incident_id=incident.pk)
    plan_services.plan_person_update(
        actor=actor,
        plan_id=plan.pk,
        person_id=plan.people.values_list("pk", flat=True).first(),
        family="",
        risk_level=1,
        needs_wheelchair_access=True,
        needs_disability_access=True,
    )
    plan_services.plan_solve(actor=actor, plan_id=plan.pk)
    view = plan_selectors.plan_detail(actor=actor, plan_id=plan.pk)
    return {"view": view, "draft": True, "move": _refused_move(view.places), "nav": "desk"}


def _refused_move(places: list[tuple[str, str]]) -> object:
    from haven.shelters.forms import plans as plan_forms

    form = plan_forms.MoveForm({"person": "1", "place": "nowhere"}, places=places)
    form.is_valid()
    return form


def _shelters_plan_person(scene: Scene) -> Context:
    from haven.shelters.forms import plans as plan_forms

    view = _shelters_plan(scene)["view"]
    person = view.groups[0].people[0]
    form = plan_forms.PlanPersonForm({"family": "x" * 30, "risk_level": "9"})
    form.is_valid()
    return {"form": form, "person": person, "plan_id": view.plan.pk, "nav": "desk"}


def _shelters_plan_new(scene: Scene) -> Context:
    from haven.shelters.forms import plans as plan_forms

    form = plan_forms.PlanForm({"incident": ""}, country="FI")
    form.is_valid()
    return {"form": form, "nav": "desk"}


CONTEXTS.update(
    {
        "shelters/plans/plan_detail.html": _shelters_plan,
        "shelters/plans/plan_person.html": _shelters_plan_person,
        "shelters/plans/plan_new.html": _shelters_plan_new,
    }
)
# --- placements in safe accommodation (issue 16) --------------------------------------------


def _placement_contexts() -> dict[str, Builder]:
    from haven.shelters import case_parts as shelter_parts
    from haven.shelters.forms import placements as placement_forms
    from haven.shelters.models import PlacementState
    from haven.shelters.selectors import placements as placement_selectors
    from haven.shelters.selectors import search as placement_search
    from haven.shelters.tests.test_placements_services import placement_setup, propose
    from haven.shelters.views import placements as placement_views

    def found(scene: Scene) -> Any:
        s = placement_setup()
        return s, placement_search.placement_search(
            user=s.lead, case_id=s.case.id, inputs=placement_search.SearchInput()
        )

    def search_page(scene: Scene) -> Context:
        _s, result = found(scene)
        form = placement_forms.SearchForm(country="FI")
        return {"form": form, "result": result, "query": "", "nav": "cases"}

    def propose_page(scene: Scene) -> Context:
        s, result = found(scene)
        form = placement_forms.ProposeForm(initial={"place": s.place.pk}, country="FI")
        return {"form": form, "case": s.case, "place": result.suitable[0], "nav": "cases"}

    def requests_page(scene: Scene) -> Context:
        s = placement_setup()
        propose(s)
        page = placement_selectors.placement_requests(user=s.staff)
        return {
            "page": page,
            "rows": page.object_list,
            "state": "",
            "states": PlacementState.choices,
            "nav": "placements",
        }

    def detail_page(scene: Scene) -> Context:
        s = placement_setup()
        placement = propose(s)
        detail = placement_selectors.placement_get(user=s.staff, placement_id=placement.pk)
        forms_ = [
            (placement_views.BUTTONS[placement_views.A(a)], a, placement_views._form_for(a, detail))
            for a in detail.actions
        ]
        return {"detail": detail, "forms": forms_, "nav": "referrals"}

    def case_block(scene: Scene) -> Context:
        s = placement_setup()
        propose(s)
        rows = placement_selectors.case_placements(
            user=s.lead, case_id=s.case.id, lead_id=org_of(s.lead).pk, location=True
        )
        return {"accommodation": shelter_parts.AccommodationBlock(s.case.id, True, rows, True)}

    return {
        "shelters/placements/search.html": search_page,
        "shelters/placements/propose.html": propose_page,
        "shelters/placements/requests.html": requests_page,
        "shelters/placements/detail.html": detail_page,
        "shelters/placements/_case_block.html": case_block,
    }


CONTEXTS.update(_placement_contexts())


# --- information on rights and interpretation (R-24) --------------------------------------


def _rights(scene: Scene) -> rights_selectors.RightsView:
    """The presumed case: an interpreter needed, a decision soon without one, and the
    leaflet given in Vietnamese."""
    case, today = scene.presumed.case, timezone.localdate()
    rights_services.interpretation_need_record(
        actor=scene.lead,
        case_id=case.id,
        data=rights_services.NeedInput(needed=True, languages=["vi"], interpreter_sex="male"),
    )
    for organisation in ("", "Test Interpreting Ltd"):
        rights_services.interpreter_booking_record(
            actor=scene.lead,
            case_id=case.id,
            data=rights_services.BookingInput(
                occasion="decision",
                planned_on=today + timedelta(days=1),
                language="vi",
                interpreter_organisation=organisation,
                interpreter_sex="male",
            ),
        )
    rights_services.rights_information_record(
        actor=scene.lead,
        case_id=case.id,
        data=rights_services.RightsInput(
            items=["reflection"], given_on=today, language="vi", form="oral", version="easy"
        ),
    )
    return rights_selectors.rights_get(user=scene.lead, case_id=case.id)


def _rights_detail(scene: Scene) -> Context:
    view = _rights(scene)
    given_form = rights_forms.RightsInformationForm({"given-items": []})
    given_form.is_valid()
    return {
        "view": view,
        "case": view.case,
        "given_form": given_form,
        "need_form": rights_forms.InterpretationNeedForm(),
        "booking_form": rights_forms.InterpreterBookingForm(),
        "nav": "cases",
    }


def _leaflet(scene: Scene) -> Context:
    view = rights_selectors.leaflet_get(
        user=scene.lead, case_id=scene.presumed.case.id, language="th"
    )
    choice = rights_forms.LeafletChoiceForm({"lang": "xx"})
    choice.is_valid()
    return {
        "view": view,
        "case": view.case,
        "leaflet": view.leaflet,
        "choice_form": choice,
        "given_form": rights_forms.RightsInformationForm(),
        "nav": "cases",
    }


def _rights_case_block(scene: Scene) -> Context:
    _rights(scene)
    view = selectors.case_read(user=scene.lead, case_id=scene.presumed.case.id)
    return {"rights": rights_selectors.case_page_rights(case_view=view)}


CONTEXTS.update(
    {
        "assistance/rights/rights_detail.html": _rights_detail,
        "assistance/rights/leaflet_detail.html": _leaflet,
        "assistance/rights/leaflet_print.html": _leaflet,
        "assistance/rights/_leaflet.html": _leaflet,
        "assistance/rights/_warnings.html": lambda scene: {"warnings": _rights(scene).warnings},
        "assistance/rights/_case_block.html": _rights_case_block,
    }
)


# --- returns (issue 17) -------------------------------------------------------------------


def _returns_contexts() -> dict[str, Builder]:
    from haven.returns import case_parts as return_parts
    from haven.returns import forms as return_forms
    from haven.returns import selectors as return_selectors
    from haven.returns import services as return_services
    from haven.returns import views as return_views
    from haven.returns.tests.factories import load_profiles, make_plan, open_claim

    def prepared(scene: Scene) -> Case:
        """A return being prepared for a woman with an open claim, with one goal."""
        load_profiles()
        case = open_case(actor=scene.lead)
        open_claim(case=case, by=scene.lead)
        plan = make_plan(actor=scene.lead, case=case)
        return_services.reintegration_goal_add(
            actor=scene.lead, plan_id=plan.id, area="housing", goal="A flat."
        )
        return case

    def plan_page(scene: Scene) -> Context:
        return return_views.plan_page_context(scene.lead, prepared(scene).id)

    def plan_form(scene: Scene) -> Context:
        case = prepared(scene)
        view, plan = return_selectors.return_plan_get(
            user=scene.lead,
            case_id=case.id,
            plan_id=return_selectors.return_plan_list(user=scene.lead, case_id=case.id).plans[0].id,
        )
        form = return_forms.ReturnPlanEditForm(
            initial=return_views._plan_initial(plan), countries=return_views._countries()
        )
        return {"view": view, "case": view.case, "form": form, "plan": plan, "nav": "cases"}

    def goal_page(scene: Scene) -> Context:
        context = plan_page(scene)
        plan = context["plan"]
        goal = plan.goals[0]
        form = return_forms.GoalOutcomeForm(initial={"outcome": goal.outcome, "version": 1})
        return {**context, "goal": goal, "form": form}

    def follow_up_page(scene: Scene) -> Context:
        context = plan_page(scene)
        plan = context["plan"]
        return_services.return_plan_transition(
            actor=scene.lead, plan_id=plan.id, action="cancel", reason="Stays."
        )
        follow_up = return_selectors.FollowUpView(
            id=uuid.uuid4(),
            months=1,
            due_on=timezone.localdate(),
            organisation="NGO",
            organisation_id=uuid.uuid4(),
            overdue=False,
            contacted_on=None,
            outcome="",
            outcome_label="",
            indicators=[],
            note="",
        )
        return {**context, "follow_up": follow_up, "form": return_forms.FollowUpForm()}

    def profiles(scene: Scene) -> Context:
        load_profiles()
        rows = return_selectors.country_profile_list(user=scene.lead)
        return {"profiles": rows, "keeps": True, "nav": "return_profiles"}

    def profile_edit(scene: Scene) -> Context:
        load_profiles()
        profile = return_selectors.country_profile_get(user=scene.lead, country="VN")
        form = return_forms.CountryProfileForm(initial={"name": profile.name, "version": 1})
        return {"profile": profile, "form": form, "nav": "return_profiles"}

    def case_block(scene: Scene) -> Context:
        case = prepared(scene)
        summary = return_selectors.return_summary(case=case)
        return {"return_block": return_parts.ReturnBlock(case.id, summary, True)}

    return {
        "returns/plan_list.html": plan_page,
        "returns/plan_form.html": plan_form,
        "returns/goal_outcome.html": goal_page,
        "returns/follow_up_record.html": follow_up_page,
        "returns/profile_list.html": profiles,
        "returns/profile_edit.html": profile_edit,
        "returns/_profile.html": lambda scene: (
            profiles(scene) | {"profile": profiles(scene)["profiles"][0]}
        ),
        "returns/_case_block.html": case_block,
    }


CONTEXTS.update(_returns_contexts())


def _request(user: User) -> HttpRequest:
    request = RequestFactory().get("/cases/")
    user.is_verified = lambda: True  # type: ignore[attr-defined]  # as OTPMiddleware sets it
    request.user = user
    return request


def test_it_has_a_smoke_context_for_every_template() -> None:
    # then
    assert template_names() == set(CONTEXTS)


@pytest.fixture
def strict_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Print ``MISSING[name]`` for a variable the context lacks, for this test only."""
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    monkeypatch.setattr(backend.engine, "string_if_invalid", MISSING)


@pytest.mark.django_db
@pytest.mark.usefixtures("strict_variables")
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_it_renders_the_template(name: str, scene: Scene) -> None:
    # given
    context = CONTEXTS[name](scene)

    # when
    request = None if name == "500.html" else _request(scene.reader)
    html = render_to_string(name, context, request=request)

    # then
    assert html.strip()
    assert "{{" not in html
    assert "{%" not in html
    assert "MISSING[" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("strict_variables")
@pytest.mark.parametrize("state", ["proposed", "refused"])
def test_it_renders_an_agreement_waiting_for_approval_or_refused(state: str, scene: Scene) -> None:
    # given: the other states of an agreement than the ended one of the smoke contexts
    context = {"proposed": _agreement_proposed, "refused": _agreement_refused}[state](scene)

    # when
    html = render_to_string("access/agreement_detail.html", context, request=_request(scene.reader))

    # then
    assert "MISSING[" not in html
    assert ("Approve the agreement" in html) is (state == "proposed")
    assert ("The shelters were not consulted." in html) is (state == "refused")


@pytest.mark.usefixtures("strict_variables")
def test_it_notices_a_variable_the_context_lacks() -> None:
    # when: a partial rendered without the set it describes
    html = render_to_string("identification/_screening_set_source.html", {})

    # then
    assert "MISSING[indicator_set.title]" in html


# --- protected statistics releases (issue 15) -------------------------------------------------


def _statistics_release(scene: Scene) -> Release:
    scene.viewer = statistics_helpers.rapporteur()
    return release_services.release_create(
        actor=scene.viewer, data=statistics_helpers.release_input()
    )


def _release_list(scene: Scene) -> Context:
    release = _statistics_release(scene)
    return {
        "releases": [release],
        "budgets": statistics_releases.budget_list(user=scene.reader),
        "budget_total": statistics_releases.budget_total(),
        "may_release": True,
        "form": ReleaseForm(),
        "nav": "statistics",
    }


def _release_detail(scene: Scene) -> Context:
    release = _statistics_release(scene)
    return {
        "release": release,
        "grid": statistics_releases.release_grid(release),
        "remaining": sorted(release.remaining.items()),
        "nav": "statistics",
    }


CONTEXTS.update(
    {
        "statistics/releases/release_list.html": _release_list,
        "statistics/releases/release_detail.html": _release_detail,
    }
)


# --- shelter places and capacity (issue 16) ---------------------------------------------------


def _shelter_place(scene: Scene) -> Any:
    from haven.shelters.services import places as place_services
    from haven.shelters.tests.places_factories import make_place, shelter_org, staff

    scene.viewer = staff(shelter_org())
    place = make_place(scene.viewer, beds=2)
    bed = place.rooms.get().beds.order_by("label").first()
    assert bed is not None
    place_services.bed_out_of_service(actor=scene.viewer, bed_id=bed.pk, reason="repair")
    return place


def _place_form(place: Any) -> Any:
    from haven.shelters.forms.places import PlaceEditForm

    form = PlaceEditForm({"name": "", "version": str(place.version)}, country="FI")
    form.is_valid()
    return form


def _place_list(scene: Scene) -> Context:
    from haven.shelters.selectors import places as place_selectors

    _shelter_place(scene)
    page = place_selectors.places_of_my_organisation(user=scene.reader)
    rows = [(row, "Women") for row in page.object_list]
    return {"page": page, "rows": rows, "keeper": False, "nav": "places"}


def _place_detail(scene: Scene) -> Context:
    from haven.shelters.forms.places import BedsForm, OutageForm, RoomForm
    from haven.shelters.selectors import places as place_selectors

    place = _shelter_place(scene)
    detail = place_selectors.place_detail(user=scene.reader, place_id=place.pk)
    outage = OutageForm({"reason": ""})
    outage.is_valid()
    rooms = [
        (room, [(bed, outage) for bed in room.beds], BedsForm({"count": "0"}))
        for room in detail.rooms
    ]
    return {
        "detail": detail,
        "place": place,
        "accepts": "Women, Families",
        "location": place_selectors.place_location(user=scene.reader, place=place),
        "rooms": rooms,
        "room_form": RoomForm({"name": ""}),
        "nav": "places",
    }


def _place_edit(scene: Scene) -> Context:
    place = _shelter_place(scene)
    conflict = lib_views.EditConflictShown(
        message="Someone else changed this record.", saved=[("Name of the place", place.name)]
    )
    return {"place": place, "form": _place_form(place), "conflict": conflict, "nav": "places"}


def _capacity_page(scene: Scene) -> Context:
    from haven.shelters.forms.places import WeeksForm
    from haven.shelters.models import PlaceKind
    from haven.shelters.selectors import capacity
    from haven.shelters.views.capacity import line_chart

    _shelter_place(scene)
    history = capacity.capacity_history(user=scene.reader, weeks=1)
    return {
        "form": WeeksForm(),
        "weeks": 1,
        "now": capacity.capacity_now(user=scene.reader),
        "kinds": dict(PlaceKind.choices),
        "history": history,
        "key": capacity.TOTAL,
        "region": "",
        "chart": line_chart(history, capacity.TOTAL),
        "table": [(day.day, day.counts[capacity.TOTAL]) for day in history.days],
        "coordinator": True,
        "nav": "capacity",
    }


CONTEXTS.update(
    {
        "shelters/places/list.html": _place_list,
        "shelters/places/new.html": lambda scene: {
            "form": _place_form(_shelter_place(scene)),
            "nav": "places",
        },
        "shelters/places/detail.html": _place_detail,
        "shelters/places/edit.html": _place_edit,
        "shelters/places/_fields.html": lambda scene: {"form": _place_form(_shelter_place(scene))},
        "shelters/capacity/page.html": _capacity_page,
    }
)
