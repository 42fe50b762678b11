"""Strict CSP: every page sends the header, and no template or page carries
inline script, inline event handlers or inline styles."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from haven.access.models import Agreement
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import PASSWORD, make_user
from haven.cases.tests.factories import add_to_team, open_case
from haven.identification.tests.factories import load_shipped_sets, screen
from haven.identification.tests.test_decisions_services import record
from haven.web.tests.factories import sign_in
from haven.web.tests.test_templates import TEMPLATE_DIRS

if TYPE_CHECKING:  # the test client's response type exists only in django-stubs
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"style\s*=|<style", re.I)


def _problems(html: str) -> list[str]:
    return [
        name
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("event handler attribute", EVENT_HANDLER),
            ("inline style", INLINE_STYLE),
        )
        if pattern.search(html)
    ]


@pytest.mark.parametrize(
    "path", sorted(str(p) for d in TEMPLATE_DIRS for p in d.rglob("*.html")), ids=lambda p: p
)
def test_it_keeps_templates_free_of_inline_script_handlers_and_styles(path: str) -> None:
    # when
    with open(path, encoding="utf-8") as template:
        problems = _problems(template.read())

    # then
    assert problems == []


def test_it_detects_what_it_forbids() -> None:
    # then
    assert _problems('<script>alert(1)</script><a onclick="x()" style="color:red">') == [
        "inline script",
        "event handler attribute",
        "inline style",
    ]
    assert _problems('<script src="/static/haven/htmx.js" defer></script><p>only</p>') == []


def _every_page(client: Client) -> list[TestResponse]:
    ngo = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=ngo, narrative="Entry.")
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)
    load_shipped_sets()
    screening = screen(actor=ngo, case=case)
    decision = record(police, case)
    anonymous = [client.get(reverse("accounts:login")), client.get(reverse("report:new"))]
    half_signed_in = Client()
    half_signed_in.post(reverse("accounts:login"), {"username": ngo.username, "password": PASSWORD})
    anonymous.append(half_signed_in.get(reverse("accounts:mfa")))
    lead, member = sign_in(Client(), ngo), sign_in(Client(), police)
    pages = [
        reverse("web:home"),  # the caseworker's home page
        reverse("cases:list"),
        reverse("cases:new"),
        reverse("web:case_detail", args=[case.id]),
        reverse("cases:transition", args=[case.id]),
        reverse("cases:access_report", args=[case.id]),
        reverse("web:person_report", args=[case.id]),
        reverse("cases:interview_list", args=[case.id]),
        reverse("cases:interview_new", args=[case.id]),
        reverse("cases:consent_list", args=[case.id]),
        reverse("cases:consent_new", args=[case.id]),
        reverse("justice:cooperation", args=[case.id]),
        reverse("identification:indicator_set_list"),
        reverse("identification:indicator_set_detail", args=["adults_labour", 1]),
        reverse("identification:screening_new", args=[case.id]),
        reverse("identification:screening_list", args=[case.id]),
        reverse("identification:screening_detail", args=[screening.id]),
        reverse("identification:decision_list", args=[case.id]),
        reverse("identification:decision_new", args=[case.id]),
        reverse("identification:decision_detail", args=[decision.id]),
        reverse("assistance:reflection_detail", args=[case.id]),
        reverse("assistance:permit_list", args=[case.id]),
        reverse("assistance:plan_new", args=[case.id]),
        reverse("assistance:assessment_new", args=[case.id]) + "?kind=needs",
        reverse("deadlines:deadline_list"),
        reverse("deadlines:notification_list"),
        reverse("access:break_glass_new"),
        reverse("access:break_glass_review_list"),
        reverse("children:guardian_list", args=[case.id]),
        reverse("children:guardian_new", args=[case.id]),
        reverse("children:best_interests_new", args=[case.id]),
        reverse("children:dependant_list", args=[case.id]),
        reverse("referrals:directory_list"),
        reverse("referrals:referral_new", args=[case.id])
        + f"?to={police.organisation.pk}&purpose=assistance",
        reverse("referrals:referral_outgoing"),
        reverse("referrals:crossborder_list"),
        "/no-such-page/",
    ]
    return [
        *anonymous,
        *[lead.get(page) for page in pages],
        member.get(reverse("cases:access_report", args=[case.id])),
        # No case role: the home page sends the rapporteur to the statistics (302), whose
        # chart is SVG drawn on the server: no script, no style attribute.
        sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)).get("/"),
        sign_in(Client(), make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)).get(
            reverse("statistics:home")
        ),
        lead.post(reverse("cases:new"), {"citizenships": "XYZ"}),
        *_agreement_pages(),
    ]


def _agreement_pages() -> list[TestResponse]:
    admin = sign_in(Client(), make_user(org_type=OrgType.OTHER, role=Role.SYSTEM_ADMIN))
    agreement = Agreement.objects.order_by("name").first()
    assert agreement is not None  # add_to_team's legal-basis agreement
    pages = [
        reverse("access:agreement_list"),
        reverse("access:agreement_new"),
        reverse("access:agreement_detail", args=[agreement.id]),
    ]
    return [admin.get(page) for page in pages]


@pytest.mark.django_db
def test_it_sends_a_strict_csp_on_every_page(client: Client) -> None:
    # when
    responses = _every_page(client)

    # then
    assert {r.status_code for r in responses} == {200, 302, 403, 404}
    for response in responses:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert _problems(response.content.decode()) == []
