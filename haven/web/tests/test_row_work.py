"""Work done once a page, not once a row (issue 13's one-client goals): the list rows
of the case list and the home page link their case without reversing the URL again
(``haven.lib.links``) and show their labels without translating them again
(``haven_labels``), and show the same words and links as before, in each language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from unittest import mock

import django.urls
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from haven.accounts.models import Organisation, OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import bulk_cases
from haven.deadlines.tests.test_deadlines import at, deadline, quiet_case, staff
from haven.lib import links
from haven.web.templatetags import haven_labels
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 3, 12))


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    links._around.cache_clear()
    haven_labels._words.cache_clear()
    yield
    links._around.cache_clear()
    haven_labels._words.cache_clear()


@pytest.fixture
def ngo() -> Organisation:
    return OrganisationFactory.create(org_type=OrgType.NGO, name="Victim Support NGO")


def _case_links_reversed(client: Client, url: str) -> tuple[str, int]:
    """The page, and how many times the case page's URL was reversed to render it
    (by ``{% url %}``, which imports ``django.urls.reverse`` as it renders, or by
    ``haven.lib.links``)."""
    calls = {"web:case_detail": 0}

    def counting(real: Callable[..., str]) -> Callable[..., str]:
        def reverse_(viewname: str, *args: Any, **kwargs: Any) -> str:
            if viewname == "web:case_detail":
                calls[viewname] += 1
            return real(viewname, *args, **kwargs)

        return reverse_

    with (
        mock.patch.object(django.urls, "reverse", counting(django.urls.reverse)),
        mock.patch.object(links, "reverse", counting(reverse)),
    ):
        html = client.get(url).content.decode()
    return html, calls["web:case_detail"]


def test_the_case_list_reverses_the_case_link_once_not_once_a_row(ngo: Organisation) -> None:
    # given: 12 cases on the list
    lead = staff(ngo, Role.CASEWORKER)
    cases = bulk_cases(lead=ngo, opener=lead, count=12)

    # when
    html, reversed_ = _case_links_reversed(sign_in(Client(), lead), reverse("cases:list"))

    # then: each row links its own case, as {% url %} did
    assert reversed_ == 1
    for case in cases:
        link = f'<a href="{reverse("web:case_detail", args=[case.id])}">{case.reference}</a>'
        assert link in html


def test_the_home_page_reverses_the_case_link_once_not_once_a_row(ngo: Organisation) -> None:
    # given: cases led by the organisation, each with a coming and an overdue deadline
    lead = staff(ngo, Role.CASEWORKER)
    cases = [quiet_case(actor=lead) for _ in range(3)]
    for case in cases:
        deadline(case=case, organisation=ngo, due_on=date(2026, 3, 5))
        deadline(case=case, organisation=ngo, due_on=date(2026, 3, 14))

    # when
    with time_machine.travel(NOW, tick=False):
        html, reversed_ = _case_links_reversed(sign_in(Client(), lead), reverse("web:home"))

    # then: three sections of three rows, each linking its case
    assert reversed_ == 1
    for case in cases:
        link = f'<a href="{reverse("web:case_detail", args=[case.id])}">{case.reference}</a>'
        assert html.count(link) == 3


def test_a_label_is_translated_once_a_language_not_once_a_cell() -> None:
    # given: the label shown once already
    haven_labels.label("presumed", "status")
    trans = translation._trans  # type: ignore[attr-defined]  # the active backend

    # when: a page of rows
    with mock.patch.object(trans, "gettext", wraps=trans.gettext) as translated:
        words = [haven_labels.label("presumed", "status") for _ in range(25)]

    # then
    assert translated.call_count == 0
    assert set(words) == {str(IdentificationStatus.PRESUMED.label)}


def test_a_label_is_in_the_readers_language_whichever_language_asked_first() -> None:
    # given / when
    with translation.override("en"):
        english = haven_labels.labels(["presumed", "identified", "unknown"], "status")
    with translation.override("fi"):
        finnish = haven_labels.labels(["presumed", "identified", "unknown"], "status")
    with translation.override("en"):
        english_again = haven_labels.label("presumed", "status")

    # then
    with translation.override("fi"):
        presumed_fi = str(IdentificationStatus.PRESUMED.label)
        identified_fi = str(IdentificationStatus.IDENTIFIED.label)
    assert english == "Presumed victim, Identified victim, unknown"
    assert finnish == f"{presumed_fi}, {identified_fi}, unknown"
    assert presumed_fi != "Presumed victim"
    assert english_again == "Presumed victim"


def test_the_case_list_shows_each_status_in_the_readers_language(ngo: Organisation) -> None:
    # given: cases of two statuses
    lead = staff(ngo, Role.CASEWORKER)
    bulk_cases(lead=ngo, opener=lead, count=2, status="presumed")
    bulk_cases(lead=ngo, opener=lead, count=1, status="identified")
    client = sign_in(Client(), lead)

    # when
    pages = {}
    for language in ("en", "fi"):
        client.cookies["django_language"] = language
        pages[language] = client.get(reverse("cases:list")).content.decode()

    # then
    with translation.override("fi"):
        presumed_fi = str(IdentificationStatus.PRESUMED.label)
    assert pages["en"].count(">Presumed victim</td>") == 2
    assert pages["en"].count(">Identified victim</td>") == 1
    assert pages["fi"].count(f">{presumed_fi}</td>") == 2
    assert ">Presumed victim</td>" not in pages["fi"]
