"""Pages of long lists read with a limit: one ordered read, or disjoint parts merged."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import Organisation, OrgType
from haven.lib import paging

pytestmark = pytest.mark.django_db


def _organisations(names: list[str]) -> None:
    for name in names:
        Organisation.objects.create(name=name, org_type=OrgType.NGO, country="FI")


def _parts() -> list[QuerySet[Organisation]]:
    everything = Organisation.objects.order_by("name", "id")
    return [everything.filter(name__startswith="a"), everything.filter(name__startswith="b")]


def test_counting_parts_sums_them_and_stops_at_the_limit() -> None:
    # given: three names in one part and two in the other
    _organisations(["a1", "a2", "a3", "b1", "b2"])
    parts = [p.values("id") for p in _parts()]

    # then
    assert paging.capped_count_of_parts(parts, limit=10) == paging.Count(5, exact=True)
    assert paging.capped_count_of_parts(parts, limit=4) == paging.Count(4, exact=False)
    # one part alone over the limit is enough to make the count a lower bound
    assert paging.capped_count_of_parts(parts, limit=2) == paging.Count(2, exact=False)


def test_parts_are_counted_in_one_query_however_many_there_are(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given: three parts, and a fourth that cannot match (never asked)
    _organisations(["a1", "a2", "b1", "c1"])
    everything = Organisation.objects.values("id")
    parts = [everything.filter(name__startswith=letter) for letter in "abc"]

    # when / then
    with django_assert_num_queries(1):
        count = paging.capped_count_of_parts([*parts, everything.none()], limit=10)
    assert count == paging.Count(4, exact=True)


def test_parts_that_cannot_match_count_nothing_without_a_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    _organisations(["a1"])
    nothing = Organisation.objects.filter(id__in=[]).values("id")

    # when / then
    with django_assert_num_queries(0):
        count = paging.capped_count_of_parts([nothing, nothing], limit=10)
    assert count == paging.Count(0, exact=True)


def test_parts_whose_count_is_known_are_not_asked_again(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given: three parts; the caller read two of them whole (2 and 0 rows)
    _organisations(["a1", "a2", "b1", "c1", "c2", "c3"])
    everything = Organisation.objects.values("id")
    parts = [everything.filter(name__startswith=letter) for letter in "abc"]

    # when / then: only the third is asked, and the known counts are added as they are
    with django_assert_num_queries(1) as captured:
        count = paging.capped_count_of_parts(parts, limit=10, known=[2, 0, None])
    assert count == paging.Count(5, exact=True)
    assert captured.captured_queries[0]["sql"].count("COUNT(*)") == 1
    # every part known: no query, and the limit still applies
    with django_assert_num_queries(0):
        assert paging.capped_count_of_parts(parts, limit=3, known=[2, 0, 3]) == paging.Count(
            3, exact=False
        )


@pytest.mark.parametrize(("read", "known"), [(0, 0), (3, 3), (4, None), (5, None)])
def test_rows_read_short_of_the_limit_are_all_there_is(read: int, known: int | None) -> None:
    assert paging.count_read(list(range(read)), limit=4) == known


def test_a_page_of_parts_is_the_page_of_their_union_in_order() -> None:
    # given: the parts interleave in the order of the number after the letter
    _organisations(["a1", "b2", "a3", "b4", "a5"])
    parts = _parts()
    count = paging.Count(5, exact=True)

    # when
    pages = [
        paging.page_of_parts(parts, key=lambda o: o.name[1:], number=n, per_page=2, count=count)
        for n in (1, 2, 3)
    ]

    # then
    assert [[o.name for o in page.object_list] for page in pages] == [
        ["a1", "b2"],
        ["a3", "b4"],
        ["a5"],
    ]
    assert [(p.has_previous, p.has_next, p.num_pages) for p in pages] == [
        (False, True, 3),
        (True, True, 3),
        (True, False, 3),
    ]


def test_a_page_past_the_end_is_the_last_page_when_the_count_is_exact_and_empty_otherwise() -> None:
    # given: the parts interleave in the order of the number after the letter
    _organisations(["a1", "b2", "a3"])
    parts = _parts()

    # when
    exact = paging.page_of_parts(
        parts,
        key=lambda o: o.name[1:],
        number=9,
        per_page=2,
        count=paging.Count(3, exact=True),
    )
    bound = paging.page_of_parts(
        parts,
        key=lambda o: o.name[1:],
        number=9,
        per_page=2,
        count=paging.Count(2, exact=False),
    )

    # then
    assert (exact.number, [o.name for o in exact.object_list]) == (2, ["a3"])
    assert (bound.number, bound.object_list, bound.num_pages) == (9, [], None)
