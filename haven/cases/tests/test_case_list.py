"""The case list and the reference search (issue 13): the visible cases only, newest
first, a page read with a limit and counted on the team memberships (or up to a
limit, then "more than"), and a reference search by the start or the end of the
reference through an index; the same number of queries for 1 case as for 1,000."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from haven.access import services as access_services
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.cases import selectors
from haven.cases.models import Case, reference_key
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import add_to_team, bulk_cases, open_case
from haven.cases.tests.test_api import LIST_URL, api_client_for
from haven.lib import paging
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

CASES = reverse("cases:list")
JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."


def _org(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def _ids(cases: object) -> list[object]:
    return [c.pk for c in cases]  # type: ignore[attr-defined]


def _page(user: User, *, number: int = 1, per_page: int = 25, **search: str) -> paging.Page[Case]:
    return selectors.case_list_page(user=user, number=number, per_page=per_page, **search)


@pytest.fixture
def ngo() -> User:
    return make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)


@pytest.fixture(params=["sorted", "walked"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both plans of the list: a few visible cases sorted, many walked in date order."""
    if request.param == "walked":
        monkeypatch.setattr(selectors, "CASE_LIST_SORT_LIMIT", 0)
    return str(request.param)


# --- which cases ---------------------------------------------------------------------------


def test_it_lists_exactly_the_cases_of_the_users_teams_newest_first(ngo: User, plan: str) -> None:
    # given: one led, one joined, one of another organisation
    led = open_case(actor=ngo)
    stranger = make_user(org_type=OrgType.NGO)
    joined = open_case(actor=stranger)
    add_to_team(case=joined, organisation=_org(ngo))
    hidden = open_case(actor=stranger)

    # when
    mine, theirs = _page(ngo), _page(stranger)

    # then: the allowed side and the denied side, with the same cases
    assert _ids(mine.object_list) == [joined.pk, led.pk]
    assert mine.count == paging.Count(2, exact=True)
    assert hidden.pk not in _ids(mine.object_list)
    assert _ids(theirs.object_list) == [hidden.pk, joined.pk]
    assert [c.lead_name for c in mine.object_list] == [  # type: ignore[attr-defined]
        str(_org(stranger)),
        str(_org(ngo)),
    ]


def test_it_never_lists_a_case_of_another_organisation_even_by_its_reference(
    ngo: User, plan: str
) -> None:
    # given
    hidden = open_case(actor=make_user(org_type=OrgType.NGO))
    code = hidden.reference.rsplit("-", 1)[1]

    # then
    for search in (
        {},
        {"reference": hidden.reference},
        {"reference": code},
        {"status": S.POTENTIAL},
    ):
        page = _page(ngo, **search)
        assert page.object_list == []
        assert page.count == paging.Count(0, exact=True)


def test_it_lists_a_break_glass_case_as_before_only_on_its_page_not_in_the_list(
    plan: str,
) -> None:
    # given: an outsider with a live emergency grant on a case of another team
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    outsider = make_user(org_type=OrgType.SOCIAL_SERVICES)
    access_services.break_glass_open(
        actor=outsider, case_id=case.id, person_id=case.person_id, justification=JUSTIFICATION
    )

    # then: the grant opens the case page (the gate), and the list is the team's, as before
    assert selectors.case_get(user=outsider, case_id=case.id) == case
    assert _page(outsider).object_list == []
    assert list(selectors.case_list(user=outsider)) == []
    assert _ids(_page(lead).object_list) == [case.pk]


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.RAPPORTEUR, Role.SYSTEM_ADMIN])
def test_it_lists_and_counts_no_cases_for_roles_without_case_data(ngo: User, role: str) -> None:
    # given
    open_case(actor=ngo)
    colleague = UserFactory.create(organisation=ngo.organisation, role=role)

    # then
    assert _page(colleague).object_list == []
    assert _page(colleague).count == paging.Count(0, exact=True)


def test_it_filters_by_status_with_either_plan(ngo: User, plan: str) -> None:
    # given
    start = timezone.now()
    potential = bulk_cases(lead=_org(ngo), opener=ngo, count=3, start=start)
    presumed = bulk_cases(
        lead=_org(ngo), opener=ngo, count=2, status=S.PRESUMED, start=start - timedelta(days=1)
    )

    # when
    page = _page(ngo, status=S.PRESUMED)

    # then
    assert _ids(page.object_list) == _ids(presumed)
    assert page.count == paging.Count(2, exact=True)
    assert _ids(_page(ngo).object_list) == _ids(potential + presumed)


# --- pages and counts ----------------------------------------------------------------------


