"""Links to one object by its id (``haven.lib.links``): the URL ``reverse`` gives,
reversed once a name rather than once a row."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
from django.urls import reverse, set_script_prefix

from haven.lib import links


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    links._around.cache_clear()
    yield
    links._around.cache_clear()


def test_it_gives_the_url_that_reverse_gives_for_any_uuid() -> None:
    for case_id in (uuid.uuid4(), uuid.uuid4(), uuid.UUID(int=0)):
        assert links.reverse_by_id("web:case_detail", case_id) == reverse(
            "web:case_detail", args=[case_id]
        )


def test_it_reverses_a_name_once_however_many_ids_it_links() -> None:
    # given
    ids = [uuid.uuid4() for _ in range(25)]

    # when
    with mock.patch.object(links, "reverse", wraps=reverse) as reversed_:
        urls = [links.reverse_by_id("web:case_detail", case_id) for case_id in ids]

    # then
    assert reversed_.call_count == 1
    assert urls == [reverse("web:case_detail", args=[case_id]) for case_id in ids]


def test_it_follows_the_url_prefix_of_the_request() -> None:
    # given: the site served under a path (SCRIPT_NAME), after a link was made at the root
    case_id = uuid.uuid4()
    at_root = links.reverse_by_id("web:case_detail", case_id)

    # when
    set_script_prefix("/haven/")
    try:
        under_prefix = links.reverse_by_id("web:case_detail", case_id)
    finally:
        set_script_prefix("/")

    # then
    assert under_prefix == "/haven" + at_root
    assert links.reverse_by_id("web:case_detail", case_id) == at_root


def test_it_reverses_anything_but_a_uuid_as_reverse_does() -> None:
    # given: the id as text (the converter accepts it), and something it refuses
    case_id = uuid.uuid4()

    # when
    with mock.patch.object(links, "reverse", wraps=reverse) as reversed_:
        as_text = links.reverse_by_id("web:case_detail", str(case_id))

    # then
    assert as_text == reverse("web:case_detail", args=[case_id])
    assert reversed_.call_count == 1
    assert links._around.cache_info().currsize == 0  # text is never swapped in
    with pytest.raises(Exception, match="Reverse for 'case_detail'"):
        links.reverse_by_id("web:case_detail", "not-an-id")
