"""Smoke test: every template of the pages renders with a realistic context
(after Zulip's test_templates). A new template without an entry here fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory

from haven.access.models import FieldGroup
from haven.accounts import forms as account_forms
from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases import forms as case_forms
from haven.cases import selectors, services
from haven.cases.tests.factories import open_case

HAVEN = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [
    HAVEN / "web" / "templates",
    HAVEN / "accounts" / "templates",
    HAVEN / "cases" / "templates",
]

Context = dict[str, Any]
Builder = Callable[[User], Context]


def template_names() -> set[str]:
    return {
        str(path.relative_to(directory))
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
    }


def _case_context(user: User) -> Context:
    case = open_case(actor=user, narrative="A synthetic account.")
    services.case_transition(
        pathway_decision=True,
        actor=user, case_id=case.id, to_status="presumed", reasons="Reasonable grounds."
    )
    view = selectors.case_read(user=user, case_id=case.id)
    return {
        "view": view,
        "case": view.case,
        "narrative_form": case_forms.NarrativeForm(),
        "may_transition": True,
        "may_add_narrative": True,
        "group": view.groups[0],
    }


def _list_context(user: User) -> Context:
    open_case(actor=user)
    page = Paginator(selectors.case_list(user=user), 25).get_page(1)
    return {"form": case_forms.CaseSearchForm(), "page": page, "searching": False}


def _group_context(group: FieldGroup) -> Builder:
    def build(user: User) -> Context:
        context = _case_context(user)
        return {**context, "data": context["view"].group(group).data}

    return build


def _invalid_intake(user: User) -> Context:
    form = case_forms.CaseIntakeForm({"citizenships": "FIN", "age_status": "uncertain"})
    form.is_valid()
    return {"form": form, "field": form["citizenships"]}


def _report_context(user: User) -> Context:
    case = open_case(actor=user)
    return {"case": case, "events": selectors.person_access_report(user=user, case_id=case.id)}


def _transition_context(user: User) -> Context:
    case = open_case(actor=user)
    return {"case": case, "form": case_forms.TransitionForm(current_status="potential")}


CONTEXTS: dict[str, Builder] = {
    "base.html": lambda user: {},
    "404.html": lambda user: {},
    "403.html": lambda user: {"reason": "Only the case lead can see the access report."},
    "403_csrf.html": lambda user: {},
    "500.html": lambda user: {},
    "web/_field.html": _invalid_intake,
    "web/_form_errors.html": _invalid_intake,
    "accounts/user_login.html": lambda user: {"form": account_forms.LoginForm(), "next": "/"},
    "accounts/mfa_verify.html": lambda user: {"form": account_forms.OtpForm(), "next": "/"},
    "accounts/mfa_enrol.html": lambda user: {
        "form": account_forms.OtpForm(),
        "next": "/",
        "secret": "ABCD EFGH",
        "qr_svg": "<svg></svg>",
    },
    "cases/case_list.html": _list_context,
    "cases/_case_rows.html": _list_context,
    "cases/case_open.html": lambda user: {"form": case_forms.CaseIntakeForm()},
    "cases/case_detail.html": _case_context,
    "cases/_group.html": _case_context,
    "cases/case_transition.html": _transition_context,
    "cases/access_report_detail.html": _report_context,
    **{f"cases/_group_{group.value}.html": _group_context(group) for group in FieldGroup},
}


def _request(user: User) -> HttpRequest:
    request = RequestFactory().get("/cases/")
    user.is_verified = lambda: True  # type: ignore[attr-defined]  # as OTPMiddleware sets it
    request.user = user
    return request


def test_it_has_a_smoke_context_for_every_template() -> None:
    # then
    assert template_names() == set(CONTEXTS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_it_renders_the_template(name: str) -> None:
    # given
    user = make_user(org_type=OrgType.NGO)
    context = CONTEXTS[name](user)

    # when
    request = None if name == "500.html" else _request(user)
    html = render_to_string(name, context, request=request)

    # then
    assert html.strip()
    assert "{{" not in html
    assert "{%" not in html