def test_it_pages_newest_first_and_knows_the_last_page(ngo: User, plan: str) -> None:
    # given
    cases = bulk_cases(lead=_org(ngo), opener=ngo, count=7)

    # when
    pages = [_page(ngo, number=n, per_page=3) for n in (1, 2, 3, 4)]

    # then: page 4 does not exist, so the last one is shown (as Django's get_page)
    assert [_ids(p.object_list) for p in pages[:3]] == [
        _ids(cases[0:3]),
        _ids(cases[3:6]),
        _ids(cases[6:7]),
    ]
    assert pages[3].number == 3
    assert [(p.has_previous, p.has_next, p.num_pages) for p in pages[:3]] == [
        (False, True, 3),
        (True, True, 3),
        (True, False, 3),
    ]
    assert pages[1].previous_page_number() == 1
    assert pages[1].next_page_number() == 3
    assert pages[0].has_other_pages()


def test_it_says_more_than_the_limit_rather_than_counting_every_case(
    ngo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: more visible cases than the count goes to, and more presumed than the matches'
    monkeypatch.setattr(selectors, "CASE_COUNT_LIMIT", 4)
    monkeypatch.setattr(selectors, "CASE_MATCH_COUNT_LIMIT", 2)
    cases = bulk_cases(lead=_org(ngo), opener=ngo, count=5, status=S.PRESUMED)

    # when
    everything = _page(ngo, per_page=2, number=3)
    presumed = _page(ngo, status=S.PRESUMED, per_page=2, number=3)

    # then: the count is a lower bound, and every page is still there
    assert everything.count == paging.Count(4, exact=False)
    assert everything.count.more_than
    assert everything.num_pages is None
    assert _ids(everything.object_list) == [cases[4].pk]
    assert not everything.has_next
    assert presumed.count == paging.Count(2, exact=False)
    assert _ids(presumed.object_list) == [cases[4].pk]


def test_it_shows_the_estimated_count_in_words_on_the_page(
    ngo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr(selectors, "CASE_COUNT_LIMIT", 3)
    bulk_cases(lead=_org(ngo), opener=ngo, count=30)
    client = sign_in(Client(), ngo)

    # when
    estimated = client.get(CASES).content.decode()
    second = client.get(CASES, {"page": 2}).content.decode()
    monkeypatch.setattr(selectors, "CASE_COUNT_LIMIT", 100)
    exact = client.get(CASES).content.decode()

    # then
    assert "More than 3 cases" in estimated
    assert "Page 1<" in estimated and "Page 1 of" not in estimated
    assert 'rel="next"' in estimated
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "30 cases" in exact and "More than" not in exact
    assert "Page 1 of 2" in exact


def test_it_tells_api_clients_when_the_count_is_a_lower_bound(
    ngo: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr(selectors, "CASE_COUNT_LIMIT", 3)
    cases = bulk_cases(lead=_org(ngo), opener=ngo, count=27)
    client = api_client_for(ngo)

    # when
    first = client.get(LIST_URL).json()
    second = client.get(LIST_URL, {"page": 2}).json()
    beyond = client.get(LIST_URL, {"page": 3})
    invalid = client.get(LIST_URL, {"page": "two"})

    # then
    assert (first["count"], first["count_exact"]) == (3, False)
    assert "page=2" in first["next"] and first["previous"] is None
    assert [r["id"] for r in second["results"]] == [str(c.pk) for c in cases[25:]]
    assert second["next"] is None and "page=" not in second["previous"]
    assert beyond.status_code == 404
    assert invalid.status_code == 404


def test_it_links_the_third_api_page_back_to_the_second(ngo: User) -> None:
    # given
    bulk_cases(lead=_org(ngo), opener=ngo, count=51)
    client = api_client_for(ngo)

    # when
    third = client.get(LIST_URL, {"page": 3}).json()

    # then
    assert (third["count"], third["count_exact"]) == (51, True)
    assert "page=2" in third["previous"]
    assert len(third["results"]) == 1


def test_it_reads_a_page_number_from_anything() -> None:
    assert [paging.page_number(raw) for raw in ("3", "0", "-2", "x", None, "")] == [
        3,
        1,
        1,
        1,
        1,
        1,
    ]


# --- the reference search ------------------------------------------------------------------


def test_it_finds_a_case_by_the_start_or_the_end_of_its_reference(ngo: User, plan: str) -> None:
    # given
    first, second = open_case(actor=ngo), open_case(actor=ngo)
    country, year, code = first.reference.split("-")

    # then: the end (any case, spaces, dashes), the start, the whole reference
    assert _ids(_page(ngo, reference=f" {code.lower()} ").object_list) == [first.pk]
    assert _ids(_page(ngo, reference=code[-3:]).object_list) == [first.pk]
    assert _ids(_page(ngo, reference=f"{year}-{code}").object_list) == [first.pk]
    assert _ids(_page(ngo, reference=first.reference.lower()).object_list) == [first.pk]
    assert _ids(_page(ngo, reference=f"{country}{year}").object_list) == [second.pk, first.pk]
    assert _page(ngo, reference=f"{country}-{year}").count == paging.Count(2, exact=True)
    # then: nothing for text with no letter or digit, nor for a reference not there
    assert _page(ngo, reference="--").object_list == []
    assert _page(ngo, reference="QQQQQQQQ").object_list == []


def test_it_finds_what_the_substring_search_found_for_the_usual_searches(ngo: User) -> None:
    # given
    cases = [open_case(actor=ngo) for _ in range(4)]
    searches = []
    for case in cases:
        code = case.reference.rsplit("-", 1)[1]
        searches += [case.reference, code, code.lower(), case.reference[-6:], code[-4:]]
    searches.append(cases[0].reference[:7])  # "FI-2026": a year's cases

    # then
    for text in searches:
        before = Case.objects.filter(reference__icontains=text).order_by("-opened_at", "id")
        assert _ids(selectors.case_list(user=ngo, reference=text)) == _ids(before), text


def test_it_searches_keys_at_the_end_of_the_alphabet(ngo: User) -> None:
    # given: references whose keys end in Z (the range's upper bound carries over)
    cases = bulk_cases(lead=_org(ngo), opener=ngo, count=2)
    Case.objects.filter(pk=cases[0].pk).update(
        reference="ZZ-2026-ZZZZZZ",
        reference_key="ZZ2026ZZZZZZ",
        reference_key_reversed="ZZZZZZ6202ZZ",
    )
    Case.objects.filter(pk=cases[1].pk).update(
        reference="FI-2026-AAAAZ9",
        reference_key="FI2026AAAAZ9",
        reference_key_reversed="9ZAAAA6202IF",
    )

    # then
    assert _ids(selectors.case_list(user=ngo, reference="zz")) == [cases[0].pk]
    assert _ids(selectors.case_list(user=ngo, reference="AAZ9")) == [cases[1].pk]
    assert _ids(selectors.case_list(user=ngo, reference="fi-2026-aaaaz")) == [cases[1].pk]
    assert selectors._key_successor("AZ") == "B"
    assert selectors._key_successor("A9") == "AA"
    assert selectors._key_successor("ZZ") == ""


def test_it_keeps_the_reference_keys_of_a_case_saved_through_the_model(ngo: User) -> None:
    # given
    case = open_case(actor=ngo)

    # then
    case.refresh_from_db()
    assert case.reference_key == reference_key(case.reference) == case.reference.replace("-", "")
    assert case.reference_key_reversed == case.reference_key[::-1]
    assert reference_key(" fi-2026 / äb7 ") == "FI2026B7"


def test_it_searches_the_reference_through_its_indexes(ngo: User) -> None:
    # then: a range on the key and on the reversed key, no substring scan
    condition = selectors.reference_search("7kq2")
    assert condition == Q(reference_key__gte="7KQ2", reference_key__lt="7KQ3") | Q(
        reference_key_reversed__gte="2QK7", reference_key_reversed__lt="2QK8"
    )
    sql = str(selectors.case_list(user=ngo, reference="7kq2").query).upper()
    assert "LIKE" not in sql


# --- query counts that do not grow with the cases ------------------------------------------


@pytest.mark.parametrize("cases", [1, 1000])
@pytest.mark.parametrize(
    "search", [{}, {"status": S.PRESUMED}, {"reference": "B00000"}], ids=["all", "status", "ref"]
)
def test_it_shows_the_case_list_in_the_same_number_of_queries_for_1_and_1000_cases(
    ngo: User,
    cases: int,
    search: dict[str, str],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    bulk_cases(lead=_org(ngo), opener=ngo, count=cases, status=S.PRESUMED)
    client = sign_in(Client(), ngo)
    client.get(CASES)  # the session's first-request writes

    # when / then: the session, the user and the second factor (3), the visible cases
    # counted (1), the matches counted for a search (1), the page (1), the frame (3:
    # notifications, referrals waiting, the organisation's name), the session saved
    # back (savepoint, update, release: 3)
    with django_assert_num_queries(12 if search else 11):
        response = client.get(CASES, search)
    assert response.status_code == 200
    assert (
        response.content.decode().count('<th scope="row" ') == min(cases, 25)
        if not search.get("reference")
        else 1
    )


@pytest.mark.parametrize("cases", [1, 1000])
def test_it_answers_the_api_list_in_the_same_number_of_queries_for_1_and_1000_cases(
    ngo: User, cases: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    bulk_cases(lead=_org(ngo), opener=ngo, count=cases)
    client: APIClient = api_client_for(ngo)

    # when / then: the bearer token (1), the visible cases counted (1), the page (1)
    with django_assert_num_queries(3):
        body = client.get(LIST_URL).json()
    assert (body["count"], body["count_exact"]) == (cases, True)
    assert len(body["results"]) == min(cases, 25)
