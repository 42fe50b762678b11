"""No dead ends (issue 11): the menu and the case list offer a page only to those
the page lets in, because both ask the same named rule (``haven.accounts.rules``).
The crawl of the whole demo as every role is ``haven/demo/tests/test_crawl.py``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from haven.accounts import rules
from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.web.tests.factories import sign_in

CASES = reverse("cases:list")

# (role, organisation type): every role, and the system administrator in the
# national coordinator's office, as in the demo.
ACCOUNTS = [
    (Role.CASEWORKER, OrgType.NGO),
    (Role.SUPERVISOR, OrgType.NGO),
    (Role.CASEWORKER, OrgType.NATIONAL_COORDINATOR),
    (Role.ORG_ADMIN, OrgType.NGO),
    (Role.RAPPORTEUR, OrgType.RAPPORTEUR),
    (Role.SYSTEM_ADMIN, OrgType.NATIONAL_COORDINATOR),
]
PAGES = [
    "cases:new",
    "access:break_glass_new",
    "referrals:desk_home",
    "statistics:home",
    "shelters_places:place_list",
    "shelters_places:capacity",
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "org_type"), ACCOUNTS)
@pytest.mark.parametrize("page", PAGES)
def test_no_link_is_refused_the_menu_offers_a_page_exactly_when_it_opens(
    role: str, org_type: str, page: str
) -> None:
    # given
    client = sign_in(Client(), make_user(role=role, org_type=org_type))
    url = reverse(page)

    # when
    opened = client.get(url).status_code
    offered = f'href="{url}"' in client.get(CASES).content.decode()

    # then: the link is there exactly when the page opens; a refusal comes up front
    assert opened in (200, 403)
    assert offered is (opened == 200), (role, org_type, page, opened)


@pytest.mark.django_db
def test_no_link_is_refused_the_rapporteur_and_administrators_are_offered_no_case_work() -> None:
    # given
    users = [
        make_user(role=Role.RAPPORTEUR, org_type=OrgType.RAPPORTEUR),
        make_user(role=Role.ORG_ADMIN),
        make_user(role=Role.SYSTEM_ADMIN, org_type=OrgType.NATIONAL_COORDINATOR),
    ]
    caseworker = make_user(org_type=OrgType.NATIONAL_COORDINATOR)

    # when
    names = ["cases.open", "access.use_break_glass", "referrals.work_desk"]

    # then
    assert all(rules.may(caseworker, name) for name in names)
    assert not any(rules.may(user, name) for user in users for name in names)


def test_it_answers_no_for_anonymous_users_and_raises_for_an_unknown_rule() -> None:
    # then
    assert rules.may(AnonymousUser(), "cases.open") is False
    assert rules.may_on(AnonymousUser(), "cases.read_access_report", object()) is False
    assert {"cases.open", "cases.read_access_report", "access.use_break_glass"} <= (
        rules.registered()
    )
    with pytest.raises(rules.UnknownRule):
        rules.may(AnonymousUser(), "cases.no_such_rule")
    with pytest.raises(rules.UnknownRule):
        rules.may_on(AnonymousUser(), "cases.no_such_rule", object())


def test_templates_ask_the_rules_by_name() -> None:
    # given
    template = Template(
        '{% load haven_rules %}{% if user|may:"cases.open" %}open{% endif %}'
        '{% may_on "cases.read_access_report" view as report %}{% if report %}report{% endif %}'
    )

    # when
    rendered = template.render(Context({"user": AnonymousUser(), "view": object()}))

    # then
    assert rendered == ""
