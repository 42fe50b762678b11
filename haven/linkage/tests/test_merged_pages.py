"""Shown, then refused (issue 14 with issue 11): every page of a merged case that its
team reaches from the case page answers, and none offers a form that records on it.
The same walk over the surviving case finds the forms, so the walk can tell."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.cases.models import Case
from haven.linkage.tests.test_review import World
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]*)"')
# Forms that never record anything new on the case: the person's withdrawal of a
# consent is always taken, and signing out or changing the language are the site's.
NOT_RECORDING = re.compile(r"/consents/[0-9a-f-]+/withdraw/$|/accounts/logout/$|/i18n/setlang/$")


def _walk(client: Client, case: Case) -> dict[str, tuple[int, list[str]]]:
    """Every page of the case reached from its case page by links naming the case:
    its status and the POST forms it offers that record."""
    start = reverse("web:case_detail", args=[case.id])
    seen: dict[str, tuple[int, list[str]]] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        answer = client.get(url)
        if not answer.get("Content-Type", "").startswith("text/html"):
            seen[url] = (answer.status_code, [])  # a file (a PDF, a CSV): no links, no forms
            continue
        html = answer.content.decode()
        forms = [f for f in POST_FORM.findall(html) if not NOT_RECORDING.search(f)]
        seen[url] = (answer.status_code, forms)
        if answer.status_code == 200:
            todo += [
                link.replace("&amp;", "&")
                for link in LINK.findall(html)
                if str(case.id) in link and link.replace("&amp;", "&") not in seen
            ]
    return seen


def _walk_as(user: User, case: Case) -> dict[str, tuple[int, list[str]]]:
    return _walk(sign_in(Client(), user), case)


def test_issue14_a_merged_case_offers_its_team_no_form_and_no_refused_link() -> None:
    world = World()
    world.merged()
    absorbed = Case.objects.get(pk=world.latin.id)

    pages = _walk_as(world.second_worker, absorbed)

    assert len(pages) > 10  # the history stays readable: plans, consents, interviews...
    refused = {url: status for url, (status, _forms) in pages.items() if status != 200}
    assert refused == {}
    offered = {url: forms for url, (_status, forms) in pages.items() if forms}
    assert offered == {}


def test_issue14_the_same_walk_over_the_surviving_case_finds_its_forms() -> None:
    world = World()
    world.merged()
    surviving = Case.objects.get(pk=world.cyrillic.id)

    pages = _walk_as(world.first_worker, surviving)

    offered = {form for _status, forms in pages.values() for form in forms}
    assert len(offered) >= 8, offered  # referral, interview, assessment, plan, consent...
    assert {u: s for u, (s, _f) in pages.items() if s != 200} == {}
