"""Numbers in the reader's language (issue 18): the statistics tables group digits and
write decimals as the language does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from haven.lib.templatetags.haven_numbers import grouped


@pytest.mark.parametrize(
    ("language", "count", "share"),
    [
        ("en", "12,345", "1,234.5"),
        ("fi", "12\xa0345", "1\xa0234,5"),
        ("et", "12\xa0345", "1\xa0234,5"),
        ("sv", "12\xa0345", "1\xa0234,5"),
        ("ru", "12\xa0345", "1\xa0234,5"),
    ],
)
def test_numbers_are_grouped_and_separated_as_the_language_writes_them(
    language: str, count: str, share: str
) -> None:
    with translation.override(language):
        assert grouped(12345) == count
        assert grouped(Decimal("1234.5")) == share


def test_what_is_not_a_number_is_shown_as_it_is() -> None:
    with translation.override("fi"):
        assert grouped(None) == ""
        assert grouped("12345") == "12345"
        assert grouped(True) == "True"


def test_a_statistics_table_cell_groups_its_count_and_marks_a_suppressed_one() -> None:
    with translation.override("fi"):
        shown = render_to_string("statistics/_value.html", {"value": 12345})
        suppressed = render_to_string("statistics/_value.html", {"value": None})

    assert shown.strip() == "12\xa0345"
    assert "—" in suppressed
